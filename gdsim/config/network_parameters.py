"""Network mode's `parameters` (start values by name) and `frozen` (names or patterns).

The names follow the contract of :mod:`gdsim.engine.parameters` (``w{layer}_{j}_{k}``: the weight
into neuron j of the layer from neuron k of the layer before; ``b{layer}_{j}``: a bias; all
1-based), made here from the network's sizes because the config sits below the engine (a test
checks that both make the same names). A network's names are made once per shape (cached).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Mapping
from typing import Any

from gdsim.config.errors import config_error, join_key, show_value
from gdsim.config.readers import as_float
from gdsim.errors import closest

_PATTERN_CHARS = "*?["


@functools.lru_cache(maxsize=4)
def network_parameter_names(sizes: tuple[int, ...]) -> tuple[str, ...]:
    """Every parameter name of a network with these layer sizes (inputs first), in order."""
    names: list[str] = []
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
        names += [f"w{layer}_{j}_{k}" for j in range(1, fan_out + 1) for k in range(1, fan_in + 1)]
        names += [f"b{layer}_{j}" for j in range(1, fan_out + 1)]
    return tuple(names)


@functools.lru_cache(maxsize=4)
def _name_set(sizes: tuple[int, ...]) -> frozenset[str]:
    return frozenset(network_parameter_names(sizes))


def _sizes(network: Any) -> tuple[int, ...]:
    return (network.inputs, *(layer.units for layer in network.layers))


def _unknown(key: str, name: str, sizes: tuple[int, ...]) -> Exception:
    names = network_parameter_names(sizes)
    guess = closest(name, names) if len(names) <= 20_000 else None
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
    known = _name_set(sizes)
    out = []
    for name, start in value.items():
        key = f"{path}.{name}" if isinstance(name, str) else path
        if name not in known:
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
        elif item not in _name_set(sizes):
            raise _unknown(key, item, sizes)
        out.append(item)
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _matches_any(pattern: str, sizes: tuple[int, ...]) -> bool:
    regex = re.compile(fnmatch.translate(pattern))
    return any(regex.match(name) for name in network_parameter_names(sizes))
