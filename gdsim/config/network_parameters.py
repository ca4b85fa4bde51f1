"""Network mode's `parameters` (start values by name) and `frozen` (names or patterns).

The names follow the contract of :mod:`gdsim.engine.parameters` (``w{layer}_{j}_{k}``: the weight
into neuron j of the layer from neuron k of the layer before; ``b{layer}_{j}``: a bias; all
1-based), read here from the network's sizes because the config sits below the engine (a test
checks that both make the same names): a name is checked by reading it, a pattern against the
names made one by one, so a big network's 2,000,000 names are never kept.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from gdsim.config.errors import config_error, join_key, show_value
from gdsim.config.readers import as_float
from gdsim.errors import closest

_PATTERN_CHARS = "*?["


def iter_parameter_names(sizes: tuple[int, ...]) -> Iterator[str]:
    """Every parameter name of a network with these layer sizes (inputs first), in order."""
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
        for j in range(1, fan_out + 1):
            for k in range(1, fan_in + 1):
                yield f"w{layer}_{j}_{k}"
        for j in range(1, fan_out + 1):
            yield f"b{layer}_{j}"


def network_parameter_names(sizes: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(iter_parameter_names(sizes))


_NAME = re.compile(r"(?:w([1-9]\d*)_([1-9]\d*)_([1-9]\d*)|b([1-9]\d*)_([1-9]\d*))\Z")


def is_parameter_name(name: Any, sizes: tuple[int, ...]) -> bool:
    """Whether the network has a parameter of this name (read, not looked up in a list)."""
    match = _NAME.match(name) if isinstance(name, str) else None
    if match is None:
        return False
    w_layer, j, k, b_layer, b_j = match.groups()
    if w_layer is not None:
        layer = int(w_layer)
        return layer < len(sizes) and int(j) <= sizes[layer] and int(k) <= sizes[layer - 1]
    layer = int(b_layer)
    return layer < len(sizes) and int(b_j) <= sizes[layer]


def _sizes(network: Any) -> tuple[int, ...]:
    return (network.inputs, *(layer.units for layer in network.layers))


def _unknown(key: str, name: str, sizes: tuple[int, ...]) -> Exception:
    small = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)) <= 20_000
    guess = (
        closest(name, network_parameter_names(sizes)) if small and isinstance(name, str) else None
    )
    hint = f"; did you mean '{guess}'?" if guess else ""
    return config_error(
        key,
        f"this network has no parameter named {show_value(name)} (weights are named "
        f"w<layer>_<j>_<k>, biases b<layer>_<j>){hint}",
    )


def read_start_values(value: Any, network: Any) -> tuple[tuple[str, float], ...]:
    """`parameters` in network mode: {name: start value}, overriding the initialiser."""
    path = "parameters"
    if not isinstance(value, Mapping):
        raise config_error(
            path, f"must be an object of parameter names to start values, got {show_value(value)}"
        )
    for key in getattr(value, "duplicates", ()):
        raise config_error(join_key(path, key), "given more than once")
    sizes = _sizes(network)
    out = []
    for name, start in value.items():
        key = f"{path}.{name}" if isinstance(name, str) else path
        if not is_parameter_name(name, sizes):
            raise _unknown(key, name, sizes)
        out.append((name, as_float(start, key)))
    return tuple(out)


def read_frozen(value: Any, network: Any) -> tuple[str, ...]:
    """`frozen`: a list of parameter names or shell-style patterns (*, ?, [...]), each of which
    must name at least one of the network's parameters."""
    path = "frozen"
    if not isinstance(value, (list, tuple)):
        raise config_error(
            path, f"must be a list of parameter names or patterns, got {show_value(value)}"
        )
    sizes = _sizes(network)
    out = []
    for i, item in enumerate(value):
        key = f"{path}[{i}]"
        if not isinstance(item, str) or not item:
            raise config_error(key, f"must be a parameter name or pattern, got {show_value(item)}")
        if any(c in item for c in _PATTERN_CHARS):
            if not _matches_any(item, sizes):
                raise config_error(key, f"the pattern {show_value(item)} matches no parameter")
        elif not is_parameter_name(item, sizes):
            raise _unknown(key, item, sizes)
        out.append(item)
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _matches_any(pattern: str, sizes: tuple[int, ...]) -> bool:
    regex = re.compile(fnmatch.translate(pattern))
    return any(regex.match(name) for name in iter_parameter_names(sizes))
