"""Losses, defined as PyTorch defines them (mean reduction), each beside its gradient.

`y` and the network output are features x samples. Every loss returns the cost and writes
dC/dz for the output layer's pre-activation z into `out`, because fusing the last activation
with its loss is both cheaper and numerically stable (no log(0), no overflow for large logits).
`grad_output` gives dC/dyhat on its own, for the chain-rule view of the lessons.
"""

from __future__ import annotations

import abc

import numpy as np

from gdsim.engine.activations import Activation


class Loss(abc.ABC):
    name = ""
    needs_output: str | None = None  # the output activation this loss is defined on, if any

    @abc.abstractmethod
    def cost_and_delta(
        self,
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        act: Activation,
        out: np.ndarray,
        scratch: np.ndarray,
    ) -> float:
        """Return C and write dC/dz into `out` (`scratch` is a free buffer of the same shape)."""

    @abc.abstractmethod
    def cost(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
        """C alone (a forward pass's output), without the gradient."""

    @abc.abstractmethod
    def grad_output(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dC/dyhat, element by element."""


class MeanSquaredError(Loss):
    """C = mean over samples and outputs of (yhat - y)^2  (no 1/2 factor; torch MSELoss)."""

    name = "mse"

    def cost_and_delta(self, z, a, y, act, out, scratch):
        np.subtract(a, y, out=scratch)
        cost = float(np.vdot(scratch, scratch)) / scratch.size
        scratch *= 2.0 / scratch.size  # dC/dyhat = 2 (yhat - y) / N
        act.backward(z, a, scratch, out)
        return cost

    def cost(self, z, a, y):
        d = a - y
        return float(np.vdot(d, d)) / d.size

    def grad_output(self, a, y):
        return 2.0 * (a - y) / a.size


class BinaryCrossEntropy(Loss):
    """C = mean of -[y log(yhat) + (1 - y) log(1 - yhat)] with yhat = sigmoid(z) (torch BCELoss).

    Written in z: -y log s(z) - (1-y) log(1 - s(z)) = softplus(z) - y z, which never takes log(0).
    """

    name = "bce"
    needs_output = "sigmoid"

    def cost_and_delta(self, z, a, y, act, out, scratch):
        np.logaddexp(0.0, z, out=scratch)  # softplus(z) = log(1 + e^z), stable
        np.multiply(y, z, out=out)
        scratch -= out
        cost = float(scratch.sum()) / scratch.size
        np.subtract(a, y, out=out)  # dC/dz = (s(z) - y) / N
        out *= 1.0 / out.size
        return cost

    def cost(self, z, a, y):
        return float((np.logaddexp(0.0, z) - y * z).sum()) / z.size

    def grad_output(self, a, y):  # dC/dyhat = (yhat - y) / (yhat (1 - yhat)) / N
        return (a - y) / (a * (1.0 - a)) / a.size


class CrossEntropy(Loss):
    """C = mean over samples of -log softmax(z)[true class] (torch CrossEntropyLoss).

    Targets are one-hot (or class probabilities) rows; log softmax is computed from z directly.
    """

    name = "cross_entropy"
    needs_output = "softmax"

    @staticmethod
    def _log_softmax(z):
        shifted = z - z.max(axis=0)
        return shifted - np.log(np.exp(shifted).sum(axis=0))

    def cost_and_delta(self, z, a, y, act, out, scratch):
        n = z.shape[1]
        cost = -float(np.vdot(y, self._log_softmax(z))) / n
        np.subtract(a, y, out=out)  # dC/dz = (softmax(z) - y) / n
        out *= 1.0 / n
        return cost

    def cost(self, z, a, y):
        return -float(np.vdot(y, self._log_softmax(z))) / z.shape[1]

    def grad_output(self, a, y):  # dC/dyhat_i = -y_i / (yhat_i n)
        return -y / a / a.shape[1]


LOSSES: dict[str, Loss] = {
    cls.name: cls() for cls in (MeanSquaredError, BinaryCrossEntropy, CrossEntropy)
}


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose from {', '.join(LOSSES)}") from None
