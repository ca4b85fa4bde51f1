"""The app while training, side by side for the default network and for 784-128-64-10.

Runs the real MainWindow (offscreen unless a display is set) with its default views, and
measures what a user feels: how long the window stalls (the longest gap of a 5 ms timer on the
GUI's event loop) while a config loads, the run resets, the tabs switch, one step is taken and
a run is exported; while it runs, the steps per second, the event loop's p99 delay and the plot
refreshes per second; and the memory of both processes. The default network's in-app rate is
compared with the headless engine's on the same machine, interleaved.

The big network is the one a learner meets next: 784-128-64-10 relu/softmax cross-entropy
(109,386 parameters), Adam, batch 100, on a 1,000-row CSV of 784 random pixel columns written
to a temporary folder.

    python benchmarks/app.py                 # ~2 minutes
    python benchmarks/app.py --million       # also run 10^6 steps of the default net in the app
    python benchmarks/app.py --diagram       # only: running with Step by phase and its neuron
                                             # maps showing, 2-4-1 and 2-8-8-1 (~1 minute)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gdsim.app.main_window import MainWindow  # noqa: E402
from gdsim.app.window.tabs import TABS  # noqa: E402
from gdsim.engine.trainer import Trainer  # noqa: E402

PROBE_MS = 5
TARGETS = {  # row: (target text, ok?)
    "stall": ("<= 200 ms", lambda v: v <= 200),
    "p99": ("<= 50 ms", lambda v: v <= 50),
    "refresh": (">= 25 /s", lambda v: v >= 25),
}


def rss_mib(pid: int | str = "self") -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def headless_rate(seconds: float) -> float:
    trainer = Trainer()
    trainer.step(100)
    trainer.reset()
    start = time.perf_counter()
    done = trainer.step(10**12, max_seconds=seconds)
    return done / (time.perf_counter() - start)


def big_config(folder: Path, rows: int = 1000) -> Path:
    """784-128-64-10 on a CSV of `rows` random 784-pixel rows with 10 classes."""
    rng = np.random.default_rng(0)
    pixels = [f"p{i}" for i in range(784)]
    with open(folder / "pixels.csv", "w") as out:
        out.write(",".join([*pixels, "label"]) + "\n")
        for row, label in zip(rng.random((rows, 784)), rng.integers(0, 10, rows), strict=True):
            out.write(",".join(f"{v:.4f}" for v in row) + f",{label}\n")
    config = {
        "gdsim": 1,
        "mode": "network",
        "network": {
            "inputs": 784,
            "layers": [
                {"units": 128, "activation": "relu"},
                {"units": 64, "activation": "relu"},
                {"units": 10, "activation": "softmax"},
            ],
        },
        "loss": "cross_entropy",
        "init": {"scheme": "he_normal", "seed": 1},
        "optimizer": {"name": "adam", "learning_rate": 0.001},
        "batch_size": 100,
        "data": {
            "source": "csv",
            "path": "pixels.csv",
            "inputs": pixels,
            "targets": ["label"],
            "test_fraction": 0.2,
            "seed": 1,
        },
    }
    path = folder / "big.json"
    path.write_text(json.dumps(config))
    return path


class AppProbe:
    """A window and a 5 ms timer on its event loop: every gap between ticks is recorded."""

    def __init__(self, app: QApplication):
        self.app = app
        self.window = MainWindow()
        self.window.resize(1400, 860)
        self.window.show()
        self.refreshes = 0
        plots = self.window.plots
        original = plots.refresh

        def counting_refresh():  # (the presenter calls it ~30 times a second; True: it drew)
            drew = original()
            self.refreshes += bool(drew)
            return drew

        plots.refresh = counting_refresh
        self.clock = QElapsedTimer()
        self.clock.start()
        self.gaps: list[float] = []
        self._last = 0
        self.probe = QTimer()
        self.probe.setTimerType(Qt.TimerType.PreciseTimer)
        self.probe.setInterval(PROBE_MS)
        self.probe.timeout.connect(self._tick)
        self.probe.start()
        self.wait(lambda: self.window.session.last is not None, 15)
        self.settled()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(max(0, now - self._last - PROBE_MS))
        self._last = now

    def wait(self, condition, seconds: float) -> None:
        """Run the real event loop until `condition()` or `seconds` pass."""
        loop = QEventLoop()
        check = QTimer()
        check.setInterval(2)
        deadline = time.perf_counter() + seconds
        check.timeout.connect(
            lambda: (condition() or time.perf_counter() >= deadline) and loop.quit()
        )
        check.start()
        loop.exec()
        check.stop()

    def settled(self, seconds: float = 0.3) -> None:
        self.wait(lambda: False, seconds)

    def views_ready(self, after_run: int | None = None) -> bool:
        """The views show the session's current run (a newer one than `after_run`)."""
        presenter, info = self.window.presenter, self.window.session.info
        if info is None or (after_run is not None and info.run_id <= after_run):
            return False
        last = presenter.last
        return last is not None and last.run_id == info.run_id and not presenter.waiting_for_data()

    def stall(self, action, done, settle: float = 0.3, limit: float = 60) -> tuple[float, float]:
        """(longest event-loop gap in ms, seconds until `done()`) for `action()`; the gap
        includes the time `action()` itself takes, as the event loop waits for it."""
        self.settled(0.1)
        self.gaps.clear()
        start = time.perf_counter()
        before = self.clock.elapsed()
        action()
        called = self.clock.elapsed() - before
        self.wait(done, limit)
        took = time.perf_counter() - start
        self.settled(settle)
        return max([called, *self.gaps]), took

    def run_for(self, seconds: float) -> dict:
        session = self.window.session
        start_step = session.last.step
        self.settled(0.1)
        self.gaps.clear()
        self.refreshes = 0
        session.run()
        started = time.perf_counter()
        self.wait(lambda: False, seconds)
        session.pause()
        elapsed = time.perf_counter() - started
        gaps = list(self.gaps[5:])
        self.wait(lambda: not session.last.running, 5)
        return {
            "rate": (session.last.step - start_step) / elapsed,
            "p99": float(np.percentile(gaps, 99)),
            "longest": max(gaps),
            "refresh_hz": self.refreshes / elapsed,
        }

    def close(self) -> None:
        self.probe.stop()
        self.window.close()


