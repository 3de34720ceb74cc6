"""Mean, variance and law of an affine image Y = aX + b of a normal X ~ N(mu, sigma^2).

By linearity E[Y] = a E[X] + b = a mu + b, and Var(Y) = a^2 Var(X) = a^2 sigma^2
(the shift b moves the distribution without spreading it); normal laws are
closed under affine maps, so Y ~ N(a mu + b, a^2 sigma^2).

Options: ``mode``
* ``standardise``: the original, Z = (X - mu)/sigma with letters; E[Z] = 0, Var(Z) = 1.
* ``affine-symbolic``: X ~ N(mu, sigma^2) with letters and Y = aX + b with
  small concrete a and b (or, a quarter of the time, letters a and b too).
* ``affine-numeric``: small integer mu, simple sigma^2, a and b; a fifth of the
  time the map standardises X, Z = (X - mu)/sigma, with a perfect-square sigma^2.

Excluded by construction: a = 0 (Y would be constant) and a = 1 (the
variance would not change, so the a^2 step is invisible).

answers.json keys: ``inputs.mode``, ``inputs.mean`` (mu), ``inputs.variance``
(sigma^2), ``inputs.scale`` (a), ``inputs.shift`` (b); ``answers.mean``
(E[Y]) and ``answers.variance`` (Var(Y)); Y ~ N(answers.mean, answers.variance).
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.family import Family, require
from generator.options import ChoiceOption
from generator.probability import a, b, expectation, minus, mu, sigma

R = sympy.Rational
X = sympy.Symbol("X", real=True)
SCALES = (-3, -2, -1, R(-1, 2), R(1, 2), 2, 3, 4)
VARIANCES = (R(1, 4), 1, 2, 3, 4, 9, 16)
SQUARE_VARIANCES = (R(1, 4), 4, 9, 16)  # not 1: Z = X - mu would have a = 1
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
        """aX + b, written as (X - mu)/sigma when it standardises X (SymPy would expand that)."""
        deviation = sympy.sqrt(self.variance)
        if self.scale * deviation == 1 and self.shift == -self.mean * self.scale:
            return sympy.Mul(1 / deviation, minus(X, self.mean), evaluate=False)
        return self.scale * X + self.shift


@dataclass(frozen=True)
class Answer:
    mean: sympy.Expr
    variance: sympy.Expr


def sample(rng: random.Random, options: Mapping) -> Params:
    mode = options["mode"]
    if mode == "standardise":
        return Params(mode, mu, sigma**2, 1 / sigma, -mu / sigma)
    if mode == "affine-symbolic":
        if rng.random() < LETTERS_CHANCE:
            return Params(mode, mu, sigma**2, a, b)
        return Params(mode, mu, sigma**2, sympy.Rational(rng.choice(SCALES)), sympy.Integer(rng.randint(-6, 6)))
    centre = sympy.Integer(rng.randint(-5, 5))
    if rng.random() < STANDARDISE_CHANCE:
        variance = sympy.Rational(rng.choice(SQUARE_VARIANCES))
        return Params(mode, centre, variance, 1 / sympy.sqrt(variance), -centre / sympy.sqrt(variance))
    variance = sympy.Rational(rng.choice(VARIANCES))
    return Params(mode, centre, variance, sympy.Rational(rng.choice(SCALES)), sympy.Integer(rng.randint(-6, 6)))


def solve(params: Params) -> Answer:
    return Answer(
        mean=sympy.expand(params.scale * params.mean + params.shift),
        variance=params.scale**2 * params.variance,
    )


def _assignments(params: Params, rng: random.Random) -> list[dict[sympy.Symbol, float]]:
    """The given numbers, or two random valid sets of values for the letters (|a| kept away from 0)."""
    if params.mode == "affine-numeric":
        return [{}]
    return [
        {mu: rng.uniform(-3, 3), sigma: rng.uniform(0.3, 2), a: rng.choice([-1, 1]) * rng.uniform(0.5, 3), b: rng.uniform(-3, 3)}
        for _ in range(2)
    ]


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    require(params.scale != 0, "a = 0 makes Y constant")
    for values in _assignments(params, rng):

        def at(expr: sympy.Expr) -> float:
            return float(sympy.sympify(expr).subs(values).doit().evalf(20))

        centre, spread, scale, shift = (at(e) for e in (params.mean, params.variance, params.scale, params.shift))
        printed = float(sympy.sympify(params.transform).subs({**values, X: 1.7}).doit().evalf(20))
        require(math.isclose(printed, scale * 1.7 + shift, rel_tol=1e-12), f"the statement's map {params.transform} is not aX + b")
        # Integrate the N(centre, spread) density against y = ax + b: independent of the formulas.
        mean = expectation("gaussian", (centre, spread), lambda t: scale * t + shift)
        variance = expectation("gaussian", (centre, spread), lambda t: (scale * t + shift - mean) ** 2)
        where = f"X ~ N({centre:.4g}, {spread:.4g}), Y = {scale:.4g} X + {shift:.4g}"
        require(math.isclose(at(answer.mean), mean, rel_tol=1e-8, abs_tol=1e-9), f"E[Y] for {where}: {at(answer.mean)} vs {mean}")
        require(
            math.isclose(at(answer.variance), variance, rel_tol=1e-8, abs_tol=1e-9),
            f"Var(Y) for {where}: {at(answer.variance)} vs {variance}",
        )


FAMILY = Family(
    name="normal-transform",
    summary="Mean, variance and distribution of aX + b for a normal X, and standardisation.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption(
            "mode",
            "affine-numeric",
            ("standardise", "affine-symbolic", "affine-numeric"),
            "Z = (X - mu)/sigma with letters, aX + b with letters for mu and sigma, or all numbers",
        ),
    ),
    canonical={"idl-math-background-1.5b": Params("standardise", mu, sigma**2, 1 / sigma, -mu / sigma)},
)
