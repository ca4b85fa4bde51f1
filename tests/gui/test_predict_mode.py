"""Predict mode: Step asks what the update will do, Answer applies it and shows the numbers;
on the timeline the future is covered until the answer."""

import numpy as np
import pytest

from gdsim.app.lesson_panel.logic import (
    facts_between,
    free_prediction,
    predictions_for,
    waiting_text,
)
from gdsim.lessonfile import load_lesson, parse_condition
from gdsim.resources import resource_path

EXAMPLE = resource_path("lessons", "example-one-parameter.json")


def wait_step(qtbot, window, step, timeout=10000):
    qtbot.waitUntil(
        lambda: window.presenter.last is not None and window.presenter.last.step == step,
        timeout=timeout,
    )
    window.presenter.refresh()


def colourful_pixels(plot, step: float) -> int:
    """How many pixels of the plot's column at `step` (inside its view box) are coloured like
    a curve (the background and the grid are grey)."""
    from PySide6.QtCore import QPointF

    plot.repaint()
    image = plot.grab().toImage()
    ratio = image.width() / plot.width()
    vb = plot.getPlotItem().getViewBox()
    box = vb.sceneBoundingRect()
    x = plot.mapFromScene(vb.mapViewToScene(QPointF(step, 0))).x()
    return sum(
        image.pixelColor(int(x * ratio), int(y * ratio)).hsvSaturation() > 60
        for y in range(int(box.top()) + 3, int(box.bottom()) - 3)
    )


def sign_option(value: float) -> int:
    return 0 if value > 0 else 1 if value < 0 else 2  # positive, negative, zero


# ---------------------------------------------------------------------- Qt-free parts
def test_the_rules_without_a_window():
    assert predictions_for("network", 9) == ("gradient_sign", "direction", "cost_falls")
    assert predictions_for("function", 1)[-1] == "next_value"
    assert predictions_for("function", 2)[-1] == "cost_falls"
    q = free_prediction("next_value", "w")
    assert q.tolerance and q.parameter == "w" and q.options is None
    assert free_prediction("cost_falls", "w").parameter is None
    until = parse_condition("cost < 0.1")
    assert (
        waiting_text(until, {"cost": 0.4321, "step": 3}) == "Waiting for: cost < 0.1 (now 0.4321)"
    )
    both = parse_condition("cost < 0.1 and step >= 5")
    assert waiting_text(both, {"cost": 0.5, "step": 3}).endswith("(now cost 0.5, step 3)")
    assert waiting_text(parse_condition("test_accuracy > 0.9"), {}).endswith("(now not recorded)")

    class State:
        def __init__(self, params, grads, cost):
            self.parameters, self.gradients, self.cost = np.array(params), np.array(grads), cost

    facts = facts_between(
        free_prediction("direction", "b"),
        ("a", "b"),
        State([1.0, 2.0], [0.5, -3.0], 4.0),
        State([0.9, 2.3], [0.4, -2.0], 3.0),
    )
    assert (facts.gradient, facts.before, facts.after) == (-3.0, 2.0, 2.3)
    assert (facts.cost_before, facts.cost_after) == (4.0, 3.0)


# ---------------------------------------------------------------------- in the main window
def test_predict_mode_asks_before_each_step(qtbot, window):
    window.predict_action.trigger()
    dock = window.lesson_tools.dock()
    assert window.predict_action.isChecked() and dock.isVisible()
    assert dock.header.text() == "Predict mode" and dock.lesson_box.isHidden()
    assert "Step N and Run train as usual" in dock.predict_note.text()
    names = window.session.info.parameter_names
    assert dock.parameter_combo.currentText() == names[0]
    box = dock.predict_question
    # Step asks first: no update yet
    window.step_action.trigger()
    assert window.presenter.last.step == 0 and box.isVisible()
    assert (
        box.prompt.text()
        == f"<p>Is the gradient dC/d{names[0]} positive, negative or zero right now?</p>"
    )
    window.controls.step_button.click()  # again: no peeking
    assert window.presenter.last.step == 0
    gradient = float(window.presenter.last.gradients[0])
    box.choose(sign_option(gradient))
    box.answer_button.click()
    wait_step(qtbot, window, 1)
    qtbot.waitUntil(lambda: "Right" in box.verdict.text())
    assert f"dC/d{names[0]} = " in box.numbers.text() and "cost: " in box.numbers.text()
    assert dock.predict_score.text() == "Predictions: 1 of 1 right"
    # the next Step asks about the direction; a wrong answer counts as one
    window.step_action.trigger()
    assert "go up, go down or stay" in box.prompt.text()
    before = window.presenter.last
    moved = float(before.gradients[0])  # sgd: the parameter moves against the gradient
    wrong = 0 if moved > 0 else 1  # "up" when it goes down and the other way round
    box.choose(wrong)
    box.answer_button.click()
    wait_step(qtbot, window, 2)
    qtbot.waitUntil(lambda: "Not quite" in box.verdict.text())
    assert dock.predict_score.text() == "Predictions: 1 of 2 right"
    # Step N trains as usual (and drops an open question); Run too
    window.step_action.trigger()
    assert box.answer_button.isEnabled()
    window.step_n_action.trigger()
    wait_step(qtbot, window, 12)
    assert window.lesson_tools.predict.question is None
    # off again: Step steps
    dock.predict_off_button.click()
    assert not window.predict_action.isChecked() and not dock.isVisible()
    window.step_action.trigger()
    wait_step(qtbot, window, 13)


