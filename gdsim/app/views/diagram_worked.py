"""The Step-by-phase view's "Worked numbers": a phase spelled out with the actual numbers (no Qt).

For a small network (:func:`worked_limit`) and the chosen sample, :func:`worked` writes out
what the diagram shows as arithmetic a learner can follow with a pencil:

1. forward: every z as its sum of weight × input plus bias, then a = f(z);
2. cost: the sample's loss L term by term, then the cost C of the batch;
3. backward: the chain rule from the loss back to every weight and bias of the sample, then
   the batch's gradient dC/dw (the mean over the training samples, plus the penalty's slope);
4. update: every parameter's new value, w ← w − learning rate × dC/dw (plain SGD).

Besides the text it returns the numbers by name (``values["dC/dw2_1_1"]``), computed here
from the forward and backward passes of the GUI-side network: the tests check them against
the trainer's. Numbers are written with 9 significant digits, as textbooks print them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdsim.app.views.diagram_numbers import PhaseNumbers
from gdsim.engine.parameters import bias_name, weight_name

__all__ = ["MAX_LAYERS", "MAX_UNITS", "Worked", "num", "worked", "worked_limit"]

MAX_UNITS = 4  # per layer, inputs and outputs included
MAX_LAYERS = 3  # two hidden layers and the output layer

_FORMULA = {
    "linear": ("linear(z) = z", "linear'(z) = 1"),
    "sigmoid": ("σ(z) = 1 / (1 + e^-z)", "σ'(z) = a·(1 - a)"),
    "tanh": ("tanh(z) = (e^z - e^-z) / (e^z + e^-z)", "tanh'(z) = 1 - a²"),
    "relu": ("relu(z) = max(0, z)", "relu'(z) = 1 if z > 0, else 0"),
    "leaky_relu": (
        "leaky_relu(z) = z if z > 0, else 0.01·z",
        "leaky_relu'(z) = 1 if z > 0, else 0.01",
    ),
    "softmax": ("softmax(z)_j = e^z_j / Σ e^z", "dŷo/dzj = ŷo·(δoj - ŷj)"),
}
_SYMBOL = {"sigmoid": "σ"}


def num(value: float) -> str:
    """9 significant digits ('0', not '-0')."""
    return f"{float(value) + 0.0:.9g}"


def _p(value: float) -> str:
    """A number as a factor: negative ones in parentheses."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


@dataclass
class Worked:
    text: str
    values: dict[str, float] = field(default_factory=dict)


def worked_limit(sizes: tuple[int, ...]) -> str:
    """'' when a network of these layer sizes (inputs first) is small enough to write out,
    else why not."""
    if len(sizes) - 1 > MAX_LAYERS:
        return (
            f"Worked numbers are written out for networks of at most {MAX_LAYERS - 1} hidden "
            f"layers; this one has {len(sizes) - 2}."
        )
    if max(sizes) > MAX_UNITS:
        return (
            f"Worked numbers are written out when every layer (inputs and outputs too) has at "
            f"most {MAX_UNITS} units; this network has a layer of {max(sizes)}."
        )
    return ""


def _f(name: str) -> str:
    return _SYMBOL.get(name, name)


def worked(
    n: PhaseNumbers,
    phase: int,
    x: np.ndarray,
    y: np.ndarray,
    full_batch: bool,
    learning_rate: float,
    optimizer: str = "sgd",
    input_names: tuple[str, ...] = (),
) -> Worked:
    """Phase `phase` of sample ``n.sample`` written out; `x`, `y` are the training set (for
    the cost and the batch's gradient when `full_batch`). `input_names`: what the inputs are
    called when they are not x1, x2, ... (input features: x1^2, x2^2)."""
    out = Worked("")
    lines: list[str] = []
    builders = {1: _forward, 2: _cost, 3: _backward, 4: _update}
    builders[phase](
        n, x, y, full_batch, learning_rate, optimizer, lines, out.values, names=input_names
    )
    out.text = "\n".join(lines)
    return out


