"""Reading data CSV files: the header, and chosen columns as one float64 array.

Format: UTF-8 (a leading BOM is accepted), the first line names the columns (spaces around
names are stripped) and sets the delimiter: a comma, or a semicolon or tab when the header
holds more of those than commas (outside quotes); with a semicolon or tab, a decimal comma
(``0,5``) reads as ``0.5``, as European spreadsheets export it. Every later line holds a finite
number in each used column, while unused columns may hold anything. Blank lines at the end are
ignored; a blank line with data after it is an error, as is a row with more non-empty fields
than the header has columns.
Every problem raises :class:`gdsim.errors.DataError` naming the file, the 1-based line (the
header is line 1) and the column, e.g. ``data.csv line 7, column 'x2': 'abc' is not a number``.
Making a data set of the columns (split, classes) is the engine's job
(:func:`gdsim.engine.datasets.from_columns`); :func:`gdsim.session.run_files.load_csv` joins
the two.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import itertools
import math
import operator
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from gdsim.errors import DataError, FileRefused, closest, show_bytes, show_path
from gdsim.io.files import open_regular

MAX_LINE = 4 * 2**20  # characters in one line of a data file
_SHOWN_COLUMNS = 20  # column names listed in a message
DELIMITERS = (",", ";", "\t")  # the delimiters a header can set, ties going to the first
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", " ": "spaces", "|": "'|'"}
_QUOTED = re.compile(r'"[^"]*"')


def sniff_delimiter(header_line: str) -> str:
    """The delimiter a header line uses: the one of DELIMITERS it holds most of outside quotes
    (a comma when it holds none, or on a tie)."""
    bare = _QUOTED.sub("", header_line)
    best = max(DELIMITERS, key=bare.count)
    return best if bare.count(best) else ","


def delimiter_name(delimiter: str) -> str:
    """``commas``, ``semicolons``, ``tabs`` ... for messages."""
    return _DELIMITER_NAMES.get(delimiter, f"'{delimiter}'")


def parse_number(cell: str, decimal_comma: bool = False) -> float:
    """``float(cell)``; with ``decimal_comma``, a cell with one comma and no point (``0,5``)
    reads the comma as the decimal point. ValueError when it is not a number."""
    try:
        return float(cell)
    except ValueError:
        if decimal_comma and cell.count(",") == 1 and "." not in cell:
            return float(cell.replace(",", "."))
        raise


def one_column_hint(name: str) -> str:
    """For a header read as one column: which other character likely separates the columns
    ("" when none does)."""
    counts = {d: name.count(d) for d in ("|", ":", " ")}
    best = max(counts, key=counts.__getitem__)
    if not counts[best]:
        return ""
    return (
        f"the header is read as one column: it looks separated by {delimiter_name(best)}, "
        f"but gdsim reads columns separated by commas, semicolons or tabs"
    )


def _path(path) -> Path:
    try:
        return Path(os.fspath(path))
    except TypeError:
        raise DataError(f"not a file path: {path!r}") from None


def _open_error(p: Path, exc: OSError) -> DataError:
    if isinstance(exc, FileRefused):
        return DataError(f"{show_path(p)}: {exc.strerror}")
    if isinstance(exc, FileNotFoundError):
        return DataError(f"{show_path(p)}: file not found")
    if isinstance(exc, IsADirectoryError):
        return DataError(f"{show_path(p)}: is a folder, not a file")
    if isinstance(exc, PermissionError):
        return DataError(f"{show_path(p)}: permission denied")
    return DataError(f"{show_path(p)}: cannot be read ({exc.strerror or exc})")


@contextlib.contextmanager
def _rows(path, max_bytes: int | None) -> Iterator[tuple[str, Iterator[list[str]], object]]:
    """(display name, csv rows, the csv reader) of a UTF-8 file (a leading BOM is dropped),
    read as a stream: one line at a time, each at most MAX_LINE characters. The reader's
    ``dialect.delimiter`` is the one :func:`sniff_delimiter` finds on the first line."""
    p = _path(path)
    fname = show_path(p.name or str(p))
    try:
        raw = open_regular(p, max_bytes, "a data file")
    except OSError as exc:
        raise _open_error(p, exc) from None
    with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        count = 0

        def lines() -> Iterator[str]:
            nonlocal count
            while True:
                line = text.readline(MAX_LINE + 1)
                if not line:
                    return
                count += 1
                if len(line) > MAX_LINE and not line.endswith(("\n", "\r")):
                    raise DataError(
                        f"{fname} line {count}: longer than {MAX_LINE:,} characters; "
                        f"is this a CSV file?"
                    )
                yield line

        try:
            stream = lines()
            first = next(stream, "")
            delimiter = sniff_delimiter(first)
            reader = csv.reader(itertools.chain([first], stream), delimiter=delimiter)
        except UnicodeDecodeError:
            raise _decode_error(p, fname) from None
        except OSError as exc:
            raise _open_error(p, exc) from None
        try:
            yield fname, reader, reader
        except UnicodeDecodeError:
            raise _decode_error(p, fname) from None
        except csv.Error as exc:
            raise DataError(f"{fname} line {reader.line_num}: {exc}") from None
        except OSError as exc:
            raise _open_error(p, exc) from None


def _decode_error(p: Path, fname: str) -> DataError:
    """Where the first byte that is not UTF-8 is: read the file again, a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    try:
        with open_regular(p) as handle:
            while True:
                block = handle.read(1 << 16)
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    pending = len(exc.object) - len(block)  # bytes held from the last block
                    bad = max(0, exc.start - pending)
                    line += block[:bad].count(b"\n")
                    return DataError(
                        f"{fname} line {line}: not UTF-8 text (byte "
                        f"0x{exc.object[exc.start]:02x}); save the file as UTF-8 CSV"
                    )
                if not block:
                    break
                line += block.count(b"\n")
    except OSError:
        pass
    return DataError(f"{fname}: not UTF-8 text; save the file as UTF-8 CSV")


