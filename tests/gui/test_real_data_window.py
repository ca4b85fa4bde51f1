"""The window on the new data sets: the trainer child loads them, every tab shows them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSpinBox

from gdsim.config import load_config
from gdsim.resources import resource_path


def wait_step(qtbot, window, step, timeout=20000):
    qtbot.waitUntil(
        lambda: window.session.last is not None and window.session.last.step == step,
        timeout=timeout,
    )


@pytest.mark.parametrize("name", ["digits", "iris", "spiral-3-classes"])
def test_the_window_trains_the_new_examples_and_every_tab_copes(qtbot, make_window, name):
    window = make_window(load_config(resource_path("examples", f"{name}.json")))
    assert window.config.data.name in ("digits", "iris", "spiral")
    assert window.session.last.step == 0
    window.findChild(QSpinBox, "stepNSpin").setValue(20)
    qtbot.mouseClick(window.findChild(QPushButton, "stepNButton"), Qt.MouseButton.LeftButton)
    wait_step(qtbot, window, 20)
    for index in range(window.bottom_tabs.count()):
        window.bottom_tabs.setCurrentIndex(index)
        qtbot.wait(50)
    assert window.session.last.step == 20
