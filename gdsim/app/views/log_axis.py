"""A log axis whose tick labels never overprint (the gradient health plot's y axis).

pyqtgraph labels every minor tick (2..9 x 10^k) of a range shorter than about a decade, and the
labels of neighbouring ticks then overlap. Here: over a decade or more, decades are labelled
(every k-th when they are dense) and the minor ticks are not; over less, a few round values
(1-2-5 steps) are labelled, none closer than a line of text.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

__all__ = ["LogAxis"]


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that is >= raw."""
    k = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10**k >= raw:
            return m * 10**k
    return 10 ** (k + 1)


class LogAxis(pg.AxisItem):
    """A log axis whose labels never overprint.

    pyqtgraph labels every minor tick (2..9 x 10^k) of a range shorter than about a decade, and
    the labels of neighbouring ticks then overlap. Here: over a decade or more, decades are
    labelled (every k-th when they are dense) and the minor ticks are not; over less, a few
    round values (1-2-5 steps) are labelled, none closer than a line of text.
    """

    _labels: dict[float, str] = {}

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 (pyqtgraph)
        lo, hi = sorted((float(minVal), float(maxVal)))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        gap = 1.6 * QFontMetrics(self.style["tickFont"] or self.font()).height()  # px
        per_px = (hi - lo) / size  # decades per pixel
        minor = [
            d + math.log10(m)
            for d in range(math.floor(lo), math.ceil(hi) + 1)
            for m in range(2, 10)
            if lo <= d + math.log10(m) <= hi
        ]
        if math.ceil(lo) < math.floor(hi):  # at least two decades in view
            every = max(1, math.ceil(gap * per_px))
            major = [float(d) for d in range(math.ceil(lo), math.floor(hi) + 1) if d % every == 0]
            labels = {v: _decade(v) for v in major}
        else:
            a, b = 10**lo, 10**hi
            step = _nice_step((b - a) / max(2.0, size / (2 * gap)))
            values = np.arange(math.ceil(a / step), math.floor(b / step) + 1) * step
            labels, last = {}, -math.inf
            for v in values[values > 0]:
                y = math.log10(v)
                if (y - last) / per_px >= gap:
                    labels[y] = f"{v:.3g}"
                    last = y
            major = list(labels)
        self._labels = {round(v, 9): text for v, text in labels.items()}
        return [(1.0, major), (None, [v for v in minor if round(v, 9) not in self._labels])]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        return [self._labels.get(round(v, 9), "") for v in values]


def _decade(k: float) -> str:
    k = round(k)
    return f"{10.0**k:g}" if -3 <= k <= 3 else f"1e{k}"
