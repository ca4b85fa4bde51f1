"""`until` conditions: ``<quantity> <op> <number>``, optionally joined by ``and``.

Parsed by a tokenizer of four token kinds and never by ``eval``: a lesson file is someone
else's text. Errors name the position (1-based character) and offer a did-you-mean for a
misspelt quantity: ``steps[3].until: unknown quantity 'costt' at character 1; did you mean
'cost'? (choose from ...)``, ``steps[3].until: at character 6: '=' is not a comparison here;
use '=='``.

A condition holds when every comparison holds. A quantity the run does not have (no test set,
no accuracy) or whose value is NaN makes its comparison false, so a lesson never moves on
because of a number that is not there.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gdsim.config.errors import show_bound
from gdsim.config.names import MAX_STEPS
from gdsim.errors import did_you_mean
from gdsim.lessonfile.errors import LessonError, lesson_error
from gdsim.lessonfile.names import (
    FRACTION_QUANTITIES,
    MAX_COMPARISONS,
    MAX_CONDITION,
    OPERATORS,
    QUANTITIES,
    WHOLE_QUANTITIES,
)

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}
_TOKEN = re.compile(
    r"\s*(?:(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.])"
    r"|(?P<op><=|>=|==|<|>|=|!=)"
    r"|(?P<word>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<other>[^\s<>=!]+|\S))"
)


def show_number(value: float) -> str:
    """A threshold as written back to a file: ``1`` not ``1.0``, full precision otherwise."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


@dataclass(frozen=True)
class Comparison:
    """``quantity op value``, e.g. ``cost < 0.1``."""

    quantity: str
    op: str
    value: float

    def holds(self, values: Mapping[str, float]) -> bool:
        actual = values.get(self.quantity)
        if actual is None:
            return False
        try:
            actual = float(actual)
        except (TypeError, ValueError):
            return False
        return not math.isnan(actual) and _OPS[self.op](actual, self.value)

    def __str__(self) -> str:
        return f"{self.quantity} {self.op} {show_number(self.value)}"


@dataclass(frozen=True)
class Condition:
    """Comparisons that must all hold. ``str(condition)`` is its canonical text, which parses
    back to an equal Condition."""

    comparisons: tuple[Comparison, ...]

    def holds(self, values: Mapping[str, float]) -> bool:
        """Whether every comparison holds for these current values (``{"step": 3, "cost":
        0.2}``); a missing or NaN quantity makes it false."""
        return all(c.holds(values) for c in self.comparisons)

    @property
    def quantities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.quantity for c in self.comparisons))

    def __str__(self) -> str:
        return " and ".join(str(c) for c in self.comparisons)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, 1-based position) for each token."""
    out = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:  # only blanks left
            break
        kind = match.lastgroup or "other"
        out.append((kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return out


def parse_condition(text: str, key: str = "until") -> Condition:
    """Parse ``text`` into a :class:`Condition`; LessonError naming ``key`` and the position."""
    if not isinstance(text, str):
        raise lesson_error(key, 'must be a condition in a string, such as "cost < 0.1"')
    if len(text) > MAX_CONDITION:
        raise lesson_error(key, f"is {len(text):,} characters long; the limit is {MAX_CONDITION}")
    tokens = _tokens(text)
    if not tokens:
        raise lesson_error(key, 'is empty; write a condition such as "cost < 0.1"')
    comparisons: list[Comparison] = []
    i = 0
    while True:
        if len(comparisons) == MAX_COMPARISONS:
            raise lesson_error(key, f"joins more than {MAX_COMPARISONS} comparisons")
        comparisons.append(_comparison(tokens[i : i + 3], text, key))
        i += 3
        if i == len(tokens):
            return Condition(tuple(comparisons))
        kind, word, pos = tokens[i]
        if kind != "word" or word != "and":
            hint = " (only 'and' joins comparisons)" if word.lower() in ("or", "&&", "&") else ""
            raise _at(key, pos, f"expected 'and' or the end, got {word!r}{hint}")
        i += 1
        if i == len(tokens):
            raise _at(key, pos, "'and' must be followed by another comparison")


def _at(key: str, pos: int, text: str) -> LessonError:
    return lesson_error(key, f"at character {pos}: {text}")


def _comparison(tokens: list[tuple[str, str, int]], text: str, key: str) -> Comparison:
    end = len(text.rstrip()) + 1
    expected = ("a quantity", "a comparison (<, <=, >, >=, ==)", "a number")
    for index, want in enumerate(("word", "op", "number")):
        if index >= len(tokens):
            raise _at(key, end, f"expected {expected[index]}, but the condition ends")
        kind, word, pos = tokens[index]
        if kind != want:
            raise _at(key, pos, f"expected {expected[index]}, got {word!r}")
        if index == 0 and word not in QUANTITIES:
            hint = did_you_mean(word, QUANTITIES)
            raise lesson_error(
                key,
                f"unknown quantity {word!r} at character {pos}{hint} "
                f"(choose from {', '.join(QUANTITIES)})",
            )
    (_, quantity, _), (_, op, opos), (_, number, npos) = tokens
    if op not in OPERATORS:
        fix = {"=": "'=='", "!=": "two comparisons or another operator"}[op]
        raise _at(key, opos, f"{op!r} is not a comparison here; use {fix}")
    value = float(number)
    if not math.isfinite(value):
        raise _at(key, npos, f"the number {number!r} is too large")
    if quantity in WHOLE_QUANTITIES and not (value.is_integer() and value >= 0):
        raise _at(key, npos, f"{quantity} is a count: use a whole number >= 0")
    if quantity in WHOLE_QUANTITIES and value > MAX_STEPS:  # (a condition no run can meet)
        raise _at(key, npos, f"{quantity} never goes past {MAX_STEPS:,}, got {number}")
    if quantity in FRACTION_QUANTITIES and not 0 <= value <= 1:
        raise _at(
            key,
            npos,
            f"{quantity} is a fraction from 0 to 1 (0.9 for 90%), got {show_bound(value)}",
        )
    return Comparison(quantity, op, value)
