"""Trainer.rewind: back to any step's exact state; training on reproduces the run bit for bit."""

import json

import numpy as np
import pytest

from gdsim.engine.trainer import Trainer

OPTIMIZERS = {
    "sgd": {"name": "sgd", "learning_rate": 0.1},
    "momentum": {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9},
    "dampened": {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "dampening": 0.3},
    "nesterov": {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
    "rmsprop": {"name": "rmsprop", "learning_rate": 0.01},
    "rmsprop_centered_momentum": {
        "name": "rmsprop",
        "learning_rate": 0.005,
        "centered": True,
        "momentum": 0.5,
    },
    "adam": {"name": "adam", "learning_rate": 0.01},
    "amsgrad": {"name": "adam", "learning_rate": 0.01, "amsgrad": True},
}


def network(optimizer, batch_size=0, **changes):
    cfg = {
        "mode": "network",
        "network": {
            "inputs": 2,
            "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        },
        "loss": "bce",
        "init": {"scheme": "xavier_uniform", "seed": 3},
        "optimizer": optimizer,
        "batch_size": batch_size,
        "data": {"name": "circle", "samples": 90, "noise": 0.1, "test_fraction": 0.2, "seed": 1},
    }
    cfg.update(changes)
    return cfg


def function(optimizer):
    return {
        "mode": "function",
        "function": "(w1 - 1)**2 + 10*(w2 + 0.5)**2 + sin(3*w1)",
        "parameters": {"w1": -1.0, "w2": 1.0},
        "optimizer": {**optimizer, "learning_rate": 0.01},
    }


def same_state(a: Trainer, b: Trainer) -> None:
    assert a.step_count == b.step_count
    assert a.epoch == b.epoch
    assert np.array_equal(a.parameters, b.parameters)
    assert np.array_equal(a.gradients, b.gradients)
    assert np.array_equal(a.last_update, b.last_update)
    assert a.cost == b.cost or (np.isnan(a.cost) and np.isnan(b.cost))
    assert a.optimizer.name == b.optimizer.name
    assert a.optimizer.hyperparameters == b.optimizer.hyperparameters
    assert a.optimizer.steps_taken == b.optimizer.steps_taken
    assert vars(a.optimizer).keys() == vars(b.optimizer).keys()
    for key, value in vars(a.optimizer).items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(value, vars(b.optimizer)[key]), key
        elif key != "_lerp":
            assert value == vars(b.optimizer)[key], key
    assert a.config == b.config
    assert a.frozen == b.frozen
    assert np.array_equal(a.history.table(), b.history.table(), equal_nan=True)
    assert np.array_equal(a.history.steps(), b.history.steps())
    assert np.array_equal(a.history.cost(), b.history.cost(), equal_nan=True)
    for name in a.history.extra_names:
        assert np.array_equal(a.history.extra(name), b.history.extra(name), equal_nan=True)


SCHEDULE = [
    (23, lambda t: t.set_learning_rate(t.learning_rate * 0.5)),
    (30, lambda t: t.set_parameters({t.parameter_names[0]: 0.25})),
    (35, lambda t: t.freeze([t.parameter_names[-1]])),
    (46, lambda t: t.unfreeze([t.parameter_names[-1]])),
]


def live_changes(t: Trainer, upto: int, last_change: int = 10**9) -> None:
    """Train to `upto` with a change of each kind on the way (those at steps <= last_change)."""
    for at, change in SCHEDULE:
        if at > min(upto, last_change):
            break
        t.step(at - t.step_count)
        change(t)
    t.step(upto - t.step_count)


CASES = [(name, batch) for name in OPTIMIZERS for batch in (0, 16)]


@pytest.mark.parametrize(("name", "batch"), CASES)
@pytest.mark.parametrize("k", [0, 17, 46, 64, 101])
def test_training_on_from_a_rewound_step_reproduces_the_run(name, batch, k):
    cfg = network(OPTIMIZERS[name], batch)
    original = Trainer(cfg)
    live_changes(original, 150)
    branched = Trainer(cfg)
    live_changes(branched, 150)
    branched.step(37)  # beyond: cut off by the rewind
    branched.rewind(k)
    assert branched.step_count == k
    assert int(branched.history.steps()[-1]) == k
    branched.step(150 - k)
    # the changes up to k are kept; those after it are not made again
    straight = Trainer(cfg)
    live_changes(straight, 150, last_change=k)
    same_state(branched, straight)
    if k >= 46:
        same_state(branched, original)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_rewound_state_is_the_state_at_that_step(name):
    cfg = network(OPTIMIZERS[name], 16)
    at_k = Trainer(cfg)
    live_changes(at_k, 61)
    t = Trainer(cfg)
    live_changes(t, 200)
    t.rewind(61)
    same_state(t, at_k)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_function_mode(name):
    cfg = function(OPTIMIZERS[name])
    original = Trainer(cfg)
    live_changes(original, 120)
    t = Trainer(cfg)
    live_changes(t, 170)
    t.rewind(80)
    t.step(40)
    same_state(t, original)


def test_step_back_is_one_update_back():
    cfg = network(OPTIMIZERS["adam"], 16)
    a, b = Trainer(cfg), Trainer(cfg)
    a.step(99)
    b.step(100)
    b.rewind(b.step_count - 1)
    same_state(a, b)
    b.step(1)
    a.step(1)
    same_state(a, b)


def test_a_change_at_the_rewound_step_is_kept():
    cfg = network(OPTIMIZERS["momentum"], 16)
    a, b = Trainer(cfg), Trainer(cfg)
    for t in (a, b):
        t.step(40)
        t.set_learning_rate(0.2)
        t.set_parameters({"b2_1": 0.5})
        t.step(30)
    b.rewind(40)
    assert b.learning_rate == 0.2 and b.parameters[-1] == 0.5
    b.step(30)
    same_state(a, b)


def test_decimated_history_and_checkpoints_stay_exact():
    cfg = network(OPTIMIZERS["rmsprop_centered_momentum"], 16)
    budget = 40_000  # a few hundred rows: the history and the checkpoints decimate
    a = Trainer(cfg, history_budget=budget)
    a.step(3000)
    b = Trainer(cfg, history_budget=budget)
    b.step(2500)
    assert b.history.stride > 1 and b.checkpoints.stride > 16
    assert 0 < b.checkpoints.nbytes <= budget // 4
    b.rewind(1234)
    assert b.step_count == 1234
    b.step(3000 - 1234)
    assert np.array_equal(a.parameters, b.parameters)
    assert np.array_equal(a.gradients, b.gradients)
    assert a.cost == b.cost
    # what was recorded after 1234 again is on the same steps with the same numbers
    ta, tb = a.history.table(), b.history.table()
    common = np.intersect1d(ta[:, 0], tb[:, 0])
    assert common.size > 10 and common[-1] == 3000
    rows_a = ta[np.isin(ta[:, 0], common)]
    rows_b = tb[np.isin(tb[:, 0], common)]
    assert np.array_equal(rows_a, rows_b, equal_nan=True)


def test_rewind_refuses_steps_outside_the_run_and_changes_nothing():
    t = Trainer(network(OPTIMIZERS["sgd"]))
    t.step(10)
    before = t.history.table()
    for bad in (-1, 11, 2.0, True, "3"):
        with pytest.raises(ValueError, match="rewind"):
            t.rewind(bad)
    assert t.step_count == 10 and np.array_equal(before, t.history.table())
    assert t.changes == []


def test_changes_are_recorded_in_order_as_json():
    t = Trainer(network(OPTIMIZERS["sgd"]))
    live_changes(t, 60)
    t.rewind(30)
    t.set_optimizer("adam", learning_rate=0.01)
    changes = t.changes
    assert json.loads(json.dumps(changes)) == changes
    assert [(c["step"], c["kind"]) for c in changes] == [
        (23, "optimizer"),
        (30, "parameters"),
        (35, "freeze"),
        (46, "unfreeze"),
        (60, "rewind"),
        (30, "optimizer"),
    ]
    assert changes[0]["settings"]["learning_rate"] == 0.05
    assert changes[1]["values"] == {"w1_1_1": 0.25}
    assert changes[2]["names"] == ["b2_1"]
    assert changes[4]["to"] == 30
    assert changes[5]["name"] == "adam"
    t.reset()
    assert t.changes == []


def test_replaying_the_changes_reproduces_the_run():
    cfg = network(OPTIMIZERS["momentum"], 16)
    t = Trainer(cfg)
    live_changes(t, 80)
    t.rewind(40)
    t.set_optimizer("adam", learning_rate=0.02)
    t.step(60)
    again = Trainer(cfg)
    again.replay(t.changes, steps=100)
    same_state(t, again)
    assert again.changes == t.changes


def test_without_room_for_a_checkpoint_rewinding_replays_from_the_start():
    cfg = network(OPTIMIZERS["amsgrad"], 16)
    a = Trainer(cfg)
    live_changes(a, 90)
    b = Trainer(cfg)
    b.checkpoints.budget_bytes = 100  # less than one checkpoint
    live_changes(b, 130)
    assert len(b.checkpoints) == 0 and b.checkpoints.nbytes == 0
    b.rewind(90)
    same_state(a, b)


def test_rewinding_to_the_start_after_switching_optimizers():
    cfg = network(OPTIMIZERS["sgd"], 16)
    a, b = Trainer(cfg), Trainer(cfg)
    b.step(20)
    b.set_optimizer("rmsprop", learning_rate=0.01, centered=True)
    b.step(20)
    b.rewind(0)
    same_state(a, b)
    assert b.optimizer.name == "sgd" and b.config == a.config


def test_checkpoints_keep_no_scratch_vector():
    t = Trainer(network(OPTIMIZERS["adam"], 16))
    t.step(40)
    assert t.checkpoints.steps == [16, 32]
    kept = vars(t.checkpoints.at_or_before(40).optimizer)
    assert kept["_scratch"] is None and kept["_exp_avg"] is not t.optimizer._exp_avg


def test_the_history_and_the_checkpoints_share_the_history_budget():
    t = Trainer(network(OPTIMIZERS["adam"], 16), history_budget=2**22)
    assert t.history.budget_bytes + t.checkpoints.budget_bytes == 2**22
    assert t.checkpoints.budget_bytes == 2**22 // 8
    t.step(5000)
    assert t.history.nbytes + t.checkpoints.nbytes <= 2**22
