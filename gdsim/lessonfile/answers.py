"""Checking a learner's answer: :func:`check_answer` gives a :class:`Verdict`.

Choice and number questions are checked against the lesson's answer. A predict question is
checked against what the next update really did, which the caller (the lesson panel, after
applying the update) passes as :class:`UpdateFacts`; nothing here trains or imports the
engine, so the check is a pure function that tests can pin down.

Numbers compare with the given tolerance plus a rounding slack of one part in 10^9, so that
typing ``1.4`` is right when the run holds ``1.4000000000000001``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from gdsim.lessonfile.model import ChoiceQuestion, NumberQuestion, PredictQuestion, Question

_SLACK = 1e-9
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)
# "1,400": 1400 to one reader, 1.4 to another; the parameter table refuses it too
_THOUSANDS = re.compile(r"\s*[+-]?[1-9]\d{0,2},\d{3}\s*")


@dataclass(frozen=True)
class UpdateFacts:
    """What one update did, for predict questions: dC/dp of the parameter before the update,
    its value before and after, and the cost before and after (``None`` where not needed:
    a cost_falls question needs only the costs)."""

    gradient: float | None = None
    before: float | None = None
    after: float | None = None
    cost_before: float | None = None
    cost_after: float | None = None


@dataclass(frozen=True)
class Verdict:
    """``correct``; ``expected``, the right answer as text; ``given``, the learner's answer as
    understood; ``explanation``, one sentence on why (shown with the step's own
    explanation)."""

    correct: bool
    expected: str
    given: str
    explanation: str = ""

    @property
    def score(self) -> float:
        return 1.0 if self.correct else 0.0


def parse_number(text: str | float) -> float:
    """A typed number: ``1.4``, ``-0,5`` (a decimal comma), ``2e-3``; ValueError otherwise."""
    if isinstance(text, bool):
        raise ValueError("type a number")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        if not isinstance(text, str) or not _NUMBER.fullmatch(text):
            raise ValueError("type a number, such as 1.4 or -0.25")
        if _THOUSANDS.fullmatch(text):
            plain = text.strip()
            raise ValueError(
                f"{plain} is ambiguous: type {plain.replace(',', '')} or {plain.replace(',', '.')}"
            )
        value = float(text.strip().replace(",", "."))
    if not math.isfinite(value):
        raise ValueError("type a finite number")
    return value


def show(value: float) -> str:
    """A number for the learner: up to 10 significant digits, no float noise."""
    return f"{value:.10g}"


def close_enough(given: float, expected: float, tolerance: float, relative: bool = False) -> bool:
    allowed = tolerance * abs(expected) if relative else tolerance
    return abs(given - expected) <= allowed + _SLACK * max(1.0, abs(expected))


def check_answer(question: Question, answer: object, actual: UpdateFacts | None = None) -> Verdict:
    """Check ``answer``: an option index (or the option's text) for choice questions and for
    predict questions with options (``"positive"``, ``"up"``, ``"yes"``, or their index); a
    number or typed text for number and next_value questions. ``actual`` is required for
    predict questions. ValueError (one line, for the learner) for an answer that is not of the
    right kind, e.g. text that is not a number."""
    if isinstance(question, ChoiceQuestion):
        index = _option_index(answer, question.options)
        right = question.options[question.answer]
        return Verdict(
            index == question.answer,
            right,
            question.options[index],
            "" if index == question.answer else f"The answer is {right!r}.",
        )
    if isinstance(question, NumberQuestion):
        given = parse_number(answer)  # type: ignore[arg-type]
        ok = close_enough(given, question.answer, question.tolerance, question.relative)
        margin = ""
        if question.tolerance:
            margin = (
                f" (within {show(question.tolerance * 100)}%)"
                if question.relative
                else f" (within {show(question.tolerance)})"
            )
        return Verdict(
            ok,
            show(question.answer),
            show(given),
            f"The answer is {show(question.answer)}{margin}.",
        )
    if isinstance(question, PredictQuestion):
        if actual is None:
            raise ValueError("a prediction is checked against the update: pass what it did")
        return _check_prediction(question, answer, actual)
    raise TypeError(f"not a lesson question: {type(question).__name__}")


def _option_index(answer: object, options: tuple[str, ...]) -> int:
    if isinstance(answer, str) and answer.strip().lower() in [o.lower() for o in options]:
        return [o.lower() for o in options].index(answer.strip().lower())
    if isinstance(answer, bool):  # a cost_falls answer given as true/false
        answer = "yes" if answer else "no"
        if answer in options:
            return options.index(answer)
    if isinstance(answer, int) and not isinstance(answer, bool) and 0 <= answer < len(options):
        return answer
    raise ValueError(f"choose one of: {', '.join(options)}")


def _need(value: float | None, what: str) -> float:
    if value is None:
        raise ValueError(f"this prediction is checked against the update's {what}: pass it")
    return float(value)


def _sign(x: float) -> str:
    if math.isnan(x):
        return "undefined (not a number)"
    return "positive" if x > 0 else "negative" if x < 0 else "zero"


def _check_prediction(question: PredictQuestion, answer: object, facts: UpdateFacts) -> Verdict:
    p = question.parameter
    if question.what == "next_value":
        after = _need(facts.after, "value after")
        given = parse_number(answer)  # type: ignore[arg-type]
        ok = close_enough(given, after, question.tolerance or 0.0)
        return Verdict(ok, show(after), show(given), f"After the update {p} = {show(after)}.")
    options = question.options or ()
    chosen = options[_option_index(answer, options)]
    if question.what == "gradient_sign":
        g = _need(facts.gradient, "gradient")
        expected = _sign(g)
        why = f"dC/d{p} was {show(g)}, so it is {expected}."
    elif question.what == "direction":
        before, after = _need(facts.before, "value before"), _need(facts.after, "value after")
        expected = "up" if after > before else "down" if after < before else "stays"
        moved = {"up": "went up", "down": "went down", "stays": "stayed"}[expected]
        why = f"{p} {moved}: from {show(before)} to {show(after)}."
    else:  # cost_falls
        c0, c1 = _need(facts.cost_before, "cost before"), _need(facts.cost_after, "cost after")
        expected = "yes" if c1 < c0 else "no"
        why = f"The cost went from {show(c0)} to {show(c1)}."
    return Verdict(chosen == expected, expected, chosen, why)
