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
from tests.session.fakes import ONE, make_driver, missing_data_config


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
    s._on_message(LoadFailed("no data", 1, 2))
    later = [m for m in driver_messages(Load(ONE, 1), Step(2)) if isinstance(m, SnapshotReady)]
    s._on_message(later[-1])
    assert events == [("failed", "no data"), ("running", False), ("snapshot", 1, 2)]


def test_failures_running_state_and_export_messages(qtbot):
    s, sent, events = session(qtbot)
    s.load(ONE)
    s.run()
    s._on_message(Failed("boom", running=False, requests=2))  # the engine raised: stopped
    s._on_message(ExportProgress(3, 9))
    s._on_message(Exported("run.csv"))
    s._on_message(ExportFailed("full"))
    assert events == [
        ("running", True),
        ("running", False),
        ("failed", "boom"),
        ("running", False),  # after every failure: the state in force
        ("progress", 3, 9),
        ("exported", "run.csv"),
        ("export_failed", "full"),
    ]


class Wire:
    """A session wired to a real driver through a pipe that delivers only when told: messages
    are on their way while the user clicks."""

    def __init__(self, qtbot):
        self.driver, self.in_flight, _ = make_driver()
        self.session, _, self.events = session(qtbot)
        self.session._send_command = self.driver.handle

    def deliver(self) -> None:
        messages, self.in_flight[:] = list(self.in_flight), []
        for message in messages:
            self.session._on_message(message)

    def running_events(self) -> list[bool]:
        return [e[1] for e in self.events if e[0] == "running"]


def test_a_snapshot_on_its_way_does_not_undo_a_click(qtbot):
    w = Wire(qtbot)
    w.session.load(ONE)
    w.deliver()
    w.session.set_learning_rate(0.2)  # answered at once by a snapshot: running=False ...
    w.session.run()  # ... still on its way when Run is clicked
    w.deliver()
    w.driver.tick()
    w.deliver()
    w.session.step(3)  # Step N, then one more snapshot of the run on its way
    w.session.pause()
    w.deliver()
    assert w.running_events() == [True, False]  # Run shows Pause once, Pause shows Run once


def test_a_step_during_a_run_keeps_pause_showing(qtbot):
    w = Wire(qtbot)
    w.session.load(ONE)
    w.session.run()
    w.driver.tick()
    w.deliver()
    w.session.step(1)
    w.driver.tick()
    w.deliver()
    assert w.running_events() == [True] and w.session.running


def test_a_refused_setting_while_running_does_not_flicker(qtbot):
    w = Wire(qtbot)
    w.session.load(ONE)
    w.session.run()
    w.driver.tick()
    w.deliver()
    w.session.set_optimizer(OptimizerConfig(name="sgd", learning_rate=0.1, momentum=-1.0))
    w.session.set_learning_rate(float("nan"))
    w.deliver()
    w.driver.tick()
    w.deliver()
    failures = [e[1] for e in w.events if e[0] == "failed"]
    assert failures == ["momentum must be >= 0, got -1.0", "learning_rate: must be > 0, got nan"]
    assert set(w.running_events()) == {True} and w.session.running  # (re-said after each)
    assert w.session.config.optimizer.momentum == 0.0  # the config keeps the settings in force


def test_a_refused_request_puts_the_running_state_back(qtbot):
    w = Wire(qtbot)
    w.session.step(50)  # nothing loaded: Pause shows until the driver says no
    w.deliver()
    assert w.running_events() == [True, False, False]
    assert ("failed", "there is no run to step: open a config that loads") in w.events


def test_an_older_refused_load_does_not_undo_a_newer_one(qtbot):
    w = Wire(qtbot)
    w.session.load(ONE)
    w.deliver()
    w.session.load(missing_data_config())  # run 2: refused ...
    w.session.load(ONE)  # ... after run 3 was asked for
    w.deliver()
    assert w.session.info.run_id == 3 and w.session.last.run_id == 3
    assert ("run_started", 3) in w.events
