"""The data keys of #11: data.classes, data.standardize and the shipped names digits and iris."""

from __future__ import annotations

import dataclasses
import json

import pytest

from gdsim.config import (
    Config,
    ConfigError,
    DataConfig,
    config_from_dict,
    config_to_dict,
    dumps_config,
    validate_config,
)


def net(inputs, *units_activations, loss="cross_entropy"):
    layers = [{"units": u, "activation": a} for u, a in units_activations]
    return {"network": {"inputs": inputs, "layers": layers}, "loss": loss}


SPIRAL3 = {**net(2, (8, "tanh"), (3, "softmax")), "data": {"name": "spiral", "classes": 3}}
DIGITS = {**net(64, (32, "relu"), (10, "softmax")), "data": {"name": "digits"}}


def error(data) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_dict(data)
    assert "\n" not in str(info.value)
    return info.value


def test_defaults_keep_old_configs_as_they_were():
    cfg = config_from_dict({})
    assert cfg.data.classes == 2 and cfg.data.standardize is False
    assert cfg.data.class_count() == 2


@pytest.mark.parametrize(
    ("data", "key", "fragment"),
    [
        ({"name": "xor", "classes": 3}, "data.classes", "'xor' has 2 classes only, got 3"),
        ({"name": "circle", "classes": 5}, "data.classes", "use 'gaussian' or 'spiral'"),
        ({"name": "linear", "classes": 2}, "data.classes", "numbers to predict, not classes"),
        ({"name": "gaussian", "classes": 1}, "data.classes", "must be >= 2, got 1"),
        ({"name": "spiral", "classes": 11}, "data.classes", "must be <= 10, got 11"),
        ({"name": "spiral", "classes": 3.0}, "data.classes", "must be an integer"),
        ({"name": "digits", "samples": 100}, "data.samples", "has its own 1,797 samples"),
        ({"name": "iris", "noise": 0.1}, "data.noise", "real data brings its own noise"),
        ({"name": "iris", "classes": 3}, "data.classes", "its own 3 classes"),
        ({"name": "xor", "standardize": 1}, "data.standardize", "must be true or false"),
    ],
)
def test_data_key_refusals_name_the_key_and_the_fix(data, key, fragment):
    err = error({"data": data})
    assert err.key == key and fragment in str(err), str(err)


def test_xor_and_circle_accept_two_classes():
    assert config_from_dict({"data": {"name": "xor", "classes": 2}}).data.class_count() == 2


@pytest.mark.parametrize(
    ("changes", "key", "fragment"),
    [
        (net(2, (4, "tanh"), (1, "sigmoid"), loss="bce"), "loss", "'bce' cannot learn the 3"),
        (net(2, (3, "linear"), loss="mse"), "loss", "use 'cross_entropy' with 3 softmax"),
        (net(2, (4, "softmax")), "network.layers[0].units", "needs 3 units, got 4"),
    ],
)
def test_more_than_two_classes_need_k_softmax_outputs(changes, key, fragment):
    err = error({**SPIRAL3, **changes})
    assert err.key == key and fragment in str(err), str(err)


def test_shipped_sets_fix_inputs_and_outputs():
    assert config_from_dict(DIGITS).data.class_count() == 10
    err = error({**DIGITS, **net(2, (10, "softmax"))})
    assert err.key == "network.inputs" and "'digits' has 64 inputs, got 2" in str(err)
    err = error({**DIGITS, **net(64, (3, "softmax"))})
    assert "'digits' has 10 classes" in str(err)
    err = error({**net(4, (1, "sigmoid"), loss="bce"), "data": {"name": "iris"}})
    assert err.key == "loss" and "3 classes of 'iris'" in str(err)


@pytest.mark.parametrize(
    "data",
    [
        SPIRAL3,
        {**DIGITS, "data": {"name": "digits", "standardize": True, "test_fraction": 0.3}},
        {**net(4, (3, "softmax")), "data": {"name": "iris", "seed": 9}},
        {"data": {"name": "gaussian", "classes": 2, "standardize": True}},
        {
            "data": {
                "source": "csv",
                "path": "d.csv",
                "inputs": ["a"],
                "targets": ["b"],
                "standardize": True,
            }
        },
    ],
)
def test_round_trip(data):
    cfg = config_from_dict(data)
    text = dumps_config(cfg)
    assert config_from_dict(json.loads(text)) == cfg
    assert cfg.replace() == cfg


def test_canonical_form_writes_what_applies():
    assert config_to_dict(config_from_dict(SPIRAL3))["data"] == {
        "source": "builtin",
        "name": "spiral",
        "samples": 200,
        "noise": 0.1,
        "classes": 3,
        "test_fraction": 0.2,
        "seed": 1,
        "standardize": False,
    }
    assert set(config_to_dict(config_from_dict(DIGITS))["data"]) == {
        "source",
        "name",
        "test_fraction",
        "seed",
        "standardize",
    }


def test_values_that_do_not_apply_are_kept_for_the_form():
    cfg = config_from_dict(SPIRAL3)
    # the form switches to xor (2 outputs fit it), keeping the 3 typed for spiral
    xor = validate_config(
        dataclasses.replace(
            cfg,
            data=dataclasses.replace(cfg.data, name="xor"),
            network=config_from_dict(net(2, (8, "tanh"), (2, "softmax"))).network,
        )
    )
    assert xor.data.classes == 3 and xor.data.class_count() == 2
    assert "classes" not in config_to_dict(xor)["data"]
    digits = Config().replace(
        data=DataConfig(name="digits", samples=500),
        network=config_from_dict(DIGITS).network,
        loss="cross_entropy",
    )
    assert digits.data.samples == 500 and "samples" not in config_to_dict(digits)["data"]


def test_top_level_keys_are_pointed_into_data():
    assert "data.classes" in str(error({"classes": 3}))
    assert "data.standardize" in str(error({"standardize": True}))


def test_a_config_built_in_code_with_a_wrong_name_type_is_refused_cleanly():
    with pytest.raises(ConfigError, match="data.name: must be one of"):
        Config().replace(data=DataConfig(name=["digits"]))
