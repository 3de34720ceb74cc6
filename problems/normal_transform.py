"""Mean, variance and distribution of an affine image Y = aX + b of a normal X ~ N(mu, sigma^2).

By linearity E[Y] = a E[X] + b = a mu + b, and Var(Y) = a^2 Var(X) = a^2 sigma^2
(the shift b moves the distribution without spreading it); normal distributions are
closed under affine maps, so Y ~ N(a mu + b, a^2 sigma^2). The solution writes
both as verified chains of steps, each naming the identity it uses
(``generator.kit.probability.Expectation`` keeps E[...] and Var(...) as written).

Options: ``mode``
* ``standardise``: the original, Z = (X - mu)/sigma with letters; E[Z] = 0, Var(Z) = 1.
  A random seed standardises another law in letters (X ~ N(2 mu, sigma^2), N(mu, 4 sigma^2), ...,
  so Z = (X - 2 mu)/sigma, (X - mu)/(2 sigma)): the same skill, never the original instance.
* ``affine-symbolic``: X ~ N(mu, sigma^2) with letters and Y = aX + b with
  small concrete a and b (or, a quarter of the time, letters a and b too).
* ``affine-numeric``: small integer mu, simple sigma^2, a and b; a fifth of the
  time the map standardises X, Z = (X - mu)/sigma, with a perfect-square sigma^2.

``deviation`` (``generator.kit.probability.DEVIATION``): the letters' sigma is tau on a sheet that prints sigma
for the softmax or the sigmoid beside it. The canonical instance is printed so: its sheet has a softmax.

Excluded by construction: a = 0 (Y would be constant) and a = 1 (the
variance would not change, so the a^2 step is invisible).

answers.json keys: ``inputs.mode``, ``inputs.mean`` (mu), ``inputs.variance``
(sigma^2), ``inputs.scale`` (a), ``inputs.shift`` (b); ``answers.mean``
(E[Y]) and ``answers.variance`` (Var(Y)); Y ~ N(answers.mean, answers.variance);
``answers.mean_steps`` and ``answers.variance_steps`` (the worked chains; steps written
with E[...] and Var(...) are stored by their value, which SymPy can read back).
"""

import dataclasses
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import (
    N_,
    Chain,
    ChoiceOption,
    Family,
    Reason,
    Step,
    WrittenProduct,
    WrittenSum,
    as_function,
    chain,
    require,
)
from generator.kit.notation import Expectation, RandomVariable, Variance
from generator.kit.printing import inline
from generator.kit.probability import (
    DEVIATION,
    Law,
    a,
    b,
    deviation_letter,
    minus,
    mu,
    polynomial_expectation,
    sigma,
    tau,
    with_deviation,
)

R = sympy.Rational
X = sympy.Symbol("X", real=True)
SCALES = (-3, -2, -1, R(-1, 2), R(1, 2), 2, 3, 4)
VARIANCES = (R(1, 4), 1, 2, 3, 4, 9, 16)
SQUARE_VARIANCES = (R(1, 4), 4, 9, 16)  # not 1: Z = X - mu would have a = 1
STANDARDISED_LAWS = ((2 * mu, sigma**2), (mu, 4 * sigma**2), (3 * mu, sigma**2), (mu, 9 * sigma**2))
"""Laws in letters that random ``standardise`` variants standardise; the original's N(mu, sigma^2) is left to it."""
STANDARDISE_CHANCE = 0.2
LETTERS_CHANCE = 0.25


@dataclass(frozen=True)
class Params:
    mode: str
    mean: sympy.Expr
    variance: sympy.Expr
    scale: sympy.Expr
    shift: sympy.Expr

    @property
    def transform(self) -> sympy.Expr:
        """aX + b as the statement prints it."""
        return affine_map(self, X)

    @property
    def expanded(self) -> sympy.Expr:
        """The map as aX + b, term by term (``X/sigma - mu/sigma``), where the solution reads off a and b."""
        return _plus_shift(self.scale * X, self.shift)

    @property
    def law(self) -> Law:
        return Law("gaussian", (self.mean, self.variance))

    @property
    def deviation(self) -> sympy.Symbol:
        """The letter of X's standard deviation in letters (sigma, or tau where the sheet's sigma is the softmax)."""
        return tau if self.variance.has(tau) else sigma


