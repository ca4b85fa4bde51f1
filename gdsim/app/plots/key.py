"""The text around the plots: the colour key strip of the shown parameters and the hover readout.

The hover readout is not drawn over the curves: the step and the costs appear in the bar above
the plots (:class:`Readout` builds that text), the parameters' values and gradients in the colour
key under it (:class:`ParameterKey`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from gdsim.app import theme
from gdsim.app.plots.style import PALETTE, series_color

__all__ = ["HINT", "ParameterKey", "Readout", "fmt", "hint_html"]

HINT = "drag to pan, wheel to zoom, hover for values"


def fmt(v: float) -> str:
    return f"{v:.6g}"


def hint_html() -> str:
    """The readout bar while not hovering: the hint, muted."""
    return f"<span style='color:{theme.colors().muted}'>{HINT}</span>"


class Readout:
    """The hover readout's text at one step: plain lines (for readout_text) and the bar's HTML."""

    def __init__(self, step: int) -> None:
        self._muted = theme.colors().muted
        self.lines = [f"step {step}"]
        self._step = step
        self._bar = [f"<b>step {step}</b>"]

    def add_cost(self, label: str, value: float, step: int, color: str) -> None:
        """A cost as recorded at `step` (said when it is not the readout's own step)."""
        where = "" if step == self._step else f" (step {step})"
        self.lines.append(f"{label} = {fmt(value)}{where}")
        self._bar.append(
            f"<span style='color:{color}'>&#9644;</span> {label} = {fmt(value)}"
            f"<span style='color:{self._muted}'>{where}</span>"
        )

    def add_key_legend(self) -> None:
        """Say in the bar how to read the key's numbers."""
        self._bar.append(f"<span style='color:{self._muted}'>key: value &#9474; gradient</span>")

    def add_parameter(self, name: str, value: float) -> None:
        self.lines.append(f"{name} = {fmt(value)}")

    def bar_html(self) -> str:
        return "&nbsp;&nbsp; ".join(self._bar)


class ParameterKey(QLabel):
    """The colour key of the shown parameters: a strip above the plots rather than a legend
    inside them, so it never hides a curve (exported images get an in-plot legend). While
    hovering it shows each parameter's value and gradient at that step; its cells are as wide
    as that, so the strip keeps its height and the plots do not jump."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parameterKey")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setContentsMargins(4, 0, 4, 0)
        self._names: tuple[str, ...] = ()
        self._selection: tuple[int, ...] = ()
        self._columns = 1
        self._values: list[tuple[float, float]] | None = None

    @property
    def values(self) -> list[tuple[float, float]] | None:
        """The (value, gradient) per shown parameter on show, or None."""
        return self._values

    def set_parameters(self, names: tuple[str, ...], selection: tuple[int, ...]) -> None:
        """Key the parameters `selection` (indices into `names`), without numbers."""
        self._names, self._selection = names, selection
        self.show_values(None)

    def show_values(self, values: list[tuple[float, float]] | None = None) -> None:
        """Show the key (again, e.g. in new theme colours); with `values` ((value, gradient) per
        shown parameter) too."""
        self._values = values
        self._columns = self._fit_columns()
        self.setText(self._html())

    def refit(self) -> None:
        """Re-lay out the cells if the strip's width now holds a different number of them."""
        columns = self._fit_columns()
        if columns != self._columns:
            self._columns = columns
            self.setText(self._html())

    def _cell_width(self) -> int:
        """Pixels a key cell needs with its numbers: the same with or without them."""
        names = [self._names[i] for i in self._selection] or [""]
        bold = self.font()
        bold.setWeight(bold.Weight.DemiBold)
        name = QFontMetrics(bold).horizontalAdvance("\u25ac " + max(names, key=len))
        numbers = self.fontMetrics().horizontalAdvance(" -0.0000 \u2502 -0.00e-00")
        return name + numbers + 10

    def _fit_columns(self) -> int:
        # (before the first layout the strip has no width yet: the panel's is close)
        parent = self.parentWidget()
        width = self.contentsRect().width() or (parent.width() if parent is not None else 0)
        return max(1, min(len(self._selection) or 1, width // self._cell_width()))

    def _html(self) -> str:
        c = theme.colors()
        if not self._selection:
            return (
                f"<span style='color:{c.muted}'>no parameters shown: pick some with the "
                "parameters button</span>"
            )
        values = self._values
        cells = []
        for pos, idx in enumerate(self._selection):
            swatch = "&#9644;" if pos < len(PALETTE) else "&#9549;"  # solid / dashed
            cell = (
                f"<span style='color:{series_color(pos)}; font-weight:600'>{swatch}&nbsp;"
                f"{self._names[idx]}</span>"
            )
            if values is not None:
                v, g = values[pos]
                cell += (f" {v:.4g} <span style='color:{c.muted}'>&#9474;</span> {g:.3g}").replace(
                    "-", "&minus;"
                )
            cells.append(cell)
        cols = self._columns
        width = self._cell_width()
        rows = []
        for r in range(0, len(cells), cols):
            tds = "".join(f"<td width={width}>{cell}</td>" for cell in cells[r : r + cols])
            rows.append(f"<tr>{tds}</tr>")
        return f"<table cellspacing=0 cellpadding=0>{''.join(rows)}</table>"
