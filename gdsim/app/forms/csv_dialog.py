"""The CSV column-mapping dialog: which columns are inputs, which are targets.

It lists the header's columns with an "Input" and a "Target" tick box each (a column is one or
the other), shows the first rows of the file, and the test fraction. OK stays disabled until at
least one input and one target are ticked. On OK the file is loaded with exactly these columns
(``load_csv``); if that fails (a cell that is not a number, too few rows ...) a message box
names the problem and the dialog stays open, so nothing is applied.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gdsim.app.forms import tips
from gdsim.app.forms.widgets import NumberSpinBox, set_tip
from gdsim.config import MAX_TEST_FRACTION
from gdsim.errors import DataError
from gdsim.io.data_csv import delimiter_name, one_column_hint, parse_number, read_csv_preview
from gdsim.session.run_files import load_csv

PREVIEW_ROWS = 8
INPUT, TARGET = 1, 2  # columns of the roles table
_INPUT_TINT = QColor(33, 150, 243, 45)
_TARGET_TINT = QColor(255, 152, 0, 60)


def read_preview(path: str | os.PathLike[str], rows: int = PREVIEW_ROWS) -> list[list[str]]:
    """The first ``rows`` data lines (after the header), as text, split the way the file is
    loaded (the delimiter its header sets); [] if they cannot be read."""
    try:
        return read_csv_preview(path, rows)[2]
    except DataError:
        return []


def _numeric(cell: str, decimal_comma: bool = False) -> bool:
    try:
        parse_number(cell, decimal_comma)
    except ValueError:
        return False
    return True


def delimiter_note(delimiter: str, header: Sequence[str]) -> str:
    """What the dialog says about how the file is split ("" for an ordinary comma file)."""
    if len(header) == 1:
        likely = one_column_hint(header[0])
        return f"Only one column, '{header[0]}'" + (
            f": {likely}." if likely else ": gdsim splits columns at commas, semicolons or tabs."
        )
    if delimiter == ",":
        return ""
    return (
        f"Columns separated by {delimiter_name(delimiter)}; decimal commas (0,5) are read as 0.5."
    )


class CsvColumnsDialog(QDialog):
    """Pick input and target columns of a CSV file.

    Raises :class:`DataError` from the constructor when the file has no readable header. After
    ``accepted``: :meth:`inputs`, :meth:`targets`, :meth:`test_fraction` and ``n_classes`` (the
    class count of the loaded data, 0 for regression) describe the choice.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        parent: QWidget | None = None,
        *,
        inputs: Sequence[str] = (),
        targets: Sequence[str] = (),
        test_fraction: float = 0.0,
        seed: int = 1,
    ) -> None:
        super().__init__(parent)
        self.path = str(path)
        # DataError for a broken file
        self.delimiter, self.header, preview = read_csv_preview(path, PREVIEW_ROWS)
        self._decimal_comma = self.delimiter != ","
        self.seed = seed
        self.n_classes: int | None = None
        self.setObjectName("csvColumnsDialog")
        self.setWindowTitle(f"CSV columns \u2014 {Path(self.path).name}")
        self.setModal(True)

        layout = QVBoxLayout(self)
        file_label = QLabel(
            f"<b>{Path(self.path).name}</b>  <span style='color:gray'>"
            f"{Path(self.path).parent}</span>"
        )
        file_label.setToolTip(self.path)
        file_label.setWordWrap(True)
        layout.addWidget(file_label)
        intro = QLabel(
            "Tick the <b>inputs</b> (what the network sees) and the <b>target</b> "
            "(what it should predict). A column is one or the other."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.delimiter_label = QLabel(delimiter_note(self.delimiter, self.header))
        self.delimiter_label.setObjectName("csvDelimiterLabel")
        self.delimiter_label.setWordWrap(True)
        self.delimiter_label.setVisible(bool(self.delimiter_label.text()))
        layout.addWidget(self.delimiter_label)

        self.roles_table = QTableWidget(len(self.header), 3)
        self.roles_table.setObjectName("csvRolesTable")
        self.roles_table.setHorizontalHeaderLabels(["Column", "Input", "Target"])
        self.roles_table.verticalHeader().hide()
        self.roles_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.roles_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        head = self.roles_table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(INPUT, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(TARGET, QHeaderView.ResizeMode.ResizeToContents)
        set_tip(self.roles_table, tips.FIELDS["csv.roles"])
        chosen_in, chosen_out = self._initial_roles(inputs, targets, preview)
        for row, name in enumerate(self.header):
            usable = bool(name)
            name_item = QTableWidgetItem(name or "(no name)")
            name_item.setFlags(Qt.ItemFlag.ItemIsEnabled if usable else Qt.ItemFlag.NoItemFlags)
            if not usable:
                name_item.setToolTip(tips.FIELDS["csv.unnamed"])
            self.roles_table.setItem(row, 0, name_item)
            for col, chosen in ((INPUT, chosen_in), (TARGET, chosen_out)):
                item = QTableWidgetItem()
                flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags if usable else Qt.ItemFlag.NoItemFlags)
                item.setCheckState(
                    Qt.CheckState.Checked if name in chosen and usable else Qt.CheckState.Unchecked
                )
                role = "an input" if col == INPUT else "the target"
                item.setToolTip(tips.FIELDS["csv.role"].format(name=name, role=role))
                self.roles_table.setItem(row, col, item)
        visible = min(len(self.header), 8)
        row_h = self.roles_table.verticalHeader().defaultSectionSize()
        self.roles_table.setMinimumHeight(
            self.roles_table.horizontalHeader().sizeHint().height() + visible * row_h + 6
        )
        self.roles_table.itemChanged.connect(self._role_ticked)
        layout.addWidget(self.roles_table, 1)

        layout.addWidget(
            QLabel(f"First {PREVIEW_ROWS} rows:" if preview else "No data rows could be shown.")
        )
        width = max([len(self.header)] + [len(r) for r in preview])
        self.preview_table = QTableWidget(len(preview), width)
        self.preview_table.setObjectName("csvPreviewTable")
        set_tip(self.preview_table, tips.FIELDS["csv.preview"])
        self.preview_table.setHorizontalHeaderLabels(
            [self.header[i] if i < len(self.header) else "" for i in range(width)]
        )
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.verticalHeader().setDefaultSectionSize(row_h)
        for r, cells in enumerate(preview):
            for c, cell in enumerate(cells):
                item = QTableWidgetItem(cell)
                if _numeric(cell, self._decimal_comma):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.preview_table.setItem(r, c, item)
        self.preview_table.resizeColumnsToContents()
        self.preview_table.setMinimumHeight(
            self.preview_table.horizontalHeader().sizeHint().height()
            + max(1, len(preview)) * row_h
            + 6
        )
        layout.addWidget(self.preview_table, 1)

        form = QFormLayout()
        self.test_fraction_spin = NumberSpinBox(0.0, MAX_TEST_FRACTION, step=0.05)
        self.test_fraction_spin.setObjectName("csvTestFractionSpin")
        self.test_fraction_spin.setValue(test_fraction)
        caption = QLabel("Test fraction")
        set_tip(caption, tips.FIELDS["data.test_fraction"])
        set_tip(self.test_fraction_spin, tips.FIELDS["data.test_fraction"])
        form.addRow(caption, self.test_fraction_spin)
        layout.addLayout(form)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("csvSummaryLabel")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        set_tip(self.buttons.button(QDialogButtonBox.StandardButton.Ok), tips.FIELDS["csv.ok"])
        set_tip(
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel), tips.FIELDS["csv.cancel"]
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, 560)
        self._update()

    # ------------------------------------------------------------------ roles

    def _initial_roles(
        self, inputs: Sequence[str], targets: Sequence[str], preview: list[list[str]]
    ) -> tuple[set[str], set[str]]:
        known = set(self.header)
        if inputs or targets:
            return ({n for n in inputs if n in known}, {n for n in targets if n in known})
        # A new file: numeric columns are inputs, the last numeric one is the target.
        numeric = [
            name
            for i, name in enumerate(self.header)
            if name
            and preview
            and all(i < len(row) and _numeric(row[i], self._decimal_comma) for row in preview)
        ]
        if len(numeric) < 2:
            return set(), set()
        return set(numeric[:-1]), {numeric[-1]}

    def _row_of(self, name: str) -> int:
        return self.header.index(name)

    def set_role(self, name: str, role: str | None) -> None:
        """Tick column ``name`` as "input", "target" or neither (None), as a click would."""
        row = self._row_of(name)
        for col, wanted in ((INPUT, "input"), (TARGET, "target")):
            self.roles_table.item(row, col).setCheckState(
                Qt.CheckState.Checked if role == wanted else Qt.CheckState.Unchecked
            )

    def _role_ticked(self, item: QTableWidgetItem) -> None:
        if item.column() in (INPUT, TARGET) and item.checkState() == Qt.CheckState.Checked:
            other = self.roles_table.item(item.row(), TARGET if item.column() == INPUT else INPUT)
            if other is not None and other.checkState() == Qt.CheckState.Checked:
                with QSignalBlocker(self.roles_table):
                    other.setCheckState(Qt.CheckState.Unchecked)
        self._update()

    def _ticked(self, col: int) -> list[str]:
        return [
            name
            for row, name in enumerate(self.header)
            if name and self.roles_table.item(row, col).checkState() == Qt.CheckState.Checked
        ]

    def inputs(self) -> tuple[str, ...]:
        return tuple(self._ticked(INPUT))

    def targets(self) -> tuple[str, ...]:
        return tuple(self._ticked(TARGET))

    def test_fraction(self) -> float:
        return self.test_fraction_spin.value()

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _update(self) -> None:
        ins, outs = self.inputs(), self.targets()
        ok = bool(ins) and bool(outs)
        self.ok_button().setEnabled(ok)
        if ok:
            self.summary_label.setText(
                f"{len(ins)} input{'' if len(ins) == 1 else 's'} ({', '.join(ins)}) \u2192 "
                f"{len(outs)} target{'' if len(outs) == 1 else 's'} ({', '.join(outs)})"
            )
            self.summary_label.setStyleSheet("")
        else:
            missing = " and ".join(
                w for w, have in (("an input", ins), ("a target", outs)) if not have
            )
            self.summary_label.setText(f"Tick at least {missing} column.")
            self.summary_label.setStyleSheet("color: #ed2c2d;")  # >= 3.5:1 on light and dark
        for c in range(self.preview_table.columnCount()):
            name = self.header[c] if c < len(self.header) else ""
            tint = _INPUT_TINT if name in ins else _TARGET_TINT if name in outs else None
            for r in range(self.preview_table.rowCount()):
                item = self.preview_table.item(r, c)
                if item is not None:
                    item.setBackground(QBrush(tint) if tint is not None else QBrush())

    # ------------------------------------------------------------------ OK

    def accept(self) -> None:
        """Load the file with the chosen columns; on a DataError say why and stay open."""
        if not (self.inputs() and self.targets()):
            return
        try:
            dataset = load_csv(
                self.path,
                self.inputs(),
                self.targets(),
                test_fraction=self.test_fraction(),
                seed=self.seed,
            )
        except DataError as err:
            QMessageBox.warning(self, "Cannot use this CSV file", str(err))
            return
        self.n_classes = dataset.n_classes
        super().accept()
