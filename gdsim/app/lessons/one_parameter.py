"""Lesson 1: gradient descent with one parameter, made visible and steppable.

Left, the cost curve C(w) with the current point, the tangent there (its slope is dC/dw) and an
arrow from w to where the next update takes it; right, the numbers of that update and a few
plain words. Training runs in-thread on a LocalSession, driven by the app's TrainingControls.
"""

from __future__ import annotations

import html
import math
from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
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
from gdsim.app.lessons.presets import Preset, find_preset, load_preset, presets_for, start_point
from gdsim.app.local_session import LocalSession
from gdsim.config import MAX_LEARNING_RATE, ConfigError, config_from_dict
from gdsim.expression import ExpressionError, parse_expression

DEFAULT_FORMULA = "(w - 3)**2"
DEFAULT_START = 1.0
DEFAULT_RATE = 0.1
# The presets (learning rates that creep, settle, bounce and blow up on (w - 3)**2, and a
# curve with two dips) are config files in resources/presets, listed in its index.json.
MAX_VIEW = 1e6  # the plot follows w out to here; further out it is off the chart
PATH_POINTS = 1000  # faint dots for at most this many previous points


def _ink(role: str) -> str:
    """One colour per quantity, as in the main window's table (from the theme): "blue" for
    values, "red" for the slope, "green" for the update; "ink" for everything else."""
    c = theme.colors()
    return {"blue": c.value, "red": c.gradient, "green": c.update, "ink": c.foreground}[role]


