"""Maximum-likelihood estimates from a small sample: Bernoulli p, normal mu and sigma^2, or exponential rate.

The principle behind fitting every probabilistic model (cross-entropy loss is a negative
log-likelihood). The solution writes the log-likelihood of the sample, sets its derivative(s) to
zero, solves for the root and confirms with the second derivative(s) that it is a maximum. Option
``model``: ``bernoulli`` (0/1 data, p-hat), ``gaussian`` (mu-hat and sigma-hat^2, maximised over
mu and sigma > 0) or ``exponential`` (rate lambda-hat). The check maximises the log-likelihood,
written from the densities, by golden-section search (nested for mu and sigma) and compares the
second derivatives with second differences there.

Excluded by construction: a sample of one value only (Bernoulli: the maximum sits at p = 0 or 1,
where the derivative is not zero; normal: sigma-hat = 0), a normal sample with a non-integer mean
or a deviation above 3 (deviations by hand), an exponential rate whose fraction has a denominator
above 12, and the canonical sample; samples have 4 to 8 numbers.

answers.json keys: ``inputs.model``, ``inputs.data``; ``answers.log_likelihood`` (in the data's
numbers), ``answers.estimates`` (p-hat; mu-hat and sigma-hat^2; lambda-hat) and
``answers.curvature`` (the second derivatives at the estimate: l''; or d2/dmu2, d2/dmu dsigma,
d2/dsigma2); worked: ``answers.sums``, ``put_in`` (the log-likelihood as a step naming the numbers it puts
in; null for Bernoulli data), ``scores``, ``roots``, ``deviations``, ``second``.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import (
    ChoiceOption,
    Family,
    close,
    distinct,
    require,
)
from generator.kit.estimation import Fit, fit, numerical_fit
from generator.kit.probability import FIXED_DEVIATION

RANGES = {"bernoulli": (0, 1), "gaussian": (-2, 9), "exponential": (1, 5)}


@dataclass(frozen=True)
class Params:
    model: str
    data: tuple[int, ...]


def sample(rng: random.Random, options: Mapping) -> Params:
    model, (low, high) = options["model"], RANGES[options["model"]]

    def draw(r: random.Random) -> Params:
        if model != "gaussian":
            return Params(model, tuple(r.randint(low, high) for _ in range(r.randint(4, 8))))
        deviations = [r.randint(-3, 3) for _ in range(r.randint(3, 7))]  # the last one makes the mean whole
        mean = r.randint(low + 3, high - 3)
        data = [mean + d for d in (*deviations, -sum(deviations))]
        return Params(model, tuple(r.sample(data, len(data))))

    return distinct(rng, draw, 1, accept=_usable, what=f"{model} samples with a worked estimate")[0]


def _usable(p: Params) -> bool:
    n, total = len(p.data), sum(p.data)
    if p.model == "exponential":
        small = sympy.Rational(n, total).q <= 12
    else:
        small = p.model == "bernoulli" or (total % n == 0 and max(abs(x - total // n) for x in p.data) <= 3)
    return len(set(p.data)) > 1 and small and p not in CANONICAL.values()


def solve(p: Params) -> Fit:
    """The log-likelihood, its derivative(s) set to zero, the root(s) and the second derivative(s) there (``fit``)."""
    return fit(p.model, p.data)


def check(p: Params, answer: Fit, rng: random.Random) -> None:
    found, curvature = numerical_fit(p.model, p.data)
    for claimed, numeric in zip(answer.estimates, found, strict=True):
        require(close(float(claimed), numeric, rel=1e-6), f"estimate {claimed}, but the likelihood peaks at {numeric}")
    for claimed, numeric in zip(answer.curvature, curvature, strict=True):
        agree = close(float(claimed), numeric, rel=1e-3, abs_tol=1e-5) and float(claimed) <= 0
        require(agree, f"second derivative {claimed} at the estimate, but numerically {numeric}")


CANONICAL = {"mle-example": Params("gaussian", (2, 5, 3, 6, 4))}

FAMILY = Family(
    name="mle",
    summary="Maximum-likelihood estimate from a small sample (Bernoulli, normal or exponential).",
    sample=sample,
    solve=solve,
    check=check,
    options=(ChoiceOption("model", "gaussian", tuple(RANGES), "the distribution fitted to the sample"),),
    canonical=CANONICAL,
    difficulty=lambda params, answer: (4 if params.model == "gaussian" else 2) + len(params.data) / 8,
    key_fields=("log_likelihood", "estimates", "curvature"),
    letters=lambda options: {r"\sigma": FIXED_DEVIATION} if options["model"] == "gaussian" else {},
)
