"""The one-parameter lesson's picture: the cost curve C(w), the current point, the tangent there
(its slope is dC/dw) and an arrow along w to where the next update takes it.

The window over w starts on the first point, the first step and, if there is one nearby, the
bottom; it then only grows, to keep every point the run visits in view (out to ±MAX_VIEW: beyond
that a point is off the chart). The tangent is about a quarter of the plot long on screen however
steep the slope; the arrow runs along w just under the curve, from w to the next w, with dashed
guides up to the curve at both ends. Earlier points are faint dots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gdsim.app import theme
from gdsim.app.lessons.one_parameter_words import fmt
from gdsim.expression import Expression

__all__ = ["MAX_VIEW", "CostCurvePlot", "ink"]

MAX_VIEW = 1e6  # the plot follows w out to here; further out it is off the chart


def ink(role: str) -> str:
    """One colour per quantity, as in the main window's table (from the theme): "blue" for
    values, "red" for the slope, "green" for the update; "ink" for everything else."""
    c = theme.colors()
    return {"blue": c.value, "red": c.gradient, "green": c.update, "ink": c.foreground}[role]


class CostCurvePlot(pg.PlotWidget):
    """C(w) around the current w, with the tangent and the next update drawn on it."""

    def __init__(self) -> None:
        super().__init__(objectName="costCurvePlot")
        self.view = (-1.0, 1.0)  # the window over w
        item = self.getPlotItem()
        item.setMouseEnabled(False, False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "w  (the parameter)")
        item.setLabel("left", "cost  C(w)")
        # (colours and pens: restyle)
        self.curve = pg.PlotCurveItem(antialias=True, connect="finite")
        self.path_dots = pg.ScatterPlotItem(size=7, pen=None)
        self.tangent = pg.PlotCurveItem(antialias=True)
        self.step_line = pg.PlotCurveItem(antialias=True)
        self.guides = pg.PlotCurveItem(connect="pairs")
        self.arrow_head = pg.ArrowItem(headLen=16, tipAngle=35, tailLen=None, pen=None)
        self.next_dot = pg.ScatterPlotItem(size=11)
        self.point = pg.ScatterPlotItem(size=12)
        self.update_text = pg.TextItem(anchor=(0.5, 0.0))
        for part in (
            self.curve,
            self.path_dots,
            self.tangent,
            self.guides,
            self.step_line,
            self.arrow_head,
            self.next_dot,
            self.point,
            self.update_text,
        ):
            self.addItem(part)

    def restyle(self) -> None:
        """Colours and pens from the theme in force."""
        c = theme.colors()
        blue, red, green, black = (ink(r) for r in ("blue", "red", "green", "ink"))
        theme.style_plot(self)
        px = theme.px  # pen widths in logical pixels, also on HiDPI screens
        self.curve.setPen(pg.mkPen(black, width=px(2)))
        faded = pg.mkColor(blue)
        faded.setAlpha(110)
        self.path_dots.setBrush(pg.mkBrush(faded))
        self.tangent.setPen(pg.mkPen(red, width=px(2.5)))
        self.step_line.setPen(pg.mkPen(green, width=px(3)))
        self.guides.setPen(pg.mkPen(green, width=px(1), style=Qt.PenStyle.DashLine))
        self.arrow_head.setStyle(brush=green)
        self.next_dot.setPen(pg.mkPen(green, width=px(2)))
        self.next_dot.setBrush(pg.mkBrush(c.background))
        self.point.setPen(pg.mkPen(c.background, width=px(1.5)))
        self.point.setBrush(pg.mkBrush(blue))
        self.update_text.setColor(green)

    # ------------------------------------------------------------------ the window over w
    def start_view(self, expression: Expression, w0: float, w1: float) -> None:
        """Show the start, the first step and, if there is one nearby, the bottom."""
        keep = [x for x in (w0, w1) if math.isfinite(x) and abs(x) <= MAX_VIEW]
        xs = np.linspace(w0 - 10, w0 + 10, 2001)
        ys = np.broadcast_to(expression.evaluate({"w": xs}), xs.shape)
        if np.isfinite(ys).any():
            i = int(np.nanargmin(np.where(np.isfinite(ys), ys, np.nan)))
            if 0 < i < len(xs) - 1:
                keep.append(float(xs[i]))
        lo, hi = min(keep), max(keep)
        pad = max(1.5, 0.35 * (hi - lo))
        self.view = (lo - pad, hi + pad)

    def follow(self, *ws: float) -> None:
        """Widen the window to take in `ws` (those within ±MAX_VIEW)."""
        lo, hi = self.view
        inside = [w for w in ws if math.isfinite(w) and abs(w) <= MAX_VIEW]
        if inside and (min(inside) < lo or max(inside) > hi):
            lo, hi = min(lo, *inside), max(hi, *inside)
            pad = 0.15 * (hi - lo)
            self.view = (
                lo - pad if min(inside) == lo else lo,
                hi + pad if max(inside) == hi else hi,
            )

    # ------------------------------------------------------------------ drawing
    def draw(
        self,
        expression: Expression,
        path: Sequence[tuple[float, float]],
        w: float,
        cost: float,
        grad: float,
        w_next: float,
        update: float,
    ) -> None:
        """The curve over the window, the earlier points of `path` (w, C), the point at w with
        its tangent, and the update from w to w_next."""
        lo, hi = self.view
        xs = np.linspace(lo, hi, 600)
        ys = np.broadcast_to(expression.evaluate({"w": xs}), xs.shape)
        finite = ys[np.isfinite(ys)]
        ymin, ymax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        height = max(ymax - ymin, 1e-9 * max(1.0, abs(ymax)), 1e-12)
        track = ymin - 0.08 * height  # the arrow runs along w just under the curve
        self.setRange(
            xRange=(lo, hi), yRange=(ymin - 0.22 * height, ymax + 0.06 * height), padding=0
        )
        self.curve.setData(xs, ys)
        dots = [
            (a, b)
            for a, b in list(path)[:-1]
            if math.isfinite(a) and math.isfinite(b) and abs(a) <= MAX_VIEW
        ]
        self.path_dots.setData([a for a, _ in dots], [b for _, b in dots])

        here = math.isfinite(w) and math.isfinite(cost) and abs(w) <= MAX_VIEW
        if here:
            self.point.setData([w], [cost])
        else:
            self.point.clear()
        if here and math.isfinite(grad):
            # About a quarter of the plot long on screen, however steep the slope.
            half = 0.12 / math.hypot(1 / (hi - lo), grad / (height * 1.28))
            xt = np.array([w - half, w + half])
            self.tangent.setData(xt, cost + grad * (xt - w))
        else:
            self.tangent.setData([], [])
        going = here and math.isfinite(w_next) and abs(w_next) <= MAX_VIEW and w_next != w
        self.arrow_head.setVisible(going)
        self.update_text.setVisible(going)
        if not going:
            for part in (self.step_line, self.next_dot, self.guides):
                part.setData([], [])
        else:
            c_next = float(expression.evaluate({"w": w_next}))
            self.step_line.setData([w, w_next], [track, track])
            self.arrow_head.setPos(w_next, track)
            pixels = abs(w_next - w) / (hi - lo) * self.getPlotItem().vb.width()
            self.arrow_head.setStyle(
                angle=180 if w_next > w else 0,
                headLen=theme.px(min(16.0, max(7.0, 0.6 * pixels))),
            )
            self.guides.setData([w, w, w_next, w_next], [cost, track, track, c_next])
            self.next_dot.setData([w_next], [c_next] if math.isfinite(c_next) else [track])
            self.update_text.setText(f"update {'+' if update > 0 else ''}{fmt(update)}")
            self.update_text.setPos((w + w_next) / 2, track)
