"""The GUI side of a training session: requests become protocol commands, messages become signals.

:class:`SessionBase` turns the widgets' requests into `Command`s for a TrainingDriver and the
driver's `Message`s into Qt signals (gdsim.session.protocol). Run ids let the GUI drop snapshots
of a run that was reset after they were sent. A refused request or an engine exception arrives
as `failed(str)`; the session stays usable. Never a message per step.

The running state (`running`, `running_changed`) shows a request's effect at once (Run and
Step N show Pause; a single Step changes nothing) and then follows the driver, but only from
messages that answer every request sent, so nothing already on its way flips it back.

Where the driver runs is the subclass's business: the app's trainer process
(gdsim.app.trainer_session.TrainingSession) or the GUI thread for the lessons
(gdsim.app.local_session.LocalSession).
"""

from __future__ import annotations

import contextlib
import dataclasses
import numbers
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from gdsim.config import Config, OptimizerConfig
from gdsim.session import protocol as wire  # (the comparison's commands and messages)
from gdsim.session.protocol import (
    CancelExport,
    Command,
    Export,
    Exported,
    ExportFailed,
    ExportProgress,
    Failed,
    Freeze,
    Load,
    LoadFailed,
    Message,
    Pause,
    Reset,
    Rewind,
    Run,
    RunStarted,
    SetLearningRate,
    SetOptimizer,
    SetParameters,
    SetSpeedLimit,
    SetStopRules,
    SnapshotReady,
    Step,
)
from gdsim.session.runstate import RunInfo, Snapshot


def _whole(value):
    """Whole numbers as Python ints (numpy's too); anything else as it is, for the driver to
    refuse with a reason (never raised here, in the GUI thread)."""
    return (
        int(value) if isinstance(value, numbers.Integral) and not isinstance(value, bool) else value
    )


def _real(value):
    """Real numbers as Python floats; anything else as it is (see _whole)."""
    return (
        float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else value
    )


