"""`gdsim train` on the input-features example (#14) and a features mistake, as a user runs it."""

import json
import subprocess
import sys

from gdsim.io.run_csv import read_run_csv
from gdsim.resources import resource_path


def gdsim(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gdsim", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def test_train_the_circle_features_example(tmp_path):
    example = resource_path("examples", "circle-features.json")
    result = gdsim("train", example, "--steps", 300, "--out", tmp_path / "run.csv")
    assert result.returncode == 0, result.stderr
    assert "300 steps" in result.stdout
    run = read_run_csv(tmp_path / "run.csv")
    assert run.header[:5] == ("step", "cost", "w1_1_1", "w1_1_2", "b1_1")
    assert run.column("step")[-1] == 300 and run.column("test_accuracy")[-1] > 0.95
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["data"]["features"] == ["x1^2", "x2^2"]


def test_an_unknown_feature_is_one_line_naming_the_key(tmp_path):
    cfg = json.loads(resource_path("examples", "circle-features.json").read_text())
    cfg["data"]["features"] = ["x1^2", "x2^3"]
    (tmp_path / "bad.json").write_text(json.dumps(cfg))
    result = gdsim("train", tmp_path / "bad.json", "--steps", 1, "--out", tmp_path / "run.csv")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "data.features[1]: unknown feature 'x2^3'; did you mean 'x2^2'?" in result.stderr
    assert not (tmp_path / "run.csv").exists()
