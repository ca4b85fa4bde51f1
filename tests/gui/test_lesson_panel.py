"""The lesson panel in the main window, driven as a learner and a teacher would."""

import csv
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from gdsim.app.lesson_panel.controls_map import LOCKED_TIP
from gdsim.app.parameter_table import GRADIENT
from gdsim.lessonfile import load_lesson
from gdsim.resources import resource_path

EXAMPLE = resource_path("lessons", "example-one-parameter.json")


def wait_step(qtbot, window, step, timeout=10000):
    qtbot.waitUntil(
        lambda: window.presenter.last is not None and window.presenter.last.step == step,
        timeout=timeout,
    )
    window.presenter.refresh()


def open_example(qtbot, window, path=EXAMPLE):
    window.dialogs.open_path = str(path)
    window.open_lesson_action.trigger()
    qtbot.waitUntil(
        lambda: window.session.info is not None and window.session.info.config.mode == "function",
        timeout=10000,
    )
    wait_step(qtbot, window, 0)
    return window.lesson_tools.dock()


@pytest.fixture
def lesson_window(qtbot, window):
    dock = open_example(qtbot, window)
    return window, dock


def test_a_learner_plays_the_example_lesson(qtbot, lesson_window):
    window, dock = lesson_window
    assert dock.objectName() == "lessonPanel" and dock.isVisible()
    # right of the plots, or (a screen too narrow for both: offscreen's is 800 px) a tab
    # beside the form, so the window still fits
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert dock in window.tabifiedDockWidgets(window.form_dock)
    assert dock.header.text() == "One step of gradient descent on C(w) = (w - 3)^2"
    assert "<b>w = 1</b>" in dock.intro.text()
    assert dock.step_label.text() == "Step 1 of 4"
    # step 1: a number question, before any update
    assert not window.predict_action.isChecked()
    dock.question.number_edit.setText("1,4")  # a decimal comma is fine
    dock.question.answer_button.click()
    assert "Right" in dock.question.verdict.text()
    assert window.presenter.last.step == 0  # (no update for a number question)
    assert dock.score.text() == "Score: 1 of 1 right (1 question to go)"
    dock.next_button.click()
    # step 2: predict the sign of the gradient; Step and Run may not peek meanwhile, and the
    # gradients on screen are hidden until the answer
    assert dock.step_label.text() == "Step 2 of 4"
    qtbot.waitUntil(lambda: window.lesson_tools.veil.on)
    table = window.table
    assert table.model().data(table.model().index(0, GRADIENT)) == "?"
    assert window.findChild(QLabel, "gradientVeil").isVisible()
    assert window.predict_action.isChecked()
    assert [b.text() for b in dock.question.buttons] == ["positive", "negative", "zero"]
    assert not dock.next_button.isEnabled()
    window.step_action.trigger()
    window.controls.run_button.click()
    assert window.presenter.last.step == 0
    assert "no peeking" in dock.question.verdict.text()
    dock.question.choose(1)
    dock.question.answer_button.click()
    wait_step(qtbot, window, 1)  # Answer applied exactly one update
    qtbot.waitUntil(lambda: "Right" in dock.question.verdict.text())
    assert "dC/dw was -4" in dock.question.verdict.text()
    assert dock.question.numbers.text() == (
        "Real numbers: dC/dw = -4 · w: 1 → 1.4 · cost: 4 → 2.56"
    )
    assert not dock.explanation.isHidden() and "<i>negative</i>" in dock.explanation.text()
    qtbot.waitUntil(lambda: not window.lesson_tools.veil.on)  # answered: shown again
    assert table.model().data(table.model().index(0, GRADIENT)) == "-3.2"
    assert not window.findChild(QLabel, "gradientVeil").isVisible()
    assert dock.next_button.isEnabled()
    dock.next_button.click()
    assert not window.predict_action.isChecked()  # back to the learner's choice
    # step 3: waits for one more Step
    assert dock.waiting.text() == "Waiting for: step >= 2 (now 1)"
    assert not dock.next_button.isEnabled()
    window.step(1)
    qtbot.waitUntil(dock.next_button.isEnabled)
    dock.next_button.click()
    # step 4: waits for the cost to fall below 0.001
    assert dock.step_label.text() == "Step 4 of 4" and dock.next_button.text() == "Finish"
    assert dock.waiting.text().startswith("Waiting for: cost < 0.001 (now ")
    assert not dock.next_button.isEnabled()
    window.step(40)
    qtbot.waitUntil(dock.next_button.isEnabled, timeout=10000)
    assert dock.waiting.text() == "Done: press Finish."
    dock.next_button.click()
    assert dock.score.text() == "Lesson finished: 2 of 2 questions right."


