"""The timeline's cursor: a vertical line at the step every view shows while looking back.

Drawn on the three plots and the gradient health plot, in the theme's highlight colour (the
timeline's words are in it too), so the step being looked at is found at a glance while the
curves keep growing to its right.

For "hide the future, predict, reveal" (predict mode on the timeline) the cursor can also
cover everything right of it: one opaque rectangle per plot, in that plot's background colour,
above the curves and their dots. It is a single item per plot that reaches just past the
plot's visible right edge (moved when the view pans or zooms: a rectangle a trillion steps wide
is not drawn at all), so covering costs nothing while the curves grow.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg

from gdsim.app import theme

__all__ = ["StepCursor"]

_COVER_Z = 60  # above the curves (0) and their now-dots (50), below the hover dots (90)
_LINE_Z = 70  # the line stays visible on the cover's edge


class StepCursor:
    """One vertical line per plot at a step; off the plots while live. (Unlabelled: a label
    at the top ran into the legend, and the timeline under the plots names the step.)"""

    def __init__(self, plots: Sequence[pg.PlotWidget]):
        self.step: int | None = None
        self.covering = False  # whether the steps right of the cursor are hidden
        self._plots = tuple(plots)
        self.lines: list[pg.InfiniteLine] = []
        self.covers: list[pg.LinearRegionItem] = []
        for _plot in self._plots:
            line = pg.InfiniteLine(pos=0, angle=90, movable=False)
            line.setZValue(_LINE_Z)  # above the curves
            self.lines.append(line)
            cover = pg.LinearRegionItem((0, 1), movable=False)
            cover.setZValue(_COVER_Z)
            for edge in cover.lines:
                edge.setPen(pg.mkPen(None))
            cover.setToolTip("The steps after this one are hidden until you answer")
            self.covers.append(cover)
            _plot.getPlotItem().getViewBox().sigXRangeChanged.connect(self._fit_covers)
        self.restyle()

    def show_at(self, step: int | None) -> None:
        """The line at `step`; None takes it off the plots (live: they hold only their marks),
        and the cover with it."""
        was = self.step
        self.step = step
        if step is None:
            self.cover(False)
        for plot, line in zip(self._plots, self.lines, strict=True):
            if step is None:
                if was is not None:
                    plot.removeItem(line)
                continue
            line.setValue(step)
            line.setToolTip(f"Every view shows step {step:,} (the timeline below)")
            if was is None:
                plot.addItem(line, ignoreBounds=True)  # (it never widens a range)
        self._fit_covers()

    def cover(self, on: bool) -> None:
        """Hide (True) or show again the plots right of the cursor. Only while the cursor is
        on the plots: live there is no future to hide."""
        on = bool(on) and self.step is not None
        if on == self.covering:
            return
        self.covering = on
        for plot, cover in zip(self._plots, self.covers, strict=True):
            if on:
                plot.addItem(cover, ignoreBounds=True)
            else:
                plot.removeItem(cover)
        self._fit_covers()

    def _fit_covers(self, *_args) -> None:
        """From the cursor to a little past each plot's visible right edge."""
        if not self.covering or self.step is None:
            return
        for plot, cover in zip(self._plots, self.covers, strict=True):
            (left, right), _ = plot.getPlotItem().getViewBox().viewRange()
            far = max(right, self.step) + max(right - left, 1.0)
            cover.setRegion((self.step, far))

    def restyle(self) -> None:
        c = theme.colors()
        pen = pg.mkPen(c.highlight, width=theme.px(2))
        for line in self.lines:
            line.setPen(pen)
        for plot, cover in zip(self._plots, self.covers, strict=True):
            colour = plot.backgroundBrush().color()  # (the plot's own: one is tinted)
            colour.setAlpha(255)
            cover.setBrush(pg.mkBrush(colour))
            cover.setHoverBrush(pg.mkBrush(colour))
