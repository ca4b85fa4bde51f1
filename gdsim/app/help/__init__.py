"""The Help menu's dialogs: the keyboard shortcuts, and About gdsim.

- :class:`ShortcutsDialog` (:mod:`.shortcuts`) lists the shortcuts of the actions it is given,
  grouped by the menu each action sits in (in menu-bar order, then menu order).
- :class:`AboutDialog` (:mod:`.about`) shows gdsim's version and licence, and the version and
  licence of every runtime dependency (Python, Qt, PySide6, shiboken6, pyqtgraph, NumPy, SymPy,
  mpmath; read by :mod:`.components`), with a button that copies those details for a bug
  report.

:func:`show_shortcuts` and :func:`show_about` open them without blocking (one of each per
parent window; asking again brings the open one to the front). Every name the single module
``gdsim.app.help`` offered is still importable from here.
"""

from __future__ import annotations

import importlib.metadata as metadata
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from gdsim.app.help.about import ABOUT_TEXT, LGPL_NOTE, AboutDialog
from gdsim.app.help.components import (
    NOT_INSTALLED,
    Component,
    component,
    components,
    gdsim_licence,
    licence_from_metadata,
)
from gdsim.app.help.shortcuts import (
    OTHER_GROUP,
    ShortcutRow,
    ShortcutsDialog,
    plain_text,
    shortcut_rows,
)

__all__ = [
    "ABOUT_TEXT",
    "LGPL_NOTE",
    "NOT_INSTALLED",
    "OTHER_GROUP",
    "AboutDialog",
    "Component",
    "ShortcutRow",
    "ShortcutsDialog",
    "component",
    "components",
    "gdsim_licence",
    "licence_from_metadata",
    "metadata",
    "plain_text",
    "shortcut_rows",
    "show_about",
    "show_shortcuts",
]


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