def affine_map(params: Params, variable: sympy.Expr) -> sympy.Expr:
    """a * variable + b in that order, written as (X - mu)/sigma when it standardises X."""
    deviation = sympy.sqrt(params.variance)
    if params.scale * deviation == 1 and params.shift == -params.mean * params.scale:
        centred = minus(variable, params.mean) if variable == X else WrittenSum(variable, -params.mean, evaluate=False)
        return sympy.Mul(centred, 1 / deviation, evaluate=False)
    return _plus_shift(params.scale * variable, params.shift)


@dataclass(frozen=True)
class Answer:
    mean: sympy.Expr
    variance: sympy.Expr
    mean_steps: Chain
    variance_steps: Chain
    scaling_rule: Chain

    @property
    def law(self) -> Law:
        """The law of aX + b, as the solution states it."""
        return Law("gaussian", (self.mean, self.variance))


def sample(rng: random.Random, options: Mapping) -> Params:
    params, letter = _drawn(rng, options["mode"]), options["deviation"]
    fields = ("mean", "variance", "scale", "shift")
    return dataclasses.replace(params, **{field: with_deviation(getattr(params, field), letter) for field in fields})


def _drawn(rng: random.Random, mode: str) -> Params:
    if mode == "standardise":
        return _standardising(mode, *rng.choice(STANDARDISED_LAWS))
    if mode == "affine-symbolic":
        if rng.random() < LETTERS_CHANCE:
            return Params(mode, mu, sigma**2, a, b)
        return Params(mode, mu, sigma**2, sympy.Rational(rng.choice(SCALES)), sympy.Integer(rng.randint(-6, 6)))
    centre = sympy.Integer(rng.randint(-5, 5))
    if rng.random() < STANDARDISE_CHANCE:
        return _standardising(mode, centre, sympy.Rational(rng.choice(SQUARE_VARIANCES)))
    variance = sympy.Rational(rng.choice(VARIANCES))
    return Params(mode, centre, variance, sympy.Rational(rng.choice(SCALES)), sympy.Integer(rng.randint(-6, 6)))


def _standardising(mode: str, mean: sympy.Expr, variance: sympy.Expr) -> Params:
    """X ~ N(mean, variance) and the map (X - mean)/sd that standardises it."""
    deviation = sympy.sqrt(variance)
    return Params(mode, mean, variance, 1 / deviation, -mean / deviation)


def solve(params: Params) -> Answer:
    mean = sympy.expand(params.scale * params.mean + params.shift)
    variance = params.scale**2 * params.variance
    x = RandomVariable(X.name, params.mean, params.variance)
    scale, shift = params.scale, params.shift
    image = affine_map(params, x)
    affine = _plus_shift(sympy.Mul(scale, Expectation(x), evaluate=False), shift)
    # the first rows put Y = aX + b in, and say so, as every row below names its step (two TA reads, German 9701, EN 9702)
    # named, not written out: Z = (X - 2 mu)/tau in the reasons column was a tiny stacked fraction repeating the row (a TA
    # read, EN 9723)
    defined = Reason("definition of ${name}$", name="Z" if params.mode == "standardise" else "Y")
    mean_steps = chain(
        Step(Expectation(image), defined),
        Step(affine, "linearity of expectation"),
        Step(_mean_inserted(scale, params.mean, shift, mean), "mean of $X$"),
        # standardised, the last rows say what they do, as every row above does (a TA read, EN 9091)
        Step(mean, "the terms cancel" if mean == 0 else ""),
    )
    variance_steps = chain(
        Step(Variance(image), defined),
        # A product as written: SymPy would fold (1/2)^2 Var(X) into Var(X)/4 and hide the squared factor.
        # which a: the rule beside (1/tau)^2 Var(X) named a letter the line did not (a TA read, German 9041)
        Step(
            # a letter a before Var(X) without a dot, as the rule beside it writes a^2 Var(X) (a TA read, EN 9702)
            # and a whole number too, 4^2 Var(X) (a TA read, German 9751); a fraction keeps its dot, which SymPy would
            # fold into Var(X)/9
            (sympy.Mul if scale.is_Symbol or scale.is_Integer else WrittenProduct)(_squared(scale), Variance(x), evaluate=False),
            # a letter a is the rule's own a: "with a = a" said nothing
            SCALING_RULE if scale.is_Symbol else Reason(r"{rule} with $a = {a}$", rule=Reason(SCALING_RULE), a=inline(scale)),
        ),
        Step(_scaled_variance(scale, params.variance), "variance of $X$"),
        Step(variance, _squared_and_cancelled(scale, params.variance) if variance == 1 else _square_worked(scale, params.variance)),
    )
    return Answer(mean, variance, mean_steps, variance_steps, _scaling_rule(x))


