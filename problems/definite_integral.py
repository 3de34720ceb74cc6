"""Definite integral by parts or by substitution: the two techniques behind every closed form.

``method = "parts"``: the integral of (px + q) g(x) with g = e^x, e^(-x), sin x or cos x;
u = px + q, dv = g(x) dx. ``method = "substitution"``: the integral of m x^(k-1) h(x^k + c)
with h(u) = 1/u, e^u or u^n; u = x^k + c, du = k x^(k-1) dx, and the bounds change with u.
The solution names u and dv (or u and du), works the antiderivative, writes F(b) - F(a)
out and gives the exact value and a decimal.

Bounds are small integers (0 to pi/2 or pi for sin and cos, so that the values are hand-workable).
Excluded by construction: a value of 0, 1/u with u <= 0 on the interval, a u that decreases over
the interval (the new bounds would come out reversed) or is a bare power (x (x^2)^3 is x^7, a
giveaway), new bounds above 9, values too long to work by hand, and the canonical instances.

answers.json keys: ``inputs.integrand``, ``inputs.low``, ``inputs.high``, ``inputs.method``,
``inputs.inner`` (u), ``inputs.other`` (dv/dx, or the integrand in u); ``answers.antiderivative``
(F(x), in x), ``answers.value`` (the exact integral), ``answers.primitive`` (F(x) or G(u), what the
bounds go into), ``answers.named``, ``answers.worked``, ``answers.evaluation`` (worked steps).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy import Integral, Rational, exp, pi

from generator.kit import (
    N_,
    Chain,
    ChoiceOption,
    Family,
    Reason,
    Step,
    WrittenSum,
    as_function,
    central_difference,
    chain,
    close,
    distinct,
    require,
    tex,
)
from generator.kit.functions import coordinates
from generator.kit.notation import Bracketed
from generator.kit.probability import simpson
from generator.kit.rewrites import rewrite_name, xreplace_unevaluated
from generator.kit.widths import printed_width

(X,) = coordinates(1)
U = sympy.Symbol("u")
MAX_EVALUATION_WIDTH = 40
"""Characters (``printed_width``) of F and F(b) - F(a) written out: one line of the solution with its reason."""
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
    """``named``: du/dx, v, uv and -v du/dx by parts; du/dx and the new bounds u(a), u(b) by substitution.
    ``worked``: by parts uv - int v du worked to F(x), by substitution the integral in u. ``primitive``: what the bounds go into,
    F(x) or G(u). ``evaluation``: G(b) - G(a) written out, then the value (or G(b), G(a), their difference)."""

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
    answer = solve(params)
    fits = answer.value != 0 and printed_width(answer.value) <= MAX_VALUE_WIDTH
    return fits and params not in CANONICAL.values()


def solve(params: Params) -> Answer:
    if params.method == "substitution":
        ends = sympy.Tuple(*(params.inner.subs(X, v) for v in (params.low, params.high)))
        worked = chain(Step(Integral(params.other, (U, *ends)), "substitute $u$ and change the bounds"))
        primitive = sympy.integrate(params.other, U)
        named, antiderivative = (sympy.diff(params.inner, X), *ends), primitive.subs(U, params.inner)
        evaluation, value = _evaluate(primitive, U, *ends), _exact(primitive, U, *ends)
        return Answer(named, worked, primitive, evaluation, antiderivative, value)
    u, dv = params.inner, params.other
    du, v = sympy.diff(u, X), sympy.integrate(dv, X)
    rest = du * v
    uv = -sympy.Mul(u, -v) if v.could_extract_minus_sign() else sympy.Mul(u, v)
    shown = -rest if rest.could_extract_minus_sign() else rest
    written = WrittenSum(uv, -sympy.integrate(rest, X), evaluate=False)
    rule = Reason("$\\int {integrand}\\,dx = {primitive}$", integrand=tex(shown), primitive=tex(sympy.integrate(shown, X)))
    steps = [Step(written, rule)]
    antiderivative = uv - sympy.integrate(rest, X)
    if antiderivative.has(exp):
        antiderivative = sympy.factor_terms(sympy.expand(antiderivative))
        steps.append(Step(antiderivative, rewrite_name(written, antiderivative)))
    evaluation = _evaluate(antiderivative, X, params.low, params.high)
    value = _exact(antiderivative, X, params.low, params.high)
    return Answer((du, v, uv, -rest), chain(*steps), antiderivative, evaluation, antiderivative, value)


def _exact(primitive: sympy.Expr, var: sympy.Symbol, low: sympy.Expr, high: sympy.Expr) -> sympy.Expr:
    """G(b) - G(a); c log b - c log a as c log(b/a), as a student combines two logarithms."""
    if primitive.has(sympy.log):
        return primitive.subs(var, high / low)
    return sympy.expand(primitive.subs(var, high) - primitive.subs(var, low))


def _evaluate(primitive: sympy.Expr, var: sympy.Symbol, low: sympy.Expr, high: sympy.Expr) -> tuple[Chain, ...]:
    """F(b) - F(a) with the bounds put in as written, then the value. When that is too wide for a line
    (sin and cos), or F(a) < 0 (a hand works it out before subtracting it), F(b) and F(a) get rows of their own."""
    upper, lower = (xreplace_unevaluated(primitive, {var: end}) for end in (high, low))
    value = _exact(primitive, var, low, high)
    why = N_("work out the values")
    if primitive.has(sympy.log):  # log 1 = 0 is the reason when the lower end gives 1; else the quotient rule of logs
        why = r"$\log 1 = 0$" if low == 1 else r"$\log a - \log b = \log \frac{a}{b}$"
    written = WrittenSum(upper, _minus(lower), evaluate=False)
    ends = [primitive.subs(var, end) for end in (high, low)]
    if printed_width(written) + printed_width(primitive) <= MAX_EVALUATION_WIDTH and not ends[1].is_negative:
        return (chain(Step(written, "put in the upper bound, then the lower"), Step(value, why)),)
    rows = tuple(
        chain(
            Step(at, Reason("put in ${var} = {value}$", var=var, value=tex(end))),
            Step(v, _trig_values(end) if primitive.has(sympy.sin, sympy.cos) else "work out the value"),
        )
        for at, end, v in zip((upper, lower), (high, low), ends)
    )
    difference = WrittenSum(ends[0], _minus(ends[1]), evaluate=False)
    combined = set(sympy.Add.make_args(value)) != {ends[0], -ends[1]}  # else the value only reorders the terms
    return (
        *rows,
        chain(Step(difference, "the values above"), Step(value, why))
        if combined
        else chain(Step(value, "the values above")),
    )


def _minus(value: sympy.Expr) -> sympy.Expr:
    """- value, a negative value added as its size (a hand does not write - (-c)), a sum in brackets."""
    if value.could_extract_minus_sign():
        return -value
    return sympy.Mul(-1, Bracketed(value) if value.is_Add else value, evaluate=False)


def _trig_values(end: sympy.Expr) -> str:
    return f"$\\sin {tex(end)} = {tex(sympy.sin(end))}$, $\\cos {tex(end)} = {tex(sympy.cos(end))}$"


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Composite Simpson for the value; central differences of F against f inside the interval."""
    f, low, high = as_function(params.integrand, (X,)), float(params.low), float(params.high)
    numeric = simpson(f, low, high)
    require(close(float(answer.value), numeric, rel=1e-7), f"the integral is {answer.value}, not {numeric}")
    anti = as_function(answer.antiderivative, (X,))
    for point in (rng.uniform(low, high) for _ in range(3)):
        slope = central_difference(anti, (point,), 0)
        require(close(slope, f(point), rel=1e-5), f"F'({point}) = {slope}, not f = {f(point)}")


ONE = sympy.Integer(1)
CANONICAL = {
    "definite-integral-example": Params(X * exp(X), sympy.Integer(0), ONE, "parts", X, exp(X)),
    "definite-integral-substitution": Params(
        2 * X / (X**2 + 1), sympy.Integer(0), ONE, "substitution", X**2 + 1, 1 / U
    ),
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
