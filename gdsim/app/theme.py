"""Light and dark themes: the Qt palette, pyqtgraph's colours, and the colours views paint with.

One source for every colour the app chooses itself. :func:`apply_theme` sets the Fusion style
with a complete palette (every role, every colour group), so the app looks the same on every
desktop, sets pyqtgraph's defaults, restyles every existing pyqtgraph widget (background, axes,
titles, legends) and then emits ``notifier().changed`` so views restyle what they draw
themselves. Widgets read :func:`colors` when they are built (before any :func:`apply_theme`
that is the light theme, so tests and scripts need not call it) and connect to ``changed``.

The data-series colours (:data:`SERIES`) are the same in both themes: all ten sit in a narrow
luminance band (relative luminance ~0.2), so each has a contrast of at least 3:1 against the
light and the dark backgrounds alike, and they differ in hue (CIEDE2000 >= 15 between any two;
the first five also stay apart for deuteranopes and protanopes). A parameter therefore keeps
its colour when the theme changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

__all__ = [
    "THEMES",
    "SERIES",
    "Colors",
    "Message",
    "apply_theme",
    "colors",
    "current",
    "mode",
    "notifier",
    "style_plot",
    "contrast",
    "px",
]

THEMES = ("system", "light", "dark")

# Blue, orange, bluish green, magenta, violet, olive, red, brown, teal, green: tab10-like hues
# moved to one luminance (see the module doc). No yellow: no yellow is dark enough for white.
SERIES = (
    "#2281c3",
    "#c36008",
    "#008d66",
    "#df3099",
    "#9959ec",
    "#808000",
    "#ed2c2d",
    "#ac6b5d",
    "#0d8895",
    "#458c1b",
)


@dataclass(frozen=True)
class Message:
    """Colours of a message box or flag: text on background, inside a border."""

    text: str
    background: str
    border: str


@dataclass(frozen=True)
class Colors:
    name: str  # "light" or "dark"
    window: str  # the Qt palette's Window (behind labels)
    base: str  # the Qt palette's Base (behind lists, tables, text fields)
    background: str  # behind plots and diagrams
    background_alt: str  # a tinted plot background (the gradients plot)
    foreground: str  # plot titles, labels, text drawn in plots
    axis: str  # axis lines and tick labels (pyqtgraph draws grids in this, faintly)
    muted: str  # secondary text (hints, notes), readable on window and base
    grid: str  # thin borders of legends and boxes
    zero_line: str  # a reference line at 0
    hover_line: str  # the hover cursor line
    positive: str  # signs in the network diagram (blue)
    negative: str  # (red)
    neutral: str  # zero or not finite (gray)
    highlight: str  # what a diagram phase is about (orange)
    value: str  # a parameter's value (blue), as in the parameter table
    gradient: str  # its gradient (red)
    update: str  # its update (green)
    warning: Message
    error: Message
    info: Message
    success: Message
    series: tuple[str, ...] = SERIES

    def message(self, kind: str) -> Message:
        """The colours for "warning", "error", "info" or "success"."""
        return getattr(self, kind)

    @property
    def is_dark(self) -> bool:
        return self.name == "dark"


LIGHT = Colors(
    name="light",
    window="#efefef",
    base="#ffffff",
    background="#ffffff",
    background_alt="#f6f3ec",  # warm paper
    foreground="#1a1a1a",
    axis="#404040",
    muted="#666666",
    grid="#c8c8c8",
    zero_line="#555555",
    hover_line="#7a7a7a",
    positive="#1f77b4",
    negative="#d62728",
    neutral="#969696",
    highlight="#ff9600",
    value="#1f77b4",
    gradient="#d62728",
    update="#1e8a1e",
    warning=Message("#5a3800", "#fff4e5", "#f0a040"),
    error=Message("#611a15", "#fdecea", "#e57373"),
    info=Message("#0d3c61", "#e8f1fb", "#64a0dc"),
    success=Message("#1e5b2a", "#e3f5e6", "#7cc48a"),
)

DARK = Colors(
    name="dark",
    window="#282828",
    base="#1e1e1e",
    background="#1e1e1e",
    background_alt="#27241f",  # the same warm tint, dimmed
    foreground="#e6e6e6",
    axis="#b4b4b4",
    muted="#a0a0a0",
    grid="#555555",
    zero_line="#a8a8a8",
    hover_line="#8a8a8a",
    positive="#4a9ee0",
    negative="#f0605a",
    neutral="#808080",
    highlight="#ffa630",
    value="#5aa9e6",
    gradient="#ff6b6b",
    update="#5ccf5c",
    warning=Message("#ffd699", "#3a2a10", "#a86e1a"),
    error=Message("#ffb4ab", "#3d1a18", "#b3463f"),
    info=Message("#b5d6ff", "#142a40", "#3d6fa3"),
    success=Message("#a8e0b2", "#173222", "#3f8a52"),
)

# Qt palette roles per theme: (active/inactive, disabled)
_PALETTES = {
    "light": {
        "Window": ("#efefef", "#efefef"),
        "WindowText": ("#1a1a1a", "#9a9a9a"),
        "Base": ("#ffffff", "#f4f4f4"),
        "AlternateBase": ("#f5f5f5", "#f4f4f4"),
        "Text": ("#1a1a1a", "#9a9a9a"),
        "PlaceholderText": ("#767676", "#b0b0b0"),
        "Button": ("#f2f2f2", "#ececec"),
        "ButtonText": ("#1a1a1a", "#9a9a9a"),
        "BrightText": ("#ffffff", "#ffffff"),
        "Light": ("#ffffff", "#ffffff"),
        "Midlight": ("#e3e3e3", "#e3e3e3"),
        "Mid": ("#b8b8b8", "#c8c8c8"),
        "Dark": ("#9f9f9f", "#bebebe"),
        "Shadow": ("#767676", "#b1b1b1"),
        "Highlight": ("#2f6fc4", "#c8c8c8"),
        "HighlightedText": ("#ffffff", "#9a9a9a"),
        "Link": ("#1a5fb4", "#9a9a9a"),
        "LinkVisited": ("#6a3fa0", "#9a9a9a"),
        "ToolTipBase": ("#ffffff", "#ffffff"),
        "ToolTipText": ("#1a1a1a", "#1a1a1a"),
        "Accent": ("#2f6fc4", "#c8c8c8"),
    },
    "dark": {
        "Window": ("#282828", "#282828"),
        "WindowText": ("#e6e6e6", "#7a7a7a"),
        "Base": ("#1e1e1e", "#242424"),
        "AlternateBase": ("#262626", "#242424"),
        "Text": ("#e6e6e6", "#7a7a7a"),
        "PlaceholderText": ("#8c8c8c", "#5e5e5e"),
        "Button": ("#353535", "#2e2e2e"),
        "ButtonText": ("#e6e6e6", "#7a7a7a"),
        "BrightText": ("#ffffff", "#ffffff"),
        "Light": ("#4a4a4a", "#3c3c3c"),
        "Midlight": ("#3e3e3e", "#363636"),
        "Mid": ("#303030", "#2c2c2c"),
        "Dark": ("#1a1a1a", "#1a1a1a"),
        "Shadow": ("#0a0a0a", "#0a0a0a"),
        "Highlight": ("#3d7fd6", "#444444"),
        "HighlightedText": ("#ffffff", "#7a7a7a"),
        "Link": ("#6cb4ff", "#7a7a7a"),
        "LinkVisited": ("#b79cf0", "#7a7a7a"),
        "ToolTipBase": ("#333333", "#333333"),
        "ToolTipText": ("#e6e6e6", "#e6e6e6"),
        "Accent": ("#3d7fd6", "#444444"),
    },
}

_THEME_COLORS = {"light": LIGHT, "dark": DARK}
_state = {"mode": "light", "resolved": "light", "hooked": False, "presenter": False}
PRESENTER_SCALE = 1.4  # presenter mode: fonts and lines this much larger, for a projector
_base_font: dict[str, float] = {}  # the app's own font size, before presenter mode scaled it


class _Notifier(QObject):
    """Emits ``changed(resolved_name)`` after a theme was applied."""

    changed = Signal(str)


_notifier: _Notifier | None = None


def notifier() -> _Notifier:
    """The object whose ``changed(str)`` signal fires after every :func:`apply_theme`."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def colors() -> Colors:
    """The colours of the theme in force (light until :func:`apply_theme` says otherwise)."""
    return _THEME_COLORS[_state["resolved"]]


