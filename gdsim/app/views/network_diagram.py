"""One training update walked through in four phases on a picture of the network.

1. Forward pass: every connection is drawn by its weight (blue positive, red negative, thicker
   for a larger |w|); each neuron is filled by its activation a for the chosen sample. (The
   blue, red, gray and orange are the theme's: lighter ones on a dark background.)
2. Cost: the output neurons show the prediction ŷ beside the target y; the loss L of the
   sample and the cost C of the batch are spelled out.
3. Backward pass: the connections show the gradient dC/dw the next update will use; each neuron
   shows dL/dz for the chosen sample (how the sample's loss changes with the neuron's z).
4. Update: the connections show the change the next step makes (-learning rate × gradient for
   plain SGD; for other optimizers, the previous step's actual change, labelled as such).
The "Next phase" after the update asks the window for one real step (`step_requested`) and
goes back to the forward pass.

`start_run(info)` builds a GUI-side copy of the network and loads the training data exactly as
the trainer does; `update_from(snap)` copies the snapshot's parameters and gradients in.
Snapshots of other runs are ignored. Work is done only when the view is (or becomes) visible.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.run_view import Feed
from gdsim.app.views.run_model import run_model
from gdsim.engine.network import Network
from gdsim.session.runstate import RunInfo, Snapshot

MAX_SHOWN = 20  # neurons drawn per layer; the rest are summarised as "+N more"
MIN_WIDTH = 0.5  # px, the thinnest connection
MAX_WIDTH = 6.0  # px, the connection with the largest |value| on display
RADIUS = 19.0
ROW = 46.0  # vertical distance between neurons
COLUMN = 190.0  # horizontal distance between layers
MIN_ZOOM = 0.6  # below this the numbers inside the neurons cannot be read: scroll instead


PHASES = {
    1: (
        "Forward pass",
        "connections show the WEIGHTS w; neurons show their activation "
        "a = f(z) for the chosen sample; inputs show x",
    ),
    2: (
        "Cost",
        "the output compares the prediction ŷ with the target y; the loss L of "
        "this sample and the cost C of the batch are below",
    ),
    3: (
        "Backward pass",
        "connections show the GRADIENTS dC/dw; neurons show dL/dz for the chosen sample",
    ),
    4: ("Update", ""),  # set from the optimizer
}


def short(value: float) -> str:
    """About six significant digits ('0', not '-0')."""
    return f"{float(value) + 0.0:.6g}"


def tiny(value: float) -> str:
    """Three significant digits, to fit inside a neuron."""
    return f"{float(value) + 0.0:.3g}"


def sign_name(value: float) -> str:
    if not math.isfinite(value) or value == 0.0:
        return "gray"
    return "blue" if value > 0 else "red"


def _sign_color(value: float) -> QColor:
    c = theme.colors()
    return QColor({"blue": c.positive, "red": c.negative}.get(sign_name(value), c.neutral))


def _width(value: float, largest: float) -> float:
    if not math.isfinite(value) or not math.isfinite(largest) or largest <= 0.0:
        return MIN_WIDTH
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * min(abs(value) / largest, 1.0)


def _fill(value: float, scale: float) -> QColor:
    """The background for 0, towards full blue (positive) or red (negative) at |value| = scale;
    a gray for a value that is not finite."""
    c = theme.colors()
    empty = QColor(c.background)
    if not math.isfinite(value):
        return QColor(c.grid)
    if scale <= 0.0:
        return empty
    t = min(abs(value) / scale, 1.0)
    base = QColor(c.positive if value > 0 else c.negative)
    return QColor(
        round(empty.red() + (base.red() - empty.red()) * t),
        round(empty.green() + (base.green() - empty.green()) * t),
        round(empty.blue() + (base.blue() - empty.blue()) * t),
    )


def _shown(units: int) -> int:
    """How many neurons of a layer are drawn (one slot is kept for the '+N more' note)."""
    return units if units <= MAX_SHOWN else MAX_SHOWN - 1


class NetworkDiagramView(QWidget):
    """The network as a diagram; one update in four phases: forward, cost, backward, update."""

    run_feed = Feed(only_visible=True)  # the latest parameters, while its tab shows

    step_requested = Signal()
    phaseChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("networkDiagramView")
        self._info: RunInfo | None = None
        self._net: Network | None = None
        self._x: np.ndarray | None = None
        self._y: np.ndarray | None = None
        self._input_names: tuple[str, ...] = ()
        self._snap: Snapshot | None = None
        self._phase = 1
        self._dirty = False
        self._edges: dict[str, QGraphicsLineItem] = {}
        self._edge_values: dict[str, tuple[float, str, float]] = {}
        self._nodes: dict[tuple[int, int], QGraphicsItem] = {}
        self._node_texts: dict[tuple[int, int], QGraphicsSimpleTextItem] = {}
        self._side_texts: dict[int, QGraphicsSimpleTextItem] = {}
        self._tooltips: dict[tuple[int, int], str] = {}
        self._captions: list[QGraphicsSimpleTextItem] = []  # column titles, "+N more"
        self._build()
        self._show_note("Start a run to see the network.")
        self._update_phase_widgets()
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        c = theme.colors()
        self.diagram.setBackgroundBrush(QBrush(QColor(c.background)))
        for item in (*self._captions, *self._side_texts.values()):
            item.setBrush(QBrush(QColor(c.foreground)))
        if self._nodes:
            self._dirty = True  # fills and pens from the new colours
            if self.isVisible():
                self._refresh()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)

        row = QHBoxLayout()
        self.phase_group = QButtonGroup(self)
        self.phase_group.setExclusive(True)
        self.phase_buttons: dict[int, QPushButton] = {}
        for n, (title, _) in PHASES.items():
            button = QPushButton(f"{n} {title.split()[0]}")
            button.setObjectName(f"phase{n}Button")
            button.setCheckable(True)
            button.setToolTip(f"Show phase {n}: {title.lower()}")
            self.phase_group.addButton(button, n)
            self.phase_buttons[n] = button
            row.addWidget(button)
        self.next_button = QPushButton("Next phase ▶")
        self.next_button.setObjectName("nextPhaseButton")
        self.next_button.setToolTip(
            "Go to the next phase; after the update, apply one real "
            "training step and start again with the forward pass"
        )
        row.addWidget(self.next_button)
        row.addStretch(1)
        row.addWidget(QLabel("Sample:"))
        self.sample_spin = QSpinBox()
        self.sample_spin.setObjectName("diagramSampleSpin")
        self.sample_spin.setMinimumWidth(
            self.sample_spin.fontMetrics().horizontalAdvance("0000 of 0000") + 30
        )
        self.sample_spin.setToolTip(
            "The training sample the forward pass, cost and dL/dz are "
            "shown for (the gradients are over the whole batch)"
        )
        row.addWidget(self.sample_spin)
        outer.addLayout(row)

        self.phase_label = QLabel()
        self.phase_label.setObjectName("phaseLabel")
        self.phase_label.setWordWrap(True)
        self.phase_label.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.phase_label)

        self.note_label = QLabel()
        self.note_label.setObjectName("diagramNoteLabel")
        self.note_label.setWordWrap(True)
        outer.addWidget(self.note_label)

        self.scene = QGraphicsScene(self)
        self.diagram = QGraphicsView(self.scene)
        self.diagram.setObjectName("networkDiagram")
        self.diagram.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.diagram.setMinimumHeight(120)
        self.diagram.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.diagram.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.diagram, 1)

        self.info_label = QLabel()
        self.info_label.setObjectName("diagramInfoLabel")
        self.info_label.setWordWrap(True)
        self.info_label.setTextFormat(Qt.TextFormat.RichText)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.info_label)

        self.phase_group.idClicked.connect(self.set_phase)
        self.next_button.clicked.connect(self.next_phase)
        self.sample_spin.valueChanged.connect(self._on_sample)

    def _show_note(self, text: str) -> None:
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))

    # ------------------------------------------------------------------ API
    def start_run(self, info: RunInfo) -> None:
        """A new run: rebuild the network, the data and the diagram (network mode only)."""
        self._info = info
        self._net = self._x = self._y = None
        self._snap = None
        self._clear_scene()
        self.info_label.setText("")
        config = info.config
        if config.mode != "network":
            self._set_enabled(False)
            self._show_note(
                "The network diagram shows a network's training; this run "
                "minimises a formula, so there is no network to draw."
            )
            return
        try:
            model = run_model(config)
        except Exception as exc:  # the trainer reports bad configs; just explain here
            self._set_enabled(False)
            self._show_note(f"The network diagram cannot load this run's data: {exc}")
            return
        self._net, self._x, self._y = model.network, model.x_train, model.y_train
        self._input_names = tuple(model.dataset.input_names)
        n = self._x.shape[1]
        self.sample_spin.blockSignals(True)
        self.sample_spin.setRange(1, max(1, n))
        self.sample_spin.setSuffix(f" of {n}")
        self.sample_spin.setValue(min(self.sample_spin.value(), max(1, n)))
        self.sample_spin.blockSignals(False)
        self._set_enabled(n > 0)
        big = [u for u in self._net.sizes if u > MAX_SHOWN]
        notes = []
        if n == 0:
            notes.append("This run has no training samples.")
        if big:
            notes.append(
                f"Layers with more than {MAX_SHOWN} neurons show the first "
                f"{MAX_SHOWN - 1}; the widths are scaled to the connections drawn."
            )
        self._show_note(" ".join(notes))
        self._build_scene()
        self._dirty = False

    def update_from(self, snap: Snapshot) -> None:
        """Take the snapshot's parameters and gradients (other runs' snapshots are ignored)."""
        if self._net is None or self._info is None or snap.run_id != self._info.run_id:
            return
        if snap.parameters.shape != self._net.theta.shape:
            return
        self._net.theta[...] = snap.parameters  # in place: the weight matrices are views
        self._snap = snap
        self._dirty = True
        if self.isVisible():
            self._refresh()

    def phase(self) -> int:
        return self._phase

    def set_phase(self, n: int) -> None:
        n = int(n)
        if n not in PHASES:
            raise ValueError(f"phase must be 1..4, got {n}")
        changed = n != self._phase
        self._phase = n
        self._update_phase_widgets()
        self._dirty = True
        self._refresh()
        if changed:
            self.phaseChanged.emit(n)

    def next_phase(self) -> None:
        """Forward → cost → backward → update; after the update, ask for one real step."""
        if self._phase == 4:
            self.set_phase(1)
            self.step_requested.emit()
        else:
            self.set_phase(self._phase + 1)

    def select_sample(self, index: int) -> None:
        """Show training sample `index` (0-based; the spin box counts from 1)."""
        self.sample_spin.setValue(int(index) + 1)

    def sample(self) -> int:
        return self.sample_spin.value() - 1

    def edge_style(self, name: str) -> tuple[float, str, float] | None:
        """(value shown, 'blue' / 'red' / 'gray', width in px) of connection `name` (e.g.
        'w2_1_3') in the current phase; None when it is not drawn."""
        self._ensure()
        return self._edge_values.get(name)

    def neuron_tooltip(self, layer: int, j: int) -> str:
        """The tooltip of neuron j (1-based) of `layer` (0 = the inputs)."""
        self._ensure()
        return self._tooltips.get((int(layer), int(j)), "")

    # ------------------------------------------------------------------ events
    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._ensure()
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _on_sample(self, _value: int) -> None:
        self._dirty = True
        if self.isVisible():
            self._refresh()

    def _ensure(self) -> None:
        if self._dirty:
            self._refresh()

    def _set_enabled(self, on: bool) -> None:
        for w in (*self.phase_buttons.values(), self.next_button, self.sample_spin, self.diagram):
            w.setEnabled(on)

    def _fit(self) -> None:
        """The whole network in view, unless that makes it too small to read (a wide network
        in a short tab): then readable, with scroll bars."""
        rect = self.scene.sceneRect()
        if rect.isEmpty() or not self._nodes:
            return
        view = self.diagram.maximumViewportSize()  # the size without scroll bars
        zoom = min(view.width() / rect.width(), view.height() / rect.height())
        policy = Qt.ScrollBarPolicy
        bars = policy.ScrollBarAlwaysOff if zoom >= MIN_ZOOM else policy.ScrollBarAsNeeded
        self.diagram.setVerticalScrollBarPolicy(bars)
        self.diagram.setHorizontalScrollBarPolicy(bars)
        if zoom >= MIN_ZOOM:
            self.diagram.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self.diagram.resetTransform()
            self.diagram.scale(MIN_ZOOM, MIN_ZOOM)

    # ------------------------------------------------------------------ the diagram
    def _clear_scene(self) -> None:
        self.scene.clear()
        self._edges.clear()
        self._edge_values.clear()
        self._nodes.clear()
        self._node_texts.clear()
        self._side_texts.clear()
        self._tooltips.clear()
        self._captions.clear()

    def _position(self, layer: int, j: int) -> QPointF:
        """Centre of neuron j (1-based) of `layer` (0 = inputs); columns centred vertically."""
        net = self._net
        tallest = max(_shown(u) + (u > MAX_SHOWN) for u in net.sizes)
        count = _shown(net.sizes[layer]) + (net.sizes[layer] > MAX_SHOWN)
        top = (tallest - count) * ROW / 2
        return QPointF(layer * COLUMN, top + (j - 1) * ROW)

    def _build_scene(self) -> None:
        self._clear_scene()
        net = self._net
        bold = QFont()
        bold.setBold(True)
        small = QFont()
        small.setPointSizeF(8)
        # connections first, so the neurons sit on top of them
        for layer in range(1, net.n_layers + 1):
            for j in range(1, _shown(net.sizes[layer]) + 1):
                for k in range(1, _shown(net.sizes[layer - 1]) + 1):
                    a, b = self._position(layer - 1, k), self._position(layer, j)
                    line = QGraphicsLineItem(a.x() + RADIUS, a.y(), b.x() - RADIUS, b.y())
                    line.setZValue(0)
                    line.setAcceptHoverEvents(True)
                    self.scene.addItem(line)
                    self._edges[f"w{layer}_{j}_{k}"] = line
        for layer, units in enumerate(net.sizes):
            for j in range(1, _shown(units) + 1):
                p = self._position(layer, j)
                rect = QRectF(p.x() - RADIUS, p.y() - RADIUS, 2 * RADIUS, 2 * RADIUS)
                item = QGraphicsRectItem(rect) if layer == 0 else QGraphicsEllipseItem(rect)
                item.setZValue(2)
                self.scene.addItem(item)
                self._nodes[(layer, j)] = item
                text = QGraphicsSimpleTextItem()
                text.setFont(small)
                text.setZValue(3)
                self.scene.addItem(text)
                self._node_texts[(layer, j)] = text
            if units > MAX_SHOWN:
                p = self._position(layer, _shown(units) + 1)
                more = self.scene.addSimpleText(f"+{units - _shown(units)} more", small)
                more.setPos(p.x() - more.boundingRect().width() / 2, p.y() - 8)
                self._captions.append(more)
            # the column's title
            if layer == 0:
                title = "inputs x"
            elif layer == net.n_layers:
                title = f"output ({net.activations[layer - 1].name})"
            else:
                title = f"layer {layer} ({net.activations[layer - 1].name})"
            head = self.scene.addSimpleText(title, bold)
            top = self._position(layer, 1)
            head.setPos(top.x() - head.boundingRect().width() / 2, top.y() - RADIUS - 24)
            self._captions.append(head)
        for j in range(1, _shown(net.sizes[-1]) + 1):
            side = QGraphicsSimpleTextItem()
            side.setFont(small)
            side.setZValue(3)
            self.scene.addItem(side)
            p = self._position(net.n_layers, j)
            side.setPos(p.x() + RADIUS + 6, p.y() - 14)
            self._side_texts[j] = side
        foreground = QBrush(QColor(theme.colors().foreground))
        for item in (*self._captions, *self._side_texts.values()):
            item.setBrush(foreground)
        # a fixed frame (room on the right for ŷ and y), so the scale never jumps
        rect = self.scene.itemsBoundingRect()
        self.scene.setSceneRect(rect.adjusted(-10, -10, 130, 10))
        self._fit()

    def _set_node_text(self, key: tuple[int, int], text: str, color: QColor) -> None:
        item = self._node_texts[key]
        item.setText(text)
        dark = color.lightnessF() < 0.55
        item.setBrush(QBrush(QColor("#ffffff" if dark else "#000000")))  # whichever reads
        p = self._position(*key)
        r = item.boundingRect()
        scale = min(1.0, (2 * RADIUS - 5) / r.width()) if r.width() > 0 else 1.0
        item.setScale(scale)  # long numbers shrink to fit inside the neuron
        item.setPos(p.x() - scale * r.width() / 2, p.y() - scale * r.height() / 2)

    # ------------------------------------------------------------------ compute and show
    def _update_phase_widgets(self) -> None:
        for n, button in self.phase_buttons.items():
            button.setChecked(n == self._phase)
            font = button.font()
            font.setBold(n == self._phase)
            button.setFont(font)
        title, text = PHASES[self._phase]
        if self._phase == 4:
            text = self._update_description()
        self.phase_label.setText(f"<b>Phase {self._phase} of 4 — {title}:</b> {text}")
        self.next_button.setText("Apply this step ▶" if self._phase == 4 else "Next phase ▶")

    def _plain_sgd(self) -> bool:
        opt = self._info.config.optimizer if self._info is not None else None
        return opt is not None and opt.name == "sgd" and float(opt.momentum) == 0.0

    def _update_description(self) -> str:
        if self._info is None or self._info.config.mode != "network":
            return "connections show how much each weight changes."
        if self._plain_sgd():
            return (
                "connections show the change the NEXT step makes: "
                "Δw = -learning rate × dC/dw (plain SGD); neurons show Δb"
            )
        name = self._info.config.optimizer.name
        return (
            f"{name} does not move by -learning rate × gradient alone (it keeps a "
            "memory of earlier gradients), so connections show the optimizer's update "
            "of the PREVIOUS step, Δw = w now - w before; neurons show Δb"
        )

    def _refresh(self) -> None:
        self._dirty = False
        self._update_phase_widgets()
        net, snap = self._net, self._snap
        if (
            net is None
            or self._x is None
            or self._y is None
            or self._x.shape[1] == 0
            or not self._edges
            and not self._nodes
        ):
            return
        sample = min(max(self.sample(), 0), self._x.shape[1] - 1)
        xs = self._x[:, sample : sample + 1]
        ys = self._y[:, sample : sample + 1]
        with np.errstate(all="ignore"):
            values = net.layer_values(xs)
            loss = net.loss.cost(values[-1][0], values[-1][1], ys)
            # dL/dz of this one sample: a backward pass on a batch of one (the GUI copy's own
            # gradient buffer is scratch; the diagram's gradients come from the snapshot)
            deltas = [d[:, 0] for d in net.deltas(xs, ys)]
        theta = snap.parameters if snap is not None else net.theta
        grads = snap.gradients if snap is not None else np.full_like(theta, np.nan)
        lr = snap.learning_rate if snap is not None else math.nan
        if self._plain_sgd():
            update = -lr * grads
        else:
            update = snap.last_update if snap is not None else np.full_like(theta, np.nan)
        shown = {1: theta, 2: theta, 3: grads, 4: update}[self._phase]

        def weight(vector: np.ndarray, layer: int, j: int, k: int) -> float:
            s = net.weight_slices[layer - 1]
            return float(vector[s.start + (j - 1) * net.sizes[layer - 1] + (k - 1)])

        def bias(vector: np.ndarray, layer: int, j: int) -> float:
            return float(vector[net.bias_slices[layer - 1].start + j - 1])

        self._show_edges(shown, theta, grads, update, weight)
        self._show_nodes(values, deltas, xs, ys, shown, weight, bias, grads, update)
        self._show_info(sample, loss, values, ys)

    def _show_edges(self, shown, theta, grads, update, weight) -> None:
        entries = {}
        for name in self._edges:
            layer, j, k = (int(p) for p in name[1:].split("_"))
            entries[name] = (weight(shown, layer, j, k), layer, j, k)
        finite = [abs(v) for v, *_ in entries.values() if math.isfinite(v)]
        largest = max(finite, default=0.0)
        faded = self._phase == 2
        update_word = "next update Δw = -lr × dC/dw" if self._plain_sgd() else "previous update Δw"
        self._edge_values.clear()
        for name, (value, layer, j, k) in entries.items():
            color = QColor(_sign_color(value))
            width = _width(value, largest)
            if faded:
                color.setAlpha(60)
            pen = QPen(color, width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            line = self._edges[name]
            line.setPen(pen)
            line.setZValue(1 if abs(value) >= 0.5 * largest else 0)
            line.setToolTip(
                f"{name} = {short(weight(theta, layer, j, k))}; "
                f"dC/dw = {short(weight(grads, layer, j, k))}; "
                f"{update_word} = {short(weight(update, layer, j, k))}"
            )
            self._edge_values[name] = (value, sign_name(value), width)

    def _show_nodes(self, values, deltas, xs, ys, shown, weight, bias, grads, update) -> None:
        net = self._net
        phase = self._phase
        last = net.n_layers
        names = self._input_names
        c = theme.colors()
        highlight_pen, neutral = QColor(c.highlight), QColor(c.neutral)
        # inputs
        x_scale = max((abs(float(v)) for v in xs[:, 0] if math.isfinite(v)), default=0.0)
        for (layer, j), item in self._nodes.items():
            if layer:
                continue
            x = float(xs[j - 1, 0])
            label = names[j - 1] if j - 1 < len(names) else f"x{j}"
            tip = f"input x{j} ({label}) = {short(x)}"
            self._tooltips[(0, j)] = tip
            item.setToolTip(tip)
            fill = _fill(x, x_scale) if phase == 1 else QColor(c.background)
            item.setBrush(QBrush(fill))
            item.setPen(QPen(highlight_pen if phase == 1 else neutral, 2.5 if phase == 1 else 1.0))
            self._set_node_text((0, j), tiny(x) if phase in (1, 2) else "", fill)
        # neurons: the phase decides what they show
        per_layer = {}
        for layer in range(1, last + 1):
            a = values[layer - 1][1][:, 0]
            if phase in (1, 2):
                per_layer[layer] = a
            elif phase == 3:
                per_layer[layer] = deltas[layer - 1]
            else:
                s = net.bias_slices[layer - 1]
                per_layer[layer] = update[s]
        if phase in (1, 2):
            scales = {
                layer: max(1.0, max((abs(float(v)) for v in vals if math.isfinite(v)), default=0.0))
                for layer, vals in per_layer.items()
            }
        else:
            top = max(
                (abs(float(v)) for vals in per_layer.values() for v in vals if math.isfinite(v)),
                default=0.0,
            )
            scales = {layer: top for layer in per_layer}
        for (layer, j), item in self._nodes.items():
            if not layer:
                continue
            value = float(per_layer[layer][j - 1])
            output = layer == last
            if phase == 2 and not output:
                fill = QColor(c.background)
                text = ""
            else:
                fill = _fill(value, scales[layer])
                text = tiny(value)
            item.setBrush(QBrush(fill))
            highlight = phase in (1, 3, 4) or (phase == 2 and output)
            item.setPen(QPen(highlight_pen if highlight else neutral, 2.5 if highlight else 1.0))
            self._set_node_text((layer, j), text, fill)
            tip = self._neuron_text(layer, j, values, deltas, xs, weight, bias, grads, update)
            self._tooltips[(layer, j)] = tip
            item.setToolTip(tip)
            self._node_texts[(layer, j)].setToolTip(tip)
        # beside the outputs: ŷ and y in the cost phase
        for j, side in self._side_texts.items():
            if phase == 2:
                yhat = float(values[-1][1][j - 1, 0])
                side.setText(f"ŷ{j} = {short(yhat)}\ny{j} = {short(float(ys[j - 1, 0]))}")
            elif phase == 1:
                side.setText(f"ŷ{j} = {short(float(values[-1][1][j - 1, 0]))}")
            else:
                side.setText("")

    def _neuron_text(self, layer, j, values, deltas, xs, weight, bias, grads, update) -> str:
        net = self._net
        fan_in = net.sizes[layer - 1]
        previous = xs[:, 0] if layer == 1 else values[layer - 2][1][:, 0]
        symbol = "x" if layer == 1 else f"a{layer - 1}_"
        theta = net.theta
        terms = [
            f"{short(weight(theta, layer, j, k))}·{short(float(previous[k - 1]))}"
            for k in range(1, min(fan_in, 8) + 1)
        ]
        if fan_in > 8:
            terms.append(f"… ({fan_in - 8} more terms)")
        b = bias(theta, layer, j)
        z = float(values[layer - 1][0][j - 1, 0])
        a = float(values[layer - 1][1][j - 1, 0])
        act = net.activations[layer - 1].name
        where = "output" if layer == net.n_layers else f"layer {layer}"
        lines = [
            f"neuron {j} of {where} (sample {self.sample() + 1})",
            f"z{layer}_{j} = Σ w·{symbol.rstrip('_')} + b = "
            + " + ".join(terms)
            + f" + {short(b)} = {short(z)}",
            f"a{layer}_{j} = {act}(z) = {short(a)}",
            f"dL/dz = {short(float(deltas[layer - 1][j - 1]))} (this sample)",
            f"b{layer}_{j} = {short(b)}; dC/db = {short(bias(grads, layer, j))}; "
            f"Δb = {short(bias(update, layer, j))}",
        ]
        return "\n".join(lines)

    def _show_info(self, sample: int, loss: float, values, ys) -> None:
        snap = self._snap
        cost = snap.cost if snap is not None else math.nan
        step = snap.step if snap is not None else 0
        phase = self._phase
        if phase == 1:
            text = (
                f"Step {step}, sample {sample + 1}: each neuron computes z = Σ w·a + b "
                "from the column to its left, then a = f(z). Blue = positive, red = "
                "negative; thicker = larger |w|. Hover for the numbers."
            )
        elif phase == 2:
            yhat = values[-1][1][:, 0]
            pairs = ", ".join(
                f"ŷ{j + 1} = {short(float(p))} vs y{j + 1} = {short(float(t))}"
                for j, (p, t) in enumerate(zip(yhat, ys[:, 0], strict=False))
            )
            text = (
                f"<b>Loss of sample {sample + 1}: L = {short(loss)}</b> ({pairs}, "
                f"{self._net.loss.name}).  <b>Cost of the batch: C = {short(cost)}</b> "
                "(the mean of L over the samples, plus any regularisation)."
            )
        elif phase == 3:
            text = (
                "Backpropagation runs the chain rule from the cost back to every weight: "
                "dC/dw is the slope of the cost along that weight. Thick lines are the "
                "weights the cost is most sensitive to."
            )
        else:
            lr = snap.learning_rate if snap is not None else math.nan
            if self._plain_sgd():
                text = (
                    f"Learning rate {short(lr)}: every weight moves against its gradient, "
                    "so a red line here was blue in the backward pass. Press "
                    "“Apply this step” to make the update and start again."
                )
            else:
                text = (
                    "These are the changes the optimizer made on its last step (zero "
                    "before the first step). Press “Apply this step” to make the next "
                    "update and start again."
                )
        self.info_label.setText(text)
