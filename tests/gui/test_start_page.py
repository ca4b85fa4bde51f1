"""The lessons start page: a card per lesson idea, each button emits its target."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from gdsim.app.lessons.presets import find_preset, presets_for
from gdsim.app.lessons.start_page import LessonsStartPage, parse_target

LEFT = Qt.MouseButton.LeftButton
EXPECTED = [
    "lesson:one_parameter",
    "lesson:two_parameters",
    "race",
    "tab:loss_surface",
    "tab:step_by_phase",
    "tab:chain_rule",
    "tab:gradient_health",
    "tab:prediction",
]


@pytest.fixture
def page(qtbot):
    widget = LessonsStartPage()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_every_lesson_idea_has_a_card_and_a_button(page):
    assert page.objectName() == "lessonsStartPage"
    targets = page.targets()
    assert [t for t in targets if not t.startswith("preset:")] == EXPECTED
    main = [f"preset:{p.file}" for p in presets_for("main")]
    assert sorted(t for t in targets if t.startswith("preset:")) == sorted(main)
    cards = page.findChildren(QWidget, "lessonCard")
    assert len(cards) == 8
    for card in cards:
        title = card.findChild(QLabel, "lessonCardTitle").text()
        text = card.findChild(QLabel, "lessonCardText").text()
        assert title and len(text) > 60
        assert card.findChildren(QPushButton)


def test_every_button_emits_its_target(page, qtbot):
    for target in page.targets():
        button = page.button(target)
        assert button.property("target") == target and button.isVisible()
        with qtbot.waitSignal(page.activated, timeout=1000) as signal:
            qtbot.mouseClick(button, LEFT)
        assert signal.args == [target]


def test_preset_targets_are_main_window_presets_that_exist(page):
    presets = [t for t in page.targets() if t.startswith("preset:")]
    assert len(presets) == 4
    for target in presets:
        kind, file = parse_target(target)
        preset = find_preset(file)
        assert kind == "preset" and preset.lesson == "main" and preset.path.is_file()
        assert preset.summary in page.button(target).toolTip()
    labels = {page.button(t).text() for t in presets}
    assert labels == {"Dead ReLU units", "Vanishing", "Exploding", "Backpropagation by hand"}


def test_the_gradient_health_card_holds_its_presets(page):
    card = next(
        c
        for c in page.findChildren(QWidget, "lessonCard")
        if c.property("lesson") == "gradient_health"
    )
    inside = {b.property("target") for b in card.findChildren(QPushButton)}
    health = {f"preset:{p.file}" for p in presets_for("main") if p.tab == "gradient_health"}
    assert len(health) == 3 and inside == {"tab:gradient_health"} | health


def test_a_preset_that_opens_another_tab_sits_on_that_tabs_card(page):
    card = next(
        c
        for c in page.findChildren(QWidget, "lessonCard")
        if c.property("lesson") == "step_by_phase"
    )
    inside = {b.property("target") for b in card.findChildren(QPushButton)}
    assert inside == {"tab:step_by_phase", "preset:textbook-backprop.json"}


def test_parse_target():
    assert parse_target("lesson:one_parameter") == ("lesson", "one_parameter")
    assert parse_target("race") == ("race", "")
    assert parse_target("tab:chain_rule") == ("tab", "chain_rule")
    assert parse_target("preset:health-exploding.json") == ("preset", "health-exploding.json")
    for bad in ("race:x", "lesson", "window:x", ""):
        with pytest.raises(ValueError):
            parse_target(bad)


def test_palette_colours_only(page):
    """No colour of its own (the dark theme must reach every card): only palette() roles."""
    for widget in [page, *page.findChildren(QWidget)]:
        sheet = widget.styleSheet()
        assert not re.search(r"#[0-9a-fA-F]{3}|rgb|white|black", sheet), sheet
        if isinstance(widget, QLabel):
            assert "color:" not in widget.text() and "<" not in widget.text()


def test_two_columns_when_wide_one_when_narrow(page, qtbot):
    def columns():
        cards = page.findChildren(QWidget, "lessonCard")
        return len({c.x() for c in cards})

    qtbot.waitUntil(lambda: columns() == 2, timeout=2000)
    page.resize(800, 600)
    qtbot.waitUntil(lambda: columns() == 1, timeout=2000)
    page.resize(1366, 768)
    qtbot.waitUntil(lambda: columns() == 2, timeout=2000)
