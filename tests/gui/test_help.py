"""The Help menu's dialogs: keyboard shortcuts, and About gdsim with the dependencies' licences."""

from __future__ import annotations

from email.message import Message

import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QTreeWidgetItemIterator

import gdsim
from gdsim.app import help as gdsim_help
from gdsim.app.help import (
    NOT_INSTALLED,
    OTHER_GROUP,
    AboutDialog,
    ShortcutRow,
    ShortcutsDialog,
    component,
    gdsim_licence,
    licence_from_metadata,
    plain_text,
    show_about,
    show_shortcuts,
)


def native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


@pytest.fixture
def window(qtbot):
    """A window with menus like gdsim's: File and Training with shortcuts, View without."""
    win = QMainWindow()
    qtbot.addWidget(win)
    bar = win.menuBar()

    def add(menu, text, keys=None):
        action = QAction(text, win)
        if keys:
            action.setShortcut(QKeySequence(keys))
        win.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    # Created in an order unlike the menus', to check the sorting.
    training = bar.addMenu("&Training")
    file_menu = QMenu("&File", win)
    bar.insertMenu(training.menuAction(), file_menu)  # File before Training in the bar
    add(training, "&Step", "F10")
    add(file_menu, "&Open config\u2026", "Ctrl+O")
    add(training, "R&eset", "Ctrl+R")
    add(file_menu, "Save && quit", "Ctrl+Shift+Q")
    add(None, "Hidden helper", "Ctrl+H")  # in no menu
    view = bar.addMenu("&View")
    add(view, "&Logarithmic cost axis")  # no shortcut: not listed
    return win


def test_plain_text_drops_mnemonics_and_ellipsis():
    assert plain_text("&Open config\u2026") == "Open config"
    assert plain_text("Save && quit") == "Save & quit"
    assert plain_text("Export...") == "Export"


def test_shortcuts_dialog_lists_the_actions_grouped_by_menu(qtbot, window):
    dialog = ShortcutsDialog(window.actions(), window)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "shortcutsDialog"
    assert dialog.rows() == [
        ShortcutRow("File", "Open config", native("Ctrl+O")),
        ShortcutRow("File", "Save & quit", native("Ctrl+Shift+Q")),
        ShortcutRow("Training", "Step", native("F10")),
        ShortcutRow("Training", "Reset", native("Ctrl+R")),
        ShortcutRow(OTHER_GROUP, "Hidden helper", native("Ctrl+H")),
    ]
    # The table shows the same: group headings, then action and shortcut in two columns.
    shown = []
    it = QTreeWidgetItemIterator(dialog.tree)
    while it.value():
        item = it.value()
        shown.append((item.text(0), item.text(1)))
        it += 1
    assert shown[:3] == [
        ("File", ""),
        ("Open config", native("Ctrl+O")),
        ("Save & quit", native("Ctrl+Shift+Q")),
    ]
    assert ("Step", "F10") in shown
    assert all("Logarithmic" not in text for text, _ in shown)
    assert dialog.tree.columnCount() == 2


def test_shortcuts_dialog_takes_extra_rows_and_skips_duplicates(qtbot, window):
    actions = window.actions()
    dialog = ShortcutsDialog(
        actions + actions, window, extra=[("Training", "Apply typed value", "Enter")]
    )
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    assert len(rows) == 6
    training = [r.action for r in rows if r.group == "Training"]
    assert training == ["Step", "Reset", "Apply typed value"]


