"""The run configuration: validated, immutable dataclasses and the JSON file format.

A config file is one JSON object, for example::

    {
        "gdsim": 1,
        "mode": "network",
        "network": {
            "inputs": 2,
            "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        },
        "loss": "bce",
        "init": {"scheme": "xavier_uniform", "seed": 0},
        "optimizer": {"name": "sgd", "learning_rate": 0.1},
        "batch_size": 0,
        "regularization": {"kind": "none", "rate": 0.0},
        "data": {
            "source": "builtin",
            "name": "xor",
            "samples": 200,
            "noise": 0.1,
            "test_fraction": 0.2,
            "seed": 1,
        },
    }

Function mode minimises a formula of one or two named parameters instead::

    {
        "gdsim": 1,
        "mode": "function",
        "function": "(w - 3)**2",
        "parameters": {"w": 1.0},
        "optimizer": {"name": "sgd", "learning_rate": 0.1},
    }

Everything the user can get wrong raises :class:`ConfigError`, whose one-line message starts
with the key path of the offending value (``network.layers[1].activation: ...``). Checking is
strict: unknown keys, wrong types (``true`` for a number, ``4.0`` for an integer), non-finite
numbers and out-of-range values are all errors, with did-you-mean hints for misspelt keys and
names. Things that depend on the data (does ``network.inputs`` match the data set?) are checked
by the trainer, not here.

This module imports nothing heavy (no Qt, no sympy, not even NumPy); the function-mode formula is
checked with :mod:`gdsim.engine.expression`, imported only when a function-mode config is
validated.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import json
import keyword
import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

__all__ = [
    "FORMAT_VERSION",
    "MODES",
    "ACTIVATIONS",
    "LOSSES",
    "INIT_SCHEMES",
    "SCALED_INIT_SCHEMES",
    "OPTIMIZERS",
    "OPTIMIZER_DEFAULTS",
    "REGULARIZATIONS",
    "DATA_SOURCES",
    "BUILTIN_DATASETS",
    "FUNCTION_NAMES",
    "MAX_INPUTS",
    "MAX_UNITS",
    "MAX_LAYERS",
    "MAX_LEARNING_RATE",
    "MAX_SEED",
    "MIN_SAMPLES",
    "MAX_SAMPLES",
    "MAX_NOISE",
    "MAX_TEST_FRACTION",
    "MAX_PARAMETERS",
    "ConfigError",
    "LayerConfig",
    "NetworkConfig",
    "InitConfig",
    "OptimizerConfig",
    "RegularizationConfig",
    "DataConfig",
    "Config",
    "default_config",
    "config_from_dict",
    "config_to_dict",
    "validate_config",
    "load_config",
    "save_config",
    "dumps_config",
]

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
FUNCTION_NAMES = ("exp", "log", "sin", "cos", "tanh", "sqrt", "abs")  # not usable as parameters

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

_NETWORK_KEYS = (
    "gdsim",
    "mode",
    "network",
    "loss",
    "init",
    "optimizer",
    "batch_size",
    "regularization",
    "data",
    "evaluate_every",
)
_FUNCTION_KEYS = ("gdsim", "mode", "function", "parameters", "optimizer")
_BUILTIN_DATA_KEYS = ("source", "name", "samples", "noise", "test_fraction", "seed")
_CSV_DATA_KEYS = ("source", "path", "inputs", "targets", "test_fraction", "seed")
# A top-level key that belongs inside a section gets pointed there.
_TOP_LEVEL_HINTS = {
    "layers": "network.layers",
    "activation": "network.layers[i].activation",
    "units": "network.layers[i].units",
    "learning_rate": "optimizer.learning_rate",
    "lr": "optimizer.learning_rate",
    "momentum": "optimizer.momentum",
    "scheme": "init.scheme",
    "samples": "data.samples",
    "noise": "data.noise",
    "test_fraction": "data.test_fraction",
    "source": "data.source",
    "path": "data.path",
    "targets": "data.targets",
    "batchsize": "batch_size",
    "function_mode": "mode",
}
_KEY_ALIASES = {
    "lr": "learning_rate",
    "learningrate": "learning_rate",
    "beta_1": "beta1",
    "beta_2": "beta2",
    "epsilon": "eps",
    "activation_function": "activation",
    "neurons": "units",
    "size": "units",
}


# ----------------------------------------------------------------------------------------------
# The error


class ConfigError(ValueError):
    """A config value (or file) is wrong. ``str(err)`` is one line for the user.

    ``ConfigError(message, key=...)``: ``message`` is the whole line and starts with the key path
    (``"optimizer.learning_rate: must be > 0, got -0.1"``); ``key`` is that path
    (``"optimizer.learning_rate"``, ``"network.layers[1].activation"``), or None when the problem
    is the file itself (not found, not JSON, not an object). ``file`` is the config file the
    error came from; when set (by :func:`load_config`) it is put in front:
    ``"run.json: optimizer.learning_rate: must be > 0, got -0.1"``.
    """

    def __init__(self, message: str, key: str | None = None, *, file: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.file = file

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message

    def __reduce__(self):
        return (_rebuild_error, (self.message, self.key, self.file))


def _rebuild_error(message: str, key: str | None, file: str | None) -> ConfigError:
    return ConfigError(message, key, file=file)


def _error(key: str | None, text: str) -> ConfigError:
    """A ConfigError for ``key`` whose message is ``"key: text"``."""
    return ConfigError(f"{key}: {text}" if key else text, key)


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
        return validate_config(dataclasses.replace(self, **changes))

    def parameter_names(self) -> tuple[str, ...]:
        """Function mode: the parameter names in order."""
        return tuple(name for name, _ in self.parameters)


def default_config() -> Config:
    """The default run: a 2-4-1 tanh/sigmoid network learning xor with bce and sgd (lr 0.1)."""
    return Config()


# ----------------------------------------------------------------------------------------------
# Message helpers


def _show(value: Any) -> str:
    """A value as the user would recognise it from the JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


