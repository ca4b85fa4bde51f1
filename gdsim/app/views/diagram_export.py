"""The network diagram (with its neuron maps and legend) written as a PNG at 2x or an SVG.

Like the plots (:mod:`gdsim.app.plots.export`): a PNG is drawn at twice the scene's size (as on
a screen of pixel ratio 2), an SVG with Qt's QSvgGenerator at the scene's size; both on the
theme's background, whatever part of the diagram the view shows on screen. The neuron maps are
pixmaps, so an SVG embeds them as images; everything else stays vector.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from gdsim.app import theme

__all__ = ["IMAGE_FILTER", "export_scene", "image_path"]

IMAGE_FILTER = "PNG image (*.png);;SVG image (*.svg)"


def image_path(path: str, chosen_filter: str = "") -> Path:
    """The path typed, with .png (or .svg when that filter was chosen) added if it has neither."""
    target = Path(path)
    if target.suffix.lower() not in (".png", ".svg"):
        target = target.with_name(
            target.name + (".svg" if "svg" in chosen_filter.lower() else ".png")
        )
    return target


def export_scene(scene: QGraphicsScene, path: str | Path, scale: int = 2) -> Path:
    """Write `scene` to `path` (.png at `scale` x, or .svg); raises OSError when it cannot."""
    path = Path(path)
    source = scene.sceneRect()
    w, h = max(1, round(source.width())), max(1, round(source.height()))
    background = QColor(theme.colors().background)
    if path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(w, h))
        generator.setViewBox(QRect(0, 0, w, h))
        generator.setTitle("gdsim network diagram")
        generator.setDescription("exported by gdsim")
        painter = QPainter(generator)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(QRectF(0, 0, w, h), background)
            scene.render(painter, QRectF(0, 0, w, h), source)
        finally:
            painter.end()
    else:
        image = QImage(w * scale, h * scale, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(scale)
        image.fill(background)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            scene.render(painter, QRectF(0, 0, w, h), source)
        finally:
            painter.end()
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")
    return path
