"""What the trainer process would send for a Trainer's state: for feeding views in tests."""

from pathlib import Path

from gdsim.engine.trainer import Trainer
from gdsim.session.run_files import open_trainer
from gdsim.session.runstate import RunInfo, Snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def trained(example, steps: int) -> Trainer:
    """A Trainer on an example config (a file name in resources/examples, or a path), stepped."""
    trainer = open_trainer(EXAMPLES / example if isinstance(example, str) else example)
    trainer.step(steps)
    return trainer


def show_view(qtbot, view, trainer: Trainer, size: tuple[int, int]):
    """A view on screen, started on the trainer's run and fed its every row so far."""
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    info, snap = run_state(trainer)
    view.start_run(info)
    view.update_from(snap)
    return view


def run_info(t: Trainer, run_id: int = 1) -> RunInfo:
    return RunInfo.of_trainer(t, run_id)


def snapshot(t: Trainer, since: int = -1, run_id: int = 1, running: bool = False) -> Snapshot:
    """The rows recorded after step `since` and the current state (as TrainingDriver sends)."""
    return Snapshot.of_trainer(t, run_id, t.history.since(since), running=running)


def run_state(t: Trainer, run_id: int = 1) -> tuple[RunInfo, Snapshot]:
    """A run's start and one snapshot with every row so far."""
    return run_info(t, run_id), snapshot(t, -1, run_id)
