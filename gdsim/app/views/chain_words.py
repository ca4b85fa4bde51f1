"""The chain rule view's words and numbers as text, Qt-free: the formula, the path labels, how
well the three routes to dL/dp agree, and the plain-language reading of every factor.

The chain and backpropagation do the same multiplications in another order, so they must agree
to rounding error (CHAIN_TOLERANCE, relative); a central difference with h = FD_STEP only
approximates the slope (FD_TOLERANCE). Numbers are shown with six significant digits in the
table, fifteen for the totals (enough to see two routes agree to 1e-12), and every digit a
float64 holds in the tooltips.
"""

from __future__ import annotations

import math
import re

import numpy as np

from gdsim.engine.chain import ChainBreakdown, ChainPath
from gdsim.engine.network import Network
from gdsim.engine.parameters import parse_parameter_name

__all__ = [
    "CHAIN_TOLERANCE",
    "FD_STEP",
    "FD_TOLERANCE",
    "LETTERS",
    "agreement",
    "explanation_html",
    "formula_html",
    "full",
    "generic_labels",
    "path_route",
    "precise",
    "short",
    "vector_text",
]

CHAIN_TOLERANCE = 1e-10  # relative: the chain and backprop are the same arithmetic
FD_TOLERANCE = 1e-5  # relative: central differences with h = 1e-6 are approximate
FD_STEP = 1e-6
LETTERS = "mnopqrstuv"
_TOKENS = re.compile(r"(\d+)")


def short(value: float) -> str:
    """About six significant digits, for the table ('0', not '-0')."""
    return f"{float(value) + 0.0:.6g}"


def full(value: float) -> str:
    """Every digit a float64 holds, for tooltips."""
    return repr(float(value))


def precise(value: float) -> str:
    """15 significant digits: enough to see that two routes agree to 1e-12."""
    return f"{value:.15g}"


def vector_text(values: np.ndarray) -> str:
    items = [short(float(v)) for v in values]
    return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"


