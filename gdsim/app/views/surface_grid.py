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
path, until the next doubling). Beyond FULL_PATH_MAX_PARAMS parameters it keeps only the chosen
pair's path (a few rows of 10^5 values would cost more memory and copying than they are worth),
so a pair chosen later shows its path from then on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from gdsim.engine.decimation import ThinnedSeries
from gdsim.engine.network import Network
from gdsim.engine.parameters import ParameterIndex

__all__ = [
    "GRID",
    "MAX_POINTS",
    "MAX_STORED_VALUES",
    "FULL_PATH_MAX_PARAMS",
    "MIN_HALF_WIDTH",
    "TRAVEL_FACTOR",
    "GridSweep",
    "cost_grid",
    "default_pair",
    "half_widths",
    "new_trajectory",
]

GRID = 41  # the surface has GRID x GRID cells (odd: the centre is a cell)
MAX_POINTS = 5000  # trajectory rows kept (the stride doubles beyond this)
MAX_STORED_VALUES = 1_000_000  # ... and at most this many floats of full parameter rows
FULL_PATH_MAX_PARAMS = 2_000  # beyond this, only the chosen pair's path is kept
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
    """An empty path of full parameter rows, bounded as the module doc says; of no rows at all
    (a new pair's path starts when it is chosen) beyond FULL_PATH_MAX_PARAMS parameters."""
    columns = n_params if n_params <= FULL_PATH_MAX_PARAMS else 0
    bound = max(2, min(MAX_POINTS, MAX_STORED_VALUES // max(1, columns)))
    return ThinnedSeries(columns, bound, keep_chunk_ends=True)


def half_widths(xs: np.ndarray, ys: np.ndarray, cx: float, cy: float) -> tuple[float, float]:
    """The grid's half widths around (cx, cy) for a path through (xs, ys)."""
    out = []
    for values, c in ((xs, cx), (ys, cy)):
        values = values[np.isfinite(values)]
        travel = float(np.max(np.abs(values - c))) if len(values) else 0.0
        out.append(max(MIN_HALF_WIDTH, TRAVEL_FACTOR * travel))
    return out[0], out[1]


class GridSweep:
    """The cost over a GRID x GRID grid of parameters ix, iy (every other one at `current`),
    computed a slice at a time by :meth:`advance`, so a big network never blocks the window.

    Only what a cell changes is recomputed. The layers before the pair's first layer L see the
    same inputs at every cell, so their activations are taken once. At layer L a cell changes one
    or two neurons' z (by dw * a_k for a weight, db for a bias); at layer L + 1 that is a rank-1 or
    rank-2 change of z (the changed activations through the weights' columns). From there on every
    neuron changes and the rest of the forward pass runs as `Network._forward` does. The penalty
    changes by the pair's own terms. The cells agree with `Network.cost` to rounding (~1e-16
    relative). `net.theta` is used as scratch and left at `current` after each slice.
    """

    def __init__(self, net: Network, x, y, current, ix: int, iy: int, half: tuple[float, float]):
        self.net, self.x, self.y = net, x, y
        self.current = np.array(current, dtype=np.float64)
        self.ix, self.iy, self.half = ix, iy, half
        cx, cy = float(current[ix]), float(current[iy])
        hx, hy = half
        offsets = (np.arange(GRID) - GRID // 2) / (GRID // 2)  # exactly 0 at the centre
        self.xs, self.ys = cx + hx * offsets, cy + hy * offsets
        self.xs[GRID // 2], self.ys[GRID // 2] = cx, cy
        self.costs = np.full((GRID, GRID), np.nan)
        self._next = 0  # cells done, row by row
        self.finite = math.isfinite(cx) and math.isfinite(cy)
        if not self.finite or x.shape[1] == 0:
            self._next = GRID * GRID
            return
        index = ParameterIndex.for_network(net.sizes)
        # (layer 0-based, row j 0-based, column k 0-based or -1 for a bias) of each of the pair
        self._where = [
            (int(index.layer[i]) - 1, int(index.j[i]) - 1, int(index.k[i]) - 1) for i in (ix, iy)
        ]
        self._first = min(layer for layer, _, _ in self._where)
        net.theta[...] = self.current
        with np.errstate(all="ignore"):
            self._z0, self._a0 = zip(*net.layer_values(x), strict=True)
            self._penalty0 = net.penalty()

    @property
    def done(self) -> bool:
        return self._next >= GRID * GRID

    def advance(self, seconds: float) -> bool:
        """Compute cells for about `seconds` (at least one); True when the grid is complete."""
        if self.done:
            return True
        theta = self.net.theta
        theta[...] = self.current
        deadline = time.perf_counter() + seconds
        with np.errstate(all="ignore"):
            while not self.done:
                i, j = divmod(self._next, GRID)
                theta[self.ix], theta[self.iy] = self.xs[i], self.ys[j]
                self.costs[i, j] = self._cell_cost(
                    self.xs[i] - self.current[self.ix], self.ys[j] - self.current[self.iy]
                )
                self._next += 1
                if time.perf_counter() >= deadline:
                    break
        theta[...] = self.current
        return self.done

    def _cell_cost(self, dx: float, dy: float) -> float:
        net, z0, a0 = self.net, self._z0, self._a0
        rows: list[int] = []  # neurons of the layer below whose activation changed
        dense = False  # ... or all of them
        a_prev = None
        for layer in range(self._first, net.n_layers):
            w, old_below = net.weights[layer], (a0[layer - 1] if layer else self.x)
            own = [
                (j, k, d)
                for (lay, j, k), d in zip(self._where, (dx, dy), strict=True)
                if lay == layer
            ]
            if dense:  # as Network._forward does it
                z = np.dot(w, a_prev)
                z += net.biases[layer]
            else:  # z = z0 + W'[:, rows] (a - a0)[rows] + dW a0 + db
                z = z0[layer].copy()
                if rows:
                    z += np.dot(w[:, rows], a_prev[rows] - old_below[rows])
                for j, k, d in own:
                    z[j] += d * old_below[k] if k >= 0 else d
            act = net.activations[layer]
            a_prev = act.forward(z, out=np.empty_like(z))
            # the neurons this layer changed: a change from below reaches all of them, and a
            # softmax couples its outputs through their common normaliser
            dense = dense or bool(rows) or act.name == "softmax"
            rows = [] if dense else sorted({j for j, _, _ in own})
        return net.loss.cost(z, a_prev, self.y) + self._penalty(dx, dy)

    def _penalty(self, dx: float, dy: float) -> float:
        net = self.net
        rate = net.regularization_rate
        if net.regularization == "none" or rate == 0.0:
            return 0.0
        term = (lambda w: w * w) if net.regularization == "l2" else abs
        total = self._penalty0
        for (_, _, k), i, d in zip(self._where, (self.ix, self.iy), (dx, dy), strict=True):
            if k >= 0:  # weights only: biases carry no penalty
                old = float(self.current[i])
                total += rate * (term(old + d) - term(old))
        return total


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
    parameter at `current`, all at once; None when the current pair is not finite."""
    sweep = GridSweep(net, x, y, current, ix, iy, half)
    if not sweep.finite:
        return None
    sweep.advance(math.inf)
    return sweep.xs, sweep.ys, sweep.costs