def _faded(color: str, alpha: int) -> str:
    """`color` at `alpha` (0-255) over the window colour, as #rrggbb (for rich text)."""
    a, b, t = pg.mkColor(color), pg.mkColor(theme.colors().window), alpha / 255
    mix = [round(x * t + y * (1 - t)) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def fmt(x: float) -> str:
    """Up to 6 significant digits; never '-0'."""
    return f"{float(x) + 0.0:.6g}"


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
        self._view = (-1.0, 1.0)
        self._arrow = (DEFAULT_START, DEFAULT_START)
        self._build()
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)
        self.session.run_started.connect(self._on_run_started)
        self.session.snapshot.connect(self._on_snapshot)
        self.session.failed.connect(lambda message: self._show_problem(message))
        self.session.running_changed.connect(self.controls.set_running)
        self.session.set_speed_limit(self.controls.speed_limit())
        self._load()

    def _apply_theme(self, *_args) -> None:
        """Colours of the plot, the numbers and the key from the theme in force."""
        c = theme.colors()
        blue, red, green, ink = (_ink(r) for r in ("blue", "red", "green", "ink"))
        theme.style_plot(self.plot)
        px = theme.px  # pen widths in logical pixels, also on HiDPI screens
        self.curve.setPen(pg.mkPen(ink, width=px(2)))
        faded = pg.mkColor(blue)
        faded.setAlpha(110)
        self.path_dots.setBrush(pg.mkBrush(faded))
        self.tangent.setPen(pg.mkPen(red, width=px(2.5)))
        self.step_line.setPen(pg.mkPen(green, width=px(3)))
        self.guides.setPen(pg.mkPen(green, width=px(1), style=Qt.PenStyle.DashLine))
        self.arrow_head.setStyle(brush=green)
        self.next_dot.setPen(pg.mkPen(green, width=px(2)))
        self.next_dot.setBrush(pg.mkBrush(c.background))
        self.point.setPen(pg.mkPen(c.background, width=px(1.5)))
        self.point.setBrush(pg.mkBrush(blue))
        self.update_text.setColor(green)
        self.formula_error.setStyleSheet(f"color: {c.error.text};")
        for key, label in self.value_labels.items():
            label.setStyleSheet(f"color: {_ink(self._value_inks[key])}; font-weight: bold;")
        self.key.setText(
            f"<span style='color:{ink}'>━ cost curve C(w)</span> &nbsp; "
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

        self.plot = pg.PlotWidget(objectName="costCurvePlot")
        item = self.plot.getPlotItem()
        item.setMouseEnabled(False, False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "w  (the parameter)")
        item.setLabel("left", "cost  C(w)")
        # (colours and pens: _apply_theme)
        self.curve = pg.PlotCurveItem(antialias=True, connect="finite")
        self.path_dots = pg.ScatterPlotItem(size=7, pen=None)
        self.tangent = pg.PlotCurveItem(antialias=True)
        self.step_line = pg.PlotCurveItem(antialias=True)
        self.guides = pg.PlotCurveItem(connect="pairs")
        self.arrow_head = pg.ArrowItem(headLen=16, tipAngle=35, tailLen=None, pen=None)
        self.next_dot = pg.ScatterPlotItem(size=11)
        self.point = pg.ScatterPlotItem(size=12)
        self.update_text = pg.TextItem(anchor=(0.5, 0.0))
        for part in (
            self.curve,
            self.path_dots,
            self.tangent,
            self.guides,
            self.step_line,
            self.arrow_head,
            self.next_dot,
            self.point,
            self.update_text,
        ):
            self.plot.addItem(part)

        numbers = QGroupBox("This step")
        form = QFormLayout(numbers)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.value_labels: dict[str, QLabel] = {}
        self._value_inks: dict[str, str] = {}
        for key, text, ink in (
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
            self._value_inks[key] = ink
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
            blocked = spin.blockSignals(True)  # one restart below, not one per box
            spin.setValue(float(value))
            spin.blockSignals(blocked)
        self.set_formula(config.function)  # clears a formula error too; starts again

    def tangent_line(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.tangent.getData()
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
        self._view = self._initial_view(w0, w0 - self.rate_spin.value() * self._grad_at(w0))

    def _on_snapshot(self, snap) -> None:
        chunk = snap.chunk
        if len(chunk.param_steps):
            ws = chunk.params[:, 0]
            costs = np.broadcast_to(self._expression.evaluate({"w": ws}), ws.shape)
            self._path.extend(zip(ws.tolist(), costs.tolist(), strict=True))
            inside = ws[np.isfinite(ws) & (np.abs(ws) <= MAX_VIEW)]
            if inside.size:  # a fast run: follow every point, not just the last
                self._follow(float(inside.min()), float(inside.max()))
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

    def _initial_view(self, w0: float, w1: float) -> tuple[float, float]:
        """Show the start, the first step and, if there is one nearby, the bottom."""
        keep = [x for x in (w0, w1) if math.isfinite(x) and abs(x) <= MAX_VIEW]
        xs = np.linspace(w0 - 10, w0 + 10, 2001)
        ys = np.broadcast_to(self._expression.evaluate({"w": xs}), xs.shape)
        if np.isfinite(ys).any():
            i = int(np.nanargmin(np.where(np.isfinite(ys), ys, np.nan)))
            if 0 < i < len(xs) - 1:
                keep.append(float(xs[i]))
        lo, hi = min(keep), max(keep)
        pad = max(1.5, 0.35 * (hi - lo))
        return lo - pad, hi + pad

    def _follow(self, *ws: float) -> None:
        lo, hi = self._view
        inside = [w for w in ws if math.isfinite(w) and abs(w) <= MAX_VIEW]
        if inside and (min(inside) < lo or max(inside) > hi):
            lo, hi = min(lo, *inside), max(hi, *inside)
            pad = 0.15 * (hi - lo)
            self._view = (
                lo - pad if min(inside) == lo else lo,
                hi + pad if max(inside) == hi else hi,
            )

    def _refresh(self) -> None:
        t = self.session.trainer
        if t is None:
            return
        w, cost, grad = float(t.parameters[0]), float(t.cost), float(t.gradients[0])
        lr = t.learning_rate
        update = -lr * grad
        w_next = w - lr * grad
        self._arrow = (w, w_next)
        self._follow(w, w_next)
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
        for key, text in values.items():
            self.value_labels[key].setText(text)

        lo, hi = self._view
        xs = np.linspace(lo, hi, 600)
        ys = np.broadcast_to(self._expression.evaluate({"w": xs}), xs.shape)
        finite = ys[np.isfinite(ys)]
        ymin, ymax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        height = max(ymax - ymin, 1e-9 * max(1.0, abs(ymax)), 1e-12)
        track = ymin - 0.08 * height  # the arrow runs along w just under the curve
        self.plot.setRange(
            xRange=(lo, hi), yRange=(ymin - 0.22 * height, ymax + 0.06 * height), padding=0
        )
        self.curve.setData(xs, ys)
        dots = [
            (a, b)
            for a, b in list(self._path)[:-1]
            if math.isfinite(a) and math.isfinite(b) and abs(a) <= MAX_VIEW
        ]
        self.path_dots.setData([a for a, _ in dots], [b for _, b in dots])

        here = math.isfinite(w) and math.isfinite(cost) and abs(w) <= MAX_VIEW
        if here:
            self.point.setData([w], [cost])
        else:
            self.point.clear()
        if here and math.isfinite(grad):
            # About a quarter of the plot long on screen, however steep the slope.
            half = 0.12 / math.hypot(1 / (hi - lo), grad / (height * 1.28))
            xt = np.array([w - half, w + half])
            self.tangent.setData(xt, cost + grad * (xt - w))
        else:
            self.tangent.setData([], [])
        going = here and math.isfinite(w_next) and abs(w_next) <= MAX_VIEW and w_next != w
        self.arrow_head.setVisible(going)
        self.update_text.setVisible(going)
        if not going:
            for part in (self.step_line, self.next_dot, self.guides):
                part.setData([], [])
        else:
            c_next = float(self._expression.evaluate({"w": w_next}))
            self.step_line.setData([w, w_next], [track, track])
            self.arrow_head.setPos(w_next, track)
            pixels = abs(w_next - w) / (hi - lo) * self.plot.getPlotItem().vb.width()
            self.arrow_head.setStyle(
                angle=180 if w_next > w else 0,
                headLen=theme.px(min(16.0, max(7.0, 0.6 * pixels))),
            )
            self.guides.setData([w, w, w_next, w_next], [cost, track, track, c_next])
            self.next_dot.setData([w_next], [c_next] if math.isfinite(c_next) else [track])
            self.update_text.setText(f"update {'+' if update > 0 else ''}{fmt(update)}")
            self.update_text.setPos((w + w_next) / 2, track)
        self._explain(w, cost, grad, lr, update, t.diverged)

    # ------------------------------------------------------------------ words
    def _explain(self, w, cost, grad, lr, update, diverged) -> None:
        if diverged:
            self._show_problem(diverged)
            return
        if abs(grad) < 1e-8:
            now = (
                f"At w = {fmt(w)} the slope is (almost) <b>0</b>: the curve is flat here, "
                f"so there is no downhill direction left and w hardly moves. This is the "
                f"bottom (or a flat spot)."
            )
        elif grad < 0:
            now = (
                f"At w = {fmt(w)} the slope is <b>negative</b> ({fmt(grad)}): the curve goes "
                f"down to the right, so a bigger w means a lower cost. Stepping against the "
                f"slope moves w <b>right</b>, by {fmt(update)}."
            )
        elif grad > 0:
            now = (
                f"At w = {fmt(w)} the slope is <b>positive</b> ({fmt(grad)}): the curve goes "
                f"up to the right, so a smaller w means a lower cost. Stepping against the "
                f"slope moves w <b>left</b>, by {fmt(-update)}."
            )
        rule = (
            "<b>The rule:</b> next w = w − learning rate × slope. A steep slope gives a big "
            "step and a gentle one a small step, so w slows down as it nears the bottom."
        )
        hint = ""
        recent = [a for a, _ in list(self._path)[-3:]]
        if len(recent) == 3:
            before, last = recent[1] - recent[0], recent[2] - recent[1]
            if before * last < 0 and abs(last) > abs(before):
                hint = (
                    "Each jump lands further from the bottom than the one before: the "
                    "learning rate is too large and the run is <b>diverging</b>. Left "
                    "alone, w runs off to infinity."
                )
            elif before * last < 0:
                hint = (
                    "The last step jumped right over the bottom (the slope changed sign). "
                    "The jumps are shrinking, so w still settles down."
                )
        share = lr * float(self._bend.evaluate({"w": w}))  # locally, the part of the way
        if not hint and 0 < share < 0.05 and abs(grad) >= 1e-8:  # to the bottom one step covers
            hint = (
                f"Each step covers only about {share:.0%} of the way to the bottom: with "
                f"this learning rate w creeps along."
            )
        hint = hint or (
            "Try the presets: a tiny rate creeps, a large one bounces across the "
            "bottom, and a too-large one flies off."
        )
        parts = [now, rule, f"<i>{hint}</i>"]
        self.explanation.setText("".join(f"<p>{p}</p>" for p in parts))

    def _show_problem(self, message: str) -> None:
        self.explanation.setText(
            f"<p style='color:{theme.colors().error.text}'><b>Stopped.</b> "
            f"{html.escape(message[:1].upper() + message[1:])}</p>"
        )
