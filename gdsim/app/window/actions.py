"""The main window's menus and their actions, with every shortcut.

Each action is added to the window too, so its shortcut works whatever has focus (and the
Keyboard shortcuts dialog lists it). `build_menus` keeps on the window the actions others use:
step_action, step_back_action, step_n_action, run_action, reset_action, rerandomize_action,
export_action, export_images_action, open_action, save_action, save_as_action,
open_lesson_action, save_lesson_action, predict_action, log_cost_action, presenter_action,
theme_actions, lesson_actions and the recent-files menu.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from gdsim.app.lessons.presets import presets_for
from gdsim.app.lessons.registry import MAIN, menu_lessons

THEMES = (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark"))


def add_action(window: QMainWindow, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)  # shortcuts work whatever has focus
    return action


def build_menus(w: QMainWindow) -> None:  # a gdsim.app.main_window.MainWindow
    def action(text: str, slot, shortcut=None, tip: str = "") -> QAction:
        return add_action(w, text, slot, shortcut, tip)

    bar = w.menuBar()
    files = w.files
    keys = QKeySequence.StandardKey
    file_menu = bar.addMenu("&File")
    w.open_action = action("&Open config…", files.open_config_dialog, keys.Open)
    file_menu.addAction(w.open_action)
    w.recent_menu = files.recent_menu = QMenu("Open &recent", w)
    w.recent_menu.setObjectName("recentMenu")
    file_menu.addMenu(w.recent_menu)
    w.save_action = action("&Save config", files.save_config, keys.Save)
    w.save_as_action = action("Save config &as…", files.save_config_as, keys.SaveAs)
    file_menu.addAction(w.save_action)
    file_menu.addAction(w.save_as_action)
    file_menu.addSeparator()
    tools = w.lesson_tools
    w.open_lesson_action = action(
        "Open &lesson…",
        tools.open_lesson_dialog,
        "Ctrl+L",
        "Play a lesson file in the lesson panel",
    )
    w.open_lesson_action.setObjectName("openLessonAction")
    w.save_lesson_action = action(
        "Save as lesso&n…",
        tools.save_as_lesson_dialog,
        tip="Write this run as a lesson file, a starting point to edit",
    )
    w.save_lesson_action.setObjectName("saveLessonAction")
    file_menu.addAction(w.open_lesson_action)
    file_menu.addAction(w.save_lesson_action)
    file_menu.addSeparator()
    w.export_action = action(
        "&Export run CSV…",
        files.export_csv_dialog,
        "Ctrl+E",
        "Write every recorded step to a CSV file",
    )
    file_menu.addAction(w.export_action)
    w.export_images_action = action(
        "Export plot &images…", files.export_images_dialog, "Ctrl+Shift+E"
    )
    file_menu.addAction(w.export_images_action)
    file_menu.addSeparator()
    file_menu.addAction(action("&Quit", w.close, keys.Quit))

    run_menu = bar.addMenu("&Training")
    w.step_action = action("&Step", lambda: w.step(1), "F10", "Apply one update")
    w.step_back_action = action(
        "Step &back", w.hands_on.step_back, "F9", "Undo the last update (its exact state before)"
    )
    w.step_n_action = action(
        "Step &N", lambda: (n := w.controls.step_n()) and w.step(n), "Shift+F10", "Apply N updates"
    )
    w.run_action = action("&Run / Pause", w.toggle_run, "F5")
    w.reset_action = action("R&eset", w.reset, "Ctrl+R", "Back to step 0 with the same seed")
    w.rerandomize_action = action(
        "Re-&randomise", w.rerandomize, "Ctrl+Shift+R", "Back to step 0 with a new random seed"
    )
    for training in (
        w.step_back_action,
        w.step_action,
        w.step_n_action,
        w.run_action,
        w.reset_action,
        w.rerandomize_action,
    ):
        run_menu.addAction(training)
    run_menu.addSeparator()
    w.predict_action = action(
        "&Predict before each step",
        lambda on: tools.predict.set_on(on),
        "Ctrl+Shift+D",
        "Step asks you what the update will do before it happens",
    )
    w.predict_action.setObjectName("predictAction")
    w.predict_action.setCheckable(True)
    run_menu.addAction(w.predict_action)
    run_menu.addSeparator()
    compare = action(
        "&Compare runs…",
        w.open_compare,
        tip="Train variants of this run side by side, all from its start",
    )
    compare.setObjectName("compareRunsAction")
    run_menu.addAction(compare)
    sweep = action(
        "Learning-rate s&weep ×0.1 ×1 ×10",
        lambda: w.open_compare(sweep=True),
        tip="Compare the learning rate in force ×0.1, ×1 and ×10 from this run's start",
    )
    sweep.setObjectName("lrSweepAction")
    run_menu.addAction(sweep)

    view_menu = bar.addMenu("&View")
    w.log_cost_action = action("&Logarithmic cost axis", w.plots.set_log_cost)
    w.log_cost_action.setCheckable(True)
    view_menu.addAction(w.log_cost_action)
    view_menu.addAction(w.form_dock.toggleViewAction())
    view_menu.addSeparator()
    theme_menu = view_menu.addMenu("&Theme")
    theme_menu.setObjectName("themeMenu")
    w.theme_actions = QActionGroup(w)
    for name, text in THEMES:
        choice = theme_menu.addAction(text)
        choice.setObjectName(f"theme_{name}")
        choice.setCheckable(True)
        choice.setData(name)
        choice.triggered.connect(lambda checked=False, n=name: w.set_theme(n))
        w.theme_actions.addAction(choice)
    w.presenter_action = action(
        "&Presenter mode",
        lambda on: w.state.set_presenter(on),
        "Ctrl+Shift+P",
        "Larger text and thicker lines, for a projector (remembered)",
    )
    w.presenter_action.setObjectName("presenterAction")
    w.presenter_action.setCheckable(True)
    view_menu.addAction(w.presenter_action)
    view_menu.addSeparator()
    reset = action(
        "Reset &settings…",
        w.reset_settings,
        tip="Forget the window layout, recent files, folders, theme and plot options",
    )
    reset.setObjectName("resetSettingsAction")
    view_menu.addAction(reset)

    lessons_menu = bar.addMenu("&Lessons")
    lessons_menu.setObjectName("lessonsMenu")
    overview = action(
        "&All lessons…",
        w.open_lessons_page,
        "F1",
        "Every lesson on one page: what it shows and where to find it",
    )
    overview.setObjectName("lessonsPageAction")
    lessons_menu.addAction(overview)
    lessons_menu.addSeparator()
    w.lesson_actions = {}
    for lesson in menu_lessons():
        title, tip = lesson.menu
        entry = action(title, lambda checked=False, k=lesson.key: w.open_lesson(k), tip=tip)
        entry.setObjectName(f"lesson_{lesson.key}")
        lessons_menu.addAction(entry)
        w.lesson_actions[lesson.key] = entry
    lessons_menu.addSeparator()
    for preset in presets_for(MAIN):  # resources/presets/index.json
        entry = action(
            preset.title,
            lambda checked=False, f=preset.file: w.open_health_preset(f),
            tip=preset.summary,
        )
        entry.setObjectName(f"preset_{preset.stem}")
        lessons_menu.addAction(entry)

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(action("&Lessons overview", w.open_lessons_page, tip=overview.statusTip()))
    help_menu.addAction(
        action("&Keyboard shortcuts", lambda: _show_shortcuts(w), "Ctrl+/", "Every shortcut")
    )
    help_menu.addSeparator()
    help_menu.addAction(action("&About gdsim", lambda: _show_about(w)))
    files.update_recent_menu()


def _show_shortcuts(window: QMainWindow) -> None:
    from gdsim.app.help import show_shortcuts
    from gdsim.app.window.timeline import TIMELINE_KEYS

    show_shortcuts(window, window.actions(), extra=TIMELINE_KEYS)


def _show_about(window: QMainWindow) -> None:
    from gdsim.app.help import show_about

    show_about(window)
