"""The lessons' presets come from resources/presets and apply in one click."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdsim.app.lessons import OneParameterLesson, TwoParameterLesson
from gdsim.app.lessons import presets as presets_module
from gdsim.app.lessons.presets import load_preset, presets_for, start_point
from gdsim.app.lessons.surfaces import find_surface

LEFT = Qt.MouseButton.LeftButton
ONE = {p.title: p for p in presets_for("one_parameter")}
TWO = presets_for("two_parameters")


@pytest.fixture
def one(qtbot):
    widget = OneParameterLesson()
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    widget.controls.speed_combo.setCurrentIndex(0)  # unlimited: tests need not wait
    yield widget
    widget.shutdown()


@pytest.fixture
def two(qtbot):
    widget = TwoParameterLesson()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def steps(widget, qtbot, n):
    t = widget.session.trainer
    target = t.step_count + n
    widget.session.step(n)
    qtbot.waitUntil(lambda: t.step_count >= target or t.diverged is not None, timeout=5000)
    qtbot.waitUntil(lambda: not widget.session.running, timeout=5000)


def w_of(widget) -> float:
    return float(widget.session.trainer.parameters[0])


def click_preset(widget, qtbot, title):
    preset = ONE[title]
    button = widget.findChild(object, f"preset_{preset.stem}")
    assert button is not None and button.text() == title
    assert preset.summary in button.toolTip()
    qtbot.mouseClick(button, LEFT)
    return load_preset(preset)


# ----------------------------------------------------------------------------------------------
# one parameter


def test_one_parameter_buttons_are_the_index(one):
    shown = [b.text() for b in one.preset_buttons.values()]
    assert shown == list(ONE)


@pytest.mark.parametrize("title", list(ONE))
def test_one_click_applies_formula_start_and_rate(one, qtbot, title):
    one.set_formula("cos(w) + w**2/10")  # something else first
    one.set_learning_rate(0.3)
    steps(one, qtbot, 3)
    config = click_preset(one, qtbot, title)
    t = one.session.trainer
    assert t.step_count == 0  # starts again
    assert one.formula == t.config.function == config.function
    assert one.formula_edit.text() == config.function
    assert w_of(one) == start_point(config)[0] == one.start_spin.value()
    assert t.learning_rate == config.optimizer.learning_rate == one.rate_spin.value()
    assert t.config.optimizer.name == "sgd"


def test_too_small_is_still_far_after_20_steps(one, qtbot):
    click_preset(one, qtbot, "Too small")
    steps(one, qtbot, 20)
    assert 1.0 < w_of(one) < 2.0  # w = 1.66: two thirds of the way still to go
    assert "creeps" in one.explanation.text()


def test_good_is_near_3_after_20_steps(one, qtbot):
    click_preset(one, qtbot, "Good")
    steps(one, qtbot, 20)
    assert abs(w_of(one) - 3) < 0.05 and w_of(one) < 3  # never overshoots


def test_oscillating_alternates_sides_while_converging(one, qtbot):
    click_preset(one, qtbot, "Oscillating")
    sides, gaps = [], []
    for _ in range(20):
        steps(one, qtbot, 1)
        sides.append(w_of(one) > 3)
        gaps.append(abs(w_of(one) - 3))
    assert all(a != b for a, b in zip(sides, sides[1:], strict=False))
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 0.05
    assert "jumped right over the bottom" in one.explanation.text()


def test_diverging_is_reported(one, qtbot):
    click_preset(one, qtbot, "Diverging")
    steps(one, qtbot, 4)
    assert abs(w_of(one) - 3) > 5 and "diverging" in one.explanation.text()
    steps(one, qtbot, 2000)  # on until the numbers overflow
    assert one.session.last.diverged and one.session.trainer.step_count < 1000
    assert "Stopped" in one.explanation.text() and "diverged" in one.explanation.text()
    assert not one.controls.step_button.isEnabled()
    click_preset(one, qtbot, "Good")  # a preset starts again from a clean slate
    assert one.controls.step_button.isEnabled() and w_of(one) == 1.0


def test_two_dips_preset_and_a_custom_formula_afterwards(one, qtbot):
    click_preset(one, qtbot, "Two dips")
    steps(one, qtbot, 300)
    assert w_of(one) == pytest.approx(1.347, abs=1e-3)  # the nearer dip, not the lower one
    assert one.set_formula("w**2")  # custom formulas still work, with the preset's rate
    assert one.session.trainer.config.function == "w**2"
    assert one.session.trainer.learning_rate == 0.02 and w_of(one) == 0.3


def test_a_broken_preset_is_reported_and_changes_nothing(one, qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "presets"
    folder.mkdir()
    (folder / "index.json").write_text(
        '{"presets": [{"file": "bad.json", "lesson": "one_parameter", "title": "Bad",'
        ' "summary": "broken"}]}'
    )
    (folder / "bad.json").write_text('{"gdsim": 1, "mode": "function", "function": "w +"}')
    monkeypatch.setattr(presets_module, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    steps(one, qtbot, 2)
    one.apply_preset("bad.json")
    assert "bad.json" in one.explanation.text()
    assert one.formula == "(w - 3)**2" and one.session.trainer.step_count == 2


# ----------------------------------------------------------------------------------------------
# two parameters


def test_surface_combo_lists_the_index(two):
    items = [two.surface_combo.itemText(i) for i in range(two.surface_combo.count())]
    assert items == [p.title for p in TWO] + ["custom…"]
    tip = two.surface_combo.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert tip == TWO[0].summary


@pytest.mark.parametrize("preset", TWO, ids=lambda p: p.stem)
def test_each_surface_preset_loads_from_the_combo(two, preset):
    two.set_start(0.5, 0.5)
    two.controls.step_button.click()
    index = two.surface_combo.findData(preset.file)
    two.surface_combo.setCurrentIndex(index)  # what one pick in the list does
    two.surface_combo.activated.emit(index)
    config = load_preset(preset)
    t = two.session.trainer
    assert t.step_count == 0
    assert t.config.function == config.function == two.formula_edit.text()
    assert not two.formula_edit.isEnabled()
    np.testing.assert_array_equal(t.parameters, start_point(config))
    assert two.lr_spin.value() == pytest.approx(config.optimizer.learning_rate)
    assert t.learning_rate == pytest.approx(config.optimizer.learning_rate)
    (x0, x1), _ = two.map.getViewBox().viewRange()
    assert x0 <= start_point(config)[0] <= x1
    two.controls.step_button.click()
    assert t.step_count == 1 and t.diverged is None


def test_set_surface_uses_the_preset(two):
    two.set_surface("Rosenbrock")
    assert two.surface_combo.currentData() == "two-rosenbrock.json"
    assert two.session.trainer.config.function == find_surface("rosenbrock").formula


def test_race_starts_from_the_preset(two):
    two.apply_preset("two-valley.json")
    two.set_race(True)
    positions = two.race_positions()
    assert set(positions.values()) == {start_point(load_preset("two-valley.json"))}


def test_custom_formula_after_a_preset(two):
    two.apply_preset("two-saddle.json")
    assert two.set_formula("w1**2 + 3*w2**2")
    assert two.surface_combo.currentData() == "custom"
    t = two.session.trainer
    assert t.config.function == "w1**2 + 3*w2**2"
    np.testing.assert_array_equal(t.parameters, start_point(load_preset("two-saddle.json")))
    two.apply_preset("two-bowl.json")  # and back to a preset
    assert two.surface_combo.currentData() == "two-bowl.json"


def test_a_broken_two_parameter_preset_keeps_the_surface(two, tmp_path, monkeypatch):
    folder = tmp_path / "presets"
    folder.mkdir()
    (folder / "index.json").write_text(
        '{"presets": [{"file": "bad.json", "lesson": "two_parameters", "title": "Bad",'
        ' "summary": "only w"}]}'
    )
    (folder / "bad.json").write_text(
        '{"gdsim": 1, "mode": "function", "function": "w**2", "parameters": {"w": 1.0}}'
    )
    two.apply_preset("two-bowl.json")
    monkeypatch.setattr(presets_module, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    assert two.apply_preset("bad.json") is False
    assert two.formula_error.isVisibleTo(two) and "bad.json" in two.formula_error.text()
    assert two.surface_combo.currentData() == "two-bowl.json"
    assert two.session.trainer.config.function == "w1**2 + w2**2"
