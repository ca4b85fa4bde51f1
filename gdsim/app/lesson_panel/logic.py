"""The lesson panel's rules, without Qt: where a lesson is, what the learner scored, what a
step waits for, which prediction predict mode asks next, and the facts an update gives.

Small functions and one small class, so tests can pin them down without a window.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

from gdsim.config import Config
from gdsim.lessonfile import (
    Condition,
    Lesson,
    PredictQuestion,
    ProgressRow,
    Step,
    UpdateFacts,
    Verdict,
    parse_condition,
    progress_row,
)
from gdsim.lessonfile.names import MAX_TITLE, QUANTITIES

__all__ = [
    "FREE_PREDICTIONS",
    "LessonProgress",
    "facts_between",
    "free_prediction",
    "new_lesson",
    "numbers_text",
    "predictions_for",
    "run_values",
    "structure_lock",
    "waiting_text",
]

# What predict mode asks in turn; next_value too in function mode with one parameter.
FREE_PREDICTIONS = ("gradient_sign", "direction", "cost_falls")
NEXT_VALUE_TOLERANCE = 1e-3
# Lesson controls that mean "this run's config stays": the form must not replace it.
STRUCTURE_CONTROLS = ("mode", "function", "parameters")


def show(value: float | None) -> str:
    """A number for the learner: 4 significant digits is plenty to compare."""
    if value is None:
        return "—"
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if whole and abs(value) < 1e12:
        return f"{int(value):,}"
    return f"{value:.4g}"


# ---------------------------------------------------------------------- a lesson's progress
@dataclasses.dataclass
class LessonProgress:
    """Where the learner is in `lesson`: the step shown, the verdict of each question
    answered (by step index; the first answer counts) and the rows for the progress CSV."""

    lesson: Lesson
    index: int = 0
    verdicts: dict[int, Verdict] = dataclasses.field(default_factory=dict)
    rows: list[ProgressRow] = dataclasses.field(default_factory=list)
    finished: bool = False

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    @property
    def count(self) -> int:
        return len(self.lesson.steps)

    @property
    def is_last(self) -> bool:
        return self.index == self.count - 1

    def answered(self) -> bool:
        """Whether the step's question (if any) has been answered."""
        return self.step.question is None or self.index in self.verdicts

    def record(self, verdict: Verdict, learner: str = "") -> None:
        if self.index in self.verdicts:
            return
        self.verdicts[self.index] = verdict
        self.rows.append(progress_row(self.lesson, self.index, verdict, learner=learner))

    def done(self, values: Mapping[str, float]) -> bool:
        """The step is done: its question answered and its `until` holding."""
        until = self.step.until
        return self.answered() and (until is None or until.holds(values))

    def go_on(self) -> None:
        """To the next step, or finished after the last."""
        if self.is_last:
            self.finished = True
        else:
            self.index += 1

    @property
    def right(self) -> int:
        return sum(v.correct for v in self.verdicts.values())

    def score_text(self) -> str:
        total = self.lesson.question_count
        if not total:
            return "No questions in this lesson."
        answered = len(self.verdicts)
        text = f"Score: {self.right} of {answered} right"
        left = total - answered
        return text + (f" ({left} question{'s' if left != 1 else ''} to go)" if left else "")

    def finished_text(self) -> str:
        total = self.lesson.question_count
        if not total:
            return "Lesson finished. Well done!"
        return f"Lesson finished: {self.right} of {total} questions right."


# ---------------------------------------------------------------------- conditions
def run_values(step: int, cost: float, epoch: int, extras: Mapping[str, float]) -> dict:
    """The quantities an `until` condition reads, from the newest snapshot and the last
    recorded extras (train_cost, test_accuracy, ... when the run records them)."""
    values: dict[str, float] = {"step": step, "cost": cost, "epoch": epoch}
    for name in QUANTITIES:
        if name in extras and name not in values:
            values[name] = extras[name]
    return values


def waiting_text(condition: Condition, values: Mapping[str, float]) -> str:
    """``Waiting for: cost < 0.1 (now 0.43)``; with several quantities each is named."""
    now = []
    for name in condition.quantities:
        value = values.get(name)
        shown = "not recorded" if value is None or _nan(value) else show(value)
        now.append(shown if len(condition.quantities) == 1 else f"{name} {shown}")
    return f"Waiting for: {condition} (now {', '.join(now)})"


def _nan(value: float) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


# ---------------------------------------------------------------------- predictions
def predictions_for(mode: str, n_parameters: int) -> tuple[str, ...]:
    """What predict mode asks in turn for a run (next_value: one-parameter functions)."""
    if mode == "function" and n_parameters == 1:
        return (*FREE_PREDICTIONS, "next_value")
    return FREE_PREDICTIONS


def free_prediction(what: str, parameter: str) -> PredictQuestion:
    """Predict mode's question of kind `what` about `parameter`."""
    if what == "cost_falls":
        return PredictQuestion(what)
    tolerance = NEXT_VALUE_TOLERANCE if what == "next_value" else None
    return PredictQuestion(what, parameter, tolerance)


def facts_between(question: PredictQuestion, names: Sequence[str], before, after) -> UpdateFacts:
    """What the update from snapshot `before` to snapshot `after` did, for `question`
    (the parameter found by name among the run's `names`)."""
    gradient = value_before = value_after = None
    if question.parameter in names:
        i = list(names).index(question.parameter)
        gradient = float(before.gradients[i])
        value_before, value_after = float(before.parameters[i]), float(after.parameters[i])
    return UpdateFacts(gradient, value_before, value_after, float(before.cost), float(after.cost))


def numbers_text(question: PredictQuestion, facts: UpdateFacts) -> str:
    """The real numbers of the update, one line: ``dC/dw = -4 · w: 1 → 1.4 · cost: 4 → 2.56``."""
    p = question.parameter
    parts = []
    if p is not None and facts.gradient is not None:
        parts.append(f"dC/d{p} = {show(facts.gradient)}")
        parts.append(f"{p}: {show(facts.before)} → {show(facts.after)}")
    parts.append(f"cost: {show(facts.cost_before)} → {show(facts.cost_after)}")
    return " · ".join(parts)


# ---------------------------------------------------------------------- controls, new lessons
def structure_lock(locked: Sequence[str]) -> str | None:
    """Why the form may not replace the lesson's config, or None when it may."""
    fixed = [name for name in STRUCTURE_CONTROLS if name in locked]
    if not fixed:
        return None
    return (
        f"The lesson keeps this run ({', '.join(fixed)} locked): close the lesson to build "
        "another one."
    )


def lesson_title(config: Config) -> str:
    if config.mode == "function":
        title = f"Gradient descent on C = {config.function}"
    else:
        data = config.data
        name = data.name if data.source != "csv" else "a CSV file"
        title = f"Train a network on {name}"
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def new_lesson(config: Config) -> Lesson:
    """A starting point for a teacher: the run's config and one simple step."""
    step = Step(
        instruction="Press **Step** once and watch what one update does to the cost.",
        until=parse_condition("step >= 1"),
        explanation="Each update moves the parameters a little against the gradient.",
    )
    return Lesson(title=lesson_title(config), config=config, steps=(step,))
