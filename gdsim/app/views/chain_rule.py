"""Backpropagation as the chain rule: pick a weight and a training sample, see every factor.

For one sample the loss L reaches a weight only through the weighted sum z of the neuron the
weight feeds, so dL/dw = dL/dz · dz/dw. For an output weight that is the three-factor chain
dL/dŷ · dŷ/dz · dz/dw; for a deeper weight dL/dz is a sum over every path from the neuron to
the loss. The view lists each path's factors with today's numbers, multiplies them, adds the
paths up, and sets the total beside the network's own backward pass and a finite difference.

`start_run(info)` builds a GUI-side copy of the network and loads the training data exactly as
the trainer does; `update_from(snap)` copies the snapshot's parameters into it. The breakdown
is recomputed only when it is (or becomes) visible, so a hidden view costs nothing.
"""

from __future__ import annotations

import math
import re

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.run_view import Feed
from gdsim.app.views.run_model import run_model
from gdsim.engine.chain import MAX_PATHS, ChainBreakdown, ChainPath, chain_rule
from gdsim.engine.network import Network
from gdsim.session.runstate import RunInfo, Snapshot, describe_parameter

CHAIN_TOLERANCE = 1e-10  # relative: the chain and backprop are the same arithmetic
FD_TOLERANCE = 1e-5  # relative: central differences with h = 1e-6 are approximate
FD_STEP = 1e-6
_LETTERS = "mnopqrstuv"
_TOKENS = re.compile(r"(\d+)")


def short(value: float) -> str:
    """About six significant digits, for the table ('0', not '-0')."""
    return f"{float(value) + 0.0:.6g}"


def full(value: float) -> str:
    """Every digit a float64 holds, for tooltips."""
    return repr(float(value))


def precise(value: float) -> str:
    """15 significant digits: enough to see that two routes agree to 1e-12."""
    return f"{value:.15g}"


