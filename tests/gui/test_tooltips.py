"""Every field of the network form and every training control explains itself in a tooltip.

"Explains" is checked loosely: a tooltip (the widget's own, its buddy label's, or for a spin
box's inner editor the spin box's) of at least a few words that is more than the label.
"""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSlider,
    QWidget,
)

from gdsim.app.controls import TrainingControls
from gdsim.app.forms import ConfigForm, CsvColumnsDialog, tips
from gdsim.app.parameter_table import COLUMNS, ParameterModel
from gdsim.config import (
    ACTIVATIONS,
    BUILTIN_DATASETS,
    DATA_SOURCES,
    INIT_SCHEMES,
    LOSSES,
    OPTIMIZERS,
    REGULARIZATIONS,
    Config,
    InitConfig,
    OptimizerConfig,
    RegularizationConfig,
    default_config,
    load_config,
)
from gdsim.resources import example_configs, resource_path

INPUT_WIDGETS = (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox, QAbstractButton, QSlider)
MIN_WORDS = 6


def _variants() -> dict[str, Config]:
    base = default_config()
    return {
        "default": base,
        "function mode": load_config(resource_path("examples", "one-parameter.json")),
        "sgd with momentum": dataclasses.replace(
            base, optimizer=OptimizerConfig("sgd", learning_rate=0.1, momentum=0.9)
        ),
        "rmsprop": dataclasses.replace(base, optimizer=OptimizerConfig("rmsprop")),
        "adam": dataclasses.replace(base, optimizer=OptimizerConfig("adam")),
        "uniform init and l2": dataclasses.replace(
            base,
            init=InitConfig("uniform", 3, 0.5),
            regularization=RegularizationConfig("l2", 0.001),
        ),
        **{path.stem: load_config(path) for path in example_configs()},
    }


VARIANTS = _variants()


def explanation(widget: QWidget, root: QWidget) -> str:
    """The tooltip a user gets for ``widget`` ("" if none)."""
    if widget.toolTip().strip():
        return widget.toolTip()
    parent = widget.parentWidget()
    if isinstance(widget, QLineEdit) and isinstance(parent, QAbstractSpinBox):
        return explanation(parent, root)  # a spin box's editor shows the spin box's tooltip
    for label in root.findChildren(QLabel):
        if label.buddy() is widget and label.toolTip().strip():
            return label.toolTip()
    return ""


def caption_of(widget: QWidget, root: QWidget) -> str:
    for label in root.findChildren(QLabel):
        if label.buddy() is widget:
            return label.text().strip()
    return widget.text().strip() if isinstance(widget, QAbstractButton) else ""


def user_inputs(root: QWidget) -> list[QWidget]:
    """Input widgets the user can see; Qt's own parts (a table's corner button) do not count,
    a spin box's inner editor does (it shows the spin box's tooltip)."""
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, INPUT_WIDGETS)
        and w.isVisibleTo(root)
        and (not w.objectName().startswith("qt_") or w.objectName() == "qt_spinbox_lineedit")
    ]


def assert_explained(root: QWidget) -> list[QWidget]:
    inputs = user_inputs(root)
    assert inputs
    unexplained = []
    for widget in inputs:
        tip = explanation(widget, root)
        caption = caption_of(widget, root)
        if len(tip.split()) < MIN_WORDS or tip.strip().lower() == caption.lower():
            unexplained.append(f"{type(widget).__name__} {widget.objectName()!r}: {tip!r}")
    assert not unexplained, "\n".join(unexplained)
    return inputs


def names(widgets: list[QWidget]) -> set[str]:
    return {w.objectName() for w in widgets}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_form_field_has_an_explaining_tooltip(qtbot, variant):
    form = ConfigForm(VARIANTS[variant])
    qtbot.addWidget(form)
    inputs = assert_explained(form)
    shown = names(inputs)
    assert {"learningRateSpin", "optimizerCombo"} <= shown
    if form.config().mode == "network":  # a formula has no loss or batches
        assert {"lossCombo", "batchSizeSpin"} <= shown
    optimizer = form.config().optimizer.name
    expected = {
        "sgd": {"momentumSpin", "dampeningSpin", "nesterovCheck"},
        "rmsprop": {"alphaSpin", "epsSpin", "centeredCheck", "momentumSpin"},
        "adam": {"beta1Spin", "beta2Spin", "epsSpin", "amsgradCheck"},
    }[optimizer]
    assert expected <= shown


