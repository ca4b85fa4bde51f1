"""Neuron maps drawn: a small map inside every neuron of the diagram, and one enlarged beside it.

:class:`SceneMaps` puts one ``QGraphicsPixmapItem`` under each drawn neuron's outline (the
neuron's own fill is off while maps show, so its outline, dashes and padlock stay on top): the
map's RGBA bytes (:func:`gdsim.app.views.neuron_maps_numbers.map_rgba`, side x side pixels,
one per grid point) as a pixmap that the view scales smoothly when it paints, inside a disc
item that clips it to the neuron's circle. (Scaling each map into a disc with a QPainter
beforehand cost ~0.5 ms a neuron at every update: 2-8-8-1 took 30 ms a refresh that way.)
Under the network a small legend says what the maps show and gives the shared colour scale
(-s, 0, +s), so an exported picture explains itself.

:class:`NeuronPanel` is the side panel's "Neuron" tab: the enlarged map (ENLARGED px) of the
neuron hovered or clicked, with the training points on it in their class colours (as the
Prediction tab draws them) and the chosen sample ringed, the colour scale under it, and under
that the "why this output" breakdown of the clicked neuron for the chosen sample.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.views.neuron_maps_numbers import LEGEND, map_rgba

__all__ = ["ENLARGED", "NeuronPanel", "SceneMaps", "colour_ends", "rgba_image"]

ENLARGED = 180  # px, the side panel's map
_BAR = (130, 9)  # the legend's colour bar, px


def _rgb(color: str) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def colour_ends() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(negative, background, positive, gray) of the theme in force, as 0-255 floats."""
    c = theme.colors()
    return _rgb(c.negative), _rgb(c.background), _rgb(c.positive), _rgb(c.grid)


def rgba_image(rgba: np.ndarray) -> QImage:
    """A QImage (its own copy) of rows x columns x 4 bytes."""
    rgba = np.ascontiguousarray(rgba)
    h, w = rgba.shape[:2]
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


_BARS: dict[tuple[int, str], QImage] = {}


def _bar_image(width: int) -> QImage:
    """The colour scale from -1 to +1, `width` px wide, one row (kept per theme)."""
    key = (width, theme.colors().name)
    if key not in _BARS:
        values = np.linspace(-1.0, 1.0, width)[:, None]  # x1 = position, one row
        _BARS[key] = rgba_image(map_rgba(values, 1.0, *colour_ends()))
    return _BARS[key]


def _scale_text(scale: float) -> str:
    return f"{scale:.2g}"


