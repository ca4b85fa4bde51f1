"""Setting a parameter by hand in the parameter table: the strict number parser, the value
editor, the frozen-lock checkbox and the lock drawn beside a frozen parameter's name.

The table only asks: a typed value or a lock click becomes a request to the trainer, and what the
table shows follows the trainer's next snapshot (the trainer is the single source of truth).
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from gdsim.app import theme

EDITOR_NAME = "parameterValueEditor"  # the value editor's objectName, for scripts and tests

# "1,000" could be a thousand (a thousands separator) or 1.0 (a decimal comma): refused.
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2},\d{3}")


def parse_value(text: str) -> float:
    """The finite float typed in `text`: Python float syntax (ASCII only, so no look-alike
    digits slip in) after stripping spaces; a single decimal comma ("0,5") is read as a point
    unless it could be a thousands separator ("1,000"). ValueError says why, to follow
    "value of w1_1_1: '...' " in a one-line message."""
    s = text.strip().replace("\u2212", "-")  # the typographic minus of copied formulas
    if not s:
        raise _refusal("", "is empty: type a number")
    if "," in s:
        if "." in s or s.count(",") > 1:
            raise _refusal(s, "is not a number (write decimals with a point)")
        if _THOUSANDS.fullmatch(s):
            raise _refusal(s, f"is ambiguous: type {s.replace(',', '')} or {s.replace(',', '.')}")
    number = s.replace(",", ".")  # the one decimal comma left, if any
    try:
        if (
            not number.isascii()
        ):  # float() would take look-alike digits such as "\u0661" or "\uff11"
            raise ValueError(number)
        x = float(number)
    except ValueError:
        raise _refusal(s, "is not a number") from None
    if not math.isfinite(x):
        raise _refusal(s, "is not a finite number")
    return x


def _refusal(shown: str, why: str) -> ValueError:
    shown = shown if len(shown) <= 32 else shown[:31] + "\u2026"  # one line, even for a paste
    return ValueError(f"{shown!r} {why}")


class ValueDelegate(QStyledItemDelegate):
    """A plain line editor, right-aligned like the numbers, opened on the full-precision value;
    the model parses what was typed (see `parse_value`)."""

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt's name)
        editor = QLineEdit(parent)
        editor.setObjectName(EDITOR_NAME)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setToolTip("Type a number (e.g. 0.5, -1e-3); Enter sets it, Esc cancels.")
        return editor

    def setEditorData(self, editor, index):  # noqa: N802 (Qt's name)
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index):  # noqa: N802 (Qt's name)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class LockDelegate(QStyledItemDelegate):
    """The frozen column: a checkbox centred in its narrow cell, toggled by a click anywhere in
    the cell (an easier target than the box) or Space; greyed while editing is off."""

    def paint(self, painter, option, index):
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        # Drawn here, not by the style: Fusion outlines the box in a darker window colour,
        # which vanishes on a dark theme.
        pal, role = opt.palette, QPalette.ColorRole
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        enabled = bool(index.flags() & Qt.ItemFlag.ItemIsUserCheckable)
        checked = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        # on a selected row the colours swap: a white box on the highlight
        ink = pal.color(role.HighlightedText) if selected else QColor(theme.colors().muted)
        fill = pal.color(role.HighlightedText if selected else role.Highlight)
        mark = pal.color(role.Highlight if selected else role.HighlightedText)
        if not enabled:
            ink.setAlphaF(0.5)
            fill.setAlphaF(0.5)
        side = 14
        box = QRectF(
            QStyle.alignedRect(
                opt.direction, Qt.AlignmentFlag.AlignCenter, QSize(side, side), option.rect
            )
        ).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(fill if checked else ink, 1.2))
        painter.setBrush(fill if checked else Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 2.5, 2.5)
        if checked:
            pen = QPen(mark, 2)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            x, y = box.left(), box.top()
            painter.drawPolyline(
                [QPointF(x + 3.2, y + 7), QPointF(x + 5.8, y + 9.8), QPointF(x + 10.6, y + 4)]
            )
        painter.restore()

    def editorEvent(self, event, model, option, index):  # noqa: N802 (Qt's name)
        if not index.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonRelease:
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            if not option.rect.contains(event.position().toPoint()):
                return False
        elif kind == QEvent.Type.KeyPress:
            if event.key() not in (Qt.Key.Key_Space, Qt.Key.Key_Select):
                return False
        else:
            return False
        checked = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        new = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
        model.setData(index, new, Qt.ItemDataRole.CheckStateRole)
        return True


def lock_icon(color: str, selected: str = "#ffffff") -> QIcon:
    """A padlock in `color` (in `selected` on a selected row's highlight): painted, as a glyph
    such as U+1F512 is missing from many fonts."""
    icon = QIcon()
    icon.addPixmap(_lock_pixmap(color), QIcon.Mode.Normal)
    icon.addPixmap(_lock_pixmap(selected), QIcon.Mode.Selected)
    return icon


def _lock_pixmap(color: str) -> QPixmap:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(color), 3.5)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    p.setPen(pen)
    shackle = QPainterPath()
    shackle.moveTo(10.5, 16)
    shackle.lineTo(10.5, 10)
    shackle.arcTo(QRectF(10.5, 4.5, 11, 11), 180, -180)
    shackle.lineTo(21.5, 16)
    p.drawPath(shackle)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    p.drawRoundedRect(QRectF(6, 14, 20, 15), 3, 3)
    p.end()
    return pixmap
