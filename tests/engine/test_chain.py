"""The chain-rule breakdown agrees with backpropagation and with finite differences."""

import numpy as np
import pytest

from gdsim.engine.chain import chain_rule, finite_difference_gradient
from gdsim.engine.network import Network
from tests.engine.test_network import targets_for

NETS = [
    ([1, 1], ["sigmoid"], "mse"),  # the seed's one-neuron example
    ([2, 3, 1], ["tanh", "sigmoid"], "bce"),
    ([3, 4, 3, 2], ["relu", "tanh", "linear"], "mse"),
    ([2, 3, 3], ["leaky_relu", "softmax"], "cross_entropy"),
    ([2, 2, 3], ["sigmoid", "softmax"], "mse"),
]


def make(sizes, acts, loss, seed=0):
    rng = np.random.default_rng(seed)
    net = Network(sizes[0], sizes[1:], acts, loss, "l2", 0.1)
    net.initialize("normal", seed, scale=0.9)
    net.theta += rng.normal(scale=0.2, size=net.n_params)
    x = rng.normal(size=(sizes[0], 5))
    return net, x, targets_for(loss, sizes[-1], 5, rng)


def test_the_seed_chain_for_one_neuron():
    # yhat = sigmoid(w x), L = (yhat - y)^2: dL/dw = 2(yhat - y) * yhat(1 - yhat) * x
    net = Network(1, [1], ["sigmoid"], "mse")
    net.theta[:] = [0.5, 0.0]
    x, y = np.array([[2.0]]), np.array([[1.0]])
    b = chain_rule(net, x, y, "w1_1_1")
    yhat = 1 / (1 + np.exp(-1.0))
    (path,) = b.paths
    labels = [f.label for f in path.factors]
    assert labels == ["dz1_1/dw1_1_1", "dŷ1/dz1_1", "dL/dŷ1"]
    values = [f.value for f in path.factors]
    assert values == pytest.approx([2.0, yhat * (1 - yhat), 2 * (yhat - 1)], rel=1e-15)
    assert path.product == pytest.approx(b.backprop, rel=1e-12)


@pytest.mark.parametrize("sizes,acts,loss", NETS)
def test_every_parameter_chain_equals_backprop_and_finite_differences(sizes, acts, loss):
    net, x, y = make(sizes, acts, loss)
    for name in net.parameter_names:
        for sample in (0, 3):
            b = chain_rule(net, x, y, name, sample=sample)
            assert b.complete
            assert b.paths_sum == pytest.approx(b.backprop, rel=1e-12, abs=1e-14)
            assert b.chain_total == pytest.approx(b.backprop, rel=1e-12, abs=1e-14)
            assert b.finite_difference == pytest.approx(b.backprop, rel=1e-5, abs=1e-8)


def test_deep_weights_sum_over_every_path():
    net, x, y = make([2, 3, 4, 2], ["tanh", "tanh", "softmax"], "cross_entropy")
    b = chain_rule(net, x, y, "w1_2_1")
    # neuron 2 of layer 1 -> 4 neurons of layer 2 -> 2 logits -> 2 softmax outputs
    assert len(b.paths) == 4 * 2 * 2
    assert all(len(p.factors) == 1 + 2 + 2 + 2 for p in b.paths)


def test_breakdown_leaves_the_network_unchanged():
    net, x, y = make([2, 3, 1], ["tanh", "sigmoid"], "bce")
    theta, grad = net.theta.copy(), net.grad.copy()
    chain_rule(net, x, y, 4)
    assert np.array_equal(net.theta, theta) and np.array_equal(net.grad, grad)
    assert net.regularization == "l2"


def test_finite_difference_gradient_matches_the_full_gradient():
    net, x, y = make([3, 4, 3, 2], ["relu", "tanh", "linear"], "mse")
    net.cost_and_gradient(x, y)
    np.testing.assert_allclose(
        finite_difference_gradient(net, x, y), net.grad, rtol=1e-6, atol=1e-8
    )
