"""The state at a past step, rebuilt from what the plots' store kept (Qt-free).

:class:`StoreStates` is the window's first :class:`gdsim.session.timeline.StateSource`: the
parameters and gradients of step k are the store's row k (array slicing, so a 100k-parameter
network costs two row copies), the last update is row k minus row k-1 when both were kept (NaN,
shown as a dash, when decimation dropped k-1), and the cost, learning rate and epoch come from
the row's own record (ROW_META). The latest step is always answered, from the latest snapshot,
even when the stream sent no row of it (a big network's rows come on a stride).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from gdsim.app.plots.store import ROW_META, PlotStore
from gdsim.session.runstate import Snapshot
from gdsim.session.timeline import empty_chunk

__all__ = ["StoreStates"]

_COST, _RATE, _EPOCH = (ROW_META.index(n) for n in ("cost", "learning_rate", "epoch"))


class StoreStates:
    """States at the steps `store` holds a parameter row of, and at the latest snapshot's step
    (`latest()`, None before the run's first snapshot)."""

    def __init__(self, store: PlotStore, latest: Callable[[], Snapshot | None]):
        self._store = store
        self._latest = latest

    def steps(self) -> np.ndarray:
        latest = self._latest()
        if latest is None:
            return np.empty(0, dtype=np.int64)
        steps = self._store.row_steps()
        steps = steps[steps <= latest.step]  # (a store a run ahead of the snapshot: not yet)
        if len(steps) and steps[-1] == latest.step:
            return steps.copy()
        return np.append(steps, np.int64(latest.step))

    def state_at(self, step: int) -> Snapshot | None:
        latest = self._latest()
        if latest is None or not 0 <= step <= latest.step:
            return None
        if step == latest.step:  # exact, whether or not its row was sent
            return dataclasses.replace(
                latest,
                chunk=empty_chunk(latest.parameters.size),
                running=False,
                steps_per_second=0.0,
                stop_reason=None,
            )
        rows = self._store.rows
        steps = self._store.row_steps()
        i = int(np.searchsorted(steps, step))
        if rows is None or i >= len(steps) or steps[i] != step:
            return None
        p = len(self._store.names)
        row = rows.vals[i]
        params = row[:p].copy()  # copies: the store compacts its rows in place later
        if i > 0 and steps[i - 1] == step - 1:
            update = params - rows.vals[i - 1, :p]
        else:
            update = np.full(p, np.nan)
        cost = float(row[2 * p + _COST])
        if math.isnan(cost):  # (the trainer's dense record had dropped it): the cost series
            cost = _cost_at(self._store, step)
        rate = float(row[2 * p + _RATE])
        epoch = float(row[2 * p + _EPOCH])
        return Snapshot(
            run_id=latest.run_id,
            chunk=empty_chunk(p),
            step=step,
            epoch=int(epoch) if math.isfinite(epoch) else step,
            cost=cost,
            parameters=params,
            gradients=row[p : 2 * p].copy(),
            last_update=update,
            learning_rate=rate if math.isfinite(rate) else latest.learning_rate,
            running=False,
            diverged=None if step < _diverged_at(latest) else latest.diverged,
            steps_per_second=0.0,
            history_bytes=latest.history_bytes,
            frozen=latest.frozen,  # (the set in force now: a past freeze is not kept per row)
        )


def _cost_at(store: PlotStore, step: int) -> float:
    series = store.cost
    if series is None or series.n == 0:
        return math.nan
    i = series.nearest(step)
    return series.value(i, 0) if int(series.steps[i]) == step else math.nan


def _diverged_at(latest: Snapshot) -> float:
    """A diverged run's last step: the states before it had not diverged yet."""
    return latest.step if latest.diverged else math.inf
