"""The weight-images view's numbers, Qt-free: which inputs are an image, where each first-layer
neuron's weights sit in the flat parameter vector, a page of them as images, and the colours.

* Image-like inputs: a data set's own ``image_shape`` (the 8x8 digits), or a CSV whose number of
  inputs is a perfect square of at least MIN_SQUARE_INPUTS (784 -> 28 x 28), read row by row.
* The layer-1 weight block comes from the ParameterIndex with whole-array operations (no Python
  work per parameter): ``block[j, k]`` is the position of w1_{j+1}_{k+1}.
* Colours: a diverging map, symmetric about 0 (0 is the plot background, negative red, positive
  blue, as in the network diagram). By default one shared scale for all weights and another for
  all gradients of layer 1, +-(largest |value|), so neurons can be compared with each other; on
  request each neuron on its own scale (its pattern shows even when its weights are small).
"""

from __future__ import annotations

import math

import numpy as np

from gdsim.engine.datasets import Dataset
from gdsim.engine.parameters import ParameterIndex

__all__ = [
    "LUT_SIZE",
    "MIN_SQUARE_INPUTS",
    "diverging_lut",
    "first_layer_block",
    "image_shape_of",
    "page_bounds",
    "page_text",
    "row_scales",
    "symmetric_scale",
    "to_rgba",
]

MIN_SQUARE_INPUTS = 16  # a CSV with 16, 25, 36, ... inputs is drawn as square images
LUT_SIZE = 255  # odd: the middle entry is exactly 0


def image_shape_of(data: Dataset | None, n_inputs: int, csv: bool) -> tuple[int, int] | None:
    """(rows, columns) of the inputs as an image, or None when they are not one."""
    if data is not None and data.image_shape is not None:
        return tuple(int(v) for v in data.image_shape)
    if csv and n_inputs >= MIN_SQUARE_INPUTS:
        side = math.isqrt(n_inputs)
        if side * side == n_inputs:
            return side, side
    return None


def first_layer_block(index: ParameterIndex) -> np.ndarray:
    """(neurons, inputs) positions of layer 1's weights in the flat vector, by index arrays."""
    pos = np.flatnonzero(index.is_weight & (index.layer == 1))
    if pos.size == 0:
        return np.zeros((0, 0), dtype=np.intp)
    j = index.j[pos] - 1
    k = index.k[pos] - 1
    block = np.zeros((int(j.max()) + 1, int(k.max()) + 1), dtype=np.intp)
    block[j, k] = pos
    return block


def page_bounds(page: int, per_page: int, n: int) -> tuple[int, int]:
    """The neurons [start, stop) of `page` (0-based), clamped to the last page."""
    per_page = max(1, per_page)
    last = max(0, (n - 1) // per_page)
    start = min(max(0, page), last) * per_page
    return start, min(n, start + per_page)


def page_text(start: int, stop: int, n: int) -> str:
    """'neurons 1–32 of 128' (1-based, as the parameter names count)."""
    if n == 0:
        return "no neurons"
    if stop - start == n:
        return f"all {n} neuron{'s' if n != 1 else ''}"
    return f"neurons {start + 1}–{stop} of {n}"


def symmetric_scale(values: np.ndarray) -> float:
    """The largest finite |value| (1 when there is none or it is 0): the map spans +-this."""
    finite = values[np.isfinite(values)] if values.size else values
    if finite.size == 0:
        return 1.0
    top = float(np.abs(finite).max())
    return top if top > 0.0 else 1.0


def row_scales(values: np.ndarray) -> np.ndarray:
    """Each row's largest finite |value| (1 where there is none or it is 0), as a column."""
    if values.size == 0:
        return np.ones((values.shape[0], 1))
    top = np.max(np.where(np.isfinite(values), np.abs(values), 0.0), axis=1, keepdims=True)
    return np.where(top > 0.0, top, 1.0)


def diverging_lut(negative: np.ndarray, middle: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """LUT_SIZE x 4 bytes from `negative` (at -scale) through `middle` (0) to `positive`, the
    colours as 0-255 RGB triples."""
    t = np.linspace(-1.0, 1.0, LUT_SIZE)[:, None]
    rgb = np.where(t < 0, middle + (negative - middle) * -t, middle + (positive - middle) * t)
    lut = np.empty((LUT_SIZE, 4), dtype=np.ubyte)
    lut[:, :3] = np.clip(np.rint(rgb), 0, 255)
    lut[:, 3] = 255
    return lut


def to_rgba(values: np.ndarray, scale: float | np.ndarray, lut: np.ndarray) -> np.ndarray:
    """`values` (any shape) as colours (shape + (4,)): -scale -> lut[0], 0 -> the middle, +scale
    -> lut[-1]; beyond the scale clipped; not finite -> the middle. `scale` may be an array that
    broadcasts against `values` (one scale per neuron)."""
    finite = np.isfinite(values)
    v = np.where(finite, values, 0.0) / scale
    idx = np.rint((np.clip(v, -1.0, 1.0) + 1.0) * ((LUT_SIZE - 1) / 2)).astype(np.intp)
    return lut[idx]
