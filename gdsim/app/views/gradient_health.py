"""Gradient health: how big each layer's gradient is, step by step, and what that means.

A large gradient moves a weight a lot, a small one barely moves it, and a zero gradient stops it
learning. This view plots the size (L2 norm) of each layer's gradient against the step on a log
axis and lists plain-language flags evaluated on the current gradients and the recent steps:

* zero       -- parameters whose gradient has been exactly 0 (|g| < 1e-12) for the last 20+
                steps (dead ReLU units);
* vanishing  -- a layer whose gradient norm is below 1/1000 of the largest layer's;
* exploding  -- a layer norm above 1000, a norm that grew more than 10x in the last 50 steps,
                or gradients that are no longer finite;
* healthy    -- none of the above.

Fed like the plots: `start_run(RunInfo)` then `update_from(Snapshot)` (at most a few per second).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.plots.panel import PALETTE
from gdsim.app.plots.ranges import round_up
from gdsim.app.run_view import Feed
from gdsim.session.runstate import RunInfo, Snapshot, parameter_layers

__all__ = [
    "GradientHealthView",
    "ZERO_EPS",
    "ZERO_STEPS",
    "VANISH_RATIO",
    "EXPLODE_NORM",
    "GROWTH_FACTOR",
    "GROWTH_STEPS",
    "MAX_POINTS",
]

ZERO_EPS = 1e-12  # |g| below this counts as a zero gradient
ZERO_STEPS = 20  # ... for at least this many steps -> "zero" flag
VANISH_RATIO = 1e-3  # layer norm < this x the largest layer's -> "vanishing"
EXPLODE_NORM = 1e3  # layer norm above this -> "exploding"
GROWTH_FACTOR = 10.0  # ... or grew more than this many times
GROWTH_STEPS = 50  # ... within this many steps
GROWTH_FLOOR = 1e-2  # (growth of norms that are still tiny is not flagged)
MAX_POINTS = 5000  # plotted points per layer at most (stride doubling beyond)

_MESSAGE_KIND = {  # the theme's message colours of each kind of flag
    "zero": "warning",
    "vanishing": "info",
    "exploding": "error",
    "healthy": "success",
}
_ICONS = {"zero": "\u25cb", "vanishing": "\u2198", "exploding": "\u2197", "healthy": "\u2714"}


def _row_norms(g: np.ndarray) -> np.ndarray:
    """L2 norm of each row of g (m, k), without overflow for huge finite values."""
    if g.shape[1] == 0:
        return np.zeros(g.shape[0])
    with np.errstate(all="ignore"):
        a = np.abs(g)
        m = a.max(axis=1)
        ok = np.isfinite(m) & (m > 0)
        out = np.where(np.isnan(a).any(axis=1), np.nan, np.where(ok, 0.0, m))
        if ok.any():
            s = a[ok] / m[ok, None]
            out[ok] = m[ok] * np.sqrt(np.einsum("ij,ij->i", s, s))
    return out


def _ratio(x: float) -> str:
    return f"{x:,.0f}" if x < 1e6 else f"{x:.1e}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that is >= raw."""
    k = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10**k >= raw:
            return m * 10**k
    return 10 ** (k + 1)


