"""Who each parameter is: the one place where parameter names are made and understood.

A network's parameters live in one flat vector, ordered layer by layer, weights (j then k)
before biases. Parameter i is described by its *identity*: a kind (weight, bias, or a
function-mode parameter), the layer l it feeds (1-based; 0 in function mode), the neuron j it
belongs to, and for a weight the neuron k of layer l-1 it comes from. Names follow the run CSV
contract (README, "Run CSV"): ``w{l}_{j}_{k}``, ``b{l}_{j}``, or the function parameter's own
name. Every view reads identities from here (carried in the run info) instead of splitting
names back apart; the arrays are built without per-parameter Python work, so a 10^5-parameter
network costs nothing extra at run start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

WEIGHT, BIAS, FUNCTION = "weight", "bias", "function"
KINDS = (FUNCTION, WEIGHT, BIAS)  # the codes stored in ParameterIndex.kind, in this order

_NAME = re.compile(r"^(?:w([1-9]\d*)_([1-9]\d*)_([1-9]\d*)|b([1-9]\d*)_([1-9]\d*))$")


def weight_name(layer: int, j: int, k: int) -> str:
    """The weight into neuron j of `layer` from neuron k of the layer before (all 1-based)."""
    return f"w{layer}_{j}_{k}"


def bias_name(layer: int, j: int) -> str:
    return f"b{layer}_{j}"


@dataclass(frozen=True)
class ParameterId:
    """One parameter's identity; ``k`` is 0 for a bias, ``layer`` 0 in function mode."""

    name: str
    kind: str
    layer: int = 0
    j: int = 0
    k: int = 0

    @property
    def is_weight(self) -> bool:
        return self.kind == WEIGHT

    @property
    def is_bias(self) -> bool:
        return self.kind == BIAS

    def describe(self) -> str:
        """Plain words: 'weight into neuron 1 of layer 2 from neuron 3 of layer 1'."""
        if self.kind == WEIGHT:
            source = (
                f"input {self.k}"
                if self.layer == 1
                else f"neuron {self.k} of layer {self.layer - 1}"
            )
            return f"weight into neuron {self.j} of layer {self.layer} from {source}"
        if self.kind == BIAS:
            return f"bias of neuron {self.j} of layer {self.layer}"
        return f"parameter {self.name}"


