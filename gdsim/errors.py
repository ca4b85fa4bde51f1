"""What gdsim's error messages are made of, for every layer: :class:`DataError` and the
did-you-mean guess. The bottom of the house (it imports nothing of gdsim), so the formula
language, the config, the file readers and the engine all word their hints the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence


class DataError(ValueError):
    """A data set that cannot be used: a CSV file's problem (naming the file, line and column)
    or arrays that do not make a data set. The message is one line, meant for the user."""


def closest(
    word: str, choices: Sequence[str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """The choice ``word`` was probably meant to be, or None.

    Tried in order: the same word ignoring case; a known alias (``lr`` -> ``learning_rate``);
    the same with '-' and ' ' read as '_'; a choice the word begins (``xavier`` ->
    ``xavier_uniform``, the first listed); the nearest spelling (difflib, ratio >= 0.6).

    >>> closest("Adam", ["sgd", "adam"]), closest("xavier", ["xavier_uniform", "xavier_normal"])
    ('adam', 'xavier_uniform')
    >>> closest("lr", ["learning_rate"], {"lr": "learning_rate"}), closest("zzz", ["sgd"])
    ('learning_rate', None)
    """
    lowered = {c.lower(): c for c in choices if c}
    w = word.strip().lower()
    if w in lowered:
        return lowered[w]
    alias = (aliases or {}).get(w.replace("-", "_"))
    if alias in choices:
        return alias
    w = w.replace("-", "_").replace(" ", "_")
    if w in lowered:
        return lowered[w]
    prefixed = [c for c in lowered if len(w) >= 3 and c.startswith(w)]
    if prefixed:
        return lowered[prefixed[0]]
    match = difflib.get_close_matches(w, list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def did_you_mean(
    word: str, choices: Sequence[str], aliases: Mapping[str, str] | None = None
) -> str:
    """``"; did you mean 'x'?"`` for the closest choice, or "" when nothing is close."""
    guess = closest(word, choices, aliases)
    return f"; did you mean '{guess}'?" if guess else ""
