"""The mark of a run's divergence on the plots: a red line at the step it diverged at.

After divergence the last values are huge or not finite; the plots fit their y ranges to the
steps before (see PlotPanel.refresh), and this line says where the run left the chart and why.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt

from gdsim.app import theme


class DivergenceMark:
    """One vertical line per plot at the step the run diverged at (labelled on the first)."""

    def __init__(self, plots: Sequence[pg.PlotWidget]):
        self._plots = tuple(plots)
        self._lines: list[pg.InfiniteLine] = []
        self.step: int | None = None

    def clear(self) -> None:
        for plot, line in zip(self._plots, self._lines, strict=False):
            plot.removeItem(line)
        self._lines = []
        self.step = None

    def show(self, step: int, why: str) -> None:
        """Mark `step` (once per run: the first divergence is the one that stopped it)."""
        if self.step is not None:
            return
        self.step = step
        for i, plot in enumerate(self._plots):
            line = pg.InfiniteLine(
                pos=step,
                angle=90,
                movable=False,
                label="diverged" if i == 0 else None,
                # low on the line: the legend and the rate marks sit at the top
                labelOpts={"position": 0.06, "anchors": [(1, 1), (1, 1)]},
            )
            line.setToolTip(f"The run diverged at step {step:,}: {why}")
            plot.addItem(line, ignoreBounds=True)
            self._lines.append(line)
        self.restyle()

    def restyle(self) -> None:
        c = theme.colors()
        pen = pg.mkPen(c.negative, width=theme.px(1.5), style=Qt.PenStyle.DashDotLine)
        for line in self._lines:
            line.setPen(pen)
            label = getattr(line, "label", None)
            if label is not None:
                label.setColor(c.negative)
                label.fill = pg.mkBrush(c.background)
                label.update()
