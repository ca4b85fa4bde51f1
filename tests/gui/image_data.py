"""Synthetic 8x8 image data for the views that draw images: three classes of bars with noise,
as a Dataset with ``image_shape`` (8, 8) and as a 64-input CSV with its config."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gdsim.engine.datasets import Dataset
from gdsim.engine.trainer import Trainer

SIDE = 8
CLASSES = 3


def image_arrays(samples: int = 240, seed: int = 0, noise: float = 0.35):
    """(x: 64 x samples, labels: samples): class 0 a horizontal bar, 1 a vertical bar, 2 the
    diagonal, each at a random offset, plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, size=samples)
    images = rng.normal(0.0, noise, size=(samples, SIDE, SIDE))
    offsets = rng.integers(2, SIDE - 2, size=samples)
    for i, (c, o) in enumerate(zip(labels, offsets, strict=True)):
        if c == 0:
            images[i, o, :] += 1.0
        elif c == 1:
            images[i, :, o] += 1.0
        else:
            images[i][np.eye(SIDE, dtype=bool)] += 1.0
    return np.ascontiguousarray(images.reshape(samples, -1).T), labels.astype(np.float64)


def image_dataset(samples: int = 240, seed: int = 0, test: int = 60) -> Dataset:
    x, labels = image_arrays(samples, seed)
    n_train = samples - test
    return Dataset(
        x_train=x[:, :n_train],
        y_train=labels[None, :n_train],
        x_test=x[:, n_train:],
        y_test=labels[None, n_train:],
        input_names=tuple(f"p{i}" for i in range(SIDE * SIDE)),
        target_names=("label",),
        task="classification",
        n_classes=CLASSES,
        name="bars",
        image_shape=(SIDE, SIDE),
    )


def image_config(hidden: int = 12, data: dict | None = None) -> dict:
    return {
        "gdsim": 1,
        "mode": "network",
        "network": {
            "inputs": SIDE * SIDE,
            "layers": [
                {"units": hidden, "activation": "tanh"},
                {"units": CLASSES, "activation": "softmax"},
            ],
        },
        "loss": "cross_entropy",
        "init": {"scheme": "xavier_uniform", "seed": 0},
        "optimizer": {"name": "adam", "learning_rate": 0.02},
        "batch_size": 0,
        "data": data or {"source": "builtin", "name": "xor", "samples": 200, "seed": 1},
    }


def image_trainer(hidden: int = 12) -> Trainer:
    """A trainer on the synthetic image Dataset (the config's data section is not used)."""
    return Trainer(image_config(hidden), dataset=image_dataset())


def write_image_csv(folder: Path, hidden: int = 12, samples: int = 240) -> Path:
    """A 64-input CSV (p0..p63, label) and a config beside it; returns the config's path."""
    x, labels = image_arrays(samples)
    names = [f"p{i}" for i in range(SIDE * SIDE)]
    rows = np.vstack([x, labels[None, :]]).T
    lines = [",".join([*names, "label"])]
    lines += [",".join(f"{v:.6g}" for v in row) for row in rows]
    (folder / "bars.csv").write_text("\n".join(lines) + "\n")
    config = image_config(
        hidden,
        data={
            "source": "csv",
            "path": "bars.csv",
            "inputs": names,
            "targets": ["label"],
            "test_fraction": 0.25,
            "seed": 1,
        },
    )
    path = folder / "bars.json"
    path.write_text(json.dumps(config))
    return path
