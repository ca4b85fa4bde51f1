"""Checkpoints of the trainer's whole state, so that a run can be rewound to any step exactly.

A checkpoint is taken when training arrives at a step that is a multiple of `stride`, before any
live change at that step (the trainer replays those from its list of changes). It holds the
parameters, the gradient, a copy of the optimizer (its settings, buffers, step count and flags),
the objective's batch state (batch order, position, epoch, the batch RNG's state), the frozen
parameters and the config in force. Rewinding to step k restores the newest checkpoint at or
before k and replays the updates from there, which NumPy makes bit for bit the same.

Step 0 needs no checkpoint: the trainer makes its state again as `reset` does (from the seed and
the settings at the start), so a run can always be rewound.

Memory: at most `budget_bytes` (an eighth of the trainer's history budget; the history gets the
rest) and `MAX_CHECKPOINTS`. When one more would not fit, the checkpoints are decimated by stride
doubling as the history's rows are: only those on twice the stride stay, so replaying takes at
most about `stride` steps; a checkpoint bigger than the whole budget is not kept (replay from
step 0).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np

INITIAL_STRIDE = 16
MAX_CHECKPOINTS = 128  # also by count: fewer copies per step as the run grows


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    step: int
    cost: float
    theta: np.ndarray
    grad: np.ndarray
    optimizer: Any  # a private copy: restore() hands out copies of it
    batch_state: dict[str, Any]
    frozen: np.ndarray | None
    config: Any
    nbytes: int


def _copy_optimizer(optimizer: Any) -> Any:
    """A copy of `optimizer` sharing nothing mutable with it; its scratch vector (which no step
    reads before writing) is not copied but made anew, so a checkpoint does not keep one."""
    opt = copy.copy(optimizer)
    for key, value in vars(optimizer).items():
        if key == "_scratch":
            opt.__dict__[key] = None
        elif isinstance(value, np.ndarray):
            opt.__dict__[key] = value.copy()
        elif not isinstance(value, (bool, int, float, str, type(None))):
            opt.__dict__[key] = copy.deepcopy(value)  # the settings, the lerp's weight
    return opt


def take(
    step: int,
    cost: float,
    theta: np.ndarray,
    grad: np.ndarray,
    optimizer: Any,
    batch_state: dict[str, Any],
    frozen: np.ndarray | None,
    config: Any,
) -> Checkpoint:
    opt = _copy_optimizer(optimizer)
    nbytes = theta.nbytes + grad.nbytes + sum(b.nbytes for b in opt.buffers.values())
    nbytes += sum(v.nbytes for v in batch_state.values() if isinstance(v, np.ndarray))
    if frozen is not None:
        nbytes += frozen.nbytes
    return Checkpoint(
        step, cost, theta.copy(), grad.copy(), opt, batch_state, frozen, config, nbytes + 1024
    )


class Checkpoints:
    """The checkpoints of one run, oldest first, within `budget_bytes`."""

    def __init__(self, budget_bytes: int, initial_stride: int = INITIAL_STRIDE) -> None:
        self.budget_bytes = int(budget_bytes)
        self._initial = int(initial_stride)
        self.clear()

    def clear(self) -> None:
        self._items: list[Checkpoint] = []
        self.stride = self._initial
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def steps(self) -> list[int]:
        return [c.step for c in self._items]

    def due(self, step: int) -> bool:
        return step % self.stride == 0

    def add(self, checkpoint: Checkpoint) -> None:
        """Keep `checkpoint` (its step after every kept one); decimate while over the budget."""
        items = self._items
        if items and checkpoint.step <= items[-1].step:
            raise ValueError(f"checkpoint steps must increase: {checkpoint.step}")
        items.append(checkpoint)
        self.nbytes += checkpoint.nbytes
        while self.nbytes > self.budget_bytes or len(items) > MAX_CHECKPOINTS:
            if len(items) == 1:  # too big on its own: rewinding replays from the start
                self._items = []
                self.nbytes = 0
                break
            self.stride *= 2
            keep = [c for c in items if c.step % self.stride == 0 or c is checkpoint]
            self._items = items = keep
            self.nbytes = sum(c.nbytes for c in items)

    def at_or_before(self, step: int) -> Checkpoint | None:
        """The newest checkpoint at or before `step`; None: replay from the start."""
        best = None
        for c in self._items:
            if c.step > step:
                break
            best = c
        return best

    def drop_after(self, step: int) -> None:
        """Forget the checkpoints after `step` (the run was cut there)."""
        self._items = [c for c in self._items if c.step <= step]
        self.nbytes = sum(c.nbytes for c in self._items)


def restore_optimizer(checkpoint: Checkpoint) -> Any:
    """A fresh copy of the checkpoint's optimizer (the checkpoint stays as it was)."""
    opt = _copy_optimizer(checkpoint.optimizer)
    if "_scratch" in vars(opt):
        opt._scratch = np.zeros(opt.n_params)
    return opt
