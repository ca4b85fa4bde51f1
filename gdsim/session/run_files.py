"""Export a training run: the run CSV (CONTRACT §3) and, beside it, the config that made it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from gdsim.config import save_config
from gdsim.io.run_csv import run_header, write_run_csv

if TYPE_CHECKING:
    from gdsim.engine.trainer import Trainer


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
