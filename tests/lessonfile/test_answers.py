"""Checking answers (choice, number, predictions against the real update) and the answers CSV."""

import csv
from datetime import datetime, timezone

import pytest

from gdsim.errors import FileRefused
from gdsim.lessonfile import (
    PROGRESS_COLUMNS,
    ChoiceQuestion,
    NumberQuestion,
    PredictQuestion,
    ProgressRow,
    UpdateFacts,
    check_answer,
    load_lesson,
    parse_number,
    progress_csv,
    progress_row,
)

from .helpers import LESSON, write

# The worked example: C(w) = (w - 3)^2 at w = 1, lr 0.1.
STEP = UpdateFacts(
    gradient=-4.0, before=1.0, after=1.4000000000000001, cost_before=4.0, cost_after=2.56
)


def test_choice():
    q = ChoiceQuestion("Which way?", ("up", "down"), 0)
    assert check_answer(q, 0).correct and check_answer(q, "Up").correct
    wrong = check_answer(q, 1)
    assert not wrong.correct and wrong.expected == "up" and wrong.given == "down"
    assert wrong.score == 0.0 and "'up'" in wrong.explanation
    for bad in (2, -1, "sideways", None, 0.0):
        with pytest.raises(ValueError, match="choose one of: up, down"):
            check_answer(q, bad)


def test_number_absolute_relative_and_rounding():
    q = NumberQuestion("Next w?", 1.4, 0.001)
    assert check_answer(q, 1.4).correct and check_answer(q, "1.4005").correct
    assert check_answer(q, " 1,4 ").correct, "a decimal comma is read as a point"
    assert not check_answer(q, 1.402).correct
    exact = NumberQuestion("Next w?", 1.4)
    assert check_answer(exact, 1 + 0.4).correct and check_answer(exact, STEP.after).correct
    assert not check_answer(exact, 1.41).correct
    rel = NumberQuestion("Big?", 200.0, 0.05, relative=True)
    assert check_answer(rel, 209).correct and not check_answer(rel, 211).correct
    verdict = check_answer(rel, 211)
    assert (
        verdict.expected == "200" and verdict.given == "211" and "within 5%" in verdict.explanation
    )


@pytest.mark.parametrize("bad", ["", "abc", "1.4.1", "nan", "inf", "1e999", "0x10", True, None])
def test_a_number_answer_that_is_not_a_number(bad):
    with pytest.raises(ValueError):
        check_answer(NumberQuestion("?", 1.0), bad)


def test_parse_number():
    assert parse_number("-2.5e-1") == -0.25 and parse_number(3) == 3.0 and parse_number(".5") == 0.5


def test_predictions_against_the_worked_example():
    sign = PredictQuestion("gradient_sign", "w")
    verdict = check_answer(sign, "negative", STEP)
    assert verdict.correct and verdict.explanation == "dC/dw was -4, so it is negative."
    assert not check_answer(sign, "positive", STEP).correct
    assert check_answer(sign, 1, STEP).correct, "an option index works too"
    assert check_answer(sign, "zero", UpdateFacts(gradient=0.0)).correct
    direction = PredictQuestion("direction", "w")
    assert check_answer(direction, "up", STEP).correct
    assert check_answer(direction, "stays", UpdateFacts(before=1.0, after=1.0)).correct
    falls = PredictQuestion("cost_falls")
    assert check_answer(falls, "yes", STEP).correct and check_answer(falls, True, STEP).correct
    assert check_answer(falls, "no", UpdateFacts(cost_before=1.0, cost_after=1.0)).correct
    nxt = PredictQuestion("next_value", "w", 0.01)
    assert check_answer(nxt, "1.4", STEP).correct and check_answer(nxt, 1.409, STEP).correct
    assert not check_answer(nxt, 1.42, STEP).correct
    assert check_answer(nxt, 1.42, STEP).expected == "1.4"


def test_a_prediction_needs_the_facts_it_checks():
    with pytest.raises(ValueError, match="pass what it did"):
        check_answer(PredictQuestion("direction", "w"), "up")
    with pytest.raises(ValueError, match="gradient"):
        check_answer(PredictQuestion("gradient_sign", "w"), "zero", UpdateFacts(before=1.0))
    with pytest.raises(ValueError, match="choose one of: up, down, stays"):
        check_answer(PredictQuestion("direction", "w"), "left", STEP)


def test_progress_csv_writes_rows_atomically(tmp_path):
    path = write(tmp_path / "lesson.json", LESSON)
    lesson = load_lesson(path)
    when = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)
    rows = [
        progress_row(lesson, 0, check_answer(lesson.steps[0].question, 0), when, "Ada"),
        progress_row(lesson, 1, check_answer(lesson.steps[1].question, "2"), when),
        ProgressRow("=HYPERLINK(1)", 3, "q", "=cmd|' /C calc'!A0", False, "-1", 0.0, "t", "@x"),
    ]
    out = tmp_path / "answers.csv"
    progress_csv(rows, out, keep=[lesson.source])
    with open(out, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert tuple(table[0]) == PROGRESS_COLUMNS
    assert table[1] == [
        LESSON["title"],
        "1",
        "Which way will w move?",
        "up",
        "yes",
        "up",
        "1.0",
        "2026-12-06T10:00:00+00:00",
        "Ada",
    ]
    assert table[2][1:7] == ["2", "Next w?", "2", "no", "1.4", "0.0"]
    assert table[3][0] == "'=HYPERLINK(1)" and table[3][3].startswith("'=")
    assert table[3][5] == "-1", "a plain negative number stays a number"
    assert table[3][8] == "'@x"
    assert not list(tmp_path.glob("*.tmp"))


def test_progress_csv_never_replaces_the_lesson_file(tmp_path):
    path = write(tmp_path / "lesson.json", LESSON)
    lesson = load_lesson(path)
    before = path.read_bytes()
    with pytest.raises(FileRefused, match="is the lesson file"):
        progress_csv([], path, keep=[lesson.source])
    with pytest.raises(FileRefused, match="is the lesson file"):
        progress_csv([], tmp_path / "." / "lesson.json", keep=[lesson.source])
    assert path.read_bytes() == before


def test_progress_csv_refuses_a_folder(tmp_path):
    with pytest.raises(OSError):
        progress_csv([], tmp_path)
