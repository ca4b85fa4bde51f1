"""LocalSession: the in-thread session the lessons use, same messages as the process one."""

import pytest

from gdsim.app.local_session import LocalSession
from gdsim.config import config_from_dict

ONE = config_from_dict(
    {
        "mode": "function",
        "function": "(w - 3)**2",
        "parameters": {"w": 1.0},
        "optimizer": {"name": "sgd", "learning_rate": 0.1},
    }
)


def test_load_step_reset(qtbot):
    s = LocalSession()
    with qtbot.waitSignal(s.run_started):
        s.load(ONE)
    assert s.last.step == 0 and s.last.cost == 4.0 and s.last.gradients.tolist() == [-4.0]
    s.step(1)
    assert s.last.step == 1 and s.last.parameters[0] == pytest.approx(1.4, abs=1e-15)
    s.reset()
    assert s.last.step == 0 and s.last.parameters[0] == 1.0


def test_run_pause_and_step_n(qtbot):
    s = LocalSession()
    s.load(ONE)
    s.step(500)
    qtbot.waitUntil(lambda: s.last.step == 500 and not s.running, timeout=5000)
    s.run()
    qtbot.waitUntil(lambda: s.last.step > 1000, timeout=5000)
    s.pause()
    stopped = s.last.step
    qtbot.wait(50)
    assert s.last.step == stopped and not s.running


def test_step_requests_add_up(qtbot):
    s = LocalSession()
    s.load(ONE)
    for _ in range(5):
        s.step(1)
    assert s.last.step == 5
    s.step(1000)
    s.step(1000)  # Step N clicked twice: 2000 more
    qtbot.waitUntil(lambda: s.last.step == 2005 and not s.running, timeout=5000)
    s.set_speed_limit(20_000)
    s.step(100_000)
    qtbot.waitUntil(lambda: s.last.step > 2005, timeout=5000)
    s.step(1)  # a Step during the Step N: one more, and the Step N goes on
    assert s.running
    s.set_speed_limit(None)
    qtbot.waitUntil(lambda: s.last.step == 102_006 and not s.running, timeout=20_000)


def test_bad_values_are_answered_not_raised(qtbot):
    s = LocalSession()
    failures: list[str] = []
    s.failed.connect(failures.append)
    s.step(1)  # nothing loaded yet
    s.load(ONE)
    s.set_learning_rate(-1)
    s.set_learning_rate(float("inf"))
    s.set_speed_limit(-3)
    s.set_stop_conditions(-1, None)
    s.step(0)
    s.reset(seed=-5)
    assert failures == [
        "there is no run to step: open a config that loads",
        "learning_rate: must be > 0, got -1.0",
        "learning_rate: must be > 0, got inf",
        "speed limit: must be a number of steps per second > 0 (or none), got -3.0",
        "stop at step: must be a whole number >= 0, got -1",
        "steps: must be a whole number >= 1, got 0",
        "seed: must be in 0..4294967295, got -5",
    ]
    s.step(1)  # the run goes on, with the settings in force
    assert s.last.step == 1 and s.last.parameters[0] == pytest.approx(1.4, abs=1e-15)
    assert not s.running


def test_stop_rules_stop_run_and_a_step_at_the_limit_steps(qtbot):
    s = LocalSession()
    s.load(ONE)
    s.set_stop_conditions(500, None)
    s.run()
    qtbot.waitUntil(lambda: not s.running, timeout=5000)
    assert (s.last.step, s.last.stop_reason) == (500, "reached the step limit (500)")
    s.step(1)
    assert (s.last.step, s.last.stop_reason) == (501, None)
    s.run()
    qtbot.waitUntil(lambda: not s.running, timeout=5000)
    assert (s.last.step, s.last.stop_reason) == (501, "reached the step limit (500)")
