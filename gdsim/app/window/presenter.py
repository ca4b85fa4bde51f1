"""The run presenter: the session's run and snapshots, fanned out to the views of one window.

Each view declares what it needs (gdsim.app.run_view.Feed): every row or the latest state, how
often, only while its tab shows. Everything visible is refreshed from one ~30 Hz timer, and only
when a snapshot arrived since the last refresh, so drawing never starves the trainer. The
presenter also writes the step/cost status line and the messages about the run (function mode,
divergence, a stop rule that paused it).

The timeline (gdsim.app.window.timeline) asks to look back at step k: the presenter takes the
state at k from its StateSource and shows it in every view (views fed every row are pinned to
it, the others are handed it), and from then on feeds rows but not states until live is chosen
again, when every view catches up at once.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QTabWidget

from gdsim.app import theme
from gdsim.app.message_bar import MessageBar
from gdsim.app.run_view import PinnableView, RunView
from gdsim.app.trainer_session import TrainingSession
from gdsim.app.window.timeline import TimelineBar
from gdsim.config import Config
from gdsim.engine.parameters import ParameterIndex
from gdsim.session.run_model import reads_a_file, run_data
from gdsim.session.runstate import RunInfo, Snapshot, merge_snapshots
from gdsim.session.timeline import StateSource, nearest_step

REFRESH_MS = 33  # at most ~30 redraws a second
LOAD_POLL_MS = 15  # how often to look whether the run's data file has been read


def _preload(config: Config, done: threading.Event) -> None:
    """Read the run's data into the cache the views load from (a worker thread's job)."""
    try:
        run_data(config)
    except Exception:  # noqa: BLE001 (the views load it again and say what is wrong)
        pass
    finally:
        done.set()


class _Cadence:
    """The views updated together, at most every `interval_ms` while a run goes on."""

    def __init__(self, interval_ms: int, views: list[RunView]):
        self.interval = interval_ms / 1000
        self.views = views
        self.pending: list[Snapshot] = []  # arrived since the last update, for every-row views
        self.shown = 0.0

    def due(self, snap: Snapshot, now: float) -> bool:
        return not snap.running or now - self.shown >= self.interval

    def feed(
        self, snap: Snapshot, current: object, catch_up: bool = False, hold: bool = False
    ) -> None:
        """Every-row views get the pending rows, latest-state views `snap`. `catch_up` (the tabs
        changed): the views that skip updates while hidden get `snap` whether showing or not,
        the others only their pending rows. `hold` (the timeline shows a past step): only the
        rows go."""
        merged = merge_snapshots(self.pending) if self.pending else None
        if merged is not None and not merged.has_state:  # the newest state with every row
            merged = dataclasses.replace(snap, chunk=merged.chunk)
        self.pending = []
        for view in self.views:
            feed = view.run_feed
            if feed.every_row:
                if merged is not None:
                    view.update_from(merged)
            elif hold:
                continue
            elif feed.only_visible:
                if catch_up or view is current:
                    view.update_from(snap)
            elif not catch_up:
                view.update_from(snap)


class RunPresenter(QObject):
    """Feeds `views` from `session`; `tabs` tells which view is showing. `config()` is the
    window's config (the status line counts epochs only for mini-batches)."""

    # a run's first state arrived, a run (re)started, or the timeline went to the past or live
    shown_changed = Signal()

    def __init__(
        self,
        session: TrainingSession,
        views: Sequence[RunView],
        tabs: QTabWidget,
        status_line: QLabel,
        message_bar: MessageBar,
        status_bar: QStatusBar,
        config: Callable[[], Config],
        parent: QObject | None = None,
        timeline: TimelineBar | None = None,
        states: StateSource | None = None,
    ):
        super().__init__(parent)
        self._session = session
        self._views = tuple(views)
        self._tabs = tabs
        self._status_line = status_line
        self._message_bar = message_bar
        self._status_bar = status_bar
        self._config = config
        self._timeline = timeline
        self.states = states  # where the timeline's past states come from
        self.shown: Snapshot | None = None  # the past state every view shows (None: live)
        self._asked: int | None = None  # the step the timeline asked for (shown: the nearest)
        self._request: int | None = None  # a step asked for while dragging, shown on the tick
        self._live = [v for v in self._views if v.run_feed.interval_ms is None]
        intervals = dict.fromkeys(
            v.run_feed.interval_ms for v in self._views if v.run_feed.interval_ms is not None
        )
        self._cadences = [
            _Cadence(ms, [v for v in self._views if v.run_feed.interval_ms == ms])
            for ms in intervals
        ]
        # the newest snapshot with the state (what the views show), and the newest of all (its
        # step and cost for the status line: a big network's state comes a few times a second)
        self.last: Snapshot | None = None
        self.newest: Snapshot | None = None
        self.history_unsaved = False  # steps taken that no export has written yet
        self._shown_divergence = False
        self._dirty = False
        # a run whose data file is being read in the background: its start and snapshots wait
        self._waiting: tuple[RunInfo, list[Snapshot], threading.Event] | None = None
        self._load_timer = QTimer(self)
        self._load_timer.setInterval(LOAD_POLL_MS)
        self._load_timer.timeout.connect(self._check_loaded)

        session.run_started.connect(self._on_run_started)
        session.snapshot.connect(self._on_snapshot)
        session.exported.connect(self._on_exported)
        tabs.currentChanged.connect(self._catch_up)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        if timeline is not None:
            timeline.step_requested.connect(self.request_step)
            timeline.live_requested.connect(self.show_live)

    # ------------------------------------------------------------------ the timer
    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def is_active(self) -> bool:
        return self._timer.isActive()

    # ------------------------------------------------------------------ the session's answers
    def _on_run_started(self, info: RunInfo) -> None:
        """Start the views on the run; when its data file is not read yet (a 1,000-row CSV of
        784 columns takes ~0.4 s) read it in a thread first, so the window never waits."""
        self._waiting = None
        network = info.config.network
        if info.config.mode == "network" and info.parameter_index is not None:
            sizes = (network.inputs, *(layer.units for layer in network.layers))
            ParameterIndex.remember(sizes, info.parameter_index)  # the views' networks use it
        if reads_a_file(info.config):
            done = threading.Event()
            threading.Thread(
                target=_preload, args=(info.config, done), name="gdsim-data", daemon=True
            ).start()
            self._waiting = (info, [], done)
            self._status_line.setText("reading the data file…")
            self._load_timer.start()
            return
        self._load_timer.stop()
        self._start_views(info)

    def waiting_for_data(self) -> bool:
        """True while the run's data file is read in the background (the views wait)."""
        return self._waiting is not None

    def _check_loaded(self) -> None:
        if self._waiting is None:
            self._load_timer.stop()
            return
        info, snaps, done = self._waiting
        if not done.is_set():
            return
        self._load_timer.stop()
        self._waiting = None
        self._start_views(info)
        if snaps:
            self._on_snapshot(merge_snapshots(snaps))

    def _start_views(self, info: RunInfo) -> None:
        if not info.continued:  # (a cut or edited run is the same run: its messages stand)
            self._status_bar.clearMessage()  # messages about the previous run no longer apply
        if info.config.mode == "function" and not info.continued:
            names = ", ".join(info.parameter_names)
            self._message_bar.show_message(
                f"<b>Function mode</b>: minimising C({names}) = {info.config.function}. Only "
                "the optimizer settings apply (no data or network); Step, Run and the plots "
                "work as usual. Open a network config (File ▸ Open) to build a network again.",
                "info",
            )
        self.last = self.newest = None
        self.history_unsaved = info.continued  # (a cut or a hand edit is work not yet exported)
        self._shown_divergence = False
        self.shown = self._asked = self._request = None  # a new run is shown live
        for cadence in self._cadences:
            cadence.pending = []
        for view in self._views:
            view.start_run(info)  # (which unpins a pinned view)
        if self._timeline is not None:
            self._timeline.show_live(0)
        self._dirty = True
        self.shown_changed.emit()

    def _on_snapshot(self, snap: Snapshot) -> None:
        if self._waiting is not None:
            if snap.run_id == self._waiting[0].run_id:
                self._waiting[1].append(snap)
            return
        self.newest = snap
        if snap.has_state:
            first, self.last = self.last is None, snap
            if first:
                self.shown_changed.emit()
        for cadence in self._cadences:
            cadence.pending.append(snap)
        for view in self._live:
            view.update_from(snap)
        if snap.step > 0:
            self.history_unsaved = True
        self._dirty = True
        if snap.diverged and not self._shown_divergence:
            self._shown_divergence = True
            self._show_divergence(
                f"<b>{_sentence(snap.diverged)}</b> The plots keep every step up to the last "
                "finite one; Reset to start again, or with a smaller learning rate."
            )
        elif snap.stop_reason:
            self._status_bar.showMessage(f"Paused: {snap.stop_reason}.", 8000)

    def _on_exported(self, _path: str) -> None:
        self.history_unsaved = False

    def smaller_learning_rate(self) -> float:
        """What the divergence message offers to reset with: a tenth of the rate now."""
        return self._config().optimizer.learning_rate / 10

    def _show_divergence(self, text: str) -> None:
        self._message_bar.show_message(
            text, "warning", "Reset", f"Reset with learning rate {self.smaller_learning_rate():g}"
        )

    def can_train(self) -> bool:
        """False (and says why) for a run that diverged. Without a run the request goes to the
        trainer all the same: it answers why not (or trains the run on its way)."""
        last = self.last
        if last is not None and last.diverged:
            self._show_divergence(f"<b>{_sentence(last.diverged)}</b>")
            return False
        return True

    # ------------------------------------------------------------------ the timeline
    def request_step(self, step: int) -> None:
        """Show step `step` on the next tick (a drag asks faster than views can draw)."""
        self._request = int(step)

    def show_step(self, step: int) -> Snapshot | None:
        """Show the state at `step` (or the nearest step the StateSource knows) in every view,
        now; returns it (None when there is none). At or past the latest step: live."""
        self._request = None
        last, states = self.last, self.states
        if last is None or states is None or self._waiting is not None:
            return None
        if step >= last.step:
            self.show_live()
            return None
        shown = nearest_step(states.steps(), step)
        state = states.state_at(shown) if shown is not None else None
        if state is None:
            return None
        self.shown, self._asked = state, int(step)
        for view in self._views:
            if isinstance(view, PinnableView):
                view.pin(state)
            elif not view.run_feed.every_row:
                view.update_from(state)
        self._show_timeline()
        self.shown_changed.emit()
        return state

    def show_live(self) -> None:
        """Back to the latest step: every view catches up at once."""
        self._request = None
        was_past = self.shown is not None
        self.shown = self._asked = None
        snap = self.last
        if was_past and snap is not None:
            current = self._tabs.currentWidget()
            for cadence in self._cadences:
                cadence.shown = time.monotonic()
                cadence.feed(snap, current, hold=True)  # the rows still pending
            for view in self._views:
                if isinstance(view, PinnableView):
                    view.pin(None)
                elif not view.run_feed.every_row:
                    view.update_from(snap)
        self._show_timeline()
        if was_past:
            self.shown_changed.emit()

    def is_live(self) -> bool:
        return self.shown is None

    def _show_timeline(self) -> None:
        bar, last = self._timeline, self.last
        if bar is None:
            return
        latest = last.step if last is not None else 0
        if self.shown is None:
            bar.show_live(latest)
        else:
            bar.show_past(self._asked, self.shown.step, latest)

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        """The only place that repaints: at most every REFRESH_MS, only after new data."""
        if self._request is not None:
            self.show_step(self._request)
        for view in self._live:
            view.refresh()
        if not self._dirty:
            return
        self._dirty = False
        snap = self.last
        if snap is None:
            return
        now = time.monotonic()
        current = self._tabs.currentWidget()
        hold = self.shown is not None
        for cadence in self._cadences:
            if cadence.due(snap, now):
                cadence.shown = now
                cadence.feed(snap, current, hold=hold)
            else:
                self._dirty = True  # show the final numbers once the run pauses
        self._status_line.setText(self._status_text(self.newest or snap))
        self._show_timeline()

    def _catch_up(self, _index: int = -1) -> None:
        """The tabs changed: bring the views that wait while hidden up to date."""
        snap = self.last
        if snap is None:  # (then nothing is pending either)
            return
        current = self._tabs.currentWidget()
        for cadence in self._cadences:
            cadence.feed(snap, current, catch_up=True, hold=self.shown is not None)

    def _status_text(self, snap: Snapshot) -> str:
        config = self._config()
        parts = [f"step <b>{snap.step:,}</b>"]
        if config.mode == "network" and config.batch_size:
            parts.append(f"epoch <b>{snap.epoch:,}</b>")  # with full batches epoch = step
        cost = f"{snap.cost:.6g}" if math.isfinite(snap.cost) else str(snap.cost)
        parts.append(f"cost <b>{cost}</b>")
        parts.append(f"learning rate {snap.learning_rate:g}")
        self._status_line.setToolTip(
            f"The run's history holds {snap.history_bytes / 2**20:.1f} MiB (long runs keep "
            "every cost but thin out older parameter rows to stay within the budget)."
        )
        if snap.running and snap.steps_per_second:
            parts.append(f"{snap.steps_per_second:,.0f} steps/s")
        elif snap.diverged:
            red = theme.colors().negative  # read now: the theme may have changed
            parts.append(f"<span style='color:{red}'>diverged</span>")
        else:
            parts.append("paused")
        return " &nbsp;·&nbsp; ".join(parts)


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]
