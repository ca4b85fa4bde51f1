"""Every number box and text field does exactly what it says: nothing typed is changed into
another number or applied in part, a refusal names the allowed range and stays on screen, the
form's limits are the config's, and no stale message is left behind. Driven as a user would."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLabel, QLineEdit, QPushButton

from gdsim.app.controls import TrainingControls
from gdsim.app.forms import ConfigForm, describe_change
from gdsim.app.forms.network_form import MAX_HIDDEN_LAYERS, MAX_UI_UNITS
from gdsim.app.forms.widgets import is_marked_invalid
from gdsim.config import MAX_LAYERS, MAX_UNITS, default_config, validate_config
from gdsim.config.sections import DataConfig


@pytest.fixture
def form(qtbot) -> ConfigForm:
    widget = ConfigForm()
    widget.debounce_ms = 0
    qtbot.addWidget(widget)
    widget.show()
    return widget


def box(parent, name):
    widget = parent.findChild(QAbstractSpinBox, name)
    assert widget is not None, name
    return widget


def type_into(qtbot, widget, text, enter=True):
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    if enter:
        qtbot.keyClick(widget, Qt.Key.Key_Return)


# ---------------------------------------------------------------------------- limits


def test_the_form_limits_are_the_configs():
    assert MAX_HIDDEN_LAYERS + 1 == MAX_LAYERS  # the output layer is one of the layers
    assert MAX_UI_UNITS == MAX_UNITS


def test_units_up_to_the_config_limit_can_be_typed(form, qtbot):
    units = box(form, "hiddenUnitsSpin_1")
    assert units.maximum() == MAX_UNITS
    type_into(qtbot, units, "100000")  # was cut to 1000 (the box stopped at 4,096)
    assert units.value() == 100_000
    assert form.config().network.hidden_layers[0].units == 100_000


def test_a_network_too_big_as_a_whole_says_so_in_one_line(form, qtbot):
    qtbot.mouseClick(form.findChild(QPushButton, "addLayerButton"), Qt.MouseButton.LeftButton)
    type_into(qtbot, box(form, "hiddenUnitsSpin_1"), "100000")
    before = form.config()
    type_into(qtbot, box(form, "hiddenUnitsSpin_2"), "100000")  # 10^10 weights
    assert form.error.startswith("Layers: this network (10,000,500,001 parameters) would need")
    assert "the limit is 2 GiB" in form.error
    assert "\n" not in form.error
    assert form.findChild(QLabel, "formErrorLabel").isVisible()
    assert form.config() == before


def test_add_layer_goes_up_to_the_config_limit(form, qtbot):
    add = form.findChild(QPushButton, "addLayerButton")
    while add.isEnabled():
        qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert form.network_form.hidden_count() == MAX_LAYERS - 1  # was 8
    assert len(form.config().network.layers) == MAX_LAYERS


# ---------------------------------------------------------------------------- refusals


def test_a_refused_number_stays_refused_on_screen_until_a_valid_edit(form, qtbot):
    lr = box(form, "learningRateSpin")
    type_into(qtbot, lr, "-5")
    assert lr.value() == 0.1 and lr.text() == "0.1"  # not 5
    assert form.config().optimizer.learning_rate == 0.1
    assert form.error.startswith("Learning rate: must be between 1e-12 and 1000 (kept 0.1)")
    assert is_marked_invalid(lr)
    type_into(qtbot, lr, "0.5")
    assert form.error == "" and not is_marked_invalid(lr)
    assert form.config().optimizer.learning_rate == 0.5


def test_arrow_steps_from_what_is_typed(form, qtbot):
    lr = box(form, "learningRateSpin")
    type_into(qtbot, lr, "0.5", enter=False)
    qtbot.keyClick(lr, Qt.Key.Key_Up)
    assert lr.value() == 1.0  # 0.5 -> 1 on the 1-2-5 steps, not 0.1 -> 0.2
    type_into(qtbot, lr, "7e9", enter=False)
    qtbot.keyClick(lr, Qt.Key.Key_Up)  # refused, not stepped from a part of it
    assert lr.value() == 1.0 and "kept 1" in form.error


def test_flush_takes_typed_text_so_a_step_key_trains_with_what_is_shown(form, qtbot):
    recorder = []
    form.live_changed.connect(recorder.append)
    type_into(qtbot, box(form, "learningRateSpin"), "0.3", enter=False)
    assert recorder == []
    form.flush()  # the window does this before Step and Run
    assert [c.optimizer.learning_rate for c in recorder] == [0.3]


# ---------------------------------------------------------------------------- stale messages


def test_softmax_and_back_to_sigmoid_leaves_a_valid_network_and_no_message(form, qtbot):
    form.set_config(default_config())
    combo = form.findChild(QComboBox, "outputActivationCombo")
    combo.setCurrentIndex(combo.findData("softmax"))
    assert "sigmoid" in form.error  # bce needs a sigmoid output: a real error, for now
    combo.setCurrentIndex(combo.findData("sigmoid"))
    assert form.error == "" and not form.findChild(QLabel, "formErrorLabel").isVisible()
    assert box(form, "outputUnitsSpin").value() == 1  # not the 2 softmax needed
    assert form.config().network.layers[-1].units == 1
    assert form.findChild(QLabel, "networkSummaryLabel").text().startswith("2-4-1 ")


# ---------------------------------------------------------------------------- discard question


def test_describe_change_names_what_changed():
    cfg = validate_config(default_config())
    more_samples = dataclasses.replace(cfg, data=DataConfig(samples=300))
    assert describe_change(cfg, more_samples) == "Changing the data starts a new run."
    both = dataclasses.replace(more_samples, loss="mse")
    assert describe_change(cfg, both) == "Changing the data and the loss starts a new run."


def test_the_discard_question_names_a_data_change(qtbot, window):
    qtbot.mouseClick(window.findChild(QPushButton, "stepButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.last.step == 1, timeout=10000)
    window.dialogs.confirm_answer = False
    type_into(qtbot, box(window, "samplesSpin"), "300")
    assert window.dialogs.asked and window.dialogs.asked[-1].startswith("Changing the data ")
    window.dialogs.confirm_answer = True


# ---------------------------------------------------------------------------- the controls


@pytest.fixture
def controls(qtbot) -> TrainingControls:
    widget = TrainingControls(shortcuts=False)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.parametrize("typed", ["-1", "1e999", "abc", "1,5"])
def test_a_target_cost_that_is_not_a_number_is_refused_not_ignored(controls, qtbot, typed):
    edit = controls.findChild(QLineEdit, "targetCostEdit")
    type_into(qtbot, edit, "0.5")
    assert controls.stop_conditions() == (None, 0.5)
    stops, refusals = [], []
    controls.stop_conditions_changed.connect(lambda *a: stops.append(a))
    controls.refused.connect(refusals.append)
    type_into(qtbot, edit, typed)
    assert refusals == [
        "Stop at cost: must be a number of at least 0, or empty for none (kept 0.5)."
    ]
    assert edit.text() == "0.5" and controls.stop_conditions() == (None, 0.5) and stops == []
    assert is_marked_invalid(edit)
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # empty: no target
    assert controls.stop_conditions() == (None, None) and not is_marked_invalid(edit)


@pytest.mark.parametrize(("name", "typed"), [("maxStepsSpin", "1e9"), ("stepNSpin", "0.5")])
def test_control_boxes_refuse_instead_of_dropping_keystrokes(controls, qtbot, name, typed):
    spin = box(controls, name)
    before = spin.value()
    refusals = []
    controls.refused.connect(refusals.append)
    type_into(qtbot, spin, typed)
    assert spin.value() == before and len(refusals) == 1 and "whole number between" in refusals[0]


def test_step_n_takes_what_is_typed_or_nothing(controls, qtbot):
    steps = []
    controls.step_requested.connect(steps.append)
    type_into(qtbot, box(controls, "stepNSpin"), "50", enter=False)
    qtbot.mouseClick(controls.findChild(QPushButton, "stepNButton"), Qt.MouseButton.LeftButton)
    type_into(qtbot, box(controls, "stepNSpin"), "1e9", enter=False)
    assert controls.step_n() is None  # refused (with a message): no 10 or 1 steps instead
    assert steps == [50]


def test_a_loaded_config_is_shown_and_kept_exactly_not_clamped_or_rounded(form):
    from gdsim.config import InitConfig, OptimizerConfig, RegularizationConfig

    cfg = validate_config(
        dataclasses.replace(
            default_config(),
            optimizer=OptimizerConfig("adam", 1.23456e-13, eps=1e-20),
            init=InitConfig("normal", 0, 1.5e-11),
            regularization=RegularizationConfig("l2", 2e7),
        )
    )
    form.set_config(cfg)
    assert validate_config(form.candidate()) == cfg  # (was eps 0, lr 1.2e-13, scale 1e-9, ...)
    assert box(form, "epsSpin").text() == "1e-20"


def test_the_batch_size_box_stops_at_the_config_limit(form, qtbot):
    from gdsim.config import MAX_BATCH_SIZE

    batch = box(form, "batchSizeSpin")
    assert batch.maximum() == MAX_BATCH_SIZE
    type_into(qtbot, batch, "2000000")
    assert batch.value() == 0 and "between 0 (full batch) and 1,000,000" in form.error
