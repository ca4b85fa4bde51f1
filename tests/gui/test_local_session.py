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
