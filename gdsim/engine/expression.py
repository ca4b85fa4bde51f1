"""Function-mode formulas: a whitelist parser, exact symbolic gradients, and readable text.

The learner's text is tokenised and parsed by hand into a small immutable tree; nothing is ever
passed to `eval`, and sympy only ever sees trees built here (never text). Derivatives are taken
on our own tree and compiled, together with the formula, into one straight-line program, so a
training step costs a few microseconds and subtrees shared by the cost and its gradient are
computed once. All tree walks are iterative: a long formula cannot hit the recursion limit.
"""

from __future__ import annotations

import difflib
import functools
import keyword
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

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

FUNCTIONS = ("exp", "log", "sin", "cos", "tanh", "sqrt", "abs")
MAX_LENGTH = 1000  # characters
MAX_DEPTH = 100  # nested brackets, signs and powers; keeps parsing off the recursion limit
SIMPLIFY_MAX_NODES = 200  # larger derivatives are shown as they are


class ExpressionError(ValueError):
    """A formula (or its parameter names) that cannot be used; the message says what and where."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position  # 0-based index into the formula text, or None


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


def _fold(
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


def _scalar_pow(a, b):
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
_SCALAR: dict[str, Callable] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _scalar_div,
    "**": _scalar_pow,
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
# Tokenizer and recursive-descent parser

_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HINTS = {
    "²": "write **2",
    "³": "write **3",
    "×": "write * to multiply",
    "·": "write * to multiply",
    "÷": "write / to divide",
    "−": "type the minus sign as -",
    "–": "type the minus sign as -",
    ",": "use . as the decimal point",
    "=": "type only the formula, e.g. (w - 3)**2",
    "[": "use round brackets ( )",
    "]": "use round brackets ( )",
    "{": "use round brackets ( )",
    "}": "use round brackets ( )",
}
_ALIASES = {"ln": "log", "e": "exp(1)"}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "number", "name", "end", or the operator / bracket itself ("^" becomes "**")
    text: str  # as typed
    pos: int


def _unexpected(text: str, pos: int) -> ExpressionError:
    char = text[pos]
    hint = _HINTS.get(char)
    return ExpressionError(
        f"unexpected character {char!r} at position {pos}" + (f": {hint}" if hint else ""), pos
    )


def _tokenize(text: str, names: tuple[str, ...]) -> list[_Token]:
    tokens, i, n = [], 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif match := _NUMBER.match(text, i):
            tokens.append(_Token("number", match.group(), i))
            i = match.end()
        elif char.isidentifier():  # a letter or "_"
            j = i + 1
            while j < n and ("a" + text[j]).isidentifier():
                j += 1
            word = text[i:j]
            if word.startswith("_") and word not in names:  # dunder tricks stop here
                raise _unexpected(text, i)
            tokens.append(_Token("name", word, i))
            i = j
        elif text.startswith("**", i):
            tokens.append(_Token("**", "**", i))
            i += 2
        elif char in "+-*/()^":
            tokens.append(_Token("**" if char == "^" else char, char, i))
            i += 1
        else:
            raise _unexpected(text, i)
    tokens.append(_Token("end", "", n))
    return tokens


class _Parser:
    """expr := term (('+'|'-') term)*;  term := unary (('*'|'/') unary)*;
    unary := ('-'|'+') unary | power;  power := atom ('**' unary)?;
    atom := number | name | func '(' expr ')' | '(' expr ')'"""

    def __init__(self, text: str, names: tuple[str, ...]):
        self.names = names
        self.tokens = _tokenize(text, names)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def advance(self) -> _Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def parse(self) -> Node:
        node = self.expr()
        if self.tok.kind != "end":
            raise self.side_by_side(self.tok)
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.tok.kind in ("+", "-"):
            op = self.advance().kind
            node = Binary(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind in ("*", "/"):
            op = self.advance().kind
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"formula is nested too deeply at position {self.tok.pos} "
                f"(at most {MAX_DEPTH} levels)",
                self.tok.pos,
            )
        if self.tok.kind in ("+", "-"):
            op = self.advance().kind
            node: Node = Unary(op, self.unary())
        else:
            node = self.atom()
            if self.tok.kind == "**":  # right-associative, and binds tighter than a leading sign
                self.advance()
                node = Binary("**", node, self.unary())
        self.depth -= 1
        return node

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.advance()
            value = float(tok.text)
            if not math.isfinite(value):
                raise ExpressionError(
                    f"number {tok.text!r} at position {tok.pos} is too large "
                    "(the largest is about 1.8e308)",
                    tok.pos,
                )
            return Number(value)
        if tok.kind == "name":
            if tok.text in self.names:
                self.advance()
                return Name(tok.text)
            if tok.text in FUNCTIONS:
                self.advance()
                if self.tok.kind != "(":
                    raise ExpressionError(
                        f"function '{tok.text}' at position {tok.pos} needs parentheses: "
                        f"write {tok.text}({self.names[0]})",
                        tok.pos,
                    )
                return Call(tok.text, self.group())
            raise self.unknown(tok)
        if tok.kind == "(":
            return self.group()
        prev = self.tokens[self.i - 1] if self.i else None
        if prev is not None and prev.kind in ("+", "-", "*", "/", "**"):
            raise ExpressionError(
                f"missing operand after '{prev.text}' at position {prev.pos}", prev.pos
            )
        if tok.kind == ")":
            raise ExpressionError(
                f"unbalanced parentheses: ')' at position {tok.pos} has no matching '('", tok.pos
            )
        raise ExpressionError(f"missing operand before '{tok.text}' at position {tok.pos}", tok.pos)

    def group(self) -> Node:
        opening = self.advance()
        if self.tok.kind == ")":
            raise ExpressionError(f"empty parentheses at position {opening.pos}", opening.pos)
        node = self.expr()
        if self.tok.kind == "end":
            raise ExpressionError(
                f"unbalanced parentheses: '(' at position {opening.pos} is never closed",
                opening.pos,
            )
        if self.tok.kind != ")":
            raise self.side_by_side(self.tok)
        self.advance()
        return node

    def side_by_side(self, tok: _Token) -> ExpressionError:
        if tok.kind == ")":
            return ExpressionError(
                f"unbalanced parentheses: ')' at position {tok.pos} has no matching '('", tok.pos
            )
        if tok.kind == "name" and tok.text not in self.names and tok.text not in FUNCTIONS:
            return self.unknown(tok)
        prev = self.tokens[self.i - 1]
        return ExpressionError(
            f"two terms side by side at position {tok.pos} ('{prev.text}' then "
            f"'{tok.text}'): write {prev.text}*{tok.text} to multiply",
            tok.pos,
        )

    def unknown(self, tok: _Token) -> ExpressionError:
        message = (
            f"unknown name '{tok.text}' at position {tok.pos} (parameters: "
            f"{', '.join(self.names)}; functions: {', '.join(FUNCTIONS)})"
        )
        known = {c.lower(): c for c in (*FUNCTIONS, *self.names)}
        close = difflib.get_close_matches(tok.text.lower(), list(known), n=1, cutoff=0.6)
        suggestion = known[close[0]] if close else _ALIASES.get(tok.text)
        if suggestion:
            message += f"; did you mean '{suggestion}'?"
        return ExpressionError(message, tok.pos)


def _check_names(names: Sequence[str]) -> tuple[str, ...]:
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise ExpressionError(f"parameter names must be a list such as ['w'], got {names!r}")
    if not 1 <= len(names) <= 2:
        raise ExpressionError(f"expected one or two parameter names, got {len(names)}")
    for name in names:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ExpressionError(
                f"{name!r} is not a valid parameter name (use letters, digits "
                "and _, not starting with a digit)"
            )
        if name in FUNCTIONS:
            raise ExpressionError(f"'{name}' is a function name and cannot be a parameter")
    if len(set(names)) != len(names):
        raise ExpressionError(f"parameter names must differ, got {', '.join(names)}")
    return tuple(names)


def parse_expression(text: str, names: Sequence[str]) -> Expression:
    """Parse a cost formula in the given parameter names; raise ExpressionError if unusable."""
    names = _check_names(names)
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
    return Expression(_Parser(text, names).parse(), names, text)


# ----------------------------------------------------------------------------------------------
# Symbolic differentiation. The constructors fold constants and drop 0s and 1s, so derivative
# trees stay small and "independent of x" is exactly "derivative folded to Number(0)".

ZERO, ONE, TWO = Number(0.0), Number(1.0), Number(2.0)


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Number) and node.value == value


def _op(op: str, a: Node, b: Node | None = None) -> Node:
    if isinstance(a, Number) and (b is None or isinstance(b, Number)):
        value = _SCALAR[op](a.value, None if b is None else b.value)
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


def _derivative(root: Node, var: str) -> Node:
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

    return _fold([root], visit)[0]


def _render(root: Node) -> str:
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

    return _fold([root], visit)[0][0]


# ----------------------------------------------------------------------------------------------
# Compilation


class _Program:
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
        refs = _fold(roots[:1], visit, memo)
        self.n_value_ops = len(ops)  # the formula alone is a prefix of the program
        refs += _fold(roots[1:], visit, memo)
        base = {"input": 0, "const": len(names), "op": len(names) + len(consts)}

        def at(ref: tuple) -> int:
            return base[ref[0]] + ref[1]

        self.consts = consts
        self.scalar_ops = [(_SCALAR[code], at(a), at(b)) for code, a, b in ops]
        self.array_ops = [(_ARRAY[code], at(a), at(b)) for code, a, b in ops]
        self.value = at(refs[0])
        self.gradient = [at(ref) for ref in refs[1:]]


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
            return sp.Float(_scalar_pow(float(a), float(b)))  # inf and nan become oo and nan
    return a**b


def _to_sympy(root: Node, names: tuple[str, ...]) -> Any:
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

    return _fold([root], visit)[0]


def _size(root: Node) -> int:
    """Node count as a tree (shared subtrees counted each time they appear)."""
    return _fold([root], lambda node, kids: 1 + sum(kids))[0]


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


def _readable(root: Node, names: tuple[str, ...]) -> Any:
    """The shortest text among a few cheap rewritings. Not sympy.simplify: that takes minutes on
    some 50-node derivatives and cannot be interrupted."""
    import sympy as sp

    expr = _to_sympy(root, names)
    if _size(root) > SIMPLIFY_MAX_NODES:
        return expr
    candidates = [expr, sp.factor_terms(expr), sp.together(expr)]
    if _expanded_terms(expr, 30) <= 30:  # 4*w*(w**2 - 1) reads better as 4*w**3 - 4*w
        expanded = sp.expand(expr, power_exp=False, power_base=False, log=False)
        candidates += [expanded, sp.factor_terms(expanded)]
    return min(candidates, key=lambda e: (len(str(e)), sp.count_ops(e)))


@functools.lru_cache(maxsize=1)
def _printer() -> Any:
    from sympy.printing.str import StrPrinter

    class Printer(StrPrinter):
        """sympy's Python-like syntax, but in the names the learner types."""

        def _print_Abs(self, expr):
            return f"abs({self._print(expr.args[0])})"

        def _print_Exp1(self, expr):
            return "exp(1)"

    return Printer()


