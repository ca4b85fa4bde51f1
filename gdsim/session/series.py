"""The plots' own store: steps and columns with stride-doubling decimation (bounded memory)
and a min/max pyramid, so a redraw reads at most ~2 values per pixel column whatever the run's
length. No Qt; used by gdsim.app.plots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from gdsim.engine.decimation import compact, on_stride

_B0 = 32  # rows per block of the lowest pyramid level


def _int_key(rounding, x: float) -> np.int64:
    return np.int64(min(max(rounding(x), -(2**62)), 2**62))


class _Level:
    """Min/max over every complete block of `size` rows, for all columns: (blocks, n_cols)."""

    __slots__ = ("size", "mins", "maxs", "done")

    def __init__(self, size: int, n_cols: int, cap: int) -> None:
        self.size = size
        # full size at once, lazily committed like the store itself
        self.mins = np.zeros((cap, n_cols), dtype=np.float64)
        self.maxs = np.zeros((cap, n_cols), dtype=np.float64)
        self.done = 0  # complete blocks computed


class Series:
    """A (step, columns) store with stride-doubling decimation and a min/max pyramid.

    ``steps`` is (cap,) int64 ascending and ``vals`` is (cap, n_cols) float64: one row per
    recorded step, so appending a chunk is a contiguous copy even for a 100k-parameter network
    (and reducing over rows vectorises across the columns). Memory stays within `budget_bytes`,
    the pyramid's share included. The last row is always the latest appended step; if it is off
    the current stride it is provisional and the next append overwrites it.
    """

    def __init__(self, n_cols: int, budget_bytes: int) -> None:
        self.n_cols = int(n_cols)
        # per row: the step, the values and (at most) 4/_B0 of the values for the pyramid
        entry = 8 + 8 * self.n_cols * (1 + 4 / _B0)
        self.max_cap = cap = max(4, int(budget_bytes // entry))
        # Allocated at full size once: np.zeros of a big array is lazily zeroed memory (calloc /
        # mmap), so pages are only committed as rows are written, and the store never has to
        # copy itself to grow (a growth copy of 100 MB would stall the GUI for ~0.3 s).
        self.steps = np.zeros(cap, dtype=np.int64)
        self.vals = np.zeros((cap, self.n_cols), dtype=np.float64)
        self.n = 0
        self.stride = 1
        self._tail_off = False
        self.levels: list[_Level] = []

    @property
    def cap(self) -> int:
        return len(self.steps)

    @property
    def last_step(self) -> int:
        return int(self.steps[self.n - 1]) if self.n else -1

    @property
    def nbytes(self) -> int:
        return (
            self.steps.nbytes
            + self.vals.nbytes
            + sum(lv.mins.nbytes + lv.maxs.nbytes for lv in self.levels)
        )

    # ------------------------------------------------------------------ appending
    def extend(self, steps: np.ndarray, blocks: Sequence[np.ndarray]) -> None:
        """Append rows: `steps` (m,) ascending and `blocks`, arrays of shape (m, c_i) whose
        columns side by side are the n_cols columns (e.g. ``[params, grads]``). Steps not after
        the latest stored step are skipped."""
        steps = np.asarray(steps)
        m = len(steps)
        if m == 0:
            return
        if sum(b.shape[1] for b in blocks) != self.n_cols or any(len(b) != m for b in blocks):
            raise ValueError(
                f"expected {m} rows of {self.n_cols} values, got {[b.shape for b in blocks]}"
            )
        start = 0
        if self.n and steps[0] <= self.steps[self.n - 1]:
            start = int(np.searchsorted(steps, self.steps[self.n - 1], side="right"))
            if start == m:
                return
        n = self.n
        if self._tail_off:
            n -= 1  # the provisional tail gives way to newer rows
        while True:
            if self.stride == 1:
                sel = slice(start, m)
                count = m - start
            else:
                keep = steps[start:] % self.stride == 0
                keep[-1] = True  # the latest row always stays
                sel = np.flatnonzero(keep) + start
                count = len(sel)
            if n + count <= self.cap:
                break
            n = self._decimate(n)
        end = n + count
        self.steps[n:end] = steps[sel]
        c0 = 0
        for b in blocks:
            c = b.shape[1]
            self.vals[n:end, c0 : c0 + c] = b[sel]
            c0 += c
        self.n = end
        self._tail_off = int(steps[-1]) % self.stride != 0
        # (pyramid blocks never cover the last stored row, so nothing they cover changed)

    def _decimate(self, n: int) -> int:
        """Keep the rows whose step is a multiple of 2*stride (compacted in place)."""
        s = self.steps[:n]
        modulus = 2 * self.stride
        idx = np.flatnonzero(on_stride(s, modulus))
        k = len(idx)
        self.steps[:k] = s[idx]
        compact(self.vals, idx)
        self.stride = modulus
        for lv in self.levels:
            lv.done = 0
        return k

    # ------------------------------------------------------------------ pyramid
    def update_pyramid(self) -> None:
        """Bring the min/max blocks up to date (only new complete blocks are computed)."""
        usable = self.n - 1  # the last row may still be overwritten
        c = self.n_cols
        j = 0
        while True:
            size = _B0 << j
            target = usable // size if usable > 0 else 0
            if j == len(self.levels):
                if target < 1 or (j > 0 and self.levels[j - 1].done < 2):
                    return
                self.levels.append(_Level(size, c, max(1, self.max_cap // size)))
            lv = self.levels[j]
            if target > lv.done:
                d = lv.done
                if j == 0:
                    src = self.vals[d * size : target * size].reshape(-1, size, c)
                    np.fmin.reduce(src, axis=1, out=lv.mins[d:target])
                    np.fmax.reduce(src, axis=1, out=lv.maxs[d:target])
                else:
                    low = self.levels[j - 1]
                    np.fmin.reduce(
                        low.mins[2 * d : 2 * target].reshape(-1, 2, c),
                        axis=1,
                        out=lv.mins[d:target],
                    )
                    np.fmax.reduce(
                        low.maxs[2 * d : 2 * target].reshape(-1, 2, c),
                        axis=1,
                        out=lv.maxs[d:target],
                    )
                lv.done = target
            j += 1
            if target < 2:
                return

    # ------------------------------------------------------------------ reading
    def index_range(self, x0: float, x1: float) -> tuple[int, int]:
        """Indices [i0, i1) of the rows in [x0, x1] plus one neighbour on each side."""
        s = self.steps[: self.n]
        # integer keys: a float key would make searchsorted convert all the steps to float
        i0 = int(np.searchsorted(s, _int_key(math.ceil, x0))) - 1 if math.isfinite(x0) else 0
        i1 = (
            int(np.searchsorted(s, _int_key(math.floor, x1), side="right")) + 1
            if math.isfinite(x1)
            else self.n
        )
        return max(i0, 0), min(i1, self.n)

    def nearest(self, x: float) -> int:
        """Index of the row whose step is nearest to x (-1 when empty)."""
        n = self.n
        if n == 0:
            return -1
        s = self.steps[:n]
        if not math.isfinite(x):
            return 0 if x < 0 else n - 1
        i = int(np.searchsorted(s, _int_key(math.ceil, x)))
        if i >= n:
            return n - 1
        if i > 0 and x - s[i - 1] <= s[i] - x:
            return i - 1
        return i

    def envelope(
        self, cols: np.ndarray, i0: int, i1: int, width: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """x (p,) and y (len(cols), p) for drawing rows [i0, i1) in `width` pixel columns.

        At most 2 points per pixel column (+ 3 at the ends): the rows themselves when few
        enough, else per column of rows its minimum and maximum (both at the column's first
        step), followed by the exact last row. Non-finite values come back as NaN.
        """
        cols = np.asarray(cols, dtype=np.intp)
        k = len(cols)
        count = i1 - i0
        width = max(1, int(width))
        if count <= 0 or k == 0:
            return np.empty(0), np.empty((k, 0))
        vals = self.vals
        if count <= 2 * width:
            x = self.steps[i0:i1].astype(np.float64)
            y = np.ascontiguousarray(vals[i0:i1][:, cols].T)
        else:
            need = -(-count // width)  # rows per pixel column
            xs: list[np.ndarray] = []
            mins: list[np.ndarray] = []  # each (bins, k)
            maxs: list[np.ndarray] = []
            last = i1 - 1  # drawn exactly at the end
            if need <= _B0:
                nb = (last - i0) // need
                end = i0 + nb * need
                raw = vals[i0:end][:, cols].reshape(nb, need, k)
                xs.append(self.steps[i0:end:need])
                mins.append(np.fmin.reduce(raw, axis=1))
                maxs.append(np.fmax.reduce(raw, axis=1))
            else:
                self.update_pyramid()
                j = max(0, (need - 1).bit_length() - _B0.bit_length() + 1)
                j = min(j, len(self.levels) - 1)
                lv = self.levels[j]
                size = lv.size
                b0 = i0 // size
                b1 = min(lv.done, -(-last // size))
                if b1 > b0:
                    xs.append(self.steps[b0 * size : b1 * size : size])
                    mins.append(lv.mins[b0:b1][:, cols])
                    maxs.append(lv.maxs[b0:b1][:, cols])
                    end = b1 * size
                else:
                    end = i0
            if end < last:  # the rest (less than one pixel column) as one bin
                raw = vals[end:last][:, cols]
                xs.append(self.steps[end : end + 1])
                mins.append(np.fmin.reduce(raw, axis=0, keepdims=True))
                maxs.append(np.fmax.reduce(raw, axis=0, keepdims=True))
            xb = np.concatenate(xs).astype(np.float64)
            nbins = len(xb)
            x = np.empty(2 * nbins + 1)
            x[0:-1:2] = xb
            x[1:-1:2] = xb
            x[-1] = self.steps[last]
            y = np.empty((k, 2 * nbins + 1))
            y[:, 0:-1:2] = np.concatenate(mins).T
            y[:, 1:-1:2] = np.concatenate(maxs).T
            y[:, -1] = vals[last, cols]
        bad = ~np.isfinite(y)
        if bad.any():
            y[bad] = np.nan
        return x, y

    def column(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        """Copies of (steps, column c)."""
        return self.steps[: self.n].copy(), self.vals[: self.n, c].copy()

    def value(self, i: int, c: int) -> float:
        return float(self.vals[i, c])
