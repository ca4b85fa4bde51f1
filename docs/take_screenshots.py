"""Screenshots of every view in the light and the dark theme, to look at after a visual change.

    QT_QPA_PLATFORM=offscreen python docs/take_screenshots.py [--config resources/examples/xor.json]
        [--out /tmp/gdsim-shots] [--themes light dark] [--steps 40]

Then the same window opens an image-like run (``--image-config``; by default the shipped digits
example if there is one, else a synthetic 8x8 CSV written to a temporary folder) and shoots its
Weight images and Prediction tabs as ``image-weights.png`` and ``image-prediction.png``.

Under a real (or virtual) X server: ``xvfb-run -a -s "-screen 0 1600x1000x24" python
docs/take_screenshots.py``; for HiDPI add ``QT_SCALE_FACTOR=2``. Writes <out>/<theme>/*.png: the
main window, the plot panel (also with the hover readout and with a message), every bottom tab,
the timeline scrubbed back (the plots with their cursor, and the window on the Chain rule tab),
the exported plot images, and both lessons (also the two-parameter optimizer race). Settings go
to a temporary folder, never to the user's own.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Answers:
    """Stands in for the window's dialogs: never opens one, agrees to discard the run."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: True if name == "confirm" else None


def _wait(app, done, timeout: float = 20.0) -> bool:
    """Process events until done() is true (False after `timeout` seconds)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if done():
            return True
        time.sleep(0.01)
    return False


def _settle(app, seconds: float = 0.3) -> None:
    """Let timers (the ~30 Hz refresh, coalesced redraws) fire."""
    _wait(app, lambda: False, seconds)


def synthetic_image_config(folder: Path) -> Path:
    """An 8x8, 3-class CSV (a horizontal bar, a vertical bar or the diagonal, with noise) and a
    config for it: 64 inputs, read as an 8x8 image because 64 is a square."""
    import numpy as np

    rng = np.random.default_rng(3)
    n, side = 600, 8
    labels = rng.integers(0, 3, size=n)
    images = rng.normal(0.0, 0.2, size=(n, side, side))
    for i, (c, o) in enumerate(zip(labels, rng.integers(1, side - 1, size=n), strict=True)):
        if c == 0:
            images[i, o, :] += 1.0
        elif c == 1:
            images[i, :, o] += 1.0
        else:
            images[i][np.eye(side, dtype=bool)] += 1.0
    names = [f"p{i}" for i in range(side * side)]
    lines = [",".join([*names, "label"])]
    for image, label in zip(images.reshape(n, -1), labels, strict=True):
        lines.append(",".join(f"{v:.4f}" for v in image) + f",{label}")
    (folder / "bars8x8.csv").write_text("\n".join(lines) + "\n")
    config = {
        "gdsim": 1,
        "mode": "network",
        "network": {
            "inputs": side * side,
            "layers": [
                {"units": 32, "activation": "tanh"},
                {"units": 3, "activation": "softmax"},
            ],
        },
        "loss": "cross_entropy",
        "init": {"scheme": "normal", "scale": 0.02, "seed": 1},
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "batch_size": 50,
        "data": {
            "source": "csv",
            "path": "bars8x8.csv",
            "inputs": names,
            "targets": ["label"],
            "test_fraction": 0.25,
            "seed": 1,
        },
    }
    path = folder / "bars8x8.json"
    path.write_text(json.dumps(config, indent=1))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "resources/examples/xor.json"))
    parser.add_argument("--out", default="/tmp/gdsim-shots")
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    parser.add_argument("--steps", type=int, default=40, help="steps to train before the shots")
    parser.add_argument(
        "--image-config",
        default=None,
        help="an image-like run for the Weight images shots (default: resources/examples/"
        "digits.json if shipped, else a synthetic 8x8 data set)",
    )
    parser.add_argument("--image-steps", type=int, default=300)
    args = parser.parse_args(argv)

    from PySide6.QtCore import QSettings

    settings = tempfile.mkdtemp(prefix="gdsim-shots-settings-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)

    from gdsim.app import make_application, theme
    from gdsim.app.main_window import MainWindow

    app = make_application()
    theme.apply_theme(app, args.themes[0])
    window = MainWindow(args.config)
    window.dialogs = _Answers()
    window.show()
    if not _wait(app, lambda: window.session.last is not None):
        print("no snapshot from the trainer", file=sys.stderr)
        return 1
    _settle(app)  # let the plots draw step 0 first, as a user sees it (and the shots are stable)
    before = window.session.last.step
    window.step(args.steps)
    _wait(app, lambda: window.session.last.step >= before + args.steps)
    _settle(app)

    lessons = {key: window.open_lesson(key) for key in ("one_parameter", "two_parameters")}
    for lesson in lessons.values():
        for _ in range(3):
            lesson.controls.step_button.click()
            _settle(app, 0.05)
        lesson.controls.step_requested.emit(10)
        _settle(app, 0.5)

    written = []
    for name in args.themes:
        theme.apply_theme(app, name)
        folder = Path(args.out) / name
        folder.mkdir(parents=True, exist_ok=True)

        def shot(widget, file: str, folder=folder) -> None:
            _settle(app, 0.15)
            path = folder / f"{file}.png"
            widget.grab().save(str(path))
            written.append(path)

        window.raise_()
        _settle(app)
        shot(window, "window")
        shot(window.plots, "plots")
        step = window.session.last.step
        window.plots.show_readout_at(step // 2)
        shot(window.plots, "plots-hover")
        window.plots.hide_readout()
        for i in range(window.bottom_tabs.count()):
            window.bottom_tabs.setCurrentIndex(i)
            title = window.bottom_tabs.tabText(i).lower().replace(" ", "-")
            shot(window.bottom_tabs, f"tab-{i}-{title}")
        # the timeline: every view at an earlier step, a cursor on the plots
        window.show_tab("chain_rule")
        window.presenter.show_step(step // 4)
        top = window.timeline.parentWidget()  # the plots with the timeline under them
        shot(top, "timeline")
        size, sizes = window.size(), window.splitter.sizes()
        window.resize(1400, 1000)  # room for the whole breakdown under the plots
        window.splitter.setSizes([480, 440])
        shot(window, "chain-rule-scrubbed")
        window.resize(size)
        window.splitter.setSizes(sizes)
        window.presenter.show_live()
        window.bottom_tabs.setCurrentIndex(0)
        for kind in ("warning", "error", "info"):
            window.message_bar.show_message(
                f"<b>A {kind} message</b> as the window shows it.", kind, "Reset"
            )
            shot(window.message_bar, f"message-{kind}")
        window.message_bar.hide()
        window.plots.export_images(folder / "export", "png")
        for key, lesson in lessons.items():
            lesson.raise_()
            shot(lesson, f"lesson-{key}")
        lessons["two_parameters"].set_race(True)
        lessons["two_parameters"].controls.step_requested.emit(30)
        _settle(app, 1.5)
        shot(lessons["two_parameters"], "lesson-two_parameters-race")
        lessons["two_parameters"].set_race(False)

    image_config = args.image_config
    if image_config is None:
        digits = ROOT / "resources/examples/digits.json"
        image_config = digits if digits.exists() else synthetic_image_config(Path(settings))
    old_run = window.session.info.run_id if window.session.info is not None else 0

    def new_run_shown() -> bool:  # (the views show the image run, not the one before it)
        info, last = window.session.info, window.presenter.last
        return (
            info is not None
            and info.run_id > old_run
            and last is not None
            and (last.run_id == info.run_id and not window.presenter.waiting_for_data())
        )

    if window.open_config(image_config) and _wait(app, new_run_shown):
        window.step(args.image_steps)
        _wait(
            app,
            lambda: (
                window.session.last is not None and window.session.last.step >= args.image_steps
            ),
            60.0,
        )
        window.splitter.setSizes([360, 440])  # more room for the tabs under the plots
        _settle(app)
        for name in args.themes:
            theme.apply_theme(app, name)
            folder = Path(args.out) / name
            for key, file in (
                ("weight_images", "image-weights"),
                ("prediction", "image-prediction"),
            ):
                window.show_tab(key)
                _settle(app, 0.4)
                path = folder / f"{file}.png"
                window.grab().save(str(path))
                written.append(path)
    else:
        print(f"could not open {image_config}", file=sys.stderr)

    # the textbook example, its backward pass spelled out in Step by phase
    old_run = window.session.info.run_id if window.session.info is not None else 0
    if window.open_health_preset("textbook-backprop.json") and _wait(app, new_run_shown):
        window.step(1)
        _wait(app, lambda: window.session.last is not None and window.session.last.step >= 1)
        window.splitter.setSizes([300, 520])
        window.diagram_view.set_phase(3)  # the backward pass
        for name in args.themes:
            theme.apply_theme(app, name)
            _settle(app, 0.4)
            path = Path(args.out) / name / "textbook-worked-numbers.png"
            window.grab().save(str(path))
            written.append(path)

    window.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
