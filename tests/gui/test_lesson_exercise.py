"""The manual update exercise: the learner types the next value, gdsim checks it against
w − lr·dC/dw, takes the step when it is right and shows the worked numbers when it is not."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from gdsim.app.lessons import OneParameterLesson
from gdsim.app.lessons.exercise_check import (
    TOLERANCE_TEXT,
    NumberRefused,
    Part,
    check,
    close_enough,
    parse_number,
    summary,
    tolerance,
)
from gdsim.app.lessons.two_parameters import TwoParameterLesson

LEFT = Qt.MouseButton.LeftButton


# ---------------------------------------------------------------------- the checking, Qt-free
@pytest.mark.parametrize(
    ("text", "value"),
    [("1.4", 1.4), (" -0.25 ", -0.25), ("−3", -3.0), (".5", 0.5), ("2.", 2.0), ("0", 0.0)],
)
def test_plain_numbers_are_read(text, value):
    assert parse_number(text, "w") == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "type a number first"),
        ("   ", "type a number first"),
        ("1,4", "decimal point, not a comma"),
        ("1 - 0.1*-4", "only the result"),
        ("1-0.4", "only the result"),
        ("(1.4)", "only the result"),
        ("+1.4", "leave out the plus sign"),
        ("1e3", "is not a number"),
        ("abc", "is not a number"),
        ("nan", "is not a number"),
        ("inf", "is not a number"),
        ("1.2.3", "is not a number"),
        ("--1", "is not a number"),
        ("__import__('os')", "only the result"),
        ("9" * 400, "too large"),
    ],
)
def test_anything_else_is_refused_in_one_line_naming_the_field(text, reason):
    with pytest.raises(NumberRefused) as caught:
        parse_number(text, "w2")
    message = str(caught.value)
    assert message.startswith("w2: ") and reason in message
    assert "\n" not in message and len(message) < 100


def test_tolerance_is_absolute_near_zero_and_relative_beyond_one():
    assert tolerance(0.0) == tolerance(0.5) == tolerance(-1.0) == 0.001
    assert tolerance(1000.0) == pytest.approx(1.0)
    assert tolerance(-2000.0) == pytest.approx(2.0)
    assert "0.001" in TOLERANCE_TEXT and "0.1%" in TOLERANCE_TEXT


@pytest.mark.parametrize(
    ("typed", "target", "right"),
    [
        (0.5, 0.5, True),
        (0.501, 0.5, True),  # exactly at the edge counts
        (0.499, 0.5, True),
        (0.5011, 0.5, False),
        (0.4989, 0.5, False),
        (1.4, 1.4, True),
        (1.4014, 1.4, True),  # beyond ±1: 0.1% of 1.4 = 0.0014
        (1.4016, 1.4, False),
        (1.3985, 1.4, False),
        (0.001, 0.0, True),
        (-0.0011, 0.0, False),
        (1000.99, 1000.0, True),
        (1001.01, 1000.0, False),
        (-1998.1, -2000.0, True),
        (-1997.9, -2000.0, False),
    ],
)
def test_close_enough_at_the_tolerance_edges(typed, target, right):
    assert close_enough(typed, target) is right


SEED = [Part("w", "dC/dw", 1.0, -4.0)]  # (w - 3)**2 at w = 1: cost 4, slope -4


def test_the_worked_example_right_and_wrong():
    assert summary(check(SEED, 0.1, [1.4])) == (True, "Right: w = 1 − 0.1 × (−4) = 1.4.")
    ok, text = summary(check(SEED, 0.1, [0.6]))
    assert not ok
    assert text == (
        "Not quite: you typed 0.6. The update is w − lr·dC/dw = 1 − 0.1 × (−4) = 1 + 0.4 = 1.4 "
        "(you may have added lr·dC/dw instead of subtracting it)."
    )


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        (0.6, "added lr·dC/dw instead of subtracting it"),  # w + lr·g
        (0.6005, "added lr·dC/dw instead of subtracting it"),  # within the tolerance
        (5.0, "left out the learning rate"),  # w − g
        (0.4, "only the change, −lr·dC/dw"),  # −lr·g
        (1.0, "that is w now"),
        (1.3, ""),  # no simple mistake gives 1.3
        (0.5985, ""),  # just beyond the tolerance of the sign error (0.001 at 0.6)
    ],
)
def test_common_mistakes_are_named(typed, hint):
    (verdict,) = check(SEED, 0.1, [typed])
    assert not verdict.right and verdict.expected == pytest.approx(1.4)
    assert (hint in verdict.hint) if hint else verdict.hint == ""


def test_a_mistake_that_gives_the_right_answer_is_not_a_diagnosis():
    # with lr = 1 leaving out the learning rate changes nothing: 1 − (−4) = 5 is right
    (verdict,) = check(SEED, 1.0, [5.0])
    assert verdict.right
    (verdict,) = check(SEED, 1.0, [-3.0])  # w + lr·g
    assert "added" in verdict.hint


def test_worked_numbers_with_negative_w_and_positive_slope():
    (verdict,) = check([Part("w", "dC/dw", -2.0, 3.0)], 0.5, [0.0])
    assert verdict.worked == "−2 − 0.5 × 3 = −2 − 1.5 = −3.5"


def test_two_parameters_name_the_one_that_is_off():
    parts = [Part("w1", "∂C/∂w1", 2.0, 4.0), Part("w2", "∂C/∂w2", 1.0, 20.0)]
    assert summary(check(parts, 0.1, [1.6, -1.0])) == (
        True,
        "Right: w1 = 2 − 0.1 × 4 = 1.6 and w2 = 1 − 0.1 × 20 = −1.",
    )
    ok, text = summary(check(parts, 0.1, [1.6, 3.0]))
    assert not ok and text.startswith("Not quite: w1 is right (1.6), but w2 is off: you typed 3.")
    assert "w2 − lr·∂C/∂w2 = 1 − 0.1 × 20 = 1 − 2 = −1" in text
    (_, second) = check(parts, 0.1, [1.6, 0.6])  # used the other partial derivative
    assert second.hint == "you may have used ∂C/∂w1: w2 moves by its own ∂C/∂w2"
    ok, text = summary(check(parts, 0.1, [0.0, 3.0]))
    assert text.startswith("Not quite: both are off. w1: you typed 0.")
    assert "w2: you typed 3." in text


# ---------------------------------------------------------------------- one parameter, as a user
@pytest.fixture
def lesson(qtbot):
    widget = OneParameterLesson()
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    widget.controls.speed_combo.setCurrentIndex(0)  # unlimited: tests need not wait
    yield widget
    widget.shutdown()


def text_of(widget, name):
    return widget.findChild(object, name).text()


def w_of(widget):
    return float(widget.session.trainer.parameters[0])


def turn_on(widget, qtbot):
    toggle = widget.exercise.toggle
    assert toggle.isVisible() and not toggle.isChecked()  # off by default, in sight
    qtbot.mouseClick(toggle, LEFT, pos=QPoint(8, toggle.height() // 2))  # on the box
    assert toggle.isChecked() and widget.exercise.isVisible()


def answer(qtbot, field, text, enter=True):
    field.clear()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:  # QTest types ASCII only: a real minus sign comes in as if pasted
        field.insert(text)
    if enter:
        qtbot.keyClick(field, Qt.Key.Key_Return)


def test_off_by_default_the_lesson_shows_every_number(lesson):
    assert not lesson.exercise.isVisible()
    assert text_of(lesson, "nextWValue") == "1.4"
    assert text_of(lesson, "updateValue") == "+0.4"


def test_right_answer_takes_the_step(lesson, qtbot):
    turn_on(lesson, qtbot)
    assert text_of(lesson, "nextWValue") == "?"  # the answer is the learner's to find
    assert text_of(lesson, "updateValue") == "?"
    assert "0.4" not in lesson.explanation.text()
    assert TOLERANCE_TEXT in text_of(lesson, "exercisePrompt")
    field = lesson.exercise.fields["w"]
    answer(qtbot, field, "1.4")  # Enter checks
    message = text_of(lesson, "exerciseResult")
    assert lesson.exercise.message().startswith("Right: w = 1 − 0.1 × (−4) = 1.4.")
    assert "Step taken" in message and lesson.exercise.result.isVisible()
    assert lesson.session.trainer.step_count == 1
    assert w_of(lesson) == pytest.approx(1.4, abs=1e-12)
    assert text_of(lesson, "currentWValue") == "1.4"
    assert text_of(lesson, "exerciseScore") == "1 of 1 right"
    assert field.text() == ""  # ready for the next one
    # the next one, with the Check button: 1.4 − 0.1 × (−3.2) = 1.72
    answer(qtbot, field, "1.72", enter=False)
    qtbot.mouseClick(lesson.exercise.check_button, LEFT)
    assert lesson.exercise.message().startswith("Right: w = 1.4 − 0.1 × (−3.2) = 1.72.")
    assert w_of(lesson) == pytest.approx(1.72, abs=1e-12)
    assert text_of(lesson, "exerciseScore") == "2 of 2 right"


def test_wrong_answer_shows_the_worked_numbers_and_does_not_step(lesson, qtbot):
    turn_on(lesson, qtbot)
    field = lesson.exercise.fields["w"]
    answer(qtbot, field, "0.6")
    message = lesson.exercise.message()
    assert message.startswith("Not quite: you typed 0.6.")
    assert "w − lr·dC/dw = 1 − 0.1 × (−4) = 1 + 0.4 = 1.4" in message
    assert "added lr·dC/dw instead of subtracting it" in message
    assert "1.4" in text_of(lesson, "exerciseResult")
    assert lesson.session.trainer.step_count == 0 and w_of(lesson) == 1.0
    assert text_of(lesson, "exerciseScore") == "0 of 1 right"
    assert field.text() == "0.6" and field.hasSelectedText()  # easy to type over
    answer(qtbot, field, "5")
    assert "left out the learning rate" in lesson.exercise.message()
    answer(qtbot, field, "0.4")
    assert "only the change" in lesson.exercise.message()
    answer(qtbot, field, "1.4")  # try again: right, and the step is taken
    assert lesson.session.trainer.step_count == 1
    assert text_of(lesson, "exerciseScore") == "1 of 4 right"


@pytest.mark.parametrize("garbage", ["abc", "1,4", "1 - 0.4", "", "1e-3"])
def test_garbage_is_refused_in_one_line(lesson, qtbot, garbage):
    turn_on(lesson, qtbot)
    answer(qtbot, lesson.exercise.fields["w"], garbage)
    message = lesson.exercise.message()
    assert message.startswith("w: ") and "\n" not in message
    assert lesson.exercise.result.isVisible()
    assert lesson.session.trainer.step_count == 0
    assert not lesson.exercise.score.isVisible()  # a refusal is not a try


def test_step_without_checking_asks_about_the_new_w(lesson, qtbot):
    turn_on(lesson, qtbot)
    field = lesson.exercise.fields["w"]
    answer(qtbot, field, "0.6")
    qtbot.mouseClick(lesson.controls.step_button, LEFT)  # move on without the answer
    assert w_of(lesson) == pytest.approx(1.4)
    assert field.text() == "" and lesson.exercise.message() == ""
    answer(qtbot, field, "1.72")
    assert lesson.exercise.message().startswith("Right:")


def test_presets_reset_and_any_start(lesson, qtbot):
    turn_on(lesson, qtbot)
    field = lesson.exercise.fields["w"]
    qtbot.mouseClick(lesson.findChild(object, "preset_one-lr-oscillating"), LEFT)  # lr 0.9
    answer(qtbot, field, "4.6")  # 1 − 0.9 × (−4)
    assert lesson.exercise.message().startswith("Right: w = 1 − 0.9 × (−4) = 4.6.")
    assert w_of(lesson) == pytest.approx(4.6)
    qtbot.mouseClick(lesson.controls.reset_button, LEFT)
    assert w_of(lesson) == 1.0 and field.text() == ""
    answer(qtbot, field, "4.6")
    assert lesson.exercise.message().startswith("Right:")
    lesson.set_learning_rate(0.1)
    lesson.start_spin.setValue(5.0)  # slope 4 at w = 5: 5 − 0.4 = 4.6
    answer(qtbot, field, "5.4")
    assert "added lr·dC/dw" in lesson.exercise.message()
    assert "5 − 0.1 × 4 = 5 − 0.4 = 4.6" in lesson.exercise.message()


def test_turning_it_off_shows_the_numbers_again(lesson, qtbot):
    turn_on(lesson, qtbot)
    toggle = lesson.exercise.toggle
    qtbot.mouseClick(toggle, LEFT, pos=QPoint(8, toggle.height() // 2))
    assert not lesson.exercise.isVisible()
    assert text_of(lesson, "nextWValue") == "1.4"
    assert "by 0.4" in lesson.explanation.text()


def test_nothing_to_compute_after_divergence(lesson, qtbot):
    turn_on(lesson, qtbot)
    lesson.apply_preset("one-lr-diverging.json")
    lesson.session.step(1000)
    qtbot.waitUntil(lambda: lesson.session.trainer.diverged is not None, timeout=5000)
    qtbot.waitUntil(lambda: not lesson.session.running, timeout=5000)
    assert not lesson.exercise.check_button.isEnabled()
    assert "Nothing to compute" in lesson.exercise.message()
    qtbot.mouseClick(lesson.controls.reset_button, LEFT)
    assert lesson.exercise.check_button.isEnabled() and lesson.exercise.message() == ""


# ---------------------------------------------------------------------- two parameters
@pytest.fixture
def lesson2(qtbot):
    widget = TwoParameterLesson()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_surface("valley")  # from (−4, 1.5): gradient (−8, 30), learning rate 0.08
    yield widget
    widget.shutdown()


def test_two_parameters_one_right_one_wrong(lesson2, qtbot):
    lesson = lesson2
    t = lesson.session.trainer
    np.testing.assert_array_equal(t.parameters, [-4.0, 1.5])
    np.testing.assert_array_equal(t.gradients, [-8.0, 30.0])
    assert t.learning_rate == pytest.approx(0.08)
    turn_on(lesson, qtbot)
    assert "next point" in lesson.numbers.text() and "(your turn)" in lesson.numbers.text()
    w1, w2 = lesson.exercise.fields["w1"], lesson.exercise.fields["w2"]
    answer(qtbot, w1, "-3.36", enter=False)
    answer(qtbot, w2, "3.9")  # 1.5 + 0.08 × 30: the sign of the step turned round
    message = lesson.exercise.message()
    assert message.startswith("Not quite: w1 is right (−3.36), but w2 is off: you typed 3.9.")
    assert "w2 − lr·∂C/∂w2 = 1.5 − 0.08 × 30 = 1.5 − 2.4 = −0.9" in message
    assert "added lr·∂C/∂w2 instead of subtracting it" in message
    assert t.step_count == 0
    assert w2.hasFocus() and w2.hasSelectedText()
    answer(qtbot, w2, "−0.9")
    assert lesson.exercise.message().startswith(
        "Right: w1 = −4 − 0.08 × (−8) = −3.36 and w2 = 1.5 − 0.08 × 30 = −0.9."
    )
    assert t.step_count == 1
    np.testing.assert_allclose(t.parameters, [-3.36, -0.9], atol=1e-12)
    assert text_of(lesson, "exerciseScore") == "1 of 2 right"


def test_two_parameters_refuse_naming_the_field(lesson2, qtbot):
    turn_on(lesson2, qtbot)
    answer(qtbot, lesson2.exercise.fields["w1"], "-3.36", enter=False)
    answer(qtbot, lesson2.exercise.fields["w2"], "minus one")
    assert lesson2.exercise.message().startswith("w2: ")
    assert lesson2.session.trainer.step_count == 0


def test_two_parameters_right_answer_steps_the_race_too(lesson2, qtbot):
    lesson2.set_race(True)
    turn_on(lesson2, qtbot)
    before = lesson2.race_positions()
    answer(qtbot, lesson2.exercise.fields["w1"], "-3.36", enter=False)
    answer(qtbot, lesson2.exercise.fields["w2"], "-0.9")
    assert lesson2.session.trainer.step_count == 1
    assert lesson2.race_positions() != before


def test_the_messages_follow_the_theme(lesson, qtbot, qapp):
    from gdsim.app import theme

    turn_on(lesson, qtbot)
    answer(qtbot, lesson.exercise.fields["w"], "0.6")
    assert theme.LIGHT.warning.background in lesson.exercise.result.styleSheet()
    try:
        theme.apply_theme(qapp, "dark")
        assert theme.DARK.warning.background in lesson.exercise.result.styleSheet()
        assert theme.DARK.muted in lesson.exercise.prompt.styleSheet()
    finally:
        theme.apply_theme(qapp, "light")
