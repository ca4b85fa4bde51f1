"""Weight images: each first-layer neuron's incoming weights drawn as an image of the input,
beside the image of its gradient, live while training: the learner watches features form.

For image-like inputs only (a data set with an ``image_shape``, such as the 8x8 digits, or a CSV
whose number of inputs is a square >= 16, read as a square image row by row); otherwise the tab
says what it would show and when. Only the neurons of one page are drawn (as many as fit; Prev /
Next page through the rest), only while the tab shows, at most 5 times a second. The values
come from the snapshot's flat vectors through the layer-1 block of the ParameterIndex (index
arrays, no per-parameter work); the numbers and colours are
:mod:`gdsim.app.views.weight_images_numbers`, the picture
:mod:`gdsim.app.views.weight_images_grid`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.run_view import Feed
from gdsim.app.views.weight_images_grid import ColourBar, NeuronGrid
from gdsim.app.views.weight_images_numbers import (
    MIN_SQUARE_INPUTS,
    diverging_lut,
    first_layer_block,
    image_shape_of,
    page_bounds,
    page_text,
    row_scales,
    symmetric_scale,
    to_rgba,
)
from gdsim.config import ConfigError
from gdsim.engine.datasets import DataError
from gdsim.session.run_model import run_data
from gdsim.session.runstate import RunInfo, Snapshot

__all__ = ["WeightImagesView"]

WHAT = (
    "Weight images: for inputs that are the pixels of an image (a data set such as the 8×8 "
    f"digits, or a CSV with a square number of inputs of at least {MIN_SQUARE_INPUTS}, e.g. "
    "784 = 28×28, read row by row), each first-layer neuron's incoming weights are drawn as an "
    "image beside its gradient, so you can watch features form while training."
)


def _rgb(color: str) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


class WeightImagesView(QWidget):
    """A page of first-layer neurons as weight and gradient images, or a note."""

    run_feed = Feed(every_row=False, interval_ms=200, only_visible=True)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("weightImagesView")
        self._info: RunInfo | None = None
        self._shape: tuple[int, int] | None = None
        self._block = np.zeros((0, 0), dtype=np.intp)
        self._snap: Snapshot | None = None
        self._page = 0
        self._dirty = False
        self.redraws = 0  # how many times a page was computed (tests: idle while hidden)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        self.note = QLabel()
        self.note.setObjectName("weightImagesNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setStyleSheet("color: palette(placeholder-text); padding: 12px;")

        self.header = QWidget()
        bar = QHBoxLayout(self.header)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(6)
        self.prev_button = QPushButton("◀ Prev")
        self.next_button = QPushButton("Next ▶")
        for button, step in ((self.prev_button, -1), (self.next_button, 1)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, s=step: self.turn_page(s))
        self.page_label = QLabel()
        self.page_label.setObjectName("weightImagesPage")
        self.explain = QLabel("each neuron: w | dC/dw")
        self.explain.setStyleSheet("color: palette(placeholder-text);")
        self.explain.setToolTip(
            "Each neuron of layer 1 as two images of the input: its incoming weights (left) and "
            "their gradient dC/dw (right), pixel k = the weight from input k. Hover a pixel for "
            "its values."
        )
        self.explain.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.own_scale = QCheckBox("scale per neuron")
        self.own_scale.setObjectName("weightImagesOwnScale")
        self.own_scale.setToolTip(
            "Off: one colour scale for all neurons (compare them). On: each neuron on its own "
            "scale (see the pattern of a neuron whose weights are small)."
        )
        self.own_scale.toggled.connect(lambda _on: self._redraw())
        self.weight_bar = ColourBar("w")
        self.gradient_bar = ColourBar("dC/dw")
        bar.addWidget(self.prev_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addSpacing(10)
        bar.addWidget(self.explain, 1)
        bar.addWidget(self.own_scale)
        bar.addWidget(self.weight_bar)
        bar.addWidget(self.gradient_bar)

        self.grid = NeuronGrid()
        self.grid.capacity_changed.connect(self._on_capacity)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.header)
        layout.addWidget(self.grid, 1)
        self._show_note("Weight images: start a run to see them. " + WHAT)
        theme.notifier().changed.connect(self._on_theme)

    # ------------------------------------------------------------------ public API
    def start_run(self, info: RunInfo) -> None:
        """A new run: find out whether its inputs are an image and where layer 1's weights are."""
        self._info, self._snap, self._page, self._shape = info, None, 0, None
        self._block = np.zeros((0, 0), dtype=np.intp)
        config = info.config
        if config.mode != "network":
            self._show_note("Weight images: for networks; function mode has no inputs. " + WHAT)
            return
        try:
            data = run_data(config)
        except (DataError, ConfigError, ValueError, OSError) as exc:
            self._show_note(f"Weight images: cannot load the data: {exc}")
            return
        shape = image_shape_of(data, data.n_inputs, config.data.source == "csv")
        if shape is None:
            names = ", ".join(data.input_names[:4]) + (", …" if data.n_inputs > 4 else "")
            self._show_note(
                f"{WHAT} This run's {data.n_inputs} input(s) ({names}) are not an image, so "
                "there is nothing to draw here."
            )
            return
        block = first_layer_block(info.parameter_index)
        if block.shape[1] != shape[0] * shape[1]:
            self._show_note("Weight images: the network does not match the data's inputs.")
            return
        self._shape, self._block = shape, block
        self.note.hide()
        self.header.show()
        self.grid.show()
        self._update_page_label(*page_bounds(0, self.grid.capacity(), block.shape[0]))

    def update_from(self, snap: Snapshot) -> None:
        """Keep the latest parameters; draw them now if the tab shows, else when it is shown."""
        if self._info is None or snap.run_id != self._info.run_id or self._shape is None:
            return
        self._snap = snap
        if self.isVisible():
            self._redraw()
        else:
            self._dirty = True

    def turn_page(self, step: int) -> None:
        """Show the next (`step` 1) or previous (-1) page of neurons."""
        n = self._block.shape[0]
        per_page = self.grid.capacity()
        start, _ = page_bounds(self._page + step, per_page, n)
        self._page = start // max(1, per_page)
        self._redraw()

    def image_shape(self) -> tuple[int, int] | None:
        return self._shape

    def shown_neurons(self) -> np.ndarray:
        """The 1-based numbers of the neurons on the page."""
        return self.grid.neurons.copy()

    def note_text(self) -> str:
        return self.note.text() if not self.note.isHidden() else ""

    # ------------------------------------------------------------------ drawing
    def _redraw(self) -> None:
        snap, shape = self._snap, self._shape
        self._dirty = False
        if snap is None or shape is None:
            return
        self.redraws += 1
        block = self._block
        n = block.shape[0]
        per_page = self.grid.capacity()
        start, stop = page_bounds(self._page, per_page, n)
        self._page = start // max(1, per_page)
        theta = np.asarray(snap.parameters)
        grads = np.asarray(snap.gradients)
        all_w, all_g = theta[block], grads[block]  # layer 1 only: the shared scales
        page = slice(start, stop)
        w, g = all_w[page], all_g[page]
        if self.own_scale.isChecked():  # one scale per neuron shown
            w_scale, g_scale = row_scales(w)[:, :, None], row_scales(g)[:, :, None]
        else:
            w_scale, g_scale = symmetric_scale(all_w), symmetric_scale(all_g)
        lut = self._lut()
        rows, cols = shape
        rgba_w = to_rgba(w.reshape(-1, rows, cols), w_scale, lut)
        rgba_g = to_rgba(g.reshape(-1, rows, cols), g_scale, lut)
        self.grid.set_page(np.arange(start + 1, stop + 1), w, g, rgba_w, rgba_g, shape)
        own = self.own_scale.isChecked()
        self.weight_bar.set_scale(None if own else w_scale, lut)
        self.gradient_bar.set_scale(None if own else g_scale, lut)
        self._update_page_label(start, stop)

    def _update_page_label(self, start: int, stop: int) -> None:
        n = self._block.shape[0]
        self.page_label.setText(page_text(start, stop, n))
        self.prev_button.setEnabled(start > 0)
        self.next_button.setEnabled(stop < n)
        paging = stop - start < n
        self.prev_button.setVisible(paging)
        self.next_button.setVisible(paging)

    @staticmethod
    def _lut() -> np.ndarray:
        c = theme.colors()
        return diverging_lut(_rgb(c.negative), _rgb(c.background), _rgb(c.positive))

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()
        self.header.hide()
        self.grid.hide()

    # ------------------------------------------------------------------ Qt
    def _on_theme(self, *_args) -> None:
        if self.isVisible():
            self._redraw()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._dirty:
            self._redraw()

    def _on_capacity(self, _capacity: int) -> None:
        if self._snap is not None and self.isVisible():
            self._redraw()  # as many neurons as now fit
