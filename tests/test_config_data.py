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


# ----------------------------------------------------------------------------------------------
# data.features (#14): the network's inputs computed from 2-D data

CIRCLE_FEATURES = {
    **net(2, (1, "sigmoid"), loss="bce"),
    "data": {"name": "circle", "features": ["x1^2", "x2^2"]},
}


def test_features_default_to_the_two_inputs_and_are_not_written():
    cfg = config_from_dict({})
    assert cfg.data.features == ("x1", "x2") and not cfg.data.custom_features
    assert "features" not in config_to_dict(cfg)["data"]
    explicit = config_from_dict({"data": {"name": "xor", "features": ["x1", "x2"]}})
    assert explicit == cfg and dumps_config(explicit) == dumps_config(cfg)


def test_features_are_read_written_and_read_back():
    cfg = config_from_dict(CIRCLE_FEATURES)
    assert cfg.data.features == ("x1^2", "x2^2") and cfg.data.custom_features
    out = config_to_dict(cfg)
    assert out["data"]["features"] == ["x1^2", "x2^2"]
    assert list(out["data"])[-1] == "features"  # a new key at the end of its section
    assert config_from_dict(json.loads(dumps_config(cfg))) == cfg
    three = {
        **net(3, (1, "sigmoid"), loss="bce"),
        "data": {"name": "xor", "features": ["x1*x2", "sin(x1)", "x2"]},
    }
    assert config_from_dict(three).data.features == ("x1*x2", "sin(x1)", "x2")  # order kept


def test_a_config_built_in_code_takes_features():
    base = config_from_dict(CIRCLE_FEATURES)
    cfg = validate_config(
        dataclasses.replace(
            base,
            data=dataclasses.replace(base.data, features=["x1", "x2", "x1*x2"]),
            network=dataclasses.replace(base.network, inputs=3),
        )
    )
    assert cfg.data.features == ("x1", "x2", "x1*x2")  # a list becomes a tuple
    with pytest.raises(ConfigError) as info:
        base.replace(data=dataclasses.replace(base.data, features=("x1",)))
    assert info.value.key == "network.inputs"


@pytest.mark.parametrize(
    ("features", "key", "fragment"),
    [
        (["x1", "x1^3"], "data.features[1]", "unknown feature 'x1^3'; did you mean 'x1^2'?"),
        (["x1**2"], "data.features[0]", "did you mean 'x1^2'?"),
        (["sin x2"], "data.features[0]", "did you mean 'sin(x2)'?"),
        (
            ["cos(x1)"],
            "data.features[0]",
            "(choose from x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2))",
        ),
        (["x1", 2], "data.features[1]", "must be a feature name (a string), got 2"),
        (["x1", "x2", "x1"], "data.features[2]", "feature 'x1' is listed twice"),
        ([], "data.features", "must name at least one feature"),
        ("x1^2", "data.features", "must be an array, got 'x1^2'"),
        ({"x1": 1}, "data.features", "must be an array"),
    ],
)
def test_feature_refusals_name_the_key(features, key, fragment):
    err = error({**CIRCLE_FEATURES, "data": {"name": "circle", "features": features}})
    assert err.key == key and fragment in str(err), str(err)
    assert str(err).startswith(key + ": ")


def test_unknown_feature_message_in_full():
    err = error({**CIRCLE_FEATURES, "data": {"name": "circle", "features": ["x1", "x2", "x1^3"]}})
    assert str(err) == (
        "data.features[2]: unknown feature 'x1^3'; did you mean 'x1^2'? (choose from x1, x2, "
        "x1^2, x2^2, x1*x2, sin(x1), sin(x2))"
    )


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("sine", "not used with 'sine': it has 1 input, and input features are made from 2"),
        ("linear", "it has 1 input"),
        ("digits", "not used with 'digits': it has 64 inputs"),
        ("iris", "it has 4 inputs"),
    ],
)
def test_features_need_2d_data(name, fragment):
    err = error({"data": {"name": name, "features": ["x1"]}})
    assert err.key == "data.features" and fragment in str(err), str(err)
    assert "xor, circle, gaussian, spiral, or a CSV file with 2 inputs" in str(err)


@pytest.mark.parametrize("name", ["xor", "circle", "gaussian", "spiral"])
def test_every_2d_set_takes_features(name):
    cfg = config_from_dict(
        {**net(1, (1, "sigmoid"), loss="bce"), "data": {"name": name, "features": ["x1*x2"]}}
    )
    assert cfg.data.features == ("x1*x2",)


def test_network_inputs_must_equal_the_number_of_features():
    err = error({**CIRCLE_FEATURES, "data": {"name": "circle", "features": ["x1^2", "x2^2", "x1"]}})
    assert err.key == "network.inputs"
    assert str(err) == (
        "network.inputs: data.features gives the network 3 inputs (x1^2, x2^2, x1), got 2"
    )
    err = error({**net(2, (1, "sigmoid"), loss="bce"), "data": {"features": ["x1*x2"]}})
    assert str(err) == "network.inputs: data.features gives the network 1 input (x1*x2), got 2"


def csv_data(inputs, **extra):
    return {"source": "csv", "path": "d.csv", "inputs": inputs, "targets": ["y"], **extra}


def test_csv_features_need_two_input_columns():
    ok = config_from_dict(
        {**net(1, (1, "sigmoid"), loss="bce"), "data": csv_data(["a", "b"], features=["x1*x2"])}
    )
    assert ok.data.features == ("x1*x2",)
    assert config_to_dict(ok)["data"]["features"] == ["x1*x2"]
    err = error(
        {**net(1, (1, "sigmoid"), loss="bce"), "data": csv_data(["a", "b", "c"], features=["x1"])}
    )
    assert err.key == "data.features"
    assert str(err) == (
        "data.features: input features are made from 2 inputs (x1, x2), but data.inputs names "
        "3 (a, b, c)"
    )
    err = error({**net(1, (1, "sigmoid"), loss="bce"), "data": csv_data(["a"], features=["x1"])})
    assert err.key == "data.features" and "names 1 (a)" in str(err)


def test_a_features_typo_at_the_top_level_or_in_data():
    err = error({**CIRCLE_FEATURES, "data": {"name": "circle", "feature": ["x1^2"]}})
    assert err.key == "data.feature" and "did you mean 'features'?" in str(err)


def test_dataconfig_stays_positional_compatible():
    data = DataConfig("builtin", "circle", 100, 0.2, 0.1, 3)
    assert data.features == ("x1", "x2") and data.standardize is False


def test_features_at_the_top_level_point_into_data():
    err = error({**CIRCLE_FEATURES, "features": ["x1^2"]})
    assert err.key == "features" and "did you mean 'data.features'?" in str(err)


def test_with_features_changes_the_inputs_too():
    cfg = config_from_dict(CIRCLE_FEATURES).with_features(["x1", "x2", "x1*x2"])
    assert cfg.data.features == ("x1", "x2", "x1*x2") and cfg.network.inputs == 3
    back = cfg.with_features(("x1", "x2"))
    assert back.network.inputs == 2 and "features" not in config_to_dict(back)["data"]
    with pytest.raises(ConfigError) as info:
        cfg.with_features([])
    assert info.value.key == "data.features"
    sine = config_from_dict({**net(1, (1, "linear"), loss="mse"), "data": {"name": "sine"}})
    with pytest.raises(ConfigError) as info:
        sine.with_features(["x1^2"])
    assert info.value.key == "data.features" and "'sine'" in str(info.value)
