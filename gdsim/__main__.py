"""`python -m gdsim ...` is the same as `gdsim ...`."""

import sys

from gdsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
