"""Typed maths, read by a grammar into SymPy: what a student writes, never run as code.

A student's answer is untrusted text. ``eval``, ``sympify`` and ``parse_expr`` all run
Python, so answers are read by a small LALR grammar (lark) whose only outputs are SymPy
numbers, symbols, the functions in ``FUNCTIONS``, arithmetic and matrices. It accepts
maths as people type it:

* ``2*x*exp(x^2)``, ``2x e^(x^2)``, ``x^2/(1+x^2)``, ``x**2`` (as SymPy prints it);
* ``sqrt``, ``ln``, ``log`` (natural; ``log(x, b)`` or ``log_b(x)`` for base b), ``log2``,
  ``log10``, ``exp``, the trigonometric and hyperbolic functions, ``abs``, ``sigma(t)``
  (the logistic sigmoid) and ``tanh``;
* ``pi``, ``e``, ``oo``; decimals and fractions; Greek letters by name or as letters (σ);
* matrices as ``[a, b; c, d]`` (rows apart by ``;``) or ``[[a, b], [c, d]]``; ``[a; b]`` is a column.

Names are read against the symbols of the key (``Names``): ``x1`` is ``x_1`` when the key
has ``x_1``, ``xy`` is ``x*y`` when the key has ``x`` and ``y``, and ``sigma`` is a
function when followed by brackets unless the key has a symbol sigma (then ``sigma(2)``
is ``2 sigma``).

Limits keep hostile or absurd input from costing more than a moment: the length, the
depth of brackets and of the parse tree, and the size of numeric powers (``9^9^9`` is
refused before SymPy would start computing it). Each is a ``Unreadable`` with a message
a student can act on. The time an answer may take is bounded by the caller
(``generator.grading.limits``).
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sympy
from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
)

from generator.kit.activations import sigmoid

__all__ = ["FUNCTIONS", "Names", "Reading", "Unreadable", "read", "read_key"]

MAX_LENGTH = 1000
"""Characters in one answer: the longest key of the project's sheets prints in under 200."""
MAX_KEY_LENGTH = 20000
MAX_DEPTH = 40
"""Nested brackets, and twice as many levels of the parse tree."""
MAX_EXPONENT = 1000
"""Largest power of an expression with symbols: (x + 1)^1000 is already more than any answer needs."""
MAX_DIGITS = 2000
"""Largest number a power of numbers may make, in decimal digits."""


class Unreadable(ValueError):
    """An answer the grammar cannot read, or will not (a limit); the message says why, for the student."""


GRAMMAR = r"""
?start: sum
?sum: product
    | sum "+" product          -> add
    | sum "-" product          -> sub
?product: signed
    | product "*" signed       -> mul
    | product "/" signed       -> div
    | product power            -> juxtaposed
?signed: power
    | "-" signed               -> neg
    | "+" signed
?power: atom
    | atom POW signed          -> pow
?atom: NUMBER                  -> number
    | NAME                     -> name
    | NAME "(" arguments ")"   -> call
    | "(" sum ")"
    | "[" rows "]"             -> matrix
arguments: sum ("," sum)*
rows: row (";" row)*
row: sum ("," sum)*
POW: "^" | "**"
NUMBER: /\d+(\.\d*)?|\.\d+/
NAME: /[A-Za-z][A-Za-z0-9_]*/
%import common.WS
%ignore WS
"""

_PARSER = Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "θ": "theta", "λ": "lambda",
    "μ": "mu", "ν": "nu", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "ω": "omega",
}  # fmt: skip
TYPOGRAPHY = {
    "−": "-",
    "·": "*",
    "×": "*",
    "⋅": "*",
    "²": "^2",
    "³": "^3",
    "∞": "oo",
    "÷": "/",
}
_PLAIN = str.maketrans({**GREEK, **TYPOGRAPHY})


def _log(argument: sympy.Expr, base: sympy.Expr | None = None) -> sympy.Expr:
    return sympy.log(argument) if base is None else sympy.log(argument, base)


