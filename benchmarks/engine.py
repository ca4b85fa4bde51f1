"""Engine throughput, side by side with a PyTorch CPU loop and a matmul-only loop, and run-CSV
export speed.

Both training loops record every step (cost, all parameters, all gradients), float64, full batch
unless stated, and neither evaluates the whole training set between steps (gdsim's
`evaluate_every` is set out of reach; by default it adds one full-set pass per epoch with
mini-batches); both gather their mini-batches every step. Both record into memory that is
already mapped (gdsim's history store is filled once before a Reset, PyTorch's ring of rows is
written once), so the first-touch page faults of a fresh store, 0.2-10 ms a row on this VM, are
not timed.

The matmul-only loop (mini-batch networks) is the bound: exactly the matrix products of gdsim's
forward and backward pass, with the same shapes, layouts and preallocated outputs (z = W a,
dW = delta a^T, and W^T delta for every layer but the first), and nothing else: no bias,
activation, loss, optimizer, recording, and no batch gathering (it multiplies one fixed batch
laid out as gdsim's gathered batch: a transposed view of sample-major rows).

The variants run interleaved in rounds (gdsim, torch, matmul-only, then again), each after a
short pause so no variant pays for another's still-spinning BLAS or OpenMP threads, PyTorch in
a process of its own (see `_worker`); printed are the medians over rounds and the ratios of the
medians.

    python benchmarks/engine.py            # add --quick for a shorter run
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
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
    ("2-4-4-1 tanh MSE", [2, 4, 4, 1], "tanh", "linear", "mse", 200, 0, 11.0),
    # diagnostic: the same shape without tanh (NumPy's float64 tanh is scalar on AVX2-only CPUs)
    ("2-4-4-1 relu MSE (same shape, no tanh)", [2, 4, 4, 1], "relu", "linear", "mse", 200, 0, None),
    ("2-8-8-8-1 tanh MSE", [2, 8, 8, 8, 1], "tanh", "linear", "mse", 500, 0, 6.5),
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


MATMUL_TARGET = 0.70  # gdsim's share of the matmul-only rate, for the mini-batch network


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
    # Warm-up: buffers allocated, and the history's row store written once (until its first
    # decimation), so it is mapped memory, as in every run after a Reset.
    trainer.step(20)
    while trainer.history.stride == 1 and trainer.step_count < 2000:
        trainer.step(100)
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
    capacity = 128  # a ring of rows, written once before timing (mapped memory, as gdsim's)
    costs = np.zeros(capacity)
    rows_p, rows_g = np.ones((capacity, n_params)), np.ones((capacity, n_params))
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


def matmul_rate(sizes, data, batch, seconds) -> float:
    """Steps/s of the matrix products alone of one forward + backward pass (see the docstring)."""
    rng = np.random.default_rng(0)
    n = batch or data.x_train.shape[1]
    # The batch as gdsim hands it to the network: sample-major rows, seen transposed.
    x = np.ascontiguousarray(data.x_train.T[:n]).T
    weights = [rng.normal(size=(o, i)) for i, o in zip(sizes[:-1], sizes[1:], strict=True)]
    grads = [np.empty_like(w) for w in weights]
    z = [np.empty((o, n)) for o in sizes[1:]]
    delta = [rng.normal(size=(o, n)) for o in sizes[1:]]
    grad_a = [np.empty((o, n)) for o in sizes[1:]]
    dot = np.dot

    def one_step():
        a_prev = x
        for w, z_l in zip(weights, z, strict=True):
            dot(w, a_prev, out=z_l)
            a_prev = z_l
        for layer in range(len(weights) - 1, -1, -1):
            dot(delta[layer], (z[layer - 1] if layer else x).T, out=grads[layer])
            if layer:
                dot(weights[layer].T, delta[layer], out=grad_a[layer - 1])

    for _ in range(20):
        one_step()
    done, start = 0, time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        one_step()
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


SETTLE_SECONDS = 0.3  # idle BLAS/OpenMP workers spin for a while after a call, then sleep


def _measure(kind: str, net: int, seconds: float, torch=None) -> float:
    name, sizes, hidden, out, loss, samples, batch, target = NETS[net]
    data = synthetic(sizes, loss, samples)
    if kind == "matmul":
        return matmul_rate(sizes, data, batch, seconds)
    args = (sizes, hidden, out, loss, data, batch, seconds)
    return torch_rate(torch, *args) if kind == "torch" else gdsim_rate(*args)


def _worker(conn, with_torch: bool) -> None:
    """Measure on request. NumPy's OpenBLAS threads and PyTorch's OpenMP threads in one process
    slowed each other's matrix products up to 40-fold on 2 cores, so each lives in its own."""
    torch = None
    if with_torch:
        import torch
    conn.send(f"torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "")
    while (job := conn.recv()) is not None:
        conn.send(_measure(*job, torch=torch))


class Workers:
    """One process for gdsim and matmul-only (never imports torch), one for PyTorch."""

    def __init__(self, with_torch: bool) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conns, self.procs = {}, []
        for key, flag in [("numpy", False)] + ([("torch", True)] if with_torch else []):
            here, there = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(there, flag), daemon=True)
            proc.start()
            self.procs.append(proc)
            self.conns[key] = here
        self.versions = [c.recv() for c in self.conns.values()]

    def measure(self, kind: str, net: int, seconds: float) -> float:
        conn = self.conns["torch" if kind == "torch" else "numpy"]
        conn.send((kind, net, seconds))
        return conn.recv()

    def close(self) -> None:
        for conn in self.conns.values():
            conn.send(None)
        for proc in self.procs:
            proc.join()


