"""Engine throughput, side by side with a PyTorch CPU loop, and run-CSV export speed.

Both loops record every step (cost, all parameters, all gradients), float64, full batch unless
stated, and neither evaluates the whole training set between steps (gdsim's `evaluate_every`
is set out of reach; by default it adds one full-set pass per epoch with mini-batches).
Prints the median of several timed repeats and the ratio gdsim / PyTorch.

    python benchmarks/engine.py            # add --quick for a shorter run
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gdsim.config import config_from_dict
from gdsim.engine.datasets import Dataset
from gdsim.engine.trainer import Trainer

NETS = [
    # name, sizes, hidden activation, output activation, loss, samples, batch, target ratio
    ("2-4-4-1 tanh MSE", [2, 4, 4, 1], "tanh", "linear", "mse", 200, 0, 10.0),
    # diagnostic: the same shape without tanh (NumPy's float64 tanh is scalar on AVX2-only CPUs)
    ("2-4-4-1 relu MSE (same shape, no tanh)", [2, 4, 4, 1], "relu", "linear", "mse", 200, 0, None),
    ("2-8-8-8-1 tanh MSE", [2, 8, 8, 8, 1], "tanh", "linear", "mse", 500, 0, 6.0),
    ("2-16-16-1 relu/sigmoid BCE", [2, 16, 16, 1], "relu", "sigmoid", "bce", 1000, 0, None),
    (
        "784-128-64-10 relu/softmax CE, batch 256",
        [784, 128, 64, 10],
        "relu",
        "softmax",
        "cross_entropy",
        2560,
        256,
        1.5,
    ),
]


def synthetic(sizes, loss, samples, seed=0) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(sizes[0], samples))
    if loss == "mse":
        y, task, classes = rng.normal(size=(sizes[-1], samples)), "regression", 0
    else:
        k = max(2, sizes[-1])
        y, task, classes = rng.integers(0, k, size=(1, samples)).astype(float), "classification", k
    empty = np.empty((sizes[0], 0))
    return Dataset(
        x_train=x,
        y_train=y,
        x_test=empty,
        y_test=np.empty((y.shape[0], 0)),
        input_names=tuple(f"x{i}" for i in range(sizes[0])),
        target_names=("y",),
        task=task,
        n_classes=classes,
        name="synthetic",
    )


def gdsim_rate(sizes, hidden, out, loss, data, batch, seconds) -> float:
    cfg = config_from_dict(
        {
            "mode": "network",
            "network": {
                "inputs": sizes[0],
                "layers": [{"units": u, "activation": hidden} for u in sizes[1:-1]]
                + [{"units": sizes[-1], "activation": out}],
            },
            "loss": loss,
            "init": {"scheme": "xavier_uniform", "seed": 0},
            "optimizer": {"name": "sgd", "learning_rate": 0.01},
            "batch_size": batch,
            # Like the PyTorch loop: no extra full-training-set evaluation once an epoch.
            "evaluate_every": 10**9,
            "data": {"source": "builtin", "name": "xor", "test_fraction": 0.0},
        }
    )
    trainer = Trainer(cfg, dataset=data)
    trainer.step(20)  # warm-up: buffers allocated
    trainer.reset()
    start = time.perf_counter()
    done = trainer.step(10**9, max_seconds=seconds)
    return done / (time.perf_counter() - start)


def torch_rate(torch, sizes, hidden, out, loss, data, batch, seconds) -> float:
    acts = {
        "tanh": torch.nn.Tanh,
        "relu": torch.nn.ReLU,
        "sigmoid": torch.nn.Sigmoid,
        "linear": torch.nn.Identity,
    }
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(torch.nn.Linear(a, b))
        last = i == len(sizes) - 2
        if not last:
            layers.append(acts[hidden]())
        elif out != "softmax":  # CrossEntropyLoss applies log-softmax itself
            layers.append(acts[out]())
    model = torch.nn.Sequential(*layers).double()
    params = list(model.parameters())
    n_params = sum(p.numel() for p in params)
    opt = torch.optim.SGD(params, lr=0.01)
    x = torch.from_numpy(data.x_train.T.copy())
    if loss == "cross_entropy":
        y = torch.from_numpy(data.y_train[0].astype(np.int64))
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        y = torch.from_numpy(data.y_train.T.copy())
        loss_fn = torch.nn.MSELoss() if loss == "mse" else torch.nn.BCELoss()
    n = x.shape[0]
    batch = batch or n
    generator = torch.Generator().manual_seed(0)
    capacity = 4096
    costs = np.empty(capacity)
    rows_p, rows_g = np.empty((capacity, n_params)), np.empty((capacity, n_params))
    order = torch.randperm(n, generator=generator)

    def one_step(i):
        nonlocal order
        start = (i * batch) % n
        if batch < n and start < batch:
            order = torch.randperm(n, generator=generator)
        idx = order[start : start + batch] if batch < n else slice(None)
        opt.zero_grad()
        value = loss_fn(model(x[idx]), y[idx])
        value.backward()
        j = i % capacity
        costs[j] = value.item()
        rows_p[j] = torch.cat([p.detach().reshape(-1) for p in params]).numpy()
        rows_g[j] = torch.cat([p.grad.reshape(-1) for p in params]).numpy()
        opt.step()

    for i in range(20):
        one_step(i)
    done, start = 0, time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        one_step(done)
        done += 1
    return done / (time.perf_counter() - start)


def csv_rate(rows: int, cols: int) -> float:
    from gdsim.io.run_csv import write_run_csv

    data = np.random.default_rng(0).normal(size=(rows, cols))
    data[:, 0] = np.arange(rows)
    header = [f"c{i}" for i in range(cols)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.csv"
        start = time.perf_counter()
        size = write_run_csv(path, header, data)
        return size / 1e6 / (time.perf_counter() - start)


def median_of(fn, repeats):
    return statistics.median(fn() for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    parser.add_argument("--only", default="", help="run only networks whose name contains this")
    args = parser.parse_args()
    seconds, repeats = (0.5, 3) if args.quick else (1.5, 5)
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed: showing gdsim only (pip install torch==2.13.0)")
    print(
        f"numpy {np.__version__}"
        + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "")
    )
    print(f"median of {repeats} runs of {seconds} s each, recording every step\n")
    print(
        f"{'network':44s} {'gdsim steps/s':>14s} {'torch steps/s':>14s} {'ratio':>7s} "
        f"{'target':>7s}"
    )
    for name, sizes, hidden, out, loss, samples, batch, target in NETS:
        if args.only not in name:
            continue
        data = synthetic(sizes, loss, samples)
        args_ = (sizes, hidden, out, loss, data, batch, seconds)
        ours = median_of(lambda a=args_: gdsim_rate(*a), repeats)
        line = f"{name:44s} {ours:14,.0f}"
        if torch is not None:
            theirs = median_of(lambda a=args_: torch_rate(torch, *a), repeats)
            ratio = ours / theirs
            verdict = (
                ""
                if target is None
                else (f"{target:>5.1f}x " + ("ok" if ratio >= target else "MISSED"))
            )
            line += f" {theirs:14,.0f} {ratio:6.1f}x {verdict}"
        print(line, flush=True)
    rate = median_of(lambda: csv_rate(200_000, 77), repeats)
    print(
        f"\nrun CSV export (200,000 rows x 77 columns, '%.17g'): {rate:.0f} MB/s "
        f"(target 50 MB/s {'ok' if rate >= 50 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
