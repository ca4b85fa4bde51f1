"""The main window driven as a user would, through the contract's objectNames."""

import json

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QPushButton, QSpinBox

from gdsim.app import MainWindow
from gdsim.engine.trainer import Trainer
from gdsim.io.run_csv import read_run_csv

DIVERGING = {
    "gdsim": 1,
    "mode": "network",
    "network": {
        "inputs": 1,
        "layers": [{"units": 8, "activation": "relu"}, {"units": 1, "activation": "linear"}],
    },
    "loss": "mse",
    "optimizer": {"name": "sgd", "learning_rate": 200.0},
    "data": {"source": "builtin", "name": "sine"},
}


def button(window, name) -> QPushButton:
    widget = window.findChild(QPushButton, name)
    assert widget is not None, name
    return widget


def click(qtbot, window, name):
    qtbot.mouseClick(button(window, name), Qt.MouseButton.LeftButton)


def wait_step(qtbot, window, step, timeout=10000):
    qtbot.waitUntil(
        lambda: window.session.last is not None and window.session.last.step == step,
        timeout=timeout,
    )


def test_contract_object_names_exist(window):
    for name in ("stepButton", "runButton", "resetButton", "exportButton"):
        assert button(window, name).isVisible()
    for name in ("costPlot", "parameterPlot", "gradientPlot"):
        plot = window.findChild(pg.PlotWidget, name)
        assert plot is not None and plot.isVisible(), name


def test_constructible_with_no_arguments_and_ready_to_step(qtbot, settings_sandbox):
    w = MainWindow()
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.session.last is not None, timeout=10000)
    assert w.session.last.step == 0 and w.session.info.parameter_names
    w.close()
    assert not w.session.thread.isRunning()


def test_a_step_adds_a_row_to_all_three_plots(qtbot, window):
    plots = window.plots
    assert len(plots.curve_data("cost")[0]) == 1
    click(qtbot, window, "stepButton")
    wait_step(qtbot, window, 1)
    x, cost = plots.curve_data("cost")
    assert x.tolist() == [0, 1]
    px, values = plots.curve_data("parameter", 0)
    gx, grads = plots.curve_data("gradient", 0)
    assert px.tolist() == gx.tolist() == [0, 1]
    snap = window.session.last
    assert values[-1] == snap.parameters[0] and grads[-1] == snap.gradients[0]
    assert cost[-1] == snap.cost
    # the plotted step equals an independent headless run of the same config
    t = Trainer(window.config)
    t.step(1)
    assert cost.tolist() == t.history.cost().tolist()


def test_run_then_pause(qtbot, window):
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: window.session.last.step > 50, timeout=10000)
    assert button(window, "runButton").text() == "Pause"
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: not window.session.last.running, timeout=5000)
    stopped = window.session.last.step
    qtbot.wait(200)
    assert window.session.last.step == stopped
    assert button(window, "runButton").text() == "Run"


def test_reset_restores_the_first_parameters_exactly(qtbot, window):
    first = window.session.last.parameters.copy()
    window.findChild(QSpinBox, "stepNSpin").setValue(25)
    click(qtbot, window, "stepNButton")
    wait_step(qtbot, window, 25)
    assert not np.array_equal(window.session.last.parameters, first)
    click(qtbot, window, "resetButton")
    wait_step(qtbot, window, 0)
    assert np.array_equal(window.session.last.parameters, first)
    assert len(window.plots.curve_data("cost")[0]) == 1


def test_rerandomise_changes_the_start(qtbot, window):
    first = window.session.last.parameters.copy()
    click(qtbot, window, "rerandomizeButton")
    qtbot.waitUntil(lambda: window.session.info.seed != 0, timeout=5000)
    wait_step(qtbot, window, 0)
    assert not np.array_equal(window.session.last.parameters, first)


def test_form_edits_change_the_network(qtbot, window):
    n_before = len(window.session.info.parameter_names)
    click(qtbot, window, "addLayerButton")
    window.form.flush()
    qtbot.waitUntil(lambda: len(window.session.info.parameter_names) != n_before, timeout=5000)
    assert len(window.session.info.config.network.layers) == 3


