"""A lesson's hidden and locked controls, applied to the main window and undone exactly.

Each name of :data:`gdsim.lessonfile.CONTROLS` maps to the window's widgets (with their
captions) and to the menu actions that do the same thing, so a lesson that locks `step` takes
away the Step button, Training ▸ Step and F10 alike. Hidden: not visible, and its actions
disabled (and out of the menus). Locked: disabled, with the tooltip "Locked by the lesson".
Before anything is changed every touched widget's and action's state is remembered, and
:meth:`ControlLocks.restore` puts exactly that back.

`mode`, `function` and `parameters` have no widget in the main window (its form does not edit
function mode): locking them means no form change may replace the lesson's config, which the
panel checks (:func:`gdsim.app.lesson_panel.logic.structure_lock`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from gdsim.lessonfile import CONTROLS, Controls

__all__ = ["LOCKED_TIP", "ControlLocks", "Targets", "control_targets"]

LOCKED_TIP = "Locked by the lesson"


@dataclass
class Targets:
    """What one control name stands for in the window."""

    widgets: list[QWidget] = field(default_factory=list)
    actions: list[QAction] = field(default_factory=list)


def _captions(widget: QWidget) -> list[QLabel]:
    """The labels whose buddy is `widget` (a form row's caption, "Speed", ...)."""
    parent = widget.parentWidget()
    if parent is None:
        return []
    return [label for label in parent.findChildren(QLabel) if label.buddy() is widget]


def _with_captions(*widgets: QWidget) -> list[QWidget]:
    out: list[QWidget] = []
    for widget in widgets:
        out += [widget, *_captions(widget)]
    return out


def control_targets(w: QMainWindow) -> dict[str, Targets]:
    """Every control name's widgets and actions in main window `w`."""
    c, form = w.controls, w.form
    training, optimizer = form.training_form, form.optimizer_form
    other_settings = [widget for key, widget in optimizer.fields.items() if key != "learning_rate"]
    menu = w.recent_menu.menuAction() if w.recent_menu is not None else None
    targets = {
        "step": Targets([c.step_button], [w.step_action]),
        "step_back": Targets([c.step_back_button], [w.step_back_action]),
        "step_n": Targets([c.step_n_button, c.step_n_spin], [w.step_n_action]),
        "run": Targets([c.run_button], [w.run_action]),
        "reset": Targets([c.reset_button], [w.reset_action]),
        "rerandomize": Targets([c.rerandomize_button], [w.rerandomize_action]),
        "export": Targets([c.export_button], [w.export_action, w.export_images_action]),
        "open": Targets([], [w.open_action, *([menu] if menu else [])]),
        "save": Targets([], [w.save_action, w.save_as_action]),
        "speed": Targets(_with_captions(c.speed_combo)),
        "stop_rules": Targets(_with_captions(c.max_steps_spin, c.target_cost_edit)),
        "timeline": Targets([w.timeline]),
        "mode": Targets(),
        "function": Targets(),
        "parameters": Targets(),
        "network": Targets([form.network_form]),
        "loss": Targets(_with_captions(training.loss_combo)),
        "init": Targets(
            _with_captions(training.init_combo, training.scale_spin, training.seed_spin)
        ),
        "optimizer": Targets(_with_captions(optimizer.optimizer_combo, *other_settings)),
        "learning_rate": Targets(_with_captions(optimizer.learning_rate_spin)),
        "batch_size": Targets(_with_captions(training.batch_spin)),
        "regularization": Targets(_with_captions(training.reg_combo, training.reg_rate_spin)),
        "data": Targets([form.data_form, w.diagram_view.input_toggles]),  # (both choose inputs)
    }
    assert set(targets) == set(CONTROLS), "every lesson control needs its widgets"
    return targets


@dataclass
class _Saved:
    hidden: bool
    enabled: bool
    tooltip: str
    status_tip: str = ""


class ControlLocks:
    """Applies one lesson's :class:`Controls` to a window and undoes them (see the module)."""

    def __init__(self, window: QMainWindow):
        self._window = window
        # (what, its state before, hidden rather than only locked)
        self._widgets: list[tuple[QWidget, _Saved, bool]] = []
        self._actions: list[tuple[QAction, _Saved, bool]] = []
        self.controls = Controls()

    @property
    def active(self) -> bool:
        return bool(self._widgets or self._actions)

    def apply(self, controls: Controls) -> None:
        """Hide and lock what `controls` says (undoing any lesson's controls first)."""
        self.restore()
        self.controls = controls
        targets = control_targets(self._window)
        for name in CONTROLS:
            if not controls.is_locked(name):  # (a hidden control is locked too)
                continue
            hide = controls.is_hidden(name)
            for widget in targets[name].widgets:
                self._remember_widget(widget, hide)
            for action in targets[name].actions:
                self._remember_action(action, hide)
        self.enforce()

    def enforce(self) -> None:
        """Hide and lock again (a new run's config shows the form's sections again)."""
        for widget, _saved, hide in self._widgets:
            if not shiboken6.isValid(widget):
                continue
            if hide:
                widget.setVisible(False)
            else:
                widget.setEnabled(False)
                widget.setToolTip(LOCKED_TIP)
        for action, _saved, hide in self._actions:
            if not shiboken6.isValid(action):
                continue
            action.setEnabled(False)
            if hide:
                action.setVisible(False)
            else:
                action.setToolTip(LOCKED_TIP)
                action.setStatusTip(LOCKED_TIP)

    def _remember_widget(self, widget: QWidget, hide: bool) -> None:
        if not any(w is widget for w, _, _ in self._widgets):
            enabled = not widget.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)  # (its own)
            saved = _Saved(widget.isHidden(), enabled, widget.toolTip())
            self._widgets.append((widget, saved, hide))

    def _remember_action(self, action: QAction, hide: bool) -> None:
        if not any(a is action for a, _, _ in self._actions):
            saved = _Saved(
                not action.isVisible(), action.isEnabled(), action.toolTip(), action.statusTip()
            )
            self._actions.append((action, saved, hide))

    def restore(self) -> None:
        """Every touched widget and action exactly as it was before :meth:`apply`."""
        for widget, saved, _hide in reversed(self._widgets):
            if shiboken6.isValid(widget):
                widget.setEnabled(saved.enabled)
                widget.setToolTip(saved.tooltip)
                widget.setVisible(not saved.hidden)
        for action, saved, _hide in reversed(self._actions):
            if shiboken6.isValid(action):
                action.setVisible(not saved.hidden)
                action.setEnabled(saved.enabled)
                action.setToolTip(saved.tooltip)
                action.setStatusTip(saved.status_tip)
        self._widgets.clear()
        self._actions.clear()
        self.controls = Controls()

    def is_locked(self, name: str) -> bool:
        return self.controls.is_locked(name)
