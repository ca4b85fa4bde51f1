"""The prediction view: decision boundary, fitted curve and notes, checked against the trainer."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from gdsim.app.views.prediction import GRID, PredictionView
from gdsim.engine.trainer import Trainer
from gdsim.session.run_files import open_trainer
from gdsim.session.runstate import RunInfo, Snapshot
from tests.gui.trainer_state import run_info, snapshot

SHOTS = Path(os.environ.get("GDSIM_VIEW_SHOTS", "/tmp/views-pred"))
EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
FUNCTION = {
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}


# ----------------------------------------------------------------------------------------------
# helpers


def example(name: str) -> Path:
    return EXAMPLES / name


@pytest.fixture
def view(qtbot):
    v = PredictionView()
    qtbot.addWidget(v)
    v.resize(600, 450)
    v.show()
    qtbot.waitExposed(v)
    return v


def shoot(view: PredictionView, qtbot, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(50)
    path = SHOTS / name
    assert view.grab().save(str(path))
    return path


# ----------------------------------------------------------------------------------------------
# classification: the decision boundary


def test_xor_grid_matches_trainer_predictions(view):
    t = open_trainer(example("xor.json"))
    view.start_run(run_info(t))
    assert view.kind() == "boundary"
    assert view.objectName() == "predictionView"
    assert view.grid_values() is None
    view.update_from(snapshot(t))
    values = view.grid_values()
    assert values.shape == (GRID, GRID)
    points = view.grid_points()
    np.testing.assert_allclose(values, t.predict(points)[0].reshape(GRID, GRID), rtol=0, atol=1e-12)
    # grid_points is the meshgrid of grid_axes, x1 varying along the first index
    gx, gy = view.grid_axes()
    g1, g2 = np.meshgrid(gx, gy, indexing="ij")
    np.testing.assert_array_equal(points, np.vstack([g1.ravel(), g2.ravel()]))
    t.step(50)
    view.update_from(snapshot(t))
    np.testing.assert_allclose(
        view.grid_values(), t.predict(points)[0].reshape(GRID, GRID), rtol=0, atol=1e-12
    )
    # the image shows exactly those values, cell centres on the grid points
    np.testing.assert_array_equal(view.image.image, view.grid_values())
    rect = view.image.mapRectToParent(view.image.boundingRect())
    dx, dy = gx[1] - gx[0], gy[1] - gy[0]
    assert rect.left() == pytest.approx(gx[0] - dx / 2)
    assert rect.right() == pytest.approx(gx[-1] + dx / 2)
    assert rect.top() == pytest.approx(gy[0] - dy / 2)
    assert rect.bottom() == pytest.approx(gy[-1] + dy / 2)


def test_grid_covers_data_with_margin(view):
    t = open_trainer(example("xor.json"))
    view.start_run(run_info(t))
    d = t.objective.dataset
    x = np.hstack([d.x_train, d.x_test])
    gx, gy = view.grid_axes()
    for axis, g in ((0, gx), (1, gy)):
        lo, hi = x[axis].min(), x[axis].max()
        span = hi - lo
        assert g[0] == pytest.approx(lo - 0.1 * span)
        assert g[-1] == pytest.approx(hi + 0.1 * span)


def test_xor_learns_and_accuracy_matches(view, qtbot):
    t = open_trainer(example("xor.json"))
    t.set_optimizer("adam", learning_rate=0.05)
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    t.step(2000)
    view.update_from(snapshot(t))
    train, test = view.accuracy()
    assert train > 0.9
    assert test > 0.8
    d = t.objective.dataset
    expected = np.mean((t.predict(d.x_train)[0] >= 0.5) == d.y_train[0])
    assert train == pytest.approx(expected)
    caption = view.findChild(type(view.caption), "predictionCaption")
    assert caption is view.caption
    assert "step 2,000" in caption.text() and "accuracy" in caption.text()
    assert f"{100 * train:.1f}%" in caption.text()
    shoot(view, qtbot, "xor-2000.png")


def test_snapshot_of_another_run_is_ignored(view):
    t = open_trainer(example("xor.json"))
    view.start_run(run_info(t, run_id=2))
    view.update_from(snapshot(t, run_id=1))
    assert view.grid_values() is None
    view.update_from(snapshot(t, run_id=2))
    assert view.grid_values() is not None


def test_softmax_spiral_colours_by_class(view, qtbot):
    t = open_trainer(example("spiral-softmax.json"))
    view.start_run(run_info(t))
    t.step(300)
    view.update_from(snapshot(t))
    out = t.predict(view.grid_points())
    # two softmax outputs: the map shows p(class 1)
    np.testing.assert_allclose(view.grid_values(), out[1].reshape(GRID, GRID), atol=1e-12)
    d = t.objective.dataset
    train, _ = view.accuracy()
    assert train == pytest.approx(np.mean(np.argmax(t.predict(d.x_train), axis=0) == d.y_train[0]))
    shoot(view, qtbot, "spiral-300.png")


def test_three_class_softmax_uses_rgba_image(view):
    from gdsim.engine.datasets import Dataset

    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 2.0]])
    labels = np.repeat(np.arange(3), 30)
    x = (centres[labels] + 0.3 * rng.standard_normal((90, 2))).T
    data = Dataset(
        x[:, :72],
        labels[None, :72].astype(float),
        x[:, 72:],
        labels[None, 72:].astype(float),
        ("x1", "x2"),
        ("label",),
        "classification",
        3,
        "blobs",
    )
    t = Trainer(
        {
            "network": {"inputs": 2, "layers": [{"units": 3, "activation": "softmax"}]},
            "loss": "cross_entropy",
        },
        dataset=data,
    )
    view.start_run(run_info(t), dataset=data)
    assert view.kind() == "boundary"
    t.step(100)
    view.update_from(snapshot(t))
    assert view.image.image.shape == (GRID, GRID, 4)
    np.testing.assert_allclose(
        view.grid_values(),
        t.predict(view.grid_points()).max(axis=0).reshape(GRID, GRID),
        atol=1e-12,
    )


def test_redraw_is_fast_for_the_default_network(view):
    t = Trainer()
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    times, painted = [], []
    for _ in range(10):
        t.step(5)
        snap = snapshot(t)
        start = time.perf_counter()
        view.update_from(snap)
        times.append(time.perf_counter() - start)
        view.graphics.viewport().repaint()  # includes tracing the 0.5 contour
        painted.append(time.perf_counter() - start)
    assert sorted(times)[len(times) // 2] < 0.015
    assert sorted(painted)[len(painted) // 2] < 0.040


# ----------------------------------------------------------------------------------------------
# regression: the fitted curve


def test_sine_curve_matches_trainer(view, qtbot):
    t = open_trainer(example("sine-regression.json"))
    view.start_run(run_info(t))
    assert view.kind() == "curve"
    assert view.accuracy() is None
    t.step(2000)
    view.update_from(snapshot(t))
    x, y = view.curve_data()
    np.testing.assert_allclose(y, t.predict(x[None, :])[0], rtol=0, atol=1e-12)
    d = t.objective.dataset
    assert x[0] == pytest.approx(min(d.x_train.min(), d.x_test.min()))
    assert x[-1] == pytest.approx(max(d.x_train.max(), d.x_test.max()))
    train, test = view.mse()
    assert train == pytest.approx(np.mean((t.predict(d.x_train) - d.y_train) ** 2))
    assert train < 0.05
    assert "mean squared error" in view.caption.text()
    np.testing.assert_array_equal(view.fit.xData, x)
    np.testing.assert_array_equal(view.fit.yData, y)
    shoot(view, qtbot, "sine-2000.png")


# ----------------------------------------------------------------------------------------------
# notes


def test_function_mode_shows_note(view):
    t = Trainer(FUNCTION)
    view.start_run(run_info(t))
    assert view.kind() == "none"
    assert "Prediction view: for networks" in view.note_text()
    assert view.graphics.isHidden() and view.caption.isHidden()
    view.update_from(snapshot(t))  # ignored, no error
    assert view.grid_values() is None and view.curve_data() is None
    assert view.accuracy() is None


def test_switching_back_to_network_shows_plot(view):
    view.start_run(run_info(Trainer(FUNCTION)))
    t = open_trainer(example("xor.json"))
    view.start_run(run_info(t, run_id=2))
    view.update_from(snapshot(t, run_id=2))
    assert view.note_text() == ""
    assert not view.graphics.isHidden() and not view.caption.isHidden()


def test_three_inputs_shows_note_and_accuracy(view, tmp_path):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((60, 3))
    label = (x.sum(axis=1) > 0).astype(int)
    rows = zip(x, label, strict=True)
    lines = ["a,b,c,label"] + [f"{r[0]},{r[1]},{r[2]},{lab}" for r, lab in rows]
    (tmp_path / "three.csv").write_text("\n".join(lines) + "\n")
    cfg = {
        "network": {"inputs": 3, "layers": [{"units": 1, "activation": "sigmoid"}]},
        "loss": "bce",
        "data": {
            "source": "csv",
            "path": str(tmp_path / "three.csv"),
            "inputs": ["a", "b", "c"],
            "targets": ["label"],
        },
    }
    t = open_trainer(cfg)  # reads the CSV file (the engine opens none)
    view.start_run(run_info(t))
    assert view.kind() == "other"
    assert "1 input" in view.note_text() and "2 inputs" in view.note_text()
    t.step(20)
    view.update_from(snapshot(t))
    train, _ = view.accuracy()
    d = t.objective.dataset
    assert train == pytest.approx(np.mean((t.predict(d.x_train)[0] >= 0.5) == d.y_train[0]))
    assert not view.caption.isHidden() and "accuracy" in view.caption.text()


def test_missing_csv_shows_note(view, tmp_path):
    t = open_trainer(example("xor.json"))
    from gdsim.config import config_from_dict

    cfg = config_from_dict(
        {
            "data": {
                "source": "csv",
                "path": str(tmp_path / "gone.csv"),
                "inputs": ["x1", "x2"],
                "targets": ["y"],
            }
        }
    )
    info = RunInfo(1, cfg, t.parameter_names, t.extra_names, 0)
    view.start_run(info)
    assert "cannot load the data" in view.note_text()
    view.update_from(snapshot(t))
    assert view.grid_values() is None


def test_diverged_parameters_draw_without_warnings(view):
    t = open_trainer(example("xor.json"))
    view.start_run(run_info(t))
    snap = snapshot(t)
    bad = Snapshot(**{**snap.__dict__, "parameters": np.full_like(snap.parameters, np.nan)})
    view.update_from(bad)
    assert np.isnan(view.grid_values()).all()
    assert "—" in view.caption.text() or "0.0%" in view.caption.text()


def test_comparable_inputs_are_drawn_to_the_same_scale_and_curves_are_not(qtbot):
    from gdsim.config import load_config
    from gdsim.resources import resource_path

    view = PredictionView()
    qtbot.addWidget(view)
    for example, kind, locked in (
        ("spiral-softmax.json", "boundary", True),
        ("sine-regression.json", "curve", False),
    ):
        t = Trainer(load_config(resource_path("examples", example)))
        view.start_run(run_info(t))
        view.update_from(snapshot(t))
        assert view.kind() == kind
        assert bool(view.plot.getViewBox().state["aspectLocked"]) is locked, example


def test_a_big_network_draws_a_coarser_map_so_a_redraw_stays_quick(view):
    import json

    from gdsim.app.views.prediction_numbers import GRID_WORK, MIN_GRID, grid_size
    from gdsim.config import config_from_dict

    assert grid_size(17) == GRID and grid_size(1_004_001) == MIN_GRID
    config = json.loads(example("xor.json").read_text())
    config["network"]["layers"] = [
        {"units": 300, "activation": "tanh"},
        {"units": 300, "activation": "tanh"},
        {"units": 1, "activation": "sigmoid"},
    ]
    t = open_trainer(config_from_dict(config, base_dir=example("xor.json").parent))
    side = grid_size(t.parameters.size)
    assert MIN_GRID < side < GRID and t.parameters.size * side * side <= GRID_WORK
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    values = view.grid_values()
    assert values.shape == (side, side)
    expected = t.predict(view.grid_points())[0].reshape(side, side)
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(view.image.image, values)


def test_with_input_features_the_map_is_drawn_over_the_raw_plane(view):
    """circle-features.json feeds the network x1^2 and x2^2: the map's grid is over (x1, x2) and
    each cell shows the prediction at the features of its point, so the boundary is a circle."""
    from gdsim.engine.features import transform

    t = open_trainer(example("circle-features.json"))
    t.step(300)
    view.start_run(run_info(t))
    assert view.kind() == "boundary"
    view.update_from(snapshot(t))
    points = view.grid_points()
    expected = t.predict(transform(("x1^2", "x2^2"), points))[0].reshape(GRID, GRID)
    np.testing.assert_allclose(view.grid_values(), expected, rtol=0, atol=1e-12)
    values, mid = view.grid_values(), GRID // 2
    assert (values[mid, mid] > 0.5) != (values[0, 0] > 0.5)  # inside and outside the circle
    assert view.graphics.plot.getAxis("bottom").labelText == "x1"
