"""PyInstaller's entry script: the bundled executable behaves exactly like the installed `gdsim`
(the app, `gdsim train`, and the hidden `--gdsim-trainer` the app uses for its trainer child)."""

import sys

from gdsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
