"""The network's cost and gradient: against central finite differences and against PyTorch."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdsim.engine.network import Network

HIDDEN = ["linear", "sigmoid", "tanh", "relu", "leaky_relu"]
# (output activation, loss) pairs the config accepts
OUTPUTS = [(act, "mse") for act in HIDDEN + ["softmax"]] + [
    ("sigmoid", "bce"),
    ("softmax", "cross_entropy"),
]


def targets_for(loss, n_out, n, rng):
    if loss == "mse":
        return rng.normal(size=(n_out, n))
    if loss == "bce":
        return rng.integers(0, 2, size=(n_out, n)).astype(float)
    onehot = np.zeros((n_out, n))
    onehot[rng.integers(0, n_out, size=n), np.arange(n)] = 1.0
    return onehot


def finite_difference(net, x, y, h=1e-6):
    grad = np.zeros(net.n_params)
    for i in range(net.n_params):
        keep = net.theta[i]
        net.theta[i] = keep + h
        up = net.cost(x, y)
        net.theta[i] = keep - h
        down = net.cost(x, y)
        net.theta[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad


@st.composite
def networks(draw):
    n_in = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.tuples(st.integers(1, 4), st.sampled_from(HIDDEN)), max_size=2))
    out_act, loss = draw(st.sampled_from(OUTPUTS))
    n_out = draw(st.integers(2, 3)) if out_act == "softmax" else draw(st.integers(1, 2))
    reg = draw(st.sampled_from(["none", "l1", "l2"]))
    rate = draw(st.sampled_from([0.0, 0.01, 0.3]))
    n = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    return n_in, hidden, out_act, n_out, loss, reg, rate, n, seed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_gradient_matches_central_finite_differences(spec):
    n_in, hidden, out_act, n_out, loss, reg, rate, n, seed = spec
    rng = np.random.default_rng(seed)
    net = Network(
        n_in, [u for u, _ in hidden] + [n_out], [a for _, a in hidden] + [out_act], loss, reg, rate
    )
    net.initialize("normal", seed, scale=0.8)
    net.theta += rng.normal(scale=0.1, size=net.n_params)  # biases away from 0 too
    x = rng.normal(size=(n_in, n))
    y = targets_for(loss, n_out, n, rng)
    with np.errstate(all="raise"):
        cost = net.cost_and_gradient(x, y)
    assert np.isfinite(cost)
    assert cost == pytest.approx(net.cost(x, y), rel=1e-12, abs=1e-15)
    fd = finite_difference(net, x, y)
    # Central differences are exact to O(h^2) except within h of a kink (relu at 0, |w| at 0),
    # which random draws miss almost surely; tolerance scaled to the gradient's size.
    np.testing.assert_allclose(net.grad, fd, rtol=1e-5, atol=1e-6 * (1 + np.abs(fd).max()))


def test_parameter_names_follow_the_contract_order():
    net = Network(2, [3, 1], ["tanh", "sigmoid"], "bce")
    names = net.parameter_names
    assert names[:7] == ("w1_1_1", "w1_1_2", "w1_2_1", "w1_2_2", "w1_3_1", "w1_3_2", "b1_1")
    assert names[9:] == ("w2_1_1", "w2_1_2", "w2_1_3", "b2_1")
    assert net.n_params == len(names) == 13
    # the weight into neuron j of layer l from neuron k is theta at that name's index
    net.theta[:] = np.arange(13)
    assert net.weights[0][2, 1] == names.index("w1_3_2")
    assert net.biases[1][0, 0] == names.index("b2_1")


def test_same_seed_same_parameters_and_different_seed_different():
    a, b, c = (Network(2, [4, 1], ["tanh", "sigmoid"], "bce") for _ in range(3))
    a.initialize("xavier_uniform", 5)
    b.initialize("xavier_uniform", 5)
    c.initialize("xavier_uniform", 6)
    assert np.array_equal(a.theta, b.theta)
    assert not np.array_equal(a.theta, c.theta)
    assert np.all(a.biases[0] == 0) and np.all(a.biases[1] == 0)


@pytest.mark.parametrize(
    "scheme,fan_in,fan_out,expected_std",
    [
        ("xavier_uniform", 200, 300, np.sqrt(2 / 500)),
        ("xavier_normal", 200, 300, np.sqrt(2 / 500)),
        ("he_uniform", 200, 300, np.sqrt(2 / 200)),
        ("he_normal", 200, 300, np.sqrt(2 / 200)),
        ("uniform", 200, 300, 0.5 / np.sqrt(3)),
        ("normal", 200, 300, 0.5),
    ],
)
def test_initial_weight_spread_matches_the_scheme(scheme, fan_in, fan_out, expected_std):
    net = Network(fan_in, [fan_out], ["linear"], "mse")
    net.initialize(scheme, 0, scale=0.5)
    assert net.weights[0].std() == pytest.approx(expected_std, rel=0.02)


def test_large_logits_do_not_overflow_the_losses():
    rng = np.random.default_rng(0)
    for out_act, loss, n_out in [("sigmoid", "bce", 1), ("softmax", "cross_entropy", 3)]:
        net = Network(2, [n_out], [out_act], loss)
        net.initialize("normal", 0, scale=500.0)
        x = rng.normal(size=(2, 8))
        y = targets_for(loss, n_out, 8, rng)
        with np.errstate(all="ignore"):
            cost = net.cost_and_gradient(x, y)
        assert np.isfinite(cost) and cost > 1.0
        assert np.all(np.isfinite(net.grad))


def test_relu_derivative_is_zero_at_zero():
    net = Network(1, [1], ["relu"], "mse")
    net.theta[:] = [1.0, 0.0]  # z = x
    net.cost_and_gradient(np.array([[0.0]]), np.array([[1.0]]))
    assert np.all(net.grad == 0.0)


# ---------------------------------------------------------------------- PyTorch as the oracle
torch_cases = [
    ([2, 4, 4, 1], ["tanh", "tanh", "linear"], "mse", "none", 0.0),
    ([2, 5, 1], ["relu", "sigmoid"], "bce", "l2", 0.01),
    ([3, 6, 3], ["leaky_relu", "softmax"], "cross_entropy", "l1", 0.001),
    ([2, 3, 3], ["sigmoid", "softmax"], "mse", "none", 0.0),
]


def torch_model(torch, sizes, acts, theta):
    layers = []
    offset = 0
    mods = {
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "relu": torch.nn.ReLU,
        "linear": torch.nn.Identity,
        "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
        "softmax": lambda: torch.nn.Softmax(dim=1),
    }
    for fan_in, fan_out, act in zip(sizes[:-1], sizes[1:], acts, strict=True):
        lin = torch.nn.Linear(fan_in, fan_out).double()
        with torch.no_grad():
            lin.weight.copy_(
                torch.from_numpy(theta[offset : offset + fan_in * fan_out].reshape(fan_out, fan_in))
            )
            offset += fan_in * fan_out
            lin.bias.copy_(torch.from_numpy(theta[offset : offset + fan_out]))
            offset += fan_out
        layers += [lin, mods[act]()]
    return torch.nn.Sequential(*layers)


def torch_cost(torch, model, loss, reg, rate, x, y):
    out = model(x)
    if loss == "mse":
        value = torch.nn.functional.mse_loss(out, y)
    elif loss == "bce":
        value = torch.nn.functional.binary_cross_entropy(out, y)
    else:  # CrossEntropyLoss takes logits: feed the log of the softmax output
        value = torch.nn.functional.nll_loss(torch.log(out), y.argmax(dim=1))
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    if reg == "l2":
        value = value + rate * sum((w**2).sum() for w in weights)
    elif reg == "l1":
        value = value + rate * sum(w.abs().sum() for w in weights)
    return value


@pytest.mark.torch
@pytest.mark.parametrize("sizes,acts,loss,reg,rate", torch_cases)
def test_cost_and_gradient_equal_pytorch(sizes, acts, loss, reg, rate):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    net = Network(sizes[0], sizes[1:], acts, loss, reg, rate)
    net.initialize("xavier_normal", 3)
    x = rng.normal(size=(sizes[0], 50))
    y = targets_for(loss, sizes[-1], 50, rng)
    cost = net.cost_and_gradient(x, y)

    model = torch_model(torch, sizes, acts, net.theta)
    value = torch_cost(
        torch, model, loss, reg, rate, torch.from_numpy(x.T.copy()), torch.from_numpy(y.T.copy())
    )
    value.backward()
    grads = torch.cat(
        [
            torch.cat([m.weight.grad.reshape(-1), m.bias.grad])
            for m in model
            if isinstance(m, torch.nn.Linear)
        ]
    ).numpy()
    assert cost == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(net.grad, grads, rtol=1e-10, atol=1e-14)


def test_data_cost_is_the_cost_without_the_penalty_and_deltas_give_the_gradient():
    net = Network(2, [3, 1], ["tanh", "sigmoid"], "bce", "l2", 0.01)
    net.initialize("xavier_normal", seed=3)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2, 5)), rng.integers(0, 2, size=(1, 5)).astype(float)
    assert net.data_cost(x, y) == pytest.approx(net.cost(x, y) - net.penalty(), rel=1e-15)
    deltas = net.deltas(x, y)
    assert [d.shape for d in deltas] == [(3, 5), (1, 5)]
    # dC/dW_l = delta_l a_{l-1}^T: the deltas reproduce the data part of the weight gradient
    a1 = net.layer_values(x)[0][1]
    expected = deltas[1] @ a1.T + 2 * 0.01 * net.weights[1]
    np.testing.assert_allclose(net.weight_grads[1], expected, rtol=1e-12)
