"""The names a config may use and the limits its numbers must keep: the one source for the
config's checks, the engine's tables and the app's combo boxes and spin-box ranges."""

from __future__ import annotations

from typing import NamedTuple

from gdsim.expression.tree import FUNCTIONS

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
GENERATED_DATASETS = ("xor", "circle", "gaussian", "spiral", "linear", "sine")


class ShippedShape(NamedTuple):
    """The size of a real data set shipped as ``resources/data/NAME.csv``."""

    samples: int
    inputs: int
    classes: int


# Real data, read from the shipped files by the session layer (the engine opens no file).
SHIPPED_DATASETS: dict[str, ShippedShape] = {
    "digits": ShippedShape(1797, 64, 10),  # UCI optical digits, 8x8 pixels 0..16
    "iris": ShippedShape(150, 4, 3),  # Fisher's iris, 4 measurements in cm
}
BUILTIN_DATASETS = GENERATED_DATASETS + tuple(SHIPPED_DATASETS)
MULTI_CLASS_DATASETS = ("gaussian", "spiral")  # the generators that take data.classes
TWO_CLASS_DATASETS = ("xor", "circle")
PLANE_DATASETS = TWO_CLASS_DATASETS + MULTI_CLASS_DATASETS  # the generated sets with 2 inputs
# data.features: what the network gets from 2-D data (x1, x2), computed by
# gdsim.engine.features; the default is the two inputs themselves
INPUT_FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
DEFAULT_FEATURES = ("x1", "x2")
# Other spellings of features, for the did-you-mean hint (keys lower case).
FEATURE_ALIASES = {
    **{f"x{i}**2": f"x{i}^2" for i in (1, 2)},
    **{f"x{i}\u00b2": f"x{i}^2" for i in (1, 2)},
    **{f"x{i}*x{i}": f"x{i}^2" for i in (1, 2)},
    **{f"sin x{i}": f"sin(x{i})" for i in (1, 2)},
    **{f"sinx{i}": f"sin(x{i})" for i in (1, 2)},
    **{f"sin_x{i}": f"sin(x{i})" for i in (1, 2)},
    "x1x2": "x1*x2",
    "x1\u00b7x2": "x1*x2",
    "x2*x1": "x1*x2",
}
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
MIN_CLASSES = 2
MAX_GENERATED_CLASSES = 10  # data.classes of gaussian and spiral
MAX_PARAMETERS = 2

# Sizes gdsim refuses beyond, with a one-line message naming the figure and the limit (README:
# "Limits"). They keep a run within the memory of an ordinary laptop and the trainer's history
# able to hold at least two full parameter rows (the app's trainer keeps 128 MiB of history).
MAX_NETWORK_PARAMETERS = 2_000_000
MAX_RUN_MEMORY = 2 * 2**30  # what a run may need, as estimated by gdsim.config.memory
HISTORY_MEMORY = 256 * 2**20  # gdsim.engine.history.DEFAULT_BUDGET_BYTES (a test keeps them equal)
MAX_BATCH_SIZE = MAX_SAMPLES  # larger batches are the whole training set anyway
MAX_STEPS = 10**9  # `gdsim train --steps`, `--every` and `evaluate_every`
MAX_CONFIG_FILE_BYTES = 16 * 2**20
MAX_DATA_FILE_BYTES = 2**30
MAX_DATA_ROWS = MAX_SAMPLES
MAX_DATA_MEMORY = MAX_RUN_MEMORY // 2  # the chosen columns of a data CSV, as 8-byte floats
