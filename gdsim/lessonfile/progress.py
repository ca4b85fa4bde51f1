"""A class's answers as a CSV file a teacher opens in a spreadsheet: :func:`progress_csv`.

Written atomically (:mod:`gdsim.io.atomic`) like every gdsim output, never over the lesson
file it records (nor any other file passed as ``keep``). A learner's typed text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is written with a
leading apostrophe, unless it is a plain number.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from gdsim.errors import FileRefused
from gdsim.io.files import same_file
from gdsim.lessonfile.answers import Verdict, parse_number
from gdsim.lessonfile.model import Lesson

PROGRESS_COLUMNS = (
    "lesson",
    "step",
    "question",
    "answer",
    "correct",
    "expected",
    "score",
    "time",
    "learner",
)


@dataclass(frozen=True)
class ProgressRow:
    """One answer: the lesson's title, the step (1-based), the question's prompt, the answer
    as understood, right or not, the right answer, the score (0..1), when (ISO 8601, UTC) and
    who (may be empty)."""

    lesson: str
    step: int
    question: str
    answer: str
    correct: bool
    expected: str
    score: float
    time: str
    learner: str = ""


def progress_row(
    lesson: Lesson,
    step_index: int,
    verdict: Verdict,
    when: datetime | None = None,
    learner: str = "",
) -> ProgressRow:
    """The row for the answer to ``lesson.steps[step_index]``'s question."""
    question = lesson.steps[step_index].question
    when = when or datetime.now(timezone.utc)
    return ProgressRow(
        lesson=lesson.title,
        step=step_index + 1,
        question=question.prompt if question is not None else "",
        answer=verdict.given,
        correct=verdict.correct,
        expected=verdict.expected,
        score=verdict.score,
        time=when.isoformat(timespec="seconds"),
        learner=learner,
    )


def _cell(text: str) -> str:
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            parse_number(text)
        except ValueError:
            return "'" + text
    return text


def progress_csv(
    rows: Iterable[ProgressRow],
    path: str | os.PathLike[str],
    keep: Sequence[str | os.PathLike[str]] = (),
) -> None:
    """Write ``rows`` to ``path`` (UTF-8, header row first). ``keep``: files that must not be
    replaced (the lesson file: pass ``lesson.source``); FileRefused names the one hit. Other
    OSErrors (a missing folder, a read-only or non-regular target) as for any output."""
    for protected in keep:
        if protected is not None and same_file(path, protected):
            raise FileRefused(path, "is the lesson file; the answers would overwrite it")
    from gdsim.io.atomic import atomic_open

    with atomic_open(path, "w") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PROGRESS_COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    _cell(row.lesson),
                    row.step,
                    _cell(row.question),
                    _cell(row.answer),
                    "yes" if row.correct else "no",
                    _cell(row.expected),
                    repr(float(row.score)),
                    row.time,
                    _cell(row.learner),
                ]
            )
