"""The plots' curve item: a plain PlotCurveItem that is told its bounds with its data."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from gdsim.app.plots.style import antialiased

__all__ = ["BoundedCurve", "new_curve"]


class BoundedCurve(pg.PlotCurveItem):
    """A curve that is told its bounds: pyqtgraph would otherwise scan every curve's data
    with nanmin/nanmax on every frame, which we already know from the envelope."""

    _known: tuple | None = None

    def show_data(self, x: np.ndarray, y: np.ndarray, y_lo: float, y_hi: float) -> None:
        self._known = None
        self.setData(x, y, connect="finite")
        if x.size and math.isfinite(y_lo) and math.isfinite(y_hi):
            self._known = ((float(x[0]), float(x[-1])), (y_lo, y_hi))

    def dataBounds(self, ax, frac=1.0, orthoRange=None):  # noqa: N802 (pyqtgraph's name)
        if self._known is not None and frac == 1.0 and orthoRange is None:
            return self._known[ax]
        return super().dataBounds(ax, frac, orthoRange)


def new_curve(pen, name: str) -> BoundedCurve:
    """A curve for the plots; `name` puts it in its plot's legend."""
    # PlotCurveItem, not PlotDataItem: we decimate and log-transform ourselves, and its
    # setData costs ~15 us against ~250 us for PlotDataItem's (measured here).
    return BoundedCurve(pen=pen, name=name, antialias=antialiased(), connect="finite")
