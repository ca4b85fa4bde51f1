"""The Prediction tab's class panel: confusion matrix, misclassified samples, accuracy over time,
and no work while hidden."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.app.views import prediction
from gdsim.app.views.prediction import PredictionView
from gdsim.app.views.prediction_classes_numbers import (
    AccuracyStore,
    cell_text,
    confusion_matrix,
    misclassified,
    predicted_classes,
    sample_text,
)
from gdsim.session.run_files import open_trainer
from tests.gui.image_data import image_dataset, image_trainer, write_image_csv
from tests.gui.trainer_state import EXAMPLES, run_info, snapshot


@pytest.fixture
def view(qtbot):
    v = PredictionView()
    qtbot.addWidget(v)
    v.resize(1050, 280)
    v.show()
    qtbot.waitExposed(v)
    return v


def direct(t, x, y):
    out = t.predict(x)
    pred = (out[0] >= 0.5).astype(int) if out.shape[0] == 1 else out.argmax(axis=0)
    return pred, y[0].astype(int)


# ----------------------------------------------------------------------------------------------
# the numbers


def test_numbers():
    labels = np.array([0, 1, 2, 2, 1, 0.0])
    predicted = np.array([0, 2, 2, 1, 1, 0])
    counts = confusion_matrix(labels, predicted, 3)
    assert counts.tolist() == [[2, 0, 0], [0, 1, 1], [0, 1, 1]]
    shown, n = misclassified(labels, predicted, limit=1)
    assert shown.tolist() == [1] and n == 2
    assert predicted_classes(np.array([[0.2, 0.5, 0.9]])).tolist() == [0, 1, 1]
    assert predicted_classes(np.array([[0.1, np.nan], [0.9, 0.3]])).tolist() == [1, 1]
    assert cell_text(counts, 1, 2) == "true 1, predicted 2: 1 sample (50.0% of class 1), wrong"
    x = np.array([0.25, -1.5])
    assert sample_text(x, ("x1", "x2"), 4, 1, 0) == "#5: 1 → 0 · x1 0.25, x2 -1.5"


def test_the_accuracy_store_keeps_the_evaluated_steps():
    t = open_trainer(EXAMPLES / "xor.json")
    store = AccuracyStore()
    store.start(t.extra_names)
    assert store.active
    t.step(5)
    store.add(t.history.since(-1))
    steps, acc = store.curve(0)
    assert steps.tolist() == list(range(6))
    np.testing.assert_array_equal(acc, t.history.extra("train_accuracy"))
    store.start(("train_cost", "test_cost", "epoch", "learning_rate"))
    assert not store.active


# ----------------------------------------------------------------------------------------------
# the view


def test_confusion_matrix_counts_every_sample_and_matches_a_direct_count(view):
    t = open_trainer(EXAMPLES / "spiral-softmax.json")
    t.step(30)
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    data = t.objective.dataset
    panel = view.classes
    assert not panel.isHidden() and panel.which == "test"
    counts = panel.matrix.counts
    assert counts.sum() == data.x_test.shape[1]
    pred, true = direct(t, data.x_test, data.y_test)
    expected = np.zeros((2, 2), dtype=int)
    np.add.at(expected, (true, pred), 1)
    np.testing.assert_array_equal(counts, expected)
    # the train set at a click
    panel.train_button.click()
    assert panel.which == "train"
    counts = panel.matrix.counts
    assert counts.sum() == data.x_train.shape[1]
    pred, true = direct(t, data.x_train, data.y_train)
    assert np.trace(counts) == int((pred == true).sum())
    np.testing.assert_array_equal(view.predicted("train"), pred)


def test_the_strip_lists_only_misclassified_samples(view):
    t = open_trainer(EXAMPLES / "xor.json")
    t.step(10)  # early: many mistakes
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    data = t.objective.dataset
    pred, true = direct(t, data.x_test, data.y_test)
    wrong = np.flatnonzero(pred != true)
    strip = view.classes.strip
    assert wrong.size > 0
    assert strip.shown.tolist() == wrong[: len(strip.shown)].tolist()
    assert f"{wrong.size} of {data.x_test.shape[1]}" in strip.title.text()
    for i, line in zip(strip.shown, strip.lines, strict=True):
        assert line.startswith(f"#{i + 1}: {true[i]} → {pred[i]} · x1 ")
        assert pred[i] != true[i]
    assert strip.rows.text().splitlines() == strip.lines


def test_image_inputs_show_misclassified_images(view, monkeypatch):
    monkeypatch.setattr(prediction, "run_data", lambda config: image_dataset())
    t = image_trainer(hidden=4)
    t.step(2)
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    assert view.kind() == "other" and "64 inputs" in view.note_text()
    strip = view.classes.strip
    pred, true = direct(t, t.objective.dataset.x_test, t.objective.dataset.y_test)
    wrong = np.flatnonzero(pred != true)
    assert strip.stack.currentWidget() is strip.tiles
    assert len(strip.tiles.images) == min(wrong.size, 60)
    assert {(im.width(), im.height()) for im in strip.tiles.images} <= {(8, 8)}
    assert strip.tiles.captions == [f"{true[i]} → {pred[i]}" for i in strip.shown]
    assert view.classes.matrix.counts.shape == (3, 3)


def test_accuracy_over_time_follows_the_trainer(view):
    t = open_trainer(EXAMPLES / "xor.json")
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    t.step(8)
    view.update_from(snapshot(t, since=0))
    steps, values = view.classes.train_curve.getData()
    assert steps.tolist() == list(range(9))
    np.testing.assert_array_equal(values, t.history.extra("train_accuracy"))
    _, test = view.classes.test_curve.getData()
    np.testing.assert_array_equal(test, t.history.extra("test_accuracy"))


def test_regression_has_no_class_panel(view):
    t = open_trainer(EXAMPLES / "sine-regression.json")
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    assert view.classes.isHidden()


def test_hidden_it_keeps_the_accuracy_but_computes_nothing(view, qtbot):
    t = open_trainer(EXAMPLES / "xor.json")
    view.start_run(run_info(t))
    view.hide()
    since = -1
    for _ in range(3):
        t.step(3)
        view.update_from(snapshot(t, since=since))
        since = t.step_count
    assert view.redraws == 0 and view.classes.matrix.counts.size == 0
    assert view.classes.accuracy.curve(0)[0].tolist() == list(range(10))
    view.show()
    qtbot.waitUntil(lambda: view.redraws == 1, timeout=3000)
    assert view.classes.matrix.counts.sum() == t.objective.dataset.x_test.shape[1]


def test_in_the_window_the_tab_computes_only_when_shown(qtbot, make_window, tmp_path):
    window = make_window(str(write_image_csv(tmp_path, hidden=6)))
    view = window.prediction_view
    assert window.bottom_tabs.currentWidget() is not view
    window.step(15)
    qtbot.waitUntil(lambda: window.session.last.step == 15, timeout=10000)
    qtbot.wait(300)
    assert view.redraws == 0
    window.bottom_tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.redraws >= 1, timeout=5000)
    counts = view.classes.matrix.counts
    assert counts.shape == (3, 3) and counts.sum() == 60  # 240 rows, a quarter for testing
    # every step's accuracy, although the view was hidden for most of them
    steps, values = view.classes.train_curve.getData()
    assert steps.tolist() == list(range(16)) and np.isfinite(values).all()


def test_a_slow_redraw_waits_while_running_and_draws_when_paused(view):
    t = open_trainer(EXAMPLES / "xor.json")
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    assert view.redraws == 1
    view._draw_cost = 10.0  # as if predicting a huge data set took 10 s
    t.step(2)
    view.update_from(snapshot(t, since=0, running=True))
    assert view.redraws == 1  # the GUI is not kept busy
    t.step(2)
    view.update_from(snapshot(t, since=2, running=False))  # the run paused: draw it now
    assert view.redraws == 2 and view.classes.accuracy.curve(0)[0].tolist() == list(range(5))


def test_misclassified_samples_are_drawn_as_the_data_has_them_not_standardised(view, monkeypatch):
    import json

    from gdsim.config import config_from_dict

    config = json.loads((EXAMPLES / "digits.json").read_text())
    assert config["data"]["standardize"] is True
    t = open_trainer(config_from_dict(config))
    t.step(5)
    raw = open_trainer(
        config_from_dict({**config, "data": {**config["data"], "standardize": False}})
    )
    seen = {}
    original = view.classes.show_set

    def capture(x, *args):
        seen["x"] = x
        return original(x, *args)

    monkeypatch.setattr(view.classes, "show_set", capture)
    view.start_run(run_info(t))
    view.update_from(snapshot(t))
    view.classes.choose("test")
    np.testing.assert_allclose(seen["x"], raw.objective.dataset.x_test, rtol=0, atol=1e-12)
    assert seen["x"].max() == pytest.approx(16.0, abs=1e-12)  # pixels 0..16, as in the file
