"""Big runs keep the window live: a run's data file is read in a thread, the views wait for it."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
from PySide6.QtCore import QTimer

from gdsim.session import run_model


def csv_config(tmp_path, rows=300, inputs=20):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, inputs))
    y = rng.integers(0, 3, rows)
    header = [f"x{i}" for i in range(inputs)] + ["label"]
    lines = [",".join(header)] + [
        ",".join(f"{v:.6f}" for v in r) + f",{c}" for r, c in zip(x, y, strict=True)
    ]
    (tmp_path / "wide.csv").write_text("\n".join(lines) + "\n")
    config = {
        "gdsim": 1,
        "mode": "network",
        "network": {
            "inputs": inputs,
            "layers": [{"units": 8, "activation": "relu"}, {"units": 3, "activation": "softmax"}],
        },
        "loss": "cross_entropy",
        "data": {"source": "csv", "path": "wide.csv", "inputs": header[:-1], "targets": ["label"]},
    }
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(config))
    return path


def test_a_runs_data_file_is_read_off_the_gui_thread(qtbot, window, tmp_path, monkeypatch):
    readers: list[str] = []
    original = run_model.load_dataset

    def slow_load(config):
        readers.append(threading.current_thread().name)
        time.sleep(0.6)  # a big file
        return original(config)

    monkeypatch.setattr(run_model, "load_dataset", slow_load)
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    assert window.open_config(csv_config(tmp_path))
    assert time.perf_counter() - started < 0.5  # opening did not wait for the file
    qtbot.waitUntil(lambda: window.session.info.config.network.inputs == 20, timeout=10000)
    qtbot.waitUntil(window.presenter.waiting_for_data, timeout=5000)
    qtbot.waitUntil(lambda: not window.presenter.waiting_for_data(), timeout=10000)
    timer.stop()
    assert readers and readers[0] == "gdsim-data"
    gaps = np.diff(ticks)
    assert len(gaps) > 20 and gaps.max() < 0.3  # the event loop ran all the while
    # the views started on the run and show its state
    window.show_tab("chain_rule")
    qtbot.waitUntil(lambda: window.chain_view.breakdown() is not None, timeout=5000)
    assert window.chain_view.parameter() == "w1_1_1"
    assert window.table.model().rowCount() == len(window.session.info.parameter_names)


def test_steps_taken_while_the_data_loads_reach_the_views(qtbot, window, tmp_path, monkeypatch):
    original = run_model.load_dataset
    monkeypatch.setattr(
        run_model, "load_dataset", lambda config: (time.sleep(0.8), original(config))[1]
    )
    assert window.open_config(csv_config(tmp_path))
    qtbot.waitUntil(lambda: window.session.info.config.network.inputs == 20, timeout=10000)
    qtbot.waitUntil(window.presenter.waiting_for_data, timeout=5000)
    window.step(5)
    # (the new run's first snapshot may not have come yet: last is None until it does)
    qtbot.waitUntil(
        lambda: window.session.last is not None and window.session.last.step == 5, timeout=10000
    )
    qtbot.waitUntil(lambda: not window.presenter.waiting_for_data(), timeout=10000)
    qtbot.waitUntil(
        lambda: window.presenter.last is not None and window.presenter.last.step == 5,
        timeout=5000,
    )
    # (the views are fed on the presenter's next ~30 Hz tick, not with the snapshot itself)
    qtbot.waitUntil(lambda: len(window.health_view.series(0)[0]) == 6, timeout=5000)
    steps, _ = window.health_view.series(0)
    assert steps.tolist() == [0, 1, 2, 3, 4, 5]


def test_a_run_of_100k_parameters_starts_without_per_parameter_python_work(
    qtbot, window, tmp_path, monkeypatch
):
    import sys

    path = csv_config(tmp_path, rows=40, inputs=400)
    config = json.loads(path.read_text())
    config["network"]["layers"] = [
        {"units": 250, "activation": "relu"},
        {"units": 3, "activation": "softmax"},
    ]
    path.write_text(json.dumps(config))
    calls = []
    original = window.presenter._start_views

    def counted(info):
        count = [0]

        def profile(frame, event, arg):
            if event == "call":
                count[0] += 1

        sys.setprofile(profile)
        try:
            original(info)
        finally:
            sys.setprofile(None)
        calls.append((len(info.parameter_names), count[0]))

    monkeypatch.setattr(window.presenter, "_start_views", counted)
    assert window.open_config(path)
    qtbot.waitUntil(lambda: bool(calls), timeout=20000)
    n_params, n_calls = calls[0]
    assert n_params == 400 * 250 + 250 + 250 * 3 + 3  # 101,003
    # every view of the window started on it: Python calls in the thousands, not one or more
    # per parameter (the parameter table's sort proxy alone made 5.5 million)
    assert n_calls < 50_000, n_calls  # (about 23,000 today)
