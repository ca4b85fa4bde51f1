"""Checking configs: a parsed JSON object becomes the validated fields of a Config.

Every check raises :class:`ConfigError` naming the key path. The function-mode formula is checked
with :mod:`gdsim.expression`. :mod:`gdsim.config.schema` builds the Config from these fields (so
this module never needs the Config class and the two do not import each other).
"""

from __future__ import annotations

import keyword
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gdsim.config.changes import read_changes
from gdsim.config.data_section import check_data_fit, read_data
from gdsim.config.errors import config_error, join_key, show_value
from gdsim.config.memory import check_run_size
from gdsim.config.names import (
    ACTIVATIONS,
    FORMAT_VERSION,
    FUNCTION_NAMES,
    INIT_SCHEMES,
    LOSSES,
    MAX_BATCH_SIZE,
    MAX_INPUTS,
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_PARAMETERS,
    MAX_SEED,
    MAX_STEPS,
    MAX_UNITS,
    MODES,
    OPTIMIZER_DEFAULTS,
    OPTIMIZERS,
    REGULARIZATIONS,
    SCALED_INIT_SCHEMES,
    SHIPPED_DATASETS,
)
from gdsim.config.network_parameters import read_frozen, read_start_values
from gdsim.config.readers import (
    MISSING,
    as_float,
    read_array,
    read_bool,
    read_choice,
    read_float,
    read_int,
    read_key,
    read_object,
)
from gdsim.config.sections import (
    DEFAULT_FUNCTION,
    DEFAULT_LOSS,
    DEFAULT_PARAMETERS,
    DataConfig,
    InitConfig,
    LayerConfig,
    NetworkConfig,
    OptimizerConfig,
    RegularizationConfig,
    default_network,
    default_optimizer,
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
    "parameters",
    "frozen",
    "changes",
)
_FUNCTION_KEYS = ("gdsim", "mode", "function", "parameters", "optimizer", "changes")
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
    "classes": "data.classes",
    "standardize": "data.standardize",
    "features": "data.features",
    "source": "data.source",
    "path": "data.path",
    "targets": "data.targets",
    "batchsize": "batch_size",
    "function_mode": "mode",
}


def _network(value: Any) -> NetworkConfig:
    path = "network"
    obj = read_object(value, path, ("inputs", "layers"))
    inputs = read_int(obj, path, "inputs", ge=1, le=MAX_INPUTS)
    raw_layers = read_array(read_key(obj, path, "layers", MISSING), "network.layers")
    if not raw_layers:
        raise config_error("network.layers", "must hold at least one layer (the output layer)")
    if len(raw_layers) > MAX_LAYERS:
        raise config_error(
            "network.layers", f"at most {MAX_LAYERS} layers are allowed, got {len(raw_layers)}"
        )
    layers = []
    last = len(raw_layers) - 1
    for i, raw in enumerate(raw_layers):
        lpath = f"network.layers[{i}]"
        layer = read_object(raw, lpath, ("units", "activation"))
        units = read_int(layer, lpath, "units", ge=1, le=MAX_UNITS)
        activation = read_choice(layer, lpath, "activation", ACTIVATIONS)
        if activation == "softmax":
            if i != last:
                raise config_error(
                    f"{lpath}.activation",
                    "softmax is only allowed on the output layer (the last one)",
                )
            if units < 2:
                raise config_error(
                    f"{lpath}.units", f"a softmax layer needs at least 2 units, got {units}"
                )
        layers.append(LayerConfig(units, activation))
    return NetworkConfig(inputs, tuple(layers))


def _check_loss(loss: str, network: NetworkConfig, loss_given: bool) -> None:
    output = network.layers[-1].activation
    name = f"'{loss}'" if loss_given else f"'{loss}' (the default loss)"
    if loss == "bce" and output != "sigmoid":
        raise config_error("loss", f"{name} needs a sigmoid output layer, got '{output}'")
    if loss == "cross_entropy" and output != "softmax":
        raise config_error("loss", f"{name} needs a softmax output layer, got '{output}'")


def _init(value: Any) -> InitConfig:
    path = "init"
    if not isinstance(value, Mapping):
        raise config_error(path, f"must be an object, got {show_value(value)}")
    scheme = read_choice(value, path, "scheme", INIT_SCHEMES, InitConfig.scheme)
    scaled = scheme in SCALED_INIT_SCHEMES
    allowed = ("scheme", "seed", "scale") if scaled else ("scheme", "seed")

    def foreign(key: str) -> str | None:
        if key == "scale":
            return (
                f"only the {' and '.join(SCALED_INIT_SCHEMES)} schemes take a scale, not '{scheme}'"
            )
        return None

    read_object(value, path, allowed, foreign)
    seed = read_int(value, path, "seed", InitConfig.seed, ge=0, le=MAX_SEED)
    scale = read_float(value, path, "scale", InitConfig.scale, gt=0) if scaled else InitConfig.scale
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
        raise config_error(path, f"must be an object, got {show_value(value)}")
    name = read_choice(value, path, "name", OPTIMIZERS, "sgd")
    defaults = OPTIMIZER_DEFAULTS[name]

    def foreign(key: str) -> str | None:
        owners = [other for other in OPTIMIZERS if key in OPTIMIZER_DEFAULTS[other]]
        if not owners:
            return None
        return (
            f"not a setting of '{name}' (it belongs to {' and '.join(owners)}); "
            f"{name} takes {', '.join(defaults)}"
        )

    read_object(value, path, ("name", *defaults), foreign)
    settings: dict[str, Any] = {}
    for key, default in defaults.items():
        if isinstance(default, bool):
            settings[key] = read_bool(value, path, key, default)
        else:
            settings[key] = read_float(value, path, key, default, **_HYPER_BOUNDS[key])
    if settings.get("nesterov") and not (settings["momentum"] > 0 and settings["dampening"] == 0):
        raise config_error(
            "optimizer.nesterov",
            "needs momentum > 0 and dampening = 0, got momentum "
            f"{show_value(settings['momentum'])} and dampening "
            f"{show_value(settings['dampening'])}",
        )
    return OptimizerConfig(name=name, **settings)


