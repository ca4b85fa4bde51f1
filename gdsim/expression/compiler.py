"""Function-mode formulas compiled for NumPy: formula and gradient as one straight-line program.

Also the scalar and array arithmetic that program runs; derivatives fold constants with the same
scalar arithmetic, so a folded constant is exactly what the program would have computed.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gdsim.expression.tree import Call, Name, Node, Number, Unary, fold

# ----------------------------------------------------------------------------------------------
# Scalar and array arithmetic. Python floats and `math` are several times faster than NumPy
# scalars, but raise where IEEE gives inf or nan; those rare cases are handed to NumPy.


def _numpy_scalar(fn: Callable, *args: float) -> float:
    with np.errstate(all="ignore"):
        return float(fn(*(np.float64(a) for a in args)))


def _guarded(math_fn: Callable, numpy_fn: Callable) -> Callable:
    def apply(x, _unused):
        try:
            return math_fn(x)
        except (ValueError, OverflowError):  # log(-1), sqrt(-1), exp(1000), sin(inf)
            return _numpy_scalar(numpy_fn, x)

    return apply


def _scalar_div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        return _numpy_scalar(np.divide, a, b)


def scalar_pow(a, b):
    try:
        return math.pow(a, b)  # unlike a ** b, never returns a complex number
    except (ValueError, OverflowError):
        return _numpy_scalar(np.power, a, b)


def _scalar_sign(x, _unused):
    return 1.0 if x > 0 else -1.0 if x < 0 else x * 0.0  # 0 -> 0, nan -> nan


def _unary(fn: Callable) -> Callable:
    return lambda x, _unused: fn(x)


_UNARY_NUMPY = {
    "neg": np.negative,
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sign": np.sign,
}

# Every operation takes two arguments (unary ones ignore the second) so a program is one loop.
SCALAR_FUNCTIONS: dict[str, Callable] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _scalar_div,
    "**": scalar_pow,
    "neg": _unary(operator.neg),
    "abs": _unary(abs),
    "tanh": _unary(math.tanh),
    "sign": _scalar_sign,
    **{
        f: _guarded(getattr(math, f), _UNARY_NUMPY[f]) for f in ("exp", "log", "sin", "cos", "sqrt")
    },
}
_ARRAY: dict[str, Callable] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "**": np.power,
    **{f: _unary(fn) for f, fn in _UNARY_NUMPY.items()},
}


# ----------------------------------------------------------------------------------------------
# Compilation


class Program:
    """Formula and gradient as one straight-line program. Registers are the inputs, then the
    constants, then one per operation; each op is (function, register a, register b)."""

    def __init__(self, roots: Sequence[Node], names: tuple[str, ...]):
        consts: list[float] = []
        ops: list[tuple[str, tuple, tuple]] = []

        def visit(node: Node, kids: list[tuple]) -> tuple:
            if isinstance(node, Number):
                consts.append(node.value)
                return ("const", len(consts) - 1)
            if isinstance(node, Name):
                return ("input", names.index(node.name))
            if isinstance(node, Unary) and node.op == "+":
                return kids[0]
            if isinstance(node, Call):
                code = node.func
            else:
                code = "neg" if isinstance(node, Unary) else node.op
            ops.append((code, kids[0], kids[-1]))
            return ("op", len(ops) - 1)

        memo: dict[int, Any] = {}  # shared, so the gradient reuses the formula's registers
        refs = fold(roots[:1], visit, memo)
        self.n_value_ops = len(ops)  # the formula alone is a prefix of the program
        refs += fold(roots[1:], visit, memo)
        base = {"input": 0, "const": len(names), "op": len(names) + len(consts)}

        def at(ref: tuple) -> int:
            return base[ref[0]] + ref[1]

        self.consts = consts
        self.scalar_ops = [(SCALAR_FUNCTIONS[code], at(a), at(b)) for code, a, b in ops]
        self.array_ops = [(_ARRAY[code], at(a), at(b)) for code, a, b in ops]
        self.value = at(refs[0])
        self.gradient = [at(ref) for ref in refs[1:]]
