"""Initial weights, drawn from numpy.random.Generator(seed): the same seed gives the same start.

Fan-in and fan-out as torch.nn.init defines them for a (out, in) weight matrix. Biases start at 0.
"""

from __future__ import annotations

import math

import numpy as np

from gdsim.config.names import INIT_SCHEMES  # the one list of names (config and engine)


def draw_weights(
    scheme: str, shape: tuple[int, int], rng: np.random.Generator, scale: float = 0.1
) -> np.ndarray:
    fan_out, fan_in = shape
    if scheme == "xavier_uniform":  # U(-a, a), a = sqrt(6 / (fan_in + fan_out))
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, size=shape)
    if scheme == "xavier_normal":  # N(0, 2 / (fan_in + fan_out))
        return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=shape)
    if scheme == "he_uniform":  # U(-a, a), a = sqrt(6 / fan_in)   (kaiming_uniform, relu gain)
        bound = math.sqrt(6.0 / fan_in)
        return rng.uniform(-bound, bound, size=shape)
    if scheme == "he_normal":  # N(0, 2 / fan_in)
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)
    if scheme == "uniform":
        return rng.uniform(-scale, scale, size=shape)
    if scheme == "normal":
        return rng.normal(0.0, scale, size=shape)
    if scheme == "zeros":
        return np.zeros(shape)
    raise ValueError(f"unknown init scheme {scheme!r}; choose from {', '.join(INIT_SCHEMES)}")
