"""What a config is: the names and limits, the immutable dataclasses, and their canonical dict form.

Nothing here checks a value; :mod:`gdsim.config.validate` does, and :meth:`Config.replace` calls it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdsim.config.errors import _error, _show, _unknown_value
from gdsim.expression.tree import FUNCTIONS

# ----------------------------------------------------------------------------------------------
# Names and limits (the GUI uses these for its combo boxes and spin-box ranges)

FORMAT_VERSION = 1
MODES = ("network", "function")
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
LOSSES = ("mse", "bce", "cross_entropy")
INIT_SCHEMES = (
    "xavier_uniform",
    "xavier_normal",
    "he_uniform",
    "he_normal",
    "uniform",
    "normal",
    "zeros",
)
SCALED_INIT_SCHEMES = ("uniform", "normal")  # the schemes that take "scale"
OPTIMIZERS = ("sgd", "rmsprop", "adam")
REGULARIZATIONS = ("none", "l1", "l2")
DATA_SOURCES = ("builtin", "csv")
BUILTIN_DATASETS = ("xor", "circle", "gaussian", "spiral", "linear", "sine")
FUNCTION_NAMES = FUNCTIONS  # the formula language owns them; not usable as parameter names

# Hyperparameters of each optimizer (the only keys its "optimizer" object may hold besides
# "name"), with the torch.optim defaults.
OPTIMIZER_DEFAULTS: dict[str, dict[str, float | bool]] = {
    "sgd": {"learning_rate": 1e-3, "momentum": 0.0, "dampening": 0.0, "nesterov": False},
    "rmsprop": {
        "learning_rate": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "momentum": 0.0,
        "centered": False,
    },
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "amsgrad": False},
}

MAX_INPUTS = 100_000
MAX_UNITS = 100_000
MAX_LAYERS = 64
MAX_LEARNING_RATE = 1000.0
MAX_SEED = 2**32 - 1
MIN_SAMPLES = 4
MAX_SAMPLES = 1_000_000
MAX_NOISE = 10.0
MAX_TEST_FRACTION = 0.9
MAX_PARAMETERS = 2


# ----------------------------------------------------------------------------------------------
# The dataclasses


@dataclass(frozen=True)
class LayerConfig:
    """One dense layer: ``units`` neurons with the same activation."""

    units: int
    activation: str


@dataclass(frozen=True)
class NetworkConfig:
    """``inputs`` input features, then the layers; the last layer is the output layer."""

    inputs: int
    layers: tuple[LayerConfig, ...]

    @property
    def hidden_layers(self) -> tuple[LayerConfig, ...]:
        return tuple(self.layers[:-1])

    @property
    def output_layer(self) -> LayerConfig:
        return self.layers[-1]


@dataclass(frozen=True)
class InitConfig:
    """Weight initialisation. ``scale`` is used only by the "uniform" and "normal" schemes."""

    scheme: str = "xavier_uniform"
    seed: int = 0
    scale: float = 0.1


@dataclass(frozen=True)
class OptimizerConfig:
    """An optimizer with all hyperparameters; only those of ``name`` are used (and saved).

    ``learning_rate=None`` means the optimizer's default; validation resolves it, so a loaded or
    validated config always has a float here.
    """

    name: str = "sgd"
    learning_rate: float | None = None
    momentum: float = 0.0  # sgd, rmsprop
    dampening: float = 0.0  # sgd
    nesterov: bool = False  # sgd
    alpha: float = 0.99  # rmsprop
    eps: float = 1e-8  # rmsprop, adam
    centered: bool = False  # rmsprop
    beta1: float = 0.9  # adam
    beta2: float = 0.999  # adam
    amsgrad: bool = False  # adam

    def hyperparameters(self) -> dict[str, float | bool]:
        """The settings of this optimizer (learning_rate first), e.g. for ``make_optimizer``."""
        try:
            names = OPTIMIZER_DEFAULTS[self.name]
        except KeyError:
            raise _error("optimizer.name", _unknown_value(self.name, OPTIMIZERS)) from None
        out: dict[str, float | bool] = {}
        for name, default in names.items():
            value = getattr(self, name)
            out[name] = default if value is None else value
        return out


@dataclass(frozen=True)
class RegularizationConfig:
    """Weight penalty ``rate * sum|w|`` (l1) or ``rate * sum w^2`` (l2); rate unused for none."""

    kind: str = "none"
    rate: float = 0.0


@dataclass(frozen=True)
class DataConfig:
    """A built-in data set (name, samples, noise) or a CSV file (path, inputs, targets)."""

    source: str = "builtin"
    name: str = "xor"
    samples: int = 200
    noise: float = 0.1
    test_fraction: float = 0.2
    seed: int = 1
    path: str = ""
    inputs: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


def _default_network() -> NetworkConfig:
    return NetworkConfig(2, (LayerConfig(4, "tanh"), LayerConfig(1, "sigmoid")))


@dataclass(frozen=True)
class Config:
    """A whole run. ``Config()`` is the default (network mode, xor, bce, sgd with lr 0.1).

    Build changed copies with :meth:`replace`, which re-validates. Fields that do not apply to
    the mode (e.g. ``function`` in network mode), optimizer settings of other optimizers,
    ``init.scale`` for schemes without a scale and the fields of the other data source are
    neither saved nor checked, but :meth:`replace` keeps them, so a form can switch back and
    forth without losing what was typed.

    ``base_dir`` is the folder of the file the config was loaded from (relative CSV paths are
    relative to it). It is not saved and does not take part in ``==``.
    """

    mode: str = "network"
    network: NetworkConfig = field(default_factory=_default_network)
    loss: str = "bce"
    init: InitConfig = field(default_factory=InitConfig)
    optimizer: OptimizerConfig = field(
        default_factory=lambda: OptimizerConfig(name="sgd", learning_rate=0.1)
    )
    batch_size: int = 0
    regularization: RegularizationConfig = field(default_factory=RegularizationConfig)
    data: DataConfig = field(default_factory=DataConfig)
    evaluate_every: int = 0
    function: str = "(w - 3)**2"
    parameters: tuple[tuple[str, float], ...] = (("w", 1.0),)
    base_dir: Path | None = field(default=None, compare=False, hash=False)

    def data_path(self) -> Path:
        """The CSV file, with a relative ``data.path`` resolved against ``base_dir`` (or cwd)."""
        if self.data.source != "csv":
            raise _error(
                "data.source", f"there is no data file: the source is {_show(self.data.source)}"
            )
        if not isinstance(self.data.path, str) or not self.data.path.strip():
            raise _error("data.path", "no CSV file given")
        path = Path(self.data.path).expanduser()
        if path.is_absolute():
            return path
        base = Path(self.base_dir) if self.base_dir is not None else Path.cwd()
        return Path(os.path.abspath(base / path))

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (``dataclasses.replace``), validated like a file."""
        from gdsim.config.validate import validate_config  # it imports this module

        return validate_config(dataclasses.replace(self, **changes))

    def parameter_names(self) -> tuple[str, ...]:
        """Function mode: the parameter names in order."""
        return tuple(name for name, _ in self.parameters)


