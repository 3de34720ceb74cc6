"""Hessians of scalar functions f: R^n -> R, n = 2 or 3.

f is a small smooth function of x, y (z) that couples its variables
(``e^{xy}``, ``x^2 sin y``, ``log(1 + x^2 + y^2)``, ``x^3 y + e^{xy}``). The
solution works out the first partials, then differentiates each (as printed)
once more for the second partials of the upper triangle (the lower one follows
by Schwarz's theorem), every one rule by rule
(``generator.kit.differentiation.worked_partial``), then writes the symmetric matrix.
Option: ``n``.

Excluded by construction: f with a constant Hessian (quadratic or simpler),
a zero diagonal (like ``xyz``), all entries equal up to constants (like ``sin(x + 2y)``),
more than a third of the entries 0,
and f in which some variable is decoupled from the others (every row of the
Hessian has a non-zero off-diagonal entry, so in particular the mixed
partial of f(x, y) is not 0); logs and denominators are of expressions at
least 1 everywhere.

answers.json keys: ``inputs.variables``, ``inputs.function``;
``answers.first`` (df/dx_i worked: named parts with their derivative steps,
rule steps, rules applied), ``answers.gradient`` (first partials in variable
order), ``answers.second`` (d/dx_j (df/dx_i) worked, for i <= j in row order)
and ``answers.hessian`` (the symmetric n x n matrix).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import (
    Family,
    IntOption,
    check_partials,
    distinct,
    remembered,
    require,
    tex,
)
from generator.kit.differentiation import PARTIALS_PREAMBLE, Worked, named_alike, rules_difficulty
from generator.kit.functions import coordinates, readable, smooth_function
from generator.kit.tidying import derivative, partial_derivatives, tidy_derivative
from generator.kit.vectorcalc import (
    like_canonical,
    max_zeros,
    partial,
    skeleton,
    taken_up,
    unfactored,
    widest_step,
)
from generator.kit.widths import matrix_width, printed_width

MAX_FUNCTION_WIDTH = 24
MAX_ENTRY_WIDTH = 28
MAX_MATRIX_WIDTH = 58
"""Typeset width (characters, see ``matrix_width``) of the Hessian, so that it fits the page width."""
MAX_STEP_WIDTH = 30
"""Widest worked step (``printed_width``): a quotient rule on a quotient of transcendental functions is neither
hand-workable nor printable beside a long reason."""
TIDYING_GAIN = 0.6
"""``presentable`` never narrows a second partial of these functions by more than this factor."""


@dataclass(frozen=True)
class Params:
    variables: tuple[sympy.Symbol, ...]
    function: sympy.Expr


@dataclass(frozen=True)
class Answer:
    first: tuple[Worked, ...]
    """df/dx_i worked rule by rule, in variable order."""
    gradient: tuple[sympy.Expr, ...]
    second: tuple[Worked, ...]
    """d/dx_j (df/dx_i) worked rule by rule, for the pairs of ``upper_triangle``."""
    hessian: sympy.ImmutableMatrix

    @property
    def upper_triangle(self) -> tuple[tuple[int, int], ...]:
        """Index pairs (i, j), i <= j: the second partials the solution works out."""
        n = self.hessian.shape[0]
        return tuple((i, j) for i in range(n) for j in range(i, n))


@remembered(64)
def _second_partials(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> dict[tuple[int, int], sympy.Expr]:
    """Raw second partials of the upper triangle, (i, j) with i <= j, each first partial differentiated once."""
    n = len(variables)
    first = [derivative(f, v) for v in variables]
    return {(i, j): derivative(first[i], variables[j]) for i in range(n) for j in range(i, n)}


@remembered(64)
def hessian_of(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> sympy.ImmutableMatrix:
    """The matrix of tidied second partials, each mixed one computed once and mirrored.

    Entry (i, j), i <= j, differentiates the printed (tidied) df/dx_i by x_j, so it is
    the result of the worked second partial in the solution.
    """
    first = partial_derivatives(f, variables)
    n = len(variables)
    upper = {(i, j): tidy_derivative(first[i], variables[j]) for i in range(n) for j in range(i, n)}
    return _symmetric(n, upper)


def _symmetric(n: int, upper: dict[tuple[int, int], sympy.Expr]) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(n, n, lambda i, j: upper[min(i, j), max(i, j)])


def _shaped(second: dict[tuple[int, int], sympy.Expr], n: int) -> bool:
    """Every variable coupled to another (a non-zero mixed partial), some curvature, a varied, non-constant Hessian.

    At most a third of its entries are 0 (``max_zeros``): ``x sin y`` in three variables would leave most of them 0.
    """
    coupled = all(any(second[min(i, j), max(i, j)] != 0 for j in range(n) if j != i) for i in range(n))
    curved = any(second[i, i] != 0 for i in range(n))
    varying = any(entry.free_symbols for entry in second.values())
    repetitive = len({skeleton(entry) for entry in second.values()}) == 1
    zeros = sum(1 if i == j else 2 for (i, j), entry in second.items() if entry == 0)
    return coupled and curved and varying and not repetitive and zeros <= max_zeros(n * n)


def _usable(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> bool:
    """Short and well shaped, with a Hessian and worked steps that fit on the page (and in an exam).

    Shape and a first width estimate use the raw derivatives, so that hopeless
    candidates are dropped before the costly tidying and working.
    """
    n = len(variables)
    if not readable(f, MAX_FUNCTION_WIDTH):
        return False
    second = _second_partials(f, variables)
    if not _shaped(second, n) or any(printed_width(e) > MAX_ENTRY_WIDTH / TIDYING_GAIN for e in second.values()):
        return False
    hessian = hessian_of(f, variables)
    if matrix_width(hessian) > MAX_MATRIX_WIDTH or not all(readable(entry, MAX_ENTRY_WIDTH) for entry in hessian):
        return False
    first, second = _worked(f, variables)
    return widest_step((*first, *second)) <= MAX_STEP_WIDTH


def _worked(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> tuple[tuple[Worked, ...], tuple[Worked, ...]]:
    """The first partials, then the second ones of the upper triangle, each worked rule by rule.

    A second partial's row shows only its name, so a zero one says which first partial lacks the variable."""
    n = len(variables)
    # a first partial as the sum it is differentiated as: factored, dy of y (2x + 9y) took the product rule and
    # multiplied out again what the factoring had just done (a TA read, EN bank sheet 9741)
    first = taken_up(unfactored(partial(f, v, "f")) for v in variables)
    pairs = [(i, j) for i in range(n) for j in range(i, n)]
    second = tuple(partial(first[i].result, variables[j], rf"\partial f / \partial {tex(variables[i])}") for i, j in pairs)
    named = named_alike((*first, *second))
    return named[:n], named[n:]


