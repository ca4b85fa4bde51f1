"""The loss-surface view: a slice of the real cost over two parameters, and the training path."""

import os
import time
from pathlib import Path

import numpy as np
import pytest

from gdsim.app.views.loss_surface import GRID, LossSurfaceView, default_pair
from gdsim.engine.network import Network
from gdsim.engine.trainer import Trainer
from gdsim.session.run_files import open_trainer
from tests.gui.trainer_state import run_info, snapshot

SHOTS = Path(os.environ.get("GDSIM_VIEW_SHOTS", "/tmp/views-surface"))
EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
FUNCTION = {
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}


# ----------------------------------------------------------------------------------------------
# helpers


def train_and_feed(
    view: LossSurfaceView, t: Trainer, steps: int, chunk: int = 7, run_id: int = 1
) -> None:
    """Train `steps` updates, sending a snapshot after every `chunk` of them (and one first)."""
    snap = snapshot(t, -1, run_id)
    view.update_from(snap)
    last = snap.chunk.latest_step
    done = 0
    while done < steps:
        n = min(chunk, steps - done)
        t.step(n)
        done += n
        snap = snapshot(t, last, run_id)
        view.update_from(snap)
        last = snap.chunk.latest_step


def independent_cost(t: Trainer, values: dict[str, float] | None = None) -> float:
    """Network.cost on the full training set, on a network of its own."""
    cfg = t.config
    net = Network(
        cfg.network.inputs,
        [layer.units for layer in cfg.network.layers],
        [layer.activation for layer in cfg.network.layers],
        cfg.loss,
        cfg.regularization.kind,
        cfg.regularization.rate,
    )
    net.theta[...] = t.parameters
    for name, value in (values or {}).items():
        net.theta[net.parameter_names.index(name)] = value
    obj = t.objective
    return net.cost(obj.x_train, obj.y_train)


@pytest.fixture
def view(qtbot):
    v = LossSurfaceView()
    qtbot.addWidget(v)
    v.resize(600, 450)
    v.show()
    return v


@pytest.fixture
def xor100(view):
    t = open_trainer(EXAMPLES / "xor.json")
    view.start_run(run_info(t))
    train_and_feed(view, t, 100)
    return view, t


# ----------------------------------------------------------------------------------------------
# tests


def test_default_pair_is_first_two_weights_of_last_layer():
    assert default_pair(("w1_1_1", "w1_1_2", "b1_1", "w2_1_1", "w2_1_2", "b2_1")) == (
        "w2_1_1",
        "w2_1_2",
    )
    assert default_pair(("w1_1_1", "b1_1", "w2_1_1", "b2_1")) == ("w1_1_1", "b1_1")
    assert default_pair(("w",)) is None


def test_defaults_and_widgets(xor100):
    view, t = xor100
    assert view.objectName() == "lossSurfaceView"
    assert view.findChild(type(view.param_x), "surfaceParamX") is view.param_x
    assert view.findChild(type(view.param_y), "surfaceParamY") is view.param_y
    assert view.selection() == ("w2_1_1", "w2_1_2")
    assert view.param_x.currentData() == "w2_1_1" and view.param_y.currentData() == "w2_1_2"
    assert view.param_x.count() == len(t.parameter_names)
    caption = view.findChild(type(view.caption), "surfaceCaption")
    assert caption is view.caption and not caption.isHidden()
    assert "frozen" in caption.text() and "current" in caption.text()
    assert view.note_text() == ""


def test_grid_centre_is_the_current_cost(xor100):
    view, t = xor100
    xs, ys, c = view.grid()
    assert c.shape == (GRID, GRID) and xs.shape == ys.shape == (GRID,)
    names = t.parameter_names
    ix, iy = names.index("w2_1_1"), names.index("w2_1_2")
    mid = GRID // 2
    assert xs[mid] == t.parameters[ix] and ys[mid] == t.parameters[iy]
    expected = independent_cost(t)
    assert abs(c[mid, mid] - expected) <= 1e-12
    # the window: at least +-1, centred
    assert xs[-1] - xs[mid] >= 1.0 - 1e-12 and ys[mid] - ys[0] >= 1.0 - 1e-12


def test_random_cells_match_an_independent_computation(xor100):
    view, t = xor100
    xs, ys, c = view.grid()
    px, py = view.selection()
    rng = np.random.default_rng(3)
    for i, j in rng.integers(0, GRID, size=(6, 2)):
        expected = independent_cost(t, {px: xs[i], py: ys[j]})
        assert abs(c[i, j] - expected) <= 1e-12, (i, j)
    assert np.all(np.isfinite(c))
    assert c.min() < c.max()


def test_trajectory_matches_history(xor100):
    view, t = xor100
    steps, xv, yv = view.trajectory()
    h = t.history
    names = t.parameter_names
    ix, iy = names.index("w2_1_1"), names.index("w2_1_2")
    np.testing.assert_array_equal(steps, h.param_steps())
    np.testing.assert_array_equal(xv, h.params()[:, ix])
    np.testing.assert_array_equal(yv, h.params()[:, iy])
    assert steps[-1] == 100
    # the drawn path ends at the current point and starts at the first row
    px, py = view.path.getData()
    assert px[0] == xv[0] and py[-1] == yv[-1]


