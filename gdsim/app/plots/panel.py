"""The three live plots: cost, parameter values and gradients, side by side, against the step.

Seeing a parameter next to its gradient is the point of the app, so the three plots share one
x axis (linked, so zooming or panning one moves all three) and the parameter and gradient plots
show the *same* chosen parameters in the *same* colours. The two are told apart at a glance by:

* the title and axis label ("parameter values  w" / "gradients  dC/dw");
* a faintly tinted (warm) background behind the gradients, versus the plain one for the values;
* a dashed horizontal line at zero in the gradient plot: a gradient at 0 means that weight has
  stopped learning.

Data flow and cost (see docs/architecture.md, "Data flow while training"):

* :meth:`PlotPanel.add_snapshot` only *stores* the rows of a snapshot's chunk (a few array copies,
  no drawing, no signal), in the panel's own bounded store (:class:`PlotStore`).
* :meth:`PlotPanel.refresh` (the window calls it from a ~30 Hz timer) redraws only if new data
  arrived or the visible x range / plot width changed, handing pyqtgraph at most about two points
  per horizontal pixel per curve (:class:`PanelCurves`); the PlotItems' own clip-to-view and
  downsampling are switched off, and the x and y ranges are the panel's, not pyqtgraph's
  (:class:`AxisRanges`: round-number x, y with hysteresis, so axes are redrawn only when their
  range changes).

This module composes the panel; its parts live beside it, one job each:

* :mod:`gdsim.app.plots.store`: what the plots can draw, within a budget (:class:`PlotStore`,
  on :class:`gdsim.session.series.Series`), Qt-free;
* :mod:`gdsim.app.plots.curves`: the curves, legends and "now" dots, drawn from the store;
* :mod:`gdsim.app.plots.hover`: the hover readout (what to show at a step; line and dots);
* :mod:`gdsim.app.plots.ranges`: the axis-range rules (round-number x, y hysteresis), Qt-free;
* :mod:`gdsim.app.plots.picker`: the parameter picker and :func:`default_selection`;
* :mod:`gdsim.app.plots.key`: the colour key strip and the hover readout's text;
* :mod:`gdsim.app.plots.style`: palette, pens and each plot's setup (colours from the theme);
* :mod:`gdsim.app.plots.curve`: the curve item told its bounds; ``export``: PNG (2x) and SVG;
* :mod:`gdsim.app.plots.rate_marks`: the marks of learning-rate changes and hand edits.

(``PALETTE``, ``MAX_SHOWN``, ``default_selection``, ... are re-exported from those modules.)
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QTimer, Signal
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
from gdsim.app.plots.cursor import StepCursor
from gdsim.app.plots.curve import BoundedCurve
from gdsim.app.plots.curves import PanelCurves
from gdsim.app.plots.divergence import DivergenceMark
from gdsim.app.plots.export import export_plot, export_target
from gdsim.app.plots.hover import HoverReadout, hover_at
from gdsim.app.plots.key import HINT, ParameterKey
from gdsim.app.plots.picker import MAX_SHOWN, ParameterPicker, default_selection
from gdsim.app.plots.ranges import fit_before_divergence
from gdsim.app.plots.rate_marks import RateMarks
from gdsim.app.plots.store import PlotStore, drawn_extras
from gdsim.app.plots.style import PALETTE, series_color, setup_plot
from gdsim.app.plots.viewport import Viewport
from gdsim.app.run_view import Feed
from gdsim.session.runstate import RunInfo, Snapshot

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
        self._store = PlotStore()
        self._selection: tuple[int, ...] = ()
        self._dirty = False
        self._drawn_key: object = None
        self._log_cost = False

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
        self.divergence = DivergenceMark(self._plots)
        self.cursor = StepCursor(self._plots)  # the step the timeline shows
        self._fit_before: int | None = None  # after a divergence (see _fit_steps)
        self._vbs = tuple(p.getPlotItem().getViewBox() for p in self._plots)
        # the x and y ranges are ours, not pyqtgraph's (why: plots.ranges)
        self._viewport = Viewport(self._vbs, self.follow_check, self.show_all)
        self.parameter_plot.setXLink(self.cost_plot)
        self.gradient_plot.setXLink(self.cost_plot)
        self._curves = PanelCurves(*self._plots)
        self._now: tuple | None = None  # (step, cost, parameters, gradients) of the latest snapshot

        self.zero_line = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self.gradient_plot.getPlotItem().addItem(self.zero_line, ignoreBounds=True)

        # --- hover readout: a vertical line and dots in each plot (the numbers are outside)
        self._hover = HoverReadout(self._plots, self.readout_label, self.key_label)
        self._hover_lines = self._hover.marks.lines
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
            vb.sigRangeChangedManually.connect(functools.partial(self._viewport.user_moved, i))
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
        self._hover.marks.restyle(c.hover_line, c.background)
        for dots in self._curves.now_dots:  # (a ring, as the hover dots have)
            dots.setPen(pg.mkPen(c.background, width=1))
        self._curves.restyle()
        self.rate_marks.restyle()
        self.divergence.restyle()
        self.cursor.restyle()
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
        self._store.start(info.parameter_names, drawn_extras(info), self.budget_bytes)
        full_batch = getattr(info.config, "batch_size", 1) == 0
        self._curves.build_cost(list(self._store.evals), full_batch=full_batch)
        self.rate_marks.clear()
        self.rate_marks.add_edits(info.changes)
        self.divergence.clear()
        self.cursor.show_at(None)
        layers = info.parameter_index.layer  # (an array: no 10^6-element tuple)
        self.picker.set_names(self._names, layers)
        kept, self._selection = self._selection, ()  # a cut or edited run keeps the learner's
        chosen = kept if info.continued else default_selection(self._names, layers=layers)
        self._apply_selection(chosen)
        self.hide_readout()
        self._drawn_key = None
        self._viewport.drawn_latest = None
        self._dirty = True
        self.show_all()

    def add_snapshot(self, snap: Snapshot) -> None:
        """Store the rows of `snap.chunk` (no drawing). Snapshots of an older run are ignored."""
        info = self._info
        if info is None or snap.run_id != info.run_id:
            return
        if snap.has_state:  # (between those, a big network's snapshots carry only rows)
            self._now = (snap.step, snap.cost, snap.parameters, snap.gradients)
        self.rate_marks.follow_frozen(snap.step, snap.frozen, self._names)
        if snap.diverged and self.divergence.step is None:
            self.divergence.show(snap.step, snap.diverged)
            self._fit_before = None  # (worked out when the chunk is stored)
            self._dirty = True
        chunk = snap.chunk
        if chunk.is_empty:
            return
        if len(chunk.steps):
            self.rate_marks.add(chunk.steps, chunk.extras.get("learning_rate"))
        self._store.add(chunk)
        self._dirty = True

    update_from = add_snapshot  # (gdsim.app.run_view.RunView)

    def pin(self, state: Snapshot | None) -> None:
        """The timeline shows `state`: a cursor at its step (the curves keep growing)."""
        self.cursor.show_at(state.step if state is not None else None)

    @property
    def store(self) -> PlotStore:
        """What the plots hold (the timeline's past states come from its rows)."""
        return self._store

    @property
    def _names(self) -> tuple[str, ...]:
        return self._store.names

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
        if chosen == self._selection and len(self._curves.parameters) == len(chosen):
            self.picker.set_selected(chosen)  # e.g. a 33rd tick that was refused
            return
        self._selection = chosen
        self._curves.build_parameters(self._names, chosen)
        self.key_label.set_parameters(self._names, chosen)
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

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.key_label.refit()

    def cost_curves(self) -> dict[str, BoundedCurve]:
        """The cost plot's curves by series name ("cost", "train_cost", "test_cost")."""
        return dict(self._curves.cost)

    def parameter_curves(self) -> list[BoundedCurve]:
        return list(self._curves.parameters)

    def gradient_curves(self) -> list[BoundedCurve]:
        return list(self._curves.gradients)

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
        self._viewport.forget_y(0)  # linear and log10 units differ: fit afresh
        with QSignalBlocker(self.log_check):
            self.log_check.setChecked(on)
        self._dirty = True
        self._drawn_key = None
        self._view_timer.start()
        self.log_cost_changed.emit(on)

    def show_all(self) -> None:
        """Every step in view and y fitted, in all three plots, from now on (until the user
        pans or zooms)."""
        self._viewport.show_all()
        self._dirty = True
        self._view_timer.start()

    def _view_changed(self, *_args) -> None:
        if not self._view_timer.isActive():
            self._view_timer.start()

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> bool:
        """Redraw if data or the visible range changed since the last draw; True if it drew."""
        if self._info is None or self._store.cost is None:
            return False
        latest = self._store.latest_step()
        view = self._viewport
        view.apply_auto_x(self._store.first_step(), latest)
        view.follow_latest(latest)
        key = view.key(self._log_cost)
        if not self._dirty and key == self._drawn_key:
            return False
        (x0, x1), widths, log = key
        curves = self._curves
        fit = self._fit_steps()
        cost = curves.draw_cost(self._store, x0, x1, widths[0], log, fit)
        if cost is not None:
            view.fit_y(0, *cost)
        rows = curves.draw_rows(self._store, self._selection, x0, x1, widths[1], widths[2], fit)
        if rows is not None:
            (lo, hi), (glo, ghi) = rows
            view.fit_y(1, lo, hi)
            # keep the zero line (gradient 0: no learning) in view
            view.fit_y(2, np.append(glo, 0.0), np.append(ghi, 0.0))
        curves.draw_now(self._now, self._selection, len(self._names), log)
        self._drawn_key = key
        view.drawn_latest = latest
        self._dirty = False
        if self._readout_step is not None:
            self.show_readout_at(self._readout_step)
        return True

    def _fit_steps(self) -> int | None:
        """After a divergence: the step before which y ranges are fitted (plots.ranges)."""
        diverged_at = self.divergence.step
        if diverged_at is None:
            return None
        if self._fit_before is None:
            steps, cost = self._store.curve_data("cost")
            self._fit_before = fit_before_divergence(steps, cost, diverged_at)
        return self._fit_before

    # ------------------------------------------------------------------ data for tests/export
    def curve_data(self, which: str, index: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The full stored (steps, values) of one curve, as copies (not decimated for drawing).

        `which`: "cost", "train_cost", "test_cost" (only the evaluated steps), or "parameter" /
        "gradient" with `index` a parameter index (shown or not).
        """
        return self._store.curve_data(which, index)

    @property
    def nbytes(self) -> int:
        """Bytes held by the panel's store (bounded by budget_bytes)."""
        return self._store.nbytes

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
            self.cost_plot: list(self._curves.cost.values()),
            self.parameter_plot: self._curves.parameters,
            self.gradient_plot: self._curves.gradients,
        }
        written = []
        for plot, name in zip(self._plots, ("cost", "parameters", "gradients"), strict=True):
            path = folder / f"{prefix}{name}.{fmt}"
            # the parameter legend (hidden on screen: the key is outside) names both plots' curves
            show_legend = plot is self.parameter_plot and bool(self._selection)
            legend = self._curves.parameter_legend if show_legend else None
            export_plot(plot, path, fmt, curves[plot], self.refresh, legend)
            written.append(path)
        self.refresh()  # back to the on-screen widths
        if hovered is not None:
            self.show_readout_at(hovered)
        return written

    # ------------------------------------------------------------------ hover readout
    @property
    def _readout_step(self) -> int | None:
        return self._hover.step

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
        self._hover.hide()

    def readout_text(self) -> str:
        """The plain text of the hover readout of all three plots ('' when hidden)."""
        return "\n".join(self._hover.lines)

    def show_readout_at(self, step: float) -> int | None:
        """Show the values at the recorded step nearest to `step`: a line and dots in all three
        plots, the step and costs in the bar above them, values and gradients in the key.

        Returns that step (None when there is no data).
        """
        hover = hover_at(self._store, step, self._selection, self._curves.cost, self._log_cost)
        return self._hover.show(hover)
