"""Gradient health: how big each layer's gradient is, step by step, and what that means.

A large gradient moves a weight a lot, a small one barely moves it, and a zero gradient stops it
learning. This view plots the size (L2 norm) of each layer's gradient against the step on a log
axis and lists plain-language flags evaluated on the current gradients and the recent steps:

* zero       -- parameters whose gradient has been exactly 0 (|g| < 1e-12) for the last 20+
                steps (dead ReLU units);
* vanishing  -- a layer whose gradient norm is below 1/1000 of the largest layer's;
* exploding  -- a layer norm above 1000, a norm that grew more than 10x in the last 50 steps,
                or gradients that are no longer finite;
* healthy    -- none of the above.

Fed like the plots: `start_run(RunInfo)` then `update_from(Snapshot)` (at most a few per second).
The thresholds are the view's attributes (the class's by default). What the view keeps of a run
is :class:`gdsim.app.views.gradient_record.GradientRecord` and the flags' rules and words are
:func:`gdsim.app.views.health_flags.health_flags` (both Qt-free); the log axis that never
overprints its labels is :class:`gdsim.app.views.log_axis.LogAxis`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.plots.cursor import StepCursor
from gdsim.app.plots.ranges import round_up
from gdsim.app.plots.style import PALETTE
from gdsim.app.run_view import Feed
from gdsim.app.views.gradient_record import GradientRecord, layer_label
from gdsim.app.views.health_flags import (
    EXPLODE_NORM,
    GROWTH_FACTOR,
    GROWTH_STEPS,
    MAX_POINTS,
    VANISH_RATIO,
    ZERO_EPS,
    ZERO_STEPS,
    health_flags,
)
from gdsim.app.views.log_axis import LogAxis
from gdsim.session.runstate import RunInfo, Snapshot

__all__ = [
    "GradientHealthView",
    "ZERO_EPS",
    "ZERO_STEPS",
    "VANISH_RATIO",
    "EXPLODE_NORM",
    "GROWTH_FACTOR",
    "GROWTH_STEPS",
    "MAX_POINTS",
]

_MESSAGE_KIND = {  # the theme's message colours of each kind of flag
    "zero": "warning",
    "vanishing": "info",
    "exploding": "error",
    "healthy": "success",
}
_ICONS = {"zero": "\u25cb", "vanishing": "\u2198", "exploding": "\u2197", "healthy": "\u2714"}


class GradientHealthView(QWidget):
    """Per-layer gradient norms on a log axis, plus flags for zero/vanishing/exploding ones."""

    run_feed = Feed(every_row=True)  # a norm for every recorded step, shown or not

    zero_eps = ZERO_EPS
    zero_steps = ZERO_STEPS
    vanish_ratio = VANISH_RATIO
    explode_norm = EXPLODE_NORM
    growth_factor = GROWTH_FACTOR
    growth_steps = GROWTH_STEPS
    max_points = MAX_POINTS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradientHealthView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.caption = QLabel(
            "Size of each layer's gradient (L2 norm of its weights' and biases' dC/dp), log "
            "scale. Big gradient: the weights move a lot; tiny: they barely move; zero: they "
            "stop learning."
        )
        self.caption.setWordWrap(True)
        self.caption.setObjectName("gradientHealthCaption")
        layout.addWidget(self.caption)

        self.plot = pg.PlotWidget(axisItems={"left": LogAxis("left")})
        self.plot.setObjectName("gradientNormPlot")
        item = self.plot.getPlotItem()
        item.setLogMode(y=True)
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("left", "gradient norm")
        item.setLabel("bottom", "step")
        item.setMenuEnabled(False)
        item.getAxis("left").enableAutoSIPrefix(False)
        self.legend = item.addLegend(offset=(-8, 8))  # (colours: theme.style_plot)
        # The step axis runs to a round number past the newest step (as on the main plots), so
        # the legend in the top right corner covers no recent data; a pan or zoom stops that.
        self._follow_steps = True
        item.getViewBox().sigRangeChangedManually.connect(self._stop_following)
        # The tab is wide and short: the flags sit beside the plot, not under it.
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.plot, 3)
        layout.addLayout(row, 1)

        self.flag_list = QListWidget()
        self.flag_list.setObjectName("healthFlags")
        self.flag_list.setWordWrap(True)
        self.flag_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.flag_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag_list.setMinimumWidth(260)
        row.addWidget(self.flag_list, 2)

        self._info: RunInfo | None = None
        self._flags: list[tuple[str, str]] = []
        self._curves: list[pg.PlotDataItem] = []
        self._record = GradientRecord((), (), (), self.max_points)
        self.cursor = StepCursor([self.plot])  # the step the timeline shows
        theme.style_plot(self.plot)
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        theme.style_plot(self.plot)
        self.cursor.restyle()
        self._set_flags(self._flags)

    # ------------------------------------------------------------------ feeding
    def layer_label(self, position: int) -> str:
        return layer_label(self._record.layer_ids[position])

    def start_run(self, info: RunInfo) -> None:
        """Forget the previous run; one curve per layer of this one."""
        self._info = info
        self._follow_steps = True
        self.cursor.show_at(None)
        index = info.parameter_index
        layers = index.layer
        if info.config.mode == "function":
            layers = np.zeros_like(layers)
        self._record = GradientRecord(index.names, layers, index.is_weight, self.max_points)
        self.legend.clear()
        for curve in self._curves:
            self.plot.removeItem(curve)
        self._curves = []
        self.legend.setColumnCount(1)
        for pos in range(len(self._record.layer_ids)):
            color = PALETTE[pos % len(PALETTE)]
            style = Qt.PenStyle.SolidLine if pos < len(PALETTE) else Qt.PenStyle.DashLine
            curve = self.plot.plot(
                [],
                [],
                pen=pg.mkPen(color, width=theme.px(2), style=style),
                name=self.layer_label(pos),
                connect="finite",
            )
            self._curves.append(curve)
        self._set_flags([])

    def update_from(self, snap: Snapshot) -> None:
        """Add the snapshot's rows to the curves and re-evaluate the flags."""
        if self._info is None or snap.run_id != self._info.run_id:
            return
        self._record.update(snap, self)
        self._redraw()
        self._set_flags(self._evaluate())

    def pin(self, state: Snapshot | None) -> None:
        """The timeline shows `state`: a cursor at its step. The norms go on being recorded and
        the flags keep describing the latest step (they are about where the run is going)."""
        self.cursor.show_at(state.step if state is not None else None)

    def series(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, norms) plotted for the layer at `position` (raw norms, not log)."""
        return self._record.series(position)

    @property
    def layer_ids(self) -> list[int]:
        return list(self._record.layer_ids)

    @property
    def stride(self) -> int:
        return self._record.points.stride

    def _redraw(self) -> None:
        last = 0.0
        for pos, curve in enumerate(self._curves):
            x, y = self.series(pos)
            y = np.where(np.isfinite(y) & (y > 0), y, np.nan)  # log axis: no 0, inf or NaN
            curve.setData(x.astype(np.float64), y)
            if len(x):
                last = max(last, float(x[-1]))
        if self._follow_steps:
            self.plot.setXRange(0, round_up(int(last * 1.3) + 1), padding=0.02)

    def _stop_following(self, *_args) -> None:
        self._follow_steps = False

    # ------------------------------------------------------------------ flags
    def flags(self) -> list[tuple[str, str]]:
        """The flags shown, as (kind, text); kind is zero, vanishing, exploding or healthy."""
        return list(self._flags)

    def _evaluate(self) -> list[tuple[str, str]]:
        info = self._info
        network = info is not None and info.config.mode == "network"
        hidden = (
            tuple(layer.activation for layer in info.config.network.layers[:-1]) if network else ()
        )
        return health_flags(self._record, self, network, hidden)

    def _set_flags(self, flags: list[tuple[str, str]]) -> None:
        self._flags = flags
        self.flag_list.clear()
        for kind, text in flags:
            item = QListWidgetItem(f"{_ICONS[kind]}  {text}")
            colors = theme.colors().message(_MESSAGE_KIND[kind])
            item.setForeground(QBrush(QColor(colors.text)))
            item.setBackground(QBrush(QColor(colors.background)))
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.flag_list.addItem(item)
