"""Random smooth functions for the calculus families (a small grammar), and the shapes that tell two apart.

``smooth_function`` draws a function of x, y (z) that needs one or two differentiation rules per
partial; ``structure`` and ``skeleton`` forget its numbers, so that a part never asks the same
exercise twice up to constants.
"""

import itertools
import random
from collections.abc import Sequence

import sympy

from generator.kit.widths import printed_width
from generator.speed import remembered

__all__ = [
    "compound_parts",
    "coordinates",
    "indexed_coordinates",
    "readable",
    "skeleton",
    "smooth_function",
    "smooth_function_of_some",
    "structure",
]

COORDINATES = sympy.symbols("x y z", real=True)
"""The variables of the multivariate families, as the sheets name them for n <= 3."""

MAX_POWER = 4


def coordinates(n: int) -> tuple[sympy.Symbol, ...]:
    """``(x, y)`` or ``(x, y, z)``."""
    return COORDINATES[:n]


def indexed_coordinates(n: int) -> tuple[sympy.Symbol, ...]:
    """``(x_1, ..., x_n)``: the components of a vector ``x`` in R^n."""
    return tuple(sympy.Symbol(f"x_{i}", real=True) for i in range(1, n + 1))


def smooth_function(rng: random.Random, variables: Sequence[sympy.Symbol], level: int = 1) -> sympy.Expr:
    """A random smooth f involving every one of ``variables`` (1 to 3 symbols).

    Level 1 needs one differentiation rule per partial (``e^{xy}``,
    ``x^2 e^y``, ``x / (1 + y^2)``, ``x^3 y + e^{xy}``); level 2 nests a
    second one (``e^{-y} sin(e^x)``, ``sin(x e^y)``). Logs and denominators
    are of expressions positive on all of R^n, so f is smooth everywhere.
    """
    variables = list(variables)
    if level == 1:
        shape = rng.choice(["chain", "chain", "product", "quotient", "sum", "polynomial"])
        return _LEVEL_ONE[shape](rng, variables)
    shape = rng.choice(["outer-times-factor", "nested", "product"] if len(variables) > 1 else ["nested", "product"])
    if shape == "outer-times-factor":
        factor_variable = rng.choice(variables)
        rest = [v for v in variables if v != factor_variable]
        outer = _outer(rng, _nonlinear_inner(rng, rest))
        return _factor(rng, factor_variable, outer) * outer
    if shape == "nested":
        return _outer(rng, _LEVEL_ONE[rng.choice(["chain", "product", "polynomial"])](rng, variables))
    outer = _chain(rng, variables)
    return _factor(rng, rng.choice(variables), outer) * outer


