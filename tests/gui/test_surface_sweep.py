"""The loss surface's grid, computed only where a cell changes it and a slice at a time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdsim.app.views.surface_grid import GRID, GridSweep, cost_grid
from gdsim.engine.network import Network

NETS = [  # sizes, activations, loss, regularisation
    ((2, 4, 1), ("tanh", "sigmoid"), "bce", ("none", 0.0)),
    ((3, 5, 4, 3), ("relu", "tanh", "softmax"), "cross_entropy", ("l2", 0.01)),
    ((2, 3, 3, 2), ("sigmoid", "leaky_relu", "linear"), "mse", ("l1", 0.02)),
]


def network(sizes, activations, loss, reg, seed=0):
    net = Network(sizes[0], sizes[1:], activations, loss, *reg)
    net.initialize("xavier_normal", seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(sizes[0], 30))
    if loss == "cross_entropy":
        y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], 30)]
    elif loss == "bce":
        y = rng.integers(0, 2, size=(1, 30)).astype(float)
    else:
        y = rng.normal(size=(sizes[-1], 30))
    return net, x, y


def pairs(net):
    """In one neuron, two of a layer, two layers, a weight with a bias, the first with the last."""
    names = net.parameter_names
    first, last = names.index("w1_1_1"), len(names) - 1
    second_layer = names.index("w2_1_1")
    return [
        (first, first + 1),
        (first, names.index("w1_2_1")),
        (first, second_layer),
        (names.index("b1_2"), second_layer + 1),
        (second_layer, last),
        (first, last),
    ]


@pytest.mark.parametrize("spec", NETS, ids=lambda s: "-".join(map(str, s[0])))
def test_every_cell_is_the_cost_with_the_pair_set(spec):
    net, x, y = network(*spec)
    current = net.theta.copy()
    for ix, iy in pairs(net):
        xs, ys, costs = cost_grid(net, x, y, current, ix, iy, (1.5, 0.7))
        assert np.array_equal(net.theta, current)  # (left as it was)
        check = Network(
            net.sizes[0],
            net.sizes[1:],
            [a.name for a in net.activations],
            net.loss.name,
            net.regularization,
            net.regularization_rate,
        )
        for i, j in [(0, 0), (GRID // 2, GRID // 2), (3, GRID - 1), (GRID - 1, 7), (11, 29)]:
            check.theta[...] = current
            check.theta[ix], check.theta[iy] = xs[i], ys[j]
            expected = check.cost(x, y)
            assert costs[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-14), (ix, iy, i, j)


def test_slices_add_up_to_the_grid_computed_at_once():
    net, x, y = network(*NETS[1])
    current = net.theta.copy()
    whole = cost_grid(net, x, y, current, 0, 17, (1.0, 1.0))[2]
    sweep = GridSweep(net, x, y, current, 0, 17, (1.0, 1.0))
    slices = 0
    while not sweep.advance(0.0):  # one cell a slice
        slices += 1
        assert np.array_equal(net.theta, current)
    assert slices == GRID * GRID - 1
    np.testing.assert_array_equal(sweep.costs, whole)


def test_a_pair_that_is_not_finite_has_no_grid():
    net, x, y = network(*NETS[0])
    current = net.theta.copy()
    current[0] = math.inf
    assert cost_grid(net, x, y, current, 0, 1, (1.0, 1.0)) is None
