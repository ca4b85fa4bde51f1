"""The curves of the three plots and the "now" dot on each, drawn from the panel's store.

For each curve pyqtgraph gets at most about two points per horizontal pixel: a min/max envelope
per pixel column over the visible range, which the store's min/max pyramid gives at about the
same cost for 10^3 or 10^6 stored steps. Curves are plain ``PlotCurveItem``s (:mod:`.curve`; no
PlotDataItem layer: its setData costs ~17x more and its `clipToView` / `autoDownsample` would
only redo what we did). Inf is drawn as a gap (pyqtgraph cannot draw inf) and NaN as a gap
(``connect="finite"``), so a diverging run shows everything up to its last finite step.

The parameter and gradient plots show the *same* parameters in the *same* colours; one legend,
in the parameter plot, names both (hidden on screen, where the key strip above the plots is the
legend; shown in exported images). Drawing returns each plot's y bounds: fitting the axes is
the panel's job.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg

from gdsim.app.plots.curve import BoundedCurve, new_curve
from gdsim.app.plots.ranges import row_bounds
from gdsim.app.plots.store import PlotStore
from gdsim.app.plots.style import (
    COST_NAMES,
    antialiased,
    cost_color,
    line_width,
    series_color,
    series_pen,
)

__all__ = ["PanelCurves"]

Bounds = tuple[np.ndarray, np.ndarray]  # the lows and highs of the drawn curves


class PanelCurves:
    """The cost curves (by series name), the parameter and gradient curves (in selection
    order), the plots' legends, and a dot on every shown curve at the current step: "now"
    while running, and the only mark of step 0 (a curve of one point draws nothing)."""

    def __init__(
        self, cost_plot: pg.PlotWidget, parameter_plot: pg.PlotWidget, gradient_plot: pg.PlotWidget
    ) -> None:
        self._plots = (cost_plot, parameter_plot, gradient_plot)
        # (colours: theme.style_plot)
        self.cost_legend = cost_plot.getPlotItem().addLegend(
            offset=(-8, 8), labelTextSize="8pt", verSpacing=-4
        )
        self.parameter_legend = parameter_plot.getPlotItem().addLegend(
            offset=(-8, 8), labelTextSize="8pt", verSpacing=-4, horSpacing=8
        )
        self.cost: dict[str, BoundedCurve] = {}
        self.parameters: list[BoundedCurve] = []
        self.gradients: list[BoundedCurve] = []
        self.now_dots = []
        for plot in self._plots:
            dots = pg.ScatterPlotItem(size=6)
            dots.setZValue(50)
            plot.getPlotItem().getViewBox().addItem(dots, ignoreBounds=True)
            self.now_dots.append(dots)

    def restyle(self) -> None:
        """Pens from the theme in force: the cost curves' colours, every curve's width (the
        parameters' colours are the same in both themes)."""
        smooth = antialiased()
        for name, curve in self.cost.items():
            curve.opts["antialias"] = smooth
            curve.setPen(pg.mkPen(cost_color(name), width=line_width()))
        for pos, (pc, gc) in enumerate(zip(self.parameters, self.gradients, strict=True)):
            for curve in (pc, gc):
                curve.opts["antialias"] = smooth
                curve.setPen(series_pen(pos))
        self.cost_legend.update()  # (its samples draw with the curves' pens)

    # ------------------------------------------------------------------ building
    def build_cost(self, evals: Sequence[str], full_batch: bool) -> None:
        """One curve for the batch cost and one per evaluated cost."""
        item = self._plots[0].getPlotItem()
        for it in self.cost.values():
            item.removeItem(it)
        self.cost_legend.clear()
        self.cost = {}
        # With the whole training set as the batch the train cost IS the cost: not drawn twice
        # (still stored, see PlotStore.curve_data).
        names = ["cost"] + [n for n in evals if not (n == "train_cost" and full_batch)]
        for name in names:
            label = COST_NAMES[name]
            if name == "cost" and full_batch:
                label = "cost (full batch)"
            curve = new_curve(pg.mkPen(cost_color(name), width=line_width()), label)
            item.addItem(curve)  # a named item joins the plot's legend by itself
            self.cost[name] = curve

    def build_parameters(self, names: Sequence[str], selection: Sequence[int]) -> None:
        """A value curve and a gradient curve, in the same pen, per selected parameter."""
        pitem = self._plots[1].getPlotItem()
        gitem = self._plots[2].getPlotItem()
        for it in self.parameters:
            pitem.removeItem(it)
        for it in self.gradients:
            gitem.removeItem(it)
        legend = self.parameter_legend
        legend.clear()
        k = len(selection)
        # (set before adding: pyqtgraph re-lays out a filled legend wrongly)
        legend.setColumnCount(1 if k <= 6 else 2 if k <= 16 else 3)
        self.parameters, self.gradients = [], []
        for pos, idx in enumerate(selection):
            name = names[idx]
            pen = series_pen(pos)
            pc = new_curve(pen, name)
            gc = new_curve(pen, f"dC/d{name}")
            pitem.addItem(pc)
            gitem.addItem(gc)  # the parameter legend names both (same colours)
            self.parameters.append(pc)
            self.gradients.append(gc)
        legend.setVisible(False)  # shown only in exported images

    # ------------------------------------------------------------------ drawing
    def draw_cost(
        self,
        store: PlotStore,
        x0: float,
        x1: float,
        width: int,
        log: bool,
        fit_before: int | None = None,
    ) -> Bounds | None:
        """Each cost curve over steps x0..x1 at `width` pixels (log10 values on a log axis).
        The bounds returned are those of the steps before `fit_before` (a run's divergence:
        its last values, huge or not finite, would flatten the rest) when it is given."""
        drawn = []
        col = np.zeros(1, dtype=np.intp)
        for name, curve in self.cost.items():
            s = store.series(name)
            i0, i1 = s.index_range(x0, x1)
            x, y = s.envelope(col, i0, i1, width)
            y = _log10(y[0]) if log else y[0]  # the axis is in log mode: log10 values
            lo, hi = row_bounds(y)
            curve.show_data(x, y, float(lo), float(hi))
            if fit_before is not None:
                j1 = _before(s, i1, fit_before)
                fy = s.envelope(col, i0, j1, width)[1][0] if j1 > i0 else np.empty(0)
                lo, hi = row_bounds(_log10(fy) if log else fy)
            drawn.append((lo, hi))
        if not drawn:
            return None
        return np.array([d[0] for d in drawn]), np.array([d[1] for d in drawn])

    def draw_rows(
        self,
        store: PlotStore,
        selection: Sequence[int],
        x0: float,
        x1: float,
        wp: int,
        wg: int,
        fit_before: int | None = None,
    ) -> tuple[Bounds, Bounds] | None:
        """The selected parameters' values and gradients over steps x0..x1, at wp and wg pixels;
        returns the (values, gradients) bounds (of the steps before `fit_before`, if given)."""
        rows = store.rows
        sel = np.asarray(selection, dtype=np.intp)
        if rows is None or len(sel) == 0:
            return None
        p = len(store.names)
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
        for j, curve in enumerate(self.parameters):
            curve.show_data(x, y[j], float(lo[j]), float(hi[j]))
        for j, curve in enumerate(self.gradients):
            curve.show_data(xg, yg[j], float(glo[j]), float(ghi[j]))
        if fit_before is not None:
            j1 = _before(rows, i1, fit_before)
            if j1 > i0:
                fy = rows.envelope(cols, i0, j1, max(wp, wg))[1]
            else:
                fy = np.empty((len(cols), 0))
            lo, hi = row_bounds(fy[: len(sel)])
            glo, ghi = row_bounds(fy[len(sel) :])
        return (lo, hi), (glo, ghi)

    def draw_now(self, now: tuple | None, selection: Sequence[int], p: int, log: bool) -> None:
        """The dots at `now` = (step, cost, parameters, gradients), or none."""
        if now is None:
            for dots in self.now_dots:
                dots.setData([], [])
            return
        step, cost, params, grads = now
        if log:
            cost = math.log10(cost) if cost > 0 else math.nan
        if math.isfinite(cost):
            self.now_dots[0].setData([step], [cost], brush=[pg.mkBrush(cost_color("cost"))])
        else:
            self.now_dots[0].setData([], [])
        sel = list(selection)
        if params.size != p:
            return
        for dots, values in ((self.now_dots[1], params), (self.now_dots[2], grads)):
            shown = [
                (pos, float(values[i])) for pos, i in enumerate(sel) if math.isfinite(values[i])
            ]  # inf/NaN (divergence) has no place to go
            dots.setData(
                [step] * len(shown),
                [v for _, v in shown],
                brush=[pg.mkBrush(series_color(pos)) for pos, _ in shown],
            )


def _log10(y: np.ndarray) -> np.ndarray:
    """log10 of `y` in place, NaN where it has none."""
    y[~(y > 0)] = np.nan
    np.log10(y, out=y, where=~np.isnan(y))
    return y


def _before(series, i1: int, step: int) -> int:
    """The end index (at most `i1`) of `series`' rows before `step`."""
    return min(i1, int(np.searchsorted(series.steps[: series.n], step)))
