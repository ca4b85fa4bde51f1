"""The Worked numbers text (gdsim.app.views.diagram_worked): its numbers are the trainer's."""

import pytest

from gdsim.app.views.diagram_numbers import phase_numbers
from gdsim.app.views.diagram_worked import worked, worked_limit
from gdsim.engine.trainer import Trainer
from gdsim.session.run_model import run_model
from tests.gui.trainer_state import run_state


def config(hidden, output, loss, units=(3,), outputs=1, data=None, **extra):
    layers = [{"units": u, "activation": hidden} for u in units]
    layers.append({"units": outputs, "activation": output})
    return {
        "network": {"inputs": 2, "layers": layers},
        "loss": loss,
        "init": {"scheme": "xavier_uniform", "seed": 3},
        "optimizer": {"name": "sgd", "learning_rate": 0.3},
        "data": data or {"source": "builtin", "name": "xor", "samples": 12, "seed": 2},
        **extra,
    }


CASES = {
    f"{act}-{loss}": config(act, "sigmoid" if loss == "bce" else out, loss)
    for act in ("linear", "relu", "tanh", "sigmoid", "leaky_relu")
    for loss, out in (("mse", "linear"), ("bce", "sigmoid"))
}
CASES["tanh-mse-sigmoid-2-hidden"] = config("tanh", "sigmoid", "mse", units=(4, 3))
CASES["relu-softmax-cross-entropy"] = config(
    "relu", "softmax", "cross_entropy", units=(4, 2), outputs=3,
    data={"source": "builtin", "name": "spiral", "classes": 3, "samples": 15, "seed": 1},
)  # fmt: skip
CASES["sigmoid-mse-l2"] = config(
    "sigmoid", "tanh", "mse", regularization={"kind": "l2", "rate": 0.01}
)
CASES["tanh-bce-l1"] = config("tanh", "sigmoid", "bce", regularization={"kind": "l1", "rate": 0.02})


def numbers_of(trainer, sample=1):
    info, snap = run_state(trainer)
    model = run_model(info.config)
    net = model.network
    net.theta[...] = snap.parameters
    n = phase_numbers(net, model.x_train, model.y_train, sample, snap, True)
    return n, model, snap


@pytest.mark.parametrize("name", CASES)
def test_the_numbers_are_the_trainers(name):
    trainer = Trainer(CASES[name])
    trainer.step(3)
    n, model, snap = numbers_of(trainer)
    x, y = model.x_train, model.y_train
    names = trainer.parameter_names
    forward = worked(n, 1, x, y, True, snap.learning_rate)
    layers = trainer.objective.network.layer_values(x[:, 1:2])
    for layer, (z, a) in enumerate(layers, 1):
        for j in range(z.shape[0]):
            assert forward.values[f"z{layer}_{j + 1}"] == pytest.approx(z[j, 0], abs=1e-12)
            assert forward.values[f"a{layer}_{j + 1}"] == pytest.approx(a[j, 0], abs=1e-12)
    act = CASES[name]["network"]["layers"][0]["activation"]
    assert f"Layer 1 ({act}: " in forward.text
    cost = worked(n, 2, x, y, True, snap.learning_rate)
    assert cost.values["C"] == pytest.approx(trainer.cost, abs=1e-9)
    assert "L = " in cost.text and CASES[name]["loss"] in cost.text
    backward = worked(n, 3, x, y, True, snap.learning_rate)
    for i, p in enumerate(names):
        assert backward.values[f"dC/d{p}"] == pytest.approx(trainer.gradients[i], abs=1e-9)
    assert "'(z) = " in backward.text or "dŷo/dzj" in backward.text  # the derivative, named
    update = worked(n, 4, x, y, True, snap.learning_rate)
    trainer.step(1)
    for i, p in enumerate(names):
        assert update.values[f"new {p}"] == pytest.approx(trainer.parameters[i], abs=1e-12)


def test_one_sample_chain_equals_the_gradient_of_that_sample():
    trainer = Trainer(CASES["tanh-mse-sigmoid-2-hidden"])
    n, model, snap = numbers_of(trainer, sample=4)
    one = Trainer(CASES["tanh-mse-sigmoid-2-hidden"])
    net = one.objective.network
    net.theta[...] = trainer.parameters
    net.cost_and_gradient(model.x_train[:, 4:5], model.y_train[:, 4:5])
    values = worked(n, 3, model.x_train, model.y_train, True, 0.3).values
    for i, p in enumerate(trainer.parameter_names):
        assert values[f"dL/d{p}"] == pytest.approx(net.grad[i], abs=1e-12)


def test_other_optimizers_and_mini_batches_say_so():
    cfg = config("tanh", "sigmoid", "bce", batch_size=4)
    cfg["optimizer"] = {"name": "sgd", "learning_rate": 0.1, "momentum": 0.9}
    trainer = Trainer(cfg)
    trainer.step(2)
    info, snap = run_state(trainer)
    model = run_model(info.config)
    model.network.theta[...] = snap.parameters
    n = phase_numbers(model.network, model.x_train, model.y_train, 0, snap, False)
    assert "mini-batches" in worked(n, 3, model.x_train, model.y_train, False, 0.1).text
    text = worked(n, 4, model.x_train, model.y_train, False, 0.1, "sgd").text
    assert "memory of earlier gradients" in text and "Δ = " in text


def test_limits():
    assert worked_limit((2, 2, 2)) == "" and worked_limit((4, 4, 4, 4)) == ""
    assert "hidden" in worked_limit((2, 2, 2, 2, 1))
    assert "5" in worked_limit((2, 5, 1))


def test_inputs_that_are_features_go_by_their_names(qtbot):
    from gdsim.app.views.network_diagram import NetworkDiagramView
    from tests.gui.trainer_state import show_view, trained

    view = show_view(qtbot, NetworkDiagramView(), trained("circle-features.json", 10), (1100, 520))
    text = view.worked_numbers()
    assert "sample 1: x1^2 = " in text and "w1_1_1·x1^2 + w1_1_2·x2^2 + b1_1" in text
