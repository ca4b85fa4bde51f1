"""The PyInstaller bundle (packaging/build.sh) as a user runs it: the window opens offscreen and
its trainer child (the bundle's own executable) answers, the bundle finds the resources inside
itself, and `gdsim train` works on a bundled example. The same checks as
packaging/smoke_test.sh. Skipped unless dist/gdsim/gdsim exists or GDSIM_BUNDLE names one."""

import os
import sys
from pathlib import Path

import pytest

from tests.self_test_run import check_ok, run

ROOT = Path(__file__).resolve().parents[2]
EXE = "gdsim.exe" if sys.platform == "win32" else "gdsim"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The bundle's executable."""
    given = os.environ.get("GDSIM_BUNDLE")
    path = Path(given) if given else ROOT / "dist" / "gdsim" / EXE
    if path.is_dir():
        path = path / EXE
    if not path.is_file():
        if given:
            pytest.fail(f"GDSIM_BUNDLE={given}: no bundle executable at {path}")
        pytest.skip(f"no bundle at {path}; build it with packaging/build.sh")
    return path.resolve()


def bare_environment(home: Path) -> dict[str, str]:
    """No PYTHONPATH, no venv, no checkout on any path: the bundle must bring everything."""
    env = {"HOME": str(home), "PATH": os.defpath, "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}
    if sys.platform == "win32":
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
    return env


def test_bundle_opens_its_window_and_its_trainer_answers(bundle, tmp_path):
    shot = tmp_path / "window.png"
    result = run(
        [str(bundle), "--self-test", "--screenshot", str(shot)],
        bare_environment(tmp_path),
        cwd=tmp_path,
    )
    match = check_ok(result, "offscreen", shot)
    resources = Path(match["resources"])
    assert resources.is_relative_to(bundle.parent), f"{resources} is outside the bundle"


def test_bundle_trains_a_bundled_example(bundle, tmp_path):
    (example,) = bundle.parent.glob("*/resources/examples/moons-csv.json")  # reads ../data/*.csv
    out = tmp_path / "run.csv"
    result = run(
        [str(bundle), "train", str(example), "--steps", "50", "--out", str(out)],
        bare_environment(tmp_path),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("trained 50 steps")
    assert len(out.read_text().splitlines()) == 1 + 51  # the header, steps 0 to 50
