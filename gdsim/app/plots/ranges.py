"""The plot panel's axis-range rules (Qt-free): which x and y ranges to set in auto mode, and when.

The panel sets its ranges itself instead of using pyqtgraph's auto-range: with linked x axes
pyqtgraph's per-view x auto-range flags switch each other off, and its y auto-range recomputes
every curve's bounds and regenerates the axis on every frame, which starved the training thread.
So the rules here change a range rarely: the x axis grows to round numbers of steps, a y range
changes only when a value leaves it or the values shrink well inside it.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["RUNAWAY", "AxisRanges", "fit_before_divergence", "round_up", "row_bounds"]

RUNAWAY = 10.0  # a diverged run's y ranges fit the steps before |cost| first exceeds this x |C0|


def row_bounds(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Finite min and max of each row (NaN for a row with no finite value), no warnings."""
    if y.shape[-1] == 0:
        empty = np.full(y.shape[:-1], np.nan)
        return empty, empty.copy()
    finite = np.where(np.isfinite(y), y, np.nan)
    return np.fmin.reduce(finite, axis=-1), np.fmax.reduce(finite, axis=-1)


def fit_before_divergence(steps: np.ndarray, cost: np.ndarray, diverged_at: int) -> int:
    """The step before which a diverged run's y ranges are fitted.

    Before a run diverges (a value overflows to inf or NaN) its values grow geometrically for
    many steps, up to ~1e305: fitted to those, the whole history would be a flat line at 0. So
    the fit ends at the first step whose |cost| is over RUNAWAY times the first cost's (at
    least two steps in, at most the divergence); the run-away part leaves the top of the plot.
    """
    steps = np.asarray(steps)
    cost = np.asarray(cost, dtype=float)
    if not len(steps):
        return diverged_at
    scale = abs(float(cost[0])) if math.isfinite(cost[0]) else 0.0
    with np.errstate(invalid="ignore"):
        away = ~(np.abs(cost) <= RUNAWAY * max(scale, 1e-9))
    hits = np.flatnonzero(away[2:])  # (two steps at least: a range, not a point)
    cut = int(steps[hits[0] + 2]) if hits.size else diverged_at
    return min(cut, diverged_at)


def round_up(n: int) -> int:
    """The smallest of 10, 20, 50, 100, 200, 500, ... that is >= n."""
    scale = 10
    while True:
        for m in (1, 2, 5):
            if m * scale >= n:
                return m * scale
        scale *= 10


class AxisRanges:
    """Auto-range state of `n` plots sharing one x axis: what was last set, and which axes
    follow the data (all until the user pans or zooms one; :meth:`show_all` resets)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.show_all()

    def show_all(self) -> None:
        """Every axis follows the data again, fitted afresh."""
        self.auto_x = True
        self.x_set: tuple[float, float] | None = None
        self.auto_y = [True] * self.n
        self.y_set: list[tuple[float, float] | None] = [None] * self.n

    def user_moved(self, index: int) -> None:
        """The user panned or zoomed plot `index`: x (shared) and its y stay where they are."""
        self.auto_x = False
        self.auto_y[index] = False

    def forget_y(self, index: int) -> None:
        """Fit plot `index`'s y afresh next time (e.g. its units changed)."""
        self.y_set[index] = None

    def x_range(self, first: int, latest: int) -> tuple[float, float] | None:
        """The x range to set to show steps `first`..`latest`, or None to leave it as it is.

        It extends to a round number of steps (10, 20, 50, 100, ...) rather than to `latest`:
        the x axis then changes a few times per decade instead of on every refresh.
        """
        want = (float(first), float(round_up(max(latest, first + 1))))
        if want == self.x_set:
            return None
        self.x_set = want
        return want

    def y_range(
        self, index: int, lows: np.ndarray, highs: np.ndarray
    ) -> tuple[float, float] | None:
        """The y range to set for plot `index` to fit the drawn values, or None to leave it.

        Hysteresis: it changes only when a value leaves the range or the values shrink to under
        40% of it, so the axis (costly to redraw) stays put on most frames.
        """
        if not self.auto_y[index] or not lows.size:
            return None
        lo, hi = float(np.fmin.reduce(lows)), float(np.fmax.reduce(highs))
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return None
        if hi - lo <= 1e-12 * max(1.0, abs(lo), abs(hi)):
            half = 0.5 * max(abs(lo) * 0.1, 1e-9)
            lo, hi = lo - half, hi + half
        current = self.y_set[index]
        if current is not None:
            a, b = current
            if a <= lo and hi <= b and (hi - lo) >= 0.4 * (b - a):
                return None
        pad = 0.12 * (hi - lo)
        self.y_set[index] = (lo - pad, hi + pad)
        return self.y_set[index]
