"""Lesson: gradient descent on a cost of two parameters, C(w1, w2) — the lesson window, which
puts its parts together and runs them.

The parts, one module each: the map of C with the gradient, its partial derivatives, the step
and the path (cost_map); the slices that show where the partial derivatives come from
(slices); the numbers and the explanation (numbers_panel); and the optimizer race (race). This
module holds the surface picker, the training controls, the session and the public API.

Everything is read straight from `session.trainer` (a LocalSession trains in this thread), so
what is drawn is exactly what the trainer holds.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.controls import SPEEDS, TrainingControls
from gdsim.app.lessons.cost_map import CostMap
from gdsim.app.lessons.exercise import ExerciseBox
from gdsim.app.lessons.numbers_panel import NumbersPanel
from gdsim.app.lessons.presets import Preset, find_preset, load_preset, presets_for, start_point
from gdsim.app.lessons.race import RACE, Race
from gdsim.app.lessons.slices import SlicePlots
from gdsim.app.lessons.surfaces import PARAMETERS, SURFACES, Surface, find_surface
from gdsim.app.local_session import LocalSession
from gdsim.config import Config, ConfigError, config_from_dict
from gdsim.engine.trainer import Trainer
from gdsim.expression import ExpressionError, parse_expression

__all__ = ["RACE", "TwoParameterLesson"]  # RACE: still importable from here

CUSTOM = "custom…"
CUSTOM_RACE_RATES = {"rmsprop": 0.02, "adam": 0.05}  # for surfaces that bring none


def _surface_for(formula: str) -> Surface | None:
    """The built-in surface with this formula (its view, race rates and minimum mark), if any."""
    key = formula.replace(" ", "")
    return next((s for s in SURFACES if s.formula.replace(" ", "") == key), None)


def _function_config(formula: str, start, optimizer: dict) -> Config:
    return config_from_dict(
        {
            "gdsim": 1,
            "mode": "function",
            "function": formula,
            "parameters": {"w1": float(start[0]), "w2": float(start[1])},
            "optimizer": optimizer,
        }
    )


class TwoParameterLesson(QWidget):
    """Gradient descent on C(w1, w2): map, gradient and step arrows, slices, numbers, race."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("twoParameterLesson")
        self.session = LocalSession(self)
        self._surface: Surface | None = None
        self._formula = ""
        self._expr = None
        self._start = np.zeros(2)
        self._x_range = (-3.0, 3.0)
        self._y_range = (-3.0, 3.0)
        self._batch = False  # True while loading: draw once at the end
        self._image_timer = QTimer(self)  # re-evaluates the map after pans and resizes
        self._image_timer.setSingleShot(True)
        self._image_timer.setInterval(40)
        self._image_timer.timeout.connect(self._update_image)

        self._build()
        self._apply_theme()
        # The parts are plain helpers: this widget's connection restyles them all, and goes
        # when the widget does.
        theme.notifier().changed.connect(self._apply_theme)
        self._wire()
        self.set_surface("valley")

    def _apply_theme(self, *_args) -> None:
        """Theme colours for the slices, the numbers and the words (the map keeps its own)."""
        theme.style_plot(self.contour_plot)
        self.slices.apply_theme()
        self.formula_error.setStyleSheet(f"color: {theme.colors().error.text};")
        self.panel.apply_theme()
        self._redraw()  # the numbers and slice labels are rich text in theme colours

    # ------------------------------------------------------------------ building the view
    def _build(self) -> None:
        self.controls = TrainingControls(self)
        self.controls.rerandomize_button.hide()  # the start is the point you chose: no seed
        self.controls.speed_combo.setCurrentIndex(
            [value for _, value in SPEEDS].index(30.0)
        )  # slow enough to watch each step

        self.surface_combo = QComboBox()
        self.surface_combo.setObjectName("surfaceCombo")
        # The surfaces are the lesson's presets (resources/presets, listed in index.json).
        for preset in presets_for("two_parameters"):
            self.surface_combo.addItem(preset.title, preset.file)
            self.surface_combo.setItemData(
                self.surface_combo.count() - 1, preset.summary, Qt.ItemDataRole.ToolTipRole
            )
        self.surface_combo.addItem(CUSTOM, "custom")
        self.surface_combo.setToolTip("Choose a cost surface, or type your own formula")
        self.formula_edit = QLineEdit()
        self.formula_edit.setObjectName("formulaEdit")
        self.formula_edit.setPlaceholderText("a formula in w1 and w2, e.g. w1**2 + 3*w2**2")
        self.formula_edit.setToolTip("Your own cost C(w1, w2); press Enter to use it")
        self.formula_edit.setMinimumWidth(170)
        self.formula_error = QLabel()
        self.formula_error.setObjectName("formulaError")
        self.formula_error.setWordWrap(True)
        self.formula_error.hide()
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setObjectName("lessonLearningRateSpin")
        self.lr_spin.setDecimals(5)
        self.lr_spin.setRange(1e-5, 10.0)
        self.lr_spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr_spin.setToolTip(
            "How far each step goes: step = −learning rate × gradient. Applies from the next step."
        )

        self.exercise = ExerciseBox(  # the manual update exercise (off at first)
            [("w1", "∂C/∂w1"), ("w2", "∂C/∂w2")],
            "next w1 = w1 − lr·∂C/∂w1, the same for w2 (plain gradient descent).",
        )
        picker = QWidget()
        top = QHBoxLayout(picker)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Surface"))
        top.addWidget(self.surface_combo)
        top.addWidget(QLabel("C(w1, w2) ="))
        top.addWidget(self.formula_edit, 1)
        top.addSpacing(12)
        top.addWidget(QLabel("Learning rate"))
        top.addWidget(self.lr_spin)
        top.addSpacing(12)
        if hasattr(self.controls, "set_status_widget"):  # share the controls' second row
            self.controls.set_status_widget(picker)
            picker = None

        self.cost_map = CostMap()
        self.contour_plot, self.map = self.cost_map.widget, self.cost_map.plot
        self.contour_plot.scene().sigMouseClicked.connect(self._on_map_clicked)
        self.map.getViewBox().sigRangeChanged.connect(lambda *_: self._image_timer.start())
        self.race = Race(self.session, self.controls, self.map, self)
        self.slices = SlicePlots()
        self.panel = NumbersPanel()
        # The parts' widgets under their old names (tests and scripts use them).
        self.slice_plots, self.slice_labels = self.slices.plots, self.slices.labels
        self.numbers, self.explanation = self.panel.numbers, self.panel.explanation
        self.race_group, self.race_checks, self.race_info = (
            self.race.group,
            self.race.checks,
            self.race.info,
        )
        self.race_paths, self.legend, self._race_timer = (
            self.race.paths,
            self.race.legend,
            self.race.timer,
        )

        side = QWidget()
        side.setFixedWidth(310)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.numbers)
        column.addWidget(self.exercise.toggle)
        column.addWidget(self.explanation)
        column.addWidget(self.race_group)
        column.addStretch(1)

        plots = QHBoxLayout()
        plots.addWidget(self.contour_plot, 5)
        plots.addLayout(self.slices.layout, 3)
        left = QVBoxLayout()  # the exercise box (while on) under the plots, which make room
        left.addLayout(plots, 1)
        left.addWidget(self.exercise)
        body = QHBoxLayout()
        body.setContentsMargins(6, 0, 6, 6)
        body.addLayout(left, 1)
        body.addWidget(side, 0)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        outer.addWidget(self.controls)
        if picker is not None:
            outer.addWidget(picker)
        outer.addWidget(self.formula_error)
        outer.addLayout(body, 1)

    def _wire(self) -> None:
        c, s = self.controls, self.session
        c.step_requested.connect(self._on_step)
        c.run_toggled.connect(self._on_run)
        c.reset_requested.connect(self.reset)
        c.export_requested.connect(self._on_export)
        c.speed_changed.connect(s.set_speed_limit)
        c.stop_conditions_changed.connect(s.set_stop_conditions)
        s.set_speed_limit(c.speed_limit())
        s.running_changed.connect(self._on_session_running)
        s.running_changed.connect(self.exercise.set_running)
        self.exercise.step_wanted.connect(c.step_button.click)  # a right answer steps
        self.exercise.switched.connect(lambda _on: self._redraw_numbers())
        s.snapshot.connect(self._on_snapshot)
        s.failed.connect(self._show_status)
        # activated: a user's choice, also of the entry already shown (which starts it again)
        self.surface_combo.activated.connect(self._on_surface_chosen)
        self.formula_edit.returnPressed.connect(lambda: self.set_formula(self.formula_edit.text()))
        self.lr_spin.valueChanged.connect(self._on_learning_rate)
        self.race_group.toggled.connect(self._on_race_toggled)
        self.race.changed.connect(self._redraw)

    # ------------------------------------------------------------------ public API
    def set_surface(self, name: str) -> None:
        """Load the preset of a built-in surface, by key ("valley") or name ("Elongated
        valley"): the first two-parameter preset in index.json with that surface's formula."""
        surface = find_surface(name)
        for preset in presets_for("two_parameters"):
            if _surface_for(load_preset(preset).function) is surface:
                self.apply_preset(preset)
                return
        raise KeyError(f"no two-parameter preset in presets/index.json uses {surface.formula}")

    def apply_preset(self, preset: Preset | str) -> bool:
        """Use a preset from resources/presets (a Preset, or its file name as in index.json):
        its formula, start point and learning rate, and start again (the race too). A built-in
        surface with that formula brings its view and race rates. A broken preset file shows
        its problem (naming the file), changes nothing and returns False."""
        try:
            preset = find_preset(preset) if isinstance(preset, str) else preset
            config = load_preset(preset)
            expr = parse_expression(config.function, PARAMETERS)
        except (ConfigError, ExpressionError) as exc:
            self.formula_error.setText(f"Preset not used: {exc}")
            self.formula_error.show()
            self._select_combo(self._combo_key)  # show what is still in use
            return False
        start = start_point(config)
        surface = self._surface = _surface_for(config.function)
        if surface is not None:
            x_range, y_range = surface.x_range, surface.y_range
            race_rates, mark_minimum = surface.race_rates, surface.mark_minimum
        else:  # keep the view, widened to show the start
            (x0, x1), (y0, y1) = self._x_range, self._y_range
            x_range = (min(x0, start[0] - 1.0), max(x1, start[0] + 1.0))
            y_range = (min(y0, start[1] - 1.0), max(y1, start[1] + 1.0))
            race_rates, mark_minimum = CUSTOM_RACE_RATES, True
        self._select_combo(preset.file)
        self.formula_edit.setText(config.function)
        self.formula_edit.setCursorPosition(0)
        self.formula_edit.setEnabled(False)
        self._set_lr_spin(config.optimizer.learning_rate)
        self._install(config.function, expr, start, x_range, y_range, race_rates, mark_minimum)
        return True

    def set_formula(self, text: str) -> bool:
        """Use a custom formula in w1 and w2. An invalid one shows the parser's message and
        keeps the current surface; returns whether the formula was accepted."""
        text = text.strip()
        try:
            expr = parse_expression(text, PARAMETERS)
            _function_config(
                text, self._start, {"name": "sgd", "learning_rate": self.lr_spin.value()}
            )
        except (ExpressionError, ConfigError) as exc:
            self.formula_error.setText(f"Formula not used: {exc}")
            self.formula_error.show()
            return False
        self._surface = None
        self._select_combo("custom")
        self.formula_edit.setEnabled(True)
        self.formula_edit.setText(text)
        self._install(text, expr, self._start, self._x_range, self._y_range, CUSTOM_RACE_RATES)
        return True

    def set_learning_rate(self, lr: float) -> None:
        self.lr_spin.setValue(float(lr))

    def set_start(self, w1: float, w2: float) -> None:
        """Start from (w1, w2) and reset (the race too)."""
        self._start = np.array([float(w1), float(w2)])
        self._load()

    def reset(self) -> None:
        self._status = ("", False)
        self.race.stop()
        self.session.reset()
        self._reset_race()
        self._redraw()

    def gradient_vector(self) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) of the drawn gradient arrow: end - start is the gradient."""
        arrow = self.cost_map.grad_arrow
        return arrow.start.copy(), arrow.end.copy()

    def step_vector(self) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) of the drawn step arrow: end - start = -lr * gradient."""
        arrow = self.cost_map.step_arrow
        return arrow.start.copy(), arrow.end.copy()

    def slice_tangent(self, axis: int) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the tangent drawn in slice plot `axis` (0: along w1, 1: along w2)."""
        x, y = self.slices.tangents[axis]
        return x.copy(), y.copy()

    def contour_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(W1, W2, C) of the contour image; C is the image's data."""
        return self.cost_map.contour_data()

    def set_race(self, on: bool) -> None:
        self.race_group.setChecked(bool(on))

    def race_positions(self) -> dict[str, tuple[float, float]]:
        """Each race optimizer's current (w1, w2) (empty while the race is off)."""
        return self.race.positions()

    def race_trainers(self) -> dict[str, Trainer]:
        return dict(self.race.trainers)

    def shutdown(self) -> None:
        self.race.stop()
        self.session.shutdown()

    # ------------------------------------------------------------------ surface and run
    _combo_key = "custom"  # the combo's entry in use: a preset file, or "custom"

    def _select_combo(self, key: str) -> None:
        self._combo_key = key
        with QSignalBlocker(self.surface_combo):
            self.surface_combo.setCurrentIndex(self.surface_combo.findData(key))

    def _set_lr_spin(self, lr: float) -> None:
        with QSignalBlocker(self.lr_spin):
            self.lr_spin.setValue(lr)
        self.lr_spin.setSingleStep(lr / 2)

    def _install(
        self, formula, expr, start, x_range, y_range, race_rates, mark_minimum: bool = False
    ) -> None:
        """Show a new surface and restart from `start`."""
        self.formula_error.hide()
        self._formula, self._expr = formula, expr
        self._derivative_texts = tuple(expr.derivative_text(n) for n in PARAMETERS)
        self._start = np.array(start, dtype=float)
        self._x_range, self._y_range = tuple(x_range), tuple(y_range)
        self.race.rates = dict(race_rates)
        self.cost_map.show_surface(expr, self._x_range, self._y_range, mark_minimum)
        self._update_image()
        self._load()

    def _update_image(self) -> None:
        self._image_timer.stop()
        if self._expr is None:
            return
        self.cost_map.update_image(self._expr)
        self._redraw()  # the arrow heads and labels keep to the visible part

    def _config(self, optimizer: dict) -> Config:
        return _function_config(self._formula, self._start, optimizer)

    def _load(self) -> None:
        self._status = ("", False)
        self.race.stop()
        self.session.pause()
        self._batch = True
        self.session.load(self._config({"name": "sgd", "learning_rate": self.lr_spin.value()}))
        self._batch = False
        self._reset_race()
        self._redraw()

    def _on_surface_chosen(self) -> None:
        key = self.surface_combo.currentData()
        if key == "custom":
            self.formula_edit.setEnabled(True)
            self.formula_edit.setFocus()
            self.formula_edit.selectAll()
        else:
            self.apply_preset(key)

    def _on_learning_rate(self, lr: float) -> None:
        self.session.set_learning_rate(lr)
        self.race.set_learning_rate(lr)
        self._redraw()

    def _on_map_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        p: QPointF | None = self.cost_map.point_at(event.scenePos())
        if p is not None:
            self.set_start(p.x(), p.y())

    def _on_step(self, n: int) -> None:
        if self.race.on:
            if n == 1:
                self.race.step(1)
                self._redraw()
            else:
                self.race.start(n)
        else:
            self.session.step(n)

    def _on_run(self, run: bool) -> None:
        if self.race.on:
            if run:
                self.race.start(math.inf)
            else:
                self.race.stop()
        elif run:
            self.session.run()
        else:
            self.session.pause()

    def _on_session_running(self, running: bool) -> None:
        if not self.race.on:
            self.controls.set_running(running)

    def _on_snapshot(self, snap) -> None:
        if snap.diverged:
            self._show_status(snap.diverged)
        elif snap.stop_reason:
            self._show_status(f"Paused: {snap.stop_reason}.", error=False)
        if not (self._batch or self.race.stepping):
            self._redraw()

    def _show_status(self, text: str, error: bool = True) -> None:
        self._status = (text, error)
        self._redraw_numbers()

    def _on_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export run", "two-parameters.csv", "CSV files (*.csv)"
        )
        if path:
            self.session.export(path)

    # ------------------------------------------------------------------ race
    def _on_race_toggled(self, on: bool) -> None:
        self.race.stop()
        self.session.pause()
        self.race.on = on
        self.controls.set_running(False)
        self.session.reset()  # everyone starts together
        self._reset_race()
        self._redraw()

    def _reset_race(self) -> None:
        self.race.reset(self._config, self.lr_spin.value())

    # ------------------------------------------------------------------ drawing
    _status: tuple[str, bool] = ("", False)

    def _redraw(self) -> None:
        with np.errstate(all="ignore"):  # diverging or vanishing numbers are drawn, not raised
            self._redraw_all()

    def _redraw_all(self) -> None:
        t = self.session.trainer
        if t is None or self._expr is None:
            return
        p, g, lr, cost = t.parameters, t.gradients, t.learning_rate, t.cost
        step = g * -lr  # the optimizer's own arithmetic (SGD): update = grad * (-lr)
        # In the race the paths are the story: the arrows (of the SGD point) would hide them.
        self.cost_map.draw(p, g, step, t.history.params(), arrows=not self.race.on)
        self.race.draw()
        self.slices.draw(self._expr, (self._x_range, self._y_range), p, g, cost)
        self._redraw_numbers()

    def _redraw_numbers(self) -> None:
        t = self.session.trainer
        if t is None or self._expr is None:
            return
        self.panel.show(
            t, self._derivative_texts, self.race.on, self._status, self.exercise.is_on()
        )
        self.exercise.follow(t)
