"""The current run's network rebuilt in the window's process, for the views that compute with it.

Every view gets its own NetworkObjective (its own parameter and work buffers) but they share the
data: it is loaded once per data settings (and, for a CSV file, per file version), so a reset or
a new run on the same data reads nothing again. No Qt here.

A view that draws the input plane (the prediction map) draws the samples at
:func:`plane_points` and feeds the network :func:`plane_inputs` of its grid: with input
features (``data.features``, e.g. x1^2 and x2^2) the plane is the raw (x1, x2) and the network
gets the features computed from it; without them both are the data's two inputs as they are::

    train_xy, test_xy, (name1, name2) = plane_points(data)  # instead of data.x_train, ...
    out = net.predict(plane_inputs(data, grid_points))  # instead of net.predict(grid)
"""

from __future__ import annotations

import os

from gdsim.config import Config, DataConfig
from gdsim.engine.datasets import Dataset
from gdsim.engine.features import has_plane, plane_inputs, plane_points
from gdsim.engine.objectives import NetworkObjective
from gdsim.session.run_files import load_dataset, needs_files

_CACHE: dict[tuple[DataConfig, str, int], Dataset] = {}
_CACHE_SIZE = 4


def _key(config: Config) -> tuple[DataConfig, str, int] | None:
    """The cache key of the run's data (None: its file cannot be looked at)."""
    path, version = "", 0
    if config.data.source == "csv":
        path = str(config.data_path())
        try:
            version = os.stat(path).st_mtime_ns
        except OSError:
            return None
    return config.data, path, version


def reads_a_file(config: Config) -> bool:
    """True when loading the run's data means reading a file not read yet (it may take a
    while: a window loads it in the background, see :func:`run_data`)."""
    if not needs_files(config):
        return False
    key = _key(config)
    return key is not None and key not in _CACHE


def run_data(config: Config) -> Dataset:
    """The run's dataset, as the trainer loads it (raises DataError/ConfigError like it).

    Safe to call from a worker thread to load it ahead: the cache is a dict written whole."""
    key = _key(config)
    if key is None:
        return load_dataset(config)  # let the loader name the problem
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]  # the oldest
        _CACHE[key] = load_dataset(config)
    return _CACHE[key]


def run_model(config: Config, dataset: Dataset | None = None) -> NetworkObjective:
    """A fresh network for `config` on its data, with the targets the trainer uses
    (one-hot classes for cross-entropy). Raises what the trainer would for a mismatch."""
    return NetworkObjective(config, run_data(config) if dataset is None else dataset)


__all__ = [
    "has_plane",
    "plane_inputs",
    "plane_points",
    "reads_a_file",
    "run_data",
    "run_model",
]
