"""digits and iris through every path that loads a run's data: open_trainer (the CLI and the
trainer child process), run_data (the app's views), export; Trainer(config) refuses them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gdsim.config import ConfigError, config_from_dict, load_config
from gdsim.engine.trainer import Trainer
from gdsim.io.run_csv import read_run_csv
from gdsim.resources import resource_path
from gdsim.session.run_files import export_run, load_dataset, open_trainer, shipped_path
from gdsim.session.run_model import run_data, run_model

DIGITS = resource_path("examples", "digits.json")


def accuracy(trainer, which="test"):
    obj = trainer.objective
    x = obj.x_test if which == "test" else obj.x_train
    y = (obj.dataset.y_test if which == "test" else obj.dataset.y_train)[0]
    return float(np.mean(obj.network.predict(x).argmax(axis=0) == y))


def test_the_digits_example_reaches_90_percent_test_accuracy():
    trainer = open_trainer(DIGITS)
    ds = trainer.objective.dataset
    assert ds.name == "digits" and ds.image_shape == (8, 8) and ds.input_mean is not None
    assert (ds.n_train, ds.n_test) == (1438, 359)
    trainer.step(300)
    assert accuracy(trainer) >= 0.90


def test_the_iris_and_spiral_examples_learn():
    for name, steps in (("iris", 300), ("spiral-3-classes", 600)):
        trainer = open_trainer(resource_path("examples", f"{name}.json"))
        trainer.step(steps)
        assert accuracy(trainer) >= 0.9, name


def test_trainer_without_a_dataset_points_to_open_trainer():
    cfg = load_config(DIGITS)
    with pytest.raises(ConfigError) as info:
        Trainer(cfg)
    message = str(info.value)
    assert message.startswith("data.name: 'digits' is real data")
    assert "gdsim.session.run_files.open_trainer" in message and "\n" not in message
    assert info.value.key == "data.name"
    # with its data passed in, the engine trains it
    assert Trainer(cfg, dataset=load_dataset(cfg)).objective.dataset.n_classes == 10


def test_load_dataset_follows_the_data_settings():
    cfg = load_config(DIGITS)
    a = load_dataset(cfg)
    b = load_dataset(cfg.replace(data=cfg.data.__class__(**{**vars(cfg.data), "seed": 2})))
    c = load_dataset(cfg)
    np.testing.assert_array_equal(a.x_test, c.x_test)
    assert not np.array_equal(a.x_test, b.x_test)
    raw = load_dataset(
        cfg.replace(data=cfg.data.__class__(**{**vars(cfg.data), "standardize": False}))
    )
    assert raw.input_mean is None and raw.x_train.max() == 16.0
    assert shipped_path("digits").name == "digits.csv"


def test_the_views_data_is_the_trainers():
    cfg = load_config(resource_path("examples", "iris.json"))
    data = run_data(cfg)
    assert run_data(cfg) is data  # loaded once per data settings
    np.testing.assert_array_equal(data.x_train, open_trainer(cfg).objective.x_train)
    assert run_model(cfg).dataset is data
    assert data.class_names == ("setosa", "versicolor", "virginica")


def test_a_digits_run_exports_and_replays(tmp_path):
    trainer = open_trainer(DIGITS)
    trainer.step(5)
    out = export_run(trainer, tmp_path / "run.csv")
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["data"] == {
        "source": "builtin",
        "name": "digits",
        "test_fraction": 0.2,
        "seed": 1,
        "standardize": True,
    }
    assert read_run_csv(out).data.shape[0] == 6
    again = open_trainer(tmp_path / "run.json")
    again.step(5)
    np.testing.assert_array_equal(again.parameters, trainer.parameters)


def test_gaussian_with_classes_trains_without_files():
    cfg = config_from_dict(
        {
            "network": {
                "inputs": 2,
                "layers": [
                    {"units": 8, "activation": "tanh"},
                    {"units": 4, "activation": "softmax"},
                ],
            },
            "loss": "cross_entropy",
            "optimizer": {"name": "adam", "learning_rate": 0.05},
            "data": {"name": "gaussian", "classes": 4, "samples": 400, "noise": 0.0},
        }
    )
    trainer = Trainer(cfg)
    assert trainer.objective.dataset.n_classes == 4
    trainer.step(200)
    assert accuracy(trainer) >= 0.9


def test_an_export_never_overwrites_the_shipped_file(tmp_path):
    from gdsim.errors import FileRefused

    trainer = open_trainer(resource_path("examples", "iris.json"))
    with pytest.raises(FileRefused, match="would overwrite the input data"):
        export_run(trainer, shipped_path("iris"))
