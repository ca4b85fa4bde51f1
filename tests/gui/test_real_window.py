"""A real display path: the self-test under Xvfb with Qt's xcb platform plugin, so the window is
mapped on an X server and the screenshot is read back from it (the other GUI tests render
offscreen). Skipped without xvfb-run, unless GDSIM_REQUIRE_XVFB=1 makes that a failure."""

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.self_test_run import check_ok, environment, run

ROOT = Path(__file__).resolve().parents[2]


def debian_packages() -> str:
    """The packages .ci/run installs for this test (xvfb and what Qt's xcb plugin loads)."""
    lines = (ROOT / ".ci" / "debian-packages.txt").read_text().splitlines()
    return " ".join(line for line in lines if line and not line.startswith("#"))


@pytest.fixture
def xvfb_run():
    path = shutil.which("xvfb-run")
    if path is None:
        message = f"xvfb-run is not installed (Debian: apt-get install {debian_packages()})"
        if os.environ.get("GDSIM_REQUIRE_XVFB") == "1":
            pytest.fail(message + "; GDSIM_REQUIRE_XVFB=1 requires it")
        pytest.skip(message)
    return path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb and xcb are Linux's")
def test_self_test_in_a_real_x_window(xvfb_run, tmp_path):
    shot = tmp_path / "window.png"
    command = [xvfb_run, "-a", "-s", "-screen 0 1600x1000x24"]
    command += [sys.executable, "-m", "gdsim", "--self-test", "--screenshot", str(shot)]
    result = run(command, environment(QT_QPA_PLATFORM="xcb", WAYLAND_DISPLAY=None))
    check_ok(result, "xcb", shot)
