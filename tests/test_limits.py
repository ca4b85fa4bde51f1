"""Bad or huge config input gets a clear one-line refusal: huge integers, huge or unprintable keys,
networks too large for memory, config files that are not regular files or are too large."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from gdsim.config import (
    MAX_CONFIG_FILE_BYTES,
    MAX_NETWORK_PARAMETERS,
    MAX_RUN_MEMORY,
    ConfigError,
    config_from_dict,
    load_config,
)
from gdsim.config.memory import parameter_count, run_memory
from gdsim.config.names import HISTORY_MEMORY
from gdsim.engine.datasets import from_columns
from gdsim.engine.history import DEFAULT_BUDGET_BYTES
from gdsim.engine.trainer import DEFAULT_HISTORY_BUDGET
from gdsim.session.run_files import open_trainer

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and device nodes")


def network(inputs: int, hidden: list[int], outputs: int = 1, **extra) -> dict:
    layers = [{"units": u, "activation": "tanh"} for u in hidden]
    layers.append({"units": outputs, "activation": "sigmoid"})
    return {"network": {"inputs": inputs, "layers": layers}, **extra}


def refusal(data) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_dict(data)
    text = str(info.value)
    assert "\n" not in text and len(text) < 400, text
    return info.value


def file_refusal(path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert "\n" not in text and len(text) < 400, text
    return text


# ------------------------------------------------------------------------- network size


def test_a_network_over_the_parameter_limit_is_refused_with_both_figures():
    err = refusal(network(2, [3000, 3000]))  # was: "budget_bytes ... too small" in the trainer
    assert err.key == "network.layers"
    assert str(err) == (
        "network.layers: this network has 9,015,001 parameters; the limit is 2,000,000 "
        "(use fewer or smaller layers)"
    )


@pytest.mark.parametrize(
    ("hidden", "figure"),
    [([100_000, 100_000], "1.8 TiB"), ([1000] * 63, "12.2 GiB")],  # MemoryError / 4.9 GB before
)
def test_a_network_too_large_for_memory_is_refused_with_the_figure_and_the_limit(hidden, figure):
    err = refusal(network(2, hidden))
    assert err.key == "network.layers"
    assert f"would need about {figure} of memory; the limit is 2 GiB" in str(err)


def test_many_samples_count_towards_the_memory():
    data = {"source": "builtin", "name": "circle", "samples": 1_000_000}
    err = refusal(network(2, [100, 100], data=data))
    assert "on 1,000,000 samples" in str(err) and "fewer samples" in str(err)
    assert config_from_dict(network(2, [4], data=data)).data.samples == 1_000_000


def test_a_784_128_64_10_network_stays_allowed():
    cfg = config_from_dict(network(784, [128, 64], 10, loss="mse"))
    assert parameter_count(cfg.network) == 109_386
    # ... also on an MNIST-sized data set of 60,000 samples of 784 + 10 columns
    assert run_memory(cfg.network, batch_size=64, samples=60_000) < MAX_RUN_MEMORY


def test_the_estimate_is_an_upper_bound_of_what_the_engine_allocates():
    import tracemalloc

    from gdsim.engine.trainer import Trainer

    cfg = config_from_dict(
        network(2, [300, 300], data={"source": "builtin", "name": "xor", "samples": 2000})
    )
    tracemalloc.start()
    try:
        trainer = Trainer(cfg)
        trainer.step(2)
        trainer.history.table()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < run_memory(cfg.network, cfg.batch_size, 2000)


def test_the_history_memory_in_the_estimate_is_the_engines_default():
    assert HISTORY_MEMORY == DEFAULT_BUDGET_BYTES == DEFAULT_HISTORY_BUDGET
    assert 2 * 16 * MAX_NETWORK_PARAMETERS < (128 * 2**20) * 3 // 4  # the app's trainer budget


def test_a_csv_data_set_is_checked_once_its_rows_are_known():
    cfg = config_from_dict(
        network(
            50,
            [2000],
            loss="mse",
            data={"source": "csv", "path": "d.csv", "inputs": ["a"], "targets": ["b"]},
        )
    )
    rows = 40_000
    data = from_columns(np.zeros((51, rows)), [f"x{i}" for i in range(50)], ["y"])
    with pytest.raises(ConfigError, match="on 40,000 samples would need about"):
        open_trainer(cfg, dataset=data)


def test_a_history_budget_too_small_for_the_network_is_a_config_error():
    with pytest.raises(ConfigError, match="history needs") as info:
        open_trainer(network(2, [300, 300]), history_budget=2**20)
    assert info.value.key == "network.layers"  # was a ValueError: "internal error" in the app


@pytest.mark.parametrize(("key", "value"), [("batch_size", 10**6 + 1), ("evaluate_every", 10**10)])
def test_integers_without_an_upper_bound_have_one_now(key, value):
    assert refusal({key: value}).key == key


# ------------------------------------------------------------------------- numbers and keys


def test_an_integer_of_4301_digits_is_refused_in_one_line(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"init": {"seed": ' + "9" * 4301 + "}}")  # was: ValueError traceback
    assert file_refusal(path) == (
        "big.json: init.seed: must be <= 4294967295, got an integer of 4,301 digits"
    ).replace("big.json", str(path))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"optimizer": {"learning_rate": ' + "9" * 4000 + "}}", "optimizer.learning_rate"),
        ('{"optimizer": {"name": "adam", "eps": ' + "9" * 4000 + "}}", "optimizer.eps"),
        ('{"batch_size": -' + "9" * 5000 + "}", "batch_size: must be >= 0"),
        ('{"network": ' + "1" * 5000 + "}", "network: must be an object"),
        ('{"mode": "function", "parameters": {"w": ' + "7" * 4400 + "}}", "parameters.w"),
        ('{"gdsim": ' + "1" * 100 + "}", "gdsim"),
    ],
)
def test_huge_numbers_are_not_echoed_in_full(tmp_path, text, needle):
    path = tmp_path / "c.json"
    path.write_text(text)
    message = file_refusal(path)
    assert needle in message and "digits" in message


def test_a_huge_integer_in_a_config_built_in_code_is_not_echoed():
    err = refusal({"init": {"seed": 10**5000}})
    assert str(err) == "init.seed: must be <= 4294967295, got an integer of 5,001 digits"


def test_a_10k_character_key_is_shortened(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"k" * 10_000: 1}))
    message = file_refusal(path)
    assert "unknown key" in message and "10,000 characters" in message


@pytest.mark.parametrize(
    "data",
    [
        {"bad\nkey": 1},
        {"optimizer": {"na\nme": "sgd"}},
        {"mode": "function", "parameters": {"w\nx": 1.0}},
        {"loss": "ms\ne"},
        {"mode": "function", "function": "w +\n 1 $"},
        {"data": {"source": "csv", "path": "a.csv", "inputs": ["a\nb"], "targets": ["a\nb"]}},
    ],
)
def test_newlines_anywhere_give_one_line_messages(data):
    refusal(data)


def test_a_newline_in_the_config_file_name_gives_one_line(tmp_path):
    path = tmp_path / "bad\nname.json"
    path.write_text("{nope")
    assert file_refusal(path).startswith(str(tmp_path) + r"/bad\nname.json: invalid JSON")


# ------------------------------------------------------------------------- config files


@posix_only
@pytest.mark.timeout(30)
def test_a_fifo_as_config_is_refused_at_once(tmp_path):
    fifo = tmp_path / "c.json"
    os.mkfifo(fifo)  # was: File > Open froze the app, `gdsim train` hung
    assert file_refusal(fifo) == f"{fifo}: is a FIFO (named pipe), not a regular file"


@posix_only
@pytest.mark.timeout(30)
def test_dev_zero_as_config_is_refused_at_once():
    assert file_refusal("/dev/zero") == "/dev/zero: is a character device, not a regular file"


def test_a_config_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "c.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_CONFIG_FILE_BYTES + 1)
    assert file_refusal(path) == (
        f"{path}: is 16,777,217 bytes; the limit for a config file is 16 MiB"
    )


def test_a_loaded_config_knows_its_file(tmp_path):
    path = tmp_path / "c.json"
    path.write_text("{}")
    cfg = load_config(path)
    assert cfg.config_file == path.absolute()
    assert cfg.replace(batch_size=4).config_file == path.absolute()  # kept by the forms' edits
    assert cfg == config_from_dict({})  # and not part of equality


@pytest.mark.timeout(60)
def test_many_column_names_are_checked_quickly(tmp_path):
    # (duplicates were looked for pairwise: 10^5 names took hours)
    names = [f"c{i}" for i in range(100_000)]
    data = {"source": "csv", "path": "d.csv", "inputs": names, "targets": ["y"]}
    cfg = config_from_dict(network(100_000, [], loss="mse", data=data))
    assert len(cfg.data.inputs) == 100_000
    too_many = {"source": "csv", "path": "d.csv", "inputs": [*names, "z"], "targets": ["y"]}
    assert "at most 100,000 columns" in str(refusal(network(2, [], data=too_many)))
