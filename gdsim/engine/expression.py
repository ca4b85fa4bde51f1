"""The formula language, as the engine's users have always imported it.

It lives in :mod:`gdsim.expression` (a leaf package the config also uses); this module keeps
``gdsim.engine.expression.parse_expression`` and friends working.
"""

from gdsim.expression import *  # noqa: F403
from gdsim.expression import SIMPLIFY_MAX_NODES, __all__  # noqa: F401
