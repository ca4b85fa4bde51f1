"""`gdsim --self-test`: open the real main window, train one step, close, report in one line.

It proves what a packaged or freshly installed app needs: the shipped resources are found, Qt
finds a platform plugin, the window builds and paints, and the trainer child process starts and
answers (in a bundle that child is the bundle's own executable). Used by
packaging/smoke_test.sh and by the tests, offscreen and under Xvfb. Meant to run as its own
process: it arms a faulthandler watchdog and points QSettings at a throwaway folder, so the
user's saved layout is neither read nor overwritten.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QSettings, QTimer, qVersion

from gdsim.app import make_application

POLL_MS = 20  # how often a wait re-checks its condition (the event loop runs in between)
WATCHDOG_GRACE = 30  # seconds past the timeout before the watchdog kills a stuck process


class SelfTestFailed(Exception):
    """The reason the self-test failed, in one line."""


class _NoDialogs:
    """Stands in for the window's dialogs: nobody is there to answer, so nothing is asked and
    errors are kept for the report (an exception raised in a slot would not reach us)."""

    def __init__(self):
        self.errors: list[str] = []

    def confirm(self, title, text, proceed=None) -> bool:
        return True

    def error(self, title, text) -> None:
        self.errors.append(text)

    def info(self, title, text) -> None:
        pass

    def open_file(self, *args) -> None:
        return None

    save_file = choose_folder = open_file


def _wait_until(
    done: Callable[[], bool], problem: Callable[[], str | None], deadline: float, late: str
) -> None:
    """Run the event loop until done() holds; fail if problem() names one or time runs out."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(loop.quit)
    timer.start()
    try:
        while not done():
            reason = problem()
            if reason:
                raise SelfTestFailed(reason)
            if time.monotonic() >= deadline:
                raise SelfTestFailed(late)
            loop.exec()
    finally:
        timer.stop()


def _pause(seconds: float) -> None:
    """Let the event loop run (repaints, queued signals) for a while."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _sandbox_settings(folder: str) -> None:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


def _exercise(window, dialogs: _NoDialogs, deadline: float, screenshot: Path | None) -> float:
    """Wait for the trainer's first snapshot, step once, optionally save a screenshot; the
    time the first snapshot arrived."""
    from gdsim.app.main_window import REFRESH_MS

    session = window.session
    failures: list[str] = []
    session.failed.connect(failures.append)

    def problem() -> str | None:
        if failures or dialogs.errors:
            return f"the window reported: {(failures + dialogs.errors)[0]}"
        if not session.process.is_alive():
            return "the trainer process exited early"
        return None

    _wait_until(
        lambda: session.last is not None, problem, deadline, "the trainer did not answer in time"
    )
    answered = time.monotonic()
    handle = window.windowHandle()
    _wait_until(
        lambda: handle is not None and handle.isExposed(),
        problem,
        deadline,
        "the window was shown but never exposed",
    )
    before = session.last.step
    window.step(1)
    _wait_until(
        lambda: session.last.step > before, problem, deadline, "the trainer did not step in time"
    )
    if screenshot is not None:
        _pause(3 * REFRESH_MS / 1000)  # the views redraw on the window's refresh timer
        # What the display server shows (under Xvfb, read back from the X server); Wayland
        # gives no window pixels to a client, so there the widgets paint a copy instead.
        image = window.screen().grabWindow(window.winId())
        if image.isNull():
            image = window.grab()
        if not image.save(str(screenshot)):
            raise SelfTestFailed(f"could not save the screenshot to {screenshot}")
    return answered


def _close(window) -> None:
    """Close as a user would (nothing is asked), then make sure the child process is gone."""
    if not window.close():  # refused: cannot happen with _NoDialogs, but never leave the child
        window.shutdown()
    session = window.session
    stuck = session.process.is_alive()
    if stuck:  # shutdown already asked, then terminated: a child this stuck gets SIGKILL
        with contextlib.suppress(OSError):
            os.kill(session.process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        session.process.join(2.0)
        session.thread.wait(2000)  # the reader ends once the child's pipe closes
    window.deleteLater()  # now, not at exit: its settings are written while the folder exists
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if stuck:
        raise SelfTestFailed("the trainer process did not stop when the window closed")


def _resources() -> Path:
    """The shipped resources folder, checked the way the app finds it (checkout, wheel, bundle)."""
    from gdsim.resources import example_configs, resources_dir

    folder = resources_dir()  # its FileNotFoundError names every place it looked
    if not example_configs():
        raise SelfTestFailed(f"the resources folder {folder} has no example configs")
    return folder


def _run(deadline: float, screenshot: Path | None) -> tuple[str, float]:
    """The platform's name and the seconds until the trainer's first snapshot arrived."""
    app = make_application()
    from gdsim.app.main_window import MainWindow

    started = time.monotonic()  # the window starts its trainer process as it is built
    window = MainWindow()  # (a constructor that fails stops its own trainer)
    dialogs = window.dialogs = _NoDialogs()
    window.show()
    try:
        answered = _exercise(window, dialogs, deadline, screenshot) - started
    except BaseException:
        with contextlib.suppress(Exception):  # the first failure is the one to report
            _close(window)
        raise
    _close(window)
    return app.platformName(), answered


def self_test(screenshot: Path | None = None, timeout: float = 60) -> int:
    """Open the main window, check the trainer answers and steps, close; 0 if all went well."""
    with contextlib.suppress(AttributeError, ValueError, OSError, RuntimeError):  # no stderr
        faulthandler.dump_traceback_later(timeout + WATCHDOG_GRACE, exit=True)
    try:
        with tempfile.TemporaryDirectory(prefix="gdsim-self-test-") as settings_folder:
            _sandbox_settings(settings_folder)
            try:
                resources = _resources()
                platform, answered = _run(time.monotonic() + timeout, screenshot)
                failure = None
            except SelfTestFailed as exc:
                failure = str(exc)
            except Exception as exc:  # anything else is a failure too, still in one line
                failure = f"{type(exc).__name__}: {exc}"
            # Here the traceback has gone, and with it the window: its settings object writes
            # its file now, while the folder still exists.
            gc.collect()
    finally:
        faulthandler.cancel_dump_traceback_later()
    if failure:
        print(f"gdsim self-test: failed: {failure}", file=sys.stderr)
        return 1
    shot = f", screenshot {screenshot}" if screenshot is not None else ""
    print(
        f"gdsim self-test: ok (platform {platform}, Qt {qVersion()}, "
        f"trainer answered in {answered:.1f} s, resources {resources}{shot})"
    )
    return 0