def interleaved(workers: Workers, kinds: list[str], net: int, seconds, repeats) -> dict:
    """Median rate of each variant, run in rounds (A, B, C, A, B, C, ...)."""
    rates: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(repeats):
        for kind in kinds:
            time.sleep(SETTLE_SECONDS)
            rates[kind].append(workers.measure(kind, net, seconds))
    return {kind: statistics.median(r) for kind, r in rates.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    parser.add_argument("--only", default="", help="run only networks whose name contains this")
    parser.add_argument("--repeats", type=int, default=0, help="rounds (default 3, quick; 5)")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="BLAS/OpenMP threads for NumPy and PyTorch alike (default: theirs). With other "
        "work on a 2-core machine, 2-thread matrix products wait for a descheduled thread and "
        "rates fall 10-fold; 1 thread measures the engines rather than the scheduler",
    )
    parser.add_argument(
        "--openblas-timeout",
        type=int,
        default=0,
        help="OPENBLAS_THREAD_TIMEOUT for the workers (4..30; OpenBLAS's default 28 lets an "
        "idle thread spin ~2^28 cycles after each product: on this 2-core VM 4 took gdsim on "
        "784-128-64-10 from ~290 to ~495 steps/s and the matmul-only loop from ~530 to ~735)",
    )
    args = parser.parse_args()
    seconds, repeats = (0.5, 3) if args.quick else (1.5, 5)
    repeats = args.repeats or repeats
    has_torch = importlib.util.find_spec("torch") is not None
    if not has_torch:
        print("PyTorch is not installed: showing gdsim only (pip install torch==2.13.0)")
    if args.threads:  # read by OpenBLAS and OpenMP when the workers start
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)
    if args.openblas_timeout:
        os.environ["OPENBLAS_THREAD_TIMEOUT"] = str(args.openblas_timeout)
    workers = Workers(has_torch)
    print(", ".join([f"numpy {np.__version__}", *filter(None, workers.versions)]))
    blas = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "OMP_", "MKL_"))}
    print("environment: " + (", ".join(f"{k}={v}" for k, v in sorted(blas.items())) or "none"))
    print(
        f"median of {repeats} interleaved rounds of {seconds} s per variant, recording every step\n"
    )
    print(
        f"{'network':44s} {'gdsim steps/s':>14s} {'torch steps/s':>14s} {'ratio':>7s} "
        f"{'target':>13s} {'matmul-only':>12s} {'gdsim/matmul':>13s}"
    )
    for net, (name, _, _, _, _, _, batch, target) in enumerate(NETS):
        if args.only not in name:
            continue
        kinds = ["gdsim"] + (["torch"] if has_torch else []) + (["matmul"] if batch else [])
        rates = interleaved(workers, kinds, net, seconds, repeats)
        ours = rates["gdsim"]
        line = f"{name:44s} {ours:14,.0f}"
        if has_torch:
            theirs = rates["torch"]
            ratio = ours / theirs
            verdict = (
                ""
                if target is None
                else (f"{target:>5.1f}x " + ("ok" if ratio >= target else "MISSED"))
            )
            line += f" {theirs:14,.0f} {ratio:6.2f}x {verdict:>13s}"
        else:
            line += f" {'':14s} {'':7s} {'':13s}"
        if "matmul" in rates:
            bound = rates["matmul"]
            share = ours / bound
            line += f" {bound:12,.0f} {share:7.0%} " + (
                "ok" if share >= MATMUL_TARGET else "MISSED"
            )
        print(line, flush=True)
    workers.close()
    rate = median_of(lambda: csv_rate(200_000, 77), repeats)
    print(
        f"\nrun CSV export (200,000 rows x 77 columns, '%.17g'): {rate:.0f} MB/s "
        f"(target 50 MB/s {'ok' if rate >= 50 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
