"""Divergence of vector fields f: R^n -> R^n, n = 2 or 3.

Each component f_i is a small smooth function of one to n of the variables
x, y (z) (``x^2 y``, ``sin(xy)``, ``e^{-z} cos x``). The solution works out
each diagonal partial df_i/dx_i rule by rule (``generator.kit.differentiation.worked_partial``),
then their sum: div f = <the partials added as written> = <like terms collected, or 0 as they cancel>. Options: ``n``, ``count``
(how many fields) and ``solenoidal``: one of the fields is then
divergence-free, built from a stream function psi as
(d psi/dy, -d psi/dx) (in R^3 with a third component of x and y only), so
that students see that a divergence can vanish.

Excluded by construction: constant components, components f_i without x_i (so
no term df_i/dx_i is 0; only the third component of a divergence-free field in
R^3 is a function of x and y, one zero term of three), divergence-free fields
whose terms are all 0 (psi couples x and y, so psi_yx - psi_xy cancels two
non-zero terms), fields whose divergence is identically 0 (unless
``solenoidal`` asks for one), two fields of one structure up to constants, and
the canonical instance up to constants; logs and denominators are of
expressions at least 1 everywhere. The canonical f_8 = (-y, x) keeps its zero
terms.

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

from generator.kit import (
    BoolOption,
    Chain,
    Family,
    IntOption,
    Reason,
    Step,
    WrittenSum,
    as_function,
    central_difference,
    chain,
    close,
    defined_points,
    distinct,
    require,
    tex,
    text,
)
from generator.kit.differentiation import PARTIALS_PREAMBLE, Worked, named_alike, rules_difficulty
from generator.kit.functions import coordinates, readable, smooth_function
from generator.kit.printing import printed_terms
from generator.kit.rewrites import expand_outside, has_like_terms, rewrite_name
from generator.kit.tidying import derivative, presentable, tidy_derivative
from generator.kit.vectorcalc import (
    functions_of,
    like_canonical,
    new_structure,
    partial,
    unfactored,
    variable_sets,
    widest_step,
)
from generator.kit.widths import printed_width

MAX_COMPONENT_WIDTH = 22
MAX_TERM_WIDTH = 26
MAX_BLOCK_WIDTH = 38
"""Widest left side plus widest step of a field's worked block (``printed_width``), so that it fits beside a long reason."""
MAX_ZERO_TERMS = 1
"""Of the n terms df_i/dx_i, at most one is 0 (the third of a divergence-free field in R^3); canonical f_8 is exempt."""


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

    @property
    def symbols(self) -> tuple[str, ...]:
        """The names in bold, as the sheets write vectors (a field's values are column vectors): ``\\mathbf{f}_{8}``."""
        return tuple(rf"\mathbf{{f}}{name[1:]}" for name in self.names)


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
    """Components f_i that each contain x_i (so no term df_i/dx_i is 0), most of them other variables too."""
    sets = variable_sets(rng, variables, len(variables), own=True)
    return sympy.ImmutableMatrix(functions_of(rng, sets, lambda c: readable(c, MAX_COMPONENT_WIDTH)))


def _solenoidal_field(rng: random.Random, variables: tuple[sympy.Symbol, ...]) -> sympy.ImmutableMatrix:
    """(d psi/dy, -d psi/dx[, g(x, y)]): divergence psi_yx - psi_xy + 0 = 0, two terms that cancel."""
    x, y = variables[:2]
    psi = smooth_function(rng, variables, 1)
    components = [tidy_derivative(psi, y), presentable(-derivative(psi, x))]
    if len(variables) == 3:
        (third,) = functions_of(rng, [rng.choice([[x], [y], [x, y]])])
        components.append(third)
    return sympy.ImmutableMatrix(components)


def _divergence_terms(field: sympy.ImmutableMatrix, variables: tuple[sympy.Symbol, ...]) -> tuple[sympy.Expr, ...]:
    """df_i/dx_i for each i, tidied, as the worked partials give them (each tidied once, see ``tidy_derivative``)."""
    return tuple(tidy_derivative(component, v) for component, v in zip(field, variables, strict=True))


def _usable(field: sympy.ImmutableMatrix, variables: tuple[sympy.Symbol, ...], solenoidal: bool) -> bool:
    """Short, different, non-constant components, short terms, at most one of them 0; divergence 0 exactly when asked for.

    A field such as (e^{x+y}, e^{x+y}) (psi = -e^{x+y}) is divergence-free, but reads like a misprint.
    """
    terms = _divergence_terms(field, variables)
    return (
        len(set(field)) == len(field)
        and all(c.free_symbols and readable(c, MAX_COMPONENT_WIDTH) for c in field)
        and all(readable(t, MAX_TERM_WIDTH) for t in terms)
        and sum(t == 0 for t in terms) <= MAX_ZERO_TERMS
        and (sympy.Add(*terms) == 0) == solenoidal
        and _fits(field, variables)
    )


