"""The two-parameter lesson: what it draws is exactly what the trainer holds."""

import numpy as np
import pytest

from gdsim.app.lessons.presets import load_preset, start_point
from gdsim.app.lessons.surfaces import PARAMETERS, SURFACES, find_surface, grid
from gdsim.app.lessons.two_parameters import RACE, TwoParameterLesson
from gdsim.expression import parse_expression


@pytest.fixture
def lesson(qtbot):
    widget = TwoParameterLesson()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def test_surfaces_are_plain_data_and_grid_uses_evaluate():
    keys = {s.key for s in SURFACES}
    assert {"bowl", "valley", "saddle", "rosenbrock", "minima"} <= keys
    valley = find_surface("Elongated valley")
    assert valley is find_surface("valley")
    expr = parse_expression(valley.formula, PARAMETERS)
    w1, w2, c = grid(expr, (-2.0, 2.0), (-1.0, 1.0), 7)
    assert w1.shape == w2.shape == c.shape == (7, 7)
    assert w1[0, 0] == -2.0 and w1[0, -1] == 2.0 and w2[0, 0] == -1.0 and w2[-1, 0] == 1.0
    np.testing.assert_array_equal(c, w1**2 + 10 * w2**2)
    with pytest.raises(KeyError):
        find_surface("nope")


def test_gradient_and_step_arrows_match_the_trainer(lesson, qtbot):
    lesson.set_surface("valley")
    t = lesson.session.trainer
    p, g, lr = t.parameters, t.gradients, t.learning_rate
    start, end = lesson.gradient_vector()
    np.testing.assert_array_equal(start, p)
    assert np.max(np.abs((end - start) - g)) <= 1e-12
    s_start, s_end = lesson.step_vector()
    np.testing.assert_array_equal(s_start, p)
    assert np.max(np.abs((s_end - s_start) - (-lr * g))) <= 1e-12
    lesson.controls.step_button.click()
    assert t.step_count == 1
    np.testing.assert_array_equal(t.parameters, s_end)  # moved by exactly the drawn step
    start, end = lesson.gradient_vector()  # the arrows follow the point
    np.testing.assert_array_equal(start, t.parameters)
    assert np.max(np.abs((end - start) - t.gradients)) <= 1e-12


def test_slice_tangents_have_the_partial_derivatives_as_slopes(lesson):
    lesson.set_surface("valley")
    lesson.controls.step_button.click()
    t = lesson.session.trainer
    for axis in (0, 1):
        x, y = lesson.slice_tangent(axis)
        slope = (y[1] - y[0]) / (x[1] - x[0])
        assert slope == pytest.approx(t.gradients[axis], rel=1e-9, abs=1e-12)
        assert (x[0] + x[1]) / 2 == pytest.approx(t.parameters[axis])
        assert (y[0] + y[1]) / 2 == pytest.approx(t.cost)
    assert "∂C/∂w1 =" in lesson.slice_labels[0].text()
    assert "∂C/∂w2 =" in lesson.slice_labels[1].text()
    numbers = lesson.numbers.text()
    assert "2*w1" in numbers and "20*w2" in numbers  # the derivative formulas


def test_contour_image_holds_the_cost(lesson):
    lesson.set_surface("valley")
    w1, w2, c = lesson.contour_data()
    expr = parse_expression("w1**2 + 10*w2**2", PARAMETERS)
    np.testing.assert_array_equal(c, expr.evaluate({"w1": w1, "w2": w2}))
    (x0, x1), (y0, y1) = lesson.map.getViewBox().viewRange()
    assert w1.min() <= -5.0 and w1.max() >= 5.0  # covers at least the surface's range
    assert w1.min() == pytest.approx(x0) and w2.max() == pytest.approx(y1)


@pytest.mark.parametrize("surface", [s.key for s in SURFACES])
def test_each_surface_loads(lesson, surface):
    lesson.set_surface(surface)  # the surface's preset in resources/presets
    s = find_surface(surface)
    preset = load_preset(lesson.surface_combo.currentData())
    t = lesson.session.trainer
    assert t.config.function == s.formula == preset.function
    np.testing.assert_array_equal(t.parameters, start_point(preset))
    assert lesson.lr_spin.value() == pytest.approx(preset.optimizer.learning_rate)
    lesson.controls.step_button.click()
    assert t.step_count == 1 and t.diverged is None


def test_a_step_lowers_the_cost_on_the_bowl(lesson):
    lesson.set_surface("bowl")
    t = lesson.session.trainer
    before = t.cost
    lesson.controls.step_button.click()
    assert t.cost < before


def test_learning_rate_spin_sets_the_step(lesson):
    lesson.set_surface("bowl")
    lesson.set_learning_rate(0.25)
    t = lesson.session.trainer
    assert t.learning_rate == 0.25
    start, end = lesson.step_vector()
    assert np.max(np.abs((end - start) + 0.25 * t.gradients)) <= 1e-12


def test_clicking_start_point_resets(lesson):
    lesson.set_surface("bowl")
    lesson.controls.step_button.click()
    lesson.set_start(1.0, -2.0)
    t = lesson.session.trainer
    assert t.step_count == 0 and t.parameters.tolist() == [1.0, -2.0]


