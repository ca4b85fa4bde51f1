"""Which parameters the value and gradient plots show: the default choice and the picker button."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from gdsim.app.plots.style import series_color
from gdsim.engine.parameters import parse_parameter_name

__all__ = ["DEFAULT_MAX_SHOWN", "MAX_SHOWN", "ParameterPicker", "default_selection"]

MAX_SHOWN = 32  # at most this many parameters are drawn at once (2 curves each)
DEFAULT_MAX_SHOWN = 12  # the default selection has about this many
LIST_LIMIT = 2000  # the picker lists at most this many names (type to filter)


def default_selection(
    names: Sequence[str], limit: int = DEFAULT_MAX_SHOWN, layers: Sequence[int] | None = None
) -> tuple[int, ...]:
    """All parameters when there are at most `limit` (12); otherwise the first few of every
    layer, 13 at most: with two layers the first 8 of layer 1 and 5 of the last (8 + 5 covers a
    whole 4-input output neuron, weights and bias); deeper networks give each middle layer a
    share too, so a layer just added is in view and both ends of the network still are."""
    n = len(names)
    if n <= limit:
        return tuple(range(n))
    if layers is None:  # (read from the names; a run's info carries them: RunInfo.layers)
        layers = tuple(parse_parameter_name(name).layer for name in names)
    numbers = [v for v in _distinct(layers) if v > 0]
    if not numbers:  # no layer structure: just the first ones
        return tuple(range(limit))
    total = limit + 1
    middle = numbers[1:-1]
    middle_share = max(2, total // len(numbers)) if middle else 0
    shares = {layer: middle_share for layer in middle}
    shares[numbers[-1]] = 5 if len(numbers) > 1 else 0
    shares[numbers[0]] = max(total - sum(shares.values()), 2)
    layer_of = np.asarray(layers)
    chosen = [np.flatnonzero(layer_of == layer)[: shares[layer]] for layer in numbers]
    return tuple(sorted(np.concatenate(chosen).tolist()))


def _distinct(layers) -> list[int]:
    """The layer numbers present, ascending; a network's come in order, so no sort is needed."""
    layer_of = np.asarray(layers)
    if len(layer_of) == 0:
        return []
    if np.all(layer_of[1:] >= layer_of[:-1]):
        starts = np.flatnonzero(np.diff(layer_of)) + 1
        return [int(layer_of[0]), *(int(v) for v in layer_of[starts])]
    return [int(v) for v in np.unique(layer_of)]


class ParameterPicker(QToolButton):
    """A button saying "showing 13 of 17 parameters" whose popup chooses the shown parameters.

    It only proposes: ``picked`` carries the wanted indices; the owner decides and reports the
    outcome back with :meth:`set_selected`.
    """

    picked = Signal(tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parameterPicker")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # the style's menu arrow overlaps long text: put our own in the text instead
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setToolTip("Choose which parameters the value and gradient plots show")
        self._names: tuple[str, ...] = ()
        self._layers: tuple[int, ...] = ()
        self._selected: tuple[int, ...] = ()

        self._menu = QMenu(self)
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(6, 6, 6, 6)
        col.setSpacing(4)
        self._quick = QHBoxLayout()
        self._quick.setSpacing(3)
        col.addLayout(self._quick)
        self._filter = QLineEdit()
        self._filter.setObjectName("parameterFilter")
        self._filter.setPlaceholderText("filter names, e.g. w2_ or b")
        self._filter.setClearButtonEnabled(True)
        self._filter.textChanged.connect(self._populate)
        col.addWidget(self._filter)
        self._list = QListWidget()
        self._list.setObjectName("parameterList")
        self._list.setMinimumSize(220, 260)
        self._list.itemChanged.connect(self._item_changed)
        col.addWidget(self._list)
        self._note = QLabel()
        self._note.setStyleSheet("color: palette(placeholder-text);")
        self._note.setWordWrap(True)
        col.addWidget(self._note)
        action = QWidgetAction(self._menu)
        action.setDefaultWidget(box)
        self._menu.addAction(action)
        self._menu.aboutToShow.connect(self._populate)
        self.setMenu(self._menu)
        self._update_text()

    @property
    def list_widget(self) -> QListWidget:
        return self._list

    def set_names(self, names: tuple[str, ...], layers: tuple[int, ...]) -> None:
        self._names, self._layers = names, layers
        while self._quick.count():
            w = self._quick.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        # (only the first MAX_SHOWN of a pick are drawn: no need to list a big layer whole)
        picks = [("all", tuple(range(min(len(names), MAX_SHOWN)))), ("none", ())]
        layer_of = np.asarray(layers)
        distinct = [v for v in _distinct(layer_of) if v > 0]
        if len(distinct) <= 8:
            for layer in distinct:
                first = np.flatnonzero(layer_of == layer)[:MAX_SHOWN]
                picks.append((f"layer {layer}", tuple(first.tolist())))
        for text, indices in picks:
            button = QPushButton(text)
            button.setObjectName(f"pick_{text.replace(' ', '')}")
            button.setAutoDefault(False)
            button.clicked.connect(functools.partial(self._pick, indices))
            self._quick.addWidget(button)
        self._quick.addStretch(1)
        self._list.clear()
        with QSignalBlocker(self._filter):
            self._filter.clear()
        self._update_text()

    def set_selected(self, indices: tuple[int, ...]) -> None:
        self._selected = indices
        self._update_text()
        if self._list.count():
            self._sync_checks()

    def _pick(self, indices: tuple[int, ...]) -> None:
        self.picked.emit(tuple(indices[:MAX_SHOWN]))

    def _update_text(self) -> None:
        self.setText(f"showing {len(self._selected):,} of {len(self._names):,} parameters  \u25be")
        more = len(self._names) > MAX_SHOWN
        self._note.setText(
            f"At most {MAX_SHOWN} are drawn at once."
            if more
            else "Values and gradients show the same parameters in the same colours."
        )

    def _populate(self) -> None:
        """Fill the list (lazily: only when the popup opens or the filter changes)."""
        text = self._filter.text().strip().lower()
        with QSignalBlocker(self._list):
            self._list.clear()
            shown = 0
            for i, name in enumerate(self._names):
                if text and text not in name.lower():
                    continue
                if shown >= LIST_LIMIT:
                    break
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, i)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                self._list.addItem(item)
                shown += 1
        self._sync_checks()

    def _sync_checks(self) -> None:
        chosen = set(self._selected)
        colors = {idx: series_color(pos) for pos, idx in enumerate(self._selected)}
        with QSignalBlocker(self._list):
            for row in range(self._list.count()):
                item = self._list.item(row)
                i = item.data(Qt.ItemDataRole.UserRole)
                on = i in chosen
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                # shown: in its curve's colour; not shown: the list's own text colour
                item.setData(Qt.ItemDataRole.ForegroundRole, pg.mkColor(colors[i]) if on else None)

    def _item_changed(self, item: QListWidgetItem) -> None:
        i = item.data(Qt.ItemDataRole.UserRole)
        chosen = set(self._selected)
        if item.checkState() == Qt.CheckState.Checked:
            chosen.add(i)
        else:
            chosen.discard(i)
        self.picked.emit(tuple(sorted(chosen)))
