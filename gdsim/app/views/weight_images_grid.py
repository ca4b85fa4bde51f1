"""The weight-images view's picture: a grid of neurons, each its weight image beside its gradient
image, and the colour bars of the two scales. Painted with QPainter (a page holds at most a few
dozen small images: one QImage each, scaled up without smoothing so pixels stay pixels).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from gdsim.app import theme

__all__ = ["ColourBar", "NeuronGrid", "grid_fit"]

LABEL_H = 15  # the neuron's number above its pair
INNER_GAP = 3  # between a neuron's weight and gradient images
PAIR_GAP = 14  # between neighbouring neurons
ROW_GAP = 6
MIN_TILE = 36
MAX_TILE = 132


@dataclass(frozen=True)
class GridFit:
    tile: int  # the side of each image's square box, px
    per_row: int
    rows: int

    @property
    def capacity(self) -> int:
        return self.per_row * self.rows


def grid_fit(width: int, height: int, n: int) -> GridFit:
    """The largest tile (MIN_TILE..MAX_TILE) at which all `n` pairs fit in width x height;
    MIN_TILE and as many as fit (at least one) when they do not all fit."""

    def fit(tile: int) -> GridFit:
        per_row = max(1, (width + PAIR_GAP) // (2 * tile + INNER_GAP + PAIR_GAP))
        rows = max(1, (height + ROW_GAP) // (tile + LABEL_H + ROW_GAP))
        return GridFit(tile, per_row, rows)

    for tile in range(MAX_TILE, MIN_TILE - 1, -4):
        f = fit(tile)
        if f.capacity >= n:
            return f
    return fit(MIN_TILE)


def rgba_image(rgba: np.ndarray) -> QImage:
    """A QImage that owns a copy of `rgba` (rows x cols x 4 bytes)."""
    data = np.ascontiguousarray(rgba)
    h, w = data.shape[:2]
    return QImage(data.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


class NeuronGrid(QWidget):
    """Neuron j's weights (left) and gradient (right) as images, for the neurons of one page;
    hovering a pixel shows the neuron, the input and both values."""

    capacity_changed = Signal(int)  # how many neurons fit, after a resize changed it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weightImagesGrid")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(2 * MIN_TILE + INNER_GAP, MIN_TILE + LABEL_H)
        self.neurons = np.zeros(0, dtype=np.intp)  # 1-based numbers of the neurons shown
        self.weights = np.zeros((0, 0))  # (shown, inputs) values
        self.gradients = np.zeros((0, 0))
        self.shape = (1, 1)
        self._images: list[tuple[QImage, QImage]] = []
        self.rgba_w = self.rgba_g = np.zeros((0, 1, 1, 4), dtype=np.ubyte)
        self.fit = GridFit(MIN_TILE, 1, 1)
        self._capacity = 0

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(600, 2 * (MIN_TILE + LABEL_H + ROW_GAP))

    def set_page(
        self,
        neurons: np.ndarray,
        weights: np.ndarray,
        gradients: np.ndarray,
        rgba_w: np.ndarray,
        rgba_g: np.ndarray,
        shape: tuple[int, int],
    ) -> None:
        """Show `neurons` (1-based) with their values (shown x inputs) and colours (shown x rows
        x cols x 4)."""
        self.neurons, self.weights, self.gradients, self.shape = neurons, weights, gradients, shape
        self.rgba_w, self.rgba_g = rgba_w, rgba_g  # (what the images show, for tests)
        self._images = [(rgba_image(w), rgba_image(g)) for w, g in zip(rgba_w, rgba_g, strict=True)]
        self.fit = grid_fit(self.width(), self.height(), len(neurons))
        self.update()

    def images(self, i: int) -> tuple[QImage, QImage]:
        """The weight and gradient images of the i-th neuron shown."""
        return self._images[i]

    def image_rect(self, i: int, which: str = "weight") -> QRect:
        """Where the i-th neuron's weight (or "gradient") image is drawn."""
        return self._boxes(i)[1 if which == "weight" else 2]

    def capacity(self) -> int:
        """How many neurons fit now (the view pages by this)."""
        return grid_fit(self.width(), self.height(), 10**9).capacity

    # ------------------------------------------------------------------ geometry
    def _boxes(self, i: int) -> tuple[QRect, QRect, QRect]:
        """Pair i's label, weight image and gradient image rectangles."""
        f = self.fit
        t = f.tile
        pair_w = 2 * t + INNER_GAP
        row, col = divmod(i, f.per_row)
        x = col * (pair_w + PAIR_GAP)
        y = row * (t + LABEL_H + ROW_GAP)
        rows, cols = self.shape
        w = round(t * cols / max(rows, cols))
        h = round(t * rows / max(rows, cols))
        label = QRect(x, y, pair_w, LABEL_H)
        return (
            label,
            QRect(x, y + LABEL_H, w, h),
            QRect(x + t + INNER_GAP, y + LABEL_H, w, h),
        )

    def hit(self, pos: QPoint) -> tuple[int, str, int] | None:
        """(shown index, "weight" or "gradient", input index 0-based) under `pos`, or None."""
        rows, cols = self.shape
        for i in range(len(self._images)):
            _, rw, rg = self._boxes(i)
            for which, rect in (("weight", rw), ("gradient", rg)):
                if rect.contains(pos):
                    r = min(rows - 1, (pos.y() - rect.y()) * rows // max(1, rect.height()))
                    c = min(cols - 1, (pos.x() - rect.x()) * cols // max(1, rect.width()))
                    return i, which, r * cols + c
        return None

    def hover_text(self, pos: QPoint) -> str:
        """What the tooltip at `pos` says ('' off the images)."""
        found = self.hit(pos)
        if found is None:
            return ""
        i, _which, k = found
        j = int(self.neurons[i])
        cols = self.shape[1]
        r, c = divmod(k, cols)
        return (
            f"neuron {j} of layer 1 · input {k + 1} (row {r + 1}, column {c + 1})\n"
            f"weight w1_{j}_{k + 1} = {self.weights[i, k]:.4g}\n"
            f"gradient dC/dw1_{j}_{k + 1} = {self.gradients[i, k]:.4g}"
        )

    # ------------------------------------------------------------------ Qt
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit = grid_fit(self.width(), self.height(), len(self._images))
        capacity = self.capacity()
        if capacity != self._capacity:
            self._capacity = capacity
            self.capacity_changed.emit(capacity)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        pos = event.position().toPoint()
        text = self.hover_text(pos)
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        c = theme.colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        p.setFont(font)
        frame = QPen(QColor(c.grid))
        frame.setWidth(1)
        for i, (img_w, img_g) in enumerate(self._images):
            label, rw, rg = self._boxes(i)
            p.setPen(QColor(c.foreground))
            p.drawText(label, Qt.AlignmentFlag.AlignCenter, f"neuron {int(self.neurons[i])}")
            p.drawImage(rw, img_w)
            p.drawImage(rg, img_g)
            p.setPen(frame)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rw.adjusted(0, 0, -1, -1))
            p.drawRect(rg.adjusted(0, 0, -1, -1))
        p.end()


class ColourBar(QWidget):
    """A horizontal colour bar: '<title>  -scale [colours] +scale', 0 in the middle."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.lut = np.zeros((2, 4), dtype=np.ubyte)
        self.scale = 1.0
        self.setFixedHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_scale(self, scale: float | None, lut: np.ndarray) -> None:
        """The shared scale, or None: each neuron on its own (its largest |value|)."""
        self.scale, self.lut = scale, lut
        if scale is None:
            tip = (
                f"{self.title}: each neuron on its own scale, from −(its largest |value|) (red) "
                "through 0 (background) to +(its largest |value|) (blue); hover a pixel for "
                "the values"
            )
        else:
            tip = (
                f"{self.title}: colours from −{scale:.3g} (red) through 0 (background) to "
                f"+{scale:.3g} (blue); the scale is the largest |value| in layer 1, shared by "
                "all neurons"
            )
        self.setToolTip(tip)
        self.updateGeometry()
        self.update()

    def _ends(self) -> tuple[str, str]:
        if self.scale is None:
            return "−max", "+max"
        return f"−{self.scale:.2g}", f"+{self.scale:.2g}"

    def text(self) -> str:
        lo, hi = self._ends()
        return f"{self.title}  {lo} … 0 … {hi}"

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        c = theme.colors()
        p = QPainter(self)
        fm = p.fontMetrics()
        lo, hi = self._ends()
        x = 0
        h = self.height()
        p.setPen(QColor(c.foreground))
        for part, bar in ((self.title, False), (lo, False), (None, True), (hi, False)):
            if bar:
                w = 70
                strip = np.ascontiguousarray(self.lut[None, :, :])
                p.drawImage(QRect(x, 5, w, h - 10), rgba_image(strip))
                p.setPen(QColor(c.grid))
                p.drawRect(QRect(x, 5, w - 1, h - 11))
                p.drawLine(x + w // 2, 3, x + w // 2, h - 4)  # where 0 is
                p.setPen(QColor(c.foreground))
                x += w + 4
                continue
            w = fm.horizontalAdvance(part) + 4
            p.drawText(QRect(x, 0, w, h), Qt.AlignmentFlag.AlignVCenter, part)
            x += w + (8 if part == self.title else 0)
        p.end()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        fm = self.fontMetrics()
        lo, hi = self._ends()
        text = sum(fm.horizontalAdvance(t) + 4 for t in (self.title, lo, hi))
        return QSize(text + 8 + 74 + 4, 22)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self.sizeHint()
