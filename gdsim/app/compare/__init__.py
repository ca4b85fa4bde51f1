"""Compare runs from the same start: the window (Training ▸ Compare runs…) and its parts.

The training is the trainer process's (gdsim.session.compare); this package only asks for it
through the session and shows the answers. See gdsim/app/compare/window.py.
"""

from gdsim.app.compare.window import CompareWindow

__all__ = ["CompareWindow"]
