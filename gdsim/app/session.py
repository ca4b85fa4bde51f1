"""Training in a worker thread: one long-lived TrainingWorker in one QThread.

The GUI talks to the worker only through queued signals, and the worker answers with copies
(RunInfo when a run starts, Snapshot after every time-boxed chunk). While running, the worker
trains for ~16 ms, emits one snapshot, and returns to its event loop, so pause, reset and
learning-rate changes are handled between chunks. Run ids let the GUI drop snapshots of a run
that was reset after they were sent. An engine exception becomes `failed(str)`, never a dead
thread. Never a signal per step: that halves throughput (DESIGN.md).
"""

from __future__ import annotations

import math
import threading
import time
import traceback

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from gdsim.app.runstate import RunInfo, Snapshot
from gdsim.config import Config, ConfigError, OptimizerConfig
from gdsim.engine.datasets import DataError
from gdsim.engine.trainer import Trainer

CHUNK_SECONDS = 0.016
DEFAULT_WORKER_BUDGET = 128 * 2**20  # the plots keep their own copy within the same again


class ExportCancelled(Exception):
    pass


class TrainingWorker(QObject):
    run_started = Signal(object)     # RunInfo
    snapshot = Signal(object)        # Snapshot
    failed = Signal(str)             # a config/data problem or an engine exception, one line
    export_progress = Signal(int, int)
    exported = Signal(str)
    export_failed = Signal(str)

    def __init__(self, budget_bytes: int = DEFAULT_WORKER_BUDGET):
        super().__init__()
        self._budget = budget_bytes
        self._trainer: Trainer | None = None
        self._run_id = 0
        self._sent_step = -1
        self._remaining = 0            # updates still to do in this run/step request
        self._running = False
        self._speed_limit: float | None = None
        self._max_steps: int | None = None
        self._target_cost: float | None = None
        self._paced_since = (0.0, 0)   # (time, step) the speed limit counts from
        self._rate = 0.0
        self.cancel_export = threading.Event()
        self._timer = QTimer(self)     # parented, so it moves to the worker thread with us
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)

    # ------------------------------------------------------------------ run set-up
    @Slot(object, int)
    def load(self, config: Config, run_id: int) -> None:
        self._stop()
        try:
            trainer = Trainer(config, history_budget=self._budget)
        except (ConfigError, DataError) as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # an engine bug must not kill the thread
            self.failed.emit(_describe(exc))
            return
        self._trainer = trainer
        self._start_run(run_id)

    @Slot(object, int)
    def reset(self, seed: int | None, run_id: int) -> None:
        self._stop()
        if self._trainer is None:
            return
        try:
            self._trainer.reset(seed)
        except Exception as exc:
            self.failed.emit(_describe(exc))
            return
        self._start_run(run_id)

    def _start_run(self, run_id: int) -> None:
        t = self._trainer
        self._run_id = run_id
        self._sent_step = -1
        self.run_started.emit(RunInfo(run_id=run_id, config=t.config,
                                      parameter_names=t.parameter_names,
                                      extra_names=t.extra_names, seed=t.seed))
        self._emit_snapshot()

    # ------------------------------------------------------------------ live settings
    @Slot(float)
    def set_learning_rate(self, learning_rate: float) -> None:
        if self._trainer is not None:
            self._trainer.set_learning_rate(learning_rate)

    @Slot(object)
    def set_optimizer(self, optimizer: OptimizerConfig) -> None:
        if self._trainer is not None:
            try:
                self._trainer.set_optimizer(optimizer.name, **optimizer.hyperparameters())
            except ValueError as exc:
                self.failed.emit(str(exc))

    @Slot(object)
    def set_speed_limit(self, steps_per_second: float | None) -> None:
        self._speed_limit = steps_per_second if steps_per_second else None
        self._restart_pacing()

    @Slot(object, object)
    def set_stop_conditions(self, max_steps: int | None, target_cost: float | None) -> None:
        self._max_steps, self._target_cost = max_steps, target_cost

    # ------------------------------------------------------------------ stepping
    @Slot(int)
    def step(self, n: int) -> None:
        """Apply n updates: small requests at once, large ones in chunks like a run."""
        if self._trainer is None or n <= 0:
            return
        self._remaining = n
        self._running = True
        self._restart_pacing()
        self._tick()

    @Slot()
    def run(self) -> None:
        if self._trainer is None:
            return
        self._remaining = math.inf
        self._running = True
        self._restart_pacing()
        self._tick()

    @Slot()
    def pause(self) -> None:
        if self._running:
            self._stop()
            self._emit_snapshot()

    @Slot()
    def shutdown(self) -> None:
        self._stop()
        self._trainer = None

    def _stop(self) -> None:
        self._running = False
        self._remaining = 0
        self._timer.stop()

    def _restart_pacing(self) -> None:
        step = self._trainer.step_count if self._trainer is not None else 0
        self._paced_since = (time.perf_counter(), step)

    def _tick(self) -> None:
        if not self._running or self._trainer is None:
            return
        t = self._trainer
        n = self._remaining
        stop_reason = None
        if self._max_steps is not None:
            n = min(n, self._max_steps - t.step_count)
            if n <= 0:
                stop_reason = f"reached the step limit ({self._max_steps})"
        wait_ms = 0
        if stop_reason is None and self._speed_limit is not None:
            since, first = self._paced_since
            allowed = int((time.perf_counter() - since) * self._speed_limit) + 1 - \
                (t.step_count - first)
            if allowed <= 0:  # ahead of the speed limit: come back when the next step is due
                wait_ms = max(1, int(1000 * (-allowed + 1) / self._speed_limit))
                self._timer.start(min(wait_ms, 250))
                return
            n = min(n, allowed)
        done = 0
        if stop_reason is None:
            started = time.perf_counter()
            try:
                done = t.step(int(min(n, 2**62)), max_seconds=CHUNK_SECONDS,
                              until_cost=self._target_cost)
            except Exception as exc:
                self._stop()
                self.failed.emit(_describe(exc))
                self._emit_snapshot()
                return
            elapsed = time.perf_counter() - started
            self._rate = done / elapsed if elapsed > 0 else 0.0
            self._remaining -= done
            if self._target_cost is not None and t.cost <= self._target_cost:
                stop_reason = f"reached the target cost ({self._target_cost:g})"
            elif self._max_steps is not None and t.step_count >= self._max_steps:
                stop_reason = f"reached the step limit ({self._max_steps})"
        if t.diverged or stop_reason or self._remaining <= 0:
            self._running = False
            self._remaining = 0
        self._emit_snapshot(stop_reason)
        if self._running:
            self._timer.start(0)

    def _emit_snapshot(self, stop_reason: str | None = None) -> None:
        t = self._trainer
        if t is None:
            return
        chunk = t.history.since(self._sent_step)
        self._sent_step = t.step_count
        self.snapshot.emit(Snapshot(
            run_id=self._run_id, chunk=chunk, step=t.step_count, epoch=t.epoch, cost=t.cost,
            parameters=t.parameters, gradients=t.gradients, last_update=t.last_update,
            learning_rate=t.learning_rate, running=self._running, diverged=t.diverged,
            steps_per_second=self._rate if self._running else 0.0, stop_reason=stop_reason))

    # ------------------------------------------------------------------ export
    @Slot(str, int)
    def export(self, path: str, every: int) -> None:
        if self._trainer is None:
            self.export_failed.emit("nothing to export yet")
            return
        self.cancel_export.clear()

        def progress(done: int, total: int) -> None:
            self.export_progress.emit(done, total)
            if self.cancel_export.is_set():
                raise ExportCancelled

        try:
            self._trainer.export_csv(path, every=every, progress=progress)
        except ExportCancelled:
            self.export_failed.emit("export cancelled; no file was written")
        except OSError as exc:
            self.export_failed.emit(f"could not write {path}: {exc.strerror or exc}")
        except Exception as exc:
            self.export_failed.emit(_describe(exc))
        else:
            self.exported.emit(path)


