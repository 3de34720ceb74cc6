"""Definite integral by parts or by substitution: the two techniques behind every closed form.

``method = "parts"``: the integral of (px + q) g(x) with g = e^x, e^(-x), sin x or cos x;
u = px + q, dv = g(x) dx. ``method = "substitution"``: the integral of m x^(k-1) h(x^k + c)
with h(u) = 1/u, e^u or u^n; u = x^k + c, du = k x^(k-1) dx, so m x^(k-1) dx = (m/k) du, and the
bounds change with u. The solution names u and dv (or u, du and what replaces dx), works the
antiderivative, evaluates it between the bounds and gives the exact value and a decimal.

Bounds are small integers (0 to pi/2 or pi for sin and cos, so that the values are hand-workable).
Excluded by construction: a whole value (a decimal of it asks nothing; so are 0 and e^2 (2 - 2)), by
parts a bound where int g or int x g is 0 (int_0^pi (px + q) cos x = -2p: q never matters), 1/u with u <= 0 on the interval, a u that decreases over
the interval (the new bounds would come out reversed) or is a bare power (x (x^2)^3 is x^7, a
giveaway), new bounds above 9, values too long to work by hand, and the canonical instances and their multiples.

answers.json keys: ``inputs.integrand``, ``inputs.low``, ``inputs.high``, ``inputs.method``,
``inputs.inner`` (u), ``inputs.other`` (dv/dx, or the integrand in u); ``answers.antiderivative``
(F(x), in x), ``answers.value`` (the exact integral), ``answers.primitive`` (F(x) or G(u), what the
bounds go into), ``answers.named``, ``answers.worked``, ``answers.evaluation`` (worked steps).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy import Rational, exp, pi

from generator.kit import Chain, ChoiceOption, Family, distinct
from generator.kit.functions import coordinates
from generator.kit.integration import by_parts, by_substitution, check_definite, definite_value, evaluation
from generator.kit.widths import printed_width

(X,) = coordinates(1)
U = sympy.Symbol("u")
MAX_VALUE_WIDTH = 22
"""Characters (``printed_width``) the exact value may take: a value a student works out by hand."""
PARTS = {"exp": exp(X), "exp-": exp(-X), "sin": sympy.sin(X), "cos": sympy.cos(X)}
OUTER = {"reciprocal": 1 / U, "exp": exp(U), "square": U**2, "cube": U**3}


@dataclass(frozen=True)
class Params:
    """``inner`` is u (px + q by parts, x^k + c by substitution); ``other`` is dv/dx by parts, and by
    substitution the integrand in u, its constant factor included."""

    integrand: sympy.Expr
    low: sympy.Expr
    high: sympy.Expr
    method: str
    inner: sympy.Expr
    other: sympy.Expr


@dataclass(frozen=True)
class Answer:
    """``named``: du/dx, v, uv and -v du/dx by parts; by substitution du/dx, the factor m x^(k-1) that goes
    with dx, the multiple of du that replaces it, and the new bounds u(a), u(b). ``worked``: by parts
    uv - int v du worked to F(x), by substitution the integral in u. ``primitive``: what the bounds go
    into, F(x) or G(u). ``evaluation``: G(b) and G(a) on rows of their own when a hand works them out
    first, then G(b) - G(a) with the bounds put in (or the values above), and the value."""

    named: tuple[sympy.Expr, ...]
    worked: Chain
    primitive: sympy.Expr
    evaluation: tuple[Chain, ...]
    antiderivative: sympy.Expr
    value: sympy.Expr


def sample(rng: random.Random, options: Mapping) -> Params:
    draw = _by_parts if options["method"] == "parts" else _by_substitution
    return distinct(rng, draw, 1, accept=_usable, what="hand-workable definite integrals")[0]


def _by_parts(r: random.Random) -> Params:
    kind, inner = r.choice(sorted(PARTS)), r.randint(1, 3) * X + r.randint(-2, 2)
    step, low = (pi / 2, 0) if kind in ("sin", "cos") else (1, r.choice((-1, 0, 0, 1)))
    return Params(inner * PARTS[kind], low * step, (low + r.choice((1, 2))) * step, "parts", inner, PARTS[kind])


def _by_substitution(r: random.Random) -> Params:
    outer, power = OUTER[r.choice(sorted(OUTER))], r.choice((2, 2, 3))
    inner, factor = X**power + r.choice((-1, 1, 2, 3)), r.choice((power, power, 2 * power, 1))
    low = r.choice((0, 0, 1) if power == 2 else (0, 0, 1, -1))
    integrand = factor * X ** (power - 1) * outer.subs(U, inner)
    high = sympy.Integer(low + r.choice((1, 2)))
    return Params(integrand, sympy.Integer(low), high, "substitution", inner, Rational(factor, power) * outer)


def _usable(params: Params) -> bool:
    if params.method == "substitution":
        ends = [params.inner.subs(X, v) for v in (params.low, params.high)]
        if params.other.has(1 / U) and min(ends) <= 0 or ends[0] >= ends[1] or max(ends) > 9:
            return False
    elif any(sympy.integrate(power * params.other, (X, params.low, params.high)) == 0 for power in (1, X)):
        return False  # int (px + q) g = p int x g + q int g: a zero integral leaves p or q out of the value
    answer = solve(params)
    fits = not answer.value.is_Integer and printed_width(answer.value) <= MAX_VALUE_WIDTH
    return fits and not any(_scaled_copy(params, c) for c in CANONICAL.values())


def _scaled_copy(params: Params, canonical: Params) -> bool:
    """The canonical integral itself or a multiple of it (int_0^1 4x/(x^2 + 1) is twice the worked example)."""
    same_bounds = (params.low, params.high) == (canonical.low, canonical.high)
    return same_bounds and sympy.simplify(params.integrand / canonical.integrand).is_number


def solve(params: Params) -> Answer:
    if params.method == "parts":
        parts, low, high = by_parts(params.inner, params.other, X), params.low, params.high
        named, worked, primitive = (parts.du, parts.v, parts.uv, parts.rest), parts.worked, parts.antiderivative
        antiderivative, var = primitive, X
    else:
        sub = by_substitution(params.inner, params.other, X, U, params.low, params.high)
        (low, high), var = sub.bounds, U
        named, worked, primitive = (sub.du, sub.multiple * sub.du, sub.multiple, low, high), sub.worked, sub.primitive
        antiderivative = sub.antiderivative
    value = definite_value(primitive, var, low, high)
    return Answer(named, worked, primitive, evaluation(primitive, var, low, high), antiderivative, value)


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Composite Simpson for the value; central differences of F against f inside the interval."""
    check_definite(params.integrand, answer.antiderivative, answer.value, X, float(params.low), float(params.high), rng)


ZERO, ONE = sympy.Integer(0), sympy.Integer(1)
CANONICAL = {
    "definite-integral-example": Params(X * exp(X), ZERO, ONE, "parts", X, exp(X)),
    "definite-integral-substitution": Params(2 * X / (X**2 + 1), ZERO, ONE, "substitution", X**2 + 1, 1 / U),
}

FAMILY = Family(
    name="definite-integral",
    summary="Definite integral by parts or by substitution, exact value and decimal.",
    sample=sample,
    solve=solve,
    check=check,
    options=(ChoiceOption("method", "parts", ("parts", "substitution"), "integrate by parts, or by substitution"),),
    canonical=CANONICAL,
    difficulty=lambda params, answer: 2 + (params.method == "parts") + len(answer.evaluation) / 2,
    key_fields=("antiderivative", "value"),
)
