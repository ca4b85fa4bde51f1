"""A run's parameters as a list model for combo boxes: rows are made only when Qt shows them.

A network may have 10^5+ parameters; filling a QComboBox item by item costs seconds. This model
answers `data()` for the rows on screen, from the run's ParameterIndex, and finds a name's row in
C (tuple.index) rather than through Qt's per-row match.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, Qt
from PySide6.QtWidgets import QComboBox

from gdsim.engine.parameters import ParameterIndex


class ParameterListModel(QAbstractListModel):
    """Row i is parameter i: shown as `label(index, i)` (its name by default), with the name as
    its UserRole data and its description as the tooltip."""

    def __init__(self, label: Callable[[ParameterIndex, int], str] | None = None, parent=None):
        super().__init__(parent)
        self._index = ParameterIndex.from_names(())
        self._label = label or (lambda index, i: index.names[i])

    def set_index(self, index: ParameterIndex) -> None:
        self.beginResetModel()
        self._index = index
        self.endResetModel()

    @property
    def names(self) -> tuple[str, ...]:
        return self._index.names

    def row_of(self, name: str) -> int:
        """The row of parameter `name`, or -1."""
        try:
            return self._index.names.index(name)
        except ValueError:
            return -1

    def rowCount(self, parent=None):  # noqa: N802 (Qt's name)
        return 0 if parent is not None and parent.isValid() else len(self._index.names)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        i = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._label(self._index, i)
        if role == Qt.ItemDataRole.UserRole:
            return self._index.names[i]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._index.describe(i)
        return None


def parameter_combo(combo: QComboBox, label=None, min_chars: int = 12) -> ParameterListModel:
    """Give `combo` a ParameterListModel and settings that never measure every row."""
    model = ParameterListModel(label, combo)
    combo.setModel(model)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(min_chars)
    combo.view().setUniformItemSizes(True)
    combo.setMaxVisibleItems(20)
    return model
