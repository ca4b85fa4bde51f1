"""The lesson panel's widgets: a dock on the right of the main window (object name
`lessonPanel`) that shows a lesson being played, predict mode, or both.

Widgets only (and their object names, for tests and scripts); what they show is decided by
:mod:`gdsim.app.lesson_panel.player` (a lesson) and :mod:`gdsim.app.lesson_panel.predict`
(predict mode).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gdsim.app.lesson_panel.question_box import QuestionBox, text_label

__all__ = ["LessonDock"]

PANEL_WIDTH = 360


def _button(text: str, name: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)
    if tip:
        button.setToolTip(tip)
    return button


class LessonDock(QDockWidget):
    """The panel's widgets; `lesson_box` and `predict_box` show or hide as needed."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Lesson", parent)
        self.setObjectName("lessonPanel")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.header = QLabel()
        self.header.setObjectName("lessonHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.header.setFont(font)

        # --- the lesson
        self.lesson_box = QWidget()
        self.lesson_box.setObjectName("lessonBox")
        self.intro = text_label("lessonIntro")
        self.step_label = QLabel()
        self.step_label.setObjectName("lessonStepLabel")
        bold = self.step_label.font()
        bold.setBold(True)
        self.step_label.setFont(bold)
        self.rule = QFrame()
        self.rule.setFrameShape(QFrame.Shape.HLine)
        self.rule.setFrameShadow(QFrame.Shadow.Sunken)
        self.instruction = text_label("lessonInstruction")
        self.question = QuestionBox("lesson")
        self.explanation = text_label("lessonExplanation")
        self.explanation.setFrameShape(QFrame.Shape.StyledPanel)
        self.explanation.setContentsMargins(6, 4, 6, 4)
        self.waiting = text_label("lessonWaiting", rich=False)
        self.score = QLabel()
        self.score.setObjectName("lessonScore")
        self.next_button = _button("Next ▶", "lessonNextButton", "Go on to the next step")
        self.export_button = _button(
            "Export progress…", "lessonExportButton", "Write your answers to a CSV file"
        )
        self.restart_button = _button(
            "Restart", "lessonRestartButton", "Start the lesson again: its run and the score"
        )
        self.close_button = _button(
            "Close lesson", "lessonCloseButton", "Stop the lesson; the app's controls come back"
        )
        step_row = QHBoxLayout()
        step_row.addWidget(self.score, 1)
        step_row.addWidget(self.next_button)
        tools = QHBoxLayout()
        for button in (self.export_button, self.restart_button, self.close_button):
            tools.addWidget(button)
        tools.addStretch(1)
        lesson = QVBoxLayout(self.lesson_box)
        lesson.setContentsMargins(0, 0, 0, 0)
        lesson.setSpacing(8)
        for widget in (self.intro, self.rule, self.step_label, self.instruction, self.question):
            lesson.addWidget(widget)
        lesson.addWidget(self.explanation)
        lesson.addWidget(self.waiting)
        lesson.addLayout(step_row)
        lesson.addLayout(tools)

        # --- predict mode
        self.predict_box = QGroupBox("Predict mode")
        self.predict_box.setObjectName("predictBox")
        self.predict_note = text_label("predictNote", rich=False)
        self.parameter_combo = QComboBox()
        self.parameter_combo.setObjectName("predictParameterCombo")
        self.parameter_combo.setToolTip("The parameter the predictions are about")
        self.timeline_button = _button(
            "Predict the next step",
            "predictTimelineButton",
            "Hide the steps after this one, predict the next update, then see it",
        )
        self.predict_question = QuestionBox("predict")
        self.predict_score = QLabel()
        self.predict_score.setObjectName("predictScore")
        self.predict_off_button = _button(
            "Turn off", "predictOffButton", "Stop asking before each step"
        )
        about = QHBoxLayout()
        about.addWidget(QLabel("About"))
        about.addWidget(self.parameter_combo, 1)
        end_row = QHBoxLayout()
        end_row.addWidget(self.predict_score, 1)
        end_row.addWidget(self.predict_off_button)
        predict = QVBoxLayout(self.predict_box)
        predict.setSpacing(6)
        predict.addWidget(self.predict_note)
        predict.addLayout(about)
        predict.addWidget(self.timeline_button)
        predict.addWidget(self.predict_question)
        predict.addLayout(end_row)

        content = QWidget()
        content.setObjectName("lessonPanelContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(10)
        column.addWidget(self.header)
        column.addWidget(self.lesson_box)
        column.addWidget(self.predict_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(PANEL_WIDTH - 40)
        self.setWidget(scroll)
        self.lesson_box.hide()
        self.predict_box.hide()
        self.predict_question.hide()
        self.timeline_button.hide()

    def show_header(self, text: str) -> None:
        self.header.setText(text)
