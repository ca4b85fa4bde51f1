"""The names a config may use and the limits its numbers must keep: the one source for the
config's checks, the engine's tables and the app's combo boxes and spin-box ranges."""

from __future__ import annotations

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