def test_learning_rate_applies_live_without_reset(qtbot, window):
    click(qtbot, window, "stepButton")
    wait_step(qtbot, window, 1)
    run_id = window.session.info.run_id
    spin = window.form.findChild(QAbstractSpinBox, "learningRateSpin")
    spin.setValue(0.5)
    window.form.flush()
    click(qtbot, window, "stepButton")
    wait_step(qtbot, window, 2)
    assert window.session.info.run_id == run_id  # no new run
    assert window.session.last.learning_rate == pytest.approx(0.5)


def test_a_bad_config_file_is_refused_with_a_message_and_nothing_is_lost(qtbot, window, tmp_path):
    before = window.config
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"optimizer": {"name": "sgd", "learning_rate": -1}}))
    assert window.open_config(bad) is False
    assert "optimizer.learning_rate" in window.dialogs.errors[-1]
    assert not window.message_bar.isVisible()  # said once, in the dialog
    assert window.config == before and window.session.last is not None


def test_exported_csv_equals_the_engine_history(qtbot, window, tmp_path):
    window.findChild(QSpinBox, "stepNSpin").setValue(30)
    click(qtbot, window, "stepNButton")
    wait_step(qtbot, window, 30)
    path = tmp_path / "run.csv"
    with qtbot.waitSignal(window.session.exported, timeout=10000):
        window.export_csv(path)
    table = read_run_csv(path)
    t = Trainer(window.config)
    t.step(30)
    assert table.header[:2] == ("step", "cost")
    assert np.array_equal(table.data, t.history.table(), equal_nan=True)
    assert (tmp_path / "run.json").exists()


def test_export_button_uses_the_chosen_path(qtbot, window, tmp_path):
    window.dialogs.save_path = str(tmp_path / "via-button")
    with qtbot.waitSignal(window.session.exported, timeout=10000):
        click(qtbot, window, "exportButton")
    assert (tmp_path / "via-button.csv").exists()


def test_closing_during_a_run_leaves_no_thread_running(qtbot, make_window):
    w = make_window()
    click(qtbot, w, "runButton")
    qtbot.waitUntil(lambda: w.session.last.step > 10, timeout=10000)
    w.close()
    assert not w.session.thread.isRunning()
    assert not w.session.process.is_alive()


def test_a_script_without_a_main_guard_can_open_the_window(tmp_path):
    """The trainer process must not re-run the user's script (multiprocessing's spawn would)."""
    script = tmp_path / "plain.py"
    script.write_text(
        "import time\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gdsim.app import MainWindow\n"
        "w = MainWindow()\n"
        "end = time.time() + 20\n"
        "while w.session.last is None and time.time() < end:\n"
        "    app.processEvents(); time.sleep(0.01)\n"
        "print('ready' if w.session.last is not None else 'timeout')\n"
        "w.close()\n"
    )
    import os
    import subprocess
    import sys

    # XDG_CONFIG_HOME: the window's settings go to the test's folder, not the user's.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.stdout.strip() == "ready", result.stderr


def test_a_diverging_run_pauses_with_a_message(qtbot, make_window, tmp_path):
    path = tmp_path / "diverge.json"
    path.write_text(json.dumps(DIVERGING))
    w = make_window(path)
    click(qtbot, w, "runButton")
    qtbot.waitUntil(lambda: w.session.last.diverged is not None, timeout=10000)
    qtbot.waitUntil(lambda: not w.session.running, timeout=5000)
    assert "diverged" in w.message_bar.text() and "learning rate" in w.message_bar.text()
    assert w.findChild(QPushButton, "messageAction").text() == "Reset"
    steps, cost = w.plots.curve_data("cost")
    assert steps[-1] == w.session.last.step and np.isfinite(cost[:-1]).all()
    click(qtbot, w, "messageAction")
    wait_step(qtbot, w, 0)
    assert w.session.last.diverged is None


def test_structural_change_asks_before_losing_history(qtbot, window):
    click(qtbot, window, "stepButton")
    wait_step(qtbot, window, 1)
    window.dialogs.confirm_answer = False
    layers = len(window.config.network.layers)
    click(qtbot, window, "addLayerButton")
    window.form.flush()
    assert window.dialogs.asked, "the user was not asked"
    assert len(window.form.config().network.layers) == layers  # the form went back
    assert window.session.last.step == 1
    window.dialogs.confirm_answer = True  # let the fixture close the window


