"""Checking configs: a parsed JSON object, or a Config built in code, becomes a valid Config.

Every check raises :class:`ConfigError` naming the key path. The function-mode formula is checked
with :mod:`gdsim.expression`, imported only when one is validated (it needs NumPy).
"""

from __future__ import annotations

import contextlib
import dataclasses
import keyword
import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gdsim.config.errors import (
    _error,
    _join,
    _num,
    _show,
    _unknown_key,
    _unknown_value,
)
from gdsim.config.schema import (
    ACTIVATIONS,
    BUILTIN_DATASETS,
    DATA_SOURCES,
    FORMAT_VERSION,
    FUNCTION_NAMES,
    INIT_SCHEMES,
    LOSSES,
    MAX_INPUTS,
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_NOISE,
    MAX_PARAMETERS,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_TEST_FRACTION,
    MAX_UNITS,
    MIN_SAMPLES,
    MODES,
    OPTIMIZER_DEFAULTS,
    OPTIMIZERS,
    REGULARIZATIONS,
    SCALED_INIT_SCHEMES,
    Config,
    DataConfig,
    InitConfig,
    LayerConfig,
    NetworkConfig,
    OptimizerConfig,
    RegularizationConfig,
    config_to_dict,
)

# The keys each mode and data source may hold.
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
    from gdsim.expression import ExpressionError, parse_expression

    try:
        parse_expression(value, list(names))
    except ExpressionError as err:
        raise _error("function", str(err)) from None
    return value


# ----------------------------------------------------------------------------------------------
# dict -> Config


def config_from_dict(data: Any, base_dir: str | os.PathLike[str] | None = None) -> Config:
    """Validate a parsed JSON config and build a :class:`Config`; raise :class:`ConfigError`.

    Omitted optional keys get their defaults (see :mod:`gdsim.config`). ``base_dir`` is where a
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
