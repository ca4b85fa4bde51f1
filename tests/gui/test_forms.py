"""The network builder form (gdsim.app.forms), driven through its widgets as a user would."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QWidget,
)

from gdsim.app.forms import ConfigForm, CsvColumnsDialog
from gdsim.app.forms.network_form import MAX_HIDDEN_LAYERS, MAX_UI_UNITS
from gdsim.app.forms.shape import (
    architecture,
    builtin_shape,
    csv_shape,
    expected_output_units,
    fitting_loss,
    fitting_loss_note,
    loss_advice,
    parameter_count,
)
from gdsim.app.forms.widgets import NumberSpinBox, format_number, is_marked_invalid
from gdsim.config import (
    OPTIMIZER_DEFAULTS,
    Config,
    ConfigError,
    LayerConfig,
    NetworkConfig,
    OptimizerConfig,
    config_from_dict,
    default_config,
    load_config,
    validate_config,
)
from gdsim.resources import example_configs

SHOTS = Path("/tmp/forms-shots")

CONTRACT_EXAMPLE = {
    "gdsim": 1,
    "mode": "network",
    "network": {
        "inputs": 2,
        "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
    },
    "loss": "bce",
    "init": {"scheme": "xavier_uniform", "seed": 0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
    "batch_size": 0,
    "regularization": {"kind": "none", "rate": 0.0},
    "data": {
        "source": "builtin",
        "name": "xor",
        "samples": 200,
        "noise": 0.1,
        "test_fraction": 0.2,
        "seed": 1,
    },
}

NETWORK_EXAMPLES = [p for p in example_configs() if load_config(p).mode == "network"]
FUNCTION_EXAMPLES = [p for p in example_configs() if load_config(p).mode == "function"]


class Recorder:
    """Collects the configs/messages of the form's three signals."""

    def __init__(self, form: ConfigForm) -> None:
        self.structure: list[Config] = []
        self.live: list[Config] = []
        self.invalid: list[str] = []
        form.structure_changed.connect(self.structure.append)
        form.live_changed.connect(self.live.append)
        form.invalid.connect(self.invalid.append)

    @property
    def count(self) -> int:
        return len(self.structure) + len(self.live) + len(self.invalid)


@pytest.fixture
def form(qtbot) -> ConfigForm:
    widget = ConfigForm()
    widget.debounce_ms = 0  # apply every change at once (one test checks debouncing)
    qtbot.addWidget(widget)
    return widget


def find(form: QWidget, cls: type, name: str):
    widget = form.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def shown(widget: QWidget) -> bool:
    return not widget.isHidden()