def _regularization(value: Any) -> RegularizationConfig:
    path = "regularization"
    obj = read_object(value, path, ("kind", "rate"))
    kind = read_choice(obj, path, "kind", REGULARIZATIONS, RegularizationConfig.kind)
    rate = read_float(obj, path, "rate", RegularizationConfig.rate, ge=0)
    return RegularizationConfig(kind, rate)


def _parameters(value: Any) -> tuple[tuple[str, float], ...]:
    path = "parameters"
    if not isinstance(value, Mapping):
        raise config_error(
            path, f"must be an object of names to start values, got {show_value(value)}"
        )
    for key in getattr(value, "duplicates", ()):
        raise config_error(join_key(path, key), "given more than once")
    if not 1 <= len(value) <= MAX_PARAMETERS:
        names = ", ".join(show_value(k) if not isinstance(k, str) else k for k in list(value)[:5])
        if len(value) > 5:
            names += ", ..."
        got = f"{len(value)} ({names})" if value else "none"
        raise config_error(path, f"must name 1 or 2 parameters, got {got}")
    out = []
    for name, start in value.items():
        key = f"{path}.{name}"
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise config_error(
                key,
                f"{show_value(name)} is not a valid name (use letters, digits "
                "and _, not starting with a digit)",
            )
        if name in FUNCTION_NAMES:
            raise config_error(key, f"'{name}' is a function name; choose another name")
        out.append((name, as_float(start, key)))
    return tuple(out)


def _function(value: Any, names: Sequence[str]) -> str:
    if not isinstance(value, str):
        raise config_error("function", f"must be a string, got {show_value(value)}")
    from gdsim.expression import ExpressionError, parse_expression

    try:
        parse_expression(value, list(names))
    except ExpressionError as err:
        raise config_error("function", str(err)) from None
    return value


# ----------------------------------------------------------------------------------------------
# dict -> the fields of a Config


def config_fields(data: Any, base_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Validate a parsed JSON config; return the keyword arguments of its :class:`Config`.

    Omitted optional keys get their defaults (see :mod:`gdsim.config`). ``base_dir`` is where a
    relative CSV path is looked for (the config file's folder).
    """
    if not isinstance(data, Mapping):
        raise config_error(None, f"the config must be a JSON object, got {show_value(data)}")
    version = read_int(data, "", "gdsim", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise config_error(
            "gdsim",
            f"unsupported format version {version} (this gdsim reads version {FORMAT_VERSION})",
        )
    mode = read_choice(data, "", "mode", MODES, "network")
    allowed = _NETWORK_KEYS if mode == "network" else _FUNCTION_KEYS
    other = _FUNCTION_KEYS if mode == "network" else _NETWORK_KEYS

    def foreign(key: str) -> str | None:
        return f"not used in {mode} mode" if key in other else None

    read_object(data, "", allowed, foreign, _TOP_LEVEL_HINTS)
    base = Path(base_dir) if base_dir is not None else None
    optimizer = _optimizer(data["optimizer"]) if "optimizer" in data else default_optimizer()
    changes = read_changes(data["changes"]) if "changes" in data else ()
    if mode == "function":
        parameters = _parameters(data["parameters"]) if "parameters" in data else DEFAULT_PARAMETERS
        function = _function(
            data.get("function", DEFAULT_FUNCTION), [name for name, _ in parameters]
        )
        return dict(
            mode="function",
            optimizer=optimizer,
            function=function,
            parameters=parameters,
            changes=changes,
            base_dir=base,
        )

    network = _network(data["network"]) if "network" in data else default_network()
    loss = read_choice(data, "", "loss", LOSSES, DEFAULT_LOSS)
    _check_loss(loss, network, "loss" in data)
    init = _init(data["init"]) if "init" in data else InitConfig()
    batch_size = read_int(data, "", "batch_size", 0, ge=0, le=MAX_BATCH_SIZE)
    regularization = (
        _regularization(data["regularization"])
        if "regularization" in data
        else RegularizationConfig()
    )
    data_config = read_data(data["data"]) if "data" in data else DataConfig()
    evaluate_every = read_int(data, "", "evaluate_every", 0, ge=0, le=MAX_STEPS)
    check_data_fit(network, loss, data_config)
    samples = data_config.samples if data_config.source == "builtin" else 0
    if data_config.shipped:
        samples = SHIPPED_DATASETS[data_config.name].samples
    check_run_size(network, batch_size, samples)  # a CSV's rows: checked once it is read
    start_values = read_start_values(data["parameters"], network) if "parameters" in data else ()
    frozen = read_frozen(data["frozen"], network) if "frozen" in data else ()
    return dict(
        mode="network",
        network=network,
        loss=loss,
        init=init,
        optimizer=optimizer,
        batch_size=batch_size,
        regularization=regularization,
        data=data_config,
        evaluate_every=evaluate_every,
        start_values=start_values,
        frozen=frozen,
        changes=changes,
        base_dir=base,
    )
