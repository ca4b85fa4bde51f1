"""`gdsim --self-test`: the real main window opens (offscreen), its trainer process answers and
steps, the window closes, and one line reports it; without a display it says what to do."""

import sys
from pathlib import Path

import pytest

from tests.self_test_run import NO_DISPLAY_VARS, check_ok, environment, run

GDSIM = [sys.executable, "-m", "gdsim"]


def test_self_test_offscreen(tmp_path):
    shot = tmp_path / "window.png"
    result = run(
        [*GDSIM, "--self-test", "--screenshot", shot], environment(QT_QPA_PLATFORM="offscreen")
    )
    match = check_ok(result, "offscreen", shot)
    assert Path(match["resources"], "examples").is_dir()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is Linux's")
def test_self_test_without_a_display_says_what_to_do(tmp_path):
    result = run([*GDSIM, "--self-test"], environment(**dict.fromkeys(NO_DISPLAY_VARS)))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "gdsim: no display found (DISPLAY is not set). Start it from a desktop session, "
        "or use xvfb-run -a gdsim, or QT_QPA_PLATFORM=offscreen."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--screenshot", "x.png"], "gdsim: --screenshot needs --self-test"),
        (
            ["--self-test", "--screenshot", "no/such/x.png"],
            "gdsim: --screenshot: folder 'no/such' does not exist",
        ),
        (
            ["--self-test", "some.json"],
            "gdsim: --self-test opens the default network; give no config file",
        ),
    ],
)
def test_self_test_usage_errors(tmp_path, args, message):
    result = run([*GDSIM, *args], environment(QT_QPA_PLATFORM="offscreen"), cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (2, message)
