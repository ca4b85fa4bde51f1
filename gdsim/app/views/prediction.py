"""What the network predicts right now, drawn over its data.

* classification with 2 inputs: a heat map of the predicted probability of class 1 over the
  data's x1/x2 range (+10% margin), the 0.5 contour (the decision boundary), training points as
  filled circles and test points as hollow circles, coloured by their true class. With a softmax
  over K > 2 classes the map shows the predicted class's colour, paler where the network is
  less sure.
* regression with 1 input: the data points and the fitted curve yhat(x).
* anything else: a note, and the accuracy or mean squared error in the caption.

The view keeps its own `Network` built from the run's config and copies each snapshot's
parameters into it: the GUI never touches the trainer. One redraw of the default 2-4-1 network
(a 60 x 60 grid) takes a few milliseconds.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gdsim.app import theme
from gdsim.app.run_view import Feed
from gdsim.app.views.run_model import run_data, run_model
from gdsim.config import ConfigError
from gdsim.engine.datasets import DataError, Dataset
from gdsim.engine.network import Network
from gdsim.session.runstate import RunInfo, Snapshot

__all__ = ["PredictionView", "GRID", "CURVE_POINTS", "CLASS_COLORS"]

GRID = 60  # the heat map has GRID x GRID cells
CURVE_POINTS = 200  # points on the fitted regression curve
MARGIN = 0.10  # the heat map extends this fraction of the data range beyond it

# Class colours: the data-series colours for the points; behind them a diverging map from a
# soft class-0 colour through the plot background (p = 0.5) to a soft class-1 colour.
CLASS_COLORS = theme.SERIES
_MAP_ENDS = {"light": ("#7fb2de", "#ffb677"), "dark": ("#1d4d78", "#7a4514")}
# test points are rings, in colours that stand out from the map's end of their own class
_TEST_COLORS = {"light": ("#0d4a7a", "#b34f00"), "dark": ("#9ccbf2", "#ffb26b")}


def _fmt_pct(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{100.0 * x:.1f}%"


def _fmt_num(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:.4g}"


def _rgb(color: str) -> np.ndarray:
    c = pg.mkColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


class PredictionView(QWidget):
    """Live predictions of the network: decision boundary, fitted curve, or a note."""

    run_feed = Feed(only_visible=True)  # the latest state, while its tab shows

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("predictionView")
        self._kind = "none"  # "none" | "boundary" | "curve" | "other"
        self._run_id: int | None = None
        self._net: Network | None = None
        self._data: Dataset | None = None
        self._n_out = 0
        self._grid_x = np.zeros(0)
        self._grid_y = np.zeros(0)
        self._grid_points = np.zeros((2, 0))
        self._image_rect = QRectF()
        self._grid_values: np.ndarray | None = None
        self._curve_x = np.zeros(0)
        self._curve_y: np.ndarray | None = None
        self._accuracy: tuple[float, float] | None = None
        self._mse: tuple[float, float] | None = None
        self._step: int | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.note = QLabel()
        self.note.setObjectName("predictionNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setStyleSheet("color: palette(placeholder-text); padding: 12px;")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumSize(260, 120)  # (the caption must fit below in a short tab)
        self.caption = QLabel()
        self.caption.setObjectName("predictionCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.caption)

        gl = self.graphics.ci
        gl.setContentsMargins(4, 4, 4, 4)
        self.plot = pg.PlotItem()
        gl.addItem(self.plot, row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=False)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.getViewBox().setDefaultPadding(0.0)

        # the decision-boundary pieces (colours: _apply_theme)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setZValue(-10)
        self.boundary = pg.IsocurveItem(level=0.5)
        self.boundary.setParentItem(self.image)  # drawn in the image's pixel coordinates
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), interactive=False, width=14)
        self.colorbar.getAxis("right").setLabel("predicted p(class 1)")
        gl.addItem(self.colorbar, row=0, col=1)
        # beside the plot, not under it: the tab is wide and short, and a plot of 2-D data keeps
        # equal scales, so every pixel of height is worth more than width
        self.legend = pg.LegendItem(colCount=1, labelTextSize="8pt", verSpacing=-6)
        gl.addItem(self.legend, row=0, col=2)
        self.boundary_sample = pg.PlotDataItem()  # the boundary's line in the legend

        # the regression pieces
        self.fit = pg.PlotDataItem()
        self.points: list[pg.ScatterPlotItem] = []
        # each point set: (item, hollow, its colour in a theme's Colors)
        self._point_styles: list[tuple[pg.ScatterPlotItem, bool, object]] = []

        self._show_note("Prediction view: start a run to see what the network predicts.")
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        """Colours from the theme in force; the points are drawn again if there are any."""
        c = theme.colors()
        ends = _MAP_ENDS[c.name]
        self.cmap = pg.ColorMap([0.0, 0.5, 1.0], [ends[0], c.background, ends[1]])
        self.image.setLookupTable(self.cmap.getLookupTable(0.0, 1.0, 256))
        self.colorbar.setColorMap(self.cmap)
        self.boundary.setPen(pg.mkPen(c.foreground, width=theme.px(1.5)))
        self.fit.setPen(pg.mkPen(c.series[6], width=theme.px(2)))  # red, as before
        self.boundary_sample.setPen(pg.mkPen(c.foreground, width=theme.px(1.5)))
        theme.style_plot(self.graphics)
        for item, hollow, color_of in self._point_styles:
            self._style_points(item, hollow, color_of(c))
        self.legend.update()
        if self._kind == "boundary" and self._grid_values is not None:
            self._draw_boundary()  # (a softmax map blends into the background)

    # ------------------------------------------------------------------ public API
    def start_run(self, info: RunInfo, dataset: Dataset | None = None) -> None:
        """A new run: build the view's own network from the config and draw its data.

        `dataset` stands in for the config's data section (as it does for `Trainer`)."""
        self._run_id = info.run_id
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
        if classify and data.n_inputs == 2:
            self._setup_boundary(data)
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
            self._show_note(
                f"Prediction view: this {what} has {data.n_inputs} input(s) and "
                f"{self._n_out} output(s); the picture needs 1 input (regression) or 2 inputs "
                "(classification). The caption shows how the network is doing."
            )
            self.caption.show()
        self._update_caption()

    def update_from(self, snap: Snapshot) -> None:
        """Copy the snapshot's parameters into the view's network and redraw."""
        net = self._net
        if net is None or snap.run_id != self._run_id:
            return
        params = np.asarray(snap.parameters, dtype=np.float64)
        if params.shape != net.theta.shape:
            return
        net.theta[...] = params
        self._step = snap.step
        if self._kind == "boundary":
            self._draw_boundary()
        elif self._kind == "curve":
            self._draw_curve()
        self._measure()
        self._update_caption()

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
        """The grid as network inputs (2 x GRID**2, features x samples), in the order of
        ``grid_values().ravel()``."""
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
        for item in self.points:
            self.plot.removeItem(item)
        self.points = []
        self._point_styles = []
        self.plot.removeItem(self.image)
        self.plot.removeItem(self.fit)
        self.legend.clear()
        self.caption.clear()

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()
        self.graphics.hide()
        self.caption.hide()

    def _show_plot(self) -> None:
        self.note.hide()
        self.graphics.show()
        self.caption.show()

    def _label_axes(self, data: Dataset, x: str, y: str) -> None:
        axis = theme.colors().axis
        self.plot.setLabel("bottom", x, color=axis)
        self.plot.setLabel("left", y, color=axis)

    def _add_points(
        self,
        x: np.ndarray,
        y: np.ndarray,
        *,
        hollow: bool,
        color_of,
        name: str,
        size: float = 7.0,
    ) -> None:
        """Train points filled, test points as rings; `color_of(theme.colors())` is their
        colour (kept, so a theme change can colour them again)."""
        item = pg.ScatterPlotItem(x=x, y=y, symbol="o", size=size, name=name)
        self._style_points(item, hollow, color_of(theme.colors()))
        self.plot.addItem(item)
        self.points.append(item)
        self._point_styles.append((item, hollow, color_of))
        self.legend.addItem(item, name)

    @staticmethod
    def _style_points(item: pg.ScatterPlotItem, hollow: bool, color: str) -> None:
        if hollow:
            item.setPen(pg.mkPen(color, width=theme.px(1.6)))
            item.setBrush(pg.mkBrush(None))
        else:  # a ring in the background colour sets overlapping points apart
            item.setPen(pg.mkPen(theme.colors().background, width=0.8))
            item.setBrush(pg.mkBrush(color))

    def _setup_boundary(self, data: Dataset) -> None:
        self._kind = "boundary"
        self._show_plot()
        x_all = np.hstack([data.x_train, data.x_test])
        lo, hi = x_all.min(axis=1), x_all.max(axis=1)
        span = np.where(hi > lo, hi - lo, 1.0)
        lo, hi = lo - MARGIN * span, hi + MARGIN * span
        self._grid_x = np.linspace(lo[0], hi[0], GRID)
        self._grid_y = np.linspace(lo[1], hi[1], GRID)
        g1, g2 = np.meshgrid(self._grid_x, self._grid_y, indexing="ij")
        self._grid_points = np.ascontiguousarray(np.vstack([g1.ravel(), g2.ravel()]))
        dx = (hi[0] - lo[0]) / (GRID - 1)
        dy = (hi[1] - lo[1]) / (GRID - 1)
        self.plot.addItem(self.image)
        self.image.clear()
        # cell centres on the grid points; applied after each setImage (setRect scales by the
        # current image's size, so it must see a GRID x GRID image)
        self._image_rect = QRectF(lo[0] - dx / 2, lo[1] - dy / 2, GRID * dx, GRID * dy)
        self.boundary.setData(None)
        multi = self._n_out > 2
        self.colorbar.setVisible(not multi)
        self.boundary.setVisible(not multi)
        self._label_axes(data, data.input_names[0], data.input_names[1])
        k = max(data.n_classes, 2)
        for c in range(k):
            m = data.y_train[0] == c
            self._add_points(
                data.x_train[0, m],
                data.x_train[1, m],
                hollow=False,
                color_of=lambda colors, c=c: colors.series[c % len(colors.series)],
                name=f"train: class {c}",
            )
        for c in range(k):
            m = data.y_test[0] == c
            if not m.any():
                continue
            self._add_points(
                data.x_test[0, m],
                data.x_test[1, m],
                hollow=True,
                color_of=lambda colors, c=c: (
                    _TEST_COLORS[colors.name][c]
                    if k == 2
                    else colors.series[c % len(colors.series)]
                ),
                name=f"test: class {c}",
                size=8.0,
            )
        if not multi:
            self.legend.addItem(self.boundary_sample, "boundary p = 0.5")
        # Same scale on both axes when the inputs are comparable (the built-in sets), so a
        # spiral looks like a spiral; a CSV with, say, metres against years keeps free axes.
        spans = hi - lo
        self.plot.setAspectLocked(bool(max(spans) <= 4 * min(spans)), ratio=1.0)
        self.plot.setXRange(lo[0], hi[0], padding=0.0)
        self.plot.setYRange(lo[1], hi[1], padding=0.0)
        self.plot.setTitle(
            "what the network predicts (background) vs the true classes (points)",
            color=theme.colors().foreground,
            size="9pt",
        )

    def _setup_curve(self, data: Dataset) -> None:
        self._kind = "curve"
        self._show_plot()
        self.colorbar.setVisible(False)
        self.plot.setAspectLocked(False)  # x against y of a curve: different quantities
        x_all = np.hstack([data.x_train, data.x_test])[0]
        lo, hi = float(x_all.min()), float(x_all.max())
        if hi <= lo:
            lo, hi = lo - 1.0, hi + 1.0
        self._curve_x = np.linspace(lo, hi, CURVE_POINTS)
        self._label_axes(data, data.input_names[0], data.target_names[0])
        self._add_points(
            data.x_train[0],
            data.y_train[0],
            hollow=False,
            color_of=lambda colors: colors.series[0],
            name="train data",
        )
        if data.x_test.shape[1]:
            self._add_points(
                data.x_test[0],
                data.y_test[0],
                hollow=True,
                color_of=lambda colors: _TEST_COLORS[colors.name][1],
                name="test data",
                size=8.0,
            )
        self.fit.setData([], [])
        self.plot.addItem(self.fit)
        self.legend.addItem(self.fit, "network's prediction ŷ(x)")
        self.plot.enableAutoRange()
        self.plot.setTitle(
            "the network's fitted curve vs the data", color=theme.colors().foreground, size="9pt"
        )

    # ------------------------------------------------------------------ drawing
    def _draw_boundary(self) -> None:
        out = self._net.predict(self._grid_points)
        if self._n_out == 1:
            values = out[0]
        elif self._n_out == 2:
            values = out[1]
        else:
            values = out.max(axis=0)
        values = values.reshape(GRID, GRID)
        self._grid_values = values
        shown = np.where(np.isfinite(values), values, 0.5)
        if self._n_out <= 2:
            self.image.setImage(shown, levels=(0.0, 1.0), autoLevels=False)
            self.boundary.setData(shown)
        else:
            self.image.setImage(self._class_rgba(out), autoLevels=False, levels=(0, 255))
        self.image.setRect(self._image_rect)

    def _class_rgba(self, out: np.ndarray) -> np.ndarray:
        """Softmax over K > 2 classes: the argmax class's colour, paler where less sure."""
        k = out.shape[0]
        finite = np.isfinite(out).all(axis=0)
        safe = np.where(finite, out, 1.0 / k)
        cls = safe.argmax(axis=0)
        conf = (safe.max(axis=0) - 1.0 / k) / (1.0 - 1.0 / k)
        alpha = 0.55 * np.clip(conf, 0.0, 1.0)
        colors = np.array([_rgb(CLASS_COLORS[c % len(CLASS_COLORS)]) for c in range(k)])
        background = _rgb(theme.colors().background)  # paler = closer to the background
        rgb = background * (1.0 - alpha[:, None]) + colors[cls] * alpha[:, None]
        rgba = np.empty((out.shape[1], 4), dtype=np.ubyte)
        rgba[:, :3] = np.clip(rgb, 0, 255).astype(np.ubyte)
        rgba[:, 3] = 255
        return rgba.reshape(GRID, GRID, 4)

    def _draw_curve(self) -> None:
        y = self._net.predict(self._curve_x[None, :])[0]
        self._curve_y = y
        finite = np.isfinite(y)
        if finite.all():
            self.fit.setData(self._curve_x, y)
        else:
            self.fit.setData(self._curve_x[finite], y[finite])

    # ------------------------------------------------------------------ numbers
    def _measure(self) -> None:
        data, net = self._data, self._net
        if data is None or net is None:
            return
        if data.task == "classification" and self._n_out in (1, data.n_classes):
            self._accuracy = (
                self._fraction_correct(data.x_train, data.y_train),
                self._fraction_correct(data.x_test, data.y_test),
            )
        elif data.task == "regression" and self._n_out == data.y_train.shape[0]:
            self._mse = (
                self._squared_error(data.x_train, data.y_train),
                self._squared_error(data.x_test, data.y_test),
            )

    def _fraction_correct(self, x: np.ndarray, y: np.ndarray) -> float:
        if x.shape[1] == 0:
            return math.nan
        out = self._net.predict(x)
        if self._n_out == 1:
            predicted = (out[0] >= 0.5).astype(np.float64)
        else:
            predicted = np.argmax(np.where(np.isfinite(out), out, -np.inf), axis=0)
        return float(np.mean(predicted == y[0]))

    def _squared_error(self, x: np.ndarray, y: np.ndarray) -> float:
        if x.shape[1] == 0:
            return math.nan
        with np.errstate(all="ignore"):
            return float(np.mean((self._net.predict(x) - y) ** 2))

    def _update_caption(self) -> None:
        if self._net is None:
            return
        step = "not started" if self._step is None else f"step {self._step:,}"
        if self._accuracy is not None:
            train, test = self._accuracy
            rule = "output ≥ 0.5 → class 1" if self._n_out == 1 else "most likely class"
            text = (
                f"{step}  ·  accuracy: train {_fmt_pct(train)}, test {_fmt_pct(test)}"
                f"  (predicted class: {rule})"
            )
        elif self._mse is not None:
            train, test = self._mse
            text = f"{step}  ·  mean squared error: train {_fmt_num(train)}, test {_fmt_num(test)}"
        else:
            text = f"{step}  ·  waiting for the first parameters"
        self.caption.setText(text)
