"""The run CSV: one header row, then one row per recorded step.

Columns are ``step``, ``cost``, the parameters, their gradients (``dC/<name>``), then optional
further columns (``train_cost``, ``learning_rate``, ...). Every value is written as ``'%.17g' % x``:
comma-separated, ``.`` decimal point, 17 significant digits, so reading a value back gives the
float that was in memory, bit for bit (``nan`` keeps no sign or payload). Integer-valued floats
such as steps print without a fraction (``12``); ``nan``, ``inf`` and ``-inf`` print as such.
Columns from ``blank_nan_from`` on may instead leave a NaN cell empty (a value not evaluated at
that step). The file is written atomically: a failure or a cancel leaves no file behind.

Speed: ``'%' % tuple`` formatting runs Python's correctly rounded float-to-text conversion once
per value and tops out near 50 MB/s on one core. :func:`write_run_csv` instead produces the same
bytes with whole-array numpy arithmetic (``_BlockFormatter``, 2-3x faster): each value's 17
significant digits are computed exactly with double-double arithmetic, and the rare values whose
rounding cannot be decided that way (exact ties, near-ties, magnitudes beyond 1e+-280) are
formatted by ``'%.17g'`` itself. The tests compare the output with ``'%.17g'`` value by value.
"""

from __future__ import annotations

import functools
import io
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import BinaryIO

import numpy as np

from gdsim.errors import one_line, show_path
from gdsim.io.atomic import atomic_open
from gdsim.io.files import open_regular

__all__ = ["RunTable", "read_run_csv", "run_csv_writer", "run_header", "write_run_csv"]

# Values per progress report when `chunk_rows` is not given (~1.3 MB of text).
_CHUNK_CELLS = 65_536
# Values formatted at once: small enough that the work arrays stay in the CPU cache (and below
# malloc's mmap threshold), large enough that per-call overhead does not matter.
_BLOCK_CELLS = 4_096

_FORBIDDEN_IN_NAMES = (",", '"', "\n", "\r")


def run_header(parameter_names: Sequence[str], extra_names: Sequence[str] = ()) -> list[str]:
    """``["step", "cost", *names, *("dC/d" + n for n in names), *extra_names]`` (CONTRACT §3:
    the gradient column of parameter p is named dC/dp, e.g. dC/dw, dC/dw1_2_1)."""
    if isinstance(parameter_names, str) or isinstance(extra_names, str):
        raise TypeError("run_header: pass sequences of names, not a single string")
    names = list(parameter_names)
    return ["step", "cost", *names, *(f"dC/d{n}" for n in names), *extra_names]


def write_run_csv(
    path: str | os.PathLike[str],
    header: Sequence[str],
    data: np.ndarray,
    *,
    blank_nan_from: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_rows: int | None = None,
) -> int:
    """Write a run CSV atomically and return the number of bytes written.

    data: 2-D, rows x len(header), converted to float64. Every value is written as
    ``'%.17g' % value``; NaN in a column with index >= `blank_nan_from` is written as an empty
    cell instead of ``nan``. `progress(rows_done, rows_total)` is called after each chunk of
    `chunk_rows` rows (default: about 64k values per chunk); if it raises, the write is abandoned,
    no file is left at `path` (an existing file there is kept unchanged) and the exception
    propagates. Bad arguments raise ValueError before any file is created; an unwritable or
    missing folder raises OSError, a target that must not be replaced (not a regular file,
    read-only) FileRefused (see :mod:`gdsim.io.atomic`).
    """
    write = run_csv_writer(header, data, blank_nan_from=blank_nan_from, chunk_rows=chunk_rows)
    with atomic_open(path, "wb") as handle:
        return write(handle, progress)


