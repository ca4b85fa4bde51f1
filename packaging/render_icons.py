"""Render the application icon's PNG sizes and the Windows .ico from resources/icons/gdsim.svg.

    python packaging/render_icons.py           # write resources/icons/png/*.png and gdsim.ico
    python packaging/render_icons.py --check   # exit 1 if they are missing or out of date

QtSvg draws the SVG into transparent, antialiased ARGB32 images, one per size. The output is
deterministic for a given Qt version (no time stamps or text chunks in the PNGs); --check
compares pixels with a small tolerance, so a different Qt's antialiasing does not count as a
change while an edited SVG does.

The multi-size .ico is assembled here: Qt's ICO writer stores one image per file and leaves
uninitialised bytes in it (the output changes from run to run). Sizes up to 128 px are 32-bit
DIB entries with an AND mask (what every Windows version reads); the 256 px entry is a PNG, as
Windows expects for that size.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "gdsim.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_PNG_FROM = 256  # entries this big are stored as PNG, smaller ones as DIB
# --check: the largest mean difference per channel (0..255) still counted as "the same".
TOLERANCE = 1.0


def png_path(size: int) -> Path:
    return ICONS / "png" / f"gdsim-{size}.png"


ICO_PATH = ICONS / "gdsim.ico"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def encode(image: QImage, fmt: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise RuntimeError(f"Qt could not encode a {image.width()} px image as {fmt}")
    buffer.close()
    return bytes(data.data())


def dib_bytes(image: QImage) -> bytes:
    """One .ico entry's image as a 32-bit DIB: BITMAPINFOHEADER, BGRA rows, AND mask.

    Rows are stored bottom-up; the header's height counts the colour rows and the mask rows.
    The mask (1 bit a pixel, rows padded to 32 bits) marks fully transparent pixels, for
    readers that ignore the alpha channel.
    """
    width, height = image.width(), image.height()
    bgra = _pixels(image).reshape(height, width, 4)[::-1]  # ARGB32 is B, G, R, A in memory
    transparent = bgra[:, :, 3] == 0
    row_bytes = (width + 31) // 32 * 4
    mask = np.zeros((height, row_bytes * 8), np.uint8)
    mask[:, :width] = transparent
    header = struct.pack("<IiiHHIIiiII", 40, width, 2 * height, 1, 32, 0, 0, 0, 0, 0, 0)
    return header + bgra.tobytes() + np.packbits(mask, axis=1).tobytes()


def ico_bytes(images: dict[int, QImage]) -> bytes:
    """A multi-size .ico: ICONDIR, one 16-byte ICONDIRENTRY per image, then the image data."""
    blobs = [
        (size, encode(images[size], "PNG") if size >= ICO_PNG_FROM else dib_bytes(images[size]))
        for size in ICO_SIZES
    ]
    out = bytearray(struct.pack("<HHH", 0, 1, len(blobs)))  # reserved, type 1 = icon, count
    offset = 6 + 16 * len(blobs)
    for size, data in blobs:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    for _size, data in blobs:
        out += data
    return bytes(out)


def outputs() -> dict[Path, tuple[bytes, dict[int, QImage]]]:
    """Every output file's bytes, with the images it holds (by size)."""
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise RuntimeError(f"QtSvg cannot read {SVG}")
    images = {size: render(renderer, size) for size in PNG_SIZES}
    result = {png_path(s): (encode(images[s], "PNG"), {s: images[s]}) for s in PNG_SIZES}
    result[ICO_PATH] = (ico_bytes(images), {s: images[s] for s in ICO_SIZES})
    return result


def mean_difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference per channel (0..255) of two same-sized images."""
    pa, pb = (_pixels(image) for image in (a, b))
    return float(np.abs(pa.astype(np.int16) - pb.astype(np.int16)).mean())


def _pixels(image: QImage) -> np.ndarray:
    """The image's ARGB32 bytes as a (height, 4 * width) array (B, G, R, A in memory order)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    # A copy: the buffer belongs to `image`, which is freed when this function returns.
    return rows[:, : 4 * image.width()].copy()


def stale(path: Path, expected: dict[int, QImage]) -> str | None:
    """Why the file on disk does not hold the expected images, or None."""
    from PySide6.QtGui import QImageReader

    if not path.is_file():
        return "missing"
    reader = QImageReader(str(path))
    found: dict[int, QImage] = {}
    for _ in range(max(reader.imageCount(), 1)):
        image = reader.read()
        if image.isNull():
            return f"unreadable ({reader.errorString()})"
        found[image.width()] = image
        if not reader.jumpToNextImage():
            break
    if sorted(found) != sorted(expected):
        return f"holds sizes {sorted(found)}, expected {sorted(expected)}"
    for size, image in expected.items():
        if found[size].height() != size:
            return f"the {size} px image is not square"
        diff = mean_difference(found[size], image)
        if diff > TOLERANCE:
            return f"the {size} px image differs from the SVG (mean difference {diff:.2f})"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the files are current")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])

    problems = 0
    for path, (data, images) in outputs().items():
        name = path.relative_to(ROOT)
        if args.check:
            why = stale(path, images)
            if why:
                problems += 1
                print(f"{name}: {why}", file=sys.stderr)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.read_bytes() == data:
            print(f"{name}: unchanged")
            continue
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        print(f"{name}: written ({len(data)} bytes)")
    if problems:
        print("run: python packaging/render_icons.py", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
