"""Built-in cost surfaces C(w1, w2) for the two-parameter lesson, and a grid helper (no Qt).

Each surface is plain data: a formula in w1 and w2, where the ball starts, a learning rate
that shows the surface's character with plain gradient descent, the part of the plane to draw,
and learning rates for the adaptive optimizers of the race (SGD, momentum and Nesterov use the
lesson's learning rate, so the race's SGD path is the lesson's own path).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

PARAMETERS = ("w1", "w2")


@dataclass(frozen=True)
class Surface:
    key: str
    name: str
    formula: str
    start: tuple[float, float]
    learning_rate: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    race_rates: dict[str, float] = field(default_factory=lambda: {"rmsprop": 0.02, "adam": 0.1})
    note: str = ""
    mark_minimum: bool = True  # star the lowest grid point (not for surfaces without one)


SURFACES: tuple[Surface, ...] = (
    Surface(
        "bowl",
        "Bowl",
        "w1**2 + w2**2",
        (-3.0, 2.0),
        0.1,
        (-4.0, 4.0),
        (-3.5, 3.5),
        {"rmsprop": 0.02, "adam": 0.1},
        "Round bowl: the gradient points straight away from the bottom.",
    ),
    Surface(
        "valley",
        "Elongated valley",
        "w1**2 + 10*w2**2",
        (-4.0, 1.5),
        0.08,
        (-5.0, 5.0),
        (-2.5, 2.5),
        {"rmsprop": 0.02, "adam": 0.1},
        "Steep across, shallow along: plain steps zig-zag across the valley.",
    ),
    Surface(
        "saddle",
        "Saddle",
        "w1**2 - w2**2",
        (-2.5, 0.05),
        0.1,
        (-3.0, 3.0),
        (-3.0, 3.0),
        {"rmsprop": 0.02, "adam": 0.1},
        "A minimum along w1 but a maximum along w2: the path slides in, then escapes.",
        mark_minimum=False,
    ),
    Surface(
        "rosenbrock",
        "Rosenbrock",
        "(1 - w1)**2 + 100*(w2 - w1**2)**2",
        (0.0, 2.5),
        0.0005,
        (-2.0, 2.0),
        (-1.75, 3.0),
        {"rmsprop": 0.01, "adam": 0.1},
        "A curved, flat-bottomed valley; the minimum is at (1, 1).",
    ),
    Surface(
        "minima",
        "Several minima",
        "sin(3*w1)*cos(3*w2) + 0.1*(w1**2 + w2**2)",
        (1.3, 1.4),
        0.05,
        (-3.0, 3.0),
        (-3.0, 3.0),
        {"rmsprop": 0.01, "adam": 0.05},
        "Several dips: where you start decides which one you end in.",
    ),
)

BY_KEY = {s.key: s for s in SURFACES}


def find_surface(name: str) -> Surface:
    """A built-in surface by key ("valley") or display name ("Elongated valley")."""
    for s in SURFACES:
        if name in (s.key, s.name) or name.lower() == s.name.lower():
            return s
    raise KeyError(f"unknown surface {name!r}; built-ins: {', '.join(s.key for s in SURFACES)}")


def grid(
    expr, x_range: tuple[float, float], y_range: tuple[float, float], n: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W1, W2, C) on an n x n grid, each of shape (n, n): row i is w2 = ys[i], column j is
    w1 = xs[j] (row-major, as the contour image draws it). C comes from expr.evaluate."""
    xs = np.linspace(x_range[0], x_range[1], n)
    ys = np.linspace(y_range[0], y_range[1], n)
    w1, w2 = np.meshgrid(xs, ys)
    c = np.asarray(expr.evaluate({"w1": w1, "w2": w2}), dtype=np.float64)
    return w1, w2, np.broadcast_to(c, w1.shape).copy()
