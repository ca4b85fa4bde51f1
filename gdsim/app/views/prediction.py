"""What the network predicts right now, drawn over its data.

* classification with 2 inputs: a heat map of the predicted probability of class 1 over the
  data's x1/x2 range (+10% margin), the 0.5 contour (the decision boundary), training points as
  filled circles and test points as hollow circles, coloured by their true class. With a softmax
  over K > 2 classes the map shows the predicted class's colour, paler where the network is
  less sure.
* regression with 1 input: the data points and the fitted curve yhat(x).
* anything else: a note, and the accuracy or mean squared error in the caption.
* classification (any number of inputs or classes), beside the picture: the confusion matrix on
  the test or training set, the accuracy over time (train and test, from the trainer's accuracy
  extras) and the misclassified samples, as images for image-like inputs
  (:class:`gdsim.app.views.prediction_classes.ClassesPanel`).

The view takes every snapshot's rows (for the accuracy over time, a few numbers a step) but
computes and draws only while it shows, at most 5 times a second.

The view keeps its own `Network` built from the run's config and copies each snapshot's
parameters into it: the GUI never touches the trainer. One redraw of the default 2-4-1 network
(a 60 x 60 grid) takes a few milliseconds.

This module is the view (what to show for which data, when to redraw); the picture is
:class:`gdsim.app.views.prediction_plot.PredictionPlot` and the grid, the map's values and
colours, the accuracy and error and the caption are :mod:`gdsim.app.views.prediction_numbers`
(Qt-free).
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.run_view import Feed
from gdsim.app.views.prediction_classes import ClassesPanel
from gdsim.app.views.prediction_classes_numbers import predicted_classes
from gdsim.app.views.prediction_numbers import (
    CURVE_POINTS,
    GRID,
    boundary_grid,
    boundary_values,
    caption_text,
    curve_inputs,
    grid_size,
    squared_error,
)
from gdsim.app.views.prediction_plot import CLASS_COLORS, PredictionPlot
from gdsim.app.views.weight_images_numbers import image_shape_of
from gdsim.config import ConfigError
from gdsim.engine.datasets import DataError, Dataset
from gdsim.engine.network import Network
from gdsim.session.run_model import has_plane, plane_inputs, run_data, run_model
from gdsim.session.runstate import RunInfo, Snapshot

__all__ = ["PredictionView", "GRID", "CURVE_POINTS", "CLASS_COLORS"]

# While a run goes on, a redraw waits until this many times its own duration has passed since
# the last one (the GUI spends at most ~1/(1 + BUSY_SHARE) of its time here, e.g. predicting a
# large data set); small data sets redraw at the feed's rate all the same.
BUSY_SHARE = 9.0


class PredictionView(QWidget):
    """Live predictions of the network: decision boundary, fitted curve, or a note."""

    # every row (the accuracy over time), but it computes and draws only while it shows
    run_feed = Feed(every_row=True)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("predictionView")
        self._kind = "none"  # "none" | "boundary" | "curve" | "other"
        self._run_id: int | None = None
        self._pinned: Snapshot | None = None  # the timeline's past step, shown instead
        self._latest: tuple[np.ndarray, int] | None = None  # the latest, meanwhile
        self._net: Network | None = None
        self._data: Dataset | None = None
        self._n_out = 0
        self._grid_x = np.zeros(0)
        self._grid_y = np.zeros(0)
        self._grid_points = np.zeros((2, 0))
        self._grid_inputs = self._grid_points
        self._grid_values: np.ndarray | None = None
        self._curve_x = np.zeros(0)
        self._curve_y: np.ndarray | None = None
        self._accuracy: tuple[float, float] | None = None
        self._mse: tuple[float, float] | None = None
        self._step: int | None = None
        self._classify = False
        self._image_shape: tuple[int, int] | None = None
        self._predicted: dict[str, np.ndarray] = {}
        self._dirty = False
        self._drawn_at = -math.inf  # when the last redraw ended, and how long it took
        self._draw_cost = 0.0
        self.redraws = 0  # how many times the view computed a picture (tests: idle when hidden)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.note = QLabel()
        self.note.setObjectName("predictionNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setStyleSheet("color: palette(placeholder-text); padding: 12px;")
        self.graphics = PredictionPlot()
        g = self.graphics  # (its items, as the view's attributes)
        self.plot, self.image, self.fit, self.points = g.plot, g.image, g.fit, g.points
        self.boundary, self.colorbar, self.legend = g.boundary, g.colorbar, g.legend
        self.boundary_sample = g.boundary_sample
        self.caption = QLabel()
        self.caption.setObjectName("predictionCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.picture = QWidget()  # the note or the plot
        column = QVBoxLayout(self.picture)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.note, 1)
        self.toggles = QWidget()  # over the plot: how the map and the points are drawn
        toggles = QHBoxLayout(self.toggles)
        toggles.setContentsMargins(2, 0, 2, 0)
        self.discretize_check = QCheckBox("Discretize output")
        self.discretize_check.setObjectName("discretizeOutputCheck")
        self.discretize_check.setToolTip(
            "Colour the map by the predicted class (output ≥ 0.5 → class 1; several outputs: "
            "the largest) instead of the network's continuous output"
        )
        self.test_check = QCheckBox("Show test data")
        self.test_check.setObjectName("showTestDataCheck")
        self.test_check.setChecked(True)
        self.test_check.setToolTip(
            "Draw the test points too (hollow rings): data the network never trains on"
        )
        toggles.addWidget(self.discretize_check)
        toggles.addWidget(self.test_check)
        toggles.addStretch(1)
        column.addWidget(self.toggles)
        column.addWidget(self.graphics, 1)
        self.discretize_check.toggled.connect(self._on_discretize)
        self.test_check.toggled.connect(self.graphics.set_test_visible)
        self.classes = ClassesPanel()
        self.classes.set_changed.connect(self._on_set_changed)
        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.setObjectName("predictionSplitter")
        self.body.setChildrenCollapsible(False)
        self.body.addWidget(self.picture)
        self.body.addWidget(self.classes)
        self.body.setStretchFactor(0, 2)
        self.body.setStretchFactor(1, 3)
        self.classes.hide()
        layout.addWidget(self.body, 1)
        layout.addWidget(self.caption)

        self._show_note("Prediction view: start a run to see what the network predicts.")
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        """Colours from the theme in force; the points are drawn again if there are any."""
        self.graphics.apply_theme()
        self.classes.apply_theme()
        if self._kind == "boundary" and self._grid_values is not None:
            self._draw_boundary()  # (a softmax map blends into the background)
        if self._classify and self._predicted:
            self._show_classes()  # (sample images are drawn in the theme's ink)

    # ------------------------------------------------------------------ public API
    def start_run(self, info: RunInfo, dataset: Dataset | None = None) -> None:
        """A new run: build the view's own network from the config and draw its data.

        `dataset` stands in for the config's data section (as it does for `Trainer`)."""
        self._run_id = info.run_id
        self._pinned = self._latest = None
        self._reset()
        config = info.config
        if config.mode != "network":
            self._show_note(
                "Prediction view: for networks. In function mode there is no data "
                "to predict; watch the cost and parameter plots instead."
            )
            return
        try:
            data = run_data(config) if dataset is None else dataset
        except (DataError, ConfigError, ValueError, OSError) as exc:
            self._show_note(f"Prediction view: cannot load the data: {exc}")
            return
        try:
            net = run_model(config, data).network
        except (ConfigError, ValueError) as exc:
            self._show_note(f"Prediction view: the network does not match the data: {exc}")
            return
        if net.n_params != len(info.parameter_names):
            self._show_note("Prediction view: the network does not match this run.")
            return
        self._net, self._data = net, data
        self._n_out = net.sizes[-1]
        classify = data.task == "classification" and self._n_out in (1, data.n_classes)
        self._classify = classify
        if classify:
            self._image_shape = image_shape_of(data, data.n_inputs, config.data.source == "csv")
            self.classes.start(info.extra_names, data.x_test.shape[1] > 0)
            self.classes.show()
        self.graphics.set_compact(classify)
        if classify and has_plane(data):  # (2 inputs, or input features made from 2)
            self._setup_boundary(data)
            self.picture.setMinimumWidth(300)  # the map and its colour bar
            self.body.setSizes([350, 650])
        elif (
            data.task == "regression"
            and data.n_inputs == 1
            and self._n_out == 1
            and data.y_train.shape[0] == 1
        ):
            self._setup_curve(data)
        else:
            self._kind = "other"
            what = "classification" if data.task == "classification" else "regression"
            if classify:  # the class panel beside says the rest
                self._show_note(
                    f"No picture for {data.n_inputs} inputs: a decision-boundary map needs 2 "
                    "inputs (a fitted curve, 1 input). Beside it: how the network classifies."
                )
                self.caption.show()
                self.body.setSizes([200, 800])
                self._update_caption()
                return
            self._show_note(
                f"Prediction view: this {what} has {data.n_inputs} input(s) and "
                f"{self._n_out} output(s); the picture needs 1 input (regression) or 2 inputs "
                "(classification). The caption shows how the network is doing."
            )
            self.caption.show()
        self._update_caption()

    def update_from(self, snap: Snapshot) -> None:
        """Keep the snapshot's accuracy rows; copy its parameters into the view's network and
        redraw, now if the view shows, else when it is shown."""
        net = self._net
        if net is None or snap.run_id != self._run_id:
            return
        params = np.asarray(snap.parameters, dtype=np.float64)
        if params.shape != net.theta.shape:
            return
        if self._classify:
            self.classes.accuracy.add(snap.chunk)
        self._latest = (params, snap.step)
        if self._pinned is not None:
            return  # the timeline's step stays shown
        net.theta[...] = params
        self._step = snap.step
        if not self.isVisible():
            self._dirty = True
        elif snap.running and time.monotonic() - self._drawn_at < BUSY_SHARE * self._draw_cost:
            self._dirty = True  # a big data set: the pause's final update draws it
        else:
            self._redraw()

    def pin(self, state: Snapshot | None) -> None:
        """Predict with `state`'s parameters (the timeline's past step); None: the latest."""
        net = self._net
        if net is None or (state is not None and state.run_id != self._run_id):
            return
        shown = (state.parameters, state.step) if state is not None else self._latest
        if shown is None or np.shape(shown[0]) != net.theta.shape:
            return
        self._pinned = state
        self.classes.cursor.show_at(state.step if state is not None else None)
        net.theta[...] = shown[0]
        self._step = shown[1]
        if self.isVisible():
            self._redraw()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._dirty and self._net is not None:
            self._redraw()

    def _redraw(self) -> None:
        self._dirty = False
        self.redraws += 1
        start = time.monotonic()
        self._draw()
        self._drawn_at = time.monotonic()
        self._draw_cost = self._drawn_at - start

    def _draw(self) -> None:
        if self._kind == "boundary":
            self._draw_boundary()
        elif self._kind == "curve":
            self._draw_curve()
        self._measure()
        self._update_caption()
        if self._classify:
            self._show_classes()
            self.classes.draw_accuracy()

    def predicted(self, which: str) -> np.ndarray | None:
        """The class each sample of the "train" or "test" set is predicted as now, or None."""
        p = self._predicted.get(which)
        return None if p is None else p.copy()

    def grid_values(self) -> np.ndarray | None:
        """The 2-D array behind the heat map, [i, j] at (grid_axes()[0][i], grid_axes()[1][j]).

        p(class 1) for a sigmoid (or any single-output) network and for a 2-class softmax; the
        predicted class's probability for a softmax over more classes. None before any update.
        """
        return None if self._grid_values is None else self._grid_values.copy()

    def grid_axes(self) -> tuple[np.ndarray, np.ndarray]:
        """The x1 and x2 coordinates of the heat map's cell centres."""
        return self._grid_x.copy(), self._grid_y.copy()

    def grid_points(self) -> np.ndarray:
        """The grid's points in the input plane (2 x GRID**2: x1, x2; the raw ones under input
        features, which are made from them), in the order of ``grid_values().ravel()``."""
        return self._grid_points.copy()

    def curve_data(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(x, yhat) of the fitted regression curve, or None."""
        if self._curve_y is None:
            return None
        return self._curve_x.copy(), self._curve_y.copy()

    def accuracy(self) -> tuple[float, float] | None:
        """(train, test) fraction correct at the current step (NaN without test data), or None
        when this is not a classification run or nothing has been drawn yet."""
        return self._accuracy

    def mse(self) -> tuple[float, float] | None:
        """(train, test) mean squared error of the outputs (regression), or None."""
        return self._mse

    def kind(self) -> str:
        """What is shown: "boundary", "curve", "other" (a note and the caption) or "none"."""
        return self._kind

    def note_text(self) -> str:
        return self.note.text() if not self.note.isHidden() else ""

    # ------------------------------------------------------------------ set-up
    def _reset(self) -> None:
        self._kind = "none"
        self._net = None
        self._grid_values = None
        self._curve_y = None
        self._accuracy = None
        self._mse = None
        self._step = None
        self._classify = False
        self._image_shape = None
        self._predicted = {}
        self._dirty = False
        self.classes.hide()
        self.picture.setMinimumWidth(0)
        self.graphics.reset()
        self.caption.clear()

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()
        self.graphics.hide()
        self.toggles.hide()
        self.caption.hide()

    def _show_plot(self) -> None:
        self.note.hide()
        self.graphics.show()
        self.toggles.show()
        self.caption.show()

    def _on_discretize(self, _on: bool) -> None:
        if self._kind == "boundary" and self._grid_values is not None:
            self._draw_boundary()

    def _setup_boundary(self, data: Dataset) -> None:
        self._kind = "boundary"
        self._show_plot()
        self.discretize_check.setEnabled(True)
        grid = boundary_grid(data, grid_size(self._net.n_params))
        self._grid_x, self._grid_y, self._grid_points = grid.x, grid.y, grid.points
        self._grid_inputs = plane_inputs(data, grid.points)  # (the features of the points)
        self.graphics.show_boundary(data, grid, self._n_out)
        self.graphics.set_test_visible(self.test_check.isChecked())

    def _setup_curve(self, data: Dataset) -> None:
        self._kind = "curve"
        self._show_plot()
        self.discretize_check.setEnabled(False)  # (a fitted curve has no classes)
        self._curve_x = curve_inputs(data)
        self.graphics.show_curve(data)
        self.graphics.set_test_visible(self.test_check.isChecked())

    # ------------------------------------------------------------------ drawing
    def _draw_boundary(self) -> None:
        out = self._net.predict(self._grid_inputs)
        self._grid_values = boundary_values(out)
        self.graphics.draw_boundary(out, self._grid_values, self.discretize_check.isChecked())

    def _draw_curve(self) -> None:
        y = self._net.predict(self._curve_x[None, :])[0]
        self._curve_y = y
        self.graphics.draw_curve(self._curve_x, y)

    # ------------------------------------------------------------------ numbers
    def _measure(self) -> None:
        data, net = self._data, self._net
        if data is None or net is None:
            return
        if self._classify:  # one forward pass a set, for the caption and the class panel
            accuracy = []
            for which, x, y in (
                ("train", data.x_train, data.y_train),
                ("test", data.x_test, data.y_test),
            ):
                predicted = predicted_classes(net.predict(x))
                self._predicted[which] = predicted
                accuracy.append(float(np.mean(predicted == y[0])) if y.size else math.nan)
            self._accuracy = (accuracy[0], accuracy[1])
        elif data.task == "regression" and self._n_out == data.y_train.shape[0]:
            self._mse = (
                squared_error(net, data.x_train, data.y_train),
                squared_error(net, data.x_test, data.y_test),
            )

    def _show_classes(self) -> None:
        """The class panel for the chosen set, from the predictions of the last redraw."""
        data, which = self._data, self.classes.which
        predicted = self._predicted.get(which)
        if data is None or predicted is None:
            return
        x, y = (data.x_test, data.y_test) if which == "test" else (data.x_train, data.y_train)
        if data.input_mean is not None:  # the samples as the data has them, not standardised
            x = x * data.input_scale[:, None] + data.input_mean[:, None]
        k = max(2, data.n_classes)
        self.classes.show_set(x, y[0], predicted, k, data.input_names, self._image_shape)

    def _on_set_changed(self, _which: str) -> None:
        if self._predicted:
            self._show_classes()

    def _update_caption(self) -> None:
        if self._net is None:
            return
        self.caption.setText(caption_text(self._step, self._accuracy, self._mse, self._n_out))
