"""Checking a config's ``data`` section, and what a built-in data set fixes about the network.

Split from :mod:`gdsim.config.validate` (which calls :func:`read_data` and
:func:`check_data_fit`); every problem raises :class:`ConfigError` naming the key path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gdsim.config.errors import config_error, show_value
from gdsim.config.names import (
    BUILTIN_DATASETS,
    DATA_SOURCES,
    DEFAULT_FEATURES,
    FEATURE_ALIASES,
    INPUT_FEATURES,
    MAX_GENERATED_CLASSES,
    MAX_INPUTS,
    MAX_NOISE,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_TEST_FRACTION,
    MAX_UNITS,
    MIN_CLASSES,
    MIN_SAMPLES,
    MULTI_CLASS_DATASETS,
    PLANE_DATASETS,
    SHIPPED_DATASETS,
    TWO_CLASS_DATASETS,
)
from gdsim.config.readers import (
    MISSING,
    read_array,
    read_bool,
    read_choice,
    read_float,
    read_int,
    read_key,
    read_object,
    read_string,
)
from gdsim.config.sections import DataConfig, NetworkConfig
from gdsim.errors import closest

_BUILTIN_DATA_KEYS = (
    "source",
    "name",
    "samples",
    "noise",
    "classes",
    "test_fraction",
    "seed",
    "standardize",
    "features",
)
_CSV_DATA_KEYS = (
    "source",
    "path",
    "inputs",
    "targets",
    "test_fraction",
    "seed",
    "standardize",
    "features",
)
_FEATURE_DATA = "xor, circle, gaussian, spiral, or a CSV file with 2 inputs"


def _columns(obj: Mapping[str, Any], key: str, most: int) -> tuple[str, ...]:
    full = f"data.{key}"
    raw = read_array(read_key(obj, "data", key, MISSING), full)
    if not raw:
        raise config_error(full, "must name at least one column")
    if len(raw) > most:
        raise config_error(full, f"at most {most:,} columns are allowed, got {len(raw):,}")
    names: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, str):
            raise config_error(
                f"{full}[{i}]", f"must be a column name (a string), got {show_value(item)}"
            )
        if not item.strip():
            raise config_error(f"{full}[{i}]", "must not be empty")
        if item in seen:
            raise config_error(f"{full}[{i}]", f"column {show_value(item)} is listed twice")
        seen.add(item)
        names.append(item)
    return tuple(names)


def _builtin_keys(name: str) -> tuple[str, ...]:
    """The data keys a built-in set takes: a shipped one has its own samples, noise and
    classes; only the generators with classes take data.classes (xor and circle accept 2)."""
    if name in SHIPPED_DATASETS:
        return tuple(
            k for k in _BUILTIN_DATA_KEYS if k not in ("samples", "noise", "classes", "features")
        )
    if name in PLANE_DATASETS:
        return _BUILTIN_DATA_KEYS
    return tuple(k for k in _BUILTIN_DATA_KEYS if k not in ("classes", "features"))


def _not_for_builtin(name: str, key: str) -> str | None:
    """Why a key of a built-in set does not apply to `name` (None when it is foreign anyway)."""
    if key == "features":
        inputs = SHIPPED_DATASETS[name].inputs if name in SHIPPED_DATASETS else 1
        return (
            f"not used with '{name}': it has {inputs} input{'' if inputs == 1 else 's'}, and "
            f"input features are made from 2 ({_FEATURE_DATA})"
        )
    if name in SHIPPED_DATASETS:
        shape = SHIPPED_DATASETS[name]
        return {
            "samples": f"not used with '{name}': real data has its own {shape.samples:,} samples",
            "noise": f"not used with '{name}': real data brings its own noise",
            "classes": f"not used with '{name}': it has its own {shape.classes} classes",
        }.get(key)
    if key == "classes":
        return f"not used with '{name}': it has numbers to predict, not classes"
    return None


def read_features(value: Any, path: str = "data.features") -> tuple[str, ...]:
    """A checked list of input features (at least one, each once, from INPUT_FEATURES)."""
    raw = read_array(value, path)
    if not raw:
        raise config_error(
            path, f"must name at least one feature (choose from {', '.join(INPUT_FEATURES)})"
        )
    names: list[str] = []
    for i, item in enumerate(raw):
        key = f"{path}[{i}]"
        if not isinstance(item, str):
            raise config_error(key, f"must be a feature name (a string), got {show_value(item)}")
        if item not in INPUT_FEATURES:
            guess = closest(item, INPUT_FEATURES, FEATURE_ALIASES)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise config_error(
                key,
                f"unknown feature {show_value(item)}{hint} (choose from "
                f"{', '.join(INPUT_FEATURES)})",
            )
        if item in names:
            raise config_error(key, f"feature {show_value(item)} is listed twice")
        names.append(item)
    return tuple(names)


def read_data(value: Any) -> DataConfig:
    """The checked ``data`` section of a network-mode config."""
    path = "data"
    if not isinstance(value, Mapping):
        raise config_error(path, f"must be an object, got {show_value(value)}")
    source = read_choice(value, path, "source", DATA_SOURCES, DataConfig.source)
    name = DataConfig.name
    if source == "builtin":
        name = read_choice(value, path, "name", BUILTIN_DATASETS, DataConfig.name)
        allowed = _builtin_keys(name)
    else:
        allowed = _CSV_DATA_KEYS
    other = _CSV_DATA_KEYS if source == "builtin" else _BUILTIN_DATA_KEYS

    def foreign(key: str) -> str | None:
        if source == "builtin" and key in _BUILTIN_DATA_KEYS:
            return _not_for_builtin(name, key)
        if key in other:
            return f"not used with data.source '{source}' ({source} takes {', '.join(allowed)})"
        return None

    read_object(value, path, allowed, foreign)
    test_fraction = read_float(
        value,
        path,
        "test_fraction",
        DataConfig.test_fraction if source == "builtin" else 0.0,
        ge=0,
        le=MAX_TEST_FRACTION,
    )
    seed = read_int(value, path, "seed", DataConfig.seed, ge=0, le=MAX_SEED)
    standardize = read_bool(value, path, "standardize", DataConfig.standardize)
    features = read_features(value["features"]) if "features" in value else DEFAULT_FEATURES
    if source == "builtin":
        samples, noise, classes = DataConfig.samples, DataConfig.noise, DataConfig.classes
        if name not in SHIPPED_DATASETS:
            samples = read_int(
                value, path, "samples", DataConfig.samples, ge=MIN_SAMPLES, le=MAX_SAMPLES
            )
            noise = read_float(value, path, "noise", DataConfig.noise, ge=0, le=MAX_NOISE)
        if "classes" in allowed:
            classes = read_int(
                value,
                path,
                "classes",
                DataConfig.classes,
                ge=MIN_CLASSES,
                le=MAX_GENERATED_CLASSES,
            )
            if name in TWO_CLASS_DATASETS and classes != 2:
                raise config_error(
                    "data.classes",
                    f"'{name}' has 2 classes only, got {classes}; for more classes use "
                    f"{' or '.join(repr(n) for n in MULTI_CLASS_DATASETS)}",
                )
        return DataConfig(
            "builtin",
            name,
            samples,
            noise,
            test_fraction,
            seed,
            classes=classes,
            standardize=standardize,
            features=features,
        )
    data_file = read_string(value, path, "path")
    if "\0" in data_file:  # (JSON can carry one; no file name can hold it)
        raise config_error("data.path", "holds a NUL character (\\u0000), which no file name can")
    inputs = _columns(value, "inputs", MAX_INPUTS)
    targets = _columns(value, "targets", MAX_UNITS)
    input_set = set(inputs)
    for i, column in enumerate(targets):
        if column in input_set:
            raise config_error(
                f"data.targets[{i}]", f"column {show_value(column)} is also one of data.inputs"
            )
    if "features" in value and len(inputs) != 2:
        raise config_error(
            "data.features",
            f"input features are made from 2 inputs (x1, x2), but data.inputs names "
            f"{len(inputs):,} ({', '.join(inputs[:4])}{', ...' if len(inputs) > 4 else ''})",
        )
    return DataConfig(
        "csv",
        test_fraction=test_fraction,
        seed=seed,
        path=data_file,
        inputs=inputs,
        targets=targets,
        standardize=standardize,
        features=features,
    )


def check_data_fit(network: NetworkConfig, loss: str, data: DataConfig) -> None:
    """What a built-in set fixes about the network: a shipped set's inputs, and for K > 2
    classes, K softmax outputs trained with cross_entropy (a CSV file's are checked once read)."""
    if data.custom_features and network.inputs != len(data.features):
        n = len(data.features)
        raise config_error(
            "network.inputs",
            f"data.features gives the network {n} input{'' if n == 1 else 's'} "
            f"({', '.join(data.features)}), got {network.inputs}",
        )
    if data.shipped:
        want = SHIPPED_DATASETS[data.name].inputs
        if network.inputs != want:
            raise config_error(
                "network.inputs", f"'{data.name}' has {want} inputs, got {network.inputs}"
            )
    k = data.class_count()
    if not k or k <= 2:
        return
    if loss != "cross_entropy":
        raise config_error(
            "loss",
            f"'{loss}' cannot learn the {k} classes of '{data.name}': use 'cross_entropy' "
            f"with {k} softmax output units",
        )
    last = len(network.layers) - 1
    units = network.layers[last].units
    if units != k:
        raise config_error(
            f"network.layers[{last}].units",
            f"'{data.name}' has {k} classes, so the output layer needs {k} units, got {units}",
        )
