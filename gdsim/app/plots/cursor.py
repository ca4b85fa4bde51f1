"""The timeline's cursor: a vertical line at the step every view shows while looking back.

Drawn on the three plots and the gradient health plot, in the theme's highlight colour (the
timeline's words are in it too), so the step being looked at is found at a glance while the
curves keep growing to its right.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg

from gdsim.app import theme

__all__ = ["StepCursor"]


class StepCursor:
    """One vertical line per plot at a step; off the plots while live. (Unlabelled: a label
    at the top ran into the legend, and the timeline under the plots names the step.)"""

    def __init__(self, plots: Sequence[pg.PlotWidget]):
        self.step: int | None = None
        self._plots = tuple(plots)
        self.lines: list[pg.InfiniteLine] = []
        for _plot in self._plots:
            line = pg.InfiniteLine(pos=0, angle=90, movable=False)
            line.setZValue(20)  # above the curves
            self.lines.append(line)
        self.restyle()

    def show_at(self, step: int | None) -> None:
        """The line at `step`; None takes it off the plots (live: they hold only their marks)."""
        was = self.step
        self.step = step
        for plot, line in zip(self._plots, self.lines, strict=True):
            if step is None:
                if was is not None:
                    plot.removeItem(line)
                continue
            line.setValue(step)
            line.setToolTip(f"Every view shows step {step:,} (the timeline below)")
            if was is None:
                plot.addItem(line, ignoreBounds=True)  # (it never widens a range)

    def restyle(self) -> None:
        c = theme.colors()
        pen = pg.mkPen(c.highlight, width=theme.px(2))
        for line in self.lines:
            line.setPen(pen)
