"""The current parameters beside their gradients and last updates, one row per parameter.

Values, gradients and updates sit in separate, differently tinted columns, so a weight's value is
never mistaken for its gradient; the update column shows what the last step actually did
(-learning rate x gradient for plain SGD).

A value can be set by hand (double-click, F2 or typing on it) and a parameter frozen (the lock
column). Both only emit a request: the table shows what the trainer's next snapshot says, so it
never shows a value or a lock the trainer did not take.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemDelegate, QHeaderView, QLineEdit, QTableView

from gdsim.app import theme
from gdsim.app.forms.tips import PARAMETER_COLUMNS
from gdsim.app.parameter_edit import (
    EDITOR_NAME,
    LockDelegate,
    ValueDelegate,
    lock_icon,
    parse_value,
)
from gdsim.app.run_view import Feed
from gdsim.engine.parameters import ParameterIndex
from gdsim.session.runstate import RunInfo, Snapshot

COLUMNS = ("parameter", "layer", "value", "gradient dC/dp", "last update", "frozen")
TOOLTIPS = PARAMETER_COLUMNS  # the header tooltips, one per column
NAME, LAYER, VALUE, GRADIENT, UPDATE, FROZEN = range(len(COLUMNS))
_ROLE = Qt.ItemDataRole


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
    return (*out, None)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _fmt_update(x: float) -> str:
    # NaN here means "not known" (a past step whose previous row decimation dropped), not a
    # diverged value: say so with a dash
    return "—" if np.isnan(x) else _fmt(x)


class ParameterModel(QAbstractTableModel):
    """One row per parameter, sorted by NumPy: nothing here does per-row Python work when a run
    starts or the numbers change, so 10^5+ parameters cost what 10 do (Qt asks only for the rows
    on screen). `parameter(row)` says which parameter a row shows.

    Edits are requests (`value_edit_requested`, `freeze_requested`) or refusals (`refused`, one
    line naming the parameter); `setData` never changes what is shown."""

    value_edit_requested = Signal(str, float)  # (name, value)
    freeze_requested = Signal(str, bool)  # (name, frozen)
    refused = Signal(str)  # why a typed value or a lock click was not taken

    def __init__(self, parent=None):
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._index = ParameterIndex.from_names(())  # who each parameter is
        self._layers = np.zeros(0, dtype=np.int64)
        self._values = np.zeros((0, 3))  # value, gradient, update
        self._frozen = np.zeros(0, dtype=np.intp)  # the last snapshot's frozen positions
        self._is_frozen = np.zeros(0, dtype=bool)  # parameter -> frozen, for O(1) lookups
        self.gradients_hidden = False  # "?" while a prediction about them waits (lessons)
        self._order = np.zeros(0, dtype=np.int64)  # row -> parameter
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self._editable, self._why = True, ""
        self._italic = QFont()
        self._italic.setItalic(True)
        self._set_brushes()
        theme.notifier().changed.connect(self._set_brushes)

    def _set_brushes(self, *_args) -> None:
        self._brushes = [QBrush(c) if c is not None else None for c in tints()]
        muted = theme.colors().muted
        self._muted, self._lock = QBrush(QColor(muted)), lock_icon(muted)
        roles = [_ROLE.BackgroundRole, _ROLE.ForegroundRole, _ROLE.DecorationRole]
        self._changed(NAME, FROZEN, roles)

    def _changed(self, first: int, last: int, roles: list) -> None:
        """Every row of columns first..last changed (one range: no per-row signals)."""
        if self._names:
            end = self.index(len(self._names) - 1, last)
            self.dataChanged.emit(self.index(0, first), end, roles)

    def start_run(self, info: RunInfo) -> None:
        self.beginResetModel()
        n = len(info.parameter_names)
        self._names = info.parameter_names
        self._index = info.parameter_index
        self._layers = np.asarray(info.parameter_index.layer, dtype=np.int64)
        self._values = np.zeros((n, 3))
        self._frozen = np.zeros(0, dtype=np.intp)
        self._is_frozen = np.zeros(n, dtype=bool)
        self._order = self._sorted_order(*self._sort)
        self.endResetModel()

    def update(self, snap: Snapshot) -> None:
        n = len(self._names)
        frozen_changed = self._set_frozen(snap.frozen)
        if snap.parameters.size != n:  # a snapshot without the state: only the locks are new
            if frozen_changed and self._sort[0] == FROZEN:
                self._reorder(self._sorted_order(*self._sort))
            return
        self._values = np.column_stack([snap.parameters, snap.gradients, snap.last_update])
        if not n:
            return
        if self._sort[0] >= VALUE:  # sorted by a number (or lock) that changed: re-sort, as Qt
            self._reorder(self._sorted_order(*self._sort))
        self._changed(VALUE, UPDATE, [_ROLE.DisplayRole])

    def _set_frozen(self, frozen: np.ndarray) -> bool:
        """Take a snapshot's frozen positions; the mask is rebuilt only when they changed."""
        n = len(self._names)
        if np.array_equal(frozen, self._frozen) or (frozen.size and frozen.max() >= n):
            return False
        self._frozen = np.array(frozen, dtype=np.intp)
        self._is_frozen = np.zeros(n, dtype=bool)
        self._is_frozen[self._frozen] = True
        roles = [_ROLE.FontRole, _ROLE.ForegroundRole, _ROLE.DecorationRole, _ROLE.CheckStateRole]
        self._changed(NAME, FROZEN, [*roles, _ROLE.ToolTipRole])
        return True

    def set_editable(self, on: bool, why: str = "") -> None:
        """Whether values can be typed and locks toggled; `why` not, for the tooltip and the
        refusal (e.g. "the timeline shows step 40: go back to live to edit")."""
        self._editable, self._why = bool(on), "" if on else why
        self._changed(VALUE, FROZEN, [_ROLE.ToolTipRole, _ROLE.CheckStateRole])

    def editable(self) -> bool:
        return self._editable

    def set_gradients_hidden(self, on: bool) -> None:
        self.gradients_hidden = bool(on)
        self._changed(GRADIENT, GRADIENT, [_ROLE.DisplayRole])

    def refusal(self, row: int, column: int) -> str:
        """What to say when editing is off and the user tries to edit a cell."""
        name = self._names[self.parameter(row)]
        why = self._why or "editing is off"
        if column == FROZEN:
            return f"{name} can't be frozen or unfrozen now: {why}"
        return f"value of {name} can't be set now: {why}"

    def parameter(self, row: int) -> int:
        """The parameter (its position in the run's parameter list) shown on `row`."""
        return int(self._order[row])

    def row_of(self, parameter: int) -> int:
        return int(np.flatnonzero(self._order == parameter)[0])

    def values(self, row: int) -> tuple[float, float, float]:
        return tuple(float(v) for v in self._values[self._order[row]])

    def is_frozen(self, row: int) -> bool:
        return bool(self._is_frozen[self._order[row]])

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        n = len(self._names)
        if column <= NAME:
            keys = np.arange(n)
        elif column == LAYER:
            keys = self._layers
        elif column == FROZEN:
            keys = ~self._is_frozen  # ascending (the first click) puts the frozen ones on top
        else:
            keys = self._values[:, column - VALUE]
        descending = order == Qt.SortOrder.DescendingOrder
        # Stable, ties in parameter order; NaN last either way (as Qt's proxy puts them).
        rank = np.argsort(-keys if descending else keys, kind="stable")
        if VALUE <= column <= UPDATE:
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

    def headerData(self, section, orientation, role=_ROLE.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == _ROLE.DisplayRole:
                return COLUMNS[section]
            if role == _ROLE.ToolTipRole:
                return TOOLTIPS[section]
        return None

    def flags(self, index):
        flags = super().flags(index)
        if self._editable and index.column() == VALUE:
            flags |= Qt.ItemFlag.ItemIsEditable
        elif self._editable and index.column() == FROZEN:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index, value, role=_ROLE.EditRole):  # noqa: N802 (Qt's name)
        """A typed value or a lock click: emit the request (or the refusal), change nothing."""
        if not index.isValid() or not self._editable:
            return False
        p, col = self.parameter(index.row()), index.column()
        name = self._names[p]
        if col == VALUE and role == _ROLE.EditRole:
            try:
                x = parse_value(str(value))
            except ValueError as e:
                self.refused.emit(f"value of {name}: {e}")
                return False
            if x != self._values[p, 0]:  # Enter on an unchanged value is no edit
                self.value_edit_requested.emit(name, x)
        elif col == FROZEN and role == _ROLE.CheckStateRole:
            frozen = Qt.CheckState(value) == Qt.CheckState.Checked
            if frozen != self._is_frozen[p]:
                self.freeze_requested.emit(name, frozen)
        return False

    def data(self, index, role=_ROLE.DisplayRole):
        if not index.isValid():
            return None
        row, col = int(self._order[index.row()]), index.column()
        if role == _ROLE.DisplayRole:
            if col == NAME:
                return self._names[row]
            if col == LAYER:
                return str(self._layers[row]) if self._layers[row] else "-"
            if col == FROZEN:
                return None
            if col == GRADIENT and self.gradients_hidden:
                return "?"  # (a prediction about it waits for its answer)
            v = self._values[row, col - VALUE]
            return _fmt_update(v) if col == UPDATE else _fmt(v)
        if role == _ROLE.EditRole and col == VALUE:
            return repr(float(self._values[row, 0]))  # every digit, for editing
        if role == _ROLE.TextAlignmentRole and VALUE <= col <= UPDATE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == _ROLE.BackgroundRole:
            return self._brushes[col]
        if role == _ROLE.CheckStateRole and col == FROZEN:
            return Qt.CheckState.Checked if self._is_frozen[row] else Qt.CheckState.Unchecked
        if self._is_frozen[row] and col in (NAME, VALUE):  # a frozen value: muted, italic
            if role == _ROLE.FontRole:
                return self._italic
            if role == _ROLE.ForegroundRole:
                return self._muted
            if role == _ROLE.DecorationRole and col == NAME:
                return self._lock
        if role == _ROLE.ToolTipRole:
            return self._tooltip(row, col)
        return None

    def _tooltip(self, row: int, col: int) -> str | None:
        name = self._names[row]
        frozen = (
            f"frozen: no update is applied to {name}; its gradient is still computed and shown"
            if self._is_frozen[row]
            else ""
        )
        if col == NAME:
            return "\n".join(filter(None, [frozen, self._index.describe(row)]))
        if col == LAYER:
            return None
        if col == FROZEN:
            click = "untick to let it learn again" if frozen else f"tick to freeze {name}"
            how = click if self._editable else f"can't change now: {self._why or 'editing is off'}"
            return f"{frozen or f'{name} is not frozen'}\n{how}"
        value, grad, update = self._values[row]
        text = f"{name} = {value!r}\ndC/d{name} = {grad!r}\nlast update = {update!r}"
        if col == VALUE:
            how = (
                "double-click (or F2) to set it by hand"
                if self._editable
                else f"can't be set now: {self._why or 'editing is off'}"
            )
            text = "\n".join(filter(None, [text, frozen, how]))
        return text


