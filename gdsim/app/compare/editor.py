"""The variants editor: one row a variant, each changing one setting of the run's start.

A row has its label (made from the change), a setting chooser and a value field (empty shows
the run's own value, greyed). `variants()` reads every row strictly (gdsim.app.compare.settings)
and refuses the first bad one in one line naming its row; at most MAX_VARIANTS rows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
)

from gdsim.app.compare import settings
from gdsim.config import Config
from gdsim.session.compare import MAX_VARIANTS, label_for


class VariantsEditor(QTableWidget):
    """Rows of (label, setting, value); `changed` when a row is added, removed or edited."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(0, 3, parent)
        self.setObjectName("variantsTable")
        self.setHorizontalHeaderLabels(["Variant", "Setting", "Value"])
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(2, 90)
        self.verticalHeader().setVisible(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.config: Config | None = None  # the run's settings now (for the greyed values)
        rows_high = self.verticalHeader().defaultSectionSize()
        self.setFixedHeight(rows_high * MAX_VARIANTS + header.sizeHint().height() + 4)

    # ------------------------------------------------------------------ rows
    def set_config(self, config: Config | None) -> None:
        """The run the variants change: its mode picks the settings, its values the hints."""
        self.config = config
        for row in range(self.rowCount()):
            self._fill_choices(self._chooser(row))
            self._update(row)

    def add_variant(self, key: str = "learning_rate", value: str = "") -> bool:
        """A new row (False when there are MAX_VARIANTS already)."""
        row = self.rowCount()
        if row >= MAX_VARIANTS:
            return False
        self.insertRow(row)
        label = QTableWidgetItem("")
        label.setFlags(Qt.ItemFlag.ItemIsEnabled)  # made from the change, not typed
        self.setItem(row, 0, label)
        chooser = QComboBox()
        self._fill_choices(chooser)
        index = chooser.findData(key)
        chooser.setCurrentIndex(max(0, index))
        field = QLineEdit(value)
        field.setFrame(False)
        self.setCellWidget(row, 1, chooser)
        self.setCellWidget(row, 2, field)
        self._name_row(row)
        chooser.currentIndexChanged.connect(lambda *_: self._edited(chooser))
        field.textChanged.connect(lambda *_: self._edited(field))
        self._update(row)
        self.changed.emit()
        return True

    def remove_variant(self) -> None:
        """The selected rows, else the one being edited, else the last one."""
        editing = [
            r
            for r in range(self.rowCount())
            if self._chooser(r).hasFocus() or self._field(r).hasFocus()
        ]
        rows = sorted({i.row() for i in self.selectedIndexes()}) or editing or [self.rowCount() - 1]
        for row in reversed(rows):
            if row >= 0:
                self.removeRow(row)
        for row in range(self.rowCount()):
            self._name_row(row)
        self.changed.emit()

    def set_variants(self, variants: list[dict[str, Any]]) -> None:
        """Replace every row: one a variant of one setting each (e.g. the sweep)."""
        self.setRowCount(0)
        for variant in variants[:MAX_VARIANTS]:
            ((key, value),) = variant.items()
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            self.add_variant(key, shown)
        self.setCurrentCell(-1, -1)  # no cell looks picked

    def variants(self) -> tuple[list[dict[str, Any]], list[str]]:
        """({setting: value} a row, labels), or ValueError naming the first bad row."""
        if self.rowCount() == 0:
            raise ValueError("add a variant first (or click the learning-rate sweep)")
        out, labels = [], []
        for row in range(self.rowCount()):
            key = self._chooser(row).currentData()
            text = self._field(row).text()
            try:
                value = settings.parse(key, text)
            except ValueError as exc:
                raise ValueError(f"variant {row + 1}: {exc}") from None
            out.append({key: value})
            labels.append(label_for({key: value}))
        return out, labels

    # ------------------------------------------------------------------ inside
    def _chooser(self, row: int) -> QComboBox:
        return self.cellWidget(row, 1)

    def _field(self, row: int) -> QLineEdit:
        return self.cellWidget(row, 2)

    def _fill_choices(self, chooser: QComboBox) -> None:
        mode = self.config.mode if self.config is not None else "network"
        key = chooser.currentData()
        chooser.blockSignals(True)
        chooser.clear()
        for k, text in settings.choices(mode):
            chooser.addItem(text, k)
        chooser.setCurrentIndex(max(0, chooser.findData(key)))
        chooser.blockSignals(False)

    def _name_row(self, row: int) -> None:
        self._chooser(row).setObjectName(f"variantSetting{row + 1}")
        self._field(row).setObjectName(f"variantValue{row + 1}")

    def _edited(self, widget) -> None:
        for row in range(self.rowCount()):
            if widget in (self._chooser(row), self._field(row)):
                self._update(row)
        self.changed.emit()

    def _update(self, row: int) -> None:
        """The row's label from its change, and the run's own value as the field's hint."""
        key = self._chooser(row).currentData()
        field = self._field(row)
        field.setPlaceholderText(settings.current(self.config, key))
        try:
            label = label_for({key: settings.parse(key, field.text())})
            tip = ""
        except ValueError as exc:
            label, tip = "?", str(exc)
        item = self.item(row, 0)
        item.setText(label)
        item.setToolTip(tip)