def write_csv(folder: Path, text: str, name: str = "data.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


THREE_INPUTS = "id,a,b,c,label\n" + "".join(
    f"r{i},{i * 0.1:.1f},{(i % 3) * 0.5},{-i},{i % 3}\n" for i in range(12)
)


# ---------------------------------------------------------------------------- round trips


def test_default_form_holds_the_default_config(form):
    assert form.config() == validate_config(Config())
    assert validate_config(form.candidate()) == form.config()
    assert find(form, QLabel, "networkSummaryLabel").text() == "2-4-1  \u00b7  17 parameters"


def test_set_config_round_trips_the_contract_example(form, qtbot):
    cfg = config_from_dict(CONTRACT_EXAMPLE)
    with (
        qtbot.assertNotEmitted(form.structure_changed),
        qtbot.assertNotEmitted(form.live_changed),
        qtbot.assertNotEmitted(form.invalid),
    ):
        form.set_config(cfg)
    assert form.config() == cfg
    assert validate_config(form.candidate()) == cfg


@pytest.mark.parametrize("path", NETWORK_EXAMPLES, ids=lambda p: p.stem)
def test_set_config_round_trips_each_network_example(qtbot, path):
    form = ConfigForm()
    qtbot.addWidget(form)
    cfg = load_config(path)
    recorder = Recorder(form)
    form.set_config(cfg)
    assert recorder.count == 0
    assert form.config() == cfg
    # The widgets hold exactly the config: rebuilding it from them changes nothing.
    assert validate_config(form.candidate()) == cfg
    assert form.network_form.hidden_count() == len(cfg.network.hidden_layers)
    assert find(form, QComboBox, "lossCombo").currentText() == cfg.loss
    assert find(form, QComboBox, "optimizerCombo").currentText() == cfg.optimizer.name
    assert find(form, QComboBox, "dataSourceCombo").currentText() == cfg.data.source
    units = [layer.units for layer in cfg.network.layers]
    summary = find(form, QLabel, "networkSummaryLabel").text()
    assert summary.startswith(architecture(cfg.network.inputs, units))
    assert f"{parameter_count(cfg.network.inputs, units):,} parameter" in summary


@pytest.mark.parametrize("path", FUNCTION_EXAMPLES, ids=lambda p: p.stem)
def test_function_mode_configs_show_only_their_optimizer(form, qtbot, path):
    cfg = load_config(path)
    recorder = Recorder(form)
    form.set_config(cfg)
    assert form.config() == cfg and recorder.count == 0
    assert not shown(form.data_form) and not shown(form.network_form)
    assert not shown(form.training_form) and shown(form.optimizer_form)
    lr = find(form, NumberSpinBox, "learningRateSpin")
    assert lr.value() == cfg.optimizer.learning_rate
    with qtbot.waitSignal(form.live_changed, timeout=2000) as blocker:
        lr.setValue(0.02)
    assert blocker.args[0].mode == "function" and blocker.args[0].optimizer.learning_rate == 0.02
    assert blocker.args[0].function == cfg.function
    form.set_config(default_config())  # a network again: every section is back
    assert shown(form.data_form) and shown(form.network_form)


def test_round_trip_keeps_a_seed_above_the_spin_box_range(form):
    cfg = validate_config(
        dataclasses.replace(Config(), init=dataclasses.replace(Config().init, seed=2**32 - 1))
    )
    form.set_config(cfg)
    assert validate_config(form.candidate()) == cfg
    spin = find(form, QSpinBox, "seedSpin")
    assert spin.maximum() == 2**31 - 1
    spin.setValue(5)
    assert form.config().init.seed == 5


def test_set_config_widens_units_box_for_big_loaded_layers(form):
    net = NetworkConfig(2, (LayerConfig(1000, "relu"), LayerConfig(1, "sigmoid")))
    cfg = validate_config(dataclasses.replace(Config(), network=net))
    form.set_config(cfg)
    assert find(form, QSpinBox, "hiddenUnitsSpin_1").value() == 1000
    assert validate_config(form.candidate()) == cfg


# ---------------------------------------------------------------------------- layers


def test_add_layer_emits_structure_changed_with_one_more_hidden_layer(form, qtbot):
    with (
        qtbot.assertNotEmitted(form.live_changed),
        qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker,
    ):
        qtbot.mouseClick(find(form, QPushButton, "addLayerButton"), Qt.MouseButton.LeftButton)
    cfg = blocker.args[0]
    assert cfg.network.hidden_layers == (LayerConfig(4, "tanh"), LayerConfig(4, "tanh"))
    assert cfg.network.output_layer == LayerConfig(1, "sigmoid")
    assert form.config() == cfg
    assert find(form, QSpinBox, "hiddenUnitsSpin_2").value() == 4
    assert find(form, QLabel, "networkSummaryLabel").text() == "2-4-4-1  \u00b7  37 parameters"


def test_remove_layer_renumbers_the_rows(form, qtbot):
    add = find(form, QPushButton, "addLayerButton")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    find(form, QSpinBox, "hiddenUnitsSpin_2").setValue(7)
    find(form, QComboBox, "hiddenActivationCombo_2").setCurrentText("relu")
    assert form.config().network.hidden_layers == (LayerConfig(4, "tanh"), LayerConfig(7, "relu"))

    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        qtbot.mouseClick(find(form, QToolButton, "removeLayerButton_1"), Qt.MouseButton.LeftButton)
    assert blocker.args[0].network.hidden_layers == (LayerConfig(7, "relu"),)
    # The remaining row is now number 1; the old names are gone at once.
    assert find(form, QSpinBox, "hiddenUnitsSpin_1").value() == 7
    assert form.findChild(QSpinBox, "hiddenUnitsSpin_2") is None
    assert form.findChild(QToolButton, "removeLayerButton_2") is None

    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        qtbot.mouseClick(find(form, QToolButton, "removeLayerButton_1"), Qt.MouseButton.LeftButton)
    cfg = blocker.args[0]
    assert cfg.network.layers == (LayerConfig(1, "sigmoid"),)
    assert find(form, QLabel, "networkSummaryLabel").text() == "2-1  \u00b7  3 parameters"


def test_changing_units_and_activation_is_structural(form, qtbot):
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QSpinBox, "hiddenUnitsSpin_1").setValue(9)
    assert blocker.args[0].network.hidden_layers == (LayerConfig(9, "tanh"),)
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "hiddenActivationCombo_1").setCurrentText("leaky_relu")
    assert blocker.args[0].network.hidden_layers == (LayerConfig(9, "leaky_relu"),)
    # Hidden layers do not offer softmax (output layer only).
    combo = find(form, QComboBox, "hiddenActivationCombo_1")
    assert "softmax" not in [combo.itemText(i) for i in range(combo.count())]


def test_typing_units_is_taken_as_a_whole_on_enter(form, qtbot):
    form.debounce_ms = 150
    recorder = Recorder(form)
    spin = find(form, QSpinBox, "hiddenUnitsSpin_1")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "128")
    qtbot.wait(300)
    assert spin.value() == 4 and recorder.count == 0  # nothing of "128" applied while typing
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert spin.value() == 128
    assert find(form, QLabel, "networkSummaryLabel").text().startswith("2-128-1")
    qtbot.wait(300)
    assert len(recorder.structure) == 1
    assert recorder.structure[0].network.hidden_layers == (LayerConfig(128, "tanh"),)


def test_arrow_steps_are_debounced_into_one_change(form, qtbot):
    form.debounce_ms = 150
    recorder = Recorder(form)
    spin = find(form, QSpinBox, "hiddenUnitsSpin_1")
    spin.setFocus()
    for _ in range(3):
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert spin.value() == 7 and recorder.structure == [] and form.pending
    qtbot.waitUntil(lambda: len(recorder.structure) == 1, timeout=2000)
    qtbot.wait(300)
    assert [c.network.hidden_layers[0].units for c in recorder.structure] == [7]


def test_flush_applies_pending_typing_now(form, qtbot):
    form.debounce_ms = 60_000
    recorder = Recorder(form)
    find(form, QDoubleSpinBox, "learningRateSpin").setValue(0.3)
    assert form.pending and recorder.live == []
    assert form.config().optimizer.learning_rate == 0.1
    form.flush()
    assert not form.pending
    assert [c.optimizer.learning_rate for c in recorder.live] == [0.3]
    form.flush()  # nothing pending: nothing happens
    assert len(recorder.live) == 1


def test_add_layer_stops_at_the_ui_maximum(form, qtbot):
    add = find(form, QPushButton, "addLayerButton")
    for _ in range(MAX_HIDDEN_LAYERS + 2):
        if add.isEnabled():
            qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert form.network_form.hidden_count() == MAX_HIDDEN_LAYERS
    assert not add.isEnabled()
    assert len(form.config().network.hidden_layers) == MAX_HIDDEN_LAYERS
    assert find(form, QSpinBox, "hiddenUnitsSpin_1").maximum() == MAX_UI_UNITS


