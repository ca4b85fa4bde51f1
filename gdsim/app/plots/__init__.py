"""The three linked live plots (cost, parameter values, gradients) and their parts.

:class:`PlotPanel` (``panel``) composes them: the parameter picker (``picker``), the colour key and
hover readout (``key``), PNG/SVG export (``export``), axis ranges (``ranges``, Qt-free), styles
(``style``), the bounded curve (``curve``) and the learning-rate marks (``rate_marks``).
"""

from gdsim.app.plots.panel import PlotPanel

__all__ = ["PlotPanel"]
