"""One training update walked through in four phases on a picture of the network.

1. Forward pass: every connection is drawn by its weight (blue positive, red negative, thicker
   for a larger |w|); each neuron is filled by its activation a for the chosen sample. (The
   blue, red, gray and orange are the theme's: lighter ones on a dark background.)
2. Cost: the output neurons show the prediction ŷ beside the target y; the loss L of the
   sample and the cost C of the batch are spelled out.
3. Backward pass: the connections show the gradient dC/dw the next update will use; each neuron
   shows dL/dz for the chosen sample (how the sample's loss changes with the neuron's z).
4. Update: the connections show the change the next step makes (-learning rate × gradient for
   plain SGD; for other optimizers, the previous step's actual change, labelled as such).
The "Next phase" after the update asks the window for one real step (`step_requested`) and
goes back to the forward pass.

Setting a value: double-click a connection (its weight) or a neuron (its bias) and type the new
value in the small editor that opens there; Enter asks for it (`value_edit_requested(name,
value)`, which the window passes to the trainer), Escape cancels. The diagram does not change
its own numbers: the next snapshot shows the trainer's. Text that is not a finite number is
refused (`refused(reason)`) and the value in force stays. `set_editable(False, why)` (a past
step on the timeline, no run) makes a double-click say `why` instead. Inputs and the neurons a
big layer does not draw cannot be edited here. Frozen parameters are drawn dashed (a frozen
bias: a dashed outline and a padlock).

Worked numbers: for a small network (:func:`gdsim.app.views.diagram_worked.worked_limit`) a
panel beside the diagram (the "Worked numbers" toggle) spells out the current phase for the
chosen sample with the actual numbers, as selectable text.

Neuron maps (2-input data), the "Neuron: map and why" side tab (a single click on a neuron)
and "Export image…" are :class:`gdsim.app.views.diagram_side.DiagramSide`'s (a mixin).

`start_run(info)` builds a GUI-side copy of the network and loads the training data exactly as
the trainer does; `update_from(snap)` copies the snapshot's parameters and gradients in.
Snapshots of other runs are ignored. Work is done only when the view is (or becomes) visible.

This module is the view (its controls, its phase and sample, when to recompute); the picture is
:class:`gdsim.app.views.diagram_scene.DiagramScene` and the numbers and words, Qt-free, are
:mod:`gdsim.app.views.diagram_numbers`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gdsim.app import theme
from gdsim.app.run_view import Feed
from gdsim.app.views.diagram_edit import EDIT_HINT, EditableDiagram, ValueEditor
from gdsim.app.views.diagram_inputs import InputToggles
from gdsim.app.views.diagram_numbers import (
    PHASES,
    info_text,
    phase_numbers,
    short,
    sign_name,
    tiny,
    update_description,
)
from gdsim.app.views.diagram_scene import MAX_SHOWN, DiagramScene
from gdsim.app.views.diagram_side import DiagramSide
from gdsim.app.views.diagram_worked import worked, worked_limit
from gdsim.engine.network import Network
from gdsim.session.run_model import run_model
from gdsim.session.runstate import RunInfo, Snapshot

__all__ = [
    "MAX_SHOWN",
    "MIN_ZOOM",
    "PHASES",
    "NetworkDiagramView",
    "short",
    "sign_name",
    "tiny",
]

MIN_ZOOM = 0.6  # below this the numbers inside the neurons cannot be read: scroll instead
# with neuron maps a small network (at most 8 neurons a layer) is shown whole down to this zoom:
# its maps still read, and its bigger neurons would otherwise make the short tab scroll
MAP_MIN_ZOOM = 0.5


class NetworkDiagramView(DiagramSide, EditableDiagram, QWidget):
    """The network as a diagram; one update in four phases: forward, cost, backward, update."""

    run_feed = Feed(only_visible=True)  # the latest parameters, while its tab shows

    step_requested = Signal()
    phaseChanged = Signal(int)
    value_edit_requested = Signal(str, float)  # a parameter's name and the value typed
    refused = Signal(str)  # one line: why an edit was not made

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("networkDiagramView")
        self._info: RunInfo | None = None
        self._net: Network | None = None
        self._x: np.ndarray | None = None
        self._y: np.ndarray | None = None
        self._input_names: tuple[str, ...] = ()
        self._snap: Snapshot | None = None
        self._phase = 1
        self._dirty = False
        self._editable = True
        self._why_not = ""
        self._worked_reason = "Start a run to see the worked numbers."
        self._build()
        # the scene's items by name (its dicts, emptied in place when it is rebuilt)
        self._edges = self.scene.edges
        self._nodes = self.scene.nodes
        self._side_texts = self.scene.side_texts
        self._show_note("Start a run to see the network.")
        self._update_phase_widgets()
        self._apply_theme()
        theme.notifier().changed.connect(self._apply_theme)

    def _apply_theme(self, *_args) -> None:
        c = theme.colors()
        self.diagram.setBackgroundBrush(QBrush(QColor(c.background)))
        self.scene.restyle()
        self._maps_key = None  # the maps' colours too
        if self._nodes:
            self._dirty = True  # fills and pens from the new colours
            if self.isVisible():
                self._refresh()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)

        row = QHBoxLayout()
        self.phase_group = QButtonGroup(self)
        self.phase_group.setExclusive(True)
        self.phase_buttons: dict[int, QPushButton] = {}
        for n, (title, _) in PHASES.items():
            button = QPushButton(f"{n} {title.split()[0]}")
            button.setObjectName(f"phase{n}Button")
            button.setCheckable(True)
            button.setToolTip(f"Show phase {n}: {title.lower()}")
            self.phase_group.addButton(button, n)
            self.phase_buttons[n] = button
            row.addWidget(button)
        self.next_button = QPushButton("Next phase ▶")
        self.next_button.setObjectName("nextPhaseButton")
        self.next_button.setToolTip(
            "Go to the next phase; after the update, apply one real "
            "training step and start again with the forward pass"
        )
        row.addWidget(self.next_button)
        self.worked_button = QPushButton("Worked numbers")
        self.worked_button.setObjectName("workedNumbersButton")
        self.worked_button.setCheckable(True)
        self.worked_button.setChecked(True)
        row.addStretch(1)
        row.addWidget(self.worked_button)
        row.addWidget(QLabel("Sample:"))
        self.sample_spin = QSpinBox()
        self.sample_spin.setObjectName("diagramSampleSpin")
        self.sample_spin.setMinimumWidth(
            self.sample_spin.fontMetrics().horizontalAdvance("0000 of 0000") + 30
        )
        self.sample_spin.setToolTip(
            "The training sample the forward pass, cost and dL/dz are "
            "shown for (the gradients are over the whole batch)"
        )
        row.addWidget(self.sample_spin)
        outer.addLayout(row)
        # a second row (the window must fit a 1366-px screen): what the picture shows
        self.scene = DiagramScene(self)
        self.input_toggles = InputToggles()  # (shown for 2-D data)
        second = QHBoxLayout()
        second.addWidget(self.input_toggles)
        second.addStretch(1)
        self._build_map_controls(second)
        outer.addLayout(second)

        self.phase_label = QLabel()
        self.phase_label.setObjectName("phaseLabel")
        self.phase_label.setWordWrap(True)
        self.phase_label.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.phase_label)

        self.note_label = QLabel()
        self.note_label.setObjectName("diagramNoteLabel")
        self.note_label.setWordWrap(True)
        outer.addWidget(self.note_label)

        self.diagram = QGraphicsView(self.scene)
        self.diagram.setObjectName("networkDiagram")
        self.diagram.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.diagram.setMinimumHeight(120)
        self.diagram.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.diagram.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.diagram.setToolTip(
            "Hover a neuron or connection for its numbers; click a neuron for why it has its "
            "number; double-click one to set its weight or bias"
        )
        self.diagram.viewport().installEventFilter(self)
        self.editor = ValueEditor(self.diagram.viewport())
        self.editor.submitted.connect(self._submit)
        self.worked_text = QPlainTextEdit()
        self.worked_text.setObjectName("workedNumbers")
        self.worked_text.setReadOnly(True)
        self.worked_text.setMinimumWidth(220)
        self.worked_text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.worked_text.setToolTip(
            "The current phase worked out with the actual numbers, for the chosen sample "
            "(select and copy as you like)"
        )
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.diagram)
        self.splitter.addWidget(self._build_side(self.worked_text))
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.splitterMoved.connect(lambda *_: self._fit())
        outer.addWidget(self.splitter, 1)
        self.side.hide()

        self.info_label = QLabel()
        self.info_label.setObjectName("diagramInfoLabel")
        self.info_label.setWordWrap(True)
        self.info_label.setTextFormat(Qt.TextFormat.RichText)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.info_label)

        self.phase_group.idClicked.connect(self.set_phase)
        self.next_button.clicked.connect(self.next_phase)
        self.sample_spin.valueChanged.connect(self._on_sample)
        self.worked_button.toggled.connect(self._show_worked)

    def _show_note(self, text: str) -> None:
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))

    # ------------------------------------------------------------------ API
    def start_run(self, info: RunInfo) -> None:
        """A new run: rebuild the network, the data and the diagram (network mode only)."""
        self._info = info
        self._net = self._x = self._y = None
        self._snap = None
        self.editor.close_editor()
        self.scene_maps.clear()
        self.scene.reset()
        self._start_maps(None)
        self.info_label.setText("")
        self.worked_text.clear()
        config = info.config
        self._worked_reason = "The worked numbers need a network run."
        self.scene.edit_hint = EDIT_HINT if config.mode == "network" else ""
        self.input_toggles.show_run(config)  # (hidden until the data is known)
        if config.mode != "network":
            self._update_worked_widgets()
            self._set_enabled(False)
            with QSignalBlocker(self.sample_spin):  # (no samples: not the last run's count)
                self.sample_spin.setRange(1, 1)
                self.sample_spin.setSuffix("")
            self._show_note(
                "The network diagram shows a network's training; this run "
                "minimises a formula, so there is no network to draw."
            )
            return
        try:
            model = run_model(config)
        except Exception as exc:  # the trainer reports bad configs; just explain here
            self._set_enabled(False)
            self._show_note(f"The network diagram cannot load this run's data: {exc}")
            return
        self._net, self._x, self._y = model.network, model.x_train, model.y_train
        self._input_names = tuple(model.dataset.input_names)
        self.input_toggles.show_run(config, model.dataset)
        self._start_maps(model)
        n = self._x.shape[1]
        with QSignalBlocker(self.sample_spin):
            self.sample_spin.setRange(1, max(1, n))
            self.sample_spin.setSuffix(f" of {n}")
            self.sample_spin.setValue(min(self.sample_spin.value(), max(1, n)))
        self._set_enabled(n > 0)
        big = [u for u in self._net.sizes if u > MAX_SHOWN]
        notes = []
        if n == 0:
            notes.append("This run has no training samples.")
        if big:
            notes.append(
                f"Layers with more than {MAX_SHOWN} neurons show the first "
                f"{MAX_SHOWN - 1}; the widths are scaled to the connections drawn."
            )
        self._show_note(" ".join(notes))
        self._worked_reason = worked_limit(self._net.sizes) if n else "No training samples."
        self._update_worked_widgets()
        self._build_scene()
        self._fit()
        self._dirty = False

    def update_from(self, snap: Snapshot) -> None:
        """Take the snapshot's parameters and gradients (other runs' snapshots are ignored)."""
        if self._net is None or self._info is None or snap.run_id != self._info.run_id:
            return
        if snap.parameters.shape != self._net.theta.shape:
            return
        self._net.theta[...] = snap.parameters  # in place: the weight matrices are views
        self._snap = snap
        self._dirty = True
        if self.isVisible():
            self._refresh()

    def phase(self) -> int:
        return self._phase

    def set_phase(self, n: int) -> None:
        n = int(n)
        if n not in PHASES:
            raise ValueError(f"phase must be 1..4, got {n}")
        changed = n != self._phase
        self._phase = n
        self._update_phase_widgets()
        self._dirty = True
        self._refresh()
        if changed:
            self.phaseChanged.emit(n)

    def next_phase(self) -> None:
        """Forward → cost → backward → update; after the update, ask for one real step."""
        if self._phase == 4:
            self.set_phase(1)
            self.step_requested.emit()
        else:
            self.set_phase(self._phase + 1)

    def select_sample(self, index: int) -> None:
        """Show training sample `index` (0-based; the spin box counts from 1)."""
        self.sample_spin.setValue(int(index) + 1)

    def sample(self) -> int:
        return self.sample_spin.value() - 1

    def worked_numbers(self) -> str:
        """The worked-numbers text of the current phase ('' when there is none)."""
        self._ensure()
        return self.worked_text.toPlainText()

    def edge_style(self, name: str) -> tuple[float, str, float] | None:
        """(value shown, 'blue' / 'red' / 'gray', width in px) of connection `name` (e.g.
        'w2_1_3') in the current phase; None when it is not drawn."""
        self._ensure()
        return self.scene.edge_values.get(name)

    def neuron_tooltip(self, layer: int, j: int) -> str:
        """The tooltip of neuron j (1-based) of `layer` (0 = the inputs)."""
        self._ensure()
        return self.scene.tooltips.get((int(layer), int(j)), "")

    # ------------------------------------------------------------------ events
    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._ensure()
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event.oldSize().width() <= 0 and self.side.isVisibleTo(self):
            self._split()  # the first real size: share it
        self._fit()

    def _show_worked(self, _on: bool = False) -> None:
        self._update_worked_widgets()
        self._dirty = True
        if self.isVisible():
            self._refresh()

    def _update_worked_widgets(self) -> None:
        fits = not self._worked_reason
        self.worked_button.setEnabled(fits)
        self.worked_button.setToolTip(
            "Show or hide the current phase worked out with the actual numbers"
            if fits
            else self._worked_reason
        )
        self._update_side()

    def _split(self) -> None:
        """The diagram on the left 55%, the worked numbers on the right."""
        width = max(self.splitter.width(), 400)
        self.splitter.setSizes([round(width * 0.55), width - round(width * 0.55)])

    def _on_sample(self, _value: int) -> None:
        self._dirty = True
        if self.isVisible():
            self._refresh()

    def _ensure(self) -> None:
        if self._dirty:
            self._refresh()

    def _set_enabled(self, on: bool) -> None:
        for w in (*self.phase_buttons.values(), self.next_button, self.sample_spin, self.diagram):
            w.setEnabled(on)

    def _fit(self) -> None:
        """The whole network in view, unless that makes it too small to read (a wide network
        in a short tab): then readable, with scroll bars."""
        rect = self.scene.sceneRect()
        if rect.isEmpty() or not self._nodes:
            return
        view = self.diagram.maximumViewportSize()  # the size without scroll bars
        zoom = min(view.width() / rect.width(), view.height() / rect.height())
        policy = Qt.ScrollBarPolicy
        small = self._net is not None and max(self._net.sizes) <= 8
        least = MAP_MIN_ZOOM if self.scene.maps_on and small else MIN_ZOOM
        bars = policy.ScrollBarAlwaysOff if zoom >= least else policy.ScrollBarAsNeeded
        self.diagram.setVerticalScrollBarPolicy(bars)
        self.diagram.setHorizontalScrollBarPolicy(bars)
        if zoom >= least:
            self.diagram.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self.diagram.resetTransform()
            self.diagram.scale(least, least)

    # ------------------------------------------------------------------ compute and show
    def _update_phase_widgets(self) -> None:
        for n, button in self.phase_buttons.items():
            button.setChecked(n == self._phase)
            font = button.font()
            font.setBold(n == self._phase)
            button.setFont(font)
        title, text = PHASES[self._phase]
        if self._phase == 4:
            text = self._update_description()
        self.phase_label.setText(f"<b>Phase {self._phase} of 4 — {title}:</b> {text}")
        self.next_button.setText("Apply this step ▶" if self._phase == 4 else "Next phase ▶")

    def _plain_sgd(self) -> bool:
        opt = self._info.config.optimizer if self._info is not None else None
        return opt is not None and opt.name == "sgd" and float(opt.momentum) == 0.0

    def _update_description(self) -> str:
        info = self._info
        network = info is not None and info.config.mode == "network"
        optimizer = info.config.optimizer.name if network else ""
        return update_description(network, self._plain_sgd(), optimizer)

    def _refresh(self) -> None:
        self._dirty = False
        self._update_phase_widgets()
        net = self._net
        if (
            net is None
            or self._x is None
            or self._y is None
            or self._x.shape[1] == 0
            or not self._edges
            and not self._nodes
        ):
            return
        sample = min(max(self.sample(), 0), self._x.shape[1] - 1)
        numbers = phase_numbers(net, self._x, self._y, sample, self._snap, self._plain_sgd())
        self.scene.paint_edges(numbers, self._phase)
        self.scene.paint_nodes(numbers, self._phase, self._input_names)
        self.info_label.setText(info_text(numbers, self._phase, self._snap))
        if self._worked_wanted():
            self._refresh_worked(numbers)
        self._refresh_maps(numbers)

    def _refresh_worked(self, numbers) -> None:
        info = self._info
        batch = info.config.batch_size if info is not None else 0
        n = self._x.shape[1]
        lr = self._snap.learning_rate if self._snap is not None else float("nan")
        optimizer = info.config.optimizer.name if info is not None else "sgd"
        full = batch == 0 or batch >= n
        text = worked(
            numbers, self._phase, self._x, self._y, full, lr, optimizer, self._input_names
        ).text
        if text != self.worked_text.toPlainText():
            bar = self.worked_text.verticalScrollBar()
            keep = bar.value()
            self.worked_text.setPlainText(text)
            bar.setValue(keep)