# ---------------------------------------------------------------------------- optimizer


def test_learning_rate_change_is_live_not_structural(form, qtbot):
    spin = find(form, QDoubleSpinBox, "learningRateSpin")
    assert spin.decimals() >= 6
    with (
        qtbot.assertNotEmitted(form.structure_changed),
        qtbot.waitSignal(form.live_changed, timeout=2000) as blocker,
    ):
        spin.setValue(0.05)
    cfg = blocker.args[0]
    assert cfg.optimizer.learning_rate == 0.05
    assert dataclasses.replace(cfg, optimizer=Config().optimizer) == validate_config(Config())


def test_learning_rate_typed_as_text_applies_on_enter(form, qtbot):
    form.debounce_ms = 60_000  # only Enter applies it here
    recorder = Recorder(form)
    spin = find(form, QDoubleSpinBox, "learningRateSpin")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "2e-4")
    assert recorder.live == [] and spin.value() == 0.1  # nothing applied while typing
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert [c.optimizer.learning_rate for c in recorder.live] == [2e-4]
    assert recorder.structure == []
    assert spin.text() == "0.0002"


def test_learning_rate_arrows_walk_one_two_five(form):
    spin = find(form, QDoubleSpinBox, "learningRateSpin")
    spin.stepBy(1)
    assert spin.value() == 0.2
    spin.stepBy(1)
    assert spin.value() == 0.5
    spin.stepBy(-3)
    assert spin.value() == 0.05
    assert spin.maximum() == 1000 and spin.minimum() > 0


def test_switching_to_adam_shows_betas_and_hides_momentum(form, qtbot):
    momentum = find(form, QDoubleSpinBox, "momentumSpin")
    beta1 = find(form, QDoubleSpinBox, "beta1Spin")
    assert shown(momentum) and not shown(beta1)
    with (
        qtbot.assertNotEmitted(form.structure_changed),
        qtbot.waitSignal(form.live_changed, timeout=2000) as blocker,
    ):
        find(form, QComboBox, "optimizerCombo").setCurrentText("adam")
    assert blocker.args[0].optimizer.name == "adam"
    assert blocker.args[0].optimizer.learning_rate == 0.001  # Adam's own default rate
    for name in ("beta1Spin", "beta2Spin", "epsSpin"):
        assert shown(find(form, QDoubleSpinBox, name))
    assert shown(find(form, QCheckBox, "amsgradCheck"))
    for name in ("momentumSpin", "dampeningSpin", "alphaSpin"):
        assert not shown(find(form, QDoubleSpinBox, name))
    assert not shown(find(form, QCheckBox, "nesterovCheck"))
    assert form.optimizer_form.visible_settings() == (
        "learning_rate",
        "beta1",
        "beta2",
        "eps",
        "amsgrad",
    )

    with qtbot.waitSignal(form.live_changed, timeout=2000) as blocker:
        find(form, QDoubleSpinBox, "beta2Spin").setValue(0.98)
    assert blocker.args[0].optimizer.beta2 == 0.98


def test_rmsprop_rows_and_settings_kept_across_switches(form, qtbot):
    find(form, QDoubleSpinBox, "momentumSpin").setValue(0.9)
    combo = find(form, QComboBox, "optimizerCombo")
    combo.setCurrentText("rmsprop")
    for name in ("alphaSpin", "epsSpin", "momentumSpin"):
        assert shown(find(form, QDoubleSpinBox, name))
    assert shown(find(form, QCheckBox, "centeredCheck"))
    assert not shown(find(form, QDoubleSpinBox, "beta1Spin"))
    combo.setCurrentText("sgd")
    assert form.config().optimizer.name == "sgd"
    assert form.config().optimizer.momentum == 0.9


def test_nesterov_enabled_only_with_momentum(form, qtbot):
    nesterov = find(form, QCheckBox, "nesterovCheck")
    momentum = find(form, QDoubleSpinBox, "momentumSpin")
    assert not nesterov.isEnabled()
    momentum.setValue(0.9)
    assert nesterov.isEnabled()
    with qtbot.waitSignal(form.live_changed, timeout=2000) as blocker:
        nesterov.setChecked(True)
    assert blocker.args[0].optimizer.nesterov is True
    with qtbot.waitSignal(form.live_changed, timeout=2000) as blocker:
        momentum.setValue(0.0)
    assert not nesterov.isEnabled() and not nesterov.isChecked()
    assert blocker.args[0].optimizer == dataclasses.replace(
        blocker.args[0].optimizer, momentum=0.0, nesterov=False
    )


# ---------------------------------------------------------------------------- invalid entries


def test_nesterov_with_dampening_is_refused_and_marked(form, qtbot):
    find(form, QDoubleSpinBox, "momentumSpin").setValue(0.9)
    find(form, QDoubleSpinBox, "dampeningSpin").setValue(0.5)
    before = form.config()
    nesterov = find(form, QCheckBox, "nesterovCheck")
    with (
        qtbot.assertNotEmitted(form.live_changed),
        qtbot.waitSignal(form.invalid, timeout=2000) as blocker,
    ):
        nesterov.setChecked(True)
    message = blocker.args[0]
    assert message.startswith("Nesterov: ")
    assert "dampening" in message and "\n" not in message
    assert form.config() == before
    assert form.error == message
    assert is_marked_invalid(nesterov)
    assert message in nesterov.toolTip()
    assert shown(find(form, QLabel, "formErrorLabel"))

    # Fixing it clears the mark and applies the change.
    with qtbot.waitSignal(form.live_changed, timeout=2000) as blocker:
        find(form, QDoubleSpinBox, "dampeningSpin").setValue(0.0)
    assert blocker.args[0].optimizer.nesterov is True
    assert not is_marked_invalid(nesterov)
    assert form.error == ""
    assert not shown(find(form, QLabel, "formErrorLabel"))
    assert (
        "dampening" not in nesterov.toolTip().split("\n")[0] or "Look ahead" in nesterov.toolTip()
    )


