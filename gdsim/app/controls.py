"""The training controls: Step, Step N, Run/Pause, Reset, Re-randomise, speed and stop rules."""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from gdsim.app.forms.tips import CONTROLS
from gdsim.app.forms.widgets import IntSpinBox, clear_invalid, format_number, mark_invalid

STEP_N_MAX = 10_000_000  # updates one 'Step N' may ask for
SPEEDS = [
    ("unlimited", None),
    ("1 step/s", 1.0),
    ("2 steps/s", 2.0),
    ("5 steps/s", 5.0),
    ("10 steps/s", 10.0),
    ("30 steps/s", 30.0),
    ("100 steps/s", 100.0),
    ("1,000 steps/s", 1000.0),
    ("10,000 steps/s", 10000.0),
]


class TrainingControls(QWidget):
    step_requested = Signal(int)
    step_back_requested = Signal()
    run_toggled = Signal(bool)  # True = run, False = pause
    reset_requested = Signal()
    rerandomize_requested = Signal()
    export_requested = Signal()
    speed_changed = Signal(object)  # steps per second or None
    stop_conditions_changed = Signal(object, object)  # max steps or None, target cost or None
    refused = Signal(str)  # "Stop at cost: must be ... (kept none)." typing that was put back

    def __init__(self, parent=None, *, shortcuts: bool = True, step_back: bool = False):
        """`shortcuts`: F10, Shift+F10, F5, Ctrl+R (and Ctrl+Shift+R, Ctrl+E when those buttons
        show) work anywhere in this widget's window; a window with its own menu actions for
        them (the main window) passes False, or Qt would find the keys ambiguous.
        `step_back`: show the Step back button (F9), for a window that handles it."""
        super().__init__(parent)
        style = self.style()
        icon = style.standardIcon

        self.step_back_button = QPushButton(
            icon(QStyle.StandardPixmap.SP_MediaSeekBackward), "Step back"
        )
        self.step_back_button.setObjectName("stepBackButton")
        self.step_back_button.setToolTip(CONTROLS["step_back"])
        self.step_back_button.setVisible(step_back)
        self.step_button = QPushButton(icon(QStyle.StandardPixmap.SP_MediaSkipForward), "Step")
        self.step_button.setObjectName("stepButton")
        self.step_button.setToolTip(CONTROLS["step"])
        self.step_n_spin = IntSpinBox()
        self.step_n_spin.setObjectName("stepNSpin")
        self.step_n_spin.setRange(2, STEP_N_MAX)
        self.step_n_spin.setValue(10)
        self.step_n_spin.setGroupSeparatorShown(True)
        self.step_n_spin.setToolTip(CONTROLS["step_n_count"])
        self.step_n_button = QPushButton("Step N")
        self.step_n_button.setObjectName("stepNButton")
        self.step_n_button.setToolTip(CONTROLS["step_n"])
        self.run_button = QPushButton()
        self.run_button.setObjectName("runButton")
        self.run_button.setCheckable(True)
        self.reset_button = QPushButton(icon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Reset")
        self.reset_button.setObjectName("resetButton")
        self.reset_button.setToolTip(CONTROLS["reset"])
        self.rerandomize_button = QPushButton(
            icon(QStyle.StandardPixmap.SP_BrowserReload), "Re-randomise"
        )
        self.rerandomize_button.setObjectName("rerandomizeButton")
        self.rerandomize_button.setToolTip(CONTROLS["rerandomise"])
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("speedCombo")
        for text, value in SPEEDS:
            self.speed_combo.addItem(text, value)
        self.speed_combo.setToolTip(CONTROLS["speed"])
        self.max_steps_spin = IntSpinBox()
        self.max_steps_spin.setObjectName("maxStepsSpin")
        self.max_steps_spin.setRange(0, 2_000_000_000)
        self.max_steps_spin.setSpecialValueText("no limit")
        self.max_steps_spin.setGroupSeparatorShown(True)
        self.max_steps_spin.setToolTip(CONTROLS["max_steps"])
        self.target_cost_edit = QLineEdit()
        self.target_cost_edit.setObjectName("targetCostEdit")
        self.target_cost_edit.setPlaceholderText("none")
        self.target_cost_edit.setFixedWidth(90)
        # No validator: it would drop keystrokes ("-1" -> "1") and let "1e999" pass unread.
        # The whole text is judged on Enter or focus-out (see _target_edited).
        self._target: float | None = None
        self.target_cost_edit.setToolTip(CONTROLS["target_cost"])
        self.export_button = QPushButton(
            icon(QStyle.StandardPixmap.SP_DialogSaveButton), "Export CSV…"
        )
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip(CONTROLS["export"])

        # Two rows, so the window fits a 1366-px screen: the actions, then the pace and stop
        # rules beside a status slot (the window puts its step/cost line there).
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 4, 6, 2)
        rows.setSpacing(4)
        row = QHBoxLayout()
        for widget in (
            self.step_back_button,
            self.step_button,
            self.step_n_spin,
            self.step_n_button,
            self.run_button,
            self.reset_button,
            self.rerandomize_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.export_button)
        self.second_row = QHBoxLayout()
        self.second_row.addStretch(1)
        # Each caption explains itself too (and is its field's buddy).
        pace_and_stops: list[QWidget] = []
        for text, field in (
            ("Speed", self.speed_combo),
            ("  Stop at step", self.max_steps_spin),
            ("or cost ≤", self.target_cost_edit),
        ):
            caption = QLabel(text)
            caption.setBuddy(field)
            caption.setToolTip(field.toolTip())
            pace_and_stops += [caption, field]
        self.second_row.addSpacing(12)  # (apart from the status line, however long it gets)
        for widget in pace_and_stops:
            self.second_row.addWidget(widget)
        rows.addLayout(row)
        rows.addLayout(self.second_row)

        self.step_button.clicked.connect(lambda: self.step_requested.emit(1))
        self.step_back_button.clicked.connect(self.step_back_requested)
        self.step_n_button.clicked.connect(self._step_n_clicked)
        for label, spin in (("Step N", self.step_n_spin), ("Stop at step", self.max_steps_spin)):
            spin.refused.connect(lambda why, label=label: self.refused.emit(f"{label}: {why}."))
        self.run_button.toggled.connect(self._on_run_toggled)
        self.reset_button.clicked.connect(self.reset_requested)
        self.rerandomize_button.clicked.connect(self.rerandomize_requested)
        self.export_button.clicked.connect(self.export_requested)
        self.speed_combo.currentIndexChanged.connect(
            lambda: self.speed_changed.emit(self.speed_combo.currentData())
        )
        self.max_steps_spin.valueChanged.connect(self._emit_stops)
        self.target_cost_edit.editingFinished.connect(self._target_edited)
        self.set_running(False)
        if shortcuts:
            self._add_shortcuts()

    def _add_shortcuts(self) -> None:
        """The keys the buttons' tooltips name, for windows without menus (the lessons)."""
        for keys, button in (
            ("F9", self.step_back_button),
            ("F10", self.step_button),
            ("Shift+F10", self.step_n_button),
            ("F5", self.run_button),
            ("Ctrl+R", self.reset_button),
            ("Ctrl+Shift+R", self.rerandomize_button),
            ("Ctrl+E", self.export_button),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            # a hidden button (a lesson without export) must not act on its key
            shortcut.activated.connect(
                lambda b=button: b.click() if b.isVisibleTo(self) and b.isEnabled() else None
            )

    def set_status_widget(self, widget: QWidget) -> None:
        """Put `widget` (e.g. the step/cost line) at the left of the second row."""
        self.second_row.insertWidget(0, widget, 1)

    def _on_run_toggled(self, checked: bool) -> None:
        self._show_running(checked)
        self.run_toggled.emit(checked)

    def _show_running(self, running: bool) -> None:
        pixmap = (
            QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.run_button.setIcon(self.style().standardIcon(pixmap))
        self.run_button.setText("Pause" if running else "Run")
        self.run_button.setToolTip(CONTROLS["pause"] if running else CONTROLS["run"])

    def set_running(self, running: bool) -> None:
        """Reflect the trainer's state without emitting run_toggled."""
        with QSignalBlocker(self.run_button):
            self.run_button.setChecked(running)
        self._show_running(running)

    def stop_conditions(self) -> tuple[int | None, float | None]:
        """The stop rules in force (typing not yet taken with Enter or focus-out excluded)."""
        return self.max_steps_spin.value() or None, self._target

    def step_n(self) -> int | None:
        """The N of Step N, taking what is typed in its box first; None if that was refused."""
        spin = self.step_n_spin
        refused = spin.typed_value(spin.text()) is None and spin.text().strip() != spin.shown_text()
        spin.interpretText()  # a refusal puts the value in force back and says why
        return None if refused else spin.value()

    def commit_typing(self) -> None:
        """Take what is typed in the stop-rule boxes now (a key such as F5 moves no focus)."""
        self.max_steps_spin.interpretText()
        if self.target_cost_edit.text().strip() != self._target_text():
            self._target_edited()

    def _step_n_clicked(self) -> None:
        n = self.step_n()
        if n is not None:
            self.step_requested.emit(n)

    def _target_text(self) -> str:
        return "" if self._target is None else format_number(self._target, 12)

    def _target_edited(self) -> None:
        """Take the typed target cost as a whole, or refuse it and show the one in force."""
        text = self.target_cost_edit.text().strip()
        try:
            target = float(text) if text else None
        except ValueError:
            target = math.nan
        if target is not None and not (math.isfinite(target) and target >= 0):
            kept = self._target_text() or "none"
            message = (
                f"Stop at cost: must be a number of at least 0, or empty for none (kept {kept})."
            )
            self.target_cost_edit.setText(self._target_text())
            mark_invalid(self.target_cost_edit, message)
            self.refused.emit(message)
            return
        clear_invalid(self.target_cost_edit)
        if target != self._target:
            self._target = target
            self._emit_stops()

    def _emit_stops(self) -> None:
        self.stop_conditions_changed.emit(*self.stop_conditions())

    def speed_limit(self) -> float | None:
        return self.speed_combo.currentData()


def status_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    return label