def _inputs(n: PhaseNumbers) -> list[float]:
    return [float(v) for v in n.xs[:, 0]]


def _input_symbol(k: int, names: tuple[str, ...] = ()) -> str:
    """Input k (1-based): x_k, or its feature's name (x1^2) when the inputs are features."""
    default = tuple(f"x{i}" for i in range(1, len(names) + 1))
    return names[k - 1] if names and names != default and k <= len(names) else f"x{k}"


def _prev_symbol(layer: int, k: int, names: tuple[str, ...] = ()) -> str:
    return _input_symbol(k, names) if layer == 1 else f"a{layer - 1}_{k}"


def _prev_values(n: PhaseNumbers, layer: int) -> list[float]:
    return _inputs(n) if layer == 1 else [float(v) for v in n.values[layer - 2][1][:, 0]]


def _layer_title(n: PhaseNumbers, layer: int) -> str:
    act = n.net.activations[layer - 1].name
    where = "Output layer" if layer == n.net.n_layers else f"Layer {layer}"
    return f"{where} ({act}: {_FORMULA[act][0]})"


def _forward(n, x, y, full_batch, lr, optimizer, lines, values, names=()) -> None:
    net = n.net
    xs = ", ".join(f"{_input_symbol(k, names)} = {num(v)}" for k, v in enumerate(_inputs(n), 1))
    lines += [
        f"FORWARD PASS for sample {n.sample + 1}: {xs}",
        "Each neuron multiplies every input by its weight, adds its bias b to get z, "
        "and passes z through its activation function f to get its output a = f(z).",
    ]
    for layer in range(1, net.n_layers + 1):
        act = net.activations[layer - 1].name
        z_col, a_col = n.values[layer - 1][0][:, 0], n.values[layer - 1][1][:, 0]
        prev = _prev_values(n, layer)
        lines += ["", _layer_title(n, layer)]
        for j in range(1, net.sizes[layer] + 1):
            fan = range(1, net.sizes[layer - 1] + 1)
            terms = " + ".join(
                f"{weight_name(layer, j, k)}·{_prev_symbol(layer, k, names)}" for k in fan
            )
            nums = " + ".join(
                f"{_p(n.weight(n.theta, layer, j, k))}·{_p(prev[k - 1])}" for k in fan
            )
            b = n.bias(n.theta, layer, j)
            z, a = float(z_col[j - 1]), float(a_col[j - 1])
            values[f"z{layer}_{j}"] = z
            values[f"a{layer}_{j}"] = a
            lines.append(f"z{layer}_{j} = {terms} + {bias_name(layer, j)}")
            lines.append(f"     = {nums} + {_p(b)} = {num(z)}")
            out = f"ŷ{j} = a{layer}_{j}" if layer == net.n_layers else f"a{layer}_{j}"
            if act == "softmax":
                total = float(np.exp(z_col - z_col.max()).sum())
                lines.append(
                    f"{out} = e^z{layer}_{j} / Σ e^z = {num(math.exp(z - z_col.max()))} / "
                    f"{num(total)} (each e^z shifted by the largest z) = {num(a)}"
                )
            else:
                lines.append(f"{out} = {_f(act)}({num(z)}) = {num(a)}")
    lines += ["", "The outputs are the network's prediction ŷ for this sample."]


