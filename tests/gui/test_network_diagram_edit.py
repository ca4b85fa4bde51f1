"""The network diagram: setting a weight or bias by double-click, frozen parameters drawn
distinctly, and the Worked numbers panel on the textbook example (Mazur's numbers)."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QApplication

from gdsim.app import theme
from gdsim.app.views.network_diagram import MAX_SHOWN, NetworkDiagramView
from gdsim.resources import resource_path
from gdsim.session.run_files import open_trainer
from tests.gui.trainer_state import EXAMPLES, run_state, show_view, trained

SHOTS = os.environ.get("GDSIM_DIAGRAM_SHOTS")  # a folder: keep the screenshots there
TEXTBOOK = "textbook-backprop.json"
PRESETS = resource_path("presets")


@pytest.fixture
def view_of(qtbot):
    def make(trainer, size=(1100, 520)) -> NetworkDiagramView:
        return show_view(qtbot, NetworkDiagramView(), trainer, size)

    return make


def double_click(qtbot, view, name):
    pos = view.item_position(name)
    assert pos is not None and view.parameter_at(pos) == name
    qtbot.mouseDClick(view.diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    return pos


def type_value(qtbot, view, text):
    line = view.editor.line
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Backspace)  # the prefilled value is selected: clear it
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_double_click_a_connection_sets_its_weight(qtbot, view_of):
    trainer = trained("xor.json", 3)
    view = view_of(trainer)
    asked, refused = [], []
    view.value_edit_requested.connect(lambda n, v: asked.append((n, v)))
    view.refused.connect(refused.append)
    before = view.edge_style("w2_1_3")
    double_click(qtbot, view, "w2_1_3")
    assert view.editor.isVisible()
    w = float(trainer.parameters[trainer.parameter_names.index("w2_1_3")])
    assert view.editor.line.text() == repr(w) and float(view.editor.line.text()) == w
    assert "w2_1_3" in view.editor.label.text()
    type_value(qtbot, view, "-0.25")
    assert asked == [("w2_1_3", -0.25)] and not refused
    assert not view.editor.isVisible()
    assert view.edge_style("w2_1_3") == before  # the next snapshot shows the trainer's value
    # the window passes it on; the next snapshot shows it
    trainer.set_parameters({"w2_1_3": -0.25})
    view.update_from(run_state(trainer)[1])
    assert view.edge_style("w2_1_3")[0] == -0.25


def test_double_click_a_neuron_sets_its_bias_and_escape_cancels(qtbot, view_of):
    view = view_of(trained("xor.json", 1))
    asked = []
    view.value_edit_requested.connect(lambda n, v: asked.append((n, v)))
    double_click(qtbot, view, "b1_2")
    assert view.editor.isVisible() and "b1_2" in view.editor.label.text()
    qtbot.keyClicks(view.editor.line, "99")
    qtbot.keyClick(view.editor.line, Qt.Key.Key_Escape)
    assert not view.editor.isVisible() and asked == []
    double_click(qtbot, view, "b2_1")
    type_value(qtbot, view, "1.5e-3")
    assert asked == [("b2_1", 0.0015)]
    assert "Double-click" in view.neuron_tooltip(1, 1)
    assert "Double-click" in view._edges["w1_1_1"].toolTip()


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "1e999", "0,5", "2*3", "", "__import__"])
def test_bad_text_is_refused_and_the_value_kept(qtbot, view_of, text):
    view = view_of(trained("xor.json", 1))
    asked, refused = [], []
    view.value_edit_requested.connect(lambda n, v: asked.append((n, v)))
    view.refused.connect(refused.append)
    double_click(qtbot, view, "w1_1_2")
    type_value(qtbot, view, text)
    assert asked == [] and len(refused) == 1
    assert refused[0].startswith("w1_1_2: ") and "\n" not in refused[0]
    if text.strip():
        assert repr(text) in refused[0]
    assert view.editor.isVisible()  # still open, to fix the text
    type_value(qtbot, view, "0.5")
    assert asked == [("w1_1_2", 0.5)]


def test_not_editable_says_why_and_inputs_and_space_do_nothing(qtbot, view_of):
    view = view_of(trained("xor.json", 1))
    refused = []
    view.refused.connect(refused.append)
    view.set_editable(False, "The timeline shows step 0; go to the newest step to set values.")
    double_click(qtbot, view, "w1_1_1")
    assert refused == ["The timeline shows step 0; go to the newest step to set values."]
    assert not view.editor.isVisible()
    view.set_editable(True)
    input_pos = view.diagram.mapFromScene(view.scene.position(0, 1))
    assert view.parameter_at(input_pos) is None
    qtbot.mouseDClick(view.diagram.viewport(), Qt.MouseButton.LeftButton, pos=input_pos)
    qtbot.mouseDClick(view.diagram.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    assert not view.editor.isVisible() and len(refused) == 1


def test_hidden_neurons_and_function_mode_are_not_editable(qtbot, view_of, tmp_path):
    text = (EXAMPLES / "xor.json").read_text().replace('"units": 4', '"units": 50')
    path = tmp_path / "wide.json"
    path.write_text(text)
    view = view_of(trained(path, 0))
    assert view.item_position(f"w1_{MAX_SHOWN}_1") is None
    assert not view.edit_parameter(f"w1_{MAX_SHOWN}_1") and not view.editor.isVisible()
    assert not view.worked_button.isEnabled() and "at most 4" in view.worked_button.toolTip()
    fview = NetworkDiagramView()
    qtbot.addWidget(fview)
    info, snap = run_state(open_trainer(EXAMPLES / "one-parameter.json"))
    fview.start_run(info)
    fview.update_from(snap)
    assert not fview.edit_parameter("w") and not fview.editor.isVisible()


def test_frozen_parameters_are_drawn_dashed(qtbot, view_of):
    trainer = open_trainer(PRESETS / TEXTBOOK)
    trainer.freeze(["w2_1_2"])
    view = view_of(trainer)
    assert view.scene.frozen_names == {"w2_1_2", "b1_1", "b1_2", "b2_1", "b2_2"}
    assert view._edges["w2_1_2"].pen().dashPattern() != QPen().dashPattern()
    assert view._edges["w2_1_1"].pen().style() == Qt.PenStyle.SolidLine
    node = view._nodes[(1, 1)]
    assert node.pen().style() == Qt.PenStyle.DashLine and view.scene.locks[(1, 1)].isVisible()
    assert "frozen" in view.neuron_tooltip(1, 1)
    view.set_phase(4)
    assert view.edge_style("w2_1_2")[0] == 0.0 and "frozen" in view._edges["w2_1_2"].toolTip()
    assert view.edge_style("w2_1_1")[0] != 0.0
    assert "w2_1_2 is frozen: it stays 0.45" in view.worked_numbers()
    double_click(qtbot, view, "w2_1_2")  # a frozen value can still be set
    assert "(frozen)" in view.editor.label.text()


def test_worked_numbers_of_the_textbook_example(qtbot, view_of):
    trainer = open_trainer(PRESETS / TEXTBOOK)
    view = view_of(trainer)
    assert view.worked_button.isEnabled() and view.worked_text.isVisible()
    text = view.worked_numbers()
    assert "z1_1 = w1_1_1·x1 + w1_1_2·x2 + b1_1" in text
    assert "= 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775" in text
    assert "a1_1 = σ(0.3775) = 0.593269992" in text
    assert "ŷ1 = a2_1 = σ(1.10590597) = 0.75136507" in text
    view.set_phase(2)
    assert "= 0.298371109" in view.worked_numbers()
    view.set_phase(3)
    text = view.worked_numbers()
    assert "dL/dw2_1_1 = dL/dŷ1 · dŷ1/dz2_1 · dz2_1/dw2_1_1" in text
    assert "= 0.74136507 · 0.186815602 · 0.593269992 = 0.0821670406" in text
    assert "dC/dw1_1_1 = 0.000438567734" in text
    view.set_phase(4)
    text = view.worked_numbers()
    assert "w2_1_1 ← 0.4 - 0.5 · 0.0821670406 = 0.35891648" in text
    assert "w1_1_1 ← 0.15 - 0.5 · 0.000438567734 = 0.149780716" in text
    assert "b1_1 is frozen: it stays 0.35" in text
    qtbot.mouseClick(view.worked_button, Qt.MouseButton.LeftButton)
    assert not view.worked_text.isVisible()


def test_screenshots(qtbot, view_of, tmp_path):
    """The textbook example in the forward and backward phases (light), the update (dark) and
    the value editor open: the grabs work (set GDSIM_DIAGRAM_SHOTS to look at them)."""
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    view = view_of(open_trainer(PRESETS / TEXTBOOK), (1200, 560))
    try:
        for name, phase, dark in (("forward", 1, False), ("backward", 3, False),
                                  ("dark-update", 4, True)):  # fmt: skip
            theme.apply_theme(QApplication.instance(), "dark" if dark else "light")
            view.set_phase(phase)
            qtbot.wait(30)
            assert view.grab().save(str(folder / f"diagram-{name}.png"))
        theme.apply_theme(QApplication.instance(), "light")
        view.set_phase(1)
        qtbot.wait(30)
        double_click(qtbot, view, "w2_2_1")
        assert view.grab().save(str(folder / "diagram-edit.png"))
    finally:
        theme.apply_theme(QApplication.instance(), "light")
