"""The engine, config, io and `gdsim train` never load Qt (DESIGN.md: the app is the only Qt user)."""

import subprocess
import sys

import pytest

CHECK = """
import sys
{imports}
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))
print(','.join(bad))
"""


@pytest.mark.parametrize("imports", [
    "import gdsim.engine, gdsim.engine.trainer, gdsim.engine.expression, gdsim.engine.datasets",
    "import gdsim.config",
    "import gdsim.io.run_csv, gdsim.io.runs, gdsim.io.atomic",
    "import gdsim.cli",
    "from gdsim.cli import main; main(['train', '--help'])",
])
def test_no_qt_is_loaded(imports):
    code = CHECK.format(imports=imports.replace("main(['train', '--help'])",
                                                "\ntry:\n    main(['train', '--help'])\n"
                                                "except SystemExit:\n    pass"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1:] in ([""], []), result.stdout


def test_engine_sources_do_not_mention_qt():
    from pathlib import Path

    import gdsim

    root = Path(gdsim.__file__).parent
    for folder in ("engine", "io"):
        for path in (root / folder).glob("*.py"):
            text = path.read_text()
            assert "PySide6" not in text and "pyqtgraph" not in text, path
