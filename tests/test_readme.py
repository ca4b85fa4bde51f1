"""The README's Python API example runs as written (from a folder holding the resources)."""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_python_api_example_runs(tmp_path, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Python API") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shutil.copytree(ROOT / "resources" / "examples", tmp_path / "resources" / "examples")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # our own documentation, not user text
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "4.0 [-4.]" and printed[1] == "[1.4]"
    assert (tmp_path / "run.csv").exists() and (tmp_path / "run.json").exists()


def test_rewind_set_and_freeze_example_runs(capsys):
    text = (ROOT / "README.md").read_text()
    section = text[text.index("### Rewind, set and freeze") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})  # our own documentation, not user text
    printed = capsys.readouterr().out
    assert printed.startswith("('b1_1', 'b1_2', 'b1_3', 'b1_4') {'step': 499, 'kind': 'freeze'")
