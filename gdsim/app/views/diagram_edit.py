"""The small inline editor the network diagram opens to set one parameter's value.

A frame over the diagram's viewport, near the clicked item: the parameter's name, then a line
edit prefilled with its value in force (the shortest text that reads back as the same float).
Enter emits ``submitted(name, text)`` (the view parses it strictly, see
:func:`gdsim.app.views.diagram_numbers.parse_value`); Escape, or clicking elsewhere, closes it.

:class:`EditableDiagram` is the network diagram view's editing half (a mixin): the double-click,
the parsing and the signals it emits (`value_edit_requested`, `refused`, declared on the view).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QWidget

from gdsim.app.views.diagram_numbers import parse_value

__all__ = ["EDIT_HINT", "NOT_EDITABLE", "EditableDiagram", "ValueEditor", "value_text"]

EDIT_HINT = "\nDouble-click to set its value."
NOT_EDITABLE = "Parameters can be set only on the newest step of a network run."


def value_text(value: float) -> str:
    """The shortest text that reads back as exactly `value` ('0.15', '-1.2e-07')."""
    return repr(float(value) + 0.0)


class _Line(QLineEdit):
    enter = Signal()
    escape = Signal()
    left = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().focusOutEvent(event)
        if event.reason() not in (
            Qt.FocusReason.PopupFocusReason,
            Qt.FocusReason.ActiveWindowFocusReason,
        ):
            self.left.emit()


class ValueEditor(QFrame):
    """`name = [value]` over the diagram; emits `submitted(name, text)` on Enter."""

    submitted = Signal(str, str)
    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("diagramValueEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(4)
        self.label = QLabel()
        self.line = _Line()
        self.line.setObjectName("diagramValueEdit")
        self.line.setMinimumWidth(
            self.line.fontMetrics().horizontalAdvance("-0.123456789012345") + 12
        )
        layout.addWidget(self.label)
        layout.addWidget(self.line)
        self.name = ""
        self.line.enter.connect(lambda: self.submitted.emit(self.name, self.line.text()))
        self.line.escape.connect(self.close_editor)
        self.line.left.connect(self.close_editor)
        self.hide()

    def open_at(self, name: str, value: float, at: QPoint, frozen: bool = False) -> None:
        """Show the editor for `name` (prefilled with `value`) near `at`, in the parent."""
        self.name = name
        self.label.setText(f"{name}{' (frozen)' if frozen else ''} =")
        self.line.setText(value_text(value))
        self.line.setToolTip(
            f"The new value of {name}: Enter sets it (the trainer recomputes the cost and "
            "gradients at once), Escape cancels"
        )
        self.setToolTip("")
        self.adjustSize()
        parent = self.parentWidget()
        x = min(max(at.x() + 10, 0), max(parent.width() - self.width(), 0))
        y = min(max(at.y() - self.height() // 2, 0), max(parent.height() - self.height(), 0))
        self.move(x, y)
        self.show()
        self.raise_()
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)
        self.line.selectAll()

    def show_problem(self, text: str) -> None:
        """Keep the editor open with the reason as its tooltip (the value in force stays)."""
        self.line.setToolTip(text)
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)
        self.line.selectAll()

    def close_editor(self) -> None:
        if self.isVisible():
            self.hide()
            self.closed.emit()


class EditableDiagram:
    """Setting values from the diagram; mixed into NetworkDiagramView (which declares the
    `value_edit_requested` and `refused` signals and owns `editor`, `diagram`, `scene`)."""

    def set_editable(self, on: bool, why: str = "") -> None:
        """Allow setting values by double-click (off while the timeline shows a past step or
        there is no run; a double-click then emits `refused(why)`)."""
        self._editable = bool(on)
        self._why_not = why
        if not on:
            self.editor.close_editor()

    def is_editable(self) -> bool:
        return self._editable

    def parameter_at(self, pos: QPoint) -> str | None:
        """The parameter drawn at viewport point `pos` (a neuron: its bias), or None."""
        if self._net is None or not self._nodes:
            return None
        scale = max(self.diagram.transform().m11(), 1e-6)
        return self.scene.pick(self.diagram.mapToScene(pos), 6.0 / scale)

    def item_position(self, name: str) -> QPoint | None:
        """Where parameter `name` is drawn, in viewport coordinates (None: not drawn)."""
        centre = self.scene.item_center(name)
        return None if centre is None else self.diagram.mapFromScene(centre)

    def edit_parameter(self, name: str, at: QPoint | None = None) -> bool:
        """Open the value editor on parameter `name` (a drawn weight or bias); False (and
        `refused`) when values cannot be set now."""
        if self._net is None or self._info is None or name not in self._net.parameter_names:
            return False
        if self.scene.item_center(name) is None:
            return False  # not drawn (a big layer's hidden neurons)
        if not self._editable or self._snap is None:
            self.refused.emit(self._why_not or NOT_EDITABLE)
            return False
        index = self._net.parameter_names.index(name)
        frozen = index in set(int(i) for i in self._snap.frozen)
        where = at if at is not None else self.item_position(name)
        self.editor.open_at(name, float(self._snap.parameters[index]), where, frozen)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.diagram.viewport() and event.type() == QEvent.Type.Resize:
            self._fit()  # the splitter moved or the panel came or went
        if (
            watched is self.diagram.viewport()
            and event.type() == QEvent.Type.MouseButtonDblClick
            and event.button() == Qt.MouseButton.LeftButton
        ):
            pos = event.position().toPoint()
            name = self.parameter_at(pos)
            if name is not None:
                self.edit_parameter(name, pos)
                return True
        return super().eventFilter(watched, event)

    def _submit(self, name: str, text: str) -> None:
        value, problem = parse_value(name, text)
        if value is None:
            self.editor.show_problem(problem)
            self.refused.emit(problem)
            return
        if not self._editable:
            self.editor.close_editor()
            self.refused.emit(self._why_not or NOT_EDITABLE)
            return
        self.editor.close_editor()
        self.value_edit_requested.emit(name, value)
