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

This package imports no Qt; the function-mode formula is checked with :mod:`gdsim.expression`
(the layer below). This module is the public face of the config; the work is done in its
modules, one job each: :mod:`~gdsim.config.names` (names and limits), :mod:`~gdsim.config.sections`
(the section dataclasses and defaults), :mod:`~gdsim.config.schema` (:class:`Config`),
:mod:`~gdsim.config.readers` and :mod:`~gdsim.config.validate` (checking),
:mod:`~gdsim.config.dict_form` (the canonical JSON form), :mod:`~gdsim.config.errors`
(:class:`ConfigError` and message wording), :mod:`~gdsim.config.memory` (what a run needs, and
the size limits) and :mod:`~gdsim.config.files` (JSON files).
"""

from __future__ import annotations

from gdsim.config.dict_form import config_to_dict
from gdsim.config.errors import ConfigError
from gdsim.config.files import dumps_config, load_config, save_config
from gdsim.config.names import (
    ACTIVATIONS,
    BUILTIN_DATASETS,
    DATA_SOURCES,
    DEFAULT_FEATURES,
    FORMAT_VERSION,
    FUNCTION_NAMES,
    GENERATED_DATASETS,
    INIT_SCHEMES,
    INPUT_FEATURES,
    LOSSES,
    MAX_BATCH_SIZE,
    MAX_CONFIG_FILE_BYTES,
    MAX_DATA_FILE_BYTES,
    MAX_DATA_MEMORY,
    MAX_DATA_ROWS,
    MAX_GENERATED_CLASSES,
    MAX_INPUTS,
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_NETWORK_PARAMETERS,
    MAX_NOISE,
    MAX_PARAMETERS,
    MAX_RUN_MEMORY,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_STEPS,
    MAX_TEST_FRACTION,
    MAX_UNITS,
    MIN_CLASSES,
    MIN_SAMPLES,
    MODES,
    MULTI_CLASS_DATASETS,
    OPTIMIZER_DEFAULTS,
    OPTIMIZERS,
    REGULARIZATIONS,
    SCALED_INIT_SCHEMES,
    SHIPPED_DATASETS,
)
from gdsim.config.schema import Config, config_from_dict, default_config, validate_config
from gdsim.config.sections import (
    DataConfig,
    InitConfig,
    LayerConfig,
    NetworkConfig,
    OptimizerConfig,
    RegularizationConfig,
)

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
    "INPUT_FEATURES",
    "DEFAULT_FEATURES",
    "BUILTIN_DATASETS",
    "GENERATED_DATASETS",
    "SHIPPED_DATASETS",
    "MULTI_CLASS_DATASETS",
    "MIN_CLASSES",
    "MAX_GENERATED_CLASSES",
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
    "MAX_NETWORK_PARAMETERS",
    "MAX_RUN_MEMORY",
    "MAX_BATCH_SIZE",
    "MAX_STEPS",
    "MAX_CONFIG_FILE_BYTES",
    "MAX_DATA_FILE_BYTES",
    "MAX_DATA_ROWS",
    "MAX_DATA_MEMORY",
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
