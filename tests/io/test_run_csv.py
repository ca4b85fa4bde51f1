"""The run CSV: exact '%.17g' text, bit-exact round trip, blank optional cells, atomic writes."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gdsim.io.run_csv import RunTable, _format_block, read_run_csv, run_header, write_run_csv

# --------------------------------------------------------------------------------- helpers


def reference_text(data: np.ndarray, blank_nan_from: int | None = None) -> bytes:
    """What the contract says the data rows must look like: '%.17g' for every value."""
    lines = []
    for row in np.asarray(data, dtype=np.float64).tolist():
        cells = [
            ""
            if blank_nan_from is not None and j >= blank_nan_from and math.isnan(x)
            else "%.17g" % x  # noqa: UP031 (the contract is stated in printf terms)
            for j, x in enumerate(row)
        ]
        lines.append(",".join(cells) + "\n")
    return "".join(lines).encode()


def assert_same_floats(a: np.ndarray, b: np.ndarray) -> None:
    """Equal bit for bit, except that any NaN matches any NaN."""
    assert a.shape == b.shape
    a_nan, b_nan = np.isnan(a), np.isnan(b)
    assert np.array_equal(a_nan, b_nan)
    assert np.array_equal(a[~a_nan].view(np.int64), b[~b_nan].view(np.int64))


def folder_names(folder) -> list[str]:
    return sorted(os.listdir(folder))


def header_for(ncols: int) -> list[str]:
    return ["step", "cost", *[f"c{i}" for i in range(ncols - 2)]][:ncols]


any_float64 = st.one_of(
    st.floats(width=64, allow_nan=True, allow_infinity=True, allow_subnormal=True),
    st.integers(-(2**63), 2**63 - 1).map(lambda i: float(np.int64(i).view(np.float64))),
    st.sampled_from(
        [
            0.0,
            -0.0,
            5e-324,
            -5e-324,
            2.2250738585072014e-308,
            1.7976931348623157e308,
            0.1,
            1e16,
            1e17,
            1e22,
            1e23,
            9.999999999999999e16,
            1e-5,
            1e-4,
            1 + 2**-17,
            0.5,
            12.0,
            math.inf,
            -math.inf,
            math.nan,
        ]
    ),
)


def float_tables(min_cols=1, max_cols=9, max_rows=12):
    shapes = st.tuples(st.integers(0, max_rows), st.integers(min_cols, max_cols))
    return hnp.arrays(np.float64, shapes, elements=any_float64)


# ------------------------------------------------------------------------------ run_header


def test_run_header_puts_step_cost_parameters_gradients_then_extras():
    assert run_header(["w", "b"], ["train_cost", "learning_rate"]) == [
        "step",
        "cost",
        "w",
        "b",
        "dC/dw",
        "dC/db",
        "train_cost",
        "learning_rate",
    ]
    assert run_header(("layer1.w[0,0]",)) == ["step", "cost", "layer1.w[0,0]", "dC/dlayer1.w[0,0]"]
    assert run_header([]) == ["step", "cost"]


def test_run_header_refuses_a_bare_string():
    with pytest.raises(TypeError):
        run_header("wb")


# ------------------------------------------------------------------------ the text written


def test_text_of_a_small_run_is_exactly_as_specified(tmp_path):
    path = tmp_path / "run.csv"
    header = run_header(["w"], ["learning_rate"])
    data = np.array(
        [
            [0, 4.0, 1.0, -4.0, 0.1],
            [12, 0.1, -0.0, 1e-5, 0.1],
            [13, math.nan, math.inf, -math.inf, 1e17],
        ]
    )
    size = write_run_csv(path, header, data)
    expected = (
        b"step,cost,w,dC/dw,learning_rate\n"
        b"0,4,1,-4,0.10000000000000001\n"
        b"12,0.10000000000000001,-0,1.0000000000000001e-05,0.10000000000000001\n"
        b"13,nan,inf,-inf,1e+17\n"
    )
    assert path.read_bytes() == expected
    assert size == len(expected)


def test_integer_valued_steps_are_written_without_a_fraction(tmp_path):
    path = tmp_path / "run.csv"
    steps = np.array([0, 1, 9, 10, 99, 100, 12345, 10**6, 2**53], dtype=np.float64)
    data = np.column_stack([steps, np.full(steps.size, 0.5)])
    write_run_csv(path, ["step", "cost"], data)
    lines = path.read_text().splitlines()[1:]
    assert [line.split(",")[0] for line in lines] == [
        "0",
        "1",
        "9",
        "10",
        "99",
        "100",
        "12345",
        "1000000",
        "9007199254740992",
    ]
    assert all(line.endswith(",0.5") for line in lines)


def test_integer_arrays_are_accepted_and_written_as_integers(tmp_path):
    path = tmp_path / "run.csv"
    write_run_csv(path, ["step", "cost"], np.array([[1, 2], [3, 4]]))
    assert path.read_text() == "step,cost\n1,2\n3,4\n"


@settings(max_examples=300, deadline=None)
@given(float_tables())
def test_every_value_is_written_as_percent_17g(data):
    assert _format_block(data) == reference_text(data)


@pytest.mark.parametrize(
    "name",
    ["normal", "scaled", "bits", "integers", "short decimals", "dyadic ties", "near powers of ten"],
)
def test_fast_formatter_matches_percent_17g_on_many_values(name):
    rng = np.random.default_rng(sum(map(ord, name)))
    n = 60_000
    if name == "normal":
        values = rng.standard_normal(n)
    elif name == "scaled":  # every decimal exponent, including beyond the fast range
        values = rng.standard_normal(n) * 10.0 ** rng.integers(-320, 308, n)
    elif name == "bits":  # uniformly random bit patterns: subnormals, huge, nan, inf
        values = rng.integers(-(2**63), 2**63 - 1, n, dtype=np.int64).view(np.float64)
    elif name == "integers":
        values = rng.integers(-(10**17), 10**17, n).astype(np.float64)
    elif name == "short decimals":  # like learning rates: 0.1, 0.003, 2.5 ...
        places = rng.integers(0, 9, n).tolist()
        values = np.array(
            [round(x, d) for x, d in zip(rng.standard_normal(n).tolist(), places, strict=True)]
        )
    elif name == "dyadic ties":  # values whose 18th significant digit is an exact 5
        values = rng.integers(1, 2**21, n) * 2.0 ** -rng.integers(1, 70, n)
    else:
        exps = rng.integers(-323, 309, n)
        values = np.array([float(f"1e{e}") for e in exps.tolist()])
        values = np.choose(
            rng.integers(0, 3, n), [values, np.nextafter(values, 0.0), np.nextafter(values, np.inf)]
        )
    table = values.reshape(-1, 6)
    assert _format_block(table) == reference_text(table)


def test_scaled_values_are_far_more_accurate_than_the_tie_margin():
    """The fast formatter trusts y = |x| * 10**k to within _TIE_MARGIN; check it with Fractions."""
    from fractions import Fraction

    from gdsim.io import run_csv

    rng = np.random.default_rng(11)
    ax = np.abs(rng.standard_normal(4000)) * 10.0 ** rng.integers(-279, 279, 4000)
    exp10 = np.array([math.floor(math.log10(x)) for x in ax.tolist()], dtype=np.int64)
    p, t, inexact = run_csv._scaled(ax, exp10, run_csv._tables().pow10)
    assert inexact.mean() > 0.9  # mostly powers of ten that are not doubles
    worst = max(
        abs(Fraction(pi) + Fraction(ti) - Fraction(x) * Fraction(10) ** int(16 - e))
        for pi, ti, x, e in zip(p.tolist(), t.tolist(), ax.tolist(), exp10.tolist(), strict=True)
    )
    assert worst < run_csv._TIE_MARGIN * 1e-6
    exact = ~inexact
    for pi, ti, x, e in zip(
        p[exact].tolist(), t[exact].tolist(), ax[exact].tolist(), exp10[exact].tolist(), strict=True
    ):
        assert Fraction(pi) + Fraction(ti) == Fraction(x) * Fraction(10) ** int(16 - e)


@settings(max_examples=200, deadline=None)
@given(float_tables(min_cols=2))
def test_round_trip_is_bit_exact(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("rt") / "run.csv"
    header = header_for(data.shape[1])
    size = write_run_csv(path, header, data)
    assert size == path.stat().st_size
    table = read_run_csv(path)
    assert table.header == tuple(header)
    assert table.data.dtype == np.float64
    assert_same_floats(table.data, data)


def test_round_trip_of_a_large_random_run(tmp_path):
    rng = np.random.default_rng(7)
    data = rng.standard_normal((3000, 23)) * 10.0 ** rng.integers(-30, 30, (3000, 23))
    data[:, 0] = np.arange(3000)
    data[::97, 5] = np.nan
    data[::89, 6] = -np.inf
    path = tmp_path / "big.csv"
    write_run_csv(path, header_for(23), data)
    assert path.read_bytes().split(b"\n", 1)[1] == reference_text(data)
    assert_same_floats(read_run_csv(path).data, data)


def test_chunking_does_not_change_the_bytes(tmp_path):
    rng = np.random.default_rng(3)
    data = rng.standard_normal((1000, 9))
    data[rng.random(data.shape) < 0.1] = np.nan
    texts = set()
    for chunk_rows in (None, 1, 7, 999, 1000, 5000):
        path = tmp_path / f"run{chunk_rows}.csv"
        write_run_csv(path, header_for(9), data, blank_nan_from=4, chunk_rows=chunk_rows)
        texts.add(path.read_bytes())
    assert len(texts) == 1


def test_very_wide_tables(tmp_path):
    rng = np.random.default_rng(5)
    data = rng.standard_normal((3, 6000))
    path = tmp_path / "wide.csv"
    write_run_csv(path, header_for(6000), data, blank_nan_from=3000)
    assert path.read_bytes().split(b"\n", 1)[1] == reference_text(data)
    assert_same_floats(read_run_csv(path).data, data)


def test_a_run_without_rows_is_just_the_header(tmp_path):
    path = tmp_path / "run.csv"
    calls = []
    assert write_run_csv(
        path, ["step", "cost"], np.empty((0, 2)), progress=lambda *a: calls.append(a)
    ) == len("step,cost\n")
    assert path.read_text() == "step,cost\n"
    table = read_run_csv(path)
    assert table.header == ("step", "cost") and table.data.shape == (0, 2)


# ------------------------------------------------------------------------------ blank cells


def test_nan_in_optional_columns_is_blank_but_in_core_columns_is_nan(tmp_path):
    path = tmp_path / "run.csv"
    header = run_header(["w"], ["train_cost", "test_cost"])
    nan = math.nan
    data = np.array(
        [
            [0, 1.5, 2.0, -1.0, 0.25, 0.5],
            [1, nan, nan, nan, nan, 0.75],
            [2, 1.0, 2.0, 3.0, 4.0, nan],
        ]
    )
    write_run_csv(path, header, data, blank_nan_from=4)
    assert path.read_text().splitlines()[1:] == [
        "0,1.5,2,-1,0.25,0.5",
        "1,nan,nan,nan,,0.75",
        "2,1,2,3,4,",
    ]
    table = read_run_csv(path)
    assert_same_floats(table.data, data)
    assert np.isnan(table.column("train_cost")[1]) and np.isnan(table.column("test_cost")[2])


def test_infinities_in_optional_columns_are_still_written(tmp_path):
    path = tmp_path / "run.csv"
    write_run_csv(
        path,
        ["step", "cost", "x"],
        np.array([[0, 1, math.inf], [1, 2, -math.inf]]),
        blank_nan_from=2,
    )
    assert path.read_text() == "step,cost,x\n0,1,inf\n1,2,-inf\n"


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_blank_cells_for_any_table(tmp_path_factory, drawn):
    data = drawn.draw(float_tables(min_cols=2))
    ncols = data.shape[1]
    blank_from = drawn.draw(st.integers(0, ncols))
    mask = drawn.draw(hnp.arrays(bool, data.shape))
    data = np.where(mask, math.nan, data)
    path = tmp_path_factory.mktemp("blank") / "run.csv"
    write_run_csv(path, header_for(ncols), data, blank_nan_from=blank_from)
    assert path.read_bytes().split(b"\n", 1)[1] == reference_text(data, blank_from)
    assert_same_floats(read_run_csv(path).data, data)


# ---------------------------------------------------------------------------------- header


def test_header_is_written_exactly_as_given(tmp_path):
    path = tmp_path / "run.csv"
    header = ["step", "cost", " w (spaced) ", "ŵ₁", "dC/ ŵ₁", "b;semi", "x'y", ""]
    write_run_csv(path, header, np.zeros((1, len(header))))
    assert path.read_bytes().split(b"\n")[0] == ",".join(header).encode("utf-8")
    assert read_run_csv(path).header == tuple(header)


@pytest.mark.parametrize("bad", ["a,b", 'say "hi"', "two\nlines", "cr\rhere"])
def test_a_column_name_that_cannot_be_written_is_refused(tmp_path, bad):
    path = tmp_path / "run.csv"
    with pytest.raises(ValueError) as info:
        write_run_csv(path, ["step", bad], np.zeros((1, 2)))
    assert repr(bad) in str(info.value)
    assert folder_names(tmp_path) == []


# ----------------------------------------------------------------------- atomic behaviour


@pytest.mark.parametrize("existing", [False, True])
def test_cancelling_from_progress_leaves_no_file_and_keeps_the_old_one(tmp_path, existing):
    path = tmp_path / "run.csv"
    if existing:
        path.write_bytes(b"old contents\n")
    data = np.random.default_rng(0).standard_normal((1000, 5))
    seen = []

    class Cancelled(Exception):
        pass

    def progress(done, total):
        seen.append((done, total))
        if done >= 300:
            raise Cancelled

    with pytest.raises(Cancelled):
        write_run_csv(path, header_for(5), data, progress=progress, chunk_rows=100)
    assert seen == [(100, 1000), (200, 1000), (300, 1000)]
    if existing:
        assert path.read_bytes() == b"old contents\n"
        assert folder_names(tmp_path) == ["run.csv"]
    else:
        assert not path.exists()
        assert folder_names(tmp_path) == []


def test_cancelling_at_the_very_last_chunk_still_leaves_nothing(tmp_path):
    path = tmp_path / "run.csv"

    def progress(done, total):
        if done == total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_run_csv(path, ["step", "cost"], np.ones((10, 2)), progress=progress, chunk_rows=3)
    assert folder_names(tmp_path) == []


def test_progress_reports_every_chunk_up_to_the_total(tmp_path):
    seen = []
    write_run_csv(
        tmp_path / "run.csv",
        ["step", "cost"],
        np.ones((10, 2)),
        progress=lambda done, total: seen.append((done, total)),
        chunk_rows=4,
    )
    assert seen == [(4, 10), (8, 10), (10, 10)]


def test_writing_into_a_missing_folder_raises_oserror_and_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        write_run_csv(tmp_path / "missing" / "run.csv", ["step", "cost"], np.ones((3, 2)))
    assert folder_names(tmp_path) == []


def test_a_successful_write_leaves_only_the_target(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text("old\n")
    write_run_csv(path, ["step", "cost"], np.ones((3, 2)))
    assert folder_names(tmp_path) == ["run.csv"]
    assert path.read_text() == "step,cost\n1,1\n1,1\n1,1\n"


@pytest.mark.parametrize(
    "data, header, message",
    [
        (np.zeros((3, 4)), ["step", "cost", "w"], "4 columns but the header has 3"),
        (np.zeros((3, 2)), ["step", "cost", "w"], "2 columns but the header has 3"),
        (np.zeros(3), ["step", "cost", "w"], "2-D"),
        (np.zeros((2, 3, 1)), ["step", "cost", "w"], "2-D"),
        ([[1, 2, 3], [4, 5]], ["step", "cost", "w"], "2-D"),
        (np.zeros((1, 0)), [], "no columns"),
    ],
)
def test_bad_shapes_raise_before_any_file_is_created(tmp_path, data, header, message):
    path = tmp_path / "run.csv"
    with pytest.raises(ValueError, match=message):
        write_run_csv(path, header, data)
    assert folder_names(tmp_path) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"blank_nan_from": -1},
        {"blank_nan_from": 4},
        {"blank_nan_from": 1.5},
        {"chunk_rows": 0},
        {"chunk_rows": -3},
        {"chunk_rows": 2.0},
    ],
)
def test_bad_options_raise_before_any_file_is_created(tmp_path, kwargs):
    with pytest.raises(ValueError):
        write_run_csv(tmp_path / "run.csv", ["step", "cost", "w"], np.zeros((2, 3)), **kwargs)
    assert folder_names(tmp_path) == []


# -------------------------------------------------------------------------------- reading


def test_column_returns_the_named_column_and_keyerror_otherwise():
    table = RunTable(("step", "cost"), np.array([[0.0, 5.0], [1.0, 4.0]]))
    assert table.column("cost").tolist() == [5.0, 4.0]
    with pytest.raises(KeyError, match="'w'"):
        table.column("w")


def test_reading_a_row_with_the_wrong_number_of_fields_names_file_and_line(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text("step,cost,w\n0,1,2\n1,2,3\n2,3\n3,4,5\n")
    with pytest.raises(ValueError) as info:
        read_run_csv(path)
    assert str(info.value) == f"{path} line 4: expected 3 fields, got 2"


def test_reading_a_field_that_is_not_a_number_names_file_line_and_column(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text("step,cost,w\n0,1,2\n1,oops,3\n")
    with pytest.raises(ValueError) as info:
        read_run_csv(path)
    message = str(info.value)
    assert message.startswith(f"{path} line 3:") and "'cost'" in message and "'oops'" in message


def test_reading_an_empty_file_is_an_error(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text("")
    with pytest.raises(ValueError, match="line 1"):
        read_run_csv(path)


def test_reading_tolerates_crlf_line_ends_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "run.csv"
    path.write_bytes(b"\xef\xbb\xbfstep,cost\r\n0,0.10000000000000001\r\n1,\r\n")
    table = read_run_csv(path)
    assert table.header == ("step", "cost")
    assert table.data[0].tolist() == [0.0, 0.1]
    assert table.data[1, 0] == 1.0 and np.isnan(table.data[1, 1])


def test_reading_a_missing_file_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        read_run_csv(tmp_path / "nope.csv")