def _sample_loss_lines(n: PhaseNumbers, lines: list[str]) -> None:
    loss = n.net.loss.name
    yhat = [float(v) for v in n.values[-1][1][:, 0]]
    ys = [float(v) for v in n.ys[:, 0]]
    m = len(yhat)
    if loss == "mse":
        terms = [f"({num(p)} - {_p(t)})²" for p, t in zip(yhat, ys, strict=True)]
        sq = [num((p - t) ** 2) for p, t in zip(yhat, ys, strict=True)]
        if m == 1:
            lines.append("L = (ŷ - y)²")
            lines.append(f"  = {terms[0]} = {num(n.loss)}")
        else:
            lines.append(f"L = mean over the {m} outputs of (ŷ - y)²")
            lines.append(f"  = ({' + '.join(terms)}) / {m}")
            lines.append(f"  = ({' + '.join(sq)}) / {m} = {num(n.loss)}")
    elif loss == "bce":
        over = "" if m == 1 else f"mean over the {m} outputs of "
        lines.append(f"L = {over}-[y·ln ŷ + (1 - y)·ln(1 - ŷ)]")
        parts = []
        for p, t in zip(yhat, ys, strict=True):
            with np.errstate(all="ignore"):
                parts.append(num(-(t * np.log(p) + (1 - t) * np.log1p(-p))))
        terms = [
            f"-[{_p(t)}·ln {num(p)} + {_p(1 - t)}·ln {num(1 - p)}]"
            for p, t in zip(yhat, ys, strict=True)
        ]
        if m == 1:
            lines.append(f"  = {terms[0]} = {num(n.loss)}")
        else:
            lines.append(f"  = ({' + '.join(terms)}) / {m}")
            lines.append(f"  = ({' + '.join(parts)}) / {m} = {num(n.loss)}")
    else:  # cross_entropy
        lines.append("L = -Σ y·ln ŷ (for a one-hot target: -ln of the true class's ŷ)")
        terms = [f"{_p(t)}·ln {num(p)}" for p, t in zip(yhat, ys, strict=True) if t != 0]
        lines.append(f"  = -({' + '.join(terms) or '0'}) = {num(n.loss)}")