def sample(rng: random.Random, options: Mapping) -> Params:
    variables = coordinates(options["n"])
    (f,) = distinct(
        rng,
        lambda r: smooth_function(r, variables, 1),
        1,
        accept=lambda f: not like_canonical((f,), _CANONICAL_FUNCTIONS) and _usable(f, variables),
        what="coupled functions with a printable Hessian",
    )
    return Params(variables, f)


def solve(params: Params) -> Answer:
    variables = params.variables
    n = len(variables)
    first, second = _worked(params.function, variables)
    pairs = [(i, j) for i in range(n) for j in range(i, n)]
    hessian = _symmetric(n, {pair: w.result for pair, w in zip(pairs, second, strict=True)})
    return Answer(first, tuple(w.result for w in first), second, hessian)


def difficulty(params: Params, answer: Answer) -> float:
    """Rules applied over the first and the worked second partials (``rules_difficulty``)."""
    return rules_difficulty((*answer.first, *answer.second))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """The gradient by finite differences of f, each Hessian row by finite differences of the gradient."""
    f, variables, hessian = params.function, params.variables, answer.hessian
    n = len(variables)
    require(hessian.shape == (n, n), f"Hessian is {hessian.shape}, expected {(n, n)}")
    require(hessian == hessian.T, "Hessian is not symmetric")
    check_partials(f, variables, answer.gradient, rng)
    for i, first in enumerate(answer.gradient):
        check_partials(first, variables, list(hessian.row(i)), rng)


_x, _y = coordinates(2)
CANONICAL = {"example-1": Params(coordinates(2), _x**3 * _y + sympy.exp(_x * _y))}
_CANONICAL_FUNCTIONS = tuple((params.function,) for params in CANONICAL.values())
"""A random variant never asks these again, up to constants."""

FAMILY = Family(
    name="hessian",
    summary="Hessian matrices of functions of 2 or 3 variables, via first and second partials.",
    sample=sample,
    solve=solve,
    check=check,
    difficulty=difficulty,
    key_fields=("gradient", "hessian"),
    preamble=PARTIALS_PREAMBLE,
    options=(IntOption("n", 2, 2, 3, "number of variables (x, y or x, y, z)"),),
    canonical=CANONICAL,
)
