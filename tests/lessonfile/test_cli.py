"""`gdsim lesson [--check] FILE`, run as a user would: one line, exit 0 or 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gdsim import cli
from gdsim.resources import resource_path

from .helpers import LESSON, with_question, write

ROOT = Path(__file__).resolve().parents[2]


def gdsim(*args, cwd=None):
    """`python -m gdsim ARGS` from this checkout, whatever the working folder."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "gdsim", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd or ROOT,
        env=env,
    )


def test_check_a_good_lesson():
    path = resource_path("lessons", "example-one-parameter.json")
    result = gdsim("lesson", "--check", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"gdsim lesson: {path}: ok (4 steps, 2 questions)\n"
    assert result.stderr == ""


def test_check_counts_in_the_singular(tmp_path):
    data = dict(LESSON, steps=[LESSON["steps"][0]])
    result = gdsim("lesson", "--check", "one.json", cwd=write(tmp_path / "one.json", data).parent)
    assert result.stdout == "gdsim lesson: one.json: ok (1 step, 1 question)\n"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (
            with_question(0, answer=2),
            "gdsim: bad.json: steps[0].question.answer: must be the index of the right option, "
            "0 to 1 (0 is the first), got 2",
        ),
        ("{", "gdsim: bad.json: invalid JSON at line 1, column 2"),
        ({"gdsim": 1}, "gdsim: bad.json: this is a config, not a lesson"),
        (b"\xff", "gdsim: bad.json: not UTF-8 text (byte 0xff at offset 0)"),
    ],
)
def test_check_a_bad_lesson_names_the_problem_in_one_line(tmp_path, data, line):
    write(tmp_path / "bad.json", data)
    result = gdsim("lesson", "--check", "bad.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(line) and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("lesson", "--check", "missing.json"), "gdsim: missing.json: file not found"),
        (("lesson", "--check", "."), "gdsim: .: is a folder, not a file"),
        (("lesson", "--check"), "gdsim lesson: the following arguments are required: lesson"),
        (("lesson", "--chek", "x.json"), "gdsim lesson: unrecognized arguments: --chek"),
    ],
)
def test_usage_errors(tmp_path, args, text):
    result = gdsim(*args, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == text + "\n"


def test_a_file_named_like_the_program_still_gets_the_prefix(tmp_path, capsys):
    write(tmp_path / "gdsim-lesson.json", "[]")
    assert cli.main(["lesson", "--check", str(tmp_path / "gdsim-lesson.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gdsim: ") and "gdsim-lesson.json: a lesson must be a JSON object" in err


def test_without_check_a_bad_lesson_opens_no_window(tmp_path, capsys, monkeypatch):
    started = []
    monkeypatch.setattr(cli, "_start_app_with_lesson", started.append)
    write(tmp_path / "bad.json", with_question(1, tolerance=-1))
    assert cli.main(["lesson", str(tmp_path / "bad.json")]) == 2
    assert "steps[1].question.tolerance: must be >= 0, got -1" in capsys.readouterr().err
    assert started == []


def test_without_check_a_good_lesson_starts_the_app_with_its_path(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(cli, "_start_app_with_lesson", lambda path: started.append(path) or 0)
    path = write(tmp_path / "good.json", json.dumps(LESSON))
    assert cli.main(["lesson", str(path)]) == 0
    assert started == [path]