def test_rerandomise_writes_its_seed_into_the_form_and_the_exported_config(qtbot, window, tmp_path):
    click(qtbot, window, "rerandomizeButton")
    qtbot.waitUntil(lambda: window.session.info.seed != 0, timeout=5000)
    seed = window.session.info.seed
    assert window.config.init.seed == seed
    assert window.form.config().init.seed == seed
    with qtbot.waitSignal(window.session.exported, timeout=10000):
        window.export_csv(tmp_path / "run.csv")
    assert json.loads((tmp_path / "run.json").read_text())["init"]["seed"] == seed


def test_a_refused_network_keeps_the_old_run_and_the_form_in_step(qtbot, window):
    before = window.session.info
    bad = window.config.replace(
        data=window.config.data.__class__(source="builtin", name="sine"),
        network=window.config.network.__class__(inputs=1, layers=window.config.network.layers),
    )
    window._on_structure_changed(bad)  # what the form emits for "Data set: sine" with bce
    qtbot.waitUntil(lambda: "between 0 and 1" in window.message_bar.text(), timeout=5000)
    assert window.form.config().data.name == "xor" and window.config == before.config
    click(qtbot, window, "stepButton")  # the old run still steps
    wait_step(qtbot, window, 1)
    assert window.session.info.run_id == before.run_id


def test_a_function_mode_config_keeps_only_the_optimizer_form(qtbot, make_window, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            {
                "mode": "function",
                "function": "(w - 3)**2",
                "parameters": {"w": 1.0},
                "optimizer": {"name": "sgd", "learning_rate": 0.1},
            }
        )
    )
    w = make_window(path)
    qtbot.waitUntil(lambda: "Function mode" in w.message_bar.text(), timeout=5000)
    assert w.form.network_form.isHidden() and not w.form.optimizer_form.isHidden()
    assert w.form.optimizer_form.learning_rate_spin.value() == 0.1
    assert w.session.last.cost == 4.0 and w.session.last.gradients.tolist() == [-4.0]
    click(qtbot, w, "stepButton")
    wait_step(qtbot, w, 1)
    assert w.session.last.parameters[0] == pytest.approx(1.4, abs=1e-15)
    assert w.config.mode == "function"
    w.form.optimizer_form.learning_rate_spin.setValue(0.5)  # applies from the next update
    qtbot.waitUntil(lambda: w.config.optimizer.learning_rate == 0.5, timeout=5000)
    click(qtbot, w, "stepButton")
    wait_step(qtbot, w, 2)
    # w = 1.4 - 0.5 * 2 (1.4 - 3) = 3.0
    assert w.session.last.parameters[0] == pytest.approx(3.0, abs=1e-12)


def test_the_lessons_menu_opens_the_one_parameter_lesson(qtbot, window):
    from PySide6.QtWidgets import QLabel

    window.lesson_actions["one_parameter"].trigger()
    lesson = window._lesson_windows["one_parameter"]
    qtbot.waitUntil(lambda: lesson.isVisible(), timeout=5000)
    assert lesson.findChild(QLabel, "costValue").text().startswith("4")
    assert lesson.findChild(QLabel, "gradientValue").text().startswith("-4")


def test_the_lessons_menu_opens_the_two_parameter_lesson(qtbot, window):
    lesson = window.open_lesson("two_parameters")
    qtbot.waitUntil(lambda: lesson.isVisible(), timeout=5000)
    start, end = lesson.gradient_vector()
    grad = lesson.session.trainer.gradients
    assert (end[0] - start[0], end[1] - start[1]) == pytest.approx(tuple(grad), abs=1e-12)


def test_views_follow_the_run(qtbot, window):
    window.findChild(QSpinBox, "stepNSpin").setValue(400)
    click(qtbot, window, "stepNButton")
    wait_step(qtbot, window, 400)
    qtbot.waitUntil(lambda: len(window.health_view.series(0)[0]) == 401, timeout=5000)
    steps, norms = window.health_view.series(0)
    assert steps.tolist() == list(range(401))  # every row, although views update at 5 Hz
    window.bottom_tabs.setCurrentWidget(window.prediction_view)
    qtbot.waitUntil(lambda: window.prediction_view.accuracy() is not None, timeout=5000)
    t = Trainer(window.config)
    t.step(400)
    grid = window.prediction_view.grid_points()
    np.testing.assert_allclose(
        window.prediction_view.grid_values().ravel(), t.predict(grid).ravel(), rtol=0, atol=1e-12
    )


