"""Lesson files: read one safely (:func:`load_lesson`), and write one (:func:`save_lesson`).

A lesson is a file someone else wrote, so reading it is defensive: only a regular file of at
most 1 MiB (a FIFO, ``/dev/zero`` or a folder is refused at once, never waited on), UTF-8 (a
byte-order mark is fine), one JSON object, no key given twice, no ``NaN``/``Infinity``, no
nesting deeper than 32 levels. Every error names the file and then the key path.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from gdsim.config.files import config_for_folder, parse_json, read_text_file
from gdsim.errors import show_path
from gdsim.lessonfile.dict_form import lesson_to_dict
from gdsim.lessonfile.errors import LessonError
from gdsim.lessonfile.model import Lesson
from gdsim.lessonfile.names import MAX_LESSON_FILE_BYTES
from gdsim.lessonfile.parse import lesson_from_dict


def parse_lesson_json(text: str) -> Any:
    """The JSON value of ``text``; LessonError (no file name yet) for anything that is not
    strict JSON (NaN and Infinity included)."""
    return parse_json(text, LessonError, finite_only=True)


def _read_text(path: Path) -> str:
    return read_text_file(path, MAX_LESSON_FILE_BYTES, "a lesson file", LessonError)


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read and validate a lesson file; LessonError whose ``str`` is ``"FILE: key.path:
    problem"`` (``err.file`` and ``err.key`` hold the parts). An inline config's relative CSV
    path is relative to the lesson file."""
    name = show_path(path)
    file = Path(path)
    try:
        data = parse_lesson_json(_read_text(file))
        lesson = lesson_from_dict(data, base_dir=file.absolute().parent)
    except LessonError as err:
        raise LessonError(err.message, err.key, file=name) from None
    return dataclasses.replace(lesson, source=file.absolute())


def dumps_lesson(lesson: Lesson, folder: str | os.PathLike[str] | None = None) -> str:
    """The lesson's JSON text (indent 2, trailing newline). With ``folder``, an inline config's
    relative CSV path is rewritten to be relative to that folder (where it will be saved)."""
    if folder is not None and lesson.preset is None:
        lesson = dataclasses.replace(lesson, config=config_for_folder(lesson.config, folder))
    data = lesson_to_dict(lesson)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def save_lesson(lesson: Lesson, path: str | os.PathLike[str]) -> None:
    """Write the lesson atomically ("Save as lesson"). It is checked first by reading its own
    JSON form back, so a file written here always loads. OSError (FileRefused for a FIFO, a
    read-only file) as for any output."""
    from gdsim.io.atomic import atomic_write_text

    target = Path(path)
    text = dumps_lesson(lesson, target.absolute().parent)
    lesson_from_dict(json.loads(text), base_dir=target.absolute().parent)
    atomic_write_text(target, text)
