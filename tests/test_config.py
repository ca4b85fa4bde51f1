"""Tests for gdsim.config: the JSON config format, its validation and its files."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.config import (
    ACTIVATIONS,
    GENERATED_DATASETS,
    INIT_SCHEMES,
    LOSSES,
    MAX_NETWORK_PARAMETERS,
    MAX_RUN_MEMORY,
    OPTIMIZER_DEFAULTS,
    OPTIMIZERS,
    REGULARIZATIONS,
    Config,
    ConfigError,
    DataConfig,
    InitConfig,
    LayerConfig,
    NetworkConfig,
    OptimizerConfig,
    RegularizationConfig,
    config_from_dict,
    config_to_dict,
    default_config,
    dumps_config,
    load_config,
    save_config,
    validate_config,
)
from gdsim.config.memory import run_memory

CONTRACT_EXAMPLE = {
    "gdsim": 1,
    "mode": "network",
    "network": {
        "inputs": 2,
        "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
    },
    "loss": "bce",
    "init": {"scheme": "xavier_uniform", "seed": 0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
    "batch_size": 0,
    "regularization": {"kind": "none", "rate": 0.0},
    "data": {
        "source": "builtin",
        "name": "xor",
        "samples": 200,
        "noise": 0.1,
        "test_fraction": 0.2,
        "seed": 1,
    },
}

FUNCTION_EXAMPLE = {
    "gdsim": 1,
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}


def with_changes(base: dict, *changes: tuple[str, object]) -> dict:
    """A deep copy of `base` with dotted paths set ("network.layers.0.units", 5); the value
    DELETE removes the key."""
    out = copy.deepcopy(base)
    for path, value in changes:
        *parents, last = path.split(".")
        node = out
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        elif value is DELETE:
            del node[last]
        else:
            node[last] = value
    return out


DELETE = object()


def network(*layers: tuple[int, str], inputs: int = 2) -> dict:
    return {"inputs": inputs, "layers": [{"units": u, "activation": a} for u, a in layers]}


def error_of(data) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_dict(data)
    return info.value


# ----------------------------------------------------------------------------------------------
# The contract example and defaults


def test_contract_example_loads():
    cfg = config_from_dict(CONTRACT_EXAMPLE)
    assert cfg.mode == "network"
    assert cfg.network == NetworkConfig(2, (LayerConfig(4, "tanh"), LayerConfig(1, "sigmoid")))
    assert cfg.loss == "bce"
    assert cfg.init == InitConfig("xavier_uniform", 0)
    assert cfg.optimizer.name == "sgd" and cfg.optimizer.learning_rate == 0.1
    assert cfg.batch_size == 0
    assert cfg.regularization == RegularizationConfig("none", 0.0)
    assert cfg.data == DataConfig("builtin", "xor", 200, 0.1, 0.2, 1)
    assert cfg.evaluate_every == 0
    assert cfg == default_config() == Config()


def test_contract_example_loads_from_file(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(CONTRACT_EXAMPLE, indent=2), encoding="utf-8")
    cfg = load_config(path)
    assert cfg == default_config()
    assert cfg.base_dir == tmp_path


def test_empty_object_is_the_default_config():
    assert config_from_dict({}) == default_config()
    assert config_from_dict({"mode": "network"}) == default_config()


def test_default_config_is_valid_and_canonical():
    cfg = default_config()
    assert validate_config(cfg) == cfg
    assert isinstance(cfg.optimizer.learning_rate, float)
    assert config_to_dict(cfg)["optimizer"] == {
        "name": "sgd",
        "learning_rate": 0.1,
        "momentum": 0.0,
        "dampening": 0.0,
        "nesterov": False,
    }


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_defaults_are_filled(name):
    cfg = config_from_dict({"optimizer": {"name": name}})
    assert cfg.optimizer.hyperparameters() == OPTIMIZER_DEFAULTS[name]
    assert isinstance(cfg.optimizer.learning_rate, float)


def test_optimizer_name_defaults_to_sgd_with_torch_learning_rate():
    cfg = config_from_dict({"optimizer": {}})
    assert cfg.optimizer.name == "sgd"
    assert cfg.optimizer.learning_rate == 1e-3
    # The omitted optimizer, by contrast, is the default config's (lr 0.1).
    assert config_from_dict({}).optimizer.learning_rate == 0.1


def test_hyperparameters_only_has_the_optimizers_keys():
    cfg = config_from_dict(
        {"optimizer": {"name": "adam", "learning_rate": 0.01, "beta1": 0.8, "amsgrad": True}}
    )
    assert cfg.optimizer.hyperparameters() == {
        "learning_rate": 0.01,
        "beta1": 0.8,
        "beta2": 0.999,
        "eps": 1e-8,
        "amsgrad": True,
    }
    assert list(OptimizerConfig(name="rmsprop").hyperparameters()) == [
        "learning_rate",
        "alpha",
        "eps",
        "momentum",
        "centered",
    ]
    assert OptimizerConfig(name="rmsprop").hyperparameters()["learning_rate"] == 1e-2


def test_section_defaults_are_filled():
    cfg = config_from_dict(
        {
            "network": network((3, "relu"), (1, "linear"), inputs=1),
            "loss": "mse",
            "init": {"scheme": "normal"},
            "regularization": {"kind": "l2"},
            "data": {"name": "sine"},
        }
    )
    assert cfg.init == InitConfig("normal", 0, 0.1)
    assert cfg.regularization == RegularizationConfig("l2", 0.0)
    assert cfg.data == DataConfig("builtin", "sine", 200, 0.1, 0.2, 1)
    assert cfg.optimizer == default_config().optimizer


def test_csv_defaults():
    cfg = config_from_dict(
        {"data": {"source": "csv", "path": "d.csv", "inputs": ["a", "b"], "targets": ["y"]}}
    )
    assert cfg.data.test_fraction == 0.0
    assert cfg.data.seed == 1
    assert cfg.data.inputs == ("a", "b") and cfg.data.targets == ("y",)


def test_ints_are_accepted_for_floats_and_become_floats():
    cfg = config_from_dict(
        {
            "optimizer": {"name": "sgd", "learning_rate": 1, "momentum": 0},
            "data": {"noise": 0, "test_fraction": 0},
        }
    )
    assert type(cfg.optimizer.learning_rate) is float and cfg.optimizer.learning_rate == 1.0
    assert type(cfg.optimizer.momentum) is float
    assert type(cfg.data.noise) is float and type(cfg.data.test_fraction) is float


def test_hidden_layers_may_be_absent():
    cfg = config_from_dict({"network": network((1, "sigmoid"), inputs=3)})
    assert cfg.network.hidden_layers == ()
    assert cfg.network.output_layer == LayerConfig(1, "sigmoid")


def test_limits_are_inclusive():
    # Each limit on its own: together, 10^5 inputs into 10^5 units on 10^6 samples would need
    # terabytes, which the memory check refuses (tests/test_limits.py).
    cfg = config_from_dict(
        {
            "network": {"inputs": 100_000, "layers": [{"units": 1, "activation": "sigmoid"}]},
            "optimizer": {"learning_rate": 1000},
            "init": {"seed": 2**32 - 1},
            "data": {"samples": 4, "noise": 10, "test_fraction": 0.9, "seed": 0},
        }
    )
    assert cfg.optimizer.learning_rate == 1000.0
    wide = {"inputs": 1, "layers": [{"units": 100_000, "activation": "sigmoid"}]}
    assert config_from_dict({"network": wide}).network.layers[0].units == 100_000
    assert config_from_dict({"data": {"samples": 1_000_000}}).data.samples == 1_000_000
    assert config_from_dict({"data": {"samples": 4}}).data.samples == 4
    layers = [{"units": 1, "activation": "tanh"}] * 63 + [{"units": 1, "activation": "sigmoid"}]
    assert len(config_from_dict({"network": {"inputs": 1, "layers": layers}}).network.layers) == 64


# ----------------------------------------------------------------------------------------------
# Round trips

NETWORK_VARIANTS = {
    "default": {},
    "sgd-nesterov": {
        "optimizer": {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True}
    },
    "sgd-dampening": {"optimizer": {"name": "sgd", "momentum": 0.5, "dampening": 0.1}},
    "rmsprop": {
        "optimizer": {
            "name": "rmsprop",
            "learning_rate": 0.001,
            "alpha": 0.9,
            "eps": 1e-6,
            "momentum": 0.1,
            "centered": True,
        }
    },
    "adam": {
        "optimizer": {
            "name": "adam",
            "learning_rate": 0.002,
            "beta1": 0.8,
            "beta2": 0.99,
            "eps": 1e-7,
            "amsgrad": True,
        }
    },
    "softmax": {
        "network": network((8, "relu"), (5, "leaky_relu"), (3, "softmax")),
        "loss": "cross_entropy",
        "data": {"name": "spiral", "samples": 300},
    },
    "regression": {
        "network": network((16, "tanh"), (1, "linear"), inputs=1),
        "loss": "mse",
        "data": {"name": "sine", "noise": 0.0, "test_fraction": 0.0, "seed": 7},
        "batch_size": 32,
        "evaluate_every": 10,
        "regularization": {"kind": "l2", "rate": 0.001},
    },
    "l1-uniform": {
        "init": {"scheme": "uniform", "scale": 0.5, "seed": 123},
        "regularization": {"kind": "l1", "rate": 0.01},
    },
    "normal-init": {"init": {"scheme": "normal", "scale": 2}},
    "zeros-init": {"init": {"scheme": "zeros"}},
    "no-hidden": {"network": network((1, "sigmoid"), inputs=2), "data": {"name": "gaussian"}},
    "csv": {
        "network": network((4, "tanh"), (1, "linear"), inputs=3),
        "loss": "mse",
        "data": {
            "source": "csv",
            "path": "data/houses.csv",
            "inputs": ["area", "rooms", "age"],
            "targets": ["price"],
            "test_fraction": 0.25,
            "seed": 5,
        },
    },
    "csv-multi-target": {
        "network": network((2, "sigmoid"), inputs=1),
        "data": {
            "source": "csv",
            "path": "/abs/ü data.csv",
            "inputs": ["x"],
            "targets": ["y1", "y2"],
        },
    },
}
NETWORK_VARIANTS.update({f"init-{s}": {"init": {"scheme": s, "seed": 3}} for s in INIT_SCHEMES})


@pytest.mark.parametrize("changes", NETWORK_VARIANTS.values(), ids=NETWORK_VARIANTS.keys())
def test_round_trip_dict(changes):
    cfg = config_from_dict(changes)
    as_dict = config_to_dict(cfg)
    json.dumps(as_dict, allow_nan=False)  # JSON-ready
    assert config_from_dict(as_dict) == cfg
    assert config_to_dict(config_from_dict(as_dict)) == as_dict


@pytest.mark.parametrize("changes", NETWORK_VARIANTS.values(), ids=NETWORK_VARIANTS.keys())
def test_round_trip_file(changes, tmp_path):
    cfg = config_from_dict(changes, base_dir=tmp_path)
    path = tmp_path / "run.json"
    save_config(cfg, path)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "gdsim": 1,\n')
    assert text == dumps_config(cfg)
    loaded = load_config(path)
    assert loaded == cfg
    assert loaded.base_dir == tmp_path
    assert not list(tmp_path.glob(".*.tmp"))


def test_canonical_dict_keeps_only_relevant_keys():
    cfg = config_from_dict({"optimizer": {"name": "adam"}, "init": {"scheme": "he_normal"}})
    out = config_to_dict(cfg)
    assert list(out) == [
        "gdsim",
        "mode",
        "network",
        "loss",
        "init",
        "optimizer",
        "batch_size",
        "regularization",
        "data",
        "evaluate_every",
    ]
    assert out["optimizer"] == {
        "name": "adam",
        "learning_rate": 0.001,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "amsgrad": False,
    }
    assert out["init"] == {"scheme": "he_normal", "seed": 0}
    common = {"source", "test_fraction", "seed", "standardize"}
    assert set(out["data"]) == common | {"name", "samples", "noise"}  # xor: no data.classes
    csv = config_to_dict(config_from_dict(NETWORK_VARIANTS["csv"]))
    assert set(csv["data"]) == common | {"path", "inputs", "targets"}


def test_dumps_is_pretty_json():
    text = dumps_config(default_config())
    assert text == json.dumps(config_to_dict(default_config()), indent=2) + "\n"


def test_save_keeps_non_ascii_and_writes_utf8(tmp_path):
    cfg = config_from_dict(NETWORK_VARIANTS["csv-multi-target"])
    path = tmp_path / "ü.json"
    save_config(cfg, path)
    assert "ü data.csv" in path.read_bytes().decode("utf-8")
    assert load_config(path) == cfg


def test_save_validates_first(tmp_path):
    bad = dataclasses.replace(default_config(), batch_size=-1)
    path = tmp_path / "bad.json"
    with pytest.raises(ConfigError, match=r"^batch_size: must be >= 0, got -1$"):
        save_config(bad, path)
    assert not path.exists()


def test_save_into_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        save_config(default_config(), tmp_path / "nope" / "run.json")


# ----------------------------------------------------------------------------------------------
# Errors: every class, with its key path and message

BAD_CONFIGS = [
    # (config, key, message substring)
    ({"gdsim": 2}, "gdsim", "unsupported format version 2"),
    ({"gdsim": "1"}, "gdsim", "must be an integer, got '1'"),
    ({"mode": "functon"}, "mode", "unknown value 'functon'; did you mean 'function'?"),
    ({"optimiser": {}}, "optimiser", "unknown key; did you mean 'optimizer'?"),
    ({"layers": []}, "layers", "did you mean 'network.layers'?"),
    ({"function": "x**2"}, "function", "not used in network mode"),
    ({"network": []}, "network", "must be an object, got an array"),
    (
        {"network": {"layers": [{"units": 1, "activation": "sigmoid"}]}},
        "network.inputs",
        "required key is missing",
    ),
    ({"network": {"inputs": 2}}, "network.layers", "required key is missing"),
    ({"network": {"inputs": 0, "layers": []}}, "network.inputs", "must be >= 1, got 0"),
    (
        {"network": {"inputs": 100_001, "layers": []}},
        "network.inputs",
        "must be <= 100000, got 100001",
    ),
    ({"network": {"inputs": 2, "layers": []}}, "network.layers", "at least one layer"),
    (
        {"network": {"inputs": 2, "layers": {"units": 1}}},
        "network.layers",
        "must be an array, got an object",
    ),
    (
        {"network": {"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid"}] * 65}},
        "network.layers",
        "at most 64 layers are allowed, got 65",
    ),
    (
        {"network": {"inputs": 2, "layers": [4, {"units": 1, "activation": "sigmoid"}]}},
        "network.layers[0]",
        "must be an object, got 4",
    ),
    (
        {"network": network((4, "tahn"), (1, "sigmoid"))},
        "network.layers[0].activation",
        "unknown value 'tahn'; did you mean 'tanh'? (choose from linear, sigmoid, tanh, relu, "
        "leaky_relu, softmax)",
    ),
    (
        {"network": network((4, "tanh"), (0, "sigmoid"))},
        "network.layers[1].units",
        "must be >= 1, got 0",
    ),
    (
        {"network": network((4.0, "tanh"), (1, "sigmoid"))},
        "network.layers[0].units",
        "must be an integer, got 4.0",
    ),
    (
        {"network": {"inputs": 2, "layers": [{"units": 4}, {"units": 1, "activation": "sigmoid"}]}},
        "network.layers[0].activation",
        "required key is missing",
    ),
    (
        {"network": {"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid", "bias": True}]}},
        "network.layers[0].bias",
        "unknown key (allowed: units, activation)",
    ),
    (
        {"network": network((3, "softmax"), (1, "sigmoid"))},
        "network.layers[0].activation",
        "softmax is only allowed on the output layer",
    ),
    (
        {"network": network((4, "tanh"), (1, "softmax")), "loss": "mse"},
        "network.layers[1].units",
        "a softmax layer needs at least 2 units, got 1",
    ),
    (
        {"network": network((4, "tanh"), (1, "tanh"))},
        "loss",
        "'bce' (the default loss) needs a sigmoid output layer, got 'tanh'",
    ),
    (
        {"network": network((4, "tanh"), (1, "tanh")), "loss": "bce"},
        "loss",
        "'bce' needs a sigmoid output layer, got 'tanh'",
    ),
    (
        {"network": network((4, "tanh"), (2, "sigmoid")), "loss": "cross_entropy"},
        "loss",
        "'cross_entropy' needs a softmax output layer, got 'sigmoid'",
    ),
    ({"loss": "crossentropy"}, "loss", "did you mean 'cross_entropy'?"),
    ({"loss": 1}, "loss", "must be one of mse, bce, cross_entropy; got 1"),
    ({"init": {"scheme": "xavier"}}, "init.scheme", "did you mean 'xavier_uniform'?"),
    (
        {"init": {"scheme": "he_normal", "scale": 0.5}},
        "init.scale",
        "only the uniform and normal schemes take a scale, not 'he_normal'",
    ),
    ({"init": {"scheme": "uniform", "scale": 0}}, "init.scale", "must be > 0, got 0"),
    ({"init": {"seed": -1}}, "init.seed", "must be >= 0, got -1"),
    ({"init": {"seed": 2**32}}, "init.seed", "must be <= 4294967295, got 4294967296"),
    ({"init": "xavier_uniform"}, "init", "must be an object, got 'xavier_uniform'"),
    (
        {"optimizer": {"name": "sgd", "learning_rate": -0.1}},
        "optimizer.learning_rate",
        "must be > 0, got -0.1",
    ),
    ({"optimizer": {"learning_rate": 0}}, "optimizer.learning_rate", "must be > 0, got 0"),
    (
        {"optimizer": {"learning_rate": 1001}},
        "optimizer.learning_rate",
        "must be <= 1000, got 1001",
    ),
    (
        {"optimizer": {"learning_rate": "0.1"}},
        "optimizer.learning_rate",
        "must be a number, got '0.1'",
    ),
    (
        {"optimizer": {"learning_rate": None}},
        "optimizer.learning_rate",
        "must be a number, got null",
    ),
    (
        {"optimizer": {"learning_rate": 10**400}},
        "optimizer.learning_rate",
        "must be a finite number",
    ),
    (
        {"optimizer": {"name": "adamw"}},
        "optimizer.name",
        "unknown value 'adamw'; did you mean 'adam'? (choose from sgd, rmsprop, adam)",
    ),
    (
        {"optimizer": {"name": "sgd", "alpha": 0.9}},
        "optimizer.alpha",
        "not a setting of 'sgd' (it belongs to rmsprop); sgd takes learning_rate, momentum, "
        "dampening, nesterov",
    ),
    (
        {"optimizer": {"name": "sgd", "eps": 1e-8}},
        "optimizer.eps",
        "not a setting of 'sgd' (it belongs to rmsprop and adam)",
    ),
    (
        {"optimizer": {"name": "adam", "momentum": 0.9}},
        "optimizer.momentum",
        "not a setting of 'adam' (it belongs to sgd and rmsprop); adam takes learning_rate, "
        "beta1, beta2, eps, amsgrad",
    ),
    (
        {"optimizer": {"name": "adam", "lr": 0.1}},
        "optimizer.lr",
        "unknown key; did you mean 'learning_rate'?",
    ),
    ({"optimizer": {"name": "adam", "beta_1": 0.1}}, "optimizer.beta_1", "did you mean 'beta1'?"),
    ({"optimizer": {"momentum": 1.0}}, "optimizer.momentum", "must be < 1, got 1.0"),
    ({"optimizer": {"momentum": -0.5}}, "optimizer.momentum", "must be >= 0, got -0.5"),
    ({"optimizer": {"dampening": 1}}, "optimizer.dampening", "must be < 1, got 1"),
    (
        {"optimizer": {"nesterov": True}},
        "optimizer.nesterov",
        "needs momentum > 0 and dampening = 0, got momentum 0.0 and dampening 0.0",
    ),
    (
        {"optimizer": {"nesterov": True, "momentum": 0.9, "dampening": 0.1}},
        "optimizer.nesterov",
        "needs momentum > 0 and dampening = 0",
    ),
    ({"optimizer": {"nesterov": 1}}, "optimizer.nesterov", "must be true or false, got 1"),
    ({"optimizer": {"name": "rmsprop", "alpha": 1}}, "optimizer.alpha", "must be < 1, got 1"),
    (
        {"optimizer": {"name": "rmsprop", "centered": "yes"}},
        "optimizer.centered",
        "must be true or false, got 'yes'",
    ),
    ({"optimizer": {"name": "adam", "beta2": 1.5}}, "optimizer.beta2", "must be < 1, got 1.5"),
    ({"optimizer": {"name": "adam", "eps": 0.0}}, "optimizer.eps", "must be > 0, got 0.0"),
    (
        {"optimizer": {"name": "adam", "amsgrad": 0}},
        "optimizer.amsgrad",
        "must be true or false, got 0",
    ),
    ({"batch_size": -1}, "batch_size", "must be >= 0, got -1"),
    ({"batch_size": 4.0}, "batch_size", "must be an integer, got 4.0"),
    ({"batch_size": True}, "batch_size", "must be an integer, got true"),
    ({"evaluate_every": -5}, "evaluate_every", "must be >= 0, got -5"),
    ({"evaluate_every": 2.5}, "evaluate_every", "must be an integer, got 2.5"),
    (
        {"regularization": {"kind": "L2"}},
        "regularization.kind",
        "unknown value 'L2'; did you mean 'l2'? (choose from none, l1, l2)",
    ),
    (
        {"regularization": {"kind": "ridge"}},
        "regularization.kind",
        "unknown value 'ridge' (choose from none, l1, l2)",
    ),
    (
        {"regularization": {"kind": "l2", "rate": -0.1}},
        "regularization.rate",
        "must be >= 0, got -0.1",
    ),
    (
        {"regularization": {"kind": "l2", "strength": 1}},
        "regularization.strength",
        "unknown key (allowed: kind, rate)",
    ),
    ({"regularization": "l2"}, "regularization", "must be an object, got 'l2'"),
    ({"data": {"name": "moons"}}, "data.name", "unknown value 'moons'"),
    ({"data": {"name": "Spiral"}}, "data.name", "did you mean 'spiral'?"),
    ({"data": {"source": "file"}}, "data.source", "choose from builtin, csv"),
    ({"data": {"samples": 3}}, "data.samples", "must be >= 4, got 3"),
    ({"data": {"samples": 1_000_001}}, "data.samples", "must be <= 1000000, got 1000001"),
    ({"data": {"samples": 1e3}}, "data.samples", "must be an integer, got 1000.0"),
    ({"data": {"noise": -0.1}}, "data.noise", "must be >= 0, got -0.1"),
    ({"data": {"noise": 11}}, "data.noise", "must be <= 10, got 11"),
    ({"data": {"test_fraction": 0.95}}, "data.test_fraction", "must be <= 0.9, got 0.95"),
    ({"data": {"seed": -1}}, "data.seed", "must be >= 0, got -1"),
    (
        {"data": {"source": "builtin", "path": "x.csv"}},
        "data.path",
        "not used with data.source 'builtin'",
    ),
    (
        {
            "data": {
                "source": "csv",
                "path": "d.csv",
                "inputs": ["a"],
                "targets": ["b"],
                "samples": 10,
            }
        },
        "data.samples",
        "not used with data.source 'csv'",
    ),
    (
        {"data": {"source": "csv", "inputs": ["a"], "targets": ["b"]}},
        "data.path",
        "required key is missing",
    ),
    (
        {"data": {"source": "csv", "path": "", "inputs": ["a"], "targets": ["b"]}},
        "data.path",
        "must not be empty",
    ),
    (
        {"data": {"source": "csv", "path": 3, "inputs": ["a"], "targets": ["b"]}},
        "data.path",
        "must be a string, got 3",
    ),
    (
        {"data": {"source": "csv", "path": "d.csv", "targets": ["b"]}},
        "data.inputs",
        "required key is missing",
    ),
    (
        {"data": {"source": "csv", "path": "d.csv", "inputs": [], "targets": ["b"]}},
        "data.inputs",
        "must name at least one column",
    ),
    (
        {"data": {"source": "csv", "path": "d.csv", "inputs": "a", "targets": ["b"]}},
        "data.inputs",
        "must be an array, got 'a'",
    ),
    (
        {"data": {"source": "csv", "path": "d.csv", "inputs": ["a", 1], "targets": ["b"]}},
        "data.inputs[1]",
        "must be a column name (a string), got 1",
    ),
    (
        {"data": {"source": "csv", "path": "d.csv", "inputs": ["a", ""], "targets": ["b"]}},
        "data.inputs[1]",
        "must not be empty",
    ),
    (
        {"data": {"source": "csv", "path": "d.csv", "inputs": ["a", "b", "a"], "targets": ["y"]}},
        "data.inputs[2]",
        "column 'a' is listed twice",
    ),
    (
        {"data": {"source": "csv", "path": "d.csv", "inputs": ["a", "b"], "targets": ["y", "b"]}},
        "data.targets[1]",
        "column 'b' is also one of data.inputs",
    ),
    (
        {
            "data": {
                "source": "csv",
                "path": "d.csv",
                "inputs": ["a"],
                "targets": ["y"],
                "test_fraction": 1,
            }
        },
        "data.test_fraction",
        "must be <= 0.9, got 1",
    ),
    ({"parameters": {"w": 1.0}}, "parameters.w", "this network has no parameter named 'w'"),
    ({"frozen": ["w1_9_1"]}, "frozen[0]", "did you mean 'w1_4_1'?"),
    ({"frozen": ["c*"]}, "frozen[0]", "the pattern 'c*' matches no parameter"),
    ({"mode": "function", "frozen": ["w"]}, "frozen", "not used in function mode"),
    # function mode (these fail before the formula is parsed)
    ({"mode": "function", "network": {}}, "network", "not used in function mode"),
    ({"mode": "function", "data": {}}, "data", "not used in function mode"),
    (
        {"mode": "function", "paramters": {"w": 1}},
        "paramters",
        "unknown key; did you mean 'parameters'? (allowed: gdsim, mode, function, parameters, "
        "optimizer, changes)",
    ),
    ({"mode": "function", "parameters": {}}, "parameters", "must name 1 or 2 parameters, got none"),
    (
        {"mode": "function", "parameters": {"a": 1, "b": 2, "c": 3}},
        "parameters",
        "must name 1 or 2 parameters, got 3 (a, b, c)",
    ),
    (
        {"mode": "function", "parameters": [["w", 1.0]]},
        "parameters",
        "must be an object of names to start values, got an array",
    ),
    ({"mode": "function", "parameters": {"2w": 1.0}}, "parameters.2w", "is not a valid name"),
    (
        {"mode": "function", "parameters": {"lambda": 1.0}},
        "parameters.lambda",
        "is not a valid name",
    ),
    (
        {"mode": "function", "parameters": {"exp": 1.0}},
        "parameters.exp",
        "'exp' is a function name; choose another name",
    ),
    ({"mode": "function", "parameters": {"w": True}}, "parameters.w", "must be a number, got true"),
    (
        {"mode": "function", "parameters": {"w": float("nan")}},
        "parameters.w",
        "must be a finite number, got nan",
    ),
    (
        {"mode": "function", "function": 3, "parameters": {"w": 1}},
        "function",
        "must be a string, got 3",
    ),
    (
        {"mode": "function", "optimizer": {"name": "sgd", "beta1": 0.9}},
        "optimizer.beta1",
        "not a setting of 'sgd' (it belongs to adam)",
    ),
]


@pytest.mark.parametrize(
    "data,key,message", BAD_CONFIGS, ids=[f"{i}-{case[1]}" for i, case in enumerate(BAD_CONFIGS)]
)
def test_bad_config(data, key, message):
    err = error_of(data)
    assert err.key == key
    text = str(err)
    assert text.startswith(f"{key}: "), text
    assert message in text, text
    assert "\n" not in text
    assert err.file is None


@pytest.mark.parametrize(
    "data,key,message",
    BAD_CONFIGS[:20],
    ids=[f"{i}-{case[1]}" for i, case in enumerate(BAD_CONFIGS[:20])],
)
def test_bad_config_in_a_file_names_the_file(data, key, message, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    err = info.value
    assert err.key == key and err.file == str(path)
    assert str(err).startswith(f"{path}: {key}: ")
    assert message in str(err)


def test_error_lists_allowed_keys():
    err = error_of({"network": {"inputs": 2, "layer": []}})
    assert err.key == "network.layer"
    assert str(err) == (
        "network.layer: unknown key; did you mean 'layers'? (allowed: inputs, layers)"
    )


def test_unknown_key_without_close_match():
    err = error_of({"zzz": 1})
    assert str(err) == (
        "zzz: unknown key (allowed: gdsim, mode, network, loss, init, optimizer, "
        "batch_size, regularization, data, evaluate_every, parameters, frozen, changes)"
    )


def test_value_did_you_mean_is_case_insensitive():
    err = error_of({"network": network((4, "ReLU"), (1, "sigmoid"))})
    assert "did you mean 'relu'?" in str(err)
    err = error_of({"optimizer": {"name": "Adam"}})
    assert "did you mean 'adam'?" in str(err)


@pytest.mark.parametrize(
    "key,value", [("batch_size", False), ("evaluate_every", True), ("gdsim", True)]
)
def test_bool_is_not_an_integer(key, value):
    err = error_of({key: value})
    assert err.key == key
    assert "must be an integer, got " + ("true" if value else "false") in str(err)


@pytest.mark.parametrize(
    "section,key,extra",
    [
        ("optimizer", "learning_rate", {}),
        ("optimizer", "momentum", {}),
        ("regularization", "rate", {}),
        ("data", "noise", {}),
        ("data", "test_fraction", {}),
        ("init", "scale", {"scheme": "uniform"}),
        ("optimizer", "eps", {"name": "adam"}),
    ],
)
def test_bool_is_not_a_number(section, key, extra):
    err = error_of({section: {**extra, key: True}})
    assert err.key == f"{section}.{key}"
    assert str(err) == f"{section}.{key}: must be a number, got true"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_numbers_must_be_finite(value):
    err = error_of({"optimizer": {"learning_rate": value}})
    assert err.key == "optimizer.learning_rate"
    assert "must be a finite number" in str(err)


def test_nan_in_a_json_file_is_rejected(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text('{"optimizer": {"learning_rate": NaN}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="optimizer.learning_rate: must be a finite number"):
        load_config(path)


@pytest.mark.parametrize("value", [1, 0, "true", None])
def test_numbers_and_strings_are_not_booleans(value):
    err = error_of({"optimizer": {"name": "rmsprop", "centered": value}})
    assert err.key == "optimizer.centered"
    assert "must be true or false" in str(err)


@pytest.mark.parametrize("top", [[], [CONTRACT_EXAMPLE], "config", 3, None, True])
def test_top_level_must_be_an_object(top):
    err = error_of(top)
    assert err.key is None
    assert str(err).startswith("the config must be a JSON object, got ")


def test_non_string_keys_are_rejected():
    err = error_of({"optimizer": {1: 0.1}})
    assert err.key == "optimizer"
    assert "keys must be strings" in str(err)


def test_layers_may_be_a_tuple_from_python_code():
    data = with_changes(
        CONTRACT_EXAMPLE, ("network.layers", tuple(CONTRACT_EXAMPLE["network"]["layers"]))
    )
    assert config_from_dict(data) == default_config()


def test_numpy_numbers_are_accepted():
    np = pytest.importorskip("numpy")
    cfg = config_from_dict(
        {"optimizer": {"learning_rate": np.float64(0.5)}, "batch_size": np.int64(8)}
    )
    assert cfg.optimizer.learning_rate == 0.5 and type(cfg.optimizer.learning_rate) is float
    assert cfg.batch_size == 8 and type(cfg.batch_size) is int
    with pytest.raises(ConfigError, match="must be an integer"):
        config_from_dict({"batch_size": np.float64(8.0)})


# ----------------------------------------------------------------------------------------------
# Files


def test_json_syntax_error_has_line_and_column(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{\n  "gdsim": 1,\n  "mode": "network"\n  "loss": "bce"\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    err = info.value
    assert err.key is None and err.file == str(path)
    assert str(err) == f"{path}: invalid JSON at line 4, column 3: Expecting ',' delimiter"


@pytest.mark.parametrize("text", ['{"gdsim": 1, "loss": "bce",}', '{"parameters": {"w": [1, 2,]}}'])
def test_a_trailing_comma_is_named(tmp_path, text):
    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\(JSON allows no comma after the last item\)$"):
        load_config(path)


@pytest.mark.parametrize(
    "text",
    [
        '{"gdsim": 1, "loss": "bce",',
        '{"gdsim": 1, "loss": "bce"',
        '{"gdsim": 1, "lo',
        '{\n  "a": [1,\n',
    ],
)
def test_a_truncated_file_is_told_it_ends_early_not_about_a_comma(tmp_path, text):
    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.endswith("(the file ends before the JSON is complete: is it cut short?)")
    assert "comma" not in message.split("invalid JSON")[1].split("(")[1]


def test_json_error_uses_the_given_path_spelling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("config.json").write_text('{"loss": }', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config("config.json")
    assert str(info.value) == "config.json: invalid JSON at line 1, column 10: Expecting value"


def test_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_config("config.json")
    assert str(info.value) == "config.json: file not found"
    assert info.value.key is None


def test_folder_is_not_a_config(tmp_path):
    with pytest.raises(ConfigError, match="is a folder, not a file|permission denied"):
        load_config(tmp_path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"empty\.json: the file is empty"):
        load_config(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"data": {"path": "café.csv"}}'.encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: not UTF-8 text (byte 0xe9")


def test_byte_order_mark_is_tolerated(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(CONTRACT_EXAMPLE).encode("utf-8"))
    assert load_config(path) == default_config()


@pytest.mark.parametrize("text", ["[]", '"config"', "42", "null"])
def test_file_with_non_object_top_level(tmp_path, text):
    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key is None
    assert str(info.value).startswith(f"{path}: the config must be a JSON object, got ")


def test_duplicate_keys_in_a_file_are_errors(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text(
        '{"optimizer": {"name": "sgd", "learning_rate": 0.1, "learning_rate": 0.2}}',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == "optimizer.learning_rate"
    assert str(info.value) == f"{path}: optimizer.learning_rate: given more than once"


def test_load_accepts_str_and_pathlike(tmp_path):
    path = tmp_path / "c.json"
    save_config(default_config(), str(path))
    assert load_config(str(path)) == load_config(path) == default_config()


# ----------------------------------------------------------------------------------------------
# CSV paths

CSV_DATA = {"source": "csv", "path": "data/points.csv", "inputs": ["x1", "x2"], "targets": ["y"]}


def test_relative_csv_path_is_relative_to_base_dir(tmp_path):
    cfg = config_from_dict({"data": CSV_DATA}, base_dir=tmp_path)
    assert cfg.base_dir == tmp_path
    assert cfg.data_path() == tmp_path / "data" / "points.csv"


def test_relative_csv_path_is_relative_to_the_config_file(tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    path = folder / "config.json"
    path.write_text(json.dumps({"data": CSV_DATA}), encoding="utf-8")
    cfg = load_config(path)
    assert cfg.data.path == "data/points.csv"  # stored as written
    assert cfg.data_path() == folder / "data" / "points.csv"


def test_relative_base_dir_of_a_relative_file_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("c.json").write_text(json.dumps({"data": CSV_DATA}), encoding="utf-8")
    cfg = load_config("c.json")
    assert cfg.base_dir == tmp_path and cfg.base_dir.is_absolute()
    monkeypatch.chdir(tmp_path.parent)  # a later change of folder does not matter
    assert cfg.data_path() == tmp_path / "data" / "points.csv"


def test_relative_csv_path_without_base_dir_uses_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = config_from_dict({"data": CSV_DATA})
    assert cfg.base_dir is None
    assert cfg.data_path() == tmp_path / "data" / "points.csv"


def test_absolute_csv_path_is_kept(tmp_path):
    data_file = tmp_path / "abs.csv"
    cfg = config_from_dict({"data": {**CSV_DATA, "path": str(data_file)}}, base_dir="/elsewhere")
    assert cfg.data_path() == data_file


def test_data_path_needs_a_csv_source():
    with pytest.raises(ConfigError) as info:
        default_config().data_path()
    assert info.value.key == "data.source"


def test_save_elsewhere_rewrites_relative_csv_path(tmp_path):
    src = tmp_path / "a"
    dst = tmp_path / "b" / "c"
    dst.mkdir(parents=True)
    cfg = config_from_dict({"data": CSV_DATA}, base_dir=src)
    save_config(cfg, dst / "run.json")
    loaded = load_config(dst / "run.json")
    assert loaded.data.path == "../../a/data/points.csv"
    assert loaded.data_path().resolve() == (src / "data" / "points.csv").resolve()
    # Saved into its own folder, the path is left exactly as written.
    src.mkdir()
    save_config(cfg, src / "same.json")
    assert load_config(src / "same.json").data.path == "data/points.csv"


def test_base_dir_is_not_serialised_nor_compared(tmp_path):
    a = config_from_dict({"data": CSV_DATA}, base_dir=tmp_path)
    b = config_from_dict({"data": CSV_DATA})
    assert a == b and hash(a) == hash(b)
    assert "base_dir" not in json.dumps(config_to_dict(a))


# ----------------------------------------------------------------------------------------------
# replace() and validate_config()


def test_replace_revalidates():
    cfg = default_config()
    changed = cfg.replace(batch_size=16, loss="mse")
    assert changed.batch_size == 16 and changed.loss == "mse"
    with pytest.raises(ConfigError) as info:
        cfg.replace(batch_size=-1)
    assert info.value.key == "batch_size"
    with pytest.raises(ConfigError) as info:
        cfg.replace(optimizer=OptimizerConfig("sgd", learning_rate=-1.0))
    assert str(info.value) == "optimizer.learning_rate: must be > 0, got -1.0"
    with pytest.raises(ConfigError) as info:
        cfg.replace(network=NetworkConfig(2, (LayerConfig(3, "softmax"), LayerConfig(1, "relu"))))
    assert info.value.key == "network.layers[0].activation"
    with pytest.raises(ConfigError) as info:
        cfg.replace(loss="cross_entropy")
    assert str(info.value) == "loss: 'cross_entropy' needs a softmax output layer, got 'sigmoid'"


def test_replace_normalises_values():
    cfg = default_config().replace(
        optimizer=OptimizerConfig("adam"),
        network=NetworkConfig(3, [LayerConfig(2, "relu"), LayerConfig(1, "sigmoid")]),
        data=DataConfig(noise=0),
    )
    assert cfg.optimizer.learning_rate == 1e-3
    assert isinstance(cfg.network.layers, tuple)
    assert type(cfg.data.noise) is float


def test_replace_keeps_fields_that_do_not_apply():
    cfg = default_config().replace(function="x**2 + y**2", parameters=(("x", 1.0), ("y", 2.0)))
    assert cfg.function == "x**2 + y**2"  # kept, not checked in network mode
    assert cfg.parameters == (("x", 1.0), ("y", 2.0))
    cfg = cfg.replace(optimizer=OptimizerConfig("rmsprop", 0.01, alpha=0.5, beta1=0.3))
    assert cfg.optimizer.beta1 == 0.3  # an adam setting, kept on an rmsprop config
    assert cfg.optimizer.hyperparameters() == {
        "learning_rate": 0.01,
        "alpha": 0.5,
        "eps": 1e-8,
        "momentum": 0.0,
        "centered": False,
    }
    cfg = cfg.replace(init=InitConfig("he_uniform", 1, scale=0.7))
    assert cfg.init.scale == 0.7
    cfg = cfg.replace(data=dataclasses.replace(cfg.data, path="kept.csv", inputs=("a",)))
    assert cfg.data.path == "kept.csv" and cfg.data.source == "builtin"
    # ... and they are not saved.
    out = config_to_dict(cfg)
    assert "function" not in out and "beta1" not in out["optimizer"] and "scale" not in out["init"]
    assert "path" not in out["data"]


def test_replace_with_unknown_field_is_a_type_error():
    with pytest.raises(TypeError):
        default_config().replace(learning_rate=0.1)


def test_validate_config_reports_wrong_types_from_code():
    bad = dataclasses.replace(default_config(), init=InitConfig(scheme="xavier_uniform", seed=1.5))
    with pytest.raises(ConfigError, match=r"^init.seed: must be an integer, got 1.5$"):
        validate_config(bad)
    bad = dataclasses.replace(default_config(), network="2-4-1")
    with pytest.raises(ConfigError, match=r"^network: must be an object, got '2-4-1'$"):
        validate_config(bad)
    bad = dataclasses.replace(default_config(), optimizer=OptimizerConfig(name="adagrad"))
    with pytest.raises(ConfigError, match=r"^optimizer.name: unknown value 'adagrad'"):
        validate_config(bad)


# ----------------------------------------------------------------------------------------------
# ConfigError itself


def test_config_error_is_a_value_error_and_pickles():
    err = error_of({"optimizer": {"learning_rate": -0.1}})
    assert isinstance(err, ValueError)
    assert str(err) == "optimizer.learning_rate: must be > 0, got -0.1"
    copy_ = pickle.loads(pickle.dumps(err))
    assert (str(copy_), copy_.key, copy_.file) == (str(err), err.key, err.file)


def test_config_error_as_raised_by_other_modules():
    err = ConfigError("network.inputs: 3 does not match the data", key="network.inputs")
    assert str(err) == "network.inputs: 3 does not match the data"
    assert err.key == "network.inputs" and err.file is None
    assert ConfigError("plain").key is None


# ----------------------------------------------------------------------------------------------
# Function mode


def test_function_mode_rejects_network_settings_without_parsing():
    for key in (
        "network",
        "loss",
        "init",
        "batch_size",
        "regularization",
        "data",
        "evaluate_every",
    ):
        err = error_of({**FUNCTION_EXAMPLE, key: CONTRACT_EXAMPLE.get(key, 0)})
        assert str(err) == f"{key}: not used in function mode"


@pytest.fixture
def expression():
    return pytest.importorskip("gdsim.expression")


def test_function_example_loads(expression):
    cfg = config_from_dict(FUNCTION_EXAMPLE)
    assert cfg.mode == "function"
    assert cfg.function == "(w - 3)**2"
    assert cfg.parameters == (("w", 1.0),)
    assert cfg.parameter_names() == ("w",)
    assert cfg.optimizer == OptimizerConfig("sgd", 0.1)
    # network settings are the defaults (unused)
    assert cfg.network == default_config().network


def test_function_mode_defaults(expression):
    cfg = config_from_dict({"mode": "function"})
    assert cfg.function == "(w - 3)**2" and cfg.parameters == (("w", 1.0),)
    assert cfg.optimizer.learning_rate == 0.1


FUNCTION_VARIANTS = {
    "one": FUNCTION_EXAMPLE,
    "two-adam": {
        "mode": "function",
        "function": "(1 - x)**2 + 100*(y - x**2)**2",
        "parameters": {"x": -1.5, "y": 2},
        "optimizer": {"name": "adam", "learning_rate": 0.01},
    },
    "rmsprop": {
        "mode": "function",
        "function": "sin(a) * exp(-b**2) + a**2 / 10",
        "parameters": {"a": 0.5, "b": -1},
        "optimizer": {"name": "rmsprop"},
    },
    "nesterov": {
        "mode": "function",
        "function": "abs(w) + sqrt(w**2 + 1)",
        "parameters": {"w": 3},
        "optimizer": {"momentum": 0.9, "nesterov": True},
    },
}


@pytest.mark.parametrize("data", FUNCTION_VARIANTS.values(), ids=FUNCTION_VARIANTS.keys())
def test_function_round_trip(data, tmp_path, expression):
    cfg = config_from_dict(data)
    as_dict = config_to_dict(cfg)
    assert list(as_dict) == ["gdsim", "mode", "function", "parameters", "optimizer"]
    assert config_from_dict(as_dict) == cfg
    save_config(cfg, tmp_path / "f.json")
    assert load_config(tmp_path / "f.json") == cfg
    assert list(cfg.parameter_names()) == list(data["parameters"])


@pytest.mark.parametrize(
    "function,names",
    [
        ("(w - 3", ("w",)),  # syntax error
        ("w + q", ("w",)),  # unknown name
        ("w +* 2", ("w",)),
        ("", ("w",)),  # empty
        ("   ", ("a", "b")),
    ],
)
def test_bad_formula_is_wrapped(function, names, expression):
    data = {"mode": "function", "function": function, "parameters": {n: 0.0 for n in names}}
    err = error_of(data)
    assert err.key == "function"
    assert str(err).startswith("function: ")
    with pytest.raises(expression.ExpressionError) as original:
        expression.parse_expression(function, list(names))
    assert str(err) == f"function: {original.value}"
    assert "\n" not in str(err)


def test_default_formula_needs_the_default_parameter(expression):
    err = error_of({"mode": "function", "parameters": {"x": 0.0}})
    assert err.key == "function"


def test_switching_modes_with_replace(expression):
    cfg = default_config().replace(
        mode="function", function="x**2 + y", parameters=(("x", 1), ("y", 2))
    )
    assert cfg.parameters == (("x", 1.0), ("y", 2.0))
    assert type(cfg.parameters[0][1]) is float
    assert cfg.network == default_config().network  # kept for switching back
    back = cfg.replace(mode="network")
    assert back.function == "x**2 + y"
    assert back.replace(mode="function") == cfg
    with pytest.raises(ConfigError) as info:
        cfg.replace(parameters=(("x", 1.0), ("x", 2.0)))
    assert info.value.key == "parameters.x"


# ----------------------------------------------------------------------------------------------
# Properties


def _layers(hidden, output):
    return [{"units": u, "activation": a} for u, a in hidden] + [output]


@st.composite
def valid_network_dicts(draw):
    loss = draw(st.sampled_from(LOSSES))
    hidden = draw(
        st.lists(
            st.tuples(
                st.integers(1, 50), st.sampled_from([a for a in ACTIVATIONS if a != "softmax"])
            ),
            max_size=4,
        )
    )
    if loss == "bce":
        output = {"units": draw(st.integers(1, 3)), "activation": "sigmoid"}
    elif loss == "cross_entropy":
        output = {"units": draw(st.integers(2, 5)), "activation": "softmax"}
    else:
        act = draw(st.sampled_from(ACTIVATIONS))
        output = {"units": draw(st.integers(2 if act == "softmax" else 1, 4)), "activation": act}
    name = draw(st.sampled_from(OPTIMIZERS))
    unit = st.floats(0, 0.999, allow_nan=False)
    optimizer = {"name": name, "learning_rate": draw(st.floats(1e-6, 1000))}
    if name == "sgd":
        optimizer["momentum"] = draw(st.floats(0.01, 0.99))
        optimizer["nesterov"] = draw(st.booleans())
        if not optimizer["nesterov"]:
            optimizer["dampening"] = draw(unit)
    elif name == "rmsprop":
        optimizer.update(
            alpha=draw(unit),
            eps=draw(st.floats(1e-12, 1)),
            momentum=draw(unit),
            centered=draw(st.booleans()),
        )
    else:
        optimizer.update(
            beta1=draw(unit),
            beta2=draw(unit),
            eps=draw(st.floats(1e-12, 1)),
            amsgrad=draw(st.booleans()),
        )
    scheme = draw(st.sampled_from(INIT_SCHEMES))
    init = {"scheme": scheme, "seed": draw(st.integers(0, 2**32 - 1))}
    if scheme in ("uniform", "normal"):
        init["scale"] = draw(st.floats(1e-6, 100))
    # Within the size limits (gdsim.config.memory): every layer's parameters, then samples.
    units = [u for u, _ in hidden] + [output["units"]]
    first = units[0]
    rest = sum((a + 1) * b for a, b in zip(units[:-1], units[1:], strict=True))
    inputs = draw(st.integers(1, min(100_000, (MAX_NETWORK_PARAMETERS - rest) // first - 1)))
    network = config_from_dict(
        {"network": {"inputs": inputs, "layers": _layers(hidden, output)}, "loss": "mse"}
    ).network
    batch_size = draw(st.integers(0, 10_000))
    per_sample = run_memory(network, 1, 1) - run_memory(network, 0, 0)  # with a mini-batch
    fit = (MAX_RUN_MEMORY - run_memory(network, 0, 0)) // per_sample
    if draw(st.booleans()):
        # the generated sets with two classes or none: digits, iris and K > 2 classes fix the
        # network's inputs or outputs (tests/engine/test_multiclass.py)
        data = {
            "source": "builtin",
            "name": draw(st.sampled_from(GENERATED_DATASETS)),
            "samples": draw(st.integers(4, max(4, min(1_000_000, fit)))),
            "noise": draw(st.floats(0, 10)),
            "test_fraction": draw(st.floats(0, 0.9)),
            "seed": draw(st.integers(0, 99)),
            "standardize": draw(st.booleans()),
        }
    else:
        cols = draw(
            st.lists(
                st.text(min_size=1, max_size=8).filter(str.strip),
                min_size=2,
                max_size=6,
                unique=True,
            )
        )
        cut = draw(st.integers(1, len(cols) - 1))
        data = {
            "source": "csv",
            "path": draw(st.text(min_size=1).filter(lambda s: s.strip() and "\x00" not in s)),
            "inputs": cols[:cut],
            "targets": cols[cut:],
        }
    return {
        "network": {"inputs": inputs, "layers": _layers(hidden, output)},
        "loss": loss,
        "init": init,
        "optimizer": optimizer,
        "batch_size": batch_size,
        "regularization": {
            "kind": draw(st.sampled_from(REGULARIZATIONS)),
            "rate": draw(st.floats(0, 10)),
        },
        "data": data,
        "evaluate_every": draw(st.integers(0, 1000)),
    }


@settings(max_examples=150, deadline=None)
@given(valid_network_dicts())
def test_valid_configs_round_trip(data):
    cfg = config_from_dict(data)
    text = dumps_config(cfg)
    again = config_from_dict(json.loads(text))
    assert again == cfg
    assert dumps_config(again) == text
    assert cfg.replace() == cfg
    assert all(math.isfinite(v) for v in cfg.optimizer.hyperparameters().values())


# ----------------------------------------------------------------------------------------------
# Imports


def test_config_module_imports_nothing_heavy():
    code = (
        "import sys, gdsim.config; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph', 'sympy', 'torch')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