FUNCTIONS = {
    "sqrt": sympy.sqrt, "exp": sympy.exp, "ln": _log, "log": _log,
    "log2": lambda t: sympy.log(t, 2), "log10": lambda t: sympy.log(t, 10), "lg": lambda t: sympy.log(t, 10),
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "cot": sympy.cot,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
    "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan,
    "abs": sympy.Abs, "Abs": sympy.Abs, "sigma": sigmoid, "sigmoid": sigmoid,
}  # fmt: skip
"""Every function an answer may apply, by the names people type (``Abs`` as SymPy prints it)."""
CONSTANTS = {
    "pi": sympy.pi,
    "e": sympy.E,
    "E": sympy.E,
    "oo": sympy.oo,
    "inf": sympy.oo,
    "infinity": sympy.oo,
}
_LOG_BASE = re.compile(r"log_?(\d+)")


@dataclass(frozen=True)
class Names:
    """The symbols a key uses, by name: how an answer's names are read (see the module's docstring)."""

    symbols: frozenset[str] = frozenset()
    exact: bool = False
    """Keys: every name is its own symbol, never split or matched loosely."""

    @classmethod
    def of(cls, *keys: sympy.Basic) -> "Names":
        return cls(frozenset(str(s) for key in keys for s in key.free_symbols))


@dataclass(frozen=True)
class Reading:
    """What an answer was read as: its value and what its form depends on."""

    value: sympy.Basic
    functions: frozenset[str] = frozenset()
    """Functions written (``exp`` also for ``e^...``), for forms such as "in terms of sigma"."""
    unknown: frozenset[str] = frozenset()
    """Names that are neither the key's symbols nor known constants or functions."""
    decimal: bool = False
    """A decimal was typed: the answer is compared within the family's tolerance."""
    arithmetic: bool = False
    """A sum or difference of numbers was left to work out."""


def read(text: str, names: Names = Names(), max_length: int = MAX_LENGTH) -> Reading:
    """The answer ``text`` read as maths; raises ``Unreadable`` with a reason a student can act on."""
    text = text.translate(_PLAIN).strip()
    if not text:
        raise Unreadable("the answer is empty")
    if len(text) > max_length:
        raise Unreadable(f"the answer is too long ({len(text)} characters, at most {max_length})")
    _check_brackets(text)
    try:
        tree = _PARSER.parse(text)
    except UnexpectedInput as error:
        raise Unreadable(_syntax_message(text, error)) from None
    except LarkError as error:
        raise Unreadable(f"could not read the answer ({error})") from None
    _check_tree_depth(tree)
    builder = _Builder(names)
    try:
        value = builder.build(tree)
    except (TypeError, ValueError, ArithmeticError, AttributeError) as error:  # SymPy refusing an operation
        if isinstance(error, Unreadable):
            raise
        raise Unreadable(f"this does not make sense as maths ({_plain_error(error)})") from None
    return Reading(
        value,
        frozenset(builder.functions),
        frozenset(builder.unknown),
        builder.decimal,
        builder.arithmetic,
    )


def read_key(text: str) -> sympy.Basic:
    """A key from answers.json (SymPy's own printing): every name is a symbol of its own."""
    return read(text, Names(exact=True), MAX_KEY_LENGTH).value


def _check_brackets(text: str) -> None:
    depth = deepest = 0
    for char in text:
        if char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise Unreadable(f"brackets are nested too deeply ({deepest} levels, at most {MAX_DEPTH})")


def _check_tree_depth(tree: Tree) -> None:
    """Chains without brackets (``- - - x``, ``x^x^x``) nest too; the builder recurses once per level."""
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > 2 * MAX_DEPTH:
            raise Unreadable(f"the expression is nested too deeply (more than {2 * MAX_DEPTH} levels)")
        pending.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def _syntax_message(text: str, error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedEOF) or getattr(error, "token", None) is not None and error.token.type == "$END":
        return "the answer ends too early (a bracket or an operand is missing)"
    position = getattr(error, "column", "?")
    if isinstance(error, UnexpectedCharacters):
        return f"cannot read {error.char!r} at position {position}"
    return f"cannot read {str(error.token)!r} at position {position}"


