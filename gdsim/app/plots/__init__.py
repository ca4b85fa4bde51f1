"""The three linked live plots (cost, parameter values, gradients) and their parts.

:class:`PlotPanel` (``panel``) composes them: the run's data within a budget (``store``,
Qt-free), the curves and "now" dots (``curves``), the hover readout (``hover``), the axis ranges
(``viewport``, on the Qt-free rules in ``ranges``), the parameter picker (``picker``), the
colour key and readout text (``key``), PNG/SVG export (``export``), styles (``style``), the
bounded curve (``curve``) and the learning-rate marks (``rate_marks``).
"""

from gdsim.app.plots.panel import PlotPanel

__all__ = ["PlotPanel"]
