"""A lesson as plain JSON data, for "Save as lesson": :func:`lesson_to_dict` writes only what
the format knows (defaults left out), so ``lesson_from_dict(lesson_to_dict(x)) == x``."""

from __future__ import annotations

from typing import Any

from gdsim.config import ConfigError, config_to_dict, load_config
from gdsim.lessonfile.model import (
    ChoiceQuestion,
    Lesson,
    NumberQuestion,
    PredictQuestion,
    Question,
    Step,
)
from gdsim.lessonfile.names import FORMAT_VERSION, VERSION_KEY
from gdsim.lessonfile.shipped import preset_path


def question_to_dict(question: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": question.kind}
    if isinstance(question, ChoiceQuestion):
        out.update(text=question.text, options=list(question.options), answer=question.answer)
    elif isinstance(question, NumberQuestion):
        out.update(text=question.text, answer=question.answer)
        if question.tolerance:
            out["tolerance"] = question.tolerance
        if question.relative:
            out["relative"] = True
    elif isinstance(question, PredictQuestion):
        if question.text:
            out["text"] = question.text
        out["what"] = question.what
        if question.parameter is not None:
            out["parameter"] = question.parameter
        if question.tolerance is not None:
            out["tolerance"] = question.tolerance
    else:
        raise TypeError(f"not a lesson question: {type(question).__name__}")
    return out


def step_to_dict(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"instruction": step.instruction}
    if step.question is not None:
        out["question"] = question_to_dict(step.question)
    if step.until is not None:
        out["until"] = str(step.until)
    if step.explanation:
        out["explanation"] = step.explanation
    return out


def _is_preset(lesson: Lesson) -> bool:
    """Whether the lesson's config is still its preset's (a config changed since is saved
    inline, so no change is lost by writing the name)."""
    path = preset_path(lesson.preset or "")
    try:
        return path is not None and load_config(path) == lesson.config
    except ConfigError:
        return False


def lesson_to_dict(lesson: Lesson) -> dict[str, Any]:
    """The lesson's JSON form: the version key first, then a preset by name (when the config is
    still that preset's) or the config inline in its canonical form
    (:func:`gdsim.config.config_to_dict`)."""
    out: dict[str, Any] = {VERSION_KEY: FORMAT_VERSION, "title": lesson.title}
    if lesson.intro:
        out["intro"] = lesson.intro
    if lesson.preset is not None and _is_preset(lesson):
        out["preset"] = lesson.preset
    else:
        out["config"] = config_to_dict(lesson.config)
    controls = {
        name: list(getattr(lesson.controls, name))
        for name in ("hidden", "locked")
        if getattr(lesson.controls, name)
    }
    if controls:
        out["controls"] = controls
    out["steps"] = [step_to_dict(step) for step in lesson.steps]
    return out
