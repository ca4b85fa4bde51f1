"""TrainingSession with its real child process: requests add up, the learning_rate column,
and a trainer process that dies (SIGKILL) is noticed, reaped and replaced within a second."""

from __future__ import annotations

import os
import signal
import time

import pytest

from gdsim.app.trainer_session import TrainingSession
from gdsim.io.run_csv import read_run_csv
from tests.session.fakes import EXAMPLES, ONE
from tests.session.test_learning_rate_column import check_updates

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kills the child with SIGKILL")


@pytest.fixture
def session(qtbot):
    s = TrainingSession(budget_bytes=32 * 2**20)
    failures: list[str] = []
    s.failed.connect(failures.append)
    s.failures = failures
    with qtbot.waitSignal(s.run_started, timeout=10_000):
        s.load(ONE)
    qtbot.waitUntil(lambda: s.last is not None, timeout=5000)
    yield s
    assert s.shutdown()


def idle_at(qtbot, s: TrainingSession, step: int, timeout: int = 10_000) -> None:
    qtbot.waitUntil(
        lambda: s.last is not None and s.last.step == step and not s.running, timeout=timeout
    )


def test_step_clicks_add_up(qtbot, session):
    for _ in range(5):  # five quick clicks
        session.step(1)
    idle_at(qtbot, session, 5)
    session.step(1000)  # Step N twice
    session.step(1000)
    idle_at(qtbot, session, 2005)
    session.set_speed_limit(20_000)  # a Step N of 100,000 that is still running ...
    session.step(100_000)
    qtbot.waitUntil(lambda: session.last.step > 2005, timeout=5000)
    assert session.running
    session.step(1)  # ... and one Step click during it: one more
    session.set_speed_limit(None)
    idle_at(qtbot, session, 102_006, timeout=30_000)
    assert session.failures == []


def test_the_learning_rate_column_through_the_session(qtbot, session, tmp_path):
    session.step(3)
    idle_at(qtbot, session, 3)
    session.set_learning_rate(0.3)  # idle at step 3: the update 3 -> 4 uses it
    session.step(2)
    idle_at(qtbot, session, 5)
    session.set_speed_limit(2000)
    session.run()
    qtbot.waitUntil(lambda: session.last.step > 20, timeout=5000)
    session.set_learning_rate(0.05)  # while running
    qtbot.waitUntil(lambda: session.last.learning_rate == 0.05, timeout=5000)
    qtbot.waitUntil(lambda: session.last.step > 60, timeout=5000)
    session.pause()
    qtbot.waitUntil(lambda: not session.running, timeout=5000)
    path = tmp_path / "run.csv"
    with qtbot.waitSignal(session.exported, timeout=10_000):
        session.export(str(path))
    lr = check_updates(read_run_csv(path), ("w",))
    assert lr[:5].tolist() == [0.1, 0.1, 0.1, 0.3, 0.3]
    assert lr[-1] == 0.05 and set(lr.tolist()) == {0.1, 0.3, 0.05}


