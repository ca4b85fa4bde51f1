"""What a config is: the :class:`Config` dataclass, built from validated fields.

The names and limits are in :mod:`gdsim.config.names`, the sections in
:mod:`gdsim.config.sections`, the checks in :mod:`gdsim.config.validate` and the canonical JSON
form in :mod:`gdsim.config.dict_form`; this module joins them (imports point one way: validation
returns fields and never needs this class).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdsim.config.data_section import read_features
from gdsim.config.dict_form import config_to_dict
from gdsim.config.errors import config_error, show_value
from gdsim.config.names import OPTIMIZER_DEFAULTS, SCALED_INIT_SCHEMES
from gdsim.config.sections import (
    DEFAULT_FUNCTION,
    DEFAULT_LOSS,
    DEFAULT_PARAMETERS,
    DataConfig,
    InitConfig,
    NetworkConfig,
    OptimizerConfig,
    RegularizationConfig,
    default_network,
    default_optimizer,
)
from gdsim.config.validate import config_fields


@dataclass(frozen=True)
class Config:
    """A whole run. ``Config()`` is the default (network mode, xor, bce, sgd with lr 0.1).

    Build changed copies with :meth:`replace`, which re-validates. Fields that do not apply to
    the mode (e.g. ``function`` in network mode), optimizer settings of other optimizers,
    ``init.scale`` for schemes without a scale and the fields of the other data source are
    neither saved nor checked, but :meth:`replace` keeps them, so a form can switch back and
    forth without losing what was typed.

    ``base_dir`` is the folder of the file the config was loaded from (relative CSV paths are
    relative to it), ``config_file`` that file itself (an export never overwrites it). Neither
    is saved nor takes part in ``==``.
    """

    mode: str = "network"
    network: NetworkConfig = field(default_factory=default_network)
    loss: str = DEFAULT_LOSS
    init: InitConfig = field(default_factory=InitConfig)
    optimizer: OptimizerConfig = field(default_factory=default_optimizer)
    batch_size: int = 0
    regularization: RegularizationConfig = field(default_factory=RegularizationConfig)
    data: DataConfig = field(default_factory=DataConfig)
    evaluate_every: int = 0
    function: str = DEFAULT_FUNCTION
    parameters: tuple[tuple[str, float], ...] = DEFAULT_PARAMETERS
    # Network mode: start values by name (the file's "parameters") and frozen names/patterns.
    start_values: tuple[tuple[str, float], ...] = ()
    frozen: tuple[str, ...] = ()
    # A run's live changes in order, for replaying it (RUN.json; see gdsim.config.changes).
    changes: tuple[dict[str, Any], ...] = field(default=(), hash=False)
    base_dir: Path | None = field(default=None, compare=False, hash=False)
    config_file: Path | None = field(default=None, compare=False, hash=False)

    def data_path(self) -> Path:
        """The CSV file, with a relative ``data.path`` resolved against ``base_dir`` (or cwd)."""
        if self.data.source != "csv":
            raise config_error(
                "data.source",
                f"there is no data file: the source is {show_value(self.data.source)}",
            )
        if not isinstance(self.data.path, str) or not self.data.path.strip():
            raise config_error("data.path", "no CSV file given")
        path = Path(self.data.path).expanduser()
        if path.is_absolute():
            return path
        base = Path(self.base_dir) if self.base_dir is not None else Path.cwd()
        return Path(os.path.abspath(base / path))

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (``dataclasses.replace``), validated like a file."""
        return validate_config(dataclasses.replace(self, **changes))

    def with_features(self, features: Any) -> Config:
        """A copy whose ``data.features`` are `features` and whose network has one input per
        feature (what a toggle of the Data form or the diagram's input column changes),
        validated: data that are not 2-D refuse features other than the default."""
        features = read_features(list(features) if isinstance(features, tuple) else features)
        return self.replace(
            data=dataclasses.replace(self.data, features=features),
            network=dataclasses.replace(self.network, inputs=len(features)),
        )

    def parameter_names(self) -> tuple[str, ...]:
        """Function mode: the parameter names in order."""
        return tuple(name for name, _ in self.parameters)


def default_config() -> Config:
    """The default run: a 2-4-1 tanh/sigmoid network learning xor with bce and sgd (lr 0.1)."""
    return Config()


def config_from_dict(data: Any, base_dir: str | os.PathLike[str] | None = None) -> Config:
    """Validate a parsed JSON config and build a :class:`Config`; raise :class:`ConfigError`.

    Omitted optional keys get their defaults (see :mod:`gdsim.config`). ``base_dir`` is where a
    relative CSV path is looked for (the config file's folder).
    """
    return Config(**config_fields(data, base_dir))


def validate_config(cfg: Config) -> Config:
    """Check a Config built in code exactly as a file would be checked; return it normalised.

    Values that apply are checked and normalised (ints become floats where floats are due, lists
    become tuples, a ``None`` learning rate becomes the optimizer's default); values that do not
    apply (see :class:`Config`) are kept unchecked.
    """
    if not isinstance(cfg, Config):
        raise TypeError(f"expected a Config, got {type(cfg).__name__}")
    if cfg.mode == "function" and not isinstance(cfg.parameters, Mapping):
        names = [p[0] for p in cfg.parameters if isinstance(p, (list, tuple)) and p]
        for name in names:
            if names.count(name) > 1:
                raise config_error(f"parameters.{name}", "given more than once")
    checked = config_from_dict(config_to_dict(cfg), cfg.base_dir)
    keep: dict[str, Any] = {"config_file": cfg.config_file}
    if checked.mode == "network":
        parameters = cfg.parameters
        with contextlib.suppress(TypeError, ValueError):
            parameters = tuple((name, value) for name, value in parameters)
        keep.update(function=cfg.function, parameters=parameters)
        if checked.init.scheme not in SCALED_INIT_SCHEMES:
            keep["init"] = dataclasses.replace(checked.init, scale=cfg.init.scale)
        # The data fields that do not apply to this source or data set (data.classes of xor,
        # the samples of digits, ...) are kept unchecked, so a form can switch back.
        unused = {
            "path": cfg.data.path,
            "inputs": cfg.data.inputs,
            "targets": cfg.data.targets,
            "name": cfg.data.name,
            "samples": cfg.data.samples,
            "noise": cfg.data.noise,
            "classes": cfg.data.classes,
        }
        written = config_to_dict(checked)["data"]
        keep["data"] = dataclasses.replace(
            checked.data, **{k: v for k, v in unused.items() if k not in written}
        )
    else:
        keep.update(
            {
                name: getattr(cfg, name)
                for name in (
                    "network",
                    "loss",
                    "init",
                    "batch_size",
                    "regularization",
                    "data",
                    "evaluate_every",
                    "start_values",
                    "frozen",
                )
            }
        )
    own = OPTIMIZER_DEFAULTS[checked.optimizer.name]
    unused = {
        f.name: getattr(cfg.optimizer, f.name)
        for f in dataclasses.fields(OptimizerConfig)
        if f.name not in own and f.name != "name"
    }
    keep["optimizer"] = dataclasses.replace(checked.optimizer, **unused)
    return dataclasses.replace(checked, **keep)
