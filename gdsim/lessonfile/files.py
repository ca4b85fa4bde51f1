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

from gdsim.config.errors import parse_json_int
from gdsim.config.files import config_for_folder
from gdsim.errors import FileRefused, show_path
from gdsim.io.files import read_limited
from gdsim.lessonfile.dict_form import lesson_to_dict
from gdsim.lessonfile.errors import LessonError
from gdsim.lessonfile.model import Lesson
from gdsim.lessonfile.names import MAX_LESSON_FILE_BYTES
from gdsim.lessonfile.parse import lesson_from_dict


class _JsonObject(dict):
    """A JSON object that remembers keys given more than once (the config readers refuse
    them, naming the key path)."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JsonObject:
        obj = cls(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
        return obj


class _NonFinite(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def parse_lesson_json(text: str) -> Any:
    """The JSON value of ``text``; LessonError (no file name yet) for anything that is not
    strict JSON."""
    if not text.strip():
        raise LessonError("the file is empty (expected a JSON object)")
    try:
        return json.loads(
            text,
            object_pairs_hook=_JsonObject.from_pairs,
            parse_int=parse_json_int,
            parse_constant=_refuse_constant,
        )
    except _NonFinite as err:
        raise LessonError(
            f"invalid JSON: {err} is not a JSON number (write a finite number)"
        ) from None
    except json.JSONDecodeError as err:
        after = text[err.pos :]
        hint = ""
        if not after.strip() or err.msg.startswith("Unterminated string"):
            hint = " (the file ends before the JSON is complete: is it cut short?)"
        raise LessonError(
            f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}{hint}"
        ) from None
    except RecursionError:
        raise LessonError("invalid JSON: nested too deeply") from None
    except ValueError as err:
        raise LessonError(f"invalid JSON: {err}") from None


def _read_text(path: Path) -> str:
    try:
        raw = read_limited(path, MAX_LESSON_FILE_BYTES, "a lesson file")
    except FileRefused as err:
        raise LessonError(err.strerror) from None
    except FileNotFoundError:
        raise LessonError("file not found") from None
    except IsADirectoryError:
        raise LessonError("is a folder, not a file") from None
    except PermissionError:
        raise LessonError("permission denied") from None
    except OSError as err:
        raise LessonError(f"cannot read the file ({err.strerror or err})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LessonError(
            f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start})"
        ) from None


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