def test_custom_formula_and_invalid_formula(lesson):
    lesson.set_surface("bowl")
    assert lesson.set_formula("w1**2 + 3*w2**2")
    assert lesson.surface_combo.currentData() == "custom"
    assert lesson.session.trainer.config.function == "w1**2 + 3*w2**2"
    assert lesson.formula_error.isHidden()
    assert not lesson.set_formula("w1**2 + w3")
    assert lesson.formula_error.isVisible() and "w3" in lesson.formula_error.text()
    assert lesson.session.trainer.config.function == "w1**2 + 3*w2**2"  # kept
    assert not lesson.set_formula("w1 +* 2")
    assert lesson.formula_error.text()
    # typed into the box and confirmed with Enter
    lesson.formula_edit.setText("(w1 - 1)**2 + w2**2")
    lesson.formula_edit.returnPressed.emit()
    assert lesson.session.trainer.config.function == "(w1 - 1)**2 + w2**2"
    assert lesson.formula_error.isHidden()


def test_race_starts_together_diverges_and_switches_off(lesson, qtbot):
    lesson.set_surface("rosenbrock")
    lesson.set_race(True)
    assert lesson.race_group.isChecked()
    positions = lesson.race_positions()
    assert set(positions) == {key for key, *_ in RACE}
    assert len(set(positions.values())) == 1  # all at the start
    assert positions["sgd"] == start_point(load_preset("two-rosenbrock.json"))
    lesson.controls.step_n_spin.setValue(50)
    lesson.controls.speed_combo.setCurrentIndex(0)  # unlimited
    lesson.controls.step_n_button.click()
    qtbot.waitUntil(
        lambda: lesson.session.trainer.step_count == 50 and not lesson._race_timer.isActive(),
        timeout=5000,
    )
    trainers = lesson.race_trainers()
    assert all(t.step_count == 50 for t in trainers.values())
    positions = lesson.race_positions()
    assert len(set(positions.values())) == 5  # every optimizer went its own way
    # the race's SGD is the lesson's own run
    assert positions["sgd"] == tuple(lesson.session.trainer.parameters)
    assert all(lesson.race_paths[key].isVisible() for key in positions)

    lesson.race_checks["adam"].setChecked(False)
    assert not lesson.race_paths["adam"].isVisible()
    frozen = positions["adam"]
    lesson.controls.step_button.click()
    assert lesson.race_positions()["adam"] == frozen
    assert trainers["adam"].step_count == 50 and trainers["rmsprop"].step_count == 51
    assert lesson.race_positions()["rmsprop"] != positions["rmsprop"]

    lesson.controls.reset_button.click()
    assert len(set(lesson.race_positions().values())) == 1
    lesson.set_race(False)
    assert lesson.race_positions() == {}
    assert not any(item.isVisible() for item in lesson.race_paths.values())


def test_race_runs_and_pauses(lesson, qtbot):
    lesson.set_surface("bowl")
    lesson.set_race(True)
    lesson.controls.speed_combo.setCurrentIndex(0)
    lesson.controls.run_button.click()
    assert lesson.controls.run_button.isChecked()
    qtbot.waitUntil(lambda: lesson.session.trainer.step_count > 20, timeout=5000)
    lesson.controls.run_button.click()
    assert not lesson._race_timer.isActive()
    steps = {t.step_count for t in lesson.race_trainers().values()}
    assert steps == {lesson.session.trainer.step_count}


def test_run_and_pause_without_race(lesson, qtbot):
    lesson.set_surface("valley")
    lesson.controls.speed_combo.setCurrentIndex(0)
    lesson.controls.run_button.click()
    qtbot.waitUntil(lambda: lesson.session.trainer.step_count > 100, timeout=5000)
    lesson.controls.run_button.click()
    qtbot.waitUntil(lambda: not lesson.session.running, timeout=2000)
    t = lesson.session.trainer
    start, end = lesson.gradient_vector()
    np.testing.assert_array_equal(start, t.parameters)


def test_divergence_is_shown_and_drawing_survives(lesson, qtbot):
    lesson.set_surface("valley")
    lesson.set_learning_rate(0.5)  # far too large for the steep direction
    lesson.controls.speed_combo.setCurrentIndex(0)
    lesson.controls.run_button.click()
    qtbot.waitUntil(lambda: lesson.session.trainer.diverged is not None, timeout=5000)
    qtbot.waitUntil(lambda: not lesson.session.running, timeout=2000)
    assert "diverged" in lesson.numbers.text()
    lesson.controls.reset_button.click()
    assert "diverged" not in lesson.numbers.text()


def test_formula_with_undefined_regions(lesson, qtbot):
    assert lesson.set_formula("log(w1) + w2**2")
    w1, w2, c = lesson.contour_data()
    assert np.isnan(c[w1 < 0]).all() and np.isfinite(c[w1 > 0]).all()
    lesson.set_start(1.0, 1.0)
    lesson.controls.step_button.click()
    qtbot.wait(100)  # let any deferred map update run
    assert lesson.session.trainer.step_count == 1


def test_a_racer_that_runs_away_is_stopped_and_says_so(lesson, qtbot):
    lesson.set_surface("valley")
    lesson.set_learning_rate(0.08)  # fine for plain steps; Nesterov's momentum overshoots
    lesson.set_race(True)
    lesson.controls.step_n_spin.setValue(300)
    lesson.controls.speed_combo.setCurrentIndex(0)
    lesson.controls.step_n_button.click()
    qtbot.waitUntil(lambda: not lesson._race_timer.isActive(), timeout=10000)
    trainers = lesson.race_trainers()
    assert "nesterov" in lesson.race.escaped
    stopped_at = lesson.race.escaped["nesterov"]
    assert trainers["nesterov"].step_count == stopped_at < 300
    assert lesson.race_info["nesterov"].text() == f"diverged at step {stopped_at}"
    assert "sgd" not in lesson.race.escaped and trainers["sgd"].step_count == 300
