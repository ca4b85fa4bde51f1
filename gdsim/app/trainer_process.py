"""The trainer's child process seen from the GUI: start it, read its messages, see it end.

On POSIX the child is `python -m gdsim.session.child` on two inherited pipes, so (unlike
multiprocessing's spawn) no user script is ever re-imported in the child; elsewhere it is
multiprocessing's spawn (scripts need the usual __main__ guard). One QThread per child blocks on
its messages pipe and re-emits each message; it ends when the pipe closes, which is at once when
the child dies (its end of the pipe is the only writer), so the session notices a dead child
immediately, not on a timer. Why a process at all: docs/architecture.md.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from gdsim.session.child import serve


class TrainerProcess:
    """The child process and its two pipes (commands in, messages out)."""

    def __init__(self, handle, commands: Connection, messages: Connection):
        self._handle = handle  # a subprocess.Popen or a multiprocessing Process
        self.commands, self.messages = commands, messages

    @property
    def pid(self) -> int:
        return self._handle.pid

    @property
    def exit_code(self) -> int | None:
        """None while it runs (or before it is reaped); -N when signal N ended it."""
        if isinstance(self._handle, subprocess.Popen):
            return self._handle.poll()
        return self._handle.exitcode

    def is_alive(self) -> bool:
        if isinstance(self._handle, subprocess.Popen):
            return self._handle.poll() is None
        return self._handle.is_alive()

    def join(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for it to end, and reap it (no zombie is left)."""
        if isinstance(self._handle, subprocess.Popen):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._handle.wait(timeout)
        else:
            self._handle.join(timeout)

    def terminate(self) -> None:
        self._handle.terminate()

    def kill(self) -> None:
        self._handle.kill()

    def how_it_ended(self) -> str:
        """'was killed by SIGKILL', 'exited with status 1', ... (after it ended)."""
        code = self.exit_code
        if code is None:
            return "stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"was killed by {name}"
        return f"exited with status {code}" if code else "exited"

    def close(self) -> None:
        """Close both pipes (the child sees the end of its commands and exits)."""
        for pipe in (self.commands, self.messages):
            with contextlib.suppress(OSError):
                pipe.close()


def start_trainer(budget_bytes: int) -> TrainerProcess:
    """Start a trainer child process with a history budget of `budget_bytes`."""
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
        return TrainerProcess(process, commands, messages)
    commands_r, commands_w = os.pipe()
    messages_r, messages_w = os.pipe()
    args = [str(commands_r), str(messages_w), str(budget_bytes)]
    if getattr(sys, "frozen", False):  # a bundled app: the executable handles the flag
        command = [sys.executable, "--gdsim-trainer", *args]
    else:
        command = [sys.executable, "-m", "gdsim.session.child", *args]
    env = child_environment(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])  # gdsim importable from a checkout
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    try:
        handle = subprocess.Popen(
            command, pass_fds=(commands_r, messages_w), env=env, stdin=subprocess.DEVNULL
        )
    except BaseException:
        for fd in (commands_w, messages_r):
            os.close(fd)
        raise
    finally:
        os.close(commands_r)
        os.close(messages_w)
    return TrainerProcess(
        handle, Connection(commands_w, readable=False), Connection(messages_r, writable=False)
    )


class MessageReader(QThread):
    """Blocks on the child's pipe and re-emits each message; ends when the pipe closes (the
    child ended, or the pipe was closed) or cannot be read, and then says so with `ended`
    (after every message it read; `done` is True from then on)."""

    received = Signal(object)
    ended = Signal()

    def __init__(self, messages, parent=None):
        super().__init__(parent)
        self.setObjectName("gdsim-training")
        self._messages = messages
        self.done = False

    def run(self) -> None:
        while True:
            try:
                message = self._messages.recv()
            except Exception:  # EOF, a closed pipe, half a message from a killed child
                break
            self.received.emit(message)
        self.done = True
        self.ended.emit()


def child_environment(environ) -> dict[str, str]:
    """The trainer process's environment: the window's, with BLAS settings that keep the window
    live (a value the user set wins)."""
    env = dict(environ)
    # OpenBLAS's worker threads spin for a while after each product; on 2 cores that spinning
    # took the CPU from the window and from the trainer's own next product (784-128-64-10 ran
    # ~290 steps/s with the default, ~490 with this).
    env.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
    # One core stays the window's: with BLAS on every core a big network's products preempted
    # the GUI thread (p99 delay 50 ms on 2 cores, 17 ms with this; the rate went up, as the
    # trainer no longer waits for a preempted window to read its pipe).
    env.setdefault("OPENBLAS_NUM_THREADS", str(max(1, (os.cpu_count() or 2) - 1)))
    return env
