"""The main window's lesson panel: play a lesson file (its steps, questions, conditions and
score, with the app's controls hidden or locked as it says), and predict mode (predict the
next update before it happens, on the live run or on the timeline).

:class:`LessonTools` is what the window holds; the Qt-free rules are in
:mod:`gdsim.app.lesson_panel.logic`.
"""

from gdsim.app.lesson_panel.tools import LESSON_FILTER, LessonTools

__all__ = ["LESSON_FILTER", "LessonTools"]
