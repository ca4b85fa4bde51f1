"""The timeline: scrub back to a step and every view shows it; training goes on meanwhile."""

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSlider

from gdsim.app.plots.states import StoreStates
from gdsim.app.plots.store import PlotStore
from gdsim.app.window.timeline import timeline_text
from gdsim.engine.chain import chain_rule
from gdsim.engine.trainer import Trainer
from gdsim.session.run_model import run_model
from gdsim.session.runstate import Snapshot
from gdsim.session.timeline import StateSource, nearest_step, neighbour_step


def wait_step(qtbot, window, step, timeout=10000):
    qtbot.waitUntil(
        lambda: window.presenter.last is not None and window.presenter.last.step == step,
        timeout=timeout,
    )
    window.presenter.refresh()


def slider(window) -> QSlider:
    widget = window.findChild(QSlider, "timelineSlider")
    assert widget is not None
    return widget


def live_button(window) -> QPushButton:
    widget = window.findChild(QPushButton, "timelineLiveButton")
    assert widget is not None
    return widget


def scrub(window, step: int) -> None:
    """Move the slider as a drag would, and let the presenter's tick show it."""
    slider(window).setValue(step)
    window.presenter.refresh()


def table_numbers(window, parameter: int) -> tuple[float, float, float]:
    model = window.table.model_
    return model.values(model.row_of(parameter))


def replayed(window, steps: int) -> Trainer:
    t = Trainer(window.config)
    t.step(steps)
    return t


@pytest.fixture
def run100(qtbot, window):
    window.step(100)
    wait_step(qtbot, window, 100)
    return window


# ---------------------------------------------------------------------- Qt-free parts
def test_nearest_and_neighbour_steps():
    steps = np.array([0, 4, 8, 16, 20])
    assert nearest_step(steps, 6) == 4  # a tie goes to the earlier step
    assert nearest_step(steps, 7) == 8
    assert nearest_step(steps, 99) == 20
    assert nearest_step(np.empty(0, dtype=np.int64), 3) is None
    assert neighbour_step(steps, 8, -1) == 4 and neighbour_step(steps, 8, 1) == 16
    assert neighbour_step(steps, 10, -1) == 8 and neighbour_step(steps, 10, 1) == 16
    assert neighbour_step(steps, 0, -1) is None and neighbour_step(steps, 20, 1) is None
    assert timeline_text(None, None, 500) == "live · step 500"
    assert timeline_text(20, 20, 500) == "step 20 of 500"
    assert timeline_text(20, 16, 500) == "showing step 16, the nearest recorded to 20 (of 500)"


def test_the_store_rebuilds_the_engine_state_at_a_recorded_step():
    t = Trainer()
    t.step(30)
    store = PlotStore()
    store.start(t.parameter_names, t.extra_names, 2**20)
    store.add(t.history.since(-1))
    latest = Snapshot.of_trainer(t, 1, t.history.since(30))
    states = StoreStates(store, lambda: latest)
    assert isinstance(states, StateSource)
    assert states.steps().tolist() == list(range(31))
    state = states.state_at(12)
    params, grads = t.history.param_row(12)
    assert state.step == 12 and not state.running and state.chunk.is_empty
    assert np.array_equal(state.parameters, params) and np.array_equal(state.gradients, grads)
    assert np.array_equal(state.last_update, params - t.history.param_row(11)[0])
    assert state.cost == t.history.cost()[12]
    assert state.learning_rate == t.learning_rate and state.epoch == 12
    assert states.state_at(30).step == 30 and np.array_equal(
        states.state_at(30).parameters, t.parameters
    )
    assert states.state_at(31) is None


def test_a_step_whose_previous_row_was_dropped_has_no_last_update():
    t = Trainer()
    t.step(10)
    chunk = t.history.since(-1)
    keep = chunk.param_steps % 2 == 0  # as the stream's stride would thin them
    thin = dataclasses.replace(
        chunk,
        param_steps=chunk.param_steps[keep],
        params=chunk.params[keep],
        grads=chunk.grads[keep],
    )
    store = PlotStore()
    store.start(t.parameter_names, t.extra_names, 2**20)
    store.add(thin)
    latest = Snapshot.of_trainer(t, 1, thin)
    states = StoreStates(store, lambda: latest)
    assert states.steps().tolist() == [0, 2, 4, 6, 8, 10]
    assert states.state_at(3) is None
    assert np.isnan(states.state_at(4).last_update).all()


