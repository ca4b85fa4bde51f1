"""What gdsim's error messages are made of, for every layer: :class:`DataError`,
:class:`FileRefused`, the did-you-mean guess and :func:`one_line`. The bottom of the house (it
imports nothing of gdsim), so the formula language, the config, the file readers and the engine
all word their hints the same way.

Every message a user sees is one line of reasonable length: :func:`one_line` escapes line
breaks and other control characters (a newline in a key, a file name or a CSV cell) and
shortens any over-long word (a 4,000-digit number, a 10,000-character key) in the middle.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence

# A word (a run of non-blank characters) longer than this is shortened in the middle; a
# whole message longer than MAX_MESSAGE is cut.
MAX_WORD = 160
MAX_MESSAGE = 2000
_KEEP = 60  # characters kept at each end of a shortened word
# Control characters, line and paragraph separators, bidi and zero-width marks, surrogates.
_UNPRINTABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_LONG_WORD = re.compile(r"\S{" + str(MAX_WORD + 1) + ",}")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def _shorten(match: re.Match[str]) -> str:
    word = match.group()
    return f"{word[:_KEEP]}...({len(word):,} characters)...{word[-_KEEP:]}"


def one_line(text: object) -> str:
    """``text`` as one printable line of reasonable length (see the module's docstring).

    >>> one_line("bad key 'a\\nb'")
    "bad key 'a\\\\nb'"
    >>> one_line("n = " + "9" * 4000).replace("9" * 60, "9..9")
    'n = 9..9...(4,000 characters)...9..9'
    """
    text = str(text)
    if _UNPRINTABLE.search(text):
        text = _UNPRINTABLE.sub(_escape, text)
    if len(text) > MAX_WORD:
        text = _LONG_WORD.sub(_shorten, text)
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 3] + "..."
    return text


def show_path(path: object) -> str:
    """A file name or path for a message: one line, not too long."""
    try:
        text = os.fspath(path)  # type: ignore[arg-type]
    except TypeError:
        text = str(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    return one_line(text)


def show_bytes(n: float) -> str:
    """A size for a message: ``"512 bytes"``, ``"16 MiB"``, ``"1.5 GiB"``.

    >>> show_bytes(100), show_bytes(16 * 2**20), show_bytes(1.5 * 2**30), show_bytes(80e12)
    ('100 bytes', '16 MiB', '1.5 GiB', '72.8 TiB')
    """
    if n < 1024:
        return f"{int(n)} bytes"
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        n /= 1024
        if n < 1024 or unit == "PiB":
            break
    text = f"{n:.1f}" if n < 100 else f"{n:,.0f}"
    return f"{text.removesuffix('.0')} {unit}"


class DataError(ValueError):
    """A data set that cannot be used: a CSV file's problem (naming the file, line and column)
    or arrays that do not make a data set. The message is one line, meant for the user."""

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(one_line(message), *args)


class FileRefused(OSError):
    """A file gdsim will not read or write: not a regular file (a FIFO, a device, a folder),
    too large, read-only, or an input of the run it would overwrite. An OSError, so that code
    which reports unwritable files reports these too; ``strerror`` is the problem in words and
    ``str(err)`` is ``"<file>: <problem>"``, one line."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(problem)
        self.strerror = one_line(problem)
        self.filename = os.fspath(path) if isinstance(path, (str, os.PathLike)) else str(path)

    def __str__(self) -> str:
        return f"{show_path(self.filename)}: {self.strerror}"

    def __reduce__(self):
        return (type(self), (self.filename, self.strerror))


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
