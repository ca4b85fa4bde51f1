"""The trainer's hands-on part: rewind, set parameters by hand, freeze, and the list of changes.

A mixin of :class:`gdsim.engine.trainer.Trainer` (kept apart so each module stays small).

Every change made after the start is recorded, in order, in :attr:`TimeTravel.changes` as plain
JSON-able dicts ``{"step": s, "kind": ..., ...}``, where ``step`` is the step the trainer was at:

* ``{"kind": "optimizer", "name": "adam", "settings": {...all hyperparameters...}}``
  (``set_optimizer`` and ``set_learning_rate``);
* ``{"kind": "parameters", "values": {"w1_1_1": 0.5}}`` (``set_parameters``);
* ``{"kind": "freeze", "names": [...]}`` / ``{"kind": "unfreeze", "names": [...]}``;
* ``{"kind": "rewind", "to": k}``.

A change at step s applies to the update from s to s+1 on. :meth:`TimeTravel.replay` applies such
a list to a trainer fresh from ``reset()`` and so reproduces the run exactly.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from gdsim.config.changes import check_change
from gdsim.engine import checkpoints as _ck
from gdsim.engine.edits import NameLookup
from gdsim.engine.optimizers import make_optimizer


def start_frozen(config: Any, names: NameLookup) -> np.ndarray | None:
    """Positions of the parameters the config freezes (network mode), or None."""
    if config.mode != "network" or not config.frozen:
        return None
    return names.matching(config.frozen, "frozen")


class TimeTravel:
    """Mixin: needs the trainer's objective, optimizer, history, checkpoints, _step, _cost,
    _record, _set_optimizer, _names, _frozen, _changes and _timeline."""

    # ------------------------------------------------------------------ reading
    @property
    def changes(self) -> list[dict[str, Any]]:
        """The live changes since the start, in order (a copy; see the module's docstring)."""
        return copy.deepcopy(self._changes)

    @property
    def branch_changes(self) -> list[dict[str, Any]]:
        """The changes in force on the run as it is now (those a rewind cut away are not), in
        order, without the rewinds themselves: what a plot marks (a copy)."""
        return copy.deepcopy(self._timeline)

    @property
    def frozen_positions(self) -> np.ndarray:
        """Positions of the frozen parameters, ascending (a copy; empty when none is frozen)."""
        if self._frozen is None:
            return np.empty(0, dtype=np.intp)
        return self._frozen.copy()

    @property
    def frozen(self) -> tuple[str, ...]:
        """Names of the frozen parameters, in parameter order."""
        if self._frozen is None:
            return ()
        names = self.parameter_names
        return tuple(names[i] for i in self._frozen)

    # ------------------------------------------------------------------ changes
    def set_parameters(self, values: Mapping[str, float]) -> None:
        """Set parameters by name; the cost and gradient at the new parameters (on the current
        batch) are computed at once and replace the current step's history row (the step count
        does not change: no update was applied). Unknown names or non-finite values:
        ValueError, and nothing changes."""
        idx, vals = self._names.values(values, "set_parameters")
        self._set_parameters(idx, vals)
        self._log({"kind": "parameters", "values": {n: float(v) for n, v in values.items()}})

    def _set_parameters(self, idx: np.ndarray, vals: np.ndarray) -> None:
        self.objective.theta[idx] = vals
        self._diverged = None
        with np.errstate(all="ignore"):
            self._cost = self.objective.evaluate()
            self._record(replace=True)

    def freeze(self, names: Iterable[str] | str) -> None:
        """Freeze parameters (names or shell-style patterns): their gradients are still computed
        and recorded, but no update moves them (their `last_update` is 0). The optimizer's state
        for them goes on as if they were not frozen (momentum, moments, step count)."""
        self._freeze(names, True, log=True)

    def unfreeze(self, names: Iterable[str] | str) -> None:
        """Let frozen parameters (names or patterns) be updated again."""
        self._freeze(names, False, log=True)

    def _freeze(self, names: Iterable[str] | str, on: bool, *, log: bool) -> None:
        what = "freeze" if on else "unfreeze"
        names = [names] if isinstance(names, str) else list(names)
        idx = self._names.matching(names, what)
        now = self._frozen if self._frozen is not None else np.empty(0, dtype=np.intp)
        new = np.union1d(now, idx) if on else np.setdiff1d(now, idx)
        self._frozen = new.astype(np.intp) if new.size else None
        if log:
            self._log({"kind": what, "names": names})

    def rewind(self, step: int) -> None:
        """Cut the run at `step` (0..step_count) and go back to the exact state there:
        parameters, gradient, cost, optimizer state, batch order and position, epoch, the batch
        RNG, frozen parameters and settings, with the changes made at `step` itself kept. The
        history after `step` is dropped. Training on reproduces the original run bit for bit
        (as long as the same changes are made). Step back: ``rewind(step_count - 1)``."""
        if isinstance(step, (bool, np.bool_)) or not isinstance(step, (int, np.integer)):
            raise ValueError(f"rewind: the step must be a whole number, got {step!r}")
        k = operator.index(step)
        if not 0 <= k <= self._step:
            raise ValueError(f"rewind: the step must be in 0..{self._step}, got {k}")
        checkpoint = self.checkpoints.at_or_before(k)
        self._log({"kind": "rewind", "to": k})
        kept = [c for c in self._timeline if c["step"] <= k]
        at = 0 if checkpoint is None else checkpoint.step
        self._timeline = [c for c in kept if c["step"] < at]  # _run_to adds the rest
        self.checkpoints.drop_after(k)
        self.history.truncate_before(at)
        self._restore(checkpoint)
        self._run_to(k, [c for c in kept if c["step"] >= at])

    def _restore(self, c: _ck.Checkpoint | None) -> None:
        """Back to checkpoint `c`, or to the start (None: made again, as `reset` makes it)."""
        obj = self.objective
        if c is None:
            self.config = config = self.start_config
            self._start()
            opt = config.optimizer
            self.optimizer = make_optimizer(opt.name, obj.theta.size, **opt.hyperparameters())
            self._step = 0
            self._diverged = None
            with np.errstate(all="ignore"):
                self._cost = obj.evaluate()
                self._record()
            return
        obj.theta[...] = c.theta
        obj.restore_batch(c.batch_state, c.step)
        self.optimizer = _ck.restore_optimizer(c)
        self._frozen = None if c.frozen is None else c.frozen.copy()
        self.config = c.config
        self._step = c.step
        self._diverged = None
        with np.errstate(all="ignore"):
            obj.evaluate()  # (the extras read this forward pass)
            obj.grad[...] = c.grad
            self._cost = c.cost
            self._record()

    def _run_to(self, target: int, changes: Sequence[dict[str, Any]]) -> None:
        """Train to `target`, applying `changes` (without logging them) at their steps."""
        for change in changes:
            if change["step"] > self._step:
                self.step(change["step"] - self._step)
            if change["step"] != self._step:
                break  # (diverged before)
            self._apply(change)
        if target > self._step:
            self.step(target - self._step)

    def _apply(self, change: Mapping[str, Any]) -> None:
        kind = change["kind"]
        if kind == "optimizer":
            self._set_optimizer(change["name"], dict(change["settings"]))
        elif kind == "parameters":
            self._set_parameters(*self._names.values(change["values"], "set_parameters"))
        elif kind in ("freeze", "unfreeze"):
            self._freeze(change["names"], kind == "freeze", log=False)
        self._timeline.append(dict(change))

    def replay(self, changes: Sequence[Mapping[str, Any]], steps: int | None = None) -> None:
        """Apply a recorded list of changes (see :attr:`changes`) from the current step on, each
        at its step, then train to `steps` (if given; rewound to it if the changes went past
        it): a run replayed from its start. A bad change: ValueError naming ``changes[i]``."""
        for i, change in enumerate(changes):
            check_change(change, i)
            at = change["step"]
            if at < self._step:
                raise ValueError(f"changes[{i}].step: {at} is before the current step")
            if at > self._step:
                self.step(at - self._step)
            if self._step != at:
                raise ValueError(f"changes[{i}]: training stopped at step {self._step}")
            kind = change["kind"]
            if kind == "optimizer":
                self.set_optimizer(change["name"], **change["settings"])
            elif kind == "parameters":
                self.set_parameters(change["values"])
            elif kind == "freeze":
                self.freeze(change["names"])
            elif kind == "unfreeze":
                self.unfreeze(change["names"])
            else:
                self.rewind(change["to"])
        if steps is not None and steps > self._step:
            self.step(steps - self._step)
        elif steps is not None and steps < self._step:
            self.rewind(steps)

    # ------------------------------------------------------------------ bookkeeping
    def _log(self, change: dict[str, Any]) -> None:
        change = {"step": self._step, **change}
        self._changes.append(change)
        if change["kind"] != "rewind":
            self._timeline.append(change)

    def _checkpoint(self) -> None:
        obj = self.objective
        self.checkpoints.add(
            _ck.take(
                self._step,
                self._cost,
                obj.theta,
                obj.grad,
                self.optimizer,
                obj.batch_state(),
                None if self._frozen is None else self._frozen.copy(),
                self.config,
            )
        )
