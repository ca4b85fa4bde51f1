"""The README's *Lesson files* section: its example is the shipped lesson, and its Python
example prints what the README says."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Lesson files")
    return text[start : text.index("\n## ", start + 1)]


def test_the_readme_example_is_the_shipped_lesson():
    block = re.search(r"```json\n(.*?)```", _section(), re.S).group(1)
    shipped = ROOT / "resources" / "lessons" / "example-one-parameter.json"
    assert json.loads(block) == json.loads(shipped.read_text(encoding="utf-8"))


def test_the_python_example_prints_what_the_readme_says(capsys, monkeypatch):
    section = _section()
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    printed = re.search(r"```python\n.*?```\n\nprints\n\n```text\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})  # our own documentation, not user text
    assert capsys.readouterr().out == printed
