"""Typed readers for validation: each reads one value of a parsed JSON object, checks its type
and range, and raises :class:`ConfigError` naming the key path (``optimizer.learning_rate``)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gdsim.config.errors import (
    BigInteger,
    config_error,
    join_key,
    show_bound,
    show_value,
    unknown_key,
    unknown_value,
)

MISSING = object()


def read_object(
    value: Any,
    path: str,
    allowed: Sequence[str],
    foreign: Callable[[str], str | None] | None = None,
    hints: Mapping[str, str] | None = None,
) -> Mapping[str, Any]:
    """Check that ``value`` is an object holding only ``allowed`` keys (each once)."""
    if not isinstance(value, Mapping):
        raise config_error(path or None, f"must be an object, got {show_value(value)}")
    for key in getattr(value, "duplicates", ()):
        raise config_error(join_key(path, key), "given more than once")
    for key in value:
        if not isinstance(key, str):
            raise config_error(path or None, f"keys must be strings, got {show_value(key)}")
        if key in allowed:
            continue
        message = foreign(key) if foreign else None
        if message:
            raise config_error(join_key(path, key), message)
        raise config_error(join_key(path, key), unknown_key(key, allowed, (hints or {}).get(key)))
    return value


def read_key(obj: Mapping[str, Any], path: str, key: str, default: Any) -> Any:
    value = obj.get(key, MISSING)
    if value is MISSING:
        if default is MISSING:
            raise config_error(join_key(path, key), "required key is missing")
        return default
    return value


def as_float(value: Any, key: str) -> float:
    if isinstance(value, BigInteger):
        raise config_error(key, f"must be a finite number, got {show_value(value)}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise config_error(key, f"must be a number, got {show_value(value)}")
    try:
        result = float(value)
    except OverflowError:
        raise config_error(key, "must be a finite number, got a number too large") from None
    if not math.isfinite(result):
        raise config_error(key, f"must be a finite number, got {show_value(result)}")
    return result


def as_int(value: Any, key: str) -> int:
    if isinstance(value, BigInteger):
        raise config_error(key, f"is out of range, got {show_value(value)}")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise config_error(key, f"must be an integer, got {show_value(value)}")
    return int(value)


def check_range(
    value: float,
    key: str,
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    shown: str = "",
) -> None:
    shown = shown or show_value(value)
    if gt is not None and not value > gt:
        raise config_error(key, f"must be > {show_bound(gt)}, got {shown}")
    if ge is not None and not value >= ge:
        raise config_error(key, f"must be >= {show_bound(ge)}, got {shown}")
    if lt is not None and not value < lt:
        raise config_error(key, f"must be < {show_bound(lt)}, got {shown}")
    if le is not None and not value <= le:
        raise config_error(key, f"must be <= {show_bound(le)}, got {shown}")


def read_float(
    obj: Mapping[str, Any], path: str, key: str, default: Any = MISSING, **bounds: float
) -> float:
    value = read_key(obj, path, key, default)
    full = join_key(path, key)
    _check_big(value, full, bounds)
    result = as_float(value, full)
    check_range(result, full, shown=show_value(value), **bounds)
    return result


def read_int(
    obj: Mapping[str, Any], path: str, key: str, default: Any = MISSING, **bounds: float
) -> int:
    value = read_key(obj, path, key, default)
    full = join_key(path, key)
    _check_big(value, full, bounds)
    result = as_int(value, full)
    check_range(result, full, shown=show_value(result), **bounds)
    return result


def _check_big(value: Any, key: str, bounds: Mapping[str, float]) -> None:
    """An over-long integer from a file fails its bounds like the number it stands for."""
    if isinstance(value, BigInteger):
        check_range(
            -math.inf if value.negative else math.inf, key, shown=show_value(value), **bounds
        )


def read_bool(obj: Mapping[str, Any], path: str, key: str, default: Any = MISSING) -> bool:
    value = read_key(obj, path, key, default)
    if not isinstance(value, bool):
        raise config_error(join_key(path, key), f"must be true or false, got {show_value(value)}")
    return value


def read_choice(
    obj: Mapping[str, Any], path: str, key: str, choices: Sequence[str], default: Any = MISSING
) -> str:
    value = read_key(obj, path, key, default)
    if not isinstance(value, str) or value not in choices:
        raise config_error(join_key(path, key), unknown_value(value, choices))
    return value


def read_string(obj: Mapping[str, Any], path: str, key: str, default: Any = MISSING) -> str:
    value = read_key(obj, path, key, default)
    full = join_key(path, key)
    if not isinstance(value, str):
        raise config_error(full, f"must be a string, got {show_value(value)}")
    if not value.strip():
        raise config_error(full, "must not be empty")
    return value


def read_array(value: Any, key: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise config_error(key, f"must be an array, got {show_value(value)}")
    return value


# ----------------------------------------------------------------------------------------------
# Sections
