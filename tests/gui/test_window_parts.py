"""The main window's parts on their own: the run presenter's feeds and the lesson registry."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QTabWidget, QWidget

from gdsim.app.lessons import registry
from gdsim.app.lessons.presets import LESSONS as PRESET_LESSONS
from gdsim.app.lessons.presets import presets_for
from gdsim.app.lessons.start_page import parse_target
from gdsim.app.message_bar import MessageBar
from gdsim.app.parameter_table import ParameterTable
from gdsim.app.plots.panel import PlotPanel
from gdsim.app.run_view import Feed, RunView
from gdsim.app.views.chain_rule import ChainRuleView
from gdsim.app.views.gradient_health import GradientHealthView
from gdsim.app.views.loss_surface import LossSurfaceView
from gdsim.app.views.network_diagram import NetworkDiagramView
from gdsim.app.views.prediction import PredictionView
from gdsim.app.window import presenter as presenter_module
from gdsim.app.window.presenter import RunPresenter
from gdsim.app.window.tabs import TABS
from gdsim.config import default_config
from tests.gui.trainer_state import run_info, snapshot, trained


class FakeSession(QObject):
    run_started = Signal(object)
    snapshot = Signal(object)
    exported = Signal(str)
    info = None


class Recorder(QWidget):
    """A view that records what it was given."""

    def __init__(self, feed: Feed):
        super().__init__()
        self.run_feed = feed
        self.started = 0
        self.shown: list[tuple[int, ...]] = []  # the steps of each update's rows
        self.latest: list[int] = []  # the step of each update's state
        self.refreshes = 0

    def start_run(self, info) -> None:
        self.started += 1

    def update_from(self, snap) -> None:
        self.shown.append(tuple(int(s) for s in snap.chunk.steps))
        self.latest.append(snap.step)

    def refresh(self) -> None:
        self.refreshes += 1


@pytest.fixture
def fed(qtbot):
    views = {
        "live": Recorder(Feed(every_row=True, interval_ms=None)),
        "table": Recorder(Feed()),
        "rows": Recorder(Feed(every_row=True)),
        "shown": Recorder(Feed(only_visible=True)),
        "hidden": Recorder(Feed(only_visible=True)),
    }
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    for key in ("table", "rows", "shown", "hidden"):
        tabs.addTab(views[key], key)
    tabs.setCurrentWidget(views["shown"])
    session = FakeSession()
    presenter = RunPresenter(
        session, list(views.values()), tabs, QLabel(), MessageBar(), QStatusBar(), default_config
    )
    trainer = trained("xor.json", 0)
    session.run_started.emit(run_info(trainer))
    return presenter, session, tabs, views, trainer


def _step(session, trainer, steps: int, running: bool) -> None:
    """`steps` more updates, sent as one snapshot (the first one also carries step 0's row)."""
    before = trainer.step_count
    trainer.step(steps)
    session.snapshot.emit(snapshot(trainer, before if before else -1, running=running))


def test_every_view_of_the_window_declares_its_feed():
    for cls in (
        PlotPanel,
        ParameterTable,
        PredictionView,
        GradientHealthView,
        ChainRuleView,
        LossSurfaceView,
        NetworkDiagramView,
    ):
        assert isinstance(cls.run_feed, Feed), cls
        assert callable(cls.start_run) and callable(cls.update_from), cls
    assert PlotPanel.run_feed.interval_ms is None and callable(PlotPanel.refresh)


def test_views_get_what_their_feed_asks_for(fed):
    presenter, session, tabs, views, trainer = fed
    assert all(isinstance(v, RunView) and v.started == 1 for v in views.values())
    _step(session, trainer, 1, running=False)
    _step(session, trainer, 2, running=False)
    assert len(views["live"].latest) == 2  # at once, one snapshot at a time
    assert not views["table"].latest
    presenter.refresh()
    assert views["live"].refreshes == 1
    assert views["table"].latest == [3]
    assert views["rows"].shown == [(0, 1, 2, 3)]  # every row since the start, merged
    assert views["shown"].latest == [3] and views["hidden"].latest == []
    presenter.refresh()  # nothing new: nothing fed
    assert views["table"].latest == [3] and views["live"].refreshes == 2

    _step(session, trainer, 1, running=False)
    tabs.setCurrentWidget(views["hidden"])  # the tabs changed: hidden views catch up
    assert views["hidden"].latest == [4] and views["shown"].latest == [3, 4]
    assert views["rows"].shown[-1] == (4,)
    assert views["table"].latest == [3]  # (the table waits for the timer)


def test_running_views_update_a_few_times_a_second_and_once_on_pause(fed, monkeypatch):
    presenter, session, tabs, views, trainer = fed
    clock = [1000.0]
    monkeypatch.setattr(presenter_module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    _step(session, trainer, 1, running=True)
    presenter.refresh()
    assert views["table"].latest == [1]
    _step(session, trainer, 1, running=True)
    clock[0] += 0.1
    presenter.refresh()  # too soon after the last update
    assert views["table"].latest == [1] and len(views["live"].latest) == 2
    _step(session, trainer, 1, running=False)
    presenter.refresh()  # paused: shown at once
    assert views["table"].latest == [1, 3]
    assert views["rows"].shown == [(0, 1), (2, 3)]


def test_every_lesson_target_opens_something_the_window_has():
    targets = [lesson.target for lesson in registry.LESSONS]
    assert len(set(targets)) == len(targets)
    for lesson in registry.LESSONS:
        kind, name = parse_target(lesson.target)
        if kind == "tab":
            assert name in TABS, lesson.key
        if kind == "lesson":
            assert lesson.key == name and lesson.menu, lesson.key
            assert issubclass(lesson.window_class(), QWidget)
    assert PRESET_LESSONS == ("one_parameter", "two_parameters", "main")
    for key in PRESET_LESSONS:
        assert presets_for(key), key


def test_a_snapshot_without_the_state_feeds_rows_and_the_status_but_not_the_state(fed):
    presenter, session, tabs, views, trainer = fed
    _step(session, trainer, 2, running=True)  # with the state: steps 0..2
    full = presenter.last
    before = trainer.step_count
    trainer.step(3)
    light = snapshot(trainer, before, running=True)
    light = type(light).of_trainer(
        trainer, 1, light.chunk, running=True, with_state=False
    )  # as a big network's trainer sends between states
    assert not light.has_state and light.parameters.size == 0
    session.snapshot.emit(light)
    assert presenter.last is full and presenter.newest is light
    assert views["live"].latest[-1] == 5  # the plots get every snapshot
    presenter.refresh()
    assert views["table"].latest[-1] == 2  # the newest state, not an empty one
    merged = views["rows"].shown[-1]
    assert merged == (0, 1, 2, 3, 4, 5)  # every row, with the newest state
    assert "step <b>5</b>" in presenter._status_line.text()
