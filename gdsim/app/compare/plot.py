"""The Compare runs window's plot: every variant's train cost (solid) and test cost (dashed).

One colour a variant from the app's series palette (the same in both themes, readable on the
light and the dark background); the plot itself is coloured by the theme like the main plots
(gdsim.app.theme restyles every pyqtgraph view when the theme changes). Drawn from the
variants' bounded series at ~2 points per pixel column (Series.envelope), and only when new
rows came (the window calls `redraw` at most ~30 times a second).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gdsim.app import theme
from gdsim.app.compare.results import CompareResults
from gdsim.app.plots.curve import BoundedCurve, new_curve
from gdsim.app.plots.style import LINE_WIDTH, series_color, setup_plot

_COL = np.zeros(1, dtype=np.intp)


class CompareCurves(pg.PlotWidget):
    """Two curves a variant; `show_variants(results)` makes them, `redraw()` feeds them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("compareCurves")
        setup_plot(self, "Cost of each variant (test dashed)", "cost")
        self.legend = self.getPlotItem().addLegend(offset=(-8, 8), labelTextSize="9pt")
        self.results: CompareResults | None = None
        self.train: list[BoundedCurve] = []
        self.test: list[BoundedCurve] = []
        self.log = False
        theme.style_plot(self)

    def show_variants(self, results: CompareResults) -> None:
        """New curves for the variants of `results` (the old ones go)."""
        item = self.getPlotItem()
        for curve in self.train + self.test:
            item.removeItem(curve)
        self.legend.clear()
        self.results = results
        self.train, self.test = [], []
        for i, v in enumerate(results.variants):
            color = series_color(i)
            solid = pg.mkPen(color, width=LINE_WIDTH * 1.5)
            dashed = pg.mkPen(color, width=LINE_WIDTH, style=Qt.PenStyle.DashLine)
            train = new_curve(solid, v.label)
            test = new_curve(dashed, f"{v.label} (test)")
            item.addItem(train)
            item.addItem(test)
            self.legend.removeItem(test)  # one entry a variant: its colour and label
            self.train.append(train)
            self.test.append(test)
        theme.style_plot(self)
        self.redraw()

    def set_log(self, on: bool) -> None:
        self.log = bool(on)
        self.getPlotItem().setLogMode(y=self.log)
        self.redraw()
        self.getPlotItem().enableAutoRange()

    def curve_data(self, i: int, which: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """What curve `which` of variant `i` shows now (x, y; log10 y on a log axis)."""
        curve = (self.train if which == "train" else self.test)[i]
        x, y = curve.getData()
        return (np.empty(0), np.empty(0)) if x is None else (x, y)

    def redraw(self) -> None:
        if self.results is None:
            return
        width = max(50, self.getPlotItem().getViewBox().width())
        for v, train, test in zip(self.results.variants, self.train, self.test, strict=True):
            for series, curve in ((v.train, train), (v.test, test)):
                x, y = series.envelope(_COL, 0, series.n, int(width))
                y = y[0] if len(y) else np.empty(0)
                if self.log:
                    with np.errstate(all="ignore"):
                        y = np.where(y > 0, np.log10(np.where(y > 0, y, 1.0)), math.nan)
                finite = y[np.isfinite(y)]
                lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0, 0)
                curve.show_data(x, y, lo, hi)