SCALING_RULE = N_(r"$\operatorname{Var}(aX + b) = a^2 \operatorname{Var}(X)$")


def _square_worked(scale: sympy.Expr, variance: sympy.Expr) -> Reason | str:
    """Why a^2 Var(X) with the variance put in is the last row: the square worked out, (-1)^2 = 1, or all of it in
    numbers, 3^2 . 4 = 36 ((-1)^2 . sigma^2 = sigma^2 stood without a reason, a TA read, German 9692); slashed as the
    rows' reasons beside it. Nothing for a letter a, whose a^2 sigma^2 is the row above already."""
    if scale.is_Symbol:
        return ""
    if variance.is_number:
        return Reason("${left} = {right}$", left=inline(_scaled_variance(scale, variance)), right=inline(scale**2 * variance))
    return _square(scale)


def _square(scale: sympy.Expr) -> Reason:
    """(1/(3 tau))^2 = 1/(9 tau^2), slashed as the reasons beside it."""
    return Reason("${left} = {right}$", left=inline(_squared(scale)), right=inline(scale**2))


def _squared_and_cancelled(scale: sympy.Expr, variance: sympy.Expr) -> Reason:
    """Why (1/(3 tau))^2 . 9 tau^2 is 1: the square worked out, then the factor cancelled ("cancel 9 tau^2" alone hid
    the square, a TA read, EN 9111)."""
    cancelled = Reason("cancel ${factor}$", factor=inline(variance))  # slashed as the square beside it
    return Reason("{rewrite}; {cancelled}", rewrite=_square(scale), cancelled=cancelled)


def _mean_inserted(scale: sympy.Expr, mean: sympy.Expr, shift: sympy.Expr, value: sympy.Expr) -> sympy.Expr:
    """a E[X] + b with the mean inserted, as a step that shows work.

    A number is shown multiplied (``(-2) \\cdot 3 + 1``). A letter joins a at once, and when
    nothing then cancels the step is the value itself: ``3 \\cdot \\mu - 5`` or
    ``- 3 \\mu + 1`` before ``1 - 3 \\mu`` would only drop a dot or reorder the terms.
    """
    if mean.is_number:
        return _plus_shift(WrittenProduct(scale, mean, evaluate=False), shift)
    written = _plus_shift(scale * mean, shift)
    return value if set(sympy.Add.make_args(written)) == set(sympy.Add.make_args(value)) else written


def _scaled_variance(scale: sympy.Expr, variance: sympy.Expr) -> sympy.Expr:
    """a^2 Var(X) with the variance inserted: ``3^2 \\cdot 4``, ``(1/sigma)^2 \\cdot sigma^2``; for a
    letter a just ``a^2 sigma^2``, since ``a^2 \\cdot sigma^2`` would only add a dot."""
    if scale.is_Symbol:
        return scale**2 * variance
    if scale.is_Integer and not variance.is_number:  # 4^2 tau^2, as 4^2 Var(X) above it
        return sympy.Mul(_squared(scale), variance, evaluate=False)
    return WrittenProduct(_squared(scale), variance, evaluate=False)


def _scaling_rule(x: RandomVariable) -> Chain:
    """Var(aX + b) = a^2 Var(X) for letters a and b, from the definition of the variance (the lhs is printed)."""
    E = Expectation
    image = WrittenSum(a * x, b, evaluate=False)
    centred = WrittenSum(a * x, b, -E(image), evaluate=False)
    scaled_deviation = WrittenSum(a * x, -sympy.Mul(a, E(x), evaluate=False), evaluate=False)
    deviation = WrittenSum(x, -E(x), evaluate=False)
    return Chain(
        (
            Step(E(_squared(centred)), "definition of variance"),
            Step(E(_squared(scaled_deviation)), N_("linearity of expectation; $b$ cancels")),
            Step(sympy.Mul(a**2, E(_squared(deviation)), evaluate=False), N_("factor out $a^2$; linearity of expectation")),
            Step(sympy.Mul(a**2, Variance(x), evaluate=False), "definition of variance"),
        )
    )


