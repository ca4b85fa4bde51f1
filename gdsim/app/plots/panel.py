"""The three live plots: cost, parameter values and gradients, side by side, against the step.

Seeing a parameter next to its gradient is the point of the app, so the three plots share one
x axis (linked, so zooming or panning one moves all three) and the parameter and gradient plots
show the *same* chosen parameters in the *same* colours. The two are told apart at a glance by:

* the title and axis label ("parameter values  w" / "gradients  dC/dw");
* a faintly tinted (warm) background behind the gradients, versus the plain one for the values;
* a dashed horizontal line at zero in the gradient plot: a gradient at 0 means that weight has
  stopped learning.

Data flow and cost (see DESIGN.md, "Threading"):

* :meth:`PlotPanel.add_snapshot` only *stores* the rows of a snapshot's chunk (a few array copies,
  no drawing, no signal), in the panel's own bounded store (:class:`Series`).
* :meth:`PlotPanel.refresh` (the window calls it from a ~30 Hz timer) redraws only if new data
  arrived or the visible x range / plot width changed. For each curve it hands pyqtgraph at most
  about two points per horizontal pixel: a min/max envelope per pixel column over the visible
  range. Envelopes come from a min/max pyramid (blocks of 32, 64, 128, ... rows) that the store
  keeps up to date incrementally, so a redraw costs about the same with 10^3 or 10^6 stored steps.
  Curves are plain ``PlotCurveItem``s (no PlotDataItem layer: its setData costs ~17x more and its
  `clipToView` / `autoDownsample` would only redo what we did); the PlotItems' own clip-to-view
  and downsampling are switched off.
* Inf is drawn as a gap (pyqtgraph cannot draw inf) and NaN as a gap (``connect="finite"``), so a
  diverging run shows everything up to its last finite step.

The store keeps the batch cost of every step it can (dense series), the train / test cost where
they were evaluated (NaN entries are dropped), and parameter + gradient rows. Each series stays
within its share of ``budget_bytes`` by stride doubling, like :class:`gdsim.engine.history.History`
(only rows whose step is a multiple of the doubled stride stay; step 0 and the latest step always
stay), but a whole chunk is appended with a handful of vectorised copies instead of one call per
row, and dense and parameter rows are stored independently (after the worker's own decimation a
chunk's dense steps and parameter steps differ).

This module composes the panel; its parts live beside it, one job each:

* :mod:`gdsim.session.series`: the decimating store (:class:`Series`), Qt-free;
* :mod:`gdsim.app.plots.ranges`: the axis-range rules (round-number x, y hysteresis), Qt-free;
* :mod:`gdsim.app.plots.picker`: the parameter picker and :func:`default_selection`;
* :mod:`gdsim.app.plots.key`: the colour key strip and the hover readout's text;
* :mod:`gdsim.app.plots.style`: palette, pens and each plot's setup (colours from the theme);
* :mod:`gdsim.app.plots.curve`: the curve item that is told its bounds;
* :mod:`gdsim.app.plots.export`: PNG (at 2x) and SVG export;
* :mod:`gdsim.app.plots.rate_marks`: the learning-rate change marks.

The names other modules import from here (``PALETTE``, ``MAX_SHOWN``, ``default_selection``, ...)
are re-exported from those modules.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.plots.curve import BoundedCurve, new_curve
from gdsim.app.plots.export import export_plot, export_target
from gdsim.app.plots.key import HINT, ParameterKey, Readout, hint_html
from gdsim.app.plots.picker import MAX_SHOWN, ParameterPicker, default_selection
from gdsim.app.plots.ranges import AxisRanges, row_bounds
from gdsim.app.plots.rate_marks import RateMarks
from gdsim.app.plots.style import (
    COST_NAMES,
    LINE_WIDTH,
    PALETTE,
    cost_color,
    series_color,
    series_pen,
    setup_plot,
)
from gdsim.app.run_view import Feed
from gdsim.session.runstate import RunInfo, Snapshot
from gdsim.session.series import Series

__all__ = ["PlotPanel", "default_selection", "PALETTE", "MAX_SHOWN", "DEFAULT_BUDGET"]

DEFAULT_BUDGET = 128 * 2**20


class PlotPanel(QWidget):
    """Cost, parameter values and gradients against the step, side by side (see module doc).

    Owns its data: feed it :meth:`start_run` and :meth:`add_snapshot`; call :meth:`refresh`
    from a ~30 Hz timer. ``selection_changed`` carries the indices of the shown parameters;
    ``log_cost_changed`` fires when the log-cost check box (or the plot's own menu) flips it.
    """

    selection_changed = Signal(tuple)
    log_cost_changed = Signal(bool)
    run_feed = Feed(every_row=True, interval_ms=None)  # every snapshot; drawn by refresh()

    def __init__(self, parent: QWidget | None = None, budget_bytes: int = DEFAULT_BUDGET) -> None:
        super().__init__(parent)
        self.setObjectName("plotPanel")
        self.budget_bytes = int(budget_bytes)
        self._info: RunInfo | None = None
        self._names: tuple[str, ...] = ()
        self._selection: tuple[int, ...] = ()
        self._cost: Series | None = None
        self._evals: dict[str, Series] = {}
        self._rows: Series | None = None
        self._dirty = False
        self._drawn_key: object = None
        self._drawn_latest: int | None = None
        self._log_cost = False
        self._readout_step: int | None = None
        self._readout_lines: list[str] = []
        # the x and y ranges are ours, not pyqtgraph's (why: plot_ranges)
        self._ranges = AxisRanges(3)

        # --- the bar above the plots
        self.picker = ParameterPicker()
        self.picker.setMinimumWidth(170)
        self.picker.picked.connect(self.set_selection)
        self.log_check = QCheckBox("log cost")
        self.log_check.setObjectName("logCostCheck")
        self.log_check.setToolTip("Logarithmic cost axis (values <= 0 are not drawn)")
        self.log_check.toggled.connect(self.set_log_cost)
        self.follow_check = QCheckBox("follow latest")
        self.follow_check.setObjectName("followCheck")
        self.follow_check.setChecked(True)
        self.follow_check.setToolTip(
            "When zoomed in on the newest steps, scroll along as training goes on"
        )
        self.show_all_button = QPushButton("show all")
        self.show_all_button.setObjectName("showAllButton")
        self.show_all_button.setAutoDefault(False)
        self.show_all_button.setToolTip("Zoom out to every step (auto-range all three plots)")
        self.show_all_button.clicked.connect(self.show_all)
        # the hint, and while hovering the step and the costs there (not over the curves)
        self.readout_label = QLabel(HINT)
        self.readout_label.setObjectName("plotReadout")
        self.readout_label.setTextFormat(Qt.TextFormat.RichText)
        self.readout_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.readout_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.setContentsMargins(2, 0, 2, 0)
        bar.setSpacing(10)
        bar.addWidget(self.picker)
        bar.addWidget(self.log_check)
        bar.addWidget(self.follow_check)
        bar.addWidget(self.show_all_button)
        bar.addWidget(self.readout_label, 1)
        # the colour key of the shown parameters, and their numbers while hovering
        self.key_label = ParameterKey()

        # --- the plots
        self.cost_plot = pg.PlotWidget()
        self.cost_plot.setObjectName("costPlot")
        self.parameter_plot = pg.PlotWidget()
        self.parameter_plot.setObjectName("parameterPlot")
        self.gradient_plot = pg.PlotWidget()
        self.gradient_plot.setObjectName("gradientPlot")
        setup_plot(self.cost_plot, "cost", "cost C")
        setup_plot(self.parameter_plot, "parameter values  w", "value w")
        setup_plot(self.gradient_plot, "gradients  dC/dw", "gradient dC/dw")
        self._plots = (self.cost_plot, self.parameter_plot, self.gradient_plot)
        self.rate_marks = RateMarks(self._plots)
        self._vbs = tuple(p.getPlotItem().getViewBox() for p in self._plots)
        self.parameter_plot.setXLink(self.cost_plot)
        self.gradient_plot.setXLink(self.cost_plot)

        # (colours: theme.style_plot)
        self._cost_legend = self.cost_plot.getPlotItem().addLegend(
            offset=(-8, 8), labelTextSize="8pt", verSpacing=-4
        )
        self._param_legend = self.parameter_plot.getPlotItem().addLegend(
            offset=(-8, 8), labelTextSize="8pt", verSpacing=-4, horSpacing=8
        )
        self._cost_items: dict[str, BoundedCurve] = {}
        self._param_items: list[BoundedCurve] = []
        self._grad_items: list[BoundedCurve] = []

        # A dot on every shown curve at the current step: "now" while running, and the only
        # mark of step 0 (a curve of one point draws nothing).
        self._now: tuple | None = None
        self._now_dots = []
        for plot in (self.cost_plot, self.parameter_plot, self.gradient_plot):
            dots = pg.ScatterPlotItem(size=6)
            dots.setZValue(50)
            plot.getPlotItem().getViewBox().addItem(dots, ignoreBounds=True)
            self._now_dots.append(dots)

        self.zero_line = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self.gradient_plot.getPlotItem().addItem(self.zero_line, ignoreBounds=True)

        # --- hover readout: a vertical line and dots in each plot (the numbers are outside)
        self._hover_lines = []
        self._hover_dots = []
        for plot in self._plots:
            line = pg.InfiniteLine(angle=90, movable=False)
            dots = pg.ScatterPlotItem(size=7)
            dots.setZValue(90)
            for it in (line, dots):
                it.setVisible(False)
                # on the ViewBox, not the PlotItem: not data items, not in the legend
                plot.getPlotItem().getViewBox().addItem(it, ignoreBounds=True)
            self._hover_lines.append(line)
            self._hover_dots.append(dots)
        self._proxies = [
            pg.SignalProxy(
                plot.scene().sigMouseMoved,
                rateLimit=30,
                threadSafe=False,
                slot=functools.partial(self._on_mouse_moved, i),
            )
            for i, plot in enumerate(self._plots)
        ]
        for plot in self._plots:
            plot.installEventFilter(self)

        # redraw after pan/zoom/resize even if nobody calls refresh (coalesced, ~30 Hz)
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(30)
        self._view_timer.timeout.connect(self.refresh)
        for i, (plot, vb) in enumerate(zip(self._plots, self._vbs, strict=True)):
            vb.enableAutoRange(x=False, y=False)
            vb.sigRangeChanged.connect(self._view_changed)
            vb.sigResized.connect(self._view_changed)
            vb.sigRangeChangedManually.connect(functools.partial(self._user_moved_view, i))
            plot.getPlotItem().autoBtn.clicked.connect(self.show_all)
        self.cost_plot.getPlotItem().ctrl.logYCheck.toggled.connect(self._log_toggled_in_plot)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("plotSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(6)
        for plot in self._plots:
            self.splitter.addWidget(plot)
            self.splitter.setStretchFactor(self.splitter.indexOf(plot), 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(bar)
        layout.addWidget(self.key_label)
        layout.addWidget(self.splitter, 1)
        self.setMinimumSize(700, 260)
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        """Colour everything from the theme in force (at start and when it changes)."""
        c = theme.colors()
        for plot in self._plots:
            theme.style_plot(plot, c.background_alt if plot is self.gradient_plot else None)
        self.zero_line.setPen(pg.mkPen(c.zero_line, width=1, style=Qt.PenStyle.DashLine))
        for line in self._hover_lines:
            line.setPen(pg.mkPen(c.hover_line, width=1))
        # a ring in the background colour sets the dots off from the curves under them
        for dots in (*self._now_dots, *self._hover_dots):
            dots.setPen(pg.mkPen(c.background, width=1))
        for name, curve in self._cost_items.items():
            curve.setPen(pg.mkPen(cost_color(name), width=LINE_WIDTH))
        self._cost_legend.update()  # (its samples draw with the curves' pens)
        self.rate_marks.restyle()
        self.key_label.show_values(None)
        self._drawn_key = None  # the now-dots take their brushes when drawn
        self._dirty = True
        if self._readout_step is not None:
            self.show_readout_at(self._readout_step)
        else:
            self.hide_readout()

    # ------------------------------------------------------------------ feeding
    def start_run(self, info: RunInfo) -> None:
        """Forget everything shown; prepare for `info`'s parameters and extras."""
        self._info = info
        self._now = None
        self._names = tuple(info.parameter_names)
        p = len(self._names)
        budget = self.budget_bytes
        evals = [n for n in ("train_cost", "test_cost") if n in info.extra_names]
        # rows get 3/4 of the budget, the dense cost 1/8, the evaluated costs share the last 1/8
        self._rows = Series(2 * p, budget * 3 // 4) if p else None
        self._cost = Series(1, budget // 8)
        self._evals = {n: Series(1, budget // 8 // max(1, len(evals))) for n in evals}
        self._build_cost_items(evals, full_batch=getattr(info.config, "batch_size", 1) == 0)
        self.rate_marks.clear()
        layers = info.layers
        self.picker.set_names(self._names, layers)
        self._selection = ()
        self._apply_selection(default_selection(self._names, layers=layers))
        self.hide_readout()
        self._drawn_key = None
        self._drawn_latest = None
        self._dirty = True
        self.show_all()

    def add_snapshot(self, snap: Snapshot) -> None:
        """Store the rows of `snap.chunk` (no drawing). Snapshots of an older run are ignored."""
        info = self._info
        if info is None or snap.run_id != info.run_id:
            return
        self._now = (snap.step, snap.cost, snap.parameters, snap.gradients)
        chunk = snap.chunk
        if chunk.is_empty:
            return
        steps = chunk.steps
        if len(steps):
            self._cost.extend(steps, [chunk.cost.reshape(-1, 1)])
            self.rate_marks.add(steps, chunk.extras.get("learning_rate"))
            for name, series in self._evals.items():
                v = chunk.extras.get(name)
                if v is None:
                    continue
                evaluated = ~np.isnan(v)
                if evaluated.all():
                    series.extend(steps, [v.reshape(-1, 1)])
                elif evaluated.any():
                    series.extend(steps[evaluated], [v[evaluated].reshape(-1, 1)])
        if len(chunk.param_steps) and self._rows is not None:
            self._rows.extend(chunk.param_steps, [chunk.params, chunk.grads])
        self._dirty = True

    update_from = add_snapshot  # (gdsim.app.run_view.RunView)

    # ------------------------------------------------------------------ selection
    def selection(self) -> tuple[int, ...]:
        return self._selection

    def set_selection(self, indices: Sequence[int]) -> None:
        """Show these parameters (indices into the run's parameter names; at most MAX_SHOWN,
        drawn in ascending order)."""
        n = len(self._names)
        chosen = sorted({int(i) for i in indices})
        bad = [i for i in chosen if not 0 <= i < n]
        if bad:
            raise IndexError(f"parameter index {bad[0]} out of range (0..{n - 1})")
        self._apply_selection(tuple(chosen[:MAX_SHOWN]))

    def _apply_selection(self, chosen: tuple[int, ...]) -> None:
        if chosen == self._selection and len(self._param_items) == len(chosen):
            self.picker.set_selected(chosen)  # e.g. a 33rd tick that was refused
            return
        self._selection = chosen
        self._build_param_items()
        self.picker.set_selected(chosen)
        self._dirty = True
        if self._readout_step is not None:
            self.show_readout_at(self._readout_step)
        self.selection_changed.emit(chosen)

    def color_of(self, index: int) -> str | None:
        """The colour (#rrggbb) the parameter `index` is drawn in, or None if not shown."""
        try:
            return series_color(self._selection.index(index))
        except ValueError:
            return None

    # ------------------------------------------------------------------ items
    def _build_cost_items(self, evals: list[str], full_batch: bool) -> None:
        item = self.cost_plot.getPlotItem()
        for it in self._cost_items.values():
            item.removeItem(it)
        self._cost_legend.clear()
        self._cost_items = {}
        # With the whole training set as the batch the train cost IS the cost: not drawn twice
        # (still stored, see curve_data).
        names = ["cost"] + [n for n in evals if not (n == "train_cost" and full_batch)]
        for name in names:
            label = COST_NAMES[name]
            if name == "cost" and full_batch:
                label = "cost (full batch)"
            curve = new_curve(pg.mkPen(cost_color(name), width=LINE_WIDTH), label)
            item.addItem(curve)  # a named item joins the plot's legend by itself
            self._cost_items[name] = curve

    def _build_param_items(self) -> None:
        pitem = self.parameter_plot.getPlotItem()
        gitem = self.gradient_plot.getPlotItem()
        for it in self._param_items:
            pitem.removeItem(it)
        for it in self._grad_items:
            gitem.removeItem(it)
        self._param_legend.clear()
        k = len(self._selection)
        # (set before adding: pyqtgraph re-lays out a filled legend wrongly)
        self._param_legend.setColumnCount(1 if k <= 6 else 2 if k <= 16 else 3)
        self._param_items, self._grad_items = [], []
        for pos, idx in enumerate(self._selection):
            name = self._names[idx]
            pen = series_pen(pos)
            pc = new_curve(pen, name)
            gc = new_curve(pen, f"dC/d{name}")
            pitem.addItem(pc)
            gitem.addItem(gc)  # the parameter legend names both (same colours)
            self._param_items.append(pc)
            self._grad_items.append(gc)
        self._param_legend.setVisible(False)  # shown only in exported images
        self.key_label.set_parameters(self._names, self._selection)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.key_label.refit()

    def cost_curves(self) -> dict[str, BoundedCurve]:
        """The cost plot's curves by series name ("cost", "train_cost", "test_cost")."""
        return dict(self._cost_items)

    def parameter_curves(self) -> list[BoundedCurve]:
        return list(self._param_items)

    def gradient_curves(self) -> list[BoundedCurve]:
        return list(self._grad_items)

    # ------------------------------------------------------------------ view state
    def set_log_cost(self, on: bool) -> None:
        """Logarithmic y axis for the cost plot (cost <= 0 is then left out)."""
        on = bool(on)
        self.cost_plot.getPlotItem().setLogMode(y=on)  # -> _log_toggled_in_plot
        self._sync_log(on)

    def log_cost(self) -> bool:
        return self._log_cost

    def _log_toggled_in_plot(self, on: bool) -> None:
        self._sync_log(bool(on))

    def _sync_log(self, on: bool) -> None:
        if on == self._log_cost:
            return
        self._log_cost = on
        self._ranges.forget_y(0)  # linear and log10 units differ: fit afresh
        self.log_check.blockSignals(True)
        self.log_check.setChecked(on)
        self.log_check.blockSignals(False)
        self._dirty = True
        self._drawn_key = None
        self._view_timer.start()
        self.log_cost_changed.emit(on)

    def show_all(self) -> None:
        """Every step in view and y fitted, in all three plots, from now on (until the user
        pans or zooms)."""
        self._ranges.show_all()
        self._dirty = True
        for vb in self._vbs:
            vb.enableAutoRange(x=False, y=False)
        self._view_timer.start()

    def _user_moved_view(self, index: int, *_args) -> None:
        self._ranges.user_moved(index)

    def _fit_y(self, index: int, lows: np.ndarray, highs: np.ndarray) -> None:
        """Fit plot `index`'s y range to the drawn values (if it follows the data; rarely)."""
        want = self._ranges.y_range(index, lows, highs)
        if want is not None:
            self._vbs[index].setYRange(*want, padding=0)

    def _view_changed(self, *_args) -> None:
        if not self._view_timer.isActive():
            self._view_timer.start()

    def _x_auto(self) -> bool:
        # a view's own "auto" (its context menu) means: show everything again
        if any(vb.autoRangeEnabled()[0] for vb in self._vbs):
            self.show_all()
        return self._ranges.auto_x

    def _apply_auto_x(self, latest: int) -> None:
        """In auto mode, put every step from the first to `latest` in view."""
        if not self._x_auto() or latest < 0:
            return
        starts = [int(s.steps[0]) for s in (self._cost, self._rows) if s is not None and s.n]
        want = self._ranges.x_range(min(starts, default=0), latest)
        if want is not None:
            self._vbs[0].setXRange(*want, padding=0.02)

    def _latest_step(self) -> int:
        latest = self._cost.last_step if self._cost is not None else -1
        if self._rows is not None:
            latest = max(latest, self._rows.last_step)
        return latest

    def _follow_latest(self, latest: int) -> None:
        prev = self._drawn_latest
        if not self.follow_check.isChecked() or prev is None or latest <= prev or self._x_auto():
            return
        x0, x1 = self._vbs[0].viewRange()[0]
        if x1 >= prev:
            shift = latest - prev
            self._vbs[0].setXRange(x0 + shift, x1 + shift, padding=0)

    def _widths(self) -> tuple[int, ...]:
        return tuple(max(32, int(vb.width())) for vb in self._vbs)

    def _view_key(self) -> tuple:
        if self._x_auto():
            xr = (-math.inf, math.inf)
        else:
            x0, x1 = self._vbs[0].viewRange()[0]
            xr = (float(x0), float(x1))
        return xr, self._widths(), self._log_cost

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> bool:
        """Redraw if data or the visible range changed since the last draw; True if it drew."""
        if self._info is None or self._cost is None:
            return False
        latest = self._latest_step()
        self._apply_auto_x(latest)
        self._follow_latest(latest)
        key = self._view_key()
        if not self._dirty and key == self._drawn_key:
            return False
        (x0, x1), widths, log = key
        self._draw_cost(x0, x1, widths[0], log)
        self._draw_rows(x0, x1, widths[1], widths[2])
        self._draw_now_dots(log)
        self._drawn_key = key
        self._drawn_latest = latest
        self._dirty = False
        if self._readout_step is not None:
            self.show_readout_at(self._readout_step)
        return True

    def _draw_now_dots(self, log: bool) -> None:
        if self._now is None:
            for dots in self._now_dots:
                dots.setData([], [])
            return
        step, cost, params, grads = self._now
        if log:
            cost = math.log10(cost) if cost > 0 else math.nan
        if math.isfinite(cost):
            self._now_dots[0].setData([step], [cost], brush=[pg.mkBrush(cost_color("cost"))])
        else:
            self._now_dots[0].setData([], [])
        sel = list(self._selection)
        if params.size != len(self._names):
            return
        for dots, values in ((self._now_dots[1], params), (self._now_dots[2], grads)):
            shown = [
                (pos, float(values[i])) for pos, i in enumerate(sel) if math.isfinite(values[i])
            ]  # inf/NaN (divergence) has no place to go
            dots.setData(
                [step] * len(shown),
                [v for _, v in shown],
                brush=[pg.mkBrush(series_color(pos)) for pos, _ in shown],
            )

    def _draw_cost(self, x0: float, x1: float, width: int, log: bool) -> None:
        series = {"cost": self._cost, **self._evals}
        drawn = []
        for name, curve in self._cost_items.items():
            s = series[name]
            i0, i1 = s.index_range(x0, x1)
            x, y = s.envelope(np.zeros(1, dtype=np.intp), i0, i1, width)
            y = y[0]
            if log:  # the axis is in log mode; PlotCurveItem wants log10 values
                y[~(y > 0)] = np.nan
                np.log10(y, out=y, where=~np.isnan(y))
            lo, hi = row_bounds(y)
            curve.show_data(x, y, float(lo), float(hi))
            drawn.append((lo, hi))
        if drawn:
            self._fit_y(0, np.array([d[0] for d in drawn]), np.array([d[1] for d in drawn]))

    def _draw_rows(self, x0: float, x1: float, wp: int, wg: int) -> None:
        rows = self._rows
        sel = np.asarray(self._selection, dtype=np.intp)
        if rows is None or len(sel) == 0:
            return
        p = len(self._names)
        i0, i1 = rows.index_range(x0, x1)
        cols = np.concatenate([sel, sel + p])
        if wp == wg:
            x, y = rows.envelope(cols, i0, i1, wp)
            xg, yg = x, y[len(sel) :]
            y = y[: len(sel)]
        else:
            x, y = rows.envelope(sel, i0, i1, wp)
            xg, yg = rows.envelope(sel + p, i0, i1, wg)
        lo, hi = row_bounds(y)
        glo, ghi = row_bounds(yg)
        for j, curve in enumerate(self._param_items):
            curve.show_data(x, y[j], float(lo[j]), float(hi[j]))
        for j, curve in enumerate(self._grad_items):
            curve.show_data(xg, yg[j], float(glo[j]), float(ghi[j]))
        self._fit_y(1, lo, hi)
        # keep the zero line (gradient 0: no learning) in view
        self._fit_y(2, np.append(glo, 0.0), np.append(ghi, 0.0))

    # ------------------------------------------------------------------ data for tests/export
    def curve_data(self, which: str, index: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The full stored (steps, values) of one curve, as copies (not decimated for drawing).

        `which`: "cost", "train_cost", "test_cost" (only the evaluated steps), or "parameter" /
        "gradient" with `index` a parameter index (shown or not).
        """
        empty = (np.empty(0, dtype=np.int64), np.empty(0))
        if which == "cost":
            return self._cost.column(0) if self._cost is not None else empty
        if which in ("train_cost", "test_cost"):
            s = self._evals.get(which)
            return s.column(0) if s is not None else empty
        if which in ("parameter", "gradient"):
            if index is None:
                raise ValueError(f"curve_data({which!r}) needs a parameter index")
            p = len(self._names)
            if not 0 <= index < p:
                raise IndexError(f"parameter index {index} out of range (0..{p - 1})")
            return self._rows.column(index if which == "parameter" else p + index)
        raise ValueError(
            f"unknown curve {which!r}; expected cost, train_cost, test_cost, parameter or gradient"
        )

    @property
    def nbytes(self) -> int:
        """Bytes held by the panel's store (bounded by budget_bytes)."""
        total = sum(s.nbytes for s in self._evals.values())
        for s in (self._cost, self._rows):
            if s is not None:
                total += s.nbytes
        return total

    def export_images(self, folder_or_path: str | os.PathLike[str], fmt: str = "png") -> list[Path]:
        """Write each plot as an image; returns the written paths.

        Each plot is laid out at plot_export.EXPORT_SIZE for the picture (whatever its size on
        screen, so its legend and labels keep their proportions); a PNG is drawn at twice that,
        an SVG by pyqtgraph's exporter. A folder gets cost.<fmt>, parameters.<fmt> and
        gradients.<fmt>; a file path such as run.png gets run-cost.png, run-parameters.png and
        run-gradients.png beside it.
        """
        folder, prefix, fmt = export_target(folder_or_path, fmt)
        folder.mkdir(parents=True, exist_ok=True)
        self.refresh()
        hovered = self._readout_step
        self.hide_readout()  # not part of the picture
        curves = {
            self.cost_plot: list(self._cost_items.values()),
            self.parameter_plot: self._param_items,
            self.gradient_plot: self._grad_items,
        }
        written = []
        for plot, name in zip(self._plots, ("cost", "parameters", "gradients"), strict=True):
            path = folder / f"{prefix}{name}.{fmt}"
            # the parameter legend (hidden on screen: the key is outside) names both plots' curves
            show_legend = plot is self.parameter_plot and bool(self._selection)
            legend = self._param_legend if show_legend else None
            export_plot(plot, path, fmt, curves[plot], self.refresh, legend)
            written.append(path)
        self.refresh()  # back to the on-screen widths
        if hovered is not None:
            self.show_readout_at(hovered)
        return written

    # ------------------------------------------------------------------ hover readout
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        try:
            if event.type() == QEvent.Type.Leave and any(obj is p for p in self._plots):
                self.hide_readout()
        except RuntimeError:  # during teardown the C++ side may already be gone
            return False
        return super().eventFilter(obj, event)

    def _on_mouse_moved(self, plot_index: int, args: tuple) -> None:
        pos = args[0]
        vb = self._vbs[plot_index]
        if not vb.sceneBoundingRect().contains(pos):
            self.hide_readout()
            return
        self.show_readout_at(vb.mapSceneToView(pos).x())

    def hide_readout(self) -> None:
        self._readout_step = None
        self._readout_lines = []
        for group in (self._hover_lines, self._hover_dots):
            for it in group:
                it.setVisible(False)
        self.readout_label.setText(hint_html())
        if self.key_label.values is not None:
            self.key_label.show_values(None)

    def readout_text(self) -> str:
        """The plain text of the hover readout of all three plots ('' when hidden)."""
        return "\n".join(self._readout_lines)

    def show_readout_at(self, step: float) -> int | None:
        """Show the values at the recorded step nearest to `step`: a line and dots in all three
        plots, the step and costs in the bar above them, values and gradients in the key.

        Returns that step (None when there is no data).
        """
        if self._cost is None or self._cost.n == 0:
            self.hide_readout()
            return None
        rows = self._rows
        sel = self._selection
        if rows is not None and rows.n and sel:
            r = rows.nearest(step)
            at = int(rows.steps[r])
        else:
            r = -1
            at = int(self._cost.steps[self._cost.nearest(step)])
        self._readout_step = at
        for line in self._hover_lines:
            line.setPos(at)
            line.setVisible(True)

        # costs: in the bar
        readout = Readout(at)
        spots = []
        for name in self._cost_items:
            s = self._cost if name == "cost" else self._evals[name]
            i = s.nearest(at)
            if i < 0:
                continue
            v = s.value(i, 0)
            st = int(s.steps[i])
            color = cost_color(name)
            readout.add_cost("C" if name == "cost" else COST_NAMES[name], v, st, color)
            y = v
            if self._log_cost:
                y = math.log10(v) if v > 0 and math.isfinite(v) else math.nan
            if math.isfinite(y):
                spots.append({"pos": (st, y), "brush": pg.mkBrush(color)})
        self._set_dots(0, spots)
        if r >= 0:
            readout.add_key_legend()
        self.readout_label.setText(readout.bar_html())

        # parameters and gradients: in the key
        p = len(self._names)
        values = []
        for plot_i, offset, fmt_name in ((1, 0, "{}"), (2, p, "dC/d{}")):
            spots = []
            if r >= 0:
                for pos, idx in enumerate(sel):
                    v = rows.value(r, offset + idx)
                    readout.add_parameter(fmt_name.format(self._names[idx]), v)
                    if math.isfinite(v):
                        spots.append({"pos": (at, v), "brush": pg.mkBrush(series_color(pos))})
                    if plot_i == 1:
                        values.append((v, rows.value(r, p + idx)))
            self._set_dots(plot_i, spots)
        self._readout_lines = readout.lines
        self.key_label.show_values(values if r >= 0 else None)
        return at

    def _set_dots(self, i: int, spots: list[dict]) -> None:
        dots = self._hover_dots[i]
        dots.setData(spots)
        dots.setVisible(bool(spots))
