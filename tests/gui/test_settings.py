"""What the app remembers between sessions (QSettings, sandboxed per test)."""

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from gdsim.app.settings import MAX_RECENT, AppSettings
from gdsim.resources import resource_path


@pytest.fixture
def store(settings_sandbox):
    return AppSettings(QSettings())


def test_recent_files_newest_first_without_duplicates_and_bounded(store, tmp_path):
    paths = [tmp_path / f"c{i}.json" for i in range(MAX_RECENT + 3)]
    for p in paths:
        store.add_recent(p)
    store.add_recent(paths[2])  # opened again: moves to the front, not listed twice
    recent = store.recent_files()
    assert recent[0] == str(paths[2].resolve())
    assert len(recent) == MAX_RECENT == len(set(recent))
    assert str(paths[0].resolve()) not in recent  # the oldest fell off


def test_values_that_come_back_as_text_or_garbage_fall_back_to_defaults(store, tmp_path):
    raw = store.store
    raw.setValue("recentFiles", "/one/file.json")  # INI files return a lone entry as a string
    raw.setValue("plots/logCost", "true")
    raw.setValue("training/stepN", "not a number")
    raw.setValue("look/theme", "purple")
    raw.setValue("folders/config", str(tmp_path / "gone"))
    assert store.recent_files() == ["/one/file.json"]
    assert store.log_cost() is True
    assert store.step_n() == 10
    assert store.theme() == "system"
    assert store.folder("config") == str(Path.home())  # a folder that has gone is not offered
    store.set_folder("config", tmp_path)
    assert store.folder("config") == str(tmp_path)
    with pytest.raises(ValueError, match="unknown theme 'purple'"):
        store.set_theme("purple")


def test_layout_and_options_survive_a_restart(make_window):
    w = make_window()
    w.resize(w.width(), 640)  # offscreen screens are 800 px square: only the height is free
    w.splitter.setSizes([300, 400])
    sizes = w.splitter.sizes()
    w.plots.set_log_cost(True)
    w.bottom_tabs.setCurrentIndex(2)
    w.controls.step_n_spin.setValue(25)
    w.controls.speed_combo.setCurrentIndex(3)
    w.close()

    again = make_window()
    assert again.height() == 640
    assert again.splitter.sizes() == sizes
    assert again.plots.log_cost() and again.log_cost_action.isChecked()
    assert again.bottom_tabs.currentIndex() == 2
    assert again.controls.step_n_spin.value() == 25
    assert again.controls.speed_combo.currentIndex() == 3


def test_recent_menu_marks_missing_files_and_can_be_cleared(make_window, tmp_path):
    kept = tmp_path / "kept.json"
    kept.write_text(json.dumps(json.loads(resource_path("examples", "xor.json").read_text())))
    gone = tmp_path / "gone.json"
    w = make_window()
    w.settings.add_recent(gone)
    w.settings.add_recent(kept)
    w._update_recent_menu()
    actions = {a.text(): a for a in w.recent_menu.actions() if a.text()}
    assert actions["kept.json"].isEnabled()
    assert not actions["gone.json (missing)"].isEnabled()
    w.recent_menu.findChild(type(actions["kept.json"]), "clearRecentAction").trigger()
    assert w.settings.recent_files() == []
    assert not w.recent_menu.isEnabled()


def test_reset_settings_asks_then_restores_defaults(make_window):
    w = make_window()
    w.plots.set_log_cost(True)
    w.bottom_tabs.setCurrentIndex(3)
    w.controls.step_n_spin.setValue(99)
    w.settings.add_recent(resource_path("examples", "xor.json"))

    w.dialogs.confirm_answer = False
    w.reset_settings()
    assert w.plots.log_cost() and w.settings.recent_files()  # declined: nothing changed

    w.dialogs.confirm_answer = True
    w.reset_settings()
    assert "Forget the window layout" in w.dialogs.asked[-1]
    assert not w.plots.log_cost() and not w.log_cost_action.isChecked()
    assert w.bottom_tabs.currentIndex() == 0
    assert w.controls.step_n_spin.value() == 10
    assert w.settings.recent_files() == [] and w.settings.store.allKeys() == []
    assert w.height() == w.default_size()[1]  # (the width is held up by the minimum size)


def test_theme_menu_switches_the_app_and_is_remembered(make_window, qapp):
    from gdsim.app import theme

    w = make_window()
    try:
        w.findChild(type(w.log_cost_action), "theme_dark").trigger()
        assert theme.current() == "dark" and w.settings.theme() == "dark"
        assert qapp.palette().window().color().lightness() < 80
        w.close()
        again = make_window()
        assert again.findChild(type(w.log_cost_action), "theme_dark").isChecked()
    finally:
        theme.apply_theme(qapp, "light")
    assert qapp.palette().window().color().lightness() > 180


def test_out_of_range_numbers_in_the_settings_file_fall_back(make_window, settings_sandbox):
    raw = QSettings()
    raw.setValue("training/stepN", "99999999999")  # more than a QSpinBox can hold
    raw.setValue("training/speedIndex", "-7")
    raw.setValue("window/bottomTab", "400")
    raw.sync()
    w = make_window()  # opens, with the defaults
    assert w.controls.step_n_spin.value() == 10
    assert w.controls.speed_combo.currentIndex() == 0
    assert w.bottom_tabs.currentIndex() == 0


def test_a_setting_the_window_cannot_apply_costs_only_that_setting(
    make_window, monkeypatch, capsys
):
    def broken(self):
        raise ValueError("stored state from another version")

    monkeypatch.setattr(AppSettings, "window_state", broken)
    w = make_window()
    assert w.session.last is not None  # the window opened and its trainer answered
    assert "ignoring unreadable settings (stored state from another version)" in (
        capsys.readouterr().err
    )


def test_the_first_window_fits_a_small_screen(make_window):
    w = make_window()  # nothing stored: the default size, shrunk to the screen
    free = w.screen().availableGeometry()
    assert w.height() <= free.height() and w.default_size()[0] <= max(free.width(), 800)
    plots, tabs = w.splitter.sizes()
    assert tabs >= 0.3 * (plots + tabs)  # the tabs keep room for their plots


def test_the_tab_under_the_plots_is_remembered_by_name(make_window, settings_sandbox):
    raw = QSettings()
    raw.setValue("window/bottomTab", "2")  # as 0.1 kept it: a position among its six tabs
    raw.sync()
    w = make_window()
    assert w.bottom_tabs.currentWidget() is w.health_view  # 0.1's third tab, not today's third
    w.show_tab("weight_images")
    w.close()
    assert QSettings().value("window/bottomTabName") == "weight_images"
    again = make_window()
    assert again.bottom_tabs.currentWidget() is again.tab_views["weight_images"]
    again.close()
    raw = QSettings()
    raw.setValue("window/bottomTabName", "no such tab")
    raw.sync()
    assert make_window().bottom_tabs.currentIndex() == 0