def run_csv_writer(
    header: Sequence[str],
    data: np.ndarray,
    *,
    blank_nan_from: int | None = None,
    chunk_rows: int | None = None,
) -> Callable[[BinaryIO, Callable[[int, int], None] | None], int]:
    """The arguments of :func:`write_run_csv`, checked (ValueError), as a function that writes
    the CSV to an open binary file: ``write(handle, progress) -> bytes written``. For writing
    the CSV together with other files (:func:`gdsim.io.atomic.atomic_files`)."""
    names = _check_header(header)
    if isinstance(data, np.ndarray) and data.ndim != 2:
        raise ValueError(f"run CSV data must be 2-D (rows x columns), got {data.ndim}-D")
    try:
        table = np.ascontiguousarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"run CSV data must be a 2-D array of numbers: {exc}") from None
    if table.ndim != 2:
        raise ValueError(f"run CSV data must be 2-D (rows x columns), got {table.ndim}-D")
    rows, ncols = table.shape
    if ncols != len(names):
        raise ValueError(f"run CSV data has {ncols} columns but the header has {len(names)}")
    if blank_nan_from is not None:
        if (
            isinstance(blank_nan_from, bool)
            or not isinstance(blank_nan_from, (int, np.integer))
            or not 0 <= blank_nan_from <= ncols
        ):
            raise ValueError(
                f"blank_nan_from must be a column index in 0..{ncols}, got {blank_nan_from!r}"
            )
        blank_nan_from = int(blank_nan_from)
        if blank_nan_from == ncols:
            blank_nan_from = None
    if chunk_rows is None:
        chunk_rows = max(1, _CHUNK_CELLS // ncols)
    elif (
        isinstance(chunk_rows, bool)
        or not isinstance(chunk_rows, (int, np.integer))
        or chunk_rows < 1
    ):
        raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    chunk_rows = int(chunk_rows)

    head = (",".join(names) + "\n").encode("utf-8")
    block_rows = min(chunk_rows, max(1, _BLOCK_CELLS // ncols))

    def write(handle: BinaryIO, progress: Callable[[int, int], None] | None = None) -> int:
        formatter = _BlockFormatter(ncols, blank_nan_from, min(block_rows, rows))
        written = handle.write(head)
        for start in range(0, rows, chunk_rows):
            stop = min(start + chunk_rows, rows)
            for first in range(start, stop, block_rows):
                written += handle.write(formatter(table[first : min(first + block_rows, stop)]))
            if progress is not None:
                progress(stop, rows)
        return written

    return write


@dataclass(frozen=True, eq=False)
class RunTable:
    """A run CSV in memory: the header and a rows x columns float64 array (empty cells -> NaN)."""

    header: tuple[str, ...]
    data: np.ndarray

    def column(self, name: str) -> np.ndarray:
        """The column called `name` (the first, if the name occurs twice); KeyError if absent."""
        try:
            index = self.header.index(name)
        except ValueError:
            raise KeyError(f"no column {name!r} (columns: {', '.join(self.header)})") from None
        return self.data[:, index]


def read_run_csv(path: str | os.PathLike[str]) -> RunTable:
    """Read a run CSV written by :func:`write_run_csv` (values come back bit for bit).

    A file that does not fit the format raises ValueError naming the file and line, e.g.
    ``run.csv line 5: expected 12 fields, got 11``. Empty cells read as NaN. Only a regular
    file is read (FileRefused, an OSError, for a FIFO or a device).
    """
    where = show_path(path)
    # utf-8-sig: tolerate the byte-order mark some spreadsheet programs add when re-saving.
    with io.TextIOWrapper(open_regular(path), encoding="utf-8-sig", newline=None) as handle:
        first = handle.readline()
        if not first.strip():
            raise ValueError(
                f"{where} line 1: expected a header row, got "
                f"{'an empty file' if not first else 'an empty line'}"
            )
        header = tuple(first.rstrip("\n").split(","))
        ncols = len(header)
        blocks: list[np.ndarray] = []
        values: list[float] = []
        nan = math.nan
        for lineno, line in enumerate(handle, start=2):
            fields = line.rstrip("\n").split(",")
            if len(fields) != ncols:
                raise ValueError(
                    f"{where} line {lineno}: expected {ncols} fields, got {len(fields)}"
                )
            try:
                values.extend([float(text) if text else nan for text in fields])
            except ValueError:
                bad = next(i for i, text in enumerate(fields) if text and not _is_number(text))
                raise ValueError(
                    one_line(
                        f"{where} line {lineno}: column {header[bad]!r} is not a "
                        f"number: {fields[bad]!r}"
                    )
                ) from None
            if len(values) >= 1 << 16:
                blocks.append(np.array(values, dtype=np.float64))
                values = []
    blocks.append(np.array(values, dtype=np.float64))
    data = np.concatenate(blocks).reshape(-1, ncols)
    return RunTable(header=header, data=data)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_header(header: Sequence[str]) -> list[str]:
    if isinstance(header, str):
        raise ValueError("the run CSV header must be a sequence of column names, not a string")
    names = list(header)
    if not names:
        raise ValueError("the run CSV header has no columns")
    for name in names:
        if not isinstance(name, str):
            raise ValueError(f"run CSV column names must be strings, got {name!r}")
        if any(ch in name for ch in _FORBIDDEN_IN_NAMES):
            raise ValueError(f"run CSV column name {name!r} contains a comma, quote or newline")
    return names


# ---------------------------------------------------------------------------------------------
# Fast exact '%.17g' formatting of a whole block.
#
# For a finite, non-zero x, '%.17g' % x is the 17-digit integer D = round(|x| * 10**(16 - X))
# (10**16 <= D < 10**17, ties to even) laid out by the exponent X: fixed notation for
# -4 <= X < 17, otherwise d.dddde+XX; trailing zeros and a bare decimal point are dropped.
#
# Each value's text is built in a row of _W byte slots and the unused slots are then dropped
# over the whole block at once. Slot layout:
#   0       '-'
#   1..5    '0.000'          prefix of fixed notation with X < 0 ("0." and -X-1 zeros)
#   6..38   d0 . d1 . ... d15 . d16   digit j in slot 6+2j; the slot after it holds '.'
#   39..43  'e' sign and three exponent digits (the hundreds digit only when |X| >= 100)
#   44      ',' or '\n'
# Which slots are kept depends only on X and on the number of trailing zeros of D, so it is
# looked up in a table (_Tables.keep); the constant bytes depend only on X (_Tables.content).
#
# D is computed exactly: y = |x| * 10**k (k = 16 - X) is formed as p + t with the error-free
# product of |x| and the double-double 10**k (Dekker's TwoProduct; exact when 10**k is a double,
# i.e. 0 <= k <= 22, and otherwise off by < 1e-14 while rounding needs to know y to 1e-6).
# Values where y lies within 1e-6 of a rounding tie or of a power of ten (X uncertain), and
# exact ties, are left to '%.17g'. Magnitudes outside [1e-280, 1e280) too, so that no step can
# overflow or underflow.
# ---------------------------------------------------------------------------------------------

_W = 45
_DIGIT0 = 6
_EXP = 39
_SEP = 44
_SPLITTER = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant for float64
_K_MIN, _K_MAX = -270, 300  # powers of ten needed for |x| in [1e-280, 1e280)
_X_MIN, _X_MAX = -300, 300  # decimal exponents in the slot tables
_FAST_LO, _FAST_HI = 1e-280, 1e280
_TIE_MARGIN = 1e-6


class _Tables:
    """Constant tables for _BlockFormatter, built once on first use."""

    def __init__(self) -> None:
        # 10**k as a double-double (hi + lo, |lo| <= ulp(hi)/2) and the Veltkamp halves of hi.
        ks = range(_K_MIN, _K_MAX + 1)
        hi = np.empty(len(ks))
        lo = np.empty(len(ks))
        for i, k in enumerate(ks):
            exact = Fraction(10) ** k
            hi[i] = float(exact)
            lo[i] = float(exact - Fraction(hi[i]))
        c = _SPLITTER * hi
        hi_hi = c - (c - hi)
        hi_lo = hi - hi_hi
        self.pow10 = np.ascontiguousarray(np.stack([hi, hi_hi, hi_lo, lo], axis=1))

        template = np.frombuffer(b"-0.000" + b"0." * 16 + b"0" + b"e+000,", dtype=np.uint8)
        assert template.size == _W
        nx = _X_MAX - _X_MIN + 1
        self.content = np.tile(template, (nx, 1))
        self.keep = np.zeros((nx, 17, _W), dtype=bool)
        for xi in range(nx):
            x = xi + _X_MIN
            self.content[xi, _EXP + 1 : _EXP + 5] = np.frombuffer(
                b"%c%03d" % (45 if x < 0 else 43, abs(x)), dtype=np.uint8
            )
            for tz in range(17):
                self.keep[xi, tz] = _keep_slots(x, tz)
        self.keep = self.keep.reshape(nx * 17, _W)
        # nan / inf / -inf: the three letters go into digit slots 0..2.
        self.special = np.zeros(_W, dtype=bool)
        self.special[[_DIGIT0, _DIGIT0 + 2, _DIGIT0 + 4, _SEP]] = True
        self.blank = np.zeros(_W, dtype=bool)
        self.blank[_SEP] = True


def _keep_slots(x: int, tz: int) -> np.ndarray:
    """Slots kept for decimal exponent x and tz trailing zeros in the 17 digits."""
    keep = np.zeros(_W, dtype=bool)
    last = 16 - tz  # index of the last significant digit
    digit = [_DIGIT0 + 2 * j for j in range(17)]
    if -4 <= x < 17:
        if x < 0:
            keep[1:3] = True  # "0."
            keep[3 : 3 + (-x - 1)] = True
            keep[digit[: last + 1]] = True
        else:
            keep[digit[: max(last, x) + 1]] = True  # the integer part keeps its zeros
            if last > x:
                keep[digit[x] + 1] = True
    else:
        keep[digit[: last + 1]] = True
        if last >= 1:
            keep[digit[0] + 1] = True
        keep[_EXP : _EXP + 2] = True
        keep[_EXP + 2] = abs(x) >= 100
        keep[_EXP + 3 : _EXP + 5] = True
    keep[_SEP] = True
    return keep


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    return _Tables()


def _scaled(ax: np.ndarray, exp10: np.ndarray, pow10: np.ndarray, powers: np.ndarray | None = None):
    """|x| * 10**(16 - exp10) as p + t (p a double, |t| small), and whether it is inexact."""
    powers = pow10.take(16 - _K_MIN - exp10, axis=0, out=powers, mode="clip")
    hi, hi_hi, hi_lo, lo = powers[:, 0], powers[:, 1], powers[:, 2], powers[:, 3]
    p = ax * hi
    c = _SPLITTER * ax
    a_hi = c - (c - ax)
    a_lo = ax - a_hi
    e = a_hi * hi_hi  # Dekker: ax * hi == p + e exactly
    e -= p
    e += a_hi * hi_lo
    e += a_lo * hi_hi
    e += a_lo * hi_lo
    t = ax * lo
    t += e
    return p, t, lo != 0.0


class _BlockFormatter:
    """Formats blocks of up to `max_rows` rows, reusing its large work arrays from block to block.

    (Allocating them afresh for every block costs more in page faults than the formatting.)
    """

    def __init__(self, ncols: int, blank_from: int | None, max_rows: int) -> None:
        self.ncols = ncols
        self.blank_from = blank_from
        self.tables = _tables()
        self.cells = max(1, max_rows) * ncols
        self._text = bytearray(self.cells * _W)
        self._out = np.frombuffer(self._text, dtype=np.uint8).reshape(self.cells, _W)
        self._keep = np.empty((self.cells, _W), dtype=bool)
        self._powers = np.empty((self.cells, 4))

    def __call__(self, block: np.ndarray) -> bytes | bytearray:
        """CSV text of a C-contiguous float64 block ('%.17g' values, rows ending in '\\n')."""
        rows, ncols = block.shape
        n = rows * ncols
        if n == 0:
            return b""
        if ncols != self.ncols or n > self.cells:
            raise ValueError(f"block of {rows} x {ncols} does not fit this formatter")
        with np.errstate(all="ignore"):
            return self._format(block.reshape(-1), rows)

    def _format(self, v: np.ndarray, rows: int) -> bytes | bytearray:
        tables = self.tables
        ncols = self.ncols
        n = v.size
        ax = np.abs(v)
        fast = (ax >= _FAST_LO) & (ax < _FAST_HI)
        all_fast = bool(fast.all())
        ax_f = ax if all_fast else np.where(fast, ax, 1.0)
        exp10 = np.floor(np.log10(ax_f)).astype(np.int64)  # may be one off near powers of ten

        p, t, inexact = _scaled(ax_f, exp10, tables.pow10, self._powers[:n])
        too_small = (p - 1e16) + t < 0  # y < 1e16: exp10 one too big
        too_big = (p - 1e17) + t >= 0  # y >= 1e17: exp10 one too small
        off = too_small | too_big
        if off.any():
            idx = np.flatnonzero(off)
            exp10[idx] += too_big[idx].astype(np.int64) - too_small[idx]
            p[idx], t[idx], inexact[idx] = _scaled(ax_f[idx], exp10[idx], tables.pow10)
        s16 = (p - 1e16) + t
        s17 = (p - 1e17) + t
        floor_t = np.floor(t)
        frac = t - floor_t
        ok = (s16 >= 0) & (s17 < 0) & (frac != 0.5)
        if inexact.any():
            ok &= ~inexact | (
                (np.abs(frac - 0.5) >= _TIE_MARGIN)
                & (np.abs(s16) >= _TIE_MARGIN)
                & (np.abs(s17) >= _TIE_MARGIN)
            )
        if not all_fast:
            ok &= fast
        digits = p.astype(np.int64)
        digits += floor_t.astype(np.int64)
        digits += frac > 0.5
        carry = digits == 10**17  # rounded up to the next power of ten
        if carry.any():
            digits[carry] = 10**16
            exp10 += carry
        all_ok = bool(ok.all())
        if not all_ok:
            digits[~ok] = 0
            exp10[~ok] = 0

        # Constant bytes for each value's exponent, then its 17 digits.
        out = self._out[:n]
        tables.content.take(exp10 - _X_MIN, axis=0, out=out, mode="clip")
        high, low = np.divmod(digits, 10**9)
        rest = high.astype(np.float64)  # < 1e8: float arithmetic on it is exact
        quot = np.empty(n)
        rem = np.empty(n)
        for j in range(7, -1, -1):
            np.multiply(rest, 0.1, out=quot)
            np.floor(quot, out=quot)
            np.multiply(quot, -10.0, out=rem)
            rem += rest
            rem += 48.0
            out[:, _DIGIT0 + 2 * j] = rem
            rest, quot = quot, rest
        rest = low.astype(np.float64)
        last_is_zero = None
        for j in range(16, 7, -1):
            np.multiply(rest, 0.1, out=quot)
            np.floor(quot, out=quot)
            np.multiply(quot, -10.0, out=rem)
            rem += rest
            if j == 16:
                last_is_zero = np.flatnonzero(rem == 0.0)
            rem += 48.0
            out[:, _DIGIT0 + 2 * j] = rem
            rest, quot = quot, rest

        trailing = np.zeros(n, dtype=np.int64)
        if last_is_zero.size:  # few values end in 0: count their trailing zeros
            sub = digits[last_is_zero]
            count = np.zeros(sub.size, dtype=np.int64)
            still = np.ones(sub.size, dtype=bool)
            for j in range(1, 17):
                still &= sub % (10**j) == 0
                count += still
            trailing[last_is_zero] = count
        if not all_ok:
            trailing[~ok] = 16  # zero -> "0"; the rest is overwritten below

        keep = self._keep[:n]
        tables.keep.take((exp10 - _X_MIN) * 17 + trailing, axis=0, out=keep, mode="clip")
        keep[:, 0] = np.signbit(v)
        out.reshape(rows, ncols, _W)[:, -1, _SEP] = 10  # '\n' ends each row

        if not all_ok:
            finite = np.isfinite(v)
            nonfinite = np.flatnonzero(~finite)
            if nonfinite.size:
                is_nan = np.isnan(v[nonfinite])
                out[nonfinite, _DIGIT0] = np.where(is_nan, ord("n"), ord("i"))
                out[nonfinite, _DIGIT0 + 2] = np.where(is_nan, ord("a"), ord("n"))
                out[nonfinite, _DIGIT0 + 4] = np.where(is_nan, ord("n"), ord("f"))
                keep[nonfinite] = tables.special
                keep[nonfinite, 0] = ~is_nan & (v[nonfinite] < 0)
                if self.blank_from is not None:
                    blank = nonfinite[is_nan & (nonfinite % ncols >= self.blank_from)]
                    keep[blank] = tables.blank
            others = np.flatnonzero(~ok & finite & (ax != 0))
            for i in others.tolist():  # exact ties, near-ties, extreme magnitudes: rare
                text = b"%.17g" % float(v[i])
                out[i, : len(text)] = np.frombuffer(text, dtype=np.uint8)
                keep[i, :] = False
                keep[i, : len(text)] = True
                keep[i, _SEP] = True

        # Drop the unused slots: zero them, then delete the zero bytes (the text never holds one).
        # Much faster than np.compress, whose index array costs a page fault per 512 bytes.
        np.multiply(out, keep, out=out)
        text = self._text if n == self.cells else self._text[: n * _W]
        return text.translate(None, b"\0")


def _format_block(block: np.ndarray, blank_from: int | None = None) -> bytes:
    """'%.17g' CSV text of a 2-D block (any size), as written by write_run_csv."""
    block = np.ascontiguousarray(block, dtype=np.float64)
    rows, ncols = block.shape
    return bytes(_BlockFormatter(ncols, blank_from, rows)(block))
