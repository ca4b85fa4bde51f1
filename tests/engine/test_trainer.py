"""The training loop: the seed's worked example, reset, divergence, batches, history, torch."""

import math

import numpy as np
import pytest

from gdsim.config import ConfigError, default_config
from gdsim.engine.trainer import Trainer

ONE_PARAMETER = {
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}


def network_config(**changes):
    cfg = {
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
        "data": {
            "source": "builtin",
            "name": "xor",
            "samples": 200,
            "noise": 0.1,
            "test_fraction": 0.2,
            "seed": 1,
        },
    }
    cfg.update(changes)
    return cfg


def test_the_seed_worked_example():
    t = Trainer(ONE_PARAMETER)
    # C(w) = (w - 3)^2 at w = 1: cost 4, gradient -4 ...
    assert t.step_count == 0
    assert t.cost == 4.0
    assert t.gradients.tolist() == [-4.0]
    # ... so w <- w - 0.1 * (-4) = 1.4, closer to the minimum at 3, with a smaller cost.
    assert t.step() == 1
    assert t.parameters[0] == pytest.approx(1.4, abs=1e-15)
    assert t.last_update[0] == pytest.approx(0.4, abs=1e-15)
    assert t.cost == pytest.approx(2.56, abs=1e-14) and t.cost < 4.0
    assert t.parameter_names == ("w",)


def test_function_mode_converges_to_the_minimum():
    t = Trainer(ONE_PARAMETER)
    t.step(200)
    assert t.parameters[0] == pytest.approx(3.0, abs=1e-12)
    assert abs(t.gradients[0]) < 1e-12


def test_history_rows_hold_cost_and_gradient_at_the_rows_parameters():
    t = Trainer(ONE_PARAMETER)
    t.step(5)
    h = t.history
    assert h.steps().tolist() == [0, 1, 2, 3, 4, 5]
    w = h.params()[:, 0]
    np.testing.assert_allclose(h.cost(), (w - 3) ** 2, rtol=0, atol=1e-15)
    np.testing.assert_allclose(h.grads()[:, 0], 2 * (w - 3), rtol=0, atol=1e-15)
    # each row's gradient is the one the next update uses
    np.testing.assert_allclose(w[1:], w[:-1] - 0.1 * h.grads()[:-1, 0], rtol=0, atol=1e-15)


def test_reset_restores_the_first_parameters_exactly_and_replays_the_run():
    t = Trainer(network_config(batch_size=16))
    first = t.parameters
    t.step(40)
    after = t.parameters
    t.reset()
    assert np.array_equal(t.parameters, first)
    assert t.step_count == 0 and len(t.history) == 1
    t.step(40)
    assert np.array_equal(t.parameters, after)  # same batches, same updates, bit for bit


def test_reset_with_a_new_seed_changes_the_start():
    t = Trainer(network_config())
    first = t.parameters
    t.reset(seed=99)
    assert not np.array_equal(t.parameters, first)
    t.reset(seed=0)
    assert np.array_equal(t.parameters, first)


def test_training_xor_reduces_the_cost():
    t = Trainer(network_config(optimizer={"name": "adam", "learning_rate": 0.05}))
    start = t.cost
    t.step(500)
    assert t.cost < 0.3 * start
    test_cost = t.history.extra("test_cost")
    assert np.isfinite(test_cost).all() and test_cost[-1] < test_cost[0]


def test_minibatches_count_epochs_and_evaluate_once_an_epoch():
    t = Trainer(network_config(batch_size=50))  # 160 training samples -> 4 batches an epoch
    t.step(9)
    assert t.epoch == 2
    assert t.history.extra("epoch").tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]
    train_cost = t.history.extra("train_cost")
    evaluated = np.isfinite(train_cost)
    assert evaluated.tolist() == [True, False, False, False] * 2 + [True, False]
    # the full-set cost differs from the batch cost at the same step
    assert train_cost[4] != t.history.cost()[4]


def test_full_batch_train_cost_is_the_cost():
    t = Trainer(network_config())
    t.step(3)
    assert np.array_equal(t.history.extra("train_cost"), t.history.cost())