class SessionBase(QObject):
    """What every session offers the widgets: requests as commands for a TrainingDriver, and
    the driver's messages turned into signals (snapshots of an older run are dropped).
    Subclasses pass where commands go (`send`) and feed messages back to `_on_message`.

    `failed(text)` is always followed by `running_changed(running)` with the state in force
    (a refused setting does not stop a run), so a widget that assumed a stop is put right."""

    run_started = Signal(object)
    snapshot = Signal(object)
    failed = Signal(str)
    running_changed = Signal(bool)
    export_progress = Signal(int, int)
    exported = Signal(str)
    export_failed = Signal(str)
    compare_started = Signal(object)
    compare_progress = Signal(object)
    compare_done = Signal(object)
    compare_failed = Signal(str)
    compare_exported = Signal(object)

    def __init__(self, parent: QObject | None, budget_bytes: int, send: Callable[[Command], None]):
        super().__init__(parent)
        self._send_command = send
        self._ids = 0  # the last run id handed out; ids are never used twice
        self._run_id = 0  # the run whose messages are taken: the one shown, or asked for
        self._requests = 0  # Load/Reset/Step/Run commands sent to the current driver
        self._running = False
        self._exporting = False
        self.budget_bytes = budget_bytes
        self.info: RunInfo | None = None
        self.last: Snapshot | None = None
        # Whether the last `failed` was a refused Load (then the run shown goes on unchanged)
        # rather than a refused setting, step or export.
        self.refused_load = False
        # The config of the run shown, with the live changes sent since it started, and the
        # driver's own settings: what a new trainer process needs to go on (TrainingSession).
        self.config: Config | None = None
        self._speed_limit: float | None = None
        self._stop_rules: tuple[int | None, float | None] = (None, None)
        self._edit_ids: set[int] = set()  # run ids asked for by Rewind and SetParameters
        self._compare_id = 0  # the comparison asked for last (its messages are taken)

    @property
    def running(self) -> bool:
        return self._running

    def _send(self, command: Command) -> None:
        self._send_command(command)

    def _request(self, command: Load | Reset | Rewind | Step | Run) -> None:
        """A command the driver counts (see protocol: the running state)."""
        self._requests += 1
        self._send(command)

    def _new_run_id(self) -> int:
        self._ids += 1
        return self._ids

    # ------------------------------------------------------------------ requests
    def load(self, config: Config) -> None:
        self._run_id = self._new_run_id()
        self._set_running(False)
        self._request(Load(config, self._run_id))

    def reset(self, seed: int | None = None) -> None:
        self._run_id = self._new_run_id()
        self._set_running(False)
        self._request(Reset(_whole(seed), self._run_id))

    def step(self, n: int = 1) -> None:
        """n more updates, added to any still to come (a Step during a Step N adds one)."""
        n = _whole(n)
        if isinstance(n, int) and n > 1:
            self._set_running(True)  # Step N shows Pause until done; one step flips nothing
        self._request(Step(n))

    def run(self) -> None:
        self._set_running(True)
        self._request(Run())

    def pause(self) -> None:
        self._send(Pause())

    def rewind(self, step: int) -> None:
        """Cut the run at `step` and go on from the exact state there (training pauses)."""
        self._run_id = self._new_run_id()
        self._edit_ids.add(self._run_id)
        self._set_running(False)
        self._request(Rewind(_whole(step), self._run_id))

    def set_parameters(self, values: dict[str, float]) -> None:
        """Set parameters by name; the cost and gradients at the new values come back at once
        (a run that is training goes on from them)."""
        self._run_id = self._new_run_id()
        self._edit_ids.add(self._run_id)
        self._send(SetParameters({k: _real(v) for k, v in dict(values).items()}, self._run_id))

    def freeze(self, names: tuple[str, ...] | list[str], frozen: bool = True) -> None:
        """Freeze (or unfreeze) parameters by name or shell-style pattern."""
        self._send(Freeze(tuple(names), bool(frozen)))

    def set_learning_rate(self, learning_rate: float) -> None:
        learning_rate = _real(learning_rate)
        if self.config is not None and isinstance(learning_rate, float):
            optimizer = self.config.optimizer
            self._remember(dataclasses.replace(optimizer, learning_rate=learning_rate))
        self._send(SetLearningRate(learning_rate))

    def set_optimizer(self, optimizer: OptimizerConfig) -> None:
        self._remember(optimizer)
        self._send(SetOptimizer(optimizer))

    def _remember(self, optimizer: OptimizerConfig) -> None:
        """Keep `config` in step with a live change (one the config refuses, the driver will
        refuse too: then the config stays as it was)."""
        if self.config is not None:
            with contextlib.suppress(ValueError, TypeError):
                self.config = self.config.replace(optimizer=optimizer)

    def set_speed_limit(self, steps_per_second: float | None) -> None:
        self._speed_limit = _real(steps_per_second)
        self._send(SetSpeedLimit(self._speed_limit))

    def set_stop_conditions(self, max_steps: int | None, target_cost: float | None) -> None:
        self._stop_rules = (_whole(max_steps), _real(target_cost))
        self._send(SetStopRules(*self._stop_rules))

    def export(self, path: str, every: int = 1) -> None:
        self._exporting = True
        self._send(Export(str(path), _whole(every)))

    def cancel_export(self) -> None:
        self._send(CancelExport())

    def compare(self, variants, labels, steps: int) -> int:
        """Train variants ({setting: value}) of the run's start side by side (compare_*)."""
        self._compare_id = cid = self._new_run_id()
        self._send(wire.Compare(tuple(map(dict, variants)), tuple(labels), _whole(steps), cid))
        return cid

    def cancel_compare(self) -> None:
        self._send(wire.CancelCompare())  # what was trained stays, for export

    def export_compare(self, folder: str) -> None:
        self._send(wire.ExportCompare(str(folder)))  # every variant's run CSV and its RUN.json

    # ------------------------------------------------------------------ answers
    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)

    def _answers_all(self, requests: int) -> bool:
        """Whether a message was sent after every request we sent (its state is the newest)."""
        return requests == self._requests

    def _fail(self, text: str, refused_load: bool = False) -> None:
        self.refused_load = refused_load
        self.failed.emit(text)
        self.running_changed.emit(self._running)

    def _on_message(self, message: Message) -> None:
        match message:
            case SnapshotReady(snap, requests):
                if snap.run_id != self._run_id:
                    return  # from a run that was reset after this was sent
                self.last = snap
                if self._answers_all(requests):
                    self._set_running(snap.running)
                self.snapshot.emit(snap)
            case RunStarted(info):
                if info.run_id == self._run_id:
                    self.info = info
                    self.config = info.config
                    self.last = None
                    self.run_started.emit(info)
            case LoadFailed(text, current, refused, requests, running):
                asked_last = refused == self._run_id
                if asked_last:  # the run asked for last was refused: the current
                    self._run_id = current  # one goes on; accept its snapshots again
                if self._answers_all(requests):
                    self._set_running(running)
                a_load = refused not in self._edit_ids  # (a refused edit says why itself)
                self._fail(text, refused_load=asked_last and a_load and self.info is not None)
            case Failed(text, running, requests):
                if self._answers_all(requests):
                    self._set_running(running)
                self._fail(text)
            case ExportProgress(done, total):
                self.export_progress.emit(done, total)
            case Exported(path):
                self._exporting = False
                self.exported.emit(path)
            case ExportFailed(text):
                self._exporting = False
                self.export_failed.emit(text)
            case wire.CompareStarted(cid) if cid == self._compare_id:
                self.compare_started.emit(message)
            case wire.CompareProgress(cid) if cid == self._compare_id:
                self.compare_progress.emit(message)
            case wire.CompareDone(cid) if cid == self._compare_id:
                self.compare_done.emit(message)
            case wire.CompareFailed(text, cid) if cid in (0, self._compare_id):
                self.compare_failed.emit(text)
            case wire.CompareExported(paths):
                self.compare_exported.emit(list(paths))
