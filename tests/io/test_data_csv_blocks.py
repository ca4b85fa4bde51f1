"""Data CSV files read a block of rows at a time: the same numbers and messages as cell by cell."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.errors import DataError
from gdsim.io import data_csv
from gdsim.io.data_csv import read_csv_columns


def write(path, header, rows):
    path.write_text(",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows))
    return path


def test_blocks_give_the_numbers_float_gives(tmp_path):
    rng = np.random.default_rng(0)
    cells = [
        [f"{v:.17g}", f" {v:.3e} ", f"{int(v * 100)}", f"{v:.1f}"] for v in rng.normal(size=5000)
    ]
    path = write(tmp_path / "d.csv", ["a", "b", "c", "d"], cells)
    _, data = read_csv_columns(path, ["d", "a", "c"])
    expected = np.array([[float(r[3]), float(r[0]), float(r[2])] for r in cells]).T
    assert np.array_equal(data, expected)
    _, one = read_csv_columns(path, ["b"])
    assert np.array_equal(one[0], [float(r[1]) for r in cells])


@pytest.mark.parametrize("bad", ["abc", "", "nan", "1e999", "1,5"])
def test_a_bad_cell_deep_in_a_big_file_is_named_with_its_line(tmp_path, bad):
    rows = [["1", "2"]] * 9000
    rows = rows[:7000] + [["3", bad]] + rows[7000:]
    path = tmp_path / "d.csv"
    path.write_text("x,y\n" + "".join(",".join(r) + "\n" for r in rows))
    with pytest.raises(DataError) as err:
        read_csv_columns(path, ["x", "y"])
    message = str(err.value)
    assert message.startswith("d.csv line 7002")  # header is line 1, the bad row 7,001st
    if bad == "1,5":  # one field too many
        assert "3 fields" in message
    else:
        assert "column 'y'" in message


def test_a_block_of_decimal_commas_is_read_cell_by_cell(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x;y\n" + "0,5;1\n" * 20_000)
    _, data = read_csv_columns(path, ["x", "y"])
    assert data.shape == (2, 20_000) and set(data[0]) == {0.5} and set(data[1]) == {1.0}


def test_the_row_limit_falls_inside_a_block(tmp_path, monkeypatch):
    monkeypatch.setattr(data_csv, "BLOCK_CELLS", 64)  # 32 rows of 2 fields a block
    path = write(tmp_path / "d.csv", ["x", "y"], [["1", "2"]] * 100)
    with pytest.raises(DataError, match=r"^d.csv line 52: more than 50 data rows"):
        read_csv_columns(path, ["x"], max_rows=50)
    assert read_csv_columns(path, ["x"], max_rows=100)[1].shape == (1, 100)
