"""Drawing helpers shared by the parts of the two-parameter lesson: short numbers, coordinates
clipped to what pyqtgraph can draw, thinned paths and a bare plot widget."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

DRAW_LIMIT = 1e6  # coordinates beyond this are clipped before drawing (pyqtgraph-safe)
MAX_PATH_POINTS = 3000  # longer paths are thinned for drawing
MAX_DOTS = 100  # dots on a path only while it is this short


def num(x: float, digits: int = 5) -> str:
    """A short, readable number with a real minus sign."""
    if not math.isfinite(x):
        return str(x)
    text = f"{x:.{digits}g}"
    return text.replace("-", "−")


def vec(v) -> str:
    return "[" + ", ".join(num(float(x)) for x in v) + "]"


def clip(a):
    return np.clip(np.asarray(a, dtype=np.float64), -DRAW_LIMIT, DRAW_LIMIT)


def thin(points: np.ndarray) -> np.ndarray:
    """Finite rows only, at most MAX_PATH_POINTS of them (always keeping the last)."""
    points = points[np.all(np.isfinite(points), axis=1)]
    if len(points) > MAX_PATH_POINTS:
        idx = np.unique(
            np.r_[np.linspace(0, len(points) - 1, MAX_PATH_POINTS).astype(int), len(points) - 1]
        )
        points = points[idx]
    return clip(points)


def set_path(item: pg.PlotDataItem, params: np.ndarray) -> None:
    """Draw a run's parameter history as a path, with a dot per step while it is short."""
    path = thin(params)
    item.setData(path[:, 0], path[:, 1])
    item.setSymbol("o" if len(path) <= MAX_DOTS else None)


def make_plot(name: str, title: str) -> pg.PlotWidget:
    widget = pg.PlotWidget()
    widget.setObjectName(name)
    item = widget.getPlotItem()
    item.setTitle(title, size="10pt")  # (colours: TwoParameterLesson._apply_theme)
    item.setMenuEnabled(False)
    item.hideButtons()
    return widget