def measure(probe: AppProbe, seconds: float, repeats: int, export_to: Path) -> dict:
    """Every figure of one network, already open in `probe`'s window."""
    w = probe.window
    out: dict[str, float] = {"parameters": len(w.session.info.parameter_names)}
    tabs = []
    for key in [*TABS, next(iter(TABS))]:  # every tab, and back to the first
        tabs.append(probe.stall(lambda key=key: w.show_tab(key), lambda: True, settle=0.5)[0])
    out["tabs"] = max(tabs)
    target = w.session.last.step + 1
    out["step"] = probe.stall(lambda: w.step(1), lambda: w.session.last.step >= target)[0]
    runs = [probe.run_for(seconds) for _ in range(repeats)]
    for key in ("rate", "p99", "longest", "refresh_hz"):
        out[key] = statistics.median(r[key] for r in runs)
    out["export"] = probe.stall(
        lambda: w.export_csv(export_to), lambda: export_to.exists(), settle=0.5
    )[0]
    run = w.session.info.run_id  # the run sent again from the trainer's history
    out["step_back"] = probe.stall(w.hands_on.step_back, lambda: probe.views_ready(after_run=run))[
        0
    ]
    run = w.session.info.run_id
    name = w.session.info.parameter_names[0]
    out["set_value"] = probe.stall(
        lambda: w.hands_on.set_value(name, 0.25), lambda: probe.views_ready(after_run=run)
    )[0]
    out["rss_gui"] = rss_mib()
    out["rss_trainer"] = rss_mib(w.session.process.pid)
    run = w.session.info.run_id
    out["reset"] = probe.stall(w.reset, lambda: probe.views_ready(after_run=run))[0]
    return out


