"""Views share the run's data (loaded once) but each gets its own network buffers."""

import os
import shutil

import numpy as np

from gdsim.config import load_config
from gdsim.resources import resource_path
from gdsim.session.run_model import run_data, run_model


def test_views_share_the_data_not_the_network():
    config = load_config(resource_path("examples", "spiral-softmax.json"))
    a, b = run_model(config), run_model(config)
    assert a.dataset is b.dataset and a.network is not b.network
    assert a.network.theta is not b.network.theta
    assert a.y_train.shape[0] == 2  # the trainer's one-hot targets for cross-entropy


def test_an_edited_csv_file_is_read_again(tmp_path):
    shutil.copy(resource_path("data", "moons_like.csv"), tmp_path / "moons.csv")
    text = resource_path("examples", "moons-csv.json").read_text()
    (tmp_path / "c.json").write_text(text.replace("../data/moons_like.csv", "moons.csv"))
    config = load_config(tmp_path / "c.json")
    first = run_data(config)
    assert run_data(config) is first
    lines = (tmp_path / "moons.csv").read_text().splitlines()
    (tmp_path / "moons.csv").write_text("\n".join(lines[:50]) + "\n")
    stat = os.stat(tmp_path / "moons.csv")
    os.utime(tmp_path / "moons.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = run_data(config)
    assert second is not first
    assert second.n_train + second.n_test == 49
    assert np.isfinite(second.x_train).all()
