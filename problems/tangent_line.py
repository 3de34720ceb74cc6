"""Tangent line: the linearisation L(x) = f(a) + f'(a)(x - a) of a smooth f at a point a.

The first-order Taylor polynomial, the approximation behind gradient descent. The solution
differentiates f rule by rule, puts a into f and f', and writes L. This family is the worked
example of docs/authoring.md, which quotes it whole.

Excluded by construction: a horizontal tangent (f'(a) = 0 asks for less), values f(a) and
f'(a) that are sums or too long to work by hand, and the canonical instance.

answers.json keys: ``inputs.function``, ``inputs.point``; ``answers.value`` (f(a)),
``answers.slope`` (f'(a)), ``answers.tangent`` (L(x), multiplied out).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import (
    N_,
    Chain,
    Family,
    IntOption,
    Reason,
    Step,
    WrittenProduct,
    WrittenSum,
    as_function,
    central_difference,
    chain,
    close,
    distinct,
    require,
    tex,
)
from generator.kit.differentiation import Worked, differentiate, rules_difficulty
from generator.kit.functions import coordinates, smooth_function
from generator.kit.rewrites import DISTRIBUTE_MINUS, expand, factor_terms, together
from generator.kit.widths import printed_width

(X,) = coordinates(1)
POINTS = (0, 1, -1)
MAX_VALUE_WIDTH = 12
"""Characters (``printed_width``) f(a) and f'(a) may take: values a student works out by hand."""


@dataclass(frozen=True)
class Params:
    function: sympy.Expr
    point: sympy.Integer


@dataclass(frozen=True)
class Answer:
    worked: Worked
    """f'(x), rule by rule."""
    at_point: tuple[Chain, Chain]
    """f(a) and f'(a): x = a put in (SymPy evaluates as it substitutes), then positive powers of e (``_put_in``)."""
    line: Chain
    """L(x): f(a) and f'(a) put into f(a) + f'(a)(x - a), then multiplied out."""
    value: sympy.Expr
    slope: sympy.Expr
    tangent: sympy.Expr


def sample(rng: random.Random, options: Mapping) -> Params:
    def draw(r: random.Random) -> Params:
        return Params(smooth_function(r, [X], options["level"]), sympy.Integer(r.choice(POINTS)))

    return distinct(rng, draw, 1, accept=_usable, what="functions with a sloped tangent")[0]


def _usable(params: Params) -> bool:
    value = params.function.subs(X, params.point)
    slope = differentiate(params.function, X).result.subs(X, params.point)
    by_hand = all(printed_width(v) <= MAX_VALUE_WIDTH and not v.is_Add for v in (value, slope))
    # a polynomial's tangent at 0 is its terms up to degree 1, read off without a derivative (a TA read, German 9732)
    read_off = params.point == 0 and params.function.is_polynomial(X)
    return slope != 0 and by_hand and not read_off and params not in CANONICAL.values()


def solve(params: Params) -> Answer:
    worked = differentiate(params.function, X)
    at_point = tuple(_put_in(f, params.point) for f in (params.function, worked.result))
    value, slope = (steps.result for steps in at_point)
    tangent = _coefficient(slope) * X + _coefficient(value - params.point * slope)
    return Answer(worked, at_point, _line(value, slope, params.point, tangent), value, slope, tangent)


def _coefficient(number: sympy.Expr) -> sympy.Expr:
    """A coefficient of L(x) multiplied out: one fraction where it is a fraction in powers of e (``-e (e + 2)/(e + 1)^2``,
    never five fractions over ``1 + 2e + e^2``), else a sum (``\\sin 2 - 3 \\cos 2``, ``\\log(1 + e) - e/(1 + e)``)."""
    if any(isinstance(node, sympy.Function) and not isinstance(node, sympy.exp) for node in sympy.preorder_traversal(number)):
        return expand(number)
    return factor_terms(together(number))


def _put_in(f: sympy.Expr, point: sympy.Integer) -> Chain:
    """f(a), SymPy evaluating as it substitutes; a sum with a negative power of e in it (``1/(e^{-1} + 1)``)
    is then written with positive powers (``e/(e + 1)``), as a hand clears the fraction in a fraction."""
    value = f.subs(X, point)
    positive = factor_terms(together(value))
    substitute = Reason("substitute $x = {point}$", point=point)
    if positive == value or not _negative_e_in_sum(value):
        return chain(Step(value, substitute))
    return chain(Step(value, substitute), Step(positive, "write with positive powers of $e$"))


