"""The current parameters beside their gradients and last updates, one row per parameter.

Values, gradients and updates sit in separate, differently tinted columns, so a weight's value is
never mistaken for its gradient; the update column shows what the last step actually did
(-learning rate x gradient for plain SGD).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, Qt
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


def _fmt_update(x: float) -> str:
    # NaN here means "not known" (a past step whose previous row decimation dropped), not a
    # diverged value: say so with a dash
    return "—" if np.isnan(x) else _fmt(x)


class ParameterModel(QAbstractTableModel):
    """One row per parameter, sorted by NumPy: nothing here does per-row Python work when a run
    starts or the numbers change, so 10^5+ parameters cost what 10 do (Qt asks only for the rows
    on screen). `parameter(row)` says which parameter a row shows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._index = ParameterIndex.from_names(())  # who each parameter is
        self._layers = np.zeros(0, dtype=np.int64)
        self._values = np.zeros((0, 3))  # value, gradient, update
        self._order = np.zeros(0, dtype=np.int64)  # row -> parameter
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
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
        self._layers = np.asarray(info.parameter_index.layer, dtype=np.int64)
        self._values = np.zeros((len(self._names), 3))
        self._order = self._sorted_order(*self._sort)
        self.endResetModel()

    def update(self, snap: Snapshot) -> None:
        if snap.parameters.size != len(self._names):
            return
        self._values = np.column_stack([snap.parameters, snap.gradients, snap.last_update])
        if not self._names:
            return
        if self._sort[0] >= 2:  # sorted by a number that just changed: re-sort, as Qt's would
            self._reorder(self._sorted_order(*self._sort))
        self.dataChanged.emit(
            self.index(0, 2), self.index(len(self._names) - 1, 4), [Qt.ItemDataRole.DisplayRole]
        )

    def parameter(self, row: int) -> int:
        """The parameter (its position in the run's parameter list) shown on `row`."""
        return int(self._order[row])

    def row_of(self, parameter: int) -> int:
        return int(np.flatnonzero(self._order == parameter)[0])

    def values(self, row: int) -> tuple[float, float, float]:
        return tuple(float(v) for v in self._values[self._order[row]])

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        n = len(self._names)
        if column <= 0:
            keys = np.arange(n)
        elif column == 1:
            keys = self._layers
        else:
            keys = self._values[:, column - 2]
        descending = order == Qt.SortOrder.DescendingOrder
        # Stable, ties in parameter order; NaN last either way (as Qt's proxy puts them).
        rank = np.argsort(-keys if descending else keys, kind="stable")
        if column >= 2:
            nan = np.isnan(keys[rank])
            if nan.any():
                rank = np.concatenate([rank[~nan], rank[nan]])
        return rank

    def _reorder(self, order: np.ndarray) -> None:
        """Show the rows in `order`, keeping selections and the current row on their parameters."""
        if np.array_equal(order, self._order):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        where = np.empty_like(order)
        where[order] = np.arange(order.size)
        moved = [self.index(int(where[self._order[i.row()]]), i.column()) for i in old]
        self._order = order
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    # Qt model interface
    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._reorder(self._sorted_order(column, order))

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
        row, col = int(self._order[index.row()]), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return self._names[row]
            if col == 1:
                return str(self._layers[row]) if self._layers[row] else "-"
            v = self._values[row, col - 2]
            return _fmt_update(v) if col == 4 else _fmt(v)
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
        self.setModel(self.model_)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setVisible(False)
        # Fixed row heights and column widths: nothing measures every row (10^5+ of them).
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("  layer  ") + 16)
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

    def parameter_at(self, index) -> int:
        """The parameter (position in the run's list) that a view index's row shows."""
        return self.model_.parameter(index.row())