def test_submitting_a_bad_value_is_refused(form, qtbot):
    before = form.config()
    bad = dataclasses.replace(before, optimizer=OptimizerConfig("sgd", learning_rate=-0.1))
    with qtbot.waitSignal(form.invalid, timeout=2000) as blocker:
        assert form.submit(bad) is False
    assert blocker.args[0] == "Learning rate: must be > 0, got -0.1"
    assert form.config() == before
    assert is_marked_invalid(find(form, QDoubleSpinBox, "learningRateSpin"))


def test_invalid_layer_value_points_at_its_row(form, qtbot):
    before = form.config()
    net = NetworkConfig(2, (LayerConfig(4, "softmax"), LayerConfig(1, "sigmoid")))
    with qtbot.waitSignal(form.invalid, timeout=2000) as blocker:
        form.submit(dataclasses.replace(before, network=net))
    assert blocker.args[0].startswith("Hidden layer 1 activation: softmax is only allowed")
    assert is_marked_invalid(find(form, QComboBox, "hiddenActivationCombo_1"))
    assert form.config() == before


def test_forcing_a_disabled_output_activation_is_refused(form, qtbot):
    # bce greys out every output activation except sigmoid; forcing one anyway is refused.
    combo = find(form, QComboBox, "outputActivationCombo")
    before = form.config()
    with qtbot.waitSignal(form.invalid, timeout=2000) as blocker:
        combo.setCurrentText("tanh")
    assert blocker.args[0].startswith("Loss: ")
    assert "sigmoid" in blocker.args[0]
    assert form.config() == before
    assert is_marked_invalid(find(form, QComboBox, "lossCombo"))


def test_a_marked_layer_row_can_be_removed(form, qtbot):
    net = NetworkConfig(2, (LayerConfig(4, "softmax"), LayerConfig(1, "sigmoid")))
    form.submit(dataclasses.replace(form.config(), network=net))
    assert is_marked_invalid(find(form, QComboBox, "hiddenActivationCombo_1"))
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        qtbot.mouseClick(find(form, QToolButton, "removeLayerButton_1"), Qt.MouseButton.LeftButton)
    assert blocker.args[0].network.layers == (LayerConfig(1, "sigmoid"),)
    assert form.error == ""
    qtbot.wait(10)  # the removed row is deleted by now


def test_set_config_validates_and_drops_pending_typing(form, qtbot):
    form.debounce_ms = 60_000
    find(form, QDoubleSpinBox, "learningRateSpin").setValue(0.7)
    assert form.pending
    bad = dataclasses.replace(
        Config(), loss="mse", network=NetworkConfig(2, (LayerConfig(1, "softmax"),))
    )
    with pytest.raises(ConfigError):
        form.set_config(bad)
    cfg = load_config(next(p for p in NETWORK_EXAMPLES if p.stem == "circle-relu"))
    recorder = Recorder(form)
    form.set_config(cfg)
    assert not form.pending
    form.flush()
    assert recorder.count == 0
    assert form.config() == cfg
    assert find(form, QDoubleSpinBox, "learningRateSpin").value() == 0.01


# ---------------------------------------------------------------------------- loss and output


def test_bce_forces_a_sigmoid_output(qtbot):
    form = ConfigForm(load_config(next(p for p in NETWORK_EXAMPLES if p.stem == "sine-regression")))
    form.debounce_ms = 0
    qtbot.addWidget(form)
    output = find(form, QComboBox, "outputActivationCombo")
    assert output.currentText() == "linear"
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "lossCombo").setCurrentText("bce")
    cfg = blocker.args[0]
    assert cfg.loss == "bce"
    assert cfg.network.output_layer == LayerConfig(1, "sigmoid")
    assert output.currentText() == "sigmoid"
    hint = find(form, QLabel, "outputHintLabel")
    assert shown(hint) and "sigmoid" in hint.text()
    # bce on regression data gets a warning under the loss.
    assert shown(find(form, QLabel, "lossAdviceLabel"))


def test_cross_entropy_gives_softmax_with_one_unit_per_class(form, qtbot):
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "lossCombo").setCurrentText("cross_entropy")
    cfg = blocker.args[0]
    assert cfg.loss == "cross_entropy"
    assert cfg.network.output_layer == LayerConfig(2, "softmax")
    units = find(form, QSpinBox, "outputUnitsSpin")
    assert units.value() == 2 and not units.isEnabled()  # follows the data's 2 classes
    assert "softmax" in find(form, QLabel, "outputHintLabel").text()

    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "lossCombo").setCurrentText("mse")
    assert blocker.args[0].network.output_layer == LayerConfig(1, "linear")
    assert blocker.args[0].loss == "mse"


def test_mse_keeps_a_valid_output_activation(form, qtbot):
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "lossCombo").setCurrentText("mse")
    assert blocker.args[0].network.output_layer == LayerConfig(1, "sigmoid")
    assert not shown(find(form, QLabel, "outputHintLabel"))  # nothing had to change
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "outputActivationCombo").setCurrentText("tanh")
    assert blocker.args[0].network.output_layer == LayerConfig(1, "tanh")


def test_output_rules():
    xor, sine = builtin_shape("xor"), builtin_shape("sine")
    assert expected_output_units("bce", xor) == 1
    assert expected_output_units("cross_entropy", xor) == 2
    assert expected_output_units("mse", sine) == 1
    assert expected_output_units("cross_entropy", csv_shape(["a"], ["y"], None)) is None
    assert expected_output_units("cross_entropy", csv_shape(["a"], ["y"], 4)) == 4
    assert expected_output_units("cross_entropy", csv_shape(["a"], ["p", "q", "r"])) == 3
    assert parameter_count(2, [4, 1]) == 17
    assert architecture(2, [4, 4, 1]) == "2-4-4-1"
    assert format_number(1e-8) == "1e-8" and format_number(0.1) == "0.1"


