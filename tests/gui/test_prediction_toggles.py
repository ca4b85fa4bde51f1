"""The Prediction tab's toggles: "Discretize output" and "Show test data"."""

import os
from pathlib import Path

import numpy as np
import pytest

from gdsim.app.views.prediction import PredictionView
from gdsim.app.views.prediction_numbers import discrete_values, one_hot
from tests.gui.trainer_state import run_info, snapshot, trained

SHOTS = os.environ.get("GDSIM_DIAGRAM_SHOTS")


@pytest.fixture
def view(qtbot):
    v = PredictionView()
    qtbot.addWidget(v)
    v.resize(900, 420)
    v.show()
    qtbot.waitExposed(v)
    return v


def start(view, example, steps):
    t = trained(example, steps)
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    return t


def test_discretize_shows_the_predicted_class(view):
    start(view, "xor.json", 800)
    check = view.findChild(object, "discretizeOutputCheck")
    assert check.isEnabled() and not check.isChecked() and check.toolTip()
    continuous = view.image.image.copy()
    assert len(np.unique(continuous)) > 2
    check.setChecked(True)
    shown = view.image.image
    assert set(np.unique(shown)) <= {0.0, 1.0}
    np.testing.assert_array_equal(shown, (view.grid_values() >= 0.5).astype(float))
    assert "predicted class" in view.colorbar.getAxis("right").labelText
    check.setChecked(False)
    np.testing.assert_array_equal(view.image.image, continuous)


def test_discretize_over_three_classes_uses_full_colours(view):
    start(view, "spiral-3-classes.json", 50)
    before = view.image.image.copy()
    view.discretize_check.setChecked(True)
    after = view.image.image
    assert after.shape == before.shape and not np.array_equal(after, before)
    colours = {tuple(p) for p in after.reshape(-1, 4)}
    assert len(colours) <= 3  # one colour per predicted class, however sure


def test_show_test_data_hides_and_shows_the_rings_and_is_remembered(view):
    start(view, "xor.json", 10)
    check = view.findChild(object, "showTestDataCheck")
    assert check.isChecked() and view.graphics.test_visible() is True
    check.setChecked(False)
    assert view.graphics.test_visible() is False
    train = [item for item, hollow, _ in view.graphics._point_styles if not hollow]
    assert train and all(item.isVisible() for item in train)
    view.discretize_check.setChecked(True)
    start(view, "xor.json", 20)  # a new run in the same window: the choices stay
    assert not check.isChecked() and view.graphics.test_visible() is False
    assert set(np.unique(view.image.image)) <= {0.0, 1.0}
    start(view, "sine-regression.json", 5)  # a curve: no classes to discretize
    assert not view.discretize_check.isEnabled()
    check.setChecked(True)
    assert view.graphics.test_visible() in (True, None)


def test_discrete_helpers():
    np.testing.assert_array_equal(discrete_values(np.array([0.2, 0.5, 0.9])), [0, 1, 1])
    out = np.array([[0.2, np.nan, np.nan], [0.5, 0.1, np.nan], [0.3, 0.2, np.nan]])
    hot = one_hot(out)
    np.testing.assert_array_equal(hot[:, 0], [0, 1, 0])
    np.testing.assert_array_equal(hot[:, 1], [0, 0, 1])
    np.testing.assert_allclose(hot[:, 2], [1 / 3] * 3)


def test_screenshot(view, qtbot, tmp_path):
    start(view, "xor.json", 800)
    view.discretize_check.setChecked(True)
    view.test_check.setChecked(True)
    qtbot.wait(30)
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(folder / "maps-prediction-toggles.png"))