def _relative_gap(a: float, b: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.nan
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0.0 else abs(a - b) / scale


def _power_of_ten(gap: float) -> str:
    """The smallest 1e-k at or above `gap` (at most 1e-15: double precision's floor)."""
    if gap <= 1e-15:
        return "1e-15"
    return f"1e{math.ceil(math.log10(gap))}"


def generic_labels(paths: tuple[ChainPath, ...]) -> list[str]:
    """One header per factor column: the label itself when every path shares it, else the label
    with its varying neuron numbers replaced by letters (the same letter where the same neuron
    varies the same way), e.g. 'dz2_m/da1_2', 'dŷo/dz3_n'."""
    if not paths:
        return []
    width = len(paths[0].factors)
    split = [[_TOKENS.split(p.factors[i].label) for p in paths] for i in range(width)]
    letters: dict[tuple[str, ...], str] = {}
    headers = []
    for column in split:
        parts = list(column[0])
        for t in range(1, len(parts), 2):  # odd positions hold the numbers
            values = tuple(row[t] if t < len(row) else "" for row in column)
            if len(set(values)) > 1:
                if values not in letters:
                    letters[values] = _LETTERS[len(letters) % len(_LETTERS)]
                parts[t] = letters[values]
        headers.append("".join(parts))
    return headers


def path_route(path: ChainPath, start: str) -> str:
    """The neurons a path passes through, e.g. 'z1_2 → z2_3 → ŷ1 → L'."""
    route = [start]
    for f in path.factors:
        top = f.label.split("/")[0]
        if top.startswith(("dz", "dŷ")) and top[1:] != route[-1]:
            route.append(top[1:])
    return " → ".join(route + ["L"])


def _vector(values: np.ndarray) -> str:
    items = [short(float(v)) for v in values]
    return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"


class ChainRuleView(QWidget):
    """Choose a parameter and a training sample; see dL/dp as the chain rule, factor by factor."""

    run_feed = Feed(only_visible=True)  # the latest parameters, while its tab shows

    parameterChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("chainRuleView")
        self._info: RunInfo | None = None
        self._net: Network | None = None
        self._x: np.ndarray | None = None
        self._y: np.ndarray | None = None
        self._input_names: tuple[str, ...] = ()
        self._class_targets = False
        self._breakdown: ChainBreakdown | None = None
        self._dirty = False
        self._table_key: tuple | None = None
        self._build()
        self._show_note("Start a run to see backpropagation as the chain rule.")
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        """The formula's grey notes are in the theme's muted colour: write them again."""
        if self._net is not None and self._x is not None and self._x.shape[1]:
            self._dirty = True
            if self.isVisible():
                self._refresh()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)

        row = QHBoxLayout()
        row.addWidget(QLabel("Parameter:"))
        self.parameter_combo = QComboBox()
        self.parameter_combo.setObjectName("chainParameterCombo")
        self.parameter_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.parameter_combo.setMinimumContentsLength(24)
        self.parameter_combo.setToolTip("The weight or bias whose derivative dL/dp is spelled out")
        row.addWidget(self.parameter_combo, 1)
        row.addSpacing(8)
        row.addWidget(QLabel("Sample:"))
        self.sample_spin = QSpinBox()
        self.sample_spin.setObjectName("chainSampleSpin")
        self.sample_spin.setToolTip(
            "Backpropagation runs on one sample at a time; the cost's "
            "gradient is the mean of these over the training samples"
        )
        row.addWidget(self.sample_spin)
        outer.addLayout(row)

        self.note_label = QLabel()
        self.note_label.setObjectName("chainNoteLabel")
        self.note_label.setWordWrap(True)
        outer.addWidget(self.note_label)

        self.content = QWidget()
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(4)

        self.formula_label = QLabel()
        self.formula_label.setObjectName("chainFormulaLabel")
        self.formula_label.setWordWrap(True)
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self.formula_label)

        self.sample_label = QLabel()
        self.sample_label.setObjectName("chainSampleLabel")
        self.sample_label.setWordWrap(True)
        body.addWidget(self.sample_label)

        self.table = QTableWidget()
        self.table.setObjectName("chainPathsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        body.addWidget(self.table, 3)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(1)
        self.sum_label = self._number_label("chainSumLabel")
        self.backprop_label = self._number_label("chainBackpropLabel")
        self.fd_label = self._number_label("chainFiniteDifferenceLabel")
        for r, (text, label) in enumerate(
            (
                ("sum over all paths", self.sum_label),
                ("backpropagation gives", self.backprop_label),
                (f"finite difference (h = {FD_STEP:g}) gives", self.fd_label),
            )
        ):
            name = QLabel(text)
            grid.addWidget(name, r, 0)
            grid.addWidget(label, r, 1)
        grid.setColumnStretch(2, 1)
        body.addLayout(grid)

        self.agreement_label = QLabel()
        self.agreement_label.setObjectName("chainAgreementLabel")
        self.agreement_label.setWordWrap(True)
        body.addWidget(self.agreement_label)

        self.explanation_label = QLabel()
        self.explanation_label.setObjectName("chainExplanationLabel")
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.explanation_label.setMargin(4)
        self.explanation_label.setTextFormat(Qt.TextFormat.RichText)
        self.explanation_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        explanation = QScrollArea()
        explanation.setObjectName("chainExplanationArea")
        explanation.setWidgetResizable(True)
        explanation.setFrameShape(QFrame.Shape.NoFrame)
        explanation.setWidget(self.explanation_label)
        explanation.setMinimumHeight(60)
        body.addWidget(explanation, 2)
        outer.addWidget(self.content, 1)

        self.parameter_combo.currentIndexChanged.connect(self._on_parameter)
        self.sample_spin.valueChanged.connect(self._on_sample)

    def _number_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setProperty("value", math.nan)
        return label

    def _show_note(self, text: str) -> None:
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))

    # ------------------------------------------------------------------ API
    def start_run(self, info: RunInfo) -> None:
        """A new run: rebuild the network and data (network mode), keep the parameter choice."""
        previous = self.parameter()
        self._info = info
        self._net = self._x = self._y = None
        self._breakdown = None
        self._table_key = None
        config = info.config
        self.parameter_combo.blockSignals(True)
        self.sample_spin.blockSignals(True)
        try:
            self.parameter_combo.clear()
            if config.mode != "network":
                self.content.setEnabled(False)
                self._clear_display()
                self._show_note(
                    "The chain rule view explains a network's backpropagation; "
                    "this run minimises a formula, so there is no network to show."
                )
                return
            try:
                model = run_model(config)
            except Exception as exc:  # the trainer reports bad configs; just explain here
                self.content.setEnabled(False)
                self._clear_display()
                self._show_note(f"The chain rule view cannot load this run's data: {exc}")
                return
            net, dataset = model.network, model.dataset
            self._net, self._x, self._y = net, model.x_train, model.y_train
            self._input_names = dataset.input_names
            self._class_targets = self._y.shape[0] != dataset.y_train.shape[0]
            for name in net.parameter_names:
                self.parameter_combo.addItem(f"{name} — {describe_parameter(name)}", name)
            index = net.parameter_names.index(previous) if previous in net.parameter_names else 0
            self.parameter_combo.setCurrentIndex(index)
            n = self._x.shape[1]
            self.sample_spin.setRange(1, max(1, n))
            self.sample_spin.setSuffix(f" of {n}")
            self.sample_spin.setValue(min(self.sample_spin.value(), max(1, n)))
            self.content.setEnabled(n > 0)
            self._show_note("" if n > 0 else "This run has no training samples.")
        finally:
            self.parameter_combo.blockSignals(False)
            self.sample_spin.blockSignals(False)
        self._dirty = self._x is not None and self._x.shape[1] > 0
        self._clear_display()

    def update_from(self, snap: Snapshot) -> None:
        """Take the snapshot's parameters and recompute (now if visible, else when shown)."""
        if self._net is None or self._info is None or snap.run_id != self._info.run_id:
            return
        if snap.parameters.shape != self._net.theta.shape:
            return
        self._net.theta[...] = snap.parameters  # in place: the weight matrices are views
        self._dirty = True
        if self.isVisible():
            self._refresh()

    def select_parameter(self, name: str) -> bool:
        """Show `name` (e.g. 'w2_1_3'); False when the network has no such parameter."""
        index = self.parameter_combo.findData(name)
        if index < 0:
            return False
        self.parameter_combo.setCurrentIndex(index)
        return True

    def select_sample(self, index: int) -> None:
        """Show training sample `index` (0-based; the spin box counts from 1)."""
        self.sample_spin.setValue(int(index) + 1)

    def parameter(self) -> str | None:
        data = self.parameter_combo.currentData()
        return str(data) if data is not None else None

    def sample(self) -> int:
        return self.sample_spin.value() - 1

    def breakdown(self) -> ChainBreakdown | None:
        """The breakdown on display (computed now if a snapshot arrived while hidden)."""
        if self._dirty:
            self._refresh()
        return self._breakdown

    # ------------------------------------------------------------------ events
    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._dirty:
            self._refresh()

    def _on_parameter(self, _index: int) -> None:
        self._table_key = None
        self._dirty = self._net is not None
        name = self.parameter()
        if name is not None:
            self.parameterChanged.emit(name)
        self._refresh()

    def _on_sample(self, _value: int) -> None:
        self._dirty = self._net is not None
        self._refresh()

    # ------------------------------------------------------------------ compute and show
    def _refresh(self) -> None:
        self._dirty = False
        name = self.parameter()
        if (
            self._net is None
            or self._x is None
            or self._y is None
            or name is None
            or self._x.shape[1] == 0
        ):
            return
        sample = min(max(self.sample(), 0), self._x.shape[1] - 1)
        with np.errstate(all="ignore"):
            b = chain_rule(self._net, self._x, self._y, name, sample=sample, h=FD_STEP)
            prediction = self._net.predict(self._x[:, sample : sample + 1])[:, 0]
        self._breakdown = b
        self._show_formula(b)
        self._show_sample(b, prediction)
        self._show_table(b)
        self._show_totals(b)
        self._show_explanation(b)

    def _clear_display(self) -> None:
        for label in (
            self.formula_label,
            self.sample_label,
            self.sum_label,
            self.backprop_label,
            self.fd_label,
            self.agreement_label,
            self.explanation_label,
        ):
            label.setText("")
            label.setToolTip("")
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)

    def _layer_of(self, name: str) -> int:
        return int(name[1:].split("_")[0])

    def _show_formula(self, b: ChainBreakdown) -> None:
        name = b.parameter
        headers = list(reversed(generic_labels(b.paths)))
        chain = " · ".join(h.replace("/", "/\u2060") for h in headers)  # no break after '/'
        letters = sorted({c for h in headers for c in h if c in _LETTERS})
        is_output = self._layer_of(name) == self._net.n_layers
        note = f"<span style='color:{theme.colors().muted}'>"
        if len(b.paths) == 1:
            text = f"<b>dL/d{name}</b> = {chain}"
            if is_output:
                text += (
                    f"  {note}(loss ← prediction ← its input z ← the weight)</span>"
                    if name.startswith("w")
                    else f"  {note}(loss ← prediction ← its input z ← the bias)</span>"
                )
            else:
                text += f"  {note}(one path from the parameter to the loss)</span>"
        else:
            over = ", ".join(letters)
            text = (
                f"<b>dL/d{name}</b> = Σ<sub>{over}</sub> {chain}"
                f"  {note}(a sum over the {len(b.paths)} paths from "
                f"the parameter to the loss, one row each below)</span>"
            )
        self.formula_label.setText(text)

    def _show_sample(self, b: ChainBreakdown, prediction: np.ndarray) -> None:
        x = self._x[:, b.sample]
        y = self._y[:, b.sample]
        inputs = ", ".join(
            f"{n} = {short(float(v))}" for n, v in zip(self._input_names, x, strict=False)
        )
        if self._class_targets:
            target = f"class {int(np.argmax(y))} (one-hot {_vector(y)})"
        else:
            target = _vector(y)
        self.sample_label.setText(
            f"Sample {b.sample + 1}: input {inputs};  target y = {target};  "
            f"prediction ŷ = {_vector(prediction)};  its loss L = {short(b.loss)}  "
            "(the cost C on the plots is the mean of L over the samples)"
        )
        self.sample_label.setToolTip(
            f"input x = {[full(v) for v in x]}\ntarget y = {[full(v) for v in y]}\n"
            f"prediction ŷ = {[full(v) for v in prediction]}\nloss L = {full(b.loss)}\n"
            "L is this sample's share of the cost: the cost is the mean of L over the "
            "training samples (plus any regularisation penalty)."
        )

    def _show_table(self, b: ChainBreakdown) -> None:
        width = max((len(p.factors) for p in b.paths), default=0)
        key = (b.parameter, b.sample, len(b.paths), width, self._info.run_id)
        start = f"z{b.parameter[1:].split('_')[0]}_{b.parameter[1:].split('_')[1]}"
        table = self.table
        if key != self._table_key:
            self._table_key = key
            headers = ["path"] + list(reversed(generic_labels(b.paths))) + ["product"]
            table.clear()
            table.setColumnCount(len(headers))
            table.setRowCount(len(b.paths))
            table.setHorizontalHeaderLabels(headers)
            for c, h in enumerate(headers):
                item = table.horizontalHeaderItem(c)
                if c == 0:
                    item.setToolTip(
                        "The neurons the path runs through, from the parameter's neuron to the loss"
                    )
                elif c == len(headers) - 1:
                    item.setToolTip("The path's contribution: the product of its factors")
                else:
                    item.setToolTip(h)
            for r, path in enumerate(b.paths):
                table.setItem(r, 0, QTableWidgetItem(path_route(path, start)))
                for c in range(1, len(headers)):
                    item = QTableWidgetItem()
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                    table.setItem(r, c, item)
        for r, path in enumerate(b.paths):
            factors = list(reversed(path.factors))
            for c, f in enumerate(factors, start=1):
                item = table.item(r, c)
                item.setText(short(f.value))
                item.setToolTip(f"{f.label} = {full(f.value)}")
                item.setData(Qt.ItemDataRole.UserRole, f.value)
            item = table.item(r, len(factors) + 1)
            item.setText(short(path.product))
            item.setToolTip(" · ".join(f.label for f in factors) + f"\n= {full(path.product)}")
            item.setData(Qt.ItemDataRole.UserRole, path.product)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        self._fit_table_height()

    def _fit_table_height(self) -> None:
        """Just tall enough for a few rows; a long list of paths scrolls."""
        table = self.table
        rows = min(table.rowCount(), 8)
        height = (
            table.horizontalHeader().sizeHint().height()
            + 2 * table.frameWidth()
            + rows * table.verticalHeader().defaultSectionSize()
        )
        if table.horizontalHeader().length() > table.viewport().width():
            height += table.horizontalScrollBar().sizeHint().height()
        table.setMaximumHeight(height + 2)
        table.setMinimumHeight(min(height + 2, 150))

    def _show_totals(self, b: ChainBreakdown) -> None:
        total = b.paths_sum if b.complete else b.chain_total
        for label, value in (
            (self.sum_label, total),
            (self.backprop_label, b.backprop),
            (self.fd_label, b.finite_difference),
        ):
            label.setText(f"= {precise(value)}")
            label.setToolTip(full(value))
            label.setProperty("value", float(value))
        if not b.complete:
            self.sum_label.setText(
                f"= {precise(total)}   (there are more than {MAX_PATHS} paths: the table lists "
                f"the first {len(b.paths)}, whose products add up to {short(b.paths_sum)}; "
                "the total adds every path, layer by layer)"
            )
        chain_gap = _relative_gap(total, b.backprop)
        fd_gap = _relative_gap(b.finite_difference, b.backprop)
        if math.isnan(chain_gap):
            self.agreement_label.setText(
                "✗ Some numbers are not finite (the run may have diverged), so nothing can be "
                "compared."
            )
            return
        chain_ok = chain_gap <= CHAIN_TOLERANCE or abs(total - b.backprop) <= 1e-15
        fd_ok = (not math.isnan(fd_gap)) and (
            fd_gap <= FD_TOLERANCE or abs(b.finite_difference - b.backprop) <= 1e-9
        )
        line = (
            f"chain = backprop to {_power_of_ten(chain_gap)} {'✓' if chain_ok else '✗'}"
            f"     finite difference ≈ backprop to "
            f"{'n/a' if math.isnan(fd_gap) else _power_of_ten(fd_gap)} "
            f"{'✓' if fd_ok else '✗'}"
        )
        self.agreement_label.setText(f"<b>{line}</b>")
        self.agreement_label.setToolTip(
            "Relative differences. The chain rule and backpropagation do the same "
            "multiplications in another order, so they agree to rounding error; the finite "
            "difference (L(p + h) - L(p - h)) / 2h only approximates the slope."
        )

    def _show_explanation(self, b: ChainBreakdown) -> None:
        name = b.parameter
        net = self._net
        layer = self._layer_of(name)
        parts = name[1:].split("_")
        j = int(parts[1])
        is_weight = name.startswith("w")
        k = int(parts[2]) if is_weight else 0
        source = (
            f"input {k}"
            if layer == 1
            else f"the output a{layer - 1}_{k} of neuron {k} of layer {layer - 1}"
        )
        out_act = net.activations[-1].name
        loss = {
            "mse": "squared error",
            "bce": "binary cross-entropy",
            "cross_entropy": "cross-entropy",
        }.get(net.loss.name, "loss")
        dz = (
            f"<b>dz{layer}_{j}/d{name}</b>: z{layer}_{j} is the weighted sum of neuron {j}'s "
            f"inputs plus its bias, so nudging this weight changes z by exactly the input it "
            f"multiplies: {source}."
            if is_weight
            else f"<b>dz{layer}_{j}/d{name}</b> = 1: the bias is added straight into "
            f"z{layer}_{j}, so z moves exactly as much as the bias does."
        )
        lines = [
            "Read the chain from left to right as “how much does L change when …”, "
            "working back from the loss (that is why it is called back-propagation)."
        ]
        lines.append(
            f"<b>dL/dŷ</b>: how the {loss} of this sample changes when the "
            "prediction changes; it is large when the prediction is far off."
        )
        if out_act == "softmax":
            lines.append(
                "<b>dŷ/dz</b> (output layer): how a softmax output changes with an "
                "output neuron's input z; every softmax output depends on every z, "
                "so there is one path through each output ŷ."
            )
        else:
            lines.append(
                f"<b>dŷ/dz</b> (output layer): how the output changes with its input "
                f"z: the slope of the {out_act} activation at this z."
            )
        if layer < net.n_layers:
            lines.append(
                "<b>da/dz</b>: the slope of a hidden neuron's activation at its z; "
                "<b>dz/da</b>: how the next neuron's z changes with this neuron's "
                "output, which is the weight connecting them."
            )
            n = len(b.paths)
            lines.append(
                "Multiply along a path to get that path's share. A neuron that feeds several "
                "neurons reaches the loss along several paths, and their shares add up"
                + (
                    f": here there are {n} paths."
                    if n > 1
                    else "; here there is only one path, because every layer after this one "
                    "leads to a single output."
                )
            )
        lines.append(dz)
        lines.append(
            "Backpropagation computes the same products, but shares the common "
            "parts between all parameters instead of listing every path."
        )
        self.explanation_label.setText("<br>".join(lines))
