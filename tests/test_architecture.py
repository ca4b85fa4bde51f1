"""The house's rules, checked by a machine (docs/architecture.md): the import-linter contracts
in pyproject.toml (layers, no Qt below the app, no file I/O in the engine, no import circles),
no Qt loaded by the Qt-free packages or `gdsim train`, an engine that opens no file, and no
module over 500 lines."""

import builtins
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gdsim"
MAX_MODULE_LINES = 500

CHECK = """
import sys
{imports}
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))
print('LOADED:' + ','.join(bad))
"""

TRAIN = """
from gdsim.cli import main
from gdsim.resources import resource_path
main(['train', str(resource_path('examples', 'xor.json')), '--steps', '5',
      '--out', {out!r}])
"""


def test_import_contracts_hold():
    """`lint-imports` (import-linter) keeps every contract in pyproject.toml."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    if lint is None:
        pytest.fail("lint-imports is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_contracts_name_every_package():
    """A new top-level package must be given its place in the layers."""
    text = (ROOT / "pyproject.toml").read_text()
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    for name in sorted(packages | modules):
        assert f'"gdsim.{name}' in text, f"gdsim.{name} is in no import-linter contract"


@pytest.mark.parametrize(
    "imports",
    [
        "import gdsim.engine, gdsim.engine.trainer, gdsim.expression, gdsim.engine.datasets",
        "import gdsim.config, gdsim.errors",
        "import gdsim.io.run_csv, gdsim.io.data_csv, gdsim.io.atomic",
        "import gdsim.cli",
        "import gdsim.session.child, gdsim.session.driver, gdsim.session.runstate",
        "import gdsim.session.protocol, gdsim.session.run_files",
        "import gdsim.app.lessons.surfaces, gdsim.session.series, gdsim.session.run_model",
        "TRAIN",
    ],
)
def test_no_qt_is_loaded(imports, tmp_path):
    if imports == "TRAIN":
        imports = TRAIN.format(out=str(tmp_path / "run.csv"))
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(imports=imports)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = [line for line in result.stdout.splitlines() if line.startswith("LOADED:")]
    assert loaded == ["LOADED:"], result.stdout


def test_no_module_is_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_engine_sources_open_no_file():
    """No call in the engine that opens, reads or writes a file."""
    calls = re.compile(
        r"\bopen\(|\.(read|write)_(text|bytes)\(|\b(loadtxt|savetxt|genfromtxt|fromfile)\("
        r"|\bnp\.(load|save|savez)\(|\bos\.(stat|listdir|scandir|remove|replace)\(|\bPath\("
    )
    for path in (PACKAGE / "engine").rglob("*.py"):
        found = calls.search(path.read_text())
        assert found is None, f"{path.name} calls {found.group(0)}"


def test_engine_opens_no_file_while_training(monkeypatch):
    """Build, train, reset and predict with every file-opening call made to fail."""
    from gdsim.engine.trainer import Trainer

    network = {
        "network": {
            "inputs": 2,
            "layers": [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        },
        "data": {"source": "builtin", "name": "circle", "samples": 40},
        "batch_size": 8,
    }
    function = {"mode": "function", "function": "(w - 3)**2", "parameters": {"w": 1.0}}
    Trainer(function)  # warm up lazy imports (they read .py files, which is not the engine)

    def refuse(*args, **kwargs):
        raise AssertionError(f"the engine opened a file: {args[:1]}")

    for target, name in ((builtins, "open"), (io, "open"), (os, "open")):
        monkeypatch.setattr(target, name, refuse)
    for config in (network, function):
        t = Trainer(config)
        t.step(25)
        t.reset(seed=3)
        t.step(5)
    t.set_learning_rate(0.05)
    assert t.step_count == 5


def test_trainer_refuses_a_path_with_the_way_to_open_it(tmp_path):
    from gdsim.config import ConfigError
    from gdsim.engine.trainer import Trainer

    with pytest.raises(TypeError, match="open_trainer"):
        Trainer(str(ROOT / "resources" / "examples" / "xor.json"))
    csv = {
        "data": {
            "source": "csv",
            "path": str(tmp_path / "d.csv"),
            "inputs": ["x1", "x2"],
            "targets": ["y"],
        }
    }
    with pytest.raises(ConfigError, match="opens no files"):
        Trainer(csv)