def test_function_mode_shows_only_the_optimizer_and_explains_it(qtbot):
    form = ConfigForm(VARIANTS["function mode"])
    qtbot.addWidget(form)
    assert form.config().mode == "function"
    assert "lossCombo" not in names(assert_explained(form))


def test_layers_added_later_explain_themselves(qtbot):
    form = ConfigForm(default_config())
    qtbot.addWidget(form)
    form.network_form.add_layer()
    form.network_form.add_layer()
    inputs = assert_explained(form)
    assert {"hiddenUnitsSpin_3", "hiddenActivationCombo_3", "removeLayerButton_3"} <= names(inputs)
    units = form.findChild(QAbstractSpinBox, "hiddenUnitsSpin_3")
    assert units.toolTip().startswith("Hidden layer 3: how many neurons")
    form.network_form.remove_layer(1)  # the rows move up and say so
    assert (
        form.findChild(QAbstractButton, "removeLayerButton_2")
        .toolTip()
        .startswith("Remove hidden layer 2")
    )


def test_csv_source_fields_explain_themselves(qtbot):
    form = ConfigForm(VARIANTS["moons-csv"])
    qtbot.addWidget(form)
    shown = names(assert_explained(form))
    assert {"chooseCsvButton", "csvColumnsButton"} <= shown
    assert "datasetCombo" not in shown


def test_csv_column_dialog_explains_itself(qtbot):
    dialog = CsvColumnsDialog(resource_path("data", "moons_like.csv"))
    qtbot.addWidget(dialog)
    shown = names(assert_explained(dialog))
    assert "csvTestFractionSpin" in shown
    table = dialog.roles_table
    assert len(table.toolTip().split()) >= MIN_WORDS
    for row in range(table.rowCount()):
        for col in range(table.columnCount()):
            if table.item(row, col).flags() & Qt.ItemFlag.ItemIsUserCheckable:
                assert table.item(row, col).toolTip()


def test_every_choice_has_its_own_tooltip(qtbot):
    form = ConfigForm(default_config())
    qtbot.addWidget(form)
    for combo in form.findChildren(QComboBox):
        for i in range(combo.count()):
            tip = combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
            assert tip and tip != combo.itemText(i), (combo.objectName(), combo.itemText(i))
    for name in (*ACTIVATIONS, *LOSSES, *INIT_SCHEMES, *OPTIMIZERS, *REGULARIZATIONS):
        assert tips.choice_tip(name) != name
    for name in (*BUILTIN_DATASETS, *DATA_SOURCES):
        assert tips.choice_tip(name, "dataset") != name
    assert "straight line" in tips.choice_tip("linear", "dataset")


def test_training_controls_explain_themselves(qtbot):
    controls = TrainingControls()
    qtbot.addWidget(controls)
    shown = names(assert_explained(controls))
    assert {
        "stepButton",
        "stepNSpin",
        "stepNButton",
        "runButton",
        "resetButton",
        "rerandomizeButton",
        "speedCombo",
        "maxStepsSpin",
        "targetCostEdit",
        "exportButton",
    } <= shown
    run = controls.run_button
    assert run.toolTip() == tips.CONTROLS["run"]
    controls.set_running(True)
    assert run.toolTip() == tips.CONTROLS["pause"]
    # The captions of the pace and stop fields explain them as well.
    for label in controls.findChildren(QLabel):
        if label.buddy() is not None:
            assert label.toolTip() == label.buddy().toolTip()
    assert len([lab for lab in controls.findChildren(QLabel) if lab.buddy() is not None]) == 3


def test_parameter_table_headers_explain_the_columns():
    model = ParameterModel()
    for section in range(len(COLUMNS)):
        tip = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip and len(tip.split()) >= MIN_WORDS


def test_tips_are_short_and_british():
    texts = [*tips.FIELDS.values(), *tips.CONTROLS.values(), *tips.PARAMETER_COLUMNS]
    for text in texts:
        assert 3 <= len(text.split()) <= 60, text
        for american in ("initializ", "regulariz", "randomiz", "behavior", "color", "center "):
            assert american not in text.lower(), text
