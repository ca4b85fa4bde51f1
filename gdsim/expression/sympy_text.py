"""Readable text of function-mode formulas and derivatives, via sympy built from our own tree.

sympy only ever sees trees built here (never text), and is imported lazily: it is slow to import
and only needed for display.
"""

from __future__ import annotations

import functools
import math
import operator
from fractions import Fraction
from typing import Any

from gdsim.expression.compiler import scalar_pow
from gdsim.expression.tree import Call, Name, Node, Number, Unary, fold

SIMPLIFY_MAX_NODES = 200  # larger derivatives are shown as they are


# ----------------------------------------------------------------------------------------------
# Text via sympy (imported lazily: it is slow to import and only needed for display)


def _sympy_number(sp: Any, value: float) -> Any:
    """Exact decimals print as fractions (0.5*w -> w/2); folding noise like 0.30000000000000004
    snaps to the nearby simple fraction."""
    near = Fraction(value).limit_denominator(10_000)
    exact = near if abs(float(near) - value) <= 1e-15 * abs(value) else Fraction(repr(value))
    return sp.Rational(exact.numerator, exact.denominator)


def _sympy_power(sp: Any, a: Any, b: Any) -> Any:
    """a**b, except that sympy would compute 9**9**9 exactly (and hang): huge numeric powers
    become floats instead."""
    if a.is_Rational and b.is_Rational:
        bits = max(abs(a.p).bit_length(), a.q.bit_length())
        if bits * abs(b) > 4096 or b.q > 64:
            return sp.Float(scalar_pow(float(a), float(b)))  # inf and nan become oo and nan
    return a**b


def to_sympy(root: Node, names: tuple[str, ...]) -> Any:
    import sympy as sp

    symbols = {name: sp.Symbol(name, real=True) for name in names}
    funcs = {
        "exp": sp.exp,
        "log": sp.log,
        "sin": sp.sin,
        "cos": sp.cos,
        "tanh": sp.tanh,
        "sqrt": sp.sqrt,
        "abs": sp.Abs,
        "sign": sp.sign,
    }
    binary = {
        "+": operator.add,
        "-": operator.sub,
        "*": operator.mul,
        "/": operator.truediv,
        "**": functools.partial(_sympy_power, sp),
    }

    def visit(node: Node, kids: list) -> Any:
        if isinstance(node, Number):
            return _sympy_number(sp, node.value)
        if isinstance(node, Name):
            return symbols[node.name]
        if isinstance(node, Unary):
            return -kids[0] if node.op == "-" else kids[0]
        if isinstance(node, Call):
            return funcs[node.func](kids[0])
        return binary[node.op](*kids)

    return fold([root], visit)[0]


def _size(root: Node) -> int:
    """Node count as a tree (shared subtrees counted each time they appear)."""
    return fold([root], lambda node, kids: 1 + sum(kids))[0]


def _expanded_terms(expr: Any, limit: int) -> int:
    """Roughly how many terms sympy.expand would produce (capped just above `limit`): products of
    sums multiply out exponentially, so ask before expanding."""

    def terms(e: Any) -> int:
        if e.is_Add:
            n = sum(terms(a) for a in e.args)
        elif e.is_Mul:
            n = math.prod(terms(a) for a in e.args)
        elif e.is_Pow and e.exp.is_Integer:  # multinomial: C(k + |p| - 1, |p|) terms
            k, p = terms(e.base), abs(int(e.exp))
            n = math.comb(k + p - 1, p) if k == 1 or p <= 8 else limit + 1
        else:  # a function (or non-integer power) is one term, expanded inside
            n = 1 if all(terms(a) <= limit for a in e.args) else limit + 1
        return min(n, limit + 1)

    return terms(expr)


def readable(root: Node, names: tuple[str, ...]) -> Any:
    """The shortest text among a few cheap rewritings. Not sympy.simplify: that takes minutes on
    some 50-node derivatives and cannot be interrupted."""
    import sympy as sp

    expr = to_sympy(root, names)
    if _size(root) > SIMPLIFY_MAX_NODES:
        return expr
    candidates = [expr, sp.factor_terms(expr), sp.together(expr)]
    if _expanded_terms(expr, 30) <= 30:  # 4*w*(w**2 - 1) reads better as 4*w**3 - 4*w
        expanded = sp.expand(expr, power_exp=False, power_base=False, log=False)
        candidates += [expanded, sp.factor_terms(expanded)]
    return min(candidates, key=lambda e: (len(str(e)), sp.count_ops(e)))


@functools.lru_cache(maxsize=1)
def make_printer() -> Any:
    from sympy.printing.str import StrPrinter

    class Printer(StrPrinter):
        """sympy's Python-like syntax, but in the names the learner types."""

        def _print_Abs(self, expr):
            return f"abs({self._print(expr.args[0])})"

        def _print_Exp1(self, expr):
            return "exp(1)"

    return Printer()
