"""The main window: forms on the left, the three live plots and the parameter table on the right.

Composition only: training lives in the session's worker thread, drawing in the plot panel,
editing in the config form. Everything visible is refreshed from one ~30 Hz timer, and only when
a snapshot arrived since the last refresh, so drawing never starves the worker (DESIGN.md).
"""

from __future__ import annotations

import math
import random
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressDialog,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.controls import TrainingControls
from gdsim.app.dialogs import Dialogs
from gdsim.app.forms import ConfigForm
from gdsim.app.lessons.presets import presets_for
from gdsim.app.lessons.start_page import LessonsStartPage, parse_target
from gdsim.app.message_bar import MessageBar
from gdsim.app.parameter_table import ParameterTable
from gdsim.app.plots.panel import PlotPanel
from gdsim.app.session import TrainingSession
from gdsim.app.settings import AppSettings
from gdsim.app.views.chain_rule import ChainRuleView
from gdsim.app.views.gradient_health import GradientHealthView
from gdsim.app.views.loss_surface import LossSurfaceView
from gdsim.app.views.network_diagram import NetworkDiagramView
from gdsim.app.views.prediction import PredictionView
from gdsim.config import Config, ConfigError, default_config, load_config, save_config
from gdsim.session.runstate import RunInfo, Snapshot, merge_snapshots