def _plain_error(error: BaseException) -> str:
    message = " ".join(str(error).split())
    return message[:120] if message else type(error).__name__


class _Builder:
    """Parse tree -> SymPy, reading names against the key's ``Names``; records what the form needs.

    Each rule (or alias) of the grammar is the method of its name, called with its children
    built. (lark's ``Transformer`` with ``v_args`` does the same but wraps every method on
    every call, a quarter of the time an answer takes to read.)
    """

    def __init__(self, names: Names):
        self.names = names
        self.functions: set[str] = set()
        self.unknown: set[str] = set()
        self.decimal = False
        self.arithmetic = False

    def build(self, node: Tree | Token):
        if isinstance(node, Token):
            return node
        return getattr(self, node.data)(*(self.build(child) for child in node.children))

    def number(self, token: Token) -> sympy.Number:
        if "." in token:
            self.decimal = True
            return sympy.Float(str(token), max(15, len(token)))
        return sympy.Integer(str(token))

    def name(self, token: Token) -> sympy.Basic:
        return self._symbol(str(token))

    def call(self, token: Token, arguments: list) -> sympy.Basic:
        name = str(token)
        function = self._function(name)
        if function is None:
            if len(arguments) != 1:
                raise Unreadable(f"{name} is not a function this grader knows")
            return _multiply(self._symbol(name), arguments[0])
        self.functions.add(name if function is not sigmoid else "sigma")
        if name in ("log", "ln") and len(arguments) == 2:
            return function(*arguments)
        if len(arguments) != 1:
            raise Unreadable(f"{name} takes one argument, got {len(arguments)}")
        (argument,) = arguments
        if isinstance(argument, sympy.MatrixBase):
            if name == "Matrix":
                return argument
            raise Unreadable(f"{name} of a matrix is not defined")
        return function(argument)

    def arguments(self, *items) -> list:
        return list(items)

    def add(self, left, right):
        self._note_arithmetic(left, right)
        return left + right

    def sub(self, left, right):
        self._note_arithmetic(left, right)
        return left - right

    def mul(self, left, right):
        self._note_arithmetic(left, right, rational=True)
        return _multiply(left, right)

    def juxtaposed(self, left, right):
        """Multiplication written without ``*`` (``2x``, ``x e^x``); two numbers side by side are a typo, not a product."""
        if _is_number(left) and isinstance(right, sympy.Number):
            raise Unreadable("two numbers side by side: write an operator between them")
        return self.mul(left, right)

    def div(self, left, right):
        if isinstance(right, sympy.MatrixBase):
            raise Unreadable("cannot divide by a matrix")
        if right == 0:
            raise Unreadable("division by zero")
        return left / right

    def neg(self, operand):
        return -operand

    def pow(self, base, _operator, exponent):
        if isinstance(exponent, sympy.MatrixBase):
            raise Unreadable("a power cannot have a matrix as exponent")
        _check_power(base, exponent)
        self._note_arithmetic(base, exponent, rational=True)
        if base == sympy.E:
            self.functions.add("exp")
        if isinstance(base, sympy.MatrixBase):
            if not (exponent.is_Integer and base.is_square):
                raise Unreadable("only square matrices have whole powers")
            return sympy.ImmutableMatrix(base**exponent)
        return base**exponent

    def row(self, *entries) -> list:
        return list(entries)

    def rows(self, *rows) -> list:
        return list(rows)

    def matrix(self, rows: list) -> sympy.ImmutableMatrix:
        if len(rows) == 1 and all(isinstance(entry, sympy.MatrixBase) and entry.rows == 1 for entry in rows[0]):
            rows = [list(entry) for entry in rows[0]]  # [[a, b], [c, d]]: rows written as lists
        if any(isinstance(entry, sympy.MatrixBase) for row in rows for entry in row):
            raise Unreadable("a matrix entry is itself a matrix")
        if len({len(row) for row in rows}) != 1:
            raise Unreadable("the rows of the matrix have different lengths")
        return sympy.ImmutableMatrix(rows)

    def _note_arithmetic(self, left, right, rational: bool = False) -> None:
        """Numbers combined (``1 + 2``; with ``rational``, ``2*3`` but not ``2*sqrt(2)``): work left to do."""
        if rational:
            self.arithmetic |= all(isinstance(side, sympy.Rational) for side in (left, right))
        else:
            self.arithmetic |= _is_number(left) and _is_number(right)

    def _function(self, name: str):
        if name in self.names.symbols:
            return None
        if name == "Matrix":
            return sympy.ImmutableMatrix
        if (base := _LOG_BASE.fullmatch(name)) and name not in FUNCTIONS:
            return lambda t: sympy.log(t, int(base.group(1)))
        return FUNCTIONS.get(name)

    def _symbol(self, name: str) -> sympy.Basic:
        if name in self.names.symbols or (self.names.exact and name not in CONSTANTS):
            return sympy.Symbol(name)
        if name in CONSTANTS:
            return CONSTANTS[name]
        loose = [s for s in self.names.symbols if s.replace("_", "") == name.replace("_", "")]
        if len(loose) == 1:
            return sympy.Symbol(loose[0])
        pieces = _split(name, self.names.symbols | {"e", "pi"})
        if pieces:
            return sympy.Mul(*(self._symbol(piece) for piece in pieces))
        if name in FUNCTIONS:
            raise Unreadable(f"{name} needs brackets around what it applies to, as in {name}(x)")
        self.unknown.add(name)
        return sympy.Symbol(name)


