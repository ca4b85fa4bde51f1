"""How much of a run the trainer sends the window each second: snapshots and parameter rows paced
by bytes, so a big network's run streams what the window can take (no Qt here).

A snapshot carries the current parameters, gradients and last update (24 bytes a parameter) and
the parameter rows recorded since the previous one (16 bytes a parameter each). For the default
network that is a few hundred bytes, and a snapshot with its state goes after every ~16 ms chunk
with every row, as always. For 784-128-64-10 (109,386 parameters) it is 2.6 MB plus 1.75 MB a
row, and at 300 steps a second that would be ~300 MB/s: the pipe, the window's unpickling and
its stores could not keep up, and the trainer would wait on the pipe. So half of
STREAM_BYTES_PER_SECOND goes to the state: a snapshot carries it when it is due, and in between
snapshots go without it, LIGHT_PER_SECOND times a second (costs and rows: the plots still redraw
~30 times a second).
The other half goes to rows: they are kept on a power-of-two stride of steps, doubled whenever
they would overrun their share (the window's stores thin the same way, by stride doubling). The
costs and extras of every step always go; a run that stops always ends with its state.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from gdsim.engine.decimation import on_stride
from gdsim.engine.history import HistoryChunk

STREAM_BYTES_PER_SECOND = 64 * 2**20
STATE_BYTES = 24  # per parameter: value, gradient, last update
ROW_BYTES = 16  # per parameter and row: value and gradient
ALWAYS_DUE = 0.001  # seconds: snapshots this small go after every chunk
LIGHT_PER_SECOND = 60  # a big network's snapshots at most this often (the window draws ~30/s)
_EMPTY = np.empty(0, dtype=np.float64)


class StreamPacer:
    """Whether the next snapshot carries the state, and which parameter rows (see module doc)."""

    def __init__(
        self, clock: Callable[[], float], bytes_per_second: float = STREAM_BYTES_PER_SECOND
    ):
        self.clock = clock
        self.share = bytes_per_second / 2  # for snapshots, and again for rows
        self.start(0)

    def start(self, n_params: int) -> None:
        """A new run (or a reset): every row again until the rows overrun their share."""
        self.n_params = n_params
        self.row_stride = 1
        self.interval = STATE_BYTES * n_params / self.share  # seconds between snapshots
        self.sent = -math.inf  # when the last snapshot with the state went
        self.sent_any = -math.inf  # ... and the last one of all
        self.allowance = self.share  # bytes of rows that may go now (a second's worth at first)
        self.filled = self.clock()

    def any_due(self) -> bool:
        """True when a snapshot should go now: after every chunk for a small network; for a big
        one at most LIGHT_PER_SECOND times a second (as often as the window redraws)."""
        return self.interval < ALWAYS_DUE or self.clock() - self.sent_any >= 1 / LIGHT_PER_SECOND

    def state_due(self) -> bool:
        """True when the next snapshot should carry the state (always for a small network)."""
        return self.interval < ALWAYS_DUE or self.clock() - self.sent >= self.interval

    def thin(self, chunk: HistoryChunk, with_state: bool = True) -> HistoryChunk:
        """The chunk with its parameter rows on the stride that fits the rows' share, and
        without the history's own copy of the latest state (a snapshot carries it when due).
        `with_state`: the snapshot it goes with carries the state."""
        now = self.clock()
        self.sent_any = now
        if with_state:
            self.sent = now
        self.allowance = min(self.share, self.allowance + (now - self.filled) * self.share)
        self.filled = now
        steps = chunk.param_steps
        row_bytes = ROW_BYTES * self.n_params
        keep = on_stride(steps, self.row_stride)
        while int(keep.sum()) * row_bytes > self.allowance and self.row_stride < 2**40:
            self.row_stride *= 2
            keep = on_stride(steps, self.row_stride)
        kept = int(keep.sum())
        self.allowance -= kept * row_bytes
        if kept < len(steps):
            chunk = dataclasses.replace(
                chunk, param_steps=steps[keep], params=chunk.params[keep], grads=chunk.grads[keep]
            )
        return dataclasses.replace(chunk, latest_params=_EMPTY, latest_grads=_EMPTY)
