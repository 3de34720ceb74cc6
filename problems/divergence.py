"""Divergence of vector fields f: R^n -> R^n, n = 2 or 3.

Each component f_i is a small smooth function of one to n of the variables
x, y (z) (``x^2 y``, ``sin(xy)``, ``e^{-z} cos x``). The solution works out
each diagonal partial df_i/dx_i rule by rule (``generator.calculus.worked_partial``),
then their sum: div f = <the partials added as written> = <like terms combined>. Options: ``n``, ``count``
(how many fields) and ``solenoidal``: one of the fields is then
divergence-free, built from a stream function psi as
(d psi/dy, -d psi/dx) (in R^3 with a third component of x and y only), so
that students see that a divergence can vanish.

Excluded by construction: constant components, fields whose divergence is
identically 0 (unless ``solenoidal`` asks for one), equal fields; logs and
denominators are of expressions at least 1 everywhere.

answers.json keys: ``inputs.variables``, ``inputs.fields`` (column vectors),
``inputs.first_index``; ``answers.worked`` (per field, df_i/dx_i worked: the
named parts with their derivative steps, the rule steps, the rules applied),
``answers.diagonal`` (per field, df_i/dx_i for i = 1..n), ``answers.sums``
(per field, the steps from their sum as written, unsimplified, to the
divergence) and ``answers.divergences`` (the divergence with like terms
combined; terms over different denominators are left apart, as a student would).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.calculus import (
    PARTIALS_PREAMBLE,
    coordinates,
    derivative,
    presentable,
    readable,
    rules_difficulty,
    smooth_function,
    smooth_function_of_some,
    tidy_derivative,
    worked_partial,
)
from generator.differentiation import Worked
from generator.family import Family, require
from generator.options import BoolOption, IntOption
from generator.printing import WrittenSum, printed_terms, text
from generator.sampling import distinct
from generator.steps import Chain, Step, chain
from generator.verify import as_function, central_difference, close, defined_points

MAX_COMPONENT_WIDTH = 22
MAX_TERM_WIDTH = 26


@dataclass(frozen=True)
class Params:
    variables: tuple[sympy.Symbol, ...]
    fields: tuple[sympy.ImmutableMatrix, ...]
    first_index: int = 1

    @property
    def names(self) -> tuple[str, ...]:
        if len(self.fields) == 1 and self.first_index == 1:
            return ("f",)
        return tuple(f"f_{{{self.first_index + i}}}" for i in range(len(self.fields)))


@dataclass(frozen=True)
class Answer:
    worked: tuple[tuple[Worked, ...], ...]
    """Per field, df_i/dx_i worked rule by rule."""
    diagonal: tuple[tuple[sympy.Expr, ...], ...]
    sums: tuple[Chain, ...]
    """Per field: the diagonal partials added as written, then like terms combined."""
    divergences: tuple[sympy.Expr, ...]

    @property
    def divergence_free(self) -> tuple[bool, ...]:
        return tuple(d == 0 for d in self.divergences)


def _field(rng: random.Random, variables: tuple[sympy.Symbol, ...]) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix([smooth_function_of_some(rng, variables) for _ in variables])


def _solenoidal_field(rng: random.Random, variables: tuple[sympy.Symbol, ...]) -> sympy.ImmutableMatrix:
    """(d psi/dy, -d psi/dx[, g(x, y)]): divergence psi_yx - psi_xy + 0 = 0."""
    x, y = variables[:2]
    psi = smooth_function(rng, variables, 1)
    components = [tidy_derivative(psi, y), presentable(-derivative(psi, x))]
    if len(variables) == 3:
        components.append(smooth_function_of_some(rng, (x, y)))
    return sympy.ImmutableMatrix(components)


def _divergence_terms(field: sympy.ImmutableMatrix, variables: tuple[sympy.Symbol, ...]) -> tuple[sympy.Expr, ...]:
    """df_i/dx_i for each i, tidied, as the worked partials give them (each tidied once, see ``tidy_derivative``)."""
    return tuple(tidy_derivative(component, v) for component, v in zip(field, variables, strict=True))


def _usable(field: sympy.ImmutableMatrix, variables: tuple[sympy.Symbol, ...], solenoidal: bool) -> bool:
    """Short non-constant components and short terms; divergence 0 exactly when asked for."""
    terms = _divergence_terms(field, variables)
    return (
        all(c.free_symbols and readable(c, MAX_COMPONENT_WIDTH) for c in field)
        and all(readable(t, MAX_TERM_WIDTH) for t in terms)
        and (sympy.Add(*terms) == 0) == solenoidal
    )


def sample(rng: random.Random, options: Mapping) -> Params:
    variables = coordinates(options["n"])
    count = options["count"]
    solenoidal_slot = rng.randrange(count) if options["solenoidal"] else None
    fields: list[sympy.ImmutableMatrix] = []
    for slot in range(count):
        solenoidal = slot == solenoidal_slot
        fields += distinct(
            rng,
            lambda r, s=solenoidal: (_solenoidal_field if s else _field)(r, variables),
            1,
            accept=lambda field, s=solenoidal: field not in fields and _usable(field, variables, s),
            what="divergence-free fields" if solenoidal else "fields with non-zero divergence",
        )
    return Params(variables, tuple(fields))


def solve(params: Params) -> Answer:
    worked = tuple(
        tuple(worked_partial(component, v) for component, v in zip(field, params.variables, strict=True))
        for field in params.fields
    )
    diagonal = tuple(tuple(w.result for w in row) for row in worked)
    divergences = tuple(sympy.Add(*terms) for terms in diagonal)
    return Answer(
        worked,
        diagonal,
        tuple(_summed(terms, total) for terms, total in zip(diagonal, divergences, strict=True)),
        divergences,
    )


def _summed(terms: tuple[sympy.Expr, ...], total: sympy.Expr) -> Chain:
    """The terms added as written, then like terms combined (when that changes anything)."""
    written = _written_sum(terms)
    if text(written) == text(total):
        return chain(written)
    return chain(written, Step(total, "combine like terms"))


def _written_sum(terms: tuple[sympy.Expr, ...]) -> sympy.Expr:
    """The terms added as a student writes them down, in order: flat, not combined, zeros left out unless all are 0."""
    summands = [arg for term in terms for arg in printed_terms(term) if arg != 0]
    return WrittenSum(*(summands or terms), evaluate=False)


def difficulty(params: Params, answer: Answer) -> float:
    """Rules applied over the worked diagonal partials of every field (``rules_difficulty``)."""
    return rules_difficulty(w for row in answer.worked for w in row)


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Each df_i/dx_i and the divergence against finite differences at random points; the worked sum ends in it."""
    variables = params.variables
    for name, field, terms, total, divergence in zip(
        params.names, params.fields, answer.diagonal, answer.sums, answer.divergences, strict=True
    ):
        require(field.shape == (len(variables), 1), f"{name} is not a field on R^{len(variables)}")
        require(total.result - divergence == 0, lambda: f"the sum for div {name} ends in {total.result}, not {divergence}")
        components = [as_function(c, variables) for c in field]
        claimed = [as_function(t, variables) for t in (*terms, divergence)]
        for point in defined_points(components[0], len(variables), rng, -0.45, 0.45):
            numeric = [central_difference(c, point, i) for i, c in enumerate(components)]
            expected = [*numeric, sum(numeric)]
            for label, fn, value in zip([*variables, "divergence"], claimed, expected, strict=True):
                got = float(fn(*point))
                where = tuple(round(c, 4) for c in point)
                require(close(got, value), f"div {name} ({label}) at {where}: finite differences {value:.10g}, answer {got:.10g}")


_x, _y = coordinates(2)

FAMILY = Family(
    name="divergence",
    summary="Divergence of vector fields in R^2 or R^3, term by term.",
    sample=sample,
    solve=solve,
    check=check,
    difficulty=difficulty,
    key_fields=("diagonal", "divergences"),
    preamble=PARTIALS_PREAMBLE,
    options=(
        IntOption("n", 2, 2, 3, "dimension of the fields (x, y or x, y, z)"),
        IntOption("count", 1, 1, 3, "how many fields"),
        BoolOption("solenoidal", False, "make one of the fields divergence-free"),
    ),
    canonical={
        "idl-math-background-1.3d": Params(
            coordinates(2),
            (sympy.ImmutableMatrix([-_y, _x]), sympy.ImmutableMatrix([_x, _y])),
            first_index=8,
        ),
    },
)