def test_a_wrong_number_and_restart(qtbot, lesson_window):
    window, dock = lesson_window
    player = window.lesson_tools.player
    dock.question.number_edit.setText("abc")
    dock.question.answer_button.click()
    assert "type a number" in dock.question.verdict.text()
    assert not player.progress.answered()
    dock.question.number_edit.setText("0.6")
    dock.question.answer_button.click()
    assert "Not quite" in dock.question.verdict.text() and "1.4" in dock.question.verdict.text()
    dock.next_button.click()
    dock.question.choose(0)  # positive: wrong
    dock.question.answer_button.click()
    qtbot.waitUntil(lambda: "Not quite" in dock.question.verdict.text())
    assert "the answer is negative" in dock.question.verdict.text()
    assert dock.score.text() == "Score: 0 of 2 right"
    dock.restart_button.click()
    wait_step(qtbot, window, 0)
    assert dock.step_label.text() == "Step 1 of 4"
    assert dock.score.text() == "Score: 0 of 0 right (2 questions to go)"


def test_locked_and_hidden_controls_come_back_on_close(qtbot, window):
    c = window.controls
    before = {
        "export": c.export_button.isVisibleTo(window),
        "rerandomize": c.rerandomize_button.isVisibleTo(window),
        "lr": window.form.optimizer_form.learning_rate_spin.isEnabled(),
        "lr_tip": window.form.optimizer_form.learning_rate_spin.toolTip(),
        "open": window.open_action.isEnabled(),
    }
    dock = open_example(qtbot, window)
    lr = window.form.optimizer_form.learning_rate_spin
    assert not c.export_button.isVisibleTo(window) and not c.rerandomize_button.isVisibleTo(window)
    assert not window.export_action.isEnabled() and not window.export_action.isVisible()
    assert not window.open_action.isEnabled() and not window.rerandomize_action.isEnabled()
    assert not lr.isEnabled() and lr.toolTip() == LOCKED_TIP
    assert not window.form.optimizer_form.optimizer_combo.isEnabled()
    dock.close_button.click()
    assert window.lesson_tools.lesson is None and not dock.isVisible()
    assert c.export_button.isVisibleTo(window) == before["export"]
    assert c.rerandomize_button.isVisibleTo(window) == before["rerandomize"]
    assert lr.isEnabled() == before["lr"] and lr.toolTip() == before["lr_tip"]
    assert window.open_action.isEnabled() == before["open"]
    assert window.export_action.isEnabled() and window.export_action.isVisible()


def test_a_locked_step_does_nothing(qtbot, window, tmp_path):
    data = json.loads(EXAMPLE.read_text())
    data["controls"] = {"locked": ["step"], "hidden": ["step_back"]}
    data["steps"] = data["steps"][2:]  # (no prediction: Step would be refused anyway)
    path = tmp_path / "locked.json"
    path.write_text(json.dumps(data))
    dock = open_example(qtbot, window, path)
    assert dock.waiting.text() == "Waiting for: step >= 2 (now 0)"
    assert not dock.next_button.isEnabled()
    assert not window.step_action.isEnabled() and not window.controls.step_button.isEnabled()
    assert window.controls.step_button.toolTip() == LOCKED_TIP
    assert not window.controls.step_back_button.isVisibleTo(window)
    window.step_action.trigger()
    window.step(1)  # (even asked for directly)
    assert window.presenter.last.step == 0
    window.step_n_action.trigger()  # Step N is not locked: it trains
    wait_step(qtbot, window, 10)
    qtbot.waitUntil(dock.next_button.isEnabled)  # the condition holds now
    dock.next_button.click()
    assert dock.step_label.text() == "Step 2 of 2"
    window.lesson_tools.close_lesson()
    assert window.step_action.isEnabled() and window.controls.step_button.isEnabled()
    assert window.controls.step_back_button.isVisibleTo(window)


