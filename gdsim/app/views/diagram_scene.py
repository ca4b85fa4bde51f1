"""The network diagram's picture: neurons in columns, one line per connection, painted per phase.

Layout: one column per layer (inputs first), at most MAX_SHOWN neurons each (a bigger layer
shows its first MAX_SHOWN - 1 and a "+N more" note), columns centred vertically; connections
are drawn first so the neurons sit on top of them, and the scene keeps a fixed frame (room on
the right for ŷ and y) so the scale never jumps between phases.

Painting: a connection's colour is the sign of its value (blue positive, red negative, gray for
0 or not finite; the theme's own blue, red and gray, lighter on a dark background) and its width
grows with |value| up to MAX_WIDTH for the largest on display; a neuron is filled from the
background towards blue or red with its value, its number written inside in whichever of black
or white reads on that fill. The numbers come from :mod:`gdsim.app.views.diagram_numbers`.

Frozen parameters: a frozen weight's connection is dashed; a neuron whose bias is frozen has a
dashed outline and a small padlock at its top right. :meth:`DiagramScene.pick` names the
parameter under a point (a neuron: its bias; near a connection: its weight).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.views.diagram_numbers import PhaseNumbers, neuron_text, short, sign_name, tiny
from gdsim.engine.network import Network
from gdsim.engine.parameters import bias_name, weight_name

__all__ = [
    "COLUMN",
    "MAP_RADIUS",
    "MAP_ROW",
    "MAX_SHOWN",
    "MAX_WIDTH",
    "MIN_WIDTH",
    "RADIUS",
    "ROW",
    "DiagramScene",
]

MAX_SHOWN = 20  # neurons drawn per layer; the rest are summarised as "+N more"
MIN_WIDTH = 0.5  # px, the thinnest connection
MAX_WIDTH = 6.0  # px, the connection with the largest |value| on display
RADIUS = 19.0
ROW = 46.0  # vertical distance between neurons
MAP_RADIUS = 25.0  # with neuron maps: bigger neurons (a map inside, the number under it)
MAP_ROW = 68.0
COLUMN = 190.0  # horizontal distance between layers


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


def _segment_distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / length2
    t = min(max(t, 0.0), 1.0)
    return math.hypot(p.x() - a.x() - t * dx, p.y() - a.y() - t * dy)


def _lock_path(x: float, y: float) -> QPainterPath:
    """A small padlock (9 px wide) with its body's top left at (x, y)."""
    path = QPainterPath()
    path.addRoundedRect(QRectF(x, y, 9, 7), 1.5, 1.5)
    path.moveTo(x + 2, y)
    path.lineTo(x + 2, y - 2)
    path.arcTo(QRectF(x + 2, y - 4.5, 5, 5), 180, -180)
    path.lineTo(x + 7, y)
    return path


def _shown(units: int) -> int:
    """How many neurons of a layer are drawn (one slot is kept for the '+N more' note)."""
    return units if units <= MAX_SHOWN else MAX_SHOWN - 1


