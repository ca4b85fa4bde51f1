"""Plain data passed from the TrainingDriver to the widgets (no Qt here).

The driver sends a `RunInfo` when a run starts (load, reset, re-randomise) and a `Snapshot`
after every time-boxed chunk of training (inside the messages of gdsim.session.protocol). Every
array in them is a copy that nobody mutates later, so widgets may keep references.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdsim.config import Config
from gdsim.engine.history import HistoryChunk
from gdsim.engine.parameters import ParameterIndex

if TYPE_CHECKING:
    from gdsim.engine.trainer import Trainer


@dataclass(frozen=True)
class RunInfo:
    run_id: int
    config: Config
    parameter_names: tuple[str, ...]
    extra_names: tuple[str, ...]  # e.g. ("train_cost", "test_cost", "epoch", "learning_rate")
    seed: int
    # who each parameter is (kind, layer, j, k); read from the names when not given
    parameter_index: ParameterIndex | None = None
    # the live changes in force, in order (Trainer.branch_changes): the plots mark hand edits
    changes: tuple[dict, ...] = ()
    # True when this is the same run cut at a step or edited by hand (Rewind, SetParameters),
    # sent again from its history: views rebuild but keep what the learner chose to look at
    continued: bool = False

    def __post_init__(self) -> None:
        if self.parameter_index is None:
            object.__setattr__(
                self, "parameter_index", ParameterIndex.from_names(self.parameter_names)
            )

    @classmethod
    def of_trainer(cls, trainer: Trainer, run_id: int, continued: bool = False) -> RunInfo:
        """What a run that starts now is: its config, parameters, extra columns and changes."""
        return cls(
            run_id=run_id,
            config=trainer.config,
            parameter_names=trainer.parameter_names,
            extra_names=trainer.extra_names,
            seed=trainer.seed,
            parameter_index=trainer.parameter_index,
            changes=tuple(trainer.branch_changes),
            continued=continued,
        )

    @property
    def layers(self) -> tuple[int, ...]:
        return tuple(self.parameter_index.layer.tolist())


_NO_STATE = np.empty(0, dtype=np.float64)
_NO_STATE.setflags(write=False)
_NO_FROZEN = np.empty(0, dtype=np.intp)
_NO_FROZEN.setflags(write=False)


@dataclass(frozen=True, eq=False)
class Snapshot:
    run_id: int
    chunk: HistoryChunk  # rows recorded since the previous snapshot of this run
    step: int  # updates applied so far
    epoch: int
    cost: float  # at the current parameters
    parameters: np.ndarray  # current values
    gradients: np.ndarray  # dC/dtheta at the current values (used by the next update)
    last_update: np.ndarray  # theta_t - theta_{t-1}
    learning_rate: float
    running: bool
    diverged: str | None  # the reason, once training has diverged
    steps_per_second: float  # measured over the last chunk (0 when stepping by hand)
    stop_reason: str | None = None  # why a stop rule paused the run, e.g. the target cost
    history_bytes: int = 0  # memory the trainer's history holds (bounded by its budget)
    # positions of the frozen parameters, ascending
    frozen: np.ndarray = dataclasses.field(default_factory=lambda: _NO_FROZEN)

    @property
    def has_state(self) -> bool:
        """False for a snapshot sent without the parameters, gradients and last update."""
        return self.parameters.size > 0

    @classmethod
    def of_trainer(
        cls,
        trainer: Trainer,
        run_id: int,
        chunk: HistoryChunk,
        *,
        running: bool = False,
        steps_per_second: float = 0.0,
        stop_reason: str | None = None,
        with_state: bool = True,
    ) -> Snapshot:
        """The trainer's state now, with `chunk` (the rows recorded since the last snapshot).
        `with_state` False: without the parameters, gradients and last update (empty arrays:
        see `has_state`), for a big network's snapshots between those that carry them."""
        t = trainer
        state = (t.parameters, t.gradients, t.last_update) if with_state else (_NO_STATE,) * 3
        return cls(
            run_id=run_id,
            chunk=chunk,
            step=t.step_count,
            epoch=t.epoch,
            cost=t.cost,
            parameters=state[0],
            gradients=state[1],
            last_update=state[2],
            learning_rate=t.learning_rate,
            running=running,
            diverged=t.diverged,
            steps_per_second=steps_per_second,
            stop_reason=stop_reason,
            history_bytes=t.history.nbytes,
            frozen=t.frozen_positions,
        )


def merge_snapshots(snaps: Sequence[Snapshot]) -> Snapshot:
    """One snapshot carrying the rows of several consecutive ones (same run) and the last one's
    state: for views that update less often than snapshots arrive but need every row."""
    if len(snaps) == 1:
        return snaps[0]
    chunks = [s.chunk for s in snaps]
    last = chunks[-1]
    merged = dataclasses.replace(
        last,
        steps=np.concatenate([c.steps for c in chunks]),
        cost=np.concatenate([c.cost for c in chunks]),
        extras={
            k: np.concatenate([c.extras[k] for c in chunks if k in c.extras]) for k in last.extras
        },
        param_steps=np.concatenate([c.param_steps for c in chunks]),
        params=np.concatenate([c.params for c in chunks]),
        grads=np.concatenate([c.grads for c in chunks]),
    )
    return dataclasses.replace(snaps[-1], chunk=merged)


@dataclass(frozen=True, eq=False)
class VariantRows:
    """One variant of a comparison (gdsim.session.compare): its rows since the previous
    progress message (copies: steps, batch cost and extras such as train_cost, test_cost and
    train/test accuracy; NaN where not evaluated), where it is now, and how it ended."""

    index: int
    steps: np.ndarray  # (n,) int64
    cost: np.ndarray  # (n,) float64
    extras: dict[str, np.ndarray]  # name -> (n,) float64
    step: int  # updates applied so far
    done: bool  # reached the steps asked for, diverged, or stopped
    diverged: str | None  # the reason, once it diverged