def test_a_malformed_lesson_is_one_line_and_changes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"gdsim_lesson": 1, "title": "x", "steps": []}')
    config = window.config
    window.dialogs.open_path = str(bad)
    window.open_lesson_action.trigger()
    text = window.message_bar.text()
    assert "Cannot open the lesson" in text and "bad.json" in text and "\n" not in text
    assert window.config is config and window.lesson_tools.lesson is None
    assert not window.lesson_tools.dock_made() or not window.lesson_tools.dock().isVisible()


def test_hostile_text_shows_escaped(qtbot, window, tmp_path):
    data = json.loads(EXAMPLE.read_text())
    data["intro"] = "<script>alert(1)</script> <img src=http://example.com/x.png> http://e.org"
    data["steps"][0]["instruction"] = '<a href="http://example.com">click</a>'
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    dock = open_example(qtbot, window, path)
    assert "&lt;script&gt;" in dock.intro.text() and "<img" not in dock.intro.text()
    assert "&lt;a href" in dock.instruction.text() and "<a " not in dock.instruction.text()
    for label in (dock.intro, dock.instruction, dock.explanation):
        assert not label.openExternalLinks()
        assert not label.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByMouse


def test_progress_is_exported_and_read_back(qtbot, lesson_window, tmp_path):
    window, dock = lesson_window
    dock.question.number_edit.setText("=1+1")
    dock.question.answer_button.click()  # not a number: refused, not recorded
    dock.question.number_edit.setText("0.6")
    dock.question.answer_button.click()
    dock.next_button.click()
    dock.question.choose(1)
    dock.question.answer_button.click()
    qtbot.waitUntil(lambda: "Right" in dock.question.verdict.text())
    out = tmp_path / "progress.csv"
    window.dialogs.save_path = str(out)
    dock.export_button.click()
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["step"], r["answer"], r["correct"], r["expected"]) for r in rows] == [
        ("1", "0.6", "no", "1.4"),
        ("2", "negative", "yes", "negative"),
    ]
    # never over the lesson file: the reason in one line, the file untouched
    lesson_copy = tmp_path / "lesson.json"
    lesson_copy.write_text(EXAMPLE.read_text())
    window.lesson_tools.player.progress.lesson = load_lesson(lesson_copy)
    assert not window.lesson_tools.export_progress(lesson_copy)
    assert "is the lesson file" in window.message_bar.text()
    assert lesson_copy.read_text() == EXAMPLE.read_text()


def test_save_as_lesson_round_trips(qtbot, lesson_window, tmp_path):
    window, _dock = lesson_window
    out = tmp_path / "mine.json"
    window.dialogs.save_path = str(out)
    window.save_lesson_action.trigger()
    saved, original = load_lesson(out), load_lesson(EXAMPLE)
    assert saved == original
    window.lesson_tools.close_lesson()
    # without a lesson: a new one from the window's config, with one step
    out2 = tmp_path / "new.json"
    assert window.lesson_tools.save_as_lesson(out2)
    fresh = load_lesson(out2)
    assert fresh.config == window.config and len(fresh.steps) == 1
    assert fresh.title.startswith("Gradient descent on C = ")


def test_save_as_lesson_never_over_the_open_config(qtbot, window, tmp_path):
    config = tmp_path / "net.json"
    window.files.save_config_as_path = None
    window.dialogs.save_path = str(config)
    window.files.save_config_as()
    text = config.read_text()
    assert not window.lesson_tools.save_as_lesson(config)
    assert "a config file open in this window" in window.message_bar.text()
    assert config.read_text() == text


