"""An inline message strip above the plots (divergence, errors), with up to two actions."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from gdsim.app import theme

KINDS = ("warning", "error", "info")


class MessageBar(QFrame):
    action_clicked = Signal()
    second_action_clicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.label = QLabel()
        self.label.setObjectName("messageText")
        self.label.setWordWrap(True)
        self.action = QPushButton()
        self.action.setObjectName("messageAction")
        self.second_action = QPushButton()
        self.second_action.setObjectName("messageSecondAction")
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.action)
        row.addWidget(self.second_action)
        row.addWidget(close)
        self.action.clicked.connect(self.action_clicked)
        self.action.clicked.connect(self.hide)
        self.second_action.clicked.connect(self.second_action_clicked)
        self.second_action.clicked.connect(self.hide)
        close.clicked.connect(self.hide)
        self._kind = "info"
        self.hide()
        theme.notifier().changed.connect(self._apply_style)

    def show_message(
        self, text: str, kind: str = "info", action: str | None = None, second: str | None = None
    ) -> None:
        """Show `text`; `action` and `second` label the buttons (action_clicked,
        second_action_clicked), None for none."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self._kind = kind
        self._apply_style()
        self.label.setText(text)
        self.action.setVisible(action is not None)
        self.action.setText(action or "")
        self.second_action.setVisible(second is not None)
        self.second_action.setText(second or "")
        self.show()

    def _apply_style(self, *_args) -> None:
        m = theme.colors().message(self._kind)
        self.setStyleSheet(
            f"#messageBar {{background:{m.background}; border:1px solid {m.border}; "
            f"color:{m.text}; border-radius:4px;}}"
            f"#messageBar QLabel {{border:none; background:transparent; color:{m.text};}}"
        )

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
