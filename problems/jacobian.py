"""Jacobians of vector-valued functions f: R^n -> R^m, n, m in {2, 3}.

Each component f_i is a small smooth function (one differentiation rule per
entry: ``x^2 y``, ``e^{xz}``, ``5x + sin y``, ``x / (1 + y^2)``) of one to n
of the variables x, y (z). The solution works the Jacobian out row by row:
row i holds the partials of f_i, each worked rule by rule
(``generator.kit.vectorcalc.partial``). Options: ``n`` (inputs) and ``m``
(components).

Excluded by construction (``generator.kit.vectorcalc``): constant components (so no
row of the Jacobian is zero), variables that no component uses (no zero column),
more than a third of the entries 0 (each component leaves out at most one
variable), two components of one structure up to constants, and the canonical
instance up to constants or any one of its components; logs and denominators are of expressions at least 1
everywhere. Each row lists its partials in variable order, a zero one with its
reason (f_i does not depend on that variable).

The canonical instance stands in for the original exercise, whose functions
were lost in the scan: f(x, y) = (x^2 y, 5x + sin y)^T.

answers.json keys: ``inputs.variables``, ``inputs.components`` (f_1..f_m);
``answers.worked`` (per component and variable: the named parts with their
derivative steps, the rule steps, the rules applied), ``answers.rows`` (per
component, its partials in variable order) and
``answers.jacobian`` (the m x n matrix).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import Family, IntOption, check_partials, distinct, require
from generator.kit.differentiation import PARTIALS_PREAMBLE, Worked, named_alike, rules_difficulty
from generator.kit.functions import coordinates, readable
from generator.kit.tidying import partial_derivatives
from generator.kit.vectorcalc import (
    functions_of,
    like_canonical,
    max_zeros,
    partial,
    taken_up,
    variable_sets,
)
from generator.kit.widths import matrix_width

MAX_COMPONENT_WIDTH = 22
MAX_ENTRY_WIDTH = 22
MAX_MATRIX_WIDTH = 62
"""Typeset width (characters, see ``matrix_width``) of the Jacobian, so that it fits the page width."""


@dataclass(frozen=True)
class Params:
    variables: tuple[sympy.Symbol, ...]
    components: tuple[sympy.Expr, ...]

    @property
    def column(self) -> sympy.ImmutableMatrix:
        """The components as a column vector, for the statement to print as the kit prints every vector."""
        return sympy.ImmutableMatrix(self.components)


@dataclass(frozen=True)
class Answer:
    worked: tuple[tuple[Worked, ...], ...]
    """Per component, per variable: the partial derivative worked rule by rule."""
    rows: tuple[tuple[sympy.Expr, ...], ...]
    jacobian: sympy.ImmutableMatrix


def _usable(component: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> bool:
    """Short, with short partials."""
    return readable(component, MAX_COMPONENT_WIDTH) and all(
        readable(d, MAX_ENTRY_WIDTH) for d in partial_derivatives(component, variables)
    )


def _components(rng: random.Random, variables: tuple[sympy.Symbol, ...], m: int) -> tuple[sympy.Expr, ...]:
    """m short functions of different structures, of variable sets that leave at most a third of J_f at 0."""
    return functions_of(rng, variable_sets(rng, variables, m), lambda f: _usable(f, variables))


def sample(rng: random.Random, options: Mapping) -> Params:
    variables = coordinates(options["n"])
    (components,) = distinct(
        rng,
        lambda r: _components(r, variables, options["m"]),
        1,
        accept=lambda fs: not like_canonical(fs, _CANONICAL_COMPONENTS) and not _CANONICAL_EACH & set(fs) and _fits(fs, variables),
        what="component tuples that fit the page",
    )
    return Params(variables, components)


def _fits(components: tuple[sympy.Expr, ...], variables: tuple[sympy.Symbol, ...]) -> bool:
    jacobian = sympy.ImmutableMatrix([partial_derivatives(f, variables) for f in components])
    return matrix_width(jacobian) <= MAX_MATRIX_WIDTH


def solve(params: Params) -> Answer:
    rows = (taken_up(partial(f, v, f"f_{i}") for v in params.variables) for i, f in enumerate(params.components, start=1))
    named = named_alike(w for row in rows for w in row)
    n = len(params.variables)
    worked = tuple(named[start : start + n] for start in range(0, len(named), n))
    rows = tuple(tuple(w.result for w in row) for row in worked)
    return Answer(worked, rows, sympy.ImmutableMatrix(rows))


def difficulty(params: Params, answer: Answer) -> float:
    """Rules applied over all worked partials (``rules_difficulty``); zero partials cost a quarter each."""
    return rules_difficulty(w for row in answer.worked for w in row)


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Each worked row against finite differences of its component; the matrix must stack the rows."""
    m, n = len(params.components), len(params.variables)
    require(answer.jacobian.shape == (m, n), f"Jacobian is {answer.jacobian.shape}, expected {(m, n)}")
    require(answer.jacobian == sympy.ImmutableMatrix(answer.rows), "the Jacobian does not stack the worked rows")
    zeros = sum(entry == 0 for entry in answer.jacobian)
    require(zeros <= max_zeros(m * n), f"{zeros} of the {m * n} entries of the Jacobian are 0")
    for i, (f, row) in enumerate(zip(params.components, answer.rows, strict=True)):
        require(any(d != 0 for d in row), f"row {i + 1} of the Jacobian is zero: f_{i + 1} is constant")
        check_partials(f, params.variables, row, rng)


_x, _y = coordinates(2)
CANONICAL = {"idl-math-background-1.3c": Params(coordinates(2), (_x**2 * _y, 5 * _x + sympy.sin(_y)))}
_CANONICAL_COMPONENTS = tuple(params.components for params in CANONICAL.values())
"""A random variant never asks these again, up to constants."""
_CANONICAL_EACH = frozenset(f for components in _CANONICAL_COMPONENTS for f in components)
"""Nor any one of their components as written: its row of the Jacobian would be copied from the original's solution."""

FAMILY = Family(
    name="jacobian",
    summary="Jacobian matrices of functions from R^n to R^m (n, m = 2 or 3), worked row by row.",
    sample=sample,
    solve=solve,
    check=check,
    difficulty=difficulty,
    key_fields=("rows", "jacobian"),
    preamble=PARTIALS_PREAMBLE,
    options=(
        IntOption("n", 2, 2, 3, "number of input variables (x, y or x, y, z)"),
        IntOption("m", 2, 2, 3, "number of components f_1, ..., f_m"),
    ),
    canonical=CANONICAL,
)