def default_config() -> Config:
    """The default run: a 2-4-1 tanh/sigmoid network learning xor with bce and sgd (lr 0.1)."""
    return Config()


# ----------------------------------------------------------------------------------------------
# Config -> dict (the JSON form written to files and checked by validation)


def _layer_to_dict(layer: Any) -> Any:
    if isinstance(layer, LayerConfig):
        return {"units": layer.units, "activation": layer.activation}
    return layer


def _optimizer_to_dict(opt: Any) -> Any:
    if not isinstance(opt, OptimizerConfig):
        return opt
    out: dict[str, Any] = {"name": opt.name}
    names = (
        OPTIMIZER_DEFAULTS.get(opt.name, {"learning_rate": None})
        if isinstance(opt.name, str)
        else {"learning_rate": None}
    )
    for key in names:
        value = getattr(opt, key)
        if value is not None:
            out[key] = value
    return out


def _parameters_to_dict(params: Any) -> Any:
    if isinstance(params, Mapping):
        return dict(params)
    try:
        pairs = [(name, value) for name, value in params]
    except (TypeError, ValueError):
        return params
    return dict(pairs)


def config_to_dict(cfg: Config) -> dict[str, Any]:
    """The JSON-ready canonical form: only the keys that apply to the mode, the optimizer, the
    init scheme and the data source, all written out. ``config_from_dict(config_to_dict(c)) == c``
    for every validated config ``c``.
    """
    out: dict[str, Any] = {"gdsim": FORMAT_VERSION, "mode": cfg.mode}
    if cfg.mode == "function":
        out["function"] = cfg.function
        out["parameters"] = _parameters_to_dict(cfg.parameters)
        out["optimizer"] = _optimizer_to_dict(cfg.optimizer)
        return out
    net = cfg.network
    if isinstance(net, NetworkConfig):
        layers = net.layers
        if isinstance(layers, (list, tuple)):
            layers = [_layer_to_dict(layer) for layer in layers]
        out["network"] = {"inputs": net.inputs, "layers": layers}
    else:
        out["network"] = net
    out["loss"] = cfg.loss
    init = cfg.init
    if isinstance(init, InitConfig):
        out["init"] = {"scheme": init.scheme, "seed": init.seed}
        if init.scheme in SCALED_INIT_SCHEMES:
            out["init"]["scale"] = init.scale
    else:
        out["init"] = init
    out["optimizer"] = _optimizer_to_dict(cfg.optimizer)
    out["batch_size"] = cfg.batch_size
    reg = cfg.regularization
    out["regularization"] = (
        {"kind": reg.kind, "rate": reg.rate} if isinstance(reg, RegularizationConfig) else reg
    )
    data = cfg.data
    if not isinstance(data, DataConfig):
        out["data"] = data
    elif data.source == "csv":
        out["data"] = {
            "source": "csv",
            "path": data.path,
            "inputs": list(data.inputs) if isinstance(data.inputs, (list, tuple)) else data.inputs,
            "targets": list(data.targets)
            if isinstance(data.targets, (list, tuple))
            else data.targets,
            "test_fraction": data.test_fraction,
            "seed": data.seed,
        }
    elif data.source == "builtin":
        out["data"] = {
            "source": "builtin",
            "name": data.name,
            "samples": data.samples,
            "noise": data.noise,
            "test_fraction": data.test_fraction,
            "seed": data.seed,
        }
    else:
        out["data"] = {"source": data.source}
    out["evaluate_every"] = cfg.evaluate_every
    return out
