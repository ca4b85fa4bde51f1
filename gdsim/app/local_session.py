"""A training session that runs in the GUI thread, for lessons whose steps take microseconds.

Same requests and signals as the app's TrainingSession (both are SessionBase), with the same
TrainingDriver called directly instead of through a process, so lesson views reuse the main
window's controls and plots. A QTimer drives the chunks; with function-mode objectives a 16 ms
chunk is thousands of steps and the event loop stays responsive.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from gdsim.app.session import SessionBase
from gdsim.session.driver import TrainingDriver
from gdsim.session.protocol import Command, Pause

LOCAL_BUDGET = 32 * 2**20


class LocalSession(SessionBase):
    def __init__(self, parent: QObject | None = None, budget_bytes: int = LOCAL_BUDGET):
        super().__init__(parent, budget_bytes, self._to_driver)
        self._driver = TrainingDriver(self._on_message, budget_bytes)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)

    @property
    def trainer(self):
        """The trainer itself (lessons may read it directly: same thread)."""
        return self._driver.trainer

    def _to_driver(self, command: Command) -> None:
        self._driver.handle(command)
        if self._driver.busy and not self._timer.isActive():
            self._timer.start(0)

    def _tick(self) -> None:
        wait = self._driver.tick()
        if self._driver.busy:  # the run or a comparison
            self._timer.start(int(wait * 1000))

    def step(self, n: int = 1) -> None:
        super().step(n)
        if n == 1 and self._driver.running:  # one step: show it at once
            self._timer.stop()
            self._tick()

    def pause(self) -> None:
        self._timer.stop()
        super().pause()

    def shutdown(self, timeout_ms: int = 0) -> bool:
        self._timer.stop()
        self._driver.handle(Pause())
        self._set_running(False)
        return True