# ---------------------------------------------------------------------------- training


def test_batch_regularisation_and_init_fields(form, qtbot):
    batch = find(form, QSpinBox, "batchSizeSpin")
    assert batch.value() == 0 and batch.text() == "full batch"
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        batch.setValue(32)
    assert blocker.args[0].batch_size == 32

    rate = find(form, QDoubleSpinBox, "regularizationRateSpin")
    assert not rate.isEnabled()
    with qtbot.waitSignal(form.structure_changed, timeout=2000):
        find(form, QComboBox, "regularizationCombo").setCurrentText("l2")
    assert rate.isEnabled()
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        rate.setValue(0.001)
    assert blocker.args[0].regularization.kind == "l2"
    assert blocker.args[0].regularization.rate == 0.001

    scale = find(form, QDoubleSpinBox, "initScaleSpin")
    assert not shown(scale)
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "initCombo").setCurrentText("normal")
    assert shown(scale)
    assert blocker.args[0].init.scheme == "normal"
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QSpinBox, "seedSpin").setValue(42)
    assert blocker.args[0].init.seed == 42
    assert find(form, QSpinBox, "seedSpin").maximum() == 2**31 - 1


# ---------------------------------------------------------------------------- builtin data


def test_dataset_change_updates_network_inputs(form, qtbot):
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "datasetCombo").setCurrentText("sine")
    cfg = blocker.args[0]
    assert cfg.data.name == "sine"
    assert cfg.network.inputs == 1
    assert find(form, QLabel, "inputsLabel").text().startswith("1")
    assert find(form, QLabel, "networkSummaryLabel").text().startswith("1-4-1")
    assert "regression" in find(form, QLabel, "dataShapeLabel").text()

    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "datasetCombo").setCurrentText("spiral")
    assert blocker.args[0].network.inputs == 2
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QSpinBox, "samplesSpin").setValue(500)
    assert blocker.args[0].data.samples == 500


def test_csv_source_without_a_file_is_reported(form, qtbot):
    before = form.config()
    with qtbot.waitSignal(form.invalid, timeout=2000) as blocker:
        find(form, QComboBox, "dataSourceCombo").setCurrentText("csv")
    assert "CSV" in blocker.args[0]
    assert form.config() == before
    assert is_marked_invalid(find(form, QPushButton, "chooseCsvButton"))
    assert shown(find(form, QPushButton, "chooseCsvButton"))
    assert not shown(find(form, QComboBox, "datasetCombo"))
    recorder = Recorder(form)
    find(form, QComboBox, "dataSourceCombo").setCurrentText("builtin")
    assert recorder.count == 0  # back to the valid config: no change
    assert form.error == ""
    assert not is_marked_invalid(find(form, QPushButton, "chooseCsvButton"))


# ---------------------------------------------------------------------------- CSV


def choose(form: ConfigForm, qtbot, path: Path) -> CsvColumnsDialog:
    form.data_form.file_chooser = lambda parent, caption, folder: str(path)
    qtbot.mouseClick(find(form, QPushButton, "chooseCsvButton"), Qt.MouseButton.LeftButton)
    dialog = form.data_form.columns_dialog
    assert dialog is not None
    return dialog


def test_csv_flow_sets_source_columns_and_inputs(form, qtbot, tmp_path):
    path = write_csv(tmp_path, THREE_INPUTS)
    dialog = choose(form, qtbot, path)
    assert dialog.header == ["id", "a", "b", "c", "label"]
    assert dialog.preview_table.rowCount() == 8
    assert dialog.preview_table.item(0, 1).text() == "0.0"
    # A guess for a new file: the numeric columns, the last one as the target.
    assert dialog.inputs() == ("a", "b", "c") and dialog.targets() == ("label",)
    ok = dialog.ok_button()
    for name in dialog.header:
        dialog.set_role(name, None)
    assert not ok.isEnabled()
    dialog.set_role("a", "input")
    assert not ok.isEnabled()  # no target yet
    dialog.set_role("label", "target")
    assert ok.isEnabled()
    dialog.set_role("b", "input")
    dialog.set_role("c", "input")
    # Ticking a column as target unticks it as input.
    dialog.roles_table.item(dialog.header.index("c"), 2).setCheckState(Qt.CheckState.Checked)
    assert "c" not in dialog.inputs() and "c" in dialog.targets()
    dialog.set_role("c", "input")
    dialog.test_fraction_spin.setValue(0.25)

    with qtbot.waitSignal(form.structure_changed, timeout=5000) as blocker:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    cfg = blocker.args[0]
    assert cfg.data.source == "csv"
    assert Path(cfg.data.path) == path
    assert cfg.data.inputs == ("a", "b", "c")
    assert cfg.data.targets == ("label",)
    assert cfg.data.test_fraction == 0.25
    assert cfg.network.inputs == 3
    # 3 classes cannot train with bce on a sigmoid: the form switches to what fits and says so
    assert cfg.loss == "cross_entropy"
    assert cfg.network.output_layer == LayerConfig(3, "softmax")
    assert form.data_form.columns_dialog is None
    assert "data.csv" in find(form, QLabel, "csvFileLabel").text()
    assert "3 classes" in find(form, QLabel, "dataShapeLabel").text()
    assert find(form, QLabel, "networkSummaryLabel").text().startswith("3-4-3")

    # Back to a built-in set: 2 inputs again, and the CSV settings are remembered.
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "dataSourceCombo").setCurrentText("builtin")
    assert blocker.args[0].network.inputs == 2
    assert blocker.args[0].network.output_layer == LayerConfig(2, "softmax")
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        find(form, QComboBox, "dataSourceCombo").setCurrentText("csv")
    assert blocker.args[0].data.inputs == ("a", "b", "c")
    assert blocker.args[0].network.inputs == 3


