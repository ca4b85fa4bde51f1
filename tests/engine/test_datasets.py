"""Built-in data sets and the CSV loader."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.config.names import GENERATED_DATASETS
from gdsim.engine.datasets import (
    BUILTIN_DATASETS,
    DataError,
    Dataset,
    make_builtin,
    split,
)
from gdsim.io.data_csv import read_csv_header
from gdsim.session.run_files import load_csv

DATA_DIR = Path(__file__).resolve().parents[2] / "resources" / "data"
CLASSIFIERS = ("xor", "circle", "gaussian", "spiral")
REGRESSIONS = ("linear", "sine")


def all_arrays(ds: Dataset):
    return (ds.x_train, ds.y_train, ds.x_test, ds.y_test)


def merged(ds: Dataset):
    return np.hstack([ds.x_train, ds.x_test]), np.hstack([ds.y_train, ds.y_test])


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def error_of(path, inputs=("x1", "x2"), targets=("y",), **kwargs) -> str:
    with pytest.raises(DataError) as info:
        load_csv(path, inputs, targets, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# ----------------------------------------------------------------------------- built-ins


def test_builtin_names():
    assert GENERATED_DATASETS == ("xor", "circle", "gaussian", "spiral", "linear", "sine")
    assert (*GENERATED_DATASETS, "digits", "iris") == BUILTIN_DATASETS


@pytest.mark.parametrize("name", GENERATED_DATASETS)
def test_builtin_shapes_dtypes_and_metadata(name):
    ds = make_builtin(name, samples=101, noise=0.1, test_fraction=0.2, seed=3)
    n_in = 2 if name in CLASSIFIERS else 1
    assert ds.name == name
    assert (ds.n_inputs, ds.n_targets) == (n_in, 1)
    assert ds.n_test == 20 and ds.n_train == 81  # round(0.2 * 101) = 20
    assert ds.x_train.shape == (n_in, 81) and ds.y_train.shape == (1, 81)
    assert ds.x_test.shape == (n_in, 20) and ds.y_test.shape == (1, 20)
    for arr in all_arrays(ds):
        assert arr.dtype == np.float64
        assert arr.flags.c_contiguous
        assert np.all(np.isfinite(arr))
    assert ds.target_names == ("y",)
    if name in CLASSIFIERS:
        assert ds.input_names == ("x1", "x2")
        assert ds.task == "classification" and ds.n_classes == 2
    else:
        assert ds.input_names == ("x",)
        assert ds.task == "regression" and ds.n_classes == 0


@pytest.mark.parametrize("name", GENERATED_DATASETS)
def test_builtin_is_deterministic_per_seed(name):
    a = make_builtin(name, samples=50, noise=0.2, test_fraction=0.3, seed=7)
    b = make_builtin(name, samples=50, noise=0.2, test_fraction=0.3, seed=7)
    for u, v in zip(all_arrays(a), all_arrays(b), strict=True):
        assert u.tobytes() == v.tobytes()


@pytest.mark.parametrize("name", GENERATED_DATASETS)
@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_builtin_differs_across_seeds(name, noise):
    a = make_builtin(name, samples=50, noise=noise, seed=1)
    b = make_builtin(name, samples=50, noise=noise, seed=2)
    xa, _ = merged(a)
    xb, _ = merged(b)
    # not merely a reordering: the sets of points differ
    assert not np.array_equal(np.sort(xa, axis=1), np.sort(xb, axis=1))


def test_builtin_does_not_touch_global_random_state():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    make_builtin("spiral", seed=5)
    assert np.array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize("name", CLASSIFIERS)
@pytest.mark.parametrize("samples", [4, 5, 200, 201])
def test_classifier_balance(name, samples):
    ds = make_builtin(name, samples=samples, test_fraction=0.0)
    _, y = merged(ds)
    assert set(np.unique(y)) <= {0.0, 1.0}
    ones = int(y.sum())
    assert ones == samples // 2
    assert samples - ones == samples - samples // 2


@pytest.mark.parametrize("name", GENERATED_DATASETS)
def test_builtin_training_data_is_shuffled(name):
    ds = make_builtin(name, samples=200, test_fraction=0.0)
    y = ds.y_train[0]
    if name in CLASSIFIERS:
        # classes interleave rather than arriving as two blocks
        assert np.count_nonzero(np.diff(y)) > 20
    else:
        assert not np.all(np.diff(ds.x_train[0]) >= 0)


def test_xor_labels_follow_quadrants_at_zero_noise():
    ds = make_builtin("xor", samples=500, noise=0.0, test_fraction=0.2, seed=4)
    x, y = merged(ds)
    assert np.array_equal(y[0], (x[0] * x[1] > 0).astype(float))
    assert np.all(np.abs(x) >= 0.05) and np.all(np.abs(x) <= 1.0)


def test_xor_noise_jitters_inputs():
    clean = make_builtin("xor", samples=500, noise=0.0, seed=4)
    noisy = make_builtin("xor", samples=500, noise=0.5, seed=4)
    x, y = merged(noisy)
    assert np.abs(merged(clean)[0]).max() <= 1.0
    assert np.abs(x).max() > 1.0
    assert np.any(y[0] != (x[0] * x[1] > 0))


def test_circle_radius_rule_at_zero_noise():
    ds = make_builtin("circle", samples=600, noise=0.0, seed=9)
    x, y = merged(ds)
    r = np.hypot(x[0], x[1])
    assert np.all(r[y[0] == 1.0] <= 0.5 + 1e-12)
    assert np.all((r[y[0] == 0.0] >= 0.7 - 1e-12) & (r[y[0] == 0.0] <= 1.0 + 1e-12))


def test_gaussian_blobs():
    ds = make_builtin("gaussian", samples=4000, noise=0.0, seed=2)
    x, y = merged(ds)
    for label, centre in ((0.0, -0.5), (1.0, 0.5)):
        pts = x[:, y[0] == label]
        assert np.allclose(pts.mean(axis=1), centre, atol=0.03)
        assert np.allclose(pts.std(axis=1), 0.25, atol=0.02)
    noisy = make_builtin("gaussian", samples=4000, noise=0.25, seed=2)
    xn, yn = merged(noisy)
    assert np.allclose(xn[:, yn[0] == 0.0].std(axis=1), 0.5, atol=0.04)


def test_spiral_arms_at_zero_noise():
    ds = make_builtin("spiral", samples=400, noise=0.0, seed=3)
    x, y = merged(ds)
    r = np.hypot(x[0], x[1])
    assert np.all(r <= 1.0 + 1e-12)
    # each point lies on its arm: angle = 1.75 * 2pi * r + (0 or pi), measured from the y axis
    theta = np.arctan2(x[0], x[1])
    expected = 1.75 * 2 * np.pi * r + np.pi * y[0]
    diff = np.angle(np.exp(1j * (theta - expected)))
    assert np.allclose(diff[r > 1e-9], 0.0, atol=1e-9)


def test_linear_fit_recovers_slope_and_intercept():
    ds = make_builtin("linear", samples=200, noise=0.0, seed=1)
    x, y = merged(ds)
    slope, intercept = np.polyfit(x[0], y[0], 1)
    assert slope == pytest.approx(0.8, abs=1e-9)
    assert intercept == pytest.approx(0.3, abs=1e-9)
    noisy = make_builtin("linear", samples=5000, noise=0.1, seed=1)
    xn, yn = merged(noisy)
    slope, intercept = np.polyfit(xn[0], yn[0], 1)
    assert slope == pytest.approx(0.8, abs=0.02)
    residual = yn[0] - (slope * xn[0] + intercept)
    assert residual.std() == pytest.approx(0.1, abs=0.01)


def test_sine_values():
    ds = make_builtin("sine", samples=300, noise=0.0, seed=6)
    x, y = merged(ds)
    assert np.all(np.abs(x) <= 1.0)
    assert np.allclose(y[0], np.sin(np.pi * x[0]))


@pytest.mark.parametrize(
    ("samples", "fraction", "n_test"),
    [
        (200, 0.2, 40),
        (10, 0.0, 0),
        (10, 0.25, 3),
        (10, 0.35, 4),
        (4, 0.5, 2),
        (7, 0.7, 5),
        (20, 0.9, 18),
    ],
)
def test_builtin_split_sizes(samples, fraction, n_test):
    ds = make_builtin("xor", samples=samples, test_fraction=fraction)
    assert ds.n_test == n_test and ds.n_train == samples - n_test
    assert ds.x_test.shape == (2, n_test)


def test_builtin_split_is_a_partition_of_the_generated_points():
    whole = make_builtin("circle", samples=100, test_fraction=0.0, seed=8)
    parted = make_builtin("circle", samples=100, test_fraction=0.3, seed=8)
    xa, ya = merged(whole)
    xb, yb = merged(parted)
    key = lambda x, y: sorted(map(tuple, np.vstack([x, y]).T.tolist()))  # noqa: E731
    assert key(xa, ya) == key(xb, yb)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": "xr"}, "did you mean 'xor'"),
        ({"name": "moons"}, "xor, circle, gaussian, spiral, linear, sine"),
        ({"name": 3}, "name"),
        ({"samples": 3}, "samples"),
        ({"samples": 1_000_001}, "samples"),
        ({"samples": 10.0}, "samples"),
        ({"samples": True}, "samples"),
        ({"noise": -0.1}, "noise"),
        ({"noise": 10.5}, "noise"),
        ({"noise": math.nan}, "noise"),
        ({"test_fraction": -0.1}, "test fraction"),
        ({"test_fraction": 0.95}, "test fraction"),
        ({"samples": 4, "test_fraction": 0.9}, "at least 2"),
        ({"samples": 5, "test_fraction": 0.7}, "at least 2"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_builtin_argument_errors(kwargs, fragment):
    args = {"name": "xor", **kwargs}
    with pytest.raises(DataError) as info:
        make_builtin(**args)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_builtin_limits_accepted():
    assert make_builtin("XOR", samples=4, noise=10.0, test_fraction=0.5).name == "xor"
    ds = make_builtin("sine", samples=np.int64(20), noise=0, test_fraction=0.9, seed=np.int64(0))
    assert (ds.n_train, ds.n_test) == (2, 18)


def test_data_error_is_value_error():
    assert issubclass(DataError, ValueError)


# ----------------------------------------------------------------------------- split helper


def test_split_zero_keeps_order():
    x = np.arange(12.0).reshape(2, 6)
    y = np.arange(6.0).reshape(1, 6)
    xt, yt, xs, ys = split(x, y, 0.0, np.random.default_rng(0))
    assert np.array_equal(xt, x) and np.array_equal(yt, y)
    assert xs.shape == (2, 0) and ys.shape == (1, 0)
    assert xt is not x


def test_split_keeps_columns_together():
    x = np.vstack([np.arange(50.0), -np.arange(50.0)])
    y = 10 * np.arange(50.0)[None, :]
    xt, yt, xs, ys = split(x, y, 0.3, np.random.default_rng(5))
    assert (xt.shape, xs.shape) == ((2, 35), (2, 15))
    for xx, yy in ((xt, yt), (xs, ys)):
        assert np.array_equal(xx[1], -xx[0]) and np.array_equal(yy[0], 10 * xx[0])
        assert xx.flags.c_contiguous and yy.flags.c_contiguous
    assert sorted(np.concatenate([xt[0], xs[0]])) == list(range(50))


def test_split_errors():
    x, y = np.zeros((1, 3)), np.zeros((1, 3))
    with pytest.raises(DataError, match="at least 2"):
        split(x, y, 0.5, np.random.default_rng(0))
    with pytest.raises(DataError, match="same number"):
        split(x, np.zeros((1, 4)), 0.0, np.random.default_rng(0))


def test_dataset_validates_shapes():
    with pytest.raises(DataError):
        Dataset(
            np.zeros((2, 3)),
            np.zeros((1, 4)),
            np.zeros((2, 0)),
            np.zeros((1, 0)),
            ("a", "b"),
            ("y",),
            "regression",
            0,
            "t",
        )
    with pytest.raises(DataError):
        Dataset(
            np.zeros((2, 3)),
            np.zeros((1, 3)),
            np.zeros((2, 0)),
            np.zeros((1, 0)),
            ("a", "b"),
            ("y",),
            "classification",
            0,
            "t",
        )
    ds = Dataset(
        [[1, 2]], [[3, 4]], np.zeros((1, 0)), np.zeros((1, 0)), ["a"], ["y"], "regression", 0, "t"
    )
    assert ds.x_train.dtype == np.float64 and ds.input_names == ("a",)


# ----------------------------------------------------------------------------- CSV reading


def test_csv_round_trip_keeps_file_order(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.normal(size=(30, 4))
    lines = ["x1, x2 ,note,y"]  # spaces around names are stripped
    for i, row in enumerate(data):
        lines.append(f"{float(row[0])!r},{float(row[1])!r},label {i},{float(row[3])!r}")
    path = write(tmp_path, "\n".join(lines) + "\n")
    ds = load_csv(path, ["x1", "x2"], ["y"])
    assert ds.name == "data.csv"
    assert ds.input_names == ("x1", "x2") and ds.target_names == ("y",)
    assert ds.n_test == 0 and ds.x_test.shape == (2, 0) and ds.y_test.shape == (1, 0)
    assert np.array_equal(ds.x_train, data[:, :2].T)  # exact and in file order
    assert np.array_equal(ds.y_train, data[:, 3:].T)
    assert ds.task == "regression" and ds.n_classes == 0
    for arr in all_arrays(ds):
        assert arr.dtype == np.float64 and arr.flags.c_contiguous


def test_csv_column_order_follows_request(tmp_path):
    path = write(tmp_path, "a,b,c\n1,2,3\n4,5,6\n")
    ds = load_csv(path, ["c", "a"], "b")
    assert ds.input_names == ("c", "a")
    assert np.array_equal(ds.x_train, [[3, 6], [1, 4]])
    assert np.array_equal(ds.y_train, [[2, 5]])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=False),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        min_size=2,
        max_size=30,
    )
)
def test_csv_round_trip_property(rows):
    text = "u,v\n" + "".join(f"{a!r},{b!r}\n" for a, b in rows)
    with tempfile.TemporaryDirectory() as folder:
        ds = load_csv(write(Path(folder), text), ["u"], ["v"])
    assert np.array_equal(ds.x_train[0], [a for a, _ in rows])
    assert np.array_equal(ds.y_train[0], [b for _, b in rows])


def test_csv_with_bom_crlf_and_trailing_blank_lines(tmp_path):
    path = write(tmp_path, "\ufeffx1,x2,y\r\n1,2,3\r\n4,5,6\r\n\r\n  \r\n,,\r\n")
    assert read_csv_header(path) == ["x1", "x2", "y"]
    ds = load_csv(path, ["x1", "x2"], ["y"])
    assert np.array_equal(ds.x_train, [[1, 4], [2, 5]])
    assert ds.n_train == 2


def test_csv_test_fraction_is_seeded(tmp_path):
    text = "x,y\n" + "".join(f"{i},{2 * i}\n" for i in range(40))
    path = write(tmp_path, text)
    a = load_csv(path, ["x"], ["y"], test_fraction=0.25, seed=3)
    b = load_csv(path, ["x"], ["y"], test_fraction=0.25, seed=3)
    c = load_csv(path, ["x"], ["y"], test_fraction=0.25, seed=4)
    assert (a.n_train, a.n_test) == (30, 10)
    assert np.array_equal(a.x_test, b.x_test) and np.array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_test, c.x_test)
    assert np.array_equal(a.y_train, 2 * a.x_train) and np.array_equal(a.y_test, 2 * a.x_test)
    assert sorted(np.concatenate([a.x_train[0], a.x_test[0]])) == list(range(40))


@pytest.mark.parametrize(
    ("labels", "task", "k"),
    [
        ("0 1 0 1", "classification", 2),
        ("0.0 1.0 1 0", "classification", 2),
        ("2 0 1 1", "classification", 3),
        ("1 2 1 2", "regression", 0),  # classes must start at 0
        ("0 2 0 2", "regression", 0),  # 1 missing
        ("0 1 0.5 1", "regression", 0),  # not integers
        ("0 0 0 0", "regression", 0),  # one class only
        ("-1 0 1 0", "regression", 0),
    ],
)
def test_csv_task_detection(tmp_path, labels, task, k):
    values = labels.split()
    text = "x,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values))
    ds = load_csv(write(tmp_path, text), ["x"], ["y"])
    assert (ds.task, ds.n_classes) == (task, k)


def test_csv_task_detection_limits(tmp_path):
    text = "x,y\n" + "".join(f"{i},{i}\n" for i in range(20))
    assert load_csv(write(tmp_path, text), ["x"], ["y"]).n_classes == 20
    text = "x,y\n" + "".join(f"{i},{i}\n" for i in range(21))
    assert load_csv(write(tmp_path, text), ["x"], ["y"]).task == "regression"
    text = "x,y,z\n0,0,1\n1,1,0\n"  # two target columns: regression
    ds = load_csv(write(tmp_path, text), ["x"], ["y", "z"])
    assert (ds.task, ds.n_classes, ds.n_targets) == ("regression", 0, 2)


def test_csv_ignores_unused_columns_and_empty_index_name(tmp_path):
    path = write(tmp_path, ',x,y,comment\n0,1.5,1,hello\n1,2.5,0,\n2,-3e2,1,"a, b"\n')
    assert read_csv_header(path) == ["", "x", "y", "comment"]
    ds = load_csv(path, ["x"], ["y"])
    assert np.array_equal(ds.x_train, [[1.5, 2.5, -300.0]])
    assert ds.n_classes == 2


def test_csv_trailing_comma(tmp_path):
    path = write(tmp_path, "x,y,\n1,2,\n3,4,\n")
    assert read_csv_header(path) == ["x", "y"]
    assert load_csv(path, ["x"], ["y"]).n_train == 2


def test_example_files():
    assert read_csv_header(DATA_DIR / "houses.csv") == ["size_m2", "rooms", "price_k"]
    houses = load_csv(DATA_DIR / "houses.csv", ["size_m2", "rooms"], ["price_k"])
    assert houses.task == "regression" and houses.n_train >= 50
    assert houses.x_train[0].min() >= 40 and houses.x_train[0].max() <= 200
    slope = np.polyfit(houses.x_train[0], houses.y_train[0], 1)[0]
    assert slope > 1.0  # price grows with size
    assert read_csv_header(DATA_DIR / "moons_like.csv") == ["x1", "x2", "label"]
    moons = load_csv(DATA_DIR / "moons_like.csv", ["x1", "x2"], ["label"], test_fraction=0.2)
    assert (moons.task, moons.n_classes) == ("classification", 2)
    assert moons.n_train + moons.n_test >= 100
    assert np.all(np.abs(moons.x_train) <= 1.5)


# ----------------------------------------------------------------------------- CSV errors


def test_error_file_not_found(tmp_path):
    message = error_of(tmp_path / "nope.csv")
    assert "nope.csv" in message and "not found" in message
    with pytest.raises(DataError, match="not found"):
        read_csv_header(tmp_path / "nope.csv")


def test_error_folder(tmp_path):
    assert "folder" in error_of(tmp_path)


def test_error_not_utf8(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,3\n4,5,caf\u00e9\n", encoding="latin-1")
    message = error_of(path)
    assert message.startswith("data.csv line 3:") and "UTF-8" in message
    with pytest.raises(DataError, match="UTF-8"):
        read_csv_header(path)


@pytest.mark.parametrize("text", ["", "\n\n", "  \n"])
def test_error_empty_file(tmp_path, text):
    path = write(tmp_path, text)
    assert error_of(path) == "data.csv: the file is empty"
    with pytest.raises(DataError, match="empty"):
        read_csv_header(path)


@pytest.mark.parametrize("text", ["\n1,2,3\n4,5,6\n", "1,2,3\n4,5,6\n"])
def test_error_missing_header(tmp_path, text):
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith("data.csv line 1: missing header")
    with pytest.raises(DataError, match="missing header"):
        read_csv_header(path)


def test_error_unknown_column(tmp_path):
    path = write(tmp_path, "x1,x2,label\n1,2,0\n3,4,1\n")
    message = error_of(path, targets=["lable"])
    assert message.startswith("data.csv line 1: no column 'lable'")
    assert "did you mean 'label'" in message
    assert "'x1', 'x2', 'label'" in message


def test_error_column_both_input_and_target(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n3,4,1\n")
    assert "'x2' is chosen as both an input and a target" in error_of(path, targets=["x2"])


def test_error_column_chosen_twice(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n3,4,1\n")
    assert "'x1' is chosen twice" in error_of(path, inputs=["x1", "x1"])


def test_error_duplicate_header_name(tmp_path):
    path = write(tmp_path, "x1,x2,x1,y\n1,2,3,0\n3,4,5,1\n")
    message = error_of(path)
    assert message.startswith("data.csv line 1:")
    assert "'x1' more than once" in message and "1 and 3" in message
    # a duplicate among unused columns is fine
    assert load_csv(path, ["x2"], ["y"]).n_train == 2


def test_error_too_few_fields(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n3,4\n")
    assert error_of(path).startswith("data.csv line 3, column 'y': missing")


def test_error_too_many_fields(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n3,4,1,5\n")
    assert error_of(path).startswith("data.csv line 3: 4 fields, but the header names 3")


def test_error_empty_cell(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n3, ,1\n")
    assert error_of(path) == "data.csv line 3, column 'x2': empty cell"


def test_error_not_a_number(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n3,4,1\n5,6,1\n7,8,0\n9,10,1\n11,abc,0\n")
    assert error_of(path) == "data.csv line 7, column 'x2': 'abc' is not a number"


def test_error_decimal_comma_is_reported(tmp_path):
    path = write(tmp_path, 'x1,x2,y\n1,2,0\n"3,5",4,1\n')
    assert error_of(path) == "data.csv line 3, column 'x1': '3,5' is not a number"


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e999"])
def test_error_not_finite(tmp_path, value):
    path = write(tmp_path, f"x1,x2,y\n1,2,0\n3,{value},1\n")
    assert error_of(path) == f"data.csv line 3, column 'x2': '{value}' is not a finite number"


def test_error_no_rows(tmp_path):
    assert error_of(write(tmp_path, "x1,x2,y\n")) == "data.csv: no data rows; at least 1 is needed"


def test_one_row_is_one_training_sample(tmp_path):
    """A textbook example trains on a single sample (nothing is held out of one row)."""
    data = load_csv(
        write(tmp_path, "x1,x2,y\n1,2,0.5\n\n"), ("x1", "x2"), ("y",), test_fraction=0.2
    )
    assert data.x_train.tolist() == [[1.0], [2.0]] and data.y_train.tolist() == [[0.5]]
    assert data.x_test.shape == (2, 0)


def test_error_blank_line_inside_data(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n\n3,4,1\n")
    message = error_of(path)
    assert message.startswith("data.csv line 3: blank line") and "line 4" in message


@pytest.mark.parametrize(
    ("inputs", "targets", "fragment"),
    [
        ([], ["y"], "no input columns"),
        (["x1"], [], "no target columns"),
        (["x1", ""], ["y"], "non-empty"),
    ],
)
def test_error_nothing_chosen(tmp_path, inputs, targets, fragment):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n3,4,1\n")
    assert fragment in error_of(path, inputs=inputs, targets=targets)


def test_error_test_fraction_leaves_too_few_rows(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0\n3,4,1\n5,6,0\n")
    assert "at least 2" in error_of(path, test_fraction=0.5)
    assert "test fraction" in error_of(path, test_fraction=0.95)


def test_error_line_numbers_count_quoted_newlines(tmp_path):
    path = write(tmp_path, 'x1,x2,y,note\n1,2,0,"two\nlines"\n3,x,1,ok\n')
    assert error_of(path) == "data.csv line 4, column 'x2': 'x' is not a number"
