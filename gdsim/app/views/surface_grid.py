"""The loss surface's numbers, Qt-free: which pair to show first, the path training took, and the
cost over a grid of the pair's values with every other parameter frozen.

The grid is GRID x GRID (odd, so the centre cell is exactly the current point), centred on the
current values of the pair and spanning at least ±MIN_HALF_WIDTH around them, and TRAVEL_FACTOR
times the farthest the path went from them. Its cost is `Network.cost`'s own arithmetic (forward
pass, loss, penalty) on the full training set, without that method's per-call overhead: the same
numbers, about twice as fast (a 41 x 41 grid on the default 2-4-1 XOR network takes a few tens of
milliseconds).

The path keeps full parameter rows, so a new pair shows its whole path at once: at most
MAX_POINTS rows, and at most MAX_STORED_VALUES floats in all, by stride doubling
(:class:`gdsim.engine.decimation.ThinnedSeries`, keeping each snapshot's last row, a dot on the
path, until the next doubling).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from gdsim.engine.decimation import ThinnedSeries
from gdsim.engine.network import Network
from gdsim.engine.parameters import ParameterIndex

__all__ = [
    "GRID",
    "MAX_POINTS",
    "MAX_STORED_VALUES",
    "MIN_HALF_WIDTH",
    "TRAVEL_FACTOR",
    "cost_grid",
    "default_pair",
    "half_widths",
    "new_trajectory",
]

GRID = 41  # the surface has GRID x GRID cells (odd: the centre is a cell)
MAX_POINTS = 5000  # trajectory rows kept (the stride doubles beyond this)
MAX_STORED_VALUES = 4_000_000  # ... and at most this many floats of full parameter rows
MIN_HALF_WIDTH = 1.0  # the window spans at least +-1 around the current values
TRAVEL_FACTOR = 1.5  # ... and 1.5 x the farthest the path went from them


def default_pair(
    names: Sequence[str], index: ParameterIndex | None = None
) -> tuple[str, str] | None:
    """The first two weights of the last layer, else the first two parameters. `index`: the
    parameters' identities (read from the names when not given)."""
    if len(names) < 2:
        return None
    if index is None:
        index = ParameterIndex.from_names(names)
    weights = np.flatnonzero(index.is_weight)
    if len(weights):
        layers = index.layer[weights]
        in_last = weights[layers == layers.max()]
        if len(in_last) >= 2:
            return names[in_last[0]], names[in_last[1]]
    return names[0], names[1]


def new_trajectory(n_params: int) -> ThinnedSeries:
    """An empty path of full parameter rows, bounded as the module doc says."""
    bound = max(256, min(MAX_POINTS, MAX_STORED_VALUES // max(1, n_params)))
    return ThinnedSeries(n_params, bound, keep_chunk_ends=True)


def half_widths(xs: np.ndarray, ys: np.ndarray, cx: float, cy: float) -> tuple[float, float]:
    """The grid's half widths around (cx, cy) for a path through (xs, ys)."""
    out = []
    for values, c in ((xs, cx), (ys, cy)):
        values = values[np.isfinite(values)]
        travel = float(np.max(np.abs(values - c))) if len(values) else 0.0
        out.append(max(MIN_HALF_WIDTH, TRAVEL_FACTOR * travel))
    return out[0], out[1]


def cost_grid(
    net: Network,
    x: np.ndarray,
    y: np.ndarray,
    current: np.ndarray,
    ix: int,
    iy: int,
    half: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(xs, ys, C) with C[i, j] the cost at parameter ix = xs[i], iy = ys[j] and every other
    parameter at `current`; None when the current pair is not finite. Uses `net`'s parameter
    vector as scratch and leaves it at `current`."""
    cx, cy = float(current[ix]), float(current[iy])
    if not (math.isfinite(cx) and math.isfinite(cy)):
        return None
    hx, hy = half
    offsets = (np.arange(GRID) - GRID // 2) / (GRID // 2)  # exactly 0 at the centre
    xs = cx + hx * offsets
    ys = cy + hy * offsets
    xs[GRID // 2], ys[GRID // 2] = cx, cy
    theta = net.theta
    theta[...] = current
    c = np.empty((GRID, GRID))
    if x.shape[1] == 0:
        c.fill(np.nan)
    else:
        # Network.cost's own arithmetic (forward pass, loss, penalty) without its per-call
        # overhead: the same numbers, about twice as fast
        data_cost, penalty = net.data_cost, net.penalty
        with np.errstate(all="ignore"):
            for i in range(GRID):
                theta[ix] = xs[i]
                for j in range(GRID):
                    theta[iy] = ys[j]
                    c[i, j] = data_cost(x, y) + penalty()
    theta[...] = current
    return xs, ys, c
