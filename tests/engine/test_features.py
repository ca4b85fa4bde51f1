"""Input features (data.features, #14): their values, the data sets made with them, the order of
features and standardisation, and what they do for a network with no hidden layer on circle."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gdsim.config import config_from_dict, dumps_config, load_config
from gdsim.config.names import DEFAULT_FEATURES, INPUT_FEATURES
from gdsim.engine.datasets import make_builtin, standardized, with_features
from gdsim.engine.features import (
    FEATURES,
    feature_labels,
    has_plane,
    plane_inputs,
    plane_points,
    transform,
)
from gdsim.engine.trainer import Trainer
from gdsim.errors import DataError
from gdsim.resources import resource_path
from gdsim.session.run_files import export_run, load_csv, load_dataset, open_trainer
from gdsim.session.run_model import plane_inputs as session_plane_inputs
from gdsim.session.run_model import run_data, run_model

XY = np.array([[0.0, 1.5, -2.0, 0.25], [3.0, -0.5, 2.0, -4.0]])


def test_the_table_is_the_configs_list():
    assert tuple(FEATURES) == INPUT_FEATURES
    assert DEFAULT_FEATURES == ("x1", "x2")


def test_feature_values_are_exact():
    out = transform(INPUT_FEATURES, XY)
    x1, x2 = XY
    assert out.dtype == np.float64 and out.flags.c_contiguous and out.shape == (7, 4)
    np.testing.assert_array_equal(out[0], x1)
    np.testing.assert_array_equal(out[1], x2)
    np.testing.assert_array_equal(out[2], [0.0, 2.25, 4.0, 0.0625])
    np.testing.assert_array_equal(out[3], [9.0, 0.25, 4.0, 16.0])
    np.testing.assert_array_equal(out[4], [0.0, -0.75, -4.0, -1.0])
    np.testing.assert_array_equal(out[5], [math.sin(v) for v in x1])
    np.testing.assert_array_equal(out[6], [math.sin(v) for v in x2])


def test_transform_keeps_the_order_asked_for_and_copies():
    out = transform(["sin(x2)", "x1"], XY)
    np.testing.assert_array_equal(out, np.vstack([np.sin(XY[1]), XY[0]]))
    out[1, 0] = 99.0
    assert XY[0, 0] == 0.0


@pytest.mark.parametrize(
    ("names", "xy", "fragment"),
    [
        (["x3"], XY, "unknown input feature 'x3'"),
        ([], XY, "at least one"),
        (["x1", "x1"], XY, "listed twice"),
        (["x1"], XY[:1], "made from 2 inputs"),
        (["x1"], XY[0], "made from 2 inputs"),
    ],
)
def test_transform_refusals(names, xy, fragment):
    with pytest.raises(DataError, match=fragment):
        transform(names, xy)


def test_labels_use_the_datas_own_names():
    assert feature_labels(INPUT_FEATURES) == INPUT_FEATURES
    assert feature_labels(["x1^2", "x1*x2", "sin(x2)"], ["height", "age"]) == (
        "height^2",
        "height*age",
        "sin(age)",
    )


def test_a_builtin_set_with_features():
    raw = make_builtin("circle", samples=100, seed=4)
    data = make_builtin("circle", samples=100, seed=4, features=["x1^2", "x2^2", "x1*x2"])
    assert data.input_names == ("x1^2", "x2^2", "x1*x2")
    assert data.features == ("x1^2", "x2^2", "x1*x2") and data.n_inputs == 3
    np.testing.assert_array_equal(data.x_train[0], raw.x_train[0] ** 2)
    np.testing.assert_array_equal(data.x_test[2], raw.x_test[0] * raw.x_test[1])
    np.testing.assert_array_equal(data.y_train, raw.y_train)
    assert data.plane is not None and data.plane.names == ("x1", "x2")
    np.testing.assert_array_equal(data.plane.train, raw.x_train)
    np.testing.assert_array_equal(data.plane.test, raw.x_test)


def test_default_features_change_nothing():
    raw = make_builtin("spiral", samples=60, seed=2)
    same = make_builtin("spiral", samples=60, seed=2, features=("x1", "x2"))
    assert same.features == () and same.plane is None
    for field in ("x_train", "x_test", "y_train", "y_test"):
        np.testing.assert_array_equal(getattr(same, field), getattr(raw, field))
    assert with_features(raw, DEFAULT_FEATURES) is raw
    swapped = with_features(raw, ["x2", "x1"])  # not the default: computed
    np.testing.assert_array_equal(swapped.x_train, raw.x_train[::-1])


def test_features_need_two_raw_inputs():
    with pytest.raises(DataError, match=r"'sine' has 1 input\(s\) \(x\)"):
        make_builtin("sine", features=["x1"])
    data = make_builtin("xor", features=["x1^2"])
    with pytest.raises(DataError, match="2 raw inputs"):
        with_features(data, ["x1"])  # features of features
    with pytest.raises(DataError, match="2 raw inputs"):
        with_features(standardized(make_builtin("xor")), ["x1"])  # after standardisation


def test_features_are_standardised_after_they_are_computed():
    """The chosen order: features from the raw inputs, then each feature standardised by its
    own training mean and standard deviation."""
    raw = make_builtin("circle", samples=200, seed=1)
    data = make_builtin("circle", samples=200, seed=1, features=["x1^2", "x2"], standardize=True)
    square = raw.x_train[0] ** 2
    np.testing.assert_array_equal(data.input_mean, [square.mean(), raw.x_train[1].mean()])
    np.testing.assert_array_equal(data.input_scale, [square.std(), raw.x_train[1].std()])
    np.testing.assert_allclose(data.x_train.mean(axis=1), 0.0, atol=1e-15)
    np.testing.assert_allclose(data.x_train.std(axis=1), 1.0, rtol=1e-14)
    expected = (raw.x_test[0] ** 2 - square.mean()) / square.std()
    np.testing.assert_array_equal(data.x_test[0], expected)
    # (standardising first would make x1^2 the square of a standardised x1: not this)
    assert not np.allclose(
        data.x_train[0], ((raw.x_train[0] - raw.x_train[0].mean()) / raw.x_train[0].std()) ** 2
    )


def test_plane_points_and_inputs_for_the_views():
    data = make_builtin("circle", samples=80, seed=3, features=["x1^2", "x2^2"], standardize=True)
    assert has_plane(data)
    train, test, names = plane_points(data)
    assert names == ("x1", "x2") and train is data.plane.train and test is data.plane.test
    # the network's inputs for the plane's own points are the data's inputs
    np.testing.assert_allclose(plane_inputs(data, train), data.x_train, rtol=0, atol=1e-15)
    np.testing.assert_allclose(plane_inputs(data, test), data.x_test, rtol=0, atol=1e-15)
    assert session_plane_inputs is plane_inputs  # the views find it in run_model too
    plain = make_builtin("circle", samples=80, seed=3)
    grid = np.zeros((2, 5))
    assert plane_inputs(plain, grid) is grid  # without features the plane is the inputs
    train, test, names = plane_points(plain)
    assert train is plain.x_train and names == ("x1", "x2")
    three = make_builtin("xor", features=["x1", "x2", "x1*x2"])
    assert has_plane(three) and plane_inputs(three, grid).shape == (3, 5)
    assert not has_plane(make_builtin("sine"))


def accuracy(trainer: Trainer, which: str) -> float:
    extras = dict(
        zip(
            trainer.extra_names,
            trainer.history.table()[-1][-len(trainer.extra_names) :],
            strict=True,
        )
    )
    return extras[f"{which}_accuracy"]


def single_neuron(features):
    return {
        "network": {"inputs": len(features), "layers": [{"units": 1, "activation": "sigmoid"}]},
        "loss": "bce",
        "optimizer": {"name": "sgd", "learning_rate": 1.0},
        "data": {"name": "circle", "samples": 400, "test_fraction": 0.25, "features": features},
    }


def test_circle_is_separable_with_squares_and_not_without():
    """#14's done-when: on circle with x1^2 and x2^2 as inputs, a network with no hidden layer
    separates the classes; with x1 and x2 it cannot (a straight line cannot cut out a disc)."""
    with_squares = Trainer(single_neuron(["x1^2", "x2^2"]))
    with_squares.step(300)
    assert accuracy(with_squares, "train") > 0.95 and accuracy(with_squares, "test") > 0.95
    plain = Trainer(single_neuron(["x1", "x2"]))
    plain.step(300)
    assert accuracy(plain, "train") < 0.7 and accuracy(plain, "test") < 0.7


def test_the_example_trains_past_95_percent():
    cfg = load_config(resource_path("examples", "circle-features.json"))
    assert cfg.data.features == ("x1^2", "x2^2") and len(cfg.network.layers) == 1
    trainer = open_trainer(cfg)
    trainer.step(300)
    assert accuracy(trainer, "test") > 0.95


def test_the_views_model_gets_the_features():
    cfg = config_from_dict(
        single_neuron(["x1^2", "x2^2", "x1*x2"])
        | {"network": {"inputs": 3, "layers": [{"units": 1, "activation": "sigmoid"}]}}
    )
    data = run_data(cfg)
    assert data.input_names == ("x1^2", "x2^2", "x1*x2")
    model = run_model(cfg)
    assert model.dataset.input_names == ("x1^2", "x2^2", "x1*x2") and model.x_train.shape[0] == 3


def write_csv(path, header, rows):
    path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return path


def test_csv_with_two_inputs_and_features(tmp_path):
    rows = [(0.5, -1.0, 0), (2.0, 3.0, 1), (-1.5, 0.25, 1), (1.0, 1.0, 0)]
    path = write_csv(tmp_path / "d.csv", "a,b,y", rows)
    data = load_csv(path, ["a", "b"], ["y"], features=["x1^2", "x1*x2", "sin(x2)"])
    assert data.input_names == ("a^2", "a*b", "sin(b)") and data.plane.names == ("a", "b")
    a = np.array([r[0] for r in rows])
    b = np.array([r[1] for r in rows])
    np.testing.assert_array_equal(data.x_train, np.vstack([a * a, a * b, np.sin(b)]))
    cfg = config_from_dict(
        {
            "network": {"inputs": 3, "layers": [{"units": 1, "activation": "sigmoid"}]},
            "data": {
                "source": "csv",
                "path": "d.csv",
                "inputs": ["a", "b"],
                "targets": ["y"],
                "features": ["x1^2", "x1*x2", "sin(x2)"],
            },
        },
        base_dir=tmp_path,
    )
    np.testing.assert_array_equal(load_dataset(cfg).x_train, data.x_train)
    trainer = open_trainer(cfg)
    trainer.step(2)
    assert trainer.step_count == 2


def test_csv_with_three_inputs_refuses_features(tmp_path):
    write_csv(tmp_path / "d.csv", "a,b,c,y", [(1, 2, 3, 0), (4, 5, 6, 1)])
    with pytest.raises(DataError, match=r"has 3 input\(s\) \(a, b, c\)"):
        load_csv(tmp_path / "d.csv", ["a", "b", "c"], ["y"], features=["x1"])


def test_run_json_keeps_the_features(tmp_path):
    trainer = open_trainer(single_neuron(["x1^2", "x2^2"]))
    trainer.step(5)
    export_run(trainer, tmp_path / "run.csv")
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["data"]["features"] == ["x1^2", "x2^2"]
    again = load_config(tmp_path / "run.json")
    assert again.data.features == ("x1^2", "x2^2")
    assert dumps_config(again) == (tmp_path / "run.json").read_text()
    replay = open_trainer(again)
    replay.step(5)
    np.testing.assert_array_equal(replay.parameters, trainer.parameters)


def test_a_run_without_features_saves_as_before(tmp_path):
    trainer = open_trainer(resource_path("examples", "xor.json"))
    trainer.step(1)
    export_run(trainer, tmp_path / "run.csv")
    assert "features" not in (tmp_path / "run.json").read_text()
