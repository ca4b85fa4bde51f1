"""Time travel in the window: Continue from here and Step back cut the run at a step and train on
from its exact state, so the same steps come again bit for bit."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from gdsim.app.parameter_table import FROZEN, VALUE
from gdsim.config import config_from_dict, default_config
from gdsim.config.dict_form import config_to_dict
from gdsim.engine.trainer import Trainer
from tests.gui.test_main_window import DIVERGING
from tests.gui.test_timeline import scrub, wait_step


def minibatch_adam():
    cfg = config_to_dict(default_config())
    cfg["optimizer"] = {"name": "adam", "learning_rate": 0.05}
    cfg["batch_size"] = 16
    return config_from_dict(cfg)


def button(window, name: str) -> QPushButton:
    widget = window.findChild(QPushButton, name)
    assert widget is not None, name
    return widget


def wait_new_run(qtbot, window, old_run_id: int, step: int) -> None:
    qtbot.waitUntil(
        lambda: (
            window.presenter.last is not None
            and window.presenter.last.run_id != old_run_id
            and window.presenter.last.step == step
        ),
        timeout=10000,
    )
    window.presenter.refresh()


def run_curves(window):
    costs = window.plots.curve_data("cost")
    steps = window.plots.store.row_steps()
    rows = window.plots.store.rows.vals[: len(steps)].copy()
    return costs, steps, rows


@pytest.fixture
def run500(qtbot, make_window):
    window = make_window(minibatch_adam())
    window.step(500)
    wait_step(qtbot, window, 500, timeout=30000)
    return window


def test_scrub_to_20_of_500_continue_and_get_the_same_steps_21_to_500(qtbot, run500):
    window = run500
    (steps_before, costs_before), row_steps, rows = run_curves(window)
    assert len(steps_before) == 501 and len(row_steps) == 501  # nothing decimated: exact
    continue_button = button(window, "timelineContinueButton")
    assert not continue_button.isEnabled()  # live: nothing to continue from

    scrub(window, 20)
    assert window.presenter.shown.step == 20
    assert continue_button.isEnabled()
    old = window.presenter.last.run_id
    qtbot.mouseClick(continue_button, Qt.MouseButton.LeftButton)
    wait_new_run(qtbot, window, old, 20)
    assert window.presenter.is_live()
    steps_cut, costs_cut = window.plots.curve_data("cost")
    np.testing.assert_array_equal(steps_cut, np.arange(21))
    np.testing.assert_array_equal(costs_cut, costs_before[:21])
    assert "steps 21–500 dropped" in window.statusBar().currentMessage()

    window.step(480)
    wait_step(qtbot, window, 500, timeout=30000)
    (steps_after, costs_after), row_steps_after, rows_after = run_curves(window)
    np.testing.assert_array_equal(steps_after, steps_before)
    np.testing.assert_array_equal(costs_after, costs_before)  # bit for bit
    np.testing.assert_array_equal(row_steps_after, row_steps)
    np.testing.assert_array_equal(rows_after, rows)  # parameters and gradients too


def test_step_back_undoes_the_last_update_exactly(qtbot, make_window):
    window = make_window(minibatch_adam())
    window.step(5)
    wait_step(qtbot, window, 5)
    old = window.presenter.last.run_id
    back = button(window, "stepBackButton")
    assert back.isVisible()
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    wait_new_run(qtbot, window, old, 4)
    reference = Trainer(window.config)
    reference.step(4)
    last = window.presenter.last
    np.testing.assert_array_equal(last.parameters, reference.parameters)
    np.testing.assert_array_equal(last.gradients, reference.gradients)
    assert last.cost == reference.cost

    window.step(1)  # the same update again
    wait_step(qtbot, window, 5)
    reference.step(1)
    np.testing.assert_array_equal(window.presenter.last.parameters, reference.parameters)


def test_step_back_at_step_0_says_why_and_changes_nothing(qtbot, window):
    run_id = window.presenter.last.run_id
    window.step_back_action.trigger()
    assert "step 0" in window.statusBar().currentMessage()
    qtbot.wait(100)
    assert window.presenter.last.run_id == run_id


def test_step_back_leaves_a_diverged_run(qtbot, make_window):
    window = make_window(config_from_dict(DIVERGING))
    window.run()
    qtbot.waitUntil(lambda: window.presenter.last.diverged is not None, timeout=10000)
    diverged_at = window.presenter.last.step
    assert not window.presenter.can_train()
    old = window.presenter.last.run_id
    window.step_back_action.trigger()
    wait_new_run(qtbot, window, old, diverged_at - 1)
    assert window.presenter.last.diverged is None
    assert window.presenter.can_train()


# ---------------------------------------------------------------------- hands on the weights
def test_typing_a_weight_in_the_table_shows_its_cost_and_gradient_at_once(qtbot, window):
    from tests.gui.test_parameter_table_edit import cell, double_click, type_value

    window.step(3)
    wait_step(qtbot, window, 3)
    table = window.table
    window.show_tab("parameters")
    old = window.presenter.last.run_id
    double_click(qtbot, table, cell(table, "w1_2_1", VALUE))
    type_value(qtbot, table, "1.5")
    wait_new_run(qtbot, window, old, 3)
    reference = Trainer(window.config)
    reference.step(3)
    reference.set_parameters({"w1_2_1": 1.5})
    last = window.presenter.last
    np.testing.assert_array_equal(last.parameters, reference.parameters)
    np.testing.assert_array_equal(last.gradients, reference.gradients)  # at the new value
    assert last.cost == reference.cost
    i = window.session.info.parameter_names.index("w1_2_1")
    window.presenter.refresh()
    qtbot.waitUntil(lambda: table.model_.values(table.model_.row_of(i))[0] == 1.5)
    assert window.plots.rate_marks.steps() == [3.0]  # marked like a learning-rate change
    assert window.chain_view is not None and window.bottom_tabs.currentWidget() is table
    assert "Set w1_2_1 = 1.5" in window.statusBar().currentMessage()
    window.step(1)  # and training goes on from the typed value, as the engine's would
    wait_step(qtbot, window, 4)
    reference.step(1)
    np.testing.assert_array_equal(window.presenter.last.parameters, reference.parameters)


def test_the_lock_freezes_a_parameter_and_it_stays_while_its_gradient_shows(qtbot, window):
    from tests.gui.test_parameter_table_edit import cell, click

    table = window.table
    window.show_tab("parameters")
    click(qtbot, table, cell(table, "b2_1", FROZEN))
    i = window.session.info.parameter_names.index("b2_1")
    qtbot.waitUntil(lambda: window.presenter.last.frozen.tolist() == [i])
    assert window.plots.rate_marks.steps() == [0.0]  # marked on the plots at once
    before = window.presenter.last.parameters[i]
    window.step(20)
    wait_step(qtbot, window, 20)
    last = window.presenter.last
    assert last.parameters[i] == before and last.gradients[i] != 0
    qtbot.waitUntil(lambda: table.model_.is_frozen(table.model_.row_of(i)))


def test_values_cannot_be_typed_at_a_past_step_and_the_table_says_why(qtbot, window):
    from tests.gui.test_parameter_table_edit import cell, double_click, editor

    window.step(10)
    wait_step(qtbot, window, 10)
    window.show_tab("parameters")
    scrub(window, 4)
    double_click(qtbot, window.table, cell(window.table, "w1_1_1", VALUE))
    assert editor(window.table) is None
    assert "past step" in window.statusBar().currentMessage()
    assert window.bottom_tabs.currentWidget() is window.table  # (no jump to the Chain rule)
    window.presenter.show_live()
    assert window.table.model_.editable()
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # (not a triple click)
    double_click(qtbot, window.table, cell(window.table, "w1_1_1", VALUE))
    assert editor(window.table) is not None


def test_a_refused_value_keeps_the_run_and_says_why(qtbot, window):
    window.step(2)
    wait_step(qtbot, window, 2)
    run_id = window.presenter.last.run_id
    window.session.set_parameters({"w9_9_9": 1.0})  # (the table only offers real names)
    qtbot.waitUntil(lambda: "no parameter named 'w9_9_9'" in window.message_bar.text())
    assert "previous run" not in window.message_bar.text()
    window.step(1)
    wait_step(qtbot, window, 3)
    assert window.presenter.last.run_id == run_id  # the run shown went on
