"""The Prediction tab's class numbers, Qt-free: predicted classes, the confusion matrix, the
misclassified samples, and the accuracy over time (train and test) from the run's extras.

* A single output predicts class 1 at output >= 0.5; several outputs predict their argmax
  (outputs that are not finite never win), as the trainer's accuracy extras do.
* The confusion matrix counts samples by (true class, predicted class): rows true, columns
  predicted; its diagonal are the samples classified right.
* The accuracy over time is the trainer's ``train_accuracy`` / ``test_accuracy`` extras, kept at
  the steps where they were evaluated, within a budget by stride doubling
  (:class:`gdsim.session.series.Series`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from gdsim.engine.history import HistoryChunk
from gdsim.session.series import Series

__all__ = [
    "ACCURACY_EXTRAS",
    "MAX_SHOWN",
    "AccuracyStore",
    "cell_text",
    "confusion_matrix",
    "misclassified",
    "predicted_classes",
    "sample_text",
]

ACCURACY_EXTRAS = ("train_accuracy", "test_accuracy")
MAX_SHOWN = 60  # misclassified samples drawn at most (the count says how many there are)
ACCURACY_BUDGET = 1 << 20  # bytes for the accuracy over time (~40k evaluated steps)


def predicted_classes(out: np.ndarray) -> np.ndarray:
    """The class each sample (column of the outputs `out`) is predicted as."""
    if out.shape[0] == 1:
        return (out[0] >= 0.5).astype(np.intp)
    return np.argmax(np.where(np.isfinite(out), out, -np.inf), axis=0)


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    """(k, k) counts: [true class, predicted class]."""
    true = np.asarray(labels).astype(np.intp)
    counts = np.bincount(true * k + np.asarray(predicted, dtype=np.intp), minlength=k * k)
    return counts[: k * k].reshape(k, k)


def misclassified(
    labels: np.ndarray, predicted: np.ndarray, limit: int = MAX_SHOWN
) -> tuple[np.ndarray, int]:
    """(the first `limit` sample indices predicted wrong, how many are wrong in all)."""
    wrong = np.flatnonzero(np.asarray(labels).astype(np.intp) != predicted)
    return wrong[:limit], int(wrong.size)


def sample_text(
    x: np.ndarray, names: Sequence[str], index: int, true: int, predicted: int, limit: int = 6
) -> str:
    """'#12: 1 → 0 · x1 0.31, x2 -0.52' (true → predicted class, at most `limit` inputs)."""
    values = ", ".join(f"{n} {v:.3g}" for n, v in zip(names[:limit], x[:limit], strict=False))
    more = f", … ({len(names)} inputs)" if len(names) > limit else ""
    return f"#{index + 1}: {true} → {predicted} · {values}{more}"


def cell_text(counts: np.ndarray, true: int, predicted: int) -> str:
    """A cell's tooltip: 'true 3, predicted 8: 5 samples (4.2% of class 3)'."""
    n = int(counts[true, predicted])
    row = int(counts[true].sum())
    share = f" ({100 * n / row:.1f}% of class {true})" if row else ""
    what = "right" if true == predicted else "wrong"
    return f"true {true}, predicted {predicted}: {n} sample{'s' if n != 1 else ''}{share}, {what}"


class AccuracyStore:
    """train / test accuracy at the steps they were evaluated (columns 0 and 1)."""

    def __init__(self) -> None:
        self.series = Series(2, ACCURACY_BUDGET)
        self.active = False

    def start(self, extra_names: Sequence[str]) -> None:
        """A new run: it records the accuracy extras or it does not (regression)."""
        self.series = Series(2, ACCURACY_BUDGET)
        self.active = all(name in extra_names for name in ACCURACY_EXTRAS)

    def add(self, chunk: HistoryChunk) -> None:
        if not self.active or not len(chunk.steps):
            return
        train = chunk.extras.get(ACCURACY_EXTRAS[0])
        test = chunk.extras.get(ACCURACY_EXTRAS[1])
        if train is None or test is None:
            return
        rows = np.isfinite(train) | np.isfinite(test)
        if rows.any():
            self.series.extend(chunk.steps[rows], [np.column_stack([train[rows], test[rows]])])

    def curve(self, column: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, accuracy) of train (0) or test (1), evaluated steps only."""
        steps, values = self.series.column(column)
        keep = np.isfinite(values)
        return steps[keep], values[keep]

    def latest(self, column: int) -> float:
        _, values = self.curve(column)
        return float(values[-1]) if values.size else math.nan
