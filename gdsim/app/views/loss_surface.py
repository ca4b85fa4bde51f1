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
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gdsim.app import theme
from gdsim.app.run_view import Feed
from gdsim.app.views.run_model import run_model
from gdsim.engine.network import Network
from gdsim.session.runstate import RunInfo, Snapshot, describe_parameter

__all__ = ["LossSurfaceView", "GRID", "MAX_POINTS", "MIN_HALF_WIDTH", "REFRESH_SECONDS"]

GRID = 41  # the surface has GRID x GRID cells (odd: the centre is a cell)
MAX_POINTS = 5000  # trajectory rows kept (the stride doubles beyond this)
MAX_STORED_VALUES = 4_000_000  # ... and at most this many floats of full parameter rows
MIN_HALF_WIDTH = 1.0  # the window spans at least +-1 around the current values
TRAVEL_FACTOR = 1.5  # ... and 1.5 x the farthest the path went from them
REFRESH_SECONDS = 1.0  # while running, recompute the grid at most this often
N_ISOCURVES = 5

# (on the viridis image, whatever the theme; axes and titles: theme.style_plot)
_PATH = "#ffffff"
_PATH_EDGE = "#1a1a1a"
_CURRENT = "#d62728"
_START = "#ff7f0e"
_ISO = "#ffffff"

CAPTION = (
    "The colours are a slice through the cost: only the two chosen parameters vary, every "
    "other parameter is frozen at its current value, so the surface changes as they "
    "change. The white path shows where training took these two parameters (orange "
    "square: the start, red dot: now)."
)


