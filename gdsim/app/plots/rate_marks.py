"""Marks on the plots where the learning rate was changed during a run.

A change of rate explains a kink in the cost or a jump in the gradients; without a mark the
learner sees the effect and not its cause. The trainer records on row t the rate of the update
from t to t+1 (the `learning_rate` extra), so a change takes effect at the first row with the
new value, and the mark goes there. A rate changed between two snapshots is written into the
latest row after that row was sent: the plots then see the new value first on the next
chunk's first row, and the change belongs to the last row they had (the step it was made at).

Values set by hand and parameters frozen or let go are marked the same way, from the run's list
of changes (RunInfo.changes): an edit restarts the views from the trainer's history, so the
list is always complete when the marks are drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gdsim.app import theme

MAX_MARKS = 20  # the newest ones; after that many changes old marks would only clutter
EDITS = ("parameters", "freeze", "unfreeze")
SHOWN_NAMES = 2  # names spelled out in a mark's label; the tooltip has them all


def edit_words(change: dict) -> tuple[str, str]:
    """A hand edit's label on the plot and its tooltip, e.g. ("set w1_1_1 = 0.5", ...)."""
    if change["kind"] == "parameters":
        parts = [f"{name} = {value:g}" for name, value in change["values"].items()]
        verb, tip_verb = "set", "Set by hand:"
    else:
        parts = list(change["names"])
        verb = "froze" if change["kind"] == "freeze" else "unfroze"
        tip_verb = "Frozen (no updates):" if verb == "froze" else "Updated again:"
    shown = ", ".join(parts[:SHOWN_NAMES]) + (" …" if len(parts) > SHOWN_NAMES else "")
    return f"{verb} {shown}", f"{tip_verb} {', '.join(parts)}"


class RateMarks:
    """Dashed vertical lines at rate changes: labelled on the first plot, plain on the others."""

    def __init__(self, plots: Sequence[pg.PlotWidget]):
        self._plots = tuple(plots)
        self._marks: list[tuple[float, list[pg.InfiniteLine]]] = []
        self._last_rate: float | None = None
        self._last_step: float | None = None  # the latest step with a known rate
        self._frozen: frozenset[int] | None = None  # positions frozen at the last snapshot

    def clear(self) -> None:
        for _step, lines in self._marks:
            for plot, line in zip(self._plots, lines, strict=True):
                plot.removeItem(line)
        self._marks.clear()
        self._last_rate = None
        self._last_step = None
        self._frozen = None

    def steps(self) -> list[float]:
        """Where the marks are (for tests and the hover readout)."""
        return [step for step, _lines in self._marks]

    def add(self, steps: np.ndarray, rates: np.ndarray | None) -> None:
        """Mark every recorded step whose rate differs from the one recorded before it."""
        if rates is None or len(rates) == 0:
            return
        rates = np.asarray(rates, dtype=float)
        at = np.asarray(steps, dtype=float).copy()
        previous = np.empty_like(rates)
        previous[0] = rates[0] if self._last_rate is None else self._last_rate
        previous[1:] = rates[:-1]
        if self._last_step is not None and rates[0] != previous[0]:
            at[0] = self._last_step  # changed after the last row sent (see the module's doc)
        for i in np.flatnonzero(rates != previous)[-MAX_MARKS:]:
            self._mark(float(at[i]), float(previous[i]), float(rates[i]))
        self._last_rate = float(rates[-1])
        self._last_step = float(steps[-1])

    def follow_frozen(self, step: int, frozen: np.ndarray, names: Sequence[str]) -> None:
        """Mark a change of the frozen set between two snapshots of a run (a freeze sends no
        new run: the marks of earlier ones come from its list of changes, add_edits)."""
        now = frozenset(frozen.tolist())
        before, self._frozen = self._frozen, now
        if before is None or before == now:
            return  # (the first snapshot of a run sets what is frozen)
        for kind, idx in (("freeze", now - before), ("unfreeze", before - now)):
            if idx:
                change = {"step": step, "kind": kind, "names": [names[i] for i in sorted(idx)]}
                label, tip = edit_words(change)
                self._add(float(step), label, f"{tip} at step {step:,}")

    def add_edits(self, changes: Sequence[dict]) -> None:
        """Mark the hand edits and freezes of a run's list of changes (gdsim.engine.time_travel)."""
        for change in [c for c in changes if c["kind"] in EDITS][-MAX_MARKS:]:
            label, tip = edit_words(change)
            self._add(float(change["step"]), label, f"{tip} at step {change['step']:,}")

    def _mark(self, step: float, old: float, new: float) -> None:
        tip = f"Learning rate changed from {old:g} to {new:g} at step {step:,.0f}"
        self._add(step, f"lr {old:g} → {new:g}", tip)

    def _add(self, step: float, text: str, tip: str) -> None:
        if len(self._marks) == MAX_MARKS:
            _step, lines = self._marks.pop(0)
            for plot, line in zip(self._plots, lines, strict=True):
                plot.removeItem(line)
        lines = []
        for i, plot in enumerate(self._plots):
            label = text if i == 0 else None
            line = pg.InfiniteLine(
                pos=step,
                angle=90,
                movable=False,
                label=label,
                # near the bottom: the legend sits top right, and costs fall away from it
                labelOpts={"position": 0.04, "anchors": [(0, 1), (0, 1)]},
            )
            line.setToolTip(tip)
            line.setZValue(-5)  # behind the curves
            plot.addItem(line, ignoreBounds=True)
            lines.append(line)
        self._marks.append((step, lines))
        self._style(lines)

    def _style(self, lines: list[pg.InfiniteLine]) -> None:
        c = theme.colors()
        pen = pg.mkPen(c.muted, width=theme.px(1), style=Qt.PenStyle.DashLine)
        for line in lines:
            line.setPen(pen)
            label = getattr(line, "label", None)  # (pyqtgraph only makes one if asked)
            if label is not None:
                label.setColor(c.foreground)
                label.fill = pg.mkBrush(c.background)  # readable where it crosses a curve
                label.update()

    def restyle(self) -> None:
        """Recolour for the theme in force. The owning widget calls this from its own theme
        slot: a plain object connected to the app-wide notifier would outlive its plots."""
        for _step, lines in self._marks:
            self._style(lines)