class DiagramScene(QGraphicsScene):
    """The items of one network's diagram, by name: ``edges`` by weight name ('w2_1_3'),
    ``nodes``, ``node_texts`` and ``tooltips`` by (layer, j) (layer 0: the inputs),
    ``side_texts`` (ŷ and y beside output j) by j; ``edge_values`` is what each connection
    shows: (value, 'blue' / 'red' / 'gray', width in px)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.net: Network | None = None
        self.edges: dict[str, QGraphicsLineItem] = {}
        self.edge_ids: dict[str, tuple[int, int, int]] = {}  # name -> (layer, j, k)
        self.edge_values: dict[str, tuple[float, str, float]] = {}
        self.nodes: dict[tuple[int, int], QGraphicsItem] = {}
        self.node_texts: dict[tuple[int, int], QGraphicsSimpleTextItem] = {}
        self.side_texts: dict[int, QGraphicsSimpleTextItem] = {}
        self.tooltips: dict[tuple[int, int], str] = {}
        self.captions: list[QGraphicsSimpleTextItem] = []  # column titles, "+N more"
        self.locks: dict[tuple[int, int], QGraphicsPathItem] = {}  # frozen-bias padlocks
        self.frozen_names: set[str] = set()  # drawn as frozen in the last painting
        self.edit_hint = ""  # added to every neuron's and connection's tooltip
        self.maps_on = False  # neuron maps: bigger neurons, their numbers under them
        self.radius, self.row = RADIUS, ROW

    def set_maps(self, on: bool) -> None:
        """Neurons sized for maps inside them, or for numbers inside them (then build again)."""
        self.maps_on = bool(on)
        self.radius, self.row = (MAP_RADIUS, MAP_ROW) if on else (RADIUS, ROW)

    def node_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(layer, j) of the neuron (or input) drawn at scene point `pos`, or None."""
        for layer, j in self.nodes:
            centre = self.position(layer, j)
            if math.hypot(pos.x() - centre.x(), pos.y() - centre.y()) <= self.radius + 1:
                return layer, j
        return None

    def reset(self) -> None:
        """No items at all (the dicts are emptied in place)."""
        self.clear()
        self.edges.clear()
        self.edge_ids.clear()
        self.edge_values.clear()
        self.nodes.clear()
        self.node_texts.clear()
        self.side_texts.clear()
        self.tooltips.clear()
        self.captions.clear()
        self.locks.clear()
        self.frozen_names.clear()

    def restyle(self) -> None:
        """The captions' and side texts' colour from the theme in force."""
        foreground = QBrush(QColor(theme.colors().foreground))
        for item in (*self.captions, *self.side_texts.values()):
            item.setBrush(foreground)
        for lock in self.locks.values():
            lock.setPen(QPen(foreground.color(), 1.3))
            lock.setBrush(QBrush(QColor(theme.colors().background)))

    # ------------------------------------------------------------------ picking
    def pick(self, pos: QPointF, tolerance: float = 5.0) -> str | None:
        """The parameter drawn at scene point `pos`: a neuron's bias ('b2_1'), else the weight
        of the nearest connection within `tolerance` ('w2_1_3'); None for an input, empty
        space or anything not drawn (a layer's hidden neurons)."""
        for layer, j in self.nodes:
            centre = self.position(layer, j)
            if math.hypot(pos.x() - centre.x(), pos.y() - centre.y()) <= self.radius + 1:
                return bias_name(layer, j) if layer else None
        best, best_name = tolerance, None
        for name, item in self.edges.items():
            line = item.line()
            d = _segment_distance(pos, line.p1(), line.p2())
            if d <= best:
                best, best_name = d, name
        return best_name

    def item_center(self, name: str) -> QPointF | None:
        """Where parameter `name` is drawn (a point on its connection, a neuron's centre)."""
        if name in self.edges:  # nearer the source than the middle, where pairs cross
            return self.edges[name].line().pointAt(0.3)
        for layer, j in self.nodes:
            if layer and bias_name(layer, j) == name:
                return self.position(layer, j)
        return None

    # ------------------------------------------------------------------ layout
    def position(self, layer: int, j: int) -> QPointF:
        """Centre of neuron j (1-based) of `layer` (0 = inputs); columns centred vertically."""
        net = self.net
        tallest = max(_shown(u) + (u > MAX_SHOWN) for u in net.sizes)
        count = _shown(net.sizes[layer]) + (net.sizes[layer] > MAX_SHOWN)
        top = (tallest - count) * self.row / 2
        return QPointF(layer * COLUMN, top + (j - 1) * self.row)

    def build(self, net: Network) -> None:
        """The items of `net`'s diagram (unpainted), in a fixed frame."""
        self.reset()
        self.net = net
        bold = QFont()
        bold.setBold(True)
        small = QFont()
        small.setPointSizeF(8)
        # connections first, so the neurons sit on top of them
        for layer in range(1, net.n_layers + 1):
            for j in range(1, _shown(net.sizes[layer]) + 1):
                for k in range(1, _shown(net.sizes[layer - 1]) + 1):
                    a, b = self.position(layer - 1, k), self.position(layer, j)
                    r = self.radius
                    line = QGraphicsLineItem(a.x() + r, a.y(), b.x() - r, b.y())
                    line.setZValue(0)
                    line.setAcceptHoverEvents(True)
                    self.addItem(line)
                    name = weight_name(layer, j, k)
                    self.edges[name] = line
                    self.edge_ids[name] = (layer, j, k)
        for layer, units in enumerate(net.sizes):
            for j in range(1, _shown(units) + 1):
                p = self.position(layer, j)
                r = self.radius
                rect = QRectF(p.x() - r, p.y() - r, 2 * r, 2 * r)
                item = QGraphicsRectItem(rect) if layer == 0 else QGraphicsEllipseItem(rect)
                item.setZValue(2)
                self.addItem(item)
                self.nodes[(layer, j)] = item
                text = QGraphicsSimpleTextItem()
                text.setFont(small)
                text.setZValue(3)
                self.addItem(text)
                self.node_texts[(layer, j)] = text
                if layer:
                    lock = QGraphicsPathItem(_lock_path(p.x() + 0.5 * r, p.y() - r))
                    lock.setZValue(4)
                    lock.setVisible(False)
                    self.addItem(lock)
                    self.locks[(layer, j)] = lock
            if units > MAX_SHOWN:
                p = self.position(layer, _shown(units) + 1)
                more = self.addSimpleText(f"+{units - _shown(units)} more", small)
                more.setPos(p.x() - more.boundingRect().width() / 2, p.y() - 8)
                self.captions.append(more)
            # the column's title
            if layer == 0:
                title = "inputs x"
            elif layer == net.n_layers:
                title = f"output ({net.activations[layer - 1].name})"
            else:
                title = f"layer {layer} ({net.activations[layer - 1].name})"
            head = self.addSimpleText(title, bold)
            top = self.position(layer, 1)
            head.setPos(top.x() - head.boundingRect().width() / 2, top.y() - self.radius - 24)
            self.captions.append(head)
        for j in range(1, _shown(net.sizes[-1]) + 1):
            side = QGraphicsSimpleTextItem()
            side.setFont(small)
            side.setZValue(3)
            self.addItem(side)
            p = self.position(net.n_layers, j)
            side.setPos(p.x() + self.radius + 6, p.y() - 14)
            self.side_texts[j] = side
        self.restyle()
        # a fixed frame (room on the right for ŷ and y), so the scale never jumps
        rect = self.itemsBoundingRect()
        self.setSceneRect(rect.adjusted(-10, -10, 130, 10))

    def _set_node_text(self, key: tuple[int, int], text: str, color: QColor) -> None:
        item = self.node_texts[key]
        item.setText(text)
        p = self.position(*key)
        r = item.boundingRect()
        if self.maps_on and key[0]:  # under the neuron, its map inside it
            item.setBrush(QBrush(QColor(theme.colors().foreground)))
            item.setScale(1.0)
            item.setPos(p.x() - r.width() / 2, p.y() + self.radius + 1)
            return
        dark = color.lightnessF() < 0.55
        item.setBrush(QBrush(QColor("#ffffff" if dark else "#000000")))  # whichever reads
        scale = min(1.0, (2 * self.radius - 5) / r.width()) if r.width() > 0 else 1.0
        item.setScale(scale)  # long numbers shrink to fit inside the neuron
        item.setPos(p.x() - scale * r.width() / 2, p.y() - scale * r.height() / 2)

    # ------------------------------------------------------------------ painting
    def paint_edges(self, n: PhaseNumbers, phase: int) -> None:
        """Each connection by what `phase` shows (faded in the cost phase), with a tooltip."""
        shown = n.shown(phase)
        entries = {}
        for name, (layer, j, k) in self.edge_ids.items():
            entries[name] = (n.weight(shown, layer, j, k), layer, j, k)
        finite = [abs(v) for v, *_ in entries.values() if math.isfinite(v)]
        largest = max(finite, default=0.0)
        faded = phase == 2
        update_word = "next update Δw = -lr × dC/dw" if n.plain_sgd else "previous update Δw"
        self.edge_values.clear()
        self.frozen_names.clear()
        for name, (value, layer, j, k) in entries.items():
            color = QColor(_sign_color(value))
            width = _width(value, largest)
            if faded:
                color.setAlpha(60)
            pen = QPen(color, width)
            frozen = n.is_frozen(n.weight_index(layer, j, k))
            if frozen:  # dashes of a fixed length in px, whatever the width
                self.frozen_names.add(name)
                unit = max(width, 1.0)
                pen.setDashPattern([5.0 / unit, 4.0 / unit])
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            else:
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            line = self.edges[name]
            line.setPen(pen)
            line.setZValue(1 if abs(value) >= 0.5 * largest else 0)
            update = short(n.weight(n.update, layer, j, k))
            tip = (
                f"{name} = {short(n.weight(n.theta, layer, j, k))}; "
                f"dC/dw = {short(n.weight(n.grads, layer, j, k))}; "
                f"{update_word} = {update + ' (frozen)' if frozen else update}"
            )
            if frozen:
                tip += f"\n{name} is frozen: it keeps its value"
            line.setToolTip(tip + self.edit_hint)
            self.edge_values[name] = (value, sign_name(value), width)

    def paint_nodes(self, n: PhaseNumbers, phase: int, input_names: Sequence[str]) -> None:
        """Inputs and neurons by what `phase` shows, with tooltips; ŷ and y beside the outputs."""
        net = self.net
        last = net.n_layers
        xs, values = n.xs, n.values
        c = theme.colors()
        highlight_pen, neutral = QColor(c.highlight), QColor(c.neutral)
        # inputs
        x_scale = max((abs(float(v)) for v in xs[:, 0] if math.isfinite(v)), default=0.0)
        for (layer, j), item in self.nodes.items():
            if layer:
                continue
            x = float(xs[j - 1, 0])
            label = input_names[j - 1] if j - 1 < len(input_names) else f"x{j}"
            tip = f"input x{j} ({label}) = {short(x)}"
            self.tooltips[(0, j)] = tip
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
                per_layer[layer] = n.deltas[layer - 1]
            else:
                s = net.bias_slices[layer - 1]
                per_layer[layer] = n.update[s]
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
        for (layer, j), item in self.nodes.items():
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
            item.setBrush(QBrush(fill) if not self.maps_on else QBrush())  # (the map shows)
            highlight = phase in (1, 3, 4) or (phase == 2 and output)
            pen = QPen(highlight_pen if highlight else neutral, 2.5 if highlight else 1.0)
            frozen = n.is_frozen(n.bias_index(layer, j))
            if frozen:
                pen.setStyle(Qt.PenStyle.DashLine)
                self.frozen_names.add(bias_name(layer, j))
            item.setPen(pen)
            self.locks[(layer, j)].setVisible(frozen)
            self._set_node_text((layer, j), text, fill)
            tip = neuron_text(n, layer, j) + self.edit_hint
            self.tooltips[(layer, j)] = tip
            item.setToolTip(tip)
            self.node_texts[(layer, j)].setToolTip(tip)
        # beside the outputs: ŷ and y in the cost phase
        for j, side in self.side_texts.items():
            if phase == 2:
                yhat = float(values[-1][1][j - 1, 0])
                side.setText(f"ŷ{j} = {short(yhat)}\ny{j} = {short(float(n.ys[j - 1, 0]))}")
            elif phase == 1:
                side.setText(f"ŷ{j} = {short(float(values[-1][1][j - 1, 0]))}")
            else:
                side.setText("")