LESSONS = [  # key, menu title, status tip; classes in gdsim.app.lessons
    (
        "one_parameter",
        "&One parameter: cost curve, slope and update",
        "C(w), its tangent dC/dw and the step w <- w - lr * dC/dw, number by number",
    ),
    (
        "two_parameters",
        "&Two parameters: surface, gradient vector, optimizer race",
        "C(w1, w2) as a map, the partial derivatives as slices, the gradient and the step",
    ),
]
REFRESH_MS = 33  # at most ~30 redraws a second
TABLE_MS_RUNNING = 200  # numbers that change 30 times a second cannot be read anyway
CONFIG_FILTER = "gdsim config (*.json);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, config: Config | str | Path | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.dialogs = Dialogs(self)
        self.settings = AppSettings()
        self.config_path: Path | None = None
        if isinstance(config, (str, Path)):
            self.config_path = Path(config)
            config = load_config(self.config_path)
        self.config: Config = config or default_config()
        self._history_unsaved = False
        self._shown_divergence = False
        self._dirty = False
        self._table_shown = 0.0
        self._last: Snapshot | None = None
        self._export_dialog: QProgressDialog | None = None
        self._lesson_windows: dict[str, QWidget] = {}
        self._lessons_page: QWidget | None = None

        self.session = TrainingSession(self)  # starts the trainer process and its reader
        try:
            self._build_widgets()
            self._build_actions()
            self._connect()
            self._restore_settings()
            self._update_title()
        except BaseException:
            # without this the half-built window's reader thread outlives it and Qt aborts
            self.session.shutdown()
            raise

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._refresh)
        self._refresh_timer.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

        self.form.set_config(self.config)
        self.session.load(self.config)

    # ------------------------------------------------------------------ building
    def _build_widgets(self) -> None:
        self.form = ConfigForm()
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(340)
        self.form_dock = QDockWidget("Network and training", self)
        self.form_dock.setObjectName("formDock")
        self.form_dock.setWidget(scroll)
        self.form_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.form_dock)

        self.controls = TrainingControls(shortcuts=False)  # the menus hold these keys
        self.message_bar = MessageBar()
        self.status_line = QLabel()
        self.status_line.setObjectName("statusLine")
        self.status_line.setTextFormat(Qt.TextFormat.RichText)
        self.status_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plots = PlotPanel()
        self.table = ParameterTable()
        self.prediction_view = PredictionView()
        self.health_view = GradientHealthView()
        self.chain_view = ChainRuleView()
        self.surface_view = LossSurfaceView()
        self.diagram_view = NetworkDiagramView()
        self.diagram_view.step_requested.connect(lambda: self.step(1))
        self.views = (
            self.prediction_view,
            self.health_view,
            self.chain_view,
            self.surface_view,
            self.diagram_view,
        )
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setObjectName("bottomTabs")
        for widget, title, tip in (
            (
                self.table,
                "Parameters and gradients",
                "Every parameter's value beside its gradient and last update "
                "(double-click a row to see its chain rule)",
            ),
            (
                self.prediction_view,
                "Prediction",
                "What the network predicts now: decision boundary or fitted curve",
            ),
            (
                self.health_view,
                "Gradient health",
                "Gradient size per layer over time, with warnings for zero, vanishing or "
                "exploding gradients",
            ),
            (
                self.chain_view,
                "Chain rule",
                "Backpropagation for one weight and one sample, factor by factor",
            ),
            (
                self.surface_view,
                "Loss surface",
                "The cost over two chosen weights, the others frozen, with the training path",
            ),
            (
                self.diagram_view,
                "Step by phase",
                "One update on a network diagram: forward pass, cost, backward pass, update",
            ),
        ):
            self.bottom_tabs.setTabToolTip(self.bottom_tabs.addTab(widget, title), tip)
        self.bottom_tabs.currentChanged.connect(lambda _i: self._update_views(force=True))
        self.table.doubleClicked.connect(self._inspect_parameter)
        self._pending: list[Snapshot] = []

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.plots)
        splitter.addWidget(self.bottom_tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 300])
        splitter.setChildrenCollapsible(False)
        self.bottom_tabs.setMinimumHeight(180)
        self.splitter = splitter

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(4, 4, 4, 4)
        column.setSpacing(4)
        self.controls.set_status_widget(self.status_line)
        column.addWidget(self.controls)
        column.addWidget(self.message_bar)
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Ready: press Step (F10) to apply one update.", 15000)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work whatever has focus
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(
            self._action("&Open config…", self.open_config_dialog, QKeySequence.StandardKey.Open)
        )
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.setObjectName("recentMenu")
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(
            self._action("&Save config", self.save_config, QKeySequence.StandardKey.Save)
        )
        file_menu.addAction(
            self._action("Save config &as…", self.save_config_as, QKeySequence.StandardKey.SaveAs)
        )
        file_menu.addSeparator()
        self.export_action = self._action(
            "&Export run CSV…",
            self.export_csv_dialog,
            "Ctrl+E",
            "Write every recorded step to a CSV file",
        )
        file_menu.addAction(self.export_action)
        file_menu.addAction(
            self._action("Export plot &images…", self.export_images_dialog, "Ctrl+Shift+E")
        )
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        run_menu = bar.addMenu("&Training")
        self.step_action = self._action("&Step", lambda: self.step(1), "F10", "Apply one update")
        self.step_n_action = self._action(
            "Step &N",
            lambda: self.step(self.controls.step_n_spin.value()),
            "Shift+F10",
            "Apply N updates",
        )
        self.run_action = self._action("&Run / Pause", self.toggle_run, "F5")
        self.reset_action = self._action(
            "R&eset", self.reset, "Ctrl+R", "Back to step 0 with the same seed"
        )
        self.rerandomize_action = self._action(
            "Re-&randomise",
            self.rerandomize,
            "Ctrl+Shift+R",
            "Back to step 0 with a new random seed",
        )
        for action in (
            self.step_action,
            self.step_n_action,
            self.run_action,
            self.reset_action,
            self.rerandomize_action,
        ):
            run_menu.addAction(action)

        view_menu = bar.addMenu("&View")
        self.log_cost_action = self._action("&Logarithmic cost axis", self.plots.set_log_cost)
        self.log_cost_action.setCheckable(True)
        view_menu.addAction(self.log_cost_action)
        view_menu.addAction(self.form_dock.toggleViewAction())
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        theme_menu.setObjectName("themeMenu")
        self.theme_actions = QActionGroup(self)
        for name, text in (
            ("system", "Follow the &system"),
            ("light", "&Light"),
            ("dark", "&Dark"),
        ):
            action = theme_menu.addAction(text)
            action.setObjectName(f"theme_{name}")
            action.setCheckable(True)
            action.setData(name)
            action.triggered.connect(lambda checked=False, n=name: self.set_theme(n))
            self.theme_actions.addAction(action)
        view_menu.addSeparator()
        reset = self._action(
            "Reset &settings…",
            self.reset_settings,
            tip="Forget the window layout, recent files, folders, theme and plot options",
        )
        reset.setObjectName("resetSettingsAction")
        view_menu.addAction(reset)

        lessons_menu = bar.addMenu("&Lessons")
        lessons_menu.setObjectName("lessonsMenu")
        overview = self._action(
            "&All lessons…",
            self.open_lessons_page,
            "F1",
            "Every lesson on one page: what it shows and where to find it",
        )
        overview.setObjectName("lessonsPageAction")
        lessons_menu.addAction(overview)
        lessons_menu.addSeparator()
        self.lesson_actions = {}
        for key, title, tip in LESSONS:
            action = self._action(title, lambda checked=False, k=key: self.open_lesson(k), tip=tip)
            action.setObjectName(f"lesson_{key}")
            lessons_menu.addAction(action)
            self.lesson_actions[key] = action
        lessons_menu.addSeparator()
        for preset in presets_for("main"):  # resources/presets/index.json
            action = self._action(
                preset.title,
                lambda checked=False, f=preset.file: self.open_health_preset(f),
                tip=preset.summary,
            )
            action.setObjectName(f"preset_{preset.file.removesuffix('.json')}")
            lessons_menu.addAction(action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(
            self._action("&Lessons overview", self.open_lessons_page, tip=overview.statusTip())
        )
        help_menu.addAction(
            self._action("&Keyboard shortcuts", self._show_shortcuts, "Ctrl+/", "Every shortcut")
        )
        help_menu.addSeparator()
        help_menu.addAction(self._action("&About gdsim", self._show_about))
        self._update_recent_menu()

    def _connect(self) -> None:
        c = self.controls
        c.step_requested.connect(self.step)
        c.run_toggled.connect(lambda on: self.run() if on else self.pause())
        c.reset_requested.connect(self.reset)
        c.rerandomize_requested.connect(self.rerandomize)
        c.export_requested.connect(self.export_csv_dialog)
        c.speed_changed.connect(self.session.set_speed_limit)
        c.stop_conditions_changed.connect(self.session.set_stop_conditions)

        s = self.session
        s.run_started.connect(self._on_run_started)
        s.snapshot.connect(self._on_snapshot)
        s.failed.connect(self._on_failed)
        s.running_changed.connect(self.controls.set_running)
        s.export_progress.connect(self._on_export_progress)
        s.exported.connect(self._on_exported)
        s.export_failed.connect(self._on_export_failed)

        self.form.structure_changed.connect(self._on_structure_changed)
        self.form.live_changed.connect(self._on_live_changed)
        self.form.invalid.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.message_bar.action_clicked.connect(self.reset)
        self.plots.log_cost_changed.connect(self._sync_log_action)

    def _sync_log_action(self, on: bool) -> None:
        blocked = self.log_cost_action.blockSignals(True)
        self.log_cost_action.setChecked(on)
        self.log_cost_action.blockSignals(blocked)

    # ------------------------------------------------------------------ training requests
    def step(self, n: int = 1) -> None:
        if self._can_train():
            self.session.step(n)

    def run(self) -> None:
        if self._can_train():
            self.session.run()
        else:
            self.controls.set_running(False)

    def pause(self) -> None:
        self.session.pause()

    def toggle_run(self) -> None:
        self.pause() if self.session.running else self.run()

    def reset(self) -> None:
        self.message_bar.hide()
        self.session.reset()

    def rerandomize(self) -> None:
        self.message_bar.hide()
        self.session.reset(seed=random.randrange(2**31))

    def _can_train(self) -> bool:
        last = self._last
        if last is not None and last.diverged:
            reason = last.diverged[0].upper() + last.diverged[1:]
            self.message_bar.show_message(f"<b>{reason}</b>", "warning", "Reset")
            return False
        return self.session.info is not None

    # ------------------------------------------------------------------ answers from the worker
    def _on_run_started(self, info: RunInfo) -> None:
        self.config = info.config
        self.statusBar().clearMessage()  # messages about the previous run no longer apply
        if info.config.mode == "function":
            names = ", ".join(info.parameter_names)
            self.message_bar.show_message(
                f"<b>Function mode</b>: minimising C({names}) = {info.config.function}. Only "
                "the optimizer settings apply (no data or network); Step, Run and the plots "
                "work as usual. Open a network config (File ▸ Open) to build a network again.",
                "info",
            )
        self.form.set_config(info.config)  # e.g. the seed Re-randomise drew
        self._last = None
        self._history_unsaved = False
        self._shown_divergence = False
        self.plots.start_run(info)
        self.table.start_run(info)
        self._pending = []
        for view in self.views:
            view.start_run(info)
        self._dirty = True

    def _on_snapshot(self, snap: Snapshot) -> None:
        self._last = snap
        self._pending.append(snap)
        self.plots.add_snapshot(snap)
        if snap.step > 0:
            self._history_unsaved = True
        self._dirty = True
        if snap.diverged and not self._shown_divergence:
            self._shown_divergence = True
            reason = snap.diverged[0].upper() + snap.diverged[1:]
            self.message_bar.show_message(
                f"<b>{reason}</b> The plots keep every step up to the last finite one; "
                f"Reset to start again.",
                "warning",
                "Reset",
            )
        elif snap.stop_reason:
            self.statusBar().showMessage(f"Paused: {snap.stop_reason}.", 8000)

    def _on_failed(self, message: str) -> None:
        self.controls.set_running(False)
        info = self.session.info
        if info is not None:  # the run that goes on: the form must describe it, not the refused one
            self.config = info.config
            if info.config.mode == "network":
                self.form.set_config(info.config)
            message = message.rstrip(". ") + ". The previous run is unchanged."
        self.message_bar.show_message(message, "error")

    def _refresh(self) -> None:
        """The only place that repaints: at most every REFRESH_MS, only after new data."""
        self.plots.refresh()
        if not self._dirty:
            return
        self._dirty = False
        snap = self._last
        if snap is None:
            return
        now = time.monotonic()
        if not snap.running or now - self._table_shown >= TABLE_MS_RUNNING / 1000:
            self._table_shown = now
            self.table.update_from(snap)
            self._update_views()
        else:
            self._dirty = True  # show the final numbers once the run pauses
        self.status_line.setText(self._status_text(snap))

    def _update_views(self, force: bool = False) -> None:
        """Feed the views: gradient health gets every row since its last update (merged);
        the prediction and chain-rule views only redraw while their tab is showing."""
        if self._pending:
            merged = merge_snapshots(self._pending)
            self._pending = []
            self.health_view.update_from(merged)  # both accumulate every row of the run
            self.surface_view.update_from(merged)
        snap = self._last
        if snap is None:
            return
        current = self.bottom_tabs.currentWidget()
        for view in (self.prediction_view, self.chain_view, self.diagram_view):
            if view is current or force:
                view.update_from(snap)

    def _inspect_parameter(self, index) -> None:
        """Double-clicked table row: show that parameter's chain rule."""
        row = self.table.model().mapToSource(index).row()
        info = self.session.info
        if info is not None and info.config.mode == "network":
            self.chain_view.select_parameter(info.parameter_names[row])
            self.bottom_tabs.setCurrentWidget(self.chain_view)

    def _status_text(self, snap: Snapshot) -> str:
        parts = [f"step <b>{snap.step:,}</b>"]
        if self.config.mode == "network" and self.config.batch_size:
            parts.append(f"epoch <b>{snap.epoch:,}</b>")  # with full batches epoch = step
        cost = f"{snap.cost:.6g}" if math.isfinite(snap.cost) else str(snap.cost)
        parts.append(f"cost <b>{cost}</b>")
        parts.append(f"learning rate {snap.learning_rate:g}")
        self.status_line.setToolTip(
            f"The run's history holds {snap.history_bytes / 2**20:.1f} MiB (long runs keep "
            "every cost but thin out older parameter rows to stay within the budget)."
        )
        if snap.running and snap.steps_per_second:
            parts.append(f"{snap.steps_per_second:,.0f} steps/s")
        elif snap.diverged:
            red = theme.colors().negative  # read now: the theme may have changed
            parts.append(f"<span style='color:{red}'>diverged</span>")
        else:
            parts.append("paused")
        return " &nbsp;·&nbsp; ".join(parts)

    # ------------------------------------------------------------------ the form
    def _on_structure_changed(self, config: Config) -> None:
        if not self._confirm_discard("Changing the network starts a new run."):
            self.form.set_config(self.config)
            return
        self.config = config
        self._set_modified(True)
        self.message_bar.hide()
        self.session.load(config)

    def _on_live_changed(self, config: Config) -> None:
        self.config = config
        self._set_modified(True)
        self.session.set_optimizer(config.optimizer)

    def _confirm_discard(self, why: str) -> bool:
        if not self._history_unsaved:
            return True
        step = self._last.step if self._last else 0
        return self.dialogs.confirm(
            "Discard this run?",
            f"{why}\n\nThe current run has {step:,} steps that were not exported. "
            "Export them first with File ▸ Export run CSV if you want to keep them.",
        )

    # ------------------------------------------------------------------ files
    def _folder(self, key: str) -> str:
        return self.settings.folder(key)

    def _remember_folder(self, key: str, path: str | Path) -> None:
        self.settings.set_folder(key, Path(path).parent)

    def open_config_dialog(self) -> None:
        path = self.dialogs.open_file("Open config", self._folder("config"), CONFIG_FILTER)
        if path:
            self.open_config(path)

    def open_config(self, path: str | Path) -> bool:
        """Load a config file; on any problem say what is wrong and keep everything as it was."""
        path = Path(path)
        try:
            config = load_config(path)
        except ConfigError as exc:  # (its text starts with the file's path)
            self.dialogs.error(f"Cannot open {path.name}", str(exc))
            return False
        if not self._confirm_discard(f"Opening {path.name} starts a new run."):
            return False
        self.config_path = path
        self.config = config
        self._remember_folder("config", path)
        self._add_recent(path)
        self.form.set_config(config)
        self._set_modified(False)
        self.message_bar.hide()
        self.session.load(config)
        return True

    def save_config(self) -> bool:
        if self.config_path is None:
            return self.save_config_as()
        return self._write_config(self.config_path)

    def save_config_as(self) -> bool:
        suggested = str(self.config_path or Path(self._folder("config")) / "network.json")
        path = self.dialogs.save_file("Save config", suggested, CONFIG_FILTER)
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".json"
        return self._write_config(Path(path))

    def _write_config(self, path: Path) -> bool:
        try:
            save_config(self.config, path)
        except (OSError, ConfigError) as exc:
            self.dialogs.error("Cannot save config", f"{path}: {exc}")
            return False
        self.config_path = path
        self._remember_folder("config", path)
        self._add_recent(path)
        self._set_modified(False)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def export_csv_dialog(self) -> None:
        suggested = str(Path(self._folder("export")) / "run.csv")
        path = self.dialogs.save_file("Export run CSV", suggested, "CSV (*.csv)")
        if path:
            if not path.lower().endswith(".csv"):
                path += ".csv"
            self.export_csv(path)

    def export_csv(self, path: str | Path) -> None:
        """Export in the worker thread (it owns the history) with a progress dialog."""
        self._remember_folder("export", path)
        dialog = QProgressDialog("Writing the run CSV…", "Cancel", 0, 100, self)
        dialog.setWindowTitle("Export run")
        dialog.setMinimumDuration(500)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(self.session.cancel_export)
        self._export_dialog = dialog
        self.session.export(str(path))

    def _on_export_progress(self, done: int, total: int) -> None:
        if self._export_dialog is not None and total:
            self._export_dialog.setValue(int(100 * done / total))

    def _close_export_dialog(self) -> None:
        if self._export_dialog is not None:
            self._export_dialog.reset()
            self._export_dialog.deleteLater()
            self._export_dialog = None

    def _on_exported(self, path: str) -> None:
        self._close_export_dialog()
        self._history_unsaved = False
        self.statusBar().showMessage(
            f"Exported the run to {path} (config beside it as {Path(path).stem}.json)", 8000
        )

    def _on_export_failed(self, message: str) -> None:
        self._close_export_dialog()
        self.message_bar.show_message(f"Export failed: {message}", "error")

    def export_images_dialog(self) -> None:
        folder = self.dialogs.choose_folder("Export plot images to folder", self._folder("images"))
        if not folder:
            return
        self.settings.set_folder("images", folder)
        try:
            written = self.plots.export_images(folder, "png") + self.plots.export_images(
                folder, "svg"
            )
        except OSError as exc:
            self.dialogs.error("Cannot export images", str(exc))
            return
        self.statusBar().showMessage(f"Wrote {len(written)} images to {folder}", 8000)

    # ------------------------------------------------------------------ recent files, title
    def _add_recent(self, path: Path) -> None:
        self.settings.add_recent(path)
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        """One entry per remembered file; a file that has gone is shown disabled, not dropped
        (it may be on a drive that is not mounted now)."""
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            exists = Path(path).is_file()
            action = self.recent_menu.addAction(Path(path).name + ("" if exists else " (missing)"))
            action.setToolTip(path)
            action.setStatusTip(path if exists else f"{path} no longer exists")
            action.setEnabled(exists)
            action.triggered.connect(lambda checked=False, p=path: self.open_config(p))
        if recent:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear list")
            clear.setObjectName("clearRecentAction")
            clear.triggered.connect(self._clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        for path in self.settings.recent_files():
            self.settings.remove_recent(path)
        self._update_recent_menu()

    def _set_modified(self, modified: bool) -> None:
        self.setWindowModified(modified)
        self._update_title()

    def _update_title(self) -> None:
        name = self.config_path.name if self.config_path else "untitled"
        self.setWindowTitle(f"{name}[*] — gdsim")

    # ------------------------------------------------------------------ lessons
    def open_lesson(self, key: str) -> QWidget:
        """Open (or raise) a lesson in its own window; it has its own in-thread session."""
        window = self._lesson_windows.get(key)
        if window is None:
            from gdsim.app import lessons

            cls = {"one_parameter": "OneParameterLesson", "two_parameters": "TwoParameterLesson"}[
                key
            ]
            window = getattr(lessons, cls)()
            window.setWindowFlag(Qt.WindowType.Window, True)
            window.setWindowTitle(self.lesson_actions[key].text().replace("&", "") + " — gdsim")
            window.resize(1150, 700)
            self._lesson_windows[key] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_lessons_page(self) -> QWidget:
        """The start page listing every lesson (one window, raised if already open)."""
        page = self._lessons_page
        if page is None:
            page = self._lessons_page = LessonsStartPage()
            page.setWindowFlag(Qt.WindowType.Window, True)
            page.setWindowTitle("Lessons — gdsim")
            page.resize(1200, 720)
            page.activated.connect(self.open_lesson_target)
        page.show()
        page.raise_()
        page.activateWindow()
        return page

    def open_lesson_target(self, target: str) -> None:
        """Act on a start-page button: a lesson window, a tab under the plots or a preset."""
        kind, name = parse_target(target)
        if kind == "lesson":
            self.open_lesson(name)
        elif kind == "race":
            self.open_lesson("two_parameters").set_race(True)
        elif kind == "preset":
            self.open_health_preset(name)
        else:
            tabs = {
                "loss_surface": self.surface_view,
                "step_by_phase": self.diagram_view,
                "chain_rule": self.chain_view,
                "gradient_health": self.health_view,
                "prediction": self.prediction_view,
            }
            self.bottom_tabs.setCurrentWidget(tabs[name])
            self.raise_()
            self.activateWindow()

    def open_health_preset(self, file: str) -> bool:
        from gdsim.resources import resource_path

        if not self.open_config(resource_path("presets", file)):
            return False
        self.bottom_tabs.setCurrentWidget(self.health_view)
        return True

    # ------------------------------------------------------------------ help
    def _show_shortcuts(self) -> None:
        from gdsim.app.help import show_shortcuts

        show_shortcuts(self, self.actions())

    def _show_about(self) -> None:
        from gdsim.app.help import show_about

        show_about(self)

    # ------------------------------------------------------------------ settings
    DEFAULT_SIZE = (1400, 860)  # on a screen that has room for it

    def default_size(self) -> tuple[int, int]:
        """DEFAULT_SIZE, shrunk to fit the screen's free area (a 1366x768 laptop, say)."""
        width, height = self.DEFAULT_SIZE
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            width, height = min(width, free.width() - 16), min(height, free.height() - 40)
        return max(width, 800), max(height, 560)

    def _default_split(self) -> None:
        """Plots over tabs about 5:3, so the tabs keep room for their plots on short screens."""
        total = max(sum(self.splitter.sizes()), 400)
        self.splitter.setSizes([total * 5 // 8, total - total * 5 // 8])

    def _restore_settings(self) -> None:
        """The layout and options of the last session; defaults where nothing (valid) is kept."""
        try:
            self._apply_saved_settings()
        except Exception as exc:  # a damaged settings file costs preferences, never the window
            print(f"gdsim: ignoring unreadable settings ({exc})", file=sys.stderr)
            self.resize(*self.default_size())

    def _apply_saved_settings(self) -> None:
        s = self.settings
        geometry = s.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*self.default_size())
        state = s.window_state()
        if state is not None:
            self.restoreState(state)
        splitter = s.splitter_state()
        if splitter is None or not self.splitter.restoreState(splitter):
            self._default_split()
        self.plots.set_log_cost(s.log_cost())
        self._sync_log_action(s.log_cost())
        if 0 <= s.bottom_tab() < self.bottom_tabs.count():
            self.bottom_tabs.setCurrentIndex(s.bottom_tab())
        self.controls.step_n_spin.setValue(s.step_n())
        if 0 <= s.speed_index() < self.controls.speed_combo.count():
            self.controls.speed_combo.setCurrentIndex(s.speed_index())
        self._check_theme_action(s.theme())

    def _save_settings(self) -> None:
        self.settings.save_layout(self.saveGeometry(), self.saveState(), self.splitter.saveState())
        self.settings.set_log_cost(self.plots.log_cost())
        self.settings.set_bottom_tab(self.bottom_tabs.currentIndex())
        self.settings.set_step_n(self.controls.step_n_spin.value())
        self.settings.set_speed_index(self.controls.speed_combo.currentIndex())

    def _check_theme_action(self, name: str) -> None:
        for action in self.theme_actions.actions():
            action.setChecked(action.data() == name)

    def set_theme(self, name: str) -> None:
        """Switch the whole app (every window and plot) to a theme and remember it."""
        app = QApplication.instance()
        if app is not None:
            theme.apply_theme(app, name)
        self.settings.set_theme(name)
        self._check_theme_action(name)

    def reset_settings(self) -> None:
        if not self.dialogs.confirm(
            "Reset settings?",
            "Forget the window layout, recent files, last folders, theme and plot options? "
            "Your config files and runs are not touched.",
            proceed="Reset settings",
        ):
            return
        self.settings.clear()
        self.showNormal()
        self.resize(*self.default_size())
        self.form_dock.setFloating(False)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.form_dock)
        self.form_dock.show()
        self._default_split()
        self.plots.set_log_cost(False)
        self._sync_log_action(False)
        self.bottom_tabs.setCurrentIndex(0)
        self.controls.step_n_spin.setValue(self.settings.step_n())
        self.controls.speed_combo.setCurrentIndex(0)
        self.set_theme("system")
        self.settings.clear()  # set_theme stored "system"; the default needs no entry
        self._update_recent_menu()
        self.statusBar().showMessage("Settings reset to their defaults.", 8000)

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> bool:
        if self._refresh_timer.isActive():  # the first shutdown only (close, then aboutToQuit)
            self._save_settings()
        self._refresh_timer.stop()
        for lesson in self._lesson_windows.values():
            lesson.close()
        if self._lessons_page is not None:
            self._lessons_page.close()
        return self.session.shutdown()

    def closeEvent(self, event) -> None:
        if not self._confirm_discard("Quitting closes the current run."):
            event.ignore()
            return
        self.shutdown()
        event.accept()
