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
    """One vertical line per plot at a step, labelled on the first plot; hidden while live."""

    def __init__(self, plots: Sequence[pg.PlotWidget]):
        self.step: int | None = None
        self.lines: list[pg.InfiniteLine] = []
        for i, plot in enumerate(plots):
            line = pg.InfiniteLine(
                pos=0,
                angle=90,
                movable=False,
                label="step {value:,.0f}" if i == 0 else None,
                # high on the line: the divergence mark's label sits low
                labelOpts={"position": 0.9, "anchors": [(0, 1), (0, 1)]},
            )
            line.setZValue(20)  # above the curves
            line.hide()
            plot.addItem(line, ignoreBounds=True)  # (it never widens a range)
            self.lines.append(line)
        self.restyle()

    def show_at(self, step: int | None) -> None:
        """The line at `step`; None hides it (live)."""
        self.step = step
        for line in self.lines:
            if step is None:
                line.hide()
            else:
                line.setValue(step)
                line.setToolTip(f"Every view shows step {step:,} (the timeline below)")
                line.show()

    def restyle(self) -> None:
        c = theme.colors()
        pen = pg.mkPen(c.highlight, width=theme.px(2))
        for line in self.lines:
            line.setPen(pen)
            label = getattr(line, "label", None)
            if label is not None:
                label.setColor(c.highlight)
                label.fill = pg.mkBrush(c.background)
                label.update()
