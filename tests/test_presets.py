"""Lesson presets (resources/presets): the index, loading, and what the presets show (no Qt)."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest

from gdsim.app.lessons import presets as presets_module
from gdsim.app.lessons.presets import (
    LESSONS,
    Preset,
    all_presets,
    find_preset,
    load_preset,
    presets_for,
    start_point,
)
from gdsim.config import ConfigError, load_config
from gdsim.engine.trainer import Trainer
from gdsim.resources import resource_path

PRESET_DIR = resource_path("presets")


# ----------------------------------------------------------------------------------------------
# the index


def test_every_indexed_file_loads_and_every_preset_file_is_indexed():
    listed = [p.file for p in all_presets()]
    assert len(listed) == len(set(listed))
    on_disk = sorted(p.name for p in PRESET_DIR.glob("*.json") if p.name != "index.json")
    assert sorted(listed) == on_disk
    for preset in all_presets():
        config = load_config(preset.path)  # the public loader accepts every preset
        assert load_preset(preset) == config
        assert preset.lesson in LESSONS
        assert preset.title.strip() and preset.summary.strip()
        assert "\n" not in preset.summary  # one line


def test_each_lesson_has_its_presets():
    assert [p.title for p in presets_for("one_parameter")][:4] == [
        "Too small",
        "Good",
        "Oscillating",
        "Diverging",
    ]
    assert {p.title for p in presets_for("two_parameters")} >= {
        "Bowl",
        "Elongated valley",
        "Saddle",
        "Rosenbrock",
        "Several minima",
    }
    assert {p.file for p in presets_for("main")} == {
        "health-dead-relu.json",
        "health-vanishing-sigmoid.json",
        "health-exploding.json",
        "textbook-backprop.json",
    }
    with pytest.raises(ValueError, match="unknown lesson"):
        presets_for("three_parameters")


def test_lesson_presets_are_function_mode_with_plain_sgd():
    for lesson, names in (("one_parameter", ("w",)), ("two_parameters", ("w1", "w2"))):
        for preset in presets_for(lesson):
            config = load_preset(preset)
            assert config.mode == "function"
            assert tuple(n for n, _ in config.parameters) == names
            assert config.optimizer.name == "sgd" and config.optimizer.momentum == 0


def test_find_preset_by_file_with_or_without_json():
    assert find_preset("one-lr-good") == find_preset("one-lr-good.json")
    assert start_point(load_preset("two-valley.json")) == (-4.0, 1.5)
    with pytest.raises(ConfigError, match="nope.json"):
        find_preset("nope")


# ----------------------------------------------------------------------------------------------
# errors name the file


@pytest.fixture
def fake_presets(tmp_path, monkeypatch):
    """A copy of resources/presets that a test may break, used in place of the real one."""
    folder = tmp_path / "presets"
    shutil.copytree(PRESET_DIR, folder)
    monkeypatch.setattr(presets_module, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    return folder


def test_a_broken_index_is_named(fake_presets):
    (fake_presets / "index.json").write_text('{"presets": [{"file": "a.json"}]}')
    with pytest.raises(ConfigError) as info:
        all_presets()
    assert "index.json" in str(info.value) and "presets[0]" in str(info.value)
    (fake_presets / "index.json").write_text("{not json")
    with pytest.raises(ConfigError, match="index.json"):
        presets_for("main")


def test_a_broken_preset_file_is_named(fake_presets):
    (fake_presets / "one-lr-good.json").write_text('{"gdsim": 1, "mode": "function", "functio')
    with pytest.raises(ConfigError) as info:
        load_preset("one-lr-good.json")
    assert "one-lr-good.json" in str(info.value) and "invalid JSON" in str(info.value)


def test_a_preset_that_does_not_fit_its_lesson_is_named(fake_presets):
    data = json.loads((fake_presets / "two-bowl.json").read_text())
    data["optimizer"] = {"name": "adam", "learning_rate": 0.1}
    (fake_presets / "two-bowl.json").write_text(json.dumps(data))
    with pytest.raises(ConfigError) as info:
        load_preset(Preset("two-bowl.json", "two_parameters", "Bowl", "a bowl"))
    assert "two-bowl.json" in str(info.value) and "sgd" in str(info.value)
    with pytest.raises(ConfigError, match=r"two-valley.json.*parameters w$"):
        load_preset(Preset("two-valley.json", "one_parameter", "Valley", "w1 and w2"))


# ----------------------------------------------------------------------------------------------
# what the one-parameter presets show, in the engine


def run_w(file: str, steps: int) -> tuple[Trainer, list[float]]:
    t = Trainer(load_preset(file))
    ws = [float(t.parameters[0])]
    for _ in range(steps):
        if t.step(1) == 0:
            break
        ws.append(float(t.parameters[0]))
    return t, ws


def test_seed_numbers_of_the_good_preset():
    t, ws = run_w("one-lr-good.json", 1)
    assert t.config.function == "(w - 3)**2" and ws == [1.0, pytest.approx(1.4)]


def test_learning_rate_presets_do_what_their_titles_say():
    _, small = run_w("one-lr-too-small.json", 20)
    assert abs(small[-1] - 3) > 1.0  # 20 steps, and still far from 3 (w = 1.66)
    _, good = run_w("one-lr-good.json", 20)
    assert abs(good[-1] - 3) < 0.05 and all(w < 3 for w in good)  # straight in, no overshoot
    _, osc = run_w("one-lr-oscillating.json", 20)
    sides = [w > 3 for w in osc[1:]]
    assert all(a != b for a, b in zip(sides, sides[1:], strict=False))  # every step overshoots
    gaps = [abs(w - 3) for w in osc]
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 0.05  # ... by less each time
    t, div = run_w("one-lr-diverging.json", 2000)
    gaps = [abs(w - 3) for w in div[:50]]
    assert gaps == sorted(gaps) and gaps[20] > 1000
    assert t.diverged and "diverged" in t.diverged and t.step_count < 1000


def test_two_dips_ends_in_the_nearer_dip():
    t, ws = run_w("one-two-dips.json", 400)
    assert ws[0] == 0.3 and ws[-1] == pytest.approx(1.347, abs=1e-3)
    # the other dip is lower: gradient descent only follows the local slope
    left = -1.473  # the other dip, where 4w^3 - 8w + 1 = 0 too
    assert t.cost > left**4 - 4 * left**2 + left + 2


# ----------------------------------------------------------------------------------------------
# the exploding gradient-health preset


def layer_norms(t: Trainer) -> np.ndarray:
    layers = t.parameter_index.layer
    return np.array([np.linalg.norm(t.gradients[layers == k]) for k in sorted(set(layers))])


def test_exploding_preset_grows_steadily_then_is_caught():
    t = Trainer(load_preset("health-exploding.json"))
    norms = []
    with np.errstate(all="ignore"):
        while t.diverged is None and t.step_count < 200:
            norms.append(layer_norms(t))
            t.step(1)
    norms = np.array(norms)
    last = norms[:, -1]  # the output layer carries the growth
    # A steady climb: larger after every update from step 2 on, about 1.12x a step, ...
    assert np.all(np.diff(last[2:31]) > 0)
    assert 1.05 < (last[30] / last[10]) ** (1 / 20) < 1.2
    # ... over two orders of magnitude in 30 steps, with every layer still below 100 ...
    assert last[30] > 100 * last[0] and norms[:31].max() < 100
    # ... then it runs away within a few steps and divergence detection stops the run,
    # long before numbers like 1e150 could pile up.
    assert 30 < t.step_count <= 40
    assert np.sum(norms.max(axis=1) > 1e4) <= 3
    assert t.diverged.startswith(f"training diverged at step {t.step_count}")
    assert "learning rate (1.06)" in t.diverged
    assert not math.isfinite(t.cost) or not np.all(np.isfinite(t.parameters))


def test_the_preset_module_loads_no_qt():
    import subprocess
    import sys

    code = (
        "import sys, gdsim.app.lessons.presets as p; p.load_preset('one-lr-good.json');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
