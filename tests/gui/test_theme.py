"""Light and dark themes: palette, pyqtgraph widgets, data colours, following the system."""

from __future__ import annotations

import itertools
import math

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from gdsim.app import theme
from gdsim.app.message_bar import MessageBar
from gdsim.app.plots.panel import PALETTE, PlotPanel


@pytest.fixture(autouse=True)
def back_to_light(qapp):
    """Every test here leaves the app as the other tests expect it: light."""
    yield
    theme.apply_theme(qapp, "light")


def _lab(color: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour."""
    q = QColor(color)
    rgb = [q.redF(), q.greenF(), q.blueF()]
    lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _window(app) -> QColor:
    return app.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)


def test_dark_then_light_sets_a_complete_palette(qapp):
    changes = []
    theme.notifier().changed.connect(changes.append)
    try:
        assert theme.apply_theme(qapp, "dark") == "dark"
        assert theme.current() == "dark" and theme.mode() == "dark"
        assert _window(qapp).lightness() < 60
        assert qapp.style().name().lower() == "fusion"
        pal = qapp.palette()
        text = pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
        disabled = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        assert text.lightness() > 200 and disabled != text
        for role in ("PlaceholderText", "Link", "ToolTipBase", "ToolTipText"):
            color = pal.color(QPalette.ColorGroup.Active, getattr(QPalette.ColorRole, role))
            assert color == QColor(theme._PALETTES["dark"][role][0])
        assert theme.apply_theme(qapp, "light") == "light"
        assert _window(qapp).lightness() > 200
        assert changes == ["dark", "light"]
    finally:
        theme.notifier().changed.disconnect(changes.append)
    with pytest.raises(ValueError):
        theme.apply_theme(qapp, "sepia")


def test_existing_plot_widgets_are_restyled(qapp, qtbot):
    plot = pg.PlotWidget(title="a title")
    qtbot.addWidget(plot)
    legend = plot.getPlotItem().addLegend()
    plot.plot([0, 1], [1, 0], name="curve")
    axis = plot.getPlotItem().getAxis("left")
    theme.apply_theme(qapp, "dark")
    assert plot.backgroundBrush().color() == QColor(theme.DARK.background)
    assert axis.textPen().color() == QColor(theme.DARK.axis)
    assert legend.opts["labelTextColor"] == QColor(theme.DARK.foreground)
    assert theme.DARK.foreground[1:] in plot.getPlotItem().titleLabel.item.toHtml().lower()
    theme.apply_theme(qapp, "light")
    assert plot.backgroundBrush().color() == QColor(theme.LIGHT.background)
    assert axis.textPen().color() == QColor(theme.LIGHT.axis)


def test_series_colours_read_on_both_themes_and_differ():
    assert PALETTE == theme.SERIES and len(theme.SERIES) >= 8
    for colors in (theme.LIGHT, theme.DARK):
        assert colors.series == theme.SERIES
        for background in (colors.background, colors.background_alt, colors.window, colors.base):
            for color in theme.SERIES:
                assert theme.contrast(color, background) >= 3.0, (color, background)
    # mutually distinct: CIELAB distance (a just noticeable difference is ~2.3)
    closest = min(math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(theme.SERIES, 2))
    assert closest > 25


def test_text_colours_read_on_their_backgrounds():
    for c in (theme.LIGHT, theme.DARK):
        for text in (c.foreground, c.axis, c.muted):
            assert theme.contrast(text, c.background) >= 4.5
        assert theme.contrast(c.muted, c.window) >= 4.5
        for kind in ("warning", "error", "info", "success"):
            m = c.message(kind)
            assert theme.contrast(m.text, m.background) >= 7
        for quantity in (c.value, c.gradient, c.update, c.positive, c.negative):
            assert theme.contrast(quantity, c.background) >= 3.0


def test_system_follows_the_style_hints(qapp, monkeypatch):
    hinted = qapp.styleHints().colorScheme()
    assert theme.apply_theme(qapp, "system") == (
        "dark" if hinted == Qt.ColorScheme.Dark else "light"
    )
    assert theme.mode() == "system"
    # the platform switches to dark: the app follows while "system" is chosen
    monkeypatch.setattr(theme, "_system_scheme", lambda app: "dark")
    theme._on_system_changed(Qt.ColorScheme.Dark)
    assert theme.current() == "dark" and _window(qapp).lightness() < 60
    # ... and not once a theme was chosen
    theme.apply_theme(qapp, "light")
    theme._on_system_changed(Qt.ColorScheme.Dark)
    assert theme.current() == "light"


def test_panel_and_message_bar_restyle(qapp, qtbot):
    panel = PlotPanel()
    bar = MessageBar()
    for w in (panel, bar):
        qtbot.addWidget(w)
    bar.show_message("careful", "warning")
    theme.apply_theme(qapp, "dark")
    assert panel.parameter_plot.backgroundBrush().color() == QColor(theme.DARK.background)
    assert panel.gradient_plot.backgroundBrush().color() == QColor(theme.DARK.background_alt)
    assert theme.DARK.warning.background in bar.styleSheet()
    theme.apply_theme(qapp, "light")
    assert panel.gradient_plot.backgroundBrush().color() == QColor(theme.LIGHT.background_alt)
    assert theme.LIGHT.warning.background in bar.styleSheet()


def _distinct_colours(widget, step: int = 7) -> int:
    image = widget.grab().toImage()
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_every_view_renders_after_switching(qapp, window):
    theme.apply_theme(qapp, "dark")
    QApplication.processEvents()
    for i in range(window.bottom_tabs.count()):
        window.bottom_tabs.setCurrentIndex(i)
        QApplication.processEvents()
        assert _distinct_colours(window.bottom_tabs.currentWidget()) > 3, i
    image = window.plots.cost_plot.grab().toImage()
    middle = QColor(image.pixel(image.width() // 2, image.height() // 2))
    assert middle.lightness() < 80  # a dark plot
    theme.apply_theme(qapp, "light")
    QApplication.processEvents()
    assert _distinct_colours(window) > 3
    image = window.plots.cost_plot.grab().toImage()
    assert QColor(image.pixel(image.width() // 2, image.height() // 2)).lightness() > 200


def test_a_deleted_plot_panel_is_not_restyled_by_a_later_theme_change(qtbot, qapp):
    """Every theme subscriber must go with its widget (a plain-object subscriber once crashed
    the next theme change with 'C++ object already deleted')."""
    import numpy as np
    from PySide6.QtCore import QCoreApplication, QEvent

    from gdsim.app import theme
    from gdsim.app.plots.panel import PlotPanel

    notifier = theme.notifier()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # earlier tests' widgets
    before = notifier.receivers("2changed(QString)")
    panel = PlotPanel()
    panel.rate_marks.add(np.array([0.0, 1.0, 2.0]), np.array([0.1, 0.1, 0.5]))
    assert panel.rate_marks.steps() == [2.0]
    panel.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert notifier.receivers("2changed(QString)") == before
    try:
        theme.apply_theme(qapp, "dark")  # would raise inside the slot of a leaked subscriber
    finally:
        theme.apply_theme(qapp, "light")
