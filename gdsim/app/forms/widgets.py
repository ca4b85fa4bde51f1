"""Small building blocks shared by the form sections.

- :class:`NumberSpinBox`: a float spin box that shows numbers as typed (``0.1``, ``1e-8``)
  and keeps them exactly, with 1-2-5 ("log") or fixed ("linear") arrow steps.
- :class:`SeedSpinBox`: a QSpinBox that does not lose a loaded seed above 2^31 - 1.
- :class:`Section`: a QGroupBox with an ``edited`` signal, a quiet mode for filling it from a
  config, and a key -> widget map used to point at the field a ConfigError names.
- :func:`mark_invalid` / :func:`clear_invalid`: the red border and error tooltip.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Iterator

from PySide6.QtCore import QChildEvent, QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QStandardItemModel,
    QValidator,
)
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QWidget,
)

from gdsim.app.forms.tips import choice_tip

INT_MAX = 2**31 - 1
_PARTIAL_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d*)?([eE][+-]?\d*)?")
_BASE_TIP = "gdsimBaseToolTip"
_INVALID = "gdsimInvalid"
INVALID_COLOR = "#e53935"  # mid-luminance: the outline shows on light and dark fields
INVALID_BACKGROUND = "#30e53935"  # (#AARRGGBB) a red tint over whatever the field's theme is


# Toggle buttons (the input features): on = filled with the highlight colour, off = an outline,
# plain in both themes (a sheet on their box only; the theme sets sheets again on a switch)
TOGGLE_STYLE = (
    "QToolButton { padding: 2px 6px; border: 1px solid palette(mid); border-radius: 4px;"
    " background: palette(base); color: palette(text); }"
    " QToolButton:hover { border-color: palette(highlight); }"
    " QToolButton:checked { background: palette(highlight);"
    " color: palette(highlighted-text); border-color: palette(highlight); }"
)


def format_number(value: float, significant: int = 10) -> str:
    """``0.1`` -> ``"0.1"``, ``1e-08`` -> ``"1e-8"``, ``1000.0`` -> ``"1000"``."""
    text = f"{value:.{significant}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def _next_125(value: float, up: bool) -> float:
    """The next value of the 1, 2, 5, 10, 20 ... sequence above (or below) ``value``."""
    if value <= 0:
        return 1e-12 if up else 0.0
    exponent = math.floor(math.log10(value))
    candidates = [m * 10.0**e for e in (exponent - 1, exponent, exponent + 1) for m in (1, 2, 5)]
    candidates = [float(format_number(c, 12)) for c in candidates]
    tol = value * 1e-9
    if up:
        return min(c for c in candidates if c > value + tol)
    lower = [c for c in candidates if c < value - tol]
    return max(lower) if lower else value / 10.0


def _range_message(low: str, high: str, kept: str, whole: bool = False) -> str:
    number = "a whole number " if whole else ""
    return f"must be {number}between {low} and {high} (kept {kept})"


class NumberSpinBox(QDoubleSpinBox):
    """A float spin box that shows up to ``significant`` digits without trailing zeros.

    ``steps="log"``: the arrows walk 0.001, 0.002, 0.005, 0.01, ... (learning rates, eps);
    ``steps="linear"``: they add ``step``. Values are kept exactly as typed (323 decimals).

    What is typed is taken only as a whole, on Enter, when the focus leaves or when an arrow
    steps from it (no keyboard tracking: the "1" of "1e9" is never applied). Any keystroke is
    kept as typed; text that is not a number in range is then refused, the value in force is
    put back, and ``refused`` says why, naming the allowed range.
    """

    refused = Signal(str)  # e.g. "must be between 1e-12 and 1000 (kept 0.1)"

    def __init__(
        self,
        minimum: float,
        maximum: float,
        *,
        steps: str = "linear",
        step: float = 0.01,
        significant: int = 10,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._significant = significant
        self._log = steps == "log"
        self.setDecimals(323)  # no rounding: 1.23456e-15 stays that, not 1.23e-15
        self.setRange(minimum, maximum)
        self.setSingleStep(step)
        self.setAccelerated(True)
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)

    def show_value(self, value: float) -> None:
        """Show a config's value exactly: a valid config may hold one beyond this box's
        range (eps 1e-20), which is shown and kept, not clamped into another number."""
        self.setRange(min(self.minimum(), value), max(self.maximum(), value))
        self.setValue(value)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt override)
        return format_number(value, self._significant)

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt override)
        typed = self.typed_value(text)
        return self.value() if typed is None else typed

    def typed_value(self, text: str) -> float | None:
        """The number ``text`` is when it is one in range, else None."""
        try:
            value = float(text.strip())
        except ValueError:
            return None
        if not math.isfinite(value) or not self.minimum() <= value <= self.maximum():
            return None
        return value

    def _refuse(self) -> None:
        low, high = (format_number(v, 6) for v in (self.minimum(), self.maximum()))
        self.refused.emit(_range_message(low, high, self.text_of_value()))

    def text_of_value(self) -> str:
        return self.textFromValue(self.value())

    def validate(self, text: str, pos: int):  # noqa: D401 (Qt override)
        if self.typed_value(text) is not None:
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos  # kept as typed; judged as a whole

    def fixup(self, text: str) -> str:
        if text.strip() != self.text_of_value():
            self._refuse()  # "-5", "1,5", "1e9", "1e-20", "abc" or an empty box
        return self.text_of_value()

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt override)
        text = self.lineEdit().text()
        if text.strip() != self.text_of_value():  # typed, not applied yet: step from it
            typed = self.typed_value(text)
            if typed is None:
                self.lineEdit().setText(self.fixup(text))
                return
            self.setValue(typed)
        value = self.value()
        if self._log:
            for _ in range(abs(steps)):
                value = _next_125(value, steps > 0)
        else:
            value = float(format_number(value + steps * self.singleStep(), 12))
        self.setValue(min(max(value, self.minimum()), self.maximum()))
        self.selectAll()


class IntSpinBox(QSpinBox):
    """A QSpinBox that takes typing as NumberSpinBox does: as a whole, on Enter, focus-out or an
    arrow; anything typed is kept as typed until then ("0.5" does not become "5", "100000" is
    not cut to "10000"), and text that is not a whole number in range is refused with a
    message naming the range (``refused``) while the value in force is put back."""

    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)

    def typed_value(self, text: str) -> int | None:
        stripped = text.strip()
        if self.specialValueText() and stripped == self.specialValueText():
            return self.minimum()
        separator = re.escape(self.locale().groupSeparator() or ",")
        # "12,345" is a number written with separators; "1,5" is not 15
        if not re.fullmatch(rf"[+-]?(\d+|\d{{1,3}}({separator}\d{{3}})+)", stripped):
            return None
        value = int(re.sub(separator, "", stripped))
        return value if self.minimum() <= value <= self.maximum() else None

    def validate(self, text: str, pos: int):  # noqa: D401 (Qt override)
        if self.typed_value(text) is not None:
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def valueFromText(self, text: str) -> int:  # noqa: N802 (Qt override)
        typed = self.typed_value(text)
        return self.value() if typed is None else typed

    def shown_text(self) -> str:
        """What the box shows for the value in force."""
        if self.specialValueText() and self.value() == self.minimum():
            return self.specialValueText()
        return self.textFromValue(self.value())

    def fixup(self, text: str) -> str:
        if text.strip() != self.shown_text():
            low = f"{self.minimum():,}"
            if self.specialValueText():
                low += f" ({self.specialValueText()})"
            kept = self.specialValueText() if self.shown_text() == self.specialValueText() else ""
            self.refused.emit(
                _range_message(low, f"{self.maximum():,}", kept or f"{self.value():,}", whole=True)
            )
        return self.shown_text()

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt override)
        text = self.lineEdit().text()
        if text.strip() != self.shown_text():  # typed, not applied yet: step from it
            typed = self.typed_value(text)
            if typed is None:
                self.lineEdit().setText(self.fixup(text))
                return
            self.setValue(typed)
        super().stepBy(steps)


class SeedSpinBox(IntSpinBox):
    """Seeds 0 .. 2^31 - 1. A loaded seed above that (the config allows up to 2^32 - 1) is
    shown as the maximum but kept until the user changes the value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, INT_MAX)
        self._big: int | None = None
        self.valueChanged.connect(self._forget_big)

    def set_seed(self, seed: int) -> None:
        self.setValue(min(int(seed), INT_MAX))
        self._big = int(seed) if seed > INT_MAX else None

    def seed(self) -> int:
        return self._big if self._big is not None else self.value()

    def _forget_big(self, value: int) -> None:
        if value != INT_MAX:
            self._big = None


