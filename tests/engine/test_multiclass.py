"""Multi-class generators (data.classes), standardisation and the shipped real data sets."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from gdsim.engine.datasets import (
    DataError,
    Dataset,
    from_columns,
    input_statistics,
    make_builtin,
    standardized,
)
from gdsim.engine.shipped import SHIPPED, shipped_dataset

# Arrays made by gaussian and spiral before they took `classes` (commit d1b6cd0): with two
# classes they must stay bit-identical, so old configs and seeds replay exactly.
OLD_TWO_CLASS = Path(__file__).resolve().parent / "data" / "two_class_generators.npz"
FIELDS = ("x_train", "y_train", "x_test", "y_test")


def _old_cases():
    with np.load(OLD_TWO_CLASS, allow_pickle=False) as saved:
        keys = sorted({key.split("__")[0] for key in saved.files})
    for key in keys:
        name, samples, noise, fraction, seed = key.split("_")
        yield (
            key,
            name,
            int(samples),
            float(noise.replace("p", ".")),
            float(fraction.replace("p", ".")),
            int(seed),
        )


@pytest.mark.parametrize("case", list(_old_cases()), ids=lambda case: case[0])
def test_two_classes_are_bit_identical_to_the_old_generators(case):
    key, name, samples, noise, fraction, seed = case
    ds = make_builtin(name, samples=samples, noise=noise, test_fraction=fraction, seed=seed)
    with np.load(OLD_TWO_CLASS, allow_pickle=False) as saved:
        for field in FIELDS:
            np.testing.assert_array_equal(getattr(ds, field), saved[f"{key}__{field}"])


# ----------------------------------------------------------------------------- K classes


@pytest.mark.parametrize("name", ["gaussian", "spiral"])
@pytest.mark.parametrize("classes", [2, 3, 4, 7, 10])
def test_k_classes_shapes_labels_and_balance(name, classes):
    ds = make_builtin(name, samples=203, noise=0.1, test_fraction=0.2, seed=5, classes=classes)
    assert ds.n_classes == classes and ds.task == "classification"
    assert ds.x_train.shape == (2, 162) and ds.x_test.shape == (2, 41)
    labels = np.hstack([ds.y_train, ds.y_test])[0]
    counts = np.bincount(labels.astype(int))
    assert counts.size == classes and counts.sum() == 203
    assert counts.max() - counts.min() <= 1
    assert np.all(counts[: 203 % classes] == 203 // classes + 1)  # the first get the extras
    for arr in (ds.x_train, ds.y_train, ds.x_test, ds.y_test):
        assert arr.dtype == np.float64 and arr.flags.c_contiguous


@pytest.mark.parametrize("name", ["gaussian", "spiral"])
def test_k_classes_seeds(name):
    a = make_builtin(name, samples=90, seed=3, classes=3)
    b = make_builtin(name, samples=90, seed=3, classes=3)
    c = make_builtin(name, samples=90, seed=4, classes=3)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x_train, c.x_train)


def test_gaussian_blobs_sit_round_a_circle():
    ds = make_builtin("gaussian", samples=6000, noise=0.0, test_fraction=0.0, seed=2, classes=5)
    centres = np.array([ds.x_train[:, ds.y_train[0] == k].mean(axis=1) for k in range(5)])
    radii = np.hypot(centres[:, 0], centres[:, 1])
    np.testing.assert_allclose(radii, radii[0], atol=0.03)
    gaps = np.linalg.norm(centres - np.roll(centres, 1, axis=0), axis=1)
    assert gaps.min() > 0.95  # neighbouring blobs stay about 4 stds apart


def test_spiral_arms_are_rotated_copies():
    ds = make_builtin("spiral", samples=3000, noise=0.0, test_fraction=0.0, seed=1, classes=3)
    x, y = ds.x_train, ds.y_train[0]
    radius = np.hypot(x[0], x[1])
    angle = np.arctan2(x[0], x[1])  # t for the arm x = r sin t, y = r cos t
    for k in range(3):
        arm = y == k
        t = 1.75 * 2 * np.pi * radius[arm] + 2 * np.pi * k / 3
        np.testing.assert_allclose(np.angle(np.exp(1j * (angle[arm] - t))), 0.0, atol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": "xor", "classes": 3}, "'xor' has 2 classes only, got 3"),
        ({"name": "circle", "classes": 4}, "use 'gaussian' or 'spiral'"),
        ({"name": "sine", "classes": 3}, "numbers to predict, not classes"),
        ({"name": "gaussian", "classes": 1}, "classes must be from 2 to 10, got 1"),
        ({"name": "spiral", "classes": 11}, "classes must be from 2 to 10, got 11"),
        ({"name": "spiral", "classes": 2.5}, "classes must be a whole number"),
        ({"name": "digits"}, "real data shipped as a file"),
    ],
)
def test_classes_refusals_are_one_line(kwargs, fragment):
    with pytest.raises(DataError) as info:
        make_builtin(**kwargs)
    assert fragment in str(info.value) and "\n" not in str(info.value)


# ----------------------------------------------------------------------------- standardisation


def small_set(x_train, x_test):
    x_train, x_test = np.asarray(x_train, float), np.asarray(x_test, float)
    return Dataset(
        x_train=x_train,
        y_train=np.zeros((1, x_train.shape[1])),
        x_test=x_test,
        y_test=np.zeros((1, x_test.shape[1])),
        input_names=[f"x{i}" for i in range(x_train.shape[0])],
        target_names=["y"],
        task="regression",
        n_classes=0,
        name="t",
    )


def test_standardized_uses_the_training_statistics():
    rng = np.random.default_rng(0)
    train = rng.normal([[5.0], [-300.0], [0.001]], [[2.0], [50.0], [0.0001]], size=(3, 200))
    test = rng.normal(0.0, 1.0, size=(3, 40))
    ds = standardized(small_set(train, test))
    np.testing.assert_allclose(ds.x_train.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.x_train.std(axis=1), 1.0, rtol=1e-12)
    mean, std = train.mean(axis=1), train.std(axis=1)
    np.testing.assert_allclose(ds.input_mean, mean)
    np.testing.assert_allclose(ds.input_scale, std)
    np.testing.assert_allclose(ds.x_test, (test - mean[:, None]) / std[:, None])
    assert ds.x_train.dtype == np.float64 and ds.x_test.flags.c_contiguous
    assert standardized(ds) is ds  # once is enough


def test_a_constant_input_is_only_shifted():
    train = np.array([[0.0, 0.0, 0.0, 0.0], [0.1, 0.1, 0.1, 0.1], [1.0, 2.0, 3.0, 4.0]])
    test = np.array([[1.0], [0.3], [5.0]])
    ds = standardized(small_set(train, test))
    assert np.all(np.isfinite(ds.x_train)) and np.all(np.isfinite(ds.x_test))
    np.testing.assert_array_equal(ds.input_scale[:2], [1.0, 1.0])
    np.testing.assert_allclose(ds.x_train[:2], 0.0, atol=1e-15)
    np.testing.assert_allclose(ds.x_test[:2, 0], [1.0, 0.2])
    mean, scale = input_statistics(train)
    np.testing.assert_allclose(scale[2], np.std([1.0, 2.0, 3.0, 4.0]))


def test_make_builtin_standardizes_after_the_split():
    plain = make_builtin("sine", samples=100, test_fraction=0.3, seed=2)
    ds = make_builtin("sine", samples=100, test_fraction=0.3, seed=2, standardize=True)
    mean, scale = plain.x_train.mean(axis=1), plain.x_train.std(axis=1)
    np.testing.assert_allclose(ds.x_test, (plain.x_test - mean[:, None]) / scale[:, None])
    np.testing.assert_array_equal(ds.y_train, plain.y_train)  # targets are left alone
    assert plain.input_mean is None and plain.input_scale is None


def test_from_columns_standardizes():
    data = np.vstack([np.arange(10.0) * 100, np.arange(10.0) % 2])
    ds = from_columns(data, ["x"], ["label"], 0.2, 1, "f", standardize=True)
    np.testing.assert_allclose(ds.x_train.mean(), 0.0, atol=1e-12)
    assert ds.n_classes == 2 and ds.input_mean.shape == (1,)


def test_dataset_checks_the_new_fields():
    ds = small_set(np.ones((2, 3)), np.ones((2, 1)))
    with pytest.raises(DataError, match="input_mean needs one number per input"):
        dataclasses.replace(ds, input_mean=np.zeros(3), input_scale=np.ones(3))
    with pytest.raises(DataError, match="give both or neither"):
        dataclasses.replace(ds, input_mean=np.zeros(2))
    with pytest.raises(DataError, match="class_names needs 0 names"):
        dataclasses.replace(ds, class_names=("a",))


# ----------------------------------------------------------------------------- shipped sets


def shipped_columns(name):
    from gdsim.io.data_csv import read_csv_columns
    from gdsim.resources import resource_path

    spec = SHIPPED[name]
    return read_csv_columns(resource_path("data", spec.file), [*spec.inputs, spec.target])[1]


def test_digits_from_its_columns():
    ds = shipped_dataset("digits", shipped_columns("digits"), 0.2, 1)
    assert (ds.n_inputs, ds.n_classes, ds.n_train, ds.n_test) == (64, 10, 1438, 359)
    assert ds.image_shape == (8, 8) and ds.class_names == tuple("0123456789")
    assert ds.input_names[:2] == ("r1c1", "r1c2") and ds.target_names == ("digit",)
    everything = np.hstack([ds.x_train, ds.x_test])
    assert everything.min() == 0 and everything.max() == 16
    assert np.all(everything == np.round(everything))
    counts = np.bincount(np.hstack([ds.y_train, ds.y_test])[0].astype(int))
    assert counts.sum() == 1797 and counts.min() >= 170
    assert ds.name == "digits"


def test_iris_from_its_columns_and_its_seeds():
    data = shipped_columns("iris")
    ds = shipped_dataset("iris", data, 0.2, 1)
    assert (ds.n_inputs, ds.n_classes, ds.n_train, ds.n_test) == (4, 3, 120, 30)
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert ds.image_shape is None
    np.testing.assert_array_equal(np.bincount(data[-1].astype(int)), [50, 50, 50])
    same = shipped_dataset("iris", data, 0.2, 1)
    other = shipped_dataset("iris", data, 0.2, 2)
    np.testing.assert_array_equal(ds.x_test, same.x_test)
    assert not np.array_equal(ds.x_test, other.x_test)
    whole = shipped_dataset("iris", data, 0.0, 1)
    np.testing.assert_array_equal(whole.x_train, data[:4])  # no test set: the file's order


def test_standardized_digits_keep_blank_pixels_at_zero():
    ds = shipped_dataset("digits", shipped_columns("digits"), 0.2, 1, standardize=True)
    blank = ds.input_names.index("r1c1")  # the top-left pixel is never inked
    assert ds.input_scale[blank] == 1.0 and ds.input_mean[blank] == 0.0
    assert np.all(np.isfinite(ds.x_train)) and np.all(np.isfinite(ds.x_test))
    inked = ds.input_scale != 1.0
    np.testing.assert_allclose(ds.x_train[inked].std(axis=1), 1.0, rtol=1e-9)


def test_a_damaged_shipped_file_is_named():
    data = shipped_columns("iris")
    with pytest.raises(DataError, match=r"iris.csv: expected 150 rows of 4 inputs"):
        shipped_dataset("iris", data[:, :-1])
    broken = data.copy()
    broken[-1] = 0.0
    with pytest.raises(DataError, match="should hold the labels 0..2"):
        shipped_dataset("iris", broken)
