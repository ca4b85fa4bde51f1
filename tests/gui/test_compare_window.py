"""Compare runs, driven as a learner would: Training ▸ Compare runs, the sweep, Start, the table,
Open in main window, Export all."""

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QTableWidget

from gdsim.app.compare import CompareWindow, settings
from gdsim.config import config_from_dict

NETWORK = config_from_dict(
    {
        "network": {
            "inputs": 2,
            "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        },
        "optimizer": {"name": "sgd", "learning_rate": 0.5},
        "batch_size": 16,
        "data": {"name": "circle", "samples": 100, "seed": 4},
    }
)


def menu_action(window, name):
    (action,) = [a for a in window.actions() if a.objectName() == name]
    return action


def open_compare(window) -> CompareWindow:
    menu_action(window, "compareRunsAction").trigger()
    compare = window.findChild(CompareWindow, "compareWindow")
    assert compare is not None and compare.isVisible()
    return compare


def click(compare, name):
    button = compare.findChild(QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    button.click()


def cells(compare) -> list[list[str]]:
    table = compare.findChild(QTableWidget, "compareResults")
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_a_learning_rate_sweep_from_one_start_overlays_three_curves(make_window, qtbot, tmp_path):
    window = make_window(NETWORK)
    window.step(20)  # the sweep starts from step 0 all the same
    qtbot.waitUntil(lambda: window.session.last.step == 20, timeout=10000)
    compare = open_compare(window)
    steps = compare.findChild(object, "compareSteps")
    assert steps.value() == 20  # the run's own step count
    steps.setValue(150)
    click(compare, "lrSweepButton")
    assert compare.editor.rowCount() == 3
    values = [compare.findChild(QLineEdit, f"variantValue{i}").text() for i in (1, 2, 3)]
    assert values == ["0.05", "0.5", "5"]
    click(compare, "compareStart")
    qtbot.waitUntil(lambda: not compare.training, timeout=30000)
    assert compare.findChild(object, "compareStatus").text() == "Done at step 150."

    # three curves, one colour each, that begin at the same value and then part
    assert len(compare.plot.train) == 3
    firsts, lasts = [], []
    for i in range(3):
        x, y = compare.plot.curve_data(i)
        assert x[0] == 0 and x[-1] == 150
        firsts.append(y[0])
        lasts.append(y[-1])
    assert firsts[0] == firsts[1] == firsts[2]
    assert len(set(lasts)) == 3
    pens = {compare.plot.train[i].opts["pen"].color().name() for i in range(3)}
    assert len(pens) == 3
    assert compare.plot.test[0].opts["pen"].style() == Qt.PenStyle.DashLine

    rows = cells(compare)
    assert [r[0] for r in rows] == ["lr 0.05", "lr 0.5", "lr 5"]
    for r in rows:
        assert math.isfinite(float(r[1])) and math.isfinite(float(r[2]))
        assert r[3].endswith("%")  # circle: a classification
    assert compare.table.horizontalHeaderItem(3).text() == "Test accuracy"

    # the log toggle draws log10 of the same values
    compare.findChild(object, "compareLog").setChecked(True)
    x, y = compare.plot.curve_data(0)
    assert y[0] == np.log10(firsts[0])

    # Export all into a folder (a fake dialog answers)
    window.dialogs.folder = str(tmp_path)
    click(compare, "compareExport")
    qtbot.waitUntil(lambda: "Wrote 3 run CSVs" in compare.status.text(), timeout=10000)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "variant-1-lr-0.05.csv",
        "variant-1-lr-0.05.json",
        "variant-2-lr-0.5.csv",
        "variant-2-lr-0.5.json",
        "variant-3-lr-5.csv",
        "variant-3-lr-5.json",
    ]

    # Open in main window: the question is asked (the run was not exported), then it loads
    compare.table.selectRow(2)
    click(compare, "compareOpen")
    assert window.dialogs.asked and "lr 5" in window.dialogs.asked[-1]
    qtbot.waitUntil(
        lambda: (
            window.session.info is not None
            and window.session.info.config.optimizer.learning_rate == 5.0
        ),
        timeout=10000,
    )
    qtbot.waitUntil(lambda: window.session.last is not None, timeout=10000)
    assert window.session.last.step == 0
    assert window.session.last.chunk.extras["train_cost"][0] == firsts[2]  # the same start


def test_refusals_are_one_line_and_nothing_starts(make_window, qtbot):
    window = make_window(NETWORK)
    compare = open_compare(window)
    field = compare.findChild(QLineEdit, "variantValue2")
    field.setText("0.0.1")
    click(compare, "compareStart")
    status = compare.findChild(object, "compareStatus").text()
    assert status.startswith("variant 2: learning rate: a number") and "\n" not in status
    assert not compare.training
    field.setText("2000")
    click(compare, "compareStart")
    assert "at most 1000" in compare.status.text()
    # a row for each setting; at most six variants, in at most twelve rows
    for _ in range(10):
        compare.editor.add_variant()
    assert compare.editor.rowCount() == 12
    assert not compare.findChild(QPushButton, "compareAdd").isEnabled()
    for row in range(12):
        compare.findChild(QLineEdit, f"variantValue{row + 1}").setText("0.01")
    click(compare, "compareStart")
    assert compare.status.text() == "at most 6 variants, got 12" and not compare.training
    # the trainer's own refusal (of a variant no row can make) arrives as one line too
    window.session.compare([{"optimizer": "adam", "momentum": 0.5}], ["x"], 10)
    qtbot.waitUntil(lambda: "adam has no momentum" in compare.status.text(), timeout=10000)


def test_the_training_menu_sweep_starts_at_once_and_the_run_stays_usable(make_window, qtbot):
    window = make_window(NETWORK)
    menu_action(window, "lrSweepAction").trigger()
    compare = window.compare_window
    assert compare.training
    window.step(5)  # the main run answers while the variants train
    qtbot.waitUntil(lambda: window.session.last.step == 5, timeout=10000)
    qtbot.waitUntil(lambda: not compare.training, timeout=30000)
    assert len(cells(compare)) == 3
    firsts = compare.results.first_values()
    assert firsts[0] == firsts[1] == firsts[2]


def test_a_local_session_compares_too(qtbot):
    from gdsim.app.local_session import LocalSession

    session = LocalSession()
    done, progress = [], []
    session.compare_done.connect(done.append)
    session.compare_progress.connect(progress.append)
    session.load(NETWORK)
    session.compare([{"learning_rate": 0.05}, {"learning_rate": 5.0}], ["a", "b"], 40)
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert not done[0].stopped
    steps = [[int(s) for p in progress for s in p.variants[i].steps] for i in (0, 1)]
    assert steps == [list(range(41))] * 2
    session.shutdown()


@pytest.mark.parametrize(
    ("key", "text", "words"),
    [
        ("learning_rate", "", "learning rate: type a value"),
        ("learning_rate", "nan", "a number such as 0.01"),
        ("learning_rate", "inf", "a number such as 0.01"),
        ("learning_rate", "1_0", "a number such as 0.01"),
        ("learning_rate", "0,1", "a number such as 0.01"),
        ("learning_rate", "٣", "a number such as 0.01"),  # an Arabic-Indic digit
        ("learning_rate", "0.1\n0.2", "one short value"),
        ("learning_rate", "9" * 400, "one short value"),
        ("learning_rate", "-0.1", "must be > 0"),
        ("momentum", "1", "must be in 0..1"),
        ("batch_size", "2.5", "a whole number in 0..1,000,000"),
        ("batch_size", "-1", "a whole number"),
        ("seed", "99999999999", "a whole number in 0..4,294,967,295"),
        ("optimizer", "adamw", "did you mean adam?"),
        ("activation", "softmax", "is not one of linear, sigmoid, tanh, relu, leaky_relu"),
        ("regularization", "l3", "is not one of none, l1, l2"),
    ],
)
def test_values_are_read_strictly_and_refused_in_one_line(key, text, words):
    with pytest.raises(ValueError) as info:
        settings.parse(key, text)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_good_values_are_read():
    assert settings.parse("learning_rate", " 1e-3 ") == 0.001
    assert settings.parse("optimizer", "Adam") == "adam"
    assert settings.parse("batch_size", "0") == 0
    assert settings.parse("regularization_rate", "0") == 0.0


def test_a_variant_can_change_several_settings(make_window, qtbot):
    window = make_window(NETWORK)
    compare = open_compare(window)
    editor = compare.editor
    editor.set_variants([{"learning_rate": 0.05}])
    editor.add_variant("optimizer", "adam")
    joins = [editor.cellWidget(row, 3) for row in range(2)]  # (rows replaced linger a while)
    assert [j.objectName() for j in joins] == ["variantJoin1", "variantJoin2"]
    assert not joins[0].isEnabled()  # nothing above it
    joins[1].click()  # adam joins the first variant
    editor.add_variant("learning_rate", "0.3")
    assert [editor.item(r, 0).text() for r in range(3)] == ["lr 0.05, adam", "  +", "lr 0.3"]
    assert editor.variants() == (
        [{"learning_rate": 0.05, "optimizer": "adam"}, {"learning_rate": 0.3}],
        ["lr 0.05, adam", "lr 0.3"],
    )
    editor.add_variant("learning_rate", "0.1", joined=True)  # lr twice in the second variant
    click(compare, "compareStart")
    assert compare.status.text() == "variant 4: learning rate is changed twice in one variant"
    editor.removeRow(3)
    click(compare, "compareStart")
    qtbot.waitUntil(lambda: not compare.training, timeout=30000)
    configs = compare.results.started.configs
    assert configs[0].optimizer.name == "adam" and configs[0].optimizer.learning_rate == 0.05
    assert configs[1].optimizer.name == window.config.optimizer.name
