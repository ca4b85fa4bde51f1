"""A History the trainer can cut and correct: for rewinding and for parameters set by hand.

Kept apart from :mod:`gdsim.engine.history` (which records) so that each module stays small.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np

from gdsim.engine.history import History


class EditableHistory(History):
    """A :class:`History` with `truncate_before` (rewind) and `replace_latest` (a hand edit)."""

    def truncate_before(self, step: int) -> None:
        """Drop every entry and row with a step >= `step`; those before it stay as they are.

        The new last entry was not the tail before (the tail was the latest step, >= `step`), so
        it lies on its stride: the next append takes a fresh slot and overwrites nothing kept.
        """
        step = operator.index(step)
        self._live = None  # a live tail is at the latest step, which is dropped
        n = int(np.searchsorted(self._steps[: self._n], step, side="left"))
        k = int(np.searchsorted(self._rsteps[: self._k], step, side="left"))
        self._n, self._k = n, k
        self._dtail_off = False
        self._rtail_off = False
        self._last = int(self._steps[n - 1]) if n else -1
        if k and not n:  # (not expected: the dense series always holds step 0)
            self._last = int(self._rsteps[k - 1])

    def replace_latest(
        self,
        cost: float,
        params: np.ndarray,
        grads: np.ndarray,
        extras: Sequence[float] | np.ndarray,
    ) -> None:
        """Overwrite the latest step's cost, extras, θ and g (copies): its state after an edit."""
        if self._last < 0:
            raise IndexError("the history is empty")
        params, grads = self._check_vectors(params, grads)
        if len(extras) != self._n_extras:
            raise ValueError(f"expected {self._n_extras} extras {self.extra_names}")
        vals = self._vals
        vals[0, self._n - 1] = float(cost)
        if self._n_extras:
            vals[1:, self._n - 1] = extras
        self._live = None
        r = self._slot[self._k - 1]
        self._rparams[r] = params
        self._rgrads[r] = grads
        if self._meta_eager:
            self._rmeta[:, self._k - 1] = vals[:, self._n - 1]
