"""Every lesson, in one list: what the start page, the Lessons menu and the presets read.

Each lesson is a card on the start page (in this order): a title, two short lines, where it
lives and one button, whose target the window opens (``lesson:<key>``, a window of its own;
``race``; ``tab:<key>``, a tab of the main window; see gdsim.app.lessons.start_page). A lesson
with its own window names its class (``window``, imported only when it opens) and has an entry
in the main window's Lessons menu (``menu``); one with ``parameters`` has presets in
resources/presets, function-mode configs in exactly those parameters. No Qt here, so scripts
and tests can read it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str  # the start page card's title
    text: str  # two short lines
    where: str
    button: tuple[str, str, str]  # (label, target, tooltip)
    window: str = ""  # "module:Class" of its own window
    menu: tuple[str, str] | None = None  # (title, status tip) in the main window's Lessons menu
    parameters: tuple[str, ...] = ()  # its presets' parameters (none: no presets of its own)

    @property
    def target(self) -> str:
        return self.button[1]

    def window_class(self) -> type:
        module, _, name = self.window.partition(":")
        return getattr(importlib.import_module(module), name)


LESSONS = (
    Lesson(
        "one_parameter",
        "One parameter: cost and slope",
        "The cost C(w) is a curve, and its slope dC/dw says which way is uphill. Each step "
        "moves w the other way: at w = 1 on (w − 3)², 1 − 0.1 × (−4) = 1.4.",
        "Own window · tangent, update arrow, learning-rate presets",
        ("Open lesson", "lesson:one_parameter", "Step down a cost curve one update at a time"),
        window="gdsim.app.lessons.one_parameter:OneParameterLesson",
        menu=(
            "&One parameter: cost curve, slope and update",
            "C(w), its tangent dC/dw and the step w <- w - lr * dC/dw, number by number",
        ),
        parameters=("w",),
    ),
    Lesson(
        "two_parameters",
        "Two parameters: the gradient vector",
        "Hold one weight still and the cost is a curve in the other; its slope is a partial "
        "derivative. Side by side, the two partials form the gradient, pointing uphill.",
        "Own window · contour map, partial-derivative slices, five surfaces",
        ("Open lesson", "lesson:two_parameters", "Gradient descent on a map of C(w1, w2)"),
        window="gdsim.app.lessons.two_parameters:TwoParameterLesson",
        menu=(
            "&Two parameters: surface, gradient vector, optimizer race",
            "C(w1, w2) as a map, the partial derivatives as slices, the gradient and the step",
        ),
        parameters=("w1", "w2"),
    ),
    Lesson(
        "race",
        "Optimizer race",
        "Plain steps, momentum, Nesterov, RMSProp and Adam set off from the same point on the "
        "same surface. See which one zig-zags, which overshoots and which crawls.",
        "Own window · the two-parameter lesson, race switched on",
        ("Start the race", "race", "Five optimizers, one start, stepping together"),
    ),
    Lesson(
        "loss_surface",
        "The real network's loss surface",
        "The network's own cost over two of its weights, the rest held still, with the "
        "path that training takes across it.",
        "Main window · Loss surface tab",
        ("Show tab", "tab:loss_surface", "Open the Loss surface tab of the main window"),
    ),
    Lesson(
        "step_by_phase",
        "Step by phase: the training loop",
        "One update split into its phases: the forward pass makes a prediction, the cost "
        "scores it, the backward pass finds every gradient, the update moves every weight.",
        "Main window · Step by phase tab",
        ("Show tab", "tab:step_by_phase", "Open the Step by phase tab of the main window"),
    ),
    Lesson(
        "chain_rule",
        "Chain rule: backpropagation",
        "A weight's gradient is a product of local slopes, from the cost back through each "
        "layer to that weight. Every factor is shown for one weight and one sample.",
        "Main window · Chain rule tab (or double-click a parameter)",
        ("Show tab", "tab:chain_rule", "Open the Chain rule tab of the main window"),
    ),
    Lesson(
        "gradient_health",
        "Gradient health: what gradient size means",
        "A layer's gradient size says how much it is learning: exactly zero means dead units, "
        "tiny early layers mean vanishing, fast growth means exploding.",
        "Main window · Gradient health tab; each preset shows one problem",
        ("Show tab", "tab:gradient_health", "Open the Gradient health tab of the main window"),
    ),
    Lesson(
        "prediction",
        "Prediction",
        "What the network outputs right now: the decision boundary over the data, or the "
        "fitted curve, redrawn as the cost falls.",
        "Main window · Prediction tab",
        ("Show tab", "tab:prediction", "Open the Prediction tab of the main window"),
    ),
)
MAIN = "main"  # the preset index's name for configs the main window opens


def lesson(key: str) -> Lesson:
    for entry in LESSONS:
        if entry.key == key:
            return entry
    raise KeyError(f"no lesson {key!r}")


def menu_lessons() -> tuple[Lesson, ...]:
    """The lessons with a window of their own, each with an entry in the Lessons menu."""
    return tuple(entry for entry in LESSONS if entry.menu)


def preset_lessons() -> tuple[str, ...]:
    """The names a preset may give as its lesson: each lesson with presets, then "main"."""
    return (*(entry.key for entry in LESSONS if entry.parameters), MAIN)
