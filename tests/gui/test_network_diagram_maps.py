"""Neuron maps in the network diagram: every neuron over the input plane, live and at a past step;
the enlarged map; export of the diagram as PNG and SVG."""

import math
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from gdsim.app import theme
from gdsim.app.views.network_diagram import NetworkDiagramView
from gdsim.app.views.neuron_maps_numbers import (
    MAP_SIDE,
    MIN_SIDE,
    map_rgba,
    map_side,
    neuron_maps,
    plane_inputs,
    shared_scale,
)
from gdsim.engine.trainer import Trainer
from gdsim.session.run_model import run_model
from tests.gui.conftest import FakeDialogs
from tests.gui.trainer_state import EXAMPLES, run_state, show_view, snapshot, trained

SHOTS = os.environ.get("GDSIM_DIAGRAM_SHOTS")


@pytest.fixture
def view_of(qtbot):
    def make(trainer: Trainer, size=(1100, 520)) -> NetworkDiagramView:
        return show_view(qtbot, NetworkDiagramView(), trainer, size)

    return make


def _fit(values: np.ndarray) -> np.ndarray:
    side = values.shape[0]
    i1, i2 = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    design = np.column_stack([np.ones(side * side), i1.ravel(), i2.ravel()])
    coef = np.linalg.lstsq(design, np.sign(values).ravel(), rcond=None)[0]
    return coef, design


def linear_fit(values: np.ndarray) -> np.ndarray:
    """The best plane through a map's signs, on the grid."""
    coef, design = _fit(values)
    return (design @ coef).reshape(values.shape)


def zero_line_angle(values: np.ndarray) -> float:
    """The direction (degrees, 0-180) across which a map changes sign: the gradient of the
    best plane through its signs, in grid coordinates."""
    coef, _ = _fit(values)
    return math.degrees(math.atan2(coef[2], coef[1])) % 180.0


def test_xor_hidden_neurons_show_different_half_planes(view_of):
    view = view_of(trained("xor.json", 3000))  # 2-4-1 tanh, sigmoid output
    assert view.maps_check.isChecked() and view.maps_shown()
    maps = view.neuron_maps()
    assert maps.kind == "activation" and maps.side == MAP_SIDE
    hidden = [np.sign(maps.of(1, j)) for j in range(1, 5)]
    for s in hidden:  # each one splits the plane in two: a half-plane
        assert 0.1 < np.mean(s > 0) < 0.9
        assert np.mean(np.sign(linear_fit(s)) == s) > 0.95
    for i in range(4):
        for j in range(i + 1, 4):
            same = np.mean(hidden[i] == hidden[j])
            assert 0.1 < same < 0.9, (i, j, same)  # neither the same half-plane nor its mirror
    angles = [zero_line_angle(maps.of(1, j)) for j in range(1, 5)]
    turns = [min(abs(a - b), 180 - abs(a - b)) for a in angles for b in angles]
    assert max(turns) > 30  # not all parallel: the zero lines cross
    # the output is XOR: opposite corners agree
    out = maps.of(2, 1)
    corners = [out[2, 2], out[-3, -3], out[2, -3], out[-3, 2]]
    assert (corners[0] > 0.5) == (corners[1] > 0.5) != (corners[2] > 0.5) == (corners[3] > 0.5)
    # one pixmap per neuron, inside its circle
    assert set(view.scene_maps.items) == {(1, 1), (1, 2), (1, 3), (1, 4), (2, 1)}
    for (layer, j), item in view.scene_maps.items.items():
        assert not item.pixmap().isNull()
        centre = view.scene.position(layer, j)
        assert item.sceneBoundingRect().center().x() == pytest.approx(centre.x(), abs=1)