def _negative_e_in_sum(expr: sympy.Expr) -> bool:
    return any(
        node.is_Add and any(isinstance(power, sympy.exp) and power.args[0].is_negative for power in node.atoms(sympy.exp))
        for node in sympy.preorder_traversal(expr)
    )


def _line(value: sympy.Expr, slope: sympy.Expr, point: sympy.Integer, tangent: sympy.Expr) -> Chain:
    """f(a) + f'(a)(x - a) with the numbers put in and the sign in front (``\\sin e - e \\cos e \\cdot (x + 1)``);
    then multiplied out (``_coefficient``), unless that would only reorder the terms (a = 0, or f'(a) = 1 with no numbers
    to add)."""
    if point == 0:
        rise = slope * X
    else:
        steepness = -slope if slope.could_extract_minus_sign() else slope
        size = X - point if steepness == 1 else WrittenProduct(steepness, X - point, evaluate=False)
        rise = size if steepness == slope else sympy.Mul(-1, size, evaluate=False)
    # f(a) = 0 said where the row leaves it out (a TA read, EN 9702)
    put_in = Step(WrittenSum(value, rise, evaluate=False) if value != 0 else rise, N_("put in $f(a)$ and $f'(a)$") if value != 0 else N_("put in $f(a) = 0$ and $f'(a)$"))
    # f(a) = 0 is no piece: its 0 paired with itself as "0 and 0 cancel" (a TA read, EN bank sheet 9763)
    pieces = [term for term in (*sympy.Add.make_args(value), *sympy.Add.make_args(expand(slope * (X - point)))) if term != 0]
    if point == 0 or (slope == 1 and len(sympy.Add.make_args(tangent)) == len(pieces)):
        return chain(put_in)  # only a bracket dropped, e + (x - 1) is x - 1 + e
    joined = tangent != expand(value + slope * (X - point))
    if joined:
        why = N_("multiply out, each coefficient over one denominator")
    elif slope == 1:  # 1 + (x - 1) left as the tangent (a TA read, EN bank sheet 9752): the numbers add up
        why = N_("open the bracket")
    else:  # log 2 - (x + 1) = -x - 1 + log 2 multiplies nothing out (a TA read, German 9692)
        why = DISTRIBUTE_MINUS if slope == -1 else N_("multiply out")
    pair = next((term for term in pieces if -term in pieces and not term.could_extract_minus_sign()), None)
    if pair is not None:  # e + e (x - 1) = e x: "multiply out" hid e - e = 0 (a TA read, EN 9702)
        why = Reason("{rule}; ${first}$ and ${second}$ cancel", rule=Reason(why), first=tex(pair), second=tex(-pair))
    elif not joined and len(sympy.Add.make_args(tangent)) < len(pieces):
        # -1/3 + 5/9 (x + 1) = 5x/9 + 2/9 also adds the numbers (a TA read, EN 9722)
        why = N_("open the bracket and add the numbers") if slope == 1 else N_("multiply out and collect like terms")
    return chain(put_in, Step(tangent, why))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    f, a = as_function(params.function, (X,)), float(params.point)
    slope = central_difference(f, (a,), 0)
    require(close(float(answer.slope), slope, rel=1e-5), f"f'(a) = {answer.slope}, not {slope}")
    require(close(float(answer.value), f(a)), f"f(a) = {answer.value}, not {f(a)}")
    line = as_function(answer.tangent, (X,))
    require(close(line(a), f(a)) and close(line(a + 1) - line(a), slope, rel=1e-5), "L is not the tangent at a")


CANONICAL = {"tangent-line-guide": Params(X * sympy.exp(2 * X), sympy.Integer(0))}

FAMILY = Family(
    name="tangent-line",
    summary="Tangent line (linearisation) of a smooth function at a point.",
    sample=sample,
    solve=solve,
    check=check,
    options=(IntOption("level", 1, 1, 2, "nested rules in f: 1 (one rule) or 2 (a rule inside a rule)"),),
    canonical=CANONICAL,
    difficulty=lambda params, answer: rules_difficulty([answer.worked]) + 1,
    key_fields=("value", "slope", "tangent"),
)