ROWS = [  # key, label, target key, format
    ("parameters", "parameters", None, "{:,.0f}"),
    ("load_s", "open config: until the views show", None, "{:.2f} s"),
    ("load", "open config: longest stall", "stall", "{:.0f} ms"),
    ("reset", "reset: longest stall", "stall", "{:.0f} ms"),
    ("tabs", "switching tabs: longest stall", "stall", "{:.0f} ms"),
    ("step", "one step: longest stall", "stall", "{:.0f} ms"),
    ("export", "export CSV: longest stall", "stall", "{:.0f} ms"),
    ("step_back", "step back: longest stall", "stall", "{:.0f} ms"),
    ("set_value", "set a value by hand: longest stall", "stall", "{:.0f} ms"),
    ("rate", "running: steps per second", None, "{:,.0f}"),
    ("p99", "running: event-loop delay, p99", "p99", "{:.1f} ms"),
    ("longest", "running: longest stall", "stall", "{:.0f} ms"),
    ("refresh_hz", "running: plot refreshes", "refresh", "{:.1f} /s"),
    ("rss_gui", "memory: window process", None, "{:.0f} MiB"),
    ("rss_trainer", "memory: trainer process", None, "{:.0f} MiB"),
]


def print_table(columns: dict[str, dict]) -> None:
    names = list(columns)
    print(f"{'':38s}" + "".join(f"{n:>18s}" for n in names) + f"{'target':>14s}")
    for key, label, target, fmt in ROWS:
        cells = []
        for name in names:
            value = columns[name].get(key)
            if value is None:
                cells.append(f"{'-':>18s}")
                continue
            mark = ""
            if target:
                mark = " ok" if TARGETS[target][1](value) else " MISSED"
            cells.append(f"{fmt.format(value) + mark:>18s}")
        goal = TARGETS[target][0] if target else ""
        print(f"{label:38s}" + "".join(cells) + f"{goal:>14s}")


def deep_config(folder: Path) -> Path:
    """XOR on 2-8-8-1 tanh/sigmoid (the default 2-4-1 with two wider hidden layers)."""
    examples = Path(__file__).resolve().parents[1] / "resources" / "examples"
    config = json.loads((examples / "xor.json").read_text())
    config["network"]["layers"] = [
        {"units": 8, "activation": "tanh"},
        {"units": 8, "activation": "tanh"},
        {"units": 1, "activation": "sigmoid"},
    ]
    path = folder / "deep-xor.json"
    path.write_text(json.dumps(config))
    return path


def diagram_case(probe: AppProbe, seconds: float, repeats: int, maps: bool = True) -> dict:
    """Running with the Step by phase tab showing and its neuron maps on: the event loop's
    p99 delay, the steps per second and how often the maps were computed."""
    w = probe.window
    view = w.diagram_view
    w.show_tab("step_by_phase")
    view.maps_check.setChecked(maps)
    probe.settled(0.5)
    if view.maps_shown() != maps:
        raise SystemExit("the neuron maps are not showing (2-input data expected)")
    before = view.maps_computed
    took: list[float] = []  # each update of the view (its numbers, maps and items), ms
    original = view.update_from

    def timed(snap):
        start = time.perf_counter()
        original(snap)
        took.append(1000 * (time.perf_counter() - start))

    view.update_from = timed
    try:
        runs = [probe.run_for(seconds) for _ in range(repeats)]
    finally:
        del view.update_from
    out = {key: statistics.median(r[key] for r in runs) for key in ("rate", "p99", "longest")}
    out["maps_hz"] = (view.maps_computed - before) / (seconds * repeats)
    out["update_ms"] = statistics.median(took) if took else float("nan")
    out["update_max"] = max(took, default=float("nan"))
    out["parameters"] = len(w.session.info.parameter_names)
    return out