def _is_blank(row: list[str]) -> bool:
    return all(not field.strip() for field in row)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _header(fname: str, reader) -> list[str]:
    first = next(reader, None)
    if first is None:
        raise DataError(f"{fname}: the file is empty")
    if _is_blank(first):
        if all(_is_blank(row) for row in reader):
            raise DataError(f"{fname}: the file is empty")
        raise DataError(f"{fname} line 1: missing header (the first line must name the columns)")
    names = [field.strip() for field in first]
    while names and not names[-1]:  # "a,b,c," exports: drop the trailing empty name
        names.pop()
    if all(_looks_numeric(n) for n in names):
        raise DataError(
            f"{fname} line 1: missing header (the first line holds numbers, not column names)"
        )
    return names


def read_csv_header(path, max_bytes: int | None = None) -> list[str]:
    """The column names on the first line of a CSV file (spaces around names stripped).

    A trailing empty name (from a trailing comma) is dropped; other empty names are kept as "".
    Raises DataError if the file is missing, unreadable, not a regular file, larger than
    `max_bytes`, not UTF-8, empty, or has no header. Reads only as far as the header.
    """
    with _rows(path, max_bytes) as (fname, rows, _reader):
        return _header(fname, rows)


def read_csv_preview(
    path, rows: int, max_bytes: int | None = None
) -> tuple[str, list[str], list[list[str]]]:
    """(the delimiter, the header, the first ``rows`` non-blank data rows with fields stripped),
    read the way :func:`read_csv_columns` reads the file. DataError as :func:`read_csv_header`;
    a problem after the header ends the preview early instead."""
    out: list[list[str]] = []
    with _rows(path, max_bytes) as (fname, reader, _):
        header = _header(fname, reader)
        try:
            for row in reader:
                if _is_blank(row):
                    continue
                out.append([cell.strip() for cell in row])
                if len(out) >= rows:
                    break
        except (DataError, csv.Error, UnicodeDecodeError, OSError):
            pass
        return reader.dialect.delimiter, header, out