def test_csv_dialog_cancel_changes_nothing(form, qtbot, tmp_path):
    before = form.config()
    recorder = Recorder(form)
    dialog = choose(form, qtbot, write_csv(tmp_path, THREE_INPUTS))
    dialog.reject()
    assert recorder.count == 0
    assert form.config() == before
    assert form.data_form.columns_dialog is None


def test_unreadable_csv_shows_a_message_and_keeps_the_config(form, qtbot, tmp_path, monkeypatch):
    messages: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: messages.append(text)
    )
    before = form.config()
    recorder = Recorder(form)
    choose_path = write_csv(tmp_path, "", name="empty.csv")
    form.data_form.file_chooser = lambda parent, caption, folder: str(choose_path)
    qtbot.mouseClick(find(form, QPushButton, "chooseCsvButton"), Qt.MouseButton.LeftButton)
    assert len(messages) == 1 and "empty" in messages[0] and "empty.csv" in messages[0]
    assert form.data_form.columns_dialog is None
    assert form.config() == before
    assert recorder.count == 0

    # Numbers only on the first line: no header.
    form.data_form.file_chooser = lambda parent, caption, folder: str(
        write_csv(tmp_path, "1,2\n3,4\n", name="noheader.csv")
    )
    qtbot.mouseClick(find(form, QPushButton, "chooseCsvButton"), Qt.MouseButton.LeftButton)
    assert "missing header" in messages[-1]
    assert form.config() == before


def test_bad_cell_is_reported_by_the_dialog_which_stays_open(form, qtbot, tmp_path, monkeypatch):
    messages: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: messages.append(text)
    )
    before = form.config()
    recorder = Recorder(form)
    dialog = choose(form, qtbot, write_csv(tmp_path, "x,y\n1,0\n2,oops\n3,1\n", "bad.csv"))
    dialog.set_role("x", "input")
    dialog.set_role("y", "target")
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert len(messages) == 1
    assert "bad.csv line 3" in messages[0] and "'oops' is not a number" in messages[0]
    assert form.data_form.columns_dialog is dialog and dialog.result() == 0
    assert recorder.count == 0 and form.config() == before
    dialog.reject()
    assert form.config() == before


def test_cancelled_file_chooser_changes_nothing(form, qtbot):
    recorder = Recorder(form)
    form.data_form.file_chooser = lambda parent, caption, folder: ""
    qtbot.mouseClick(find(form, QPushButton, "chooseCsvButton"), Qt.MouseButton.LeftButton)
    assert form.data_form.columns_dialog is None
    assert recorder.count == 0


def test_csv_example_reopens_columns_with_its_mapping(qtbot):
    cfg = load_config(next(p for p in NETWORK_EXAMPLES if p.stem == "moons-csv"))
    form = ConfigForm(cfg)
    form.debounce_ms = 0
    qtbot.addWidget(form)
    assert form.config() == cfg
    assert shown(find(form, QPushButton, "chooseCsvButton"))
    columns = find(form, QPushButton, "csvColumnsButton")
    assert columns.isEnabled()
    qtbot.mouseClick(columns, Qt.MouseButton.LeftButton)
    dialog = form.data_form.columns_dialog
    assert dialog is not None
    assert dialog.inputs() == ("x1", "x2") and dialog.targets() == ("label",)
    assert dialog.test_fraction() == 0.2
    recorder = Recorder(form)
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    # Same mapping (now with the absolute path): a structural change, same columns.
    assert len(recorder.structure) == 1
    new = recorder.structure[0]
    assert Path(new.data.path) == cfg.data_path()
    assert new.data.inputs == cfg.data.inputs and new.network == cfg.network


# ---------------------------------------------------------------------------- tooltips, names


def test_every_field_has_a_tooltip_and_the_main_names_exist(form):
    names = {
        QComboBox: [
            "lossCombo",
            "optimizerCombo",
            "dataSourceCombo",
            "datasetCombo",
            "initCombo",
            "regularizationCombo",
            "hiddenActivationCombo_1",
            "outputActivationCombo",
        ],
        QDoubleSpinBox: ["learningRateSpin", "momentumSpin"],
        QSpinBox: ["batchSizeSpin", "seedSpin", "hiddenUnitsSpin_1", "outputUnitsSpin"],
        QPushButton: ["addLayerButton", "chooseCsvButton"],
        QToolButton: ["removeLayerButton_1"],
    }
    for cls, objects in names.items():
        for name in objects:
            find(form, cls, name)
    fields = [
        w
        for cls in (QAbstractSpinBox, QComboBox, QCheckBox, QPushButton, QToolButton)
        for w in form.findChildren(cls)
    ]
    assert len(fields) > 25
    for widget in fields:
        assert widget.toolTip().strip(), widget.objectName()
    lr = find(form, QDoubleSpinBox, "learningRateSpin").toolTip()
    assert "learning rate" in lr and "gradient" in lr
    combo = find(form, QComboBox, "optimizerCombo")
    for i in range(combo.count()):
        assert combo.itemData(i, Qt.ItemDataRole.ToolTipRole)


def test_mouse_wheel_only_changes_a_focused_field(form, qtbot):
    spin = find(form, QSpinBox, "hiddenUnitsSpin_1")
    form.show()
    qtbot.waitExposed(form)

    def wheel() -> None:
        centre = QPointF(spin.rect().center())
        event = QWheelEvent(
            centre,
            QPointF(spin.mapToGlobal(spin.rect().center())),
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(spin, event)

    form.activateWindow()
    form.network_form.add_button.setFocus()
    wheel()
    assert spin.value() == 4  # scrolling past it changes nothing
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=2000)
    wheel()
    assert spin.value() == 5


