"""The Prediction tab's class panel, beside the picture: the confusion matrix on the test or the
training set (a toggle), the accuracy over time on both, and the misclassified samples.

The confusion matrix is painted: rows are the true classes, columns the predicted ones; each
cell holds its count, coloured by its share of its row (the true class): the diagonal (right) in
the theme's blue, the rest (wrong) in its red, paler for fewer. Hover a cell for its numbers.
The numbers are :mod:`gdsim.app.views.prediction_classes_numbers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.plots.cursor import StepCursor
from gdsim.app.views.prediction_classes_numbers import (
    AccuracyStore,
    cell_text,
    confusion_matrix,
    misclassified,
)
from gdsim.app.views.prediction_misclassified import MisclassifiedStrip

__all__ = ["ClassesPanel", "ConfusionMatrix"]

HEADER = 16  # px for the class numbers along the top and the left


def _mix(a: str, b: str, t: float) -> QColor:
    """`a` blended towards `b` by t (0..1)."""
    ca, cb = QColor(a), QColor(b)
    return QColor(
        round(ca.red() + (cb.red() - ca.red()) * t),
        round(ca.green() + (cb.green() - ca.green()) * t),
        round(ca.blue() + (cb.blue() - ca.blue()) * t),
    )


class ConfusionMatrix(QWidget):
    """Counts by (true, predicted) class as coloured cells with numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self.setMouseTracking(True)
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.setMinimumSize(100, 100)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(190, 190)

    def set_counts(self, counts: np.ndarray) -> None:
        self.counts = counts
        self.update()

    def _geometry(self) -> tuple[int, int, int]:
        """(cell size, left, top) of the matrix, centred in the widget."""
        k = max(1, self.counts.shape[0])
        side = min(self.width(), self.height()) - HEADER - 14
        cell = max(4, side // k)
        left = HEADER + 14 + max(0, (self.width() - HEADER - 14 - cell * k) // 2)
        return cell, left, HEADER + 14

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        k = self.counts.shape[0]
        cell, left, top = self._geometry()
        r, c = (pos.y() - top) // cell, (pos.x() - left) // cell
        if k and pos.x() >= left and pos.y() >= top and r < k and c < k:
            return int(r), int(c)
        return None

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        hit = self.cell_at(event.position().toPoint())
        if hit is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), cell_text(self.counts, *hit), self)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        counts = self.counts
        k = counts.shape[0]
        if not k:
            return
        c = theme.colors()
        cell, left, top = self._geometry()
        p = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, min(font.pointSizeF(), cell * 0.36)))
        p.setFont(font)
        rows = counts.sum(axis=1)
        share = counts / np.where(rows > 0, rows, 1)[:, None]
        show_numbers = cell >= 16
        p.setPen(QColor(c.muted))
        p.drawText(QRect(left, 0, cell * k, 14), Qt.AlignmentFlag.AlignCenter, "predicted class →")
        p.save()
        p.translate(0, top + cell * k / 2)
        p.rotate(-90)
        p.drawText(QRect(-cell * k // 2, 0, cell * k, 14), Qt.AlignmentFlag.AlignCenter, "true")
        p.restore()
        for i in range(k):  # (k <= 20 classes: k^2 cells, what is on screen)
            p.setPen(QColor(c.foreground))
            p.drawText(
                QRect(left + i * cell, 14, cell, HEADER), Qt.AlignmentFlag.AlignCenter, str(i)
            )
            p.drawText(
                QRect(14, top + i * cell, HEADER, cell), Qt.AlignmentFlag.AlignCenter, str(i)
            )
            for j in range(k):
                t = float(share[i, j])
                end = c.positive if i == j else c.negative
                fill = _mix(c.base, end, 0.12 + 0.88 * t) if counts[i, j] else QColor(c.base)
                rect = QRect(left + j * cell, top + i * cell, cell, cell)
                p.fillRect(rect, fill)
                p.setPen(QColor(c.grid))
                p.drawRect(rect.adjusted(0, 0, -1, -1))
                if show_numbers and counts[i, j]:
                    dark = fill.lightnessF() < 0.55
                    p.setPen(QColor("#ffffff" if dark else "#1a1a1a"))
                    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(int(counts[i, j])))
        p.end()


class ClassesPanel(QWidget):
    """Confusion matrix (test or train), accuracy over time, misclassified samples."""

    set_changed = Signal(str)  # "train" or "test": the set the matrix and strip are about

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("classesPanel")
        self.which = "test"
        self.accuracy = AccuracyStore()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(4)
        self.title = QLabel("Confusion matrix and misclassified samples of the")
        self.test_button = QRadioButton()
        self.train_button = QRadioButton()
        self._group = QButtonGroup(self)
        for button, key in ((self.test_button, "test"), (self.train_button, "train")):
            button.setText(f"{key} set")
            button.setToolTip(
                f"the confusion matrix and the misclassified samples of the {key} set"
            )
            self._group.addButton(button)
            button.clicked.connect(lambda _=False, key=key: self.choose(key))
        self.test_button.setChecked(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.title, 1)
        top.addWidget(self.test_button)
        top.addWidget(self.train_button)

        self.matrix = ConfusionMatrix()

        self.plot = pg.PlotWidget()
        self.plot.setObjectName("accuracyPlot")
        self.plot.setMinimumSize(140, 110)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.setYRange(0.0, 1.0, padding=0.02)
        item.showGrid(x=False, y=True, alpha=0.25)
        item.getAxis("bottom").enableAutoSIPrefix(False)
        self.legend = item.addLegend(offset=(-4, -4), labelTextSize="8pt", verSpacing=-6)
        self.train_curve = item.plot([], [], name="train")
        self.test_curve = item.plot([], [], name="test")
        self.cursor = StepCursor([self.plot])  # the step the timeline shows

        self.strip = MisclassifiedStrip()
        self.strip.setMinimumWidth(120)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(self.matrix, 0)
        row.addWidget(self.plot, 1)
        row.addWidget(self.strip, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(row, 1)
        self.apply_theme()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # the matrix is square: as wide as it is high (within limits), the rest to the others
        side = self.height() - self.test_button.sizeHint().height() - 2
        self.matrix.setFixedWidth(max(100, min(side, 300, self.width() // 3)))

    # ------------------------------------------------------------------ public
    def start(self, extra_names: Sequence[str], has_test: bool) -> None:
        """A new run: empty matrix and curves; the test set if there is one."""
        self.accuracy.start(extra_names)
        self.test_button.setEnabled(has_test)
        if not has_test:
            self.test_button.setToolTip("this run has no test data")
        self.choose("test" if has_test else "train", emit=False)
        self.matrix.set_counts(np.zeros((0, 0), dtype=np.int64))
        self.cursor.show_at(None)
        self.plot.setVisible(self.accuracy.active)
        self.draw_accuracy()

    def choose(self, which: str, emit: bool = True) -> None:
        self.which = which
        (self.test_button if which == "test" else self.train_button).setChecked(True)
        if emit:
            self.set_changed.emit(which)

    def show_set(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        predicted: np.ndarray,
        k: int,
        input_names: Sequence[str],
        image_shape: tuple[int, int] | None,
    ) -> None:
        """The matrix and the misclassified samples of the chosen set."""
        self.matrix.set_counts(confusion_matrix(labels, predicted, k))
        shown, n_wrong = misclassified(labels, predicted)
        self.strip.show_samples(
            x, labels, predicted, shown, n_wrong, labels.size, self.which, input_names, image_shape
        )

    def draw_accuracy(self) -> None:
        for curve, column in ((self.train_curve, 0), (self.test_curve, 1)):
            curve.setData(*self.accuracy.curve(column))

    def apply_theme(self) -> None:
        c = theme.colors()
        item = self.plot.getPlotItem()
        self.plot.setBackground(c.background)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setPen(c.axis)
            item.getAxis(axis).setTextPen(c.axis)
        item.setTitle("accuracy", color=c.foreground, size="9pt")
        item.setLabel("bottom", "step", color=c.axis)
        self.train_curve.setPen(pg.mkPen(c.series[0], width=theme.px(1.6)))
        self.test_curve.setPen(pg.mkPen(c.series[1], width=theme.px(1.6)))
        self.legend.setLabelTextColor(c.foreground)
        self.cursor.restyle()
        self.matrix.update()
