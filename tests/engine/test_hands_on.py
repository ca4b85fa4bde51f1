"""Start values and frozen parameters from the config; set_parameters, freeze and unfreeze."""

import math

import numpy as np
import pytest

from gdsim.config import ConfigError, config_from_dict
from gdsim.config.dict_form import config_to_dict
from gdsim.config.network_parameters import is_parameter_name, network_parameter_names
from gdsim.engine.parameters import ParameterIndex
from gdsim.engine.trainer import Trainer


def network(**changes):
    cfg = {
        "network": {
            "inputs": 2,
            "layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        },
        "optimizer": {"name": "adam", "learning_rate": 0.02},
        "batch_size": 16,
        "data": {"name": "circle", "samples": 80, "seed": 2},
    }
    cfg.update(changes)
    return cfg


def test_start_values_override_the_initialiser_exactly():
    plain = Trainer(network())
    t = Trainer(network(parameters={"w1_1_1": 0.15, "b2_1": 0.6, "w2_1_3": -1e-300}))
    expected = plain.parameters
    names = t.parameter_names
    expected[names.index("w1_1_1")] = 0.15
    expected[names.index("b2_1")] = 0.6
    expected[names.index("w2_1_3")] = -1e-300
    assert np.array_equal(t.parameters, expected)
    assert np.array_equal(t.history.params()[0], expected)
    t.step(5)
    t.reset()  # a reset starts from them again
    assert np.array_equal(t.parameters, expected)


def test_frozen_parameters_stay_while_their_gradients_are_recorded():
    t = Trainer(network(frozen=["b1_1", "b2_*", "w1_[23]_2"]), history_budget=2**30)
    frozen = ("w1_2_2", "w1_3_2", "b1_1", "b2_1")
    assert set(t.frozen) == set(frozen)
    idx = [t.parameter_names.index(n) for n in frozen]
    start = t.parameters[idx]
    t.step(1000)
    assert t.step_count == 1000
    assert np.array_equal(t.parameters[idx], start)
    rows = t.history.params()
    assert len(rows) == 1001 and np.all(rows[:, idx] == start)
    grads = t.history.grads()[:, idx]
    assert np.all(np.count_nonzero(grads, axis=0) > 900)
    assert np.all(t.last_update[idx] == 0.0)
    others = np.setdiff1d(np.arange(len(t.parameter_names)), idx)
    assert np.all(rows[-1, others] != rows[0, others])


def test_freeze_and_unfreeze_live():
    t = Trainer(network())
    t.step(10)
    t.freeze("w2_*")
    assert t.frozen == ("w2_1_1", "w2_1_2", "w2_1_3")
    kept = t.parameters
    t.step(20)
    w2 = [t.parameter_names.index(n) for n in t.frozen]
    assert np.array_equal(t.parameters[w2], kept[w2])
    t.unfreeze(["w2_1_2"])
    assert t.frozen == ("w2_1_1", "w2_1_3")
    t.step(1)
    assert t.parameters[w2[1]] != kept[w2[1]]
    with pytest.raises(
        ValueError, match="freeze: no parameter named 'w2_1_l'; did you mean 'w2_1_"
    ):
        t.freeze(["w2_1_l"])
    with pytest.raises(ValueError, match="matches no parameter"):
        t.unfreeze("z*")
    assert t.frozen == ("w2_1_1", "w2_1_3")


def test_set_parameters_recomputes_cost_and_gradient_at_once():
    t = Trainer(network())
    t.step(7)
    t.set_parameters({"w1_2_1": 0.5, "b2_1": -0.25})
    names = t.parameter_names
    assert t.parameters[names.index("w1_2_1")] == 0.5
    assert t.step_count == 7
    # the same as a trainer that got there and evaluated these parameters on the same batch
    other = Trainer(network())
    other.step(7)
    theta = other.objective.theta
    theta[names.index("w1_2_1")] = 0.5
    theta[names.index("b2_1")] = -0.25
    cost = other.objective.evaluate()
    assert t.cost == cost and np.array_equal(t.gradients, other.objective.grad)
    # the step's history row holds the new state (no new row: the step count is the same)
    assert t.history.latest_step == 7 and len(t.history.param_steps()) == 8
    assert t.history.latest_cost == cost and t.history.cost()[-1] == cost
    assert np.array_equal(t.history.latest_params(), t.parameters)
    assert np.array_equal(t.history.latest_grads(), t.gradients)
    t.step(3)
    assert np.array_equal(t.history.param_row(7)[0], t.history.params()[7])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"w1_1_9": 1.0}, "set_parameters: no parameter named 'w1_1_9'; did you mean 'w1_1_"),
        ({"w1_1_1": math.nan}, "w1_1_1 must be a finite number"),
        ({"w1_1_1": math.inf}, "w1_1_1 must be a finite number"),
        ({"w1_1_1": "1"}, "w1_1_1 must be a finite number"),
        ({"w1_1_1": True}, "w1_1_1 must be a finite number"),
    ],
)
def test_set_parameters_refuses_and_changes_nothing(values, message):
    t = Trainer(network())
    t.step(3)
    before = t.parameters, t.gradients, t.cost, t.history.table()
    with pytest.raises(ValueError, match=message):
        t.set_parameters({"b1_1": 1.0, **values})
    assert np.array_equal(before[0], t.parameters) and np.array_equal(before[1], t.gradients)
    assert before[2] == t.cost and np.array_equal(before[3], t.history.table(), equal_nan=True)
    assert t.changes == []


def test_set_parameters_in_function_mode():
    t = Trainer({"mode": "function", "function": "(w - 3)**2", "parameters": {"w": 1.0}})
    t.set_parameters({"w": 2.0})
    assert t.cost == 1.0 and t.gradients.tolist() == [-2.0]
    with pytest.raises(ValueError, match="did you mean 'w'"):
        t.set_parameters({"W": 2.0})


def test_config_keys_round_trip_and_function_mode_keeps_its_parameters():
    cfg = config_from_dict(network(parameters={"b2_1": 0.6, "w1_1_1": 1}, frozen=["b*"]))
    assert cfg.start_values == (("b2_1", 0.6), ("w1_1_1", 1.0)) and cfg.frozen == ("b*",)
    assert config_from_dict(config_to_dict(cfg)) == cfg
    assert config_to_dict(cfg)["parameters"] == {"b2_1": 0.6, "w1_1_1": 1.0}
    assert "parameters" not in config_to_dict(config_from_dict(network()))
    f = config_from_dict({"mode": "function", "parameters": {"w": 2.0}, "function": "w**2"})
    assert f.parameters == (("w", 2.0),) and f.start_values == ()
    with pytest.raises(ConfigError, match=r"parameters\.w1_1_1: must be a number"):
        config_from_dict(network(parameters={"w1_1_1": "0.5"}))


@pytest.mark.parametrize("sizes", [(2, 3, 1), (1, 1), (4, 5, 3, 2)])
def test_the_config_makes_the_engines_names(sizes):
    names = ParameterIndex.for_network(sizes).names
    assert network_parameter_names(sizes) == names
    assert all(is_parameter_name(n, sizes) for n in names)
    layers = len(sizes) - 1
    wrong = [f"w{layers + 1}_1_1", f"b{layers + 1}_1", f"w1_{sizes[1] + 1}_1", "w1_1_0", "b1_01"]
    wrong += [f"w1_1_{sizes[0] + 1}", f"b1_{sizes[1] + 1}", "w1_1", "b1_1_1", "x1_1", "w1_1_1 "]
    assert not any(is_parameter_name(n, sizes) for n in wrong)