def make_combo(
    names: Iterable[str], tip: str, *, kind: str = "", object_name: str = ""
) -> QComboBox:
    """A combo box of config names (item text = item data = the name) with a tooltip per item."""
    combo = QComboBox()
    for name in names:
        combo.addItem(name, name)
        combo.setItemData(combo.count() - 1, choice_tip(name, kind), Qt.ItemDataRole.ToolTipRole)
    set_tip(combo, tip)
    if object_name:
        combo.setObjectName(object_name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def set_combo_enabled_items(combo: QComboBox, allowed: Iterable[str]) -> None:
    """Grey out the items of ``combo`` whose name is not in ``allowed``."""
    allowed = set(allowed)
    model = combo.model()
    if not isinstance(model, QStandardItemModel):
        return
    for row in range(combo.count()):
        item = model.item(row)
        item.setEnabled(combo.itemData(row) in allowed)


def select(combo: QComboBox, name: str) -> None:
    index = combo.findData(name)
    if index >= 0:
        combo.setCurrentIndex(index)


def set_tip(widget: QWidget, text: str) -> None:
    widget.setToolTip(text)
    widget.setProperty(_BASE_TIP, text)


def add_row(form: QFormLayout, label: str, field: QWidget, tip: str) -> QLabel:
    """A labelled row whose label and field both explain themselves in a tooltip."""
    caption = QLabel(label)
    caption.setBuddy(field)
    set_tip(caption, tip)
    if not field.toolTip():
        set_tip(field, tip)
    form.addRow(caption, field)
    return caption


class _InvalidFrame(QWidget):
    """A red outline drawn on top of a field (a child covering it, transparent to the mouse).

    A style-sheet border would make Fusion draw spin-box arrows and combo boxes differently;
    this leaves the field itself untouched.
    """

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setObjectName("invalidFrame")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(INVALID_COLOR))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 3, 3)
        painter.end()