def test_shortcuts_dialog_closes_with_escape(qtbot, window):
    dialog = ShortcutsDialog(window.actions(), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def test_show_shortcuts_reuses_an_open_dialog(qtbot, window):
    first = show_shortcuts(window)
    assert isinstance(first, ShortcutsDialog)
    assert [r.action for r in first.rows()][0] == "Open config"
    assert show_shortcuts(window) is first
    first.close()


def test_about_dialog_shows_version_and_licences(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "aboutDialog"
    assert gdsim.__version__ in dialog.version_label.text()
    assert dialog.licence_name == "MIT"
    assert "MIT" in dialog.licence_text
    pyside = dialog.component("PySide6")
    assert pyside is not None and "LGPL" in pyside.licence and pyside.version != NOT_INSTALLED
    numpy = dialog.component("NumPy")
    assert numpy is not None and "BSD" in numpy.licence
    assert dialog.component("Qt").version == qVersion()
    for name in ("Python", "shiboken6", "pyqtgraph", "SymPy", "mpmath"):
        assert dialog.component(name) is not None, name
    table = [
        [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
        for r in range(dialog.table.rowCount())
    ]
    assert any(row[0] == "PySide6" and "LGPL" in row[2] for row in table)
    assert any(row[0] == "NumPy" and "BSD" in row[2] for row in table)
    assert "LGPL" in dialog.findChild(type(dialog.title_label), "lgplNote").text()


def test_about_dialog_credits_the_shipped_data_sets(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Data sets" in tabs
    text = dialog.data_credits.text()
    for words in ("Alpaydin", "Kaynak", "1998", "Fisher", "1936", "CC BY 4.0", "digits", "iris"):
        assert words in text, words


def test_copy_details_puts_the_versions_on_the_clipboard(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert f"gdsim {gdsim.__version__}" in text
    assert "PySide6" in text and "NumPy" in text and qVersion() in text
    assert dialog.copy_button.text() != "Copy details"  # says it worked ...
    qtbot.waitUntil(
        lambda: dialog.copy_button.text() == "Copy details", timeout=3000
    )  # ... briefly


def test_about_qt_button_opens_qts_about_box(qtbot, monkeypatch):
    calls = []
    monkeypatch.setattr(QMessageBox, "aboutQt", lambda parent, title="": calls.append(parent))
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.about_qt_button, Qt.MouseButton.LeftButton)
    assert calls == [dialog]


def test_show_about_reuses_an_open_dialog(qtbot, window):
    first = show_about(window)
    assert show_about(window) is first
    first.close()


def test_a_missing_package_says_not_installed():
    missing = component(
        "Nothing", ("gdsim-test-no-such-dist",), "gdsim_test_no_such_module", "MIT", "nothing"
    )
    assert missing.version == NOT_INSTALLED
    assert missing.licence == "MIT"
    unknown = component("Nothing", ("gdsim-test-no-such-dist",), "gdsim_test_nope", "", "x")
    assert unknown.licence == "unknown"


def _meta(**fields) -> Message:
    meta = Message()
    for key, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            meta[key.replace("_", "-")] = value
    return meta


def test_licence_comes_from_expression_then_license_then_classifiers():
    classifier = "License :: OSI Approved :: BSD License"
    assert licence_from_metadata(_meta(License_Expression="MIT", License="BSD")) == "MIT"
    assert licence_from_metadata(_meta(License="BSD", Classifier=[classifier])) == "BSD"
    long_text = "Copyright (c) someone\n\nPermission is hereby granted ..."
    assert licence_from_metadata(_meta(License=long_text, Classifier=[classifier])) == (
        "BSD License"
    )
    assert licence_from_metadata(_meta()) == ""
    assert licence_from_metadata(None) == ""


def test_a_vague_licence_gives_way_to_the_known_one(monkeypatch):
    class FakeDist:
        version = "9.9"
        metadata = _meta(License="BSD")

    monkeypatch.setattr(gdsim_help.metadata, "distribution", lambda name: FakeDist())
    found = component("SymPy", ("sympy",), "sympy", "BSD-3-Clause", "formulas")
    assert (found.version, found.licence) == ("9.9", "BSD-3-Clause")


def test_gdsim_licence_is_mit_with_its_text():
    name, text = gdsim_licence()
    assert name == "MIT"
    assert "Permission is hereby granted" in text or "MIT" in text
