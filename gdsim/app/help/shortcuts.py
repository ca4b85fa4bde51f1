"""The keyboard shortcuts dialog: every action that has a shortcut, grouped by its menu.

:func:`shortcut_rows` reads the rows from the actions themselves (their menus, texts and
shortcuts), so the list can never disagree with the menus: groups come in menu-bar order and
actions in menu order. :class:`ShortcutsDialog` shows them in a two-column tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

OTHER_GROUP = "Other"


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
