"""A training session: the trainer runs in a child process; the GUI talks to it by messages.

The child (gdsim.session.child) runs a TrainingDriver, which owns the Trainer and trains in
~16 ms chunks, sending RunStarted when a run starts and a SnapshotReady (copies of every row
since the previous one) after each chunk (gdsim.session.protocol). Here, one QThread reads those
messages and hands them to the GUI thread as queued signals (gdsim.app.trainer_process). Run
ids let the GUI drop snapshots of a run that was reset after they were sent. A refused request
or an engine exception arrives as `failed(str)`; the session stays usable. Never a message per
step.

The running state (`running`, `running_changed`) shows a request's effect at once (Run and
Step N show Pause; a single Step changes nothing) and then follows the driver, but only from
messages that answer every request sent, so nothing already on its way flips it back.

A trainer process that dies (killed, out of memory, a crash) is noticed at once (its pipe
closes), reaped, and replaced by a new one with the same speed limit and stop rules; `failed`
says what happened in one line and `trainer_died` follows. What the window shows is kept:
the new trainer loads the shown run's config (with its live changes) and holds it back until
Step or Run asks for it (the run starts again from step 0); Reset and Open work as always.
Why a process, not a thread: see the measurements in docs/architecture.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import numbers
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from gdsim.app.trainer_process import MessageReader, TrainerProcess, start_trainer
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
    Shutdown,
    SnapshotReady,
    Step,
)
from gdsim.session.runstate import RunInfo, Snapshot

DEFAULT_TRAINER_BUDGET = 128 * 2**20  # the plots keep their own copy within the same again
RESTARTS = 3  # trainer processes started again within RESTART_WINDOW seconds, at most
RESTART_WINDOW = 60.0
LOST = (
    "the run shown was lost with the trainer process that stopped, so it cannot be {}; "
    "Step, Run or Reset starts it again"
)


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


def _run_of(message: Message) -> int | None:
    match message:
        case RunStarted(info):
            return info.run_id
        case SnapshotReady(snap):
            return snap.run_id
    return None


class TrainingSession(SessionBase):
    """The GUI side of the trainer process: starts it, reads its messages in a QThread, and
    starts a new one when it dies (see the module's doc)."""

    # The trainer process ended by itself; `failed` has said why, and whether a new one runs.
    trainer_died = Signal()

    def __init__(self, parent: QObject | None = None, budget_bytes: int = DEFAULT_TRAINER_BUDGET):
        super().__init__(parent, budget_bytes, self._to_process)
        self._closing = False
        self._gone: str | None = None  # why no trainer runs any more (too many deaths)
        self._deaths: list[float] = []
        self._standby: int | None = None  # the run a new trainer loaded, held back until asked
        self._held: list[Message] = []
        self._start_process()

    @property
    def trainer_gone(self) -> bool:
        """True when no trainer runs any more (it died too often, or none could start)."""
        return self._gone is not None

    @property
    def thread(self) -> QThread:
        """The thread that reads the trainer's messages (finished after shutdown)."""
        return self._reader

    @property
    def process(self) -> TrainerProcess:
        """The trainer process now (a new one after a restart)."""
        return self._process

    def _start_process(self) -> None:
        self._process = start_trainer(self.budget_bytes)
        self._requests = 0  # the new driver counts from zero
        self._reader = MessageReader(self._process.messages)
        self._reader.received.connect(self._on_message)
        self._reader.ended.connect(self._on_reader_ended)
        self._reader.start()

    def _to_process(self, command: Command) -> None:
        if self._gone is not None:  # say so to every request; settings have nowhere to go
            self._set_running(False)
            if isinstance(command, Export):
                self._exporting = False
                self.export_failed.emit(self._gone)
            elif isinstance(command, (wire.Compare, wire.ExportCompare)):
                self.compare_failed.emit(self._gone)
            elif isinstance(command, (Load, Reset, Step, Run)):
                self._fail(self._gone + ".")
            return
        with contextlib.suppress(OSError, ValueError):  # the child has gone: noticed at once
            self._process.commands.send(command)

    # ------------------------------------------------------------------ a restart's held run
    def _on_message(self, message: Message) -> None:
        if self._standby is not None:
            if _run_of(message) == self._standby:
                self._held.append(message)  # shown when Step or Run asks for it
                return
            if isinstance(message, LoadFailed) and message.refused_run_id == self._standby:
                self._standby, self._held = None, []
                message = dataclasses.replace(
                    message, text=f"the run could not be started again: {message.text}"
                )
        super()._on_message(message)

    def _take_standby(self) -> None:
        """Step or Run after a restart: the run loaded by the new trainer becomes the run."""
        if self._standby is None:
            return
        self._run_id, self._standby = self._standby, None
        held, self._held = self._held, []
        for message in held:
            super()._on_message(message)

    def _drop_standby(self) -> None:
        self._standby, self._held = None, []

    def step(self, n: int = 1) -> None:
        self._take_standby()
        super().step(n)

    def run(self) -> None:
        self._take_standby()
        super().run()

    def load(self, config: Config) -> None:
        self._drop_standby()
        super().load(config)

    def reset(self, seed: int | None = None) -> None:
        self._drop_standby()
        super().reset(seed)

    def export(self, path: str, every: int = 1) -> None:
        if self._standby is not None:
            self.export_failed.emit(LOST.format("exported"))
            return
        super().export(path, every)

    def rewind(self, step: int) -> None:
        if self._standby is not None:
            self._fail(LOST.format("cut at a step") + ".")
            return
        super().rewind(step)

    def set_parameters(self, values: dict[str, float]) -> None:
        if self._standby is not None:
            self._fail(LOST.format("changed") + ".")
            return
        super().set_parameters(values)

    # ------------------------------------------------------------------ a trainer that died
    def _on_reader_ended(self) -> None:
        """The messages pipe closed: the child has ended (unless we are closing)."""
        if self._closing or not self._reader.done:
            return
        process = self._process
        process.join(1.0)  # reaps it: no zombie
        if process.is_alive():  # it closed its pipe but runs on: no use to anyone
            process.kill()
            process.join(1.0)
        process.close()
        self._reader.wait(1000)
        self._recover(f"The trainer process {process.how_it_ended()}")

    def _recover(self, what: str) -> None:
        self._set_running(False)
        if self._compare_id:  # a comparison lives in the trainer process: it is gone too
            self.compare_failed.emit(f"{what[0].lower()}{what[1:]}; the comparison was lost")
        if self._exporting:
            self._exporting = False
            self.export_failed.emit(f"{what[0].lower()}{what[1:]}; no file was written")
        now = time.monotonic()
        self._deaths = [t for t in self._deaths if now - t < RESTART_WINDOW] + [now]
        if len(self._deaths) > RESTARTS:
            self._drop_standby()
            self._gone = (
                f"{what}, {len(self._deaths)} times within {RESTART_WINDOW:.0f} s, so no new "
                "one was started; close gdsim and start it again"
            )
            self._fail(self._gone + ".")
            self.trainer_died.emit()
            return
        shown = self.info
        standby_died = self._standby is not None  # it died loading the run again: not again
        in_flight = shown is None or shown.run_id != self._run_id  # a Load or Reset unanswered
        self._drop_standby()
        try:
            self._start_process()
        except OSError as exc:  # no new process (out of memory, too many open files, ...)
            self._gone = f"{what} and no new one could be started ({exc}); close gdsim"
            self._fail(self._gone + ".")
            self.trainer_died.emit()
            return
        self._send(SetSpeedLimit(self._speed_limit))
        self._send(SetStopRules(*self._stop_rules))
        if shown is None:
            text = f"{what} before a run started; a new one is ready: open a config to train."
        elif standby_died:
            self._run_id = shown.run_id
            text = (
                f"{what} again while starting the run again; a new one is ready, without a "
                "run: open a config or change the network to train."
            )
        else:
            self._run_id = shown.run_id  # an unanswered Load or Reset was not carried out
            self._standby = self._new_run_id()
            self._request(Load(self.config or shown.config, self._standby))
            step = self.last.step if self.last is not None else 0
            text = (
                f"{what}{' before the run asked for started' if in_flight else ''}; a new one "
                f"is ready. The plots keep the run up to step {step:,}; Step, Run or Reset "
                "starts it again from step 0."
            )
        self._fail(text)
        self.trainer_died.emit()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop training, the child process and the reader thread; True when all have ended."""
        self._closing = True
        if self._process.is_alive():
            self._send(Shutdown())
            self._process.join(timeout_ms / 1000)
            if self._process.is_alive():  # stuck in a long step: do not keep the user waiting
                self._process.terminate()
                self._process.join(1.0)
        with contextlib.suppress(OSError):
            self._process.commands.close()
        finished = self._reader.wait(timeout_ms)
        with contextlib.suppress(OSError):
            self._process.messages.close()
        self._set_running(False)
        return finished and not self._process.is_alive()
