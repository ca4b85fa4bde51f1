"""A main-window fixture that always ends with the window closed and its thread stopped."""

import pytest

from gdsim.app.main_window import MainWindow


class FakeDialogs:
    """Stands in for the window's dialogs: records questions, answers as told."""

    def __init__(self):
        self.confirm_answer = True
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.open_path = None
        self.save_path = None
        self.folder = None

    def open_file(self, title, folder, filters):
        return self.open_path

    def save_file(self, title, suggested, filters):
        return self.save_path

    def choose_folder(self, title, folder):
        return self.folder

    def confirm(self, title, text, proceed="Discard and continue"):
        self.asked.append(text)
        return self.confirm_answer

    def error(self, title, text):
        self.errors.append(text)

    def info(self, title, text):
        pass


@pytest.fixture
def settings_sandbox(tmp_path, monkeypatch):
    """Keep QSettings (recent files, folders) out of the user's real configuration."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield tmp_path


@pytest.fixture
def make_window(qtbot, settings_sandbox):
    windows = []

    def make(config=None):
        window = MainWindow(config)
        window.dialogs = FakeDialogs()
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.session.last is not None, timeout=10000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        assert not window.session.thread.isRunning(), "the reader thread is still running"
        assert not window.session.process.is_alive(), "the trainer process is still running"


@pytest.fixture
def window(make_window):
    return make_window()
