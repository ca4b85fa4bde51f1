"""A training session that runs in the GUI thread, for lessons whose steps take microseconds.

Same interface and signals as TrainingSession (load, reset, step, run, pause, live settings,
export; run_started, snapshot, failed, ...), built on the same TrainingDriver, so lesson views
reuse the main window's controls and plots. A QTimer drives the chunks; with function-mode
objectives a 16 ms chunk is thousands of steps and the event loop stays responsive.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from gdsim.app.runstate import RunInfo, Snapshot
from gdsim.app.training_process import TrainingDriver
from gdsim.config import Config, OptimizerConfig

LOCAL_BUDGET = 32 * 2**20


class LocalSession(QObject):
    run_started = Signal(object)
    snapshot = Signal(object)
    failed = Signal(str)
    running_changed = Signal(bool)
    export_progress = Signal(int, int)
    exported = Signal(str)
    export_failed = Signal(str)

    def __init__(self, parent: QObject | None = None, budget_bytes: int = LOCAL_BUDGET):
        super().__init__(parent)
        self.budget_bytes = budget_bytes
        self.info: RunInfo | None = None
        self.last: Snapshot | None = None
        self._running = False
        self._run_id = 0
        self._driver = TrainingDriver(self._on_message, budget_bytes)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)

    @property
    def running(self) -> bool:
        return self._running

    @property
    def trainer(self):
        """The trainer itself (lessons may read it directly: same thread)."""
        return self._driver.trainer

    def _do(self, *command) -> None:
        self._driver.handle(command)
        if self._driver.running and not self._timer.isActive():
            self._timer.start(0)

    def _tick(self) -> None:
        wait = self._driver.tick()
        if self._driver.running:
            self._timer.start(int(wait * 1000))

    def load(self, config: Config) -> None:
        self._run_id += 1
        self._do("load", config, self._run_id)

    def reset(self, seed: int | None = None) -> None:
        self._run_id += 1
        self._do("reset", seed, self._run_id)

    def step(self, n: int = 1) -> None:
        self._do("step", int(n))
        if n == 1 and self._driver.running:  # one step: show it at once
            self._timer.stop()
            self._tick()

    def run(self) -> None:
        self._set_running(True)
        self._do("run")

    def pause(self) -> None:
        self._timer.stop()
        self._do("pause")

    def set_learning_rate(self, learning_rate: float) -> None:
        self._do("learning_rate", float(learning_rate))

    def set_optimizer(self, optimizer: OptimizerConfig) -> None:
        self._do("optimizer", optimizer)

    def set_speed_limit(self, steps_per_second: float | None) -> None:
        self._do("speed", steps_per_second)

    def set_stop_conditions(self, max_steps: int | None, target_cost: float | None) -> None:
        self._do("stops", max_steps, target_cost)

    def export(self, path: str, every: int = 1) -> None:
        self._do("export", str(path), int(every))

    def cancel_export(self) -> None:
        pass  # exports of lesson runs are small and finish within the call

    def shutdown(self, timeout_ms: int = 0) -> bool:
        self._timer.stop()
        self._driver.handle(("pause",))
        self._set_running(False)
        return True

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)

    def _on_message(self, message: tuple) -> None:
        kind, *args = message
        if kind == "snapshot":
            snap: Snapshot = args[0]
            self.last = snap
            self._set_running(snap.running)
            self.snapshot.emit(snap)
        elif kind == "run_started":
            self.info = args[0]
            self.last = None
            self.run_started.emit(args[0])
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