# ---------------------------------------------------------------------- in the window
def test_scrubbing_to_step_20_shows_step_20_in_every_view(qtbot, run100):
    w = run100
    assert slider(w).value() == slider(w).maximum() == 100 and w.presenter.is_live()
    assert w.timeline.label.text() == "live · step 100"
    assert not live_button(w).isEnabled()
    scrub(w, 20)
    assert slider(w).value() == 20 and not w.presenter.is_live()
    assert w.timeline.label.text() == "step 20 of 100"
    assert live_button(w).isEnabled()

    t = replayed(w, 20)
    params, grads = t.history.param_row(20)
    previous, _ = t.history.param_row(19)
    for i in (0, 5, len(params) - 1):  # the table: value, gradient and last update at 20
        value, grad, update = table_numbers(w, i)
        assert value == params[i] and grad == grads[i]
        assert update == pytest.approx(params[i] - previous[i], abs=1e-15)

    # a cursor at 20 on the three plots and on gradient health
    assert w.plots.cursor.step == 20 and w.health_view.cursor.step == 20
    assert all(line.value() == 20 for line in w.plots.cursor.lines)

    # the chain rule's breakdown is computed at step 20's parameters
    w.show_tab("chain_rule")
    name = w.chain_view.parameter()
    breakdown = w.chain_view.breakdown()
    model = run_model(w.config)
    net = model.network
    net.theta[...] = params
    expected = chain_rule(net, model.x_train, model.y_train, name, w.chain_view.sample())
    assert breakdown.backprop == expected.backprop and breakdown.loss == expected.loss

    # the loss surface: the current point is step 20's pair, the path drawn up to 20
    w.show_tab("loss_surface")
    view = w.surface_view
    ix, iy = (view._names.index(n) for n in view.selection())
    assert view.current_point() == (params[ix], params[iy])
    xs, _ = view.path.getData()
    assert len(xs) == 21
    qtbot.waitUntil(lambda: not view.computing(), timeout=5000)
    gx, gy, _ = view.grid()
    assert gx[0] < params[ix] < gx[-1] and gy[0] < params[iy] < gy[-1]

    # the network diagram and the prediction take step 20's parameters
    w.show_tab("step_by_phase")
    assert np.array_equal(w.diagram_view._net.theta, params)
    w.show_tab("prediction")
    assert np.array_equal(w.prediction_view._net.theta, params)
    assert w.prediction_view.classes.cursor.step == 20  # on the accuracy over time
    grid = w.prediction_view.grid_points()
    np.testing.assert_allclose(
        w.prediction_view.grid_values().ravel(), t.predict(grid).ravel(), rtol=0, atol=1e-12
    )


def test_arrow_keys_move_by_one_recorded_step(qtbot, run100):
    w = run100
    s = slider(w)
    s.setFocus()
    qtbot.keyClick(s, Qt.Key.Key_Left)  # from live: the step before the latest
    w.presenter.refresh()
    assert s.value() == 99 and w.presenter.shown.step == 99
    qtbot.keyClick(s, Qt.Key.Key_Left)
    qtbot.keyClick(s, Qt.Key.Key_Left)
    w.presenter.refresh()
    assert s.value() == 97 and w.timeline.label.text() == "step 97 of 100"
    qtbot.keyClick(s, Qt.Key.Key_Right)
    w.presenter.refresh()
    assert s.value() == 98
    qtbot.keyClick(s, Qt.Key.Key_Home)
    w.presenter.refresh()
    assert s.value() == 0 and w.presenter.shown.step == 0
    qtbot.keyClick(s, Qt.Key.Key_End)
    assert w.presenter.is_live() and s.value() == 100
    qtbot.keyClick(s, Qt.Key.Key_PageDown)  # a twentieth of the run back
    w.presenter.refresh()
    assert s.value() == 95 and w.presenter.shown.step == 95


