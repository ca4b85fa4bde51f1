"""Find files shipped under `resources/`, from a checkout, an installed wheel or a frozen bundle.

A checkout keeps them at the repository's top level; the wheel maps that folder into the package
as `gdsim/_resources` (see pyproject.toml); PyInstaller bundles put them beside the executable.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    candidates = [_PACKAGE / "_resources", _PACKAGE.parent / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "resources")
    for candidate in candidates:
        if (candidate / "examples").is_dir():
            return candidate
    raise FileNotFoundError(
        "gdsim's resources folder was not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + ")"
    )


def resource_path(*parts: str) -> Path:
    """Path of a shipped file, e.g. resource_path('examples', 'xor.json')."""
    return resources_dir().joinpath(*parts)


def example_configs() -> list[Path]:
    return sorted(resource_path("examples").glob("*.json"))
