"""`python -m gdsim ...` is the same as `gdsim ...`."""

import sys

from gdsim.cli import main

sys.exit(main())