def test_number_spin_box_keeps_values_exactly(qtbot):
    spin = NumberSpinBox(1e-15, 1e3, steps="log")
    qtbot.addWidget(spin)
    for value in (1e-8, 0.1, 0.001234567, 999.5, 3e-12):
        spin.setValue(value)
        assert spin.value() == value
    spin.setValue(1e-8)
    assert spin.text() == "1e-8"


# ---------------------------------------------------------------------------- screenshots


def _shot(form: ConfigForm, qtbot, name: str, scrolls: dict[int, QScrollArea]) -> Path:
    """Show ``form`` in a 360 px wide scroll area (like the main window's dock) and grab it.

    One scroll area per form: two scroll areas managing the same widget resize it in turn
    forever.
    """
    scroll = scrolls.get(id(form))
    if scroll is None:
        scroll = scrolls[id(form)] = QScrollArea()  # qtbot only keeps a weak reference
        qtbot.addWidget(scroll)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
    scroll.resize(360, max(900, form.sizeHint().height() + 10))
    scroll.show()
    qtbot.waitExposed(scroll)
    qtbot.wait(50)  # let the deferred layout requests settle
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    assert form.grab().save(str(path))
    return path


def test_screenshots(qtbot):
    scrolls: dict[int, QScrollArea] = {}
    form = ConfigForm()
    form.debounce_ms = 0
    assert form.minimumSizeHint().width() <= 330
    assert _shot(form, qtbot, "form.png", scrolls).stat().st_size > 0

    other = ConfigForm()
    other.debounce_ms = 0
    qtbot.addWidget(other)
    source = Path(
        load_config(next(p for p in NETWORK_EXAMPLES if p.stem == "moons-csv")).data_path()
    )
    dialog = choose(other, qtbot, source)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    assert dialog.grab().save(str(SHOTS / "csv-dialog.png"))
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    find(other, QComboBox, "optimizerCombo").setCurrentText("adam")
    find(other, QPushButton, "addLayerButton").click()
    find(other, QComboBox, "lossCombo").setCurrentText("cross_entropy")
    assert other.config().optimizer.name == "adam"
    assert other.config().data.source == "csv"
    assert _shot(other, qtbot, "form-adam-csv.png", scrolls).stat().st_size > 0

    find(other, QDoubleSpinBox, "momentumSpin")  # exists even while hidden
    other.submit(
        dataclasses.replace(
            other.config(), optimizer=dataclasses.replace(other.config().optimizer, beta2=1.5)
        )
    )
    assert other.error.startswith("Beta 2: ")
    assert _shot(other, qtbot, "form-invalid.png", scrolls).stat().st_size > 0


def test_the_learning_rate_box_keeps_what_is_typed_and_refuses_it_as_a_whole(qtbot):
    from PySide6.QtWidgets import QAbstractSpinBox

    form = ConfigForm()
    qtbot.addWidget(form)
    recorder = Recorder(form)
    spin = form.findChild(QAbstractSpinBox, "learningRateSpin")
    spin.setFocus()
    for typed in ("-5", "5000", "1,5"):
        spin.selectAll()
        qtbot.keyClicks(spin, typed)
        assert spin.text() == typed  # no keystroke dropped: "-5" does not become "5"
        qtbot.keyClick(spin, Qt.Key.Key_Return)
        assert spin.text() == "0.1" and spin.value() == 0.1
    assert recorder.live == [] and recorder.structure == []
    assert len(recorder.invalid) == 3
    spin.selectAll()
    qtbot.keyClicks(spin, "2e-3")  # a partial exponent stays typeable
    assert spin.text() == "2e-3"


def test_learning_rate_is_remembered_per_optimizer(form, qtbot):
    combo = find(form, QComboBox, "optimizerCombo")
    lr = find(form, NumberSpinBox, "learningRateSpin")
    form.set_config(default_config())
    sgd_rate = lr.value()
    lr.setValue(0.5)
    with qtbot.waitSignal(form.live_changed, timeout=2000) as blocker:
        combo.setCurrentIndex(combo.findData("adam"))
    # Adam starts at its own default, not at SGD's 0.5, and the trainer is told so
    assert lr.value() == OPTIMIZER_DEFAULTS["adam"]["learning_rate"] == 0.001
    assert blocker.args[0].optimizer.learning_rate == 0.001
    lr.setValue(0.003)
    combo.setCurrentIndex(combo.findData("sgd"))
    assert lr.value() == 0.5 != sgd_rate
    combo.setCurrentIndex(combo.findData("adam"))
    assert lr.value() == 0.003
    # a config's own rate always wins over what was remembered
    form.set_config(dataclasses.replace(default_config(), optimizer=OptimizerConfig("adam", 0.02)))
    assert lr.value() == 0.02


def test_picking_regression_data_from_a_classifier_switches_to_mse_and_a_linear_output(form, qtbot):
    form.set_config(default_config())  # xor: bce with a sigmoid output
    combo = find(form, QComboBox, "datasetCombo")
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        combo.setCurrentIndex(combo.findData("sine"))
    cfg = blocker.args[0]
    assert cfg.data.name == "sine" and cfg.loss == "mse"
    assert cfg.network.layers[-1].activation == "linear"
    validate_config(cfg)  # a config the trainer takes, not a refusal
    hint = find(form, QLabel, "outputHintLabel")
    assert shown(hint) and "Loss set to mse and output to linear" in hint.text()
    # classification data again: mse still fits it, so nothing is switched back behind the user
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        combo.setCurrentIndex(combo.findData("xor"))
    assert blocker.args[0].loss == "mse"


