"""Compare runs while the main run trains: the window's event-loop lateness and both rates.

Runs the real MainWindow (offscreen unless a display is set) on the default network and
measures, side by side: the main run alone, six learning-rate variants alone (Training ▸
Compare runs), and both at once. A 10 ms timer on the GUI's event loop gives the lateness
(p50, p99, longest); the trainer process shares its time between the main run and the variants
(one ~16 ms chunk each per tick), so the two rates show how it is split.

    python benchmarks/compare.py             # ~20 s
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 10


class Probe:
    def __init__(self, seconds: float):
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        from gdsim.app.main_window import MainWindow

        self.seconds = seconds
        self.window = MainWindow()
        self.window.resize(1400, 900)
        self.window.show()
        self.wait(lambda: self.window.session.last is not None)

    def pump(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.001)

    def wait(self, done, seconds: float = 30) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end and not done():
            self.app.processEvents()
            time.sleep(0.005)

    def lateness(self) -> tuple[float, float, float]:
        delays: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]
        timer = QTimer()
        timer.setInterval(TICK_MS)

        def tick() -> None:
            now = clock.elapsed()
            delays.append(now - last[0] - TICK_MS)
            last[0] = now

        timer.timeout.connect(tick)
        timer.start()
        self.pump(self.seconds)
        timer.stop()
        d = np.array(delays[1:], dtype=float)
        return float(np.percentile(d, 50)), float(np.percentile(d, 99)), float(d.max())

    def case(self, name: str, main: bool, variants: int) -> None:
        w = self.window
        compare = None
        if variants:
            compare = w.open_compare()
            compare.steps_box.setValue(10**8)
            compare.editor.set_variants(
                [{"learning_rate": 0.01 * (i + 1)} for i in range(variants)]
            )
            compare.start()
            self.wait(lambda: compare.results.started is not None)
        if main:
            w.session.run()
            self.pump(0.3)
        step = w.session.last.step
        before = [v.step for v in compare.results.variants] if compare else []
        started = time.perf_counter()
        p50, p99, longest = self.lateness()
        elapsed = time.perf_counter() - started
        main_rate = (w.session.last.step - step) / elapsed
        after = [v.step for v in compare.results.variants] if compare else []
        if main:
            w.session.pause()
        if compare is not None:
            w.session.cancel_compare()
            self.wait(lambda: not compare.training)
        self.pump(0.5)
        variant_rate = sum(b - a for a, b in zip(before, after, strict=True)) / elapsed
        print(
            f"{name:<24} {p50:6.1f} {p99:7.1f} {longest:8.0f}   {main_rate:10,.0f} "
            f"{variant_rate:12,.0f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    probe = Probe(args.seconds)
    header = ("p50 ms", "p99 ms", "longest", "main st/s", "variants st/s")
    print(
        f"{'':<24} {header[0]:>6} {header[1]:>7} {header[2]:>8}   {header[3]:>10} {header[4]:>12}"
    )
    probe.case("main run alone", True, 0)
    probe.case("6 variants alone", False, 6)
    probe.case("main run + 6 variants", True, 6)
    probe.window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
