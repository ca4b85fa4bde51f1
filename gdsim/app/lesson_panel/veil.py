"""While a prediction about a gradient waits for its answer, the gradients are not shown.

"Is dC/dw positive or negative?" and "will w go up or down?" are answered by the gradient
column of the parameter table and by the gradient plot, both in plain sight. Until the learner
answers, the table shows "?" for every gradient and a veil covers the gradient plot; the answer
(or a cancelled question) lifts both. The state is read a few times a second from the lesson
player and predict mode, so no question path has to remember to lift it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from gdsim.lessonfile import PredictQuestion

__all__ = ["GradientVeil", "about_gradients"]

CHECK_MS = 100
GRADIENT_QUESTIONS = ("gradient_sign", "direction")  # (next_value needs the gradient: shown)
TEXT = "Gradients hidden until you answer the prediction"


def about_gradients(question: object) -> bool:
    """Whether the gradient on screen would answer `question`."""
    return isinstance(question, PredictQuestion) and question.what in GRADIENT_QUESTIONS


class _Cover(QLabel):
    """An opaque label over `parent` (the gradient plot) that follows its size."""

    def __init__(self, parent: QWidget):
        super().__init__(TEXT, parent)
        self.setObjectName("gradientVeil")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAutoFillBackground(True)  # (the window's palette: both themes)
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())
        return False

    def cover(self, on: bool) -> None:
        if on:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
        self.setVisible(on)


class GradientVeil(QObject):
    """Hides the window's gradients while `pending()` says a question is about them."""

    def __init__(self, window: QWidget, pending):
        super().__init__(window)
        self._window = window
        self._pending = pending  # () -> the question waiting for its answer, or None
        self._cover = _Cover(window.plots.gradient_plot)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.update)
        self.on = False

    def start(self) -> None:
        self._timer.start()

    def update(self) -> None:
        on = about_gradients(self._pending())
        if on != self.on:
            self.on = on
            self._window.table.set_gradients_hidden(on)
            self._cover.cover(on)
