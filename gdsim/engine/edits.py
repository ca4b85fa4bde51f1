"""Parameters named by the user: by name (set by hand) or by name or pattern (frozen)."""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from gdsim.errors import closest


def _unknown(name: Any, names: Sequence[str], what: str) -> ValueError:
    guess = closest(name, names) if isinstance(name, str) else None
    hint = f"; did you mean '{guess}'?" if guess else ""
    return ValueError(f"{what}: no parameter named {name!r}{hint}")


class NameLookup:
    """Parameter name -> position, built on first use (a big network has 2,000,000 names)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = names
        self._index: dict[str, int] | None = None

    def index(self, name: Any, what: str) -> int:
        if self._index is None:
            self._index = {n: i for i, n in enumerate(self.names)}
        i = self._index.get(name) if isinstance(name, str) else None
        if i is None:
            raise _unknown(name, self.names, what)
        return i

    def values(self, values: Mapping[str, Any], what: str) -> tuple[np.ndarray, np.ndarray]:
        """Positions and float64 values of {name: value}; ValueError for an unknown name or a
        value that is not a finite number."""
        if not isinstance(values, Mapping):
            raise ValueError(f"{what}: expected {{name: value}}, got {type(values).__name__}")
        idx = np.empty(len(values), dtype=np.intp)
        vals = np.empty(len(values), dtype=np.float64)
        for j, (name, value) in enumerate(values.items()):
            idx[j] = self.index(name, what)
            if (
                isinstance(value, (bool, np.bool_))
                or not isinstance(value, (int, float, np.number))
                or not math.isfinite(value)
            ):
                raise ValueError(f"{what}: {name} must be a finite number, got {value!r}")
            vals[j] = float(value)
        return idx, vals

    def matching(self, patterns: Iterable[Any], what: str) -> np.ndarray:
        """Positions (sorted, unique) of the names or shell-style patterns (fnmatch: *, ?, [..]);
        ValueError for a name or pattern that matches nothing."""
        if isinstance(patterns, str):
            patterns = [patterns]
        found: list[int] = []
        for pattern in patterns:
            if not isinstance(pattern, str):
                raise ValueError(f"{what}: expected parameter names, got {pattern!r}")
            if any(c in pattern for c in "*?["):
                hits = [i for i, n in enumerate(self.names) if fnmatch.fnmatchcase(n, pattern)]
                if not hits:
                    raise ValueError(f"{what}: the pattern {pattern!r} matches no parameter")
                found.extend(hits)
            else:
                found.append(self.index(pattern, what))
        return np.unique(np.array(found, dtype=np.intp))
