"""Data CSV delimiters: semicolon and tab files (European decimal commas), and a hint for a
file that still reads as one column."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.errors import DataError
from gdsim.io.data_csv import (
    read_csv_columns,
    read_csv_header,
    read_csv_preview,
    sniff_delimiter,
)
from gdsim.session.run_files import load_csv


def _write(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_semicolon_file_with_decimal_commas(tmp_path):
    path = _write(tmp_path, "x1;x2;y\n0,5;1,25;1\n-2;3e-1;0\n")
    assert read_csv_header(path) == ["x1", "x2", "y"]
    _, data = read_csv_columns(path, ["x1", "x2", "y"])
    np.testing.assert_array_equal(data, [[0.5, -2.0], [1.25, 0.3], [1.0, 0.0]])


def test_tab_file(tmp_path):
    path = _write(tmp_path, "a\tb\n1.5\t2\n3\t4,5\n")
    assert read_csv_header(path) == ["a", "b"]
    _, data = read_csv_columns(path, ["a", "b"])
    np.testing.assert_array_equal(data, [[1.5, 3.0], [2.0, 4.5]])


def test_comma_file_keeps_commas_as_delimiters(tmp_path):
    path = _write(tmp_path, 'x,"note;a;b",y\n1,"x;y;z",2\n')
    assert read_csv_header(path) == ["x", "note;a;b", "y"]
    _, data = read_csv_columns(path, ["x", "y"])
    np.testing.assert_array_equal(data, [[1.0], [2.0]])


def test_semicolon_file_loads_as_dataset_for_train_and_views(tmp_path):
    path = _write(tmp_path, "x1;x2;y\n0,5;1,25;1\n1,5;0,25;0\n2;2;1\n")
    dataset = load_csv(path, ["x1", "x2"], ["y"])
    assert dataset.input_names == ("x1", "x2")
    assert sorted(np.asarray(dataset.x_train)[0].tolist()) == [0.5, 1.5, 2.0]


def test_thousands_like_cells_are_not_read_as_decimals(tmp_path):
    path = _write(tmp_path, "x;y\n1.000,5;1\n")
    with pytest.raises(DataError, match=r"line 2, column 'x': '1.000,5' is not a number"):
        read_csv_columns(path, ["x", "y"])


def test_preview_uses_the_same_delimiter(tmp_path):
    path = _write(tmp_path, "x1;y\n0,5;1\n\n")
    assert read_csv_preview(path, 8) == (";", ["x1", "y"], [["0,5", "1"]])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb", "\t"),
        ("abc", ","),
        ("a;b,c", ","),
        ('"a;b;c",d', ","),
    ],
)
def test_sniff_delimiter(line, expected):
    assert sniff_delimiter(line) == expected


def test_one_column_file_names_the_likely_delimiter(tmp_path):
    path = _write(tmp_path, "x1|x2|y\n1|2|3\n")
    with pytest.raises(DataError, match=r"looks separated by '\|'.*commas, semicolons or tabs"):
        read_csv_columns(path, ["x1", "y"])
