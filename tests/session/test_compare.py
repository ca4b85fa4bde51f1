"""Compare runs from the same start, on the driver as a plain object (fake clock, list outbox)."""

import json
import subprocess
import sys

import numpy as np
import pytest

from gdsim.config import config_from_dict
from gdsim.session.compare import MAX_VARIANTS, file_stem, label_for, sweep
from gdsim.session.protocol import (
    CancelCompare,
    Compare,
    CompareDone,
    CompareExported,
    CompareFailed,
    CompareProgress,
    CompareStarted,
    ExportCompare,
    Load,
    Run,
    SetLearningRate,
    SetParameters,
    SnapshotReady,
    Step,
)
from tests.session.fakes import ONE, FakeClock, finish, make_driver

NETWORK = config_from_dict(
    {
        "network": {
            "inputs": 2,
            "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        },
        "optimizer": {"name": "sgd", "learning_rate": 0.1},
        "batch_size": 16,
        "data": {"name": "circle", "samples": 100, "seed": 4},
    }
)


def loaded(config=NETWORK, steps=0):
    driver, outbox, clock = make_driver()
    driver.handle(Load(config, 1))
    if steps:
        driver.handle(Step(steps))
        finish(driver)
    outbox.clear()
    return driver, outbox, clock


def compare(driver, variants, steps=40, compare_id=9):
    labels = tuple(label_for(v) for v in variants)
    driver.handle(Compare(tuple(variants), labels, steps, compare_id))


def run_out(driver, clock, limit=10_000):
    for _ in range(limit):
        if not driver.busy:
            return
        clock.advance(0.05)
        driver.tick()
    raise AssertionError("the comparison did not end")


def rows(outbox, n):
    """Every variant's (steps, cost, extras) joined over the progress messages."""
    out = [([], [], {}) for _ in range(n)]
    for m in outbox:
        if isinstance(m, CompareProgress):
            for v in m.variants:
                steps, cost, extras = out[v.index]
                steps.extend(v.steps.tolist())
                cost.extend(v.cost.tolist())
                for k, a in v.extras.items():
                    extras.setdefault(k, []).extend(a.tolist())
    return out


# ---------------------------------------------------------------------- the same start
def test_every_variant_starts_from_the_runs_step_zero_not_its_current_step():
    driver, outbox, clock = loaded(steps=30)
    base = driver.trainer
    first = base.history.param_row(0)[0]
    variants = [
        *sweep(0.1),
        {"activation": "relu"},
        {"optimizer": "adam", "learning_rate": 0.01},
        {"batch_size": 32, "regularization": "l2", "regularization_rate": 0.01},
    ]
    compare(driver, variants)
    assert [type(m) for m in outbox] == [CompareStarted, CompareProgress]
    started, progress = outbox
    assert started.labels == (
        "lr 0.01",
        "lr 0.1",
        "lr 1",
        "relu",
        "adam, lr 0.01",
        "batch 32, l2, reg rate 0.01",
    )
    base_cost0 = float(base.history.cost()[0])
    for v, t in zip(progress.variants, driver.comparison.trainers, strict=True):
        assert v.steps.tolist() == [0] and v.step == 0 and not v.done
        np.testing.assert_array_equal(t.history.param_row(0)[0], first)
        if v.index not in (3, 5):  # another activation or batch size: another cost
            assert v.cost[0] == base_cost0
    assert started.configs[3].network.hidden_layers[0].activation == "relu"
    assert started.configs[4].optimizer.name == "adam"


def test_a_variant_like_the_run_reproduces_its_costs_bit_for_bit():
    driver, outbox, clock = loaded(steps=60)
    base = driver.trainer
    compare(driver, [{}, {"learning_rate": 0.1}], steps=60)
    run_out(driver, clock)
    for steps, cost, extras in rows(outbox, 2):
        assert steps == list(range(61))
        assert cost == base.history.cost().tolist()  # mini-batches in the same order
        np.testing.assert_array_equal(extras["test_cost"], base.history.extra("test_cost"))
    assert isinstance(outbox[-1], CompareDone) and not outbox[-1].stopped
    assert not driver.busy


def test_a_learning_rate_sweep_starts_equal_and_differs_after_step_one():
    driver, outbox, clock = loaded()
    compare(driver, sweep(0.1), steps=30)
    run_out(driver, clock)
    got = rows(outbox, 3)
    assert got[0][1][0] == got[1][1][0] == got[2][1][0]
    assert len({r[1][1] for r in got}) == 3 and len({r[1][30] for r in got}) == 3


def test_a_value_set_by_hand_at_step_zero_is_part_of_the_start_and_of_the_files(tmp_path):
    driver, outbox, clock = loaded()
    driver.handle(SetParameters({"w1_1_1": 0.75, "b2_1": -0.5}, 2))
    driver.handle(Step(10))
    finish(driver)
    first = driver.trainer.history.param_row(0)[0]
    outbox.clear()
    compare(driver, [{"learning_rate": 0.5}, {"activation": "relu"}, {"seed": 3}], steps=25)
    configs = outbox[0].configs
    assert dict(configs[0].start_values) == {"w1_1_1": 0.75, "b2_1": -0.5}  # only what differs
    assert configs[2].start_values == ()  # a new seed: its own start
    for t in driver.comparison.trainers[:2]:
        np.testing.assert_array_equal(t.history.param_row(0)[0], first)
    assert not np.array_equal(driver.comparison.trainers[2].history.param_row(0)[0], first)
    run_out(driver, clock)
    outbox.clear()
    driver.handle(ExportCompare(str(tmp_path)))
    (done,) = outbox
    assert isinstance(done, CompareExported)
    names = [p.rsplit("/", 1)[-1] for p in done.paths]
    assert names == ["variant-1-lr-0.5.csv", "variant-2-relu.csv", "variant-3-seed-3.csv"]
    saved = json.loads((tmp_path / "variant-1-lr-0.5.json").read_text())
    assert saved["parameters"] == {"w1_1_1": 0.75, "b2_1": -0.5} and "changes" not in saved
    for name in names[:2]:
        stem = name[:-4]
        result = subprocess.run(
            [sys.executable, "-m", "gdsim", "train", tmp_path / f"{stem}.json", "--steps", "25"]
            + ["--out", tmp_path / f"{stem}-again.csv"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        again = (tmp_path / f"{stem}-again.csv").read_bytes()
        assert again == (tmp_path / name).read_bytes()


def test_function_mode_compares_optimizer_settings_from_the_same_point():
    driver, outbox, clock = loaded(ONE)
    driver.handle(SetParameters({"w": -2.0}, 2))
    driver.handle(Step(5))
    finish(driver)
    outbox.clear()
    compare(driver, [{"learning_rate": 0.05}, {"optimizer": "sgd", "momentum": 0.9}], steps=10)
    assert outbox[0].configs[0].parameters == (("w", -2.0),)
    assert [v.cost[0] for v in outbox[1].variants] == [25.0, 25.0]
    outbox.clear()
    compare(driver, [{"activation": "relu"}])
    failed = outbox[-1]  # (after the stop of the one before)
    assert isinstance(failed, CompareFailed) and "function mode" in failed.text


# ---------------------------------------------------------------------- training side by side
def test_the_run_and_the_comparison_take_turns():
    driver, outbox, clock = loaded()
    driver.handle(Run())
    compare(driver, sweep(0.1), steps=10**6)
    for _ in range(5):
        clock.advance(0.05)
        driver.tick()
    assert driver.trainer.step_count > 0
    assert all(t.step_count > 0 for t in driver.comparison.trainers)
    assert any(isinstance(m, SnapshotReady) for m in outbox)
    driver.handle(SetLearningRate(0.2))  # the run answers as always
    assert driver.trainer.learning_rate == 0.2


def test_progress_goes_at_most_30_times_a_second():
    driver, outbox, clock = loaded()
    compare(driver, sweep(0.1), steps=10**6)
    outbox.clear()
    for _ in range(10):
        driver.tick()  # the fake clock stands still: the start's progress was the last
    assert not any(isinstance(m, CompareProgress) for m in outbox)
    clock.advance(0.04)
    driver.tick()
    assert sum(isinstance(m, CompareProgress) for m in outbox) == 1


def test_cancel_stops_and_keeps_what_was_trained(tmp_path):
    driver, outbox, clock = loaded()
    compare(driver, sweep(0.1), steps=10**6)
    driver.tick()
    outbox.clear()
    driver.handle(CancelCompare())
    assert [type(m) for m in outbox] == [CompareProgress, CompareDone]
    assert outbox[1].stopped and all(v.done for v in outbox[0].variants)
    assert not driver.busy
    outbox.clear()
    driver.handle(CancelCompare())  # nothing to stop: no answer
    assert outbox == []
    driver.handle(ExportCompare(str(tmp_path)))
    assert isinstance(outbox[0], CompareExported) and len(outbox[0].paths) == 3


def test_a_diverging_variant_is_done_with_its_reason():
    driver, outbox, clock = loaded(ONE)
    compare(driver, [{"learning_rate": 0.1}, {"learning_rate": 999.0}], steps=5000)
    run_out(driver, clock)
    last = [m for m in outbox if isinstance(m, CompareProgress)][-1]
    assert last.variants[0].diverged is None and last.variants[0].step == 5000
    assert "diverged" in last.variants[1].diverged and last.variants[1].step < 5000


# ---------------------------------------------------------------------- refusals, one line each
@pytest.mark.parametrize(
    ("variants", "steps", "words"),
    [
        ([{"learning_rte": 0.1}], 10, "did you mean 'learning_rate'"),
        ([{"learning_rate": -1.0}], 10, "variant 1 (lr -1): optimizer.learning_rate"),
        ([{"optimizer": "adamw"}], 10, "did you mean 'adam'"),
        ([{"optimizer": "adam", "momentum": 0.9}], 10, "adam has no momentum"),
        ([{"activation": "relux"}], 10, "unknown activation"),
        ([{"batch_size": -3}], 10, "batch_size"),
        ([{"seed": "x"}], 10, "init.seed"),
        ([{"regularization": "l3"}], 10, "unknown kind"),
        ([{}] * (MAX_VARIANTS + 1), 10, "1 to 6 variants, got 7"),
        ([], 10, "1 to 6 variants, got 0"),
        ([{}], 0, "steps must be a whole number"),
        (["lr"], 10, "must be a mapping"),
    ],
)
def test_bad_comparisons_are_refused_in_one_line_and_the_run_goes_on(variants, steps, words):
    driver, outbox, clock = loaded()
    labels = tuple(label_for(v) if isinstance(v, dict) else "x" for v in variants)
    driver.handle(Compare(tuple(variants), labels, steps, 4))
    (failed,) = outbox
    assert isinstance(failed, CompareFailed) and failed.compare_id == 4
    assert words in failed.text and "\n" not in failed.text
    assert driver.comparison is None and not driver.busy


def test_a_refused_comparison_keeps_the_one_before_and_no_run_no_comparison(tmp_path):
    driver, outbox, _ = make_driver()
    driver.handle(Compare(({},), ("x",), 5, 1))
    driver.handle(ExportCompare(str(tmp_path)))
    assert [m.text for m in outbox] == [
        "there is no run to compare: open a config that loads",
        "nothing to export yet: start a comparison first",
    ]
    driver, outbox, clock = loaded()
    compare(driver, [{}], steps=10**6, compare_id=1)
    driver.tick()
    kept = driver.comparison
    outbox.clear()
    compare(driver, [{"learning_rate": 0.0}], compare_id=2)
    assert [type(m) for m in outbox] == [CompareProgress, CompareDone, CompareFailed]
    assert outbox[1].compare_id == 1 and outbox[1].stopped  # the one before stops
    assert driver.comparison is kept and not driver.busy  # and stays, for export


def test_export_refuses_a_non_folder_and_an_input(tmp_path):
    driver, outbox, clock = loaded()
    compare(driver, [{}], steps=3)
    run_out(driver, clock)
    outbox.clear()
    (tmp_path / "file").write_text("x")
    for where in (tmp_path / "file", tmp_path / "missing"):
        driver.handle(ExportCompare(str(where)))
    assert [m.text for m in outbox] == [
        f"cannot export into {tmp_path / 'file'}: not a folder",
        f"cannot export into {tmp_path / 'missing'}: not a folder",
    ]


def test_names_and_labels():
    assert file_stem(0, "lr 0.01") == "variant-1-lr-0.01"
    assert file_stem(5, "adam, lr 1e-05") == "variant-6-adam-lr-1e-05"
    assert file_stem(1, "ü/../..") == "variant-2"
    assert label_for({}) == "as the run" and label_for({"seed": 7}) == "seed 7"
    assert sweep(0.3) == [{"learning_rate": 0.03}, {"learning_rate": 0.3}, {"learning_rate": 3.0}]
    assert FakeClock()() == 100.0


def test_export_never_overwrites_the_runs_config_file(tmp_path):
    from gdsim.config import dumps_config, load_config

    path = tmp_path / "variant-1-as-the-run.json"
    path.write_text(dumps_config(NETWORK))
    driver, outbox, clock = loaded(load_config(path))
    compare(driver, [{}], steps=3)
    run_out(driver, clock)
    outbox.clear()
    driver.handle(ExportCompare(str(tmp_path)))
    (failed,) = outbox
    assert isinstance(failed, CompareFailed) and "\n" not in failed.text
    assert "would overwrite the input config" in failed.text
    assert path.read_text() == dumps_config(NETWORK)
    assert not (tmp_path / "variant-1-as-the-run.csv").exists()
