"""Looking back at a run: where the state at a past step comes from (no Qt here).

The window's timeline asks a :class:`StateSource` for the state after k updates as a `Snapshot`
(running False, no rows), so every view can show step k with the code that shows the latest
step. Today the window's own plot store answers, from the parameter rows it kept (decimation may
have dropped step k: the timeline then shows the nearest recorded step and says so); a trainer
that can rebuild any step exactly can answer through the same interface later.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from gdsim.engine.history import HistoryChunk
from gdsim.session.runstate import Snapshot

__all__ = ["StateSource", "empty_chunk", "nearest_step", "neighbour_step"]


@runtime_checkable
class StateSource(Protocol):
    """Answers "what was the state after k updates" for the steps it knows."""

    def steps(self) -> np.ndarray:
        """The steps :meth:`state_at` answers, ascending int64 (empty before a run starts)."""

    def state_at(self, step: int) -> Snapshot | None:
        """The state after `step` updates (running False, an empty chunk), or None when `step`
        is not one of :meth:`steps`."""


def empty_chunk(n_params: int) -> HistoryChunk:
    """A chunk with no rows: a state shown again brings nothing new to record."""
    nothing = np.empty(0, dtype=np.float64)
    return HistoryChunk(
        steps=np.empty(0, dtype=np.int64),
        cost=nothing,
        extras={},
        param_steps=np.empty(0, dtype=np.int64),
        params=np.empty((0, n_params)),
        grads=np.empty((0, n_params)),
        latest_step=-1,
        latest_params=nothing,
        latest_grads=nothing,
    )


def nearest_step(steps: np.ndarray, step: int) -> int | None:
    """The step of `steps` (ascending) nearest to `step`, the earlier one on a tie (None if
    there is none)."""
    n = len(steps)
    if n == 0:
        return None
    i = int(np.searchsorted(steps, step))
    if i >= n:
        return int(steps[-1])
    if i > 0 and step - steps[i - 1] <= steps[i] - step:
        return int(steps[i - 1])
    return int(steps[i])


def neighbour_step(steps: np.ndarray, step: int, direction: int) -> int | None:
    """The step of `steps` just before (`direction` -1) or after (+1) `step`; None at an end."""
    if direction < 0:
        i = int(np.searchsorted(steps, step)) - 1
        return int(steps[i]) if i >= 0 else None
    i = int(np.searchsorted(steps, step, side="right"))
    return int(steps[i]) if i < len(steps) else None
