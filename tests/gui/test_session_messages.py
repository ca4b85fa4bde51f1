"""SessionBase: requests become protocol commands, messages become signals (stale ones dropped)."""

from gdsim.app.session import SessionBase
from gdsim.config import OptimizerConfig
from gdsim.session.protocol import (
    CancelExport,
    Export,
    Exported,
    ExportFailed,
    ExportProgress,
    Failed,
    Load,
    LoadFailed,
    Pause,
    Reset,
    Run,
    SetLearningRate,
    SetOptimizer,
    SetSpeedLimit,
    SetStopRules,
    SnapshotReady,
    Step,
)
from tests.session.fakes import ONE, make_driver


def session(qtbot):
    sent: list = []
    s = SessionBase(None, 1024, sent.append)
    events: list = []
    s.run_started.connect(lambda info: events.append(("run_started", info.run_id)))
    s.snapshot.connect(lambda snap: events.append(("snapshot", snap.run_id, snap.step)))
    s.failed.connect(lambda text: events.append(("failed", text)))
    s.running_changed.connect(lambda running: events.append(("running", running)))
    s.export_progress.connect(lambda done, total: events.append(("progress", done, total)))
    s.exported.connect(lambda path: events.append(("exported", path)))
    s.export_failed.connect(lambda text: events.append(("export_failed", text)))
    return s, sent, events


def driver_messages(*commands):
    """What a TrainingDriver answers to these commands (ticks until idle after each)."""
    driver, outbox, _ = make_driver()
    for command in commands:
        driver.handle(command)
        while driver.running:
            driver.tick()
    return outbox


def test_requests_are_sent_as_commands(qtbot):
    s, sent, _ = session(qtbot)
    adam = OptimizerConfig(name="adam", learning_rate=0.01)
    s.load(ONE)
    s.reset(5)
    s.step(3)
    s.run()
    s.pause()
    s.set_learning_rate(1)
    s.set_optimizer(adam)
    s.set_speed_limit(None)
    s.set_stop_conditions(10, 0.5)
    s.export("run.csv", 2)
    s.cancel_export()
    assert sent == [
        Load(ONE, 1),
        Reset(5, 2),
        Step(3),
        Run(),
        Pause(),
        SetLearningRate(1.0),
        SetOptimizer(adam),
        SetSpeedLimit(None),
        SetStopRules(10, 0.5),
        Export("run.csv", 2),
        CancelExport(),
    ]
    assert type(sent[5].learning_rate) is float


def test_messages_become_signals_and_an_old_run_is_dropped(qtbot):
    s, sent, events = session(qtbot)
    s.load(ONE)
    s.load(ONE)  # run 2 replaces run 1 before any answer came back
    old = driver_messages(Load(ONE, 1), Step(2))
    new = driver_messages(Load(ONE, 2))
    for message in [*old, *new]:
        s._on_message(message)
    assert events == [("run_started", 2), ("snapshot", 2, 0)]
    assert s.info.run_id == 2 and s.last.step == 0


def test_a_failed_load_accepts_the_current_run_again(qtbot):
    s, sent, events = session(qtbot)
    s.load(ONE)
    for message in driver_messages(Load(ONE, 1)):
        s._on_message(message)
    s.load(ONE)  # run 2: refused by the driver, run 1 goes on
    events.clear()
    s._on_message(LoadFailed("no data", 1))
    later = [m for m in driver_messages(Load(ONE, 1), Step(2)) if isinstance(m, SnapshotReady)]
    s._on_message(later[-1])
    assert events == [("failed", "no data"), ("snapshot", 1, 2)]


def test_failures_running_state_and_export_messages(qtbot):
    s, sent, events = session(qtbot)
    s.load(ONE)
    s.run()
    s._on_message(Failed("boom"))
    s._on_message(ExportProgress(3, 9))
    s._on_message(Exported("run.csv"))
    s._on_message(ExportFailed("full"))
    assert events == [
        ("running", True),
        ("running", False),
        ("failed", "boom"),
        ("progress", 3, 9),
        ("exported", "run.csv"),
        ("export_failed", "full"),
    ]
