"""Lesson 1 (one parameter): the seed numbers, the drawn tangent and arrow, presets, formulas."""

import pytest
from PySide6.QtCore import Qt

from gdsim.app.lessons import OneParameterLesson

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def lesson(qtbot):
    widget = OneParameterLesson()
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    widget.controls.speed_combo.setCurrentIndex(0)  # unlimited: tests need not wait
    yield widget
    widget.shutdown()


def number(widget, name):
    return float(widget.findChild(object, name).text())


def steps(widget, qtbot, n):
    target = widget.session.trainer.step_count + n
    widget.session.step(n)
    qtbot.waitUntil(
        lambda: (
            widget.session.trainer.step_count >= target
            or widget.session.trainer.diverged is not None
        ),
        timeout=5000,
    )
    qtbot.waitUntil(lambda: not widget.session.running, timeout=5000)


def w_of(widget):
    return float(widget.session.trainer.parameters[0])


def test_seed_numbers_before_and_after_one_step(lesson, qtbot):
    text = {
        name: lesson.findChild(object, name).text()
        for name in (
            "currentWValue",
            "costValue",
            "gradientValue",
            "learningRateValue",
            "updateValue",
            "nextWValue",
        )
    }
    assert text == {
        "currentWValue": "1",
        "costValue": "4",
        "gradientValue": "-4",
        "learningRateValue": "0.1",
        "updateValue": "+0.4",
        "nextWValue": "1.4",
    }
    assert lesson.findChild(object, "derivativeFormula").text() == "dC/dw = 2*w - 6"
    assert "negative" in lesson.findChild(object, "lessonExplanation").text()
    qtbot.mouseClick(lesson.controls.step_button, LEFT)
    assert lesson.findChild(object, "currentWValue").text() == "1.4"
    assert lesson.findChild(object, "costValue").text() == "2.56"
    assert lesson.findChild(object, "gradientValue").text() == "-3.2"


@pytest.mark.parametrize("n", [0, 1, 7])
def test_tangent_and_arrow_match_the_gradient(lesson, qtbot, n):
    if n:
        steps(lesson, qtbot, n)
    t = lesson.session.trainer
    w, grad, lr = w_of(lesson), float(t.gradients[0]), t.learning_rate
    x, y = lesson.tangent_line()
    assert len(x) == 2 and x[0] < w < x[1]
    slope = (y[1] - y[0]) / (x[1] - x[0])
    assert slope == pytest.approx(grad, abs=1e-9)
    assert slope == pytest.approx(number(lesson, "gradientValue"), abs=1e-5 * abs(grad) + 1e-9)
    # the tangent touches the curve at the current point
    assert y[0] + slope * (w - x[0]) == pytest.approx(t.cost, abs=1e-9)
    now, nxt = lesson.arrow_endpoints()
    assert now == pytest.approx(w, abs=1e-12) and nxt == pytest.approx(w - lr * grad, abs=1e-12)


def test_arrow_points_where_the_next_step_goes(lesson, qtbot):
    _, nxt = lesson.arrow_endpoints()
    steps(lesson, qtbot, 1)
    assert w_of(lesson) == pytest.approx(nxt, abs=1e-12)


def test_preset_too_small_creeps(lesson, qtbot):
    lesson.apply_preset("one-lr-too-small.json")
    assert lesson.session.trainer.learning_rate == pytest.approx(0.01)
    steps(lesson, qtbot, 5)
    assert 0 < w_of(lesson) - 1 < 0.1 * (3 - 1)
    assert "creeps" in lesson.explanation.text()


def test_preset_good_converges(lesson, qtbot):
    steps(lesson, qtbot, 3)
    qtbot.mouseClick(lesson.findChild(object, "preset_one-lr-good"), LEFT)
    assert lesson.session.trainer.step_count == 0 and w_of(lesson) == 1.0  # preset resets
    steps(lesson, qtbot, 100)
    assert abs(w_of(lesson) - 3) < 1e-3


def test_preset_oscillating_alternates_and_converges(lesson, qtbot):
    lesson.apply_preset("one-lr-oscillating.json")
    assert lesson.findChild(object, "learningRateValue").text() == "0.9"
    sides = []
    for _ in range(6):
        steps(lesson, qtbot, 1)
        sides.append(w_of(lesson) > 3)
    assert all(a != b for a, b in zip(sides, sides[1:], strict=False))
    assert "jumped" in lesson.explanation.text()
    steps(lesson, qtbot, 200)
    assert abs(w_of(lesson) - 3) < 1e-6


def test_preset_diverging_is_caught_and_explained(lesson, qtbot):
    lesson.apply_preset("one-lr-diverging.json")
    distances = []
    for _ in range(4):
        steps(lesson, qtbot, 1)
        distances.append(abs(w_of(lesson) - 3))
    assert distances == sorted(distances)  # each jump overshoots more
    assert "diverging" in lesson.explanation.text()
    steps(lesson, qtbot, 1000)
    assert lesson.session.last.diverged and lesson.session.trainer.step_count <= 1000
    assert "diverged" in lesson.explanation.text()
    assert not lesson.session.running and not lesson.controls.step_button.isEnabled()
    qtbot.mouseClick(lesson.controls.reset_button, LEFT)
    assert lesson.controls.step_button.isEnabled() and w_of(lesson) == 1.0


