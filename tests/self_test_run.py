"""Running `gdsim --self-test` in a child process and checking what it reports (shared by the
offscreen, Xvfb and bundle tests)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np

OK_LINE = re.compile(
    r"^gdsim self-test: ok \(platform (?P<platform>\S+), Qt [\d.]+, "
    r"trainer answered in [\d.]+ s, resources (?P<resources>.+?)"
    r"(?:, screenshot (?P<screenshot>.+))?\)$"
)
NO_DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def environment(**changes: str | None) -> dict[str, str]:
    """This process's environment with some variables set (or removed, given None)."""
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(command: list[str], env: dict[str, str], cwd: Path | None = None):
    # The self-test has its own 60 s limit and watchdog; this only guards against a hung child.
    return subprocess.run(command, capture_output=True, text=True, timeout=180, env=env, cwd=cwd)


def distinct_colours(path: Path) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not an image Qt can read"
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32, image.sizeInBytes() // 4)
    return int(np.unique(pixels).size)


def check_ok(result, platform: str, screenshot: Path) -> re.Match:
    """The run passed, said so in one line naming the platform, and saved a real picture."""
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr.strip()}"
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    match = OK_LINE.match(lines[0])
    assert match, lines[0]
    assert match["platform"] == platform
    assert match["screenshot"] == str(screenshot)
    assert screenshot.is_file(), "no screenshot was written"
    # A blank or one-colour image would mean nothing was drawn; the window has text, plots in
    # several colours and antialiasing, so hundreds of colours.
    assert distinct_colours(screenshot) > 50
    return match
