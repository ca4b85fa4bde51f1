"""The desktop app: the only part of gdsim that imports PySide6 and pyqtgraph."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def __getattr__(name: str):
    if name == "MainWindow":  # `from gdsim.app import MainWindow` without importing Qt eagerly
        from gdsim.app.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)


def display_problem() -> str | None:
    """Why Qt cannot open a window here, or None. Qt itself would abort with a core dump."""
    if sys.platform.startswith("linux") and not any(
        os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    ):
        return (
            "gdsim: no display found (DISPLAY is not set). Start it from a desktop session, "
            "or use xvfb-run -a gdsim, or QT_QPA_PLATFORM=offscreen."
        )
    return None


def make_application():
    """The QApplication with gdsim's names, icon and theme (the one already running, if any).

    The names matter: QSettings files and the desktop file's StartupWMClass derive from them.
    """
    from PySide6.QtWidgets import QApplication

    from gdsim import __version__

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("gdsim")
    app.setOrganizationName("gdsim")
    app.setApplicationDisplayName("gdsim")
    app.setApplicationVersion(__version__)
    from gdsim.app.icon import APP_ID, app_icon

    app.setDesktopFileName(APP_ID)

    app.setWindowIcon(app_icon())  # every window, the task bar and the window switcher
    from gdsim.app import theme
    from gdsim.app.settings import AppSettings

    settings = AppSettings()  # (needs the names above: they name QSettings' file)
    theme.apply_theme(app, settings.theme())
    if settings.presenter():
        theme.set_presenter(app, True)
    return app


def run(config_path: Path | None = None, lesson: Path | None = None) -> int:
    """Start the app (optionally with a config file, or playing a lesson file) and return its
    exit status."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    app = make_application()
    from gdsim.app.main_window import MainWindow

    window = MainWindow(config_path, lesson=lesson)
    window.show()
    return app.exec()
