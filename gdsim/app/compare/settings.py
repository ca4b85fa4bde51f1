"""What a variant row may change, and strict reading of the value typed for it (no Qt here).

Each setting is one key of :data:`gdsim.session.compare.SETTINGS`. A value is read strictly
(a plain decimal number, a whole number, or one of the names) and a refusal is one line naming
the setting; the trainer checks the value against the config's limits again when the
comparison starts (e.g. a learning rate over the limit) and says so in one line too.
"""

from __future__ import annotations

import math
import re
from typing import Any

from gdsim.config import Config
from gdsim.config.names import (
    ACTIVATIONS,
    MAX_BATCH_SIZE,
    MAX_LEARNING_RATE,
    MAX_SEED,
    OPTIMIZERS,
    REGULARIZATIONS,
)
from gdsim.errors import closest
from gdsim.session.compare import FUNCTION_SETTINGS, SETTINGS

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z", re.ASCII)
_WHOLE = re.compile(r"\d+\Z", re.ASCII)
NAMES = {
    "optimizer": OPTIMIZERS,
    "activation": tuple(a for a in ACTIVATIONS if a != "softmax"),  # softmax: outputs only
    "regularization": REGULARIZATIONS,
}


def choices(mode: str) -> list[tuple[str, str]]:
    """(key, text) of the settings a variant may change in this mode."""
    keys = SETTINGS if mode == "network" else FUNCTION_SETTINGS
    return [(key, SETTINGS[key]) for key in keys]


def parse(key: str, text: str) -> Any:
    """The value typed for setting `key`, or ValueError with one line that names it."""
    what = SETTINGS.get(key, key)
    text = text.strip()
    if not text:
        raise ValueError(f"{what}: type a value")
    if "\n" in text or len(text) > 40:
        raise ValueError(f"{what}: one short value, please")
    if key in NAMES:
        names = NAMES[key]
        if text.lower() in names:
            return text.lower()
        guess = closest(text, list(names))
        hint = f" (did you mean {guess}?)" if guess else ""
        raise ValueError(f"{what}: {text!r} is not one of {', '.join(names)}{hint}")
    if key in ("batch_size", "seed"):
        top = MAX_BATCH_SIZE if key == "batch_size" else MAX_SEED
        if not _WHOLE.match(text) or int(text) > top:
            zero = " (0: the whole training set)" if key == "batch_size" else ""
            raise ValueError(f"{what}: a whole number in 0..{top:,}{zero}, got {text!r}")
        return int(text)
    if not _NUMBER.match(text):
        raise ValueError(f"{what}: a number such as 0.01 or 1e-3, got {text!r}")
    value = float(text)
    if key == "learning_rate" and not 0 < value <= MAX_LEARNING_RATE:
        raise ValueError(f"{what}: must be > 0 and at most {MAX_LEARNING_RATE:g}, got {text}")
    if key == "momentum" and not 0 <= value < 1:
        raise ValueError(f"{what}: must be in 0..1 (1 not included), got {text}")
    if key == "regularization_rate" and not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"{what}: must be >= 0, got {text}")
    return value


def current(config: Config | None, key: str) -> str:
    """The run's own value of setting `key`, as text (shown greyed in an empty field)."""
    if config is None:
        return ""
    opt = config.optimizer
    values = {
        "learning_rate": opt.learning_rate,
        "optimizer": opt.name,
        "momentum": opt.momentum,
        "seed": config.init.seed,
    }
    if config.mode == "network":
        hidden = config.network.hidden_layers
        values.update(
            activation=hidden[0].activation if hidden else "",
            batch_size=config.batch_size,
            regularization=config.regularization.kind,
            regularization_rate=config.regularization.rate,
        )
    value = values.get(key, "")
    return f"{value:g}" if isinstance(value, float) else str(value)
