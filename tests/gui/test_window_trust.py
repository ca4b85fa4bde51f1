"""The main window says exactly what happened: failures, a dead trainer, files kept safe."""

import json
import os
import signal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton


def click(qtbot, window, name):
    widget = window.findChild(QPushButton, name)
    assert widget is not None, name
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def wait_step(qtbot, window, step, timeout=10000):
    qtbot.waitUntil(
        lambda: window.session.last is not None and window.session.last.step == step,
        timeout=timeout,
    )


def test_a_refused_setting_neither_stops_the_run_nor_says_the_run_is_unchanged(
    qtbot, window, monkeypatch
):
    shown = []
    monkeypatch.setattr(window.controls, "set_running", shown.append)  # the window's own calls
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: window.session.last.step > 5, timeout=10000)
    with qtbot.waitSignal(window.session.failed, timeout=5000):
        window.session.set_learning_rate(-1.0)
    assert False not in shown and window.session.running
    text = window.message_bar.text()
    assert "learning" in text and "previous run is unchanged" not in text
    step = window.session.last.step
    qtbot.waitUntil(lambda: window.session.last.step > step, timeout=5000)  # it goes on
    click(qtbot, window, "runButton")
    qtbot.waitUntil(lambda: not window.session.running, timeout=5000)


def test_a_refused_load_says_the_previous_run_is_unchanged(qtbot, window):
    bad = window.config.replace(
        data=window.config.data.__class__(source="builtin", name="sine"),
        network=window.config.network.__class__(inputs=1, layers=window.config.network.layers),
    )
    window._on_structure_changed(bad)
    qtbot.waitUntil(lambda: "between 0 and 1" in window.message_bar.text(), timeout=5000)
    assert window.message_bar.text().endswith("The previous run is unchanged.")


def test_save_as_then_export_beside_it_is_refused_and_the_config_is_kept(qtbot, window, tmp_path):
    saved = tmp_path / "other.json"
    window.dialogs.save_path = str(saved)
    assert window.files.save_config_as()
    before = saved.read_text()
    click(qtbot, window, "stepButton")
    wait_step(qtbot, window, 1)
    window.export_csv(tmp_path / "other.csv")
    text = window.message_bar.text()
    assert "other.json" in text and "refused" in text.lower()
    qtbot.wait(300)
    assert saved.read_text() == before and not (tmp_path / "other.csv").exists()
    with qtbot.waitSignal(window.session.exported, timeout=10000):  # another name still works
        window.export_csv(tmp_path / "run.csv")
    assert json.loads((tmp_path / "run.json").read_text())["gdsim"] == 1


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_a_config_that_cannot_be_saved_names_the_file_once(qtbot, window, tmp_path, where):
    target = tmp_path / "mine.json"
    if where == "folder":
        target.mkdir()
    else:
        target = tmp_path / "gone" / "mine.json"
    window.dialogs.save_path = str(target)
    assert not window.files.save_config_as()
    (text,) = window.dialogs.errors
    assert text.count("mine.json") == 1 and "\n" not in text, text
    assert where == "folder" or text.endswith("gone does not exist")


@pytest.mark.skipif(os.name != "posix", reason="kills the child with SIGKILL")
def test_a_dead_trainer_is_a_warning_with_reset_and_the_plots_stay(qtbot, window):
    click(qtbot, window, "stepButton")
    wait_step(qtbot, window, 1)
    window.files._export_dialog = QProgressDialog(window)  # an export's, left waiting
    with qtbot.waitSignal(window.session.trainer_died, timeout=10000):
        os.kill(window.session.process.pid, signal.SIGKILL)
    assert window.files._export_dialog is None
    text = window.message_bar.text()
    assert text.startswith("The trainer process was killed") and "step 1" in text
    assert window.message_bar._kind == "warning"
    action = window.findChild(QPushButton, "messageAction")
    assert action.isVisible() and action.text() == "Reset"
    assert window.plots.curve_data("cost")[0].tolist() == [0, 1]  # kept until a new start
    click(qtbot, window, "messageAction")
    wait_step(qtbot, window, 0)
    assert window.plots.curve_data("cost")[0].tolist() == [0]


def test_step_without_a_run_says_why(qtbot, settings_sandbox, tmp_path):
    from gdsim.app.main_window import MainWindow

    path = tmp_path / "nodata.json"
    data = {"source": "csv", "path": "missing.csv", "inputs": ["a", "b"], "targets": ["y"]}
    config = {"gdsim": 1, "data": data}
    path.write_text(json.dumps(config))
    window = MainWindow(path)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: bool(window.message_bar.text()), timeout=10000)
        assert "missing.csv" in window.message_bar.text()
        assert window.session.info is None
        click(qtbot, window, "stepButton")
        qtbot.waitUntil(lambda: "no run to step" in window.message_bar.text(), timeout=5000)
    finally:
        window.close()


def test_divergence_offers_a_reset_with_a_smaller_learning_rate(qtbot, make_window, tmp_path):
    from tests.gui.test_main_window import DIVERGING

    path = tmp_path / "diverge.json"
    path.write_text(json.dumps(DIVERGING))
    w = make_window(path)
    click(qtbot, w, "runButton")
    qtbot.waitUntil(lambda: w.session.last.diverged is not None, timeout=10000)
    qtbot.waitUntil(lambda: not w.session.running, timeout=5000)
    second = w.findChild(QPushButton, "messageSecondAction")
    assert second.isVisible() and second.text() == "Reset with learning rate 20"
    click(qtbot, w, "messageSecondAction")
    wait_step(qtbot, w, 0)
    assert w.session.last.diverged is None and w.session.last.learning_rate == 20
    assert w.config.optimizer.learning_rate == 20
    assert w.form.config().optimizer.learning_rate == 20


def test_a_learning_rate_change_is_marked_at_the_step_it_applies_from(qtbot, window):
    click(qtbot, window, "stepButton")
    wait_step(qtbot, window, 1)
    window.step(2)
    wait_step(qtbot, window, 3)
    window.session.set_learning_rate(0.25)
    window.step(2)  # the updates 3 -> 4 and 4 -> 5 use the new rate
    wait_step(qtbot, window, 5)
    window.presenter.refresh()
    assert window.plots.rate_marks.steps() == [3.0]


@pytest.mark.skipif(os.name != "posix", reason="kills the child with SIGKILL")
def test_the_dead_trainer_warning_goes_when_step_starts_a_new_run(qtbot, window):
    click(qtbot, window, "stepButton")
    wait_step(qtbot, window, 1)
    with qtbot.waitSignal(window.session.trainer_died, timeout=10000):
        os.kill(window.session.process.pid, signal.SIGKILL)
    assert window.message_bar.isVisible()
    with qtbot.waitSignal(window.session.run_started, timeout=10000):
        click(qtbot, window, "stepButton")  # not the warning's Reset: Step starts again too
    wait_step(qtbot, window, 1)
    assert not window.message_bar.isVisible()  # it spoke of plots that are now gone
