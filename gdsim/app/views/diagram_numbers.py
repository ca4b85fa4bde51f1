"""The network diagram's numbers and words, Qt-free: what each phase shows, for one sample.

:func:`phase_numbers` runs the GUI-side copy of the network on the chosen sample: the forward
pass (z and a of every layer), the sample's loss L, and dL/dz of every neuron (a backward pass
on a batch of one, so the copy's own gradient buffer is scratch: the gradients the diagram
shows are the snapshot's, over the whole batch). The update is -learning rate × gradient for
plain SGD (the change the *next* step makes); other optimizers keep a memory of earlier
gradients, so for them it is the snapshot's last update (the change the *previous* step made).
The texts (phase titles, neuron tooltips, the explanation under the diagram) are built here
from those numbers; the drawing is :mod:`gdsim.app.views.diagram_scene`'s.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from gdsim.engine.network import Network
from gdsim.engine.parameters import bias_name
from gdsim.session.runstate import Snapshot

__all__ = [
    "PHASES",
    "PhaseNumbers",
    "info_text",
    "neuron_text",
    "parse_value",
    "phase_numbers",
    "short",
    "sign_name",
    "tiny",
    "update_description",
]

PHASES = {
    1: (
        "Forward pass",
        "connections show the WEIGHTS w; neurons show their activation "
        "a = f(z) for the chosen sample; inputs show x",
    ),
    2: (
        "Cost",
        "the output compares the prediction ŷ with the target y; the loss L of "
        "this sample and the cost C of the batch are below",
    ),
    3: (
        "Backward pass",
        "connections show the GRADIENTS dC/dw; neurons show dL/dz for the chosen sample",
    ),
    4: ("Update", ""),  # set from the optimizer
}


def short(value: float) -> str:
    """About six significant digits ('0', not '-0')."""
    return f"{float(value) + 0.0:.6g}"


def tiny(value: float) -> str:
    """Three significant digits, to fit inside a neuron."""
    return f"{float(value) + 0.0:.3g}"


def sign_name(value: float) -> str:
    if not math.isfinite(value) or value == 0.0:
        return "gray"
    return "blue" if value > 0 else "red"


@dataclass
class PhaseNumbers:
    """Everything the diagram shows, for sample `sample` (0-based) at the current parameters.

    ``values[l - 1]`` is (z, a) of layer l for the sample (column vectors), ``deltas[l - 1]`` its
    dL/dz; ``theta``, ``grads`` and ``update`` are flat parameter vectors (NaN where unknown).
    """

    net: Network
    sample: int
    xs: np.ndarray  # the sample's inputs, one column
    ys: np.ndarray  # its targets, one column
    values: list[tuple[np.ndarray, np.ndarray]]
    loss: float
    deltas: list[np.ndarray]
    theta: np.ndarray
    grads: np.ndarray
    update: np.ndarray
    plain_sgd: bool
    frozen: np.ndarray | None = None  # True where the parameter is frozen (same layout)

    def is_frozen(self, index: int) -> bool:
        return self.frozen is not None and bool(self.frozen[index])

    def weight_index(self, layer: int, j: int, k: int) -> int:
        net = self.net
        return net.weight_slices[layer - 1].start + (j - 1) * net.sizes[layer - 1] + (k - 1)

    def bias_index(self, layer: int, j: int) -> int:
        return self.net.bias_slices[layer - 1].start + j - 1

    def shown(self, phase: int) -> np.ndarray:
        """What the connections show in `phase`: weights, weights, gradients or the update."""
        return {1: self.theta, 2: self.theta, 3: self.grads, 4: self.update}[phase]

    def weight(self, vector: np.ndarray, layer: int, j: int, k: int) -> float:
        """`vector`'s entry for the weight into neuron j of `layer` from neuron k (1-based)."""
        return float(vector[self.weight_index(layer, j, k)])

    def bias(self, vector: np.ndarray, layer: int, j: int) -> float:
        return float(vector[self.bias_index(layer, j)])


def phase_numbers(
    net: Network,
    x: np.ndarray,
    y: np.ndarray,
    sample: int,
    snap: Snapshot | None,
    plain_sgd: bool,
) -> PhaseNumbers:
    """Run `net` (the GUI-side copy, parameters already in place) on column `sample` of x, y."""
    xs = x[:, sample : sample + 1]
    ys = y[:, sample : sample + 1]
    with np.errstate(all="ignore"):
        values = net.layer_values(xs)
        loss = net.loss.cost(values[-1][0], values[-1][1], ys)
        # dL/dz of this one sample: a backward pass on a batch of one (the GUI copy's own
        # gradient buffer is scratch; the diagram's gradients come from the snapshot)
        deltas = [d[:, 0] for d in net.deltas(xs, ys)]
    theta = snap.parameters if snap is not None else net.theta
    grads = snap.gradients if snap is not None else np.full_like(theta, np.nan)
    lr = snap.learning_rate if snap is not None else math.nan
    frozen = np.zeros(theta.shape, dtype=bool)
    positions = getattr(snap, "frozen", None)
    if positions is not None and len(positions):
        frozen[np.asarray(positions, dtype=np.intp)] = True
    if plain_sgd:
        update = -lr * grads
        update[frozen] = 0.0  # a frozen parameter keeps its value
    else:
        update = snap.last_update if snap is not None else np.full_like(theta, np.nan)
    return PhaseNumbers(
        net, sample, xs, ys, values, loss, deltas, theta, grads, update, plain_sgd, frozen
    )


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def parse_value(name: str, text: str) -> tuple[float | None, str]:
    """(value, "") for a finite number typed as `text`, else (None, a one-line reason naming
    `name` and the text). Strict float syntax ('0.15', '-1.5e-3'; '−' is read as '-'); never
    eval, no NaN, no infinity."""
    raw = text.strip().replace("\u2212", "-")
    if not raw:
        return None, f"{name}: no value typed (type a number such as 0.15)"
    if not _NUMBER.fullmatch(raw):
        hint = " (use a point for decimals)" if re.fullmatch(r"[+-]?\d+,\d+", raw) else ""
        return None, f"{name}: {text.strip()!r} is not a number{hint}; the value in force is kept"
    value = float(raw)
    if not math.isfinite(value):
        return None, f"{name}: {text.strip()!r} is too large to be a finite number; kept as it was"
    return value, ""