class SceneMaps:
    """The small maps and their legend in a :class:`DiagramScene` (built after the scene)."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.items: dict[tuple[int, int], QGraphicsPixmapItem] = {}
        self.legend: list = []
        self._bar: QGraphicsPixmapItem | None = None
        self._texts: dict[str, QGraphicsSimpleTextItem] = {}

    def build(self) -> None:
        """A (blank) map item under every drawn neuron, and the legend under the network."""
        scene = self.scene
        self.items.clear()
        self.legend.clear()
        self._texts.clear()
        r = scene.radius
        positions = {key: scene.position(*key) for key in scene.nodes}
        bottom = max(c.y() for c in positions.values())
        for (layer, j), centre in positions.items():
            if not layer:
                continue
            # a disc that clips its map (not antialiased: the neuron's outline covers the edge)
            disc = QGraphicsEllipseItem(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r))
            disc.setPen(QPen(Qt.PenStyle.NoPen))
            disc.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)
            disc.setZValue(1.5)  # over the connections, under the neuron's outline
            scene.addItem(disc)
            item = QGraphicsPixmapItem(disc)
            item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            item.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
            item.setPos(centre.x() - r, centre.y() - r)
            self.items[(layer, j)] = item
        small = QFont()
        small.setPointSizeF(8)
        # under the output column when it is shorter than the network (no extra height),
        # else under the inputs
        net = scene.net
        outputs = [centre for (layer, _j), centre in positions.items() if layer == net.n_layers]
        below_outputs = max(c.y() for c in outputs) + r + 18
        if bottom - below_outputs >= 30:
            top, left = below_outputs, min(c.x() for c in outputs) - r
        else:
            top, left = bottom + r + 22, scene.position(0, 1).x() - r
        title = scene.addSimpleText("", small)
        title.setPos(left, top)
        self._bar = scene.addPixmap(QPixmap())
        self._bar.setPos(left, top + 28)
        self._texts = {"title": title}
        for key in ("low", "zero", "high"):
            self._texts[key] = scene.addSimpleText("", small)
        self.legend = [title, self._bar, *(self._texts[k] for k in ("low", "zero", "high"))]
        legend = QRectF(left, top, 200, 28 + _BAR[1] + 16)  # (its texts come with the maps)
        scene.setSceneRect(scene.sceneRect().united(legend.adjusted(-10, -10, 10, 10)))

    def show(self, maps, scale: float, kind: str) -> None:
        """Paint every drawn neuron's map of `maps` (NeuronMaps) on the shared `scale`."""
        if not self.items:
            return
        keys = list(self.items)
        # one image per neuron, coloured in one vectorised call; the view scales it smoothly
        # into the disc when it paints (cheaper than scaling here, ~0.5 ms a neuron)
        images = map_rgba(np.stack([maps.of(*key) for key in keys]), scale, *colour_ends())
        zoom = 2 * self.scene.radius / maps.side
        for key, rgba in zip(keys, images, strict=True):
            layer, j = key
            item = self.items[key]
            item.setPixmap(QPixmap.fromImage(rgba_image(rgba)))
            item.setScale(zoom)
            what = (
                "a" if kind == "activation" else ("dŷ/dz" if layer == len(maps.layers) else "dŷ/da")
            )
            item.setToolTip(
                f"{what} of neuron {j} of layer {layer} over the input plane "
                f"(x1 to the right, x2 up); colour scale ±{_scale_text(scale)}"
            )
        self._show_legend(scale, kind)

    def _show_legend(self, scale: float, kind: str) -> None:
        if self._bar is None:
            return
        foreground = QBrush(QColor(theme.colors().foreground))
        what = "activation a" if kind == "activation" else "dŷ/da (outputs: dŷ/dz)"
        self._texts["title"].setText(f"maps: {what}\nover x1 →, x2 ↑ (one scale)")
        self._bar.setPixmap(QPixmap.fromImage(_bar_image(_BAR[0])).scaled(*_BAR))
        x, y = self._bar.pos().x(), self._bar.pos().y()
        for key, text, at in (
            ("low", f"−{_scale_text(scale)}", 0.0),
            ("zero", "0", 0.5),
            ("high", f"+{_scale_text(scale)}", 1.0),
        ):
            item = self._texts[key]
            item.setText(text)
            item.setPos(x + at * _BAR[0] - item.boundingRect().width() / 2, y + _BAR[1] + 1)
        for item in self._texts.values():
            item.setBrush(foreground)

    def clear(self) -> None:
        for item in self.items.values():
            if item.scene() is not None:
                self.scene.removeItem(item.parentItem())
        for item in self.legend:
            if item.scene() is not None:
                self.scene.removeItem(item)
        self.items.clear()
        self.legend.clear()
        self._bar = None