def test_maps_are_the_forward_pass_and_the_gradient_is_d_yhat_d_a(tmp_path):
    text = (
        (EXAMPLES / "xor.json")
        .read_text()
        .replace(
            '[{"units": 4, "activation": "tanh"},',
            '[{"units": 8, "activation": "tanh"}, {"units": 8, "activation": "relu"},',
        )
    )
    path = tmp_path / "deep.json"
    path.write_text(text)
    trainer = trained(path, 50)
    model = run_model(trainer.config)
    net = model.network
    net.theta[...] = trainer.parameters
    x1, x2 = np.linspace(-1, 1, 5), np.linspace(-2, 2, 5)
    g1, g2 = np.meshgrid(x1, x2, indexing="ij")
    inputs = plane_inputs(model, np.vstack([g1.ravel(), g2.ravel()]))
    acts = neuron_maps(net, inputs, x1, x2, "activation")
    grads = neuron_maps(net, inputs, x1, x2, "gradient")
    values = net.layer_values(inputs)
    for layer in (1, 2, 3):
        np.testing.assert_array_equal(acts.layers[layer - 1].reshape(-1, 25), values[layer - 1][1])
    # dŷ/da of a hidden neuron: nudge its output by eps = shift the next layer's z by eps·W[:, j]
    yhat = values[-1][1][0]
    eps = 1e-6
    for layer, j in ((1, 3), (2, 5), (1, 8)):
        bias = net.biases[layer]
        keep = bias.copy()
        bias[:, 0] += eps * net.weights[layer][:, j - 1]
        moved = net.layer_values(inputs)[-1][1][0]
        bias[...] = keep
        np.testing.assert_allclose(grads.of(layer, j).ravel(), (moved - yhat) / eps, atol=1e-5)
    # the output's map: dŷ/dz = σ'(z) = ŷ(1 - ŷ)
    np.testing.assert_allclose(grads.of(3, 1).ravel(), yhat * (1 - yhat), rtol=1e-12)


def test_softmax_gradient_follows_the_predicted_class():
    trainer = trained("spiral-3-classes.json", 20)
    model = run_model(trainer.config)
    net = model.network
    net.theta[...] = trainer.parameters
    x = np.linspace(-1, 1, 4)
    g1, g2 = np.meshgrid(x, x, indexing="ij")
    inputs = np.vstack([g1.ravel(), g2.ravel()])
    grads = neuron_maps(net, inputs, x, x, "gradient")
    out = net.predict(inputs)
    c = out.argmax(axis=0)
    last = net.n_layers
    for k in range(out.shape[0]):  # dŷc/dzk = ŷc (δck - ŷk)
        expected = out[c, np.arange(16)] * ((c == k) - out[k])
        np.testing.assert_allclose(grads.of(last, k + 1).ravel(), expected, atol=1e-15)


def test_the_maps_follow_the_timeline_and_only_while_visible(qtbot, view_of):
    trainer = trained("xor.json", 10)
    info, early = run_state(trainer)
    trainer.step(2000)
    view = view_of(trainer)
    late = view.neuron_maps().of(1, 1).copy()
    view.update_from(early)  # the presenter hands the view a past state
    past = view.neuron_maps().of(1, 1)
    net = run_model(trainer.config).network
    net.theta[...] = early.parameters
    expected = np.tanh(net.weights[0] @ view._plane_inputs + net.biases[0])[0]
    np.testing.assert_allclose(past.ravel(), expected, rtol=1e-12)
    assert not np.allclose(past, late)
    view.hide()
    before = view._maps
    view.update_from(snapshot(trainer))
    assert view._maps is before  # nothing computed while hidden
    view.show()
    assert view._maps is not before
    np.testing.assert_allclose(view.neuron_maps().of(1, 1), late)


def test_toggle_kind_and_data_without_a_plane(qtbot, view_of):
    view = view_of(trained("xor.json", 100))
    view.set_map_kind("gradient")
    assert view.neuron_maps().kind == "gradient"
    assert "dŷ/da" in view.scene_maps._texts["title"].text()
    view.maps_check.setChecked(False)
    assert view.neuron_maps() is None and not view.scene_maps.items
    assert view.scene.radius < 20  # numbers inside the neurons again
    view.maps_check.setChecked(True)
    assert view.neuron_maps() is not None and len(view.scene_maps.items) == 5
    iris = view_of(trained("iris.json", 1))  # 4 inputs: no plane to map
    assert not iris.maps_check.isEnabled() and iris.neuron_maps() is None
    assert not iris.scene_maps.items


