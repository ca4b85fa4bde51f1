"""Setting a value and freezing a parameter in the parameter table, as a user would: the table
only asks (signals), and shows what the trainer's next snapshot says."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from gdsim.app import theme
from gdsim.app.parameter_edit import EDITOR_NAME, parse_value
from gdsim.app.parameter_table import COLUMNS, FROZEN, NAME, TOOLTIPS, VALUE, ParameterTable
from tests.gui.trainer_state import run_state, snapshot, trained

ROLE = Qt.ItemDataRole


@pytest.fixture
def run(qtbot):
    """A table on screen showing an xor network after 3 steps, and its trainer."""
    trainer = trained("xor.json", 3)
    table = ParameterTable()
    qtbot.addWidget(table)
    table.resize(640, 400)
    table.show()
    info, snap = run_state(trainer)
    table.start_run(info)
    table.update_from(snap)
    return table, trainer


def cell(table: ParameterTable, name: str, column: int):
    model = table.model()
    row = model.row_of(model._names.index(name))
    index = model.index(row, column)
    table.scrollTo(index)
    return index


def editor(table: ParameterTable) -> QLineEdit | None:
    """The open value editor (a closed one lingers, hidden, until Qt deletes it)."""
    shown = [e for e in table.findChildren(QLineEdit, EDITOR_NAME) if e.isVisible()]
    return shown[0] if shown else None


def double_click(qtbot, table: ParameterTable, index) -> None:
    center = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=center)


def click(qtbot, table: ParameterTable, index) -> None:
    center = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=center)


def type_value(qtbot, table: ParameterTable, text: str) -> None:
    line = editor(table)
    assert line is not None and line.isVisible()
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_the_frozen_column_is_last_with_its_tooltip_and_the_value_column_is_kept():
    assert len(COLUMNS) == len(TOOLTIPS)
    assert COLUMNS[VALUE] == "value" and COLUMNS[FROZEN] == COLUMNS[-1] == "frozen"
    assert "its gradient is still computed and shown" in TOOLTIPS[FROZEN]


def test_a_typed_value_is_asked_for_and_the_shown_value_waits_for_the_trainer(qtbot, run):
    table, trainer = run
    index = cell(table, "w1_2_1", VALUE)
    before = table.model().data(index)
    double_click(qtbot, table, index)
    assert editor(table).text() == repr(float(trainer.parameters[2]))  # every digit to edit
    with qtbot.waitSignal(table.value_edit_requested) as sent:
        type_value(qtbot, table, " 0.25 ")
    assert sent.args == ["w1_2_1", 0.25]
    assert table.model().data(index) == before  # the table does not change the value itself
    trainer.set_parameters({"w1_2_1": 0.25})  # what the session does with the request
    table.update_from(snapshot(trainer))
    assert table.model().data(index) == "0.25"


def test_f2_and_typing_open_the_editor_too_and_a_decimal_comma_is_read(qtbot, run):
    table, _ = run
    table.setCurrentIndex(cell(table, "b1_1", VALUE))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    with qtbot.waitSignal(table.value_edit_requested) as sent:
        type_value(qtbot, table, "-1,5")
    assert sent.args == ["b1_1", -1.5]
    table.setCurrentIndex(cell(table, "b1_2", VALUE))
    qtbot.keyClicks(table, "2")  # typing on the cell starts the edit with that key
    qtbot.keyClicks(editor(table), "e-3")
    assert editor(table).text() == "2e-3"
    with qtbot.waitSignal(table.value_edit_requested) as sent:
        qtbot.keyClick(editor(table), Qt.Key.Key_Return)  # Qt commits on its next loop turn
    assert sent.args == ["b1_2", 0.002]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1e999", "'1e999' is not a finite number"),
        ("nan", "'nan' is not a finite number"),
        ("-inf", "'-inf' is not a finite number"),
        ("abc", "'abc' is not a number"),
        ("1,000", "'1,000' is ambiguous: type 1000 or 1.000"),
        ("1,5.0", "'1,5.0' is not a number (write decimals with a point)"),
        ("__import__('os')", "is not a number"),
        ("", "is empty"),
    ],
)
def test_a_bad_value_is_refused_naming_the_parameter_and_the_text(qtbot, run, text, reason):
    table, trainer = run
    sent = []
    table.value_edit_requested.connect(lambda *args: sent.append(args))
    index = cell(table, "w1_1_2", VALUE)
    before = table.model().data(index)
    double_click(qtbot, table, index)
    with qtbot.waitSignal(table.refused) as refused:
        type_value(qtbot, table, text)
    assert refused.args[0].startswith("value of w1_1_2: ")
    assert reason in refused.args[0]
    assert "\n" not in refused.args[0]
    assert sent == [] and table.model().data(index) == before


def test_enter_on_an_unchanged_value_asks_for_nothing(qtbot, run):
    table, _ = run
    sent = []
    table.value_edit_requested.connect(lambda *args: sent.append(args))
    double_click(qtbot, table, cell(table, "w1_1_1", VALUE))
    qtbot.keyClick(editor(table), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor(table) is None)
    assert sent == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("0,5", 0.5), ("-0,500", -0.5), ("1,2345", 1.2345), ("\u22122.5", -2.5), ("1_000", 1e3)],
)
def test_the_parser_reads_safe_spellings(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", ["\uff11", "\u0661", "0x10", "1 000", "2*3", "1e5j"])
def test_the_parser_refuses_look_alike_digits_and_expressions(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_value(text)


def test_clicking_the_lock_asks_to_freeze_and_the_row_follows_the_snapshot(qtbot, run):
    table, trainer = run
    model = table.model()
    lock = cell(table, "w1_3_1", FROZEN)
    name = cell(table, "w1_3_1", NAME)
    with qtbot.waitSignal(table.freeze_requested) as sent:
        click(qtbot, table, lock)
    assert sent.args == ["w1_3_1", True]
    assert model.data(lock, ROLE.CheckStateRole) == Qt.CheckState.Unchecked  # not yet
    assert model.data(name, ROLE.FontRole) is None
    trainer.freeze(["w1_3_1"])
    table.update_from(snapshot(trainer))
    assert model.data(lock, ROLE.CheckStateRole) == Qt.CheckState.Checked
    # drawn distinctly: italic, muted, a lock, and a tooltip that says so
    assert model.data(name, ROLE.DisplayRole) == "w1_3_1"
    assert model.data(name, ROLE.FontRole).italic()
    assert model.data(name, ROLE.ForegroundRole).color() == theme.colors().muted
    assert not model.data(name, ROLE.DecorationRole).isNull()
    assert model.data(name, ROLE.ToolTipRole).startswith("frozen: no update is applied to w1_3_1")
    assert model.data(cell(table, "w1_3_1", VALUE), ROLE.FontRole).italic()
    other = cell(table, "w1_3_2", NAME)
    assert model.data(other, ROLE.FontRole) is None
    assert model.data(other, ROLE.DecorationRole) is None
    # the next click asks to unfreeze; Space on the lock cell does the same
    with qtbot.waitSignal(table.freeze_requested) as sent:
        click(qtbot, table, lock)
    assert sent.args == ["w1_3_1", False]
    table.setCurrentIndex(lock)
    with qtbot.waitSignal(table.freeze_requested) as sent:
        qtbot.keyClick(table, Qt.Key.Key_Space)
    assert sent.args == ["w1_3_1", False]
    trainer.unfreeze(["w1_3_1"])
    table.update_from(snapshot(trainer))
    assert model.data(lock, ROLE.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.data(name, ROLE.FontRole) is None


def test_sorting_by_the_lock_puts_the_frozen_parameters_first(qtbot, run):
    table, trainer = run
    trainer.freeze(["w2_1_3", "b1_2"])
    table.update_from(snapshot(trainer))
    table.sortByColumn(FROZEN, Qt.SortOrder.AscendingOrder)
    names = trainer.parameter_names
    first = [names[table.model().parameter(r)] for r in range(2)]
    assert first == ["b1_2", "w2_1_3"]  # in parameter order among themselves


def test_while_not_editable_nothing_opens_or_toggles_and_the_refusal_says_why(qtbot, run):
    table, _ = run
    why = "the timeline shows step 2: go back to live to edit"
    asked = []
    table.value_edit_requested.connect(lambda *args: asked.append(args))
    table.freeze_requested.connect(lambda *args: asked.append(args))
    refused = []
    table.refused.connect(refused.append)
    table.set_editable(False, why)
    value, lock = cell(table, "w1_1_1", VALUE), cell(table, "w1_1_1", FROZEN)
    double_click(qtbot, table, value)
    assert editor(table) is None
    assert refused[-1] == f"value of w1_1_1 can't be set now: {why}"
    table.setCurrentIndex(value)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.keyClicks(table, "5")
    assert editor(table) is None
    refused.clear()
    click(qtbot, table, lock)
    assert refused == [f"w1_1_1 can't be frozen or unfrozen now: {why}"]
    assert asked == []
    assert why in table.model().data(value, ROLE.ToolTipRole)
    assert why in table.model().data(lock, ROLE.ToolTipRole)
    assert table.edits(value)  # (a refused edit is still the double click's whole answer)
    assert not table.edits(table.model().index(0, NAME))
    table.set_editable(True)
    assert table.edits(value)
    with qtbot.waitSignal(table.freeze_requested):
        click(qtbot, table, lock)


def test_turning_editing_off_closes_an_open_editor_without_setting(qtbot, run):
    table, _ = run
    asked = []
    table.value_edit_requested.connect(lambda *args: asked.append(args))
    double_click(qtbot, table, cell(table, "b2_1", VALUE))
    editor(table).setText("3")
    table.set_editable(False, "the run was reset")
    assert editor(table) is None
    qtbot.wait(20)  # Qt's queued commits, if any, have run
    assert asked == []


def test_the_frozen_mask_is_rebuilt_only_when_the_frozen_set_changes(qtbot, run):
    table, trainer = run
    model = table.model()
    trainer.freeze(["b1_1"])
    table.update_from(snapshot(trainer))
    mask = model._is_frozen
    trainer.step(2)
    table.update_from(snapshot(trainer))
    assert model._is_frozen is mask
    trainer.freeze(["b1_3"])
    table.update_from(snapshot(trainer))
    assert model._is_frozen is not mask
    assert np.flatnonzero(model._is_frozen).tolist() == [8, 10]
