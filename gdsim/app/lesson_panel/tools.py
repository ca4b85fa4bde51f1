"""The main window's lesson tools: the panel, a lesson's controls, predict mode, and the lesson
files (File ▸ Open lesson…, Save as lesson…, the panel's Export progress…).

The window calls three hooks before it trains or changes its run (:meth:`allows_step`,
:meth:`allows_run`, :meth:`structure_refusal`); everything else is wired here. Errors are
one line in the message bar, and nothing is lost by them.
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMainWindow

from gdsim.app.lesson_panel.controls_map import ControlLocks
from gdsim.app.lesson_panel.dock import PANEL_WIDTH, LessonDock
from gdsim.app.lesson_panel.logic import new_lesson, run_values, structure_lock
from gdsim.app.lesson_panel.player import NO_PEEKING, LessonPlayer
from gdsim.app.lesson_panel.predict import PredictMode
from gdsim.app.lesson_panel.veil import GradientVeil
from gdsim.config import ConfigError
from gdsim.errors import one_line, show_path
from gdsim.io.files import same_file
from gdsim.lessonfile import Lesson, LessonError, load_lesson, progress_csv, save_lesson
from gdsim.lessonfile.names import CONTROL_SECTIONS
from gdsim.session.runstate import RunInfo, Snapshot

__all__ = ["LESSON_FILTER", "LessonTools"]

# what a lesson may lock of its run (the form's sections, and opening a file): while one of these
# is locked, no other run replaces the lesson's
RUN_CONTROLS = ("open", *CONTROL_SECTIONS)

LESSON_FILTER = "gdsim lesson (*.json);;All files (*)"


class LessonTools(QObject):
    """Everything lesson-like in main window `window` (see the module doc)."""

    def __init__(self, window: QMainWindow):  # a gdsim.app.main_window.MainWindow
        super().__init__(window)
        self.window = window
        self.locks = ControlLocks(window)
        self.player = LessonPlayer(self)
        self.predict = PredictMode(self)
        self._dock: LessonDock | None = None
        self._applying = False
        self._extras: dict[str, float] = {}

    def connect(self) -> None:
        """Wire to the session and the presenter (after the window has made them)."""
        w = self.window
        w.session.snapshot.connect(self._on_snapshot)  # (after the presenter: it is made first)
        w.session.run_started.connect(self._on_run_started)
        w.session.failed.connect(self._on_failed)
        w.presenter.shown_changed.connect(self.predict.on_shown_changed)
        w.table.clicked.connect(lambda *_: self._table_selected())
        self.veil = GradientVeil(w, self.pending_question)
        self.veil.start()

    @property
    def lesson(self) -> Lesson | None:
        return self.player.lesson

    # ------------------------------------------------------------------ the dock
    def dock_made(self) -> bool:
        return self._dock is not None

    def dock(self) -> LessonDock:
        """The panel (made the first time it is needed)."""
        if self._dock is None:
            dock = self._dock = LessonDock(self.window)
            dock.hide()
            self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.question.answer_clicked.connect(self.player.answer)
            dock.next_button.clicked.connect(self.player.next)
            dock.export_button.clicked.connect(self.export_progress_dialog)
            dock.restart_button.clicked.connect(self.restart)
            dock.close_button.clicked.connect(self.close_lesson)
            dock.predict_question.answer_clicked.connect(self.predict.answer)
            dock.timeline_button.clicked.connect(self.predict.ask)
            dock.predict_off_button.clicked.connect(lambda: self.predict.set_on(False))
        return self._dock

    def show_dock(self) -> None:
        dock = self.dock()
        if dock.isHidden():
            self._place(dock)
            dock.show()
            self.window.resizeDocks([dock], [PANEL_WIDTH], Qt.Orientation.Horizontal)
        dock.raise_()

    def _place(self, dock: LessonDock) -> None:
        """Right of the plots when the screen has room for both; on a narrower screen (a
        1366-px laptop, or presenter mode's larger text) a tab beside the form instead, so
        the window still fits: the lesson shows, the form is a click away."""
        w = self.window
        screen = w.screen()
        room = screen.availableGeometry().width() if screen is not None else 0
        if room and room < w.minimumSizeHint().width() + PANEL_WIDTH:
            w.tabifyDockWidget(w.form_dock, dock)
        elif w.dockWidgetArea(dock) != Qt.DockWidgetArea.RightDockWidgetArea:
            w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)

    def settle_dock(self) -> None:
        """Shown while a lesson is open or predict mode is on, hidden otherwise."""
        if self._dock is None:
            return
        if self.lesson is not None or self.predict.on:
            self.show_dock()
        else:
            self._dock.hide()

    # ------------------------------------------------------------------ the run
    def values(self) -> dict[str, float]:
        """What `until` conditions read now."""
        snap = self.window.presenter.newest
        if snap is None:
            return {}
        return run_values(snap.step, snap.cost, snap.epoch, self._extras)

    def live_state(self) -> Snapshot | None:
        return self.window.presenter.last

    def parameter_names(self) -> tuple[str, ...]:
        info = self.window.session.info
        return tuple(info.parameter_names) if info is not None else ()

    def selected_parameter(self) -> int | None:
        table = self.window.table
        index = table.currentIndex()
        if not index.isValid():
            return None
        try:
            return table.parameter_at(index)
        except (IndexError, ValueError):
            return None

    def _table_selected(self) -> None:
        if self._dock is not None and self.predict.question is None:
            self.predict.select_table_parameter()

    def say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    def apply_one_step(self) -> bool:
        """Exactly one update, through the window's own Step (the hooks let it pass)."""
        w = self.window
        if not w.presenter.is_live():
            w.presenter.show_live()
        if not w.presenter.can_train():
            return False
        self._applying = True
        try:
            w.step(1)
        finally:
            self._applying = False
        return True

    def _on_snapshot(self, snap: Snapshot) -> None:
        for name, column in snap.chunk.extras.items():
            if len(column):
                self._extras[name] = float(column[-1])
        state = self.window.presenter.last
        if snap.has_state and state is not None:
            self.predict.on_state(state)
            self.player.on_state(state)
        else:
            self.player.refresh()

    def _on_run_started(self, info: RunInfo) -> None:
        self._extras = {}
        self.player.cancel_update("The run started again before the update came.")
        self.predict.cancel("" if info.continued else "A new run started.")
        if self._dock is not None:
            self.predict.update_panel()
            self.player.refresh()
        self.locks.enforce()  # (a new config shows the form's sections again)

    def _on_failed(self, _message: str) -> None:
        self.player.cancel_update("The update was refused.")
        if self.predict.updating:
            self.predict.cancel("The update was refused.")

    # ------------------------------------------------------------------ the window's hooks
    def allows_step(self, n: int) -> bool:
        """Before Step (n = 1) or Step N: False when the lesson or predict mode takes it."""
        if self._applying:
            return True
        name = "step" if n == 1 else "step_n"
        if self.locks.is_locked(name):
            self.say(f"{'Step' if n == 1 else 'Step N'} is locked by the lesson.")
            return False
        if self.player.waiting_for_prediction():
            self._refuse_peeking()
            return False
        if self.predict.waiting:
            if n == 1:
                self.show_dock()
                self.say("Answer the prediction in the panel first: Answer applies the update.")
                return False
            self.predict.cancel("Step N trained on: press Step for a new question.")
            return True
        if self.predict.on and n == 1:
            return not self.predict.ask()
        return True

    def allows_run(self) -> bool:
        if self.locks.is_locked("run"):
            self.say("Run is locked by the lesson.")
            return False
        if self.player.waiting_for_prediction():
            self._refuse_peeking()
            return False
        if self.predict.waiting:
            self.predict.cancel("Run trained on: press Step for a new question.")
        return True

    def _refuse_peeking(self) -> None:
        self.show_dock()
        self.dock().question.say(NO_PEEKING, "bad")
        self.say(NO_PEEKING)

    def pending_question(self):
        """The prediction waiting for its answer (the lesson's or predict mode's), or None."""
        if self.player.waiting_for_prediction():
            return self.player.progress.step.question
        if self.predict.waiting and not self.predict.updating:
            return self.predict.question
        return None

    def replace_refusal(self) -> str | None:
        """Why another run (a config file, a preset, a compared variant) may not replace the
        lesson's now: the lesson locks the run's settings (None: it may)."""
        fixed = [name for name in RUN_CONTROLS if self.locks.is_locked(name)]
        if self.lesson is None or not fixed:
            return None
        shown = ", ".join(fixed[:3]) + (", ..." if len(fixed) > 3 else "")
        return f"The lesson keeps its run ({shown} locked): close the lesson to open another."

    def edit_refusal(self) -> str | None:
        """Why a value may not be typed or a parameter frozen now (None: it may): the lesson
        locks its parameters, or a prediction waits for its answer (no peeking)."""
        if self.lesson is not None and self.locks.is_locked("parameters"):
            return "the lesson locks the parameters: they change only by training"
        if self.player.waiting_for_prediction() or self.predict.waiting:
            return "answer the prediction first (the value it asks about must not change)"
        return None

    def structure_refusal(self) -> str | None:
        """Why the form may not replace the run's config now (None: it may)."""
        return structure_lock(self.locks.controls.locked + self.locks.controls.hidden)

    # ------------------------------------------------------------------ lessons
    def _error(self, text: str) -> None:
        self.window.message_bar.show_message(html.escape(one_line(text)), "error")

    def open_lesson_dialog(self) -> None:
        w = self.window
        path = w.dialogs.open_file("Open lesson", w.settings.folder("lesson"), LESSON_FILTER)
        if path:
            self.open_lesson(path)

    def open_lesson(self, path: str | Path) -> bool:
        """Load a lesson file and play it; a bad file is one line and changes nothing."""
        try:
            lesson = load_lesson(path)
        except LessonError as exc:
            self._error(f"Cannot open the lesson: {exc}")
            return False
        name = Path(path).name
        if not self.window.confirm_discard(f"Opening the lesson {name} starts a new run."):
            return False
        self.window.settings.set_folder("lesson", Path(path).absolute().parent)
        self._play(lesson)
        self.say(f"Opened the lesson {name}.")
        return True

    def _play(self, lesson: Lesson) -> None:
        w = self.window
        self.close_lesson(quiet=True)
        w.files.path = None
        w.config = lesson.config
        w.form.set_config(lesson.config)
        w.files.set_modified(False)
        w.setWindowTitle(f"{lesson.title}[*] — gdsim")
        w.message_bar.hide()
        w.session.load(lesson.config)
        self.locks.apply(lesson.controls)
        self.player.start(lesson)
        self.show_dock()

    def restart(self) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        if self.window.confirm_discard("Restarting the lesson starts its run again."):
            self._play(lesson)

    def close_lesson(self, quiet: bool = False) -> None:
        if self.lesson is None:
            return
        self.player.stop()
        self.locks.restore()
        self.window.files.update_title()  # (the run stays: an untitled config now)
        self.predict.set_auto(False)
        if self._dock is not None:
            self._dock.lesson_box.hide()
            self.predict.update_panel()
        self.settle_dock()
        if not quiet:
            self.say("Lesson closed: every control is back.")

    # ------------------------------------------------------------------ writing files
    def export_progress_dialog(self) -> None:
        w = self.window
        if self.lesson is None:
            return
        suggested = str(Path(w.settings.folder("export")) / "progress.csv")
        path = w.dialogs.save_file("Export progress", suggested, "CSV (*.csv)")
        if path:
            if not path.lower().endswith(".csv"):
                path += ".csv"
            self.export_progress(path)

    def export_progress(self, path: str | Path) -> bool:
        """The answers so far as CSV; never over the lesson file (the reason, one line)."""
        progress = self.player.progress
        if progress is None:
            return False
        keep = [progress.lesson.source] if progress.lesson.source is not None else []
        try:
            progress_csv(progress.rows, path, keep=keep)
        except OSError as exc:
            self._error(f"Progress not exported: {_oserror(path, exc)}")
            return False
        self.say(f"Exported {len(progress.rows)} answers to {path}")
        return True

    def save_as_lesson_dialog(self) -> None:
        w = self.window
        source = self.lesson.source if self.lesson is not None else None
        suggested = str(source or Path(w.settings.folder("lesson")) / "lesson.json")
        path = w.dialogs.save_file("Save as lesson", suggested, LESSON_FILTER)
        if path:
            if not path.lower().endswith(".json"):
                path += ".json"
            self.save_as_lesson(path)

    def save_as_lesson(self, path: str | Path) -> bool:
        """The open lesson with the window's config (or a new one-step lesson) to `path`;
        never over the open config file or the run's data file."""
        w = self.window
        for kept, what in self._kept_files():
            if same_file(path, kept):
                self._error(f"Not saved: {show_path(path)} is {what}; choose another name.")
                return False
        lesson = self.lesson
        lesson = (
            new_lesson(w.config) if lesson is None else dataclasses.replace(lesson, config=w.config)
        )
        try:
            save_lesson(lesson, path)
        except (OSError, LessonError, ConfigError) as exc:
            self._error(f"Lesson not saved: {_oserror(path, exc)}")
            return False
        w.settings.set_folder("lesson", Path(path).absolute().parent)
        self.say(f"Saved the lesson to {path}")
        return True

    def _kept_files(self) -> list[tuple[Path, str]]:
        w = self.window
        kept = [(p, "a config file open in this window") for p in w.files.config_files]
        data = w.config.data if w.config.mode == "network" else None
        if data is not None and data.source == "csv" and isinstance(data.path, str) and data.path:
            base = Path(w.config.base_dir) if w.config.base_dir is not None else Path.cwd()
            kept.append((base / data.path, "the run's data file"))
        return kept


def _oserror(path: str | Path, exc: Exception) -> str:
    if isinstance(exc, OSError) and not str(exc).startswith(show_path(path)):
        return f"{show_path(path)}: {exc.strerror or exc}"
    return str(exc)
