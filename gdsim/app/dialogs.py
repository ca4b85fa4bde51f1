"""Questions and file choosers the window asks the user, in one replaceable object.

Tests (and scripts) swap `MainWindow.dialogs` for a stand-in. On the offscreen platform there
is nobody to answer a modal dialog, so questions take their default answer there.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def _interactive() -> bool:
    return QGuiApplication.platformName() not in ("offscreen", "minimal")


class Dialogs:
    def __init__(self, parent: QWidget):
        self.parent = parent

    def open_file(self, title: str, folder: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, folder, filters)
        return path or None

    def save_file(self, title: str, suggested: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filters)
        return path or None

    def choose_folder(self, title: str, folder: str) -> str | None:
        return QFileDialog.getExistingDirectory(self.parent, title, folder) or None

    def confirm(self, title: str, text: str, proceed: str = "Discard and continue") -> bool:
        """Ask before something is lost; True means go ahead."""
        if not _interactive():
            return True
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        go = box.addButton(proceed, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is go

    def error(self, title: str, text: str) -> None:
        if _interactive():
            QMessageBox.critical(self.parent, title, text)

    def info(self, title: str, text: str) -> None:
        if _interactive():
            QMessageBox.information(self.parent, title, text)
