"""Whether an answer means its key: STACK's algebraic equivalence, decided cheaply.

1. Symbolic tests that cost little: the same expression, a difference SymPy cancels on
   construction, and ``cancel`` for rational functions, where it decides exactly.
2. Otherwise numbers: both sides at random points inside the key's domain (points where
   the key is real and finite; a family may narrow the range a symbol is drawn from),
   equal within a relative tolerance. The points are drawn from the key's text, so one
   key is always tested at the same points.

An answer with a typed decimal is compared within the family's tolerance (``digits``
significant digits, 3 by default: 1.099 is log 3). A family can also declare how an
answer must be written (``FORMS``), where equivalence alone would accept too much: a
value left as a sum of numbers, a row where a column vector is asked for, an activation's
derivative in exponentials where it is asked in terms of the activation.

Wrong answers are described (``mistake``) by how they relate to the key, so the item
analysis can group them: a sign error, a missing or extra factor, a wrong log base, a
constant off, a transposed matrix.
"""

import cmath
import math
import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from generator.grading.grammar import Reading
from generator.kit.activations import sigmoid

__all__ = ["FORMS", "Rule", "Verdict", "compare", "fingerprint", "mistake"]

FORMS = {
    "number": "as a single number: no variables, nothing left to work out",
    "column vector": "as a column vector: [a; b; c]",
    "in terms of the activation": "in terms of the activation (sigma or tanh), without exponentials",
}
"""The forms a family may declare for an answer field, with what the student is told."""
EXACT = 1e-9
"""Relative tolerance of answers without decimals: rounding error only."""
POINTS = 6
ATTEMPTS = 60
"""Points tried to find ``POINTS`` where the key is defined (a logarithm's key is undefined at half of them)."""


