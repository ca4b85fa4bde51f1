"""An inline message strip above the plots (divergence, errors), with an optional action."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

STYLES = {
    "warning": "background:#fff4e5; border:1px solid #f0a040; color:#5a3800;",
    "error": "background:#fdecea; border:1px solid #e57373; color:#611a15;",
    "info": "background:#e8f1fb; border:1px solid #64a0dc; color:#0d3c61;",
}


class MessageBar(QFrame):
    action_clicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.label = QLabel()
        self.label.setObjectName("messageText")
        self.label.setWordWrap(True)
        self.action = QPushButton()
        self.action.setObjectName("messageAction")
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.action)
        row.addWidget(close)
        self.action.clicked.connect(self.action_clicked)
        self.action.clicked.connect(self.hide)
        close.clicked.connect(self.hide)
        self.hide()

    def show_message(self, text: str, kind: str = "info", action: str | None = None) -> None:
        self.setStyleSheet(
            f"#messageBar {{{STYLES[kind]} border-radius:4px;}}"
            f"#messageBar QLabel {{border:none; background:transparent;}}"
        )
        self.label.setText(text)
        self.action.setVisible(action is not None)
        self.action.setText(action or "")
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
