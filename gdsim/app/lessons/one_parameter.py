"""Lesson 1: gradient descent with one parameter, made visible and steppable.

Left, the cost curve C(w) with the current point, the tangent there (its slope is dC/dw) and an
arrow from w to where the next update takes it; right, the numbers of that update and a few
plain words. Training runs in-thread on a LocalSession, driven by the app's TrainingControls.

This module is the lesson (its controls, presets and numbers); the picture is
:class:`gdsim.app.lessons.cost_curve.CostCurvePlot` and the words are
:mod:`gdsim.app.lessons.one_parameter_words` (Qt-free).
"""

from __future__ import annotations

import html
from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.controls import TrainingControls
from gdsim.app.lessons.cost_curve import MAX_VIEW, CostCurvePlot, ink
from gdsim.app.lessons.exercise import HIDDEN, HIDDEN_TIP, ExerciseBox
from gdsim.app.lessons.one_parameter_words import explanation_html, fmt
from gdsim.app.lessons.presets import Preset, find_preset, load_preset, presets_for, start_point
from gdsim.app.local_session import LocalSession
from gdsim.config import MAX_LEARNING_RATE, ConfigError, config_from_dict
from gdsim.expression import ExpressionError, parse_expression

DEFAULT_FORMULA = "(w - 3)**2"
DEFAULT_START = 1.0
DEFAULT_RATE = 0.1
# The presets (learning rates that creep, settle, bounce and blow up on (w - 3)**2, and a
# curve with two dips) are config files in resources/presets, listed in its index.json.
PATH_POINTS = 1000  # faint dots for at most this many previous points

__all__ = ["DEFAULT_FORMULA", "DEFAULT_RATE", "DEFAULT_START", "MAX_VIEW", "OneParameterLesson"]


