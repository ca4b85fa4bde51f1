"""`gdsim train` never loses a user's file and refuses bad or huge input in one line (exit 2),
before any training. main() runs in-process: these are quick."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import time
from pathlib import Path

import pytest

from gdsim.cli import main
from gdsim.io.run_csv import read_run_csv

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices, permissions")
ONE = {
    "gdsim": 1,
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}
CSV_RUN = {
    "network": {"inputs": 1, "layers": [{"units": 1, "activation": "linear"}]},
    "loss": "mse",
    "data": {"source": "csv", "path": "data.csv", "inputs": ["x"], "targets": ["y"]},
}
DATA = "x,y\n0,1\n1,3\n2,5\n3,7\n"


def gdsim(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def refused(*args) -> str:
    code, out, err = gdsim(*args)
    assert code == 2 and out == "", (code, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err and len(err) < 500, err
    return err


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def names(folder) -> list[str]:
    return sorted(os.listdir(folder))


# ------------------------------------------------------------------------- no file is lost


def test_out_onto_the_data_the_config_reads_is_refused(tmp_path):
    write(tmp_path / "data.csv", DATA)
    cfg = write(tmp_path / "d.json", CSV_RUN)
    err = refused("train", cfg, "--steps", 5, "--out", tmp_path / "data.csv")
    assert "overwrite the input data" in err  # was: the data overwritten, exit 0
    assert (tmp_path / "data.csv").read_text() == DATA
    assert names(tmp_path) == ["d.json", "data.csv"]


def test_out_with_a_json_name_is_refused(tmp_path):
    cfg = write(tmp_path / "one.json", ONE)
    err = refused("train", cfg, "--steps", 5, "--out", tmp_path / "result.json")
    assert "--out" in err and "NAME.json" in err  # was: the config written over the CSV
    assert names(tmp_path) == ["one.json"]


def test_out_onto_the_config_itself_is_refused(tmp_path):
    cfg = write(tmp_path / "one.json", ONE)
    refused("train", cfg, "--steps", 5, "--out", cfg)
    assert json.loads(cfg.read_text()) == ONE


@posix_only
def test_an_unwritable_run_json_keeps_the_previous_run_csv(tmp_path):
    cfg = write(tmp_path / "one.json", ONE)
    write(tmp_path / "RUN.csv", "the previous run\n")
    write(tmp_path / "RUN.json", "{}")
    (tmp_path / "RUN.json").chmod(0o444)
    err = refused("train", cfg, "--steps", 5, "--out", tmp_path / "RUN.csv")
    assert "RUN.json" in err and "read-only" in err
    assert (tmp_path / "RUN.csv").read_text() == "the previous run\n"  # was: deleted


@posix_only
@pytest.mark.timeout(30)
def test_out_onto_a_fifo_is_refused(tmp_path):
    cfg = write(tmp_path / "one.json", ONE)
    os.mkfifo(tmp_path / "pipe.csv")
    assert "FIFO" in refused("train", cfg, "--steps", 5, "--out", tmp_path / "pipe.csv")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe.csv").st_mode)


@posix_only
def test_out_onto_a_device_is_refused(tmp_path):
    cfg = write(tmp_path / "one.json", ONE)
    (tmp_path / "null.csv").symlink_to(os.devnull)
    err = refused("train", cfg, "--steps", 5, "--out", tmp_path / "null.csv")
    assert "character device" in err
    assert (tmp_path / "null.csv").is_symlink()


def test_a_previous_pair_is_replaced_as_a_pair(tmp_path):
    cfg = write(tmp_path / "one.json", ONE)
    write(tmp_path / "RUN.csv", "old")
    write(tmp_path / "RUN.json", "{}")
    code, out, err = gdsim("train", cfg, "--steps", 3, "--out", tmp_path / "RUN.csv")
    assert code == 0, err
    assert read_run_csv(tmp_path / "RUN.csv").column("step").tolist() == [0, 1, 2, 3]
    assert json.loads((tmp_path / "RUN.json").read_text())["function"] == "(w - 3)**2"
    assert names(tmp_path) == ["RUN.csv", "RUN.json", "one.json"]


# ------------------------------------------------------------------------- bad or huge input


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--steps", "5", "--every", "999999999999999999999"], "--every: must be at most"),
        (["--steps", "1e23"], "--steps: must be at most 1,000,000,000, got 1e23"),
        (["--steps", "9" * 5000], "--steps: must be at most"),
        (["--steps", "2.5"], "--steps: must be an integer"),
        (["--steps", "nan"], "--steps: must be an integer"),
        (["--steps", "5", "--every", "0e3"], "--every: must be >= 1"),
    ],
)
def test_step_counts_are_bounded_before_training(tmp_path, args, needle):
    cfg = write(tmp_path / "one.json", ONE)
    started = time.perf_counter()
    err = refused("train", cfg, *args, "--out", tmp_path / "run.csv")
    assert needle in err
    assert time.perf_counter() - started < 5
    assert names(tmp_path) == ["one.json"]


def test_step_counts_may_use_scientific_notation(tmp_path):
    cfg = write(tmp_path / "one.json", ONE)
    code, out, err = gdsim(
        "train", cfg, "--steps", "1e3", "--every", "1e3", "--out", tmp_path / "r.csv"
    )
    assert code == 0, err and "1000 steps" in out
    assert read_run_csv(tmp_path / "r.csv").column("step").tolist() == [0, 1000]


@posix_only
@pytest.mark.timeout(30)
def test_a_fifo_or_a_device_as_config_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "c.json")
    assert "FIFO" in refused(
        "train", tmp_path / "c.json", "--steps", 1, "--out", tmp_path / "r.csv"
    )
    assert "character device" in refused(
        "train", "/dev/zero", "--steps", 1, "--out", tmp_path / "r.csv"
    )


def test_a_4301_digit_integer_is_refused_in_one_line(tmp_path):
    cfg = write(tmp_path / "big.json", '{"init": {"seed": ' + "9" * 4301 + "}}")
    err = refused("train", cfg, "--steps", 1, "--out", tmp_path / "r.csv")
    assert "init.seed" in err and "4,301 digits" in err  # was: ValueError traceback


@pytest.mark.parametrize("hidden", [[3000, 3000], [100_000, 100_000], [1000] * 63])
def test_networks_too_large_are_refused_before_anything_is_allocated(tmp_path, hidden):
    layers = [{"units": u, "activation": "tanh"} for u in hidden]
    layers.append({"units": 1, "activation": "sigmoid"})
    cfg = write(tmp_path / "big.json", {"network": {"inputs": 2, "layers": layers}})
    started = time.perf_counter()
    err = refused("train", cfg, "--steps", 1, "--out", tmp_path / "r.csv")
    assert "network.layers" in err and "the limit is" in err
    assert time.perf_counter() - started < 5


def test_a_data_file_over_the_row_limit_is_refused(tmp_path, monkeypatch):
    import gdsim.session.run_files as run_files

    monkeypatch.setattr(run_files, "MAX_DATA_ROWS", 3)
    write(tmp_path / "data.csv", DATA)
    cfg = write(tmp_path / "d.json", CSV_RUN)
    err = refused("train", cfg, "--steps", 1, "--out", tmp_path / "r.csv")
    assert "line 5: more than 3 data rows" in err


def test_a_newline_in_the_out_name_keeps_the_summary_on_one_line(tmp_path):
    cfg = write(tmp_path / "one.json", ONE)
    code, out, err = gdsim("train", cfg, "--steps", 2, "--out", tmp_path / "a\nb.csv")
    assert code == 0, err
    assert out.count("\n") == 1 and out.rstrip().endswith(r"a\nb.csv")


def test_a_newline_in_the_config_name_keeps_the_error_on_one_line(tmp_path):
    cfg = write(tmp_path / "x\ny.json", '{"loss": 1}')
    err = refused("train", cfg, "--steps", 2, "--out", tmp_path / "r.csv")
    assert r"x\ny.json" in err


# ------------------------------------------------------------------------- real data sets

DIGITS_RUN = {
    "network": {
        "inputs": 64,
        "layers": [{"units": 16, "activation": "relu"}, {"units": 10, "activation": "softmax"}],
    },
    "loss": "cross_entropy",
    "optimizer": {"name": "adam", "learning_rate": 0.003},
    "batch_size": 64,
    "data": {"name": "digits", "standardize": True},
}


def test_train_on_digits_writes_the_run(tmp_path):
    cfg = write(tmp_path / "digits.json", DIGITS_RUN)
    code, out, err = gdsim("train", cfg, "--steps", 30, "--out", tmp_path / "run.csv")
    assert code == 0, err
    assert "trained 30 steps" in out
    table = read_run_csv(tmp_path / "run.csv")
    assert table.data.shape[0] == 31
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["data"]["name"] == "digits" and saved["data"]["standardize"] is True


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"name": "digits", "samples": 500}, "data.samples: not used with 'digits'"),
        ({"name": "digits", "classes": 3}, "data.classes: not used with 'digits'"),
        ({"name": "iris"}, "network.inputs: 'iris' has 4 inputs, got 64"),
    ],
)
def test_real_data_refusals_are_one_line(tmp_path, data, fragment):
    cfg = write(tmp_path / "bad.json", {**DIGITS_RUN, "data": data})
    err = refused("train", cfg, "--steps", 5, "--out", tmp_path / "run.csv")
    assert fragment in err, err
    assert names(tmp_path) == ["bad.json"]
