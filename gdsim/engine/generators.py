"""The generated built-in data sets: 2-D classification problems and 1-D regression curves.

Each maker takes a ``numpy.random.Generator``, the number of samples, the noise and the number
of classes, and returns (x, y): x is (inputs, samples), y the labels or values (samples,), in
class order (the caller shuffles and splits). Only the generator's draws make them random, so
the same seed gives bit-identical arrays. gaussian and spiral take K classes; with K = 2 they
draw and compute exactly as they did before K existed (tests/engine/data keeps that output),
so old configs and seeds replay the same points.
"""

from __future__ import annotations

import numpy as np

XOR_MARGIN = 0.05  # xor points keep at least this far from both axes (before jitter)
CIRCLE_INNER = 0.5  # label 1: radius 0 .. CIRCLE_INNER
CIRCLE_RING = (0.7, 1.0)  # label 0: radius in this ring
GAUSSIAN_STD = 0.25  # blob std before noise is added to it
# K > 2 blobs sit on a circle at least this radius (the two-class centres' distance from 0),
# farther out when needed to keep neighbouring centres BLOB_GAP apart (4 blob stds).
BLOB_RADIUS = 0.5 * np.sqrt(2.0)
BLOB_GAP = 1.0


def class_sizes(samples: int, classes: int) -> np.ndarray:
    """Samples per class, as equal as can be; the first classes get the extra ones (for two
    classes: class 0 gets the extra sample when `samples` is odd)."""
    base, extra = divmod(samples, classes)
    return np.array([base + (1 if k < extra else 0) for k in range(classes)], dtype=np.intp)


def _labels(sizes: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(sizes.size, dtype=np.float64), sizes)


def make_xor(rng, samples, noise, classes=2):
    n0, n1 = class_sizes(samples, 2)
    mag = rng.uniform(XOR_MARGIN, 1.0, size=(2, samples))
    s1 = rng.choice([-1.0, 1.0], size=samples)
    # label 1 (x1*x2 > 0): same signs; label 0: opposite signs
    same = np.concatenate([np.full(n0, -1.0), np.full(n1, 1.0)])
    x = mag * np.stack([s1, s1 * same])
    x += noise * rng.standard_normal(x.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x, y


def make_circle(rng, samples, noise, classes=2):
    n0, n1 = class_sizes(samples, 2)
    lo, hi = CIRCLE_RING
    # uniform over the area: radius = sqrt(uniform(r_min^2, r_max^2))
    r = np.sqrt(
        np.concatenate([rng.uniform(lo * lo, hi * hi, n0), rng.uniform(0.0, CIRCLE_INNER**2, n1)])
    )
    theta = rng.uniform(0.0, 2.0 * np.pi, samples)
    x = np.stack([r * np.cos(theta), r * np.sin(theta)])
    x += noise * rng.standard_normal(x.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x, y


def blob_centres(classes: int) -> np.ndarray:
    """(2, K) blob centres: (-0.5, -0.5) and (0.5, 0.5) for two classes; for more, evenly round
    a circle starting where class 0 of two classes sits (225 degrees)."""
    if classes == 2:
        return np.array([[-0.5, 0.5], [-0.5, 0.5]])
    radius = max(BLOB_RADIUS, 0.5 * BLOB_GAP / np.sin(np.pi / classes))
    angle = 1.25 * np.pi + 2.0 * np.pi * np.arange(classes) / classes
    return radius * np.stack([np.cos(angle), np.sin(angle)])


def make_gaussian(rng, samples, noise, classes=2):
    sizes = class_sizes(samples, classes)
    std = GAUSSIAN_STD + noise
    if classes == 2:
        # the original two-class arithmetic, kept so two-class data stays bit-identical
        centre = np.concatenate([np.full(sizes[0], -0.5), np.full(sizes[1], 0.5)])
    else:
        centre = np.repeat(blob_centres(classes), sizes, axis=1)
    x = centre + std * rng.standard_normal((2, samples))
    return x, _labels(sizes)


def make_spiral(rng, samples, noise, classes=2):
    # TF-playground style: radius grows along the arm, 1.75 turns; arm k is rotated by
    # 2 pi k / K (for two arms 0 and pi exactly, as before K existed).
    sizes = class_sizes(samples, classes)
    frac = rng.uniform(0.0, 1.0, samples)
    shift = np.repeat(2.0 * np.pi * np.arange(classes) / classes, sizes)
    t = 1.75 * 2.0 * np.pi * frac + shift
    x = np.stack([frac * np.sin(t), frac * np.cos(t)])
    x += noise * rng.standard_normal(x.shape)
    return x, _labels(sizes)


def make_linear(rng, samples, noise, classes=2):
    x = rng.uniform(-1.0, 1.0, samples)
    y = 0.8 * x + 0.3 + noise * rng.standard_normal(samples)
    return x[np.newaxis, :], y


def make_sine(rng, samples, noise, classes=2):
    x = rng.uniform(-1.0, 1.0, samples)
    y = np.sin(np.pi * x) + noise * rng.standard_normal(samples)
    return x[np.newaxis, :], y


MAKERS = {
    "xor": make_xor,
    "circle": make_circle,
    "gaussian": make_gaussian,
    "spiral": make_spiral,
    "linear": make_linear,
    "sine": make_sine,
}
