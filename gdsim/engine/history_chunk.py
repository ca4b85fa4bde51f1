"""What a History hands out: the rows appended after some step, as copies (see history.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class HistoryChunk:
    """What was appended after some step, as copies that the History never touches again.

    The last param row may be the latest step stored off-stride (its values are exact, but the
    History itself will drop it on the next append). `latest_step` is -1 and `latest_params` /
    `latest_grads` are empty (shape (0,)) when the History is empty.
    """

    steps: np.ndarray  # (n,) int64
    cost: np.ndarray  # (n,) float64
    extras: dict[str, np.ndarray]  # name -> (n,) float64
    param_steps: np.ndarray  # (m,) int64
    params: np.ndarray  # (m, P) float64
    grads: np.ndarray  # (m, P) float64
    latest_step: int
    latest_params: np.ndarray  # (P,) float64
    latest_grads: np.ndarray  # (P,) float64

    @property
    def is_empty(self) -> bool:
        """True when nothing new was appended (no dense entry and no param row)."""
        return len(self.steps) == 0 and len(self.param_steps) == 0


def readonly(a: np.ndarray) -> np.ndarray:
    """A read-only view of `a`."""
    v = a.view()
    v.flags.writeable = False
    return v
