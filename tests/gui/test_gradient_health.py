"""The gradient health view: per-layer norms on a log axis and zero/vanishing/exploding flags."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QListWidget

from gdsim.app.views.gradient_health import GradientHealthView
from gdsim.engine.history import HistoryChunk
from gdsim.engine.trainer import Trainer
from gdsim.session.run_files import open_trainer
from gdsim.session.runstate import RunInfo, Snapshot
from tests.gui.trainer_state import run_info, snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
PRESETS = Path(__file__).resolve().parents[2] / "resources" / "presets"
SHOTS = Path(os.environ.get("GDSIM_SCREENSHOTS", "/tmp/views-health"))


# ----------------------------------------------------------------------------------------------
# helpers


class Feed:
    """Drives a Trainer and hands its snapshots to the view, `every` steps at a time."""

    def __init__(self, view: GradientHealthView, trainer: Trainer, run_id: int = 1):
        self.view, self.t, self.run_id = view, trainer, run_id
        self.sent = -1
        view.start_run(run_info(trainer, run_id))
        self.send()

    def send(self) -> None:
        self.view.update_from(snapshot(self.t, self.sent, self.run_id))
        self.sent = self.t.step_count

    def steps(self, n: int, every: int = 10) -> list[set[str]]:
        """Step n times, a snapshot every `every` steps; the flag kinds after each one."""
        kinds = []
        done = 0
        while done < n and not self.t.diverged:
            done += self.t.step(min(every, n - done))
            self.send()
            kinds.append({k for k, _ in self.view.flags()})
        return kinds


@pytest.fixture
def view(qtbot):
    v = GradientHealthView()
    qtbot.addWidget(v)
    v.resize(600, 420)
    v.show()
    return v


def kinds(view) -> set[str]:
    return {k for k, _ in view.flags()}


def preset(name: str) -> Trainer:
    return open_trainer(PRESETS / name)


def layer_norm_rows(t: Trainer, layer: int) -> tuple[np.ndarray, np.ndarray]:
    chunk = t.history.since(-1)
    mask = t.parameter_index.layer == layer
    return chunk.param_steps, np.linalg.norm(chunk.grads[:, mask], axis=1)


def shoot(view, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    assert view.grab().save(str(path))
    return path


# ----------------------------------------------------------------------------------------------
# the widget


def test_object_names_and_empty_state(view):
    assert view.objectName() == "gradientHealthView"
    assert view.findChild(type(view.plot), "gradientNormPlot") is view.plot
    assert view.findChild(QListWidget, "healthFlags") is view.flag_list
    assert view.plot.getPlotItem().ctrl.logYCheck.isChecked()  # log y axis
    assert view.flags() == []


def test_default_xor_is_healthy_after_100_steps(view):
    feed = Feed(view, Trainer())
    feed.steps(100)
    assert [k for k, _ in view.flags()] == ["healthy"]
    kind, text = view.flags()[0]
    assert "Healthy" in text
    item = view.flag_list.item(0)
    assert item.text().endswith(text)


def test_plotted_norms_equal_layer_gradient_norms(view):
    t = open_trainer(EXAMPLES / "circle-relu.json")
    feed = Feed(view, t)
    feed.steps(57, every=7)
    assert view.layer_ids == [1, 2, 3]
    labels = [item.text for _, item in view.legend.items]
    assert labels == ["layer 1", "layer 2", "layer 3"]
    for pos, layer in enumerate(view.layer_ids):
        steps, expected = layer_norm_rows(t, layer)
        x, y = view.series(pos)
        np.testing.assert_array_equal(x, steps)
        assert len(x) == 58
        np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)
        curve = view._curves[pos]
        np.testing.assert_array_equal(curve.xData, steps)
        np.testing.assert_allclose(curve.yData, expected, rtol=1e-12, atol=1e-12)


def test_points_stay_bounded_by_stride_doubling(view):
    t = Trainer()
    view.max_points = 64
    feed = Feed(view, t)
    feed.steps(1001, every=50)
    x, y = view.series(0)
    assert len(x) <= 65  # the stored points plus the latest one
    assert x[0] == 0 and x[-1] == 1001
    assert view.stride >= 16
    assert np.all(x[:-1] % view.stride == 0)
    _, expected = layer_norm_rows(t, 1)
    np.testing.assert_allclose(y, expected[x], rtol=1e-12)


def test_start_run_clears_and_function_mode_is_one_layer(view):
    feed = Feed(view, Trainer())
    feed.steps(30)
    f = Trainer(
        {
            "mode": "function",
            "function": "(w1 - 3)**2 + 10*(w2 + 1)**2",
            "parameters": {"w1": 1.0, "w2": 0.0},
            "optimizer": {"name": "sgd", "learning_rate": 0.02},
        }
    )
    feed = Feed(view, f, run_id=2)
    assert [item.text for _, item in view.legend.items] == ["all parameters"]
    x, y = view.series(0)
    assert list(x) == [0]
    assert y[0] == pytest.approx(np.linalg.norm(f.gradients))
    feed.steps(20)
    assert kinds(view) == {"healthy"}
    # snapshots of another run are ignored
    before = view.series(0)[0].copy()
    view.update_from(snapshot(Trainer(), -1, run_id=1))
    np.testing.assert_array_equal(view.series(0)[0], before)


def test_function_at_its_minimum_reports_zero_gradient(view):
    f = Trainer(
        {
            "mode": "function",
            "function": "(w - 3)**2",
            "parameters": {"w": 1.0},
            "optimizer": {"name": "sgd", "learning_rate": 0.5},
        }
    )  # lands on w = 3
    feed = Feed(view, f)
    feed.steps(10, every=1)
    assert "zero" not in kinds(view)
    feed.steps(20, every=5)
    assert "zero" in kinds(view)
    text = dict(view.flags())["zero"]
    assert "w (1 parameter)" in text and "20+ steps" in text


# ----------------------------------------------------------------------------------------------
# the presets


def test_dead_relu_preset_flags_zero_gradients(view):
    t = preset("health-dead-relu.json")
    feed = Feed(view, t)
    history = feed.steps(200)
    assert "zero" in kinds(view)
    assert "zero" in history[5]  # units die early: flagged by step 60
    text = dict(view.flags())["zero"]
    # the flagged parameters are exactly those whose gradient was 0 for the last 20 steps
    chunk = t.history.since(t.step_count - 21)
    dead = np.all(np.abs(chunk.grads) < 1e-12, axis=0)
    n_w = sum(1 for i in np.flatnonzero(dead) if t.parameter_names[i].startswith("w"))
    assert n_w > 0
    assert f"{n_w} weights" in text
    assert "(|g| < 1e-12) for 20+ steps" in text
    assert "ReLU" in text
    assert "layer 2:" in text or "layer 1:" in text
    shoot(view, "health-dead-relu.png")


def test_vanishing_preset_flags_the_first_layers(view):
    t = preset("health-vanishing-sigmoid.json")
    feed = Feed(view, t)
    feed.steps(200)
    assert "vanishing" in kinds(view)
    assert "exploding" not in kinds(view)
    text = dict(view.flags())["vanishing"]
    assert text.startswith("Vanishing: layer 1")
    assert "1,000x smaller than layer 8's" in text
    assert "sigmoid'(z) \u2264 0.25" in text
    norms = [np.linalg.norm(t.gradients[t.parameter_index.layer == k]) for k in range(1, 9)]
    assert norms[0] < 1e-3 * max(norms)
    shoot(view, "health-vanishing-sigmoid.png")


def test_exploding_preset_flags_exploding(view):
    t = preset("health-exploding.json")
    feed = Feed(view, t)
    history = feed.steps(30, every=5)  # the climb, before the run-away (it diverges at 34)
    assert not t.diverged
    assert "exploding" in kinds(view)
    first = next(i for i, k in enumerate(history) if "exploding" in k)
    assert first <= 4  # within the first 25 steps
    text = dict(view.flags())["exploding"]
    assert "lower the learning rate" in text and "above 1000" in text
    shoot(view, "health-exploding.png")


def test_exploding_until_divergence_stays_finite_and_quiet(view):
    """Run the exploding preset until it diverges: non-finite gradients are flagged, the log
    plot skips them, and no warning is raised (warnings are errors here)."""
    t = preset("health-exploding.json")
    feed = Feed(view, t)
    feed.steps(400, every=25)
    assert t.diverged
    assert kinds(view) >= {"exploding"}
    assert any("no longer finite" in text for _, text in view.flags()) or np.all(
        np.isfinite(t.gradients)
    )
    for curve in view._curves:
        y = curve.yData
        assert not np.any(np.isinf(y)) and not np.any(y <= 0)


def test_healthy_view_screenshot(view):
    feed = Feed(view, open_trainer(EXAMPLES / "circle-relu.json"))
    feed.steps(300, every=20)
    assert kinds(view) == {"healthy"}
    shoot(view, "health-healthy-circle.png")


def test_synthetic_growth_is_flagged():
    """A norm growing 10x+ within 50 steps is flagged even while it is still below 1000."""
    from gdsim.config import config_from_dict

    cfg = config_from_dict(
        {
            "mode": "network",
            "network": {"inputs": 1, "layers": [{"units": 1, "activation": "linear"}]},
            "loss": "mse",
            "data": {"source": "builtin", "name": "linear"},
        }
    )
    info = RunInfo(run_id=1, config=cfg, parameter_names=("w1_1_1", "b1_1"), extra_names=(), seed=0)
    v = GradientHealthView()
    v.start_run(info)
    steps = np.arange(0, 41)
    grads = np.stack([0.05 * 1.1**steps, np.zeros_like(steps, dtype=float)], axis=1)
    chunk = HistoryChunk(
        steps=steps,
        cost=np.zeros(41),
        extras={},
        param_steps=steps,
        params=np.zeros((41, 2)),
        grads=grads,
        latest_step=40,
        latest_params=np.zeros(2),
        latest_grads=grads[-1],
    )
    snap = Snapshot(
        run_id=1,
        chunk=chunk,
        step=40,
        epoch=0,
        cost=0.0,
        parameters=np.zeros(2),
        gradients=grads[-1],
        last_update=np.zeros(2),
        learning_rate=0.1,
        running=True,
        diverged=None,
        steps_per_second=0.0,
    )
    v.update_from(snap)
    flags = dict(v.flags())
    assert "exploding" in flags and "grew 45x in the last 50 steps" in flags["exploding"]
    assert "zero" in flags and "b1_1" in flags["zero"] and "1 bias" in flags["zero"]
    v.deleteLater()


def test_the_step_axis_leaves_room_right_of_the_newest_step_until_the_user_zooms(view):
    feed = Feed(view, Trainer())
    feed.steps(100)
    view._redraw()
    low, high = view.plot.getViewBox().viewRange()[0]
    assert low <= 0 and high >= 130  # the legend's corner is past the data
    view.plot.getViewBox().sigRangeChangedManually.emit([True, False])
    view.plot.setXRange(10, 20, padding=0)
    feed.steps(50)
    view._redraw()
    assert view.plot.getViewBox().viewRange()[0] == pytest.approx([10, 20])


def test_row_norms_are_exact_for_huge_tiny_and_broken_rows():
    from gdsim.app.views.gradient_record import row_norms

    big, tiny = 1e200, 1e-200
    g = np.array(
        [
            [3.0, 4.0, 0.0],
            [big * 3, big * 4, 0.0],  # squares overflow
            [tiny * 3, tiny * 4, 0.0],  # squares underflow
            [0.0, 0.0, 0.0],
            [np.inf, 1.0, 0.0],
            [np.nan, 1.0, 0.0],
            [np.inf, np.nan, 1.0],
        ]
    )
    out = row_norms(g)
    assert out[0] == 5.0
    assert out[1] == pytest.approx(5 * big, rel=1e-15)
    assert out[2] == pytest.approx(5 * tiny, rel=1e-15)
    assert out[3] == 0.0 and out[4] == np.inf
    assert np.isnan(out[5]) and np.isnan(out[6])
    wide = np.random.default_rng(0).normal(size=(4, 100_000))
    np.testing.assert_allclose(row_norms(wide), np.linalg.norm(wide, axis=1), rtol=1e-13)
