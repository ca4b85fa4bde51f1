"""The manual update exercise, Qt-free: read the number a learner typed, compare it with the real
next value of plain gradient descent, w − lr·dC/dw, and say what went wrong.

A typed value counts as right when it is within TOLERANCE_ABS of the real one, or within
TOLERANCE_REL of it when that is more (so 1.4 may be typed as 1.4 or 1.400, and 123456.7 to the
nearest whole number). A wrong value gets the worked numbers and, when it matches a common
mistake to the same tolerance, a short diagnosis: the step added instead of subtracted, the
learning rate left out, only the change typed, w typed unchanged, or (with two parameters) the
other parameter's partial derivative used.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from gdsim.app.lessons.one_parameter_words import fmt

__all__ = [
    "TOLERANCE_ABS",
    "TOLERANCE_REL",
    "TOLERANCE_TEXT",
    "NumberRefused",
    "Part",
    "Verdict",
    "check",
    "close_enough",
    "number",
    "parse_number",
    "summary",
    "tolerance",
]

TOLERANCE_ABS = 1e-3
TOLERANCE_REL = 1e-3
TOLERANCE_TEXT = "within 0.001, or 0.1% for values beyond ±1"

_MINUS = "\u2212"
_NUMBER = re.compile(r"[-\u2212]?(?:\d+(?:\.\d*)?|\.\d+)")
_ARITHMETIC = re.compile(r"[-+*/×÷·()\u2212]")


class NumberRefused(ValueError):
    """A typed value that is not one plain number; the message is one line naming the field."""


def parse_number(text: str, name: str) -> float:
    """The number in `text`: digits with an optional leading minus sign (- or −) and an optional
    decimal point, spaces around allowed. Anything else raises NumberRefused with the reason."""
    typed = text.strip()
    if not typed:
        raise NumberRefused(f"{name}: type a number first.")
    if _NUMBER.fullmatch(typed):
        value = float(typed.replace(_MINUS, "-"))
        if not math.isfinite(value):
            raise NumberRefused(f"{name}: that number is too large.")
        return value
    if "," in typed and _NUMBER.fullmatch(typed.replace(",", ".")):
        raise NumberRefused(f"{name}: use a decimal point, not a comma (1.4, not 1,4).")
    if typed.startswith("+") and _NUMBER.fullmatch(typed[1:]):
        raise NumberRefused(f"{name}: leave out the plus sign (type {typed[1:].strip()}).")
    if _ARITHMETIC.search(typed.lstrip("-" + _MINUS)):
        raise NumberRefused(f"{name}: type only the result, one number (work the sum out first).")
    shown = typed if len(typed) <= 16 else typed[:15] + "…"
    raise NumberRefused(
        f"{name}: “{shown}” is not a number. Use digits, a decimal point and a minus sign only."
    )


def tolerance(target: float) -> float:
    """How far from `target` a typed value may be and still count as right."""
    return max(TOLERANCE_ABS, TOLERANCE_REL * abs(target))


def close_enough(typed: float, target: float) -> bool:
    """Whether `typed` is within the tolerance of `target` (a hair of slack for rounding in
    binary: 1.401 is right for 1.4)."""
    return abs(typed - target) <= tolerance(target) * (1 + 1e-9)


def number(x: float) -> str:
    """Up to 6 significant digits with a real minus sign."""
    return fmt(x).replace("-", _MINUS)


def _factor(x: float) -> str:
    """A number after ×: negative ones in brackets."""
    return f"({number(x)})" if x < 0 or number(x).startswith(_MINUS) else number(x)


@dataclass(frozen=True)
class Part:
    """One parameter's update: its name (w, w1), its slope's name (dC/dw, ∂C/∂w1), its value
    now and its slope now."""

    name: str
    slope: str
    value: float
    grad: float


@dataclass(frozen=True)
class Verdict:
    """The check of one typed value against the real next value of a Part."""

    part: Part
    learning_rate: float
    typed: float
    expected: float
    right: bool
    hint: str  # a diagnosis of a wrong value, or ""

    @property
    def worked(self) -> str:
        """'1 − 0.1 × (−4) = 1 + 0.4 = 1.4': the rule with this step's numbers in it."""
        p, lr = self.part, self.learning_rate
        change = -lr * p.grad
        sign = "+" if change >= 0 else _MINUS
        return (
            f"{number(p.value)} {_MINUS} {number(lr)} × {_factor(p.grad)} = "
            f"{number(p.value)} {sign} {number(abs(change))} = {number(self.expected)}"
        )

    @property
    def short(self) -> str:
        """'w = 1 − 0.1 × (−4) = 1.4'."""
        p, lr = self.part, self.learning_rate
        return (
            f"{p.name} = {number(p.value)} {_MINUS} {number(lr)} × {_factor(p.grad)} = "
            f"{number(self.expected)}"
        )

    @property
    def explained(self) -> str:
        """'you typed 0.6. The update is w − lr·dC/dw = … = 1.4 (you may have …).'"""
        p = self.part
        text = (
            f"you typed {number(self.typed)}. The update is {p.name} {_MINUS} lr·{p.slope} = "
            f"{self.worked}"
        )
        return text + (f" ({self.hint})." if self.hint else ".")


def _hint(part: Part, lr: float, typed: float, expected: float, others: Sequence[Part]) -> str:
    w, g, slope = part.value, part.grad, part.slope
    mistakes = [
        (w + lr * g, f"you may have added lr·{slope} instead of subtracting it"),
        (w - g, f"you may have left out the learning rate: {slope} is multiplied by lr first"),
        (-lr * g, f"that is only the change, {_MINUS}lr·{slope}: add it to {part.name}"),
        (w, f"that is {part.name} now: it still has to move"),
    ]
    mistakes += [
        (w - lr * o.grad, f"you may have used {o.slope}: {part.name} moves by its own {slope}")
        for o in others
    ]
    for value, hint in mistakes:
        # only a mistake that gives a different answer from the right one can be told apart
        if close_enough(typed, value) and not close_enough(value, expected):
            return hint
    return ""


def check(parts: Sequence[Part], learning_rate: float, typed: Sequence[float]) -> list[Verdict]:
    """Each typed value against its part's real next value, value − learning_rate × slope
    (the update of plain gradient descent)."""
    verdicts = []
    for part, value in zip(parts, typed, strict=True):
        expected = part.value - learning_rate * part.grad
        right = close_enough(value, expected)
        others = [p for p in parts if p is not part]
        hint = "" if right else _hint(part, learning_rate, value, expected, others)
        verdicts.append(Verdict(part, learning_rate, value, expected, right, hint))
    return verdicts


def summary(verdicts: Sequence[Verdict]) -> tuple[bool, str]:
    """(all right, one message): 'Right: w = … = 1.4.' or 'Not quite: you typed 0.6. …', which
    names the parameters that are off when there are several."""
    if all(v.right for v in verdicts):
        return True, "Right: " + " and ".join(v.short for v in verdicts) + "."
    wrong = [v for v in verdicts if not v.right]
    if len(verdicts) == 1:
        return False, "Not quite: " + wrong[0].explained
    right = [v for v in verdicts if v.right]
    if right:
        good = " and ".join(f"{v.part.name} is right ({number(v.expected)})" for v in right)
        head = f"Not quite: {good}, but {wrong[0].part.name} is off: "
        return False, head + wrong[0].explained
    every = "both are" if len(wrong) == 2 else "all are"
    return False, f"Not quite: {every} off. " + " ".join(
        f"{v.part.name}: {v.explained}" for v in wrong
    )
