"""Predict mode (Training ▸ Predict before each step): Step first asks, in the lesson panel,
what the coming update will do; Answer applies it and shows the real numbers beside the
prediction, with a one-sentence why and a running score.

The questions take turns: the sign of the gradient, the direction the parameter moves, whether
the cost falls (and, for a one-parameter function, the value it will have), about the
parameter chosen in the panel. Step N and Run train as usual.

On the timeline ("hide the future, predict, reveal"): while a past step k is shown, the panel
offers "Predict the next step": the plots are covered right of k, the question is about
k → k+1, and Answer moves the timeline on to k+1 (or the nearest recorded step after k) and
uncovers it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSignalBlocker

from gdsim.app.lesson_panel.logic import (
    facts_between,
    free_prediction,
    numbers_text,
    predictions_for,
)
from gdsim.lessonfile import PredictQuestion, check_answer, parse_number
from gdsim.session.runstate import Snapshot

__all__ = ["PredictMode"]

NOTE = (
    "Press Step (F10): you predict first, then the update happens and you see the real "
    "numbers. Predictions are asked for single steps; Step N and Run train as usual."
)
LESSON_NOTE = "The lesson asks this step's prediction above; Answer applies the update."


class PredictMode(QObject):
    """See the module doc. `on` is the Training menu's checkable action."""

    def __init__(self, tools: QObject):  # a gdsim.app.lesson_panel.tools.LessonTools
        super().__init__(tools)
        self._tools = tools
        self.on = False
        self._user_on = False  # the learner's own choice (a lesson step may turn it on)
        self._auto = False
        self._turn = 0  # which kind of question comes next
        self.question: PredictQuestion | None = None  # asked and not answered yet
        self._given: object = None
        self._from: Snapshot | None = None  # the live state an answered question waits on
        self._past: int | None = None  # the past step a timeline question is about
        self._asked_at: int | None = None  # the live step when the question was asked
        self.asked = self.right = 0

    # ------------------------------------------------------------------ on and off
    def set_on(self, on: bool, by_user: bool = True) -> None:
        if by_user:
            self._user_on = bool(on)
        on = bool(on) or self._auto
        self.on = on
        action = self._tools.window.predict_action
        with QSignalBlocker(action):
            action.setChecked(on)
        if not on:
            self.cancel("")
        self.update_panel()

    def set_auto(self, on: bool) -> None:
        """A lesson's predict step turns predict mode on (and back to the learner's choice
        after it)."""
        self._auto = bool(on)
        self.set_on(self._user_on, by_user=False)

    # ------------------------------------------------------------------ the panel
    def update_panel(self) -> None:
        tools = self._tools
        if tools.dock_made() or self.on:
            dock = tools.dock()
            # (a lesson's own predict step asks in the lesson: the box is for the learner's)
            dock.predict_box.setVisible(self.on and self._user_on)
            if tools.lesson is None:
                dock.show_header("Predict mode")
                dock.setWindowTitle("Predict mode")
            dock.predict_box.setTitle("" if tools.lesson is None else "Predict mode")
            dock.predict_note.setText(LESSON_NOTE if self._auto else NOTE)
            self.fill_parameters()
            self.update_timeline_button()
            self._show_score()
            tools.settle_dock()

    def fill_parameters(self) -> None:
        """The run's parameters in the combo; the table's selection (else the first) chosen."""
        combo = self._tools.dock().parameter_combo
        names = self._tools.parameter_names()
        if tuple(combo.itemText(i) for i in range(combo.count())) != tuple(names):
            with QSignalBlocker(combo):
                combo.clear()
                combo.addItems(list(names))
            self.select_table_parameter()
        combo.setEnabled(not self._auto and self.question is None)

    def select_table_parameter(self) -> None:
        selected = self._tools.selected_parameter()
        combo = self._tools.dock().parameter_combo
        if selected is not None and 0 <= selected < combo.count():
            combo.setCurrentIndex(selected)

    def update_timeline_button(self, *_args) -> None:
        if not self._tools.dock_made():
            return
        past = not self._tools.window.presenter.is_live()
        show = self.on and not self._auto and past and self.question is None
        self._tools.dock().timeline_button.setVisible(show)

    def _show_score(self) -> None:
        text = f"Predictions: {self.right} of {self.asked} right" if self.asked else ""
        self._tools.dock().predict_score.setText(text)

    # ------------------------------------------------------------------ asking
    def ask(self) -> bool:
        """Step was pressed in predict mode: ask about the coming update (True: asked)."""
        if self._auto or self.question is not None:
            return False
        dock = self._tools.dock()
        names = self._tools.parameter_names()
        if not names:
            return False
        info = self._tools.window.session.info
        kinds = predictions_for(info.config.mode if info else "network", len(names))
        what = kinds[self._turn % len(kinds)]
        self._turn += 1
        parameter = dock.parameter_combo.currentText() or names[0]
        self.question = free_prediction(what, parameter)
        self._past = None
        presenter = self._tools.window.presenter
        live = self._tools.live_state()
        self._asked_at = live.step if live is not None else None
        if not presenter.is_live() and presenter.shown is not None:
            self._past = presenter.shown.step
            self._tools.window.plots.cursor.cover(True)
            prompt = f"At step {self._past:,}: {self.question.prompt}"
        else:
            prompt = self.question.prompt
        dock.predict_question.ask(prompt, self.question.options)
        self._tools.show_dock()
        self.update_panel()
        return True

    def answer(self) -> None:
        question, box = self.question, self._tools.dock().predict_question
        if question is None or self._from is not None:
            return
        given = box.answer()
        if given is None:
            box.say("Choose an answer first." if box.buttons else "Type a number first.", "bad")
            return
        if question.what == "next_value":
            try:
                parse_number(given)
            except ValueError as exc:
                box.say(f"{exc}.", "bad")
                return
        self._given = given
        if self._past is not None:
            self._reveal_past()
            return
        before = self._tools.live_state()
        if before is None:
            box.say("The run has not started yet: wait a moment and answer again.", "bad")
            return
        self._from = before
        box.set_open(False)
        box.say("Applying one update…")
        if not self._tools.apply_one_step():
            self._from = None
            box.set_open(True)
            box.say("The update could not be applied (see the message above the plots).", "bad")

    def on_state(self, snap: Snapshot) -> None:
        """A new live state: the update an answer waits for, or (Run, Step N) the run moved on
        and the question no longer fits."""
        before = self._from
        if before is not None and snap.step >= before.step + 1:
            self._from = None
            self._reveal(before, snap)
        elif (
            self.question is not None
            and self._past is None
            and before is None
            and snap.step != self._asked_at
        ):
            self.cancel("The run moved on without you: press Step for a new question.")

    def _reveal(self, before: Snapshot, after: Snapshot, note: str = "") -> None:
        question, box = self.question, self._tools.dock().predict_question
        if question is None:
            return
        facts = facts_between(question, self._tools.parameter_names(), before, after)
        try:
            verdict = check_answer(question, self._given, facts)
        except ValueError as exc:
            box.say(f"{exc}.", "bad")
            return
        self.question = None
        self.asked += 1
        self.right += verdict.correct
        numbers = numbers_text(question, facts) + note
        box.show_verdict(verdict, numbers)
        self.update_panel()

    def _reveal_past(self) -> None:
        """The timeline question: the states at k and the next recorded step, then show it."""
        presenter = self._tools.window.presenter
        states, k = presenter.states, self._past
        steps = states.steps() if states is not None else ()
        later = [int(s) for s in steps if s > k]
        before = states.state_at(k) if states is not None else None
        if before is None or not later:
            self.cancel("The next step is not recorded: choose another step.")
            return
        to = later[0]
        after = states.state_at(to)
        note = "" if to == k + 1 else f" (step {k + 1:,} is not recorded: compared with {to:,})"
        self._past = None  # (so the move below does not cancel the question)
        presenter.show_step(to)
        self._tools.window.plots.cursor.cover(False)
        self._reveal(before, after, note)

    def on_shown_changed(self) -> None:
        """The timeline moved: a question about the step left behind is dropped."""
        presenter = self._tools.window.presenter
        if self._past is not None:
            shown = presenter.shown
            if shown is None or shown.step != self._past:
                self.cancel("The timeline moved: ask again at the step you want.")
        self.update_timeline_button()

    def cancel(self, why: str) -> None:
        """Drop the open question (and uncover the plots)."""
        self._tools.window.plots.cursor.cover(False)
        had = self.question is not None
        self.question = None
        self._from = None
        self._past = None
        if had and self._tools.dock_made():
            box = self._tools.dock().predict_question
            box.set_open(False)
            if why:
                box.say(why, "bad")
            else:
                box.hide()
            self.update_panel()

    @property
    def updating(self) -> bool:
        """True while an answered question waits for its update."""
        return self._from is not None

    @property
    def waiting(self) -> bool:
        """True while a prediction is asked (or its update awaited)."""
        return self.question is not None