def _column_list(kind: str, columns) -> list[str]:
    if isinstance(columns, str):
        columns = [columns]
    try:
        names = list(columns)
    except TypeError:
        raise DataError(f"{kind} columns must be a list of column names, got {columns!r}") from None
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise DataError(f"{kind} column names must be non-empty text, got {name!r}")
        name = name.strip()
        if name in seen:
            raise DataError(
                f"column '{name}' is chosen twice as an {kind}"
                if kind == "input"
                else f"column '{name}' is chosen twice as a {kind}"
            )
        seen.add(name)
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
    target_set = set(target_cols)
    for name in input_cols:
        if name in target_set:
            raise DataError(f"column '{name}' is chosen as both an input and a target")
    return input_cols, target_cols


def _show_cell(cell: str) -> str:
    shown = cell.strip()
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _column_index(fname: str, header: list[str], used: Sequence[str]) -> list[int]:
    places: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        places.setdefault(h, []).append(i)
    index = []
    for name in used:
        where = places.get(name, [])
        if not where:
            named = [f"'{h}'" for h in header if h]
            available = ", ".join(named[:_SHOWN_COLUMNS])
            if len(named) > _SHOWN_COLUMNS:
                available += f", ... ({len(named):,} columns)"
            hint = one_column_hint(header[0]) if len(header) == 1 else ""
            hint = f"; {hint}" if hint else ""
            raise DataError(
                f"{fname} line 1: no column '{name}' in the header"
                f"{_suggest(name, header)}; available: {available}{hint}"
            )
        if len(where) > 1:
            places = " and ".join(str(i + 1) for i in where[:5])
            raise DataError(
                f"{fname} line 1: the header names column '{name}' more than once (fields {places})"
            )
        index.append(where[0])
    return index


