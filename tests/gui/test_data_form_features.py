"""The Data form's Inputs toggles (data.features, #14): clicking them drives the config and the
network's inputs together; the last one cannot be turned off; only 2-D data shows them."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QToolButton, QWidget

from gdsim.app.forms import ConfigForm, tips
from gdsim.config import config_from_dict, default_config, load_config, validate_config
from gdsim.config.names import INPUT_FEATURES
from gdsim.resources import resource_path


@pytest.fixture
def form(qtbot) -> ConfigForm:
    widget = ConfigForm()
    widget.debounce_ms = 0
    qtbot.addWidget(widget)
    widget.show()
    return widget


def toggle(form, name) -> QToolButton:
    button = form.findChild(QToolButton, f"feature:{name}")
    assert button is not None, name
    return button


def click(form, qtbot, name):
    """Click a toggle; the new config it gives."""
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        qtbot.mouseClick(toggle(form, name), Qt.MouseButton.LeftButton)
    return blocker.args[0]


def checked(form) -> list[str]:
    return [name for name in INPUT_FEATURES if toggle(form, name).isChecked()]


def test_the_toggles_show_the_default_inputs(form):
    assert checked(form) == ["x1", "x2"]
    box = form.findChild(QWidget, "featureToggles")
    assert box.isVisible() and box.toolTip() == tips.FIELDS["data.features"]
    for name in INPUT_FEATURES:
        button = toggle(form, name)
        assert button.isCheckable() and button.toolTip() == tips.FEATURE_TIPS[name]
    assert [toggle(form, n).text() for n in INPUT_FEATURES] == [
        "x1",
        "x2",
        "x1\u00b2",
        "x2\u00b2",
        "x1\u00b7x2",
        "sin x1",
        "sin x2",
    ]


def test_clicking_toggles_changes_features_and_inputs_together(form, qtbot):
    cfg = click(form, qtbot, "x1^2")
    assert cfg.data.features == ("x1", "x2", "x1^2") and cfg.network.inputs == 3
    validate_config(cfg)
    cfg = click(form, qtbot, "x2^2")
    cfg = click(form, qtbot, "x1")
    cfg = click(form, qtbot, "x2")
    assert cfg.data.features == ("x1^2", "x2^2") and cfg.network.inputs == 2
    assert checked(form) == ["x1^2", "x2^2"]
    assert form.config() == cfg
    shape = form.findChild(QLabel, "dataShapeLabel").text()
    assert shape.startswith("2 inputs (x1^2, x2^2)"), shape
    assert "(x1^2, x2^2)" in form.findChild(QLabel, "inputsLabel").text()
    cfg = click(form, qtbot, "x1")  # back on: listed in the table's order
    assert cfg.data.features == ("x1", "x1^2", "x2^2") and cfg.network.inputs == 3


def test_the_last_input_cannot_be_turned_off(form, qtbot):
    click(form, qtbot, "x1")
    assert form.config().data.features == ("x2",) and form.config().network.inputs == 1
    before = form.config()
    with qtbot.waitSignal(form.invalid, timeout=2000) as blocker:
        qtbot.mouseClick(toggle(form, "x2"), Qt.MouseButton.LeftButton)
    message = blocker.args[0]
    assert "\n" not in message and "at least one" in message and message.startswith("Inputs: ")
    assert toggle(form, "x2").isChecked() and form.config() == before
    assert form.error == message
    cfg = click(form, qtbot, "x1*x2")  # a valid edit clears the message
    assert form.error == "" and cfg.data.features == ("x2", "x1*x2")


def pick(form, qtbot, name):
    combo = form.findChild(QComboBox, "datasetCombo")
    with qtbot.waitSignal(form.structure_changed, timeout=2000) as blocker:
        combo.setCurrentIndex(combo.findData(name))
    return blocker.args[0]


def test_only_2d_data_shows_them_and_they_come_back(form, qtbot):
    click(form, qtbot, "x1*x2")
    box = form.findChild(QWidget, "featureToggles")
    cfg = pick(form, qtbot, "sine")
    assert not box.isVisible()
    assert cfg.data.features == ("x1", "x2") and cfg.network.inputs == 1  # (not saved)
    cfg = pick(form, qtbot, "digits")
    assert not box.isVisible() and cfg.network.inputs == 64
    cfg = pick(form, qtbot, "spiral")
    assert box.isVisible() and cfg.data.features == ("x1", "x2", "x1*x2")
    assert cfg.network.inputs == 3


def test_the_example_round_trips_through_the_form(form):
    cfg = load_config(resource_path("examples", "circle-features.json"))
    form.set_config(cfg)
    assert checked(form) == ["x1^2", "x2^2"]
    assert form.candidate() == cfg
    form.set_config(default_config())
    assert checked(form) == ["x1", "x2"]


def csv_config(tmp_path, inputs, **data):
    (tmp_path / "d.csv").write_text(",".join([*inputs, "y"]) + "\n" + "1," * len(inputs) + "0\n")
    return config_from_dict(
        {
            "network": {
                "inputs": len(data.get("features", inputs)),
                "layers": [{"units": 1, "activation": "sigmoid"}],
            },
            "data": {"source": "csv", "path": "d.csv", "inputs": inputs, "targets": ["y"], **data},
        },
        base_dir=tmp_path,
    )


def test_a_csv_file_with_two_inputs_takes_features(form, qtbot, tmp_path):
    cfg = csv_config(tmp_path, ["a", "b"], features=["x1", "x1*x2"])
    form.set_config(cfg)
    assert form.findChild(QWidget, "featureToggles").isVisible()
    assert checked(form) == ["x1", "x1*x2"]
    assert form.findChild(QLabel, "dataShapeLabel").text().startswith("2 inputs (a, a*b)")
    new = click(form, qtbot, "sin(x2)")
    assert new.data.features == ("x1", "x1*x2", "sin(x2)") and new.network.inputs == 3
    form.set_config(csv_config(tmp_path, ["a", "b", "c"]))
    assert not form.findChild(QWidget, "featureToggles").isVisible()
    assert form.candidate().data.features == ("x1", "x2")


def test_toggling_asks_before_discarding_a_run(qtbot, make_window):
    window = make_window(load_config(resource_path("examples", "circle-features.json")))
    qtbot.mouseClick(window.findChild(QPushButton, "stepButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.last.step == 1, timeout=10000)
    window.dialogs.confirm_answer = False
    qtbot.mouseClick(window.findChild(QToolButton, "feature:x1*x2"), Qt.MouseButton.LeftButton)
    assert window.dialogs.asked[-1].startswith("Changing the data and the network ")
    assert window.config.data.features == ("x1^2", "x2^2")  # kept, and shown again
    assert not window.findChild(QToolButton, "feature:x1*x2").isChecked()
    window.dialogs.confirm_answer = True
    qtbot.mouseClick(window.findChild(QToolButton, "feature:x1*x2"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.config.data.features == ("x1^2", "x2^2", "x1*x2"), timeout=5000)
    assert window.config.network.inputs == 3
    assert dataclasses.replace(window.config.data, features=("x1^2", "x2^2")) == (
        load_config(resource_path("examples", "circle-features.json")).data
    )
