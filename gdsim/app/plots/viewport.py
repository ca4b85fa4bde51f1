"""Which steps and values the three linked plots show, set on their ViewBoxes.

The panel sets the ranges itself (the rules, and why not pyqtgraph's auto-range, are in
:mod:`gdsim.app.plots.ranges`): in auto mode every step from the first to the latest is in view,
rounded up; once the user pans or zooms, the x range is theirs, and with "follow latest" a view
that reaches the newest step scrolls along as training goes on. A view's own "auto" (pyqtgraph's
context menu or its A button) means: show everything again. The y ranges follow the drawn values
with hysteresis, each plot until the user moves it.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox

from gdsim.app.plots.ranges import AxisRanges

__all__ = ["Viewport"]


class Viewport:
    """The ranges of `views` (the plots' ViewBoxes, x-linked to the first). `follow` is the
    "follow latest" check box; `on_show_all` (a method of the owner, held weakly: no reference
    cycle with the owner widget) is called when a view's own auto-range asks for every step
    again (the panel then redraws)."""

    def __init__(
        self, views: Sequence[pg.ViewBox], follow: QCheckBox, on_show_all: Callable[[], None]
    ) -> None:
        self._vbs = tuple(views)
        self._follow = follow
        self._on_show_all = weakref.WeakMethod(on_show_all)
        self._ranges = AxisRanges(len(self._vbs))
        self.drawn_latest: int | None = None  # the latest step at the last draw

    def show_all(self) -> None:
        """Every step in view and y fitted, in all the plots, from now on (until the user pans
        or zooms)."""
        self._ranges.show_all()
        for vb in self._vbs:
            vb.enableAutoRange(x=False, y=False)

    def user_moved(self, index: int, *_args) -> None:
        self._ranges.user_moved(index)

    def forget_y(self, index: int) -> None:
        """Fit plot `index`'s y range afresh at the next draw (e.g. its units changed)."""
        self._ranges.forget_y(index)

    def fit_y(self, index: int, lows: np.ndarray, highs: np.ndarray) -> None:
        """Fit plot `index`'s y range to the drawn values (if it follows the data; rarely)."""
        want = self._ranges.y_range(index, lows, highs)
        if want is not None:
            self._vbs[index].setYRange(*want, padding=0)

    def x_auto(self) -> bool:
        """Whether the x range follows the data (every step in view)."""
        # a view's own "auto" (its context menu) means: show everything again
        if any(vb.autoRangeEnabled()[0] for vb in self._vbs):
            show_all = self._on_show_all()
            if show_all is not None:
                show_all()
        return self._ranges.auto_x

    def apply_auto_x(self, first: int, latest: int) -> None:
        """In auto mode, put every step from `first` to `latest` in view."""
        if not self.x_auto() or latest < 0:
            return
        want = self._ranges.x_range(first, latest)
        if want is not None:
            self._vbs[0].setXRange(*want, padding=0.02)

    def follow_latest(self, latest: int) -> None:
        """Scroll a view that showed the previous latest step on to `latest`."""
        prev = self.drawn_latest
        if not self._follow.isChecked() or prev is None or latest <= prev or self.x_auto():
            return
        x0, x1 = self._vbs[0].viewRange()[0]
        if x1 >= prev:
            shift = latest - prev
            self._vbs[0].setXRange(x0 + shift, x1 + shift, padding=0)

    def key(self, log: bool) -> tuple:
        """What a draw depends on besides the data: ((x0, x1), plot widths in px, log)."""
        if self.x_auto():
            xr = (-math.inf, math.inf)
        else:
            x0, x1 = self._vbs[0].viewRange()[0]
            xr = (float(x0), float(x1))
        return xr, tuple(max(32, int(vb.width())) for vb in self._vbs), log
