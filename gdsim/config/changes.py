"""A run's live changes as written in RUN.json (``"changes": [...]``), checked when read.

The trainer records them (:attr:`gdsim.engine.trainer.Trainer.changes`, where each kind is
described) and replays them (``Trainer.replay``); here only their form is checked: the values
themselves (a learning rate, a parameter's name) are checked by the trainer when it applies them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from gdsim.config.errors import config_error

CHANGE_KINDS = ("optimizer", "parameters", "freeze", "unfreeze", "rewind")
_NEEDS = {
    "optimizer": ("name", "settings"),
    "parameters": ("values",),
    "freeze": ("names",),
    "unfreeze": ("names",),
    "rewind": ("to",),
}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_change(change: Any, i: int) -> None:
    """ValueError naming `changes[i]` if it is not a change as `TimeTravel.changes` writes."""
    where = f"changes[{i}]"
    if not isinstance(change, Mapping):
        raise _error(f"{where}: expected an object, got {type(change).__name__}")
    step = change.get("step")
    if not _whole(step):
        raise _error(f"{where}.step: expected a whole number >= 0, got {step!r}")
    kind = change.get("kind")
    if kind not in CHANGE_KINDS:
        raise _error(f"{where}.kind: expected one of {', '.join(CHANGE_KINDS)}, got {kind!r}")
    need = _NEEDS[kind]
    for key in need:
        if key not in change:
            raise _error(f"{where}: a '{kind}' change needs '{key}'")
    if kind == "optimizer" and not isinstance(change["settings"], Mapping):
        raise _error(f"{where}.settings: expected an object")
    if kind == "parameters" and not isinstance(change["values"], Mapping):
        raise _error(f"{where}.values: expected an object")
    if kind in ("freeze", "unfreeze") and not (
        isinstance(change["names"], list) and all(isinstance(n, str) for n in change["names"])
    ):
        raise _error(f"{where}.names: expected a list of parameter names")
    if kind == "rewind" and not _whole(change["to"]):
        raise _error(f"{where}.to: expected a whole number >= 0")
    if kind == "parameters":
        for name, value in change["values"].items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _error(f"{where}.values.{name}: expected a number, got {value!r}")
            if not math.isfinite(value):
                raise _error(f"{where}.values.{name}: must be finite, got {value!r}")


def _error(message: str) -> ValueError:
    key, _, text = message.partition(": ")
    return config_error(key, text)


def read_changes(value: Any) -> tuple[dict[str, Any], ...]:
    """`changes`: a list of changes, each checked (ConfigError naming ``changes[i]...``)."""
    if not isinstance(value, (list, tuple)):
        raise config_error("changes", "must be a list of the run's live changes")
    out = []
    for i, change in enumerate(value):
        check_change(change, i)
        out.append(
            {
                k: (dict(v) if isinstance(v, Mapping) else list(v) if isinstance(v, list) else v)
                for k, v in change.items()
            }
        )
    return tuple(out)
