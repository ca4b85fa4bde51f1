"""The trainer's child process: a TrainingDriver serving two pipes (no Qt here).

Why a process, not a thread (measured with benchmarks/app.py): with the trainer in a thread of
the GUI process, pyqtgraph's painting and the training loop share one GIL, and training got
19-29% of the headless rate even after trimming the drawing. In its own process the trainer has
its own GIL and core. The window (gdsim.app.trainer_session) sends `Command`s down one pipe and
reads `Message`s from the other (gdsim.session.protocol).

Started as `python -m gdsim.session.child COMMANDS_FD MESSAGES_FD BUDGET` on POSIX (two
inherited pipe ends), as `gdsim --gdsim-trainer COMMANDS_FD MESSAGES_FD BUDGET` from a bundled
app (gdsim.cli calls `main`), or elsewhere with multiprocessing's spawn calling `serve`.
Starting it imports the session, engine and config layers only: never gdsim.app nor Qt.
See docs/architecture.md.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol

from gdsim.session.driver import Clock, TrainingDriver
from gdsim.session.protocol import Command, Message


class CommandPipe(Protocol):
    """The reading end of the commands pipe (a multiprocessing Connection)."""

    def poll(self, timeout: float | None = 0.0) -> bool: ...

    def recv(self) -> Command: ...


class MessagePipe(Protocol):
    """The writing end of the messages pipe (a multiprocessing Connection)."""

    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


def serve(
    commands: CommandPipe,
    messages: MessagePipe,
    budget_bytes: int,
    clock: Clock = time.perf_counter,
) -> None:
    """Carry out commands, train while running, until Shutdown or the GUI closes its end.

    Between chunks, every command already queued is handled before the next chunk; when a speed
    limit is ahead of schedule, the wait for the next chunk is a wait for a command. Commands
    that arrived during an export are handled first, in order.
    """

    def poll() -> Command | None:
        return commands.recv() if commands.poll(0) else None

    driver = TrainingDriver(messages.send, budget_bytes, poll, clock)
    try:
        while True:
            while driver.pending:  # commands that arrived during an export
                if not driver.handle(driver.pending.pop(0)):
                    return
            if driver.busy:  # training the run or a comparison
                wait = driver.tick()
                if commands.poll(wait):  # handle everything queued before the next chunk
                    while commands.poll(0):
                        if not driver.handle(commands.recv()):
                            return
            elif not driver.handle(commands.recv()):
                return
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass  # the GUI went away: nothing left to do
    finally:
        messages.close()


def main(argv: list[str]) -> int:
    """`python -m gdsim.session.child COMMANDS_FD MESSAGES_FD BUDGET` (POSIX), and the
    `--gdsim-trainer` flag of a bundled app."""
    from multiprocessing.connection import Connection

    commands = Connection(int(argv[0]), writable=False)
    messages = Connection(int(argv[1]), readable=False)
    serve(commands, messages, int(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
