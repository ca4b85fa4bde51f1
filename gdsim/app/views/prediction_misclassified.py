"""The Prediction tab's strip of misclassified samples: small images captioned 'true 3 → 8' for
image-like inputs, else a list of rows' values. Only the first MAX_SHOWN are drawn; the title
says how many there are."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import (
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.views.prediction_classes_numbers import sample_text
from gdsim.app.views.weight_images_grid import rgba_image

__all__ = ["MisclassifiedStrip"]

TILE = 40  # px per sample image
CAPTION_H = 14
GAP = 6


def _rgb(color: str) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


class _Tiles(QWidget):
    """Sample images in rows that wrap to the width; hover one for its sample number."""

    def __init__(self) -> None:
        super().__init__()
        self.setMouseTracking(True)
        self.images: list[QImage] = []
        self.captions: list[str] = []
        self.tips: list[str] = []

    def set_tiles(self, images: list[QImage], captions: list[str], tips: list[str]) -> None:
        self.images, self.captions, self.tips = images, captions, tips
        self.setMinimumHeight(self._height_for(max(1, self.width())))
        self.updateGeometry()
        self.update()

    def _per_row(self, width: int) -> int:
        return max(1, (width + GAP) // (TILE + GAP))

    def _height_for(self, width: int) -> int:
        rows = -(-len(self.images) // self._per_row(width)) if self.images else 0
        return rows * (TILE + CAPTION_H + GAP)

    def _rect(self, i: int) -> QRect:
        row, col = divmod(i, self._per_row(self.width()))
        return QRect(col * (TILE + GAP), row * (TILE + CAPTION_H + GAP), TILE, TILE)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.setMinimumHeight(self._height_for(self.width()))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        pos: QPoint = event.position().toPoint()
        for i in range(len(self.images)):
            r = self._rect(i)
            if r.adjusted(0, 0, 0, CAPTION_H).contains(pos):
                QToolTip.showText(event.globalPosition().toPoint(), self.tips[i], self)
                return
        QToolTip.hideText()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        c = theme.colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        p.setFont(font)
        for i, (img, caption) in enumerate(zip(self.images, self.captions, strict=True)):
            r = self._rect(i)
            p.drawImage(r, img)
            p.setPen(QColor(c.grid))
            p.drawRect(r.adjusted(0, 0, -1, -1))
            p.setPen(QColor(c.negative))
            text_rect = QRect(r.x() - GAP // 2, r.bottom() + 1, TILE + GAP, CAPTION_H)
            p.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, caption)
        p.end()


class MisclassifiedStrip(QWidget):
    """A title ('misclassified: 12 of 60 test samples') over the samples, images or rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("misclassifiedStrip")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.title = QLabel()
        self.title.setObjectName("misclassifiedTitle")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.tiles = _Tiles()
        self.rows = QLabel()
        self.rows.setTextFormat(Qt.TextFormat.PlainText)
        self.rows.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rows.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tiles)
        self.stack.addWidget(self.rows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(self.stack)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.shown: np.ndarray = np.zeros(0, dtype=np.intp)  # sample indices drawn
        self.lines: list[str] = []

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(5 * (TILE + GAP), 3 * (TILE + CAPTION_H + GAP))

    def show_samples(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        predicted: np.ndarray,
        shown: np.ndarray,
        n_wrong: int,
        n_total: int,
        which: str,
        input_names: Sequence[str],
        image_shape: tuple[int, int] | None,
    ) -> None:
        """Draw samples `shown` (column indices of x) of the `which` ("train"/"test") set."""
        self.shown = shown
        more = f", the first {len(shown)} shown" if len(shown) < n_wrong else ""
        self.title.setText(f"misclassified (true → predicted): {n_wrong} of {n_total}{more}")
        self.title.setToolTip(self.title.text())
        true = labels.astype(np.intp)
        self.lines = [
            sample_text(x[:, i], input_names, int(i), int(true[i]), int(predicted[i]))
            for i in shown
        ]
        if image_shape is None:
            self.rows.setText("\n".join(self.lines) if self.lines else "none")
            self.stack.setCurrentWidget(self.rows)
            return
        rows, cols = image_shape
        c = theme.colors()
        ink, paper = _rgb(c.foreground), _rgb(c.base)
        lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 1.0)
        span = hi - lo if hi > lo else 1.0
        images, captions = [], []
        for i in shown:  # (at most MAX_SHOWN: what is on screen)
            t = ((x[:, i] - lo) / span).reshape(rows, cols, 1)
            rgb = np.clip(paper + (ink - paper) * t, 0, 255).astype(np.ubyte)
            alpha = np.full((rows, cols, 1), 255, np.ubyte)
            images.append(rgba_image(np.concatenate([rgb, alpha], axis=2)))
            captions.append(f"{true[i]} → {predicted[i]}")
        tips = [
            f"{which} sample {int(i) + 1}: true class {true[i]}, predicted {predicted[i]}"
            for i in shown
        ]
        self.tiles.set_tiles(images, captions, tips)
        self.stack.setCurrentWidget(self.tiles)