def test_the_cli_starts_the_window_with_the_lesson(qtbot, settings_sandbox, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from gdsim.app.main_window import MainWindow
    from gdsim.cli import _start_app_with_lesson

    seen = {}

    def fake_exec(_app=None):
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        assert len(windows) == 1
        window = windows[0]
        seen["title"] = window.lesson_tools.lesson.title if window.lesson_tools.lesson else None
        seen["dock"] = window.lesson_tools.dock().isVisible()
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert _start_app_with_lesson(EXAMPLE) == 0
    assert seen == {"title": load_lesson(EXAMPLE).title, "dock": True}


def test_declining_to_discard_the_run_keeps_it(qtbot, window):
    window.step(3)
    wait_step(qtbot, window, 3)
    window.dialogs.confirm_answer = False
    window.dialogs.open_path = str(EXAMPLE)
    window.open_lesson_action.trigger()
    assert window.dialogs.asked and "starts a new run" in window.dialogs.asked[-1]
    assert window.lesson_tools.lesson is None and window.config.mode == "network"
    assert window.presenter.last.step == 3
    window.dialogs.confirm_answer = True  # (so the window may close)


def test_a_locked_run_keeps_the_lessons_config(qtbot, window, tmp_path):
    lesson = {
        "gdsim_lesson": 1,
        "title": "XOR, as it is",
        "preset": "xor",
        "controls": {"locked": ["mode", "batch_size"], "hidden": ["network"]},
        "steps": [{"instruction": "Press **Run**.", "until": "step >= 5"}],
    }
    path = tmp_path / "xor-lesson.json"
    path.write_text(json.dumps(lesson))
    window.dialogs.open_path = str(path)
    window.open_lesson_action.trigger()
    qtbot.waitUntil(lambda: window.session.info.config == load_lesson(path).config)
    config = window.config
    form = window.form
    assert not form.network_form.isVisibleTo(window)
    assert not form.training_form.batch_spin.isEnabled()
    changed = form.candidate().replace(loss="mse")  # (loss is not locked: mode is)
    form.submit(changed)
    assert window.config == config and form.config() == config
    assert "close the lesson" in window.statusBar().currentMessage()
    # a new run (Re-randomise) shows the form's sections again: the lesson hides them again
    window.rerandomize()
    qtbot.waitUntil(lambda: window.config.init.seed != config.init.seed, timeout=10000)
    assert not form.network_form.isVisibleTo(window)
    window.lesson_tools.close_lesson()
    assert form.network_form.isVisibleTo(window) and form.training_form.batch_spin.isEnabled()


def test_a_locked_lesson_keeps_its_run(qtbot, lesson_window):
    """The example locks the parameters and the optimizer: no preset, config file or compared
    variant may replace its run, and no value may be typed or frozen while it is open."""
    window, dock = lesson_window
    config = window.config
    assert not window.open_health_preset("textbook-backprop.json")  # (Lessons menu, start page)
    assert "The lesson keeps its run" in window.message_bar.text()
    assert window.config is config and window.lesson_tools.lesson is not None
    # typed values and locks: refused, saying why, nothing sent
    run = window.presenter.last.run_id
    window.hands_on.set_value("w", 2.9)
    assert "the lesson locks the parameters" in window.statusBar().currentMessage()
    window.hands_on.set_frozen("w", True)
    qtbot.wait(100)
    assert window.presenter.last.run_id == run and window.presenter.last.frozen.size == 0
    # an ambiguous number is refused like the parameter table refuses it
    dock.question.number_edit.setText("1,400")
    dock.question.answer_button.click()
    assert "ambiguous" in dock.question.verdict.text()
    assert not window.lesson_tools.player.progress.answered()
    dock.close_button.click()  # closed: the window is the learner's again
    assert window.open_health_preset("textbook-backprop.json")


def test_the_diagrams_input_toggles_follow_a_data_lock(qtbot, window, tmp_path):
    data = {
        "gdsim_lesson": 1,
        "title": "Circle",
        "preset": "circle-features",
        "controls": {"locked": ["data"]},
        "steps": [{"instruction": "Look.", "until": "step >= 1"}],
    }
    path = tmp_path / "circle.json"
    path.write_text(json.dumps(data))
    window.dialogs.open_path = str(path)
    window.open_lesson_action.trigger()
    qtbot.waitUntil(
        lambda: (
            window.session.info is not None
            and window.session.info.config.data.features == ("x1^2", "x2^2")
        ),
        timeout=10000,
    )
    toggles = window.diagram_view.input_toggles
    assert not toggles.isEnabled() and toggles.toolTip() == LOCKED_TIP
    window.lesson_tools.close_lesson()
    assert toggles.isEnabled()