def test_a_too_large_learning_rate_diverges_and_stops():
    t = Trainer(
        dict(ONE_PARAMETER, function="w**4", optimizer={"name": "sgd", "learning_rate": 10.0})
    )
    done = t.step(1000)
    assert t.diverged is not None
    assert "diverged at step" in t.diverged and "learning rate" in t.diverged
    assert done == t.step_count < 1000
    last = t.history.cost()[-1]
    assert not math.isfinite(last) or not np.isfinite(t.history.params()[-1]).all()
    assert np.isfinite(t.history.cost()[:-1]).all()  # everything before the last row is finite
    assert t.step(5) == 0  # stays stopped until reset
    t.reset()
    assert t.diverged is None and t.step(1) == 1


def test_learning_rate_changes_apply_from_the_next_update():
    t = Trainer(ONE_PARAMETER)
    t.step()
    t.set_learning_rate(0.5)
    w = t.parameters[0]
    t.step()
    assert t.parameters[0] == pytest.approx(w - 0.5 * 2 * (w - 3), abs=1e-15)
    # Row t holds the rate of the update from t to t+1: the rate changed at step 1 is row 1's.
    assert t.history.extra("learning_rate").tolist() == [0.1, 0.5, 0.5]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1.0, "learning_rate: must be > 0"),
        (0.0, "learning_rate: must be > 0"),
        (math.nan, "learning_rate: must be > 0"),
        (math.inf, "learning_rate: must be > 0"),
        ("0.1", "learning_rate: must be > 0"),
        (True, "learning_rate: must be > 0"),
        (5000.0, "optimizer.learning_rate: must be <= 1000"),
    ],
)
def test_a_refused_learning_rate_changes_nothing(value, message):
    t = Trainer(ONE_PARAMETER)
    t.step(2)
    config, rates = t.config, t.history.extra("learning_rate").tolist()
    with pytest.raises(ValueError, match=message):
        t.set_learning_rate(value)
    assert (t.learning_rate, t.config) == (0.1, config)
    assert t.history.extra("learning_rate").tolist() == rates


def test_a_refused_optimizer_changes_nothing():
    t = Trainer(network_config(optimizer={"name": "sgd", "learning_rate": 0.1, "momentum": 0.5}))
    t.step(3)
    optimizer, config, update = t.optimizer, t.config, t.last_update
    for name, settings in [
        ("sgd", {"momentum": -1.0}),
        ("sgd", {"learning_rate": 0.0}),  # the optimizer would take 0; a config may not
        ("adam", {"learning_rate": 0.01, "beta1": 1.5}),
        ("adam", {"learning_rate": 2000.0}),
        ("lbfgs", {}),
        ("sgd", {"beta1": 0.9}),
    ]:
        with pytest.raises(ValueError):
            t.set_optimizer(name, **settings)
        assert t.optimizer is optimizer and t.config == config
        assert t.optimizer.hyperparameters["momentum"] == 0.5
    t.step()  # momentum state kept: the same run goes on
    fresh = Trainer(
        network_config(optimizer={"name": "sgd", "learning_rate": 0.1, "momentum": 0.5})
    )
    fresh.step(4)
    assert np.array_equal(t.parameters, fresh.parameters) and not np.array_equal(update, 0)


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "7", None])
def test_a_refused_seed_changes_nothing(seed):
    t = Trainer(network_config())
    start = t.parameters
    t.step(3)
    if seed is None:  # None is the run's own seed: allowed
        t.reset(seed)
        assert np.array_equal(t.parameters, start)
        return
    with pytest.raises(ValueError, match="seed: must be"):
        t.reset(seed)
    assert (t.seed, t.step_count, t.config.init.seed) == (0, 3, 0)
    t.reset()
    assert np.array_equal(t.parameters, start)


def test_the_learning_rate_column_is_the_rate_of_the_next_update():
    """Plain SGD with rate changes mid-run: w(t+1) - w(t) = -lr(t) * g(t) on every row."""
    t = Trainer(network_config())
    for rate, steps in [(0.1, 5), (0.7, 1), (0.02, 4), (0.3, 3)]:
        t.set_learning_rate(rate)
        t.step(steps)
    table = t.history.table()
    p = len(t.parameter_names)
    params, grads = table[:, 2 : 2 + p], table[:, 2 + p : 2 + 2 * p]
    rate = table[:, t.extra_names.index("learning_rate") - len(t.extra_names)]
    assert rate.tolist() == [0.1] * 5 + [0.7] + [0.02] * 4 + [0.3] * 4
    np.testing.assert_allclose(
        params[1:] - params[:-1], -rate[:-1, None] * grads[:-1], rtol=1e-12, atol=1e-15
    )