def _describe(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (in {where[0].name}, {where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno})" \
        if where else ""
    return f"internal error: {type(exc).__name__}: {exc}{at}"


class TrainingSession(QObject):
    """The GUI side: owns the thread, numbers the runs, forwards the current run's snapshots."""

    run_started = Signal(object)
    snapshot = Signal(object)
    failed = Signal(str)
    running_changed = Signal(bool)
    export_progress = Signal(int, int)
    exported = Signal(str)
    export_failed = Signal(str)

    _load = Signal(object, int)
    _reset = Signal(object, int)
    _step = Signal(int)
    _run = Signal()
    _pause = Signal()
    _shutdown = Signal()
    _learning_rate = Signal(float)
    _optimizer = Signal(object)
    _speed = Signal(object)
    _stops = Signal(object, object)
    _export = Signal(str, int)

    def __init__(self, parent: QObject | None = None,
                 budget_bytes: int = DEFAULT_WORKER_BUDGET):
        super().__init__(parent)
        self._run_id = 0
        self._running = False
        self.info: RunInfo | None = None
        self.last: Snapshot | None = None
        self._thread = QThread()
        self._thread.setObjectName("gdsim-training")
        self._worker = TrainingWorker(budget_bytes)
        self._worker.moveToThread(self._thread)
        w = self._worker
        for signal, slot in ((self._load, w.load), (self._reset, w.reset), (self._step, w.step),
                             (self._run, w.run), (self._pause, w.pause),
                             (self._shutdown, w.shutdown),
                             (self._learning_rate, w.set_learning_rate),
                             (self._optimizer, w.set_optimizer), (self._speed, w.set_speed_limit),
                             (self._stops, w.set_stop_conditions), (self._export, w.export)):
            signal.connect(slot)
        w.run_started.connect(self._on_run_started)
        w.snapshot.connect(self._on_snapshot)
        w.failed.connect(self.failed)
        w.export_progress.connect(self.export_progress)
        w.exported.connect(self.exported)
        w.export_failed.connect(self.export_failed)
        self._thread.finished.connect(w.deleteLater)
        self._thread.start()

    # ------------------------------------------------------------------ requests
    @property
    def running(self) -> bool:
        return self._running

    @property
    def thread(self) -> QThread:
        return self._thread

    def load(self, config: Config) -> None:
        self._run_id += 1
        self._set_running(False)
        self._load.emit(config, self._run_id)

    def reset(self, seed: int | None = None) -> None:
        self._run_id += 1
        self._set_running(False)
        self._reset.emit(seed, self._run_id)

    def step(self, n: int = 1) -> None:
        self._set_running(n > 1)
        self._step.emit(int(n))

    def run(self) -> None:
        self._set_running(True)
        self._run.emit()

    def pause(self) -> None:
        self._pause.emit()

    def set_learning_rate(self, learning_rate: float) -> None:
        self._learning_rate.emit(float(learning_rate))

    def set_optimizer(self, optimizer: OptimizerConfig) -> None:
        self._optimizer.emit(optimizer)

    def set_speed_limit(self, steps_per_second: float | None) -> None:
        self._speed.emit(steps_per_second)

    def set_stop_conditions(self, max_steps: int | None, target_cost: float | None) -> None:
        self._stops.emit(max_steps, target_cost)

    def export(self, path: str, every: int = 1) -> None:
        self._export.emit(str(path), int(every))

    def cancel_export(self) -> None:
        self._worker.cancel_export.set()  # thread-safe; the worker checks it between chunks

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop training and the thread; returns True when the thread has finished."""
        if not self._thread.isRunning():
            return True
        self._worker.cancel_export.set()
        self._shutdown.emit()
        self._thread.quit()
        finished = self._thread.wait(timeout_ms)
        self._set_running(False)
        return finished

    # ------------------------------------------------------------------ answers
    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)

    def _on_run_started(self, info: RunInfo) -> None:
        if info.run_id == self._run_id:
            self.info = info
            self.last = None
            self.run_started.emit(info)

    def _on_snapshot(self, snap: Snapshot) -> None:
        if snap.run_id != self._run_id:
            return  # from a run that was reset after this was sent
        self.last = snap
        self._set_running(snap.running)
        self.snapshot.emit(snap)
