"""The two-parameter lesson's slice plots: C along w1 with w2 held fixed, and along w2 with w1
held fixed, each with the tangent at the current point, whose slope is that partial
derivative."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from gdsim.app import theme
from gdsim.app.lessons.drawing import clip, make_plot, num
from gdsim.app.lessons.surfaces import PARAMETERS


class SlicePlots:
    """The two slices, each a label over a plot. A plain helper: the lesson puts `layout` in
    its window and calls apply_theme from its own theme handler (so nothing here connects to
    the app-wide theme notifier)."""

    def __init__(self):
        self.plots: list[pg.PlotWidget] = []
        self.labels: list[QLabel] = []
        self.curves, self.points, self.tangent_items = [], [], []
        self.tangents = [(np.zeros(2), np.zeros(2)), (np.zeros(2), np.zeros(2))]
        for name in PARAMETERS:
            widget = make_plot(f"slice{name.upper()}Plot", "")
            plot = widget.getPlotItem()
            plot.setLabel("bottom", name)
            plot.setLabel("left", "C")
            plot.setMouseEnabled(x=False, y=False)
            curve = pg.PlotCurveItem(antialias=True)  # (colours: apply_theme)
            tangent = pg.PlotCurveItem(antialias=True)
            point = pg.ScatterPlotItem(size=10)
            for z, item in enumerate((curve, tangent, point)):
                item.setZValue(z)
                plot.addItem(item)
            label = QLabel()
            label.setObjectName(f"slice{name.upper()}Label")
            label.setTextFormat(Qt.TextFormat.RichText)
            self.plots.append(widget)
            self.labels.append(label)
            self.curves.append(curve)
            self.points.append(point)
            self.tangent_items.append(tangent)

        self.layout = QVBoxLayout()
        self.layout.setSpacing(2)
        for label, widget in zip(self.labels, self.plots, strict=True):
            self.layout.addWidget(label)
            self.layout.addWidget(widget, 1)

    def apply_theme(self) -> None:
        """Theme colours for the plots and their curves (the labels and titles get theirs when
        drawn)."""
        c = theme.colors()
        for widget in self.plots:
            theme.style_plot(widget)
        for curve, tangent, point in zip(self.curves, self.tangent_items, self.points, strict=True):
            curve.setPen(pg.mkPen(c.foreground, width=theme.px(2)))
            tangent.setPen(pg.mkPen(c.gradient, width=theme.px(2.5)))
            point.setPen(pg.mkPen(c.foreground, width=theme.px(2)))
            point.setBrush(pg.mkBrush(c.background))

    def draw(self, expr, ranges, p, g, cost) -> None:
        """Both slices through the point p (gradient g, cost C(p)), over `ranges` widened to
        include p."""
        for k in (0, 1):
            name, other = PARAMETERS[k], PARAMETERS[1 - k]
            lo, hi = ranges[k]
            if math.isfinite(p[k]):  # (a diverged run is drawn at the clipping limit)
                lo, hi = min(lo, float(clip(p[k]))), max(hi, float(clip(p[k])))
            xs = np.linspace(lo, hi, 300)
            ys = np.asarray(expr.evaluate({name: xs, other: float(p[1 - k])}), dtype=float)
            ys = np.broadcast_to(ys, xs.shape)
            ok = np.isfinite(ys)
            ys = clip(ys)
            cost = float(clip(cost)) if math.isfinite(cost) else cost
            plot = self.plots[k].getPlotItem()
            self.curves[k].setData(xs[ok], clip(ys[ok]))
            self.points[k].setData([float(clip(p[k]))], [float(clip(cost))])
            ymin = float(ys[ok].min()) if ok.any() else -1.0
            ymax = float(ys[ok].max()) if ok.any() else 1.0
            if math.isfinite(cost):
                ymin, ymax = min(ymin, cost), max(ymax, cost)
            span = max(ymax - ymin, 1e-9)
            # The tangent: slope = the partial derivative, kept short enough to stay in view.
            half = 0.12 * (hi - lo)
            slope = abs(float(g[k]))
            if math.isfinite(slope) and slope * half > 0.35 * span:
                half = 0.35 * span / slope
            tx = np.array([p[k] - half, p[k] + half])
            ty = np.array([cost - g[k] * half, cost + g[k] * half])
            self.tangents[k] = (tx, ty)
            self.tangent_items[k].setData(clip(tx), clip(ty))
            plot.setXRange(lo, hi, padding=0.02)
            plot.setYRange(ymin - 0.08 * span, ymax + 0.08 * span, padding=0)
            plot.setTitle(
                f"C along {name}, with {other} fixed at {num(p[1 - k], 4)}",
                size="9pt",
                color=theme.colors().foreground,
            )
            self.labels[k].setText(
                f"<span style='color:{theme.colors().gradient}'>"
                f"<b>∂C/∂{name} = {num(g[k])}</b></span>"
                f" = slope of the red tangent"
            )
