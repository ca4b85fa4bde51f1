"""A config's canonical JSON form: only the keys that apply, all written out.

It reads a config by attribute only, so validation can use it on a config built in code before
that config has been checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gdsim.config.names import (
    FORMAT_VERSION,
    MULTI_CLASS_DATASETS,
    OPTIMIZER_DEFAULTS,
    SCALED_INIT_SCHEMES,
    SHIPPED_DATASETS,
)
from gdsim.config.sections import (
    DataConfig,
    InitConfig,
    LayerConfig,
    NetworkConfig,
    OptimizerConfig,
    RegularizationConfig,
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


def config_to_dict(cfg: Any) -> dict[str, Any]:
    """The JSON-ready canonical form: only the keys that apply to the mode, the optimizer, the
    init scheme and the data source, all written out. ``config_from_dict(config_to_dict(c)) == c``
    for every validated config ``c``.
    """
    out: dict[str, Any] = {"gdsim": FORMAT_VERSION, "mode": cfg.mode}
    if cfg.mode == "function":
        out["function"] = cfg.function
        out["parameters"] = _parameters_to_dict(cfg.parameters)
        out["optimizer"] = _optimizer_to_dict(cfg.optimizer)
        return _with_changes(out, cfg)
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
            "standardize": data.standardize,
        }
    elif data.source == "builtin":
        out["data"] = {"source": "builtin", "name": data.name}
        shipped = isinstance(data.name, str) and data.name in SHIPPED_DATASETS
        if not shipped:  # real data has its own samples and noise
            out["data"].update(samples=data.samples, noise=data.noise)
        if data.name in MULTI_CLASS_DATASETS:
            out["data"]["classes"] = data.classes
        out["data"].update(
            test_fraction=data.test_fraction, seed=data.seed, standardize=data.standardize
        )
    else:
        out["data"] = {"source": data.source}
    if isinstance(data, DataConfig) and data.source in ("csv", "builtin") and data.custom_features:
        # written only when not the default (x1, x2), so other configs keep their form
        features = data.features
        out["data"]["features"] = (
            list(features) if isinstance(features, (list, tuple)) else features
        )
    out["evaluate_every"] = cfg.evaluate_every
    # Written only when given, so that a config without them keeps its canonical form.
    start_values = getattr(cfg, "start_values", ())
    if start_values:
        out["parameters"] = _parameters_to_dict(start_values)
    frozen = getattr(cfg, "frozen", ())
    if frozen:
        out["frozen"] = list(frozen) if isinstance(frozen, (list, tuple)) else frozen
    return _with_changes(out, cfg)


def _with_changes(out: dict[str, Any], cfg: Any) -> dict[str, Any]:
    changes = getattr(cfg, "changes", ())
    if changes:  # (written only when there are some)
        out["changes"] = list(changes) if isinstance(changes, (list, tuple)) else changes
    return out