def test_changing_selection_changes_grid_and_trajectory(xor100):
    view, t = xor100
    _, _, before = view.grid()
    assert view.select("w1_1_1", "b2_1")
    assert view.selection() == ("w1_1_1", "b2_1")
    assert view.param_x.currentData() == "w1_1_1" and view.param_y.currentData() == "b2_1"
    xs, ys, after = view.grid()
    assert not np.array_equal(before, after)
    names = t.parameter_names
    ix, iy = names.index("w1_1_1"), names.index("b2_1")
    assert xs[GRID // 2] == t.parameters[ix] and ys[GRID // 2] == t.parameters[iy]
    assert abs(after[GRID // 2, GRID // 2] - independent_cost(t)) <= 1e-12
    steps, xv, yv = view.trajectory()
    np.testing.assert_array_equal(xv, t.history.params()[:, ix])
    np.testing.assert_array_equal(yv, t.history.params()[:, iy])
    # through the combo boxes too
    view.param_y.setCurrentIndex(view.param_y.findData("w2_1_3"))
    assert view.selection() == ("w1_1_1", "w2_1_3")
    assert not np.array_equal(view.grid()[2], after)
    assert not view.select("w1_1_1", "w1_1_1") and not view.select("nope", "b2_1")


def test_snapshots_of_other_runs_are_ignored(xor100):
    view, t = xor100
    xs, ys, c = view.grid()
    steps = view.trajectory()[0]
    other = open_trainer(EXAMPLES / "xor.json")
    other.step(5)
    view.update_from(snapshot(other, -1, run_id=99))
    assert np.array_equal(view.grid()[2], c)
    assert np.array_equal(view.trajectory()[0], steps)


def test_function_mode_shows_note(view):
    t = Trainer(FUNCTION)
    view.start_run(run_info(t))
    assert "for networks" in view.note_text()
    assert view.graphics.isHidden() and view.caption.isHidden()
    view.update_from(snapshot(t, -1))  # ignored, no error
    assert view.grid() is None and view.selection() is None
    assert len(view.trajectory()[0]) == 0
    # and back to a network
    t2 = open_trainer(EXAMPLES / "xor.json")
    view.start_run(run_info(t2, run_id=2))
    train_and_feed(view, t2, 3, run_id=2)
    assert view.note_text() == "" and view.grid() is not None


def test_new_run_keeps_selection_and_resets_path(xor100):
    view, t = xor100
    view.select("w1_2_1", "w1_2_2")
    t2 = open_trainer(EXAMPLES / "xor.json")
    view.start_run(run_info(t2, run_id=2))
    assert view.selection() == ("w1_2_1", "w1_2_2")
    assert len(view.trajectory()[0]) == 0 and view.grid() is None
    train_and_feed(view, t2, 4, run_id=2)
    assert list(view.trajectory()[0]) == [0, 1, 2, 3, 4]


def test_running_updates_are_cheap_and_throttled(xor100):
    view, t = xor100
    last = t.history.latest_step
    view.update_from(snapshot(t, last, running=True))  # no movement: maybe one recompute
    t0 = time.perf_counter()
    times = []
    for _ in range(10):
        t.step(1)
        before = view.grid()[2]
        start = time.perf_counter()
        view.update_from(snapshot(t, last, running=True))
        times.append(time.perf_counter() - start)
        last = t.history.latest_step
        if time.perf_counter() - t0 < 0.9:
            assert np.array_equal(view.grid()[2], before)  # not recomputed within a second
    assert np.median(times) < 0.01


def test_grid_is_fast_enough(xor100):
    view, t = xor100
    start = time.perf_counter()
    view._compute_grid()
    assert time.perf_counter() - start < 0.15


def test_trajectory_is_bounded(view):
    t = open_trainer(EXAMPLES / "xor.json")
    view.start_run(run_info(t))
    view._t_max = 50  # a small bound to exercise the stride doubling
    train_and_feed(view, t, 300, chunk=25)
    steps, xv, yv = view.trajectory()
    assert len(steps) <= 50 and steps[0] == 0 and steps[-1] == 300
    assert np.all(np.diff(steps) > 0)
    rows = {int(s): i for i, s in enumerate(t.history.param_steps())}
    ix = t.parameter_names.index("w2_1_1")
    for s, x in zip(steps, xv, strict=True):
        if s in rows:
            assert x == t.history.params()[rows[s], ix]


def test_screenshot_adam_xor(qtbot):
    view = LossSurfaceView()
    qtbot.addWidget(view)
    view.resize(600, 450)
    view.show()
    cfg = dict(__import__("json").loads((EXAMPLES / "xor.json").read_text()))
    cfg["optimizer"] = {"name": "adam", "learning_rate": 0.05}
    t = Trainer(cfg)
    view.start_run(run_info(t))
    train_and_feed(view, t, 300, chunk=20)
    qtbot.wait(50)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "loss-surface-xor-adam.png"
    assert view.grab().save(str(path))
    assert path.stat().st_size > 1000


def test_colour_bar_shows_plain_costs_without_an_si_scale(qtbot):
    from gdsim.app.views.loss_surface import LossSurfaceView

    view = LossSurfaceView()
    qtbot.addWidget(view)
    assert not view.colorbar.getAxis("right").autoSIPrefix