def parse_parameter_name(name: str) -> ParameterId:
    """The identity a name stands for: a network name (``w2_1_3``, ``b1_4``) or, for anything
    else, a function-mode parameter. Only names are read; nothing is checked against a network.

    >>> p = parse_parameter_name("w2_1_3")
    >>> p.kind, p.layer, p.j, p.k
    ('weight', 2, 1, 3)
    >>> parse_parameter_name("w").kind
    'function'
    """
    m = _NAME.match(name)
    if m is None:
        return ParameterId(name, FUNCTION)
    if m.group(1) is not None:
        return ParameterId(name, WEIGHT, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return ParameterId(name, BIAS, int(m.group(4)), int(m.group(5)))


_NETWORK_INDEXES: dict[tuple[int, ...], ParameterIndex] = {}  # by layer sizes, newest last
_CACHED_INDEXES = 8


class ParameterIndex:
    """The identities of all parameters, as columns: ``kind`` (codes into KINDS), ``layer``,
    ``j`` and ``k`` (int arrays), and ``names``. ``index[i]`` is a :class:`ParameterId`.

    >>> index = ParameterIndex.for_network([2, 1])  # 2 inputs, 1 output neuron
    >>> index.names
    ('w1_1_1', 'w1_1_2', 'b1_1')
    >>> index.layer.tolist(), index.is_weight.tolist()
    ([1, 1, 1], [True, True, False])
    >>> index.describe(1)
    'weight into neuron 1 of layer 1 from input 2'
    """

    def __init__(
        self,
        names: Sequence[str],
        kind: np.ndarray,
        layer: np.ndarray,
        j: np.ndarray,
        k: np.ndarray,
    ) -> None:
        self.names = tuple(names)
        self.kind, self.layer, self.j, self.k = (
            np.asarray(a, dtype=np.int64) for a in (kind, layer, j, k)
        )
        for a in (self.kind, self.layer, self.j, self.k):
            a.setflags(write=False)

    @classmethod
    def for_network(cls, sizes: Sequence[int]) -> ParameterIndex:
        """The parameters of a network with layer sizes ``sizes`` (inputs first).

        Cached by sizes (an index is immutable): every view of a run builds its own network, and
        10^5 names take a tenth of a second to make."""
        key = tuple(int(n) for n in sizes)
        index = _NETWORK_INDEXES.get(key)
        if index is None:
            index = cls._make_for_network(key)
            cls.remember(key, index)
        return index

    @staticmethod
    def remember(sizes: Sequence[int], index: ParameterIndex) -> None:
        """Take `index` (e.g. a run's, received from the trainer process) as the index of
        networks of these sizes, so that nothing in this process makes their names again."""
        key = tuple(int(n) for n in sizes)
        _NETWORK_INDEXES.pop(key, None)
        if len(_NETWORK_INDEXES) >= _CACHED_INDEXES:
            del _NETWORK_INDEXES[next(iter(_NETWORK_INDEXES))]
        _NETWORK_INDEXES[key] = index

    @classmethod
    def _make_for_network(cls, sizes: tuple[int, ...]) -> ParameterIndex:
        kinds, layers, js, ks = [], [], [], []
        names: list[str] = []
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
            j_w, k_w = np.divmod(np.arange(fan_out * fan_in), fan_in)
            j_b = np.arange(fan_out)
            kinds += [np.full(fan_out * fan_in, 1), np.full(fan_out, 2)]
            layers.append(np.full(fan_out * (fan_in + 1), layer))
            js += [j_w + 1, j_b + 1]
            ks += [k_w + 1, np.zeros(fan_out, dtype=np.int64)]
            names += [
                weight_name(layer, j, k)
                for j in range(1, fan_out + 1)
                for k in range(1, fan_in + 1)
            ]
            names += [bias_name(layer, j) for j in range(1, fan_out + 1)]

        def join(parts: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        return cls(names, join(kinds), join(layers), join(js), join(ks))

    @classmethod
    def for_function(cls, names: Sequence[str]) -> ParameterIndex:
        """Function mode: the formula's parameters, in order (layer 0, j = position)."""
        n = len(names)
        zeros = np.zeros(n, dtype=np.int64)
        return cls(names, zeros, zeros, np.arange(1, n + 1), zeros)

    @classmethod
    def from_names(cls, names: Sequence[str]) -> ParameterIndex:
        """Identities read from names alone (for data that carries only names, e.g. a CSV)."""
        ids = [parse_parameter_name(n) for n in names]
        return cls(
            names,
            np.array([KINDS.index(p.kind) for p in ids], dtype=np.int64),
            np.array([p.layer for p in ids], dtype=np.int64),
            np.array([p.j for p in ids], dtype=np.int64),
            np.array([p.k for p in ids], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, i: int) -> ParameterId:
        return ParameterId(
            self.names[i], KINDS[self.kind[i]], int(self.layer[i]), int(self.j[i]), int(self.k[i])
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParameterIndex) and self.names == other.names

    def __hash__(self) -> int:
        return hash(self.names)

    @cached_property
    def is_weight(self) -> np.ndarray:
        return self.kind == 1

    @cached_property
    def is_bias(self) -> np.ndarray:
        return self.kind == 2

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}

    def position(self, name: str) -> int:
        """Where parameter `name` is in the flat vector; KeyError if there is none."""
        return self._positions[name]

    def find(self, name: str) -> int | None:
        return self._positions.get(name)

    def describe(self, i: int) -> str:
        return self[i].describe()


__all__ = [
    "BIAS",
    "FUNCTION",
    "KINDS",
    "WEIGHT",
    "ParameterId",
    "ParameterIndex",
    "bias_name",
    "parse_parameter_name",
    "weight_name",
]
