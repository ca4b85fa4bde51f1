"""A training session: the trainer runs in a child process; the GUI talks to it by messages.

The child (gdsim.session.child) runs a TrainingDriver, which owns the Trainer and trains in
~16 ms chunks, sending RunStarted when a run starts and a SnapshotReady (copies of every row
since the previous one) after each chunk (gdsim.session.protocol). Here, one QThread reads those
messages and hands them to the GUI thread as queued signals. Run ids let the GUI drop snapshots
of a run that was reset after they were sent. An engine exception arrives as `failed(str)`; the
session stays usable. Never a message per step.

Why a process, not a thread: see the measurements in gdsim/session/child.py and
docs/architecture.md.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from gdsim.config import Config, OptimizerConfig
from gdsim.session.child import serve
from gdsim.session.protocol import (
    CancelExport,
    Command,
    Export,
    Exported,
    ExportFailed,
    ExportProgress,
    Failed,
    Load,
    LoadFailed,
    Message,
    Pause,
    Reset,
    Run,
    RunStarted,
    SetLearningRate,
    SetOptimizer,
    SetSpeedLimit,
    SetStopRules,
    Shutdown,
    SnapshotReady,
    Step,
)
from gdsim.session.runstate import RunInfo, Snapshot

DEFAULT_TRAINER_BUDGET = 128 * 2**20  # the plots keep their own copy within the same again


class _TrainerProcess:
    """The child process and its two pipes (commands in, messages out)."""

    def __init__(self, handle, commands: Connection, messages: Connection):
        self._handle = handle  # a subprocess.Popen or a multiprocessing Process
        self.commands, self.messages = commands, messages

    @property
    def pid(self) -> int:
        return self._handle.pid

    def is_alive(self) -> bool:
        if isinstance(self._handle, subprocess.Popen):
            return self._handle.poll() is None
        return self._handle.is_alive()

    def join(self, timeout: float) -> None:
        if isinstance(self._handle, subprocess.Popen):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._handle.wait(timeout)
        else:
            self._handle.join(timeout)

    def terminate(self) -> None:
        self._handle.terminate()


def _start_trainer(budget_bytes: int) -> _TrainerProcess:
    """Start the trainer. On POSIX: `python -m gdsim.session.child` on two inherited
    pipes, so (unlike multiprocessing's spawn) no user script is ever re-imported in the
    child. Elsewhere: multiprocessing's spawn (scripts need the usual __main__ guard)."""
    if os.name != "posix":
        context = multiprocessing.get_context("spawn")
        commands_in, commands = context.Pipe(duplex=False)
        messages, messages_out = context.Pipe(duplex=False)
        process = context.Process(
            target=serve,
            name="gdsim-trainer",
            daemon=True,
            args=(commands_in, messages_out, budget_bytes),
        )
        process.start()
        commands_in.close()
        messages_out.close()
        return _TrainerProcess(process, commands, messages)
    commands_r, commands_w = os.pipe()
    messages_r, messages_w = os.pipe()
    args = [str(commands_r), str(messages_w), str(budget_bytes)]
    if getattr(sys, "frozen", False):  # a bundled app: the executable handles the flag
        command = [sys.executable, "--gdsim-trainer", *args]
    else:
        command = [sys.executable, "-m", "gdsim.session.child", *args]
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])  # gdsim importable from a checkout
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    try:
        handle = subprocess.Popen(
            command, pass_fds=(commands_r, messages_w), env=env, stdin=subprocess.DEVNULL
        )
    finally:
        os.close(commands_r)
        os.close(messages_w)
    return _TrainerProcess(
        handle, Connection(commands_w, readable=False), Connection(messages_r, writable=False)
    )


class _MessageReader(QThread):
    """Blocks on the child's pipe and re-emits each message; ends when the pipe closes."""

    received = Signal(object)

    def __init__(self, messages, parent=None):
        super().__init__(parent)
        self.setObjectName("gdsim-training")
        self._messages = messages

    def run(self) -> None:
        while True:
            try:
                message = self._messages.recv()
            except (EOFError, OSError):
                return
            self.received.emit(message)


