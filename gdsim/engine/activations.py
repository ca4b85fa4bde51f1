"""Activation functions a = f(z), each written beside its derivative.

Arrays are laid out features x samples. `forward` and `backward` write into caller-owned
buffers (`out=`) because small networks are bound by per-call overhead, not arithmetic.
Callers run these under ``np.errstate(all="ignore")``: overflow is reported as divergence by
the trainer, not as a warning.
"""

from __future__ import annotations

import abc

import numpy as np

LEAKY_SLOPE = 0.01


class Activation(abc.ABC):
    name = ""

    @abc.abstractmethod
    def forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """a = f(z)."""

    @abc.abstractmethod
    def backward(
        self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray, out: np.ndarray
    ) -> np.ndarray:
        """dC/dz from dC/da (element-wise f'(z) * dC/da, except softmax)."""

    @abc.abstractmethod
    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """da/dz element by element (for the chain-rule inspector; softmax: the diagonal)."""


class Linear(Activation):
    name = "linear"

    def forward(self, z, out):  # a = z
        np.copyto(out, z)
        return out

    def backward(self, z, a, grad_a, out):  # da/dz = 1
        np.copyto(out, grad_a)
        return out

    def derivative(self, z, a):
        return np.ones_like(z)


class Sigmoid(Activation):
    name = "sigmoid"

    def forward(self, z, out):  # a = 1 / (1 + e^-z)   (accurate in both tails)
        np.negative(z, out=out)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)
        return out

    def backward(self, z, a, grad_a, out):  # da/dz = a (1 - a)
        np.subtract(1.0, a, out=out)
        out *= a
        out *= grad_a
        return out

    def derivative(self, z, a):
        return a * (1.0 - a)


class Tanh(Activation):
    name = "tanh"

    def forward(self, z, out):  # a = tanh z
        return np.tanh(z, out=out)

    def backward(self, z, a, grad_a, out):  # da/dz = 1 - a^2
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
        out *= grad_a
        return out

    def derivative(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    name = "relu"

    def forward(self, z, out):  # a = max(z, 0)
        return np.maximum(z, 0.0, out=out)

    def backward(self, z, a, grad_a, out):  # da/dz = 1 if z > 0 else 0 (0 at z = 0, as PyTorch)
        return np.multiply(grad_a, z > 0.0, out=out)

    def derivative(self, z, a):
        return (z > 0.0).astype(np.float64)


class LeakyReLU(Activation):
    name = "leaky_relu"

    def forward(self, z, out):  # a = z if z > 0 else 0.01 z   (= max(z, 0.01 z) since 0.01 < 1)
        np.multiply(z, LEAKY_SLOPE, out=out)
        return np.maximum(z, out, out=out)

    def backward(self, z, a, grad_a, out):  # da/dz = 1 if z > 0 else 0.01
        return np.multiply(grad_a, np.where(z > 0.0, 1.0, LEAKY_SLOPE), out=out)

    def derivative(self, z, a):
        return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


class Softmax(Activation):
    """a_i = e^{z_i} / sum_j e^{z_j}, over the features of each sample (axis 0)."""

    name = "softmax"

    def forward(self, z, out):
        np.subtract(z, z.max(axis=0), out=out)  # shift by the max: e^z never overflows
        np.exp(out, out=out)
        out /= out.sum(axis=0)
        return out

    def backward(self, z, a, grad_a, out):
        # da_i/dz_k = a_i (delta_ik - a_k), so dC/dz_k = a_k (dC/da_k - sum_i a_i dC/da_i)
        np.subtract(grad_a, np.einsum("ij,ij->j", a, grad_a), out=out)
        out *= a
        return out

    def derivative(self, z, a):
        return a * (1.0 - a)


ACTIVATIONS: dict[str, Activation] = {
    cls.name: cls() for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax)
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        choices = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; choose from {choices}") from None
