"""The loss surface's picture: the cost grid as a viridis image with a few dashed contour lines
and a colour bar, the path training took (white, with dots), its start (an orange square) and
the current point (a red dot).

The image's colours run from the grid's lowest cost to its 98th percentile (so one huge corner
does not wash out the rest); costs that are not finite are drawn at the top colour. The path's
and markers' colours are fixed: they sit on the viridis image whatever the theme; the axes and
titles take the theme's colours (theme.style_plot).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt

from gdsim.app import theme

__all__ = ["N_ISOCURVES", "SurfacePlot"]

N_ISOCURVES = 5
ISO_LEVELS = (0.05, 0.15, 0.3, 0.5, 0.75)  # of the colour range, one per contour line

# (on the viridis image, whatever the theme; axes and titles: theme.style_plot)
_PATH = "#ffffff"
_PATH_EDGE = "#1a1a1a"
_CURRENT = "#d62728"
_START = "#ff7f0e"
_ISO = "#ffffff"


class SurfacePlot(pg.GraphicsLayoutWidget):
    """The plot (``plot``) with the grid's ``image``, its ``isocurves`` and ``colorbar``, the
    ``path``, its ``start_marker`` and the ``current_marker``."""

    def __init__(self) -> None:
        super().__init__()
        # (small enough that the caption below never has to overlap it in a short tab)
        self.setMinimumSize(260, 120)
        gl = self.ci
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

    def set_title(self, text: str) -> None:
        self.plot.setTitle(text, color=theme.colors().foreground, size="9pt")

    def label_axes(self, x: str, y: str) -> None:
        axis = theme.colors().axis
        self.plot.setLabel("bottom", x, color=axis)
        self.plot.setLabel("left", y, color=axis)

    def draw_path(
        self, xs: np.ndarray, ys: np.ndarray, current: tuple[float, float] | None
    ) -> None:
        """The path through (xs, ys) (its finite points), its start, and the current point."""
        if current is not None:
            self.current_marker.setData([current[0]], [current[1]])
        else:
            self.current_marker.setData([], [])
        finite = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[finite], ys[finite]
        self.path.setData(xs, ys)
        if len(xs):
            self.start_marker.setData([xs[0]], [ys[0]])
        else:
            self.start_marker.setData([], [])

    def draw_grid(self, xs: np.ndarray, ys: np.ndarray, c: np.ndarray, step: int | None) -> None:
        """The cost grid C[i, j] at (xs[i], ys[j]), fitting the view to it; the title says the
        step and the cost at the centre."""
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
        n = len(xs)
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, n * dx, n * dy))
        self.colorbar.setLevels(values=(lo, hi))
        levels = lo + (hi - lo) * np.array(ISO_LEVELS)
        for iso, level in zip(self.isocurves, levels, strict=True):
            iso.setLevel(float(level))
            iso.setData(shown)
        self.plot.setXRange(xs[0] - dx / 2, xs[-1] + dx / 2, padding=0.0)
        self.plot.setYRange(ys[0] - dy / 2, ys[-1] + dy / 2, padding=0.0)
        centre = c[n // 2, n // 2]
        prefix = "" if step is None else f"step {step:,}  ·  "
        self.set_title(f"{prefix}cost here {centre:.4g}")

    def clear_items(self) -> None:
        self.image.clear()
        for iso in self.isocurves:
            iso.setData(None)
        self.path.setData([], [])
        self.start_marker.setData([], [])
        self.current_marker.setData([], [])
