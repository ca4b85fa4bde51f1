"""The network's real loss surface over two chosen parameters, with the path training took.

Pick two parameters (weights or biases). The view freezes every other parameter at its current
value and evaluates the cost (loss + penalty, `Network.cost`) on the full training set over a
grid of values of the two, centred on where they are now. The grid is drawn as a coloured image
with a few contour lines, the current point as a red dot, and the training trajectory of the
two parameters (every parameter row received since the run started, bounded by halving the
resolution) as a line with dots, its start marked.

`start_run(info)` builds a GUI-side copy of the network and loads the training data exactly as
the trainer does; `update_from(snap)` copies the snapshot's parameters into it and accumulates
the chunk's parameter rows. The grid is recomputed only when needed: the selection changed, the
current point left the middle half of the window, training is paused or stepped by hand, or at
most once per second while running (and only while the view is visible). A 41 x 41 grid on the
default 2-4-1 XOR network takes a few tens of milliseconds.

This module is the view (the pair's controls, when to recompute); the numbers (the default pair,
the path's record, the grid) are :mod:`gdsim.app.views.surface_grid` (Qt-free) and the picture
is :class:`gdsim.app.views.surface_plot.SurfacePlot`.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gdsim.app import theme
from gdsim.app.parameter_list import parameter_combo
from gdsim.app.run_view import Feed
from gdsim.app.views.surface_grid import (
    FULL_PATH_MAX_PARAMS,
    GRID,
    MAX_POINTS,
    MIN_HALF_WIDTH,
    GridSweep,
    default_pair,
    half_widths,
    new_trajectory,
)
from gdsim.app.views.surface_plot import SurfacePlot
from gdsim.engine.decimation import ThinnedSeries
from gdsim.engine.network import Network
from gdsim.engine.parameters import ParameterIndex
from gdsim.session.run_model import run_model
from gdsim.session.runstate import RunInfo, Snapshot

__all__ = [
    "GRID",
    "MAX_POINTS",
    "MIN_HALF_WIDTH",
    "REFRESH_SECONDS",
    "LossSurfaceView",
    "default_pair",
]

REFRESH_SECONDS = 1.0  # while running, recompute the grid at most this often
# A big network's grid is computed in slices between events, so it never blocks the window; a
# small one's (parameters x training samples up to this) at once, as its cells cost microseconds.
AT_ONCE_WORK = 5_000_000
SLICE_SECONDS = 0.025

CAPTION = (
    "The colours are a slice through the cost: only the two chosen parameters vary, every "
    "other parameter is frozen at its value at the step shown, so the surface changes as they "
    "change. The white path shows where training took these two parameters (orange "
    "square: the start, red dot: the current step, or the one the timeline shows)."
)

BIG_NETWORK_NOTE = (
    f" (With over {FULL_PATH_MAX_PARAMS:,} parameters only the chosen pair's path is kept: a "
    "pair you choose later draws its path from then on.)"
)


class LossSurfaceView(QWidget):
    """The cost over two chosen parameters (all others frozen now) and the path training took."""

    run_feed = Feed(every_row=True)  # the whole path, shown or not

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lossSurfaceView")
        self._run_id: int | None = None
        self._net: Network | None = None
        self._names: tuple[str, ...] = ()
        self._x: np.ndarray | None = None
        self._y: np.ndarray | None = None
        self._current: np.ndarray | None = None
        self._step: int | None = None
        # the timeline's past state shown instead of the latest, and the latest meanwhile
        self._pinned: Snapshot | None = None
        self._latest: tuple[np.ndarray, int] | None = None
        self._ix = 0
        self._iy = 1
        # the trajectory: full parameter rows so that a new selection shows its path at once
        # (as many as MAX_STORED_VALUES allows), and the chosen pair's own at full resolution
        self._trajectory = new_trajectory(0)
        self._pair_path = ThinnedSeries(2, MAX_POINTS, keep_chunk_ends=True)
        # the grid as drawn
        self._xs = np.zeros(0)
        self._ys = np.zeros(0)
        self._grid: np.ndarray | None = None
        self._centre: tuple[float, float] | None = None
        self._half: tuple[float, float] = (MIN_HALF_WIDTH, MIN_HALF_WIDTH)
        self._dirty = False
        self._last_compute = -math.inf
        self._build()
        self._show_note("Loss surface: start a run to see the cost over two of its weights.")

    @property
    def _t_max(self) -> int:
        """The bound on the trajectory's rows (settable, e.g. small in a test)."""
        return self._trajectory.max_rows

    @_t_max.setter
    def _t_max(self, rows: int) -> None:
        self._trajectory.max_rows = self._pair_path.max_rows = int(rows)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)

        row = QHBoxLayout()
        row.addWidget(QLabel("Horizontal:"))
        self.param_x = QComboBox()
        self.param_x.setObjectName("surfaceParamX")
        self.param_x.setToolTip("The parameter along the horizontal axis")
        row.addWidget(self.param_x, 1)
        row.addSpacing(8)
        row.addWidget(QLabel("Vertical:"))
        self.param_y = QComboBox()
        self.param_y.setObjectName("surfaceParamY")
        self.param_y.setToolTip("The parameter along the vertical axis")
        row.addWidget(self.param_y, 1)
        self.controls = QWidget()
        self.controls.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.controls)

        self.note = QLabel()
        self.note.setObjectName("surfaceNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setStyleSheet("color: palette(placeholder-text); padding: 12px;")
        layout.addWidget(self.note, 1)

        self.graphics = SurfacePlot()
        layout.addWidget(self.graphics, 1)
        g = self.graphics  # (its items, as the view's attributes)
        self.plot, self.cmap, self.image, self.isocurves = g.plot, g.cmap, g.image, g.isocurves
        self.colorbar, self.path = g.colorbar, g.path
        self.start_marker, self.current_marker = g.start_marker, g.current_marker

        self.caption = QLabel(CAPTION)
        self.caption.setObjectName("surfaceCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.caption)

        self._choices = [parameter_combo(c) for c in (self.param_x, self.param_y)]
        self._sweep: GridSweep | None = None  # a grid being computed, a slice per timer tick
        self._sweep_timer = QTimer(self)
        self._sweep_timer.setInterval(0)
        self._sweep_timer.timeout.connect(self._continue_sweep)
        self.param_x.currentIndexChanged.connect(self._selection_changed)
        self.param_y.currentIndexChanged.connect(self._selection_changed)
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        theme.style_plot(self.graphics)

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()
        self.graphics.hide()
        self.caption.hide()
        self.controls.setEnabled(False)

    def _show_plot(self) -> None:
        self.note.hide()
        self.graphics.show()
        self.caption.show()
        self.controls.setEnabled(True)

    # ------------------------------------------------------------------ public API
    def start_run(self, info: RunInfo) -> None:
        """A new run: rebuild the network and data (network mode), keep the pair if it exists."""
        previous = self.selection()
        self._run_id = info.run_id
        self._net = self._x = self._y = None
        self._current = None
        self._step = None
        self._pinned = self._latest = None
        self._grid = None
        self._centre = None
        self._xs = self._ys = np.zeros(0)
        self._dirty = False
        self._last_compute = -math.inf
        self._cancel_sweep()
        self.graphics.clear_items()
        for combo, choices in zip((self.param_x, self.param_y), self._choices, strict=True):
            with QSignalBlocker(combo):
                choices.set_index(ParameterIndex.from_names(()))
        config = info.config
        if config.mode != "network":
            self._names = ()
            self._trajectory = new_trajectory(0)
            self._show_note(
                "Loss surface: for networks. This run minimises a formula; its "
                "parameter plots already show the whole story."
            )
            return
        try:
            model = run_model(config)
        except Exception as exc:  # the trainer reports bad configs; just explain here
            self._names = ()
            self._trajectory = new_trajectory(0)
            self._show_note(f"Loss surface: cannot load this run's data: {exc}")
            return
        net = model.network
        if net.n_params < 2 or net.n_params != len(info.parameter_names):
            self._names = ()
            self._trajectory = new_trajectory(0)
            self._show_note(
                "Loss surface: needs a network with at least two parameters that matches its data."
            )
            return
        self._net = net
        self._names = net.parameter_names
        self._x, self._y = model.x_train, model.y_train
        self._trajectory = new_trajectory(net.n_params)
        pair = (
            previous
            if previous is not None
            and previous[0] in self._names
            and previous[1] in self._names
            and previous[0] != previous[1]
            else default_pair(self._names, net.parameter_index)
        )
        for combo, choices in zip((self.param_x, self.param_y), self._choices, strict=True):
            with QSignalBlocker(combo):
                choices.set_index(net.parameter_index)
        self._set_combos(*pair)
        self._ix, self._iy = self._names.index(pair[0]), self._names.index(pair[1])
        self._follow_pair()
        big = net.n_params > FULL_PATH_MAX_PARAMS
        self.caption.setText(CAPTION + (BIG_NETWORK_NOTE if big else ""))
        self._show_plot()
        self._label_axes()
        self.graphics.set_title("waiting for the first parameters")

    def update_from(self, snap: Snapshot) -> None:
        """Take the snapshot's parameters and parameter rows; recompute the grid if needed."""
        net = self._net
        if net is None or snap.run_id != self._run_id:
            return
        params = np.asarray(snap.parameters, dtype=np.float64)
        if params.shape != net.theta.shape:
            return
        self._latest = (params.copy(), snap.step)
        self._append_rows(snap.chunk.param_steps, snap.chunk.params)
        if self._pinned is not None:
            return  # the timeline's step stays; the path is complete when it goes live
        self._current, self._step = self._latest
        self._draw_path()
        if self._needs_grid(snap.running):
            if self.isVisible():
                self._compute_grid()
            else:
                self._dirty = True

    def pin(self, state: Snapshot | None) -> None:
        """Show `state` (the timeline's past step): the path up to it, its point, and the grid
        at its parameters; None: the latest again."""
        net = self._net
        if net is None or (state is not None and state.run_id != self._run_id):
            return
        if state is not None and np.shape(state.parameters) != net.theta.shape:
            return
        self._pinned = state
        if state is None:
            if self._latest is None:
                return
            self._current, self._step = self._latest
        else:
            self._current = np.array(state.parameters, dtype=np.float64)
            self._step = state.step
        self._draw_path()
        if self.isVisible():
            self._compute_grid()
        else:
            self._dirty = True

    def current_point(self) -> tuple[float, float] | None:
        """The chosen pair's values at the step shown (the red dot), or None."""
        cur = self._current
        return None if cur is None else (float(cur[self._ix]), float(cur[self._iy]))

    def select(self, px: str, py: str) -> bool:
        """Show the surface over parameters `px` (horizontal) and `py` (vertical)."""
        if self._net is None or px not in self._names or py not in self._names or px == py:
            return False
        self._set_combos(px, py)
        self._selection_changed()
        return True

    def selection(self) -> tuple[str, str] | None:
        if self._net is None:
            return None
        return self._names[self._ix], self._names[self._iy]

    def grid(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(xs, ys, C) as shown: C[i, j] is the cost at (xs[i], ys[j]) with every other parameter
        at its value when the grid was computed. None before the first computation."""
        if self._grid is None:
            return None
        return self._xs.copy(), self._ys.copy(), self._grid.copy()

    def trajectory(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(steps, x values, y values) of the chosen pair along the training path."""
        path = self._pair_path
        return path.steps.copy(), path.rows[:, 0].copy(), path.rows[:, 1].copy()

    def note_text(self) -> str:
        return self.note.text() if not self.note.isHidden() else ""

    # ------------------------------------------------------------------ selection
    def _set_combos(self, px: str, py: str) -> None:
        for combo, choices, name in zip(
            (self.param_x, self.param_y), self._choices, (px, py), strict=True
        ):
            with QSignalBlocker(combo):
                combo.setCurrentIndex(choices.row_of(name))

    def _selection_changed(self, *_args) -> None:
        if self._net is None:
            return
        ix, iy = self.param_x.currentIndex(), self.param_y.currentIndex()
        if ix < 0 or iy < 0:
            return
        self._ix, self._iy = ix, iy
        self._follow_pair()
        self._label_axes()
        self._draw_path()
        if self._current is not None:
            if self.isVisible():
                self._compute_grid()
            else:
                self._grid = None
                self._dirty = True

    def _label_axes(self) -> None:
        self.graphics.label_axes(self._names[self._ix], self._names[self._iy])

    # ------------------------------------------------------------------ trajectory
    def _append_rows(self, steps: np.ndarray, rows: np.ndarray) -> None:
        path = self._trajectory
        if len(steps) == 0 or rows.ndim != 2 or rows.shape[1] != path.rows.shape[1]:
            return
        path.extend(steps, rows)  # (a replayed chunk: only what is new is kept)
        self._pair_path.extend(steps, rows[:, [self._ix, self._iy]])

    def _follow_pair(self) -> None:
        """A new pair: its path so far from the full rows (coarser on a big network)."""
        full = self._trajectory
        path = ThinnedSeries(2, self._pair_path.max_rows, keep_chunk_ends=True)
        if len(full.steps) and full.rows.shape[1] > max(self._ix, self._iy):
            path.extend(full.steps, full.rows[:, [self._ix, self._iy]])
        self._pair_path = path

    def _draw_path(self) -> None:
        steps, xs, ys = self.trajectory()
        if self._pinned is not None:  # looking back: the path as it was then
            upto = steps <= self._pinned.step
            steps, xs, ys = steps[upto], xs[upto], ys[upto]
        current = None
        if self._current is not None:
            cx, cy = self._current[self._ix], self._current[self._iy]
            current = (cx, cy)
            if len(steps) and steps[-1] < (self._step or 0):
                xs, ys = np.append(xs, cx), np.append(ys, cy)
        self.graphics.draw_path(xs, ys, current)

    # ------------------------------------------------------------------ the grid
    def _needs_grid(self, running: bool) -> bool:
        if self._dirty or self._grid is None or self._centre is None:
            return True
        cur = self._current
        cx, cy = cur[self._ix], cur[self._iy]
        hx, hy = self._half
        if abs(cx - self._centre[0]) > hx / 2 or abs(cy - self._centre[1]) > hy / 2:
            return True
        if not running:
            return True  # stepped by hand or paused: cheap enough to show it exactly
        return time.monotonic() - self._last_compute >= REFRESH_SECONDS

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._sweep is not None:
            self._sweep_timer.start()
        elif self._dirty and self._net is not None and self._current is not None:
            self._compute_grid()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._sweep_timer.stop()  # (resumed when shown again)

    def computing(self) -> bool:
        """True while a grid is being computed a slice at a time (a big network)."""
        return self._sweep is not None

    def _compute_grid(self) -> None:
        net, cur = self._net, self._current
        if net is None or cur is None or self._x is None:
            return
        ix, iy = self._ix, self._iy
        _, xs, ys = self.trajectory()
        self._cancel_sweep()
        sweep = GridSweep(net, self._x, self._y, cur, ix, iy, half_widths(xs, ys, cur[ix], cur[iy]))
        if not sweep.finite:  # the current pair is not finite
            return
        self._sweep = sweep
        self._sweep_step = self._step
        self._dirty = False
        self._last_compute = time.monotonic()
        at_once = net.n_params * self._x.shape[1] <= AT_ONCE_WORK
        if sweep.advance(math.inf if at_once else SLICE_SECONDS):
            self._finish_sweep()
        else:
            self.graphics.set_title(f"computing the surface at step {self._step:,}…")
            self._sweep_timer.start()

    def _continue_sweep(self) -> None:
        sweep = self._sweep
        if sweep is None:
            self._sweep_timer.stop()
        elif sweep.advance(SLICE_SECONDS):
            self._finish_sweep()

    def _cancel_sweep(self) -> None:
        self._sweep_timer.stop()
        self._sweep = None

    def _finish_sweep(self) -> None:
        sweep, step = self._sweep, self._sweep_step
        self._cancel_sweep()
        self._xs, self._ys, self._grid = sweep.xs, sweep.ys, sweep.costs
        self._centre = (float(sweep.current[sweep.ix]), float(sweep.current[sweep.iy]))
        self._half = sweep.half
        self.graphics.draw_grid(self._xs, self._ys, self._grid, step)
