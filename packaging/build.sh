#!/usr/bin/env bash
# Build the one-folder app dist/gdsim/ with PyInstaller, from the Python of the caller's venv
# (gdsim's dependencies must be installed there):  PYTHON=.venv/bin/python bash packaging/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

"$PYTHON" -c "import numpy, PySide6, pyqtgraph, sympy" 2>/dev/null || {
    echo "build.sh: $PYTHON lacks gdsim's dependencies; install them (pip install -e .) first" >&2
    exit 1
}
# Pinned: the spec is written for this version.
"$PYTHON" -m pip install --quiet --disable-pip-version-check "pyinstaller==6.22.3"

started=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/gdsim.spec
echo "build.sh: built dist/gdsim in $(($(date +%s) - started)) s," \
    "$(du -sh dist/gdsim | cut -f1) on disk ($(find dist/gdsim -type f | wc -l) files)"
