"""A training session: the trainer runs in a child process; the GUI talks to it by messages.

The child (gdsim.session.driver) owns the Trainer and trains in ~16 ms chunks, sending a
RunInfo when a run starts and a Snapshot (copies of every row since the previous one) after
each chunk. Here, one QThread reads those messages and hands them to the GUI thread as queued
signals. Run ids let the GUI drop snapshots of a run that was reset after they were sent. An
engine exception arrives as `failed(str)`; the session stays usable. Never a message per step.

Why a process, not a thread: see the measurements in training_process.py and the README.
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
from gdsim.session.driver import serve
from gdsim.session.runstate import RunInfo, Snapshot

DEFAULT_WORKER_BUDGET = 128 * 2**20  # the plots keep their own copy within the same again


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
    """Start the trainer. On POSIX: `python -m gdsim.session.driver` on two inherited
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
        command = [sys.executable, "-m", "gdsim.session.driver", *args]
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

    def __init__(self, parent: QObject | None, budget_bytes: int, send: Callable[[tuple], None]):
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

    def _send(self, *command) -> None:
        self._send_command(command)

    # ------------------------------------------------------------------ requests
    def load(self, config: Config) -> None:
        self._run_id += 1
        self._set_running(False)
        self._send("load", config, self._run_id)

    def reset(self, seed: int | None = None) -> None:
        self._run_id += 1
        self._set_running(False)
        self._send("reset", seed, self._run_id)

    def step(self, n: int = 1) -> None:
        self._set_running(n > 1)
        self._send("step", int(n))

    def run(self) -> None:
        self._set_running(True)
        self._send("run")

    def pause(self) -> None:
        self._send("pause")

    def set_learning_rate(self, learning_rate: float) -> None:
        self._send("learning_rate", float(learning_rate))

    def set_optimizer(self, optimizer: OptimizerConfig) -> None:
        self._send("optimizer", optimizer)

    def set_speed_limit(self, steps_per_second: float | None) -> None:
        self._send("speed", steps_per_second)

    def set_stop_conditions(self, max_steps: int | None, target_cost: float | None) -> None:
        self._send("stops", max_steps, target_cost)

    def export(self, path: str, every: int = 1) -> None:
        self._send("export", str(path), int(every))

    def cancel_export(self) -> None:
        self._send("cancel_export")

    # ------------------------------------------------------------------ answers
    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)

    def _on_message(self, message: tuple) -> None:
        kind, *args = message
        if kind == "snapshot":
            snap: Snapshot = args[0]
            if snap.run_id != self._run_id:
                return  # from a run that was reset after this was sent
            self.last = snap
            self._set_running(snap.running)
            self.snapshot.emit(snap)
        elif kind == "run_started":
            info: RunInfo = args[0]
            if info.run_id == self._run_id:
                self.info = info
                self.last = None
                self.run_started.emit(info)
        elif kind == "load_failed":
            text, current = args
            if current:
                self._run_id = current  # the previous run goes on; accept its snapshots again
            self._set_running(False)
            self.failed.emit(text)
        elif kind == "failed":
            self._set_running(False)
            self.failed.emit(args[0])
        elif kind == "export_progress":
            self.export_progress.emit(*args)
        elif kind == "exported":
            self.exported.emit(args[0])
        elif kind == "export_failed":
            self.export_failed.emit(args[0])


class TrainingSession(SessionBase):
    """The GUI side of the trainer process: starts it, reads its messages in a QThread."""

    def __init__(self, parent: QObject | None = None, budget_bytes: int = DEFAULT_WORKER_BUDGET):
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

    def _to_process(self, command: tuple) -> None:
        with contextlib.suppress(OSError, ValueError):  # the child has gone: nothing to do
            self._commands.send(command)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop training, the child process and the reader thread; True when all have ended."""
        if self._process.is_alive():
            self._send("shutdown")
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
