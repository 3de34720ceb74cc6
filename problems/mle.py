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
d2/dsigma2); worked: ``answers.sums``, ``scores``, ``roots``, ``deviations``, ``second``.
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import (
    N_,
    ChoiceOption,
    Family,
    Reason,
    Step,
    WrittenSum,
    chain,
    close,
    distinct,
    require,
)
from generator.kit.probability import golden_maximum, lamda, lowest_terms, mu, second_differences, sigma

P = sympy.Symbol("p", positive=True)
LOG_RULE = N_(r"$(\log u)' = u' / u$")
RANGES = {"bernoulli": (0, 1), "gaussian": (-2, 9), "exponential": (1, 5)}


@dataclass(frozen=True)
class Params:
    model: str
    data: tuple[int, ...]


@dataclass(frozen=True)
class Answer:
    sums: tuple  # gaussian: (sum x_i, sum x_i^2) worked; exponential: (sum x_i,); bernoulli: ()
    log_likelihood: sympy.Expr
    scores: tuple  # the first derivatives, worked; gaussian: d/dmu, d/dsigma, then d/dsigma at mu = mu-hat
    roots: tuple  # each estimate as a fraction, reduced
    deviations: tuple  # gaussian: sum (x_i - mu-hat)^2 worked; else ()
    second: tuple  # the second derivatives, each with its value at the estimate
    estimates: tuple[sympy.Expr, ...]
    curvature: tuple[sympy.Expr, ...]


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


def _total(values, squared: bool = False) -> tuple:
    terms = [v * v if squared else v for v in values]  # a 0 stays: a student looks for every observation
    written = WrittenSum(*terms, evaluate=False) if len(terms) > 1 else terms[0]
    return chain(Step(written), Step(sympy.Integer(sum(terms))))


def solve(p: Params) -> Answer:
    n, total = len(p.data), sum(p.data)
    if p.model == "bernoulli":
        score = WrittenSum(total / P, -(n - total) / (1 - P), evaluate=False)
        second = WrittenSum(-total / P**2, -(n - total) / (1 - P) ** 2, evaluate=False)
        ell = total * sympy.log(P) + (n - total) * sympy.log(1 - P)
        return _single(P, ell, score, (total - n * P) / (P * (1 - P)), second, total, n, ())
    if p.model == "exponential":
        ell = n * sympy.log(lamda) - total * lamda
        over = (n - total * lamda) / lamda
        return _single(lamda, ell, n / lamda - total, over, -n / lamda**2, n, total, (_total(p.data),))
    squares = sum(x * x for x in p.data)
    spread = n * mu**2 - 2 * total * mu + squares
    ell = -n * sympy.log(sigma) - sympy.Rational(n, 2) * sympy.log(2 * sympy.pi) - spread / (2 * sigma**2)
    mean = sympy.Integer(total // n)
    deviations = _total([x - mean for x in p.data], squared=True)
    spread_at = deviations.result
    # both partials in general first: the second derivatives below differentiate these lines, not a hidden one
    by_mu = chain(Step((total - n * mu) / sigma**2, N_(r"only the last term depends on $\mu$")))
    general = WrittenSum(-n / sigma, spread / sigma**3, evaluate=False)
    by_sigma = chain(Step(general, N_(r"$(\log(\sigma))' = 1/\sigma$, $(\sigma^{-2})' = -2 \sigma^{-3}$")))
    at_mean = WrittenSum(-n / sigma, spread_at / sigma**3, evaluate=False)
    over = Step((spread_at - n * sigma**2) / sigma**3, "over one denominator")
    deviations_in = Reason(r"$\mu = \hat{{\mu}}$, $\sum_i (x_i - \hat{{\mu}})^2 = {value}$", value=spread_at)
    at_sigma = chain(Step(at_mean, deviations_in), over)
    variance = sympy.Rational(spread_at, n)
    point = {mu: mean, sigma: sympy.sqrt(variance)}
    seconds = tuple(
        (d, d.subs(point))
        for d in (
            -n / sigma**2,
            sympy.Mul(-2, total - n * mu, sigma**-3, evaluate=False),
            WrittenSum(n / sigma**2, sympy.Mul(-3, spread, sigma**-4, evaluate=False), evaluate=False),
        )
    )
    roots = (lowest_terms(total, n), lowest_terms(spread_at, n))
    sums, curvature = (_total(p.data), _total(p.data, squared=True)), tuple(value for _, value in seconds)
    return Answer(sums, ell, (by_mu, by_sigma, at_sigma), roots, (deviations,), seconds, (mean, variance), curvature)


def _single(var, ell, score, over, second, top: int, bottom: int, sums: tuple) -> Answer:
    """One parameter: the score over one denominator, its root top / bottom and the curvature there."""
    estimate = sympy.Rational(top, bottom)
    scores = (chain(Step(score, LOG_RULE), Step(over, "over one denominator")),)
    value = second.subs(var, estimate)
    roots = (lowest_terms(top, bottom),)
    return Answer(sums, ell, scores, roots, (), ((second, value),), (estimate,), (value,))


def _log_likelihood(model: str, data: tuple[int, ...]):
    """The log-likelihood in floats, written from the densities, not from the solver's expression."""
    if model == "bernoulli":
        return lambda p: sum(math.log(p if x else 1 - p) for x in data)
    if model == "exponential":
        return lambda rate: sum(math.log(rate) - rate * x for x in data)
    return lambda m, s: sum(-math.log(s * math.sqrt(2 * math.pi)) - (x - m) ** 2 / (2 * s * s) for x in data)


def check(p: Params, answer: Answer, rng: random.Random) -> None:
    f = _log_likelihood(p.model, p.data)
    if p.model == "gaussian":
        spread = max(p.data) - min(p.data)

        def best_sigma(m: float) -> float:
            return golden_maximum(lambda s: f(m, s), 1e-3, spread + 1.0)

        m = golden_maximum(lambda m: f(m, best_sigma(m)), min(p.data), max(p.data))
        point = (m, best_sigma(m))
        found = (m, point[1] ** 2)
    else:
        point = found = (golden_maximum(f, 1e-9, 1 - 1e-9 if p.model == "bernoulli" else 10.0),)
    curvature = second_differences(f, point)
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
)
