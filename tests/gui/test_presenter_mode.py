"""Presenter mode: larger text and thicker lines with one shortcut, remembered."""

import contextlib

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gdsim.app import theme
from gdsim.app.settings import AppSettings
from gdsim.app.window.timeline import TimelineBar
from tests.gui.test_timeline import wait_step


@contextlib.contextmanager
def presenter_off_after():
    """Whatever a test does, the app is left as it was found (the font is app-wide). Not a
    fixture: restyling flushes deferred deletes, and at fixture teardown pytest-qt has already
    scheduled the test's windows for deletion."""
    try:
        yield
    finally:
        if theme.presenter():
            theme.set_presenter(QApplication.instance(), False)


def test_the_shortcut_scales_text_and_lines_and_is_remembered(qtbot, window):
    with presenter_off_after():
        shortcut_scales_and_is_remembered(qtbot, window)


def shortcut_scales_and_is_remembered(qtbot, window):
    app = QApplication.instance()
    size = app.font().pointSizeF()
    width = theme.px(2)
    window.step(3)
    wait_step(qtbot, window, 3)
    window.presenter.refresh()
    qtbot.keyClick(
        window,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert theme.presenter() and window.presenter_action.isChecked()
    qtbot.wait(20)  # (the widgets take the app's new font from a posted event)
    assert app.font().pointSizeF() == pytest.approx(size * theme.PRESENTER_SCALE)
    assert window.status_line.font().pointSizeF() == pytest.approx(size * theme.PRESENTER_SCALE)
    assert theme.px(2) == pytest.approx(width * theme.PRESENTER_SCALE)
    curves = window.plots.parameter_curves() + list(window.plots.cost_curves().values())
    assert curves and all(c.opts["pen"].widthF() == 2.0 for c in curves)
    assert not any(c.opts["antialias"] for c in curves)  # (thick antialiased lines are slow)
    axis = window.plots.cost_plot.getPlotItem().getAxis("left")
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(size * theme.PRESENTER_SCALE)
    title = window.plots.cost_plot.getPlotItem().titleLabel
    assert title.opts["size"] == f"{10 * theme.PRESENTER_SCALE:g}pt"
    assert AppSettings().presenter()
    window.presenter.refresh()
    window.grab().save("/tmp/presenter-mode.png")

    window.presenter_action.trigger()  # off again: everything as it was
    assert not theme.presenter() and not AppSettings().presenter()
    assert app.font().pointSizeF() == pytest.approx(size)
    assert all(c.opts["pen"].widthF() == 1.0 and c.opts["antialias"] for c in curves)
    assert title.opts["size"] == "10pt"


def test_new_curves_and_views_made_in_presenter_mode_are_thick(qtbot, window):
    with presenter_off_after():
        window.presenter_action.trigger()
        new_items_are_thick(qtbot, window)


def new_items_are_thick(qtbot, window):
    window.plots.set_selection([0, 1, 2])  # curves made now
    assert all(c.opts["pen"].widthF() == 2.0 for c in window.plots.parameter_curves())
    bar = TimelineBar(lambda: [])  # a widget made now takes the app's font
    qtbot.addWidget(bar)
    assert bar.label.font().pointSizeF() == pytest.approx(QApplication.font().pointSizeF())
    assert isinstance(window.plots.cost_plot, pg.PlotWidget)