def gone(pid: int) -> bool:
    """Reaped: no zombie left (the pid is no child of ours any more)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_killed_trainer_is_noticed_reaped_and_replaced(qtbot, session):
    started: list = []
    session.run_started.connect(started.append)
    session.run()
    qtbot.waitUntil(lambda: session.last.step > 100, timeout=5000)
    old = session.process
    with qtbot.waitSignal(session.trainer_died, timeout=1000):
        killed = time.monotonic()
        os.kill(old.pid, signal.SIGKILL)
    assert time.monotonic() - killed < 1.0
    assert gone(old.pid) and old.exit_code == -signal.SIGKILL
    (text,) = session.failures
    assert text.startswith("The trainer process was killed by SIGKILL; a new one is ready.")
    assert "\n" not in text and "Step, Run or Reset starts it again from step 0" in text
    # What the window shows is kept: not running, the last snapshot, the run's info.
    shown = session.last
    assert not session.running and shown.step > 100 and session.info.run_id == shown.run_id
    assert session.process is not old and session.process.is_alive() and started == []
    # Export has nothing to export: it says why.
    with qtbot.waitSignal(session.export_failed, timeout=1000) as failed:
        session.export("/nonexistent/run.csv")
    assert "lost with the trainer process" in failed.args[0]
    # Step works again: the run starts again from step 0 (with the same config), then steps.
    with qtbot.waitSignal(session.run_started, timeout=5000):
        session.step(1)
    idle_at(qtbot, session, 1)
    assert session.last.parameters[0] == pytest.approx(1.4, abs=1e-15)
    # ... and Reset, Run and Open (a load) as well.
    with qtbot.waitSignal(session.run_started, timeout=5000):
        session.reset()
    session.step(3)
    idle_at(qtbot, session, 3)
    with qtbot.waitSignal(session.run_started, timeout=5000):
        session.load(ONE)
    idle_at(qtbot, session, 0)
    assert len(session.failures) == 1


def test_reset_after_a_restart_and_the_settings_go_on(qtbot, session):
    session.set_stop_conditions(40, None)
    session.set_learning_rate(0.2)
    session.step(7)
    idle_at(qtbot, session, 7)
    with qtbot.waitSignal(session.trainer_died, timeout=2000):
        os.kill(session.process.pid, signal.SIGKILL)
    with qtbot.waitSignal(session.run_started, timeout=5000):
        session.reset()
    session.run()  # the stop rule and the learning rate came along to the new trainer
    idle_at(qtbot, session, 40)
    assert session.last.stop_reason == "reached the step limit (40)"
    assert session.last.learning_rate == 0.2


def test_a_trainer_that_keeps_dying_is_given_up_with_a_reason(qtbot, session):
    for _ in range(4):
        with qtbot.waitSignal(session.trainer_died, timeout=2000):
            os.kill(session.process.pid, signal.SIGKILL)
    assert "4 times within 60 s" in session.failures[-1]
    assert not session.process.is_alive() and gone(session.process.pid)
    session.step(1)  # refused with the reason, not silently
    assert session.failures[-1] == session.failures[-2] and not session.running


def test_a_run_that_cannot_be_loaded_again_is_said(qtbot, session, tmp_path):
    from gdsim.config import load_config

    data = EXAMPLES.parent / "data" / "moons_like.csv"
    (tmp_path / "data.csv").write_bytes(data.read_bytes())
    text = (EXAMPLES / "moons-csv.json").read_text().replace("../data/moons_like.csv", "data.csv")
    (tmp_path / "run.json").write_text(text)
    with qtbot.waitSignal(session.run_started, timeout=10_000):
        session.load(load_config(tmp_path / "run.json"))
    (tmp_path / "data.csv").unlink()  # the new trainer cannot read it again
    with qtbot.waitSignal(session.trainer_died, timeout=2000):
        os.kill(session.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: len(session.failures) == 2, timeout=10_000)
    assert session.failures[1].startswith("the run could not be started again: ")
    assert "data.csv" in session.failures[1]
    session.step(1)  # the driver has no run: said, not silent
    qtbot.waitUntil(lambda: len(session.failures) == 3, timeout=5000)
    assert session.failures[2] == "there is no run to step: open a config that loads"
    assert not session.running


def test_the_trainer_process_leaves_the_window_a_core_unless_told_otherwise(monkeypatch):
    from gdsim.app import trainer_process

    monkeypatch.setattr(trainer_process.os, "cpu_count", lambda: 8)
    env = trainer_process.child_environment({"HOME": "/h"})
    assert env["OPENBLAS_NUM_THREADS"] == "7" and env["OPENBLAS_THREAD_TIMEOUT"] == "4"
    assert env["HOME"] == "/h"
    monkeypatch.setattr(trainer_process.os, "cpu_count", lambda: 1)
    assert trainer_process.child_environment({})["OPENBLAS_NUM_THREADS"] == "1"
    mine = trainer_process.child_environment({"OPENBLAS_NUM_THREADS": "2"})
    assert mine["OPENBLAS_NUM_THREADS"] == "2"  # the user's setting wins
