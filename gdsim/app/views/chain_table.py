"""The chain rule view's table of paths: one row per path from the parameter to the loss, one
column per factor (in the order the chain is read, from the loss back), and the path's product.

Each cell keeps its full-precision number as its UserRole data and in its tooltip; the cells
are rebuilt only when the parameter, sample, number of paths or run changes (a new snapshot only
rewrites the numbers). The table is just tall enough for a few rows; more paths scroll.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gdsim.app.views.chain_words import full, generic_labels, path_route, short
from gdsim.engine.chain import ChainBreakdown
from gdsim.engine.parameters import parse_parameter_name

__all__ = ["ChainPathsTable"]

VISIBLE_ROWS = 8  # at most this many rows without scrolling


class ChainPathsTable(QTableWidget):
    """The paths of a :class:`ChainBreakdown`, factor by factor (read-only, whole rows)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chainPathsTable")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # columns fit the first rows' numbers (alike in width), not all 512 rows' at each step
        self.horizontalHeader().setResizeContentsPrecision(4 * VISIBLE_ROWS)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._key: tuple | None = None  # what the cells were built for

    def forget(self) -> None:
        """Build the cells afresh next time (another parameter or run)."""
        self._key = None

    def empty(self) -> None:
        """No rows, no columns."""
        self.clear()
        self.setRowCount(0)
        self.setColumnCount(0)

    def show_paths(self, b: ChainBreakdown, run_id: int) -> None:
        """One row per path of `b` (cells rebuilt only when their layout changes)."""
        width = max((len(p.factors) for p in b.paths), default=0)
        key = (b.parameter, b.sample, len(b.paths), width, run_id)
        who = parse_parameter_name(b.parameter)
        start = f"z{who.layer}_{who.j}"
        if key != self._key:
            self._key = key
            headers = ["path"] + list(reversed(generic_labels(b.paths))) + ["product"]
            self.clear()
            self.setColumnCount(len(headers))
            self.setRowCount(len(b.paths))
            self.setHorizontalHeaderLabels(headers)
            for c, h in enumerate(headers):
                item = self.horizontalHeaderItem(c)
                if c == 0:
                    item.setToolTip(
                        "The neurons the path runs through, from the parameter's neuron to the loss"
                    )
                elif c == len(headers) - 1:
                    item.setToolTip("The path's contribution: the product of its factors")
                else:
                    item.setToolTip(h)
            for r, path in enumerate(b.paths):
                self.setItem(r, 0, QTableWidgetItem(path_route(path, start)))
                for c in range(1, len(headers)):
                    item = QTableWidgetItem()
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                    self.setItem(r, c, item)
        # Fitted once after all cells are written: fitting the columns after each of a big
        # network's 8,192 cells took 4 s a breakdown (and the timeline asks for one per step).
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for r, path in enumerate(b.paths):
            factors = list(reversed(path.factors))
            for c, f in enumerate(factors, start=1):
                item = self.item(r, c)
                item.setText(short(f.value))
                item.setToolTip(f"{f.label} = {full(f.value)}")
                item.setData(Qt.ItemDataRole.UserRole, f.value)
            item = self.item(r, len(factors) + 1)
            item.setText(short(path.product))
            item.setToolTip(" · ".join(f.label for f in factors) + f"\n= {full(path.product)}")
            item.setData(Qt.ItemDataRole.UserRole, path.product)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._fit_height()

    def _fit_height(self) -> None:
        """Just tall enough for a few rows; a long list of paths scrolls."""
        rows = min(self.rowCount(), VISIBLE_ROWS)
        height = (
            self.horizontalHeader().sizeHint().height()
            + 2 * self.frameWidth()
            + rows * self.verticalHeader().defaultSectionSize()
        )
        if self.horizontalHeader().length() > self.viewport().width():
            height += self.horizontalScrollBar().sizeHint().height()
        self.setMaximumHeight(height + 2)
        self.setMinimumHeight(min(height + 2, 150))
