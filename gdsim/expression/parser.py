"""Function-mode formulas parsed from text: a whitelist tokenizer and recursive-descent parser.

The learner's text is tokenised and parsed by hand into a tree; nothing is ever passed to `eval`.
Every error says what is wrong and where, with a hint when a likely fix is known.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from gdsim.errors import closest
from gdsim.expression.tree import (
    FUNCTIONS,
    Binary,
    Call,
    ExpressionError,
    Name,
    Node,
    Number,
    Unary,
)

MAX_LENGTH = 1000  # characters
MAX_DEPTH = 100  # nested brackets, signs and powers; keeps parsing off the recursion limit


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
        f"unexpected character {char!r} at position {pos + 1}" + (f": {hint}" if hint else ""), pos
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


class Parser:
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
                f"formula is nested too deeply at position {self.tok.pos + 1} "
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
                    f"number {tok.text!r} at position {tok.pos + 1} is too large "
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
                        f"function '{tok.text}' at position {tok.pos + 1} needs parentheses: "
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
                f"missing operand after '{prev.text}' at position {prev.pos + 1}", prev.pos
            )
        if tok.kind == ")":
            raise ExpressionError(
                f"unbalanced parentheses: ')' at position {tok.pos + 1} has no matching '('",
                tok.pos,
            )
        raise ExpressionError(
            f"missing operand before '{tok.text}' at position {tok.pos + 1}", tok.pos
        )

    def group(self) -> Node:
        opening = self.advance()
        if self.tok.kind == ")":
            raise ExpressionError(f"empty parentheses at position {opening.pos + 1}", opening.pos)
        node = self.expr()
        if self.tok.kind == "end":
            raise ExpressionError(
                f"unbalanced parentheses: '(' at position {opening.pos + 1} is never closed",
                opening.pos,
            )
        if self.tok.kind != ")":
            raise self.side_by_side(self.tok)
        self.advance()
        return node

    def side_by_side(self, tok: _Token) -> ExpressionError:
        if tok.kind == ")":
            return ExpressionError(
                f"unbalanced parentheses: ')' at position {tok.pos + 1} has no matching '('",
                tok.pos,
            )
        if tok.kind == "name" and tok.text not in self.names and tok.text not in FUNCTIONS:
            return self.unknown(tok)
        prev = self.tokens[self.i - 1]
        return ExpressionError(
            f"two terms side by side at position {tok.pos + 1} ('{prev.text}' then "
            f"'{tok.text}'): write {prev.text}*{tok.text} to multiply",
            tok.pos,
        )

    def unknown(self, tok: _Token) -> ExpressionError:
        message = (
            f"unknown name '{tok.text}' at position {tok.pos + 1} (parameters: "
            f"{', '.join(self.names)}; functions: {', '.join(FUNCTIONS)})"
        )
        suggestion = closest(tok.text, (*FUNCTIONS, *self.names)) or _ALIASES.get(tok.text)
        if suggestion:
            message += f"; did you mean '{suggestion}'?"
        return ExpressionError(message, tok.pos)


def check_names(names: Sequence[str]) -> tuple[str, ...]:
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
