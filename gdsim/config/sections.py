"""The parts of a config: one immutable dataclass per section, and the default values a
config starts from (:class:`gdsim.config.schema.Config` and validation share them)."""

from __future__ import annotations

from dataclasses import dataclass

from gdsim.config.errors import config_error, unknown_value
from gdsim.config.names import (
    DEFAULT_FEATURES,
    MULTI_CLASS_DATASETS,
    OPTIMIZER_DEFAULTS,
    OPTIMIZERS,
    SHIPPED_DATASETS,
    TWO_CLASS_DATASETS,
)


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
            raise config_error("optimizer.name", unknown_value(self.name, OPTIMIZERS)) from None
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
    """A built-in data set (name, samples, noise, classes) or a CSV file (path, inputs,
    targets). ``classes`` applies to gaussian and spiral only; samples and noise to the
    generated sets only (digits and iris are real data of a fixed size). ``standardize`` shifts
    and scales every input by the training set's mean and standard deviation (any source).
    ``features`` (2-D data only: xor, circle, gaussian, spiral, a CSV file with 2 inputs) are
    the network's inputs computed from the two (x1, x2), e.g. ``("x1^2", "x2^2")``; the
    default is the two inputs themselves (see :mod:`gdsim.engine.features`)."""

    source: str = "builtin"
    name: str = "xor"
    samples: int = 200
    noise: float = 0.1
    test_fraction: float = 0.2
    seed: int = 1
    path: str = ""
    inputs: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    classes: int = 2
    standardize: bool = False
    features: tuple[str, ...] = DEFAULT_FEATURES

    @property
    def custom_features(self) -> bool:
        """True when ``features`` is not the default (x1, x2): they are then computed, checked
        and saved."""
        return (
            tuple(self.features) != DEFAULT_FEATURES
            if isinstance(self.features, (list, tuple))
            else True
        )

    @property
    def shipped(self) -> bool:
        """A real data set read from a shipped file (digits, iris)."""
        return (
            self.source == "builtin"
            and isinstance(self.name, str)  # a config built in code may hold anything here
            and self.name in SHIPPED_DATASETS
        )

    def class_count(self) -> int | None:
        """The classes of a built-in set (0: regression); None for a CSV file (known once it
        is read). ``classes`` counts only where it applies, so a value kept for a data set
        that takes none (see :class:`~gdsim.config.schema.Config`) changes nothing."""
        if self.source != "builtin" or not isinstance(self.name, str):
            return None
        if self.name in SHIPPED_DATASETS:
            return SHIPPED_DATASETS[self.name].classes
        if self.name in MULTI_CLASS_DATASETS:
            return self.classes
        return 2 if self.name in TWO_CLASS_DATASETS else 0


def default_network() -> NetworkConfig:
    return NetworkConfig(2, (LayerConfig(4, "tanh"), LayerConfig(1, "sigmoid")))


# The defaults of the Config fields that are not sections of their own.
DEFAULT_LOSS = "bce"
DEFAULT_FUNCTION = "(w - 3)**2"
DEFAULT_PARAMETERS: tuple[tuple[str, float], ...] = (("w", 1.0),)


def default_optimizer() -> OptimizerConfig:
    return OptimizerConfig(name="sgd", learning_rate=0.1)
