"""What the main window remembers between sessions: its layout and options, and the theme.

Geometry, dock and splitter state, the log-cost axis, the tab under the plots, Step N and the
speed are restored when the window opens and saved when it closes (through AppSettings); a
damaged settings file costs the user their preferences, never the window.
"""

from __future__ import annotations

import sys
import weakref

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QApplication, QMainWindow

from gdsim.app import theme

DEFAULT_SIZE = (1400, 860)  # on a screen that has room for it


class WindowState:
    """Restores, saves and resets the layout and options of `window`."""

    def __init__(self, window: QMainWindow):  # a gdsim.app.main_window.MainWindow
        self._window = weakref.ref(window)  # (the window owns this, not the other way round)

    def default_size(self) -> tuple[int, int]:
        """DEFAULT_SIZE, shrunk to fit the screen's free area (a 1366x768 laptop, say)."""
        width, height = DEFAULT_SIZE
        screen = self._window().screen() or QApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            width, height = min(width, free.width() - 16), min(height, free.height() - 40)
        return max(width, 800), max(height, 560)

    def _default_split(self) -> None:
        """Plots over tabs about 5:3, so the tabs keep room for their plots on short screens."""
        splitter = self._window().splitter
        total = max(sum(splitter.sizes()), 400)
        splitter.setSizes([total * 5 // 8, total - total * 5 // 8])

    def sync_log_action(self, on: bool) -> None:
        """Check the View menu's log-cost entry without acting on it."""
        action = self._window().log_cost_action
        with QSignalBlocker(action):
            action.setChecked(on)

    # ------------------------------------------------------------------ restore, save
    def restore(self) -> None:
        """The layout and options of the last session; defaults where nothing (valid) is kept."""
        try:
            self._apply_saved()
        except Exception as exc:  # a damaged settings file costs preferences, never the window
            print(f"gdsim: ignoring unreadable settings ({exc})", file=sys.stderr)
            self._window().resize(*self.default_size())

    def _apply_saved(self) -> None:
        w = self._window()
        s = w.settings
        geometry = s.window_geometry()
        if geometry is None or not w.restoreGeometry(geometry):
            w.resize(*self.default_size())
        state = s.window_state()
        if state is not None:
            w.restoreState(state)
        splitter = s.splitter_state()
        if splitter is None or not w.splitter.restoreState(splitter):
            self._default_split()
        w.plots.set_log_cost(s.log_cost())
        self.sync_log_action(s.log_cost())
        views = w.tab_views
        key = s.bottom_tab(tuple(views), tuple(k for k in views if k != "weight_images"))
        if key is not None:
            w.bottom_tabs.setCurrentWidget(views[key])
        w.controls.step_n_spin.setValue(s.step_n())
        if 0 <= s.speed_index() < w.controls.speed_combo.count():
            w.controls.speed_combo.setCurrentIndex(s.speed_index())
        self._check_theme_action(s.theme())
        self.sync_presenter_action()

    def save(self) -> None:
        w = self._window()
        s = w.settings
        s.save_layout(w.saveGeometry(), w.saveState(), w.splitter.saveState())
        s.set_log_cost(w.plots.log_cost())
        current = w.bottom_tabs.currentWidget()
        s.set_bottom_tab(next((k for k, v in w.tab_views.items() if v is current), ""))
        s.set_step_n(w.controls.step_n_spin.value())
        s.set_speed_index(w.controls.speed_combo.currentIndex())

    # ------------------------------------------------------------------ theme, reset
    def _check_theme_action(self, name: str) -> None:
        for action in self._window().theme_actions.actions():
            action.setChecked(action.data() == name)

    def set_theme(self, name: str) -> None:
        """Switch the whole app (every window and plot) to a theme and remember it."""
        app = QApplication.instance()
        if app is not None:
            theme.apply_theme(app, name)
        self._window().settings.set_theme(name)
        self._check_theme_action(name)

    def sync_presenter_action(self) -> None:
        action = self._window().presenter_action
        with QSignalBlocker(action):
            action.setChecked(theme.presenter())

    def set_presenter(self, on: bool) -> None:
        """Presenter mode (larger fonts, thicker lines) for the whole app, remembered."""
        app = QApplication.instance()
        if app is not None:
            theme.set_presenter(app, on)
        self._window().settings.set_presenter(on)
        self.sync_presenter_action()
        words = "on: larger text and thicker lines" if on else "off"
        self._window().statusBar().showMessage(f"Presenter mode {words} (Ctrl+Shift+P).", 6000)

    def reset(self) -> None:
        """Back to the defaults, after asking."""
        w = self._window()
        if not w.dialogs.confirm(
            "Reset settings?",
            "Forget the window layout, recent files, last folders, theme and plot options? "
            "Your config files and runs are not touched.",
            proceed="Reset settings",
        ):
            return
        w.settings.clear()
        w.showNormal()
        w.resize(*self.default_size())
        w.form_dock.setFloating(False)
        w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, w.form_dock)
        w.form_dock.show()
        self._default_split()
        w.plots.set_log_cost(False)
        self.sync_log_action(False)
        w.bottom_tabs.setCurrentIndex(0)
        w.controls.step_n_spin.setValue(w.settings.step_n())
        w.controls.speed_combo.setCurrentIndex(0)
        self.set_theme("system")
        self.set_presenter(False)
        w.settings.clear()  # these stored "system" and off; the defaults need no entry
        w.files.update_recent_menu()
        w.statusBar().showMessage("Settings reset to their defaults.", 8000)
