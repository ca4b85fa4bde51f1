"""The training side of a session: the TrainingDriver, which owns the Trainer (no Qt here).

The driver turns `Command`s into training and answers with `Message`s (gdsim.session.protocol)
through a `send` callable. While running it trains in ~16 ms chunks and sends a SnapshotReady
after each (every row recorded since the previous one, as copies; for a big network the state
only when due and rows on a stride: gdsim.session.stream); commands are handled between
chunks. It has no threads and no loop of its own: the trainer's child process
(gdsim.session.child) calls `handle` and `tick` in a loop on its pipes, the lessons'
LocalSession calls them from a QTimer in the GUI thread.

Time comes from the injected `clock` (the speed limit and the measured steps per second), and
commands that arrive during an export are read with the injected `poll`, so tests can drive it
as a plain object with a fake clock and a list as outbox. Each chunk's own time box (the
Trainer's `max_seconds`) is real time. See docs/architecture.md.
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable

from gdsim.config import Config, ConfigError, OptimizerConfig
from gdsim.engine.trainer import Trainer
from gdsim.errors import DataError
from gdsim.session.compare import Comparison
from gdsim.session.protocol import (
    CancelCompare,
    CancelExport,
    Command,
    Compare,
    CompareFailed,
    Export,
    ExportCompare,
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
from gdsim.session.run_files import export_run, open_trainer
from gdsim.session.runstate import RunInfo, Snapshot
from gdsim.session.stream import StreamPacer

Clock = Callable[[], float]  # seconds, monotonic (time.perf_counter; a fake one in tests)

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


NO_RUN = "there is no run to {}: open a config that loads"
DIVERGED = "the run has diverged and cannot go on (Reset starts it again)"


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class TrainingDriver:
    """Owns the Trainer; turns commands into training and messages. No threads, no Qt.

    Every command is carried out or answered with a reason (protocol's module doc); nothing a
    command carries can raise out of `handle` or `tick`, so a bad value never ends the trainer's
    process (or raises in the GUI thread for the lessons' LocalSession).
    """

    def __init__(
        self,
        send: Callable[[Message], None],
        budget_bytes: int,
        poll: Callable[[], Command | None] = lambda: None,
        clock: Clock = time.perf_counter,
    ):
        self.send = send
        self.poll = poll  # a command that arrived during an export, or None
        self.clock = clock
        self.pending: list[Command] = []  # commands that arrived during an export, in order
        self.budget = budget_bytes
        self.trainer: Trainer | None = None
        self.run_id = 0
        self.requests = 0  # Load/Reset/Step/Run commands received (see protocol)
        self.sent_step = -1
        # Updates still owed: a count for Step requests (they add up), inf for Run. Stop rules
        # apply only to Run: the steps a user asks for are carried out.
        self.remaining: float = 0
        self.running = False
        self.speed_limit: float | None = None
        self.max_steps: int | None = None
        self.target_cost: float | None = None
        self.paced_since = (0.0, 0)
        self.rate = 0.0
        self.last_sent = (0.0, 0)  # (time, step) of the previous snapshot, for the rate
        self.pacer = StreamPacer(clock)  # a big network's snapshots and rows, paced by bytes
        self.comparison: Comparison | None = None  # variants trained between the run's chunks

    @property
    def busy(self) -> bool:
        """Whether `tick` has work: the run is training or a comparison is."""
        return self.running or (self.comparison is not None and self.comparison.active)

    def handle(self, command: Command) -> bool:
        """Carry out one command; False for shutdown."""
        if isinstance(command, (Load, Reset, Rewind, Step, Run)):
            self.requests += 1
        try:
            return self._dispatch(command)
        except Exception as exc:  # a bug here must not end the session: say it and go on
            self._refuse(describe(exc))
            return True

    def _dispatch(self, command: Command) -> bool:
        match command:
            case Shutdown():
                return False
            case CancelExport():
                pass  # no export is running: nothing to cancel
            case Load(config, run_id):
                self._load(config, run_id)
            case Reset(seed, run_id):
                self._reset(seed, run_id)
            case Step(n):
                self._step(n)
            case Run():
                self._run()
            case Pause():
                self._pause()
            case SetLearningRate(learning_rate):
                self._set_learning_rate(learning_rate)
            case SetOptimizer(optimizer):
                self._set_optimizer(optimizer)
            case Rewind(step, run_id):
                self._rewind(step, run_id)
            case SetParameters(values, run_id):
                self._set_parameters(values, run_id)
            case Freeze(names, frozen):
                self._freeze(names, frozen)
            case SetSpeedLimit(steps_per_second):
                self._set_speed_limit(steps_per_second)
            case SetStopRules(max_steps, target_cost):
                self._set_stop_rules(max_steps, target_cost)
            case Export(path, every):
                self._export(path, every)
            case Compare(variants, labels, steps, compare_id):
                self._compare(variants, labels, steps, compare_id)
            case CancelCompare():
                self._compare_messages(lambda c: c.cancel())
            case ExportCompare(folder):
                if self.comparison is None:
                    self.send(CompareFailed("nothing to export yet: start a comparison first"))
                self._compare_messages(lambda c: [c.export_message(folder)])
            case _:
                self._refuse(f"not a training command: {command!r}")
        return True

    def _refuse(self, text: str) -> None:
        """Answer a request that was not carried out; training goes on as it was."""
        self.send(Failed(text, self.running, self.requests))

    # ------------------------------------------------------------------ commands
    def _load(self, config: Config, run_id: int) -> None:
        self._stop()
        try:
            trainer = open_trainer(config, history_budget=self.budget)
        except (ConfigError, DataError) as exc:
            self.send(LoadFailed(str(exc), self.run_id, run_id, self.requests))
            return
        except Exception as exc:  # an engine bug must not kill the session
            self.send(LoadFailed(describe(exc), self.run_id, run_id, self.requests))
            return
        self.trainer = trainer
        self._start_run(run_id)

    def _reset(self, seed: int | None, run_id: int) -> None:
        self._stop()
        if self.trainer is None:
            self.send(LoadFailed(NO_RUN.format("reset"), self.run_id, run_id, self.requests))
            return
        try:
            self.trainer.reset(seed)
        except ValueError as exc:  # a bad seed: refused before anything changed
            self.send(LoadFailed(str(exc), self.run_id, run_id, self.requests))
            return
        except Exception as exc:
            self.send(LoadFailed(describe(exc), self.run_id, run_id, self.requests))
            return
        self._start_run(run_id)

    def _rewind(self, step: int, run_id: int) -> None:
        """Cut the run at `step`; the views rebuild from the trainer's history (protocol)."""
        self._stop()
        self._edit_history(run_id, "go back in", lambda t: t.rewind(step))

    def _set_parameters(self, values: dict[str, float], run_id: int) -> None:
        """Values typed by hand; a run that was training goes on from them."""
        self._edit_history(run_id, "change", lambda t: t.set_parameters(values))

    def _edit_history(self, run_id: int, what: str, edit: Callable[[Trainer], None]) -> None:
        """An edit that changes the run's history (refused: the run goes on unchanged)."""
        t = self.trainer
        if t is None:
            self.send(LoadFailed(NO_RUN.format(what), self.run_id, run_id, self.requests))
            return
        try:
            edit(t)  # (the trainer checks everything before it changes anything)
        except (ValueError, TypeError) as exc:
            self.send(LoadFailed(str(exc), self.run_id, run_id, self.requests, self.running))
            return
        self._start_run(run_id, continued=True)

    def _freeze(self, names: tuple[str, ...], frozen: bool) -> None:
        if self.trainer is None:
            self._refuse(NO_RUN.format("change"))
            return
        try:
            (self.trainer.freeze if frozen else self.trainer.unfreeze)(list(names))
        except (ValueError, TypeError) as exc:
            self._refuse(str(exc))
        if not self.running:
            self._snapshot()  # show it now, not at the next step

    def _set_learning_rate(self, learning_rate: float) -> None:
        self._change_optimizer(lambda t: t.set_learning_rate(learning_rate))

    def _set_optimizer(self, optimizer: OptimizerConfig) -> None:
        self._change_optimizer(
            lambda t: t.set_optimizer(optimizer.name, **optimizer.hyperparameters())
        )

    def _change_optimizer(self, change: Callable[[Trainer], None]) -> None:
        """A live setting: refused values keep the one in force (and the run goes on)."""
        if self.trainer is None:
            self._refuse(NO_RUN.format("change"))
            return
        try:
            change(self.trainer)
        except (ValueError, TypeError) as exc:  # ConfigError is a ValueError
            self._refuse(str(exc))
        if not self.running:
            self._snapshot()  # show the setting in force now, not at the next step

    def _set_speed_limit(self, steps_per_second: float | None) -> None:
        limit = steps_per_second
        if limit is not None and not (_number(limit) and limit >= 0):  # NaN fails too
            self._refuse(
                f"speed limit: must be a number of steps per second > 0 (or none), got {limit!r}"
            )
            return
        self.speed_limit = None if not limit or math.isinf(limit) else float(limit)
        self._restart_pacing()

    def _set_stop_rules(self, max_steps: int | None, target_cost: float | None) -> None:
        if max_steps is not None and not (_whole(max_steps) and max_steps >= 0):
            self._refuse(f"stop at step: must be a whole number >= 0, got {max_steps!r}")
        elif target_cost is not None and not (_number(target_cost) and math.isfinite(target_cost)):
            self._refuse(f"stop at cost: must be a finite number, got {target_cost!r}")
        else:
            self.max_steps, self.target_cost = max_steps, target_cost

    def _step(self, n: int) -> None:
        if self.trainer is None:
            self._refuse(NO_RUN.format("step"))
        elif not (_whole(n) and n >= 1):
            self._refuse(f"steps: must be a whole number >= 1, got {n!r}")
        else:
            self.remaining += n  # requests add up: n clicks are n updates
            self._start()

    def _run(self) -> None:
        if self.trainer is None:
            self._refuse(NO_RUN.format("run"))
        else:
            self.remaining = math.inf
            self._start()

    def _start(self) -> None:
        if not self.running:
            self.running = True
            self._restart_pacing()

    def _pause(self) -> None:
        if self.running:
            self._stop()
            self._snapshot()

    def _export(self, path: str, every: int) -> None:
        if self.trainer is None:
            self.send(ExportFailed("nothing to export yet"))
            return
        if not (_whole(every) and every >= 1):
            self.send(ExportFailed(f"every: must be a whole number >= 1, got {every!r}"))
            return

        def progress(done: int, total: int) -> None:
            self.send(ExportProgress(done, total))
            while (command := self.poll()) is not None:
                if isinstance(command, CancelExport):
                    raise ExportCancelled
                self.pending.append(command)

        try:
            export_run(self.trainer, path, every=every, progress=progress)
        except ExportCancelled:
            self.send(ExportFailed("export cancelled; no file was written"))
        except OSError as exc:
            self.send(ExportFailed(f"could not write {path}: {exc.strerror or exc}"))
        except Exception as exc:
            self.send(ExportFailed(describe(exc)))
        else:
            self.send(Exported(path))

    # ------------------------------------------------------------------ comparing (compare.py)
    def _compare(self, variants, labels, steps: int, compare_id: int) -> None:
        """Start a comparison of the run's start. The one before stops either way (and stays,
        for export, unless this one starts)."""
        self._compare_messages(lambda old: old.cancel())
        try:  # small budgets: the variants need only their costs
            c = Comparison(
                self.trainer, variants, labels, steps, compare_id, self.budget // 8, self.clock
            )
        except Exception as exc:  # a ConfigError is a ValueError
            known = isinstance(exc, (ValueError, TypeError, DataError))
            self.send(CompareFailed(str(exc) if known else describe(exc), compare_id))
            return
        self.comparison = c
        self._compare_messages(lambda c: [c.started(), c.progress()])

    def _compare_messages(self, work: Callable[[Comparison], list[Message]]) -> None:
        """Send what `work` on the comparison says; an engine error ends the comparison."""
        c = self.comparison
        if c is None:
            return
        try:
            messages = work(c)
        except Exception as exc:
            c.stopped = True
            messages = [CompareFailed(describe(exc), c.compare_id)]
        for message in messages:
            self.send(message)

    # ------------------------------------------------------------------ training
    def _start_run(self, run_id: int, continued: bool = False) -> None:
        """Send the run as new: its info, then every row it holds (one row after a start)."""
        t = self.trainer
        self.run_id = run_id
        self.sent_step = -1
        self.pacer.start(t.parameters.size)
        self.send(RunStarted(RunInfo.of_trainer(t, run_id, continued)))
        self._snapshot()

    def _stop(self) -> None:
        self.running = False
        self.remaining = 0

    def _restart_pacing(self) -> None:
        step = self.trainer.step_count if self.trainer is not None else 0
        self.paced_since = self.last_sent = (self.clock(), step)
        self.rate = 0.0

    def _rule(self, t: Trainer) -> str | None:
        """Why a Run stops before its next update (a stop rule already met), or None."""
        if self.max_steps is not None and t.step_count >= self.max_steps:
            return f"reached the step limit ({self.max_steps})"
        if self.target_cost is not None and t.cost <= self.target_cost:
            return f"reached the target cost ({self.target_cost:g})"
        return None

    def tick(self) -> float:
        """Train one time-boxed chunk of the run (and send a snapshot), then one of the
        comparison, if any (the two take turns, ~16 ms each); returns seconds until the next
        tick is due (> 0 only when a speed limit is ahead of schedule and nothing compares)."""
        wait = self._tick_run()
        if self.comparison is not None and self.comparison.active:
            self._compare_messages(lambda c: c.tick(CHUNK_SECONDS))
            return 0.0
        return wait

    def _tick_run(self) -> float:
        t = self.trainer
        if not self.running or t is None:
            return 0.0
        n = self.remaining
        ruled = math.isinf(n)  # a Run: the stop rules apply
        stop_reason = DIVERGED if t.diverged else self._rule(t) if ruled else None
        if ruled and self.max_steps is not None:
            n = min(n, self.max_steps - t.step_count)
        if stop_reason is None and self.speed_limit is not None:
            since, first = self.paced_since
            allowed = int((self.clock() - since) * self.speed_limit) + 1 - (t.step_count - first)
            if allowed <= 0:  # ahead of the speed limit: wait until the next step is due
                return min(0.25, (1 - allowed) / self.speed_limit)
            n = min(n, allowed)
        if stop_reason is None:
            try:
                done = t.step(
                    int(min(n, 2**62)),
                    max_seconds=CHUNK_SECONDS,
                    until_cost=self.target_cost if ruled else None,
                )
            except Exception as exc:
                self._stop()
                self._refuse(describe(exc))
                self._snapshot()
                return 0.0
            self.remaining -= done
            if ruled and not t.diverged:
                stop_reason = self._rule(t)
        if t.diverged or stop_reason or self.remaining <= 0:
            self._stop()
        # (a stop always sends the state; while running, a big network's only when due)
        if not self.running:
            self._snapshot(stop_reason)
        elif self.pacer.any_due():
            self._snapshot(stop_reason, with_state=self.pacer.state_due())
        return 0.0

    def _snapshot(self, stop_reason: str | None = None, with_state: bool = True) -> None:
        t = self.trainer
        if t is None:
            return
        chunk = self.pacer.thin(t.history.since(self.sent_step), with_state)
        self.sent_step = t.step_count
        now = self.clock()
        then, step = self.last_sent
        if self.running and now - then > 0.2:  # steps per second of wall time (speed limits too)
            self.rate = (t.step_count - step) / (now - then)
            self.last_sent = (now, t.step_count)
        elif not self.running:
            self.last_sent = (now, t.step_count)
        self.send(
            SnapshotReady(
                Snapshot.of_trainer(
                    t,
                    self.run_id,
                    chunk,
                    running=self.running,
                    steps_per_second=self.rate if self.running else 0.0,
                    stop_reason=stop_reason,
                    with_state=with_state,
                ),
                self.requests,
            )
        )
