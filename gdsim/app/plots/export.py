"""Writing a plot as an image: PNG drawn at 2x, or SVG, at a fixed size whatever it is on screen."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers pg.exporters.SVGExporter)
from PySide6.QtCore import QRectF

__all__ = ["EXPORT_SIZE", "export_plot", "export_target", "render_png", "render_svg"]

EXPORT_SIZE = (1200, 800)  # logical px of an exported plot (drawn at 2x: 2400 x 1600 PNG)


def export_target(folder_or_path: str | os.PathLike[str], fmt: str) -> tuple[Path, str, str]:
    """(folder, file name prefix, format) for writing the plots to `folder_or_path`.

    A folder gets <name>.<fmt>; a file path such as run.png gets run-<name>.png beside it.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise ValueError(f"fmt must be 'png' or 'svg', got {fmt!r}")
    target = Path(folder_or_path)
    if target.suffix.lower() in (".png", ".svg") and not target.is_dir():
        return target.parent, target.stem + "-", fmt
    return target, "", fmt


def export_plot(
    plot: pg.PlotWidget,
    path: Path,
    fmt: str,
    curves: Sequence[pg.PlotCurveItem],
    redraw: Callable[[], object],
    legend: pg.LegendItem | None = None,
) -> None:
    """Write `plot` to `path` as `fmt` ("png" or "svg"), laid out at EXPORT_SIZE.

    `redraw` recomputes the curves for the new width; `legend` (hidden on screen) is shown in
    the picture. Everything is put back afterwards.
    """
    item = plot.getPlotItem()
    on_screen = item.geometry()
    # Laid out at EXPORT_SIZE whatever its size on screen, so its legend and labels keep their
    # proportions (before the next paint it is back: the widget on screen never shows this size)
    item.setGeometry(QRectF(0, 0, *EXPORT_SIZE))
    item.layout.activate()
    redraw()  # the curves' envelopes for the wider plot
    pens = [curve.opts["pen"] for curve in curves]
    if fmt == "png":
        for curve, pen in zip(curves, pens, strict=True):
            wide = pg.mkPen(pen)
            wide.setWidthF(2 * pen.widthF())  # cosmetic pens do not scale with the image
            curve.setPen(wide)
    if legend is not None:
        legend.setVisible(True)
    try:
        try:
            if fmt == "png":
                # (not pyqtgraph's ImageExporter: it draws the legend at half size)
                render_png(plot, path, scale=2)
            else:
                pg.exporters.SVGExporter(item).export(str(path))
        except ValueError:
            if fmt != "svg":
                raise
            # pyqtgraph 0.14.0's SVGExporter cannot parse the closed paths ("... Z") that
            # Qt >= 6.9's SVG generator writes (pyqtgraph issues #3485 / #3495, fix in PR
            # #3458). Render the plot with Qt's own SVG generator instead.
            render_svg(plot, path)
    finally:
        if legend is not None:
            legend.setVisible(False)
        item.setGeometry(on_screen)
        item.layout.activate()
        for curve, pen in zip(curves, pens, strict=True):
            curve.setPen(pen)
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")


def render_png(plot: pg.PlotWidget, path: Path, scale: int) -> None:
    """Write `plot` as a PNG of `scale` x its size (like a screen of that pixel ratio)."""
    from PySide6.QtGui import QImage, QPainter

    item = plot.getPlotItem()
    source = item.sceneBoundingRect()
    w, h = max(1, round(source.width())), max(1, round(source.height()))
    image = QImage(w * scale, h * scale, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(plot.backgroundBrush().color())
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        plot.scene().render(painter, QRectF(0, 0, w, h), source)
    finally:
        painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def render_svg(plot: pg.PlotWidget, path: Path) -> None:
    """Write `plot` as a vector SVG with QSvgGenerator (fallback for pyqtgraph's exporter)."""
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    item = plot.getPlotItem()
    source = item.sceneBoundingRect()
    w, h = max(1, round(source.width())), max(1, round(source.height()))
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(w, h))
    generator.setViewBox(QRect(0, 0, w, h))
    generator.setResolution(plot.logicalDpiX())  # same text and pen sizes as on screen
    generator.setTitle(item.titleLabel.text or "gdsim plot")
    generator.setDescription("exported by gdsim")
    painter = QPainter(generator)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        target = QRectF(0, 0, w, h)
        painter.fillRect(target, plot.backgroundBrush())
        plot.scene().render(painter, target, source)
    finally:
        painter.end()
