"""Accuracy extras: train_accuracy / test_accuracy for classification, at the evaluated steps."""

import math

import numpy as np
import pytest

from gdsim.engine.network import Network
from gdsim.engine.objectives import _latest_output
from gdsim.engine.trainer import Trainer
from gdsim.io.run_csv import read_run_csv
from gdsim.session.run_files import export_run
from tests.engine.test_trainer import network_config

SOFTMAX_SPIRAL = {
    "network": {
        "inputs": 2,
        "layers": [
            {"units": 8, "activation": "tanh"},
            {"units": 2, "activation": "softmax"},
        ],
    },
    "loss": "cross_entropy",
    "data": {
        "source": "builtin",
        "name": "spiral",
        "samples": 150,
        "noise": 0.1,
        "test_fraction": 0.2,
        "seed": 2,
    },
}


def direct_accuracy(t: Trainer, x: np.ndarray, labels: np.ndarray) -> float:
    out = t.predict(x)
    predicted = (out[0] >= 0.5).astype(float) if out.shape[0] == 1 else out.argmax(axis=0)
    return float(np.mean(predicted == labels))


def history_params(t: Trainer, step: int) -> np.ndarray:
    steps = t.history.param_steps()
    return t.history.params()[int(np.flatnonzero(steps == step)[0])]


def test_extras_order_keeps_the_old_columns_first_and_the_rate_last():
    t = Trainer(network_config())
    assert t.extra_names == (
        "train_cost",
        "test_cost",
        "epoch",
        "train_accuracy",
        "test_accuracy",
        "learning_rate",
    )


@pytest.mark.parametrize("changes", [{}, SOFTMAX_SPIRAL], ids=["sigmoid", "softmax"])
def test_full_batch_accuracy_equals_a_direct_computation_at_every_step(changes):
    t = Trainer(network_config(optimizer={"name": "adam", "learning_rate": 0.05}, **changes))
    data = t.objective.dataset
    t.step(30)
    train = t.history.extra("train_accuracy")
    test = t.history.extra("test_accuracy")
    assert np.isfinite(train).all() and np.isfinite(test).all()  # full batch: every step
    probe = Trainer(network_config(**changes))
    for step in (0, 7, 30):
        probe.objective.theta[...] = history_params(t, step)
        assert train[step] == direct_accuracy(probe, data.x_train, data.y_train[0])
        assert test[step] == direct_accuracy(probe, data.x_test, data.y_test[0])
    assert train.min() >= 0.0 and train.max() <= 1.0


def test_minibatch_accuracy_only_where_the_costs_are_evaluated():
    t = Trainer(network_config(batch_size=50))  # 160 training samples -> 4 batches an epoch
    data = t.objective.dataset
    t.step(9)
    train = t.history.extra("train_accuracy")
    test = t.history.extra("test_accuracy")
    evaluated = [True, False, False, False] * 2 + [True, False]
    assert np.isfinite(train).tolist() == evaluated
    assert np.isfinite(test).tolist() == evaluated
    assert (np.isfinite(t.history.extra("train_cost")) == np.isfinite(train)).all()
    probe = Trainer(network_config())
    probe.objective.theta[...] = history_params(t, 4)
    assert train[4] == direct_accuracy(probe, data.x_train, data.y_train[0])
    assert test[4] == direct_accuracy(probe, data.x_test, data.y_test[0])


def test_without_test_data_the_test_accuracy_is_nan():
    t = Trainer(network_config(data={**network_config()["data"], "test_fraction": 0.0}))
    t.step(3)
    assert np.isnan(t.history.extra("test_accuracy")).all()
    assert np.isfinite(t.history.extra("train_accuracy")).all()


def test_regression_runs_have_no_accuracy_columns():
    cfg = network_config(
        network={
            "inputs": 1,
            "layers": [
                {"units": 4, "activation": "tanh"},
                {"units": 1, "activation": "linear"},
            ],
        },
        loss="mse",
        data={"source": "builtin", "name": "sine", "samples": 50, "noise": 0.1, "seed": 1},
    )
    t = Trainer(cfg)
    assert t.extra_names == ("train_cost", "test_cost", "epoch", "learning_rate")


def test_run_csv_has_the_accuracy_columns_for_classification_only(tmp_path):
    t = Trainer(network_config())
    t.step(5)
    table = read_run_csv(export_run(t, tmp_path / "run.csv"))
    assert table.header[-3:] == ("train_accuracy", "test_accuracy", "learning_rate")
    np.testing.assert_array_equal(table.column("train_accuracy"), t.history.extra("train_accuracy"))
    regression = Trainer(
        network_config(
            network={"inputs": 1, "layers": [{"units": 1, "activation": "linear"}]},
            loss="mse",
            data={"source": "builtin", "name": "linear", "samples": 20, "seed": 1},
        )
    )
    regression.step(2)
    header = read_run_csv(export_run(regression, tmp_path / "reg.csv")).header
    assert not any("accuracy" in name for name in header)
    assert header[-1] == "learning_rate"


def test_the_accuracy_reads_the_forward_pass_the_cost_made():
    """The cheap path: the network keeps its latest output per batch size (no second pass)."""
    net = Network(2, [3, 2], ["tanh", "softmax"], "cross_entropy")
    net.initialize("xavier_uniform", 0)
    x = np.random.default_rng(0).normal(size=(2, 11))
    y = np.zeros((2, 11))
    y[0] = 1.0
    net.cost(x, y)
    kept = _latest_output(net, x)
    assert any(kept is ws.a[-1] for ws in net._workspaces.values())
    np.testing.assert_array_equal(kept, net.predict(x))
    assert math.isfinite(float(kept.sum()))
