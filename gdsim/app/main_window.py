"""The main window: forms on the left, the three live plots and the tabs of views on the right.

Composition only. Training lives in the session's trainer process, editing in the config form,
drawing in the plot panel and the views. The parts of the window live in gdsim.app.window: the
run presenter (snapshots fanned out to the views, the ~30 Hz refresh, the status line), the
menus, the files (open, save, export, recent files, the modified flag), the remembered layout
and the lesson windows.
"""

from __future__ import annotations

import dataclasses
import random
import weakref
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gdsim.app.controls import TrainingControls
from gdsim.app.dialogs import Dialogs
from gdsim.app.forms import ConfigForm, describe_change
from gdsim.app.lesson_panel import LessonTools
from gdsim.app.lessons.presets import find_preset
from gdsim.app.message_bar import MessageBar
from gdsim.app.parameter_table import ParameterTable
from gdsim.app.plots.panel import PlotPanel
from gdsim.app.plots.states import StoreStates
from gdsim.app.settings import AppSettings
from gdsim.app.trainer_session import TrainingSession
from gdsim.app.views.chain_rule import ChainRuleView
from gdsim.app.views.gradient_health import GradientHealthView
from gdsim.app.views.loss_surface import LossSurfaceView
from gdsim.app.views.network_diagram import NetworkDiagramView
from gdsim.app.views.prediction import PredictionView
from gdsim.app.views.weight_images import WeightImagesView
from gdsim.app.window.actions import build_menus
from gdsim.app.window.files import ConfigFiles
from gdsim.app.window.hands_on import HandsOn
from gdsim.app.window.lessons import LessonWindows
from gdsim.app.window.presenter import REFRESH_MS, RunPresenter
from gdsim.app.window.state import WindowState
from gdsim.app.window.tabs import bottom_tabs
from gdsim.app.window.timeline import TimelineBar
from gdsim.config import Config, default_config, load_config
from gdsim.resources import resource_path
from gdsim.session.runstate import RunInfo

__all__ = ["REFRESH_MS", "MainWindow"]


