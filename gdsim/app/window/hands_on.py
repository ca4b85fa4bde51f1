"""The learner's hands on the run: Step back, Continue from here, a value typed into the
parameter table or the Step-by-phase diagram, and the table's lock toggles.

Each becomes one request to the session (rewind, set_parameters, freeze). The trainer answers a
cut or an edit by sending the run again from its own history (RunInfo.continued), so every view
shows exactly what the trainer holds; this module only asks, and says what it asked for.

Values are typed only while the views show the latest step: a value typed at a past step would
have to cut the run first, and nothing is cut that the learner did not ask for ("Continue from
here" does that, and then the value can be typed).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow

__all__ = ["HandsOn", "cut_words"]

PAST = "the views show a past step: choose Continue from here (or Back to live) to change a value"
NO_RUN = "there is no run yet to change"


def cut_words(step: int, latest: int) -> str:
    """What a cut at `step` of a run at `latest` did, for the status bar."""
    if step >= latest:
        return f"Went on from step {step:,}."
    dropped = f"step {latest:,}" if latest == step + 1 else f"steps {step + 1:,}–{latest:,}"
    return (
        f"Back at step {step:,}, its exact state ({dropped} dropped): Step or Run trains on "
        "from here."
    )


class HandsOn(QObject):
    """Turns the window's hands-on controls into session requests (see the module doc)."""

    def __init__(self, window: QMainWindow, say: Callable[[str], None]):
        """`window`: a gdsim.app.main_window.MainWindow (its controls, views and session)."""
        super().__init__(window)
        self._window = window
        self._say = say  # a one-line message in the status bar

    def connect(self) -> None:
        w = self._window
        w.controls.step_back_requested.connect(self.step_back)
        w.timeline.continue_requested.connect(self.continue_from_here)
        self.connect_editors()

    def connect_editors(self) -> None:
        w = self._window
        for editor in self._editors():
            editor.value_edit_requested.connect(self.set_value)
            editor.refused.connect(self._say)
        w.table.freeze_requested.connect(self.set_frozen)
        w.presenter.shown_changed.connect(self.update_editable)
        self.update_editable()

    # ------------------------------------------------------------------ requests
    def step_back(self) -> None:
        """Undo the run's last update (whatever step the timeline shows)."""
        w = self._window
        latest = w.presenter.newest
        if latest is None:
            self._say(f"Step back: {NO_RUN}.")
        elif latest.step == 0:
            self._say("Step back: the run is at step 0; there is no update to undo.")
        else:
            w.message_bar.hide()  # e.g. a divergence message: going back is the way out
            w.session.rewind(latest.step - 1)
            self._say(cut_words(latest.step - 1, latest.step))

    def continue_from_here(self) -> None:
        """Cut the run at the step the timeline shows and go on from its exact state."""
        w = self._window
        shown, latest = w.presenter.shown, w.presenter.newest
        if shown is None or latest is None:
            return  # (the button is enabled only while a past step shows)
        w.message_bar.hide()
        w.session.rewind(shown.step)
        self._say(cut_words(shown.step, latest.step))

    def set_value(self, name: str, value: float) -> None:
        w = self._window
        refusal = w.lesson_tools.edit_refusal() or (None if w.presenter.is_live() else PAST)
        if refusal is not None:
            self._say(f"{name}: {refusal}.")
            return
        w.session.set_parameters({name: value})
        self._say(f"Set {name} = {value:.10g}: the cost and gradients at the new value show now.")

    def set_frozen(self, name: str, frozen: bool) -> None:
        refusal = self._window.lesson_tools.edit_refusal()
        if refusal is not None:
            self._say(f"{name}: {refusal}.")
            return
        self._window.session.freeze((name,), frozen)
        self._say(
            f"Froze {name}: no update will move it; its gradient is still computed."
            if frozen
            else f"Unfroze {name}: updates move it again."
        )

    # ------------------------------------------------------------------ state
    def update_editable(self, *_args) -> None:
        """Values and locks can be changed only at the latest step of a run."""
        w = self._window
        if w.presenter.last is None:
            on, why = False, NO_RUN
        elif not w.presenter.is_live():
            on, why = False, PAST
        else:
            on, why = True, ""
        for editor in self._editors():
            editor.set_editable(on, why)

    def _editors(self) -> tuple:
        """The views where a value can be typed."""
        return (self._window.table, self._window.diagram_view)
