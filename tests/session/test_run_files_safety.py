"""A run's files: an export never replaces the run's own config or data, the CSV and its config
are written as a pair, and saving a config never destroys a link, a read-only file or the data."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from gdsim.config import load_config, save_config
from gdsim.errors import FileRefused
from gdsim.session.run_files import export_run, open_trainer

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and links")
ONE = {
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}
CSV_RUN = {
    "network": {"inputs": 1, "layers": [{"units": 1, "activation": "linear"}]},
    "loss": "mse",
    "data": {"source": "csv", "path": "NAME.csv", "inputs": ["x"], "targets": ["y"]},
}
DATA = "x,y\n0,1\n1,3\n2,5\n3,7\n"


def names(folder) -> list[str]:
    return sorted(os.listdir(folder))


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_export_beside_the_open_config_never_overwrites_it(tmp_path):
    cfg = write_json(tmp_path / "NAME.json", ONE)
    trainer = open_trainer(load_config(cfg))  # as the app does: load, then train
    trainer.step(3)
    with pytest.raises(FileRefused, match="overwrite the input config"):
        export_run(trainer, tmp_path / "NAME.csv")
    assert json.loads(cfg.read_text()) == ONE
    assert names(tmp_path) == ["NAME.json"]


def test_export_over_the_data_file_is_refused(tmp_path):
    (tmp_path / "NAME.csv").write_text(DATA)
    trainer = open_trainer(write_json(tmp_path / "d.json", CSV_RUN))
    trainer.step(2)
    with pytest.raises(FileRefused, match="overwrite the input data"):
        export_run(trainer, tmp_path / "NAME.csv")
    assert (tmp_path / "NAME.csv").read_text() == DATA


@posix_only
def test_export_through_a_link_to_the_data_file_is_refused(tmp_path):
    (tmp_path / "NAME.csv").write_text(DATA)
    (tmp_path / "out.csv").symlink_to(tmp_path / "NAME.csv")
    trainer = open_trainer(write_json(tmp_path / "d.json", CSV_RUN))
    with pytest.raises(FileRefused, match="input data"):
        export_run(trainer, tmp_path / "out.csv")
    assert (tmp_path / "NAME.csv").read_text() == DATA


def test_export_to_a_json_name_is_refused(tmp_path):
    trainer = open_trainer(ONE)
    with pytest.raises(FileRefused, match="needs a name of its own"):
        export_run(trainer, tmp_path / "result.json")
    assert names(tmp_path) == []


def test_export_protects_the_paths_it_is_given(tmp_path):
    other = tmp_path / "saved.json"
    other.write_text("{}")
    trainer = open_trainer(ONE)
    with pytest.raises(FileRefused):
        export_run(trainer, tmp_path / "saved.csv", protect=[other])
    assert other.read_text() == "{}"


@posix_only
def test_when_run_json_cannot_be_written_the_old_run_csv_is_kept(tmp_path):
    old_csv = tmp_path / "RUN.csv"
    old_csv.write_text("the previous run\n")
    (tmp_path / "RUN.json").write_text("{}")
    (tmp_path / "RUN.json").chmod(0o444)
    trainer = open_trainer(ONE)
    trainer.step(2)
    with pytest.raises(OSError):
        export_run(trainer, old_csv)
    assert old_csv.read_text() == "the previous run\n"  # was: deleted
    assert names(tmp_path) == ["RUN.csv", "RUN.json"]


def test_when_run_json_is_a_folder_the_old_run_csv_is_kept(tmp_path):
    old_csv = tmp_path / "RUN.csv"
    old_csv.write_text("the previous run\n")
    (tmp_path / "RUN.json").mkdir()
    trainer = open_trainer(ONE)
    with pytest.raises(OSError):
        export_run(trainer, old_csv)
    assert old_csv.read_text() == "the previous run\n"


def test_a_cancelled_export_keeps_the_old_pair(tmp_path):
    (tmp_path / "RUN.csv").write_text("old csv")
    (tmp_path / "RUN.json").write_text("old json")
    trainer = open_trainer(ONE)
    trainer.step(5)

    def cancel(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_run(trainer, tmp_path / "RUN.csv", progress=cancel)
    assert (tmp_path / "RUN.csv").read_text() == "old csv"
    assert (tmp_path / "RUN.json").read_text() == "old json"
    assert names(tmp_path) == ["RUN.csv", "RUN.json"]


def test_an_export_replaces_both_files(tmp_path):
    (tmp_path / "RUN.csv").write_text("old csv")
    (tmp_path / "RUN.json").write_text("old json")
    trainer = open_trainer(ONE)
    trainer.step(5)
    export_run(trainer, tmp_path / "RUN.csv", every=10**30)  # a huge stride: first and last
    assert (tmp_path / "RUN.csv").read_text().splitlines()[1:][0].startswith("0,")
    assert len((tmp_path / "RUN.csv").read_text().splitlines()) == 3
    assert json.loads((tmp_path / "RUN.json").read_text())["function"] == "(w - 3)**2"


def test_an_export_keeps_a_relative_data_path_working(tmp_path):
    (tmp_path / "NAME.csv").write_text(DATA)
    trainer = open_trainer(write_json(tmp_path / "d.json", CSV_RUN))
    (tmp_path / "out").mkdir()
    export_run(trainer, tmp_path / "out" / "run.csv")
    assert json.loads((tmp_path / "out" / "run.json").read_text())["data"]["path"] == "../NAME.csv"
    assert open_trainer(tmp_path / "out" / "run.json").step(1) == 1


# ------------------------------------------------------------------------- saving a config


@posix_only
def test_saving_through_a_symlink_keeps_the_link(tmp_path):
    real = write_json(tmp_path / "real.json", ONE)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    cfg = load_config(link)
    save_config(cfg.replace(function="w**2"), link)
    assert link.is_symlink()
    assert json.loads(real.read_text())["function"] == "w**2"


@posix_only
def test_saving_over_a_read_only_file_is_refused(tmp_path):
    path = write_json(tmp_path / "kept.json", ONE)
    path.chmod(0o444)
    cfg = load_config(path)
    with pytest.raises(FileRefused, match="read-only"):
        save_config(cfg.replace(function="w**2"), path)
    assert json.loads(path.read_text()) == ONE
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_saving_a_config_over_its_data_file_is_refused(tmp_path):
    (tmp_path / "NAME.csv").write_text(DATA)
    cfg = load_config(write_json(tmp_path / "d.json", CSV_RUN))
    with pytest.raises(FileRefused, match="overwrite the data"):
        save_config(cfg, tmp_path / "NAME.csv")
    assert (tmp_path / "NAME.csv").read_text() == DATA
