"""What the Compare runs window knows of a comparison: each variant's curves and results (no Qt).

The curves are kept like the main plots' (gdsim.session.series: stride doubling within a
budget, a min/max pyramid for drawing), so a long comparison stays bounded and a redraw reads
~2 points per pixel. "train" is the train cost where it was evaluated (every step with full
batches) or, without one (function mode), the cost; "test" the test cost where evaluated.
"Steps to target" is the first step whose train value is at or below the target: followed row
by row as rows arrive, and looked up in the kept curve when the target changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdsim.session.protocol import CompareProgress, CompareStarted
from gdsim.session.series import Series

CURVE_BUDGET = 2 * 2**20  # bytes per curve (two curves a variant, six variants at most)


@dataclass
class VariantResult:
    label: str
    step: int = 0
    cost: float = math.nan  # the latest train value (see the module doc)
    test_cost: float = math.nan
    accuracy: float = math.nan  # the latest test accuracy, else train accuracy
    to_target: int | None = None
    diverged_at: int | None = None
    diverged: str | None = None
    done: bool = False
    train: Series = field(default_factory=lambda: Series(1, CURVE_BUDGET))
    test: Series = field(default_factory=lambda: Series(1, CURVE_BUDGET))


class CompareResults:
    """The variants of the comparison shown: fed CompareStarted, then CompareProgress."""

    def __init__(self) -> None:
        self.started: CompareStarted | None = None
        self.variants: list[VariantResult] = []
        self.target: float | None = None
        self.accuracy_name = ""  # "test accuracy", "train accuracy" or "" (no classes)

    def start(self, started: CompareStarted, target: float | None) -> None:
        self.started = started
        self.target = target
        self.variants = [VariantResult(label) for label in started.labels]
        names = started.extra_names
        self.accuracy_name = next(
            (n.replace("_", " ") for n in ("test_accuracy", "train_accuracy") if n in names), ""
        )

    def add(self, progress: CompareProgress) -> None:
        acc_key = self.accuracy_name.replace(" ", "_")
        for rows in progress.variants:
            v = self.variants[rows.index]
            train = rows.extras.get("train_cost", rows.cost)
            _extend(v.train, rows.steps, train)
            _extend(v.test, rows.steps, rows.extras.get("test_cost"))
            v.cost = _last(train, v.cost)
            v.test_cost = _last(rows.extras.get("test_cost"), v.test_cost)
            v.accuracy = _last(rows.extras.get(acc_key), v.accuracy)
            if v.to_target is None and self.target is not None and len(rows.steps):
                v.to_target = _first_at_or_below(rows.steps, train, self.target)
            v.step, v.done = rows.step, rows.done
            if rows.diverged and v.diverged is None:
                v.diverged, v.diverged_at = rows.diverged, rows.step

    def set_target(self, target: float | None) -> None:
        """A new target: each variant's steps to it, from its kept train curve."""
        self.target = target
        for v in self.variants:
            steps, values = v.train.column(0)
            v.to_target = None if target is None else _first_at_or_below(steps, values, target)

    def first_values(self) -> list[float]:
        """Each variant's first train value (its step 0 when kept): the same start shows here."""
        return [v.train.value(0, 0) if v.train.n else math.nan for v in self.variants]


def _extend(series: Series, steps: np.ndarray, values: np.ndarray | None) -> None:
    if values is None or not len(steps):
        return
    keep = ~np.isnan(values)
    if keep.all():
        series.extend(steps, [values.reshape(-1, 1)])
    elif keep.any():
        series.extend(steps[keep], [values[keep].reshape(-1, 1)])


def _last(values: np.ndarray | None, before: float) -> float:
    """The last evaluated (non-NaN) value, else `before`."""
    if values is None:
        return before
    seen = np.flatnonzero(~np.isnan(values))
    return float(values[seen[-1]]) if seen.size else before


def _first_at_or_below(steps: np.ndarray, values: np.ndarray, target: float) -> int | None:
    hit = np.flatnonzero(values <= target)  # (NaN compares False)
    return int(steps[hit[0]]) if hit.size else None
