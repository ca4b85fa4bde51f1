"""Checking lessons: a parsed JSON object becomes a :class:`~gdsim.lessonfile.model.Lesson`.

Strict like the config (and built on its readers): unknown keys, wrong types, non-finite
numbers and out-of-range values are errors naming the key path, with did-you-mean hints. The
``config`` section is checked by gdsim's own config validation and its errors are re-keyed
under ``config.``; parameter names in questions are checked against that config.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from gdsim.config import Config, ConfigError, config_from_dict, load_config
from gdsim.config.errors import show_value, unknown_value
from gdsim.config.network_parameters import is_parameter_name, network_parameter_names
from gdsim.config.readers import (
    MISSING,
    read_array,
    read_bool,
    read_choice,
    read_float,
    read_int,
    read_key,
    read_object,
)
from gdsim.errors import closest, did_you_mean
from gdsim.lessonfile.condition import Condition, parse_condition
from gdsim.lessonfile.errors import LessonError, index_key, lesson_error
from gdsim.lessonfile.model import (
    ChoiceQuestion,
    Controls,
    Lesson,
    NumberQuestion,
    PredictQuestion,
    Question,
    Step,
)
from gdsim.lessonfile.names import (
    CHOICE_KEYS,
    CONTROLS,
    CONTROLS_KEYS,
    FORMAT_VERSION,
    FUNCTION_MODE_QUANTITIES,
    MAX_DEPTH,
    MAX_NAME,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_STEPS,
    MAX_TEXT,
    MAX_TITLE,
    MIN_OPTIONS,
    NUMBER_KEYS,
    PREDICT_KEYS,
    PREDICTIONS,
    QUESTION_KINDS,
    STEP_KEYS,
    TOP_KEYS,
    VERSION_KEY,
)
from gdsim.lessonfile.shipped import preset_names, preset_path

# Control characters (but tab and newline), line/paragraph separators, bidi overrides and lone
# surrogates: nothing a lesson text needs, and each can hide or reorder what a learner reads.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_TRAINING_CONTROLS = ("step", "step_n", "run")
_KEYS = {"choice": CHOICE_KEYS, "number": NUMBER_KEYS, "predict": PREDICT_KEYS}


def lesson_from_dict(data: Any, base_dir: str | os.PathLike[str] | None = None) -> Lesson:
    """Validate a parsed JSON lesson and build a :class:`Lesson`; raise :class:`LessonError`.

    ``base_dir`` is where an inline config's relative CSV path is looked for (the lesson
    file's folder).
    """
    try:
        return _lesson(data, base_dir)
    except ConfigError as err:  # from the shared readers: the key is already the lesson's
        raise LessonError(err.message, err.key) from None


def check_depth(data: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children = list(value.values())
        elif isinstance(value, (list, tuple)):
            children = list(value)
        else:
            continue
        if depth > limit:
            raise LessonError(f"nested too deeply (more than {limit} levels of objects and arrays)")
        stack.extend((child, depth + 1) for child in children)


def _lesson(data: Any, base_dir: Any) -> Lesson:
    if not isinstance(data, Mapping):
        raise LessonError(f"a lesson must be a JSON object, got {show_value(data)}")
    check_depth(data)
    if VERSION_KEY not in data:
        if "gdsim" in data:
            raise LessonError(
                f'this is a config, not a lesson (a lesson starts with "{VERSION_KEY}": '
                f'{FORMAT_VERSION} and holds its config under "config")',
            )
        raise lesson_error(VERSION_KEY, f"required key is missing (write {FORMAT_VERSION})")
    version = read_int(data, "", VERSION_KEY)
    if version != FORMAT_VERSION:
        newer = " (made for a newer gdsim?)" if version > FORMAT_VERSION else ""
        raise lesson_error(
            VERSION_KEY,
            f"unsupported lesson format {version}{newer}; this gdsim reads {FORMAT_VERSION}",
        )
    obj = read_object(data, "", TOP_KEYS)
    title = read_text(obj, "", "title", limit=MAX_TITLE, single_line=True)
    intro = read_text(obj, "", "intro", required=False)
    preset, config = _config(obj, base_dir)
    controls = _controls(obj.get("controls", MISSING))
    raw_steps = read_array(read_key(obj, "", "steps", MISSING), "steps")
    if not 1 <= len(raw_steps) <= MAX_STEPS:
        raise lesson_error("steps", f"must hold 1 to {MAX_STEPS} steps, got {len(raw_steps):,}")
    steps = tuple(_step(raw, index_key("steps", i), config) for i, raw in enumerate(raw_steps))
    _check_reachable(controls, steps)
    return Lesson(
        title=title,
        intro=intro,
        config=config,
        preset=preset,
        controls=controls,
        steps=steps,
    )


def read_text(
    obj: Mapping[str, Any],
    path: str,
    key: str,
    *,
    required: bool = True,
    limit: int = MAX_TEXT,
    single_line: bool = False,
) -> str:
    """A text of at most ``limit`` characters, with no control character but newline and tab
    (none at all when ``single_line``); an optional one defaults to ""."""
    full = f"{path}.{key}" if path else key
    value = read_key(obj, path, key, MISSING if required else "")
    return check_text(value, full, required=required, limit=limit, single_line=single_line)


def check_text(
    value: Any, key: str, *, required: bool = True, limit: int = MAX_TEXT, single_line=False
) -> str:
    if not isinstance(value, str):
        raise lesson_error(key, f"must be a string, got {show_value(value)}")
    if required and not value.strip():
        raise lesson_error(key, "must not be empty")
    if len(value) > limit:
        raise lesson_error(key, f"is {len(value):,} characters long; the limit is {limit:,}")
    bad = _FORBIDDEN.search(value) or (re.search(r"[\n\t]", value) if single_line else None)
    if bad:
        char, at = bad.group(), bad.start() + 1
        if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
            raise lesson_error(
                key,
                f"holds a bidi control (U+{ord(char):04X}) at character {at}: it can reorder "
                "what a learner reads, so it is not allowed",
            )
        allowed = "no line breaks or tabs" if single_line else "only newlines and tabs"
        raise lesson_error(
            key,
            f"holds a control character (U+{ord(char):04X}) at character {at}; {allowed} are "
            "allowed",
        )
    return value


def _config(obj: Mapping[str, Any], base_dir: Any) -> tuple[str | None, Config]:
    has_config, has_preset = "config" in obj, "preset" in obj
    if has_config and has_preset:
        raise lesson_error("preset", "give either config or preset, not both")
    if not (has_config or has_preset):
        raise lesson_error(
            "config",
            'required key is missing: a lesson needs a "config" (a gdsim config) or a "preset" '
            "(the name of a shipped preset or example)",
        )
    if has_preset:
        name = obj["preset"]
        if not isinstance(name, str) or not name.strip():
            raise lesson_error("preset", f"must be a preset name, got {show_value(name)}")
        path = preset_path(name) if len(name) <= MAX_NAME else None
        if path is None:
            names = preset_names()
            guess = closest(name, names) if len(name) <= MAX_NAME else None
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise lesson_error(
                "preset",
                f"no shipped preset or example is named {show_value(name)}{hint} "
                f"(choose from {', '.join(names)})",
            )
        try:
            return name, load_config(path)
        except ConfigError as err:  # a broken installation: say which file
            raise lesson_error("preset", f"cannot be read ({err})") from None
    value = obj["config"]
    if not isinstance(value, Mapping):
        raise lesson_error("config", f"must be an object (a gdsim config), got {show_value(value)}")
    try:
        return None, config_from_dict(value, base_dir)
    except ConfigError as err:
        if err.key:
            raise LessonError(f"config.{err.message}", f"config.{err.key}") from None
        raise LessonError(f"config: {err.message}", "config") from None


def _controls(value: Any) -> Controls:
    if value is MISSING:
        return Controls()
    obj = read_object(value, "controls", CONTROLS_KEYS)
    lists = {}
    for field in CONTROLS_KEYS:
        path = f"controls.{field}"
        names = read_array(obj.get(field, []), path)
        for i, name in enumerate(names):
            if not isinstance(name, str) or name not in CONTROLS:
                raise lesson_error(index_key(path, i), unknown_value(name, CONTROLS))
            if name in names[:i]:
                raise lesson_error(index_key(path, i), f"{show_value(name)} is listed twice")
        lists[field] = tuple(names)
    return Controls(**lists)


def _check_reachable(controls: Controls, steps: tuple[Step, ...]) -> None:
    """A lesson that takes away every way to train cannot wait for the run: refuse it rather
    than leave a learner stuck on a step that never ends."""
    if not all(controls.is_locked(name) for name in _TRAINING_CONTROLS):
        return
    for i, step in enumerate(steps):
        waits = "until" if step.until is not None else None
        if isinstance(step.question, PredictQuestion):
            waits = "question (a prediction is checked after an update)"
        if waits:
            raise lesson_error(
                "controls",
                f"hides or locks {', '.join(_TRAINING_CONTROLS)}, so the learner cannot train, "
                f"but steps[{i}].{waits} needs the run to move on",
            )


def _step(value: Any, path: str, config: Config) -> Step:
    obj = read_object(value, path, STEP_KEYS)
    instruction = read_text(obj, path, "instruction")
    explanation = read_text(obj, path, "explanation", required=False)
    question = None
    if "question" in obj:
        question = _question(obj["question"], f"{path}.question", config)
    until = None
    if "until" in obj:
        until = _until(obj["until"], f"{path}.until", config)
    return Step(instruction, question, until, explanation)


def _until(value: Any, key: str, config: Config) -> Condition:
    condition = parse_condition(value, key)
    if config.mode == "function":
        for quantity in condition.quantities:
            if quantity not in FUNCTION_MODE_QUANTITIES:
                raise lesson_error(
                    key,
                    f"a function-mode run records no {quantity}; use "
                    f"{' or '.join(FUNCTION_MODE_QUANTITIES)}",
                )
    return condition


def _question(value: Any, path: str, config: Config) -> Question:
    if not isinstance(value, Mapping):
        raise lesson_error(path, f"must be an object, got {show_value(value)}")
    kind = read_choice(value, path, "kind", QUESTION_KINDS)
    obj = read_object(value, path, _KEYS[kind])
    if kind == "choice":
        return _choice(obj, path)
    if kind == "number":
        return _number(obj, path)
    return _predict(obj, path, config)


def _choice(obj: Mapping[str, Any], path: str) -> ChoiceQuestion:
    text = read_text(obj, path, "text")
    key = f"{path}.options"
    options = read_array(read_key(obj, path, "options", MISSING), key)
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise lesson_error(
            key, f"must hold {MIN_OPTIONS} to {MAX_OPTIONS} options, got {len(options):,}"
        )
    for i, option in enumerate(options):
        check_text(option, index_key(key, i), limit=MAX_OPTION, single_line=True)
        if option.strip() in [o.strip() for o in options[:i]]:
            raise lesson_error(index_key(key, i), f"{show_value(option)} is given twice")
    answer_key = f"{path}.answer"
    answer = read_key(obj, path, "answer", MISSING)
    if isinstance(answer, str) and answer in options:
        raise lesson_error(
            answer_key, f"must be the index of the right option (here {options.index(answer)})"
        )
    answer = read_int(obj, path, "answer")
    if not 0 <= answer < len(options):
        raise lesson_error(
            answer_key,
            f"must be the index of the right option, 0 to {len(options) - 1} "
            f"(0 is the first), got {answer}",
        )
    return ChoiceQuestion(text, tuple(options), answer)


def _number(obj: Mapping[str, Any], path: str) -> NumberQuestion:
    text = read_text(obj, path, "text")
    answer = read_float(obj, path, "answer")
    tolerance = read_float(obj, path, "tolerance", 0.0, ge=0)
    relative = read_bool(obj, path, "relative", False)
    if relative and answer == 0:
        raise lesson_error(
            f"{path}.relative",
            "a relative tolerance of an answer of 0 allows nothing; use an absolute one",
        )
    return NumberQuestion(text, answer, tolerance, relative)


def _predict(obj: Mapping[str, Any], path: str, config: Config) -> PredictQuestion:
    what = read_choice(obj, path, "what", PREDICTIONS)
    text = read_text(obj, path, "text", required=False)
    parameter = None
    if what == "cost_falls":
        if "parameter" in obj:
            raise lesson_error(
                f"{path}.parameter", "cost_falls is about the cost: give no parameter"
            )
    else:
        key = f"{path}.parameter"
        parameter = read_key(obj, path, "parameter", MISSING)
        if not isinstance(parameter, str) or not parameter.strip():
            raise lesson_error(key, f"must be a parameter name, got {show_value(parameter)}")
        check_parameter(parameter, config, key)
    tolerance = None
    if what == "next_value":
        tolerance = read_float(obj, path, "tolerance", gt=0)
    elif "tolerance" in obj:
        raise lesson_error(f"{path}.tolerance", "only a next_value prediction takes a tolerance")
    return PredictQuestion(what, parameter, tolerance, text)


def check_parameter(name: str, config: Config, key: str) -> None:
    """Refuse a parameter name the config's run does not have, with a did-you-mean."""
    if config.mode == "function":
        names = config.parameter_names()
        if name in names:
            return
        raise lesson_error(
            key,
            f"the function has no parameter named {show_value(name)}"
            f"{did_you_mean(name, names)} (its parameters: {', '.join(names)})",
        )
    sizes = (config.network.inputs, *(layer.units for layer in config.network.layers))
    if len(name) <= MAX_NAME and is_parameter_name(name, sizes):
        return
    count = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    hint = ""
    if count <= 20_000 and len(name) <= MAX_NAME:
        hint = did_you_mean(name, network_parameter_names(sizes))
    raise lesson_error(
        key,
        f"this network has no parameter named {show_value(name)}{hint} (weights are named "
        f"w<layer>_<j>_<k>, biases b<layer>_<j>)",
    )