def test_double_clicking_a_parameter_shows_its_chain_rule(qtbot, window):
    table = window.table
    index = table.model().index(3, 0)
    name = window.session.info.parameter_names[table.parameter_at(index)]
    table.doubleClicked.emit(index)
    assert window.bottom_tabs.currentWidget() is window.chain_view
    assert window.chain_view.parameter() == name
    b = window.chain_view.breakdown()
    assert b.paths_sum == pytest.approx(b.backprop, rel=1e-12, abs=1e-15)


def test_a_dead_relu_preset_raises_its_flag_in_the_window(qtbot, window):
    assert window.open_health_preset("health-dead-relu.json")
    qtbot.waitUntil(
        lambda: window.session.info.config.network.layers[0].activation == "relu", timeout=5000
    )
    assert window.bottom_tabs.currentWidget() is window.health_view
    window.findChild(QSpinBox, "stepNSpin").setValue(200)
    click(qtbot, window, "stepNButton")
    wait_step(qtbot, window, 200)
    qtbot.waitUntil(lambda: any(k == "zero" for k, _ in window.health_view.flags()), timeout=5000)


def test_the_phase_diagram_walks_one_update_and_then_steps(qtbot, window):
    window.bottom_tabs.setCurrentWidget(window.diagram_view)
    for phase in (1, 2, 3, 4):
        assert window.diagram_view.phase() == phase
        if phase < 4:
            window.diagram_view.next_phase()
    window.diagram_view.next_phase()  # "apply this step"
    wait_step(qtbot, window, 1)
    assert window.diagram_view.phase() == 1


def test_the_loss_surface_follows_the_run(qtbot, window):
    window.bottom_tabs.setCurrentWidget(window.surface_view)
    window.findChild(QSpinBox, "stepNSpin").setValue(50)
    click(qtbot, window, "stepNButton")
    wait_step(qtbot, window, 50)
    qtbot.waitUntil(lambda: len(window.surface_view.trajectory()[0]) == 51, timeout=5000)
    assert window.surface_view.grid() is not None


def test_a_window_that_fails_to_build_stops_its_trainer(qtbot, settings_sandbox, monkeypatch):
    started = []
    original = MainWindow._build_actions

    def broken(self):
        started.append(self.session)
        original(self)
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(MainWindow, "_build_actions", broken)
    with pytest.raises(RuntimeError, match="broken on purpose"):
        MainWindow()
    assert started and not started[0].thread.isRunning()


def test_every_start_page_button_opens_what_it_names(qtbot, window):
    from PySide6.QtGui import QAction

    window.findChild(QAction, "lessonsPageAction").trigger()
    page = window._lessons_page
    assert page is not None and page.isVisible()
    tabs = {
        "tab:loss_surface": window.surface_view,
        "tab:step_by_phase": window.diagram_view,
        "tab:chain_rule": window.chain_view,
        "tab:gradient_health": window.health_view,
        "tab:prediction": window.prediction_view,
    }
    presets = [t for t in page.targets() if t.startswith("preset:")]
    assert len(presets) == 4
    for target in page.targets():
        if target in presets:
            continue
        page.button(target).click()
        if target in tabs:
            assert window.bottom_tabs.currentWidget() is tabs[target], target
        elif target == "race":
            assert window._lesson_windows["two_parameters"].race_group.isChecked()
        else:
            assert window._lesson_windows[target.split(":")[1]].isVisible(), target
    page.button("preset:health-dead-relu.json").click()  # (the window asks first)
    assert window.bottom_tabs.currentWidget() is window.health_view
    assert window.config_path.name == "health-dead-relu.json"
    page.button("preset:textbook-backprop.json").click()  # its entry names its own tab
    assert window.bottom_tabs.currentWidget() is window.diagram_view
    assert window.config_path.name == "textbook-backprop.json"


def test_the_forms_note_survives_the_run_it_started(qtbot, window):
    from PySide6.QtWidgets import QComboBox, QLabel

    combo = window.form.findChild(QComboBox, "datasetCombo")
    run_id = window.session.info.run_id
    combo.setCurrentIndex(combo.findData("sine"))
    qtbot.waitUntil(lambda: window.session.info.run_id != run_id, timeout=5000)
    assert window.session.info.config.loss == "mse"
    hint = window.form.findChild(QLabel, "outputHintLabel")
    assert not hint.isHidden() and "Loss set to mse" in hint.text()