def default_pair(names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first two weights of the last layer, else the first two parameters."""
    if len(names) < 2:
        return None
    weights = [n for n in names if n.startswith("w") and n.count("_") == 2]
    if weights:
        last = max(int(n[1:].split("_")[0]) for n in weights)
        in_last = [n for n in weights if int(n[1:].split("_")[0]) == last]
        if len(in_last) >= 2:
            return in_last[0], in_last[1]
    return names[0], names[1]


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
        self._ix = 0
        self._iy = 1
        # the trajectory: full parameter rows so that a new selection shows its path at once
        self._t_steps = np.zeros(0, dtype=np.int64)
        self._t_rows = np.zeros((0, 0))
        self._t_stride = 1
        self._t_max = MAX_POINTS
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

        self.graphics = pg.GraphicsLayoutWidget()
        # (small enough that the caption below never has to overlap it in a short tab)
        self.graphics.setMinimumSize(260, 120)
        layout.addWidget(self.graphics, 1)

        self.caption = QLabel(CAPTION)
        self.caption.setObjectName("surfaceCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.caption)

        gl = self.graphics.ci
        gl.setContentsMargins(4, 4, 4, 4)
        self.plot = pg.PlotItem()
        gl.addItem(self.plot, row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.getViewBox().setDefaultPadding(0.0)

        self.cmap = pg.colormap.get("viridis")
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setLookupTable(self.cmap.getLookupTable(0.0, 1.0, 256))
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.isocurves = []
        for _ in range(N_ISOCURVES):
            iso = pg.IsocurveItem(
                level=0.0, pen=pg.mkPen(_ISO, width=0.8, style=Qt.PenStyle.DashLine)
            )
            iso.setParentItem(self.image)  # drawn in the image's pixel coordinates
            iso.setOpacity(0.6)
            self.isocurves.append(iso)
        self.colorbar = pg.ColorBarItem(
            values=(0.0, 1.0), colorMap=self.cmap, interactive=False, width=14
        )
        self.colorbar.getAxis("right").setLabel("cost")  # (the caption says which)
        # plain numbers: "cost (x0.001)" with ticks 500-600 reads as a cost of 550
        self.colorbar.getAxis("right").enableAutoSIPrefix(False)
        gl.addItem(self.colorbar, row=0, col=1)

        self.path = pg.PlotDataItem(
            pen=pg.mkPen(_PATH, width=theme.px(1.5)),  # (pen widths: see theme.px)
            symbol="o",
            symbolSize=4,
            symbolPen=pg.mkPen(_PATH_EDGE, width=0.5),
            symbolBrush=pg.mkBrush(_PATH),
        )
        self.start_marker = pg.ScatterPlotItem(
            symbol="s", size=10, pen=pg.mkPen(_PATH_EDGE, width=1), brush=pg.mkBrush(_START)
        )
        self.current_marker = pg.ScatterPlotItem(
            symbol="o",
            size=12,
            pen=pg.mkPen("#ffffff", width=theme.px(1.5)),
            brush=pg.mkBrush(_CURRENT),
        )
        for item in (self.path, self.start_marker, self.current_marker):
            self.plot.addItem(item)

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
        self._grid = None
        self._centre = None
        self._xs = self._ys = np.zeros(0)
        self._dirty = False
        self._last_compute = -math.inf
        self._clear_items()
        for combo in (self.param_x, self.param_y):
            combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(False)
        config = info.config
        if config.mode != "network":
            self._names = ()
            self._reset_trajectory(0)
            self._show_note(
                "Loss surface: for networks. This run minimises a formula; its "
                "parameter plots already show the whole story."
            )
            return
        try:
            model = run_model(config)
        except Exception as exc:  # the trainer reports bad configs; just explain here
            self._names = ()
            self._reset_trajectory(0)
            self._show_note(f"Loss surface: cannot load this run's data: {exc}")
            return
        net = model.network
        if net.n_params < 2 or net.n_params != len(info.parameter_names):
            self._names = ()
            self._reset_trajectory(0)
            self._show_note(
                "Loss surface: needs a network with at least two parameters that matches its data."
            )
            return
        self._net = net
        self._names = net.parameter_names
        self._x, self._y = model.x_train, model.y_train
        self._reset_trajectory(net.n_params)
        pair = (
            previous
            if previous is not None
            and previous[0] in self._names
            and previous[1] in self._names
            and previous[0] != previous[1]
            else default_pair(self._names)
        )
        for combo in (self.param_x, self.param_y):
            combo.blockSignals(True)
            for name in self._names:
                combo.addItem(name, name)
                combo.setItemData(
                    combo.count() - 1, describe_parameter(name), Qt.ItemDataRole.ToolTipRole
                )
            combo.blockSignals(False)
        self._set_combos(*pair)
        self._ix, self._iy = self._names.index(pair[0]), self._names.index(pair[1])
        self._show_plot()
        self._label_axes()
        self.plot.setTitle(
            "waiting for the first parameters", color=theme.colors().foreground, size="9pt"
        )

    def update_from(self, snap: Snapshot) -> None:
        """Take the snapshot's parameters and parameter rows; recompute the grid if needed."""
        net = self._net
        if net is None or snap.run_id != self._run_id:
            return
        params = np.asarray(snap.parameters, dtype=np.float64)
        if params.shape != net.theta.shape:
            return
        self._current = params.copy()
        self._step = snap.step
        self._append_rows(snap.chunk.param_steps, snap.chunk.params)
        self._draw_path()
        if self._needs_grid(snap.running):
            if self.isVisible():
                self._compute_grid()
            else:
                self._dirty = True

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
        if self._t_rows.shape[1] == 0:
            empty = np.zeros(0)
            return self._t_steps.copy(), empty, empty.copy()
        return (
            self._t_steps.copy(),
            self._t_rows[:, self._ix].copy(),
            self._t_rows[:, self._iy].copy(),
        )

    def note_text(self) -> str:
        return self.note.text() if not self.note.isHidden() else ""

    # ------------------------------------------------------------------ selection
    def _set_combos(self, px: str, py: str) -> None:
        for combo, name in ((self.param_x, px), (self.param_y, py)):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(name))
            combo.blockSignals(False)

    def _selection_changed(self, *_args) -> None:
        if self._net is None:
            return
        ix, iy = self.param_x.currentIndex(), self.param_y.currentIndex()
        if ix < 0 or iy < 0:
            return
        self._ix, self._iy = ix, iy
        self._label_axes()
        self._draw_path()
        if self._current is not None:
            if self.isVisible():
                self._compute_grid()
            else:
                self._grid = None
                self._dirty = True

    def _label_axes(self) -> None:
        px, py = self._names[self._ix], self._names[self._iy]
        axis = theme.colors().axis
        self.plot.setLabel("bottom", px, color=axis)
        self.plot.setLabel("left", py, color=axis)

    # ------------------------------------------------------------------ trajectory
    def _reset_trajectory(self, n_params: int) -> None:
        self._t_steps = np.zeros(0, dtype=np.int64)
        self._t_rows = np.zeros((0, n_params))
        self._t_stride = 1
        self._t_max = max(256, min(MAX_POINTS, MAX_STORED_VALUES // max(1, n_params)))

    def _append_rows(self, steps: np.ndarray, rows: np.ndarray) -> None:
        if len(steps) == 0 or rows.ndim != 2 or rows.shape[1] != self._t_rows.shape[1]:
            return
        steps = np.asarray(steps, dtype=np.int64)
        if len(self._t_steps):  # a replayed chunk: keep only what is new
            new = steps > self._t_steps[-1]
            steps, rows = steps[new], rows[new]
            if len(steps) == 0:
                return
        if self._t_stride > 1:  # thin the new rows to the stride (keep the newest)
            keep = steps % self._t_stride == 0
            keep[-1] = True
            steps, rows = steps[keep], rows[keep]
        self._t_steps = np.concatenate([self._t_steps, steps])
        self._t_rows = np.concatenate([self._t_rows, rows])
        while len(self._t_steps) > self._t_max:
            self._t_stride *= 2
            keep = self._t_steps % self._t_stride == 0
            keep[0] = keep[-1] = True
            self._t_steps = self._t_steps[keep]
            self._t_rows = self._t_rows[keep]

    def _draw_path(self) -> None:
        steps, xs, ys = self.trajectory()
        if self._current is not None:
            cx, cy = self._current[self._ix], self._current[self._iy]
            self.current_marker.setData([cx], [cy])
            if len(steps) and steps[-1] < (self._step or 0):
                xs, ys = np.append(xs, cx), np.append(ys, cy)
        else:
            self.current_marker.setData([], [])
        finite = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[finite], ys[finite]
        self.path.setData(xs, ys)
        if len(xs):
            self.start_marker.setData([xs[0]], [ys[0]])
        else:
            self.start_marker.setData([], [])

    # ------------------------------------------------------------------ the grid
    def _half_widths(self) -> tuple[float, float]:
        cur = self._current
        _, xs, ys = self.trajectory()
        out = []
        for values, c in ((xs, cur[self._ix]), (ys, cur[self._iy])):
            values = values[np.isfinite(values)]
            travel = float(np.max(np.abs(values - c))) if len(values) else 0.0
            out.append(max(MIN_HALF_WIDTH, TRAVEL_FACTOR * travel))
        return out[0], out[1]

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
        if self._dirty and self._net is not None and self._current is not None:
            self._compute_grid()

    def _compute_grid(self) -> None:
        net, cur = self._net, self._current
        if net is None or cur is None or self._x is None:
            return
        ix, iy = self._ix, self._iy
        cx, cy = float(cur[ix]), float(cur[iy])
        if not (math.isfinite(cx) and math.isfinite(cy)):
            return
        hx, hy = self._half_widths()
        offsets = (np.arange(GRID) - GRID // 2) / (GRID // 2)  # exactly 0 at the centre
        xs = cx + hx * offsets
        ys = cy + hy * offsets
        xs[GRID // 2], ys[GRID // 2] = cx, cy
        theta = net.theta
        theta[...] = cur
        c = np.empty((GRID, GRID))
        x, y = self._x, self._y
        if x.shape[1] == 0:
            c.fill(np.nan)
        else:
            # Network.cost's own arithmetic (forward pass, loss, penalty) without its per-call
            # overhead: the same numbers, about twice as fast
            data_cost, penalty = net.data_cost, net.penalty
            with np.errstate(all="ignore"):
                for i in range(GRID):
                    theta[ix] = xs[i]
                    for j in range(GRID):
                        theta[iy] = ys[j]
                        c[i, j] = data_cost(x, y) + penalty()
        theta[...] = cur
        self._xs, self._ys, self._grid = xs, ys, c
        self._centre = (cx, cy)
        self._half = (hx, hy)
        self._dirty = False
        self._last_compute = time.monotonic()
        self._draw_grid()

    def _draw_grid(self) -> None:
        c, xs, ys = self._grid, self._xs, self._ys
        finite = np.isfinite(c)
        if finite.any():
            lo = float(c[finite].min())
            hi = float(np.percentile(c[finite], 98))
            if not hi > lo:
                hi = lo + 1.0
        else:
            lo, hi = 0.0, 1.0
        shown = np.where(finite, np.clip(c, lo, hi), hi)
        self.image.setImage(shown, levels=(lo, hi), autoLevels=False)
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, GRID * dx, GRID * dy))
        self.colorbar.setLevels(values=(lo, hi))
        levels = lo + (hi - lo) * np.array([0.05, 0.15, 0.3, 0.5, 0.75])
        for iso, level in zip(self.isocurves, levels, strict=True):
            iso.setLevel(float(level))
            iso.setData(shown)
        self.plot.setXRange(xs[0] - dx / 2, xs[-1] + dx / 2, padding=0.0)
        self.plot.setYRange(ys[0] - dy / 2, ys[-1] + dy / 2, padding=0.0)
        centre = c[GRID // 2, GRID // 2]
        step = "" if self._step is None else f"step {self._step:,}  ·  "
        self.plot.setTitle(
            f"{step}cost here {centre:.4g}", color=theme.colors().foreground, size="9pt"
        )

    def _clear_items(self) -> None:
        self.image.clear()
        for iso in self.isocurves:
            iso.setData(None)
        self.path.setData([], [])
        self.start_marker.setData([], [])
        self.current_marker.setData([], [])
