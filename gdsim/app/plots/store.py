"""What the three live plots can draw: a run's costs, parameters and gradients, within a budget.

Qt-free. :meth:`PlotStore.add` only *stores* the rows of a snapshot's chunk (a few array copies,
no drawing); the panel draws from here at most ~30 times a second.

The store keeps the batch cost of every step it can (dense series), the train / test cost where
they were evaluated (NaN entries are dropped), and parameter + gradient rows. Each series stays
within its share of the budget by stride doubling, like :class:`gdsim.engine.history.History`
(only rows whose step is a multiple of the doubled stride stay; step 0 and the latest step always
stay), but a whole chunk is appended with a handful of vectorised copies instead of one call per
row, and dense and parameter rows are stored independently (after the trainer's own decimation a
chunk's dense steps and parameter steps differ). The rows get 3/4 of the budget, the dense cost
1/8, and the evaluated costs share the last 1/8.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gdsim.engine.history import HistoryChunk
from gdsim.session.series import Series

__all__ = ["EVALUATED", "ROW_META", "PlotStore", "drawn_extras"]

EVALUATED = ("train_cost", "test_cost")  # extras evaluated now and then (NaN in between)
# what each parameter row also keeps of its step, after the parameters and gradients, so the
# timeline can rebuild the whole state at a recorded step (NaN where the chunk had no value)
ROW_META = ("cost", "learning_rate", "epoch")


def drawn_extras(info) -> tuple[str, ...]:
    """A run's extra columns (RunInfo.extra_names) that the plots draw: not the test cost of a
    run with no test set (its column is all NaN), which would only fill the legend."""
    data = getattr(info.config, "data", None)
    if info.config.mode == "network" and data is not None and data.test_fraction == 0:
        return tuple(n for n in info.extra_names if n != "test_cost")
    return tuple(info.extra_names)


class PlotStore:
    """The decimating stores of one run: ``cost`` (dense), ``evals`` (evaluated costs by name)
    and ``rows`` (parameters, gradients, then ROW_META: 2p + 3 columns; None without
    parameters)."""

    def __init__(self) -> None:
        self.names: tuple[str, ...] = ()
        self.cost: Series | None = None
        self.evals: dict[str, Series] = {}
        self.rows: Series | None = None

    def start(self, names: Sequence[str], extra_names: Sequence[str], budget: int) -> None:
        """Forget everything; room for `names`' rows and whichever evaluated costs the run has."""
        self.names = tuple(names)
        p = len(self.names)
        evals = [n for n in EVALUATED if n in extra_names]
        self.rows = Series(2 * p + len(ROW_META), budget * 3 // 4) if p else None
        self.cost = Series(1, budget // 8)
        self.evals = {n: Series(1, budget // 8 // max(1, len(evals))) for n in evals}

    def add(self, chunk: HistoryChunk) -> None:
        """Store a chunk's rows (the evaluated costs only where they were evaluated)."""
        steps = chunk.steps
        if len(steps):
            self.cost.extend(steps, [chunk.cost.reshape(-1, 1)])
            for name, series in self.evals.items():
                v = chunk.extras.get(name)
                if v is None:
                    continue
                evaluated = ~np.isnan(v)
                if evaluated.all():
                    series.extend(steps, [v.reshape(-1, 1)])
                elif evaluated.any():
                    series.extend(steps[evaluated], [v[evaluated].reshape(-1, 1)])
        if len(chunk.param_steps) and self.rows is not None:
            self.rows.extend(chunk.param_steps, [chunk.params, chunk.grads, _row_meta(chunk)])

    def series(self, name: str) -> Series:
        """The cost series `name`: "cost" or one of the evaluated costs."""
        return self.cost if name == "cost" else self.evals[name]

    def first_step(self) -> int:
        """The first step kept by the cost or the rows (0 when there is none)."""
        starts = [int(s.steps[0]) for s in (self.cost, self.rows) if s is not None and s.n]
        return min(starts, default=0)

    def latest_step(self) -> int:
        """The latest step kept by the cost or the rows (-1 when there is none)."""
        latest = self.cost.last_step if self.cost is not None else -1
        if self.rows is not None:
            latest = max(latest, self.rows.last_step)
        return latest

    def curve_data(self, which: str, index: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The full stored (steps, values) of one curve, as copies (not decimated for drawing).

        `which`: "cost", "train_cost", "test_cost" (only the evaluated steps), or "parameter" /
        "gradient" with `index` a parameter index (shown or not).
        """
        empty = (np.empty(0, dtype=np.int64), np.empty(0))
        if which == "cost":
            return self.cost.column(0) if self.cost is not None else empty
        if which in EVALUATED:
            s = self.evals.get(which)
            return s.column(0) if s is not None else empty
        if which in ("parameter", "gradient"):
            if index is None:
                raise ValueError(f"curve_data({which!r}) needs a parameter index")
            p = len(self.names)
            if not 0 <= index < p:
                raise IndexError(f"parameter index {index} out of range (0..{p - 1})")
            return self.rows.column(index if which == "parameter" else p + index)
        raise ValueError(
            f"unknown curve {which!r}; expected cost, train_cost, test_cost, parameter or gradient"
        )

    def row_steps(self) -> np.ndarray:
        """The steps of the stored parameter rows (a view, valid until the next `add`)."""
        rows = self.rows
        return rows.steps[: rows.n] if rows is not None else np.empty(0, dtype=np.int64)

    @property
    def nbytes(self) -> int:
        """Bytes held (bounded by the budget)."""
        total = sum(s.nbytes for s in self.evals.values())
        for s in (self.cost, self.rows):
            if s is not None:
                total += s.nbytes
        return total


def _row_meta(chunk: HistoryChunk) -> np.ndarray:
    """ROW_META at each of the chunk's parameter rows, looked up among its dense steps (m, 3)."""
    steps, at = chunk.steps, chunk.param_steps
    meta = np.full((len(at), len(ROW_META)), np.nan)
    if len(steps):
        i = np.minimum(np.searchsorted(steps, at), len(steps) - 1)
        found = steps[i] == at
        for c, name in enumerate(ROW_META):
            v = chunk.cost if name == "cost" else chunk.extras.get(name)
            if v is not None:
                meta[found, c] = v[i[found]]
    return meta
