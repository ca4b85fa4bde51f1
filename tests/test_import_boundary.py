"""The engine, config, io and `gdsim train` never load Qt (the app is the only Qt user)."""

import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    "imports",
    [
        "import gdsim.engine, gdsim.engine.trainer, gdsim.expression, gdsim.engine.datasets",
        "import gdsim.config",
        "import gdsim.io.run_csv, gdsim.session.run_files, gdsim.io.atomic",
        "import gdsim.cli",
        "import gdsim.session.child, gdsim.session.driver, gdsim.session.runstate",  # the trainer
        "import gdsim.app.lessons.surfaces, gdsim.session.series, gdsim.app.views.run_model",
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


def test_engine_sources_do_not_mention_qt():
    import gdsim

    root = Path(gdsim.__file__).parent
    for folder in ("engine", "io"):
        for path in (root / folder).glob("*.py"):
            text = path.read_text()
            assert "PySide6" not in text and "pyqtgraph" not in text, path
    for path in (*(root / "config").glob("*.py"), root / "cli.py"):
        assert "import PySide6" not in path.read_text()
