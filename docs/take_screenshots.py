"""Screenshots of every view in the light and the dark theme, to look at after a visual change.

    QT_QPA_PLATFORM=offscreen python docs/take_screenshots.py [--config resources/examples/xor.json]
        [--out /tmp/gdsim-shots] [--themes light dark] [--steps 40]

Under a real (or virtual) X server: ``xvfb-run -a -s "-screen 0 1600x1000x24" python
docs/take_screenshots.py``; for HiDPI add ``QT_SCALE_FACTOR=2``. Writes <out>/<theme>/*.png: the
main window, the plot panel (also with the hover readout and with a message), every bottom tab,
the exported plot images, and both lessons (also the two-parameter optimizer race). Settings go
to a temporary folder, never to the user's own.
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "resources/examples/xor.json"))
    parser.add_argument("--out", default="/tmp/gdsim-shots")
    parser.add_argument("--themes", nargs="+", default=["light", "dark"])
    parser.add_argument("--steps", type=int, default=40, help="steps to train before the shots")
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

    window.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