def test_the_grid_is_coarser_for_wide_networks():
    assert map_side(17) == MAP_SIDE
    assert MIN_SIDE <= map_side(50_000) < MAP_SIDE
    assert map_side(10**7) == MIN_SIDE


def test_colours_are_the_themes_and_symmetric():
    values = np.array([[-2.0, 0.0], [1.0, np.nan]])
    neg, bg, pos, gray = (
        np.array(c, float) for c in ([200, 0, 0], [255] * 3, [0, 0, 200], [9] * 3)
    )
    rgba = map_rgba(values, 2.0, neg, bg, pos, gray)
    # rows: x2 from the top; columns: x1 from the left
    assert rgba.shape == (2, 2, 4) and rgba.dtype == np.uint8
    assert rgba[1, 0, :3].tolist() == [200, 0, 0]  # (x1 = 0, x2 = 0): -scale
    assert rgba[0, 0, :3].tolist() == [255, 255, 255]  # (x1 = 0, x2 = 1): 0
    assert rgba[1, 1, :3].tolist() == [128, 128, 228]  # (x1 = 1, x2 = 0): half of +scale
    assert rgba[0, 1, :3].tolist() == [9, 9, 9]  # not finite
    assert shared_scale(type("M", (), {"layers": [values]})()) == 2.0


