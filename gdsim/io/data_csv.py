"""Reading data CSV files: the header, and chosen columns as one float64 array.

Format: UTF-8 (a leading BOM is accepted), comma-separated, the first line names the columns
(spaces around names are stripped); every later line holds a finite number in each used column,
while unused columns may hold anything. Blank lines at the end are ignored; a blank line with
data after it is an error, as is a row with more non-empty fields than the header has columns.
Every problem raises :class:`gdsim.errors.DataError` naming the file, the 1-based line (the
header is line 1) and the column, e.g. ``data.csv line 7, column 'x2': 'abc' is not a number``.
Making a data set of the columns (split, classes) is the engine's job
(:func:`gdsim.engine.datasets.from_columns`); :func:`gdsim.session.run_files.load_csv` joins
the two.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gdsim.errors import DataError, closest


def _read_text(path) -> tuple[str, str]:
    """(display name, decoded text) of a UTF-8 file; a leading BOM is dropped."""
    try:
        p = Path(os.fspath(path))
    except TypeError:
        raise DataError(f"not a file path: {path!r}") from None
    fname = p.name or str(p)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{p}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{p}: is a folder, not a file") from None
    except PermissionError:
        raise DataError(f"{p}: permission denied") from None
    except OSError as exc:
        raise DataError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{fname} line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
            f"save the file as UTF-8 CSV"
        ) from None
    return fname, text


def _is_blank(row: list[str]) -> bool:
    return all(not field.strip() for field in row)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _header(fname: str, reader) -> list[str]:
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise DataError(f"{fname} line {reader.line_num}: {exc}") from None
    if first is None:
        raise DataError(f"{fname}: the file is empty")
    if _is_blank(first):
        raise DataError(f"{fname} line 1: missing header (the first line must name the columns)")
    names = [field.strip() for field in first]
    while names and not names[-1]:  # "a,b,c," exports: drop the trailing empty name
        names.pop()
    if all(_looks_numeric(n) for n in names):
        raise DataError(
            f"{fname} line 1: missing header (the first line holds numbers, not column names)"
        )
    return names


def read_csv_header(path) -> list[str]:
    """The column names on the first line of a CSV file (spaces around names stripped).

    A trailing empty name (from a trailing comma) is dropped; other empty names are kept as "".
    Raises DataError if the file is missing, unreadable, not UTF-8, empty, or has no header.
    """
    fname, text = _read_text(path)
    if not text.strip():
        raise DataError(f"{fname}: the file is empty")
    return _header(fname, csv.reader(io.StringIO(text, newline="")))


def _column_list(kind: str, columns) -> list[str]:
    if isinstance(columns, str):
        columns = [columns]
    try:
        names = list(columns)
    except TypeError:
        raise DataError(f"{kind} columns must be a list of column names, got {columns!r}") from None
    out = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise DataError(f"{kind} column names must be non-empty text, got {name!r}")
        name = name.strip()
        if name in out:
            raise DataError(
                f"column '{name}' is chosen twice as an {kind}"
                if kind == "input"
                else f"column '{name}' is chosen twice as a {kind}"
            )
        out.append(name)
    if not out:
        raise DataError(f"no {kind} columns chosen; choose at least one")
    return out


def choose_columns(
    inputs: Sequence[str] | str, targets: Sequence[str] | str
) -> tuple[list[str], list[str]]:
    """The input and target column names, checked: non-empty text, none chosen twice, none both
    an input and a target. A single string is taken as one column name."""
    input_cols = _column_list("input", inputs)
    target_cols = _column_list("target", targets)
    for name in input_cols:
        if name in target_cols:
            raise DataError(f"column '{name}' is chosen as both an input and a target")
    return input_cols, target_cols


def read_csv_columns(path: str | os.PathLike[str], used: Sequence[str]) -> tuple[str, np.ndarray]:
    """(display name of the file, the `used` columns as rows of one float64 array)."""
    fname, text = _read_text(path)
    if not text.strip():
        raise DataError(f"{fname}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(fname, reader)

    index = []
    for name in used:
        where = [i for i, h in enumerate(header) if h == name]
        if not where:
            available = ", ".join(f"'{h}'" for h in header if h)
            raise DataError(
                f"{fname} line 1: no column '{name}' in the header"
                f"{_suggest(name, header)}; available: {available}"
            )
        if len(where) > 1:
            places = " and ".join(str(i + 1) for i in where)
            raise DataError(
                f"{fname} line 1: the header names column '{name}' more than once (fields {places})"
            )
        index.append(where[0])
    n_header = len(header)

    columns: list[list[float]] = [[] for _ in used]
    pairs = list(zip(used, index, columns, strict=True))
    blank_line = 0
    isfinite = math.isfinite
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if _is_blank(row):
                if not blank_line:
                    blank_line = line
                continue
            if blank_line:
                raise DataError(
                    f"{fname} line {blank_line}: blank line with more data after it "
                    f"(line {line}); remove it"
                )
            if len(row) > n_header and not _is_blank(row[n_header:]):
                raise DataError(
                    f"{fname} line {line}: {len(row)} fields, but the header names "
                    f"{n_header} columns"
                )
            for name, j, values in pairs:
                if j >= len(row):
                    raise DataError(
                        f"{fname} line {line}, column '{name}': missing (the row has "
                        f"only {len(row)} fields; the header has {n_header})"
                    )
                cell = row[j]
                try:
                    value = float(cell)
                except ValueError:
                    if not cell.strip():
                        raise DataError(
                            f"{fname} line {line}, column '{name}': empty cell"
                        ) from None
                    shown = cell.strip()
                    if len(shown) > 40:
                        shown = shown[:37] + "..."
                    raise DataError(
                        f"{fname} line {line}, column '{name}': '{shown}' is not a number"
                    ) from None
                if not isfinite(value):
                    raise DataError(
                        f"{fname} line {line}, column '{name}': '{cell.strip()}' is "
                        f"not a finite number"
                    )
                values.append(value)
    except csv.Error as exc:
        raise DataError(f"{fname} line {reader.line_num}: {exc}") from None

    return fname, np.array(columns, dtype=np.float64).reshape(len(used), -1)


def _suggest(name: str, header: Sequence[str]) -> str:
    guess = closest(name, header)
    return f" (did you mean '{guess}'?)" if guess else ""