def test_time_limited_steps_return_early():
    t = Trainer(network_config())
    done = t.step(10**9, max_seconds=0.05)
    assert 0 < done < 10**9 and t.step_count == done


def test_mismatched_data_is_a_config_error_naming_the_key():
    with pytest.raises(ConfigError, match=r"network.inputs: 3 does not match"):
        Trainer(
            network_config(network={"inputs": 3, "layers": [{"units": 1, "activation": "sigmoid"}]})
        )
    with pytest.raises(ConfigError, match="output layer has 2 unit"):
        Trainer(
            network_config(network={"inputs": 2, "layers": [{"units": 2, "activation": "sigmoid"}]})
        )
    with pytest.raises(ConfigError, match="bce.*between 0 and 1"):
        Trainer(
            network_config(
                network={"inputs": 1, "layers": [{"units": 1, "activation": "sigmoid"}]},
                data={"source": "builtin", "name": "sine"},
            )
        )


def test_cross_entropy_takes_class_labels_as_one_hot():
    t = Trainer(
        network_config(
            network={"inputs": 2, "layers": [{"units": 2, "activation": "softmax"}]},
            loss="cross_entropy",
        )
    )
    assert t.objective.y_train.shape == (2, 160)
    assert np.array_equal(t.objective.y_train.sum(axis=0), np.ones(160))
    assert t.cost == pytest.approx(math.log(2), rel=0.2)  # near chance at the start


def test_default_trainer_uses_the_default_config():
    t = Trainer()
    assert t.config == default_config()
    assert len(t.parameter_names) == 17


@pytest.mark.torch
@pytest.mark.parametrize(
    "optimizer",
    [
        {"name": "sgd", "learning_rate": 0.2},
        {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
        {"name": "rmsprop", "learning_rate": 0.01},
        {"name": "adam", "learning_rate": 0.02},
    ],
)
def test_training_trajectory_equals_pytorch_over_60_steps(optimizer):
    torch = pytest.importorskip("torch")
    from tests.engine.test_network import torch_model

    cfg = network_config(
        network={
            "inputs": 2,
            "layers": [
                {"units": 4, "activation": "tanh"},
                {"units": 4, "activation": "relu"},
                {"units": 1, "activation": "sigmoid"},
            ],
        },
        optimizer=optimizer,
    )
    t = Trainer(cfg)
    obj = t.objective
    model = torch_model(torch, [2, 4, 4, 1], ["tanh", "relu", "sigmoid"], t.parameters)
    params = list(model.parameters())
    hyper = dict(optimizer)
    name, lr = hyper.pop("name"), hyper.pop("learning_rate")
    if name == "sgd":
        opt = torch.optim.SGD(params, lr=lr, **hyper)
    elif name == "rmsprop":
        opt = torch.optim.RMSprop(params, lr=lr)
    else:
        opt = torch.optim.Adam(params, lr=lr)
    x, y = torch.from_numpy(obj.x_train.T.copy()), torch.from_numpy(obj.y_train.T.copy())
    for _ in range(60):
        opt.zero_grad()
        torch.nn.functional.binary_cross_entropy(model(x), y).backward()
        opt.step()
    t.step(60)
    ours = t.parameters
    theirs = torch.cat([p.detach().reshape(-1) for p in params]).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-11)


def _relu_net(units: int = 3) -> Trainer:
    return Trainer(
        {
            "mode": "network",
            "network": {
                "inputs": 2,
                "layers": [
                    {"units": units, "activation": "relu"},
                    {"units": 1, "activation": "linear"},
                ],
            },
            "loss": "mse",
            "optimizer": {"name": "sgd", "learning_rate": 0.01},
            "data": {"source": "builtin", "name": "xor"},
        }
    )


@pytest.mark.parametrize("units", [3, 5000])  # checked by a dot product; by min and max
def test_a_non_finite_parameter_stops_training_even_when_the_cost_stays_finite(units):
    t = _relu_net(units)
    t.objective.theta[t.parameter_names.index("b1_1")] = -math.inf  # a dead unit: finite cost
    t.step(1)
    assert math.isfinite(t.cost)
    assert t.diverged and "b1_1" in t.diverged


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_any_non_finite_parameter_stops_training(value):
    t = _relu_net()
    t.objective.theta[-1] = value  # the output bias
    t.step(1)
    assert t.diverged
