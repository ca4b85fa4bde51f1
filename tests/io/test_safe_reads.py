"""Input files: only regular files are read (a FIFO never hangs, /dev/zero never fills memory),
sizes are capped with a clear message, and a data CSV is read in memory proportional to the
columns kept."""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest

from gdsim.errors import DataError
from gdsim.io.data_csv import MAX_LINE, read_csv_columns, read_csv_header
from gdsim.io.run_csv import read_run_csv, write_run_csv
from gdsim.session.run_files import load_csv

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and device nodes")


def one_line_error(call, *args, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        call(*args, **kwargs)
    text = str(info.value)
    assert "\n" not in text and "\r" not in text and len(text) < 600
    return text


@posix_only
@pytest.mark.timeout(30)
def test_a_fifo_as_data_is_refused_at_once(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    assert "FIFO" in one_line_error(load_csv, fifo, ["x"], ["y"])
    assert "FIFO" in one_line_error(read_csv_header, fifo)


@posix_only
@pytest.mark.timeout(30)
def test_dev_zero_as_data_is_refused_at_once():
    assert "character device" in one_line_error(load_csv, "/dev/zero", ["x"], ["y"])
    assert "character device" in one_line_error(read_csv_header, "/dev/zero")


@posix_only
@pytest.mark.timeout(30)
def test_a_fifo_as_a_run_csv_is_refused_at_once(tmp_path):
    fifo = tmp_path / "run.csv"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO"):
        read_run_csv(fifo)


def test_file_size_cap(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,y\n" + "1,2\n" * 1000)
    message = one_line_error(read_csv_columns, path, ["x", "y"], max_bytes=1000)
    assert message == f"{path}: is 3.9 KiB; the limit for a data file is 1000 bytes"
    assert read_csv_columns(path, ["x"], max_bytes=4004)[1].shape == (1, 1000)


def test_row_cap(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,y\n" + "1,2\n" * 11)
    message = one_line_error(read_csv_columns, path, ["x"], max_rows=10)
    assert message == "data.csv line 12: more than 10 data rows; gdsim reads at most 10"
    assert read_csv_columns(path, ["x"], max_rows=11)[1].shape == (1, 11)


def test_kept_memory_cap(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b,c\n" + "1,2,3\n" * 100)
    message = one_line_error(read_csv_columns, path, ["a", "b"], max_kept_bytes=800)
    assert message.startswith("data.csv line 52: the chosen columns hold more than 800 bytes")
    assert read_csv_columns(path, ["a"], max_kept_bytes=800)[1].shape == (1, 100)


def test_a_line_longer_than_the_limit_is_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,y\n1," + "2" * (MAX_LINE + 10) + "\n")
    message = one_line_error(read_csv_columns, path, ["x"])
    assert message.startswith("data.csv line 2: longer than")


def test_memory_is_proportional_to_the_columns_kept(tmp_path):
    rng = np.random.default_rng(1)
    path = tmp_path / "wide.csv"
    rows, cols = 20_000, 20
    header = ",".join(f"c{i}" for i in range(cols))
    body = "\n".join(",".join(f"{v:.15g}" for v in row) for row in rng.normal(size=(rows, cols)))
    path.write_text(header + "\n" + body + "\n")
    size = path.stat().st_size  # about 7 MB of text
    tracemalloc.start()
    try:
        _, data = read_csv_columns(path, ["c3"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data.shape == (1, rows)
    kept = data.nbytes  # 160 kB
    assert peak < 10 * kept + 2_000_000, (peak, kept, size)  # the old reader: > 5x the file


def test_a_newline_in_a_cell_gives_a_one_line_message(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('x,y\n1,2\n"3\n\n4",5\n')
    message = one_line_error(load_csv, path, ["x"], ["y"])
    assert message == r"data.csv line 5, column 'x': '3\n\n4' is not a number"


def test_a_huge_cell_is_not_echoed_in_full(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,y\n1,2\n3," + "9" * 5000 + "e9999\n")
    message = one_line_error(load_csv, path, ["x"], ["y"])
    assert "is not a finite number" in message and len(message) < 120


def test_a_newline_and_a_huge_name_in_the_header_give_one_line(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('"a\nb",' + "c" * 10_000 + ",y\n1,2,3\n4,5,6\n")
    message = one_line_error(load_csv, path, ["x"], ["y"])
    assert "no column 'x'" in message and r"'a\nb'" in message


def test_a_file_name_with_a_newline_gives_one_line(tmp_path):
    path = tmp_path / "bad\nname.csv"
    path.write_text("x,y\n1,2\n3,abc\n")
    message = one_line_error(load_csv, path, ["x"], ["y"])
    assert message.startswith(r"bad\nname.csv line 3")


def test_a_bad_byte_far_into_the_file_names_its_line(tmp_path):
    path = tmp_path / "data.csv"
    good = "x,y\n" + "1,2\n" * 100_000  # several blocks before the bad byte
    path.write_bytes(good.encode() + b"3,\xff\n")
    message = one_line_error(load_csv, path, ["x"], ["y"])
    assert message == "data.csv line 100002: not UTF-8 text (byte 0xff); save the file as UTF-8 CSV"


def test_a_run_csv_still_reads_back(tmp_path):
    path = tmp_path / "run.csv"
    data = np.array([[0.0, 1.5, 0.1], [1.0, 0.5, np.nan]])
    write_run_csv(path, ["step", "cost", "learning_rate"], data, blank_nan_from=2)
    table = read_run_csv(path)
    assert np.array_equal(table.data, data, equal_nan=True)


@pytest.mark.timeout(60)
def test_a_wide_file_is_read_quickly(tmp_path):
    # (each chosen column was looked up by scanning the whole header)
    cols = 60_000
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(cols)) + "\n" + ",".join(["1"] * cols) + "\n")
    _, data = read_csv_columns(path, [f"c{i}" for i in range(cols)])
    assert data.shape == (cols, 1)


def test_a_name_with_a_nul_character_is_refused_in_one_line(tmp_path):
    from gdsim.config import ConfigError, config_from_dict
    from gdsim.errors import FileRefused
    from gdsim.io.files import open_regular

    with pytest.raises(FileRefused, match="NUL character"):
        open_regular(str(tmp_path / "a\0b.csv"))
    config = {
        "mode": "network",
        "network": {"inputs": 1, "layers": [{"units": 1, "activation": "linear"}]},
        "loss": "mse",
        "data": {"source": "csv", "path": "a\0b.csv", "inputs": ["x"], "targets": ["y"]},
    }
    with pytest.raises(ConfigError, match=r"^data.path: holds a NUL character"):
        config_from_dict(config)
