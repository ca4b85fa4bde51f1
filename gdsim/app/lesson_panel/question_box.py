"""One question in the lesson panel: its prompt, the options or a number field, Answer, and
the verdict with the real numbers once answered.

The box only shows and collects: what the answer means is for the panel to decide (and
:func:`gdsim.lessonfile.check_answer` to check). Every text it shows is escaped or comes from
:func:`gdsim.lessonfile.render_markup`, and no label opens links.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.lessonfile import Verdict, render_markup

__all__ = ["QuestionBox", "text_label"]


def text_label(object_name: str = "", rich: bool = True) -> QLabel:
    """A word-wrapped label that shows text but never opens (or makes) a link."""
    label = QLabel()
    if object_name:
        label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class QuestionBox(QWidget):
    """A prompt, then either radio buttons (`options`) or a line edit, and an Answer button."""

    answer_clicked = Signal()

    def __init__(self, prefix: str, parent: QWidget | None = None):
        """`prefix`: the start of the object names (``lesson`` -> ``lessonAnswerButton``)."""
        super().__init__(parent)
        self.setObjectName(f"{prefix}QuestionBox")
        self.prompt = text_label(f"{prefix}Prompt")
        self._options = QWidget()
        self._options_column = QVBoxLayout(self._options)
        self._options_column.setContentsMargins(8, 0, 0, 0)
        self._options_column.setSpacing(2)
        self.group = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        self.number_edit = QLineEdit()
        self.number_edit.setObjectName(f"{prefix}NumberEdit")
        self.number_edit.setPlaceholderText("type a number, e.g. 1.4")
        self.number_edit.returnPressed.connect(self.answer_clicked)
        self.answer_button = QPushButton("Answer")
        self.answer_button.setObjectName(f"{prefix}AnswerButton")
        self.answer_button.setAutoDefault(False)
        self.answer_button.clicked.connect(self.answer_clicked)
        self.verdict = text_label(f"{prefix}Verdict")
        self.numbers = text_label(f"{prefix}Numbers", rich=False)
        self.numbers.setObjectName(f"{prefix}Numbers")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.number_edit, 1)
        row.addWidget(self.answer_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.prompt)
        column.addWidget(self._options)
        column.addLayout(row)
        column.addWidget(self.verdict)
        column.addWidget(self.numbers)
        self.clear()

    # ------------------------------------------------------------------ asking
    def ask(self, prompt_markup: str, options: tuple[str, ...] | None) -> None:
        """Show a question: `options` as radio buttons, or None for a typed number."""
        self.clear()
        self.prompt.setText(render_markup(prompt_markup))
        for i, text in enumerate(options or ()):
            button = QRadioButton(text)  # (plain text: a radio button shows no markup)
            button.setObjectName(f"option{i}")
            self.group.addButton(button, i)
            self.buttons.append(button)
            self._options_column.addWidget(button)
        self._options.setVisible(bool(options))
        self.number_edit.setVisible(not options)
        self.setVisible(True)
        self.set_open(True)

    def clear(self) -> None:
        for button in self.buttons:
            self.group.removeButton(button)
            button.deleteLater()
        self.buttons = []
        self.number_edit.clear()
        self.verdict.clear()
        self.verdict.hide()
        self.numbers.clear()
        self.numbers.hide()

    def set_open(self, on: bool) -> None:
        """Whether an answer can still be given."""
        for button in self.buttons:  # (not disabled: the choice stays easy to read)
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, not on)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus if on else Qt.FocusPolicy.NoFocus)
        self.number_edit.setReadOnly(not on)
        self.answer_button.setEnabled(on)

    def choose(self, index: int) -> None:
        """Pick option `index` (as a click would)."""
        self.buttons[index].setChecked(True)

    def answer(self) -> int | str | None:
        """The option index chosen, the typed text, or None when nothing is given yet."""
        if self.buttons:
            index = self.group.checkedId()
            return None if index < 0 else index
        text = self.number_edit.text().strip()
        return text or None

    # ------------------------------------------------------------------ telling
    def say(self, text: str, kind: str = "info") -> None:
        """One line under the question (plain text): a hint, a refusal, a wait."""
        c = theme.colors()
        colour = {"bad": c.negative, "good": c.update}.get(kind, c.muted)
        self.verdict.setText(f"<span style='color:{colour}'>{html.escape(text)}</span>")
        self.verdict.show()

    def show_verdict(self, verdict: Verdict, numbers: str = "") -> None:
        """Right or not, what was said and what is right, why; the real numbers beside."""
        c = theme.colors()
        given, expected = html.escape(verdict.given), html.escape(verdict.expected)
        if verdict.correct:
            head = f"<b style='color:{c.update}'>✓ Right</b>: {given}."
        else:
            head = (
                f"<b style='color:{c.negative}'>✗ Not quite</b>: you said {given}; "
                f"the answer is {expected}."
            )
        why = html.escape(verdict.explanation)
        self.verdict.setText(head + (f" {why}" if why else ""))
        self.verdict.show()
        self.numbers.setText(f"Real numbers: {numbers}" if numbers else "")
        self.numbers.setVisible(bool(numbers))
        self.set_open(False)
