"""Input features: what a network gets from 2-D data (x1, x2), as the config's ``data.features``.

Each feature is a fixed function of the two raw inputs, listed below beside its formula (a
table of functions: no text is ever evaluated). The default, ``("x1", "x2")``, is the inputs
themselves, and then nothing is computed. With ``("x1^2", "x2^2")`` the circle data becomes
separable by a straight line: a network with no hidden layer learns it.

Order with ``data.standardize``: the features are computed from the RAW inputs first, then each
feature is standardised by its own training mean and standard deviation (x1^2 is never
negative and has another scale than x1; standardising x1 first would change what x1^2 means).

The views that draw the input plane (the prediction map) work in raw (x1, x2): a dataset made
with features keeps those points as ``Dataset.plane`` (:class:`Plane`), and
:func:`plane_inputs` turns any points of the plane (a grid) into the network's inputs, features
computed and standardised as the data were. No Qt, no files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdsim.config.names import DEFAULT_FEATURES, INPUT_FEATURES
from gdsim.errors import DataError

__all__ = [
    "FEATURES",
    "Feature",
    "Plane",
    "feature_labels",
    "has_plane",
    "plane_inputs",
    "plane_points",
    "transform",
]


@dataclass(frozen=True)
class Feature:
    """One input feature: its value from the raw inputs, how it is named when the inputs have
    other names ({0} and {1} stand for the first and second input's name), and how it is shown
    in the app (``label``)."""

    compute: Callable[[np.ndarray, np.ndarray], np.ndarray]
    template: str
    label: str


# name -> (formula, name with the data's own input names, label shown in the app)
FEATURES: dict[str, Feature] = {
    "x1": Feature(lambda x1, x2: x1, "{0}", "x1"),  # x1
    "x2": Feature(lambda x1, x2: x2, "{1}", "x2"),  # x2
    "x1^2": Feature(lambda x1, x2: x1 * x1, "{0}^2", "x1\u00b2"),  # x1 squared
    "x2^2": Feature(lambda x1, x2: x2 * x2, "{1}^2", "x2\u00b2"),  # x2 squared
    "x1*x2": Feature(lambda x1, x2: x1 * x2, "{0}*{1}", "x1\u00b7x2"),  # the product
    "sin(x1)": Feature(lambda x1, x2: np.sin(x1), "sin({0})", "sin x1"),  # sine, radians
    "sin(x2)": Feature(lambda x1, x2: np.sin(x2), "sin({1})", "sin x2"),
}
# (tests/engine/test_features.py keeps its names those of the config, INPUT_FEATURES)


def _check_names(names: Sequence[str]) -> tuple[str, ...]:
    names = tuple(names)
    if not names:
        raise DataError("input features: at least one is needed")
    for name in names:
        if name not in FEATURES:
            raise DataError(
                f"unknown input feature {name!r} (choose from {', '.join(INPUT_FEATURES)})"
            )
    if len(set(names)) != len(names):
        raise DataError(f"input features: one is listed twice in {', '.join(names)}")
    return names


def transform(names: Sequence[str], xy: np.ndarray) -> np.ndarray:
    """The features `names` of raw 2-D points `xy` (2 x n, rows x1 and x2): a new float64
    array, one row per feature (len(names) x n), C-contiguous."""
    names = _check_names(names)
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[0] != 2:
        raise DataError(f"input features are made from 2 inputs (x1, x2), got shape {xy.shape}")
    x1, x2 = xy[0], xy[1]
    out = np.empty((len(names), xy.shape[1]), dtype=np.float64)
    for row, name in enumerate(names):
        out[row] = FEATURES[name].compute(x1, x2)
    return out


def feature_labels(
    names: Sequence[str], inputs: Sequence[str] = DEFAULT_FEATURES
) -> tuple[str, ...]:
    """The input names of the features, in the data's own names of x1 and x2: for a CSV file
    with columns ``a, b``, ``x1^2`` is ``a^2``; for the built-in sets the feature names."""
    if len(inputs) != 2:
        raise DataError(f"input features are made from 2 inputs (x1, x2), got {len(inputs)}")
    return tuple(FEATURES[name].template.format(*inputs) for name in _check_names(names))


@dataclass(frozen=True, eq=False)
class Plane:
    """The raw 2-D inputs a dataset's features were computed from: their names (x1, x2, or a
    CSV file's two columns) and the points, 2 x samples, train and test as in the dataset."""

    names: tuple[str, str]
    train: np.ndarray
    test: np.ndarray


def has_plane(data: Any) -> bool:
    """True when the data's samples are points of a plane: 2 inputs, or features of 2."""
    return getattr(data, "plane", None) is not None or data.n_inputs == 2


def plane_points(data: Any) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """(train points, test points, axis names) of the plane a 2-D dataset's samples lie in: the
    raw (x1, x2) its features were computed from, or, without features, its two inputs as the
    network gets them (standardised if it is)."""
    plane = getattr(data, "plane", None)
    if plane is not None:
        return plane.train, plane.test, plane.names
    return data.x_train, data.x_test, tuple(data.input_names)


def plane_inputs(data: Any, xy: np.ndarray) -> np.ndarray:
    """The network's inputs for points `xy` (2 x n) of the plane :func:`plane_points` gives:
    the dataset's features computed from them and standardised as the data were. Without
    features the points are the inputs already (the same array comes back)."""
    plane = getattr(data, "plane", None)
    if plane is None:
        return xy
    x = transform(data.features, xy)
    if data.input_mean is not None:
        x -= data.input_mean[:, None]
        x /= data.input_scale[:, None]
    return x
