"""The advice in a loss/data mismatch names what fits the data: 0/1 labels -> bce with one
sigmoid unit, K classes -> cross_entropy with K softmax units, numbers -> mse, linear."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.config import ConfigError, default_config
from gdsim.config.dict_form import config_to_dict
from gdsim.config.schema import config_from_dict
from gdsim.engine.datasets import from_columns
from gdsim.engine.objectives import make_objective


def _dataset(labels):
    labels = np.asarray(labels, dtype=np.float64)
    x = np.vstack([np.linspace(-1, 1, labels.size), np.linspace(1, -1, labels.size)])
    return from_columns(np.vstack([x, labels]), ["x1", "x2"], ["y"])


def _config(loss="bce", units=1, activation="sigmoid"):
    cfg = config_to_dict(default_config())
    cfg["loss"] = loss
    cfg["network"]["layers"][-1] = {"units": units, "activation": activation}
    return config_from_dict(cfg)


def test_three_classes_with_bce_suggest_cross_entropy_with_three_softmax_units():
    dataset = _dataset([0, 1, 2, 0, 1, 2])
    with pytest.raises(ConfigError) as err:
        make_objective(_config(), dataset)
    assert "'cross_entropy' with 3 softmax output units" in str(err.value)
    assert "mse" not in str(err.value)


def test_real_targets_with_bce_suggest_mse_with_a_linear_output():
    with pytest.raises(ConfigError, match="use 'mse' with a linear output"):
        make_objective(_config(), _dataset([0.5, 1.5, 2.25, -3.0]))


def test_four_classes_on_three_softmax_units_suggest_four():
    dataset = _dataset([0, 1, 2, 3, 0, 1, 2, 3])
    with pytest.raises(ConfigError, match="4 classes.*'cross_entropy' with 4 softmax"):
        make_objective(_config("cross_entropy", 3, "softmax"), dataset)