def test_view_follows_the_path(lesson, qtbot):
    lesson.apply_preset("one-lr-diverging.json")
    steps(lesson, qtbot, 8)
    lo, hi = lesson.plot.getPlotItem().vb.viewRange()[0]
    assert lo <= w_of(lesson) <= hi and lo <= lesson.arrow_endpoints()[1] <= hi


@pytest.mark.parametrize("bad", ["w +", "__import__('os')", "v**2", ""])
def test_invalid_formula_keeps_the_old_one(lesson, qtbot, bad):
    steps(lesson, qtbot, 2)
    assert lesson.set_formula(bad) is False
    error = lesson.findChild(object, "formulaError")
    assert error.isVisible() and error.text()
    assert lesson.formula == "(w - 3)**2"
    assert lesson.session.trainer.config.function == "(w - 3)**2"
    assert lesson.session.trainer.step_count == 2  # the run is not lost
    assert lesson.set_formula("(w - 3)**2 + 1") and not error.isVisible()


def test_formula_typed_in_the_edit(lesson, qtbot):
    edit = lesson.findChild(object, "formulaEdit")
    edit.setText("w**2")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert lesson.formula == "w**2" and number(lesson, "gradientValue") == 2.0


def test_custom_formula(lesson, qtbot):
    assert lesson.set_formula("w**4 - 3*w**2")
    assert number(lesson, "gradientValue") == -2.0  # 4w^3 - 6w at w = 1
    assert number(lesson, "costValue") == -2.0
    assert lesson.findChild(object, "derivativeFormula").text() == "dC/dw = 4*w**3 - 6*w"
    steps(lesson, qtbot, 1)
    assert w_of(lesson) == pytest.approx(1.2, abs=1e-12)
    x, y = lesson.tangent_line()
    grad = float(lesson.session.trainer.gradients[0])
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(grad, abs=1e-9)


def test_start_w_and_learning_rate(lesson, qtbot):
    steps(lesson, qtbot, 3)
    lesson.findChild(object, "startWSpin").setValue(5.0)
    assert lesson.session.trainer.step_count == 0  # a new start resets
    assert number(lesson, "currentWValue") == 5.0 and number(lesson, "gradientValue") == 4.0
    steps(lesson, qtbot, 2)
    lesson.set_learning_rate(0.25)  # live: the run goes on
    assert lesson.session.trainer.step_count == 2
    assert number(lesson, "learningRateValue") == 0.25
    assert lesson.arrow_endpoints()[1] == pytest.approx(
        w_of(lesson) - 0.25 * float(lesson.session.trainer.gradients[0]), abs=1e-12
    )


def test_watchable_speed_by_default_and_run_pause(qtbot):
    widget = OneParameterLesson()
    qtbot.addWidget(widget)
    try:
        assert widget.controls.speed_limit() == 10.0
        assert not widget.controls.export_button.isVisibleTo(widget)
        qtbot.mouseClick(widget.controls.step_button, LEFT)  # one step shows at once
        assert widget.findChild(object, "currentWValue").text() == "1.4"
        widget.controls.speed_combo.setCurrentIndex(0)
        qtbot.mouseClick(widget.controls.run_button, LEFT)
        qtbot.waitUntil(lambda: widget.session.trainer.step_count > 100, timeout=5000)
        qtbot.mouseClick(widget.controls.run_button, LEFT)
        assert not widget.session.running and widget.controls.run_button.text() == "Run"
        assert abs(float(widget.findChild(object, "currentWValue").text()) - 3) < 1e-6
    finally:
        widget.shutdown()


def test_stop_rule_widgets_are_hidden(lesson):
    from PySide6.QtWidgets import QLabel

    shown = [
        label.text().strip()
        for label in lesson.controls.findChildren(QLabel)
        if label.isVisibleTo(lesson)
    ]
    assert "Speed" in shown and not any("Stop" in text or "cost" in text for text in shown)
    assert not lesson.controls.max_steps_spin.isVisibleTo(lesson)


def test_the_keys_the_tooltips_name_work_in_the_lesson_window(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from gdsim.app.lessons import OneParameterLesson

    lesson = OneParameterLesson()
    qtbot.addWidget(lesson)
    lesson.show()
    qtbot.waitExposed(lesson)
    lesson.activateWindow()
    qtbot.waitUntil(lesson.isActiveWindow, timeout=5000)  # window shortcuts need it active
    qtbot.waitUntil(lambda: lesson.session.last is not None, timeout=5000)
    steps = lesson.session.last.step
    QTest.keyClick(lesson.controls.step_button, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: lesson.session.last.step == steps + 1, timeout=5000)
    QTest.keyClick(lesson, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: lesson.session.last.step == 0, timeout=5000)
