"""The layers editor: inputs (read-only), hidden layer rows, the output layer, size summary.

The number of inputs always follows the data. The output layer follows the loss (bce ->
sigmoid, cross_entropy -> softmax, mse -> any activation; see :mod:`.shape`) and, where the
data determines it, the data's number of targets or classes (the units box is then read-only).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdsim.app.forms import tips
from gdsim.app.forms.shape import (
    HIDDEN_ACTIVATIONS,
    DataShape,
    allowed_output_activations,
    architecture,
    builtin_shape,
    default_output_activation,
    expected_output_units,
    parameter_count,
)
from gdsim.app.forms.widgets import (
    IntSpinBox,
    Section,
    add_row,
    make_combo,
    select,
    set_combo_enabled_items,
    set_tip,
)
from gdsim.config import ACTIVATIONS, MAX_LAYERS, MAX_UNITS, Config, LayerConfig, NetworkConfig

# The config's own limits (gdsim.config.names): the output layer counts as one of MAX_LAYERS.
# A network inside them may still be refused as a whole (too many parameters or too much
# memory, gdsim.config.memory): the form then says so in one line.
MAX_HIDDEN_LAYERS = MAX_LAYERS - 1
MAX_UI_UNITS = MAX_UNITS
NEW_LAYER = LayerConfig(4, "tanh")
_CAPTION_WIDTH = 64
_UNITS_WIDTH = 64
_BUTTON_WIDTH = 26


class LayerRow(QWidget):
    """One layer: caption, units box, activation combo and (hidden layers) a remove button."""

    def __init__(
        self,
        caption: str,
        layer: LayerConfig,
        activations: tuple[str, ...],
        removable: bool,
        caption_width: int = _CAPTION_WIDTH,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.caption = QLabel(caption)
        self.caption.setFixedWidth(caption_width)
        self.units = IntSpinBox()
        self.units.setRange(1, max(MAX_UI_UNITS, layer.units))
        self.units.setValue(layer.units)
        self.units.setFixedWidth(_UNITS_WIDTH)
        self.units.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.activation = make_combo(
            activations, tips.FIELDS["network.activation"], kind="activation"
        )
        self.activation.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.activation.setMinimumContentsLength(8)
        select(self.activation, layer.activation)
        row.addWidget(self.caption)
        row.addWidget(self.units)
        row.addWidget(self.activation, 1)
        self.remove_button: QToolButton | None = None
        if removable:
            self.remove_button = QToolButton()
            self.remove_button.setText("\u2715")
            self.remove_button.setFixedWidth(_BUTTON_WIDTH)
            row.addWidget(self.remove_button)
        else:
            row.addSpacing(_BUTTON_WIDTH + row.spacing())

    def layer(self) -> LayerConfig:
        return LayerConfig(self.units.value(), self.activation.currentData())

    def set_layer(self, layer: LayerConfig) -> None:
        self.units.setMaximum(max(MAX_UI_UNITS, layer.units))
        self.units.setValue(layer.units)
        select(self.activation, layer.activation)

    def set_index(self, index: int) -> None:
        """Number the row (1-based) and name its widgets for tests and tools."""
        self.caption.setText(f"Layer {index}")
        self.units.setObjectName(f"hiddenUnitsSpin_{index}")
        self.activation.setObjectName(f"hiddenActivationCombo_{index}")
        set_tip(self.caption, tips.about(f"Hidden layer {index}", "network.layer"))
        set_tip(self.units, tips.about(f"Hidden layer {index}", "network.units"))
        set_tip(self.activation, tips.about(f"Hidden layer {index}", "network.activation"))
        if self.remove_button is not None:
            self.remove_button.setObjectName(f"removeLayerButton_{index}")
            set_tip(self.remove_button, tips.FIELDS["network.remove"].format(index=index))


class NetworkForm(Section):
    """Inputs, hidden layers, output layer; emits ``edited`` for user changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Network", parent)
        self._loss = "bce"
        self._shape: DataShape = builtin_shape("xor")
        self._inputs = 2
        self._rows: list[LayerRow] = []
        self._caption_width = _CAPTION_WIDTH

        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.inputs_label = QLabel()
        self.inputs_label.setObjectName("inputsLabel")
        self.inputs_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        add_row(form, "Inputs", self.inputs_label, tips.FIELDS["network.inputs"])
        layout.addLayout(form)

        heading = QHBoxLayout()
        heading.setSpacing(4)
        hidden_caption = self._hidden_caption = QLabel("Hidden")
        hidden_caption.setFixedWidth(_CAPTION_WIDTH)
        set_tip(hidden_caption, tips.FIELDS["network.hidden"])
        units_caption = QLabel("Units")
        units_caption.setFixedWidth(_UNITS_WIDTH)
        set_tip(units_caption, tips.FIELDS["network.units"])
        act_caption = QLabel("Activation")
        set_tip(act_caption, tips.FIELDS["network.activation"])
        for caption in (hidden_caption, units_caption, act_caption):
            caption.setStyleSheet("color: palette(placeholder-text);")
        heading.addWidget(hidden_caption)
        heading.addWidget(units_caption)
        heading.addWidget(act_caption, 1)
        layout.addLayout(heading)

        self._rows_layout = QVBoxLayout()
        self._rows_layout.setSpacing(4)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_layout)
        self.no_hidden_label = QLabel("No hidden layers: the inputs feed the output directly.")
        self.no_hidden_label.setWordWrap(True)
        self.no_hidden_label.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.no_hidden_label)

        self.add_button = QPushButton("+ Add layer")
        self.add_button.setObjectName("addLayerButton")
        set_tip(self.add_button, tips.FIELDS["network.add"])
        self.add_button.clicked.connect(self._add_clicked)
        add_line = QHBoxLayout()
        add_line.setSpacing(4)
        self._add_indent = QWidget()
        self._add_indent.setFixedWidth(_CAPTION_WIDTH)
        add_line.addWidget(self._add_indent)
        add_line.addWidget(self.add_button)
        add_line.addStretch(1)
        layout.addLayout(add_line)

        self.output_row = LayerRow(
            "Output", LayerConfig(1, "sigmoid"), ACTIVATIONS, removable=False
        )
        self.output_row.units.setObjectName("outputUnitsSpin")
        self.output_row.units.refused.connect(
            lambda why: self.refused.emit(f"Output units: {why}.", self.output_row.units)
        )
        self.output_row.activation.setObjectName("outputActivationCombo")
        set_tip(self.output_row.caption, tips.FIELDS["network.output_units"])
        set_tip(self.output_row.units, tips.FIELDS["network.output_units"])
        set_tip(self.output_row.activation, tips.FIELDS["network.output_activation"])
        layout.addWidget(self.output_row)
        # First fix the units for softmax, then report the edit (slots run in connect order).
        self.output_row.activation.currentIndexChanged.connect(self._output_activation_changed)
        self.output_row.units.valueChanged.connect(self._update_summary)
        self.watch(self.output_row.units)
        self.watch(self.output_row.activation)

        self.hint_label = QLabel()
        self.hint_label.setObjectName("outputHintLabel")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet("color: palette(placeholder-text); font-size: small;")
        self.hint_label.hide()
        layout.addWidget(self.hint_label)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("networkSummaryLabel")
        set_tip(self.summary_label, tips.FIELDS["network.summary"])
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        layout.addWidget(self.summary_label)

        self.register("network.inputs", self.inputs_label, "Inputs")
        self.register("network.layers", self.add_button, "Layers")
        self.register("network", self.add_button, "Network")
        self.set_network(Config().network, "bce", self._shape)

    def set_caption_width(self, width: int) -> None:
        """Line the layer captions up with the other sections' label column."""
        self._caption_width = width
        for widget in (
            self._hidden_caption,
            self._add_indent,
            self.output_row.caption,
            *(row.caption for row in self._rows),
        ):
            widget.setFixedWidth(width)

    # ------------------------------------------------------------------ reading

    def hidden_layers(self) -> tuple[LayerConfig, ...]:
        return tuple(row.layer() for row in self._rows)

    def output_layer(self) -> LayerConfig:
        return self.output_row.layer()

    def network(self) -> NetworkConfig:
        return NetworkConfig(self._inputs, (*self.hidden_layers(), self.output_layer()))

    def apply_to(self, cfg: Config) -> Config:
        return dataclasses.replace(cfg, network=self.network())

    def hidden_count(self) -> int:
        return len(self._rows)

    def hidden_row(self, index: int) -> LayerRow:
        """The row of hidden layer ``index`` (1-based)."""
        return self._rows[index - 1]

    def field_for_key(self, key: str) -> tuple[QWidget, str] | None:
        if key.startswith("network.layers["):
            try:
                index = int(key[len("network.layers[") : key.index("]")])
            except ValueError:
                index = -1
            attr = key.rsplit(".", 1)[-1] if "]." in key else ""
            if 0 <= index < len(self._rows):
                row, label = self._rows[index], f"Hidden layer {index + 1}"
            elif index == len(self._rows):
                row, label = self.output_row, "Output layer"
            else:
                return super().field_for_key("network.layers")
            if attr == "units":
                return row.units, f"{label} units"
            return row.activation, f"{label} activation"
        return super().field_for_key(key)

    def field_widgets(self) -> list[QWidget]:
        out = super().field_widgets()
        for row in (*self._rows, self.output_row):
            out += [row.units, row.activation]
        return out

    # ------------------------------------------------------------------ filling

    def set_network(self, network: NetworkConfig, loss: str, shape: DataShape) -> None:
        """Show ``network`` as given (no adjustment to the data), quietly."""
        with self.quiet():
            self._loss, self._shape = loss, shape
            self._inputs = network.inputs
            hidden = network.hidden_layers
            while len(self._rows) > len(hidden):
                self._drop_row(len(self._rows) - 1)
            for i, layer in enumerate(hidden):
                if i < len(self._rows):
                    self._rows[i].set_layer(layer)
                else:
                    self._append_row(layer)
            self.output_row.set_layer(network.output_layer)
            self._refresh_output_constraints()
            self.hint_label.clear()
            self.hint_label.hide()
        self._refresh()

    def set_output_activation(self, name: str) -> None:
        """Choose the output activation from code (quiet; the next adapt() checks it)."""
        with self.quiet():
            select(self.output_row.activation, name)

    def show_hint(self, hint: str) -> None:
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))

    def adapt(self, loss: str, shape: DataShape, *, follow_data: bool) -> str:
        """Make the output layer fit ``loss`` and ``shape`` (and the inputs, if ``follow_data``).

        Quiet (no ``edited``); the caller applies the change. Returns the hint shown to the user
        when the output activation or units had to change ("" when nothing changed).
        """
        notes = []
        with self.quiet():
            self._loss, self._shape = loss, shape
            if follow_data:
                self._inputs = shape.n_inputs
            allowed = allowed_output_activations(loss, shape)
            combo = self.output_row.activation
            if combo.currentData() not in allowed:
                new = (
                    default_output_activation(loss)
                    if default_output_activation(loss) in allowed
                    else allowed[0]
                )
                select(combo, new)
                need = {
                    "bce": "the bce loss needs a sigmoid output",
                    "cross_entropy": "the cross_entropy loss needs a softmax output",
                }.get(loss, f"{loss} cannot use the previous output activation here")
                notes.append(f"Output activation set to {new}: {need}.")
            expected = expected_output_units(loss, shape)
            units = self.output_row.units
            minimum = 2 if combo.currentData() == "softmax" else 1
            target = expected if expected is not None else max(units.value(), minimum)
            units.setMinimum(minimum)
            if target != units.value():
                units.setMaximum(max(units.maximum(), target))
                units.setValue(target)
                why = (
                    "one per class"
                    if loss == "cross_entropy" and shape.n_targets == 1
                    else "one per target column"
                    if expected is not None
                    else "softmax needs at least 2"
                )
                notes.append(f"Output units set to {target} ({why}).")
            self._refresh_output_constraints()
        hint = " ".join(notes)
        self.show_hint(hint)
        self._refresh()
        return hint

    # ------------------------------------------------------------------ editing

    def add_layer(self) -> None:
        """Append a hidden layer like the last one (4 tanh units if there is none)."""
        if len(self._rows) >= MAX_HIDDEN_LAYERS:
            return
        layer = self._rows[-1].layer() if self._rows else NEW_LAYER
        self._append_row(layer)
        self._refresh()
        self._chosen()

    def remove_layer(self, index: int) -> None:
        """Remove hidden layer ``index`` (1-based)."""
        if not 1 <= index <= len(self._rows):
            return
        self._drop_row(index - 1)
        self._refresh()
        self._chosen()

    def _add_clicked(self) -> None:
        self.add_layer()

    def _append_row(self, layer: LayerConfig) -> None:
        row = LayerRow(
            "", layer, HIDDEN_ACTIVATIONS, removable=True, caption_width=self._caption_width
        )
        self._rows.append(row)
        self._rows_layout.addWidget(row)
        row.set_index(len(self._rows))
        self.watch(row.units)
        self.watch(row.activation)
        row.units.valueChanged.connect(self._update_summary)
        row.units.refused.connect(
            lambda why: self.refused.emit(
                f"Hidden layer {self._rows.index(row) + 1} units: {why}.", row.units
            )
        )
        assert row.remove_button is not None
        row.remove_button.clicked.connect(lambda: self.remove_layer(self._rows.index(row) + 1))

    def _drop_row(self, position: int) -> None:
        row = self._rows.pop(position)
        self._rows_layout.removeWidget(row)
        row.hide()
        # Unparent at once so findChild() no longer sees the old names, delete later (the row's
        # own button may be the one emitting right now).
        for child in (row.units, row.activation, row.remove_button):
            if child is not None:
                child.setObjectName("")
        row.setParent(None)
        row.deleteLater()
        for i, other in enumerate(self._rows[position:], start=position + 1):
            other.set_index(i)

    def _output_activation_changed(self) -> None:
        if self.is_quiet:
            return
        self.hint_label.hide()
        with self.quiet():
            self._refresh_output_constraints()
            # The units follow the data wherever it fixes them (back from softmax's 2 to the
            # data's 1, not a stale 2 the trainer would refuse); softmax needs at least 2.
            units = self.output_row.units
            minimum = 2 if self.output_row.activation.currentData() == "softmax" else 1
            expected = expected_output_units(self._loss, self._shape)
            if expected is not None and expected >= minimum:
                units.setValue(expected)
            elif units.value() < minimum:
                units.setValue(minimum)
            self._refresh_output_constraints()

    # ------------------------------------------------------------------ display

    def _refresh_output_constraints(self) -> None:
        allowed = allowed_output_activations(self._loss, self._shape)
        set_combo_enabled_items(self.output_row.activation, allowed)
        expected = expected_output_units(self._loss, self._shape)
        units = self.output_row.units
        units.setMinimum(2 if self.output_row.activation.currentData() == "softmax" else 1)
        follows = expected is not None and units.value() == expected
        units.setEnabled(not follows)
        base = tips.FIELDS["network.output_units"]
        if follows:
            what = (
                "classes"
                if self._loss == "cross_entropy" and self._shape.n_targets == 1
                else "target columns"
            )
            set_tip(units, f"{base} Here: {expected}, the number of {what}.")
        else:
            set_tip(units, base)
        if self._loss == "bce":
            note = "bce: the output is a sigmoid (a probability between 0 and 1)."
        elif self._loss == "cross_entropy":
            note = "cross_entropy: the output is a softmax (one probability per class)."
        else:
            note = "mse: any output activation; linear suits plain numbers."
        set_tip(self.output_row.activation, f"{tips.FIELDS['network.output_activation']} {note}")

    def _refresh(self) -> None:
        full = len(self._rows) >= MAX_HIDDEN_LAYERS
        self.add_button.setEnabled(not full)
        set_tip(
            self.add_button,
            tips.FIELDS["network.full"].format(count=MAX_HIDDEN_LAYERS)
            if full
            else tips.FIELDS["network.add"],
        )
        self.no_hidden_label.setVisible(not self._rows)
        names = self._shape.input_names
        shown = (
            f"  ({', '.join(names[:4])}{', ...' if len(names) > 4 else ''})"
            if (names and len(names) == self._inputs)
            else ""
        )
        self.inputs_label.setText(f"{self._inputs}{shown}")
        self._update_summary()

    def _update_summary(self, *_args: object) -> None:
        units = [row.units.value() for row in self._rows] + [self.output_row.units.value()]
        count = parameter_count(self._inputs, units)
        self.summary_label.setText(
            f"{architecture(self._inputs, units)}  \u00b7  {count:,} "
            f"parameter{'' if count == 1 else 's'}"
        )


__all__ = ["LayerRow", "NetworkForm", "MAX_HIDDEN_LAYERS", "MAX_UI_UNITS"]
