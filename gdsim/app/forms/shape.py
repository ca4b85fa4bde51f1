"""What the data fixes about the network, and the output/loss rules (plain Python, no Qt).

The forms use these to keep the network consistent with the data and the loss: the number of
inputs follows the data; the output layer's units follow the data wherever the data determines
them; and the loss decides which output activations make sense (bce -> sigmoid,
cross_entropy -> softmax with one unit per class, mse -> anything).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from gdsim.config import ACTIVATIONS, DataConfig
from gdsim.config.names import DEFAULT_FEATURES
from gdsim.engine.datasets import CLASSIFICATION_DATASETS
from gdsim.engine.features import feature_labels
from gdsim.engine.shipped import SHIPPED

HIDDEN_ACTIVATIONS = tuple(a for a in ACTIVATIONS if a != "softmax")


@dataclass(frozen=True)
class DataShape:
    """The size of the data: inputs, target columns and classes.

    ``n_classes`` is K >= 2 for classification with one label column (labels 0..K-1), 0 for
    regression, and None when not known yet (a CSV file that has not been read).
    ``strict`` marks a built-in set with K > 2 classes, for which the config accepts only
    cross_entropy with K softmax outputs (a CSV file's labels may also be fitted with mse).
    """

    n_inputs: int
    n_targets: int
    n_classes: int | None
    input_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()
    strict: bool = False


def builtin_shape(name: str, classes: int = 2) -> DataShape:
    """Built-in sets: xor, circle have 2 inputs and 2 classes, gaussian and spiral `classes`;
    linear, sine 1 input; digits 64 inputs and 10 classes, iris 4 and 3."""
    k = DataConfig(name=name, classes=classes).class_count() or 0
    if name in SHIPPED:
        spec = SHIPPED[name]
        return DataShape(len(spec.inputs), 1, k, spec.inputs, (spec.target,), k > 2)
    if name in CLASSIFICATION_DATASETS:
        return DataShape(2, 1, k, ("x1", "x2"), ("y",), k > 2)
    return DataShape(1, 1, 0, ("x",), ("y",))


def csv_shape(
    inputs: Sequence[str], targets: Sequence[str], n_classes: int | None = None
) -> DataShape:
    return DataShape(len(inputs), len(targets), n_classes, tuple(inputs), tuple(targets))


def with_features(shape: DataShape, features: Sequence[str]) -> DataShape:
    """The shape the network sees when `features` are computed from 2-D data (``shape`` has 2
    inputs): one input per feature, named in the data's own names (``x1^2``, ``a^2``). Data
    with another number of inputs, and the default features (x1, x2), keep ``shape``."""
    features = tuple(features)
    if shape.n_inputs != 2 or features == DEFAULT_FEATURES or not features:
        return shape
    names = feature_labels(features, shape.input_names or DEFAULT_FEATURES)
    return dataclasses.replace(shape, n_inputs=len(features), input_names=names)


def expected_output_units(loss: str, shape: DataShape) -> int | None:
    """The output units the data needs with this loss, or None when the data does not say.

    mse and bce: one unit per target column. cross_entropy: one unit per class when there is one
    label column (None if the class count is unknown or the data is not class labels), one unit
    per column when the targets are one-hot columns.
    """
    if loss == "cross_entropy":
        if shape.n_targets == 1:
            return shape.n_classes if shape.n_classes and shape.n_classes >= 2 else None
        return shape.n_targets
    return shape.n_targets


def allowed_output_activations(loss: str, shape: DataShape) -> tuple[str, ...]:
    """The output activations that go with ``loss`` (softmax needs at least 2 units)."""
    if loss == "bce":
        return ("sigmoid",)
    if loss == "cross_entropy":
        return ("softmax",)
    units = expected_output_units(loss, shape)
    if units is None or units >= 2:
        return ACTIVATIONS
    return HIDDEN_ACTIVATIONS


def default_output_activation(loss: str) -> str:
    """What the output activation becomes when the loss makes the current one invalid."""
    return {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss, "linear")


def parameter_count(inputs: int, units: Sequence[int]) -> int:
    """Weights plus biases of a dense network: sum of (fan_in + 1) * units over the layers."""
    total, fan_in = 0, inputs
    for n in units:
        total += (fan_in + 1) * n
        fan_in = n
    return total


def architecture(inputs: int, units: Sequence[int]) -> str:
    """Layer sizes joined by dashes, input first: ``2-4-1``."""
    return "-".join(str(n) for n in (inputs, *units))


def describe(shape: DataShape) -> str:
    """One line for the user: ``2 inputs (x1, x2) -> 1 target, 2 classes``."""

    def names(items: tuple[str, ...]) -> str:
        if not items:
            return ""
        shown = ", ".join(items[:4]) + (", ..." if len(items) > 4 else "")
        return f" ({shown})"

    ins = f"{shape.n_inputs} input{'' if shape.n_inputs == 1 else 's'}{names(shape.input_names)}"
    outs = f"{shape.n_targets} target{'' if shape.n_targets == 1 else 's'}"
    if shape.n_classes is None:
        kind = ""
    elif shape.n_classes:
        kind = f", {shape.n_classes} classes"
    else:
        kind = ", regression"
    return f"{ins} \u2192 {outs}{names(shape.target_names)}{kind}"


def fitting_loss(loss: str, shape: DataShape) -> str | None:
    """The loss the data needs when ``loss`` cannot train on it (None when it can, or when the
    data does not say): numbers to predict -> mse (with a linear output); one label column with
    K >= 3 classes -> cross_entropy (with K softmax units) instead of bce, which takes 0/1, and
    instead of mse too for a built-in set (``strict``: the config refuses anything else)."""
    if shape.n_classes == 0 and loss in ("bce", "cross_entropy"):
        return "mse"
    if shape.strict and loss != "cross_entropy":
        return "cross_entropy"
    if loss == "bce" and shape.n_targets == 1 and shape.n_classes and shape.n_classes >= 3:
        return "cross_entropy"
    return None


def fitting_loss_note(loss: str, shape: DataShape) -> str:
    """Why :func:`fitting_loss` switched to ``loss``, for the hint ("" for no switch)."""
    if loss == "mse":
        return (
            "Loss set to mse and output to linear: this data set has numbers to predict, "
            "not classes."
        )
    if loss == "cross_entropy" and shape.n_classes:
        return (
            f"Loss set to cross_entropy with {shape.n_classes} softmax outputs: this data set "
            f"has {shape.n_classes} classes, and bce only takes labels 0 and 1."
            if not shape.strict
            else f"Loss set to cross_entropy with {shape.n_classes} softmax outputs: this data "
            f"set has {shape.n_classes} classes."
        )
    return ""


def loss_advice(loss: str, shape: DataShape) -> str:
    """A short warning when the loss does not suit the data (empty when it does); the remedy it
    names always fits the data: 0/1 labels -> bce with 1 sigmoid unit, K classes ->
    cross_entropy with K softmax units, numbers -> mse with a linear output."""
    if shape.n_classes == 0 and loss == "bce":
        return (
            "bce expects targets between 0 and 1; this looks like regression data: "
            "try mse with a linear output."
        )
    if shape.n_classes == 0 and loss == "cross_entropy" and shape.n_targets == 1:
        return (
            "cross_entropy expects class labels 0, 1, ...; this looks like regression data: "
            "try mse with a linear output."
        )
    k = shape.n_classes
    if loss == "bce" and shape.n_targets == 1 and k and k >= 3:
        return (
            f"bce expects labels 0 and 1; this data has {k} classes (0..{k - 1}): "
            f"try cross_entropy with {k} softmax outputs."
        )
    return ""
