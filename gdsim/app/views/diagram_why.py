"""Why this output: one neuron's number for one sample, taken apart term by term (no Qt).

For neuron j of layer l and the chosen sample, :func:`why_neuron` lists what its sum is made of,
z = Σ_k w_l_j_k · a_(l-1)_k + b_l_j: every term with the names the parameter table uses
(``w2_1_3 · a1_3 = 0.41 · 0.87 = 0.357``), sorted by |term| so the ones that matter come first;
after the first TOP terms the rest are summed in one line ("… 52 more terms: 0.031"), so it
works for a neuron of any fan-in. Then the bias, the sum z, a = f(z) with f named, and for an
output neuron its target and the sample's loss (with this output's share of it).

The numbers are the diagram's (:class:`gdsim.app.views.diagram_numbers.PhaseNumbers`, the
GUI-side network at the snapshot's parameters); :class:`Why` keeps them as numbers too, so a
test can check the terms add up to z and that a = f(z) is the forward pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdsim.app.views.diagram_numbers import PhaseNumbers
from gdsim.app.views.diagram_worked import num
from gdsim.engine.parameters import bias_name, weight_name

__all__ = ["TOP", "Term", "Why", "why_neuron"]

TOP = 12  # terms written out one by one; the rest are summed in one line

_F = {
    "linear": "linear(z) = z",
    "sigmoid": "σ(z) = 1 / (1 + e^-z)",
    "tanh": "tanh(z)",
    "relu": "relu(z) = max(0, z)",
    "leaky_relu": "leaky_relu(z) = z if z > 0, else 0.01·z",
    "softmax": "softmax(z)_j = e^z_j / Σ e^z over the layer",
}


@dataclass(frozen=True)
class Term:
    weight: str  # 'w2_1_3'
    source: str  # 'a1_3' or 'x2'
    w: float
    a: float

    @property
    def value(self) -> float:
        return self.w * self.a


@dataclass
class Why:
    layer: int
    j: int
    terms: list[Term]  # every term, sorted by |w · a|, largest first
    bias: float
    z: float  # the network's z (forward pass)
    a: float  # the network's a
    activation: str
    target: float | None = None  # output neurons only
    loss: float | None = None  # the sample's loss L (output neurons only)
    share: float | None = None  # this output's part of L
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def total(self) -> float:
        """Σ w·a + b, summed here in the order shown."""
        return math.fsum(t.value for t in self.terms) + self.bias


def _p(value: float) -> str:
    """A number as a factor: negative ones in parentheses."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


def _source(layer: int, k: int) -> str:
    return f"x{k}" if layer == 1 else f"a{layer - 1}_{k}"


def _loss_share(n: PhaseNumbers, j: int) -> tuple[float, str]:
    """(output j's part of the sample's loss, its formula with numbers)."""
    name = n.net.loss.name
    m = n.values[-1][1].shape[0]
    p = float(n.values[-1][1][j - 1, 0])
    t = float(n.ys[j - 1, 0])
    over = "" if m == 1 else f" / {m}"
    with np.errstate(all="ignore"):
        if name == "mse":
            share = (p - t) ** 2 / m
            return share, f"(ŷ - y)²{over} = ({num(p)} - {_p(t)})²{over} = {num(share)}"
        if name == "bce":
            share = float(-(t * np.log(p) + (1 - t) * np.log1p(-p))) / m
            return share, (
                f"-[y·ln ŷ + (1 - y)·ln(1 - ŷ)]{over} = -[{num(t)}·ln {num(p)} + "
                f"{num(1 - t)}·ln {num(1 - p)}]{over} = {num(share)}"
            )
        share = float(-t * np.log(p)) if t != 0 else 0.0
        return share, f"-y·ln ŷ = -{num(t)}·ln {num(p)} = {num(share)}"


def why_neuron(n: PhaseNumbers, layer: int, j: int, top: int = TOP) -> Why:
    """Neuron j (1-based) of `layer` (>= 1) for sample ``n.sample``, term by term."""
    net = n.net
    if not 1 <= layer <= net.n_layers or not 1 <= j <= net.sizes[layer]:
        raise ValueError(f"no neuron {j} in layer {layer}")
    prev = n.xs[:, 0] if layer == 1 else n.values[layer - 2][1][:, 0]
    w_row = net.weights[layer - 1][j - 1]
    terms = [
        Term(weight_name(layer, j, k), _source(layer, k), float(w_row[k - 1]), float(prev[k - 1]))
        for k in range(1, net.sizes[layer - 1] + 1)
    ]
    terms.sort(key=lambda t: -abs(t.value) if math.isfinite(t.value) else -math.inf)
    b = float(net.biases[layer - 1][j - 1, 0])
    z = float(n.values[layer - 1][0][j - 1, 0])
    a = float(n.values[layer - 1][1][j - 1, 0])
    act = net.activations[layer - 1].name
    output = layer == net.n_layers
    where = f"output {j}" if output else f"neuron {j} of layer {layer}"
    why = Why(layer, j, terms, b, z, a, act)
    lines = why.lines
    lines.append(f"WHY THIS {'OUTPUT' if output else 'NUMBER'}: {where}, sample {n.sample + 1}")
    lines.append(
        f"z{layer}_{j} = Σ w·{'x' if layer == 1 else f'a{layer - 1}'} + b: "
        f"{len(terms)} term{'s' if len(terms) != 1 else ''}, largest |w·a| first"
    )
    for t in terms[:top]:
        lines.append(f"  {t.weight} · {t.source} = {_p(t.w)} · {_p(t.a)} = {num(t.value)}")
    rest = terms[top:]
    if rest:
        lines.append(
            f"  … {len(rest)} more term{'s' if len(rest) != 1 else ''}: "
            f"{num(math.fsum(t.value for t in rest))}"
        )
    lines.append(f"  + bias {bias_name(layer, j)} = {num(b)}")
    lines.append(f"z{layer}_{j} = {num(z)}")
    name = f"ŷ{j} = a{layer}_{j}" if output else f"a{layer}_{j}"
    if act == "softmax":
        z_col = n.values[layer - 1][0][:, 0]
        with np.errstate(all="ignore"):
            e = np.exp(z_col - z_col.max())
        lines.append(f"{name} = {_F[act]}")
        lines.append(
            f"     = {num(float(e[j - 1]))} / {num(float(e.sum()))} (each e^z shifted by the "
            f"largest z, {num(float(z_col.max()))}) = {num(a)}"
        )
    else:
        lines.append(f"{name} = f(z) with f = {_F[act]}")
        lines.append(f"     = {act}({num(z)}) = {num(a)}")
    if output:
        why.target = float(n.ys[j - 1, 0])
        why.loss = float(n.loss)
        why.share, formula = _loss_share(n, j)
        lines += [
            "",
            f"target y{j} = {num(why.target)}",
            f"this output's part of the loss ({net.loss.name}): {formula}",
            f"loss of sample {n.sample + 1} over all outputs: L = {num(why.loss)}",
        ]
    lines += [
        "",
        "The weights and the bias are the values in the Parameters table (same names); "
        f"{'x' if layer == 1 else 'a'} comes from the column to the left for this sample.",
    ]
    return why
