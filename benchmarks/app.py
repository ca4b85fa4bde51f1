"""The app while training: in-app rate vs headless, GUI latency, plot refresh rate, memory.

Runs the real MainWindow (offscreen unless a display is set) with the default network and all
three plots live, side by side with the headless engine on the same network.

    python benchmarks/app.py                 # ~1 minute
    python benchmarks/app.py --million       # also run 10^6 steps in the app and report memory
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gdsim.app.main_window import MainWindow  # noqa: E402
from gdsim.engine.trainer import Trainer  # noqa: E402

PROBE_MS = 5


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def headless_rate(seconds: float) -> float:
    trainer = Trainer()
    trainer.step(100)
    trainer.reset()
    start = time.perf_counter()
    done = trainer.step(10**12, max_seconds=seconds)
    return done / (time.perf_counter() - start)


class AppProbe:
    """Runs the window and measures: steps/s, event-loop lateness, plot refreshes/s."""

    def __init__(self, app: QApplication):
        self.app = app
        self.window = MainWindow()
        self.window.resize(1400, 860)
        self.window.show()
        self.refreshes = 0
        plots = self.window.plots
        original = plots.refresh

        def counting_refresh():
            drew = original()
            self.refreshes += bool(drew)
            return drew

        plots.refresh = counting_refresh
        self.wait(lambda: self.window.session.last is not None, 10)

    def wait(self, condition, seconds: float) -> None:
        """Run the real event loop (app.exec) until `condition()` or `seconds` pass."""
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

    def run_for(self, seconds: float) -> dict:
        lateness: list[float] = []
        clock = QElapsedTimer()
        probe = QTimer()
        probe.setTimerType(Qt.TimerType.PreciseTimer)
        probe.setInterval(PROBE_MS)
        last = [0]

        def tick():
            now = clock.elapsed()
            lateness.append(max(0, now - last[0] - PROBE_MS))
            last[0] = now

        probe.timeout.connect(tick)
        session = self.window.session
        start_step = session.last.step
        self.refreshes = 0
        clock.start()
        probe.start()
        session.run()
        started = time.perf_counter()
        self.wait(lambda: False, seconds)
        session.pause()
        elapsed = time.perf_counter() - started
        probe.stop()
        self.wait(lambda: not session.last.running, 5)
        steps = session.last.step - start_step
        return {
            "rate": steps / elapsed,
            "p99": float(np.percentile(lateness[5:], 99)),
            "median_lateness": statistics.median(lateness[5:]),
            "refresh_hz": self.refreshes / elapsed,
        }

    def run_steps(self, steps: int, limit_s: float) -> float:
        session = self.window.session
        session.reset()
        self.wait(lambda: session.last is not None and session.last.step == 0, 10)
        start = time.perf_counter()
        session.step(steps)
        self.wait(lambda: session.last.step >= steps, limit_s)
        return time.perf_counter() - start

    def close(self) -> None:
        self.window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--million", action="store_true", help="also run 10^6 steps in the app")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    probe = AppProbe(app)
    print(
        f"default network ({len(probe.window.session.info.parameter_names)} parameters, "
        f"all three plots live), {args.repeats} runs of {args.seconds:g} s, medians\n"
    )
    headless, in_app, p99, refresh = [], [], [], []
    for _ in range(args.repeats):  # interleaved so both see the same machine load
        headless.append(headless_rate(args.seconds))
        result = probe.run_for(args.seconds)
        in_app.append(result["rate"])
        p99.append(result["p99"])
        refresh.append(result["refresh_hz"])
    h, a = statistics.median(headless), statistics.median(in_app)
    print(f"headless engine           {h:12,.0f} steps/s")
    print(
        f"in the app, plots live    {a:12,.0f} steps/s   {a / h:6.0%} of headless "
        f"(target >= 50%)  {'ok' if a / h >= 0.5 else 'MISSED'}"
    )
    print(
        f"GUI event loop p99 delay  {statistics.median(p99):12.1f} ms        "
        f"(target <= 50 ms)  {'ok' if statistics.median(p99) <= 50 else 'MISSED'}"
    )
    print(
        f"plot refreshes            {statistics.median(refresh):12.1f} per second "
        f"(target >= 25)     {'ok' if statistics.median(refresh) >= 25 else 'MISSED'}"
    )
    if args.million:
        before = rss_mib()
        seconds = probe.run_steps(1_000_000, 900)
        w = probe.window
        worker_bytes = w.session.last.history_bytes
        plot_bytes = w.plots.nbytes if hasattr(w.plots, "nbytes") else float("nan")
        budget = 2 * w.session.budget_bytes
        print(
            f"\n10^6 steps in the app took {seconds:.1f} s "
            f"({1e6 / seconds:,.0f} steps/s incl. drawing)"
        )
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