def test_hover_and_click_show_a_neuron(qtbot, view_of):
    view = view_of(trained("xor.json", 500))
    view.side.setCurrentWidget(view.neuron_panel)  # (hovering does not switch tabs)
    qtbot.wait(20)  # the layout settles
    pos = view.diagram.mapFromScene(view.scene.position(1, 3))
    qtbot.mouseMove(view.diagram.viewport(), pos)
    view._hover(view.scene.node_at(view.scene.position(1, 3)))  # (offscreen: no move events)
    assert view.neuron_panel.shown_key == (1, 3)
    assert not view.neuron_panel.map_label.pixmap().isNull()
    qtbot.mouseClick(view.diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    view._hover(None)
    assert view.neuron_panel.shown_key == (1, 3)  # the clicked one stays
    assert view.side.currentWidget() is view.neuron_panel
    assert view.why_text().startswith("WHY THIS NUMBER: neuron 3 of layer 1")
    qtbot.mouseClick(view.diagram.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert view.neuron_panel.shown_key == (1, 3)  # empty space: nothing changes


def test_export_png_and_svg(qtbot, view_of, tmp_path):
    view = view_of(trained("xor.json", 300))
    dialogs = FakeDialogs()
    view.dialogs = dialogs
    dialogs.save_path = str(tmp_path / "net")  # no suffix: PNG
    view.export_button.click()
    png = tmp_path / "net.png"
    assert png.stat().st_size > 1000
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    rect = view.scene.sceneRect()
    assert image.width() == 2 * round(rect.width())  # drawn at 2x
    dialogs.save_path = str(tmp_path / "net.svg")
    view.export_button.click()
    svg = tmp_path / "net.svg"
    assert svg.stat().st_size > 1000
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert any(e.tag.endswith("image") for e in root.iter())  # the maps, embedded
    dialogs.save_path = str(tmp_path / "missing" / "x.png")
    view.export_button.click()
    assert dialogs.errors and "could not write" in dialogs.errors[0]
    dialogs.save_path = None  # cancelled: nothing happens
    view.export_button.click()
    assert len(dialogs.errors) == 1


def test_screenshots(qtbot, view_of, tmp_path):
    """XOR after training, light and dark, activation and gradient (GDSIM_DIAGRAM_SHOTS)."""
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    view = view_of(trained("xor.json", 3000), (1300, 520))
    try:
        for name, dark, kind in (("light", False, "activation"), ("dark", True, "activation"),
                                 ("gradient", False, "gradient")):  # fmt: skip
            theme.apply_theme(QApplication.instance(), "dark" if dark else "light")
            view.set_map_kind(kind)
            view.select_neuron(1, 2)
            qtbot.wait(30)
            assert view.grab().save(str(folder / f"maps-diagram-{name}.png"))
        theme.apply_theme(QApplication.instance(), "light")
        view.set_map_kind("activation")
        view.select_neuron(1, 3)
        qtbot.wait(30)
        assert view.side.grab().save(str(folder / "maps-enlarged.png"))
        view.select_neuron(2, 1)
        qtbot.wait(30)
        assert view.side.grab().save(str(folder / "maps-why.png"))
        assert view.export_image(folder / "maps-export.png").stat().st_size > 0
    finally:
        theme.apply_theme(QApplication.instance(), "light")


def test_a_diverged_run_draws_gray_maps(qtbot, view_of):
    import dataclasses

    trainer = trained("xor.json", 5)
    view = view_of(trainer)
    info, snap = run_state(trainer)
    bad = dataclasses.replace(snap, parameters=np.full_like(snap.parameters, np.nan))
    view.update_from(bad)
    maps = view.neuron_maps()
    assert np.isnan(maps.of(1, 1)).all() and view._scale == 1.0
    view.select_neuron(2, 1)
    assert "nan" in view.why_text()


def test_with_input_features_the_output_map_shows_the_circle(view_of, qtbot):
    """circle-features.json: no hidden layer, inputs x1^2 and x2^2. The maps are drawn over the
    raw (x1, x2) plane, so the single output neuron's map is a disc: high inside, low outside."""
    trainer = trained("circle-features.json", 300)
    view = view_of(trainer)
    assert view.maps_shown() and trainer.objective.dataset.input_names == ("x1^2", "x2^2")
    out = view.neuron_maps().of(1, 1)  # (the output layer is layer 1)
    side = out.shape[0]
    centre = out[side // 2 - 1 : side // 2 + 1, side // 2 - 1 : side // 2 + 1]
    corners = np.array([out[0, 0], out[0, -1], out[-1, 0], out[-1, -1]])
    inside_high = centre.min() > 0.5 > corners.max()
    inside_low = centre.max() < 0.5 < corners.min()
    assert inside_high or inside_low  # a circle, whichever class is inside
    ring = out[side // 2, :]  # along a line through the centre: one class, the other, back
    high = ring > 0.5
    assert high[0] == high[-1] != high[side // 2]


def test_the_input_column_toggles_ask_the_data_form(make_window, qtbot):
    """The diagram's input toggles show the run's features and change them through the Data
    form (the same rules: it asks before discarding a run, keeps one input on)."""
    window = make_window(EXAMPLES / "circle-features.json")
    window.show_tab("step_by_phase")
    toggles = window.diagram_view.input_toggles
    qtbot.waitUntil(toggles.isVisible)
    checked = {n for n, b in toggles.buttons.items() if b.isChecked()}
    assert checked == {"x1^2", "x2^2"}
    run = window.session.info.run_id
    toggles.buttons["x1*x2"].click()  # (no steps taken: nothing to lose, no question)
    qtbot.waitUntil(lambda: window.session.info.run_id != run, timeout=10000)
    assert window.config.data.features == ("x1^2", "x2^2", "x1*x2")
    assert window.config.network.inputs == 3
    qtbot.waitUntil(lambda: toggles.buttons["x1*x2"].isChecked(), timeout=10000)
    window.form.flush()
    toggles.buttons["x1^2"].click()
    toggles.buttons["x2^2"].click()
    toggles.buttons["x1*x2"].click()  # the last one: refused, it stays on
    qtbot.waitUntil(lambda: window.config.data.features == ("x1*x2",), timeout=10000)
    assert "only input left" in window.statusBar().currentMessage()
    assert toggles.buttons["x1*x2"].isChecked()


def test_no_input_toggles_or_side_panel_for_a_formula(make_window, qtbot):
    window = make_window()  # xor first: 160 samples
    window.show_tab("step_by_phase")
    qtbot.waitUntil(lambda: window.diagram_view.sample_spin.suffix() == " of 160")
    assert window.open_config(EXAMPLES / "one-parameter.json")
    qtbot.waitUntil(lambda: window.session.info.config.mode == "function", timeout=10000)
    window.presenter.refresh()
    assert not window.diagram_view.input_toggles.isVisible()
    assert not window.diagram_view.side.isVisible()  # (no empty numbers panel)
    assert window.diagram_view.sample_spin.suffix() == ""  # (not the last run's "of 160")
