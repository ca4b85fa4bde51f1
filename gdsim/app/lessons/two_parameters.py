"""Lesson: gradient descent on a cost of two parameters, C(w1, w2).

The map shows C as colour with contour lines, the current point, the gradient drawn from it to
scale (with its two partial derivatives as the horizontal and vertical legs), the step
-lr * gradient, and the path so far. Two slice plots show where the partial derivatives come
from: C along w1 with w2 held fixed, and along w2 with w1 held fixed, each with the tangent whose
slope is that partial derivative. The "Optimizer race" runs SGD, momentum, Nesterov, RMSProp and
Adam from the same start, one Trainer each, stepped together by a QTimer in the GUI thread
(function-mode steps take microseconds).

Everything is read straight from `session.trainer` (a LocalSession trains in this thread), so
what is drawn is exactly what the trainer holds.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.controls import SPEEDS, TrainingControls
from gdsim.app.lessons.presets import Preset, find_preset, load_preset, presets_for, start_point
from gdsim.app.lessons.surfaces import PARAMETERS, SURFACES, Surface, find_surface, grid
from gdsim.app.local_session import LocalSession
from gdsim.config import Config, ConfigError, config_from_dict
from gdsim.engine.expression import ExpressionError, parse_expression
from gdsim.engine.trainer import Trainer

CUSTOM = "custom…"
GRID_N = 200
N_ISOCURVES = 12
DRAW_LIMIT = 1e6  # coordinates beyond this are clipped before drawing (pyqtgraph-safe)
MAX_PATH_POINTS = 3000  # longer paths are thinned for drawing
MAX_DOTS = 100  # dots on a path only while it is this short
RACE_HISTORY_BUDGET = 4 * 2**20

# On the map, drawn over the pale surface whatever the theme (the slices and the numbers use the
# theme's gradient red and update green instead).
GRADIENT_COLOR = (200, 30, 30)
STEP_COLOR = (0, 135, 60)
PATH_COLOR = (40, 40, 40)
# Pale colours for the surface, so the arrows and paths stand out: low = blue, high = orange.
SURFACE_COLORS = [
    (190, 214, 238),
    (222, 238, 232),
    (250, 244, 214),
    (251, 214, 170),
    (240, 170, 140),
]

# key, label, colour, optimizer settings (learning rates are added per surface). The colours are
# data-series colours: they read on the pale map and, as check box text, on light and dark.
RACE = (
    ("sgd", "SGD", theme.SERIES[0], {"name": "sgd"}),
    ("momentum", "Momentum 0.9", theme.SERIES[1], {"name": "sgd", "momentum": 0.9}),
    (
        "nesterov",
        "Nesterov 0.9",
        theme.SERIES[4],
        {"name": "sgd", "momentum": 0.9, "nesterov": True},
    ),
    ("rmsprop", "RMSProp", theme.SERIES[7], {"name": "rmsprop"}),
    ("adam", "Adam", theme.SERIES[3], {"name": "adam"}),
)
SGD_FAMILY = ("sgd", "momentum", "nesterov")  # these follow the lesson's learning rate


def _nowrap(text: str) -> str:
    """Keep a formula on one line (Qt would break after a slash; U+2060 joins the words)."""
    return "<span style='white-space:nowrap'>" + text.replace("/", "/\u2060") + "</span>"


EXPLANATION = (
    "<b>Where the gradient comes from.</b> Change one parameter and hold the other still: "
    "with w2 frozen, C becomes an ordinary curve in w1 (upper slice), and the slope of that "
    f"curve where you stand is {_nowrap('∂C/∂w1')}. Freeze w1 instead and the slope along w2 "
    f"is {_nowrap('∂C/∂w2')} (lower slice). Written side by side, the two slopes form one "
    f"vector, the gradient {_nowrap('∇C = [∂C/∂w1, ∂C/∂w2]')}. On the map it points "
    "<span style='color:{red}'>uphill</span>, the way C rises fastest, across the contour "
    "lines. So gradient descent steps the <span style='color:{green}'>other way</span>: "
    f"{_nowrap('step = −learning rate × ∇C')}."
)


def _num(x: float, digits: int = 5) -> str:
    """A short, readable number with a real minus sign."""
    if not math.isfinite(x):
        return str(x)
    text = f"{x:.{digits}g}"
    return text.replace("-", "−")


def _vec(v) -> str:
    return "[" + ", ".join(_num(float(x)) for x in v) + "]"


def _clip(a):
    return np.clip(np.asarray(a, dtype=np.float64), -DRAW_LIMIT, DRAW_LIMIT)


def _surface_for(formula: str) -> Surface | None:
    """The built-in surface with this formula (its view, race rates and minimum mark), if any."""
    key = formula.replace(" ", "")
    return next((s for s in SURFACES if s.formula.replace(" ", "") == key), None)


def _thin(points: np.ndarray) -> np.ndarray:
    """Finite rows only, at most MAX_PATH_POINTS of them (always keeping the last)."""
    points = points[np.all(np.isfinite(points), axis=1)]
    if len(points) > MAX_PATH_POINTS:
        idx = np.unique(
            np.r_[np.linspace(0, len(points) - 1, MAX_PATH_POINTS).astype(int), len(points) - 1]
        )
        points = points[idx]
    return _clip(points)


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


def _surface_colormap(c: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """A lookup table and levels for C: colour stops at quantiles of C, so both a bowl and the
    steep walls of Rosenbrock show their structure (the image still holds C itself)."""
    finite = c[np.isfinite(c)]
    if finite.size == 0 or finite.max() == finite.min():
        cmap = pg.ColorMap([0.0, 1.0], [SURFACE_COLORS[0], SURFACE_COLORS[0]])
        return cmap.getLookupTable(0.0, 1.0, 16), (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    q = np.quantile(finite, np.linspace(0.0, 1.0, len(SURFACE_COLORS)))
    pos = (q - lo) / (hi - lo)
    pos = np.maximum.accumulate(pos + np.arange(len(pos)) * 1e-9)  # strictly increasing
    pos = (pos - pos[0]) / (pos[-1] - pos[0])
    cmap = pg.ColorMap(pos, SURFACE_COLORS)
    return cmap.getLookupTable(0.0, 1.0, 2048), (lo, hi)


class _Arrow:
    """A straight arrow on a plot: a line from start to end and a head at the end. When the
    end lies outside the visible view, the head sits where the line leaves the view (the line
    itself is drawn in full and clipped by the view)."""

    def __init__(
        self,
        plot: pg.PlotItem,
        color,
        width: float = 3.0,
        z: float = 20,
        style=Qt.PenStyle.SolidLine,
        head: int = 16,
    ):
        self.plot = plot
        px = theme.px  # widths in logical pixels, also on HiDPI screens
        self.line = pg.PlotCurveItem(
            pen=pg.mkPen(color, width=px(width), style=style), antialias=True
        )
        self.head = pg.ArrowItem(
            pen=pg.mkPen(color),
            brush=pg.mkBrush(color),
            headLen=px(head),
            headWidth=px(head * 0.7),
            tailLen=0,
        )
        for item, dz in ((self.line, 0), (self.head, 1)):
            item.setZValue(z + dz)
            plot.addItem(item)
        self.head_len = head
        self.start = np.zeros(2)
        self.end = np.zeros(2)

    def set(self, start: np.ndarray, end: np.ndarray) -> None:
        self.start, self.end = np.array(start, dtype=float), np.array(end, dtype=float)
        s, e = _clip(self.start), _clip(self.end)
        self.line.setData([s[0], e[0]], [s[1], e[1]])
        d = e - s
        if not np.all(np.isfinite(d)) or not np.any(d):
            self.head.hide()
            return
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        tip = e
        if not (x0 <= e[0] <= x1 and y0 <= e[1] <= y1):
            # Walk back along the line to the view's edge: t in [0, 1] with s + t d inside.
            t = 1.0
            for k, (lo, hi) in enumerate(((x0, x1), (y0, y1))):
                if d[k] > 0 and e[k] > hi:
                    t = min(t, (hi - s[k]) / d[k])
                elif d[k] < 0 and e[k] < lo:
                    t = min(t, (lo - s[k]) / d[k])
            tip = s + max(t, 0.0) * d
        vb = self.plot.getViewBox()
        px, py = vb.viewPixelSize() if vb.width() > 0 and vb.height() > 0 else (0.0, 0.0)
        if px > 0 and py > 0 and math.hypot(d[0] / px, d[1] / py) < self.head_len:
            self.head.hide()
            return  # too short for a head
        self.head.setPos(float(tip[0]), float(tip[1]))
        self.head.setStyle(angle=180.0 - math.degrees(math.atan2(d[1], d[0])))
        self.head.show()

    def set_visible(self, visible: bool) -> None:
        self.line.setVisible(visible)
        if not visible:
            self.head.hide()


def _plot(name: str, title: str) -> pg.PlotWidget:
    widget = pg.PlotWidget()
    widget.setObjectName(name)
    item = widget.getPlotItem()
    item.setTitle(title, size="10pt")  # (colours: TwoParameterLesson._apply_theme)
    item.setMenuEnabled(False)
    item.hideButtons()
    return widget


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
        self._race_rates: dict[str, float] = {}
        self._race: dict[str, Trainer] = {}
        self._race_on = False
        self._race_remaining = 0.0
        self._race_credit = 0.0
        self._race_last = 0.0
        self._batch = False  # True while the race steps the session: draw once at the end
        self._grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._tangents = [(np.zeros(2), np.zeros(2)), (np.zeros(2), np.zeros(2))]
        self._race_timer = QTimer(self)
        self._race_timer.setInterval(16)
        self._race_timer.timeout.connect(self._race_tick)
        self._image_timer = QTimer(self)  # re-evaluates the map after pans and resizes
        self._image_timer.setSingleShot(True)
        self._image_timer.setInterval(40)
        self._image_timer.timeout.connect(self._update_image)

        self._build()
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)
        self._wire()
        self.set_surface("valley")

    def _apply_theme(self, *_args) -> None:
        """Theme colours for the slices, the numbers and the words (the map keeps its own)."""
        c = theme.colors()
        for widget in (self.contour_plot, *self.slice_plots):
            theme.style_plot(widget)
        for curve, tangent, point in zip(
            self.slice_curves, self.slice_tangent_items, self.slice_points, strict=True
        ):
            curve.setPen(pg.mkPen(c.foreground, width=theme.px(2)))
            tangent.setPen(pg.mkPen(c.gradient, width=theme.px(2.5)))
            point.setPen(pg.mkPen(c.foreground, width=theme.px(2)))
            point.setBrush(pg.mkBrush(c.background))
        self.formula_error.setStyleSheet(f"color: {c.error.text};")
        self.explanation.setText(EXPLANATION.format(red=c.gradient, green=c.update))
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

        self._build_map()
        self._build_slices()
        side = self._build_side()

        slices = QVBoxLayout()
        slices.setSpacing(2)
        for label, widget in (
            (self.slice_labels[0], self.slice_plots[0]),
            (self.slice_labels[1], self.slice_plots[1]),
        ):
            slices.addWidget(label)
            slices.addWidget(widget, 1)

        body = QHBoxLayout()
        body.setContentsMargins(6, 0, 6, 6)
        body.addWidget(self.contour_plot, 5)
        body.addLayout(slices, 3)
        body.addWidget(side, 0)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        outer.addWidget(self.controls)
        if picker is not None:
            outer.addWidget(picker)
        outer.addWidget(self.formula_error)
        outer.addLayout(body, 1)

    def _build_map(self) -> None:
        self.contour_plot = _plot("contourPlot", "cost C(w1, w2): colour = height")
        plot = self.map = self.contour_plot.getPlotItem()
        plot.setLabel("bottom", "w1")
        plot.setLabel("left", "w2")
        plot.setAspectLocked(True)
        plot.getViewBox().setMouseEnabled(x=True, y=True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.isocurves = []
        for _ in range(N_ISOCURVES):
            iso = pg.IsocurveItem(
                level=0.0, pen=pg.mkPen((90, 90, 90, 140), width=1), axisOrder="row-major"
            )
            iso.setParentItem(self.image)
            self.isocurves.append(iso)
        self.minimum_marker = pg.ScatterPlotItem(
            symbol="star", size=14, brush=pg.mkBrush(255, 255, 255), pen=pg.mkPen(60, 60, 60)
        )
        self.minimum_marker.setZValue(5)
        plot.addItem(self.minimum_marker)
        self.path = pg.PlotDataItem(
            pen=pg.mkPen(PATH_COLOR, width=theme.px(1.5)),
            symbol="o",
            symbolSize=5,
            symbolBrush=pg.mkBrush(PATH_COLOR),
            symbolPen=None,
        )
        self.path.setZValue(10)
        plot.addItem(self.path)
        self.race_paths: dict[str, pg.PlotDataItem] = {}
        for key, label, color, _ in RACE:
            item = pg.PlotDataItem(
                pen=pg.mkPen(color, width=theme.px(2)),
                symbol="o",
                symbolSize=4,
                symbolBrush=pg.mkBrush(color),
                symbolPen=None,
                name=label,
            )
            item.setZValue(12)
            item.hide()
            plot.addItem(item)
            self.race_paths[key] = item
        self.legend = pg.LegendItem(
            offset=(8, -8),
            labelTextSize="8pt",
            verSpacing=-6,
        )  # (colours: theme.style_plot)
        self.legend.setParentItem(plot.getViewBox())
        self.legend.hide()

        # The partial derivatives: the gradient's legs along w1 and along w2, from the point,
        # with faint lines completing the rectangle whose diagonal is the gradient.
        self.grad_parts = [
            _Arrow(plot, GRADIENT_COLOR, width=1.8, z=16, style=Qt.PenStyle.DashLine, head=10)
            for _ in range(2)
        ]
        self.grad_box = pg.PlotCurveItem(
            pen=pg.mkPen((*GRADIENT_COLOR, 90), width=1, style=Qt.PenStyle.DotLine)
        )
        self.grad_box.setZValue(15)
        plot.addItem(self.grad_box)
        self.grad_arrow = _Arrow(plot, GRADIENT_COLOR, width=3)
        self.step_arrow = _Arrow(plot, STEP_COLOR, width=3, z=22)
        self.point = pg.ScatterPlotItem(
            size=12, brush=pg.mkBrush(255, 255, 255), pen=pg.mkPen(PATH_COLOR, width=theme.px(2))
        )
        self.point.setZValue(30)
        plot.addItem(self.point)

        def text(color, anchor):
            item = pg.TextItem(color=color, anchor=anchor, fill=pg.mkBrush(255, 255, 255, 200))
            item.setZValue(35)
            plot.addItem(item)
            return item

        self.grad_text = text(GRADIENT_COLOR, (0, 1))
        self.part_texts = [text(GRADIENT_COLOR, (0, 0)), text(GRADIENT_COLOR, (0, 0))]
        self.step_text = text(STEP_COLOR, (0, 0))
        self.contour_plot.scene().sigMouseClicked.connect(self._on_map_clicked)
        plot.getViewBox().sigRangeChanged.connect(lambda *_: self._image_timer.start())
        self.contour_plot.setToolTip("Click to start from there")

    def _build_slices(self) -> None:
        self.slice_plots, self.slice_labels = [], []
        self.slice_curves, self.slice_points, self.slice_tangent_items = [], [], []
        for name in PARAMETERS:
            widget = _plot(f"slice{name.upper()}Plot", "")
            plot = widget.getPlotItem()
            plot.setLabel("bottom", name)
            plot.setLabel("left", "C")
            plot.setMouseEnabled(x=False, y=False)
            curve = pg.PlotCurveItem(antialias=True)  # (colours: _apply_theme)
            tangent = pg.PlotCurveItem(antialias=True)
            point = pg.ScatterPlotItem(size=10)
            for z, item in enumerate((curve, tangent, point)):
                item.setZValue(z)
                plot.addItem(item)
            label = QLabel()
            label.setObjectName(f"slice{name.upper()}Label")
            label.setTextFormat(Qt.TextFormat.RichText)
            self.slice_plots.append(widget)
            self.slice_labels.append(label)
            self.slice_curves.append(curve)
            self.slice_points.append(point)
            self.slice_tangent_items.append(tangent)

    def _build_side(self) -> QWidget:
        side = QWidget()
        side.setFixedWidth(310)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        self.numbers = QLabel()
        self.numbers.setObjectName("lessonNumbers")
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.numbers.setWordWrap(True)
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.numbers.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.numbers.setStyleSheet(
            "QLabel { background: palette(base); border: 1px solid palette(mid); padding: 4px; }"
        )
        self.explanation = QLabel()  # (text: _apply_theme, for its colours)
        self.explanation.setObjectName("lessonExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.explanation.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.race_group = QGroupBox("Optimizer race")
        self.race_group.setObjectName("raceGroup")
        self.race_group.setCheckable(True)
        self.race_group.setChecked(False)
        self.race_group.setToolTip(
            "Run five optimizers from the same start on the same surface, stepping together"
        )
        grid_layout = QGridLayout(self.race_group)
        grid_layout.setContentsMargins(6, 2, 6, 4)
        grid_layout.setVerticalSpacing(1)
        self.race_checks: dict[str, QCheckBox] = {}
        self.race_info: dict[str, QLabel] = {}
        for row, (key, label, color, _) in enumerate(RACE):
            check = QCheckBox(label)
            check.setObjectName(f"raceCheck_{key}")
            check.setChecked(True)
            check.setStyleSheet(f"QCheckBox {{ color: {color}; font-weight: bold; }}")
            info = QLabel()
            info.setObjectName(f"raceInfo_{key}")
            info.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid_layout.addWidget(check, row, 0)
            grid_layout.addWidget(info, row, 1)
            self.race_checks[key] = check
            self.race_info[key] = info
        column.addWidget(self.numbers)
        column.addWidget(self.explanation)
        column.addWidget(self.race_group)
        column.addStretch(1)
        return side

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
        s.snapshot.connect(self._on_snapshot)
        s.failed.connect(self._show_status)
        # activated: a user's choice, also of the entry already shown (which starts it again)
        self.surface_combo.activated.connect(self._on_surface_chosen)
        self.formula_edit.returnPressed.connect(lambda: self.set_formula(self.formula_edit.text()))
        self.lr_spin.valueChanged.connect(self._on_learning_rate)
        self.race_group.toggled.connect(self._on_race_toggled)
        for key, check in self.race_checks.items():
            check.toggled.connect(lambda on, key=key: self._on_race_check(key, on))

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
            race_rates, mark_minimum = {"rmsprop": 0.02, "adam": 0.05}, True
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
        self._install(
            text, expr, self._start, self._x_range, self._y_range, {"rmsprop": 0.02, "adam": 0.05}
        )
        return True

    def set_learning_rate(self, lr: float) -> None:
        self.lr_spin.setValue(float(lr))

    def set_start(self, w1: float, w2: float) -> None:
        """Start from (w1, w2) and reset (the race too)."""
        self._start = np.array([float(w1), float(w2)])
        self._load()

    def reset(self) -> None:
        self._status = ("", False)
        self._stop_race_timer()
        self.session.reset()
        self._reset_race()
        self._redraw()

    def gradient_vector(self) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) of the drawn gradient arrow: end - start is the gradient."""
        return self.grad_arrow.start.copy(), self.grad_arrow.end.copy()

    def step_vector(self) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) of the drawn step arrow: end - start = -lr * gradient."""
        return self.step_arrow.start.copy(), self.step_arrow.end.copy()

    def slice_tangent(self, axis: int) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the tangent drawn in slice plot `axis` (0: along w1, 1: along w2)."""
        x, y = self._tangents[axis]
        return x.copy(), y.copy()

    def contour_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(W1, W2, C) of the contour image; C is the image's data."""
        w1, w2, _ = self._grid
        return w1, w2, self.image.image

    def set_race(self, on: bool) -> None:
        self.race_group.setChecked(bool(on))

    def race_positions(self) -> dict[str, tuple[float, float]]:
        """Each race optimizer's current (w1, w2) (empty while the race is off)."""
        return {key: tuple(float(v) for v in t.parameters) for key, t in self._race.items()}

    def race_trainers(self) -> dict[str, Trainer]:
        return dict(self._race)

    def shutdown(self) -> None:
        self._stop_race_timer()
        self.session.shutdown()

    # ------------------------------------------------------------------ surface and run
    _combo_key = "custom"  # the combo's entry in use: a preset file, or "custom"

    def _select_combo(self, key: str) -> None:
        self._combo_key = key
        blocked = self.surface_combo.blockSignals(True)
        self.surface_combo.setCurrentIndex(self.surface_combo.findData(key))
        self.surface_combo.blockSignals(blocked)

    def _set_lr_spin(self, lr: float) -> None:
        blocked = self.lr_spin.blockSignals(True)
        self.lr_spin.setValue(lr)
        self.lr_spin.blockSignals(blocked)
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
        self._race_rates = dict(race_rates)
        w1, w2, c = grid(expr, self._x_range, self._y_range, GRID_N)
        finite = c[np.isfinite(c)]
        if mark_minimum and finite.size:
            i = int(np.argmin(np.where(np.isfinite(c), c, np.inf)))
            self.minimum_marker.setData([w1.flat[i]], [w2.flat[i]])
        else:
            self.minimum_marker.setData([], [])
        self.map.getViewBox().setRange(xRange=x_range, yRange=y_range, padding=0.02)
        self._update_image()
        self._load()

    def _update_image(self) -> None:
        """Evaluate C on a grid covering the visible part of the map (the aspect ratio is
        locked, so that is usually more than the surface's own range)."""
        self._image_timer.stop()
        if self._expr is None:
            return
        (x0, x1), (y0, y1) = self.map.getViewBox().viewRange()
        self._grid = grid(self._expr, (x0, x1), (y0, y1), GRID_N)
        c = self._grid[2]
        lut, levels = _surface_colormap(c)  # colours and contour levels fit what is visible
        self.image.setImage(c, lut=lut, levels=levels, autoLevels=False)
        dx, dy = (x1 - x0) / (GRID_N - 1), (y1 - y0) / (GRID_N - 1)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        finite = c[np.isfinite(c)]
        flat = finite.size == 0 or finite.max() == finite.min()
        iso_levels = [] if flat else np.quantile(finite, np.linspace(0.03, 0.9, N_ISOCURVES))
        # NaN confuses the isocurve tracer: fill with a value above every level.
        iso_data = np.where(np.isfinite(c), c, finite.max() + 1 if finite.size else 0.0)
        for i, iso in enumerate(self.isocurves):
            if i < len(iso_levels):
                iso.setData(iso_data, float(iso_levels[i]))
                iso.show()
            else:
                iso.hide()
        self._redraw()

    def _config(self, optimizer: dict) -> Config:
        return _function_config(self._formula, self._start, optimizer)

    def _load(self) -> None:
        self._status = ("", False)
        self._stop_race_timer()
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
        for key in SGD_FAMILY:
            if key in self._race:
                self._race[key].set_learning_rate(lr)
        self._redraw()

    def _on_map_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        vb = self.map.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p: QPointF = vb.mapSceneToView(event.scenePos())
        self.set_start(p.x(), p.y())

    def _on_step(self, n: int) -> None:
        if self._race_on:
            if n == 1:
                self._race_steps(1)
                self._redraw()
            else:
                self._start_race_timer(n)
        else:
            self.session.step(n)

    def _on_run(self, run: bool) -> None:
        if self._race_on:
            if run:
                self._start_race_timer(math.inf)
            else:
                self._stop_race_timer()
        elif run:
            self.session.run()
        else:
            self.session.pause()

    def _on_session_running(self, running: bool) -> None:
        if not self._race_on:
            self.controls.set_running(running)

    def _on_snapshot(self, snap) -> None:
        if snap.diverged:
            self._show_status(snap.diverged)
        elif snap.stop_reason:
            self._show_status(f"Paused: {snap.stop_reason}.", error=False)
        if not self._batch:
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
        self._stop_race_timer()
        self.session.pause()
        self._race_on = on
        self.controls.set_running(False)
        self.session.reset()  # everyone starts together
        self._reset_race()
        self._redraw()

    def _reset_race(self) -> None:
        self._race = {}
        self.legend.clear()
        if self._race_on:
            lr = self.lr_spin.value()
            for key, label, _, settings in RACE:
                rate = lr if key in SGD_FAMILY else self._race_rates.get(key, 0.05)
                self._race[key] = Trainer(
                    self._config({**settings, "learning_rate": rate}),
                    history_budget=RACE_HISTORY_BUDGET,
                )
                if self.race_checks[key].isChecked():
                    self.legend.addItem(self.race_paths[key], label)
        self.legend.setVisible(self._race_on)

    def _on_race_check(self, key: str, on: bool) -> None:
        self.legend.clear()
        for k, label, _, _ in RACE:
            if self.race_checks[k].isChecked():
                self.legend.addItem(self.race_paths[k], label)
        self._redraw()

    def _race_steps(self, n: int) -> int:
        """n steps of the session and of every switched-on race optimizer, together."""
        self._batch = True
        try:
            for _ in range(n):
                self.session.step(1)
                for key, trainer in self._race.items():
                    if self.race_checks[key].isChecked():
                        trainer.step(1)
        finally:
            self._batch = False
        return n

    def _start_race_timer(self, n: float) -> None:
        self._race_remaining = n
        self._race_credit = 0.0
        self._race_last = time.perf_counter()
        self.controls.set_running(True)
        self._race_timer.start()

    def _stop_race_timer(self) -> None:
        self._race_timer.stop()
        self._race_remaining = 0
        if self._race_on:
            self.controls.set_running(False)

    def _race_tick(self) -> None:
        now = time.perf_counter()
        speed = self.controls.speed_limit()
        max_steps, _ = self.controls.stop_conditions()
        step = self.session.trainer.step_count if self.session.trainer else 0
        budget = self._race_remaining
        if max_steps is not None:
            budget = min(budget, max_steps - step)
        if speed is not None:  # paced: whole steps as the clock allows
            self._race_credit = min(
                self._race_credit + (now - self._race_last) * speed, max(1.0, speed * 0.25)
            )
            n = int(min(budget, self._race_credit))
            self._race_credit -= n
            if n > 0:
                self._race_steps(n)
        else:  # as fast as possible, in chunks of about 8 ms
            deadline, n = now + 0.008, 0
            while n < budget and time.perf_counter() < deadline:
                n += self._race_steps(1)
        self._race_last = now
        self._race_remaining -= n
        trainer = self.session.trainer
        if self._race_remaining <= 0 or budget <= n or (trainer and trainer.diverged):
            self._stop_race_timer()
        self._redraw()

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
        self.point.setData([_clip(p)[0]], [_clip(p)[1]])
        self.grad_arrow.set(p, p + g)
        step = g * -lr  # the optimizer's own arithmetic (SGD): update = grad * (-lr)
        self.step_arrow.set(p, p + step)
        self.grad_parts[0].set(p, p + [g[0], 0.0])
        self.grad_parts[1].set(p, p + [0.0, g[1]])
        tip = p + g
        self.grad_box.setData(*_clip([[p[0] + g[0], tip[0], p[0]], [p[1], tip[1], p[1] + g[1]]]))
        self._place_texts(p, g, step)
        # In the race the paths are the story: the arrows (of the SGD point) would hide them.
        arrows = not self._race_on
        for arrow in (self.grad_arrow, self.step_arrow, *self.grad_parts):
            arrow.set_visible(arrows)
        self.grad_box.setVisible(arrows)
        if not arrows:
            for item in (self.grad_text, *self.part_texts, self.step_text):
                item.hide()

        path = _thin(t.history.params())
        self.path.setData(path[:, 0], path[:, 1])
        self.path.setSymbol("o" if len(path) <= MAX_DOTS else None)
        self.path.setVisible(not self._race_on)
        for key, item in self.race_paths.items():
            trainer = self._race.get(key)
            on = trainer is not None and self.race_checks[key].isChecked()
            item.setVisible(on)
            info = self.race_info[key]
            if trainer is None:
                info.setText("")
                continue
            rpath = _thin(trainer.history.params())
            item.setData(rpath[:, 0], rpath[:, 1])
            item.setSymbol("o" if len(rpath) <= MAX_DOTS else None)
            rate = trainer.learning_rate
            info.setText(
                f"lr {_num(rate, 3)} · C {_num(trainer.cost, 3)}"
                if not trainer.diverged
                else "diverged"
            )
        self._redraw_slices(p, g, cost)
        self._redraw_numbers()

    def _place_texts(self, p, g, step) -> None:
        """Label the arrows, keeping each label on the map; a label whose arrow is only a few
        pixels long is hidden (the numbers panel always has the values)."""
        vb = self.map.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        px, py = vb.viewPixelSize() if vb.width() > 0 else (1.0, 1.0)

        def pixels(v):
            return math.hypot(v[0] / px, v[1] / py) if np.all(np.isfinite(v)) else 0.0

        def put(item, x, y, text, dx=0.0, dy=0.0, visible=True):
            """Anchor the label beside (x, y), flipping sides near the map's edges."""
            if not visible or not (math.isfinite(x) and math.isfinite(y)):
                item.hide()
                return
            x = float(np.clip(x, x0, x1))
            y = float(np.clip(y, y0, y1))
            ax = 1.0 if (x - x0) > 0.7 * (x1 - x0) else 0.0
            ay = 0.0 if (y - y0) > 0.5 * (y1 - y0) else 1.0
            item.setAnchor((ax, ay))
            item.setText(text)
            item.setPos(x + (dx if ax == 0 else -dx) * px, y + (dy if ay == 1 else -dy) * py)
            item.show()

        def visible_middle(k):  # the middle of the part of leg k that is on the map
            lo, hi = ((x0, x1), (y0, y1))[k]
            a, b = sorted((float(np.clip(p[k], lo, hi)), float(np.clip(p[k] + g[k], lo, hi))))
            return (a + b) / 2

        head = self.grad_arrow.head
        hx, hy = (head.pos().x(), head.pos().y()) if head.isVisible() else p + g
        put(self.grad_text, hx, hy, f"∇C = {_vec(g)}", 6, 6, pixels(g) > 25)
        put(
            self.part_texts[0],
            visible_middle(0),
            p[1],
            f"∂C/∂w1 = {_num(g[0])}",
            0,
            4,
            pixels((g[0], 0)) > 70,
        )
        put(
            self.part_texts[1],
            p[0],
            visible_middle(1),
            f"∂C/∂w2 = {_num(g[1])}",
            6,
            0,
            pixels((0, g[1])) > 40,
        )
        put(self.step_text, *(p + step), "step", 6, 6, pixels(step) > 12)

    def _redraw_slices(self, p, g, cost) -> None:
        ranges = (self._x_range, self._y_range)
        for k in (0, 1):
            name, other = PARAMETERS[k], PARAMETERS[1 - k]
            lo, hi = ranges[k]
            if math.isfinite(p[k]):  # (a diverged run is drawn at the clipping limit)
                lo, hi = min(lo, float(_clip(p[k]))), max(hi, float(_clip(p[k])))
            xs = np.linspace(lo, hi, 300)
            ys = np.asarray(self._expr.evaluate({name: xs, other: float(p[1 - k])}), dtype=float)
            ys = np.broadcast_to(ys, xs.shape)
            ok = np.isfinite(ys)
            ys = _clip(ys)
            cost = float(_clip(cost)) if math.isfinite(cost) else cost
            plot = self.slice_plots[k].getPlotItem()
            self.slice_curves[k].setData(xs[ok], _clip(ys[ok]))
            self.slice_points[k].setData([float(_clip(p[k]))], [float(_clip(cost))])
            ymin = float(ys[ok].min()) if ok.any() else -1.0
            ymax = float(ys[ok].max()) if ok.any() else 1.0
            if math.isfinite(cost):
                ymin, ymax = min(ymin, cost), max(ymax, cost)
            span = max(ymax - ymin, 1e-9)
            # The tangent: slope = the partial derivative, kept short enough to stay in view.
            half = 0.12 * (hi - lo)
            slope = abs(float(g[k]))
            if math.isfinite(slope) and slope * half > 0.35 * span:
                half = 0.35 * span / slope
            tx = np.array([p[k] - half, p[k] + half])
            ty = np.array([cost - g[k] * half, cost + g[k] * half])
            self._tangents[k] = (tx, ty)
            self.slice_tangent_items[k].setData(_clip(tx), _clip(ty))
            plot.setXRange(lo, hi, padding=0.02)
            plot.setYRange(ymin - 0.08 * span, ymax + 0.08 * span, padding=0)
            plot.setTitle(
                f"C along {name}, with {other} fixed at {_num(p[1 - k], 4)}",
                size="9pt",
                color=theme.colors().foreground,
            )
            self.slice_labels[k].setText(
                f"<span style='color:{theme.colors().gradient}'>"
                f"<b>∂C/∂{name} = {_num(g[k])}</b></span>"
                f" = slope of the red tangent"
            )

    def _redraw_numbers(self) -> None:
        t = self.session.trainer
        if t is None or self._expr is None:
            return
        p, g, lr = t.parameters, t.gradients, t.learning_rate
        step = g * -lr
        d1, d2 = self._derivative_texts
        c = theme.colors()
        red, green, muted = c.gradient, c.update, c.muted
        rows = [
            ("step", f"{t.step_count}"),
            ("w1, w2", _vec(p)),
            ("C", _num(t.cost)),
            (
                "∂C/∂w1",
                f"<span style='color:{red}'>{_num(g[0])}</span>"
                f" &nbsp;<span style='color:{muted}'>= {d1}</span>",
            ),
            (
                "∂C/∂w2",
                f"<span style='color:{red}'>{_num(g[1])}</span>"
                f" &nbsp;<span style='color:{muted}'>= {d2}</span>",
            ),
            ("∇C", f"<span style='color:{red}'>{_vec(g)}</span>"),
            ("learning rate", _num(lr)),
            ("step = −lr·∇C", f"<span style='color:{green}'>{_vec(step)}</span>"),
            ("next point", _vec(p + step)),
        ]
        html = (
            "<table cellspacing='0' cellpadding='1'>"
            + "".join(
                f"<tr><td style='color:{muted}; padding-right:8px'>{k}</td><td>{v}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )
        if self._race_on:
            html += (
                f"<p style='color:{muted}; margin-top:4px'>Race: the numbers, the slices and "
                "the white point follow the SGD run.</p>"
            )
        text, error = self._status
        if text:
            color = c.error.text if error else muted
            html += f"<p style='color:{color}; margin-top:4px'>{text}</p>"
        self.numbers.setText(html)
