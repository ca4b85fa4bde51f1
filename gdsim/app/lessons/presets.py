"""Lesson presets: ordinary config files under `resources/presets/`, listed in its index.json.

Each index entry names the file, the lesson that uses it ("one_parameter", "two_parameters", or
"main" for configs the main window opens), a short title for a button or menu and a one-line
summary of what the preset shows. The order of the index is the order the lessons show them in.
No Qt here, so scripts and tests can read the presets too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gdsim.app.lessons import registry
from gdsim.config import Config, ConfigError, load_config
from gdsim.resources import resource_path

INDEX = "index.json"
LESSONS = registry.preset_lessons()  # ("one_parameter", "two_parameters", "main")
# The parameters each function-mode lesson draws; its presets must use exactly these.
LESSON_PARAMETERS = {
    lesson.key: lesson.parameters for lesson in registry.LESSONS if lesson.parameters
}
_FIELDS = ("file", "lesson", "title", "summary")
_OPTIONAL = ("tab",)  # the main window's tab a "main" preset opens on (gdsim.app.window.tabs)


@dataclass(frozen=True)
class Preset:
    file: str  # a file name in resources/presets, e.g. "one-lr-good.json"
    lesson: str  # one of LESSONS
    title: str
    summary: str
    tab: str = "gradient_health"

    @property
    def path(self) -> Path:
        return resource_path("presets", self.file)

    @property
    def stem(self) -> str:
        return self.file.removesuffix(".json")


def index_path() -> Path:
    return resource_path("presets", INDEX)


def _index_error(text: str) -> ConfigError:
    return ConfigError(text, None, file=str(index_path()))


def all_presets() -> list[Preset]:
    """Every preset in the index, in its order. A malformed index raises ConfigError naming
    index.json (and the entry)."""
    path = index_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _index_error("file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _index_error(f"cannot read the preset index ({exc})") from None
    entries = data.get("presets") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise _index_error('expected an object with a "presets" list')
    presets: list[Preset] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"presets[{i}]"
        if not isinstance(entry, dict) or not set(_FIELDS) <= set(entry) <= {*_FIELDS, *_OPTIONAL}:
            raise _index_error(
                f"{where}: expected the keys {', '.join(_FIELDS)} (and optionally "
                f"{', '.join(_OPTIONAL)})"
            )
        if not all(isinstance(v, str) and v.strip() for v in entry.values()):
            raise _index_error(f"{where}: every value must be a non-empty string")
        preset = Preset(**entry)
        if preset.lesson not in LESSONS:
            raise _index_error(
                f"{where}.lesson: unknown lesson {preset.lesson!r} (one of {', '.join(LESSONS)})"
            )
        if Path(preset.file).name != preset.file or not preset.file.endswith(".json"):
            raise _index_error(f"{where}.file: expected a .json file name in presets/")
        if preset.file in seen:
            raise _index_error(f"{where}.file: {preset.file} is listed twice")
        seen.add(preset.file)
        presets.append(preset)
    return presets


def presets_for(lesson: str) -> list[Preset]:
    """The presets of one lesson, in index order."""
    if lesson not in LESSONS:
        raise ValueError(f"unknown lesson {lesson!r}; one of {', '.join(LESSONS)}")
    return [p for p in all_presets() if p.lesson == lesson]


def find_preset(file: str) -> Preset:
    """The index entry of a preset file ("one-lr-good.json"; the ".json" may be left out)."""
    name = file if file.endswith(".json") else file + ".json"
    for preset in all_presets():
        if preset.file == name:
            return preset
    raise ConfigError(f"{name}: not a preset listed in {INDEX}", None)


def load_preset(preset: Preset | str) -> Config:
    """Load and check a preset's config. Every error names the preset file.

    Presets of the one- and two-parameter lessons must be function-mode configs in that
    lesson's parameters (w; w1 and w2) with plain gradient descent (SGD without momentum),
    since those lessons draw each step as -learning rate x gradient.
    """
    if isinstance(preset, str):
        preset = find_preset(preset)
    config = load_config(preset.path)  # its errors name the file already
    wanted = LESSON_PARAMETERS.get(preset.lesson)
    if wanted is not None:
        problem = None
        opt = config.optimizer
        if config.mode != "function":
            problem = f'the {preset.lesson} lesson needs "mode": "function"'
        elif tuple(name for name, _ in config.parameters) != wanted:
            problem = f"the {preset.lesson} lesson needs the parameters {', '.join(wanted)}"
        elif opt.name != "sgd" or opt.momentum or opt.nesterov:
            problem = "the lesson draws plain gradient-descent steps: use sgd without momentum"
        if problem:
            raise ConfigError(problem, None, file=str(preset.path))
    return config


def start_point(config: Config) -> tuple[float, ...]:
    """The starting parameter values of a function-mode config, in order."""
    return tuple(float(value) for _, value in config.parameters)
