"""The network builder: data, network, training and optimizer sections in one column.

Every user change builds a candidate from the last valid config plus what the widgets show
(``dataclasses.replace``) and validates it (``validate_config``, the same checks as a config
file). A valid candidate becomes the config and is announced: ``live_changed`` when only
optimizer settings changed (the trainer takes them without a reset, including a switch to
another optimizer), ``structure_changed`` for anything else. An invalid one is refused: the
previous config stays, the field the error names gets a red border and the message as tooltip,
the message is shown at the top of the form and emitted with ``invalid``.

Typing in a number box is taken as a whole (on Enter, when the field loses focus, or when an
arrow steps from it), never keystroke by keystroke: text that is not a number in the field's
range is refused with a message naming the range, shown at the top of the form until the next
valid edit, and the value in force is put back. Arrow steps are applied after ``debounce_ms``
(300 ms) of quiet; choices (combo boxes, check boxes, buttons) apply at once. ``flush()``
applies pending changes now.

Function mode is not edited here (the lessons do that): ``set_config`` ignores a function-mode
config and the form keeps showing, and ``config()`` keeps returning, the last network config.
Data-dependent checks (does the CSV load, do inputs match the data?) are left to the trainer,
except that the form keeps ``network.inputs`` and the output units in step with the data.
"""

from __future__ import annotations

import dataclasses

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from gdsim.app.forms.data_form import DataForm
from gdsim.app.forms.network_form import NetworkForm
from gdsim.app.forms.optimizer_form import OptimizerForm
from gdsim.app.forms.shape import DataShape, fitting_loss, fitting_loss_note, loss_advice
from gdsim.app.forms.training_form import TrainingForm
from gdsim.app.forms.widgets import Section, clear_invalid, mark_invalid
from gdsim.config import Config, ConfigError, validate_config

DEFAULT_DEBOUNCE_MS = 300

# What a structural change is called in "... starts a new run." (config field -> words)
_CHANGE_NAMES = (
    ("data", "the data"),
    ("network", "the network"),
    ("loss", "the loss"),
    ("init", "the initialisation"),
    ("batch_size", "the batch size"),
    ("regularization", "the regularisation"),
)


def describe_change(old: Config, new: Config) -> str:
    """``"Changing the data starts a new run."``: names what differs between two configs."""
    names = [words for key, words in _CHANGE_NAMES if getattr(old, key) != getattr(new, key)]
    if not names:
        names = ["the settings"]
    what = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Changing {what} starts a new run."