def run_diagram(probe: AppProbe, folder: Path, seconds: float, repeats: int) -> None:
    w = probe.window
    cases = {}
    cases["2-4-1, no maps"] = diagram_case(probe, seconds, repeats, maps=False)
    cases["2-4-1"] = diagram_case(probe, seconds, repeats)
    run = w.session.info.run_id
    probe.stall(
        lambda: w.open_config(deep_config(folder)),
        lambda: probe.views_ready(after_run=run),
        settle=1.0,
    )
    cases["2-8-8-1"] = diagram_case(probe, seconds, repeats)
    print(f"Step by phase showing, neuron maps on; {repeats} runs of {seconds:g} s, medians")
    print(f"{'':34s}" + "".join(f"{n:>16s}" for n in cases) + f"{'target':>12s}")
    for key, label, fmt, target in (
        ("parameters", "parameters", "{:,.0f}", None),
        ("rate", "running: steps per second", "{:,.0f}", None),
        ("p99", "running: event-loop delay, p99", "{:.1f} ms", "p99"),
        ("longest", "running: longest stall", "{:.0f} ms", "stall"),
        ("maps_hz", "neuron maps computed", "{:.1f} /s", None),
        ("update_ms", "one update of the view, median", "{:.1f} ms", None),
        ("update_max", "one update of the view, longest", "{:.1f} ms", None),
    ):
        cells = []
        for values in cases.values():
            mark = ""
            if target:
                mark = " ok" if TARGETS[target][1](values[key]) else " MISSED"
            cells.append(f"{fmt.format(values[key]) + mark:>16s}")
        goal = TARGETS[target][0] if target else ""
        print(f"{label:34s}" + "".join(cells) + f"{goal:>12s}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--million", action="store_true", help="also run 10^6 steps in the app")
    parser.add_argument(
        "--diagram", action="store_true", help="only: running with the neuron maps showing"
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="gdsim-bench-"))
    probe = AppProbe(app)
    w = probe.window
    if args.diagram:
        run_diagram(probe, folder, args.seconds, args.repeats)
        probe.close()
        return 0
    print(
        f"the real window, default views; {args.repeats} runs of {args.seconds:g} s each, "
        "medians; a stall is the longest the event loop waited\n"
    )
    default = measure(probe, args.seconds, args.repeats, folder / "default.csv")
    headless = statistics.median(headless_rate(args.seconds) for _ in range(args.repeats))

    path = big_config(folder)
    run = w.session.info.run_id
    load, took = probe.stall(
        lambda: w.open_config(path), lambda: probe.views_ready(after_run=run), settle=1.0
    )
    big = measure(probe, args.seconds, args.repeats, folder / "big.csv")
    big["load"], big["load_s"] = load, took
    print_table({"default 2-4-1": default, "784-128-64-10": big})
    ratio = default["rate"] / headless
    print(
        f"\ndefault network: {default['rate']:,.0f} steps/s in the app, "
        f"{headless:,.0f} headless: {ratio:.0%} (target >= 50%) "
        f"{'ok' if ratio >= 0.5 else 'MISSED'}"
    )
    if args.million:
        w.open_config(Path(__file__).resolve().parents[1] / "resources/examples/xor.json")
        probe.wait(probe.views_ready, 30)
        w.session.reset()
        probe.wait(lambda: w.session.last.step == 0, 10)
        before = rss_mib()
        start = time.perf_counter()
        w.session.step(1_000_000)
        probe.wait(lambda: w.session.last.step >= 1_000_000, 900)
        seconds = time.perf_counter() - start
        worker_bytes = w.session.last.history_bytes
        plot_bytes = w.plots.nbytes if hasattr(w.plots, "nbytes") else float("nan")
        budget = 2 * w.session.budget_bytes
        print(f"\n10^6 steps in the app took {seconds:.1f} s ({1e6 / seconds:,.0f} steps/s)")
        print(
            f"history held: worker {worker_bytes / 2**20:.1f} MiB + plots "
            f"{plot_bytes / 2**20:.1f} MiB, budget {budget / 2**20:.0f} MiB  "
            f"{'ok' if worker_bytes + plot_bytes <= budget else 'MISSED'}"
        )
        print(f"process RSS {rss_mib():.0f} MiB (was {before:.0f} MiB before the run)")
    probe.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
