"""The versions and licences the About box shows: gdsim's own, Python's, Qt's and every runtime
dependency's.

Nothing here may raise: a dependency that is missing, or installed without metadata (e.g. in a
frozen bundle), is shown as NOT_INSTALLED or by its module's ``__version__``; a licence field
that is too vague ("BSD") gives way to the licence known for that package.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata as metadata
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import qVersion

import gdsim

NOT_INSTALLED = "not installed"


@dataclass(frozen=True)
class Component:
    name: str  # as shown: "NumPy"
    version: str  # or NOT_INSTALLED
    licence: str  # an SPDX expression where known: "BSD-3-Clause"
    purpose: str  # what gdsim uses it for, in plain words
    url: str = ""


# Qt for Python and the Qt libraries in its wheels: the LGPL-3.0 or the GPL, the user's choice.
_QT_LICENCE = "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"

# (shown name, distribution names to try, module to import as a last resort, known licence,
#  purpose, home page)
_DEPENDENCIES: tuple[tuple[str, tuple[str, ...], str, str, str, str], ...] = (
    (
        "PySide6",
        ("PySide6", "PySide6-Essentials"),
        "PySide6",
        _QT_LICENCE,
        "Qt for Python: how gdsim talks to Qt",
        "https://www.qt.io/qt-for-python",
    ),
    (
        "shiboken6",
        ("shiboken6",),
        "shiboken6",
        _QT_LICENCE,
        "PySide6's runtime support library",
        "https://www.qt.io/qt-for-python",
    ),
    (
        "pyqtgraph",
        ("pyqtgraph",),
        "pyqtgraph",
        "MIT",
        "the live plots",
        "https://www.pyqtgraph.org",
    ),
    (
        "NumPy",
        ("numpy",),
        "numpy",
        "BSD-3-Clause",
        "all the arithmetic of training",
        "https://numpy.org",
    ),
    (
        "SymPy",
        ("sympy",),
        "sympy",
        "BSD-3-Clause",
        "the derivative formulas in function mode",
        "https://www.sympy.org",
    ),
    (
        "mpmath",
        ("mpmath",),
        "mpmath",
        "BSD-3-Clause",
        "SymPy's number library",
        "https://mpmath.org",
    ),
)


@dataclass(frozen=True)
class DataCredit:
    """A real data set gdsim ships (resources/data/README.md says the same)."""

    name: str  # the built-in name: "digits"
    title: str
    creators: str
    year: str
    licence: str
    url: str


DATA_CREDITS: tuple[DataCredit, ...] = (
    DataCredit(
        "digits",
        "Optical Recognition of Handwritten Digits (UCI Machine Learning Repository)",
        "E. Alpaydin, C. Kaynak",
        "1998",
        "CC-BY-4.0",
        "https://doi.org/10.24432/C50P49",
    ),
    DataCredit(
        "iris",
        "Iris (UCI Machine Learning Repository)",
        "R. A. Fisher",
        "1936",
        "CC-BY-4.0",
        "https://doi.org/10.24432/C56C76",
    ),
)

# Licence fields too vague to show when a more precise licence is known.
_VAGUE = {"bsd", "bsd license", "mit license", "lgpl", "gpl", "apache", "apache license"}


def licence_from_metadata(meta) -> str:
    """The licence a distribution declares: License-Expression, else a one-line License field,
    else its "License ::" classifiers; "" when it declares none."""
    if meta is None:
        return ""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 100 and text.upper() != "UNKNOWN":
        return text
    classifiers = [
        c.split(" :: ")[-1] for c in (meta.get_all("Classifier") or []) if c.startswith("License ")
    ]
    return ", ".join(classifiers)


def _distribution(names: Sequence[str]):
    for name in names:
        try:
            return metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        except Exception:  # a broken installation must not break the About box
            continue
    return None


def _module_version(module: str) -> str | None:
    """``module.__version__`` when the package metadata is missing (e.g. in a frozen bundle)."""
    try:
        version = getattr(importlib.import_module(module), "__version__", None)
    except Exception:
        return None
    return str(version) if version else None


def component(
    name: str,
    distributions: Sequence[str],
    module: str,
    known_licence: str,
    purpose: str,
    url: str = "",
) -> Component:
    """Version and licence of one dependency; never raises (a missing one is NOT_INSTALLED)."""
    dist = _distribution(distributions)
    version: str | None = None
    declared = ""
    if dist is not None:
        version = dist.version
        try:
            declared = licence_from_metadata(dist.metadata)
        except Exception:
            declared = ""
    if not version:
        version = _module_version(module)
    if not declared or (known_licence and declared.lower() in _VAGUE):
        declared = known_licence or declared
    return Component(name, version or NOT_INSTALLED, declared or "unknown", purpose, url)


def components() -> list[Component]:
    """Python, Qt and every runtime dependency, in the order the About box lists them."""
    python = f"{platform.python_version()} ({platform.python_implementation()})"
    out = [
        Component(
            "Python",
            python,
            "PSF-2.0",
            "the language gdsim is written in",
            "https://www.python.org",
        ),
        Component(
            "Qt", qVersion(), _QT_LICENCE, "windows, widgets and drawing", "https://www.qt.io"
        ),
    ]
    out += [component(*spec) for spec in _DEPENDENCIES]
    return out


def gdsim_licence() -> tuple[str, str]:
    """gdsim's licence name and its full text (the LICENSE file; a short statement if the file
    was not shipped)."""
    name = "MIT"
    with contextlib.suppress(Exception):
        name = licence_from_metadata(metadata.metadata("gdsim")) or name
    candidates = [Path(gdsim.__file__).resolve().parent.parent / "LICENSE"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "LICENSE")
    for candidate in candidates:
        try:
            text = candidate.read_text(encoding="utf-8")
        except OSError:
            continue
        if "gdsim" in text:  # not some other package's LICENSE beside ours in site-packages
            return name, text
    try:
        dist = metadata.distribution("gdsim")
        for path in ("licenses/LICENSE", "LICENSE", "license_files/LICENSE"):
            text = dist.read_text(path)
            if text:
                return name, text
    except Exception:
        pass
    return name, (
        f"gdsim is released under the {name} licence. Copyright (c) The gdsim developers.\n\n"
        "The full licence text ships as the LICENSE file with gdsim's source code."
    )
