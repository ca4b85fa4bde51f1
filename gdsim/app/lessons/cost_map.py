"""The two-parameter lesson's map of C(w1, w2): C as colour with contour lines, the current
point, the gradient drawn to scale with its two partial derivatives as legs, the step
-lr * gradient, and the path so far.

The map keeps its own colours in both themes (they are drawn over the pale surface), so it has
no theme handling beyond the plot's frame, which the lesson styles.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt

from gdsim.app import theme
from gdsim.app.lessons.drawing import clip, make_plot, num, set_path, vec
from gdsim.app.lessons.surfaces import grid

GRID_N = 200
N_ISOCURVES = 12

# Drawn over the pale surface whatever the theme (the slices and the numbers use the theme's
# gradient red and update green instead).
GRADIENT_COLOR = (200, 30, 30)
STEP_COLOR = (0, 135, 60)
PATH_COLOR = (40, 40, 40)
# Pale colours for the surface, so the arrows and paths stand out: low = blue, high = orange.
SURFACE_COLORS = [
    (190, 214, 238),
    (222, 238, 232),
    (250, 244, 214),
    (251, 214, 170),
    (240, 170, 140),
]


def surface_colormap(c: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """A lookup table and levels for C: colour stops at quantiles of C, so both a bowl and the
    steep walls of Rosenbrock show their structure (the image still holds C itself)."""
    finite = c[np.isfinite(c)]
    if finite.size == 0 or finite.max() == finite.min():
        cmap = pg.ColorMap([0.0, 1.0], [SURFACE_COLORS[0], SURFACE_COLORS[0]])
        return cmap.getLookupTable(0.0, 1.0, 16), (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    q = np.quantile(finite, np.linspace(0.0, 1.0, len(SURFACE_COLORS)))
    pos = (q - lo) / (hi - lo)
    pos = np.maximum.accumulate(pos + np.arange(len(pos)) * 1e-9)  # strictly increasing
    pos = (pos - pos[0]) / (pos[-1] - pos[0])
    cmap = pg.ColorMap(pos, SURFACE_COLORS)
    return cmap.getLookupTable(0.0, 1.0, 2048), (lo, hi)


class Arrow:
    """A straight arrow on a plot: a line from start to end and a head at the end. When the
    end lies outside the visible view, the head sits where the line leaves the view (the line
    itself is drawn in full and clipped by the view)."""

    def __init__(
        self,
        plot: pg.PlotItem,
        color,
        width: float = 3.0,
        z: float = 20,
        style=Qt.PenStyle.SolidLine,
        head: int = 16,
    ):
        self.plot = plot
        px = theme.px  # widths in logical pixels, also on HiDPI screens
        self.line = pg.PlotCurveItem(
            pen=pg.mkPen(color, width=px(width), style=style), antialias=True
        )
        self.head = pg.ArrowItem(
            pen=pg.mkPen(color),
            brush=pg.mkBrush(color),
            headLen=px(head),
            headWidth=px(head * 0.7),
            tailLen=0,
        )
        for item, dz in ((self.line, 0), (self.head, 1)):
            item.setZValue(z + dz)
            plot.addItem(item)
        self.head_len = head
        self.start = np.zeros(2)
        self.end = np.zeros(2)

    def set(self, start: np.ndarray, end: np.ndarray) -> None:
        self.start, self.end = np.array(start, dtype=float), np.array(end, dtype=float)
        s, e = clip(self.start), clip(self.end)
        self.line.setData([s[0], e[0]], [s[1], e[1]])
        d = e - s
        if not np.all(np.isfinite(d)) or not np.any(d):
            self.head.hide()
            return
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        tip = e
        if not (x0 <= e[0] <= x1 and y0 <= e[1] <= y1):
            # Walk back along the line to the view's edge: t in [0, 1] with s + t d inside.
            t = 1.0
            for k, (lo, hi) in enumerate(((x0, x1), (y0, y1))):
                if d[k] > 0 and e[k] > hi:
                    t = min(t, (hi - s[k]) / d[k])
                elif d[k] < 0 and e[k] < lo:
                    t = min(t, (lo - s[k]) / d[k])
            tip = s + max(t, 0.0) * d
        vb = self.plot.getViewBox()
        px, py = vb.viewPixelSize() if vb.width() > 0 and vb.height() > 0 else (0.0, 0.0)
        if px > 0 and py > 0 and math.hypot(d[0] / px, d[1] / py) < self.head_len:
            self.head.hide()
            return  # too short for a head
        self.head.setPos(float(tip[0]), float(tip[1]))
        self.head.setStyle(angle=180.0 - math.degrees(math.atan2(d[1], d[0])))
        self.head.show()

    def set_visible(self, visible: bool) -> None:
        self.line.setVisible(visible)
        if not visible:
            self.head.hide()


class CostMap:
    """The map's plot widget and everything drawn on it. A plain helper: the lesson owns the
    widget, wires its mouse and range signals, and styles its frame for the theme."""

    def __init__(self):
        self.widget = make_plot("contourPlot", "cost C(w1, w2): colour = height")
        plot = self.plot = self.widget.getPlotItem()
        plot.setLabel("bottom", "w1")
        plot.setLabel("left", "w2")
        plot.setAspectLocked(True)
        plot.getViewBox().setMouseEnabled(x=True, y=True)
        self.grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.isocurves = []
        for _ in range(N_ISOCURVES):
            iso = pg.IsocurveItem(
                level=0.0, pen=pg.mkPen((90, 90, 90, 140), width=1), axisOrder="row-major"
            )
            iso.setParentItem(self.image)
            self.isocurves.append(iso)
        self.minimum_marker = pg.ScatterPlotItem(
            symbol="star", size=14, brush=pg.mkBrush(255, 255, 255), pen=pg.mkPen(60, 60, 60)
        )
        self.minimum_marker.setZValue(5)
        plot.addItem(self.minimum_marker)
        self.path = pg.PlotDataItem(
            pen=pg.mkPen(PATH_COLOR, width=theme.px(1.5)),
            symbol="o",
            symbolSize=5,
            symbolBrush=pg.mkBrush(PATH_COLOR),
            symbolPen=None,
        )
        self.path.setZValue(10)
        plot.addItem(self.path)

        # The partial derivatives: the gradient's legs along w1 and along w2, from the point,
        # with faint lines completing the rectangle whose diagonal is the gradient.
        self.grad_parts = [
            Arrow(plot, GRADIENT_COLOR, width=1.8, z=16, style=Qt.PenStyle.DashLine, head=10)
            for _ in range(2)
        ]
        self.grad_box = pg.PlotCurveItem(
            pen=pg.mkPen((*GRADIENT_COLOR, 90), width=1, style=Qt.PenStyle.DotLine)
        )
        self.grad_box.setZValue(15)
        plot.addItem(self.grad_box)
        self.grad_arrow = Arrow(plot, GRADIENT_COLOR, width=3)
        self.step_arrow = Arrow(plot, STEP_COLOR, width=3, z=22)
        self.point = pg.ScatterPlotItem(
            size=12, brush=pg.mkBrush(255, 255, 255), pen=pg.mkPen(PATH_COLOR, width=theme.px(2))
        )
        self.point.setZValue(30)
        plot.addItem(self.point)

        def text(color, anchor):
            item = pg.TextItem(color=color, anchor=anchor, fill=pg.mkBrush(255, 255, 255, 200))
            item.setZValue(35)
            plot.addItem(item)
            return item

        self.grad_text = text(GRADIENT_COLOR, (0, 1))
        self.part_texts = [text(GRADIENT_COLOR, (0, 0)), text(GRADIENT_COLOR, (0, 0))]
        self.step_text = text(STEP_COLOR, (0, 0))
        self.widget.setToolTip("Click to start from there")

    # ------------------------------------------------------------------ the surface
    def show_surface(self, expr, x_range, y_range, mark_minimum: bool) -> None:
        """Star the lowest point of C over the surface's own range (if asked) and show that
        range; the image follows from the view range (see update_image)."""
        w1, w2, c = grid(expr, x_range, y_range, GRID_N)
        finite = c[np.isfinite(c)]
        if mark_minimum and finite.size:
            i = int(np.argmin(np.where(np.isfinite(c), c, np.inf)))
            self.minimum_marker.setData([w1.flat[i]], [w2.flat[i]])
        else:
            self.minimum_marker.setData([], [])
        self.plot.getViewBox().setRange(xRange=x_range, yRange=y_range, padding=0.02)

    def update_image(self, expr) -> None:
        """Evaluate C on a grid covering the visible part of the map (the aspect ratio is
        locked, so that is usually more than the surface's own range)."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        self.grid = grid(expr, (x0, x1), (y0, y1), GRID_N)
        c = self.grid[2]
        lut, levels = surface_colormap(c)  # colours and contour levels fit what is visible
        self.image.setImage(c, lut=lut, levels=levels, autoLevels=False)
        dx, dy = (x1 - x0) / (GRID_N - 1), (y1 - y0) / (GRID_N - 1)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        finite = c[np.isfinite(c)]
        flat = finite.size == 0 or finite.max() == finite.min()
        iso_levels = [] if flat else np.quantile(finite, np.linspace(0.03, 0.9, N_ISOCURVES))
        # NaN confuses the isocurve tracer: fill with a value above every level.
        iso_data = np.where(np.isfinite(c), c, finite.max() + 1 if finite.size else 0.0)
        for i, iso in enumerate(self.isocurves):
            if i < len(iso_levels):
                iso.setData(iso_data, float(iso_levels[i]))
                iso.show()
            else:
                iso.hide()

    def contour_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(W1, W2, C) of the contour image; C is the image's data."""
        w1, w2, _ = self.grid
        return w1, w2, self.image.image

    def point_at(self, scene_pos) -> QPointF | None:
        """The (w1, w2) under a scene position, or None outside the map's view."""
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        return vb.mapSceneToView(scene_pos)

    # ------------------------------------------------------------------ drawing
    def draw(self, p, g, step, params: np.ndarray, arrows: bool) -> None:
        """The point p, its gradient g with legs, the step and the path `params`; `arrows`
        False hides the arrows, their labels and the path (the race shows its own paths)."""
        self.point.setData([clip(p)[0]], [clip(p)[1]])
        self.grad_arrow.set(p, p + g)
        self.step_arrow.set(p, p + step)
        self.grad_parts[0].set(p, p + [g[0], 0.0])
        self.grad_parts[1].set(p, p + [0.0, g[1]])
        tip = p + g
        self.grad_box.setData(*clip([[p[0] + g[0], tip[0], p[0]], [p[1], tip[1], p[1] + g[1]]]))
        self._place_texts(p, g, step)
        for arrow in (self.grad_arrow, self.step_arrow, *self.grad_parts):
            arrow.set_visible(arrows)
        self.grad_box.setVisible(arrows)
        if not arrows:
            for item in (self.grad_text, *self.part_texts, self.step_text):
                item.hide()
        set_path(self.path, params)
        self.path.setVisible(arrows)

    def _place_texts(self, p, g, step) -> None:
        """Label the arrows, keeping each label on the map; a label whose arrow is only a few
        pixels long is hidden (the numbers panel always has the values)."""
        vb = self.plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        px, py = vb.viewPixelSize() if vb.width() > 0 else (1.0, 1.0)

        def pixels(v):
            return math.hypot(v[0] / px, v[1] / py) if np.all(np.isfinite(v)) else 0.0

        def put(item, x, y, text, dx=0.0, dy=0.0, visible=True):
            """Anchor the label beside (x, y), flipping sides near the map's edges."""
            if not visible or not (math.isfinite(x) and math.isfinite(y)):
                item.hide()
                return
            x = float(np.clip(x, x0, x1))
            y = float(np.clip(y, y0, y1))
            ax = 1.0 if (x - x0) > 0.7 * (x1 - x0) else 0.0
            ay = 0.0 if (y - y0) > 0.5 * (y1 - y0) else 1.0
            item.setAnchor((ax, ay))
            item.setText(text)
            item.setPos(x + (dx if ax == 0 else -dx) * px, y + (dy if ay == 1 else -dy) * py)
            item.show()

        def visible_middle(k):  # the middle of the part of leg k that is on the map
            lo, hi = ((x0, x1), (y0, y1))[k]
            a, b = sorted((float(np.clip(p[k], lo, hi)), float(np.clip(p[k] + g[k], lo, hi))))
            return (a + b) / 2

        head = self.grad_arrow.head
        hx, hy = (head.pos().x(), head.pos().y()) if head.isVisible() else p + g
        put(self.grad_text, hx, hy, f"∇C = {vec(g)}", 6, 6, pixels(g) > 25)
        put(
            self.part_texts[0],
            visible_middle(0),
            p[1],
            f"∂C/∂w1 = {num(g[0])}",
            0,
            4,
            pixels((g[0], 0)) > 70,
        )
        put(
            self.part_texts[1],
            p[0],
            visible_middle(1),
            f"∂C/∂w2 = {num(g[1])}",
            6,
            0,
            pixels((0, g[1])) > 40,
        )
        put(self.step_text, *(p + step), "step", 6, 6, pixels(step) > 12)
