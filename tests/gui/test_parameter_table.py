"""The parameter table: sorted by NumPy, so a 10^5-parameter run starts without per-row work."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from gdsim.app.parameter_table import FROZEN, ParameterModel, ParameterTable
from gdsim.config import config_from_dict
from gdsim.engine.datasets import Dataset
from gdsim.engine.trainer import Trainer
from tests.gui.trainer_state import run_state, snapshot, trained


def big_trainer(inputs: int = 400, hidden: int = 250) -> Trainer:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(inputs, 20))
    y = rng.integers(0, 10, size=(1, 20)).astype(float)
    data = Dataset(
        x,
        y,
        x[:, :0],
        y[:, :0],
        [f"p{i}" for i in range(inputs)],
        ["y"],
        "classification",
        10,
        "synthetic",
    )
    config = config_from_dict(
        {
            "mode": "network",
            "network": {
                "inputs": inputs,
                "layers": [
                    {"units": hidden, "activation": "relu"},
                    {"units": 10, "activation": "softmax"},
                ],
            },
            "loss": "cross_entropy",
        }
    )
    return Trainer(config, dataset=data)


def shown_names(table: ParameterTable) -> list[str]:
    model = table.model()
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


@pytest.fixture
def table(qtbot):
    view = ParameterTable()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    return view


def test_a_big_run_starts_and_updates_with_only_the_visible_rows_asked_for(
    qtbot, table, monkeypatch
):
    trainer = big_trainer()
    trainer.step(1)
    n = trainer.parameter_names.__len__()
    assert n >= 100_000
    calls = [0]
    original = ParameterModel.data

    def counting(self, index, role=Qt.ItemDataRole.DisplayRole):
        calls[0] += 1
        return original(self, index, role)

    monkeypatch.setattr(ParameterModel, "data", counting)
    info, snap = run_state(trainer)
    table.start_run(info)
    table.update_from(snap)
    table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # by gradient, as a learner would
    table.update_from(snapshot(trainer))
    trainer.freeze(["w1_*"])  # most of them: the lock column and the frozen rows' looks
    table.update_from(snapshot(trainer))
    table.sortByColumn(FROZEN, Qt.SortOrder.AscendingOrder)
    table.update_from(snapshot(trainer))
    qtbot.wait(50)  # let it paint
    assert table.model().rowCount() == n
    # a screenful of rows x 6 columns x a few roles each: nowhere near one call per parameter
    assert 0 < calls[0] < 5_000


def test_sorting_by_gradient_puts_the_largest_first_and_nan_last(qtbot, table):
    trainer = trained("xor.json", 3)
    info, snap = run_state(trainer)
    table.start_run(info)
    grads = snap.gradients.copy()
    grads[2] = math.nan
    snap = type(snap)(**{**snap.__dict__, "gradients": grads})
    table.update_from(snap)
    table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    rows = [table.model_.parameter(r) for r in range(len(grads))]
    assert rows[-1] == 2
    shown = grads[rows[:-1]]
    assert np.all(np.diff(shown) <= 0)
    table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    rows = [table.model_.parameter(r) for r in range(len(grads))]
    assert rows[-1] == 2 and np.all(np.diff(grads[rows[:-1]]) >= 0)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert shown_names(table) == list(info.parameter_names)


def test_the_selected_parameter_stays_selected_when_a_new_step_resorts_the_rows(qtbot, table):
    trainer = trained("xor.json", 1)
    info, snap = run_state(trainer)
    table.start_run(info)
    table.update_from(snap)
    table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by value: rows move as values change
    chosen = table.model_.parameter(4)
    table.selectionModel().setCurrentIndex(
        table.model().index(4, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    for _ in range(30):
        trainer.step(10)
        table.update_from(snapshot(trainer))
        current = table.selectionModel().currentIndex()
        assert table.parameter_at(current) == chosen
        selected = {table.parameter_at(i) for i in table.selectionModel().selectedRows()}
        assert selected == {chosen}
    values = [table.model_.values(r)[0] for r in range(len(info.parameter_names))]
    assert values == sorted(values)
