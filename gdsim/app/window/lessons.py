"""The main window's lesson windows and the lessons start page (gdsim.app.lessons.registry).

Each lesson window is made when first opened and raised after that; each has its own in-thread
session. The start page only names a target; `open_target` opens it: a lesson window, the
optimizer race, a tab of the main window (`show_tab`) or a main-window preset (`open_preset`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from gdsim.app.lessons.registry import lesson
from gdsim.app.lessons.start_page import LessonsStartPage, parse_target


def _show(window: QWidget) -> None:
    window.show()
    window.raise_()
    window.activateWindow()


class LessonWindows:
    def __init__(self, show_tab: Callable[[str], None], open_preset: Callable[[str], bool]):
        """`show_tab`, `open_preset`: bound methods of the window, held weakly (it owns this)."""
        self._show_tab = weakref.WeakMethod(show_tab)
        self._open_preset = weakref.WeakMethod(open_preset)
        self.windows: dict[str, QWidget] = {}  # by lesson key
        self.page: QWidget | None = None

    def open(self, key: str) -> QWidget:
        """Open (or raise) a lesson in its own window."""
        window = self.windows.get(key)
        if window is None:
            entry = lesson(key)
            window = entry.window_class()()
            window.setWindowFlag(Qt.WindowType.Window, True)
            window.setWindowTitle(entry.menu[0].replace("&", "") + " — gdsim")
            window.resize(1150, 700)
            self.windows[key] = window
        _show(window)
        return window

    def open_page(self) -> QWidget:
        """The start page listing every lesson (one window, raised if already open)."""
        page = self.page
        if page is None:
            page = self.page = LessonsStartPage()
            page.setWindowFlag(Qt.WindowType.Window, True)
            page.setWindowTitle("Lessons — gdsim")
            page.resize(1200, 720)
            page.activated.connect(self.open_target)
        _show(page)
        return page

    def open_target(self, target: str) -> None:
        """Act on a start-page button: a lesson window, a tab under the plots or a preset."""
        kind, name = parse_target(target)
        if kind == "lesson":
            self.open(name)
        elif kind == "race":
            self.open("two_parameters").set_race(True)
        elif kind == "preset":
            self._open_preset()(name)
        else:
            self._show_tab()(name)

    def close_all(self) -> None:
        for window in self.windows.values():
            window.close()
        if self.page is not None:
            self.page.close()
