"""What the trainer process would send for a Trainer's state: for feeding views in tests."""

from gdsim.app.runstate import RunInfo, Snapshot
from gdsim.engine.trainer import Trainer


def run_info(t: Trainer, run_id: int = 1) -> RunInfo:
    return RunInfo(
        run_id=run_id,
        config=t.config,
        parameter_names=t.parameter_names,
        extra_names=t.extra_names,
        seed=t.seed,
    )


def snapshot(t: Trainer, since: int = -1, run_id: int = 1, running: bool = False) -> Snapshot:
    """The rows recorded after step `since` and the current state (as TrainingDriver sends)."""
    return Snapshot(
        run_id=run_id,
        chunk=t.history.since(since),
        step=t.step_count,
        epoch=t.epoch,
        cost=t.cost,
        parameters=t.parameters,
        gradients=t.gradients,
        last_update=t.last_update,
        learning_rate=t.learning_rate,
        running=running,
        diverged=t.diverged,
        steps_per_second=0.0,
        history_bytes=t.history.nbytes,
    )


def run_state(t: Trainer, run_id: int = 1) -> tuple[RunInfo, Snapshot]:
    """A run's start and one snapshot with every row so far."""
    return run_info(t, run_id), snapshot(t, -1, run_id)
