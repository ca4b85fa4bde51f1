"""`gdsim train`, `--version` and bad input, run as a user would (subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdsim import __version__
from gdsim.io.run_csv import read_run_csv
from gdsim.resources import example_configs

ONE_PARAMETER = {
    "gdsim": 1,
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}


def gdsim(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gdsim", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_version():
    result = gdsim("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"gdsim {__version__}"


def test_train_writes_the_run_csv_and_its_config(tmp_path):
    cfg = write(tmp_path / "one.json", ONE_PARAMETER)
    result = gdsim("train", cfg, "--steps", 3, "--out", tmp_path / "run.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1 and "3 steps" in result.stdout
    assert "run.csv" in result.stdout and "final cost" in result.stdout
    table = read_run_csv(tmp_path / "run.csv")
    assert table.header == ("step", "cost", "w", "dC/dw", "learning_rate")
    assert table.column("step").tolist() == [0, 1, 2, 3]
    # the seed's numbers: cost 4 and gradient -4 at w = 1, then w = 1.4
    assert table.data[0, 1:4].tolist() == [4.0, 1.0, -4.0]
    assert table.column("w")[1] == pytest.approx(1.4, abs=1e-15)
    replay = json.loads((tmp_path / "run.json").read_text())
    assert replay["function"] == "(w - 3)**2" and replay["parameters"] == {"w": 1.0}


def test_train_every_k_keeps_the_last_step(tmp_path):
    cfg = write(tmp_path / "one.json", ONE_PARAMETER)
    assert (
        gdsim("train", cfg, "--steps", 10, "--out", tmp_path / "r.csv", "--every", 4).returncode
        == 0
    )
    assert read_run_csv(tmp_path / "r.csv").column("step").tolist() == [0, 4, 8, 10]


def test_replaying_the_written_config_gives_the_same_run(tmp_path):
    src = [p for p in example_configs() if p.name == "circle-relu.json"][0]
    assert gdsim("train", src, "--steps", 30, "--out", tmp_path / "a.csv").returncode == 0
    assert (
        gdsim("train", tmp_path / "a.json", "--steps", 30, "--out", tmp_path / "b.csv").returncode
        == 0
    )
    a, b = read_run_csv(tmp_path / "a.csv"), read_run_csv(tmp_path / "b.csv")
    assert a.header == b.header
    assert np.array_equal(a.data, b.data, equal_nan=True)


@pytest.mark.parametrize("example", example_configs(), ids=lambda p: p.stem)
def test_every_shipped_example_trains(example, tmp_path):
    result = gdsim("train", example, "--steps", 50, "--out", tmp_path / "run.csv")
    assert result.returncode == 0, result.stderr
    table = read_run_csv(tmp_path / "run.csv")
    assert table.data.shape[0] == 51 and np.isfinite(table.column("cost")).all()
    assert table.column("cost")[-1] < table.column("cost")[0]


def test_a_diverging_run_keeps_its_rows_and_exits_1(tmp_path):
    cfg = write(
        tmp_path / "big.json",
        dict(ONE_PARAMETER, function="w**4", optimizer={"name": "sgd", "learning_rate": 10.0}),
    )
    result = gdsim("train", cfg, "--steps", 1000, "--out", tmp_path / "run.csv")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "diverged at step" in result.stderr
    table = read_run_csv(tmp_path / "run.csv")
    last = table.data[-1]
    assert table.data.shape[0] < 1001
    assert not np.isfinite(last[1:3]).all()  # the last row shows the first non-finite value
    assert np.isfinite(table.data[:-1, 1:3]).all()


BAD = [
    ("missing file", None, "file not found"),
    ("invalid json", '{"mode": "function",', "invalid JSON"),
    ("unknown key", dict(ONE_PARAMETER, optimiser={}), "optimiser"),
    ("unknown value", dict(ONE_PARAMETER, optimizer={"name": "sgdd"}), "sgdd"),
    (
        "out of range",
        dict(ONE_PARAMETER, optimizer={"name": "sgd", "learning_rate": -0.1}),
        "optimizer.learning_rate",
    ),
    (
        "hostile formula",
        dict(ONE_PARAMETER, function="__import__('os').system('touch pwned')"),
        "function",
    ),
    (
        "bad data",
        {
            "mode": "network",
            "network": {"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid"}]},
            "loss": "bce",
            "data": {"source": "csv", "path": "nope.csv", "inputs": ["a"], "targets": ["b"]},
        },
        "nope.csv",
    ),
]


@pytest.mark.parametrize("name,content,needle", BAD, ids=[b[0] for b in BAD])
def test_bad_config_one_line_exit_2_no_output(tmp_path, name, content, needle):
    cfg = tmp_path / "cfg.json"
    if content is not None:
        write(cfg, content)
    result = gdsim("train", cfg, "--steps", 5, "--out", tmp_path / "run.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert needle in result.stderr
    assert not (tmp_path / "run.csv").exists() and not (tmp_path / "run.json").exists()
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--steps", "-1"], "--steps"),
        (["--steps", "ten"], "--steps"),
        (["--steps", "5", "--every", "0"], "--every"),
        (["--steps", "5"], "--out"),
    ],
)
def test_bad_arguments_one_line_exit_2(tmp_path, args, needle):
    cfg = write(tmp_path / "one.json", ONE_PARAMETER)
    if "--out" not in args and needle != "--out":
        args = [*args, "--out", str(tmp_path / "run.csv")]
    result = gdsim("train", cfg, *args)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "run.csv").exists()


def test_unwritable_output_exit_2_and_nothing_written(tmp_path):
    cfg = write(tmp_path / "one.json", ONE_PARAMETER)
    result = gdsim("train", cfg, "--steps", 5, "--out", tmp_path / "missing" / "run.csv")
    assert result.returncode == 2 and "does not exist" in result.stderr
    result = gdsim("train", cfg, "--steps", 5, "--out", tmp_path / "one.csv")
    assert result.returncode == 2 and "overwrite the input config" in result.stderr
    assert json.loads(cfg.read_text()) == ONE_PARAMETER


def test_bad_config_for_the_app_is_refused_before_qt_starts(tmp_path):
    cfg = write(tmp_path / "cfg.json", "[1, 2]")
    result = gdsim(cfg)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