def update_description(network: bool, plain_sgd: bool, optimizer: str) -> str:
    """What phase 4 shows, for a run of `optimizer` (network mode or not)."""
    if not network:
        return "connections show how much each weight changes."
    if plain_sgd:
        return (
            "connections show the change the NEXT step makes: "
            "Δw = -learning rate × dC/dw (plain SGD); neurons show Δb"
        )
    return (
        f"{optimizer} does not move by -learning rate × gradient alone (it keeps a "
        "memory of earlier gradients), so connections show the optimizer's update "
        "of the PREVIOUS step, Δw = w now - w before; neurons show Δb"
    )


def neuron_text(n: PhaseNumbers, layer: int, j: int) -> str:
    """The tooltip of neuron j (1-based) of `layer` (>= 1): its sum, activation, dL/dz, bias."""
    net = n.net
    fan_in = net.sizes[layer - 1]
    previous = n.xs[:, 0] if layer == 1 else n.values[layer - 2][1][:, 0]
    symbol = "x" if layer == 1 else f"a{layer - 1}_"
    theta = net.theta
    terms = [
        f"{short(n.weight(theta, layer, j, k))}·{short(float(previous[k - 1]))}"
        for k in range(1, min(fan_in, 8) + 1)
    ]
    if fan_in > 8:
        terms.append(f"… ({fan_in - 8} more terms)")
    b = n.bias(theta, layer, j)
    z = float(n.values[layer - 1][0][j - 1, 0])
    a = float(n.values[layer - 1][1][j - 1, 0])
    act = net.activations[layer - 1].name
    where = "output" if layer == net.n_layers else f"layer {layer}"
    lines = [
        f"neuron {j} of {where} (sample {n.sample + 1})",
        f"z{layer}_{j} = Σ w·{symbol.rstrip('_')} + b = "
        + " + ".join(terms)
        + f" + {short(b)} = {short(z)}",
        f"a{layer}_{j} = {act}(z) = {short(a)}",
        f"dL/dz = {short(float(n.deltas[layer - 1][j - 1]))} (this sample)",
        f"{bias_name(layer, j)} = {short(b)}; dC/db = {short(n.bias(n.grads, layer, j))}; "
        f"Δb = {short(n.bias(n.update, layer, j))}",
    ]
    if n.is_frozen(n.bias_index(layer, j)):
        lines.append(f"{bias_name(layer, j)} is frozen: it keeps its value (Δb = 0)")
    return "\n".join(lines)


def info_text(n: PhaseNumbers, phase: int, snap: Snapshot | None) -> str:
    """The explanation under the diagram in `phase` (rich text)."""
    cost = snap.cost if snap is not None else math.nan
    step = snap.step if snap is not None else 0
    sample = n.sample
    if phase == 1:
        return (
            f"Step {step}, sample {sample + 1}: each neuron computes z = Σ w·a + b "
            "from the column to its left, then a = f(z). Blue = positive, red = "
            "negative; thicker = larger |w|. Hover for the numbers; double-click to set one."
        )
    if phase == 2:
        yhat = n.values[-1][1][:, 0]
        pairs = ", ".join(
            f"ŷ{j + 1} = {short(float(p))} vs y{j + 1} = {short(float(t))}"
            for j, (p, t) in enumerate(zip(yhat, n.ys[:, 0], strict=False))
        )
        return (
            f"<b>Loss of sample {sample + 1}: L = {short(n.loss)}</b> ({pairs}, "
            f"{n.net.loss.name}).  <b>Cost of the batch: C = {short(cost)}</b> "
            "(the mean of L over the samples, plus any regularisation)."
        )
    if phase == 3:
        return (
            "Backpropagation runs the chain rule from the cost back to every weight: "
            "dC/dw is the slope of the cost along that weight. Thick lines are the "
            "weights the cost is most sensitive to."
        )
    lr = snap.learning_rate if snap is not None else math.nan
    if n.plain_sgd:
        return (
            f"Learning rate {short(lr)}: every weight moves against its gradient, "
            "so a red line here was blue in the backward pass. Press "
            "“Apply this step” to make the update and start again."
        )
    return (
        "These are the changes the optimizer made on its last step (zero "
        "before the first step). Press “Apply this step” to make the next "
        "update and start again."
    )
