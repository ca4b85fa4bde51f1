"""The timeline under the plots: a slider over the run's steps, what is shown, "Back to live".

The bar only asks: moving the slider emits `step_requested(k)`, End or the button
`live_requested()`, "Continue from here" `continue_requested()` (the window cuts the run at the
step shown and trains on from there). The run presenter decides what is shown
(gdsim.app.window.presenter) and tells the bar with :meth:`TimelineBar.show_live` /
:meth:`TimelineBar.show_past`. Left/Right go to the previous/next step the window holds a state
of (`steps()`), not the next integer: after decimation most integers have no state of their own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QWidget

from gdsim.app import theme
from gdsim.session.timeline import neighbour_step

__all__ = ["TIMELINE_KEYS", "TimelineBar", "TimelineSlider", "timeline_text"]

GROUP = "Timeline (the slider focused)"
TIMELINE_KEYS = (  # for the keyboard shortcuts list: (group, what, keys)
    (GROUP, "Previous / next recorded step", "Left, Right"),
    (GROUP, "First step", "Home"),
    (GROUP, "Back to live", "End"),
    (GROUP, "A twentieth of the run forward / back", "Page Up, Page Down"),
)


def timeline_text(asked: int | None, shown: int | None, latest: int) -> str:
    """What the bar says: live, the step shown, or the nearest recorded one to the step asked."""
    if shown is None:
        return f"live · step {latest:,}"
    if asked is None or asked == shown:
        return f"step {shown:,} of {latest:,}"
    return f"showing step {shown:,}, the nearest recorded to {asked:,} (of {latest:,})"


class TimelineSlider(QSlider):
    """A horizontal slider whose arrow keys move by one recorded step (`steps()`)."""

    step_key = Signal(int)  # Left/Right/Home: the step to show
    end_key = Signal()  # End: back to live

    def __init__(self, steps: Callable[[], np.ndarray], parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._steps = steps
        self.shown: int | None = None  # the step the views show (None: live)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        steps = self._steps()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and len(steps):
            here = self.shown if self.shown is not None else int(steps[-1])
            to = neighbour_step(steps, here, -1 if key == Qt.Key.Key_Left else 1)
            if to is not None:
                self.shown = to  # (a second press before the views are drawn goes on from here)
                self.step_key.emit(to)
        elif key == Qt.Key.Key_Home and len(steps):
            self.shown = int(steps[0])
            self.step_key.emit(self.shown)
        elif key == Qt.Key.Key_End:
            self.end_key.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class TimelineBar(QWidget):
    """The slider, the words and the live button (see the module doc)."""

    step_requested = Signal(int)
    live_requested = Signal()
    continue_requested = Signal()

    def __init__(self, steps: Callable[[], np.ndarray], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timelineBar")
        self.slider = TimelineSlider(steps)
        self.slider.setObjectName("timelineSlider")
        self.slider.setRange(0, 0)
        self.slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.slider.setToolTip(
            "Drag to look at any step of the run in every view; training may go on meanwhile. "
            "Left/Right: one recorded step back/forward, Home: the first, End: back to live."
        )
        self.label = QLabel()
        self.label.setObjectName("timelineLabel")
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.live_button = QPushButton("Back to live")
        self.live_button.setObjectName("timelineLiveButton")
        self.live_button.setAutoDefault(False)
        self.live_button.setToolTip("Show the latest step again in every view (End)")
        self.continue_button = QPushButton("Continue from here")
        self.continue_button.setObjectName("timelineContinueButton")
        self.continue_button.setAutoDefault(False)
        self.continue_button.setToolTip(
            "Cut the run at the step shown and train on from its exact state (parameters, "
            "optimizer state, batch order): the later steps are dropped, and Step or Run goes "
            "on from here. With nothing changed, the same steps come again, bit for bit."
        )
        caption = QLabel("Timeline")
        caption.setObjectName("timelineCaption")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(8)
        row.addWidget(caption)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        row.addWidget(self.continue_button)
        row.addWidget(self.live_button)
        self.slider.valueChanged.connect(self._moved)
        self.slider.step_key.connect(self.step_requested)
        self.slider.end_key.connect(self.live_requested)
        self.live_button.clicked.connect(self.live_requested)
        self.continue_button.clicked.connect(self.continue_requested)
        self._latest = 0
        self._past = False
        self.show_live(0)
        theme.notifier().changed.connect(self._apply_theme)

    def _moved(self, value: int) -> None:
        if value >= self.slider.maximum():
            self.live_requested.emit()  # the right end is the latest step: live
        else:
            self.step_requested.emit(value)

    def is_live(self) -> bool:
        return not self._past

    def show_live(self, latest: int) -> None:
        """Live: the slider at the latest step, following it."""
        self._latest = max(0, int(latest))
        self._past = False
        self.slider.shown = None
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, self._latest)
            self.slider.setValue(self._latest)
        self._set_page()
        if self._latest == 0:  # a new run: the words may be short again
            self.label.setMinimumWidth(0)
        self._say(timeline_text(None, None, self._latest))
        self.live_button.setEnabled(False)
        self.continue_button.setEnabled(False)

    def show_past(self, asked: int, shown: int, latest: int) -> None:
        """The views show step `shown` (the nearest the window holds to `asked`) of `latest`."""
        self._latest = max(0, int(latest))
        self._past = True
        self.slider.shown = int(shown)
        with QSignalBlocker(self.slider):
            self.slider.setMaximum(self._latest)
            if not self.slider.isSliderDown():  # (a drag keeps its own position)
                self.slider.setValue(int(asked))
        self._set_page()
        self._say(timeline_text(asked, shown, self._latest))
        self.live_button.setEnabled(True)
        self.continue_button.setEnabled(True)

    def _say(self, text: str) -> None:
        self._apply_theme()
        self.label.setText(text)
        # the words only ever widen during a run, so the slider never changes length under a
        # dragging mouse as they change from "step 9" to "step 10" or to "the nearest recorded"
        self.label.setMinimumWidth(max(self.label.minimumWidth(), self.label.sizeHint().width()))

    def _set_page(self) -> None:
        # Page Up/Down and a click beside the handle: a twentieth of the run, whatever its length
        self.slider.setPageStep(max(1, self._latest // 20))

    def _apply_theme(self, *_args) -> None:
        # while looking back the words are in the diagrams' highlight colour: the views do not
        # show the newest step, which is easy to forget while training goes on
        c = theme.colors()
        colour = c.highlight if self._past else c.muted
        weight = "bold" if self._past else "normal"
        self.label.setStyleSheet(f"color: {colour}; font-weight: {weight};")
