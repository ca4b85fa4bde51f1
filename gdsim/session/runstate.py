"""Plain data passed from the training worker to the widgets (no Qt here).

The worker sends a `RunInfo` when a run starts (load, reset, re-randomise) and a `Snapshot`
after every time-boxed chunk of training. Every array in them is a copy that nobody mutates
later, so widgets may keep references.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdsim.config import Config
from gdsim.engine.history import HistoryChunk

if TYPE_CHECKING:
    from gdsim.engine.trainer import Trainer

_LAYER = re.compile(r"^[wb](\d+)_")


def parameter_layers(names: tuple[str, ...]) -> tuple[int, ...]:
    """Layer number of each parameter (w2_1_3 -> 2, b1_4 -> 1); 0 for function-mode names."""
    return tuple(int(m.group(1)) if (m := _LAYER.match(n)) else 0 for n in names)


def describe_parameter(name: str) -> str:
    """Plain words for a parameter name: w2_1_3 -> 'weight into neuron 1 of layer 2 from
    neuron 3 of layer 1'; b1_4 -> 'bias of neuron 4 of layer 1'; anything else unchanged."""
    parts = name[1:].split("_")
    if name[:1] == "w" and len(parts) == 3 and all(p.isdigit() for p in parts):
        layer, j, k = (int(p) for p in parts)
        source = f"input {k}" if layer == 1 else f"neuron {k} of layer {layer - 1}"
        return f"weight into neuron {j} of layer {layer} from {source}"
    if name[:1] == "b" and len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"bias of neuron {parts[1]} of layer {parts[0]}"
    return f"parameter {name}"


@dataclass(frozen=True)
class RunInfo:
    run_id: int
    config: Config
    parameter_names: tuple[str, ...]
    extra_names: tuple[str, ...]  # e.g. ("train_cost", "test_cost", "epoch", "learning_rate")
    seed: int

    @property
    def layers(self) -> tuple[int, ...]:
        return parameter_layers(self.parameter_names)


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
    ) -> Snapshot:
        """The trainer's state now, with `chunk` (the rows recorded since the last snapshot)."""
        t = trainer
        return cls(
            run_id=run_id,
            chunk=chunk,
            step=t.step_count,
            epoch=t.epoch,
            cost=t.cost,
            parameters=t.parameters,
            gradients=t.gradients,
            last_update=t.last_update,
            learning_rate=t.learning_rate,
            running=running,
            diverged=t.diverged,
            steps_per_second=steps_per_second,
            stop_reason=stop_reason,
            history_bytes=t.history.nbytes,
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
