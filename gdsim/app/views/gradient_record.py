"""What the gradient health view keeps of a run, Qt-free: the size of each layer's gradient step
by step, and what its flags are judged on.

* the plotted points: the L2 norm of each layer's gradient (weights and biases together; in
  function mode all parameters are one "layer") for every parameter row received, bounded by
  stride doubling (:class:`gdsim.engine.decimation.ThinnedSeries`: at most `max_points` rows on
  the stride, plus the latest row);
* every row of the last `growth_steps` steps (how fast a norm grew);
* for each parameter, the step since which its gradient has been 0 (|g| < `zero_eps`), from the
  rows and from the snapshot's current gradients;
* the current gradients and their layer norms.

Norms are computed without overflow for huge finite values (a NaN anywhere in a layer makes its
norm NaN). The thresholds are read from `limits` (the view's own attributes) at each update;
the record keeps no reference to them (a view holding a record that held the view would be a
reference cycle, freed only by Python's garbage collector at an arbitrary moment: a Qt widget
must not be deleted at an arbitrary moment).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from gdsim.engine.decimation import ThinnedSeries
from gdsim.session.runstate import Snapshot

__all__ = ["GradientRecord", "Limits", "layer_label", "row_norms"]


class Limits(Protocol):
    """The thresholds of the flags and the bound on the plotted points."""

    zero_eps: float
    zero_steps: int
    vanish_ratio: float
    explode_norm: float
    growth_factor: float
    growth_steps: int
    max_points: int


def row_norms(g: np.ndarray) -> np.ndarray:
    """L2 norm of each row of g (m, k), without overflow for huge finite values."""
    if g.shape[1] == 0:
        return np.zeros(g.shape[0])
    with np.errstate(all="ignore"):
        # One pass for the usual rows; the few whose sum of squares overflowed or underflowed
        # (or holds inf/NaN) are redone scaled by their largest entry.
        sq = np.einsum("ij,ij->i", g, g)
        out = np.sqrt(sq)
        redo = ~np.isfinite(sq) | (sq < _TINY)
        if redo.any():
            out[redo] = _scaled_norms(g[redo])
    return out


_TINY = np.finfo(np.float64).tiny * 2**60  # below this a sum of squares may have lost digits


def _scaled_norms(g: np.ndarray) -> np.ndarray:
    a = np.abs(g)
    m = a.max(axis=1)
    ok = np.isfinite(m) & (m > 0)
    out = np.where(np.isnan(a).any(axis=1), np.nan, np.where(ok, 0.0, m))
    if ok.any():
        s = a[ok] / m[ok, None]
        out[ok] = m[ok] * np.sqrt(np.einsum("ij,ij->i", s, s))
    return out


def layer_label(layer: int) -> str:
    """'layer 2'; 'all parameters' for layer 0 (function mode)."""
    return "all parameters" if layer == 0 else f"layer {layer}"


class GradientRecord:
    """The gradient norms of one run by layer, and the state the flags read (see module doc).

    `layers[i]` and `is_weight[i]` describe parameter i (layer 0: function mode); at most
    `max_points` rows on the stride are kept (see :meth:`update`)."""

    def __init__(
        self,
        names: Sequence[str],
        layers: Sequence[int] | np.ndarray,
        is_weight: Sequence[bool] | np.ndarray,
        max_points: int,
    ) -> None:
        self.names = tuple(names)
        self.param_layer = np.asarray(layers, dtype=np.int64)
        self.layer_ids: list[int] = sorted(set(self.param_layer.tolist()))
        # each layer's parameters: a slice when they sit together (a network's always do), so
        # taking a layer's part of 10^5-wide rows copies nothing
        self._parts: list[slice | np.ndarray] = []
        for lid in self.layer_ids:
            where = np.flatnonzero(self.param_layer == lid)
            contiguous = where[-1] - where[0] + 1 == len(where)
            self._parts.append(slice(where[0], where[-1] + 1) if contiguous else where)
        self.is_weight = np.asarray(is_weight, dtype=bool)
        n_layers = len(self.layer_ids)
        self.points = ThinnedSeries(n_layers, max_points + 1)  # (+1: the latest row)
        self._last_step = -1
        self.recent_steps = np.empty(0, dtype=np.int64)  # every row of the last growth_steps
        self.recent_norms = np.empty((0, n_layers))
        self.zero_since = np.full(len(self.names), np.inf)  # step since which |g| < eps
        self.current: np.ndarray | None = None  # the snapshot's gradients (None: unusable)
        self.current_norms = np.full(n_layers, np.nan)
        self.step = 0

    def layer_norms(self, grads: np.ndarray) -> np.ndarray:
        """The norm of each layer's part of each row of `grads` (m, p) -> (m, layers)."""
        out = np.empty((grads.shape[0], len(self._parts)))
        for j, part in enumerate(self._parts):
            out[:, j] = row_norms(grads[:, part])
        return out

    def update(self, snap: Snapshot, limits: Limits) -> None:
        """Add the snapshot's new rows (replayed ones are skipped) and its current gradients,
        with the thresholds and the bound of `limits` in force now."""
        chunk = snap.chunk
        steps = np.asarray(chunk.param_steps, dtype=np.int64)
        grads = np.asarray(chunk.grads, dtype=np.float64)
        if len(steps) and grads.ndim == 2 and grads.shape[1] == len(self.names):
            new = steps > self._last_step
            steps, grads = steps[new], grads[new]
            if len(steps):
                norms = self.layer_norms(grads)
                self.points.max_rows = limits.max_points + 1  # (a knob: read when used)
                self.points.extend(steps, norms)
                self._add_recent(steps, norms, limits.growth_steps)
                self._track_zeros(steps, grads, limits.zero_eps)
                self._last_step = int(steps[-1])
        self.step = int(snap.step)
        current = np.asarray(snap.gradients, dtype=np.float64)
        if current.shape == (len(self.names),):
            self.current_norms = self.layer_norms(current[None, :])[0]
            zero_now = ~(np.abs(current) >= limits.zero_eps)  # NaN: "not zero" below
            zero_now &= np.isfinite(current)
            self.zero_since[~zero_now] = np.inf
            fresh = zero_now & np.isinf(self.zero_since)
            self.zero_since[fresh] = self.step
            self.current = current
        else:
            self.current = None

    def _add_recent(self, steps: np.ndarray, norms: np.ndarray, growth_steps: int) -> None:
        s = np.concatenate([self.recent_steps, steps])
        n = np.concatenate([self.recent_norms, norms])
        keep = s >= s[-1] - growth_steps
        self.recent_steps, self.recent_norms = s[keep], n[keep]

    def _track_zeros(self, steps: np.ndarray, grads: np.ndarray, zero_eps: float) -> None:
        """zero_since[p] = first step of p's current run of zero gradients (inf if none)."""
        with np.errstate(invalid="ignore"):
            nonzero = ~(np.abs(grads) < zero_eps)  # NaN counts as nonzero
        m = len(steps)
        any_nz = nonzero.any(axis=0)
        last_nz = m - 1 - np.argmax(nonzero[::-1], axis=0)
        since = self.zero_since.copy()
        # parameters with a nonzero row: zero since the row after their last nonzero one
        after = np.minimum(last_nz + 1, m - 1)
        since[any_nz] = np.where(last_nz[any_nz] == m - 1, np.inf, steps[after[any_nz]])
        # all rows zero: a run that was already going continues, otherwise it starts here
        start = ~any_nz & np.isinf(since)
        since[start] = steps[0]
        self.zero_since = since

    def series(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, norms) plotted for the layer at `position` (raw norms, not log)."""
        return self.points.steps, self.points.rows[:, position]

    def growth(self) -> np.ndarray:
        """Current norm / norm at the oldest row of the last `growth_steps` steps, per layer."""
        n = len(self.current_norms)
        if len(self.recent_steps) < 2:
            return np.ones(n)
        first = self.recent_norms[0]
        with np.errstate(all="ignore"):
            g = self.current_norms / first
        return np.where(np.isfinite(g) & (first > 0), g, 1.0)
