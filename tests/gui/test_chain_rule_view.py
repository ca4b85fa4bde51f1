"""The chain-rule view: every path's factors, their product and sum, against backpropagation."""

import numpy as np
import pytest

from gdsim.app.views.chain_rule import ChainRuleView, generic_labels
from gdsim.engine.chain import chain_rule
from gdsim.engine.network import Network
from gdsim.engine.trainer import Trainer
from gdsim.session.run_files import open_trainer
from tests.gui.trainer_state import EXAMPLES, run_state, show_view
from tests.gui.trainer_state import trained as trained_example


def trained(example: str, steps: int = 50) -> Trainer:
    return trained_example(example, steps)


@pytest.fixture
def make_view(qtbot):
    def make(trainer: Trainer) -> ChainRuleView:
        return show_view(qtbot, ChainRuleView(), trainer, (700, 500))

    return make


def table_rows(view: ChainRuleView) -> list[list[float]]:
    """The numbers in the table (full precision from each cell's data), one list per row."""
    table = view.table
    return [
        [table.item(r, c).data(256) for c in range(1, table.columnCount())]
        for r in range(table.rowCount())
    ]


def single_sample_gradient(trainer: Trainer, sample: int) -> np.ndarray:
    """An independent dL/dtheta on one sample: the network's full gradient, no penalty."""
    cfg = trainer.config
    net = Network(
        cfg.network.inputs,
        [layer.units for layer in cfg.network.layers],
        [layer.activation for layer in cfg.network.layers],
        cfg.loss,
    )
    net.theta[...] = trainer.parameters
    obj = trainer.objective
    net.cost_and_gradient(obj.x_train[:, sample : sample + 1], obj.y_train[:, sample : sample + 1])
    return net.grad.copy()


def test_output_weight_is_the_three_factor_chain(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    assert view.objectName() == "chainRuleView"
    assert view.select_parameter("w2_1_3")
    b = view.breakdown()
    assert b.parameter == "w2_1_3" and b.complete
    rows = table_rows(view)
    assert len(rows) == 1 and view.table.columnCount() == 1 + 3 + 1
    *factors, product = rows[0]
    assert len(factors) == 3
    assert float(np.prod(factors)) == pytest.approx(b.backprop, rel=1e-12)
    assert product == pytest.approx(b.backprop, rel=1e-12)
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(5)]
    assert headers == ["path", "dL/dŷ1", "dŷ1/dz2_1", "dz2_1/dw2_1_3", "product"]
    # dz/dw is the neuron's input: the hidden neuron 3's output on this sample
    x = trainer.objective.x_train[:, :1]
    net = trainer.objective.network
    hidden = net.layer_values(x)[0][1][2, 0]
    assert factors[2] == pytest.approx(hidden, rel=1e-15)
    assert "dL/dw2_1_3 = dL/dŷ1 · dŷ1/dz2_1 · dz2_1/dw2_1_3" in view.formula_label.text().replace(
        "<b>", ""
    ).replace("</b>", "").replace("\u2060", "")
    assert "✓" in view.agreement_label.text()
    assert view.backprop_label.property("value") == b.backprop


