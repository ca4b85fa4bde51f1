"""The Help menu's dialogs: the keyboard shortcuts, and About gdsim.

- :class:`ShortcutsDialog` lists the shortcuts of the actions it is given, grouped by the menu
  each action sits in (in menu-bar order, then menu order).
- :class:`AboutDialog` shows gdsim's version and licence, and the version and licence of every
  runtime dependency (Python, Qt, PySide6, shiboken6, pyqtgraph, NumPy, SymPy, mpmath), with a
  button that copies those details for a bug report.

:func:`show_shortcuts` and :func:`show_about` open them without blocking (one of each per
parent window; asking again brings the open one to the front).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata as metadata
import platform
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, qVersion
from PySide6.QtGui import QAction, QFont, QFontDatabase, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

import gdsim

NOT_INSTALLED = "not installed"
OTHER_GROUP = "Other"

# ---------------------------------------------------------------------- keyboard shortcuts


@dataclass(frozen=True)
class ShortcutRow:
    group: str  # the menu the action is in ("File"), or OTHER_GROUP
    action: str  # the action's text without mnemonics or a trailing ellipsis ("Open config")
    keys: str  # the shortcut(s) as the platform shows them ("Ctrl+O"; several joined by ", ")


def plain_text(text: str) -> str:
    """Menu text without its mnemonic ampersands and trailing "…": "&Open config…" -> "Open
    config"; "&&" stays a literal "&"."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
    for tail in ("\u2026", "..."):
        text = text.removesuffix(tail)
    return text.strip()


def _menus_of(action: QAction) -> list[QMenu]:
    return [obj for obj in action.associatedObjects() if isinstance(obj, QMenu)]


def _menu_path(menu: QMenu) -> tuple[str, int | None]:
    """The group name ("File", or "File \u203a Open recent" for a submenu) and the place of
    the top menu in its menu bar (None when it is in none)."""
    titles = [plain_text(menu.title())]
    position: int | None = None
    seen = {id(menu)}
    current = menu
    while True:
        holders = current.menuAction().associatedObjects()
        parent = next((o for o in holders if isinstance(o, QMenu) and id(o) not in seen), None)
        if parent is None:
            bar = next((o for o in holders if isinstance(o, QMenuBar)), None)
            if bar is not None:
                position = bar.actions().index(current.menuAction())
            break
        seen.add(id(parent))
        titles.insert(0, plain_text(parent.title()))
        current = parent
    return " \u203a ".join(t for t in titles if t), position


def shortcut_rows(
    actions: Iterable[QAction], extra: Sequence[tuple[str, str, str]] = ()
) -> list[ShortcutRow]:
    """One row per action that has a shortcut, grouped by menu and sorted as the menus are.

    Groups come in menu-bar order (menus not in a menu bar after them, in the order their first
    action was given; actions in no menu last, as "Other"); actions keep their order in the
    menu. ``extra`` adds rows that are not actions: ``(group, what, keys)``.
    """
    groups: dict[str, tuple[tuple[int, int], list[tuple[int, ShortcutRow]]]] = {}
    seen: set[int] = set()
    for given, action in enumerate(actions):
        if id(action) in seen or action.isSeparator():
            continue
        seen.add(id(action))
        keys = [s for s in action.shortcuts() if not s.isEmpty()]
        if not keys:
            continue
        text = plain_text(action.text()) or plain_text(action.iconText())
        shown = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        menus = _menus_of(action)
        if menus:
            menu = menus[0]
            group, bar_position = _menu_path(menu)
            order = (0, bar_position) if bar_position is not None else (1, given)
            place = menu.actions().index(action)
        else:
            group, order, place = OTHER_GROUP, (2, 0), given
        row = ShortcutRow(group or OTHER_GROUP, text, shown)
        groups.setdefault(row.group, (order, []))[1].append((place, row))
    for offset, (group, what, keys) in enumerate(extra):
        order = groups[group][0] if group in groups else (3, offset)
        row = ShortcutRow(group, what, keys)
        groups.setdefault(group, (order, []))[1].append((10_000 + offset, row))
    out: list[ShortcutRow] = []
    for _order, rows in sorted(groups.values(), key=lambda item: item[0]):
        out += [row for _place, row in sorted(rows, key=lambda item: item[0])]
    return out


