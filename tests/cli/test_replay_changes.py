"""RUN.json records a run's live changes; `gdsim train RUN.json --steps N` reproduces its CSV."""

import json
import subprocess
import sys

import pytest

from gdsim.config import ConfigError, config_from_dict
from gdsim.session.run_files import export_run, open_trainer

NETWORK = {
    "gdsim": 1,
    "network": {
        "inputs": 2,
        "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
    },
    "optimizer": {"name": "sgd", "learning_rate": 0.1, "momentum": 0.9},
    "batch_size": 16,
    "data": {"name": "circle", "samples": 100, "seed": 4},
    "parameters": {"w1_1_1": 0.15},
    "frozen": ["b1_*"],
}


def gdsim(*args):
    return subprocess.run(
        [sys.executable, "-m", "gdsim", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def a_run_with_every_kind_of_change():
    t = open_trainer(NETWORK)
    t.step(20)
    t.set_learning_rate(0.05)  # learning rate
    t.step(15)
    t.set_optimizer("adam", learning_rate=0.01, amsgrad=True)  # another optimizer
    t.step(10)
    t.set_parameters({"w2_1_2": -0.75, "b2_1": 0.5})  # a hand edit
    t.step(10)
    t.freeze(["w2_*"])
    t.step(10)
    t.unfreeze(["w2_1_1"])
    t.step(40)
    t.rewind(70)  # a branch: 95 -> 70
    t.set_optimizer("adam", beta1=0.8)
    t.step(50)
    return t


def test_gdsim_train_replays_a_run_with_live_changes_exactly(tmp_path):
    t = a_run_with_every_kind_of_change()
    assert {c["kind"] for c in t.changes} == {
        "optimizer",
        "parameters",
        "freeze",
        "unfreeze",
        "rewind",
    }
    export_run(t, tmp_path / "run.csv")
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["changes"] == t.changes
    # the settings at the start, not those in force at the end
    assert saved["optimizer"]["name"] == "sgd" and saved["optimizer"]["learning_rate"] == 0.1
    result = gdsim("train", tmp_path / "run.json", "--steps", 120, "--out", tmp_path / "again.csv")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "run.csv").read_bytes()
    assert json.loads((tmp_path / "again.json").read_text()) == saved


def test_a_run_without_changes_writes_none():
    t = open_trainer(NETWORK)
    t.step(5)
    assert t.changes == [] and t.run_config == t.config and t.run_config.changes == ()


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ("x", "changes"),
        ([{"step": -1, "kind": "rewind", "to": 0}], "changes[0].step"),
        ([{"step": 1, "kind": "jump"}], "changes[0].kind"),
        ([{"step": 1, "kind": "rewind"}], "changes[0]"),
        (
            [{"step": 1, "kind": "parameters", "values": {"w1_1_1": "1"}}],
            "changes[0].values.w1_1_1",
        ),
        ([{"step": 1, "kind": "freeze", "names": "b1_1"}], "changes[0].names"),
    ],
)
def test_bad_changes_are_refused_naming_the_change(changes, key):
    with pytest.raises(ConfigError) as info:
        config_from_dict({**NETWORK, "changes": changes})
    assert info.value.key == key and "\n" not in str(info.value)


def test_a_change_that_cannot_be_applied_is_one_line_exit_2(tmp_path):
    bad = {**NETWORK, "changes": [{"step": 3, "kind": "parameters", "values": {"w9_1_1": 1.0}}]}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    result = gdsim("train", tmp_path / "bad.json", "--steps", 10, "--out", tmp_path / "o.csv")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "no parameter named 'w9_1_1'" in result.stderr