def test_the_chosen_parameter_follows_the_table(qtbot, window):
    table = window.table
    table.setCurrentIndex(table.model().index(table.model_.row_of(2), 0))
    table.clicked.emit(table.currentIndex())
    window.predict_action.trigger()
    dock = window.lesson_tools.dock()
    assert dock.parameter_combo.currentIndex() == 2
    window.step_action.trigger()
    name = window.session.info.parameter_names[2]
    assert f"dC/d{name}" in dock.predict_question.prompt.text()


def test_the_timeline_hides_the_future_until_the_answer(qtbot, window):
    window.step(20)
    wait_step(qtbot, window, 20)
    window.predict_action.trigger()
    dock = window.lesson_tools.dock()
    assert dock.timeline_button.isHidden()  # live: nothing to hide
    window.timeline.slider.setValue(5)
    window.presenter.refresh()
    assert window.presenter.shown.step == 5
    assert dock.timeline_button.isVisible()
    dock.timeline_button.click()
    cursor = window.plots.cursor
    assert cursor.covering
    for plot, cover in zip(window.plots._plots, cursor.covers, strict=True):
        assert cover in plot.getPlotItem().items
        assert cover.getRegion()[0] == 5 and cover.zValue() > 50
        assert cover.brush.color().alpha() == 255
    # and really drawn: right of step 5 the parameter plot shows no curve (only the grid)
    assert colourful_pixels(window.plots.parameter_plot, 15) == 0
    box = dock.predict_question
    assert box.prompt.text().startswith("<p>At step 5: Is the gradient")
    state = window.presenter.states.state_at(5)
    box.choose(sign_option(float(state.gradients[0])))
    box.answer_button.click()
    assert window.presenter.shown.step == 6  # the reveal moved the timeline on
    assert not cursor.covering
    assert colourful_pixels(window.plots.parameter_plot, 15) > 0  # the curves again
    for plot, cover in zip(window.plots._plots, cursor.covers, strict=True):
        assert cover not in plot.getPlotItem().items
    assert "Right" in box.verdict.text()
    assert window.presenter.last.step == 20  # (no update was applied)
    # moving the timeline drops an open question and uncovers
    dock.timeline_button.click()
    assert cursor.covering
    window.timeline.slider.setValue(9)
    window.presenter.refresh()
    assert not cursor.covering and window.lesson_tools.predict.question is None


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_cover_takes_the_plot_background(qtbot, window, theme):
    window.set_theme(theme)
    for plot, cover in zip(window.plots._plots, window.plots.cursor.covers, strict=True):
        assert cover.brush.color().rgb() == plot.backgroundBrush().color().rgb()


def test_a_one_parameter_function_asks_for_the_next_value(qtbot, make_window):
    window = make_window(load_lesson(EXAMPLE).config)  # C(w) = (w - 3)**2 from w = 1
    window.predict_action.trigger()
    predict = window.lesson_tools.predict
    box = window.lesson_tools.dock().predict_question
    for step in range(1, 4):  # gradient sign, direction, cost falls
        window.step_action.trigger()
        box.choose(0)
        box.answer_button.click()
        wait_step(qtbot, window, step)
        qtbot.waitUntil(lambda: predict.question is None)
    window.step_action.trigger()
    assert predict.question.what == "next_value" and box.number_edit.isVisible()
    box.number_edit.setText("not a number")  # a typing slip is said, not counted
    box.answer_button.click()
    assert "type a number" in box.verdict.text() and window.presenter.last.step == 3
    w3 = float(window.presenter.last.parameters[0])
    box.number_edit.setText(f"{w3 - 0.1 * 2 * (w3 - 3):.6f}")
    box.answer_button.click()
    wait_step(qtbot, window, 4)
    qtbot.waitUntil(lambda: "Right" in box.verdict.text())


def test_an_unrecorded_next_step_uses_the_nearest_later_one(qtbot, window):
    window.step(20)
    wait_step(qtbot, window, 20)
    real = window.presenter.states

    class Thinned:  # as if decimation had dropped step 6
        def steps(self):
            steps = real.steps()
            return steps[steps != 6]

        def state_at(self, step):
            return None if step == 6 else real.state_at(step)

    window.presenter.states = Thinned()
    window.predict_action.trigger()
    window.timeline.slider.setValue(5)
    window.presenter.refresh()
    window.step_action.trigger()  # Step on a past step asks about the next one too
    box = window.lesson_tools.dock().predict_question
    assert window.plots.cursor.covering and box.prompt.text().startswith("<p>At step 5:")
    box.choose(2)  # zero: wrong
    box.answer_button.click()
    assert window.presenter.shown.step == 7
    assert "(step 6 is not recorded: compared with 7)" in box.numbers.text()
    assert "Not quite" in box.verdict.text()
    assert window.presenter.last.step == 20
