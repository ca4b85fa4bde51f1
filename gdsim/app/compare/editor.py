"""The variants editor: rows of settings to change from the run's start, a variant each.

A row has its label (made from the change), a setting chooser, a value field (empty shows the
run's own value, greyed) and a "with above" box: ticked, the row's setting joins the variant of
the row above, so a variant can change several settings (adam with lr 0.001). `variants()`
reads every row strictly (gdsim.app.compare.settings) and refuses the first bad one in one line
naming its row; at most MAX_VARIANTS variants, in at most MAX_ROWS rows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
)

from gdsim.app.compare import settings
from gdsim.config import Config
from gdsim.session.compare import MAX_VARIANTS, label_for

MAX_ROWS = 2 * MAX_VARIANTS
JOIN_TIP = (
    "Tick to change this setting in the same variant as the row above: a variant can change "
    "several settings at once (e.g. adam with learning rate 0.001)."
)


class VariantsEditor(QTableWidget):
    """Rows of (label, setting, value); `changed` when a row is added, removed or edited."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(0, 4, parent)
        self.setObjectName("variantsTable")
        self.setHorizontalHeaderLabels(["Variant", "Setting", "Value", "with ↑"])
        self.horizontalHeaderItem(3).setToolTip(JOIN_TIP)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(1, 150)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnWidth(2, 70)
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

    def add_variant(
        self, key: str = "learning_rate", value: str = "", joined: bool = False
    ) -> bool:
        """A new row (False when there are MAX_ROWS already); `joined`: with the row above."""
        row = self.rowCount()
        if row >= MAX_ROWS:
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
        join = QCheckBox()
        join.setChecked(joined and row > 0)
        join.setToolTip(JOIN_TIP)
        self.setCellWidget(row, 1, chooser)
        self.setCellWidget(row, 2, field)
        self.setCellWidget(row, 3, join)
        self._name_row(row)
        chooser.currentIndexChanged.connect(lambda *_: self._edited(chooser))
        field.textChanged.connect(lambda *_: self._edited(field))
        join.toggled.connect(lambda *_: self._edited(join))
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
        """Replace every row: a row for each setting of each variant (e.g. the sweep)."""
        self.setRowCount(0)
        for variant in variants[:MAX_VARIANTS]:
            for i, (key, value) in enumerate(variant.items()):
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                self.add_variant(key, shown, joined=i > 0)
        self.setCurrentCell(-1, -1)  # no cell looks picked

    def variants(self) -> tuple[list[dict[str, Any]], list[str]]:
        """({setting: value, ...} a variant, labels), or ValueError naming the first bad row."""
        if self.rowCount() == 0:
            raise ValueError("add a variant first (or click the learning-rate sweep)")
        out: list[dict[str, Any]] = []
        for row in range(self.rowCount()):
            key = self._chooser(row).currentData()
            try:
                value = settings.parse(key, self._field(row).text())
            except ValueError as exc:
                raise ValueError(f"variant {row + 1}: {exc}") from None
            if not self._joined(row):
                out.append({})
            elif key in out[-1]:
                what = settings.SETTINGS.get(key, key)
                raise ValueError(f"variant {row + 1}: {what} is changed twice in one variant")
            out[-1][key] = value
        if len(out) > MAX_VARIANTS:
            raise ValueError(f"at most {MAX_VARIANTS} variants, got {len(out)}")
        return out, [label_for(changes) for changes in out]

    # ------------------------------------------------------------------ inside
    def _chooser(self, row: int) -> QComboBox:
        return self.cellWidget(row, 1)

    def _field(self, row: int) -> QLineEdit:
        return self.cellWidget(row, 2)

    def _joined(self, row: int) -> bool:
        """Whether the row adds its setting to the variant of the row above."""
        return row > 0 and self.cellWidget(row, 3).isChecked()

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
        self.cellWidget(row, 3).setObjectName(f"variantJoin{row + 1}")
        self.cellWidget(row, 3).setEnabled(row > 0)

    def _edited(self, widget) -> None:
        for row in range(self.rowCount()):
            self._update(row)  # (a joined row changes the label of the rows it joins)
        self.changed.emit()

    def _update(self, row: int) -> None:
        """The row's label (its variant's changes, on the variant's first row; "+" on the rows
        joined to it) and the run's own value as the field's hint."""
        key = self._chooser(row).currentData()
        self._field(row).setPlaceholderText(settings.current(self.config, key))
        item = self.item(row, 0)
        if self._joined(row):
            item.setText("  +")
            item.setToolTip("part of the variant above")
            return
        end = row + 1
        while end < self.rowCount() and self._joined(end):
            end += 1
        try:
            changes = {}
            for r in range(row, end):
                k = self._chooser(r).currentData()
                changes[k] = settings.parse(k, self._field(r).text())
            label, tip = label_for(changes), ""
        except ValueError as exc:
            label, tip = "?", str(exc)
        item.setText(label)
        item.setToolTip(tip)