class SessionBase(QObject):
    """What every session offers the widgets: requests as commands for a TrainingDriver, and
    the driver's messages turned into signals (snapshots of an older run are dropped).
    Subclasses pass where commands go (`send`) and feed messages back to `_on_message`."""

    run_started = Signal(object)
    snapshot = Signal(object)
    failed = Signal(str)
    running_changed = Signal(bool)
    export_progress = Signal(int, int)
    exported = Signal(str)
    export_failed = Signal(str)

    def __init__(self, parent: QObject | None, budget_bytes: int, send: Callable[[Command], None]):
        super().__init__(parent)
        self._send_command = send
        self._run_id = 0
        self._running = False
        self.budget_bytes = budget_bytes
        self.info: RunInfo | None = None
        self.last: Snapshot | None = None

    @property
    def running(self) -> bool:
        return self._running

    def _send(self, command: Command) -> None:
        self._send_command(command)

    # ------------------------------------------------------------------ requests
    def load(self, config: Config) -> None:
        self._run_id += 1
        self._set_running(False)
        self._send(Load(config, self._run_id))

    def reset(self, seed: int | None = None) -> None:
        self._run_id += 1
        self._set_running(False)
        self._send(Reset(seed, self._run_id))

    def step(self, n: int = 1) -> None:
        self._set_running(n > 1)
        self._send(Step(int(n)))

    def run(self) -> None:
        self._set_running(True)
        self._send(Run())

    def pause(self) -> None:
        self._send(Pause())

    def set_learning_rate(self, learning_rate: float) -> None:
        self._send(SetLearningRate(float(learning_rate)))

    def set_optimizer(self, optimizer: OptimizerConfig) -> None:
        self._send(SetOptimizer(optimizer))

    def set_speed_limit(self, steps_per_second: float | None) -> None:
        self._send(SetSpeedLimit(steps_per_second))

    def set_stop_conditions(self, max_steps: int | None, target_cost: float | None) -> None:
        self._send(SetStopRules(max_steps, target_cost))

    def export(self, path: str, every: int = 1) -> None:
        self._send(Export(str(path), int(every)))

    def cancel_export(self) -> None:
        self._send(CancelExport())

    # ------------------------------------------------------------------ answers
    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)

    def _on_message(self, message: Message) -> None:
        match message:
            case SnapshotReady(snap):
                if snap.run_id != self._run_id:
                    return  # from a run that was reset after this was sent
                self.last = snap
                self._set_running(snap.running)
                self.snapshot.emit(snap)
            case RunStarted(info):
                if info.run_id == self._run_id:
                    self.info = info
                    self.last = None
                    self.run_started.emit(info)
            case LoadFailed(text, current):
                if current:
                    self._run_id = current  # the previous run goes on; accept its snapshots again
                self._set_running(False)
                self.failed.emit(text)
            case Failed(text):
                self._set_running(False)
                self.failed.emit(text)
            case ExportProgress(done, total):
                self.export_progress.emit(done, total)
            case Exported(path):
                self.exported.emit(path)
            case ExportFailed(text):
                self.export_failed.emit(text)


class TrainingSession(SessionBase):
    """The GUI side of the trainer process: starts it, reads its messages in a QThread."""

    def __init__(self, parent: QObject | None = None, budget_bytes: int = DEFAULT_TRAINER_BUDGET):
        super().__init__(parent, budget_bytes, self._to_process)
        self._process = _start_trainer(budget_bytes)
        self._commands, self._messages = self._process.commands, self._process.messages
        self._reader = _MessageReader(self._messages)
        self._reader.received.connect(self._on_message)
        self._reader.start()

    @property
    def thread(self) -> QThread:
        """The thread that reads the trainer's messages (finished after shutdown)."""
        return self._reader

    @property
    def process(self) -> _TrainerProcess:
        return self._process

    def _to_process(self, command: Command) -> None:
        with contextlib.suppress(OSError, ValueError):  # the child has gone: nothing to do
            self._commands.send(command)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop training, the child process and the reader thread; True when all have ended."""
        if self._process.is_alive():
            self._send(Shutdown())
            self._process.join(timeout_ms / 1000)
            if self._process.is_alive():  # stuck in a long step: do not keep the user waiting
                self._process.terminate()
                self._process.join(1.0)
        with contextlib.suppress(OSError):
            self._commands.close()
        finished = self._reader.wait(timeout_ms)
        with contextlib.suppress(OSError):
            self._messages.close()
        self._set_running(False)
        return finished and not self._process.is_alive()