def _faded(color: str, alpha: int) -> str:
    """`color` at `alpha` (0-255) over the window colour, as #rrggbb (for rich text)."""
    a, b, t = pg.mkColor(color), pg.mkColor(theme.colors().window), alpha / 255
    mix = [round(x * t + y * (1 - t)) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


class _RateSpin(QDoubleSpinBox):
    """A learning-rate box that shows 0.1, 0.0033 or 1.25 rather than fixed decimals."""

    def textFromValue(self, value: float) -> str:
        return fmt(value)


class OneParameterLesson(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("oneParameterLesson")
        self.session = LocalSession(self)
        self._expression = parse_expression(DEFAULT_FORMULA, ["w"])
        self._derivative = self._expression.derivative_text("w")
        self._bend = self._expression.partial("w").partial("w")  # C''(w)
        self._path: deque[tuple[float, float]] = deque(maxlen=PATH_POINTS)
        self._arrow = (DEFAULT_START, DEFAULT_START)
        self._build()
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)
        self.session.run_started.connect(self._on_run_started)
        self.session.snapshot.connect(self._on_snapshot)
        self.session.failed.connect(lambda message: self._show_problem(message))
        self.session.running_changed.connect(self.controls.set_running)
        self.session.running_changed.connect(self.exercise.set_running)
        self.session.set_speed_limit(self.controls.speed_limit())
        self._load()

    def _apply_theme(self, *_args) -> None:
        """Colours of the plot, the numbers and the key from the theme in force."""
        c = theme.colors()
        blue, red, green, black = (ink(r) for r in ("blue", "red", "green", "ink"))
        self.plot.restyle()
        self.formula_error.setStyleSheet(f"color: {c.error.text};")
        for key, label in self.value_labels.items():
            label.setStyleSheet(f"color: {ink(self._value_inks[key])}; font-weight: bold;")
        self.key.setText(
            f"<span style='color:{black}'>━ cost curve C(w)</span> &nbsp; "
            f"<span style='color:{blue}'>● w now</span> &nbsp; "
            f"<span style='color:{red}'>━ tangent (its slope is dC/dw)</span> &nbsp; "
            f"<span style='color:{green}'>━▶ the update, ○ next w</span> &nbsp; "
            f"<span style='color:{_faded(blue, 110)}'>● earlier points</span>"
        )

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        title = QLabel("<b>Lesson 1 · One parameter:</b> follow the slope downhill")
        title.setStyleSheet("font-size: 14pt;")

        self.formula_edit = QLineEdit(DEFAULT_FORMULA, objectName="formulaEdit")
        self.formula_edit.setToolTip(
            "Any cost formula in w, e.g. (w - 3)**2, w**4 - 3*w**2, "
            "cos(w) + w**2/10. Press Enter to use it."
        )
        self.formula_error = QLabel(objectName="formulaError")
        self.formula_error.setWordWrap(True)
        self.formula_error.hide()
        self.start_spin = QDoubleSpinBox(objectName="startWSpin")
        self.start_spin.setRange(-1000.0, 1000.0)
        self.start_spin.setDecimals(3)
        self.start_spin.setSingleStep(0.5)
        self.start_spin.setValue(DEFAULT_START)
        self.start_spin.setKeyboardTracking(False)
        self.start_spin.setToolTip("Where w starts; changing it starts again")
        self.rate_spin = _RateSpin(objectName="lessonLearningRateSpin")
        self.rate_spin.setDecimals(6)
        self.rate_spin.setRange(1e-6, MAX_LEARNING_RATE)
        self.rate_spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.rate_spin.setValue(DEFAULT_RATE)
        self.rate_spin.setKeyboardTracking(False)
        self.rate_spin.setToolTip(
            "How far each update moves w, as a multiple of the slope. Applies from the next step"
        )

        setup = QGridLayout()
        setup.addWidget(QLabel("Cost  C(w) ="), 0, 0)
        setup.addWidget(self.formula_edit, 0, 1)
        setup.addWidget(QLabel("start w"), 0, 2)
        setup.addWidget(self.start_spin, 0, 3)
        setup.addWidget(QLabel("learning rate"), 0, 4)
        setup.addWidget(self.rate_spin, 0, 5)
        setup.addWidget(self.formula_error, 1, 1, 1, 5)
        setup.setColumnStretch(1, 1)

        # The manual update exercise: off at first, so the lesson flows; on, it hides the
        # update and next w until the learner has worked them out.
        self.exercise = ExerciseBox(
            [("w", "dC/dw")],
            "With this step's numbers: next w = w − lr·dC/dw (plain gradient descent).",
        )
        self.exercise.step_wanted.connect(self.controls_step)
        self.exercise.switched.connect(lambda _on: self._refresh())

        presets = QHBoxLayout()
        presets.addWidget(QLabel("Presets:"))
        self.preset_buttons: dict[str, QPushButton] = {}  # by preset file name
        for preset in presets_for("one_parameter"):
            button = QPushButton(preset.title, objectName=f"preset_{preset.stem}")
            button.setToolTip(f"{preset.summary}\nSets the formula, start w and learning rate.")
            button.clicked.connect(lambda _=False, p=preset: self.apply_preset(p))
            presets.addWidget(button)
            self.preset_buttons[preset.file] = button
        presets.addStretch(1)
        presets.addWidget(self.exercise.toggle)

        self.plot = CostCurvePlot()

        numbers = QGroupBox("This step")
        form = QFormLayout(numbers)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.value_labels: dict[str, QLabel] = {}
        self._value_inks: dict[str, str] = {}
        for key, text, role in (
            ("stepValue", "step", "ink"),
            ("currentWValue", "w now", "blue"),
            ("costValue", "cost  C(w)", "ink"),
            ("gradientValue", "slope  dC/dw", "red"),
            ("learningRateValue", "learning rate", "ink"),
            ("updateValue", "update  −lr × dC/dw", "green"),
            ("nextWValue", "next w", "blue"),
            ("derivativeFormula", "derivative", "ink"),
        ):
            label = QLabel(objectName=key)
            self._value_inks[key] = role
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(text, label)
            self.value_labels[key] = label
        self.value_labels["derivativeFormula"].setWordWrap(True)

        explain = QGroupBox("What is happening")
        self.explanation = QLabel(objectName="lessonExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop)
        QVBoxLayout(explain).addWidget(self.explanation)

        side = QVBoxLayout()
        side.addWidget(numbers)
        side.addWidget(explain, 1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(350)
        side.setContentsMargins(0, 0, 0, 0)
        self.key = key = QLabel()  # (text: _apply_theme)
        key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left = QVBoxLayout()
        left.addWidget(self.plot, 1)
        left.addWidget(key)
        left.addWidget(self.exercise)
        middle = QHBoxLayout()
        middle.addLayout(left, 1)
        middle.addWidget(side_widget)

        self.controls = TrainingControls()
        for widget in (
            self.controls.export_button,
            self.controls.rerandomize_button,
            self.controls.max_steps_spin,
            self.controls.target_cost_edit,
        ):
            widget.hide()
        for label in self.controls.findChildren(QLabel):  # the stop-rule captions
            if label.text().strip() in ("Stop at step", "or cost ≤"):
                label.hide()
        # 10 steps/s, so each step can be watched; "unlimited" is one click away.
        self.controls.speed_combo.setCurrentIndex(max(0, self.controls.speed_combo.findData(10.0)))

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(setup)
        layout.addLayout(presets)
        layout.addLayout(middle, 1)
        layout.addWidget(self.controls)

        self.formula_edit.editingFinished.connect(self._formula_edited)
        self.start_spin.valueChanged.connect(lambda _: self._load())
        self.rate_spin.valueChanged.connect(self._rate_changed)
        c, s = self.controls, self.session
        c.step_requested.connect(s.step)
        c.run_toggled.connect(lambda run: s.run() if run else s.pause())
        c.reset_requested.connect(s.reset)
        c.speed_changed.connect(s.set_speed_limit)

    # ------------------------------------------------------------------ public API
    @property
    def formula(self) -> str:
        """The formula in use (an invalid edit leaves it unchanged)."""
        return self._expression.text

    def set_formula(self, text: str) -> bool:
        """Use a new cost formula in w and start again; False (with a message) if unusable."""
        try:
            expression = parse_expression(text, ["w"])
            derivative = expression.derivative_text("w")
        except ExpressionError as exc:
            self.formula_error.setText(f"{exc}  (still using {self.formula})")
            self.formula_error.show()
            return False
        self.formula_error.clear()
        self.formula_error.hide()
        self._expression, self._derivative = expression, derivative
        self._bend = expression.partial("w").partial("w")
        if self.formula_edit.text() != text:
            self.formula_edit.setText(text)
        self._load()
        return True

    def set_learning_rate(self, learning_rate: float) -> None:
        """Applies from the next step (the run goes on), as in the main window."""
        self.rate_spin.setValue(float(learning_rate))  # -> _rate_changed

    def apply_preset(self, preset: Preset | str) -> None:
        """Use a preset from resources/presets (a Preset, or its file name as in index.json):
        its formula, start w and learning rate, and start again. A broken preset file shows
        its problem (naming the file) and changes nothing."""
        try:
            config = load_preset(find_preset(preset) if isinstance(preset, str) else preset)
        except ConfigError as exc:
            self._show_problem(str(exc))
            return
        self.session.pause()
        for spin, value in (
            (self.start_spin, start_point(config)[0]),
            (self.rate_spin, config.optimizer.learning_rate),
        ):
            with QSignalBlocker(spin):  # one restart below, not one per box
                spin.setValue(float(value))
        self.set_formula(config.function)  # clears a formula error too; starts again

    def controls_step(self) -> None:
        """One step, as the Step button takes it (nothing while the button is off)."""
        self.controls.step_button.click()

    def tangent_line(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.plot.tangent.getData()
        return (
            np.asarray(x if x is not None else [], float),
            np.asarray(y if y is not None else [], float),
        )

    def arrow_endpoints(self) -> tuple[float, float]:
        return self._arrow

    def shutdown(self) -> None:
        self.session.shutdown()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ reactions
    def _load(self) -> None:
        self.session.pause()
        try:
            config = config_from_dict(
                {
                    "mode": "function",
                    "function": self.formula,
                    "parameters": {"w": self.start_spin.value()},
                    "optimizer": {"name": "sgd", "learning_rate": self.rate_spin.value()},
                }
            )
        except ConfigError as exc:
            self._show_problem(str(exc))
            return
        self.session.load(config)

    def _formula_edited(self) -> None:
        if self.formula_edit.text() != self.formula:
            self.set_formula(self.formula_edit.text())

    def _rate_changed(self, value: float) -> None:
        self.session.set_learning_rate(value)
        self._refresh()

    def _on_run_started(self, info) -> None:
        self._path.clear()
        self._enable_stepping(True)
        w0 = self.start_spin.value()
        w1 = w0 - self.rate_spin.value() * self._grad_at(w0)
        self.plot.start_view(self._expression, w0, w1)

    def _on_snapshot(self, snap) -> None:
        chunk = snap.chunk
        if len(chunk.param_steps):
            ws = chunk.params[:, 0]
            costs = np.broadcast_to(self._expression.evaluate({"w": ws}), ws.shape)
            self._path.extend(zip(ws.tolist(), costs.tolist(), strict=True))
            inside = ws[np.isfinite(ws) & (np.abs(ws) <= MAX_VIEW)]
            if inside.size:  # a fast run: follow every point, not just the last
                self.plot.follow(float(inside.min()), float(inside.max()))
        if snap.diverged:
            self._enable_stepping(False)  # nothing left to step: Reset or change something
        self._refresh()

    def _enable_stepping(self, on: bool) -> None:
        for button in (
            self.controls.step_button,
            self.controls.step_n_button,
            self.controls.run_button,
        ):
            button.setEnabled(on)

    # ------------------------------------------------------------------ drawing
    def _grad_at(self, w: float) -> float:
        return float(self._expression.value_and_gradient(np.array([w]))[1][0])

    def _refresh(self) -> None:
        t = self.session.trainer
        if t is None:
            return
        w, cost, grad = float(t.parameters[0]), float(t.cost), float(t.gradients[0])
        lr = t.learning_rate
        update = -lr * grad
        w_next = w - lr * grad
        self._arrow = (w, w_next)
        self.plot.follow(w, w_next)
        values = {
            "stepValue": str(t.step_count),
            "currentWValue": fmt(w),
            "costValue": fmt(cost),
            "gradientValue": fmt(grad),
            "learningRateValue": fmt(lr),
            "updateValue": f"{'+' if update > 0 else ''}{fmt(update)}",  # a signed move
            "nextWValue": fmt(w_next),
            "derivativeFormula": f"dC/dw = {self._derivative}",
        }
        hide = self.exercise.is_on()  # the learner works these out
        for key, text in values.items():
            hidden = hide and key in ("updateValue", "nextWValue")
            self.value_labels[key].setText(HIDDEN if hidden else text)
            self.value_labels[key].setToolTip(HIDDEN_TIP if hidden else "")

        self.plot.draw(self._expression, self._path, w, cost, grad, w_next, update)
        if hide:  # the arrow still shows the way; how far is the learner's to work out
            self.plot.update_text.setText(f"update {HIDDEN}")
        self.exercise.follow(t)
        self._explain(w, cost, grad, lr, update, t.diverged)

    # ------------------------------------------------------------------ words
    def _explain(self, w, cost, grad, lr, update, diverged) -> None:
        if diverged:
            self._show_problem(diverged)
            return
        recent = [a for a, _ in list(self._path)[-3:]]
        share = lr * float(self._bend.evaluate({"w": w}))  # locally, the part of the way
        self.explanation.setText(
            explanation_html(w, grad, update, recent, share, amount=not self.exercise.is_on())
        )

    def _show_problem(self, message: str) -> None:
        self.explanation.setText(
            f"<p style='color:{theme.colors().error.text}'><b>Stopped.</b> "
            f"{html.escape(message[:1].upper() + message[1:])}</p>"
        )
