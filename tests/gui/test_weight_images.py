"""The weight-images tab: 8x8 images of layer 1's weights and gradients, paging, notes, and
idle while hidden (in the real window)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from gdsim.app.views import weight_images
from gdsim.app.views.weight_images import WeightImagesView
from gdsim.app.views.weight_images_numbers import (
    diverging_lut,
    first_layer_block,
    image_shape_of,
    page_bounds,
    page_text,
    symmetric_scale,
    to_rgba,
)
from gdsim.engine.parameters import ParameterIndex
from gdsim.session.run_files import open_trainer
from tests.gui.image_data import image_dataset, image_trainer, write_image_csv
from tests.gui.trainer_state import EXAMPLES, run_state, snapshot


@pytest.fixture
def view(qtbot, monkeypatch):
    monkeypatch.setattr(weight_images, "run_data", lambda config: image_dataset())
    v = WeightImagesView()
    qtbot.addWidget(v)
    v.resize(1000, 260)
    v.show()
    qtbot.waitExposed(v)
    return v


# ----------------------------------------------------------------------------------------------
# the numbers


def test_the_layer_one_block_is_where_the_names_say():
    index = ParameterIndex.for_network([6, 4, 3])
    block = first_layer_block(index)
    assert block.shape == (4, 6)
    for j in range(4):
        for k in range(6):
            assert block[j, k] == index.position(f"w1_{j + 1}_{k + 1}")


def test_which_inputs_are_images():
    data = image_dataset()
    assert image_shape_of(data, 64, csv=False) == (8, 8)
    assert image_shape_of(None, 784, csv=True) == (28, 28)
    assert image_shape_of(None, 16, csv=True) == (4, 4)
    assert image_shape_of(None, 9, csv=True) is None  # too small to be a picture
    assert image_shape_of(None, 50, csv=True) is None
    assert image_shape_of(None, 64, csv=False) is None  # a built-in set says so itself


def test_pages_and_scale():
    assert page_bounds(0, 30, 128) == (0, 30)
    assert page_bounds(4, 30, 128) == (120, 128)
    assert page_bounds(9, 30, 128) == (120, 128)  # clamped to the last page
    assert page_text(0, 30, 128) == "neurons 1–30 of 128"
    assert page_text(0, 12, 12) == "all 12 neurons"
    assert symmetric_scale(np.array([0.5, -2.0, np.nan])) == 2.0
    assert symmetric_scale(np.zeros(3)) == 1.0
    lut = diverging_lut(np.array([255.0, 0, 0]), np.array([255.0] * 3), np.array([0, 0, 255.0]))
    rgba = to_rgba(np.array([-2.0, 0.0, 2.0, 9.0]), 2.0, lut)
    assert rgba[0, :3].tolist() == [255, 0, 0]
    assert rgba[1, :3].tolist() == [255, 255, 255]  # 0 is the middle
    assert rgba[2, :3].tolist() == [0, 0, 255] == rgba[3, :3].tolist()  # beyond: clipped


# ----------------------------------------------------------------------------------------------
# the view


def test_each_neuron_is_an_8x8_image_of_its_weights(view):
    t = image_trainer(hidden=12)
    t.step(15)
    info, snap = run_state(t)
    view.start_run(info)
    assert view.image_shape() == (8, 8)
    view.update_from(snap)
    grid = view.grid
    assert view.shown_neurons().tolist() == list(range(1, 13))
    assert view.page_label.text() == "all 12 neurons"
    index = t.parameter_index
    theta, grads = t.parameters, t.gradients
    all_w = theta[first_layer_block(index)]
    scale = np.abs(all_w).max()
    for j in (1, 7):
        w = np.array([theta[index.position(f"w1_{j}_{k}")] for k in range(1, 65)])
        g = np.array([grads[index.position(f"w1_{j}_{k}")] for k in range(1, 65)])
        np.testing.assert_array_equal(grid.weights[j - 1], w)
        np.testing.assert_array_equal(grid.gradients[j - 1], g)
        expected = to_rgba(w.reshape(8, 8), scale, view._lut())
        np.testing.assert_array_equal(grid.rgba_w[j - 1], expected)
        img_w, img_g = grid.images(j - 1)
        assert (img_w.width(), img_w.height()) == (8, 8) == (img_g.width(), img_g.height())
        # the pixel in row r, column c is input r * 8 + c (k = r * 8 + c + 1)
        r, c = 2, 5
        pixel = img_w.pixelColor(c, r)
        assert [pixel.red(), pixel.green(), pixel.blue()] == expected[r, c, :3].tolist()
    # the sign shows: the largest weight is the positive end, the smallest the negative one
    lut = view._lut()
    k_max = int(np.argmax(grid.weights[0]))
    if grid.weights[0, k_max] == scale:
        assert grid.rgba_w[0].reshape(64, 4)[k_max].tolist() == lut[-1].tolist()


def test_hovering_a_pixel_names_the_weight_and_both_values(view):
    t = image_trainer(hidden=4)
    t.step(3)
    info, snap = run_state(t)
    view.start_run(info)
    view.update_from(snap)
    grid = view.grid
    rect = grid.image_rect(1, "gradient")
    cell = rect.width() / 8
    pos = QPoint(int(rect.x() + 3.5 * cell), int(rect.y() + 0.5 * cell))  # row 1, column 4
    text = grid.hover_text(pos)
    k = 4
    name = f"w1_2_{k}"
    value = t.parameters[t.parameter_index.position(name)]
    assert "neuron 2 of layer 1" in text and f"input {k} (row 1, column 4)" in text
    assert f"{name} = {value:.4g}" in text and f"dC/d{name}" in text
    assert grid.hover_text(QPoint(rect.right() + 2, rect.y() - 14)) == ""


def test_128_neurons_are_shown_a_page_at_a_time(view, qtbot):
    t = image_trainer(hidden=128)
    info, snap = run_state(t)
    view.start_run(info)
    view.update_from(snap)
    first = view.shown_neurons()
    per_page = len(first)
    assert 8 <= per_page < 128
    assert view.page_label.text() == f"neurons 1–{per_page} of 128"
    assert not view.prev_button.isEnabled() and view.next_button.isEnabled()
    view.next_button.click()
    assert view.shown_neurons()[0] == per_page + 1
    assert view.page_label.text().startswith(f"neurons {per_page + 1}–")
    for _ in range(20):
        view.next_button.click()
    assert view.shown_neurons()[-1] == 128 and not view.next_button.isEnabled()
    # a larger tab holds more neurons at once
    view.resize(1600, 600)
    qtbot.waitUntil(lambda: view.grid.capacity() > per_page, timeout=3000)


def test_inputs_that_are_not_an_image_get_a_note(qtbot):
    v = WeightImagesView()
    qtbot.addWidget(v)
    v.show()
    t = open_trainer(EXAMPLES / "xor.json")
    info, snap = run_state(t)
    v.start_run(info)
    v.update_from(snap)
    assert "not an image" in v.note_text() and "784 = 28×28" in v.note_text()
    assert v.redraws == 0 and v.grid.isHidden()


def test_hidden_it_computes_nothing_until_shown(view, qtbot):
    t = image_trainer(hidden=6)
    info, snap = run_state(t)
    view.start_run(info)
    view.hide()
    for _ in range(3):
        t.step(2)
        view.update_from(snapshot(t))
    assert view.redraws == 0
    view.show()
    qtbot.waitUntil(lambda: view.redraws == 1, timeout=3000)
    np.testing.assert_array_equal(
        view.grid.weights, t.parameters[first_layer_block(t.parameter_index)]
    )


# ----------------------------------------------------------------------------------------------
# in the window: a 64-input CSV (8x8) run


def test_the_window_draws_a_square_csv_as_images_only_on_its_tab(qtbot, make_window, tmp_path):
    window = make_window(str(write_image_csv(tmp_path, hidden=10)))
    view = window.weight_images_view
    assert window.bottom_tabs.currentWidget() is not view
    window.step(20)
    qtbot.waitUntil(lambda: window.session.last.step == 20, timeout=10000)
    qtbot.wait(300)
    assert view.redraws == 0  # hidden: nothing computed
    window.bottom_tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.redraws >= 1, timeout=5000)
    assert view.image_shape() == (8, 8)
    assert "of layer 1" not in view.note_text()
    snap = window.session.last
    block = first_layer_block(window.session.info.parameter_index)
    np.testing.assert_array_equal(view.grid.weights, snap.parameters[block])


def test_each_neuron_on_its_own_scale(view):
    t = image_trainer(hidden=5)
    t.step(4)
    info, snap = run_state(t)
    view.start_run(info)
    view.update_from(snap)
    view.own_scale.setChecked(True)  # redraws at once
    grid = view.grid
    lut = view._lut()
    for i in range(5):
        w = grid.weights[i]
        expected = to_rgba(w.reshape(8, 8), np.abs(w).max(), lut)
        np.testing.assert_array_equal(grid.rgba_w[i], expected)
        # every neuron reaches an end of the map
        ends = {tuple(lut[0]), tuple(lut[-1])}
        assert ends & {tuple(px) for px in grid.rgba_w[i].reshape(64, 4)}
    assert view.weight_bar.text() == "w  −max … 0 … +max"
