"""The app's training session: the trainer runs in a child process; the GUI talks to it by messages.

The child (gdsim.session.child) runs a TrainingDriver, which owns the Trainer and trains in
~16 ms chunks, sending RunStarted when a run starts and a SnapshotReady (copies of every row
since the previous one) after each chunk (gdsim.session.protocol). Here, one QThread reads those
messages and hands them to the GUI thread as queued signals (gdsim.app.trainer_process); the
requests and signals are SessionBase's (gdsim.app.session).

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
import time

from PySide6.QtCore import QObject, QThread, Signal

from gdsim.app.session import SessionBase
from gdsim.app.trainer_process import MessageReader, TrainerProcess, start_trainer
from gdsim.config import Config
from gdsim.session import protocol as wire
from gdsim.session.protocol import (
    Command,
    Export,
    Load,
    LoadFailed,
    Message,
    Reset,
    Run,
    RunStarted,
    SetSpeedLimit,
    SetStopRules,
    Shutdown,
    SnapshotReady,
    Step,
)

DEFAULT_TRAINER_BUDGET = 128 * 2**20  # the plots keep their own copy within the same again
RESTARTS = 3  # trainer processes started again within RESTART_WINDOW seconds, at most
RESTART_WINDOW = 60.0
LOST = (
    "the run shown was lost with the trainer process that stopped, so it cannot be {}; "
    "Step, Run or Reset starts it again"
)


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
