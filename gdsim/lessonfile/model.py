"""What a lesson is once read: frozen dataclasses the app's lesson panel can rely on.

Everything here has been checked (see :mod:`gdsim.lessonfile.parse`): texts are within their
limits and hold no control characters but newlines and tabs, numbers are finite, answers are
valid, parameter names exist in the config. Texts are kept as written (the markup is rendered
by :func:`gdsim.lessonfile.markup.render_markup` when shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from gdsim.config import Config
from gdsim.lessonfile.condition import Condition
from gdsim.lessonfile.names import PREDICTION_OPTIONS


@dataclass(frozen=True)
class ChoiceQuestion:
    """Pick one of 2..8 options; ``answer`` is the index of the right one (0-based)."""

    text: str
    options: tuple[str, ...]
    answer: int
    kind: ClassVar[str] = "choice"

    @property
    def prompt(self) -> str:
        return self.text


@dataclass(frozen=True)
class NumberQuestion:
    """Type a number; right when within ``tolerance`` of ``answer`` (absolute, or a fraction of
    ``|answer|`` when ``relative``)."""

    text: str
    answer: float
    tolerance: float = 0.0
    relative: bool = False
    kind: ClassVar[str] = "number"

    @property
    def prompt(self) -> str:
        return self.text


@dataclass(frozen=True)
class PredictQuestion:
    """A prediction about the next update, checked against what the update then does.

    ``what``: ``gradient_sign`` (of dC/d``parameter`` now), ``direction`` (``parameter`` goes
    up, down or stays), ``cost_falls`` (yes/no; no parameter), ``next_value`` (the value
    ``parameter`` will have, within ``tolerance``). ``text`` is optional: :attr:`prompt` words
    one from ``what`` when it is empty.
    """

    what: str
    parameter: str | None = None
    tolerance: float | None = None
    text: str = ""
    kind: ClassVar[str] = "predict"

    @property
    def options(self) -> tuple[str, ...] | None:
        """The answers to pick from, or None when the answer is typed (``next_value``)."""
        return PREDICTION_OPTIONS.get(self.what)

    @property
    def prompt(self) -> str:
        if self.text:
            return self.text
        p = self.parameter
        return {
            "gradient_sign": f"Is the gradient dC/d{p} positive, negative or zero right now?",
            "direction": f"Will {p} go up, go down or stay after the next update?",
            "cost_falls": "Will the cost fall after the next update?",
            "next_value": f"What will {p} be after the next update?",
        }[self.what]


Question = ChoiceQuestion | NumberQuestion | PredictQuestion


@dataclass(frozen=True)
class Controls:
    """App controls the lesson hides or locks (names from
    :data:`gdsim.lessonfile.names.CONTROLS`). A hidden control is also out of reach."""

    hidden: tuple[str, ...] = ()
    locked: tuple[str, ...] = ()

    def is_hidden(self, name: str) -> bool:
        return name in self.hidden

    def is_locked(self, name: str) -> bool:
        """Locked or hidden: either way the learner cannot use it."""
        return name in self.locked or name in self.hidden


@dataclass(frozen=True)
class Step:
    """One step of a lesson: what to do, optionally a question to answer, optionally a
    condition on the run that must hold before the lesson moves on, and what to read after."""

    instruction: str
    question: Question | None = None
    until: Condition | None = None
    explanation: str = ""


@dataclass(frozen=True)
class Lesson:
    """A whole lesson. ``preset`` is the shipped preset or example it names (then ``config`` is
    that file's config), or None for an inline config. ``source`` is the lesson file it was
    loaded from (not part of ``==``); outputs never replace it."""

    title: str
    config: Config
    steps: tuple[Step, ...]
    intro: str = ""
    preset: str | None = None
    controls: Controls = field(default_factory=Controls)
    source: Path | None = field(default=None, compare=False, hash=False)

    @property
    def question_count(self) -> int:
        return sum(step.question is not None for step in self.steps)