class _LogAxis(pg.AxisItem):
    """A log axis whose labels never overprint.

    pyqtgraph labels every minor tick (2..9 x 10^k) of a range shorter than about a decade, and
    the labels of neighbouring ticks then overlap. Here: over a decade or more, decades are
    labelled (every k-th when they are dense) and the minor ticks are not; over less, a few
    round values (1-2-5 steps) are labelled, none closer than a line of text.
    """

    _labels: dict[float, str] = {}

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 (pyqtgraph)
        lo, hi = sorted((float(minVal), float(maxVal)))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        gap = 1.6 * QFontMetrics(self.style["tickFont"] or self.font()).height()  # px
        per_px = (hi - lo) / size  # decades per pixel
        minor = [
            d + math.log10(m)
            for d in range(math.floor(lo), math.ceil(hi) + 1)
            for m in range(2, 10)
            if lo <= d + math.log10(m) <= hi
        ]
        if math.ceil(lo) < math.floor(hi):  # at least two decades in view
            every = max(1, math.ceil(gap * per_px))
            major = [float(d) for d in range(math.ceil(lo), math.floor(hi) + 1) if d % every == 0]
            labels = {v: _decade(v) for v in major}
        else:
            a, b = 10**lo, 10**hi
            step = _nice_step((b - a) / max(2.0, size / (2 * gap)))
            values = np.arange(math.ceil(a / step), math.floor(b / step) + 1) * step
            labels, last = {}, -math.inf
            for v in values[values > 0]:
                y = math.log10(v)
                if (y - last) / per_px >= gap:
                    labels[y] = f"{v:.3g}"
                    last = y
            major = list(labels)
        self._labels = {round(v, 9): text for v, text in labels.items()}
        return [(1.0, major), (None, [v for v in minor if round(v, 9) not in self._labels])]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        return [self._labels.get(round(v, 9), "") for v in values]


def _decade(k: float) -> str:
    k = round(k)
    return f"{10.0**k:g}" if -3 <= k <= 3 else f"1e{k}"