def _split(name: str, known: Iterable[str]) -> list[str] | None:
    """``name`` as a product of known names and numbers (``xy`` -> x, y; ``2x`` never gets here), or None."""
    known = sorted(known, key=len, reverse=True)
    pieces: list[str] = []
    rest = name
    while rest:
        piece = next((k for k in known if rest.startswith(k)), None)
        if piece is None:
            return None
        pieces.append(piece)
        rest = rest[len(piece) :]
    return pieces if len(pieces) > 1 else None


def _multiply(left, right):
    if isinstance(left, sympy.MatrixBase) and isinstance(right, sympy.MatrixBase):
        if left.cols != right.rows:
            raise Unreadable(f"cannot multiply a {_shape(left)} matrix by a {_shape(right)} matrix")
        return sympy.ImmutableMatrix(left * right)
    return left * right


def _shape(matrix: sympy.MatrixBase) -> str:
    return f"{matrix.rows}x{matrix.cols}"


def _is_number(value) -> bool:
    return isinstance(value, sympy.Basic) and not isinstance(value, sympy.MatrixBase) and value.is_number


def _check_power(base, exponent) -> None:
    """Refuse powers that would take SymPy minutes (or memory) to build, before it starts."""
    if not (exponent.is_number and exponent.is_finite):
        return
    size = _magnitude(exponent)
    if isinstance(base, sympy.MatrixBase) or not base.is_number:
        if size > MAX_EXPONENT:
            raise Unreadable(f"the exponent is too large (at most {MAX_EXPONENT})")
        return
    if base.is_Rational and base.q == 1 and abs(base.p) <= 1:
        return
    digits_per_power = max(1.0, math.log10(abs(base.p) + abs(base.q))) if base.is_Rational else 1.0
    if size * digits_per_power > MAX_DIGITS:
        raise Unreadable(f"the number is too large (a power with more than {MAX_DIGITS} digits)")


def _magnitude(exponent: sympy.Expr) -> float:
    """|exponent| for a numeric exponent (``2``, ``10^400``, ``2*pi``); infinite when too large for a float."""
    try:
        return abs(float(exponent)) if exponent.is_Rational else abs(complex(exponent.evalf(15)))
    except (TypeError, ValueError, OverflowError):
        return math.inf
