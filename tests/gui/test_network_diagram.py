"""The network diagram: one update in four phases (forward, cost, backward, update)."""

import math
import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdsim.app.views.network_diagram import MAX_SHOWN, NetworkDiagramView, short
from gdsim.config import load_config
from gdsim.engine.network import Network
from gdsim.engine.trainer import Trainer
from gdsim.session.run_files import open_trainer
from tests.gui.trainer_state import EXAMPLES, run_state, show_view
from tests.gui.trainer_state import trained as trained_example

SHOTS = os.environ.get("GDSIM_DIAGRAM_SHOTS")  # a folder: save a screenshot of every phase


def trained(example, steps: int = 20) -> Trainer:
    return trained_example(example, steps)


@pytest.fixture
def make_view(qtbot):
    def make(trainer: Trainer) -> NetworkDiagramView:
        return show_view(qtbot, NetworkDiagramView(), trainer, (700, 450))

    return make


def weight_of(trainer: Trainer, vector: np.ndarray, name: str) -> float:
    return float(vector[trainer.parameter_names.index(name)])


def test_forward_phase_draws_weights_by_sign_and_size(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    assert view.objectName() == "networkDiagramView"
    assert view.findChild(object, "networkDiagram") is not None
    assert view.phase() == 1
    assert "Forward" in view.findChild(object, "phaseLabel").text()
    value, color, width = view.edge_style("w1_2_1")
    assert value == weight_of(trainer, trainer.parameters, "w1_2_1")
    assert color == ("blue" if value > 0 else "red")
    weights = {
        n: weight_of(trainer, trainer.parameters, n)
        for n in trainer.parameter_names
        if n.startswith("w")
    }
    big = max(weights, key=lambda n: abs(weights[n]))
    small = min(weights, key=lambda n: abs(weights[n]))
    assert view.edge_style(big)[2] > view.edge_style(small)[2]
    assert view.edge_style(big)[2] == pytest.approx(6.0)
    for name, w in weights.items():
        assert view.edge_style(name)[1] == ("blue" if w > 0 else "red")
        assert 0.5 <= view.edge_style(name)[2] <= 6.0
    assert view.edge_style("w9_9_9") is None


def test_backward_phase_shows_the_trainer_gradients(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    view.set_phase(3)
    assert view.phase() == 3 and "Backward" in view.phase_label.text()
    for name in trainer.parameter_names:
        if name.startswith("w"):
            g = weight_of(trainer, trainer.gradients, name)
            value, color, _ = view.edge_style(name)
            assert value == g
            assert color == ("blue" if g > 0 else "red" if g < 0 else "gray")


def test_update_phase_shows_minus_lr_times_gradient_for_sgd(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    view.set_phase(4)
    lr = trainer.learning_rate
    for name in trainer.parameter_names:
        if name.startswith("w"):
            assert view.edge_style(name)[0] == -lr * weight_of(trainer, trainer.gradients, name)
    assert "-learning rate × dC/dw" in view.phase_label.text()
    # and the step the window then applies moves the weights by exactly that
    before = trainer.parameters.copy()
    expected = -lr * trainer.gradients
    trainer.step(1)
    np.testing.assert_allclose(trainer.parameters - before, expected, rtol=1e-12, atol=1e-15)


def test_update_phase_of_another_optimizer_shows_its_last_update(make_view, tmp_path):
    text = (
        (EXAMPLES / "xor.json")
        .read_text()
        .replace(
            '"optimizer": {"name": "sgd", "learning_rate": 0.1}',
            '"optimizer": {"name": "adam", "learning_rate": 0.01}',
        )
    )
    path = tmp_path / "xor-adam.json"
    path.write_text(text)
    trainer = trained(path, 5)
    view = make_view(trainer)
    view.set_phase(4)
    assert "PREVIOUS" in view.phase_label.text()
    assert view.edge_style("w2_1_3")[0] == weight_of(trainer, trainer.last_update, "w2_1_3")


def test_neuron_tooltip_spells_out_z_and_a(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    view.select_sample(3)
    cfg = trainer.config
    net = Network(
        cfg.network.inputs,
        [layer.units for layer in cfg.network.layers],
        [layer.activation for layer in cfg.network.layers],
        cfg.loss,
    )
    net.theta[...] = trainer.parameters
    x = trainer.objective.x_train[:, 3:4]
    z = net.layer_values(x)[0][0][0, 0]
    tip = view.neuron_tooltip(1, 1)
    assert f"= {short(z)}" in tip
    assert f"tanh(z) = {short(math.tanh(z))}" in tip
    assert "Σ w·x + b" in tip
    w = weight_of(trainer, trainer.parameters, "w1_1_1")
    assert f"{short(w)}·{short(x[0, 0])}" in tip
    assert "sample 4" in tip
    edge_tip = view._edges["w2_1_3"].toolTip()
    w213 = weight_of(trainer, trainer.parameters, "w2_1_3")
    assert edge_tip.startswith(f"w2_1_3 = {short(w213)}")
    assert f"dC/dw = {short(weight_of(trainer, trainer.gradients, 'w2_1_3'))}" in edge_tip


def test_cost_phase_shows_loss_and_batch_cost(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    view.select_sample(0)
    view.set_phase(2)
    text = view.info_label.text()
    assert f"C = {short(trainer.cost)}" in text
    net = trainer.objective.network
    x, y = trainer.objective.x_train[:, :1], trainer.objective.y_train[:, :1]
    z, a = net.layer_values(x)[-1]
    assert f"L = {short(net.loss.cost(z, a, y))}" in text
    assert "ŷ1" in view._side_texts[1].text() and "y1" in view._side_texts[1].text()


def test_next_phase_cycles_and_asks_for_a_step(make_view, qtbot):
    view = make_view(trained("xor.json"))
    seen = []
    view.step_requested.connect(lambda: seen.append(True))
    for expected in (2, 3, 4):
        qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
        assert view.phase() == expected and not seen
        assert view.phase_buttons[expected].isChecked()
    with qtbot.waitSignal(view.step_requested, timeout=1000):
        view.next_phase()
    assert view.phase() == 1 and seen == [True]
    with pytest.raises(ValueError):
        view.set_phase(5)


def test_snapshots_of_other_runs_are_ignored(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    before = view.edge_style("w1_1_1")
    _, snap = run_state(trained("xor.json", 60), run_id=2)
    view.update_from(snap)
    assert view.edge_style("w1_1_1") == before


def test_function_mode_shows_a_note(qtbot):
    view = NetworkDiagramView()
    qtbot.addWidget(view)
    info, snap = run_state(open_trainer(EXAMPLES / "one-parameter.json"))
    view.start_run(info)
    view.update_from(snap)
    assert "formula" in view.note_label.text()
    assert view.edge_style("w1_1_1") is None and not view.next_button.isEnabled()


def test_large_layers_are_cut_with_a_note(make_view, tmp_path):
    text = (EXAMPLES / "xor.json").read_text().replace('"units": 4', '"units": 50')
    path = tmp_path / "wide.json"
    path.write_text(text)
    view = make_view(trained(path, 1))
    shown = [n for n in view._edges if n.startswith("w2_")]
    assert len(shown) == MAX_SHOWN - 1
    assert "more" in view.note_label.text()
    assert any(
        getattr(i, "text", lambda: "")() == f"+{50 - MAX_SHOWN + 1} more"
        for i in view.scene.items()
    )


@pytest.mark.skipif(not SHOTS, reason="set GDSIM_DIAGRAM_SHOTS to a folder to save screenshots")
def test_screenshots(make_view, qtbot):
    view = make_view(trained("xor.json"))
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for n in (1, 2, 3, 4):
        view.set_phase(n)
        qtbot.wait(30)  # let the layout settle (the labels' heights change with their text)
        view.grab().save(str(Path(SHOTS) / f"phase{n}.png"))


def test_config_loads():  # the examples the tests rely on still exist
    assert load_config(EXAMPLES / "xor.json").optimizer.name == "sgd"


def test_a_wide_network_stays_readable_and_scrolls(qtbot):
    from gdsim.app.views.network_diagram import MIN_ZOOM

    # 2-16-16-3 in a short tab
    view = show_view(qtbot, NetworkDiagramView(), trained("spiral-softmax.json", 0), (1000, 260))
    view._fit()
    assert view.diagram.transform().m11() == pytest.approx(MIN_ZOOM)
    policy = view.diagram.verticalScrollBarPolicy()
    assert policy == view.diagram.verticalScrollBarPolicy().ScrollBarAsNeeded
    view.resize(1000, 2000)  # room enough: the whole network, no scroll bars
    view._fit()
    assert view.diagram.transform().m11() >= MIN_ZOOM
    assert view.diagram.verticalScrollBarPolicy() == policy.ScrollBarAlwaysOff
