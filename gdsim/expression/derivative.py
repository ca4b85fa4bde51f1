"""Exact symbolic derivatives of function-mode formulas, taken on our own tree (not sympy's)."""

from __future__ import annotations

import math
from collections.abc import Callable

from gdsim.expression.compiler import SCALAR_FUNCTIONS
from gdsim.expression.tree import Binary, Call, Name, Node, Number, Unary, fold

# ----------------------------------------------------------------------------------------------
# Symbolic differentiation. The constructors fold constants and drop 0s and 1s, so derivative
# trees stay small and "independent of x" is exactly "derivative folded to Number(0)".

ZERO, ONE, TWO = Number(0.0), Number(1.0), Number(2.0)


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Number) and node.value == value


def _op(op: str, a: Node, b: Node | None = None) -> Node:
    if isinstance(a, Number) and (b is None or isinstance(b, Number)):
        value = SCALAR_FUNCTIONS[op](a.value, None if b is None else b.value)
        if math.isfinite(value):
            return Number(float(value))
    if b is None:
        return Unary("-", a) if op == "neg" else Call(op, a)
    return Binary(op, a, b)


def _neg(a: Node) -> Node:
    if isinstance(a, Unary) and a.op == "-":
        return a.operand
    return _op("neg", a)


def _add(a: Node, b: Node) -> Node:
    return b if _is(a, 0) else a if _is(b, 0) else _op("+", a, b)


def _sub(a: Node, b: Node) -> Node:
    return _neg(b) if _is(a, 0) else a if _is(b, 0) else _op("-", a, b)


def _mul(a: Node, b: Node) -> Node:
    if _is(a, 0) or _is(b, 0):
        return ZERO
    if _is(a, 1) or _is(b, 1):
        return b if _is(a, 1) else a
    if _is(a, -1) or _is(b, -1):
        return _neg(b if _is(a, -1) else a)
    return _op("*", a, b)


def _div(a: Node, b: Node) -> Node:
    return ZERO if _is(a, 0) else a if _is(b, 1) else _op("/", a, b)


def _power(a: Node, b: Node) -> Node:
    return ONE if _is(b, 0) else a if _is(b, 1) else _op("**", a, b)


# d f(u) = f'(u) du for each function, given the call node n = f(u).
_CHAIN: dict[str, Callable[[Call, Node], Node]] = {
    "exp": lambda n, du: _mul(n, du),  # (e^u)' = e^u u'
    "log": lambda n, du: _div(du, n.arg),  # (ln u)' = u'/u
    "sin": lambda n, du: _mul(_op("cos", n.arg), du),  # (sin u)' = cos u u'
    "cos": lambda n, du: _neg(_mul(_op("sin", n.arg), du)),  # (cos u)' = -sin u u'
    "tanh": lambda n, du: _mul(_sub(ONE, _mul(n, n)), du),  # (tanh u)' = (1 - tanh² u) u'
    "sqrt": lambda n, du: _div(du, _mul(TWO, n)),  # (√u)' = u' / (2√u)
    "abs": lambda n, du: _mul(_op("sign", n.arg), du),  # |u|' = sign(u) u', 0 at 0
    "sign": lambda n, du: ZERO,  # flat (and 0 at the jump)
}


def differentiate(root: Node, var: str) -> Node:
    def visit(node: Node, d: list[Node]) -> Node:
        if isinstance(node, Number):
            return ZERO
        if isinstance(node, Name):
            return ONE if node.name == var else ZERO
        if all(_is(dk, 0) for dk in d):
            return ZERO
        if isinstance(node, Unary):
            return _neg(d[0]) if node.op == "-" else d[0]
        if isinstance(node, Call):
            return _CHAIN[node.func](node, d[0])
        a, b, (da, db) = node.left, node.right, d
        if node.op == "+":
            return _add(da, db)
        if node.op == "-":
            return _sub(da, db)
        if node.op == "*":  # (ab)' = a'b + ab'
            return _add(_mul(da, b), _mul(a, db))
        if node.op == "/":  # (a/b)' = a'/b - ab'/b²
            return _sub(_div(da, b), _div(_mul(a, db), _mul(b, b)))
        if _is(db, 0):  # (a^n)' = n a^(n-1) a'
            return _mul(_mul(b, _power(a, _sub(b, ONE))), da)
        # a^b = exp(b ln a), so (a^b)' = a^b (b' ln a + b a'/a)
        return _mul(node, _add(_mul(db, _op("log", a)), _div(_mul(b, da), a)))

    return fold([root], visit)[0]