class NeuronPanel(QWidget):
    """The enlarged map of one neuron (points on it) and the why-this-output text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("neuronPanel")
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.setSpacing(4)
        self.title = QLabel("Click or hover a neuron.")
        self.title.setObjectName("neuronMapTitle")
        self.title.setWordWrap(True)
        self.map_label = QLabel()
        self.map_label.setObjectName("neuronMapLarge")
        self.map_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.why_text = QPlainTextEdit()
        self.why_text.setObjectName("whyThisOutput")
        self.why_text.setReadOnly(True)
        self.why_text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.why_text.setToolTip(
            "Why this number: the clicked neuron's sum z term by term for the chosen sample, "
            "its activation and, for an output, the loss (select and copy as you like)"
        )
        self.why_text.setPlainText("Click a neuron to take its number apart for the sample.")
        column.addWidget(self.title)
        body = QHBoxLayout()  # side by side: the tab is short in the main window
        body.setSpacing(6)
        body.addWidget(self.map_label, 0, Qt.AlignmentFlag.AlignTop)
        body.addWidget(self.why_text, 1)
        column.addLayout(body, 1)
        self.shown_key: tuple[int, int] | None = None  # the neuron whose map is shown
        self._args: tuple | None = None  # the last picture's, drawn again on a resize
        self._points_cache: tuple | None = None  # (key, the data points drawn once)

    def map_size(self) -> int:
        """The enlarged map's side: ENLARGED px, less in a short tab (never under 100)."""
        room = self.height() - self.title.sizeHint().height() - 60
        return int(min(ENLARGED, max(100, room)))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.map_label.isVisibleTo(self):
            self.map_label.setFixedSize(self._room())
            if self._args is not None:
                self.map_label.setPixmap(self._picture(*self._args))

    def show_map(
        self,
        key: tuple[int, int],
        values: np.ndarray,
        scale: float,
        kind: str,
        rect: tuple[float, float, float, float],
        points: tuple[np.ndarray, np.ndarray] | None,
        sample: np.ndarray | None,
        names: tuple[str, str],
        output: bool,
    ) -> None:
        """Neuron `key`'s map (side x side) on the grid `rect` (left, bottom, width, height in
        x1/x2), with `points` (2 x n inputs, n labels) and the chosen `sample` (x1, x2)."""
        self.shown_key = key
        layer, j = key
        what = "a" if kind == "activation" else ("dŷ/dz" if output else "dŷ/da")
        where = f"output {j}" if output else f"neuron {j} of layer {layer}"
        self.title.setText(
            f"<b>{where}</b>: {what} over the input plane; scale ±{_scale_text(scale)}"
        )
        self.title.setToolTip(LEGEND[kind])
        self._args = (values, scale, rect, points, sample, names)
        self.map_label.setFixedSize(self._room())
        self.map_label.setPixmap(self._picture(*self._args))
        self.map_label.show()

    def hide_map(self, why: str, keep_room: bool = False) -> None:
        """No map: `why` instead. `keep_room` (maps are on, none is pointed at yet): an
        empty square of the map's size stays, so the diagram beside does not jump."""
        self.shown_key = None
        self._args = None
        self.map_label.clear()
        self.title.setText(why)
        if keep_room:
            self.map_label.setFixedSize(self._room())
        self.map_label.setVisible(keep_room)

    def _room(self) -> QSize:
        size = self.map_size()
        return QSize(18 + size + 8, size + 40)

    def show_why(self, text: str) -> None:
        if text != self.why_text.toPlainText():
            self.why_text.setPlainText(text)

    def _points_layer(self, points, rect, size: int) -> QPixmap:
        """The data points over a map of `size` px, drawn once per run, size and theme (160
        circles cost ~2.5 ms, too much to draw at every update)."""
        key = (id(points[0]), rect, size, theme.colors().name)
        if self._points_cache is not None and self._points_cache[0] == key:
            return self._points_cache[1]
        c = theme.colors()
        dpr = 2
        layer = QPixmap(size * dpr, size * dpr)
        layer.setDevicePixelRatio(dpr)
        layer.fill(Qt.GlobalColor.transparent)
        painter = QPainter(layer)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            xs, labels = points
            x0, y0, width, height = rect
            px = (xs[0] - x0) / width * size
            py = size - (xs[1] - y0) / height * size
            painter.setPen(QPen(QColor(c.background), 0.8))
            for cls in np.unique(labels[np.isfinite(labels)]):
                painter.setBrush(QBrush(QColor(c.series[int(cls) % len(c.series)])))
                mine = labels == cls
                for x, y in zip(px[mine], py[mine], strict=True):
                    painter.drawEllipse(QPointF(x, y), 2.6, 2.6)
        finally:
            painter.end()
        self._points_cache = (key, layer)
        return layer

    def _picture(self, values, scale, rect, points, sample, names) -> QPixmap:
        c = theme.colors()
        left_room, size = 18, self.map_size()
        w, h = self._room().width(), self._room().height()
        dpr = 2
        pixmap = QPixmap(w * dpr, h * dpr)
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(QColor(c.window))
        painter = QPainter(pixmap)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            area = QRectF(left_room, 2, size, size)
            painter.drawImage(area, rgba_image(map_rgba(values, scale, *colour_ends())))
            painter.setPen(QPen(QColor(c.grid), 1))
            painter.drawRect(area)
            x0, y0, width, height = rect

            def at(x1: float, x2: float) -> QPointF:
                return QPointF(
                    area.left() + (x1 - x0) / width * size,
                    area.bottom() - (x2 - y0) / height * size,
                )

            painter.setClipRect(area)
            if points is not None:
                painter.drawPixmap(area.topLeft(), self._points_layer(points, rect, size))
            if sample is not None:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                centre = at(float(sample[0]), float(sample[1]))
                painter.setPen(QPen(QColor(c.background), 4.5))
                painter.drawEllipse(centre, 6.5, 6.5)
                painter.setPen(QPen(QColor(c.highlight), 2.5))
                painter.drawEllipse(centre, 6.5, 6.5)
            painter.setClipping(False)
            painter.setPen(QColor(c.foreground))
            font = painter.font()
            font.setPointSizeF(8)
            painter.setFont(font)
            painter.drawText(QRectF(left_room, size + 3, size, 12), Qt.AlignmentFlag.AlignCenter,
                             f"{names[0]} →")  # fmt: skip
            painter.save()
            painter.translate(11, 2 + size / 2)
            painter.rotate(-90)
            painter.drawText(QRectF(-size / 2, -7, size, 12), Qt.AlignmentFlag.AlignCenter,
                             f"{names[1]} →")  # fmt: skip
            painter.restore()
            bar = QRectF(left_room, size + 18, size, 8)
            painter.drawImage(bar, _bar_image(size))
            for text, at_x, align in (
                (f"−{_scale_text(scale)}", bar.left(), Qt.AlignmentFlag.AlignLeft),
                ("0", bar.center().x() - 20, Qt.AlignmentFlag.AlignHCenter),
                (f"+{_scale_text(scale)}", bar.right() - 40, Qt.AlignmentFlag.AlignRight),
            ):
                painter.drawText(QRectF(at_x, bar.bottom() + 1, 40, 12), align, text)
        finally:
            painter.end()
        return pixmap
