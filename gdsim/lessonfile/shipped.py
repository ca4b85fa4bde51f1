"""A lesson's ``preset``: the name (file stem) of a config shipped with gdsim, nothing else.

The name is looked up in the list of files actually under ``resources/presets/`` and
``resources/examples/`` (presets first), never joined to a path: ``../../etc/passwd`` or an
absolute path is simply a name that is not there, so a lesson cannot make gdsim read any other
file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from gdsim.resources import resource_path


@lru_cache(maxsize=1)
def shipped_configs() -> dict[str, Path]:
    """Every shipped config by name: ``{"one-lr-good": .../presets/one-lr-good.json, ...}``."""
    found: dict[str, Path] = {}
    for folder in ("presets", "examples"):
        for path in sorted(resource_path(folder).glob("*.json")):
            if path.stem != "index" and path.is_file():
                found.setdefault(path.stem, path)
    return found


def preset_names() -> tuple[str, ...]:
    return tuple(shipped_configs())


def preset_path(name: str) -> Path | None:
    """The shipped config of this name, or None."""
    return shipped_configs().get(name) if isinstance(name, str) else None