@pytest.mark.parametrize(
    ("name", "typed", "kept", "why"),
    [
        ("learningRateSpin", "-", "0.1", "Learning rate: must be between 1e-12 and 1000"),
        ("learningRateSpin", "-5", "0.1", "Learning rate: must be between 1e-12 and 1000"),
        ("learningRateSpin", "1,5", "0.1", "Learning rate: must be between"),
        # nothing of what is typed is applied as it is typed (not the "1" of "1e9")
        ("learningRateSpin", "1e9", "0.1", "Learning rate: must be between"),
        ("learningRateSpin", "1e-20", "0.1", "Learning rate: must be between 1e-12"),
        ("noiseSpin", "11", "0.1", "Noise: must be between 0 and 10"),
        ("samplesSpin", "3", "200", "Samples: must be a whole number between 4 and 1,000,000"),
        ("samplesSpin", "0.5", "200", "Samples: must be a whole number between"),
        ("samplesSpin", "1e9", "200", "Samples: must be a whole number between"),
        ("hiddenUnitsSpin_1", "0", "4", "Hidden layer 1 units: must be a whole number between 1"),
        ("hiddenUnitsSpin_1", "100001", "4", "Hidden layer 1 units: must be a whole number"),
        ("batchSizeSpin", "-1", "full batch", "Batch size: must be a whole number between 0"),
        ("seedSpin", "1.5", "0", "Init seed: must be a whole number between 0"),
        ("testFractionSpin", "0.95", "0.2", "Test fraction: must be between 0 and 0.9"),
    ],
)
def test_a_number_box_that_keeps_its_value_says_why(form, qtbot, name, typed, kept, why):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractSpinBox

    form.set_config(default_config())
    form.show()
    box = find(form, QAbstractSpinBox, name)
    box.setFocus()
    box.selectAll()
    with qtbot.waitSignal(form.invalid, timeout=2000) as blocker:
        QTest.keyClicks(box, typed)
        QTest.keyClick(box, Qt.Key.Key_Return)
    assert blocker.args[0].startswith(why) and f"(kept {kept})" in blocker.args[0]
    assert box.text().replace(",", "") == kept
    # the message stays at the top of the form (not only in the status line) until a valid edit
    assert form.error == blocker.args[0] and shown(find(form, QLabel, "formErrorLabel"))
    assert is_marked_invalid(box)
    assert form.config() == validate_config(default_config())


def test_csv_semicolon_file_with_decimal_commas_is_split_and_loaded(form, qtbot, tmp_path):
    rows = "".join(f"{i},5;{i % 2},25;{i % 2}\n" for i in range(6))
    path = write_csv(tmp_path, "x1;x2;y\n" + rows)
    dialog = choose(form, qtbot, path)
    assert dialog.header == ["x1", "x2", "y"]
    assert dialog.preview_table.item(0, 0).text() == "0,5"
    note = find(dialog, QLabel, "csvDelimiterLabel")
    assert shown(note) and "semicolons" in note.text()
    # Numeric guess works with decimal commas: x1, x2 inputs, y the target.
    assert dialog.inputs() == ("x1", "x2") and dialog.targets() == ("y",)
    with qtbot.waitSignal(form.structure_changed, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    cfg = blocker.args[0]
    assert cfg.data.inputs == ("x1", "x2") and cfg.network.inputs == 2
    assert "2 classes" in find(form, QLabel, "dataShapeLabel").text()


def test_csv_one_column_file_names_the_likely_delimiter(form, qtbot, tmp_path):
    dialog = choose(form, qtbot, write_csv(tmp_path, "x1|x2|y\n1|2|0\n"))
    note = find(dialog, QLabel, "csvDelimiterLabel")
    assert shown(note) and "one column" in note.text()
    assert "looks separated by '|'" in note.text() and "semicolons" in note.text()
    dialog.reject()


def test_csv_comma_file_shows_no_delimiter_note(form, qtbot, tmp_path):
    dialog = choose(form, qtbot, write_csv(tmp_path, THREE_INPUTS))
    assert not shown(find(dialog, QLabel, "csvDelimiterLabel"))
    dialog.reject()


def test_loss_advice_matches_the_data():
    three = csv_shape(["a"], ["y"], 3)
    binary = csv_shape(["a"], ["y"], 2)
    numbers = csv_shape(["a"], ["y"], 0)
    assert "cross_entropy with 3 softmax outputs" in loss_advice("bce", three)
    assert "mse" not in loss_advice("bce", three)
    assert loss_advice("cross_entropy", three) == ""
    assert loss_advice("bce", binary) == ""
    assert "mse with a linear output" in loss_advice("bce", numbers)
    assert "mse with a linear output" in loss_advice("cross_entropy", numbers)
    assert fitting_loss("bce", three) == "cross_entropy"
    assert fitting_loss("bce", binary) is None
    assert fitting_loss("bce", numbers) == fitting_loss("cross_entropy", numbers) == "mse"
    assert fitting_loss("mse", three) is None
    assert "3 softmax outputs" in fitting_loss_note("cross_entropy", three)


def test_three_class_csv_on_bce_advises_cross_entropy(form, qtbot, tmp_path):
    dialog = choose(form, qtbot, write_csv(tmp_path, THREE_INPUTS))
    with qtbot.waitSignal(form.structure_changed, timeout=5000):
        qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    advice = find(form, QLabel, "lossAdviceLabel").text()
    if form.config().loss == "bce":  # not switched by the form: the advice names the remedy
        assert "cross_entropy with 3 softmax outputs" in advice and "mse" not in advice
    else:  # switched: cross_entropy with 3 softmax units, and no advice left
        assert form.config().loss == "cross_entropy"
        assert form.config().network.output_layer == LayerConfig(3, "softmax")
        assert advice == ""
