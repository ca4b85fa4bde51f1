"""The real data sets gdsim ships: handwritten digits (8x8) and Fisher's iris.

Their files are ``resources/data/digits.csv`` and ``iris.csv`` (credits: resources/data/README.md
and the README's "Data sets and credits"). The engine opens no file: the session layer reads
the columns named here (:func:`gdsim.session.run_files.load_dataset`) and
:func:`shipped_dataset` makes the Dataset, checking that the file holds what it should.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from gdsim.config.names import SHIPPED_DATASETS
from gdsim.engine.datasets import Dataset, from_columns, standardized
from gdsim.errors import DataError


@dataclass(frozen=True)
class ShippedData:
    """What a shipped file holds: its name under resources/data, the input columns and the label
    column (labels 0 .. K-1), what the labels stand for, and the image shape of its inputs."""

    file: str
    inputs: tuple[str, ...]
    target: str
    class_names: tuple[str, ...]
    image_shape: tuple[int, int] | None = None


SHIPPED: dict[str, ShippedData] = {
    # pixel r1c1 is row 1, column 1 (top left); pixels count 0..16 inked cells of a 4x4 block
    "digits": ShippedData(
        "digits.csv",
        tuple(f"r{r}c{c}" for r in range(1, 9) for c in range(1, 9)),
        "digit",
        tuple(str(d) for d in range(10)),
        (8, 8),
    ),
    "iris": ShippedData(
        "iris.csv",
        ("sepal_length", "sepal_width", "petal_length", "petal_width"),
        "species",
        ("setosa", "versicolor", "virginica"),
    ),
}


def shipped_dataset(
    name: str,
    data: np.ndarray,
    test_fraction: float = 0.2,
    seed: int = 1,
    standardize: bool = False,
) -> Dataset:
    """The shipped set `name` from its columns as read from its file: `data` holds the input
    rows of ``SHIPPED[name].inputs`` then the label row (features x samples). The split is
    :func:`gdsim.engine.datasets.from_columns`'s (shuffled with `seed` unless test_fraction is
    0); a file that does not hold the samples and classes it should raises DataError."""
    if name not in SHIPPED:
        raise DataError(f"'{name}' is not a shipped data set (those are {', '.join(SHIPPED)})")
    spec, shape = SHIPPED[name], SHIPPED_DATASETS[name]
    data = np.asarray(data, dtype=np.float64)
    if data.shape != (shape.inputs + 1, shape.samples):
        raise DataError(
            f"{spec.file}: expected {shape.samples:,} rows of {shape.inputs} inputs and a label, "
            f"got {data.shape[1]:,} rows of {data.shape[0] - 1} (the shipped file is damaged)"
        )
    out = from_columns(data, spec.inputs, (spec.target,), test_fraction, seed, fname=name)
    if out.n_classes != shape.classes:
        raise DataError(
            f"{spec.file}: column '{spec.target}' should hold the labels 0..{shape.classes - 1} "
            "(the shipped file is damaged)"
        )
    out = dataclasses.replace(out, class_names=spec.class_names, image_shape=spec.image_shape)
    return standardized(out) if standardize else out