# ----------------------------------------------------------------------------------------------
# Expression


class Expression:
    """A parsed formula in one or two parameters: evaluate it, its exact gradient, its text.

    Made by parse_expression (or partial); `tree` may only use Names from `names`."""

    def __init__(self, tree: Node, names: Sequence[str], text: str | None = None):
        self._tree = tree
        self._names = tuple(names)
        self._text = _render(tree) if text is None else text
        self._cache: dict[tuple[str, str | None], Any] = {}

    text = property(lambda self: self._text, doc="The formula as typed (or rendered).")
    names = property(lambda self: self._names, doc="Parameter names, in gradient order.")
    tree = property(lambda self: self._tree, doc="The immutable syntax tree.")

    def __repr__(self) -> str:
        return f"Expression({self._text!r}, names={self._names!r})"

    @cached_property
    def _derivatives(self) -> tuple[Node, ...]:
        return tuple(_derivative(self._tree, name) for name in self._names)

    @cached_property
    def _program(self) -> _Program:
        return _Program([self._tree, *self._derivatives], self._names)

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
                else _readable(self._derivatives[self._index(name)], self._names)
            )
        return self._cache[key]

    def to_sympy(self) -> Any:
        """The formula as an (unsimplified) sympy expression with real symbols; for display."""
        return _to_sympy(self._tree, self._names)

    def formula_text(self) -> str:
        """The formula as sympy normalises it (not simplified: it should look like what was
        typed), e.g. "w**2/2" for 0.5*w^2."""
        return _printer().doprint(self._sympy(None))

    def derivative_text(self, name: str) -> str:
        """d/d(name) simplified, e.g. "2*w - 6" for (w - 3)**2."""
        return _printer().doprint(self._sympy(name))

    def derivative_latex(self, name: str) -> str:
        """d/d(name) as LaTeX (for rich-text display)."""
        import sympy as sp

        return sp.latex(self._sympy(name))
