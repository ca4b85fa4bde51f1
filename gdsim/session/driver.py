"""The training side of a session, run in a child process (no Qt here).

Measured on these machines (benchmarks/app.py): with the trainer in a thread of the GUI process,
pyqtgraph's painting and the training loop share one GIL and the worker got 19-29% of the
headless rate even after trimming the drawing. In its own process the trainer has its own GIL
and core. The GUI sends commands down one pipe and reads messages from another:

    commands  ("load", config, run_id) ("reset", seed, run_id) ("step", n) ("run",) ("pause",)
              ("learning_rate", lr) ("optimizer", OptimizerConfig) ("speed", steps_per_s)
              ("stops", max_steps, target_cost) ("export", path, every) ("cancel_export",)
              ("shutdown",)
    messages  ("run_started", RunInfo) ("snapshot", Snapshot) ("failed", text)
              ("load_failed", text, run id that stays current)
              ("export_progress", done, total) ("exported", path) ("export_failed", text)

While running, the driver trains in ~16 ms chunks and sends one snapshot per chunk (every row
recorded since the previous one, as copies), handling commands between chunks.
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable

from gdsim.config import Config, ConfigError, OptimizerConfig
from gdsim.engine.trainer import Trainer
from gdsim.errors import DataError
from gdsim.session.run_files import export_run, open_trainer
from gdsim.session.runstate import RunInfo, Snapshot

CHUNK_SECONDS = 0.016


class ExportCancelled(Exception):
    pass


def describe(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = (
        f" (in {where[0].name}, {where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno})"
        if where
        else ""
    )
    return f"internal error: {type(exc).__name__}: {exc}{at}"


class TrainingDriver:
    """Owns the Trainer; turns commands into training and messages. No threads, no Qt."""

    def __init__(
        self,
        send: Callable[[tuple], None],
        budget_bytes: int,
        poll: Callable[[], tuple | None] = lambda: None,
    ):
        self.send = send
        self.poll = poll  # a command that arrived during an export, or None
        self.pending: list[tuple] = []  # commands that arrived during an export
        self.budget = budget_bytes
        self.trainer: Trainer | None = None
        self.run_id = 0
        self.sent_step = -1
        self.remaining: float = 0
        self.running = False
        self.speed_limit: float | None = None
        self.max_steps: int | None = None
        self.target_cost: float | None = None
        self.paced_since = (0.0, 0)
        self.rate = 0.0
        self.last_sent = (0.0, 0)  # (time, step) of the previous snapshot, for the rate

    def handle(self, command: tuple) -> bool:
        """Carry out one command; False for shutdown."""
        name, *args = command
        if name == "shutdown":
            return False
        if name == "cancel_export":
            return True  # no export is running: nothing to cancel
        getattr(self, f"_cmd_{name}")(*args)
        return True

    # ------------------------------------------------------------------ commands
    def _cmd_load(self, config: Config, run_id: int) -> None:
        self._stop()
        try:
            trainer = open_trainer(config, history_budget=self.budget)
        except (ConfigError, DataError) as exc:
            self.send(("load_failed", str(exc), self.run_id))
            return
        except Exception as exc:  # an engine bug must not kill the session
            self.send(("load_failed", describe(exc), self.run_id))
            return
        self.trainer = trainer
        self._start_run(run_id)

    def _cmd_reset(self, seed: int | None, run_id: int) -> None:
        self._stop()
        if self.trainer is None:
            return
        try:
            self.trainer.reset(seed)
        except Exception as exc:
            self.send(("failed", describe(exc)))
            return
        self._start_run(run_id)

    def _cmd_learning_rate(self, learning_rate: float) -> None:
        if self.trainer is not None:
            self.trainer.set_learning_rate(learning_rate)
            if not self.running:
                self._snapshot()  # show the new setting now, not at the next step

    def _cmd_optimizer(self, optimizer: OptimizerConfig) -> None:
        if self.trainer is not None:
            try:
                self.trainer.set_optimizer(optimizer.name, **optimizer.hyperparameters())
            except ValueError as exc:
                self.send(("failed", str(exc)))
            if not self.running:
                self._snapshot()

    def _cmd_speed(self, steps_per_second: float | None) -> None:
        self.speed_limit = steps_per_second or None
        self._restart_pacing()

    def _cmd_stops(self, max_steps: int | None, target_cost: float | None) -> None:
        self.max_steps, self.target_cost = max_steps, target_cost

    def _cmd_step(self, n: int) -> None:
        if self.trainer is None or n <= 0:
            return
        self.remaining = n
        self.running = True
        self._restart_pacing()

    def _cmd_run(self) -> None:
        if self.trainer is None:
            return
        self.remaining = math.inf
        self.running = True
        self._restart_pacing()

    def _cmd_pause(self) -> None:
        if self.running:
            self._stop()
            self._snapshot()

    def _cmd_export(self, path: str, every: int) -> None:
        if self.trainer is None:
            self.send(("export_failed", "nothing to export yet"))
            return

        def progress(done: int, total: int) -> None:
            self.send(("export_progress", done, total))
            while (command := self.poll()) is not None:
                if command[0] == "cancel_export":
                    raise ExportCancelled
                self.pending.append(command)

        try:
            export_run(self.trainer, path, every=every, progress=progress)
        except ExportCancelled:
            self.send(("export_failed", "export cancelled; no file was written"))
        except OSError as exc:
            self.send(("export_failed", f"could not write {path}: {exc.strerror or exc}"))
        except Exception as exc:
            self.send(("export_failed", describe(exc)))
        else:
            self.send(("exported", path))

    # ------------------------------------------------------------------ training
    def _start_run(self, run_id: int) -> None:
        t = self.trainer
        self.run_id = run_id
        self.sent_step = -1
        self.send(
            (
                "run_started",
                RunInfo.of_trainer(t, run_id),
            )
        )
        self._snapshot()

    def _stop(self) -> None:
        self.running = False
        self.remaining = 0

    def _restart_pacing(self) -> None:
        step = self.trainer.step_count if self.trainer is not None else 0
        self.paced_since = self.last_sent = (time.perf_counter(), step)
        self.rate = 0.0

    def tick(self) -> float:
        """Train one time-boxed chunk and send a snapshot; returns seconds until the next tick
        is due (> 0 only when a speed limit is ahead of schedule)."""
        t = self.trainer
        if not self.running or t is None:
            return 0.0
        n = self.remaining
        stop_reason = None
        if self.max_steps is not None:
            n = min(n, self.max_steps - t.step_count)
            if n <= 0:
                stop_reason = f"reached the step limit ({self.max_steps})"
        if stop_reason is None and self.speed_limit is not None:
            since, first = self.paced_since
            allowed = (
                int((time.perf_counter() - since) * self.speed_limit) + 1 - (t.step_count - first)
            )
            if allowed <= 0:  # ahead of the speed limit: wait until the next step is due
                return min(0.25, (1 - allowed) / self.speed_limit)
            n = min(n, allowed)
        if stop_reason is None:
            try:
                done = t.step(
                    int(min(n, 2**62)), max_seconds=CHUNK_SECONDS, until_cost=self.target_cost
                )
            except Exception as exc:
                self._stop()
                self.send(("failed", describe(exc)))
                self._snapshot()
                return 0.0
            self.remaining -= done
            if self.target_cost is not None and t.cost <= self.target_cost:
                stop_reason = f"reached the target cost ({self.target_cost:g})"
            elif self.max_steps is not None and t.step_count >= self.max_steps:
                stop_reason = f"reached the step limit ({self.max_steps})"
        if t.diverged or stop_reason or self.remaining <= 0:
            self._stop()
        self._snapshot(stop_reason)
        return 0.0

    def _snapshot(self, stop_reason: str | None = None) -> None:
        t = self.trainer
        if t is None:
            return
        chunk = t.history.since(self.sent_step)
        self.sent_step = t.step_count
        now = time.perf_counter()
        then, step = self.last_sent
        if self.running and now - then > 0.2:  # steps per second of wall time (speed limits too)
            self.rate = (t.step_count - step) / (now - then)
            self.last_sent = (now, t.step_count)
        elif not self.running:
            self.last_sent = (now, t.step_count)
        self.send(
            (
                "snapshot",
                Snapshot.of_trainer(
                    t,
                    self.run_id,
                    chunk,
                    running=self.running,
                    steps_per_second=self.rate if self.running else 0.0,
                    stop_reason=stop_reason,
                ),
            )
        )


def serve(commands, messages, budget_bytes: int) -> None:
    """The child process: carry out commands, train while running, until shutdown or EOF."""

    def poll() -> tuple | None:
        return commands.recv() if commands.poll(0) else None

    driver = TrainingDriver(messages.send, budget_bytes, poll)
    try:
        while True:
            while driver.pending:  # commands that arrived during an export
                if not driver.handle(driver.pending.pop(0)):
                    return
            if driver.running:
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
    """`python -m gdsim.session.driver COMMANDS_FD MESSAGES_FD BUDGET` (POSIX)."""
    from multiprocessing.connection import Connection

    commands = Connection(int(argv[0]), writable=False)
    messages = Connection(int(argv[1]), readable=False)
    serve(commands, messages, int(argv[2]))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