def _squared(value: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(value, 2, evaluate=False)


def _plus_shift(term: sympy.Expr, shift: sympy.Expr) -> sympy.Expr:
    """``term + b`` in that order; no ``+ 0``."""
    return WrittenSum(term, shift, evaluate=False) if shift != 0 else term


def difficulty(params: Params, answer: Answer) -> float:
    """Steps of E[Y] and Var(Y) plus a little for letters and fractions (the Var(aX + b) rule never changes)."""
    inputs = (params.mean, params.variance, params.scale, params.shift)
    return len(answer.mean_steps.steps) + len(answer.variance_steps.steps) + sum(map(sympy.count_ops, inputs)) / 10


def _assignments(params: Params, rng: random.Random) -> list[dict[sympy.Symbol, float]]:
    """The given numbers, or two random valid sets of values for the letters (|a| kept away from 0)."""
    if params.mode == "affine-numeric":
        return [{}]
    return [
        {mu: rng.uniform(-3, 3), params.deviation: rng.uniform(0.3, 2), a: rng.choice([-1, 1]) * rng.uniform(0.5, 3), b: rng.uniform(-3, 3)}
        for _ in range(2)
    ]


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    require(params.scale != 0, "a = 0 makes Y constant")
    for values in _assignments(params, rng):

        def at(expr: sympy.Expr, point: Mapping[sympy.Symbol, float] = values) -> float:
            """Compiled once per expression and process: a class of many variants checks the same formulas."""
            return float(as_function(sympy.sympify(expr), tuple(point))(*point.values()))

        centre, spread, scale, shift = (at(e) for e in (params.mean, params.variance, params.scale, params.shift))
        printed = at(params.transform, {**values, X: 1.7})
        require(math.isclose(printed, scale * 1.7 + shift, rel_tol=1e-12), lambda: f"the statement's map {params.transform} is not aX + b")
        # E[aX + b] and E[(aX + b - mean)^2] by Gauss-Hermite quadrature: independent of the formulas.
        mean = polynomial_expectation("gaussian", (centre, spread), lambda t: scale * t + shift)
        variance = polynomial_expectation("gaussian", (centre, spread), lambda t: (scale * t + shift - mean) ** 2)
        where = f"X ~ N({centre:.4g}, {spread:.4g}), Y = {scale:.4g} X + {shift:.4g}"
        require(math.isclose(at(answer.mean), mean, rel_tol=1e-8, abs_tol=1e-9), f"E[Y] for {where}: {at(answer.mean)} vs {mean}")
        require(
            math.isclose(at(answer.variance), variance, rel_tol=1e-8, abs_tol=1e-9),
            f"Var(Y) for {where}: {at(answer.variance)} vs {variance}",
        )
        for steps, direct in ((answer.mean_steps, mean), (answer.variance_steps, variance)):
            last = at(steps.result)
            require(math.isclose(last, direct, rel_tol=1e-8, abs_tol=1e-9), f"last step {last} for {where}, not {direct}")


def _letters(options) -> dict:
    """sigma as X's standard deviation where the mode writes the law in letters (affine-numeric prints numbers only)."""
    return deviation_letter(options) if options["mode"] != "affine-numeric" else {}


FAMILY = Family(
    name="normal-transform",
    summary="Mean, variance and distribution of aX + b for a normal X, and standardisation.",
    sample=sample,
    solve=solve,
    check=check,
    difficulty=difficulty,
    options=(
        ChoiceOption(
            "mode",
            "affine-numeric",
            ("standardise", "affine-symbolic", "affine-numeric"),
            "Z = (X - mu)/sigma with letters, aX + b with letters for mu and sigma, or all numbers",
        ),
        DEVIATION,
    ),
    # the original's N(mu, sigma^2) with tau: its sheet prints sigma for the softmax on the same page
    canonical={"idl-math-background-1.5b": _standardising("standardise", mu, tau**2)},
    letters=_letters,
)
