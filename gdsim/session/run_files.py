"""A run's files: open a trainer from a config file and its data, and export a run.

The engine trains on arrays and configs and never sees a path; the file readers and writers
(:mod:`gdsim.io`) know nothing of networks. This module joins them for everyone who starts from
files: ``gdsim train``, the trainer child process, the app's views and data dialog, and scripts::

    from gdsim.session.run_files import export_run, open_trainer

    trainer = open_trainer("resources/examples/xor.json")  # a path, a dict or a Config
    trainer.step(100)
    export_run(trainer, "run.csv")  # and run.json beside it
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gdsim.config import Config, config_from_dict, default_config, load_config, save_config
from gdsim.engine.datasets import Dataset, check_split_settings, from_columns
from gdsim.engine.objectives import builtin_dataset
from gdsim.engine.trainer import DEFAULT_HISTORY_BUDGET, Trainer
from gdsim.io.data_csv import choose_columns, read_csv_columns
from gdsim.io.run_csv import run_header, write_run_csv


def load_csv(
    path: str | os.PathLike[str],
    inputs: Sequence[str] | str,
    targets: Sequence[str] | str,
    test_fraction: float = 0.0,
    seed: int = 1,
) -> Dataset:
    """Named columns of a CSV file as a Dataset (file format: :mod:`gdsim.io.data_csv`; split and
    task: :func:`gdsim.engine.datasets.from_columns`). Every problem raises DataError."""
    input_cols, target_cols = choose_columns(inputs, targets)
    test_fraction, seed = check_split_settings(test_fraction, seed)
    fname, data = read_csv_columns(path, input_cols + target_cols)
    return from_columns(data, input_cols, target_cols, test_fraction, seed, fname)


def load_dataset(config: Config) -> Dataset:
    """The config's data set: its CSV file read (relative to the config's folder), or built in."""
    data = config.data
    if data.source == "csv":
        return load_csv(
            config.data_path(),
            data.inputs,
            data.targets,
            test_fraction=data.test_fraction,
            seed=data.seed,
        )
    return builtin_dataset(config)


def read_config(source: Config | Mapping[str, Any] | str | os.PathLike[str] | None) -> Config:
    """A Config from a Config, a dict in the file format, a config file's path, or None (the
    default run)."""
    if source is None:
        return default_config()
    if isinstance(source, Config):
        return source
    if isinstance(source, (str, os.PathLike)):
        return load_config(Path(source))
    return config_from_dict(dict(source))


def open_trainer(
    source: Config | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    *,
    dataset: Dataset | None = None,
    history_budget: int = DEFAULT_HISTORY_BUDGET,
) -> Trainer:
    """A :class:`Trainer` for a config (a Config, a dict or a file's path), its data read from
    its CSV file if it has one. `dataset` replaces the config's data with your own arrays."""
    config = read_config(source)
    if dataset is None and config.mode == "network" and config.data.source == "csv":
        dataset = load_dataset(config)
    return Trainer(config, dataset=dataset, history_budget=history_budget)


def config_path_for(csv_path: str | os.PathLike[str]) -> Path:
    """RUN.csv -> RUN.json (the replayable config written beside a run)."""
    return Path(csv_path).with_suffix(".json")


def export_run(
    trainer: Trainer, path: str | os.PathLike[str], *, every: int = 1, progress=None
) -> Path:
    """Write the history (every `every`-th recorded step, always the last) and RUN.json.

    Both files are written atomically; if the config cannot be written the CSV is removed too,
    so a failure never leaves half a run behind.
    """
    if every < 1:
        raise ValueError(f"every: must be >= 1, got {every}")
    csv_path = Path(path)
    names = trainer.parameter_names
    header = run_header(names, trainer.extra_names)
    data = trainer.history.table(every=every)
    write_run_csv(csv_path, header, data, blank_nan_from=2 + 2 * len(names), progress=progress)
    try:
        save_config(trainer.config, config_path_for(csv_path))
    except BaseException:
        with contextlib.suppress(OSError):
            csv_path.unlink()
        raise
    return csv_path