class ParameterTable(QTableView):
    """The parameter table. Its signals are the model's: `value_edit_requested(name, value)`,
    `freeze_requested(name, frozen)` and `refused(message)`; connect them to the session."""

    run_feed = Feed()  # the latest numbers, a few times a second
    value_edit_requested = Signal(str, float)
    freeze_requested = Signal(str, bool)
    refused = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("parameterTable")
        self.model_ = ParameterModel(self)
        self.setModel(self.model_)
        self.model_.value_edit_requested.connect(self.value_edit_requested)
        self.model_.freeze_requested.connect(self.freeze_requested)
        self.model_.refused.connect(self.refused)
        self.setItemDelegateForColumn(VALUE, ValueDelegate(self))
        self.setItemDelegateForColumn(FROZEN, LockDelegate(self))
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setVisible(False)
        # Fixed row heights and column widths: nothing measures every row (10^5+ of them).
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LAYER, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(LAYER, self.fontMetrics().horizontalAdvance("  layer  ") + 16)
        header.setSectionResizeMode(FROZEN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(FROZEN, self.fontMetrics().horizontalAdvance(" frozen ") + 24)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        triggers = QTableView.EditTrigger
        self.setEditTriggers(
            triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
        )
        self.setToolTip(
            "Current parameters with their gradients and last updates. "
            "Click a column header to sort (e.g. by gradient size); double-click a value to set "
            "it by hand, tick frozen to keep a parameter where it is."
        )

    def start_run(self, info: RunInfo) -> None:
        self.model_.start_run(info)

    def update_from(self, snap: Snapshot) -> None:
        self.model_.update(snap)

    def parameter_at(self, index) -> int:
        """The parameter (position in the run's list) that a view index's row shows."""
        return self.model_.parameter(index.row())

    def set_editable(self, on: bool, why: str = "") -> None:
        """Let values be typed and locks toggled, or not (a past step shown, no run): then an
        attempt emits `refused` with `why`, and an open value editor closes without setting."""
        self.model_.set_editable(on, why)
        if not on:
            delegate = self.itemDelegateForColumn(VALUE)
            for editor in self.findChildren(QLineEdit, EDITOR_NAME):
                delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def set_gradients_hidden(self, on: bool) -> None:
        """Show "?" for every gradient (a prediction about one waits for its answer)."""
        self.model_.set_gradients_hidden(on)

    def edits(self, index) -> bool:
        """Whether a double-click on `index` is an edit (carried out, or refused with the
        reason), so the window should not also act on it, e.g. open the chain rule."""
        return index.column() in (VALUE, FROZEN)

    def edit(self, index, trigger=None, event=None):
        """Qt's hub for every edit attempt (double-click, F2, typing, a click on the lock):
        while editing is off, a user's attempt on a value or a lock is refused, saying why."""
        if trigger is None:  # the public edit(index): Qt calls back with AllEditTriggers
            return super().edit(index)
        if (
            not self.model_.editable()
            and index.isValid()
            and index.column() in (VALUE, FROZEN)
            and _is_attempt(index.column(), trigger, event)
        ):
            self.refused.emit(self.model_.refusal(index.row(), index.column()))
            return False
        return super().edit(index, trigger, event)


def _is_attempt(column: int, trigger, event) -> bool:
    """Whether an edit call is the user trying to change the cell (not a press, a move of the
    current cell or a navigation key)."""
    t = QTableView.EditTrigger
    kind = event.type() if event is not None else None
    if trigger == t.AllEditTriggers:  # asked for by code
        return True
    if kind == QEvent.Type.KeyPress and trigger == t.AnyKeyPressed:
        if column == FROZEN:
            return event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select)
        return bool(event.text().strip()) and event.text().isprintable()
    if column == VALUE:
        return trigger in (t.DoubleClicked, t.EditKeyPressed)
    return kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton
