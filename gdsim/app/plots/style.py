"""How the three plots look: the series palette, pens, cost colours and each plot's setup.

Colours come from :mod:`gdsim.app.theme` and are set on the panel's own plots and curves (so the
panel does not depend on pyqtgraph's global options); call these again when the theme changes.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from gdsim.app import theme

__all__ = [
    "COST_NAMES",
    "LINE_WIDTH",
    "antialiased",
    "line_width",
    "PALETTE",
    "cost_color",
    "series_color",
    "series_pen",
    "setup_plot",
]

# Parameters get colours by their position in the selection, so the shown curves are as distinct
# as possible; past the end the colours repeat with a dashed line. The same in both themes.
PALETTE = theme.SERIES

COST_NAMES = {"cost": "cost (batch)", "train_cost": "train cost", "test_cost": "test cost"}

# Curves are 1 px cosmetic antialiased lines: Qt strokes a wider antialiased pen through a
# self-overlapping path, and a noisy curve (mini-batch gradients) drawn as a min/max envelope is
# exactly that: measured here 12 such curves took 400 ms to paint at 1.6 px and 4 ms at 1 px.
LINE_WIDTH = 1.0
# Presenter mode (a projector) wants thicker curves; drawn without antialiasing, 2 px costs
# ~7x a 1 px curve where antialiased it cost ~190x (12 noisy 4,000-point curves: 11 ms at 1 px,
# 76 ms at 2 px aliased, 2,100 ms at 2 px antialiased).
PRESENTER_LINE_WIDTH = 2.0


def line_width() -> float:
    """The data curves' width: 1 px, or PRESENTER_LINE_WIDTH in presenter mode."""
    return PRESENTER_LINE_WIDTH if theme.presenter() else LINE_WIDTH


def antialiased() -> bool:
    """Whether the data curves are antialiased (not when drawn thick: see above)."""
    return not theme.presenter()


def cost_color(name: str) -> str:
    """The batch cost in the text colour; train and test cost as the first two series."""
    c = theme.colors()
    return {"cost": c.foreground, "train_cost": c.series[0], "test_cost": c.series[1]}[name]


def series_color(pos: int) -> str:
    """The colour of the parameter at position `pos` of the selection."""
    return PALETTE[pos % len(PALETTE)]


def series_pen(pos: int):
    """The pen of the parameter at position `pos` of the selection (dashed past the palette)."""
    style = Qt.PenStyle.SolidLine if pos < len(PALETTE) else Qt.PenStyle.DashLine
    return pg.mkPen(series_color(pos), width=line_width(), style=style)


def setup_plot(plot: pg.PlotWidget, title: str, ylabel: str) -> None:
    """Titles, labels, grid and speed settings (colours: theme.style_plot)."""
    item = plot.getPlotItem()
    item.setTitle(title, size="10pt")
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        # Replaying an axis (tick labels, grid) costs more than drawing all the curves; cache
        # its pixels until its range changes (measured: halves the paint time of a plot).
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    item.getAxis("left").enableAutoSIPrefix(False)  # show 0.00123, not 1.23 with "(x0.001)"
    item.setLabel("left", ylabel)
    item.setLabel("bottom", "step")
    item.showGrid(x=True, y=True, alpha=0.18)
    item.setClipToView(False)
    item.setDownsampling(auto=False)
    item.getViewBox().setDefaultPadding(0.03)
    item.layout.setContentsMargins(2, 2, 10, 2)  # a little air right of the data area
    plot.setMinimumSize(220, 200)
