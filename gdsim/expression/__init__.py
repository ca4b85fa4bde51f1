"""Function-mode formulas: a whitelist parser, exact symbolic gradients, and readable text.

The learner's text is tokenised and parsed by hand into a small immutable tree; nothing is ever
passed to `eval`, and sympy only ever sees trees built here (never text). Derivatives are taken
on our own tree and compiled, together with the formula, into one straight-line program, so a
training step costs a few microseconds and subtrees shared by the cost and its gradient are
computed once. All tree walks are iterative: a long formula cannot hit the recursion limit.

This module is the public face: :func:`parse_expression` and :class:`Expression`. The work is done
in this package's modules, one job each: ``tree`` (the tree, its error, walks and our own text),
``parser`` (text to tree), ``derivative`` (exact derivatives), ``compiler`` (the NumPy program)
and ``sympy_text`` (readable text via sympy). It is the bottom layer: it imports no other part of
gdsim, and the config takes the function names from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from gdsim.expression.compiler import Program
from gdsim.expression.derivative import differentiate
from gdsim.expression.parser import MAX_DEPTH, MAX_LENGTH, Parser, check_names
from gdsim.expression.sympy_text import SIMPLIFY_MAX_NODES as SIMPLIFY_MAX_NODES  # public here
from gdsim.expression.sympy_text import make_printer, readable, to_sympy
from gdsim.expression.tree import (
    FUNCTIONS,
    Binary,
    Call,
    ExpressionError,
    Name,
    Node,
    Number,
    Unary,
    render,
)

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Binary",
    "Call",
    "Expression",
    "ExpressionError",
    "Name",
    "Number",
    "Unary",
    "parse_expression",
]


def parse_expression(text: str, names: Sequence[str]) -> Expression:
    """Parse a cost formula in the given parameter names; raise ExpressionError if unusable."""
    names = check_names(names)
    if not isinstance(text, str):
        raise ExpressionError(f"the formula must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"formula is too long: {len(text)} characters (at most {MAX_LENGTH})", MAX_LENGTH
        )
    if not text.strip():
        raise ExpressionError(
            f"empty formula: type a cost in {' and '.join(names)}, e.g. ({names[0]} - 3)**2"
        )
    return Expression(Parser(text, names).parse(), names, text)


# ----------------------------------------------------------------------------------------------
# Expression


class Expression:
    """A parsed formula in one or two parameters: evaluate it, its exact gradient, its text.

    Made by parse_expression (or partial); `tree` may only use Names from `names`."""

    def __init__(self, tree: Node, names: Sequence[str], text: str | None = None):
        self._tree = tree
        self._names = tuple(names)
        self._text = render(tree) if text is None else text
        self._cache: dict[tuple[str, str | None], Any] = {}

    text = property(lambda self: self._text, doc="The formula as typed (or rendered).")
    names = property(lambda self: self._names, doc="Parameter names, in gradient order.")
    tree = property(lambda self: self._tree, doc="The immutable syntax tree.")

    def __repr__(self) -> str:
        return f"Expression({self._text!r}, names={self._names!r})"

    @cached_property
    def _derivatives(self) -> tuple[Node, ...]:
        return tuple(differentiate(self._tree, name) for name in self._names)

    @cached_property
    def _program(self) -> Program:
        return Program([self._tree, *self._derivatives], self._names)

    def evaluate(self, values: Mapping[str, Any]) -> float | np.ndarray:
        """The formula at `values` (one per parameter). Scalars give a float; arrays broadcast
        (e.g. 2-D grids for a contour plot) and give a new float64 array of the broadcast shape.
        Domain problems give nan or inf, never an exception or warning."""
        args = []
        for name in self._names:
            if name not in values:
                raise ValueError(f"no value given for parameter '{name}'")
            args.append(np.asarray(values[name], dtype=np.float64))
        program, n = self._program, self._program.n_value_ops
        if all(a.ndim == 0 for a in args):  # same arithmetic as value_and_gradient
            regs = [float(a) for a in args] + program.consts
            for fn, a, b in program.scalar_ops[:n]:
                regs.append(fn(regs[a], regs[b]))
            return float(regs[program.value])
        regs = args + program.consts
        with np.errstate(all="ignore"):
            for fn, a, b in program.array_ops[:n]:
                regs.append(fn(regs[a], regs[b]))
        out = np.empty(np.broadcast_shapes(*(a.shape for a in args)), dtype=np.float64)
        out[...] = regs[program.value]
        return out

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Cost and exact gradient at theta (parameters in `names` order); one training step."""
        program = self._program
        if type(theta) is not np.ndarray or theta.dtype != np.float64:
            theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (len(self._names),):
            raise ValueError(f"theta must have shape ({len(self._names)},), got {theta.shape}")
        regs = theta.tolist() + program.consts
        append = regs.append
        for fn, a, b in program.scalar_ops:
            append(fn(regs[a], regs[b]))
        return regs[program.value], np.array([regs[i] for i in program.gradient], np.float64)

    def _index(self, name: str) -> int:
        if name not in self._names:
            raise ValueError(f"unknown parameter {name!r} (parameters: {', '.join(self._names)})")
        return self._names.index(name)

    def partial(self, name: str) -> Expression:
        """d(self)/d(name), as an Expression in the same parameters."""
        key = ("partial", name)
        if key not in self._cache:
            self._cache[key] = Expression(self._derivatives[self._index(name)], self._names)
        return self._cache[key]

    def _sympy(self, name: str | None) -> Any:
        key = ("sympy", name)
        if key not in self._cache:  # the formula as typed; derivatives as simple as sympy can
            self._cache[key] = (
                self.to_sympy()
                if name is None
                else readable(self._derivatives[self._index(name)], self._names)
            )
        return self._cache[key]

    def to_sympy(self) -> Any:
        """The formula as an (unsimplified) sympy expression with real symbols; for display."""
        return to_sympy(self._tree, self._names)

    def formula_text(self) -> str:
        """The formula as sympy normalises it (not simplified: it should look like what was
        typed), e.g. "w**2/2" for 0.5*w^2."""
        return make_printer().doprint(self._sympy(None))

    def derivative_text(self, name: str) -> str:
        """d/d(name) simplified, e.g. "2*w - 6" for (w - 3)**2."""
        return make_printer().doprint(self._sympy(name))

    def derivative_latex(self, name: str) -> str:
        """d/d(name) as LaTeX (for rich-text display)."""
        import sympy as sp

        return sp.latex(self._sympy(name))
