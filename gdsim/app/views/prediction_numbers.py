"""The prediction view's numbers, Qt-free: the grid a decision boundary is drawn on, the values
and colours behind it, and how well the network does (accuracy or mean squared error).

* The grid spans the data's x1/x2 range (train and test) plus MARGIN of it on each side, GRID x
  GRID points whose cells are centred on them.
* The map shows p(class 1) for a single-output (sigmoid) network and for a 2-class softmax; over
  K > 2 classes, the predicted class's probability, drawn as that class's colour blended into
  the background the less sure the network is (none at 1/K, 55% at certainty).
* A single output predicts class 1 at p >= 0.5; several outputs predict their argmax (outputs
  that are not finite never win): :func:`gdsim.app.views.prediction_classes_numbers.
  predicted_classes`. Without test data the test figures are NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim.engine.datasets import Dataset
from gdsim.engine.features import plane_points
from gdsim.engine.network import Network

__all__ = [
    "CURVE_POINTS",
    "GRID",
    "MARGIN",
    "BoundaryGrid",
    "boundary_grid",
    "boundary_values",
    "caption_text",
    "class_rgba",
    "curve_inputs",
    "discrete_values",
    "one_hot",
    "squared_error",
]

GRID = 60  # the heat map has GRID x GRID cells ...
MIN_GRID = 20  # ... or fewer, down to this, for a network too big to run 3,600 inputs through
GRID_WORK = 200_000_000  # parameters x grid points a redraw may cost (~40 ms here)
CURVE_POINTS = 200  # points on the fitted regression curve
MARGIN = 0.10  # the heat map extends this fraction of the data range beyond it


def _fmt_pct(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{100.0 * x:.1f}%"


def _fmt_num(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:.4g}"


@dataclass(frozen=True)
class BoundaryGrid:
    lo: np.ndarray  # the map's lower x1, x2 (with the margin)
    hi: np.ndarray  # ... and upper
    x: np.ndarray  # the x1 of the cell centres (GRID)
    y: np.ndarray  # the x2 of the cell centres (GRID)
    points: np.ndarray  # the grid as network inputs (2 x GRID**2), [i, j] -> i * GRID + j
    rect: tuple[float, float, float, float]  # the image's (left, top, width, height)


def grid_size(n_params: int) -> int:
    """GRID, or a coarser grid for a network so big that GRID x GRID points would make every
    redraw slow (1.0 million parameters: 20 x 20)."""
    if n_params * GRID * GRID <= GRID_WORK:
        return GRID
    return max(MIN_GRID, math.isqrt(GRID_WORK // max(1, n_params)))


def boundary_grid(data: Dataset, size: int = GRID) -> BoundaryGrid:
    """The grid (size x size) over a 2-D dataset's plane (train and test, plus the margin): its
    two inputs, or the raw (x1, x2) its input features were made from."""
    train, test, _names = plane_points(data)
    x_all = np.hstack([train, test])
    lo, hi = x_all.min(axis=1), x_all.max(axis=1)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - MARGIN * span, hi + MARGIN * span
    grid_x = np.linspace(lo[0], hi[0], size)
    grid_y = np.linspace(lo[1], hi[1], size)
    g1, g2 = np.meshgrid(grid_x, grid_y, indexing="ij")
    points = np.ascontiguousarray(np.vstack([g1.ravel(), g2.ravel()]))
    dx = (hi[0] - lo[0]) / (size - 1)
    dy = (hi[1] - lo[1]) / (size - 1)
    rect = (lo[0] - dx / 2, lo[1] - dy / 2, size * dx, size * dy)
    return BoundaryGrid(lo, hi, grid_x, grid_y, points, rect)


def curve_inputs(data: Dataset) -> np.ndarray:
    """CURVE_POINTS inputs across a 1-input dataset's range (train and test)."""
    x_all = np.hstack([data.x_train, data.x_test])[0]
    lo, hi = float(x_all.min()), float(x_all.max())
    if hi <= lo:
        lo, hi = lo - 1.0, hi + 1.0
    return np.linspace(lo, hi, CURVE_POINTS)


def boundary_values(out: np.ndarray) -> np.ndarray:
    """The map's values (side x side) from the network's outputs on the grid's points."""
    n_out = out.shape[0]
    if n_out == 1:
        values = out[0]
    elif n_out == 2:
        values = out[1]
    else:
        values = out.max(axis=0)
    side = math.isqrt(values.size)
    return values.reshape(side, side)


def discrete_values(values: np.ndarray) -> np.ndarray:
    """The map discretized: 1.0 where the prediction is class 1 (p >= 0.5), else 0.0."""
    return (values >= 0.5).astype(np.float64)


def one_hot(out: np.ndarray) -> np.ndarray:
    """Outputs over K > 2 classes discretized: 1 for the predicted class, 0 for the others
    (outputs that are not finite never win; a point with none finite stays unsure, 1/K)."""
    k, points = out.shape
    finite = np.isfinite(out)
    cls = np.where(finite, out, -np.inf).argmax(axis=0)
    hot = np.zeros_like(out, dtype=np.float64)
    hot[cls, np.arange(points)] = 1.0
    none = ~finite.any(axis=0)
    hot[:, none] = 1.0 / k
    return hot


def class_rgba(out: np.ndarray, class_rgb: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Softmax over K > 2 classes: the argmax class's colour, paler where less sure.
    `class_rgb` is (at least K) x 3, `background` 3 (0-255 floats); side x side x 4 bytes."""
    k = out.shape[0]
    finite = np.isfinite(out).all(axis=0)
    safe = np.where(finite, out, 1.0 / k)
    cls = safe.argmax(axis=0)
    conf = (safe.max(axis=0) - 1.0 / k) / (1.0 - 1.0 / k)
    alpha = 0.55 * np.clip(conf, 0.0, 1.0)
    rgb = background * (1.0 - alpha[:, None]) + class_rgb[cls] * alpha[:, None]
    rgba = np.empty((out.shape[1], 4), dtype=np.ubyte)
    rgba[:, :3] = np.clip(rgb, 0, 255).astype(np.ubyte)
    rgba[:, 3] = 255
    side = math.isqrt(out.shape[1])
    return rgba.reshape(side, side, 4)


def squared_error(net: Network, x: np.ndarray, y: np.ndarray) -> float:
    """The mean squared error of the outputs over the samples (columns)."""
    if x.shape[1] == 0:
        return math.nan
    with np.errstate(all="ignore"):
        return float(np.mean((net.predict(x) - y) ** 2))


def caption_text(
    step: int | None,
    accuracy: tuple[float, float] | None,
    mse: tuple[float, float] | None,
    n_out: int,
) -> str:
    """'step 1,234  ·  accuracy: train 97.5%, test 95.0%  (predicted class: …)' or the like."""
    where = "not started" if step is None else f"step {step:,}"
    if accuracy is not None:
        train, test = accuracy
        rule = "output ≥ 0.5 → class 1" if n_out == 1 else "most likely class"
        return (
            f"{where}  ·  accuracy: train {_fmt_pct(train)}, test {_fmt_pct(test)}"
            f"  (predicted class: {rule})"
        )
    if mse is not None:
        train, test = mse
        return f"{where}  ·  mean squared error: train {_fmt_num(train)}, test {_fmt_num(test)}"
    return f"{where}  ·  waiting for the first parameters"