def current() -> str:
    """The theme in force: "light" or "dark"."""
    return _state["resolved"]


def mode() -> str:
    """The theme chosen: "system", "light" or "dark"."""
    return _state["mode"]


def presenter() -> bool:
    """True in presenter mode (larger fonts and thicker lines, for a projector)."""
    return bool(_state["presenter"])


def scale() -> float:
    """How much larger text and lines are drawn: PRESENTER_SCALE in presenter mode, else 1."""
    return PRESENTER_SCALE if _state["presenter"] else 1.0


def set_presenter(app: QApplication, on: bool) -> None:
    """Presenter mode on or off: the app's font and every line drawn through :func:`px` scale
    by PRESENTER_SCALE, and every window restyles (the theme's `changed` signal)."""
    size = _base_font.setdefault("size", app.font().pointSizeF())
    _state["presenter"] = bool(on)
    font = app.font()
    font.setPointSizeF(size * scale())
    app.setFont(font)
    _apply(app, _state["resolved"])


def palette(name: str) -> QPalette:
    """A complete QPalette for "light" or "dark": every role in every colour group."""
    pal = QPalette()
    groups = {
        QPalette.ColorGroup.Active: 0,
        QPalette.ColorGroup.Inactive: 0,
        QPalette.ColorGroup.Disabled: 1,
    }
    for role_name, values in _PALETTES[name].items():
        role = getattr(QPalette.ColorRole, role_name, None)
        if role is None:  # (Accent is Qt >= 6.6)
            continue
        for group, i in groups.items():
            pal.setColor(group, role, QColor(values[i]))
    return pal