def test_training_while_scrubbed_keeps_the_views_at_k_and_live_catches_up(qtbot, run100):
    w = run100
    scrub(w, 20)
    params20 = w.presenter.shown.parameters.copy()
    w.show_tab("loss_surface")
    w.step(50)
    wait_step(qtbot, w, 150)
    qtbot.wait(250)  # (past the table's and the tabs' update interval)
    w.presenter.refresh()
    assert table_numbers(w, 0)[0] == params20[0]
    assert w.surface_view.current_point() == (
        params20[w.surface_view._ix],
        params20[w.surface_view._iy],
    )
    # the plots and every-row records kept growing; the cursor and the slider stayed
    assert w.plots.curve_data("parameter", 0)[0][-1] == 150
    assert w.surface_view.trajectory()[0][-1] == 150
    assert w.health_view.series(0)[0][-1] == 150
    assert slider(w).value() == 20 and slider(w).maximum() == 150
    assert w.timeline.label.text() == "step 20 of 150"
    assert w.plots.cursor.step == 20

    qtbot.mouseClick(live_button(w), Qt.MouseButton.LeftButton)
    last = w.presenter.last
    assert w.presenter.is_live() and slider(w).value() == 150
    assert table_numbers(w, 0)[0] == last.parameters[0]
    view = w.surface_view
    assert view.current_point() == (last.parameters[view._ix], last.parameters[view._iy])
    assert len(view.path.getData()[0]) == 151
    assert w.plots.cursor.step is None and w.health_view.cursor.step is None
    w.show_tab("chain_rule")
    assert np.array_equal(w.chain_view._net.theta, last.parameters)


def test_a_new_run_returns_to_live(qtbot, run100):
    w = run100
    scrub(w, 30)
    assert not w.presenter.is_live()
    w.reset()
    wait_step(qtbot, w, 0)
    qtbot.waitUntil(lambda: w.presenter.is_live(), timeout=5000)
    assert slider(w).value() == slider(w).maximum() == 0
    assert w.plots.cursor.step is None


def test_a_decimated_step_shows_the_nearest_recorded_one(qtbot, window):
    w = window
    w.plots.budget_bytes = 20_000  # room for a few dozen rows: the store thins them
    w.reset()
    wait_step(qtbot, w, 0)
    w.step(100)
    wait_step(qtbot, w, 100)
    steps = w.presenter.states.steps()
    assert len(steps) < 101 and steps[0] == 0 and steps[-1] == 100
    missing = next(s for s in range(1, 100) if s not in steps)
    nearest = nearest_step(steps, missing)
    scrub(w, missing)
    assert w.presenter.shown.step == nearest != missing
    assert slider(w).value() == missing
    assert w.timeline.label.text() == (
        f"showing step {nearest}, the nearest recorded to {missing} (of 100)"
    )
    t = replayed(w, 100)
    params, _ = t.history.param_row(nearest)
    assert table_numbers(w, 0)[0] == params[0]
    assert w.table.model_.data(w.table.model_.index(0, 4)) == "—"  # (k-1 was dropped)
    # Left/Right move between the steps that are recorded
    slider(w).setFocus()
    qtbot.keyClick(slider(w), Qt.Key.Key_Right)
    w.presenter.refresh()
    assert w.presenter.shown.step == steps[list(steps).index(nearest) + 1]


def test_a_function_mode_run_scrubs_too(qtbot, make_window, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(
        '{"mode": "function", "function": "(w - 3)**2", "parameters": {"w": 1.0},'
        ' "optimizer": {"name": "sgd", "learning_rate": 0.1}}'
    )
    w = make_window(path)
    w.step(10)
    wait_step(qtbot, w, 10)
    w.form.optimizer_form.learning_rate_spin.setValue(0.5)  # a live change: the rate at 2 is 0.1
    qtbot.waitUntil(lambda: w.config.optimizer.learning_rate == 0.5, timeout=5000)
    w.step(5)
    wait_step(qtbot, w, 15)
    scrub(w, 2)
    expected = 3 - 2 * 0.8**2  # w_t = 3 - 2 (1 - 2 * 0.1)^t
    value, grad, update = table_numbers(w, 0)
    assert value == pytest.approx(expected, abs=1e-12)
    assert grad == pytest.approx(2 * (expected - 3), abs=1e-12)
    assert update == pytest.approx(-0.1 * 2 * (3 - 2 * 0.8 - 3), abs=1e-12)
    assert w.presenter.shown.learning_rate == 0.1 and w.presenter.shown.cost == pytest.approx(
        (expected - 3) ** 2, abs=1e-12
    )
