"""The hover readout: what the three plots show at the step under the mouse.

A vertical line and dots in each plot mark the recorded step nearest the mouse (the step of the
nearest parameter row when parameters are shown, else of the nearest cost); the numbers are
outside the plots, so they never hide a curve: the step and the costs in the bar above the
plots, each shown parameter's value and gradient in the colour key. Leaving a plot hides it all.

* :func:`hover_at` works out what to show at a step, from the store (no drawing);
* :class:`HoverMarks` are the line and dots (on the ViewBoxes, not data items, so they are in
  no legend and change no auto-range);
* :class:`HoverReadout` shows it all (the panel follows the mouse, rate-limited to 30 Hz).

None of these keeps a reference to the panel: a helper that held its widget would make a
reference cycle, freed only by Python's garbage collector at an arbitrary moment, and a Qt
widget deleted at an arbitrary moment (say, while Qt is walking a list of widgets) crashes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel

from gdsim.app.plots.key import ParameterKey, Readout, hint_html
from gdsim.app.plots.store import PlotStore
from gdsim.app.plots.style import COST_NAMES, cost_color, series_color

__all__ = ["Hover", "HoverMarks", "HoverReadout", "hover_at"]


@dataclass
class Hover:
    """What the readout shows at one step."""

    step: int
    readout: Readout  # the bar's HTML and the plain lines
    spots: tuple[list[dict], list[dict], list[dict]]  # the dots of each plot
    values: list[tuple[float, float]] | None  # (value, gradient) per shown parameter, for the key


def hover_at(
    store: PlotStore, step: float, selection: Sequence[int], costs: Iterable[str], log: bool
) -> Hover | None:
    """The readout at the recorded step nearest to `step` of the cost series `costs` and the
    `selection`'s rows (None when nothing is recorded yet). `log`: the cost axis is log10."""
    if store.cost is None or store.cost.n == 0:
        return None
    rows = store.rows
    if rows is not None and rows.n and selection:
        r = rows.nearest(step)
        at = int(rows.steps[r])
    else:
        r = -1
        at = int(store.cost.steps[store.cost.nearest(step)])

    # costs: in the bar
    readout = Readout(at)
    cost_spots = []
    for name in costs:
        s = store.series(name)
        i = s.nearest(at)
        if i < 0:
            continue
        v = s.value(i, 0)
        st = int(s.steps[i])
        color = cost_color(name)
        readout.add_cost("C" if name == "cost" else COST_NAMES[name], v, st, color)
        y = v
        if log:
            y = math.log10(v) if v > 0 and math.isfinite(v) else math.nan
        if math.isfinite(y):
            cost_spots.append({"pos": (st, y), "brush": pg.mkBrush(color)})
    if r >= 0:
        readout.add_key_legend()

    # parameters and gradients: in the key
    names = store.names
    p = len(names)
    values = []
    row_spots: list[list[dict]] = []
    for plot_i, offset, fmt_name in ((1, 0, "{}"), (2, p, "dC/d{}")):
        spots = []
        if r >= 0:
            for pos, idx in enumerate(selection):
                v = rows.value(r, offset + idx)
                readout.add_parameter(fmt_name.format(names[idx]), v)
                if math.isfinite(v):
                    spots.append({"pos": (at, v), "brush": pg.mkBrush(series_color(pos))})
                if plot_i == 1:
                    values.append((v, rows.value(r, p + idx)))
        row_spots.append(spots)
    return Hover(at, readout, (cost_spots, *row_spots), values if r >= 0 else None)


class HoverMarks:
    """A vertical line and a set of dots in each of the given plots, hidden until shown."""

    def __init__(self, plots: Sequence[pg.PlotWidget]) -> None:
        self.lines: list[pg.InfiniteLine] = []
        self.dots: list[pg.ScatterPlotItem] = []
        for plot in plots:
            line = pg.InfiniteLine(angle=90, movable=False)
            dots = pg.ScatterPlotItem(size=7)
            dots.setZValue(90)
            for it in (line, dots):
                it.setVisible(False)
                # on the ViewBox, not the PlotItem: not data items, not in the legend
                plot.getPlotItem().getViewBox().addItem(it, ignoreBounds=True)
            self.lines.append(line)
            self.dots.append(dots)

    def restyle(self, line_color: str, ring_color: str) -> None:
        for line in self.lines:
            line.setPen(pg.mkPen(line_color, width=1))
        # a ring in the background colour sets the dots off from the curves under them
        for dots in self.dots:
            dots.setPen(pg.mkPen(ring_color, width=1))

    def show_line(self, step: int) -> None:
        for line in self.lines:
            line.setPos(step)
            line.setVisible(True)

    def set_dots(self, i: int, spots: list[dict]) -> None:
        dots = self.dots[i]
        dots.setData(spots)
        dots.setVisible(bool(spots))

    def hide(self) -> None:
        for group in (self.lines, self.dots):
            for it in group:
                it.setVisible(False)


class HoverReadout:
    """Shows a :class:`Hover` on `plots` (line and dots), in `bar` (the step and the costs) and
    in `key` (values and gradients). ``step`` is the step shown (None while hidden), ``lines``
    the readout as plain text. The owner follows the mouse and works out what to show; this
    keeps no reference to it (no reference cycle: see the module doc)."""

    def __init__(self, plots: Sequence[pg.PlotWidget], bar: QLabel, key: ParameterKey) -> None:
        self._bar = bar
        self._key = key
        self.step: int | None = None
        self.lines: list[str] = []
        self.marks = HoverMarks(plots)

    def hide(self) -> None:
        self.step = None
        self.lines = []
        self.marks.hide()
        self._bar.setText(hint_html())
        if self._key.values is not None:
            self._key.show_values(None)

    def show(self, hover: Hover | None) -> int | None:
        """Show `hover`; returns its step (None, and hidden, when there is nothing to show)."""
        if hover is None:
            self.hide()
            return None
        self.step = hover.step
        marks = self.marks
        marks.show_line(hover.step)
        marks.set_dots(0, hover.spots[0])
        self._bar.setText(hover.readout.bar_html())
        marks.set_dots(1, hover.spots[1])
        marks.set_dots(2, hover.spots[2])
        self.lines = hover.readout.lines
        self._key.show_values(hover.values)
        return hover.step
