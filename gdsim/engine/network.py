"""A fully connected network with one flat parameter vector and one flat gradient vector.

Layout: activations are features x samples, so layer l computes z_l = W_l a_{l-1} + b_l and
a_l = f_l(z_l), with W_l of shape (units_l, units_{l-1}). All parameters live in `theta`, in the
public order (layer by layer, weights row by row, then biases), and W_l / b_l are views into it;
the gradient `grad` mirrors that layout. The optimizer therefore updates everything with one
vector operation, and a history row is one copy. Buffers are allocated once per batch size:
small networks are bound by per-call overhead, so the hot path never allocates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdsim.config.names import REGULARIZATIONS
from gdsim.engine.activations import Activation, get_activation
from gdsim.engine.initializers import draw_weights
from gdsim.engine.losses import Loss, get_loss
from gdsim.engine.parameters import ParameterIndex


@dataclass
class _Workspace:
    """Buffers for one batch size: pre-activations z, activations a and the backward deltas."""

    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    grad_a: list[np.ndarray]


class Network:
    def __init__(
        self,
        n_inputs: int,
        units: Sequence[int],
        activations: Sequence[str],
        loss: str,
        regularization: str = "none",
        regularization_rate: float = 0.0,
    ):
        if len(units) != len(activations) or not units:
            raise ValueError("units and activations must be non-empty and of equal length")
        if regularization not in REGULARIZATIONS:
            raise ValueError(f"unknown regularization {regularization!r}")
        self.sizes = (int(n_inputs), *(int(u) for u in units))
        self.activations: list[Activation] = [get_activation(name) for name in activations]
        self.loss: Loss = get_loss(loss)
        self.regularization = regularization
        self.regularization_rate = float(regularization_rate)

        n_params = sum(o * i + o for i, o in zip(self.sizes[:-1], self.sizes[1:], strict=True))
        self.theta = np.zeros(n_params)
        self.grad = np.zeros(n_params)
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []  # (units, 1): broadcasts over samples
        self.weight_grads: list[np.ndarray] = []
        self.bias_grads: list[np.ndarray] = []  # (units,): the target of a row sum
        self.weight_slices: list[slice] = []
        self.bias_slices: list[slice] = []
        offset = 0
        pairs = zip(self.sizes[:-1], self.sizes[1:], strict=True)
        for fan_in, fan_out in pairs:
            w = slice(offset, offset + fan_out * fan_in)
            b = slice(w.stop, w.stop + fan_out)
            offset = b.stop
            self.weight_slices.append(w)
            self.bias_slices.append(b)
            self.weights.append(self.theta[w].reshape(fan_out, fan_in))
            self.biases.append(self.theta[b].reshape(fan_out, 1))
            self.weight_grads.append(self.grad[w].reshape(fan_out, fan_in))
            self.bias_grads.append(self.grad[b])
        self.parameter_index = ParameterIndex.for_network(self.sizes)
        self.parameter_names: tuple[str, ...] = self.parameter_index.names
        self._workspaces: dict[int, _Workspace] = {}

    # ------------------------------------------------------------------ set-up
    @property
    def n_params(self) -> int:
        return self.theta.size

    @property
    def n_layers(self) -> int:
        return len(self.weights)

    def initialize(self, scheme: str, seed: int, scale: float = 0.1) -> None:
        """Draw the weights layer by layer from Generator(seed); biases 0."""
        rng = np.random.default_rng(seed)
        for w, b in zip(self.weights, self.biases, strict=True):
            w[...] = draw_weights(scheme, w.shape, rng, scale)
            b[...] = 0.0

    def _workspace(self, n: int) -> _Workspace:
        ws = self._workspaces.get(n)
        if ws is None:
            if len(self._workspaces) > 4:  # e.g. train, test, last partial batch, probes
                self._workspaces.clear()
            shapes = [(units, n) for units in self.sizes[1:]]
            ws = _Workspace(
                z=[np.empty(s) for s in shapes],
                a=[np.empty(s) for s in shapes],
                delta=[np.empty(s) for s in shapes],
                grad_a=[np.empty(s) for s in shapes],
            )
            self._workspaces[n] = ws
        return ws

    # ------------------------------------------------------------------ forward
    def _forward(self, x: np.ndarray) -> _Workspace:
        ws = self._workspace(x.shape[1])
        a_prev = x
        layers = zip(self.weights, self.biases, self.activations, ws.z, ws.a, strict=True)
        for w, b, act, z, a in layers:
            np.dot(w, a_prev, out=z)  # z = W a_prev + b
            z += b
            act.forward(z, out=a)
            a_prev = a
        return ws

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The network's output for inputs x (features x samples), as a new array."""
        with np.errstate(all="ignore"):
            return self._forward(x).a[-1].copy()

    def layer_values(self, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(z_l, a_l) for every layer, as copies (for diagrams and the chain-rule view)."""
        with np.errstate(all="ignore"):
            ws = self._forward(x)
            return [(z.copy(), a.copy()) for z, a in zip(ws.z, ws.a, strict=True)]

    def penalty(self) -> float:
        """The regularisation part of the cost: rate * sum(w^2) (l2) or rate * sum(|w|) (l1)."""
        if self.regularization == "none" or self.regularization_rate == 0.0:
            return 0.0
        if self.regularization == "l2":
            total = sum(float(np.vdot(w, w)) for w in self.weights)
        else:
            total = sum(float(np.abs(w).sum()) for w in self.weights)
        return self.regularization_rate * total

    def cost(self, x: np.ndarray, y: np.ndarray) -> float:
        """Cost (loss + penalty) at the current parameters, forward pass only."""
        if x.shape[1] == 0:
            return float("nan")
        with np.errstate(all="ignore"):
            ws = self._forward(x)
            return self.loss.cost(ws.z[-1], ws.a[-1], y) + self.penalty()

    def data_cost(self, x: np.ndarray, y: np.ndarray) -> float:
        """The loss alone (no penalty) on (x, y), forward pass only; the caller sets np.errstate.

        The lean call for code that evaluates the cost many times (a loss-surface grid).
        """
        ws = self._forward(x)
        return self.loss.cost(ws.z[-1], ws.a[-1], y)

    def deltas(self, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
        """dC/dz of every layer (units x samples, copies) by one backward pass on (x, y).

        Overwrites `self.grad` as `cost_and_gradient` does.
        """
        with np.errstate(all="ignore"):
            self.cost_and_gradient(x, y)
        return [d.copy() for d in self._workspace(x.shape[1]).delta]

    # ------------------------------------------------------------------ backward
    def cost_and_gradient(self, x: np.ndarray, y: np.ndarray) -> float:
        """Cost at the current parameters on (x, y); writes dC/dtheta into `self.grad`.

        Backpropagation is the chain rule applied layer by layer from the output:
          delta_L = dC/dz_L                      (the loss fused with the output activation)
          dC/dW_l = delta_l a_{l-1}^T,  dC/db_l = sum over samples of delta_l
          delta_{l-1} = f'_{l-1}(z_{l-1}) * (W_l^T delta_l)
        The caller sets np.errstate: a diverging run gives inf/nan, which the trainer reports.
        """
        ws = self._forward(x)
        last = self.n_layers - 1
        cost = self.loss.cost_and_delta(
            ws.z[last],
            ws.a[last],
            y,
            self.activations[last],
            out=ws.delta[last],
            scratch=ws.grad_a[last],
        )
        for layer in range(last, -1, -1):
            delta = ws.delta[layer]
            a_prev = ws.a[layer - 1] if layer else x
            np.dot(delta, a_prev.T, out=self.weight_grads[layer])
            np.add.reduce(delta, axis=1, out=self.bias_grads[layer])
            if layer:
                grad_a = ws.grad_a[layer - 1]
                np.dot(self.weights[layer].T, delta, out=grad_a)
                self.activations[layer - 1].backward(
                    ws.z[layer - 1], ws.a[layer - 1], grad_a, out=ws.delta[layer - 1]
                )
        if self.regularization != "none" and self.regularization_rate != 0.0:
            cost += self._add_penalty_gradient()
        return cost

    def _add_penalty_gradient(self) -> float:
        rate = self.regularization_rate
        total = 0.0
        for w, gw in zip(self.weights, self.weight_grads, strict=True):
            if self.regularization == "l2":  # d/dw rate w^2 = 2 rate w
                total += float(np.vdot(w, w))
                gw += (2.0 * rate) * w
            else:  # d/dw rate |w| = rate sign(w)   (0 at w = 0)
                total += float(np.abs(w).sum())
                gw += rate * np.sign(w)
        return rate * total