def _batch_cost(n: PhaseNumbers, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(mean loss over the training set, the penalty) at the current parameters."""
    net = n.net
    with np.errstate(all="ignore"):
        data = net.data_cost(x, y) if x.shape[1] else math.nan
    return float(data), float(net.penalty())


def _cost(n, x, y, full_batch, lr, optimizer, lines, values, names=()) -> None:
    loss = n.net.loss.name
    lines += [
        f"COST for sample {n.sample + 1}: the loss L measures how far the prediction ŷ is "
        f"from the target y ({loss}).",
        "",
    ]
    _sample_loss_lines(n, lines)
    values["L"] = float(n.loss)
    data, penalty = _batch_cost(n, x, y)
    samples = x.shape[1]
    lines.append("")
    which = "training samples" if full_batch else "samples of the current mini-batch"
    if full_batch:
        values["C"] = data + penalty
        text = f"C = mean of L over the {samples} training samples = {num(data)}"
        if penalty:
            text += f" + penalty {num(penalty)} = {num(data + penalty)}"
        lines.append(text)
    else:
        lines.append(f"C is the mean of L over the {which} (plus any penalty).")
    lines.append(
        "Gradient descent makes C smaller: the next phases find how C changes with each weight."
    )


def _output_factor(n: PhaseNumbers, j: int) -> tuple[str, str, float]:
    """(formula of dL/dŷj, its numbers, its value) for output j of the chosen sample."""
    loss = n.net.loss.name
    m = n.values[-1][1].shape[0]
    p = float(n.values[-1][1][j - 1, 0])
    t = float(n.ys[j - 1, 0])
    value = float(n.net.loss.grad_output(n.values[-1][1], n.ys)[j - 1, 0])
    if loss == "mse":
        return f"2·(ŷ{j} - y{j}) / {m}", f"2·({num(p)} - {_p(t)}) / {m}", value
    if loss == "bce":
        return (
            f"(ŷ{j} - y{j}) / (ŷ{j}·(1 - ŷ{j})) / {m}",
            f"({num(p)} - {_p(t)}) / ({num(p)}·{_p(1 - p)}) / {m}",
            value,
        )
    return f"-y{j} / ŷ{j}", f"-{_p(t)} / {num(p)}", value


def _batch_gradient(n: PhaseNumbers, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dC/dθ over the whole training set, from one backward pass per layer written out here:
    dC/dW_l = Σ over samples of (dC/dz_l)·a_{l-1}, plus the penalty's slope."""
    net = n.net
    grad = np.zeros_like(net.theta)
    with np.errstate(all="ignore"):
        deltas = net.deltas(x, y)  # dC/dz of every layer and sample (1/N dL/dz)
        acts = [x] + [a for _, a in net.layer_values(x)]
    for layer in range(1, net.n_layers + 1):
        d, a_prev = deltas[layer - 1], acts[layer - 1]
        grad[net.weight_slices[layer - 1]] = (d @ a_prev.T).ravel()
        grad[net.bias_slices[layer - 1]] = d.sum(axis=1)
        w = net.weights[layer - 1].ravel()
        if net.regularization == "l2":
            grad[net.weight_slices[layer - 1]] += 2.0 * net.regularization_rate * w
        elif net.regularization == "l1":
            grad[net.weight_slices[layer - 1]] += net.regularization_rate * np.sign(w)
    return grad


def _backward(n, x, y, full_batch, lr, optimizer, lines, values, names=()) -> None:
    net = n.net
    last = net.n_layers
    lines += [
        f"BACKWARD PASS for sample {n.sample + 1}: the chain rule, from the loss L back to "
        "every weight. dL/dw says how much L changes when w changes a little.",
        "",
        _layer_title(n, last),
    ]
    out_act = net.activations[last - 1].name
    z_out = n.values[-1][0][:, 0]
    a_out = n.values[-1][1][:, 0]
    for j in range(1, net.sizes[last] + 1):
        formula, numbers, g = _output_factor(n, j)
        delta = float(n.deltas[last - 1][j - 1])
        values[f"dL/dŷ{j}"] = g
        values[f"dL/dz{last}_{j}"] = delta
        lines.append(f"dL/dŷ{j} = {formula}")
        lines.append(f"     = {numbers} = {num(g)}")
        if out_act == "softmax":
            lines.append(
                f"dL/dz{last}_{j} = Σo dL/dŷo · dŷo/dz{last}_{j}  (softmax: "
                f"{_FORMULA['softmax'][1]}) = {num(delta)}"
            )
        else:
            d = float(net.activations[last - 1].derivative(z_out[j - 1 : j], a_out[j - 1 : j])[0])
            values[f"dŷ{j}/dz{last}_{j}"] = d
            lines.append(
                f"dŷ{j}/dz{last}_{j} = {_FORMULA[out_act][1]} = {num(d)}"
                f"   (at z = {num(float(z_out[j - 1]))})"
            )
            lines.append(f"dL/dz{last}_{j} = dL/dŷ{j} · dŷ{j}/dz{last}_{j}")
            lines.append(f"     = {_p(g)} · {_p(d)} = {num(delta)}")
    for layer in range(last, 0, -1):
        if layer < last:
            lines += ["", _layer_title(n, layer)]
            act = net.activations[layer - 1]
            z_col, a_col = n.values[layer - 1][0][:, 0], n.values[layer - 1][1][:, 0]
            for j in range(1, net.sizes[layer] + 1):
                up = range(1, net.sizes[layer + 1] + 1)
                terms = " + ".join(f"dL/dz{layer + 1}_{m}·w{layer + 1}_{m}_{j}" for m in up)
                nums = " + ".join(
                    f"{_p(float(n.deltas[layer][m - 1]))}·{_p(n.weight(n.theta, layer + 1, m, j))}"
                    for m in up
                )
                da = sum(
                    float(n.deltas[layer][m - 1]) * n.weight(n.theta, layer + 1, m, j) for m in up
                )
                deriv = float(act.derivative(z_col[j - 1 : j], a_col[j - 1 : j])[0])
                delta = float(n.deltas[layer - 1][j - 1])
                values[f"dL/da{layer}_{j}"] = da
                values[f"dL/dz{layer}_{j}"] = delta
                lines.append(f"dL/da{layer}_{j} = {terms}")
                lines.append(f"     = {nums} = {num(da)}")
                lines.append(
                    f"da{layer}_{j}/dz{layer}_{j} = {_FORMULA[act.name][1]} = {num(deriv)}"
                )
                lines.append(f"dL/dz{layer}_{j} = dL/da{layer}_{j} · da{layer}_{j}/dz{layer}_{j}")
                lines.append(f"     = {_p(da)} · {_p(deriv)} = {num(delta)}")
        prev = _prev_values(n, layer)
        inputs = "x_k" if layer == 1 else f"a{layer - 1}_k"
        lines.append("")
        lines.append(
            f"A weight w{layer}_j_k multiplies input k of the neuron, so dz{layer}_j/dw{layer}_j_k "
            f"= {inputs}; and dz/db = 1:"
        )
        for j in range(1, net.sizes[layer] + 1):
            delta = float(n.deltas[layer - 1][j - 1])
            for k in range(1, net.sizes[layer - 1] + 1):
                w = weight_name(layer, j, k)
                g = delta * prev[k - 1]
                values[f"dL/d{w}"] = g
                chain = f"dL/dz{layer}_{j}"
                factors = _p(delta)
                if layer == last and f"dŷ{j}/dz{layer}_{j}" in values:
                    chain = f"dL/dŷ{j} · dŷ{j}/dz{layer}_{j}"
                    factors = f"{_p(values[f'dL/dŷ{j}'])} · {_p(values[f'dŷ{j}/dz{layer}_{j}'])}"
                lines.append(f"dL/d{w} = {chain} · dz{layer}_{j}/d{w}")
                lines.append(f"     = {factors} · {_p(prev[k - 1])} = {num(g)}")
            b = bias_name(layer, j)
            values[f"dL/d{b}"] = delta
            lines.append(f"dL/d{b} = dL/dz{layer}_{j} · 1 = {num(delta)}")
    lines.append("")
    if full_batch:
        grad = _batch_gradient(n, x, y)
        samples = x.shape[1]
        penalty = {"l2": " plus 2·rate·w (the L2 penalty's slope)", "l1": " plus rate·sign(w)"}
        extra = penalty.get(net.regularization, "") if net.regularization_rate else ""
        lines.append(
            f"The cost C is the mean of L over the {samples} training samples, so each "
            f"gradient dC/dw is the mean of dL/dw over them{extra}:"
        )
        for i, name in enumerate(net.parameter_names):
            values[f"dC/d{name}"] = float(grad[i])
            lines.append(f"dC/d{name} = {num(float(grad[i]))}")
    else:
        lines.append(
            "This run uses mini-batches: the trainer's gradient dC/dw is the mean of dL/dw over "
            "the samples of its current batch (the diagram shows it)."
        )


def _update(n, x, y, full_batch, lr, optimizer, lines, values, names=()) -> None:
    net = n.net
    if n.plain_sgd:
        lines += [
            "UPDATE: every parameter takes one step against its gradient:",
            f"p ← p - learning rate · dC/dp, with learning rate {num(lr)}.",
            "",
        ]
    else:
        lines += [
            f"UPDATE: {optimizer} does not step by -learning rate · gradient alone (it keeps a "
            "memory of earlier gradients). Its last step changed each parameter by Δp:",
            "",
        ]
    for i, name in enumerate(net.parameter_names):
        p, g = float(n.theta[i]), float(n.grads[i])
        if n.is_frozen(i):
            values[f"new {name}"] = p
            lines.append(f"{name} is frozen: it stays {num(p)} (its gradient {num(g)} is not used)")
        elif n.plain_sgd:
            new = p - lr * g
            values[f"new {name}"] = new
            lines.append(f"{name} ← {num(p)} - {num(lr)} · {_p(g)} = {num(new)}")
        else:
            lines.append(f"{name}: Δ = {num(float(n.update[i]))}, now {num(p)}")
    if n.plain_sgd:
        lines += ["", "“Apply this step” makes exactly these changes; the forward pass follows."]
