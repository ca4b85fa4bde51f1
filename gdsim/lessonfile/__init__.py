"""Lesson files: a teacher's lesson as a small, versioned JSON format, checked like a config.

A lesson names a config (inline, or a shipped preset/example by name), which app controls to
hide or lock, and a list of steps: an instruction, optionally a question (choice, number, or a
prediction about the next update checked against what it does), optionally a condition on the
run (``until``: ``cost < 0.1 and step >= 5``) and an explanation. The README's *Lesson files*
section documents every key.

This package is Qt-free and sits between the session and the engine in the import layers: it
reads files (through :mod:`gdsim.io`) and checks configs (through :mod:`gdsim.config`); the
app's lesson panel builds on this API:

- :func:`load_lesson` / :func:`lesson_from_dict` -> :class:`Lesson`, or :class:`LessonError`
  (one line: ``"FILE: steps[2].question.answer: ..."``);
- :func:`lesson_to_dict`, :func:`dumps_lesson`, :func:`save_lesson` ("Save as lesson");
- :func:`render_markup` (safe HTML of the texts); :meth:`Condition.holds`;
- :func:`check_answer` -> :class:`Verdict`; :func:`progress_row`, :func:`progress_csv`.
"""

from __future__ import annotations

from gdsim.lessonfile.answers import UpdateFacts, Verdict, check_answer, parse_number
from gdsim.lessonfile.condition import Comparison, Condition, parse_condition
from gdsim.lessonfile.dict_form import lesson_to_dict
from gdsim.lessonfile.errors import LessonError
from gdsim.lessonfile.files import dumps_lesson, load_lesson, save_lesson
from gdsim.lessonfile.markup import render_markup
from gdsim.lessonfile.model import (
    ChoiceQuestion,
    Controls,
    Lesson,
    NumberQuestion,
    PredictQuestion,
    Question,
    Step,
)
from gdsim.lessonfile.names import CONTROLS, FORMAT_VERSION, QUANTITIES, VERSION_KEY
from gdsim.lessonfile.parse import lesson_from_dict
from gdsim.lessonfile.progress import PROGRESS_COLUMNS, ProgressRow, progress_csv, progress_row
from gdsim.lessonfile.shipped import preset_names

__all__ = [
    "VERSION_KEY",
    "FORMAT_VERSION",
    "CONTROLS",
    "QUANTITIES",
    "PROGRESS_COLUMNS",
    "LessonError",
    "Lesson",
    "Step",
    "Controls",
    "Question",
    "ChoiceQuestion",
    "NumberQuestion",
    "PredictQuestion",
    "Comparison",
    "Condition",
    "UpdateFacts",
    "Verdict",
    "ProgressRow",
    "load_lesson",
    "lesson_from_dict",
    "lesson_to_dict",
    "dumps_lesson",
    "save_lesson",
    "parse_condition",
    "render_markup",
    "check_answer",
    "parse_number",
    "progress_row",
    "progress_csv",
    "preset_names",
]