def _num(x: float) -> str:
    """A bound for a message: 1000 rather than 1000.0, 1000000 rather than 1e6."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def _closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice ``word`` was probably meant to be (case-insensitive), or None."""
    lowered = {c.lower(): c for c in choices}
    w = word.strip().lower()
    if w in lowered:
        return lowered[w]
    alias = _KEY_ALIASES.get(w.replace("-", "_"))
    if alias in choices:
        return alias
    w = w.replace("-", "_").replace(" ", "_")
    if w in lowered:
        return lowered[w]
    prefixed = [c for c in lowered if len(w) >= 3 and c.startswith(w)]
    if prefixed:  # "xavier" -> the first listed of xavier_uniform, xavier_normal
        return lowered[prefixed[0]]
    match = difflib.get_close_matches(w, list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def _unknown_value(value: Any, choices: Sequence[str]) -> str:
    options = ", ".join(choices)
    if not isinstance(value, str):
        return f"must be one of {options}; got {_show(value)}"
    guess = _closest(value, choices)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return f"unknown value {_show(value)}{hint} (choose from {options})"


def _unknown_key(key: str, allowed: Sequence[str], hint: str | None = None) -> str:
    guess = hint or _closest(key, allowed)
    did = f"; did you mean '{guess}'?" if guess else ""
    return f"unknown key{did} (allowed: {', '.join(allowed)})"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ----------------------------------------------------------------------------------------------
# Typed readers. Each takes the key path and raises ConfigError naming it.

_MISSING = object()


def _object(
    value: Any,
    path: str,
    allowed: Sequence[str],
    foreign: Callable[[str], str | None] | None = None,
    hints: Mapping[str, str] | None = None,
) -> Mapping[str, Any]:
    """Check that ``value`` is an object holding only ``allowed`` keys (each once)."""
    if not isinstance(value, Mapping):
        raise _error(path or None, f"must be an object, got {_show(value)}")
    for key in getattr(value, "duplicates", ()):
        raise _error(_join(path, key), "given more than once")
    for key in value:
        if not isinstance(key, str):
            raise _error(path or None, f"keys must be strings, got {_show(key)}")
        if key in allowed:
            continue
        message = foreign(key) if foreign else None
        if message:
            raise _error(_join(path, key), message)
        raise _error(_join(path, key), _unknown_key(key, allowed, (hints or {}).get(key)))
    return value


def _get(obj: Mapping[str, Any], path: str, key: str, default: Any) -> Any:
    value = obj.get(key, _MISSING)
    if value is _MISSING:
        if default is _MISSING:
            raise _error(_join(path, key), "required key is missing")
        return default
    return value


def _as_float(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _error(key, f"must be a number, got {_show(value)}")
    try:
        result = float(value)
    except OverflowError:
        raise _error(key, "must be a finite number, got a number too large") from None
    if not math.isfinite(result):
        raise _error(key, f"must be a finite number, got {_show(result)}")
    return result


def _as_int(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _error(key, f"must be an integer, got {_show(value)}")
    return int(value)


def _check_range(
    value: float,
    key: str,
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    shown: str = "",
) -> None:
    shown = shown or _show(value)
    if gt is not None and not value > gt:
        raise _error(key, f"must be > {_num(gt)}, got {shown}")
    if ge is not None and not value >= ge:
        raise _error(key, f"must be >= {_num(ge)}, got {shown}")
    if lt is not None and not value < lt:
        raise _error(key, f"must be < {_num(lt)}, got {shown}")
    if le is not None and not value <= le:
        raise _error(key, f"must be <= {_num(le)}, got {shown}")


def _float(
    obj: Mapping[str, Any], path: str, key: str, default: Any = _MISSING, **bounds: float
) -> float:
    value = _get(obj, path, key, default)
    full = _join(path, key)
    result = _as_float(value, full)
    _check_range(result, full, shown=_show(value), **bounds)
    return result


def _int(
    obj: Mapping[str, Any], path: str, key: str, default: Any = _MISSING, **bounds: float
) -> int:
    value = _get(obj, path, key, default)
    full = _join(path, key)
    result = _as_int(value, full)
    _check_range(result, full, **bounds)
    return result


def _bool(obj: Mapping[str, Any], path: str, key: str, default: Any = _MISSING) -> bool:
    value = _get(obj, path, key, default)
    if not isinstance(value, bool):
        raise _error(_join(path, key), f"must be true or false, got {_show(value)}")
    return value


def _choice(
    obj: Mapping[str, Any], path: str, key: str, choices: Sequence[str], default: Any = _MISSING
) -> str:
    value = _get(obj, path, key, default)
    if not isinstance(value, str) or value not in choices:
        raise _error(_join(path, key), _unknown_value(value, choices))
    return value


def _text(obj: Mapping[str, Any], path: str, key: str, default: Any = _MISSING) -> str:
    value = _get(obj, path, key, default)
    full = _join(path, key)
    if not isinstance(value, str):
        raise _error(full, f"must be a string, got {_show(value)}")
    if not value.strip():
        raise _error(full, "must not be empty")
    return value


def _array(value: Any, key: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise _error(key, f"must be an array, got {_show(value)}")
    return value


# ----------------------------------------------------------------------------------------------
# Sections


def _network(value: Any) -> NetworkConfig:
    path = "network"
    obj = _object(value, path, ("inputs", "layers"))
    inputs = _int(obj, path, "inputs", ge=1, le=MAX_INPUTS)
    raw_layers = _array(_get(obj, path, "layers", _MISSING), "network.layers")
    if not raw_layers:
        raise _error("network.layers", "must hold at least one layer (the output layer)")
    if len(raw_layers) > MAX_LAYERS:
        raise _error(
            "network.layers", f"at most {MAX_LAYERS} layers are allowed, got {len(raw_layers)}"
        )
    layers = []
    last = len(raw_layers) - 1
    for i, raw in enumerate(raw_layers):
        lpath = f"network.layers[{i}]"
        layer = _object(raw, lpath, ("units", "activation"))
        units = _int(layer, lpath, "units", ge=1, le=MAX_UNITS)
        activation = _choice(layer, lpath, "activation", ACTIVATIONS)
        if activation == "softmax":
            if i != last:
                raise _error(
                    f"{lpath}.activation",
                    "softmax is only allowed on the output layer (the last one)",
                )
            if units < 2:
                raise _error(
                    f"{lpath}.units", f"a softmax layer needs at least 2 units, got {units}"
                )
        layers.append(LayerConfig(units, activation))
    return NetworkConfig(inputs, tuple(layers))


def _check_loss(loss: str, network: NetworkConfig, loss_given: bool) -> None:
    output = network.layers[-1].activation
    name = f"'{loss}'" if loss_given else f"'{loss}' (the default loss)"
    if loss == "bce" and output != "sigmoid":
        raise _error("loss", f"{name} needs a sigmoid output layer, got '{output}'")
    if loss == "cross_entropy" and output != "softmax":
        raise _error("loss", f"{name} needs a softmax output layer, got '{output}'")


def _init(value: Any) -> InitConfig:
    path = "init"
    if not isinstance(value, Mapping):
        raise _error(path, f"must be an object, got {_show(value)}")
    scheme = _choice(value, path, "scheme", INIT_SCHEMES, InitConfig.scheme)
    scaled = scheme in SCALED_INIT_SCHEMES
    allowed = ("scheme", "seed", "scale") if scaled else ("scheme", "seed")

    def foreign(key: str) -> str | None:
        if key == "scale":
            return (
                f"only the {' and '.join(SCALED_INIT_SCHEMES)} schemes take a scale, not '{scheme}'"
            )
        return None

    _object(value, path, allowed, foreign)
    seed = _int(value, path, "seed", InitConfig.seed, ge=0, le=MAX_SEED)
    scale = _float(value, path, "scale", InitConfig.scale, gt=0) if scaled else InitConfig.scale
    return InitConfig(scheme, seed, scale)


_UNIT_INTERVAL = {"ge": 0.0, "lt": 1.0}
_HYPER_BOUNDS: dict[str, dict[str, float]] = {
    "learning_rate": {"gt": 0.0, "le": MAX_LEARNING_RATE},
    "momentum": _UNIT_INTERVAL,
    "dampening": _UNIT_INTERVAL,
    "alpha": _UNIT_INTERVAL,
    "beta1": _UNIT_INTERVAL,
    "beta2": _UNIT_INTERVAL,
    "eps": {"gt": 0.0},
}


def _optimizer(value: Any) -> OptimizerConfig:
    path = "optimizer"
    if not isinstance(value, Mapping):
        raise _error(path, f"must be an object, got {_show(value)}")
    name = _choice(value, path, "name", OPTIMIZERS, "sgd")
    defaults = OPTIMIZER_DEFAULTS[name]

    def foreign(key: str) -> str | None:
        owners = [other for other in OPTIMIZERS if key in OPTIMIZER_DEFAULTS[other]]
        if not owners:
            return None
        return (
            f"not a setting of '{name}' (it belongs to {' and '.join(owners)}); "
            f"{name} takes {', '.join(defaults)}"
        )

    _object(value, path, ("name", *defaults), foreign)
    settings: dict[str, Any] = {}
    for key, default in defaults.items():
        if isinstance(default, bool):
            settings[key] = _bool(value, path, key, default)
        else:
            settings[key] = _float(value, path, key, default, **_HYPER_BOUNDS[key])
    if settings.get("nesterov") and not (settings["momentum"] > 0 and settings["dampening"] == 0):
        raise _error(
            "optimizer.nesterov",
            "needs momentum > 0 and dampening = 0, got momentum "
            f"{_show(settings['momentum'])} and dampening "
            f"{_show(settings['dampening'])}",
        )
    return OptimizerConfig(name=name, **settings)


def _regularization(value: Any) -> RegularizationConfig:
    path = "regularization"
    obj = _object(value, path, ("kind", "rate"))
    kind = _choice(obj, path, "kind", REGULARIZATIONS, RegularizationConfig.kind)
    rate = _float(obj, path, "rate", RegularizationConfig.rate, ge=0)
    return RegularizationConfig(kind, rate)


def _columns(obj: Mapping[str, Any], key: str) -> tuple[str, ...]:
    full = f"data.{key}"
    raw = _array(_get(obj, "data", key, _MISSING), full)
    if not raw:
        raise _error(full, "must name at least one column")
    names: list[str] = []
    for i, item in enumerate(raw):
        if not isinstance(item, str):
            raise _error(f"{full}[{i}]", f"must be a column name (a string), got {_show(item)}")
        if not item.strip():
            raise _error(f"{full}[{i}]", "must not be empty")
        if item in names:
            raise _error(f"{full}[{i}]", f"column {_show(item)} is listed twice")
        names.append(item)
    return tuple(names)


def _data(value: Any) -> DataConfig:
    path = "data"
    if not isinstance(value, Mapping):
        raise _error(path, f"must be an object, got {_show(value)}")
    source = _choice(value, path, "source", DATA_SOURCES, DataConfig.source)
    allowed = _BUILTIN_DATA_KEYS if source == "builtin" else _CSV_DATA_KEYS
    other = _CSV_DATA_KEYS if source == "builtin" else _BUILTIN_DATA_KEYS

    def foreign(key: str) -> str | None:
        if key in other:
            return f"not used with data.source '{source}' ({source} takes {', '.join(allowed)})"
        return None

    _object(value, path, allowed, foreign)
    if source == "builtin":
        name = _choice(value, path, "name", BUILTIN_DATASETS, DataConfig.name)
        samples = _int(value, path, "samples", DataConfig.samples, ge=MIN_SAMPLES, le=MAX_SAMPLES)
        noise = _float(value, path, "noise", DataConfig.noise, ge=0, le=MAX_NOISE)
        test_fraction = _float(
            value, path, "test_fraction", DataConfig.test_fraction, ge=0, le=MAX_TEST_FRACTION
        )
        seed = _int(value, path, "seed", DataConfig.seed, ge=0, le=MAX_SEED)
        return DataConfig("builtin", name, samples, noise, test_fraction, seed)
    data_file = _text(value, path, "path")
    inputs = _columns(value, "inputs")
    targets = _columns(value, "targets")
    for i, name in enumerate(targets):
        if name in inputs:
            raise _error(f"data.targets[{i}]", f"column {_show(name)} is also one of data.inputs")
    test_fraction = _float(value, path, "test_fraction", 0.0, ge=0, le=MAX_TEST_FRACTION)
    seed = _int(value, path, "seed", DataConfig.seed, ge=0, le=MAX_SEED)
    return DataConfig(
        "csv",
        test_fraction=test_fraction,
        seed=seed,
        path=data_file,
        inputs=inputs,
        targets=targets,
    )


def _parameters(value: Any) -> tuple[tuple[str, float], ...]:
    path = "parameters"
    if not isinstance(value, Mapping):
        raise _error(path, f"must be an object of names to start values, got {_show(value)}")
    for key in getattr(value, "duplicates", ()):
        raise _error(_join(path, key), "given more than once")
    if not 1 <= len(value) <= MAX_PARAMETERS:
        names = ", ".join(str(k) for k in value)
        got = f"{len(value)} ({names})" if value else "none"
        raise _error(path, f"must name 1 or 2 parameters, got {got}")
    out = []
    for name, start in value.items():
        key = f"{path}.{name}"
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise _error(
                key,
                f"{_show(name)} is not a valid name (use letters, digits "
                "and _, not starting with a digit)",
            )
        if name in FUNCTION_NAMES:
            raise _error(key, f"'{name}' is a function name; choose another name")
        out.append((name, _as_float(start, key)))
    return tuple(out)


def _function(value: Any, names: Sequence[str]) -> str:
    if not isinstance(value, str):
        raise _error("function", f"must be a string, got {_show(value)}")
    from gdsim.engine.expression import ExpressionError, parse_expression

    try:
        parse_expression(value, list(names))
    except ExpressionError as err:
        raise _error("function", str(err)) from None
    return value


# ----------------------------------------------------------------------------------------------
# dict <-> Config


def config_from_dict(data: Any, base_dir: str | os.PathLike[str] | None = None) -> Config:
    """Validate a parsed JSON config and build a :class:`Config`; raise :class:`ConfigError`.

    Omitted optional keys get their defaults (see the module docstring). ``base_dir`` is where a
    relative CSV path is looked for (the config file's folder).
    """
    if not isinstance(data, Mapping):
        raise _error(None, f"the config must be a JSON object, got {_show(data)}")
    version = _int(data, "", "gdsim", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise _error(
            "gdsim",
            f"unsupported format version {version} (this gdsim reads version {FORMAT_VERSION})",
        )
    mode = _choice(data, "", "mode", MODES, "network")
    allowed = _NETWORK_KEYS if mode == "network" else _FUNCTION_KEYS
    other = _FUNCTION_KEYS if mode == "network" else _NETWORK_KEYS

    def foreign(key: str) -> str | None:
        return f"not used in {mode} mode" if key in other else None

    _object(data, "", allowed, foreign, _TOP_LEVEL_HINTS)
    base = Path(base_dir) if base_dir is not None else None
    defaults = Config()
    optimizer = _optimizer(data["optimizer"]) if "optimizer" in data else defaults.optimizer
    if mode == "function":
        parameters = (
            _parameters(data["parameters"]) if "parameters" in data else defaults.parameters
        )
        function = _function(
            data.get("function", defaults.function), [name for name, _ in parameters]
        )
        return Config(
            mode="function",
            optimizer=optimizer,
            function=function,
            parameters=parameters,
            base_dir=base,
        )

    network = _network(data["network"]) if "network" in data else defaults.network
    loss = _choice(data, "", "loss", LOSSES, defaults.loss)
    _check_loss(loss, network, "loss" in data)
    init = _init(data["init"]) if "init" in data else defaults.init
    batch_size = _int(data, "", "batch_size", defaults.batch_size, ge=0)
    regularization = (
        _regularization(data["regularization"])
        if "regularization" in data
        else defaults.regularization
    )
    data_config = _data(data["data"]) if "data" in data else defaults.data
    evaluate_every = _int(data, "", "evaluate_every", defaults.evaluate_every, ge=0)
    return Config(
        mode="network",
        network=network,
        loss=loss,
        init=init,
        optimizer=optimizer,
        batch_size=batch_size,
        regularization=regularization,
        data=data_config,
        evaluate_every=evaluate_every,
        base_dir=base,
    )


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
                raise _error(f"parameters.{name}", "given more than once")
    checked = config_from_dict(config_to_dict(cfg), cfg.base_dir)
    keep: dict[str, Any] = {}
    if checked.mode == "network":
        parameters = cfg.parameters
        with contextlib.suppress(TypeError, ValueError):
            parameters = tuple((name, value) for name, value in parameters)
        keep.update(function=cfg.function, parameters=parameters)
        if checked.init.scheme not in SCALED_INIT_SCHEMES:
            keep["init"] = dataclasses.replace(checked.init, scale=cfg.init.scale)
        if checked.data.source == "builtin":
            keep["data"] = dataclasses.replace(
                checked.data, path=cfg.data.path, inputs=cfg.data.inputs, targets=cfg.data.targets
            )
        else:
            keep["data"] = dataclasses.replace(
                checked.data, name=cfg.data.name, samples=cfg.data.samples, noise=cfg.data.noise
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


# ----------------------------------------------------------------------------------------------
# Files


class _JsonObject(dict):
    """A JSON object that remembers keys given more than once (json keeps only the last)."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JsonObject:
        obj = cls(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            dups = []
            for key, _ in pairs:
                if key in seen and key not in dups:
                    dups.append(key)
                seen.add(key)
            obj.duplicates = tuple(dups)
        return obj


def _file_error(name: str, text: str) -> ConfigError:
    return ConfigError(text, None, file=name)


def _parse_json(text: str, name: str) -> Any:
    if not text.strip():
        raise _file_error(name, "the file is empty (expected a JSON object)")
    try:
        return json.loads(text, object_pairs_hook=_JsonObject.from_pairs)
    except json.JSONDecodeError as err:
        raise _file_error(
            name, f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        ) from None
    except RecursionError:
        raise _file_error(name, "invalid JSON: nested too deeply") from None


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a UTF-8 JSON config file (a byte-order mark is fine).

    Every error names the file: ``"run.json: file not found"``, ``"run.json: invalid JSON at
    line 3, column 5: ..."``, ``"run.json: loss: unknown value ..."`` (then ``err.key`` is
    ``"loss"`` and ``err.file`` is ``"run.json"``). The config's ``base_dir`` is the file's folder.
    """
    name = os.fspath(path)
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise _file_error(name, "file not found") from None
    except IsADirectoryError:
        raise _file_error(name, "is a folder, not a file") from None
    except PermissionError:
        raise _file_error(name, "permission denied") from None
    except OSError as err:
        raise _file_error(name, f"cannot read the file ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _file_error(
            name, f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start})"
        ) from None
    data = _parse_json(text, name)
    try:
        return config_from_dict(data, base_dir=file.absolute().parent)
    except ConfigError as err:
        raise ConfigError(err.message, err.key, file=name) from None


def dumps_config(cfg: Config) -> str:
    """The canonical JSON text of ``cfg`` (indent 2, trailing newline). Does not validate."""
    return json.dumps(config_to_dict(cfg), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _same_dir(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def save_config(cfg: Config, path: str | os.PathLike[str]) -> None:
    """Validate ``cfg`` and write it atomically as pretty JSON.

    A relative CSV path is rewritten relative to the new file's folder when that differs from
    where the path pointed so far (``base_dir``, or the working directory), so the saved config
    still finds the same file. OSError (folder missing, not writable) propagates.
    """
    from gdsim.io.atomic import atomic_write_text

    checked = validate_config(cfg)
    target = Path(path)
    dest_dir = target.absolute().parent
    if (
        checked.mode == "network"
        and checked.data.source == "csv"
        and not Path(checked.data.path).expanduser().is_absolute()
    ):
        base = Path(checked.base_dir) if checked.base_dir is not None else Path.cwd()
        if not _same_dir(base, dest_dir):
            data_file = checked.data_path()
            try:
                new_path = PurePath(os.path.relpath(data_file, dest_dir)).as_posix()
            except ValueError:  # Windows: another drive
                new_path = str(data_file)
            checked = dataclasses.replace(
                checked, data=dataclasses.replace(checked.data, path=new_path)
            )
    atomic_write_text(target, dumps_config(checked))
