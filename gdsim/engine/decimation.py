"""Stride doubling: how every record of a run (the history, the plots' store, the views' own
series) stays within a bound however long the run gets.

Rows are kept only for steps that are multiples of a stride. When a record is full, only the
rows whose step is a multiple of twice the stride stay and the stride doubles. Step 0 is a
multiple of every stride, so the start is never lost, and a record keeps its latest row even
when that row is off the stride (it is then provisional: the next row replaces it). The kept
steps are always evenly spaced, so a plot of them is an honest picture of the whole run.
"""

from __future__ import annotations

import numpy as np

COMPACT_CHUNK_BYTES = 4 * 2**20  # in-place compaction copies at most this much at a time


def on_stride(steps: np.ndarray, stride: int) -> np.ndarray:
    """Which of the ascending `steps` are multiples of `stride` (no int64 overflow)."""
    if len(steps) == 0 or stride > int(steps[-1]):
        return steps == 0
    return steps % stride == 0


def compact(a: np.ndarray, idx: np.ndarray) -> None:
    """``a[:len(idx)] = a[idx]`` in place, a slab at a time, for an ascending kept subset idx
    (idx[j] >= j, so no row is read after being overwritten). A plain ``a[idx]`` would copy half
    of a large store at once."""
    row_bytes = max(1, a[0].nbytes) if len(a) else 1
    slab = max(1, COMPACT_CHUNK_BYTES // row_bytes)
    for j0 in range(0, len(idx), slab):
        sel = idx[j0 : j0 + slab]
        a[j0 : j0 + len(sel)] = a[sel]


class ThinnedSeries:
    """A growing (steps, rows) record kept to at most `max_rows` rows by stride doubling, with
    the latest row always present (a small view-side record, e.g. per-layer gradient norms).

    >>> s = ThinnedSeries(width=1, max_rows=4)
    >>> s.extend(np.arange(10), np.arange(10.0).reshape(10, 1))
    >>> s.steps.tolist(), s.stride
    ([0, 4, 8, 9], 4)

    With ``keep_chunk_ends`` the last row of every :meth:`extend` (a snapshot's chunk) is a
    row of its own rather than the provisional latest one: it stays, on the stride or not, until
    the next doubling, and the first row survives every doubling. The loss surface's path keeps
    its rows so (a dot where each chunk ended); at most `max_rows` rows in all.

    >>> s = ThinnedSeries(width=1, max_rows=4, keep_chunk_ends=True)
    >>> for start in (0, 3, 6):
    ...     s.extend(np.arange(start, start + 3), np.zeros((3, 1)))
    ...     print(s.steps.tolist(), s.stride)
    [0, 1, 2] 1
    [0, 2, 4, 5] 2
    [0, 4, 8] 4
    """

    def __init__(self, width: int, max_rows: int, *, keep_chunk_ends: bool = False) -> None:
        if max_rows < 2:
            raise ValueError(f"max_rows must be at least 2, got {max_rows}")
        self.max_rows = int(max_rows)
        self.keep_chunk_ends = bool(keep_chunk_ends)
        self.stride = 1
        self._steps = np.zeros(0, dtype=np.int64)
        self._rows = np.zeros((0, width))
        self._tail: tuple[int, np.ndarray] | None = None  # the latest row when off the stride

    def extend(self, steps: np.ndarray, rows: np.ndarray) -> None:
        """Append rows for ascending `steps`; steps not after the latest one are skipped."""
        steps = np.asarray(steps, dtype=np.int64)
        rows = np.asarray(rows, dtype=np.float64).reshape(len(steps), self._rows.shape[1])
        latest = self.latest_step
        if latest is not None:
            new = steps > latest
            steps, rows = steps[new], rows[new]
        if len(steps) == 0:
            return
        ends = self.keep_chunk_ends
        keep = on_stride(steps, self.stride)
        if ends:
            keep[-1] = True
        self._steps = np.concatenate([self._steps, steps[keep]])
        self._rows = np.concatenate([self._rows, rows[keep]])
        room = 0 if ends else 1  # (for an off-stride latest row)
        while len(self._steps) + room > self.max_rows:
            self.stride *= 2
            kept = on_stride(self._steps, self.stride)
            if ends:
                kept[0] = kept[-1] = True
            self._steps, self._rows = self._steps[kept], self._rows[kept]
        if ends:
            return  # (the latest row is a row of its own: no provisional one)
        last = int(steps[-1])
        on = len(self._steps) and self._steps[-1] == last
        self._tail = None if on else (last, rows[-1].copy())

    @property
    def latest_step(self) -> int | None:
        if self._tail is not None:
            return self._tail[0]
        return int(self._steps[-1]) if len(self._steps) else None

    @property
    def steps(self) -> np.ndarray:
        if self._tail is None:
            return self._steps
        return np.append(self._steps, self._tail[0])

    @property
    def rows(self) -> np.ndarray:
        if self._tail is None:
            return self._rows
        return np.vstack([self._rows, self._tail[1]])

    def __len__(self) -> int:
        return len(self._steps) + (self._tail is not None)