def test_first_layer_weight_rows_are_the_paths_and_the_sum_is_backprop(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    view.select_parameter("w1_2_1")
    b = view.breakdown()
    assert view.table.rowCount() == len(b.paths) >= 1
    shown = view.sum_label.property("value")
    assert shown == pytest.approx(b.backprop, rel=1e-12)
    assert float(view.sum_label.text().split()[1]) == pytest.approx(b.backprop, rel=1e-12)
    assert sum(row[-1] for row in table_rows(view)) == pytest.approx(b.backprop, rel=1e-12)
    assert len(b.paths[0].factors) == 5


@pytest.mark.parametrize("example", ["xor.json", "spiral-softmax.json"])
def test_backprop_is_the_single_sample_gradient(make_view, example):
    trainer = trained(example)
    view = make_view(trainer)
    names = trainer.parameter_names
    for name in (names[0], names[len(names) // 2], names[-2]):
        for sample in (0, 7):
            view.select_parameter(name)
            view.select_sample(sample)
            b = view.breakdown()
            assert (b.parameter, b.sample) == (name, sample)
            grad = single_sample_gradient(trainer, sample)
            assert b.backprop == pytest.approx(grad[names.index(name)], rel=1e-12, abs=1e-15)
            assert b.paths_sum == pytest.approx(b.backprop, rel=1e-10, abs=1e-15)
            assert b.finite_difference == pytest.approx(b.backprop, rel=1e-5, abs=1e-8)


def test_changing_the_sample_changes_the_numbers(make_view):
    view = make_view(trained("xor.json"))
    view.select_parameter("w2_1_3")
    before, loss = table_rows(view), view.breakdown().loss
    view.sample_spin.setValue(view.sample_spin.value() + 5)  # as a user would
    assert view.breakdown().sample == 5
    assert table_rows(view) != before and view.breakdown().loss != loss
    assert "Sample 6" in view.sample_label.text()


def test_new_parameters_recompute_the_breakdown(make_view):
    trainer = trained("xor.json")
    view = make_view(trainer)
    first = view.breakdown().backprop
    trainer.step(20)
    view.update_from(run_state(trainer)[1])
    assert view.breakdown().backprop != first
    stale = run_state(trainer, run_id=99)[1]  # a snapshot of another run is ignored
    view.update_from(stale)
    assert view.breakdown() is not None


def test_cross_entropy_softmax_paths(make_view):
    trainer = trained("spiral-softmax.json")
    view = make_view(trainer)
    view.select_parameter("w1_3_2")
    b = view.breakdown()
    # neuron 3 of layer 1 -> 16 neurons of layer 2 -> 2 logits -> 2 softmax outputs
    assert b.complete and len(b.paths) == 16 * 2 * 2 == view.table.rowCount()
    assert view.sum_label.property("value") == pytest.approx(b.backprop, rel=1e-12, abs=1e-15)
    assert "Σ" in view.formula_label.text()
    assert "class" in view.sample_label.text()  # the target shown as a class, one-hot beside
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[0] == "path" and headers[-1] == "product" and "dz1_3/dw1_3_2" in headers
    view.select_parameter("w3_2_5")  # an output weight under softmax: one path per output
    assert view.table.rowCount() == 2


def test_select_parameter_rejects_unknown_names(make_view):
    view = make_view(trained("xor.json", 1))
    assert not view.select_parameter("w9_9_9")
    assert view.select_parameter("b1_4") and view.parameter() == "b1_4"
    b = view.breakdown()
    assert b.paths[0].factors[0].value == 1.0  # dz/db = 1


def test_function_mode_shows_a_note(qtbot):
    view = ChainRuleView()
    qtbot.addWidget(view)
    trainer = open_trainer(EXAMPLES / "one-parameter.json")
    info, snap = run_state(trainer)
    view.start_run(info)
    view.update_from(snap)
    assert view.breakdown() is None
    assert "formula" in view.note_label.text()
    assert view.parameter_combo.count() == 0


def test_hidden_view_waits_until_asked(qtbot):
    trainer = trained("xor.json", 5)
    view = ChainRuleView()
    qtbot.addWidget(view)
    info, snap = run_state(trainer)
    view.start_run(info)
    view.update_from(snap)
    assert view._dirty  # nothing computed while hidden
    assert view.breakdown() is not None and not view._dirty


def test_generic_headers_name_the_varying_neurons():
    net = Network(2, [3, 4, 2], ["tanh", "tanh", "softmax"], "cross_entropy")
    net.initialize("normal", 0, scale=0.5)
    b = chain_rule(net, np.ones((2, 1)), np.array([[1.0], [0.0]]), "w1_2_1")
    assert generic_labels(b.paths) == [
        "dz1_2/dw1_2_1",
        "da1_2/dz1_2",
        "dz2_m/da1_2",
        "da2_m/dz2_m",
        "dz3_n/da2_m",
        "dŷo/dz3_n",
        "dL/dŷo",
    ]


def test_a_sample_with_many_inputs_names_a_few_and_keeps_all_in_the_tooltip(qtbot):
    from gdsim.app.views.chain_rule import SHOWN_INPUTS, ChainRuleView
    from tests.gui.trainer_state import show_view, trained

    t = trained("digits.json", 3)
    view = show_view(qtbot, ChainRuleView(), t, (900, 500))
    view.select_sample(0)
    text = view.sample_label.text()
    assert text.count(" = ") <= SHOWN_INPUTS + 3  # a few inputs, the target, ŷ and L
    assert "(64 inputs: all in the tooltip)" in text
    assert view.sample_label.toolTip().count(",") >= 63
