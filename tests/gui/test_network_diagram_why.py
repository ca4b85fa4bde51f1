"""Why this output: one neuron's z taken apart term by term, for any network and any neuron."""

import math

import numpy as np
import pytest

from gdsim.app.views.diagram_numbers import phase_numbers
from gdsim.app.views.diagram_why import TOP, why_neuron
from gdsim.app.views.network_diagram import NetworkDiagramView
from gdsim.engine.trainer import Trainer
from gdsim.session.run_model import run_model
from tests.gui.trainer_state import run_state, show_view


def config(hidden, output, loss, units=(3,), outputs=1, data=None):
    layers = [{"units": u, "activation": hidden} for u in units]
    layers.append({"units": outputs, "activation": output})
    return {
        "network": {"inputs": 2, "layers": layers},
        "loss": loss,
        "init": {"scheme": "xavier_uniform", "seed": 3},
        "optimizer": {"name": "sgd", "learning_rate": 0.3},
        "data": data or {"source": "builtin", "name": "xor", "samples": 12, "seed": 2},
    }


SPIRAL = {"source": "builtin", "name": "spiral", "classes": 3, "samples": 15, "seed": 1}
CASES = {
    "tanh-sigmoid-bce": config("tanh", "sigmoid", "bce"),
    "relu-linear-mse": config("relu", "linear", "mse", units=(5, 4)),
    "sigmoid-tanh-mse": config("sigmoid", "tanh", "mse"),
    "leaky-softmax-ce": config(
        "leaky_relu", "softmax", "cross_entropy", units=(6,), outputs=3, data=SPIRAL
    ),
    "linear-sigmoid-bce-wide": config("linear", "sigmoid", "bce", units=(40, 30)),
}


def numbers_of(cfg, steps=5, sample=2):
    trainer = Trainer(cfg)
    trainer.step(steps)
    info, snap = run_state(trainer)
    model = run_model(info.config)
    net = model.network
    net.theta[...] = snap.parameters
    return trainer, phase_numbers(net, model.x_train, model.y_train, sample, snap, True), model


@pytest.mark.parametrize("name", CASES)
def test_terms_add_up_to_z_and_a_is_f_of_z(name):
    trainer, n, model = numbers_of(CASES[name])
    reference = trainer.objective.network.layer_values(model.x_train[:, 2:3])
    names = trainer.parameter_names
    for layer in range(1, n.net.n_layers + 1):
        for j in range(1, n.net.sizes[layer] + 1):
            why = why_neuron(n, layer, j)
            z, a = reference[layer - 1][0][j - 1, 0], reference[layer - 1][1][j - 1, 0]
            assert abs(why.total() - z) <= 1e-12 and why.z == z and why.a == a
            assert len(why.terms) == n.net.sizes[layer - 1]
            sizes = [abs(t.value) for t in why.terms]
            assert sizes == sorted(sizes, reverse=True)
            for t in why.terms:  # the table's values, by the table's names
                assert t.w == trainer.parameters[names.index(t.weight)]
            assert why.bias == trainer.parameters[names.index(f"b{layer}_{j}")]
            assert f"+ bias b{layer}_{j} = " in why.text
            assert f"z{layer}_{j} = {format(z + 0.0, '.9g')}" in why.text
    act = CASES[name]["network"]["layers"][-1]["activation"]
    out = why_neuron(n, n.net.n_layers, 1)
    assert out.target == float(n.ys[0, 0]) and out.loss == pytest.approx(float(n.loss), abs=0)
    shares = sum(why_neuron(n, n.net.n_layers, j).share for j in range(1, n.net.sizes[-1] + 1))
    assert shares == pytest.approx(float(n.loss), rel=1e-12)
    assert f"with f = {act}" in out.text or act in out.text
    assert "target y1 = " in out.text and "L = " in out.text


def test_a_wide_layer_shows_the_top_terms_and_sums_the_rest():
    _, n, _ = numbers_of(CASES["linear-sigmoid-bce-wide"])
    why = why_neuron(n, 2, 7)  # 40 inputs
    shown = [line for line in why.lines if line.startswith("  w2_7_")]
    assert len(shown) == TOP
    rest = math.fsum(t.value for t in why.terms[TOP:])
    assert f"… {40 - TOP} more terms: {format(rest + 0.0, '.9g')}" in why.text
    first = why.terms[0]
    assert shown[0].startswith(f"  {first.weight} · a1_")
    with pytest.raises(ValueError):
        why_neuron(n, 2, 31)


def test_softmax_output_shows_the_shifted_exponentials():
    _, n, _ = numbers_of(CASES["leaky-softmax-ce"])
    why = why_neuron(n, 2, 2)
    z = n.values[-1][0][:, 0]
    e = np.exp(z - z.max())
    assert why.a == pytest.approx(e[1] / e.sum(), rel=1e-12)
    assert "softmax(z)_j = e^z_j / Σ e^z" in why.text
    assert "this output's part of the loss (cross_entropy)" in why.text


def test_clicking_a_neuron_of_any_size_network(qtbot):
    trainer = Trainer(CASES["linear-sigmoid-bce-wide"])
    trainer.step(2)
    view = show_view(qtbot, NetworkDiagramView(), trainer, (1000, 500))
    assert not view.worked_button.isEnabled()  # too big to write out, but why works
    view.select_sample(4)
    view.select_neuron(2, 3)
    assert view.side.isVisible() and view.side.currentWidget() is view.neuron_panel
    text = view.why_text()
    assert text.startswith("WHY THIS NUMBER: neuron 3 of layer 2, sample 5")
    assert "… 28 more terms" in text
    view.select_sample(0)  # follows the sample
    assert "sample 1" in view.why_text().splitlines()[0]
    view.select_neuron(3, 1)
    assert view.why_text().startswith("WHY THIS OUTPUT: output 1, sample 1")
