"""The network diagram's neuron maps, its side panel and its image export (a mixin of the view).

Neuron maps (2-input data; the "Neuron maps" toggle, on by default there): every drawn neuron
shows, inside its circle, its activation a over the input plane, or (the "show" choice) the
gradient dŷ/da, see :mod:`gdsim.app.views.neuron_maps_numbers`. They are computed in one
batched pass of a coarse grid through the GUI-side network, only while the diagram is visible
and only when the parameters changed (a new snapshot: at most 5 a second while a run goes on,
the feed's rate) or the choice did; a past step on the timeline is handed in as a snapshot, so
the maps show that step. The numbers per sample move under the neurons while maps show.

The side panel (a splitter beside the diagram) has two tabs: "Worked numbers" (small networks,
the "Worked numbers" toggle) and "Neuron": the enlarged map of the neuron under the mouse (or
the last one clicked) with the data on it, and "why this output" for the clicked neuron and the
chosen sample (:func:`gdsim.app.views.diagram_why.why_neuron`), for a network of any size.
A single click selects a neuron (a double-click still edits its bias).

"Export image…" writes the diagram, maps and legend included, as PNG (2x) or SVG
(:mod:`gdsim.app.views.diagram_export`), asking for the file through ``dialogs`` (the window's
dialogs object, or a stand-in a test sets on the view).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
)

from gdsim.app.views.diagram_export import IMAGE_FILTER, export_scene, image_path
from gdsim.app.views.diagram_why import why_neuron
from gdsim.app.views.neuron_maps import NeuronPanel, SceneMaps
from gdsim.app.views.neuron_maps_numbers import (
    KINDS,
    NeuronMaps,
    map_side,
    neuron_maps,
    plane_inputs,
    shared_scale,
)
from gdsim.app.views.prediction_numbers import boundary_grid
from gdsim.session.run_model import has_plane, plane_points

__all__ = ["DiagramSide"]

WORKED_TAB, NEURON_TAB = 0, 1


class DiagramSide:
    """Mixed into NetworkDiagramView (which owns ``scene``, ``diagram``, ``splitter``, ``_net``,
    ``_snap``, ``_x``, ``_y``, ``_refresh`` and ``_fit``)."""

    # ------------------------------------------------------------------ building
    def _build_map_controls(self, row: QHBoxLayout) -> None:
        self.maps_check = QCheckBox("Neuron maps")
        self.maps_check.setObjectName("neuronMapsCheck")
        self.maps_check.setChecked(True)
        self.maps_check.setToolTip(
            "Show inside every neuron what it computes over the whole input plane "
            "(2-input data): hover or click one to see it larger with the data"
        )
        self.map_kind = QComboBox()
        self.map_kind.setObjectName("neuronMapKind")
        self.map_kind.addItem("show: activation a", "activation")
        self.map_kind.addItem("show: gradient dŷ/da", "gradient")
        self.map_kind.setToolTip(
            "show: the activation a = f(z), or dŷ/da: how much the output ŷ moves per unit of "
            "the neuron's activation (there is no target over the plane, so not the loss; "
            "output neurons show dŷ/dz)"
        )
        self.export_button = QPushButton("Export image…")
        self.export_button.setObjectName("exportDiagramButton")
        self.export_button.setToolTip("Save the diagram with its maps as PNG (2x) or SVG")
        row.addWidget(self.maps_check)
        row.addWidget(self.map_kind)
        row.addWidget(self.export_button)
        self.maps_check.toggled.connect(self._on_maps_toggled)
        self.map_kind.currentIndexChanged.connect(lambda _i: self._maps_changed())
        self.export_button.clicked.connect(self.export_dialog)
        self.dialogs = None  # None: the window's (tests set a stand-in)
        self.scene_maps = SceneMaps(self.scene)
        self._maps: NeuronMaps | None = None
        self._maps_key: object = None
        self._scale = 1.0
        self._grid = None
        self._plane_inputs: np.ndarray | None = None
        # the training points in the plane (raw x1, x2 under input features), their labels
        self._data_points: tuple[np.ndarray, np.ndarray] | None = None
        self._plane_names: tuple[str, ...] = ("x1", "x2")
        self._selected: tuple[int, int] | None = None
        self._hovered: tuple[int, int] | None = None
        self._press_pos = None
        self.maps_computed = 0  # how many times the maps were computed (tests, benchmarks)

    def _build_side(self, worked_text: QPlainTextEdit) -> QTabWidget:
        self.side = QTabWidget()
        self.side.setObjectName("diagramSidePanel")
        self.side.setMinimumWidth(230)
        self.side.addTab(worked_text, "Worked numbers")
        self.neuron_panel = NeuronPanel()
        self.side.addTab(self.neuron_panel, "Neuron: map and why")
        self.side.currentChanged.connect(lambda _i: self._show_enlarged())
        self.diagram.viewport().setMouseTracking(True)
        return self.side

    # ------------------------------------------------------------------ a run
    def _start_maps(self, model) -> None:
        """The grid over this run's input plane (2 inputs), or no maps."""
        self._maps = self._maps_key = self._grid = self._plane_inputs = None
        self._selected = self._hovered = None
        self.neuron_panel.show_why("Click a neuron to take its number apart for the sample.")
        data = model.dataset if model is not None else None
        plane = (
            data is not None
            and has_plane(data)  # (2 inputs, or input features made from 2)
            and data.x_train.shape[1] + data.x_test.shape[1] > 0
        )
        self.maps_check.setEnabled(plane)
        if plane:
            self._grid = boundary_grid(data, map_side(model.network.n_params))
            self._plane_inputs = np.ascontiguousarray(plane_inputs(model, self._grid.points))
            classes = data.task == "classification"  # (else the points in one colour)
            labels = data.y_train[0] if classes else np.zeros(data.x_train.shape[1])
            train, _test, self._plane_names = plane_points(data)
            self._data_points = (train, labels)
        self.map_kind.setEnabled(self.maps_shown())
        self.scene.set_maps(self.maps_shown())

    def maps_shown(self) -> bool:
        """True when the neurons show maps (2-input data and the toggle on)."""
        return self._grid is not None and self.maps_check.isChecked()

    def map_kind_name(self) -> str:
        return self.map_kind.currentData() or KINDS[0]

    def set_map_kind(self, kind: str) -> None:
        """Show "activation" or "gradient" maps."""
        self.map_kind.setCurrentIndex(KINDS.index(kind))

    def neuron_maps(self) -> NeuronMaps | None:
        """The maps on display (computed now if due), or None."""
        self._ensure()
        return self._maps if self.maps_shown() else None

    def _build_scene(self) -> None:
        self.scene_maps.clear()
        self.scene.build(self._net)
        if self.maps_shown():
            self.scene_maps.build()

    def _on_maps_toggled(self, _on: bool) -> None:
        self.map_kind.setEnabled(self.maps_shown())
        self.scene.set_maps(self.maps_shown())
        if self._net is not None and self._nodes:
            self.editor.close_editor()
            self._build_scene()
            self._fit()
        self._maps_changed()

    def _maps_changed(self) -> None:
        self._maps_key = None
        self._update_side()
        self._dirty = True
        if self.isVisible():
            self._refresh()

    # ------------------------------------------------------------------ computing
    def _refresh_maps(self, numbers) -> None:
        """The small maps, the enlarged one and the why text, after the diagram's numbers."""
        if self.maps_shown() and self._net is not None:
            kind = self.map_kind_name()
            snap = self._snap
            key = (id(snap), getattr(snap, "step", None), kind, len(self.scene_maps.items))
            if key != self._maps_key:
                self._maps_key = key
                grid = self._grid
                self._maps = neuron_maps(self._net, self._plane_inputs, grid.x, grid.y, kind)
                self._scale = shared_scale(self._maps)
                self.maps_computed += 1
                self.scene_maps.show(self._maps, self._scale, kind)
        self._show_enlarged()
        if self._selected is not None and numbers is not None:
            layer, j = self._selected
            self.neuron_panel.show_why(why_neuron(numbers, layer, j).text)

    def _show_enlarged(self) -> None:
        key = self._hovered or self._selected
        panel = self.neuron_panel
        if not panel.isVisible():  # (another tab, or no panel): drawn when it shows
            return
        if not self.maps_shown() or self._maps is None:
            reason = (
                "Neuron maps need data with two inputs."
                if self._grid is None
                else "Turn on Neuron maps to see a neuron's map here."
            )
            panel.hide_map(reason + " Click a neuron for why it has its number.")
            return
        if key is None or key[0] == 0:
            panel.hide_map("Hover or click a neuron to see its map larger, with the data.", True)
            return
        layer, j = key
        sample = None
        train = self._data_points[0] if self._data_points is not None else None
        if train is not None and train.shape[1]:
            sample = train[:, min(max(self.sample(), 0), train.shape[1] - 1)]
        grid = self._grid
        left, bottom, width, height = grid.rect
        names = self._plane_names
        panel.show_map(
            key,
            self._maps.of(layer, j),
            self._scale,
            self._maps.kind,
            (left, bottom, width, height),
            self._data_points,
            sample,
            names,
            layer == self._net.n_layers,
        )

    # ------------------------------------------------------------------ the side panel
    def _worked_wanted(self) -> bool:
        return not self._worked_reason and self.worked_button.isChecked()

    def _update_side(self) -> None:
        """The side panel shows when it has a tab to show: worked numbers (small networks,
        toggle on), or the neuron tab (maps on, or a neuron clicked)."""
        worked = self._worked_wanted()
        neuron = self.maps_shown() or self._selected is not None
        self.side.setTabVisible(WORKED_TAB, worked)
        self.side.setTabVisible(NEURON_TAB, neuron)
        show = worked or neuron
        if show and not self.side.isVisibleTo(self):
            self._split()
        self.side.setVisible(show)
        self._fit()

    def select_neuron(self, layer: int, j: int) -> None:
        """Show neuron j (1-based) of `layer` (>= 1) in the side panel: its map and why."""
        net = self._net
        if net is None or not 1 <= layer <= net.n_layers or not 1 <= j <= net.sizes[layer]:
            return
        self._selected = (int(layer), int(j))
        self._update_side()
        self.side.setCurrentIndex(NEURON_TAB)
        self._dirty = True
        self._refresh()

    def why_text(self) -> str:
        """The why-this-output text of the selected neuron ('' when none is selected)."""
        self._ensure()
        return self.neuron_panel.why_text.toPlainText() if self._selected else ""

    def _hover(self, key: tuple[int, int] | None) -> None:
        if key is not None and key[0] == 0:
            key = None
        if key != self._hovered:
            self._hovered = key
            if self.maps_shown() and self._maps is not None:
                self._show_enlarged()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.diagram.viewport() and getattr(self, "_nodes", None):
            kind = event.type()
            if kind == QEvent.Type.MouseMove:
                self._hover(self.scene.node_at(self.diagram.mapToScene(event.position().toPoint())))
            elif kind == QEvent.Type.Leave:
                self._hover(None)
            elif (
                kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton
            ):
                self._press_pos = event.position().toPoint()
            elif (
                kind == QEvent.Type.MouseButtonRelease
                and event.button() == Qt.MouseButton.LeftButton
                and self._press_pos is not None
                and (event.position().toPoint() - self._press_pos).manhattanLength() < 5
            ):
                key = self.scene.node_at(self.diagram.mapToScene(self._press_pos))
                self._press_pos = None
                if key is not None and key[0] > 0:
                    self.select_neuron(*key)
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ export
    def export_image(self, path) -> object:
        """Write the diagram (maps and legend included) to `path` (.png at 2x or .svg)."""
        self._ensure()
        return export_scene(self.scene, path)

    def export_dialog(self) -> None:
        """Ask for a file (PNG or SVG) and write the diagram there."""
        dialogs = self.dialogs or getattr(self.window(), "dialogs", None)
        if dialogs is None:
            from gdsim.app.dialogs import Dialogs

            dialogs = Dialogs(self)
        path = dialogs.save_file("Export diagram image", "network-diagram.png", IMAGE_FILTER)
        if not path:
            return
        try:
            self.export_image(image_path(path))
        except OSError as exc:
            dialogs.error("Cannot export the diagram", str(exc))
