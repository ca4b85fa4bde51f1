"""Backpropagation as the chain rule: pick a weight and a training sample, see every factor.

For one sample the loss L reaches a weight only through the weighted sum z of the neuron the
weight feeds, so dL/dw = dL/dz · dz/dw. For an output weight that is the three-factor chain
dL/dŷ · dŷ/dz · dz/dw; for a deeper weight dL/dz is a sum over every path from the neuron to
the loss. The view lists each path's factors with today's numbers, multiplies them, adds the
paths up, and sets the total beside the network's own backward pass and a finite difference.

`start_run(info)` builds a GUI-side copy of the network and loads the training data exactly as
the trainer does; `update_from(snap)` copies the snapshot's parameters into it. The breakdown
is recomputed only when it is (or becomes) visible, so a hidden view costs nothing.

The arithmetic is :func:`gdsim.engine.chain.chain_rule`'s; this module is the view (controls,
when to recompute, the labels), :mod:`gdsim.app.views.chain_table` the table of paths and
:mod:`gdsim.app.views.chain_words` (Qt-free) the formula, the agreement and the explanation.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.parameter_list import parameter_combo
from gdsim.app.run_view import Feed
from gdsim.app.views.chain_table import ChainPathsTable
from gdsim.app.views.chain_words import (
    CHAIN_TOLERANCE,
    FD_STEP,
    FD_TOLERANCE,
    agreement,
    explanation_html,
    formula_html,
    full,
    generic_labels,
    path_route,
    precise,
    short,
    vector_text,
)
from gdsim.engine.chain import MAX_PATHS, ChainBreakdown, chain_rule
from gdsim.engine.network import Network
from gdsim.engine.parameters import ParameterIndex
from gdsim.session.run_model import run_model
from gdsim.session.runstate import RunInfo, Snapshot

__all__ = [
    "CHAIN_TOLERANCE",
    "FD_STEP",
    "FD_TOLERANCE",
    "ChainRuleView",
    "full",
    "generic_labels",
    "path_route",
    "precise",
    "short",
]


SHOWN_INPUTS = 6  # inputs named in the sample line; the rest are in its tooltip


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
        self._parameters = parameter_combo(
            self.parameter_combo, lambda index, i: f"{index.names[i]} — {index.describe(i)}", 24
        )
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

        self.table = ChainPathsTable()
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
        self.table.forget()
        config = info.config
        with QSignalBlocker(self.parameter_combo), QSignalBlocker(self.sample_spin):
            self._parameters.set_index(ParameterIndex.from_names(()))
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
            self._parameters.set_index(net.parameter_index)
            self.parameter_combo.setCurrentIndex(max(0, self._parameters.row_of(previous or "")))
            n = self._x.shape[1]
            self.sample_spin.setRange(1, max(1, n))
            self.sample_spin.setSuffix(f" of {n}")
            self.sample_spin.setValue(min(self.sample_spin.value(), max(1, n)))
            self.content.setEnabled(n > 0)
            self._show_note("" if n > 0 else "This run has no training samples.")
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
        index = self._parameters.row_of(name)
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
        # after the event: the window's presenter may be about to hand over newer parameters,
        # and one breakdown of 512 paths is enough
        QTimer.singleShot(0, self._refresh_if_dirty)

    def _refresh_if_dirty(self) -> None:
        if self._dirty and self.isVisible():
            self._refresh()

    def _on_parameter(self, _index: int) -> None:
        self.table.forget()
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
        self.table.show_paths(b, self._info.run_id)
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
        self.table.empty()

    def _show_formula(self, b: ChainBreakdown) -> None:
        muted = theme.colors().muted
        self.formula_label.setText(formula_html(b, self._net.n_layers, muted))

    def _show_sample(self, b: ChainBreakdown, prediction: np.ndarray) -> None:
        x = self._x[:, b.sample]
        y = self._y[:, b.sample]
        named = [f"{n} = {short(float(v))}" for n, v in zip(self._input_names, x, strict=False)]
        inputs = ", ".join(named[:SHOWN_INPUTS])
        if len(named) > SHOWN_INPUTS:  # (64 pixels would push the table off its place)
            inputs += f", … ({len(named)} inputs: all in the tooltip)"
        if self._class_targets:
            target = f"class {int(np.argmax(y))} (one-hot {vector_text(y)})"
        else:
            target = vector_text(y)
        self.sample_label.setText(
            f"Sample {b.sample + 1}: input {inputs};  target y = {target};  "
            f"prediction ŷ = {vector_text(prediction)};  its loss L = {short(b.loss)}  "
            "(the cost C on the plots is the mean of L over the samples)"
        )
        self.sample_label.setToolTip(
            f"input x = {[full(v) for v in x]}\ntarget y = {[full(v) for v in y]}\n"
            f"prediction ŷ = {[full(v) for v in prediction]}\nloss L = {full(b.loss)}\n"
            "L is this sample's share of the cost: the cost is the mean of L over the "
            "training samples (plus any regularisation penalty)."
        )

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
        line = agreement(total, b)
        if line is None:
            self.agreement_label.setText(
                "✗ Some numbers are not finite (the run may have diverged), so nothing can be "
                "compared."
            )
            return
        self.agreement_label.setText(line)
        self.agreement_label.setToolTip(
            "Relative differences. The chain rule and backpropagation do the same "
            "multiplications in another order, so they agree to rounding error; the finite "
            "difference (L(p + h) - L(p - h)) / 2h only approximates the slope."
        )

    def _show_explanation(self, b: ChainBreakdown) -> None:
        self.explanation_label.setText(explanation_html(b, self._net))
