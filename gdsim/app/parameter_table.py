"""The current parameters beside their gradients and last updates, one row per parameter.

Values, gradients and updates sit in separate, differently tinted columns, so a weight's value is
never mistaken for its gradient; the update column shows what the last step actually did
(-learning rate x gradient for plain SGD).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableView

from gdsim.app import theme
from gdsim.app.forms.tips import PARAMETER_COLUMNS
from gdsim.app.run_view import Feed
from gdsim.engine.parameters import ParameterIndex
from gdsim.session.runstate import RunInfo, Snapshot

COLUMNS = ("parameter", "layer", "value", "gradient dC/dp", "last update")
TOOLTIPS = PARAMETER_COLUMNS  # the header tooltips, one per column


def tints() -> tuple[QColor | None, ...]:
    """Column backgrounds: value blue, gradient red, update green, faint over the theme's base
    (a little stronger over a dark one, where the same alpha hardly shows)."""
    c = theme.colors()
    alpha = 48 if c.is_dark else 28
    out: list[QColor | None] = [None, None]
    for color in (c.value, c.gradient, c.update):
        q = QColor(color)
        q.setAlpha(alpha)
        out.append(q)
    return tuple(out)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


class ParameterModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._index = ParameterIndex.from_names(())  # who each parameter is
        self._layers: tuple[int, ...] = ()
        self._values = np.zeros((0, 3))  # value, gradient, update
        self._set_brushes()
        theme.notifier().changed.connect(self._set_brushes)

    def _set_brushes(self, *_args) -> None:
        self._brushes = [QBrush(c) if c is not None else None for c in tints()]
        if self._names:
            last = self.index(len(self._names) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.BackgroundRole])

    def start_run(self, info: RunInfo) -> None:
        self.beginResetModel()
        self._names = info.parameter_names
        self._index = info.parameter_index
        self._layers = info.layers
        self._values = np.zeros((len(self._names), 3))
        self.endResetModel()

    def update(self, snap: Snapshot) -> None:
        if snap.parameters.size != len(self._names):
            return
        self._values = np.column_stack([snap.parameters, snap.gradients, snap.last_update])
        if self._names:
            self.dataChanged.emit(
                self.index(0, 2), self.index(len(self._names) - 1, 4), [Qt.ItemDataRole.DisplayRole]
            )

    def values(self, row: int) -> tuple[float, float, float]:
        return tuple(float(v) for v in self._values[row])

    # Qt model interface
    def rowCount(self, parent=None):  # noqa: N802 (Qt's name)
        return 0 if parent is not None and parent.isValid() else len(self._names)

    def columnCount(self, parent=None):  # noqa: N802 (Qt's name)
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return TOOLTIPS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return self._names[row]
            if col == 1:
                return str(self._layers[row]) if self._layers[row] else "-"
            return _fmt(self._values[row, col - 2])
        if role == Qt.ItemDataRole.UserRole:  # sort key
            if col == 0:
                return row
            if col == 1:
                return self._layers[row]
            return float(self._values[row, col - 2])
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brushes[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return self._index.describe(row)
        if role == Qt.ItemDataRole.ToolTipRole and col >= 2:
            value, grad, update = self._values[row]
            return (
                f"{self._names[row]} = {value!r}\ndC/d{self._names[row]} = {grad!r}\n"
                f"last update = {update!r}"
            )
        return None


class ParameterTable(QTableView):
    run_feed = Feed()  # the latest numbers, a few times a second

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("parameterTable")
        self.model_ = ParameterModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model_)
        proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.setModel(proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.setToolTip(
            "Current parameters with their gradients and last updates. "
            "Click a column header to sort (e.g. by gradient size)."
        )

    def start_run(self, info: RunInfo) -> None:
        self.model_.start_run(info)

    def update_from(self, snap: Snapshot) -> None:
        self.model_.update(snap)
