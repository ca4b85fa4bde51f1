"""The prediction view's picture: a decision boundary over 2-input data, or a fitted curve over
1-input data, with the data points and a legend beside the plot.

* Boundary: the map of p(class 1) in a diverging colour map, from a soft class-0 colour through
  the plot background (p = 0.5) to a soft class-1 colour, with the 0.5 contour as the boundary
  and a colour bar; with a softmax over K > 2 classes the map is the predicted class's colour
  (:func:`gdsim.app.views.prediction_numbers.class_rgba`) and there is no contour or bar. Both
  axes have the same scale when the inputs are comparable (so a spiral looks like a spiral).
* Curve: the network's ŷ(x) in red over the data.
* Points: training points filled, in their class's (or the first) series colour, with a ring
  in the background colour to set overlapping points apart; test points as rings, in colours
  that stand out from their own class's end of the map.

The legend sits beside the plot, not under it: the tab is wide and short, and a plot of 2-D
data keeps equal scales, so every pixel of height is worth more than width.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from gdsim.app import theme
from gdsim.app.views.prediction_numbers import BoundaryGrid, class_rgba, discrete_values, one_hot
from gdsim.engine.datasets import Dataset
from gdsim.engine.features import plane_points

__all__ = ["CLASS_COLORS", "PredictionPlot"]

# Class colours: the data-series colours for the points; behind them a diverging map from a
# soft class-0 colour through the plot background (p = 0.5) to a soft class-1 colour.
CLASS_COLORS = theme.SERIES
_MAP_ENDS = {"light": ("#7fb2de", "#ffb677"), "dark": ("#1d4d78", "#7a4514")}
# test points are rings, in colours that stand out from the map's end of their own class
_TEST_COLORS = {"light": ("#0d4a7a", "#b34f00"), "dark": ("#9ccbf2", "#ffb26b")}


def _rgb(color: str) -> np.ndarray:
    c = pg.mkColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


class PredictionPlot(pg.GraphicsLayoutWidget):
    """The plot (``plot``), the boundary's ``image``, contour (``boundary``) and ``colorbar``,
    the curve (``fit``), the data ``points`` and the ``legend``."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(260, 120)  # (the caption must fit below in a short tab)
        self._rect = QRectF()  # the map's cells centred on the grid points
        gl = self.ci
        gl.setContentsMargins(4, 4, 4, 4)
        self.plot = pg.PlotItem()
        gl.addItem(self.plot, row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=False)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.getViewBox().setDefaultPadding(0.0)

        # the decision-boundary pieces (colours: apply_theme)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setZValue(-10)
        self.boundary = pg.IsocurveItem(level=0.5)
        self.boundary.setParentItem(self.image)  # drawn in the image's pixel coordinates
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), interactive=False, width=14)
        self.colorbar.getAxis("right").setLabel("predicted p(class 1)")
        gl.addItem(self.colorbar, row=0, col=1)
        # beside the plot, not under it (see the module doc)
        self.legend = pg.LegendItem(colCount=1, labelTextSize="8pt", verSpacing=-6)
        gl.addItem(self.legend, row=0, col=2)
        gl.layout.setColumnMinimumWidth(2, 118)  # (the plot gives way first when narrow)
        self.boundary_sample = pg.PlotDataItem()  # the boundary's line in the legend

        # the regression pieces
        self.fit = pg.PlotDataItem()
        self.points: list[pg.ScatterPlotItem] = []
        # each point set: (item, hollow, its colour in a theme's Colors)
        self._point_styles: list[tuple[pg.ScatterPlotItem, bool, Callable]] = []

    def apply_theme(self) -> None:
        """Colours from the theme in force; the points are coloured again if there are any."""
        c = theme.colors()
        ends = _MAP_ENDS[c.name]
        self.cmap = pg.ColorMap([0.0, 0.5, 1.0], [ends[0], c.background, ends[1]])
        self.image.setLookupTable(self.cmap.getLookupTable(0.0, 1.0, 256))
        self.colorbar.setColorMap(self.cmap)
        self.boundary.setPen(pg.mkPen(c.foreground, width=theme.px(1.5)))
        self.fit.setPen(pg.mkPen(c.series[6], width=theme.px(2)))  # red, as before
        self.boundary_sample.setPen(pg.mkPen(c.foreground, width=theme.px(1.5)))
        theme.style_plot(self)
        for item, hollow, color_of in self._point_styles:
            self._style_points(item, hollow, color_of(c))
        self.legend.update()

    def set_compact(self, compact: bool) -> None:
        """Compact (a class panel beside takes the width): no legend column; the title says
        what the points are instead."""
        self._compact = compact
        self.legend.setVisible(not compact)
        self.ci.layout.setColumnMinimumWidth(2, 0 if compact else 118)
        self.ci.layout.setColumnMaximumWidth(2, 0 if compact else 10_000)

    def reset(self) -> None:
        """No points, map, curve or legend entries."""
        for item in self.points:
            self.plot.removeItem(item)
        self.points.clear()
        self._point_styles.clear()
        self.plot.removeItem(self.image)
        self.plot.removeItem(self.fit)
        self.legend.clear()

    def _label_axes(self, x: str, y: str) -> None:
        axis = theme.colors().axis
        self.plot.setLabel("bottom", x, color=axis)
        self.plot.setLabel("left", y, color=axis)

    def _add_points(
        self,
        x: np.ndarray,
        y: np.ndarray,
        *,
        hollow: bool,
        color_of: Callable,
        name: str,
        size: float = 7.0,
    ) -> None:
        """Train points filled, test points as rings; `color_of(theme.colors())` is their
        colour (kept, so a theme change can colour them again)."""
        item = pg.ScatterPlotItem(x=x, y=y, symbol="o", size=size, name=name)
        self._style_points(item, hollow, color_of(theme.colors()))
        self.plot.addItem(item)
        self.points.append(item)
        self._point_styles.append((item, hollow, color_of))
        self.legend.addItem(item, name)

    @staticmethod
    def _style_points(item: pg.ScatterPlotItem, hollow: bool, color: str) -> None:
        if hollow:
            item.setPen(pg.mkPen(color, width=theme.px(1.6)))
            item.setBrush(pg.mkBrush(None))
        else:  # a ring in the background colour sets overlapping points apart
            item.setPen(pg.mkPen(theme.colors().background, width=0.8))
            item.setBrush(pg.mkBrush(color))

    # ------------------------------------------------------------------ the two pictures
    def show_boundary(self, data: Dataset, grid: BoundaryGrid, n_out: int) -> None:
        """A (still empty) map over `grid` and `data`'s points by class."""
        lo, hi = grid.lo, grid.hi
        self.plot.addItem(self.image)
        self.image.clear()
        # cell centres on the grid points; applied after each setImage (setRect scales by the
        # current image's size, so it must see the grid's image)
        self._rect = QRectF(*grid.rect)
        self.boundary.setData(None)
        multi = n_out > 2
        self.colorbar.setVisible(not multi)
        self.boundary.setVisible(not multi)
        train, test, names = plane_points(data)  # (raw x1, x2 when the inputs are features)
        self._label_axes(names[0], names[1])
        k = max(data.n_classes, 2)
        for c in range(k):
            m = data.y_train[0] == c
            self._add_points(
                train[0, m],
                train[1, m],
                hollow=False,
                color_of=lambda colors, c=c: colors.series[c % len(colors.series)],
                name=f"train: class {c}",
            )
        for c in range(k):
            m = data.y_test[0] == c
            if not m.any():
                continue
            self._add_points(
                test[0, m],
                test[1, m],
                hollow=True,
                color_of=lambda colors, c=c: (
                    _TEST_COLORS[colors.name][c]
                    if k == 2
                    else colors.series[c % len(colors.series)]
                ),
                name=f"test: class {c}",
                size=8.0,
            )
        if not multi:
            self.legend.addItem(self.boundary_sample, "boundary p = 0.5")
        # Same scale on both axes when the inputs are comparable (the built-in sets), so a
        # spiral looks like a spiral; a CSV with, say, metres against years keeps free axes.
        spans = hi - lo
        self.plot.setAspectLocked(bool(max(spans) <= 4 * min(spans)), ratio=1.0)
        self.plot.setXRange(lo[0], hi[0], padding=0.0)
        self.plot.setYRange(lo[1], hi[1], padding=0.0)
        self.plot.setTitle(
            "true class: ● train ○ test"
            if getattr(self, "_compact", False)
            else "predicted (map) vs true class (points)",
            color=theme.colors().foreground,
            size="9pt",
        )

    def show_curve(self, data: Dataset) -> None:
        """`data`'s points and a (still empty) fitted curve."""
        self.colorbar.setVisible(False)
        self.plot.setAspectLocked(False)  # x against y of a curve: different quantities
        self._label_axes(data.input_names[0], data.target_names[0])
        self._add_points(
            data.x_train[0],
            data.y_train[0],
            hollow=False,
            color_of=lambda colors: colors.series[0],
            name="train data",
        )
        if data.x_test.shape[1]:
            self._add_points(
                data.x_test[0],
                data.y_test[0],
                hollow=True,
                color_of=lambda colors: _TEST_COLORS[colors.name][1],
                name="test data",
                size=8.0,
            )
        self.fit.setData([], [])
        self.plot.addItem(self.fit)
        self.legend.addItem(self.fit, "network's prediction ŷ(x)")
        self.plot.enableAutoRange()
        self.plot.setTitle(
            "the network's fitted curve vs the data", color=theme.colors().foreground, size="9pt"
        )

    # ------------------------------------------------------------------ drawing
    def draw_boundary(self, out: np.ndarray, values: np.ndarray, discrete: bool = False) -> None:
        """The map: `values` (side x side) for up to two outputs, else the class colours of the
        outputs `out` on the grid; `discrete`: the predicted class only (each class's end of
        the map, or its full colour), not how sure the network is."""
        shown = np.where(np.isfinite(values), values, 0.5)
        if out.shape[0] <= 2:
            self.image.setImage(
                discrete_values(shown) if discrete else shown, levels=(0.0, 1.0), autoLevels=False
            )
            self.boundary.setData(shown)
        else:
            rgba = self._class_rgba(one_hot(out) if discrete else out)
            self.image.setImage(rgba, autoLevels=False, levels=(0, 255))
        self.colorbar.getAxis("right").setLabel(
            "predicted class (p ≥ 0.5 → 1)" if discrete else "predicted p(class 1)"
        )
        self.image.setRect(self._rect)

    def set_test_visible(self, on: bool) -> None:
        """Show or hide the test points (the hollow rings)."""
        for item, hollow, _color in self._point_styles:
            if hollow:
                item.setVisible(bool(on))

    def test_visible(self) -> bool | None:
        """Whether the test points show (None: there are none)."""
        hollow = [item for item, h, _c in self._point_styles if h]
        return None if not hollow else all(item.isVisible() for item in hollow)

    @staticmethod
    def _class_rgba(out: np.ndarray) -> np.ndarray:
        """Softmax over K > 2 classes: the argmax class's colour, paler where less sure."""
        k = out.shape[0]
        colors = np.array([_rgb(CLASS_COLORS[c % len(CLASS_COLORS)]) for c in range(k)])
        background = _rgb(theme.colors().background)  # paler = closer to the background
        return class_rgba(out, colors, background)

    def draw_curve(self, x: np.ndarray, y: np.ndarray) -> None:
        finite = np.isfinite(y)
        if finite.all():
            self.fit.setData(x, y)
        else:
            self.fit.setData(x[finite], y[finite])