def _fits(field: sympy.ImmutableMatrix, variables: tuple[sympy.Symbol, ...]) -> bool:
    """The worked block fits the page: its widest left side (d/dx_i of a component) and widest step together.

    The sum line's left side is div f(x, y): about the width of the variables' list plus 10.
    """
    left = max(max(printed_width(c) for c in field) + 4, 3 * len(variables) + 8)
    terms = _divergence_terms(field, variables)
    right = printed_width(_summed(terms).steps[0].expr)
    if left + right > MAX_BLOCK_WIDTH:  # decided before the costlier worked steps
        return False
    worked = [partial(c, v) for c, v in zip(field, variables, strict=True)]
    return left + max(right, widest_step(worked)) <= MAX_BLOCK_WIDTH


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
            accept=lambda field, s=solenoidal, last=slot == count - 1: new_structure(field, fields)
            and field not in _CANONICAL_EACH
            and not (last and like_canonical([*fields, field], _CANONICAL_FIELDS))
            and _usable(field, variables, s),
            what="divergence-free fields" if solenoidal else "fields with non-zero divergence",
        )
    return Params(variables, tuple(fields))


def solve(params: Params) -> Answer:
    worked = tuple(
        _summable(named_alike(partial(component, v) for component, v in zip(field, params.variables, strict=True)))
        for field in params.fields
    )
    diagonal = tuple(tuple(w.result for w in row) for row in worked)
    sums = tuple(_summed(terms) for terms in diagonal)
    return Answer(worked, diagonal, sums, tuple(total.result for total in sums))


def _summable(row: tuple[Worked, ...]) -> tuple[Worked, ...]:
    """A field's partials as the sum of them uses them: where the sum multiplies out its terms to collect like ones, a
    partial whose last step only factored (``2xy + 3y^2 = y (2x + 3y)``) ends before it, so the sum does not multiply
    out again what that step factored (a TA read, German 9114: "y ausklammern", then 6xy + y (2x + 3y) = 8xy + 3y^2);
    and where the sum is a polynomial with a bracket in it, which a hand multiplies out: 2xy - 4xy + 2xz + 2z collected
    to -2xy + 2xz + 2z, not -2xy + 2z (x + 1); 2x + 2 - 4y, not 2 (x + 1) - 4y after a row "factor out 2" that led
    nowhere (a TA read, EN 9761)."""
    total = sympy.Add(*(w.result for w in row))
    bracketed = any(factor.is_Add for w in row for factor in sympy.Mul.make_args(w.result))
    if not (has_like_terms(total) or total.is_Add and total.is_polynomial() and bracketed):
        return row
    return tuple(unfactored(w) for w in row)


def _summed(terms: tuple[sympy.Expr, ...]) -> Chain:
    """The terms added as a student writes them down, then combined with the reason that is true.

    The sum is written in order, flat, zeros left out (0 if all are). Terms that add up to 0
    "cancel"; like terms with variables are "collected"; numbers are added without comment; a
    partial written with a bracket is multiplied out where that gives like terms (``2y^2 + 1 -
    2(x^2 + 1)`` stood as a divergence, TA read of idl-math-background DE 8832), and stays as it
    is otherwise. A sum that would only reorder the written terms is no step: the
    written sum is the result, unless its terms share a denominator, over which they are added.
    """
    summands = [arg for term in terms for arg in printed_terms(term) if arg != 0]
    total = sympy.Add(*terms)
    expanded = has_like_terms(total)  # like terms once a bracket is multiplied out: 1 - 2(x^2 + 1) is -2x^2 - 1
    if expanded:  # every bracket, 4y (1 - x) - 2 (x - y) as 6y - 4xy - 2x: the lint's "uncollected" otherwise
        total = expand_outside(total)
    if len(summands) < 2:
        return chain(total)
    written = WrittenSum(*summands, evaluate=False)
    if sorted(map(text, printed_terms(total))) == sorted(map(text, summands)):
        common = _common_denominator(summands)
        if common is not None:  # 2x/(x^2 + 1) + y e^y (y + 2)/(x^2 + 1) left as two fractions (a TA read, EN 9194)
            numerator = sympy.Add(*(sympy.fraction(summand, exact=True)[0] for summand in summands))
            combined = sympy.Mul(numerator, sympy.Pow(common, -1))
            return chain(written, Step(combined, Reason("add over the common denominator ${common}$", common=tex(common))))
        return chain(written)
    if total == 0:
        return chain(written, Step(total, "the terms cancel"))
    return chain(written, Step(total, rewrite_name(written, total) if expanded else "collect like terms" if total.free_symbols else ""))


def _common_denominator(summands: list[sympy.Expr]) -> sympy.Expr | None:
    """The denominator every summand is written over, if they share one with a variable in it."""
    denominators = {sympy.fraction(summand, exact=True)[1] for summand in summands}
    common = denominators.pop()
    return common if not denominators and common.free_symbols else None


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
CANONICAL = {
    "idl-math-background-1.3d": Params(
        coordinates(2),
        (sympy.ImmutableMatrix([-_y, _x]), sympy.ImmutableMatrix([_x, _y])),
        first_index=8,
    ),
}
_CANONICAL_FIELDS = tuple(params.fields for params in CANONICAL.values())
"""A random variant never asks these again, up to constants."""
_CANONICAL_EACH = frozenset(field for fields in _CANONICAL_FIELDS for field in fields)
"""Nor any one of their fields as written: a student who has seen the original's solution would copy it."""

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
    canonical=CANONICAL,
)