def _system_scheme(app: QApplication) -> str:
    """ "dark" or "light" from the platform's style hints (Unknown counts as light)."""
    hints = app.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else None
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def _on_system_changed(*_args) -> None:
    app = QApplication.instance()
    if app is not None and _state["mode"] == "system":
        _apply(app, _system_scheme(app))


def apply_theme(app: QApplication, name: str) -> str:
    """Use theme `name` ("system", "light" or "dark"); returns the one in force.

    "system" follows the platform's colour scheme, now and whenever it changes, until another
    theme is chosen.
    """
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; expected one of {', '.join(THEMES)}")
    _state["mode"] = name
    hints = app.styleHints()
    if not _state["hooked"] and hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(_on_system_changed)
        _state["hooked"] = True
    # Tell the platform too (Qt >= 6.8), so native parts such as title bars match. Where the
    # platform cannot change it (X11, offscreen) this does nothing.
    if hasattr(hints, "setColorScheme"):
        if name == "system":
            if hasattr(hints, "unsetColorScheme"):
                hints.unsetColorScheme()
        else:
            scheme = Qt.ColorScheme.Dark if name == "dark" else Qt.ColorScheme.Light
            if hints.colorScheme() != scheme:
                hints.setColorScheme(scheme)
    resolved = _system_scheme(app) if name == "system" else name
    _apply(app, resolved)
    return resolved


def _apply(app: QApplication, resolved: str) -> None:
    _state["resolved"] = resolved
    c = colors()
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette(resolved))
    pg.setConfigOptions(background=c.background, foreground=c.axis, antialias=True)
    # Finish deleting what was closed first, then walk the live windows' widget trees rather
    # than QApplication.allWidgets(): in long test runs, taking every entry of that global list
    # into Python crashed a few times in 3.10-3.13 (a widget type lookup on a stale entry; the
    # root cause is not found). Every widget is a window or inside one, so the set is the same.
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    for widget in _every_widget(app):
        if isinstance(widget, pg.GraphicsView):
            style_plot(widget)
        elif widget.styleSheet():
            # A widget with a style sheet keeps the palette (and the palette(...) colours) it
            # had when the sheet was set: set it again.
            widget.setStyleSheet(widget.styleSheet())
    notifier().changed.emit(resolved)


def _every_widget(app: QApplication) -> list[QWidget]:
    """Each window and every widget inside it."""
    out: list[QWidget] = []
    for window in app.topLevelWidgets():
        out.append(window)
        out.extend(window.findChildren(QWidget))
    return out


def style_plot(view: pg.GraphicsView, background: str | None = None) -> None:
    """Colour a pyqtgraph widget for the theme in force: its background, every axis (lines,
    tick labels, axis labels, grid), every title and label, every legend."""
    c = colors()
    view.setBackground(background or c.background)
    scene = view.scene()
    if scene is None:
        return
    legend_brush = QColor(c.background)
    legend_brush.setAlpha(215)
    font = QApplication.font() if QApplication.instance() is not None else None
    for item in scene.items():
        if isinstance(item, pg.AxisItem):
            item.setPen(pg.mkPen(c.axis, width=px(1)))
            item.setTextPen(pg.mkPen(c.axis))
            if font is not None:  # (tick labels do not follow the app's font by themselves)
                item.setStyle(tickFont=font)
                item.label.setFont(font)
            item.update()
        elif isinstance(item, pg.LegendItem):
            item.setLabelTextColor(c.foreground)
            item.setBrush(pg.mkBrush(legend_brush))
            item.setPen(pg.mkPen(c.grid))
        elif isinstance(item, pg.LabelItem) and item.text:
            # titles were given a size in points when made: keep it, scaled for presenter mode
            base = item.__dict__.setdefault("gdsim_size", item.opts.get("size"))
            size = {} if base is None else {"size": _scaled_points(base)}
            item.setText(item.text, color=c.foreground, **size)


def _scaled_points(size: str) -> str:
    """A pyqtgraph size such as "10pt", scaled for presenter mode."""
    if isinstance(size, str) and size.endswith("pt"):
        try:
            return f"{float(size[:-2]) * scale():g}pt"
        except ValueError:
            return size
    return size


def px(width: float) -> float:
    """`width` logical pixels as the width of a pyqtgraph pen (or a pxMode size such as an
    arrow head's), thicker in presenter mode: those are cosmetic, counted in device pixels,
    so on a 2x screen a "2 px" line would be drawn half as wide as everything around it. (The
    main plots' 1 px data curves stay 1 device pixel on purpose: wider pens are much slower on
    noisy curves; see gdsim.app.plots.style.line_width.)"""
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() else None
    return width * scale() * (screen.devicePixelRatio() if screen is not None else 1.0)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(color: str) -> float:
        q = QColor(color)
        channels = []
        for v in (q.redF(), q.greenF(), q.blueF()):
            channels.append(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, b_ = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
