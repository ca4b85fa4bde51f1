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
import operator
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gdsim.config import (
    Config,
    ConfigError,
    config_from_dict,
    default_config,
    dumps_config,
    load_config,
)
from gdsim.config.files import config_for_folder
from gdsim.config.memory import check_run_size, parameter_count
from gdsim.config.names import (
    DEFAULT_FEATURES,
    MAX_DATA_FILE_BYTES,
    MAX_DATA_MEMORY,
    MAX_DATA_ROWS,
)
from gdsim.engine.datasets import Dataset, check_split_settings, from_columns
from gdsim.engine.objectives import builtin_dataset
from gdsim.engine.shipped import SHIPPED, shipped_dataset
from gdsim.engine.trainer import DEFAULT_HISTORY_BUDGET, Trainer, checkpoint_share
from gdsim.errors import FileRefused, show_bytes
from gdsim.io.atomic import atomic_files, check_output
from gdsim.io.data_csv import choose_columns, read_csv_columns
from gdsim.io.files import same_file
from gdsim.io.run_csv import run_csv_writer, run_header
from gdsim.resources import resource_path


def load_csv(
    path: str | os.PathLike[str],
    inputs: Sequence[str] | str,
    targets: Sequence[str] | str,
    test_fraction: float = 0.0,
    seed: int = 1,
    standardize: bool = False,
    features: Sequence[str] = DEFAULT_FEATURES,
) -> Dataset:
    """Named columns of a CSV file as a Dataset (file format: :mod:`gdsim.io.data_csv`; split,
    task, input features and standardisation: :func:`gdsim.engine.datasets.from_columns`).
    Every problem raises DataError, also a file that is not a regular file, over
    MAX_DATA_FILE_BYTES, with more than MAX_DATA_ROWS rows, or whose chosen columns would take
    more than MAX_DATA_MEMORY."""
    input_cols, target_cols = choose_columns(inputs, targets)
    test_fraction, seed = check_split_settings(test_fraction, seed)
    fname, data = read_csv_columns(
        path,
        input_cols + target_cols,
        max_bytes=MAX_DATA_FILE_BYTES,
        max_rows=MAX_DATA_ROWS,
        max_kept_bytes=MAX_DATA_MEMORY,
    )
    return from_columns(
        data, input_cols, target_cols, test_fraction, seed, fname, standardize, features
    )


def shipped_path(name: str) -> Path:
    """The file of a shipped real data set (digits, iris), found like the examples."""
    return resource_path("data", SHIPPED[name].file)


def load_shipped(
    name: str, test_fraction: float = 0.2, seed: int = 1, standardize: bool = False
) -> Dataset:
    """A shipped real data set (digits, iris) read from its file; see
    :func:`gdsim.engine.shipped.shipped_dataset`."""
    spec = SHIPPED[name]
    test_fraction, seed = check_split_settings(test_fraction, seed)
    _, data = read_csv_columns(
        shipped_path(name),
        [*spec.inputs, spec.target],
        max_bytes=MAX_DATA_FILE_BYTES,
        max_rows=MAX_DATA_ROWS,
        max_kept_bytes=MAX_DATA_MEMORY,
    )
    return shipped_dataset(name, data, test_fraction, seed, standardize)


def needs_files(config: Config) -> bool:
    """Whether the config's data is read from a file (a CSV, or a shipped real data set) rather
    than made by the engine."""
    return config.mode == "network" and (config.data.source == "csv" or config.data.shipped)


