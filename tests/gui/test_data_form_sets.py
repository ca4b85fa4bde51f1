"""The Data form with the real data sets, data.classes and data.standardize."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QLabel, QSpinBox

from gdsim.app.forms import ConfigForm, tips
from gdsim.config import config_from_dict, default_config, validate_config
from gdsim.resources import resource_path


@pytest.fixture
def form(qtbot) -> ConfigForm:
    widget = ConfigForm()
    widget.debounce_ms = 0
    qtbot.addWidget(widget)
    return widget


def find(form, cls, name):
    widget = form.findChild(cls, name)
    assert widget is not None, name
    return widget


def pick(form, qtbot, name):
    combo = find(form, QComboBox, "datasetCombo")
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        combo.setCurrentIndex(combo.findData(name))
    return blocker.args[0]


def test_picking_digits_fits_the_network_and_greys_out_samples_and_noise(form, qtbot):
    form.set_config(default_config())  # xor: 2-4-1, bce
    cfg = pick(form, qtbot, "digits")
    validate_config(cfg)
    assert cfg.data.name == "digits" and cfg.network.inputs == 64
    assert cfg.loss == "cross_entropy"
    assert (cfg.network.output_layer.units, cfg.network.output_layer.activation) == (10, "softmax")
    for name in ("samplesSpin", "noiseSpin", "classesSpin"):
        assert not find(form, QAbstractSpinBox, name).isEnabled()
    assert find(form, QSpinBox, "samplesSpin").toolTip() == tips.FIELDS["data.real"]
    assert find(form, QSpinBox, "classesSpin").value() == 10  # its own classes, shown
    cfg = pick(form, qtbot, "iris")
    assert cfg.network.inputs == 4 and cfg.network.output_layer.units == 3
    cfg = pick(form, qtbot, "gaussian")
    assert find(form, QSpinBox, "samplesSpin").isEnabled()
    assert find(form, QSpinBox, "samplesSpin").toolTip() == tips.FIELDS["data.samples"]
    assert cfg.network.inputs == 2 and cfg.data.classes == 2


def test_classes_set_the_output_layer(form, qtbot):
    pick(form, qtbot, "spiral")
    spin = find(form, QSpinBox, "classesSpin")
    assert spin.isEnabled() and spin.toolTip() == tips.FIELDS["data.classes"]
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        spin.setValue(4)
    cfg = blocker.args[0]
    validate_config(cfg)
    assert cfg.data.classes == 4 and cfg.loss == "cross_entropy"
    assert (cfg.network.output_layer.units, cfg.network.output_layer.activation) == (4, "softmax")
    cfg = pick(form, qtbot, "xor")  # xor has 2 classes: the box shows 2, greyed
    assert not spin.isEnabled() and spin.value() == 2
    assert cfg.data.class_count() == 2
    cfg = pick(form, qtbot, "spiral")  # the 4 comes back
    assert spin.value() == 4 and cfg.data.classes == 4


def test_standardize_checkbox_round_trips(form, qtbot):
    check = find(form, QCheckBox, "standardizeCheck")
    assert not check.isChecked()
    assert "training" in check.toolTip() and "Real data" in check.toolTip()
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        check.setChecked(True)
    assert blocker.args[0].data.standardize is True
    label = form.findChild(QLabel, "dataShapeLabel")
    assert "standardised" in label.text()
    form.set_config(default_config())
    assert not check.isChecked() and "standardised" not in label.text()


@pytest.mark.parametrize("name", ["digits", "iris", "spiral-3-classes"])
def test_the_new_examples_round_trip_through_the_form(form, name):
    from gdsim.config import load_config

    cfg = load_config(resource_path("examples", f"{name}.json"))
    form.set_config(cfg)
    assert form.candidate() == cfg


def test_a_config_with_classes_shows_them(form):
    cfg = config_from_dict(
        {
            "network": {"inputs": 2, "layers": [{"units": 5, "activation": "softmax"}]},
            "loss": "cross_entropy",
            "data": {"name": "gaussian", "classes": 5, "standardize": True},
        }
    )
    form.set_config(cfg)
    assert find(form, QSpinBox, "classesSpin").value() == 5
    assert find(form, QCheckBox, "standardizeCheck").isChecked()
    assert form.candidate() == cfg
