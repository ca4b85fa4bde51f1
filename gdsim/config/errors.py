"""Config errors and their wording: :class:`ConfigError`, how values are shown, did-you-mean hints.

Every message a user sees about a config is built from these helpers, so the wording is the same
whether the problem is found while reading a file or in a config built in code.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from gdsim.errors import closest, one_line

# Common other spellings of keys, tried before fuzzy matching in did-you-mean hints.
_KEY_ALIASES = {
    "lr": "learning_rate",
    "learningrate": "learning_rate",
    "beta_1": "beta1",
    "beta_2": "beta2",
    "epsilon": "eps",
    "activation_function": "activation",
    "neurons": "units",
    "size": "units",
}


# ----------------------------------------------------------------------------------------------
# The error


class ConfigError(ValueError):
    """A config value (or file) is wrong. ``str(err)`` is one line for the user.

    ``ConfigError(message, key=...)``: ``message`` is the whole line and starts with the key path
    (``"optimizer.learning_rate: must be > 0, got -0.1"``); ``key`` is that path
    (``"optimizer.learning_rate"``, ``"network.layers[1].activation"``), or None when the problem
    is the file itself (not found, not JSON, not an object). ``file`` is the config file the
    error came from; when set (by :func:`load_config`) it is put in front:
    ``"run.json: optimizer.learning_rate: must be > 0, got -0.1"``.
    """

    def __init__(self, message: str, key: str | None = None, *, file: str | None = None) -> None:
        message = one_line(message)  # a newline in a key, a 10,000-character value: one line
        super().__init__(message)
        self.message = message
        self.key = key
        self.file = file

    def __str__(self) -> str:
        return f"{one_line(self.file)}: {self.message}" if self.file else self.message

    def __reduce__(self):  # (file is keyword-only: pickling needs to be told; subclasses too)
        return (_rebuild_error, (type(self), self.message, self.key, self.file))


def _rebuild_error(cls: type, message: str, key: str | None, file: str | None) -> ConfigError:
    return cls(message, key, file=file)


def config_error(key: str | None, text: str) -> ConfigError:
    """A ConfigError for ``key`` whose message is ``"key: text"`` (a key path that holds a very
    long or unprintable key is shown shortened and escaped)."""
    return ConfigError(f"{show_key(key)}: {text}" if key else text, key)


def show_key(key: str) -> str:
    """A key path for a message: control characters escaped, a long key shortened."""
    text = one_line(key)
    return text if len(text) <= 80 else f"{text[:60]}...({len(key):,} characters)"


class BigInteger:
    """An integer in a JSON file too long to be worth converting (more than MAX_DIGITS digits):
    no config value is anywhere near, and Python refuses ints over 4,300 digits anyway. The
    readers report it as out of range, naming its key."""

    MAX_DIGITS = 30

    def __init__(self, text: str) -> None:
        self.negative = text.startswith("-")
        self.digits = len(text) - self.negative

    def __repr__(self) -> str:
        return f"BigInteger({'-' if self.negative else ''}<{self.digits} digits>)"


def parse_json_int(text: str) -> int | BigInteger:
    """json.loads' ``parse_int``: an int, or a BigInteger for one with over 30 digits."""
    if len(text) > BigInteger.MAX_DIGITS:
        return BigInteger(text)
    return int(text)


# ----------------------------------------------------------------------------------------------
# Message helpers


def show_value(value: Any) -> str:
    """A value as the user would recognise it from the JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return one_line(repr(text))
    if isinstance(value, BigInteger):
        sign = "a negative" if value.negative else "an"
        return f"{sign} integer of {value.digits:,} digits"
    if isinstance(value, numbers.Integral):
        value = int(value)
        if abs(value) >= 10**21:  # no config value is this large: say how large, not which
            size = abs(value)
            digits = int((size.bit_length() - 1) * 0.30102999566398) + 1  # (str() may refuse)
            digits += size >= 10**digits  # the estimate may be one short
            sign = "a negative" if value < 0 else "an"
            return f"{sign} integer of {digits:,} digits"
        return str(value)
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


def show_bound(x: float) -> str:
    """A bound for a message: 1000 rather than 1000.0, 1000000 rather than 1e6."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def _closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice ``word`` was probably meant to be (case-insensitive, key aliases), or None."""
    return closest(word, choices, _KEY_ALIASES)


def unknown_value(value: Any, choices: Sequence[str]) -> str:
    options = ", ".join(choices)
    if not isinstance(value, str):
        return f"must be one of {options}; got {show_value(value)}"
    guess = _closest(value, choices)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return f"unknown value {show_value(value)}{hint} (choose from {options})"


def unknown_key(key: str, allowed: Sequence[str], hint: str | None = None) -> str:
    guess = hint or _closest(key, allowed)
    did = f"; did you mean '{guess}'?" if guess else ""
    return f"unknown key{did} (allowed: {', '.join(allowed)})"


def join_key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