def _relative_gap(a: float, b: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.nan
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0.0 else abs(a - b) / scale


def _power_of_ten(gap: float) -> str:
    """The smallest 1e-k at or above `gap` (at most 1e-15: double precision's floor)."""
    if gap <= 1e-15:
        return "1e-15"
    return f"1e{math.ceil(math.log10(gap))}"


def generic_labels(paths: tuple[ChainPath, ...]) -> list[str]:
    """One header per factor column: the label itself when every path shares it, else the label
    with its varying neuron numbers replaced by letters (the same letter where the same neuron
    varies the same way), e.g. 'dz2_m/da1_2', 'dŷo/dz3_n'."""
    if not paths:
        return []
    width = len(paths[0].factors)
    split = [[_TOKENS.split(p.factors[i].label) for p in paths] for i in range(width)]
    letters: dict[tuple[str, ...], str] = {}
    headers = []
    for column in split:
        parts = list(column[0])
        for t in range(1, len(parts), 2):  # odd positions hold the numbers
            values = tuple(row[t] if t < len(row) else "" for row in column)
            if len(set(values)) > 1:
                if values not in letters:
                    letters[values] = LETTERS[len(letters) % len(LETTERS)]
                parts[t] = letters[values]
        headers.append("".join(parts))
    return headers


def path_route(path: ChainPath, start: str) -> str:
    """The neurons a path passes through, e.g. 'z1_2 → z2_3 → ŷ1 → L'."""
    route = [start]
    for f in path.factors:
        top = f.label.split("/")[0]
        if top.startswith(("dz", "dŷ")) and top[1:] != route[-1]:
            route.append(top[1:])
    return " → ".join(route + ["L"])


def formula_html(b: ChainBreakdown, n_layers: int, muted: str) -> str:
    """dL/dp as the product of the factors (a sum over the paths when there are several), with
    a note in the `muted` colour; `n_layers` is the network's (output: the last)."""
    name = b.parameter
    headers = list(reversed(generic_labels(b.paths)))
    chain = " · ".join(h.replace("/", "/\u2060") for h in headers)  # no break after '/'
    letters = sorted({c for h in headers for c in h if c in LETTERS})
    who = parse_parameter_name(name)
    is_output = who.layer == n_layers
    note = f"<span style='color:{muted}'>"
    if len(b.paths) == 1:
        text = f"<b>dL/d{name}</b> = {chain}"
        if is_output:
            text += (
                f"  {note}(loss ← prediction ← its input z ← the weight)</span>"
                if who.is_weight
                else f"  {note}(loss ← prediction ← its input z ← the bias)</span>"
            )
        else:
            text += f"  {note}(one path from the parameter to the loss)</span>"
    else:
        over = ", ".join(letters)
        text = (
            f"<b>dL/d{name}</b> = Σ<sub>{over}</sub> {chain}"
            f"  {note}(a sum over the {len(b.paths)} paths from "
            f"the parameter to the loss, one row each below)</span>"
        )
    return text


def agreement(total: float, b: ChainBreakdown) -> str | None:
    """'chain = backprop to 1e-16 ✓  finite difference ≈ backprop to 1e-9 ✓' (rich text), or
    None when some number is not finite and nothing can be compared."""
    chain_gap = _relative_gap(total, b.backprop)
    fd_gap = _relative_gap(b.finite_difference, b.backprop)
    if math.isnan(chain_gap):
        return None
    chain_ok = chain_gap <= CHAIN_TOLERANCE or abs(total - b.backprop) <= 1e-15
    fd_ok = (not math.isnan(fd_gap)) and (
        fd_gap <= FD_TOLERANCE or abs(b.finite_difference - b.backprop) <= 1e-9
    )
    line = (
        f"chain = backprop to {_power_of_ten(chain_gap)} {'✓' if chain_ok else '✗'}"
        f"     finite difference ≈ backprop to "
        f"{'n/a' if math.isnan(fd_gap) else _power_of_ten(fd_gap)} "
        f"{'✓' if fd_ok else '✗'}"
    )
    return f"<b>{line}</b>"


def explanation_html(b: ChainBreakdown, net: Network) -> str:
    """What each factor of the chain means, in plain words, for `b`'s parameter."""
    name = b.parameter
    who = parse_parameter_name(name)
    layer, j, k = who.layer, who.j, who.k
    is_weight = who.is_weight
    source = (
        f"input {k}"
        if layer == 1
        else f"the output a{layer - 1}_{k} of neuron {k} of layer {layer - 1}"
    )
    out_act = net.activations[-1].name
    loss = {
        "mse": "squared error",
        "bce": "binary cross-entropy",
        "cross_entropy": "cross-entropy",
    }.get(net.loss.name, "loss")
    dz = (
        f"<b>dz{layer}_{j}/d{name}</b>: z{layer}_{j} is the weighted sum of neuron {j}'s "
        f"inputs plus its bias, so nudging this weight changes z by exactly the input it "
        f"multiplies: {source}."
        if is_weight
        else f"<b>dz{layer}_{j}/d{name}</b> = 1: the bias is added straight into "
        f"z{layer}_{j}, so z moves exactly as much as the bias does."
    )
    lines = [
        "Read the chain from left to right as “how much does L change when …”, "
        "working back from the loss (that is why it is called back-propagation)."
    ]
    lines.append(
        f"<b>dL/dŷ</b>: how the {loss} of this sample changes when the "
        "prediction changes; it is large when the prediction is far off."
    )
    if out_act == "softmax":
        lines.append(
            "<b>dŷ/dz</b> (output layer): how a softmax output changes with an "
            "output neuron's input z; every softmax output depends on every z, "
            "so there is one path through each output ŷ."
        )
    else:
        lines.append(
            f"<b>dŷ/dz</b> (output layer): how the output changes with its input "
            f"z: the slope of the {out_act} activation at this z."
        )
    if layer < net.n_layers:
        lines.append(
            "<b>da/dz</b>: the slope of a hidden neuron's activation at its z; "
            "<b>dz/da</b>: how the next neuron's z changes with this neuron's "
            "output, which is the weight connecting them."
        )
        n = len(b.paths)
        lines.append(
            "Multiply along a path to get that path's share. A neuron that feeds several "
            "neurons reaches the loss along several paths, and their shares add up"
            + (
                f": here there are {n} paths."
                if n > 1
                else "; here there is only one path, because every layer after this one "
                "leads to a single output."
            )
        )
    lines.append(dz)
    lines.append(
        "Backpropagation computes the same products, but shares the common "
        "parts between all parameters instead of listing every path."
    )
    return "<br>".join(lines)