def smooth_function_of_some(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """A level-1 ``smooth_function`` of a random non-empty subset of ``variables``, most often two of them.

    For the components of vector-valued functions, which need not each involve every variable.
    """
    size = min(len(variables), rng.choice([1, 2, 2, 3]))
    chosen = set(rng.sample(list(variables), size))
    return smooth_function(rng, [v for v in variables if v in chosen], 1)


def structure(expr: sympy.Basic) -> object:
    """``expr`` with every number forgotten: ``x cos x / (2x^2 + 1)`` and ``x cos x / (x^2 + 3)`` are alike.

    Two functions of one part with the same structure ask the same question twice. A sum or
    product left with one operand once its numbers are gone is that operand (``2x^2`` is ``x^2``).
    """
    if expr.is_number:
        return "c"
    if expr.is_Atom:
        return str(expr)
    children = [structure(arg) for arg in expr.args if not arg.is_number]
    if isinstance(expr, (sympy.Add, sympy.Mul)):
        if len(children) == 1:
            return children[0]
        return (type(expr).__name__, tuple(sorted(children, key=repr)))
    return (type(expr).__name__, tuple(children))


def compound_parts(expr: sympy.Expr) -> frozenset[sympy.Expr]:
    """The sub-expressions of ``expr`` (itself included) that take a rule of their own, without their numeric
    coefficient: products and quotients of two or more non-constant factors (a quotient's numerator and
    denominator too, and the products of some of the factors: ``e^x cos x`` in ``(2x + 1) e^x cos x``), and functions and powers of an argument that is not linear; never a polynomial
    (``x^2 y``, a squared norm), which the table differentiates term by term.

    Two functions of one part that share one have its derivative worked twice: ``sin(e^x sin x)`` and
    ``e^x sin x / (cos x + 2)`` both name and differentiate ``e^x sin x``. A bare ``e^x``, ``sin x``, ``e^{2x}``
    or a sum such as ``cos x + 2`` is a line of the table, which may well recur.
    """
    parts = set()
    for node in sympy.preorder_traversal(expr):
        if node.is_Mul:
            for candidate in {node, *sympy.fraction(node, exact=True)}:
                factors = [factor for factor in sympy.Mul.make_args(candidate) if factor.free_symbols]
                for size in range(2, len(factors) + 1):
                    parts.update(
                        product
                        for product in (sympy.Mul(*chosen) for chosen in itertools.combinations(factors, size))
                        if not _is_polynomial(product)
                    )
        elif isinstance(node, (sympy.Function, sympy.Pow)) and node.free_symbols:
            inner = (node.base if node.base.free_symbols else node.exp) if node.is_Pow else node.args[0]
            if node.is_Pow and node.exp.is_negative:
                continue  # a denominator: counted above, as the quotient's
            if not _is_polynomial(node) and not _is_polynomial(inner, degree=1):
                parts.add(node)
    return frozenset(parts)


def _is_polynomial(expr: sympy.Expr, degree: int | None = None) -> bool:
    """Whether ``expr`` (evaluated: a squared norm is its sum of squares) is a polynomial, of at most ``degree``."""
    value = sympy.expand(expr.doit())
    symbols = value.free_symbols
    if not value.is_polynomial(*symbols):
        return False
    return degree is None or not symbols or sympy.Poly(value, *symbols).total_degree() <= degree


_POLYNOMIAL = sympy.Symbol("P")
"""Stands for every polynomial factor in a ``skeleton``."""


def skeleton(expr: sympy.Expr, x: sympy.Symbol) -> object:
    """The ``structure`` of ``expr`` with each polynomial factor above or below its bar one placeholder.

    ``e^x cos x / (4 - x)`` and ``e^x cos x / (3x^2 + 1)`` differ only in a polynomial: their
    numerators, the pieces named and the rules applied are the same, and a teaching assistant
    sees the same exercise twice.
    """
    factors = []
    for factor in sympy.Mul.make_args(expr):
        base, exponent = factor.as_base_exp()
        if base.has(x) and base.is_polynomial(x):
            factor = _POLYNOMIAL ** sympy.sign(exponent)
        factors.append(factor)
    return structure(sympy.Mul(*factors))


def _coefficient(rng: random.Random) -> int:
    return rng.choice([1, 1, 1, 2, 3, -1, -2])


def _monomial(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """c x^a y^b ... over exactly ``variables``, total degree at most 3."""
    powers = [1] * len(variables)
    if len(variables) < 3 and rng.random() < 0.6:
        powers[rng.randrange(len(variables))] += 1
    if len(variables) == 1 and rng.random() < 0.5:
        powers[0] += 1
    return _coefficient(rng) * sympy.Mul(*(v**k for v, k in zip(variables, powers)))


def _inner(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """The argument of an outer function: ``xy``, ``x + 2y``, ``x - y^2``, ``e^x``, ``2x`` ..."""
    if len(variables) == 1:
        v = variables[0]
        return rng.choice([v**2, _coefficient(rng) * v, sympy.exp(v), sympy.exp(-v), v**2 + v, 2 * v])
    shape = rng.choice(["monomial", "linear", "mixed"])
    if shape == "monomial":
        return _monomial(rng, variables)
    if shape == "linear":
        return sympy.Add(*(_coefficient(rng) * v for v in variables))
    first, *rest = rng.sample(list(variables), len(variables))
    return first + _coefficient(rng) * sympy.Mul(*rest) ** rng.choice([1, 2])


def _positive(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """An expression of exactly ``variables`` that is at least 1 everywhere: safe under log and as a denominator."""
    shape = rng.choice(["squares", "squares", "exp"] if len(variables) == 1 else ["squares", "product"])
    if shape == "squares":
        return 1 + sympy.Add(*(rng.choice([1, 1, 2]) * v**2 for v in variables))
    if shape == "exp":
        return 1 + sympy.exp(rng.choice([1, 2]) * variables[0])
    return 1 + sympy.Mul(*variables) ** 2


def _elementary(rng: random.Random, v: sympy.Symbol) -> sympy.Expr:
    """A one-variable piece whose derivative is in the table: ``x^2``, ``e^{-x}``, ``sin x`` ..."""
    return rng.choice([v, v**2, v**3, sympy.exp(v), sympy.exp(-v), sympy.exp(2 * v), sympy.sin(v), sympy.cos(v)])


def _outer(rng: random.Random, inner: sympy.Expr) -> sympy.Expr:
    """exp, sin or cos of ``inner``; not exp around an exp or a log, which SymPy merges or prints as e^{e^{...}}."""
    if inner.has(sympy.exp, sympy.log):
        return rng.choice([sympy.sin, sympy.cos])(inner)
    return rng.choice([sympy.exp, sympy.sin, sympy.cos])(inner)


def _nonlinear_inner(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """An inner function that makes a second chain rule necessary: ``e^x``, ``x^2``, ``xy`` ..."""
    if len(variables) == 1:
        v = variables[0]
        return rng.choice([v**2, sympy.exp(v), sympy.exp(-v), v**2 + v])
    return _monomial(rng, variables)


def _factor(rng: random.Random, v: sympy.Symbol, other: sympy.Expr) -> sympy.Expr:
    """An elementary factor in ``v`` for a product with ``other``; no second exponential."""
    pieces = [v, v**2, sympy.sin(v), sympy.cos(v)]
    if not other.has(sympy.exp):
        pieces += [sympy.exp(v), sympy.exp(-v)]
    return rng.choice(pieces)


def _chain(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    if rng.random() < 0.2:
        return sympy.log(_positive(rng, variables))
    return _outer(rng, _inner(rng, variables))


def _product(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    if len(variables) == 1:
        return variables[0] ** rng.randint(1, 2) * rng.choice([sympy.exp, sympy.sin, sympy.cos])(variables[0])
    product = _elementary(rng, variables[0])
    for v in variables[1:]:
        product *= _factor(rng, v, product)
    return product


def _quotient(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    if len(variables) == 1:
        return _elementary(rng, variables[0]) / _positive(rng, variables)
    top, bottom = _split(rng, variables)
    numerator = _monomial(rng, top) if rng.random() < 0.5 else _product(rng, top)
    return numerator / _positive(rng, bottom)


def _sum(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    if len(variables) == 1:
        return _monomial(rng, variables) + _outer(rng, _inner(rng, variables))
    first, second = _split(rng, variables)
    if rng.random() < 0.5:
        first = variables
    return _monomial(rng, first) + _chain(rng, second)


def _polynomial(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    """Two monomials of different shapes, together involving every variable: ``x^2 y + 3y``."""
    if len(variables) == 1:
        v = variables[0]
        return v ** rng.randint(2, 3) + _coefficient(rng) * v
    return _monomial(rng, variables) + _monomial(rng, rng.choice(_split(rng, variables)))


def _split(rng: random.Random, variables: list[sympy.Symbol]) -> tuple[list[sympy.Symbol], list[sympy.Symbol]]:
    """Two non-empty disjoint groups covering ``variables`` (at least two of them)."""
    shuffled = rng.sample(variables, len(variables))
    cut = rng.randint(1, len(shuffled) - 1)
    return shuffled[:cut], shuffled[cut:]


_LEVEL_ONE = {
    "chain": _chain,
    "product": _product,
    "quotient": _quotient,
    "sum": _sum,
    "polynomial": _polynomial,
}


@remembered(maxsize=8192)
def readable(expr: sympy.Expr, max_width: int) -> bool:
    """Typesets within ``max_width`` characters (see ``printed_width``) and keeps integer powers small.

    SymPy merges ``x^2 * x^3`` into ``x^5``; such merges are rejected rather than printed.
    Remembered per process: sampling asks about the same components and partials again.
    """
    powers = [node.exp for node in sympy.preorder_traversal(expr) if node.is_Pow and node.exp.is_Integer]
    return printed_width(expr) <= max_width and all(abs(power) <= MAX_POWER for power in powers)