class MainWindow(QMainWindow):
    def __init__(
        self,
        config: Config | str | Path | None = None,
        parent=None,
        lesson: str | Path | None = None,
    ):
        """`lesson`: a lesson file to play at once (`gdsim lesson FILE.json`)."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.dialogs = Dialogs(self)
        self.settings = AppSettings()
        self.files = ConfigFiles(self)
        if isinstance(config, (str, Path)):
            self.files.path = Path(config)
            config = load_config(self.files.path)
        self.config: Config = config or default_config()
        self.state = WindowState(self)
        self.lessons = LessonWindows(self.show_tab, self.open_health_preset)
        self._last_failure = ""
        self._death_warning: str | None = None  # shown until a new run starts
        self.compare_window: QWidget | None = None  # Training ▸ Compare runs… (made when asked)

        self.session = TrainingSession(self)  # starts the trainer process and its reader
        try:
            self._build_widgets()
            self._build_actions()
            self._connect()
            self.state.restore()
            self.files.update_title()
        except BaseException:
            # without this the half-built window's reader thread outlives it and Qt aborts
            self.session.shutdown()
            raise

        self.presenter.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

        self.form.set_config(self.config)
        self.session.load(self.config)
        if lesson is not None:
            self.lesson_tools.open_lesson(lesson)

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

        self.controls = TrainingControls(shortcuts=False, step_back=True)  # keys: the menus
        self.message_bar = MessageBar()
        self.status_line = QLabel()
        self.status_line.setObjectName("statusLine")
        self.status_line.setTextFormat(Qt.TextFormat.RichText)
        self.status_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plots = PlotPanel()
        self.table = ParameterTable()
        self.prediction_view = PredictionView()
        self.weight_images_view = WeightImagesView()
        self.health_view = GradientHealthView()
        self.chain_view = ChainRuleView()
        self.surface_view = LossSurfaceView()
        self.diagram_view = NetworkDiagramView()
        self.tab_views: dict[str, QWidget] = {  # by the keys of gdsim.app.window.tabs
            "parameters": self.table,
            "prediction": self.prediction_view,
            "weight_images": self.weight_images_view,
            "gradient_health": self.health_view,
            "chain_rule": self.chain_view,
            "loss_surface": self.surface_view,
            "step_by_phase": self.diagram_view,
        }
        self.bottom_tabs = bottom_tabs(self.tab_views)

        # the timeline sits right under the plots its cursor is drawn on
        self.timeline = TimelineBar(self._timeline_steps)
        top = QWidget()
        top_column = QVBoxLayout(top)
        top_column.setContentsMargins(0, 0, 0, 0)
        top_column.setSpacing(2)
        top_column.addWidget(self.plots, 1)
        top_column.addWidget(self.timeline)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(top)
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

        window = weakref.ref(self)  # (no reference cycle: the window goes when Qt deletes it)
        self.presenter = RunPresenter(
            self.session,
            [self.plots, *self.tab_views.values()],
            self.bottom_tabs,
            self.status_line,
            self.message_bar,
            self.statusBar(),
            config=lambda: window().config,
            parent=self,
            timeline=self.timeline,
            states=StoreStates(self.plots.store, lambda: window().presenter.last),
        )

        self.hands_on = HandsOn(self, lambda text: self.statusBar().showMessage(text, 10000))
        self.lesson_tools = LessonTools(self)  # the lesson panel and predict mode

    def _timeline_steps(self):
        """The steps the timeline's arrow keys move between (those the window has a state of)."""
        return self.presenter.states.steps()

    def _build_actions(self) -> None:
        build_menus(self)

    def _connect(self) -> None:
        c = self.controls
        c.step_requested.connect(self.step)
        c.run_toggled.connect(lambda on: self.run() if on else self.pause())
        c.reset_requested.connect(self.reset)
        c.rerandomize_requested.connect(self.rerandomize)
        c.export_requested.connect(self.files.export_csv_dialog)
        c.speed_changed.connect(self.session.set_speed_limit)
        c.stop_conditions_changed.connect(self.session.set_stop_conditions)

        s = self.session  # (the presenter took run_started and snapshot when it was made)
        s.run_started.connect(self._on_run_started)
        s.failed.connect(self._on_failed)
        s.trainer_died.connect(self._on_trainer_died)
        s.running_changed.connect(self.controls.set_running)
        self.files.connect()
        self.hands_on.connect()
        self.lesson_tools.connect()

        self.form.structure_changed.connect(self._on_structure_changed)
        self.form.live_changed.connect(self._on_live_changed)
        self.form.invalid.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.controls.refused.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.message_bar.action_clicked.connect(self.reset)
        self.message_bar.second_action_clicked.connect(self.reset_with_smaller_rate)
        self.plots.log_cost_changed.connect(self.state.sync_log_action)
        self.diagram_view.step_requested.connect(lambda: self.step(1))
        feature_buttons = self.form.data_form.feature_buttons  # (the diagram's input toggles ask
        self.diagram_view.input_toggles.toggle_requested.connect(  # the form: the same rules)
            lambda name: feature_buttons[name].click()
        )
        self.table.doubleClicked.connect(self._inspect_parameter)

    # ------------------------------------------------------------------ training requests
    def commit_typing(self) -> None:
        """What is typed but not yet entered in the form and the stop rules counts now."""
        self.form.flush()
        self.controls.commit_typing()

    def step(self, n: int = 1) -> None:
        if not self.lesson_tools.allows_step(n):  # a lesson's lock, or predict first
            return
        self.commit_typing()
        if self.presenter.can_train():
            self.session.step(n)

    def run(self) -> None:
        self.commit_typing()
        if self.lesson_tools.allows_run() and self.presenter.can_train():
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

    def reset_with_smaller_rate(self) -> None:
        """Reset with a tenth of the learning rate (what the divergence message offers)."""
        optimizer = self.config.optimizer
        smaller = dataclasses.replace(
            optimizer, learning_rate=self.presenter.smaller_learning_rate()
        )
        try:
            self.config = self.config.replace(optimizer=smaller)
        except (ValueError, TypeError) as exc:  # e.g. a rate so small a tenth of it is 0
            self.message_bar.show_message(f"Cannot lower the learning rate: {exc}", "error")
            return
        if self.config.mode == "network":
            self.form.set_config(self.config)
        self.files.set_modified(True)
        self.session.set_optimizer(smaller)
        self.reset()

    def rerandomize(self) -> None:
        self.message_bar.hide()
        self.session.reset(seed=random.randrange(2**31))

    # ------------------------------------------------------------------ answers from the trainer
    def _on_run_started(self, info: RunInfo) -> None:
        if self._death_warning is not None and self.message_bar.text() == self._death_warning:
            self.message_bar.hide()  # it spoke of the old run's plots, which are now gone
        self._death_warning = None
        self.config = info.config
        self.form.set_config(info.config)  # e.g. the seed Re-randomise drew

    def _on_failed(self, message: str) -> None:
        """A refused request. The run goes on or stays paused as it was (the session sends
        `running_changed` with the true state next), so the buttons are left to that."""
        config = self.session.config  # the run that goes on, with its live changes
        if config is not None:  # the form must describe it, not a refused change
            self.config = config
            if config.mode == "network":
                self.form.set_config(config)
        if self.session.refused_load:
            message = message.rstrip(". ") + ". The previous run is unchanged."
        self._last_failure = message
        self.message_bar.show_message(message, "error")

    def _on_trainer_died(self) -> None:
        """The trainer process ended (`failed` said how, and what happens now): no export
        waits for it any more; the plots keep the run until Step, Run or Reset starts again."""
        self.files.close_export_dialog()
        text = self._last_failure
        action = None if self.session.trainer_gone else "Reset"
        self.message_bar.show_message(text, "warning", action)
        self._death_warning = text

    # ------------------------------------------------------------------ the form
    def _on_structure_changed(self, config: Config) -> None:
        refusal = self.lesson_tools.structure_refusal()
        if refusal is not None:
            self.form.set_config(self.config)
            self.statusBar().showMessage(refusal, 10000)
            return
        if not self.confirm_discard(describe_change(self.config, config)):
            self.form.set_config(self.config)
            return
        self.config = config
        self.files.set_modified(True)
        self.message_bar.hide()
        self.session.load(config)

    def _on_live_changed(self, config: Config) -> None:
        self.config = config
        self.files.set_modified(True)
        self.session.set_optimizer(config.optimizer)

    def may_replace_run(self, why: str) -> bool:
        """Whether another run may replace this one: not while a lesson locks it (said why),
        and only after asking when the run has steps not exported."""
        refusal = self.lesson_tools.replace_refusal()
        if refusal is not None:
            self.message_bar.show_message(refusal, "error")
            return False
        return self.confirm_discard(why)

    def confirm_discard(self, why: str) -> bool:
        """True if there is no unexported run to lose, or the user agrees to lose it."""
        if not self.presenter.history_unsaved:
            return True
        last = self.presenter.last
        step = last.step if last else 0
        return self.dialogs.confirm(
            "Discard this run?",
            f"{why}\n\nThe current run has {step:,} steps that were not exported. "
            "Export them first with File ▸ Export run CSV if you want to keep them.",
        )

    # ------------------------------------------------------------------ files
    @property
    def config_path(self) -> Path | None:
        return self.files.path

    @config_path.setter
    def config_path(self, path: Path | None) -> None:
        self.files.path = path

    def open_config(self, path: str | Path) -> bool:
        return self.files.open_config(path)

    def save_config(self) -> bool:
        return self.files.save_config()

    def export_csv(self, path: str | Path) -> None:
        self.files.export_csv(path)

    def _update_recent_menu(self) -> None:
        self.files.update_recent_menu()

    # ------------------------------------------------------------------ tabs and lessons
    def show_tab(self, key: str) -> None:
        """Bring the window up with one of the tabs under the plots (a key of window.tabs)."""
        self.bottom_tabs.setCurrentWidget(self.tab_views[key])
        self.raise_()
        self.activateWindow()

    def _inspect_parameter(self, index) -> None:
        """Double-clicked table row: show that parameter's chain rule (not when the double
        click opened the value's editor)."""
        if self.table.edits(index):
            return
        row = self.table.parameter_at(index)
        info = self.session.info
        if info is not None and info.config.mode == "network":
            self.chain_view.select_parameter(info.parameter_names[row])
            self.bottom_tabs.setCurrentWidget(self.chain_view)

    def open_lesson(self, key: str) -> QWidget:
        """Open (or raise) a lesson in its own window; it has its own in-thread session."""
        return self.lessons.open(key)

    def open_lesson_file(self, path: str | Path) -> bool:
        """Play a lesson file in the lesson panel (False: it was refused, nothing changed)."""
        return self.lesson_tools.open_lesson(path)

    def open_compare(self, sweep: bool = False) -> QWidget:
        """The Compare runs window (`sweep`: the learning-rate sweep, started at once)."""
        from gdsim.app.compare import CompareWindow  # (made only when asked for)

        if self.compare_window is None:
            self.compare_window = CompareWindow(self)
        self.compare_window.open(sweep)
        return self.compare_window

    def open_lessons_page(self) -> QWidget:
        return self.lessons.open_page()

    def open_health_preset(self, file: str) -> bool:
        """Open a main-window preset on its tab (Gradient health unless its entry names one)."""
        if not self.files.open_config(resource_path("presets", file)):
            return False
        self.show_tab(find_preset(file).tab)
        return True

    @property
    def _lesson_windows(self) -> dict[str, QWidget]:
        return self.lessons.windows

    @property
    def _lessons_page(self) -> QWidget | None:
        return self.lessons.page

    # ------------------------------------------------------------------ settings
    def default_size(self) -> tuple[int, int]:
        return self.state.default_size()

    def set_theme(self, name: str) -> None:
        self.state.set_theme(name)

    def reset_settings(self) -> None:
        self.state.reset()

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> bool:
        if self.presenter.is_active():  # the first shutdown only (close, then aboutToQuit)
            self.state.save()
        self.presenter.stop()
        self.lessons.close_all()
        return self.session.shutdown()

    def closeEvent(self, event) -> None:
        if not self.confirm_discard("Quitting closes the current run."):
            event.ignore()
            return
        self.shutdown()
        event.accept()
