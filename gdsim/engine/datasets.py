"""Training data: the built-in toy problems, data sets made of named columns, standardisation.

Every array is float64, C-contiguous and laid out features x samples: X is (n_inputs, n_samples)
and Y is (n_targets, n_samples). Classification targets are class labels 0.0 .. K-1 in a single
target row (the consumer one-hot encodes them if it needs to).

Built-in sets are generated only from ``numpy.random.default_rng(seed)``: the same arguments give
bit-identical arrays, a different seed gives different ones (the makers are in
:mod:`gdsim.engine.generators`). Problems raise `DataError`, a ValueError whose message is one
line naming the problem. No file is opened here: a CSV file's columns are read by
:mod:`gdsim.io.data_csv` and made into a data set by :func:`from_columns`; the shipped real
data sets (digits, iris) likewise, by :func:`gdsim.engine.shipped.shipped_dataset`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdsim.config.names import (
    BUILTIN_DATASETS,
    DEFAULT_FEATURES,
    MAX_GENERATED_CLASSES,
    MAX_NOISE,
    MAX_SAMPLES,
    MAX_TEST_FRACTION,
    MIN_CLASSES,
    MIN_SAMPLES,
    MULTI_CLASS_DATASETS,
    SHIPPED_DATASETS,
    TWO_CLASS_DATASETS,
)
from gdsim.engine.features import Plane, feature_labels, transform
from gdsim.engine.generators import MAKERS
from gdsim.errors import DataError, closest

CLASSIFICATION_DATASETS = TWO_CLASS_DATASETS + MULTI_CLASS_DATASETS  # the generated ones
REGRESSION_DATASETS = ("linear", "sine")

MIN_TRAIN = 2
MAX_CLASSES = 20


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and test data, features x samples.

    `n_classes` is K >= 2 for classification (labels 0.0 .. K-1 in the single target row) and 0
    for regression. ``eq=False``: datasets compare by identity (element-wise array comparison
    has no single truth value). The arrays are converted to float64 C-contiguous on creation.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]
    task: str
    n_classes: int
    name: str
    # (rows, columns) when each sample's inputs are the pixels of an image, row by row
    image_shape: tuple[int, int] | None = None
    # what the labels 0 .. K-1 stand for (iris: the species), or () when they speak for
    # themselves
    class_names: tuple[str, ...] = ()
    # after standardisation (see standardized): the training set's mean and the divisor of
    # each input, so a view can say what it changed (and undo it); None when not standardised
    input_mean: np.ndarray | None = None
    input_scale: np.ndarray | None = None
    # the input features computed from 2-D data (see gdsim.engine.features) and the raw points
    # they were computed from; () and None when the inputs are the data's own columns
    features: tuple[str, ...] = ()
    plane: Plane | None = None

    def __post_init__(self) -> None:
        for field in ("x_train", "y_train", "x_test", "y_test"):
            arr = np.ascontiguousarray(getattr(self, field), dtype=np.float64)
            if arr.ndim != 2:
                raise DataError(f"{field} must be 2-D (features x samples), got shape {arr.shape}")
            object.__setattr__(self, field, arr)
        object.__setattr__(self, "input_names", tuple(self.input_names))
        object.__setattr__(self, "target_names", tuple(self.target_names))
        object.__setattr__(self, "class_names", tuple(self.class_names))
        object.__setattr__(self, "features", tuple(self.features))
        n_in, n_out = len(self.input_names), len(self.target_names)
        for field in ("input_mean", "input_scale"):
            value = getattr(self, field)
            if value is not None:
                arr = np.ascontiguousarray(value, dtype=np.float64)
                if arr.shape != (n_in,):
                    raise DataError(f"{field} needs one number per input ({n_in}), got {arr.shape}")
                object.__setattr__(self, field, arr)
        checks = (
            (
                self.x_train.shape[0] == n_in and self.x_test.shape[0] == n_in,
                f"x_train/x_test need {n_in} rows (one per input name)",
            ),
            (
                self.y_train.shape[0] == n_out and self.y_test.shape[0] == n_out,
                f"y_train/y_test need {n_out} rows (one per target name)",
            ),
            (
                self.x_train.shape[1] == self.y_train.shape[1],
                "x_train and y_train have different numbers of samples",
            ),
            (
                self.x_test.shape[1] == self.y_test.shape[1],
                "x_test and y_test have different numbers of samples",
            ),
            (
                self.task in ("classification", "regression"),
                f"task must be 'classification' or 'regression', not {self.task!r}",
            ),
            (
                (self.task == "regression" and self.n_classes == 0)
                or (self.task == "classification" and self.n_classes >= 2),
                "n_classes must be 0 for regression and at least 2 for classification",
            ),
            (
                self.image_shape is None
                or (
                    len(self.image_shape) == 2
                    and min(self.image_shape) >= 1
                    and self.image_shape[0] * self.image_shape[1] == n_in
                ),
                f"image_shape {self.image_shape} does not hold the {n_in} inputs",
            ),
            (
                not self.class_names or len(self.class_names) == self.n_classes,
                f"class_names needs {self.n_classes} names (one per class), "
                f"got {len(self.class_names)}",
            ),
            (
                (self.input_mean is None) == (self.input_scale is None),
                "input_mean and input_scale go together: give both or neither",
            ),
            (
                (self.plane is None) == (not self.features)
                and (
                    self.plane is None
                    or (
                        len(self.features) == n_in
                        and self.plane.train.shape == (2, self.x_train.shape[1])
                        and self.plane.test.shape == (2, self.x_test.shape[1])
                    )
                ),
                "features and plane go together: one feature per input, 2 x samples points",
            ),
        )
        for ok, message in checks:
            if not ok:
                raise DataError(message)

    @property
    def n_inputs(self) -> int:
        return self.x_train.shape[0]

    @property
    def n_targets(self) -> int:
        return self.y_train.shape[0]

    @property
    def n_train(self) -> int:
        return self.x_train.shape[1]

    @property
    def n_test(self) -> int:
        return self.x_test.shape[1]


# --------------------------------------------------------------------------- argument checks


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_test_fraction(test_fraction) -> float:
    if not _is_real(test_fraction) or not math.isfinite(test_fraction):
        raise DataError(
            f"test fraction must be a number from 0 to {MAX_TEST_FRACTION}, got {test_fraction!r}"
        )
    if not 0.0 <= test_fraction <= MAX_TEST_FRACTION:
        raise DataError(
            f"test fraction must be from 0 to {MAX_TEST_FRACTION}, got {test_fraction!r}"
        )
    return float(test_fraction)


def _check_seed(seed) -> int:
    if not _is_int(seed) or seed < 0:
        raise DataError(f"seed must be a whole number >= 0, got {seed!r}")
    return int(seed)


def check_split_settings(test_fraction, seed) -> tuple[float, int]:
    """The test fraction and shuffle seed, checked (DataError names a bad one)."""
    return _check_test_fraction(test_fraction), _check_seed(seed)


def _n_test(n: int, test_fraction: float) -> int:
    """round(test_fraction * n), halves rounded up (not to even)."""
    return int(math.floor(test_fraction * n + 0.5))


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    guess = closest(word, choices)
    return f" (did you mean '{guess}'?)" if guess else ""


# --------------------------------------------------------------------------- splitting


def _shuffle_split(x: np.ndarray, y: np.ndarray, n_test: int, rng: np.random.Generator):
    order = rng.permutation(x.shape[1])
    test, train = order[:n_test], order[n_test:]
    return (
        np.ascontiguousarray(x[:, train]),
        np.ascontiguousarray(y[:, train]),
        np.ascontiguousarray(x[:, test]),
        np.ascontiguousarray(y[:, test]),
    )


def split(x: np.ndarray, y: np.ndarray, test_fraction: float, rng: np.random.Generator | int):
    """Split samples (columns) into (x_train, y_train, x_test, y_test).

    test_fraction 0: everything is training data, in the given order; the test arrays have shape
    (rows, 0). Otherwise the columns are shuffled with `rng` (a Generator, or an int seed) and
    round(test_fraction * n) of them (halves rounded up) become the test set. At least 2 training
    samples must remain when some are held out; a single sample with none held out is allowed.
    """
    test_fraction = _check_test_fraction(test_fraction)
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise DataError(
            f"x and y must be 2-D with the same number of columns (samples), "
            f"got shapes {x.shape} and {y.shape}"
        )
    n = x.shape[1]
    n_test = _n_test(n, test_fraction)
    if n < 1 or (n_test and n - n_test < MIN_TRAIN):  # (one sample alone: a textbook example)
        raise DataError(
            f"a test fraction of {test_fraction:g} of {n} samples leaves "
            f"{n - n_test} for training; at least {MIN_TRAIN} are needed"
        )
    if test_fraction == 0.0:
        return x.copy(), y.copy(), np.empty((x.shape[0], 0)), np.empty((y.shape[0], 0))
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(_check_seed(rng))
    return _shuffle_split(x, y, n_test, rng)


# --------------------------------------------------------------------------- built-in sets


def make_builtin(
    name: str,
    samples: int = 200,
    noise: float = 0.1,
    test_fraction: float = 0.2,
    seed: int = 1,
    classes: int = 2,
    standardize: bool = False,
    features: Sequence[str] = DEFAULT_FEATURES,
) -> Dataset:
    """Generate a built-in data set.

    xor, circle, gaussian, spiral: inputs (x1, x2), one target row of labels 0.0 .. K-1, the
    samples shared evenly between the classes (the first classes get the extra ones); `noise`
    is the std of Gaussian jitter added to the inputs (for gaussian it is added to the blob std
    of 0.25). gaussian and spiral take `classes` K = 2 .. 10 (K blobs round a circle, K spiral
    arms); xor and circle have 2 classes only.
    linear (y = 0.8 x + 0.3) and sine (y = sin(pi x)): input x uniform in [-1, 1]; `noise` is the
    std of Gaussian noise added to the target.

    After generation the samples are shuffled with the same generator and round(test_fraction *
    samples) of them become the test set (so training data is shuffled even at test_fraction 0).
    `features`, `standardize`: see :func:`with_features`, :func:`standardized` (in that order).
    The name is matched case-insensitively. digits and
    iris are real data read from shipped files: see :func:`gdsim.engine.shipped.shipped_dataset`.
    """
    if not isinstance(name, str):
        raise DataError(f"data set name must be text, got {name!r}")
    key = name.strip().lower()
    if key in SHIPPED_DATASETS:
        raise DataError(
            f"'{key}' is real data shipped as a file, not generated: load it with "
            "gdsim.session.run_files.load_dataset(config) or open_trainer(config)"
        )
    if key not in MAKERS:
        raise DataError(
            f"unknown data set '{name}'{_did_you_mean(key, BUILTIN_DATASETS)}; "
            f"choose one of: {', '.join(BUILTIN_DATASETS)}"
        )
    if not _is_int(samples):
        raise DataError(
            f"samples must be a whole number from {MIN_SAMPLES} to {MAX_SAMPLES:,}, got {samples!r}"
        )
    if not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        raise DataError(f"samples must be from {MIN_SAMPLES} to {MAX_SAMPLES:,}, got {samples}")
    if not _is_real(noise) or not math.isfinite(noise) or not 0.0 <= noise <= MAX_NOISE:
        raise DataError(f"noise must be a number from 0 to {MAX_NOISE:g}, got {noise!r}")
    classes = _check_classes(key, classes)
    test_fraction = _check_test_fraction(test_fraction)
    seed = _check_seed(seed)
    samples = int(samples)
    n_test = _n_test(samples, test_fraction)
    if samples - n_test < MIN_TRAIN:
        raise DataError(
            f"a test fraction of {test_fraction:g} of {samples} samples leaves "
            f"{samples - n_test} for training; at least {MIN_TRAIN} are needed"
        )

    rng = np.random.default_rng(seed)
    x, y = MAKERS[key](rng, samples, float(noise), classes)
    x_train, y_train, x_test, y_test = _shuffle_split(x, y[np.newaxis, :], n_test, rng)
    classification = key in CLASSIFICATION_DATASETS
    data = Dataset(
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        input_names=("x1", "x2") if classification else ("x",),
        target_names=("y",),
        task="classification" if classification else "regression",
        n_classes=classes if classification else 0,
        name=key,
    )
    data = with_features(data, features)
    return standardized(data) if standardize else data


def _check_classes(key: str, classes) -> int:
    if not _is_int(classes):
        raise DataError(f"classes must be a whole number, got {classes!r}")
    classes = int(classes)
    if key in MULTI_CLASS_DATASETS:
        if not MIN_CLASSES <= classes <= MAX_GENERATED_CLASSES:
            raise DataError(
                f"classes must be from {MIN_CLASSES} to {MAX_GENERATED_CLASSES}, got {classes}"
            )
    elif key in TWO_CLASS_DATASETS:
        if classes != 2:
            raise DataError(
                f"'{key}' has 2 classes only, got {classes}; for more classes use "
                f"{' or '.join(repr(n) for n in MULTI_CLASS_DATASETS)}"
            )
    elif classes != 2:  # the default, for callers that pass the same arguments to every set
        raise DataError(f"'{key}' has numbers to predict, not classes (got classes={classes})")
    return classes


# --------------------------------------------------------------------------- standardisation


def input_statistics(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, scale) of each input (row) of `x`: the mean, and the standard deviation (ddof 0)
    as the divisor, or 1 for an input that is constant (e.g. a digits corner pixel, always 0),
    which is then only shifted: dividing by 0 would make it NaN, and by a rounding-error std
    would blow rounding noise up to a unit-size signal."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=1)
    std = x.std(axis=1)
    tiny = 64.0 * np.finfo(np.float64).eps * np.abs(x).max(axis=1, initial=0.0)
    scale = np.where(std > tiny, std, 1.0)
    return mean, scale


def standardized(data: Dataset) -> Dataset:
    """`data` with each input shifted and scaled by the TRAINING set's mean and standard
    deviation (mean 0, std 1 on the training set); the test set uses the same numbers, so it
    tells nothing to the model that the training set did not. Real data needs this: inputs on
    different scales (pixels 0..16, centimetres) make the cost surface a narrow valley that
    one learning rate cannot descend well. The numbers used are kept as `input_mean` and
    `input_scale`; standardising again changes nothing."""
    if data.input_mean is not None:
        return data
    mean, scale = input_statistics(data.x_train)
    return dataclasses.replace(
        data,
        x_train=(data.x_train - mean[:, None]) / scale[:, None],
        x_test=(data.x_test - mean[:, None]) / scale[:, None],
        input_mean=mean,
        input_scale=scale,
    )


def with_features(data: Dataset, features: Sequence[str]) -> Dataset:
    """`data` (2 raw inputs, not standardised) with the input `features` computed from them
    (:mod:`gdsim.engine.features`), named in the data's input names (``x1^2``; a CSV file's
    ``a^2``); the raw points are kept as `plane`. The default (x1, x2) returns `data` itself."""
    features = tuple(features)
    if features == DEFAULT_FEATURES:
        return data
    if data.n_inputs != 2 or data.plane is not None or data.input_mean is not None:
        raise DataError(
            f"input features are made from 2 raw inputs (x1, x2); '{data.name}' has "
            f"{data.n_inputs} input(s) ({', '.join(data.input_names)})"
        )
    return dataclasses.replace(
        data,
        x_train=transform(features, data.x_train),
        x_test=transform(features, data.x_test),
        input_names=feature_labels(features, data.input_names),
        features=features,
        plane=Plane(tuple(data.input_names), data.x_train, data.x_test),
    )


# --------------------------------------------------------------------------- named columns


def _classes(y: np.ndarray) -> int:
    """K when one target row holds all of the integers 0 .. K-1 (2 <= K <= 20), else 0."""
    if y.shape[0] != 1:
        return 0
    values = np.unique(y[0])
    k = values.size
    if 2 <= k <= MAX_CLASSES and np.array_equal(values, np.arange(k, dtype=np.float64)):
        return k
    return 0


def from_columns(
    data: np.ndarray,
    input_names: Sequence[str],
    target_names: Sequence[str],
    test_fraction: float = 0.0,
    seed: int = 1,
    fname: str = "data",
    standardize: bool = False,
    features: Sequence[str] = DEFAULT_FEATURES,
) -> Dataset:
    """A Dataset of named columns: `data` holds the input rows, then the target rows (features
    x samples), as :func:`gdsim.io.data_csv.read_csv_columns` reads them from a file named `fname`.

    test_fraction 0 keeps every sample as training data in the given order; otherwise the
    samples are shuffled with ``default_rng(seed)`` and round(test_fraction * rows) become the
    test set.

    Task heuristic: "classification" with n_classes = K when there is exactly one target column
    and its values are exactly the integers 0, 1, ..., K-1 (each present at least once, written
    e.g. as 1 or 1.0) with 2 <= K <= 20; otherwise "regression" with n_classes 0.
    `features` (2 input columns), `standardize`: see :func:`with_features`, :func:`standardized`.
    """
    test_fraction, seed = check_split_settings(test_fraction, seed)
    data = np.asarray(data, dtype=np.float64)
    n_rows = data.shape[1]
    if n_rows < 1:
        raise DataError(f"{fname}: no data rows; at least 1 is needed")
    x, y = data[: len(input_names)], data[len(input_names) :]
    n_test = _n_test(n_rows, test_fraction)
    if n_test and n_rows - n_test < MIN_TRAIN:  # (one row alone is fine: a textbook example)
        raise DataError(
            f"{fname}: a test fraction of {test_fraction:g} of {n_rows} rows leaves "
            f"{n_rows - n_test} for training; at least {MIN_TRAIN} are needed"
        )
    x_train, y_train, x_test, y_test = split(x, y, test_fraction, np.random.default_rng(seed))
    k = _classes(y)
    data = Dataset(
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        input_names=tuple(input_names),
        target_names=tuple(target_names),
        task="classification" if k else "regression",
        n_classes=k,
        name=fname,
    )
    data = with_features(data, features)
    return standardized(data) if standardize else data
