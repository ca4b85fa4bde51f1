"""Multi-class generators (data.classes), standardisation and the shipped real data sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gdsim.engine.datasets import make_builtin

# Arrays made by gaussian and spiral before they took `classes` (commit d1b6cd0): with two
# classes they must stay bit-identical, so old configs and seeds replay exactly.
OLD_TWO_CLASS = Path(__file__).resolve().parent / "data" / "two_class_generators.npz"
FIELDS = ("x_train", "y_train", "x_test", "y_test")


def _old_cases():
    with np.load(OLD_TWO_CLASS, allow_pickle=False) as saved:
        keys = sorted({key.split("__")[0] for key in saved.files})
    for key in keys:
        name, samples, noise, fraction, seed = key.split("_")
        yield key, name, int(samples), float(noise.replace("p", ".")), float(
            fraction.replace("p", ".")
        ), int(seed)


@pytest.mark.parametrize("case", list(_old_cases()), ids=lambda case: case[0])
def test_two_classes_are_bit_identical_to_the_old_generators(case):
    key, name, samples, noise, fraction, seed = case
    ds = make_builtin(name, samples=samples, noise=noise, test_fraction=fraction, seed=seed)
    with np.load(OLD_TWO_CLASS, allow_pickle=False) as saved:
        for field in FIELDS:
            np.testing.assert_array_equal(getattr(ds, field), saved[f"{key}__{field}"])