def read_csv_columns(
    path: str | os.PathLike[str],
    used: Sequence[str],
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_kept_bytes: int | None = None,
) -> tuple[str, np.ndarray]:
    """(display name of the file, the `used` columns as rows of one float64 array).

    The file is read as a stream and only the used columns are kept, as 8-byte floats: memory
    is proportional to what is kept, not to the file. Limits (DataError, naming the line): the
    file's size `max_bytes`, the number of data rows `max_rows`, and the bytes the kept values
    take `max_kept_bytes`; a line over MAX_LINE characters.

    Rows are taken about BLOCK_CELLS fields at a time. A block of plain rows (every field
    there, every used cell a finite number that float() reads) is converted with one call per
    row, twice as fast as cell by cell; any other block is read cell by cell, which also names
    the problem.
    """
    with _rows(path, max_bytes) as (fname, reader, _):
        header = _header(fname, reader)
        reading = _Reading(fname, header, used, _column_index(fname, header, used), reader)
        row_bytes = 8 * len(used)
        limit = math.inf if max_rows is None else max_rows
        if max_kept_bytes is not None:
            limit = min(limit, max_kept_bytes // max(1, row_bytes))
        too_many = functools.partial(
            _too_many_rows, fname, row_bytes=row_bytes, max_kept_bytes=max_kept_bytes
        )
        block_rows = max(1, BLOCK_CELLS // len(header))
        while True:
            block, lines = [], []
            for row in itertools.islice(reader, block_rows):
                block.append(row)
                lines.append(reader.line_num)
            if not block:
                break
            if reading.n_rows + len(block) > limit or not reading.take_block(block):
                for row, line in zip(block, lines, strict=True):
                    reading.take_row(row, line, limit, too_many)
                reading.flush()  # (8 bytes a value again, as the blocks keep them)
    return fname, reading.array()


BLOCK_CELLS = 32_768  # fields of text held at once (a few MB at most)


class _Reading:
    """The columns read so far, as float64 blocks; the cell-by-cell checks and messages."""

    def __init__(self, fname, header, used, index, reader):
        self.fname, self.used, self.index = fname, tuple(used), tuple(index)
        self.n_header = len(header)
        self.decimal_comma = reader.dialect.delimiter != ","
        self.pick = operator.itemgetter(*index) if len(index) > 1 else None
        self.blocks: list[np.ndarray] = []  # (rows, used) each
        self.row_values: list[list[float]] = []  # rows read one by one since the last block
        self.n_rows = 0
        self.blank_line = 0

    def take_block(self, block: list[list[str]]) -> bool:
        """Convert a block of plain rows at once; False (nothing taken) for any other block."""
        n = self.n_header
        if self.blank_line or any(len(row) != n for row in block):
            return False
        try:
            if self.pick is None:
                j = self.index[0]
                values = np.array([[float(row[j])] for row in block])
            else:
                pick = self.pick
                values = np.array([list(map(float, pick(row))) for row in block])
        except ValueError:
            return False
        if values.shape != (len(block), len(self.used)) or not np.isfinite(values).all():
            return False
        self.flush()
        self.blocks.append(values)
        self.n_rows += len(block)
        return True

    def take_row(self, row: list[str], line: int, limit: float, too_many) -> None:
        fname = self.fname
        if _is_blank(row):
            if not self.blank_line:
                self.blank_line = line
            return
        if self.blank_line:
            raise DataError(
                f"{fname} line {self.blank_line}: blank line with more data after it "
                f"(line {line}); remove it"
            )
        n_header = self.n_header
        if len(row) > n_header and not _is_blank(row[n_header:]):
            raise DataError(
                f"{fname} line {line}: {len(row)} fields, but the header names {n_header} columns"
            )
        if self.n_rows >= limit:
            raise too_many(line, self.n_rows)
        values = []
        for name, j in zip(self.used, self.index, strict=True):
            if j >= len(row):
                raise DataError(
                    f"{fname} line {line}, column '{name}': missing (the row has "
                    f"only {len(row)} fields; the header has {n_header})"
                )
            cell = row[j]
            try:
                value = parse_number(cell, self.decimal_comma)
            except ValueError:
                if not cell.strip():
                    raise DataError(f"{fname} line {line}, column '{name}': empty cell") from None
                raise DataError(
                    f"{fname} line {line}, column '{name}': '{_show_cell(cell)}' is not a number"
                ) from None
            if not math.isfinite(value):
                raise DataError(
                    f"{fname} line {line}, column '{name}': '{_show_cell(cell)}' is "
                    f"not a finite number"
                )
            values.append(value)
        self.row_values.append(values)
        self.n_rows += 1

    def flush(self) -> None:
        if self.row_values:
            self.blocks.append(np.array(self.row_values, dtype=np.float64))
            self.row_values = []

    def array(self) -> np.ndarray:
        """The columns as rows (features x samples); the blocks are freed as they are copied."""
        self.flush()
        data = np.empty((len(self.used), self.n_rows), dtype=np.float64)
        start = 0
        while self.blocks:
            block = self.blocks.pop(0)
            data[:, start : start + len(block)] = block.T
            start += len(block)
        return data


def _too_many_rows(
    fname: str, line: int, n_rows: int, *, row_bytes: int, max_kept_bytes: int | None
) -> DataError:
    if max_kept_bytes is not None and n_rows * row_bytes + row_bytes > max_kept_bytes:
        return DataError(
            f"{fname} line {line}: the chosen columns hold more than "
            f"{show_bytes(max_kept_bytes)} of numbers after {n_rows:,} rows; gdsim keeps at "
            f"most {show_bytes(max_kept_bytes)} of data"
        )
    return DataError(
        f"{fname} line {line}: more than {n_rows:,} data rows; gdsim reads at most {n_rows:,}"
    )


def _suggest(name: str, header: Sequence[str]) -> str:
    guess = closest(name, header)
    return f" (did you mean '{guess}'?)" if guess else ""
