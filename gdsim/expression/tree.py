"""Function-mode formulas: the immutable syntax tree, its error type, and iterative walks over it.

Every other part (parser, derivatives, compiler, sympy text) builds or walks these trees. All walks
go through :func:`fold`, which is iterative, so a long formula cannot hit the recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# The functions a formula may call (so not usable as parameter names); the config re-exports them.
FUNCTIONS = ("exp", "log", "sin", "cos", "tanh", "sqrt", "abs")


class ExpressionError(ValueError):
    """A formula (or its parameter names) that cannot be used; the message says what and where."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        # a 0-based index into the formula text, or None; messages count from 1, as a learner
        # reading the formula does
        self.position = position


# ----------------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" or "+"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # "+", "-", "*", "/" or "**"
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    func: str  # one of FUNCTIONS, or "sign" (only in derivatives of abs)
    arg: Node


Node = Number | Name | Unary | Binary | Call


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Call):
        return (node.arg,)
    return ()


def fold(
    roots: Sequence[Node], visit: Callable[[Node, list], Any], memo: dict[int, Any] | None = None
) -> list:
    """visit(node, results of its children) bottom-up, without recursion; shared subtrees once."""
    memo = {} if memo is None else memo  # keyed by id(): every node stays alive through `roots`
    for root in roots:
        stack = [root]
        while stack:
            node = stack[-1]
            if id(node) in memo:
                stack.pop()
                continue
            kids = _children(node)
            todo = [kid for kid in kids if id(kid) not in memo]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            memo[id(node)] = visit(node, [memo[id(kid)] for kid in kids])
    return [memo[id(root)] for root in roots]


def render(root: Node) -> str:
    """Our own syntax, parenthesised so that parse_expression reads back the same tree."""
    prec = {"+": 1, "-": 1, "*": 2, "/": 2}  # unary 3, power 4, atoms 5

    def wrap(part: tuple[str, int], ok: bool) -> str:
        return part[0] if ok else f"({part[0]})"

    def visit(node: Node, kids: list[tuple[str, int]]) -> tuple[str, int]:
        if isinstance(node, Number):
            v = node.value  # a negative number binds like a leading minus
            return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v), 3 if v < 0 else 5
        if isinstance(node, Name):
            return node.name, 5
        if isinstance(node, Call):
            return f"{node.func}({kids[0][0]})", 5
        if isinstance(node, Unary):
            return node.op + wrap(kids[0], kids[0][1] >= 3), 3
        left, right = kids
        if node.op == "**":
            return f"{wrap(left, left[1] > 4)}**{wrap(right, right[1] >= 3)}", 4
        p = prec[node.op]
        sep = f" {node.op} " if p == 1 else node.op
        return f"{wrap(left, left[1] >= p)}{sep}{wrap(right, right[1] > p and right[1] != 3)}", p

    return fold([root], visit)[0][0]