class ConfigForm(QWidget):
    """Edit a network-mode :class:`Config`; see the module docstring for the signals."""

    structure_changed = Signal(object)  # a new valid Config that needs a new run
    live_changed = Signal(object)  # a new valid Config; only optimizer settings changed
    invalid = Signal(str)  # one line: the field's label and the problem

    def __init__(self, config: Config | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("configForm")
        #: milliseconds of quiet after typing before it is applied (0 = apply at once)
        self.debounce_ms = DEFAULT_DEBOUNCE_MS
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._apply)
        self._config = validate_config(Config())
        self._error = ""
        self._marked: list[QWidget] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(8)
        self.error_label = QLabel()
        self.error_label.setObjectName("formErrorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            # palette text on a translucent red: reads in the light and the dark theme
            "color: palette(window-text); background: rgba(229, 57, 53, 40); "
            "border: 1px solid rgba(229, 57, 53, 170); border-radius: 3px; padding: 4px;"
        )
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.data_form = DataForm()
        self.network_form = NetworkForm()
        self.training_form = TrainingForm()
        self.optimizer_form = OptimizerForm()
        self._sections: tuple[Section, ...] = (
            self.data_form,
            self.network_form,
            self.training_form,
            self.optimizer_form,
        )
        for section in self._sections:
            layout.addWidget(section)
            section.edited.connect(self._edited)
            section.commit.connect(self.flush)
            section.refused.connect(self._show_invalid)  # stays until a valid edit
        layout.addStretch(1)
        self._align_labels()
        self.data_form.shape_changed.connect(self._shape_changed)
        self.training_form.loss_changed.connect(self._loss_changed)
        self.set_config(config if config is not None else Config())

    # ------------------------------------------------------------------ public API

    def config(self) -> Config:
        """The last valid config (pending typing not included; see :meth:`flush`)."""
        return self._config

    def set_config(self, cfg: Config) -> None:
        """Show ``cfg`` in every field, without emitting any signal.

        A function-mode config shows only the optimizer section (its formula has no data,
        network or loss; the optimizer and learning rate apply as for a network). Raises
        ConfigError if ``cfg`` does not validate. Pending typing is dropped and error marks
        are cleared.
        """
        cfg = validate_config(cfg)
        if cfg == self._config and not self._timer.isActive():
            return  # already shown (a run started from this form): keep its hints and marks
        self._timer.stop()
        function_mode = cfg.mode == "function"
        for section in (self.data_form, self.network_form, self.training_form):
            section.setVisible(not function_mode)
        if function_mode:
            self.optimizer_form.set_config(cfg)
            self._config = cfg
            self._clear_invalid()
            return
        self.data_form.set_config(cfg)
        self.training_form.set_config(cfg)
        self.optimizer_form.set_config(cfg)
        self.network_form.set_network(cfg.network, cfg.loss, self.data_form.shape())
        self._config = cfg
        self._clear_invalid()
        self._update_advice()

    def flush(self) -> None:
        """Take what is typed in the number boxes (refusing what is not valid, with the
        message) and apply changes waiting for the debounce timer, now: Step or Run from a key
        (which moves no focus) then trains with what the form shows."""
        for section in self._sections:
            for widget in section.field_widgets():
                if isinstance(widget, QAbstractSpinBox) and shiboken6.isValid(widget):
                    widget.interpretText()
        if self._timer.isActive():
            self._apply()

    @property
    def pending(self) -> bool:
        """True while typed changes wait for the debounce timer."""
        return self._timer.isActive()

    @property
    def error(self) -> str:
        """The current invalid-entry message, "" when the fields are valid."""
        return self._error

    def candidate(self) -> Config:
        """The last valid config with everything the widgets show (not validated)."""
        cfg = self._config
        sections = self._sections if cfg.mode == "network" else (self.optimizer_form,)
        for section in sections:
            cfg = section.apply_to(cfg)
        return cfg

    def submit(self, candidate: Config) -> bool:
        """Validate ``candidate`` and take it (emitting a change) or refuse it (``invalid``).

        This is what every user edit ends in; it is public so tools and tests can push a value
        the widgets would not allow. Returns whether it was valid.
        """
        self._timer.stop()
        problem = self.data_form.problem()
        if (
            problem
            and candidate.mode == "network"
            and candidate.data.source == "csv"
            and not candidate.data.path
        ):
            self._show_invalid(problem, self.data_form.choose_button)
            return False
        try:
            new = validate_config(candidate)
        except ConfigError as err:
            widget, message = self._locate(err)
            self._show_invalid(message, widget)
            return False
        self._clear_invalid()
        old = self._config
        if new == old:
            return True
        self._config = new
        self._update_advice()
        if dataclasses.replace(new, optimizer=old.optimizer) == old:
            self.live_changed.emit(new)
        else:
            self.structure_changed.emit(new)
        return True

    def _align_labels(self) -> None:
        """One label column width for all sections, so their fields line up."""
        labels = []
        for section in self._sections:
            for form in section.findChildren(QFormLayout):
                for row in range(form.rowCount()):
                    item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                    if item is not None and isinstance(item.widget(), QLabel):
                        labels.append(item.widget())
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)
        self.network_form.set_caption_width(width)

    # ------------------------------------------------------------------ edits

    def _edited(self, immediate: bool) -> None:
        if immediate or self.debounce_ms <= 0:
            self._apply()
        else:
            self._timer.start(self.debounce_ms)

    def _apply(self) -> None:
        self.submit(self.candidate())

    def _shape_changed(self, shape: DataShape) -> None:
        if shape.n_inputs == 0:  # CSV chosen as source, but no file yet
            return
        loss = self.training_form.loss()
        note = ""
        fit = fitting_loss(loss, shape)
        if fit is not None:
            # A loss that cannot train on this data would be refused: choose what fits and say
            # so, rather than refusing the data set the learner just picked.
            self.training_form.set_loss(fit)
            if fit == "mse" and self.network_form.output_row.activation.currentData() in (
                "sigmoid",
                "softmax",
            ):
                self.network_form.set_output_activation("linear")  # sigmoid stops at 0 and 1
            loss = fit
            note = fitting_loss_note(fit, shape)
        hint = self.network_form.adapt(loss, shape, follow_data=True)
        if note:
            self.network_form.show_hint(f"{note} {hint}".strip())

    def _loss_changed(self, loss: str) -> None:
        self.network_form.adapt(loss, self.data_form.shape(), follow_data=False)
        self._apply()

    def _update_advice(self) -> None:
        self.training_form.set_advice(loss_advice(self._config.loss, self.data_form.shape()))

    # ------------------------------------------------------------------ error display

    def _locate(self, err: ConfigError) -> tuple[QWidget | None, str]:
        """The widget an error is about, and the message with the field's label in front."""
        key = err.key or ""
        text = err.message
        if key and text.startswith(key + ": "):
            text = text[len(key) + 2 :]
        for section in self._sections:
            found = section.field_for_key(key) if key else None
            if found is not None:
                widget, label = found
                return widget, f"{label}: {text}"
        return None, err.message

    def _show_invalid(self, message: str, widget: QWidget | None) -> None:
        self._unmark()
        if widget is not None:
            mark_invalid(widget, message)
            self._marked.append(widget)
        self._error = message
        self.error_label.setText(message)
        self.error_label.show()
        self.invalid.emit(message)

    def _unmark(self) -> None:
        for widget in self._marked:
            if shiboken6.isValid(widget):  # a removed layer row may be gone already
                clear_invalid(widget)
        self._marked.clear()

    def _clear_invalid(self) -> None:
        self._unmark()
        self._error = ""
        self.error_label.clear()
        self.error_label.hide()