class GradientHealthView(QWidget):
    """Per-layer gradient norms on a log axis, plus flags for zero/vanishing/exploding ones."""

    run_feed = Feed(every_row=True)  # a norm for every recorded step, shown or not

    zero_eps = ZERO_EPS
    zero_steps = ZERO_STEPS
    vanish_ratio = VANISH_RATIO
    explode_norm = EXPLODE_NORM
    growth_factor = GROWTH_FACTOR
    growth_steps = GROWTH_STEPS
    max_points = MAX_POINTS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradientHealthView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.caption = QLabel(
            "Size of each layer's gradient (L2 norm of its weights' and biases' dC/dp), log "
            "scale. Big gradient: the weights move a lot; tiny: they barely move; zero: they "
            "stop learning."
        )
        self.caption.setWordWrap(True)
        self.caption.setObjectName("gradientHealthCaption")
        layout.addWidget(self.caption)

        self.plot = pg.PlotWidget(axisItems={"left": _LogAxis("left")})
        self.plot.setObjectName("gradientNormPlot")
        item = self.plot.getPlotItem()
        item.setLogMode(y=True)
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("left", "gradient norm")
        item.setLabel("bottom", "step")
        item.setMenuEnabled(False)
        item.getAxis("left").enableAutoSIPrefix(False)
        self.legend = item.addLegend(offset=(-8, 8))  # (colours: theme.style_plot)
        # The step axis runs to a round number past the newest step (as on the main plots), so
        # the legend in the top right corner covers no recent data; a pan or zoom stops that.
        self._follow_steps = True
        item.getViewBox().sigRangeChangedManually.connect(self._stop_following)
        # The tab is wide and short: the flags sit beside the plot, not under it.
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.plot, 3)
        layout.addLayout(row, 1)

        self.flag_list = QListWidget()
        self.flag_list.setObjectName("healthFlags")
        self.flag_list.setWordWrap(True)
        self.flag_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.flag_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag_list.setMinimumWidth(260)
        row.addWidget(self.flag_list, 2)

        self._info: RunInfo | None = None
        self._flags: list[tuple[str, str]] = []
        self._curves: list[pg.PlotDataItem] = []
        self._reset_state((), ())
        theme.style_plot(self.plot)
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        theme.style_plot(self.plot)
        self._set_flags(self._flags)

    # ------------------------------------------------------------------ state
    def _reset_state(self, names: tuple[str, ...], layers: tuple[int, ...]) -> None:
        self._names = names
        self._param_layer = np.asarray(layers, dtype=np.int64)
        self._layer_ids = sorted(set(layers))
        self._masks = [self._param_layer == lid for lid in self._layer_ids]
        self._is_weight = np.array([n.startswith("w") for n in names], dtype=bool)
        n_layers = len(self._layer_ids)
        self._steps = np.empty(0, dtype=np.int64)  # plotted points (on-stride)
        self._norms = np.empty((0, n_layers))
        self._stride = 1
        self._tail: tuple[int, np.ndarray] | None = None  # latest row if off-stride
        self._last_step = -1
        self._recent_steps = np.empty(0, dtype=np.int64)  # every row of the last 50 steps
        self._recent_norms = np.empty((0, n_layers))
        self._zero_since = np.full(len(names), np.inf)  # step since which |g| < eps
        self._current_norms = np.full(n_layers, np.nan)
        self._step = 0

    def layer_label(self, position: int) -> str:
        lid = self._layer_ids[position]
        return "all parameters" if lid == 0 else f"layer {lid}"

    def start_run(self, info: RunInfo) -> None:
        """Forget the previous run; one curve per layer of this one."""
        self._info = info
        self._follow_steps = True
        names = tuple(info.parameter_names)
        layers = parameter_layers(names)
        if info.config.mode == "function":
            layers = tuple(0 for _ in names)
        self._reset_state(names, layers)
        self.legend.clear()
        for curve in self._curves:
            self.plot.removeItem(curve)
        self._curves = []
        self.legend.setColumnCount(1)
        for pos in range(len(self._layer_ids)):
            color = PALETTE[pos % len(PALETTE)]
            style = Qt.PenStyle.SolidLine if pos < len(PALETTE) else Qt.PenStyle.DashLine
            curve = self.plot.plot(
                [],
                [],
                pen=pg.mkPen(color, width=theme.px(2), style=style),
                name=self.layer_label(pos),
                connect="finite",
            )
            self._curves.append(curve)
        self._set_flags([])

    def update_from(self, snap: Snapshot) -> None:
        """Add the snapshot's rows to the curves and re-evaluate the flags."""
        if self._info is None or snap.run_id != self._info.run_id:
            return
        chunk = snap.chunk
        steps = np.asarray(chunk.param_steps, dtype=np.int64)
        grads = np.asarray(chunk.grads, dtype=np.float64)
        if len(steps) and grads.ndim == 2 and grads.shape[1] == len(self._names):
            new = steps > self._last_step
            steps, grads = steps[new], grads[new]
            if len(steps):
                norms = self._layer_norms(grads)
                self._add_points(steps, norms)
                self._add_recent(steps, norms)
                self._track_zeros(steps, grads)
                self._last_step = int(steps[-1])
        self._step = int(snap.step)
        current = np.asarray(snap.gradients, dtype=np.float64)
        if current.shape == (len(self._names),):
            self._current_norms = self._layer_norms(current[None, :])[0]
            zero_now = ~(np.abs(current) >= self.zero_eps)  # NaN counts as "not zero" below
            zero_now &= np.isfinite(current)
            self._zero_since[~zero_now] = np.inf
            fresh = zero_now & np.isinf(self._zero_since)
            self._zero_since[fresh] = self._step
            self._current = current
        else:
            self._current = None
        self._redraw()
        self._set_flags(self._evaluate())

    # ------------------------------------------------------------------ data
    def _layer_norms(self, grads: np.ndarray) -> np.ndarray:
        out = np.empty((grads.shape[0], len(self._masks)))
        for j, mask in enumerate(self._masks):
            out[:, j] = _row_norms(grads[:, mask])
        return out

    def _add_points(self, steps: np.ndarray, norms: np.ndarray) -> None:
        keep = steps % self._stride == 0
        self._steps = np.concatenate([self._steps, steps[keep]])
        self._norms = np.concatenate([self._norms, norms[keep]])
        while len(self._steps) > self.max_points:
            stride = 2 * self._stride
            on = self._steps % stride == 0
            self._steps, self._norms = self._steps[on], self._norms[on]
            self._stride = stride
        last = int(steps[-1])
        if len(self._steps) and self._steps[-1] == last:
            self._tail = None
        else:
            self._tail = (last, norms[-1].copy())

    def _add_recent(self, steps: np.ndarray, norms: np.ndarray) -> None:
        s = np.concatenate([self._recent_steps, steps])
        n = np.concatenate([self._recent_norms, norms])
        keep = s >= s[-1] - self.growth_steps
        self._recent_steps, self._recent_norms = s[keep], n[keep]

    def _track_zeros(self, steps: np.ndarray, grads: np.ndarray) -> None:
        """_zero_since[p] = first step of p's current run of zero gradients (inf if none)."""
        with np.errstate(invalid="ignore"):
            nonzero = ~(np.abs(grads) < self.zero_eps)  # NaN counts as nonzero
        m = len(steps)
        any_nz = nonzero.any(axis=0)
        last_nz = m - 1 - np.argmax(nonzero[::-1], axis=0)
        since = self._zero_since.copy()
        # parameters with a nonzero row: zero since the row after their last nonzero one
        after = np.minimum(last_nz + 1, m - 1)
        since[any_nz] = np.where(last_nz[any_nz] == m - 1, np.inf, steps[after[any_nz]])
        # all rows zero: a run that was already going continues, otherwise it starts here
        start = ~any_nz & np.isinf(since)
        since[start] = steps[0]
        self._zero_since = since

    def series(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, norms) plotted for the layer at `position` (raw norms, not log)."""
        steps, norms = self._steps, self._norms[:, position]
        if self._tail is not None:
            steps = np.append(steps, self._tail[0])
            norms = np.append(norms, self._tail[1][position])
        return steps, norms

    @property
    def layer_ids(self) -> list[int]:
        return list(self._layer_ids)

    @property
    def stride(self) -> int:
        return self._stride

    def _redraw(self) -> None:
        last = 0.0
        for pos, curve in enumerate(self._curves):
            x, y = self.series(pos)
            y = np.where(np.isfinite(y) & (y > 0), y, np.nan)  # log axis: no 0, inf or NaN
            curve.setData(x.astype(np.float64), y)
            if len(x):
                last = max(last, float(x[-1]))
        if self._follow_steps:
            self.plot.setXRange(0, round_up(int(last * 1.3) + 1), padding=0.02)

    def _stop_following(self, *_args) -> None:
        self._follow_steps = False

    # ------------------------------------------------------------------ flags
    def flags(self) -> list[tuple[str, str]]:
        """The flags shown, as (kind, text); kind is zero, vanishing, exploding or healthy."""
        return list(self._flags)

    def _evaluate(self) -> list[tuple[str, str]]:
        if self._current is None or not len(self._layer_ids):
            return []
        flags: list[tuple[str, str]] = []
        norms = self._current_norms
        labels = [self.layer_label(p) for p in range(len(norms))]
        network = self._info is not None and self._info.config.mode == "network"

        # exploding: not finite, too big, or growing fast
        if not np.all(np.isfinite(self._current)):
            flags.append(
                (
                    "exploding",
                    "The gradients are no longer finite numbers (inf or NaN): training has "
                    "blown up. Lower the learning rate and reset.",
                )
            )
        else:
            big = [p for p in range(len(norms)) if norms[p] > self.explode_norm]
            growth = self._growth()
            fast = [
                p
                for p in range(len(norms))
                if growth[p] > self.growth_factor and norms[p] > GROWTH_FLOOR and p not in big
            ]
            parts = [f"{labels[p]}'s gradient norm is {norms[p]:.3g}" for p in big]
            parts += [
                f"{labels[p]}'s grew {_ratio(growth[p])}x in the last {self.growth_steps} steps"
                for p in fast
            ]
            if parts:
                flags.append(
                    (
                        "exploding",
                        f"Exploding: {_join(parts)} (flagged above "
                        f"{self.explode_norm:g}, or above {self.growth_factor:g}x growth in "
                        f"{self.growth_steps} steps). Gradients grow fast; the next updates "
                        f"will be huge \u2014 lower the learning rate.",
                    )
                )

        # zero: parameters stuck at gradient 0 for zero_steps or more
        stuck = np.flatnonzero(self._step - self._zero_since >= self.zero_steps)
        if len(stuck):
            names = [self._names[i] for i in stuck]
            shown = ", ".join(names[:4]) + (", \u2026" if len(names) > 4 else "")
            n_w = int(self._is_weight[stuck].sum())
            n_b = len(stuck) - n_w
            what = (
                (f"{n_w} weight{'s' * (n_w != 1)}" if n_w else "")
                + (" and " if n_w and n_b else "")
                + (f"{n_b} bias{'es' * (n_b != 1)}" if n_b else "")
            )
            if not network:
                what = f"{len(stuck)} parameter{'s' * (len(stuck) != 1)}"
            per_layer = ""
            if network and len(self._layer_ids) > 1:
                counts = [
                    (lid, int(np.sum(self._param_layer[stuck] == lid))) for lid in self._layer_ids
                ]
                per_layer = " [" + ", ".join(f"layer {lid}: {c}" for lid, c in counts if c) + "]"
            why = (
                "a ReLU unit that never turns on passes no gradient back"
                if self._has("relu")
                else "their units pass no gradient back"
                if network
                else "the cost is flat there"
            )
            flags.append(
                (
                    "zero",
                    f"Zero: {shown} ({what}{per_layer}) have had gradient 0 "
                    f"(|g| < {self.zero_eps:g}) for {self.zero_steps}+ steps: they have "
                    f"stopped learning ({why}).",
                )
            )

        # vanishing: a layer far smaller than the largest one
        finite = np.isfinite(norms)
        if len(norms) > 1 and finite.all() and norms.max() > 0:
            top = int(np.argmax(norms))
            small = [p for p in range(len(norms)) if norms[p] < self.vanish_ratio * norms[top]]
            if small:
                worst = min(small, key=lambda p: norms[p])
                times = (
                    "gradient exactly 0"
                    if norms[worst] == 0
                    else f"{_ratio(norms[top] / norms[worst])}x smaller"
                )
                who = _join([labels[p] for p in small])
                verb = "are" if len(small) == 1 else "are all"
                flags.append(
                    (
                        "vanishing",
                        f"Vanishing: {who}'s gradients {verb} over "
                        f"{1 / self.vanish_ratio:,.0f}x smaller than {labels[top]}'s "
                        f"({labels[worst]}: {times}): its weights barely move "
                        f"({self._vanish_reason()}).",
                    )
                )

        if not flags:
            lo, hi = float(np.min(norms)), float(np.max(norms))
            rng = f"{hi:.2g}" if len(norms) == 1 else f"{lo:.2g} to {hi:.2g}"
            flags.append(
                (
                    "healthy",
                    f"Healthy: gradient norms {rng}; none stuck at 0 for "
                    f"{self.zero_steps} steps, none below 1/{1 / self.vanish_ratio:,.0f} of "
                    f"the largest, none above {self.explode_norm:g} or growing "
                    f"{self.growth_factor:g}x in {self.growth_steps} steps.",
                )
            )
        return flags

    def _growth(self) -> np.ndarray:
        """Current norm / norm at the oldest row of the last `growth_steps` steps, per layer."""
        n = len(self._current_norms)
        if len(self._recent_steps) < 2:
            return np.ones(n)
        first = self._recent_norms[0]
        with np.errstate(all="ignore"):
            g = self._current_norms / first
        return np.where(np.isfinite(g) & (first > 0), g, 1.0)

    def _has(self, activation: str) -> bool:
        if self._info is None or self._info.config.mode != "network":
            return False
        return any(
            layer.activation == activation for layer in self._info.config.network.layers[:-1]
        )

    def _vanish_reason(self) -> str:
        if self._has("sigmoid"):
            return (
                "deep sigmoid stacks shrink the gradient at every layer, since "
                "sigmoid'(z) \u2264 0.25"
            )
        if self._has("tanh"):
            return "saturated tanh units (tanh'(z) near 0) shrink the gradient at every layer"
        return (
            "each layer multiplies the gradient passed back by its weights and activation "
            "slopes; factors below 1 shrink it"
        )

    def _set_flags(self, flags: list[tuple[str, str]]) -> None:
        self._flags = flags
        self.flag_list.clear()
        for kind, text in flags:
            item = QListWidgetItem(f"{_ICONS[kind]}  {text}")
            colors = theme.colors().message(_MESSAGE_KIND[kind])
            item.setForeground(QBrush(QColor(colors.text)))
            item.setBackground(QBrush(QColor(colors.background)))
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.flag_list.addItem(item)
