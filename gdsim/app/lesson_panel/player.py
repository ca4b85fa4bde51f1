"""Playing a lesson in the panel: its steps one by one, questions checked as answered, the
`until` conditions watched on the run, the score, and predict questions done the
predict-then-reveal way (the answer first, then exactly one update, then the real numbers).
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from gdsim.app.lesson_panel.logic import (
    LessonProgress,
    facts_between,
    numbers_text,
    waiting_text,
)
from gdsim.lessonfile import Lesson, PredictQuestion, check_answer, parse_number, render_markup
from gdsim.session.runstate import Snapshot

__all__ = ["LessonPlayer", "NO_PEEKING"]

NO_PEEKING = "Answer the prediction first: Answer applies the update for you (no peeking)."


class LessonPlayer(QObject):
    """Shows `tools.lesson` step by step in the panel (see the module doc)."""

    def __init__(self, tools: QObject):  # a gdsim.app.lesson_panel.tools.LessonTools
        super().__init__(tools)
        self._tools = tools
        self.progress: LessonProgress | None = None
        self._update_from: Snapshot | None = None  # a prediction waiting for its update
        self._prediction: object = None  # the answer given to it

    @property
    def lesson(self) -> Lesson | None:
        return self.progress.lesson if self.progress is not None else None

    # ------------------------------------------------------------------ start, stop
    def start(self, lesson: Lesson) -> None:
        self.progress = LessonProgress(lesson)
        self._update_from = None
        dock = self._tools.dock()
        dock.show_header(lesson.title)
        dock.setWindowTitle("Lesson")
        dock.intro.setText(render_markup(lesson.intro))
        dock.intro.setVisible(bool(lesson.intro))
        dock.lesson_box.show()
        self.show_step()

    def stop(self) -> None:
        self.progress = None
        self._update_from = None

    # ------------------------------------------------------------------ a step
    def show_step(self) -> None:
        p, dock = self.progress, self._tools.dock()
        step = p.step
        dock.step_label.setText(f"Step {p.index + 1} of {p.count}")
        dock.instruction.setText(render_markup(step.instruction))
        dock.instruction.show()
        dock.explanation.clear()
        dock.explanation.hide()
        question = step.question
        if question is None:
            dock.question.hide()
        else:
            options = question.options if hasattr(question, "options") else None
            dock.question.ask(question.prompt, options)
        dock.next_button.setText("Finish" if p.is_last else "Next ▶")
        self._tools.predict.set_auto(isinstance(question, PredictQuestion))
        self.refresh()

    def refresh(self) -> None:
        """The score, what the step waits for, and whether Next may be pressed."""
        p = self.progress
        if p is None:
            return
        dock = self._tools.dock()
        if p.finished:
            dock.score.setText(p.finished_text())
            dock.waiting.hide()
            dock.next_button.setEnabled(False)
            return
        dock.score.setText(p.score_text())
        values = self._tools.values()
        done = p.done(values)
        until = p.step.until
        if not p.answered():
            dock.waiting.setText("Answer the question to go on.")
        elif until is not None and not done:
            dock.waiting.setText(waiting_text(until, values))
        else:
            dock.waiting.setText("Done: press Finish." if p.is_last else "Done: press Next.")
        dock.waiting.show()
        dock.next_button.setEnabled(done)
        reveal = done or (p.answered() and p.step.question is not None)
        if p.step.explanation and reveal and dock.explanation.isHidden():
            dock.explanation.setText(render_markup(p.step.explanation))
            dock.explanation.show()

    def next(self) -> None:
        p = self.progress
        if p is None or p.finished or not p.done(self._tools.values()):
            return
        p.go_on()
        if p.finished:
            dock = self._tools.dock()
            dock.step_label.setText(f"Finished: all {p.count} steps")
            dock.instruction.hide()
            dock.question.hide()
            self._tools.predict.set_auto(False)
            self._tools.say(p.finished_text())
            self.refresh()
        else:
            self.show_step()

    # ------------------------------------------------------------------ answers
    def waiting_for_prediction(self) -> bool:
        """True while the step's prediction is not answered (so no Step or Run may peek)."""
        p = self.progress
        return (
            p is not None
            and not p.finished
            and isinstance(p.step.question, PredictQuestion)
            and not p.answered()
        )

    def answer(self) -> None:
        p = self.progress
        if p is None or p.finished or p.answered() or self._update_from is not None:
            return
        box = self._tools.dock().question
        question = p.step.question
        given = box.answer()
        if given is None:
            box.say("Choose an answer first." if box.buttons else "Type a number first.", "bad")
            return
        if isinstance(question, PredictQuestion):
            self._predict(question, given)
            return
        try:
            verdict = check_answer(question, given)
        except ValueError as exc:
            box.say(f"{exc}.", "bad")
            return
        p.record(verdict)
        box.show_verdict(verdict)
        self.refresh()

    def _predict(self, question: PredictQuestion, given: object) -> None:
        """Record the prediction, then apply exactly one update and wait for it."""
        box = self._tools.dock().question
        if question.what == "next_value":
            try:
                parse_number(given)  # (a typing slip is not a wrong prediction)
            except ValueError as exc:
                box.say(f"{exc}.", "bad")
                return
        before = self._tools.live_state()
        if before is None:
            box.say("The run has not started yet: wait a moment and answer again.", "bad")
            return
        self._prediction, self._update_from = given, before
        box.set_open(False)
        box.say(f"Your prediction: {self._given_text(question, given)}. Applying one update…")
        if not self._tools.apply_one_step():
            self._update_from = None
            box.set_open(True)
            box.say("The update could not be applied (see the message above the plots).", "bad")

    @staticmethod
    def _given_text(question: PredictQuestion, given: object) -> str:
        options = question.options
        if options and isinstance(given, int):
            return options[given]
        return str(given)

    def on_state(self, snap: Snapshot) -> None:
        """A new state arrived: the update a prediction waits for, or a condition to check."""
        before = self._update_from
        if before is not None and snap.step >= before.step + 1:
            self._update_from = None
            self._reveal(before, snap)
        self.refresh()

    def _reveal(self, before: Snapshot, after: Snapshot) -> None:
        p = self.progress
        if p is None:
            return
        question = p.step.question
        box = self._tools.dock().question
        facts = facts_between(question, self._tools.parameter_names(), before, after)
        try:
            verdict = check_answer(question, self._prediction, facts)
        except ValueError as exc:
            box.say(f"{exc}.", "bad")
            return
        p.record(verdict)
        box.show_verdict(verdict, numbers_text(question, facts))

    def cancel_update(self, why: str) -> None:
        """The update a prediction waited for will not come (a new run, a refusal)."""
        if self._update_from is None:
            return
        self._update_from = None
        box = self._tools.dock().question
        box.set_open(True)
        box.say(f"{why} Answer again.", "bad")
