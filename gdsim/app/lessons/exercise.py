"""The manual update exercise of the one- and two-parameter lessons: a "Compute it yourself"
toggle and, while it is on, a small box where the learner types the next value of each parameter
and presses Check (or Enter).

The box follows the lesson's trainer (the lesson calls :meth:`ExerciseBox.follow` whenever it
redraws its numbers), so the question is always this step's: the current value, the learning
rate and the slope. A right answer takes the step at once (through the lesson's own Step button,
so the race steps along in the two-parameter lesson) and the next question waits; a wrong one
gets the worked numbers and may be tried again, or the learner presses Step to move on. The
checking itself is :mod:`gdsim.app.lessons.exercise_check` (Qt-free).

Both lessons step with plain gradient descent (SGD without momentum), so the real next value is
w − lr·dC/dw; the box says so.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from gdsim.app import theme
from gdsim.app.lessons.exercise_check import (
    TOLERANCE_TEXT,
    NumberRefused,
    Part,
    check,
    parse_number,
    summary,
)

__all__ = ["ExerciseBox"]

HIDDEN = "?"  # what the lessons show for the answer while the exercise is on
STOPPED = "Nothing to compute: the run has stopped. Reset to start again."
HIDDEN_TIP = "Hidden while you compute it yourself (Compute it yourself is on)"


class ExerciseBox(QGroupBox):
    """The exercise box, shown only while its toggle (`toggle`, a check box the lesson puts
    where it likes) is on. `parts`: (name, slope name) per parameter, e.g. [("w", "dC/dw")];
    `rule`: the update rule in words, shown beside the fields. Emits `step_wanted` after a
    right answer (the lesson connects it to its Step button) and `switched(on)` when the toggle
    changes (the lesson hides its answers while on)."""

    step_wanted = Signal()
    switched = Signal(bool)  # the toggle: on or off

    def __init__(self, parts: Sequence[tuple[str, str]], rule: str, parent=None):
        super().__init__("Your turn: compute the next value", parent)
        self.setObjectName("exerciseBox")
        self._parts = tuple(parts)
        self._question: tuple | None = None  # (step, values, learning rate, gradients)
        self._keep_result = False  # a right answer's message outlives the step it took
        self._message = ("", "")  # (kind, text) of the result line, redrawn on theme changes
        self._running = False
        self._stopped = False
        self.right = self.total = 0

        self.toggle = QCheckBox("Compute it yourself", objectName="exerciseToggle")
        self.toggle.setToolTip(
            "Work out the next value yourself before each step; gdsim checks it and shows "
            "the worked numbers when it is off"
        )
        self.prompt = QLabel(f"{rule} Right if {TOLERANCE_TEXT}.", objectName="exercisePrompt")
        self.prompt.setWordWrap(True)
        self.fields: dict[str, QLineEdit] = {}
        row = QHBoxLayout()
        row.setSpacing(4)
        for name, _ in self._parts:
            field = QLineEdit(objectName=f"exercise_{name}")
            field.setToolTip(f"The next {name}: one number, e.g. 1.4 or −0.25")
            field.setMinimumWidth(70)
            field.setMaximumWidth(110)
            field.returnPressed.connect(self.check)
            label = QLabel(f"next {name} =")
            label.setBuddy(field)
            row.addWidget(label)
            row.addWidget(field)
            self.fields[name] = field
        self.check_button = QPushButton("Check", objectName="exerciseCheck")
        self.check_button.setToolTip("Check your numbers (Enter)")
        self.check_button.clicked.connect(self.check)
        row.addWidget(self.check_button)
        row.addSpacing(8)
        row.addWidget(self.prompt, 1)
        self.result = QLabel(objectName="exerciseResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.result.hide()
        self.score = QLabel(objectName="exerciseScore")
        self.score.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.score.hide()
        row.addWidget(self.score)

        inner = QVBoxLayout(self)
        inner.setContentsMargins(6, 2, 6, 4)
        inner.setSpacing(3)
        inner.addLayout(row)
        inner.addWidget(self.result)
        self.hide()

        self.toggle.toggled.connect(self._on_toggled)
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)

    # ------------------------------------------------------------------ public
    def is_on(self) -> bool:
        return self.toggle.isChecked()

    def set_on(self, on: bool) -> None:
        self.toggle.setChecked(bool(on))

    def follow(self, trainer) -> None:
        """Take this step's numbers from `trainer` (parameters, gradients, learning rate). New
        numbers are a new question: the fields empty (and the last message goes, unless it is
        the right answer that took this step)."""
        if trainer is None:
            return
        values = tuple(float(x) for x in trainer.parameters)
        grads = tuple(float(x) for x in trainer.gradients)
        lr = float(trainer.learning_rate)
        question = (trainer.step_count, values, lr, grads)
        self._stopped = bool(trainer.diverged) or not all(
            math.isfinite(x) for x in (*values, *grads, lr)
        )
        if question != self._question:
            self._question = question
            for field in self.fields.values():
                field.clear()
            if self._keep_result:
                self._keep_result = False
            else:
                self._show("", "")
        if self._stopped:
            self._show("info", STOPPED)
        self._enable()

    def set_running(self, running: bool) -> None:
        """While steps run by themselves there is nothing to type: the fields rest."""
        self._running = bool(running)
        self._enable()

    def check(self) -> None:
        """Check the typed values against this step's real next values; a right answer takes
        the step, a wrong one shows the worked numbers, a refused one says why."""
        if self._question is None or not self.check_button.isEnabled():
            return
        _, values, lr, grads = self._question
        typed = []
        for name, field in self.fields.items():
            try:
                typed.append(parse_number(field.text(), name))
            except NumberRefused as exc:
                self._show("refused", str(exc))
                field.setFocus()
                field.selectAll()
                return
        parts = [
            Part(name, slope, value, grad)
            for (name, slope), value, grad in zip(self._parts, values, grads, strict=True)
        ]
        verdicts = check(parts, lr, typed)
        ok, text = summary(verdicts)
        self.right += ok
        self.total += 1
        self.score.setText(f"{self.right} of {self.total} right")
        self.score.show()
        if not ok:
            self._show("wrong", text)
            wrong = next(v.part.name for v in verdicts if not v.right)
            self.fields[wrong].setFocus()
            self.fields[wrong].selectAll()
            return
        before = self._question
        self._keep_result = True
        self._show("right", text + " Step taken: now the next one.")
        self.step_wanted.emit()  # the lesson steps, redraws and calls follow()
        if self._question == before:  # no step was taken (the lesson could not step)
            self._keep_result = False
            self._show("right", text)
        first = next(iter(self.fields.values()))
        if first.isEnabled():
            first.setFocus()

    def message(self) -> str:
        """The result line as plain text (for tests and scripts)."""
        return self._message[1]

    # ------------------------------------------------------------------ inside
    def _on_toggled(self, on: bool) -> None:
        self.setVisible(on)
        if on:
            self.right = self.total = 0
            self.score.hide()
            self._show("", "")
            for field in self.fields.values():
                field.clear()
            if self._stopped:
                self._show("info", STOPPED)
            first = next(iter(self.fields.values()))
            if first.isEnabled():
                first.setFocus()
        self.switched.emit(on)

    def _enable(self) -> None:
        usable = not (self._running or self._stopped)
        for field in self.fields.values():
            field.setEnabled(usable)
        self.check_button.setEnabled(usable)
        tip = "Pause to compute it yourself" if self._running else ""
        self.check_button.setToolTip(tip or "Check your numbers (Enter)")

    def _show(self, kind: str, text: str) -> None:
        self._message = (kind, text)
        self.result.setVisible(bool(text))
        self._render()

    def _render(self) -> None:
        kind, text = self._message
        c = theme.colors()
        style = {"right": c.success, "wrong": c.warning, "refused": c.error, "info": c.info}
        if not text:
            self.result.clear()
            return
        m = style[kind]
        self.result.setStyleSheet(
            f"QLabel {{ color: {m.text}; background: {m.background}; "
            f"border: 1px solid {m.border}; border-radius: 3px; padding: 3px; }}"
        )
        body = html.escape(text)
        for lead in ("Right:", "Not quite:"):
            if body.startswith(lead):
                body = f"<b>{lead}</b>{body[len(lead) :]}"
        self.result.setText(body)

    def _apply_theme(self, *_args) -> None:
        muted = theme.colors().muted
        self.prompt.setStyleSheet(f"color: {muted};")
        self.score.setStyleSheet(f"color: {muted};")
        self._render()