@dataclass(frozen=True)
class Rule:
    """How one answer field is graded: its form, its tolerance and where its symbols are drawn from."""

    form: str | None = None
    digits: int = 3
    """Significant digits a decimal answer must get right."""
    domain: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Symbol name -> (low, high), for symbols the default range (both signs, 0.15 to 2.2) does not suit."""

    @property
    def tolerance(self) -> float:
        return 5 * 10.0 ** (-self.digits)


@dataclass(frozen=True)
class Verdict:
    correct: bool
    equivalent: bool
    """The value is right (it may still be written in the wrong form)."""
    reason: str | None = None
    """Why a right value is not accepted, or why the shapes cannot match."""


def compare(answer: Reading, key: sympy.Basic, rule: Rule = Rule()) -> Verdict:
    """Whether ``answer`` is ``key``, in the form ``rule`` asks for."""
    value, key, problem = _aligned(answer.value, key)
    if problem:
        return Verdict(False, False, problem)
    tolerance = rule.tolerance if answer.decimal else EXACT
    pairs = zip(_entries(value), _entries(key))
    equivalent = all(_equal(given, wanted, tolerance, rule) for given, wanted in pairs)
    reason = _form_problem(answer, rule.form)
    return Verdict(equivalent and reason is None, equivalent, reason)


def _aligned(value, key) -> tuple[sympy.Basic, sympy.Basic, str | None]:
    """Answer and key as comparable shapes, or the reason they cannot be compared.

    A 1x1 matrix is its entry; a vector may be written either way round (its value is then
    compared; whether a column vector was asked for is a question of form).
    """
    value, key = _unwrap(value), _unwrap(key)
    matrices = isinstance(value, sympy.MatrixBase), isinstance(key, sympy.MatrixBase)
    if matrices == (False, False):
        return value, key, None
    if matrices == (True, False):
        return value, key, f"expected a single expression, not a {_shape(value)} matrix"
    if matrices == (False, True):
        return value, key, f"expected a {_shape(key)} {_kind(key)}"
    if value.shape == key.shape:
        return value, key, None
    if value.shape == key.T.shape and 1 in key.shape:
        return value.T, key, None
    return value, key, f"expected a {_shape(key)} {_kind(key)}, got {_shape(value)}"


def _unwrap(value):
    return value[0, 0] if isinstance(value, sympy.MatrixBase) and value.shape == (1, 1) else value


def _shape(matrix: sympy.MatrixBase) -> str:
    return f"{matrix.rows}x{matrix.cols}"


def _kind(matrix: sympy.MatrixBase) -> str:
    return "column vector" if matrix.cols == 1 else "row vector" if matrix.rows == 1 else "matrix"


def _entries(value) -> list:
    return list(value) if isinstance(value, sympy.MatrixBase) else [value]


def _form_problem(answer: Reading, form: str | None) -> str | None:
    if form is None:
        return None
    value = answer.value
    if form == "number":
        written = not isinstance(value, sympy.MatrixBase) and not value.free_symbols and not answer.arithmetic
    elif form == "column vector":
        written = isinstance(value, sympy.MatrixBase) and value.cols == 1
    elif form == "in terms of the activation":
        written = not value.has(sympy.exp) and bool(answer.functions & {"sigma", "tanh"})
    else:
        raise ValueError(f"unknown answer form {form!r} (known: {', '.join(FORMS)})")
    return None if written else f"write it {FORMS[form]}"


def _equal(given: sympy.Expr, wanted: sympy.Expr, tolerance: float, rule: Rule) -> bool:
    if given == wanted:
        return True
    difference = given - wanted
    if difference == 0:
        return True
    if tolerance == EXACT and _rational(difference):
        return sympy.cancel(difference) == 0
    values = _values(given, wanted, rule)
    if not values:
        return sympy.expand(difference) == 0
    return all(_close(a, k, tolerance) for a, k in values)


def _rational(expr: sympy.Expr) -> bool:
    """A quotient of polynomials with rational coefficients, where ``cancel`` decides equality exactly."""
    if expr.atoms(sympy.Function, sympy.NumberSymbol) or not all(a.is_Symbol or a.is_Rational for a in expr.atoms()):
        return False
    return all(power.exp.is_Integer for power in expr.atoms(sympy.Pow))


def _close(a: complex, k: complex, tolerance: float) -> bool:
    if cmath.isinf(k) or cmath.isinf(a):
        return a == k
    scale = abs(k) if tolerance != EXACT else max(abs(k), 1.0)
    return abs(a - k) <= tolerance * scale or abs(a - k) <= 1e-12


def _values(given, wanted, rule: Rule) -> list[tuple[complex, complex]]:
    """(answer, key) at up to ``POINTS`` points where the key is real and finite."""
    symbols = sorted(given.free_symbols | wanted.free_symbols, key=str)
    rng = random.Random(zlib.crc32(sympy.srepr(wanted).encode()))
    found = []
    for _ in range(ATTEMPTS):
        point = {symbol: _draw(rng, rule.domain.get(str(symbol))) for symbol in symbols}
        key = evaluate(wanted, point)
        if cmath.isfinite(key) and abs(key.imag) <= 1e-9 * max(1.0, abs(key.real)):
            found.append((evaluate(given, point), key))
            if len(found) == POINTS or not symbols:
                break
    return found


def _draw(rng: random.Random, domain: tuple[float, float] | None) -> float:
    if domain is not None:
        return rng.uniform(*domain)
    return rng.choice((-1, 1)) * rng.uniform(0.15, 2.2)


_FUNCTIONS = {
    sympy.exp: cmath.exp, sympy.log: cmath.log, sympy.sin: cmath.sin, sympy.cos: cmath.cos, sympy.tan: cmath.tan,
    sympy.cot: lambda t: 1 / cmath.tan(t), sympy.sinh: cmath.sinh, sympy.cosh: cmath.cosh, sympy.tanh: cmath.tanh,
    sympy.asin: cmath.asin, sympy.acos: cmath.acos, sympy.atan: cmath.atan, sympy.Abs: abs,
    sigmoid: lambda t: 1 / (1 + cmath.exp(-t)),
}  # fmt: skip


def evaluate(expr: sympy.Basic, point: Mapping[sympy.Symbol, float]) -> complex:
    """``expr`` at ``point`` in complex floating point (NaN where undefined), much faster than ``evalf``."""
    try:
        return _evaluate(expr, point)
    except (ArithmeticError, ValueError, TypeError):
        return complex(math.nan, math.nan)


def _evaluate(expr: sympy.Basic, point: Mapping[sympy.Symbol, float]) -> complex:
    if expr.is_Symbol:
        return complex(point[expr])
    if expr.is_Number or expr.is_NumberSymbol:
        return complex(float(expr))
    if expr.is_Add:
        return sum((_evaluate(term, point) for term in expr.args), 0j)
    if expr.is_Mul:
        return math.prod((_evaluate(factor, point) for factor in expr.args), start=1 + 0j)
    if expr.is_Pow:
        base, exponent = _evaluate(expr.base, point), _evaluate(expr.exp, point)
        return base**exponent
    function = _FUNCTIONS.get(expr.func)
    if function is not None and len(expr.args) == 1:
        return complex(function(_evaluate(expr.args[0], point)))
    return complex(expr.xreplace({symbol: sympy.Float(value) for symbol, value in point.items()}).evalf())


def fingerprint(value: sympy.Basic, key: sympy.Basic, rule: Rule = Rule()) -> tuple:
    """A wrong answer's values at its key's points, rounded: equal for equivalent answers to one key."""
    value, key, problem = _aligned(value, key)
    if problem:
        return ("shape", problem)
    return tuple(
        (_rounded(a), _rounded(k))
        for given, wanted in zip(_entries(value), _entries(key))
        for a, k in _values(given, wanted, rule)[:3]
    )


def _rounded(number: complex) -> tuple[float, float]:
    return tuple(float(f"{part:.6g}") if math.isfinite(part) else part for part in (number.real, number.imag))


LOG_BASES = {math.log(2): "2", math.log(10): "10"}


def mistake(value: sympy.Basic, key: sympy.Basic, rule: Rule = Rule()) -> str | None:
    """How a wrong answer relates to its key, in words ("a sign error", "a factor 2 missing"), or None."""
    value, key, problem = _aligned(value, key)
    if problem:
        return problem
    if isinstance(key, sympy.MatrixBase):
        if key.is_square and not key.is_symmetric() and all(_equal(a, k, EXACT, rule) for a, k in zip(value.T, key)):
            return "the matrix transposed"
        relations = {_relation(a, k, rule) for a, k in zip(value, key) if not _equal(a, k, EXACT, rule)}
        return relations.pop() if len(relations) == 1 and None not in relations else None
    return _relation(value, key, rule)


def _relation(given, wanted, rule: Rule) -> str | None:
    values = [(a, k) for a, k in _values(given, wanted, rule) if cmath.isfinite(a) and abs(k) > 1e-9]
    if len(values) < 2 and (given.free_symbols or wanted.free_symbols) or not values:
        return None
    tolerance = rule.tolerance if given.has(sympy.Float) else 1e-7
    ratios = [a / k for a, k in values]
    if _constant(ratios):
        return _factor(ratios[0].real, tolerance) if abs(ratios[0].imag) < 1e-9 else None
    differences = [a - k for a, k in values]
    if _constant(differences) and abs(differences[0].imag) < 1e-9:
        return f"off by a constant {_number(differences[0].real)}"
    return None


def _constant(numbers: Sequence[complex]) -> bool:
    return all(abs(n - numbers[0]) <= 1e-7 * max(1.0, abs(numbers[0])) for n in numbers)


def _factor(ratio: float, tolerance: float) -> str | None:
    """The mistake a constant ratio of answer to key points to, ``tolerance`` being how exact the answer is."""
    if math.isclose(ratio, -1, rel_tol=tolerance):
        return "a sign error"
    for size, base in LOG_BASES.items():
        if math.isclose(abs(ratio), size, rel_tol=1e-7) or math.isclose(abs(ratio), 1 / size, rel_tol=1e-7):
            return f"a logarithm in the wrong base (ln {base} off)"
    sign = "a sign error and " if ratio < 0 else ""
    fraction = Fraction(abs(ratio)).limit_denominator(12)
    if not math.isclose(float(fraction), abs(ratio), rel_tol=tolerance):
        return None
    if fraction.numerator == 1:
        return f"{sign}a factor {fraction.denominator} missing"
    if fraction.denominator == 1:
        return f"{sign}an extra factor {fraction.numerator}"
    return f"{sign}off by a factor {fraction}"


def _number(value: float) -> str:
    fraction = Fraction(value).limit_denominator(12)
    return str(fraction) if math.isclose(float(fraction), value, rel_tol=1e-7, abs_tol=1e-12) else f"{value:.4g}"