class ShortcutsDialog(QDialog):
    """A two-column list of the given actions' shortcuts, grouped by menu; Esc closes it."""

    def __init__(
        self,
        actions: Iterable[QAction],
        parent: QWidget | None = None,
        *,
        extra: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self._rows = shortcut_rows(actions, extra)

        layout = QVBoxLayout(self)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutsTable")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        group_item: QTreeWidgetItem | None = None
        for row in self._rows:
            if group_item is None or group_item.text(0) != row.group:
                group_item = QTreeWidgetItem(self.tree, [row.group])
                group_item.setFont(0, bold)
                group_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group_item.setFirstColumnSpanned(True)
            item = QTreeWidgetItem(group_item, [row.action, row.keys])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(0, f"{row.group}: {row.action}")
        self.tree.expandAll()
        if not self._rows:
            QTreeWidgetItem(self.tree, ["No keyboard shortcuts are defined.", ""])
        layout.addWidget(self.tree, 1)

        hint = QLabel(
            "Menu commands show their shortcut in the menu too. Hover over any button or "
            "field to see what it does."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(hint)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        # Room to breathe, and tall enough to show every row without scrolling (up to a point).
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 4px; }")
        self.tree.setIndentation(14)
        lines = self.tree.topLevelItemCount() + sum(
            self.tree.topLevelItem(i).childCount() for i in range(self.tree.topLevelItemCount())
        )
        row_height = max(self.tree.sizeHintForRow(0), self.fontMetrics().height() + 6)
        content = self.tree.header().sizeHint().height() + lines * row_height
        self.tree.setMinimumHeight(min(440, content + 2 * self.tree.frameWidth() + 4))
        self.resize(440, self.sizeHint().height())

    def rows(self) -> list[ShortcutRow]:
        """What the dialog lists, in its order."""
        return list(self._rows)


# ---------------------------------------------------------------------- about


@dataclass(frozen=True)
class Component:
    name: str  # as shown: "NumPy"
    version: str  # or NOT_INSTALLED
    licence: str  # an SPDX expression where known: "BSD-3-Clause"
    purpose: str  # what gdsim uses it for, in plain words
    url: str = ""


# Qt for Python and the Qt libraries in its wheels: the LGPL-3.0 or the GPL, the user's choice.
_QT_LICENCE = "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"

# (shown name, distribution names to try, module to import as a last resort, known licence,
#  purpose, home page)
_DEPENDENCIES: tuple[tuple[str, tuple[str, ...], str, str, str, str], ...] = (
    (
        "PySide6",
        ("PySide6", "PySide6-Essentials"),
        "PySide6",
        _QT_LICENCE,
        "Qt for Python: how gdsim talks to Qt",
        "https://www.qt.io/qt-for-python",
    ),
    (
        "shiboken6",
        ("shiboken6",),
        "shiboken6",
        _QT_LICENCE,
        "PySide6's runtime support library",
        "https://www.qt.io/qt-for-python",
    ),
    (
        "pyqtgraph",
        ("pyqtgraph",),
        "pyqtgraph",
        "MIT",
        "the live plots",
        "https://www.pyqtgraph.org",
    ),
    (
        "NumPy",
        ("numpy",),
        "numpy",
        "BSD-3-Clause",
        "all the arithmetic of training",
        "https://numpy.org",
    ),
    (
        "SymPy",
        ("sympy",),
        "sympy",
        "BSD-3-Clause",
        "the derivative formulas in function mode",
        "https://www.sympy.org",
    ),
    (
        "mpmath",
        ("mpmath",),
        "mpmath",
        "BSD-3-Clause",
        "SymPy's number library",
        "https://mpmath.org",
    ),
)

# Licence fields too vague to show when a more precise licence is known.
_VAGUE = {"bsd", "bsd license", "mit license", "lgpl", "gpl", "apache", "apache license"}


def licence_from_metadata(meta) -> str:
    """The licence a distribution declares: License-Expression, else a one-line License field,
    else its "License ::" classifiers; "" when it declares none."""
    if meta is None:
        return ""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 100 and text.upper() != "UNKNOWN":
        return text
    classifiers = [
        c.split(" :: ")[-1] for c in (meta.get_all("Classifier") or []) if c.startswith("License ")
    ]
    return ", ".join(classifiers)


def _distribution(names: Sequence[str]):
    for name in names:
        try:
            return metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        except Exception:  # a broken installation must not break the About box
            continue
    return None


def _module_version(module: str) -> str | None:
    """``module.__version__`` when the package metadata is missing (e.g. in a frozen bundle)."""
    try:
        version = getattr(importlib.import_module(module), "__version__", None)
    except Exception:
        return None
    return str(version) if version else None


def component(
    name: str,
    distributions: Sequence[str],
    module: str,
    known_licence: str,
    purpose: str,
    url: str = "",
) -> Component:
    """Version and licence of one dependency; never raises (a missing one is NOT_INSTALLED)."""
    dist = _distribution(distributions)
    version: str | None = None
    declared = ""
    if dist is not None:
        version = dist.version
        try:
            declared = licence_from_metadata(dist.metadata)
        except Exception:
            declared = ""
    if not version:
        version = _module_version(module)
    if not declared or (known_licence and declared.lower() in _VAGUE):
        declared = known_licence or declared
    return Component(name, version or NOT_INSTALLED, declared or "unknown", purpose, url)


def components() -> list[Component]:
    """Python, Qt and every runtime dependency, in the order the About box lists them."""
    python = f"{platform.python_version()} ({platform.python_implementation()})"
    out = [
        Component(
            "Python",
            python,
            "PSF-2.0",
            "the language gdsim is written in",
            "https://www.python.org",
        ),
        Component(
            "Qt", qVersion(), _QT_LICENCE, "windows, widgets and drawing", "https://www.qt.io"
        ),
    ]
    out += [component(*spec) for spec in _DEPENDENCIES]
    return out


def gdsim_licence() -> tuple[str, str]:
    """gdsim's licence name and its full text (the LICENSE file; a short statement if the file
    was not shipped)."""
    name = "MIT"
    with contextlib.suppress(Exception):
        name = licence_from_metadata(metadata.metadata("gdsim")) or name
    candidates = [Path(gdsim.__file__).resolve().parent.parent / "LICENSE"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "LICENSE")
    for candidate in candidates:
        try:
            text = candidate.read_text(encoding="utf-8")
        except OSError:
            continue
        if "gdsim" in text:  # not some other package's LICENSE beside ours in site-packages
            return name, text
    try:
        dist = metadata.distribution("gdsim")
        for path in ("licenses/LICENSE", "LICENSE", "license_files/LICENSE"):
            text = dist.read_text(path)
            if text:
                return name, text
    except Exception:
        pass
    return name, (
        f"gdsim is released under the {name} licence. Copyright (c) The gdsim developers.\n\n"
        "The full licence text ships as the LICENSE file with gdsim's source code."
    )


ABOUT_TEXT = (
    "gdsim is a gradient-descent simulator for learning how neural networks learn. Build a "
    "small network in forms, then step through training and watch the cost, every parameter "
    "and its gradient change, one update at a time."
)

LGPL_NOTE = (
    "PySide6, shiboken6 and Qt are used under the GNU Lesser General Public License v3 "
    "(LGPL-3.0). gdsim loads them as separate, unmodified libraries, so you may replace them "
    "with another compatible version (for example with <i>pip install --upgrade "
    "PySide6-Essentials</i>). Their source code is available from "
    "<a href='https://code.qt.io'>code.qt.io</a>."
)


class _FitTable(QTableWidget):
    """A table whose size hint is the height of all its rows (it has only a few)."""

    def sizeHint(self):  # noqa: N802 (Qt override)
        hint = super().sizeHint()
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        hint.setHeight(self.horizontalHeader().height() + rows + 2 * self.frameWidth() + 2)
        return hint

    def minimumSizeHint(self):  # noqa: N802 (Qt override)
        return self.sizeHint()


class AboutDialog(QDialog):
    """gdsim's name, version, description and licence, and its dependencies' licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About gdsim")
        self.components = components()
        self.licence_name, self.licence_text = gdsim_licence()

        layout = QVBoxLayout(self)
        layout.setSpacing(8)

        head = QHBoxLayout()
        icon = QGuiApplication.windowIcon()
        if not icon.isNull():
            picture = QLabel()
            picture.setPixmap(icon.pixmap(48, 48))
            picture.setAlignment(Qt.AlignmentFlag.AlignTop)
            head.addWidget(picture)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title_label = QLabel("gdsim")
        self.title_label.setObjectName("aboutTitle")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.version_label = QLabel(f"Version {gdsim.__version__}")
        self.version_label.setObjectName("aboutVersion")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        titles.addWidget(self.title_label)
        titles.addWidget(self.version_label)
        head.addLayout(titles, 1)
        layout.addLayout(head)

        description = QLabel(ABOUT_TEXT)
        description.setWordWrap(True)
        layout.addWidget(description)
        licence_line = QLabel(
            f"gdsim is free software under the <b>{self.licence_name}</b> licence (see the "
            "Licence tab), built on these open-source components:"
        )
        licence_line.setObjectName("aboutLicence")
        licence_line.setWordWrap(True)
        layout.addWidget(licence_line)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("aboutTabs")
        self.tabs.addTab(self._components_page(), "Components")
        self.licence_view = QPlainTextEdit(self.licence_text)
        self.licence_view.setObjectName("licenceText")
        self.licence_view.setReadOnly(True)
        self.licence_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licence_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.tabs.addTab(self.licence_view, "Licence")
        layout.addWidget(self.tabs, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setObjectName("copyDetailsButton")
        self.copy_button.setToolTip(
            "Copy the versions of gdsim, Python, Qt and the libraries, to paste into a bug report."
        )
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.about_qt_button = QPushButton("About Qt")
        self.about_qt_button.setObjectName("aboutQtButton")
        self.about_qt_button.setToolTip("Qt's own About box: its version and licence.")
        self.buttons.addButton(self.about_qt_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        self.about_qt_button.clicked.connect(self._about_qt)
        layout.addWidget(self.buttons)

        self._copied = QTimer(self)
        self._copied.setSingleShot(True)
        self._copied.setInterval(1500)
        self._copied.timeout.connect(lambda: self.copy_button.setText("Copy details"))
        self.resize(720, 560)
        self._fitted = False

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._fitted:  # the row heights are known once the columns have their widths
            self._fitted = True
            self.table.resizeRowsToContents()
            self.table.updateGeometry()
            self.layout().activate()
            wanted = self.heightForWidth(self.width())  # wrapped labels: height at this width
            if wanted <= 0:
                wanted = self.sizeHint().height()
            self.resize(self.width(), min(700, wanted + 8))

    def _components_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        table = self.table = _FitTable(len(self.components), 4)
        table.setObjectName("componentsTable")
        table.setHorizontalHeaderLabels(["Component", "Version", "Licence", "Used for"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setStyleSheet("QTableView::item { padding: 3px 6px; }")
        for row, comp in enumerate(self.components):
            cells = (comp.name, comp.version, comp.licence, comp.purpose)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                tip = f"{comp.name} {comp.version}: {comp.purpose}."
                if comp.url:
                    tip += f"\n{comp.url}"
                item.setToolTip(tip)
                table.setItem(row, col, item)
        head = table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        column.addWidget(table)
        note = QLabel(LGPL_NOTE)
        note.setObjectName("lgplNote")
        note.setWordWrap(True)
        note.setOpenExternalLinks(True)
        note.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(note)
        column.addStretch(1)
        return page

    def component(self, name: str) -> Component | None:
        return next((c for c in self.components if c.name == name), None)

    def details_text(self) -> str:
        """The versions and licences as plain text, for a bug report."""
        lines = [f"gdsim {gdsim.__version__} ({self.licence_name})"]
        width = max(len(c.name) for c in self.components)
        lines += [f"{c.name:<{width}}  {c.version}  [{c.licence}]" for c in self.components]
        platform_name = QGuiApplication.platformName() or "unknown"
        lines.append(f"{'System':<{width}}  {platform.platform()} (Qt platform: {platform_name})")
        return "\n".join(lines)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied \u2713")
        self._copied.start()

    def _about_qt(self) -> None:
        QMessageBox.aboutQt(self, "About Qt")


# ---------------------------------------------------------------------- opening them


def _show(dialog_type: type[QDialog], name: str, parent: QWidget, make) -> QDialog:
    for existing in parent.findChildren(dialog_type, name):
        if existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
    dialog = make()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_shortcuts(
    parent: QWidget,
    actions: Iterable[QAction] | None = None,
    *,
    extra: Sequence[tuple[str, str, str]] = (),
) -> ShortcutsDialog:
    """Open (or bring forward) the shortcuts list of ``actions`` (default: the parent's)."""
    chosen = list(parent.actions() if actions is None else actions)
    return _show(
        ShortcutsDialog,
        "shortcutsDialog",
        parent,
        lambda: ShortcutsDialog(chosen, parent, extra=extra),
    )


def show_about(parent: QWidget) -> AboutDialog:
    """Open (or bring forward) the About box."""
    return _show(AboutDialog, "aboutDialog", parent, lambda: AboutDialog(parent))