def mark_invalid(widget: QWidget, message: str) -> None:
    """A red outline, a pink background, and the message on top of the field's tooltip."""
    base = widget.property(_BASE_TIP)
    if base is None:
        base = widget.toolTip()
        widget.setProperty(_BASE_TIP, base)
    widget.setToolTip(f"{message}\n\n{base}" if base else message)
    if widget.property(_INVALID):
        return
    widget.setProperty(_INVALID, True)
    _InvalidFrame(widget)
    palette = widget.palette()
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(role, QColor(INVALID_BACKGROUND))
    widget.setPalette(palette)


def clear_invalid(widget: QWidget) -> None:
    if not widget.property(_INVALID):
        return
    widget.setProperty(_INVALID, False)
    for frame in widget.findChildren(_InvalidFrame):
        frame.hide()
        frame.setParent(None)
        frame.deleteLater()
    widget.setPalette(QPalette())
    base = widget.property(_BASE_TIP)
    widget.setToolTip(base if isinstance(base, str) else "")


def is_marked_invalid(widget: QWidget) -> bool:
    return bool(widget.property(_INVALID))


class Section(QGroupBox):
    """A titled group of fields that can be filled quietly and reports user edits.

    ``edited(immediate)``: True for a choice (combo, check box, button) that should apply at
    once, False for typing in a spin box (the form debounces those). ``commit``: Enter was
    pressed in (or the focus left) a spin box, so pending typing can be applied now.
    """

    edited = Signal(bool)
    commit = Signal()  # Enter pressed or focus left a spin box: apply pending typing now
    # ("Learning rate: must be a number from ... (kept 0.1).", the box): typing put back
    refused = Signal(str, object)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._quiet = 0
        self._fields: dict[str, tuple[QWidget, str]] = {}
        # A bold title, normal fields. (A style sheet would do it too, but any style sheet on an
        # ancestor makes Fusion draw the spin boxes smaller.)
        self._field_font = QFont(self.font())
        self._field_font.setBold(False)  # explicitly, so it wins over the bold title font
        title_font = QFont(self.font())
        title_font.setBold(True)
        self.setFont(title_font)

    def childEvent(self, event: QChildEvent) -> None:  # noqa: N802 (Qt override)
        child = event.child()
        if (
            event.type() == QEvent.Type.ChildAdded
            and isinstance(child, QWidget)
            and not child.testAttribute(Qt.WidgetAttribute.WA_SetFont)
        ):
            child.setFont(self._field_font)
        super().childEvent(event)

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Inside, widget changes are not reported (used while filling from a config)."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    @property
    def is_quiet(self) -> bool:
        return self._quiet > 0

    def _typed(self, *_args: object) -> None:
        if not self._quiet:
            self.edited.emit(False)

    def _chosen(self, *_args: object) -> None:
        if not self._quiet:
            self.edited.emit(True)

    def watch(self, widget: QWidget) -> None:
        """Report changes of ``widget``: spin boxes as typing, the rest as choices.

        Spin boxes and combo boxes also stop taking the mouse wheel unless they have the focus,
        so scrolling the form's dock does not change values on the way.
        """
        if isinstance(widget, (QAbstractSpinBox, QComboBox)):
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            widget.installEventFilter(self)
        if isinstance(widget, QAbstractSpinBox):
            widget.valueChanged.connect(self._typed)
            widget.editingFinished.connect(self._finished)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._chosen)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._chosen)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            event.ignore()  # handled here, not accepted: it goes on to the scroll area
            return True
        return super().eventFilter(watched, event)

    def _finished(self) -> None:
        if not self._quiet:
            self.commit.emit()

    def register(self, key: str, widget: QWidget, label: str) -> None:
        known = any(w is widget for w, _ in self._fields.values())
        self._fields[key] = (widget, label)
        refused = getattr(widget, "refused", None)  # number boxes say why they kept a value
        if refused is not None and not known:
            refused.connect(
                lambda why, label=label, w=widget: self.refused.emit(f"{label}: {why}.", w)
            )

    def field_for_key(self, key: str) -> tuple[QWidget, str] | None:
        """The widget and its label for a ConfigError key (exact, or the closest parent key)."""
        probe = key
        while probe:
            if probe in self._fields:
                return self._fields[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return None

    def field_widgets(self) -> list[QWidget]:
        return [w for w, _ in self._fields.values()]