def load_dataset(config: Config) -> Dataset:
    """The config's data set: its CSV file read (relative to the config's folder), a shipped
    real data set read from its file, or generated."""
    data = config.data
    if data.source == "csv":
        return load_csv(
            config.data_path(),
            data.inputs,
            data.targets,
            test_fraction=data.test_fraction,
            seed=data.seed,
            standardize=data.standardize,
            features=data.features,
        )
    if data.shipped:
        return load_shipped(data.name, data.test_fraction, data.seed, data.standardize)
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
    its CSV file if it has one. `dataset` replaces the config's data with your own arrays.

    A network too large for memory with this data (see :mod:`gdsim.config.memory`) or for the
    history budget raises ConfigError before anything large is allocated.
    """
    config = read_config(source)
    if config.mode == "network":
        if dataset is None and needs_files(config):
            dataset = load_dataset(config)
        if dataset is not None:
            samples = dataset.x_train.shape[1] + dataset.x_test.shape[1]
            check_run_size(config.network, config.batch_size, samples)
        _check_history_budget(parameter_count(config.network), history_budget)
    return Trainer(config, dataset=dataset, history_budget=history_budget)


def _check_history_budget(n_params: int, budget: int) -> None:
    """The history keeps the cost in a quarter of its budget and parameter rows (value and
    gradient, 16 bytes a parameter) in the rest, at least two of them. Its budget is the
    trainer's less the rewind checkpoints' share."""
    history = budget - checkpoint_share(budget)
    row = 16 * n_params + 64
    if 2 * row > history * 3 // 4 - 64:
        need = 8 * row / 3 * budget / max(history, 1)
        raise ConfigError(
            f"network.layers: this network has {n_params:,} parameters; its history needs "
            f"{show_bytes(need)} but the trainer has {show_bytes(budget)} (use fewer or "
            f"smaller layers)",
            "network.layers",
        )


def config_path_for(csv_path: str | os.PathLike[str]) -> Path:
    """RUN.csv -> RUN.json (the replayable config written beside a run)."""
    return Path(csv_path).with_suffix(".json")


def run_inputs(config: Config) -> list[tuple[Path, str]]:
    """The files a run was made from, which its outputs must never replace: (path, what)."""
    inputs = []
    if config.config_file is not None:
        inputs.append((Path(config.config_file), "the run's config file"))
    if config.mode == "network" and config.data.source == "csv":
        with contextlib.suppress(ConfigError):
            inputs.append((config.data_path(), "the run's data file"))
    if config.mode == "network" and config.data.shipped:
        with contextlib.suppress(OSError):  # no resources folder: nothing there to overwrite
            inputs.append((shipped_path(config.data.name), "the run's data file"))
    return inputs


_WOULD = {
    "the run's config file": "the export would overwrite the input config",
    "the run's data file": "the export would overwrite the input data",
    "an input of the run": "the export would overwrite it",
}


def check_run_outputs(
    path: str | os.PathLike[str],
    config: Config,
    protect: Sequence[str | os.PathLike[str]] = (),
) -> tuple[Path, Path]:
    """(RUN.csv, RUN.json) for an export to `path`, checked before anything is written.

    FileRefused (an OSError) when the two would be the same file (``--out run.json``), when
    either is an input of the run (its config file, its data file, or a path in `protect`), or
    is not a regular file or read-only; FileNotFoundError when the folder does not exist.
    """
    csv_path = Path(path)
    if csv_path.name in ("", ".", "..") or csv_path.suffix.lower() == ".json":
        raise FileRefused(
            path,
            "the run CSV needs a name of its own: its config is written beside it as "
            "NAME.json (use e.g. run.csv)",
        )
    json_path = config_path_for(csv_path)
    folder = csv_path.parent
    if not folder.is_dir():
        raise FileNotFoundError(2, "the folder does not exist", str(folder))
    inputs = run_inputs(config) + [(Path(p), "an input of the run") for p in protect]
    for out in (csv_path, json_path):
        # Every message names the run CSV (the file asked for) and, if it is about the config
        # beside it, that file too.
        beside = "" if out is csv_path else f"its config would go to {json_path.name}, which "
        for source, what in inputs:
            if same_file(out, source):
                raise FileRefused(
                    csv_path, f"{beside or ''}is {what}; {_WOULD[what]} (choose another name)"
                )
        try:
            check_output(out)
        except FileRefused as exc:
            if out is csv_path:
                raise
            raise FileRefused(
                csv_path, f"its config file {json_path.name} {exc.strerror}"
            ) from None
    return csv_path, json_path


def export_run(
    trainer: Trainer,
    path: str | os.PathLike[str],
    *,
    every: int = 1,
    progress: Callable[[int, int], None] | None = None,
    protect: Sequence[str | os.PathLike[str]] = (),
) -> Path:
    """Write the history (every `every`-th recorded step, always the last) and RUN.json.

    The two files are written as a pair (:func:`gdsim.io.atomic.atomic_files`): both replace
    the old pair or, on any failure or cancel, neither does and no temporary file is left.
    Neither ever replaces an input of the run (:func:`check_run_outputs`: the config file the
    trainer's config came from, its data file, the paths in `protect`), a non-regular file or a
    read-only one: those raise FileRefused (an OSError) before anything is written.
    """
    try:
        every = operator.index(every)
    except TypeError:
        raise ValueError(f"every: must be an integer >= 1, got {every!r}") from None
    if every < 1:
        raise ValueError(f"every: must be >= 1, got {every}")
    csv_path, json_path = check_run_outputs(path, trainer.config, protect)
    every = min(every, max(1, trainer.step_count))  # a larger stride keeps the same rows
    names = trainer.parameter_names
    header = run_header(names, trainer.extra_names)
    write_csv = run_csv_writer(
        header, trainer.history.table(every=every), blank_nan_from=2 + 2 * len(names)
    )
    # RUN.json replays the run: its settings at the start and its live changes, if any.
    config_text = dumps_config(config_for_folder(trainer.run_config, json_path.absolute().parent))
    with atomic_files([csv_path, json_path], ["wb", "w"]) as (csv_file, json_file):
        write_csv(csv_file, progress)
        json_file.write(config_text)
    return csv_path
