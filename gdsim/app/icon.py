"""The application icon, from the files shipped under resources/icons/.

The SVG goes in first, so Qt's SVG icon engine draws any size that has no PNG; the PNGs
rendered from it (packaging/render_icons.py) are used as they are at their own sizes, which
keeps the small ones crisp without rasterising the SVG at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from gdsim.resources import resource_path

APP_ID = "io.github.gdsim.Gdsim"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """gdsim's icon: the SVG plus its PNG sizes (a themed icon of the app's ID if none exist)."""
    icon = QIcon()
    svg = resource_path("icons", "gdsim.svg")
    if svg.is_file():
        icon.addFile(str(svg))
    for size in PNG_SIZES:
        png = resource_path("icons", "png", f"gdsim-{size}.png")
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    if icon.isNull():  # a packager dropped the files: the desktop's installed icon, if any
        icon = QIcon.fromTheme(APP_ID)
    return icon
