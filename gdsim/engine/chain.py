"""Backpropagation as the chain rule, spelled out for one parameter and one sample.

For a single sample the loss L depends on a weight w^l_jk only through z^l_j = sum_k w a_k + b,
so dL/dw = dL/dz^l_j * dz^l_j/dw, with dz/dw = a^{l-1}_k (dz/db = 1). dL/dz^l_j itself is a sum
over every path from neuron j of layer l to the outputs; each path contributes the product of
its factors:

    dz^l_j/dw * da^l_j/dz^l_j * dz^{l+1}_m/da^l_j (= w^{l+1}_mj) * da^{l+1}_m/dz^{l+1}_m * ...
              * dyhat_o/dz^L_m * dL/dyhat_o

For the output layer and an element-wise activation this is the seed's three-factor chain
dL/dw = dL/dyhat * dyhat/dz * dz/dw. The per-sample loss L is the sample's share of the cost:
C = mean over samples of L (+ the regularisation penalty, which is not part of any chain).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdsim.engine.network import Network

MAX_PATHS = 512


@dataclass(frozen=True)
class Factor:
    label: str  # e.g. "dz2_1/da1_3" or "dL/dŷ1"
    value: float


@dataclass(frozen=True)
class ChainPath:
    factors: tuple[Factor, ...]

    @property
    def product(self) -> float:
        return float(np.prod([f.value for f in self.factors]))

    @property
    def neurons(self) -> str:
        """The path as text, e.g. 'w1_2_1 → z1_2 → z2_1 → ŷ1 → L'."""
        return " · ".join(f.label for f in self.factors)


@dataclass(frozen=True)
class ChainBreakdown:
    parameter: str
    sample: int
    loss: float  # the sample's loss L at the current parameters
    paths: tuple[ChainPath, ...]  # every path (up to MAX_PATHS; see `complete`)
    complete: bool  # False when there were more paths than listed
    chain_total: float  # dL/dp from the chain (all paths, computed layer by layer)
    backprop: float  # dL/dp from the network's backward pass on this sample
    finite_difference: float  # central difference of L

    @property
    def paths_sum(self) -> float:
        return float(sum(p.product for p in self.paths))


def _sample_loss(net: Network, x: np.ndarray, y: np.ndarray) -> float:
    """L for one sample: the data cost with N = 1 (no penalty)."""
    with np.errstate(all="ignore"):
        return net.data_cost(x, y)


def _output_jacobian(net: Network, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dyhat_o / dz_m of the output layer for one sample (o rows, m columns)."""
    if net.activations[-1].name == "softmax":
        return np.diag(a) - np.outer(a, a)  # a_o (delta_om - a_m)
    return np.diag(net.activations[-1].derivative(z, a))


def chain_rule(
    net: Network,
    x: np.ndarray,
    y: np.ndarray,
    parameter: str | int,
    sample: int = 0,
    h: float = 1e-6,
) -> ChainBreakdown:
    """The chain-rule factors of dL/dp for one sample (columns of x and y)."""
    index = parameter if isinstance(parameter, int) else net.parameter_names.index(parameter)
    who = net.parameter_index[index]  # a weight w{layer}_{j}_{k} or a bias b{layer}_{j}
    name, layer, j, k = who.name, who.layer, who.j, who.k
    xs = np.ascontiguousarray(x[:, sample : sample + 1], dtype=np.float64)
    ys = np.ascontiguousarray(y[:, sample : sample + 1], dtype=np.float64)
    values = net.layer_values(xs)
    zs = [z[:, 0] for z, _ in values]
    acts = [a[:, 0] for _, a in values]
    inputs = [xs[:, 0]] + acts[:-1]  # a^{l-1} for each layer l
    n_layers = net.n_layers
    yhat = acts[-1]
    dl_dyhat = net.loss.grad_output(yhat[:, None], ys)[:, 0]
    jac = _output_jacobian(net, zs[-1], yhat)
    derivs = [net.activations[i].derivative(zs[i], acts[i]) for i in range(n_layers)]

    # dL/dz for every layer, backwards: the chain summed over all paths at once.
    dl_dz = [np.empty(0)] * n_layers
    dl_dz[-1] = jac.T @ dl_dyhat
    for i in range(n_layers - 2, -1, -1):
        dl_dz[i] = derivs[i] * (net.weights[i + 1].T @ dl_dz[i + 1])
    li = layer - 1
    dz_dp = inputs[li][k - 1] if who.is_weight else 1.0
    chain_total = float(dl_dz[li][j - 1] * dz_dp)

    first = Factor(f"dz{layer}_{j}/d{name}", float(dz_dp))
    paths: list[ChainPath] = []
    complete = True

    def walk(level: int, neuron: int, factors: list[Factor]) -> None:
        nonlocal complete
        if len(paths) >= MAX_PATHS:
            complete = False
            return
        if level == n_layers - 1:  # the output layer: z^L_m -> yhat_o -> L
            for o in range(jac.shape[0]):
                if jac[o, neuron] == 0.0 and o != neuron:
                    continue  # element-wise activation: only yhat_m depends on z_m
                out = [
                    Factor(f"dŷ{o + 1}/dz{level + 1}_{neuron + 1}", float(jac[o, neuron])),
                    Factor(f"dL/dŷ{o + 1}", float(dl_dyhat[o])),
                ]
                if len(paths) >= MAX_PATHS:
                    complete = False
                    return
                paths.append(ChainPath(tuple(factors + out)))
            return
        here = Factor(
            f"da{level + 1}_{neuron + 1}/dz{level + 1}_{neuron + 1}", float(derivs[level][neuron])
        )
        w_next = net.weights[level + 1]
        for m in range(w_next.shape[0]):
            step = Factor(
                f"dz{level + 2}_{m + 1}/da{level + 1}_{neuron + 1}", float(w_next[m, neuron])
            )
            walk(level + 1, m, factors + [here, step])

    walk(li, j - 1, [first])

    # The same derivative two other ways: the network's own backward pass and differences.
    saved = net.grad.copy()
    reg = net.regularization
    net.regularization = "none"
    try:
        with np.errstate(all="ignore"):
            net.cost_and_gradient(xs, ys)
        backprop = float(net.grad[index])
        keep = net.theta[index]
        net.theta[index] = keep + h
        up = _sample_loss(net, xs, ys)
        net.theta[index] = keep - h
        down = _sample_loss(net, xs, ys)
        net.theta[index] = keep
    finally:
        net.regularization = reg
        net.grad[...] = saved
    return ChainBreakdown(
        parameter=name,
        sample=sample,
        loss=_sample_loss(net, xs, ys),
        paths=tuple(paths),
        complete=complete,
        chain_total=chain_total,
        backprop=backprop,
        finite_difference=(up - down) / (2 * h),
    )


def finite_difference_gradient(
    net: Network,
    x: np.ndarray,
    y: np.ndarray,
    indices: Sequence[int] | None = None,
    h: float = 1e-6,
) -> np.ndarray:
    """Central differences (C(p + h) - C(p - h)) / 2h of the full cost (penalty included)."""
    chosen = range(net.n_params) if indices is None else indices
    out = np.empty(len(chosen))
    for n, i in enumerate(chosen):
        keep = net.theta[i]
        net.theta[i] = keep + h
        up = net.cost(x, y)
        net.theta[i] = keep - h
        down = net.cost(x, y)
        net.theta[i] = keep
        out[n] = (up - down) / (2 * h)
    return out
