"""Maximum-likelihood estimates worked by hand: Bernoulli p, normal mu and sigma^2, exponential rate.

A teaching assistant writes the log-likelihood of the sample, sets its derivative (the score) to zero over one
denominator, solves for the root and confirms with the second derivative that it is a maximum. ``fit`` gives
those steps for one of ``MODELS`` and a sample of whole numbers, as chains the engine verifies (for a normal
sample: both partials in general, then d/dsigma at mu = mu-hat, and the three second derivatives of the
Hessian). ``numerical_fit`` finds the estimates and the curvature without differentiating, for checks: the
log-likelihood written from the densities, maximised by golden-section search (nested for mu and sigma),
and its second differences there.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy

from generator.kit.language import N_, Reason
from generator.kit.linalg import fraction_times
from generator.kit.notation import WrittenQuotient, WrittenSum
from generator.kit.printing import tex
from generator.kit.probability import golden_maximum, lamda, lowest_terms, mu, second_differences, sigma
from generator.kit.steps import Chain, Step, added_up, chain

__all__ = ["MODELS", "P", "Fit", "fit", "float_log_likelihood", "numerical_fit"]

MODELS = ("bernoulli", "gaussian", "exponential")
"""The models ``fit`` works: 0/1 data (p), a normal sample (mu and sigma^2), an exponential one (the rate)."""
P = sympy.Symbol("p", positive=True)
"""The Bernoulli parameter p (mu, sigma and lamda are ``generator.kit.probability``'s letters)."""


@dataclass(frozen=True)
class Fit:
    """A maximum-likelihood estimate worked: ``sums`` (a normal sample: sum x_i and sum x_i^2 worked; an
    exponential one: sum x_i; Bernoulli: none), the log-likelihood in the data's numbers, ``put_in`` (it as a
    step whose reason names the numbers put into the general log-likelihood: n and the sums; None for Bernoulli
    data, whose k and n - k a sentence names), the ``scores`` (first
    derivatives, worked; normal: d/dmu, d/dsigma, then d/dsigma at mu = mu-hat), the ``roots`` (each estimate
    as a fraction, reduced), the ``deviations`` (normal: sum (x_i - mu-hat)^2 worked), the ``second``
    derivatives, each with its value at the estimate, and the estimates and those values."""

    sums: tuple
    log_likelihood: sympy.Expr
    put_in: Chain | None
    scores: tuple
    roots: tuple
    deviations: tuple
    second: tuple
    estimates: tuple[sympy.Expr, ...]
    curvature: tuple[sympy.Expr, ...]
    brackets: tuple[sympy.Expr, ...] = ()
    """A normal sample's brackets in the mixed and the last second derivative, sum (x_i - mu) and sum (x_i - mu)^2
    multiplied out in mu (``8 - 4 mu``, ``4 mu^2 - 16 mu + 30``): the sentence that evaluates them at the estimate
    names them as those lines print them (a TA read found it naming sums no line showed)."""

    @property
    def spread(self) -> sympy.Expr:
        """A normal sample's sigma-hat, the root of sigma-hat^2: the log-likelihood is maximised over (mu, sigma),
        so its Hessian is taken at (mu-hat, sigma-hat), and sigma-hat^2 is its square by invariance."""
        return sympy.sqrt(self.estimates[1])

    @property
    def hessian(self) -> sympy.ImmutableMatrix:
        """A normal sample's Hessian at the estimate, -n/sigma-hat^2 [1, 0; 0, 2]: a fraction in front of whole entries
        where the entries are fractions (full-size fractions made the matrix tall and crowded its brackets, a TA read,
        EN 9041); its value is the matrix either way."""
        mu_mu, mu_sigma, sigma_sigma = self.curvature
        matrix = sympy.ImmutableMatrix([[mu_mu, mu_sigma], [mu_sigma, sigma_sigma]])
        if all(entry.is_Integer for entry in matrix):
            return matrix
        return fraction_times(mu_mu, matrix / mu_mu)


def fit(model: str, data: Sequence[int]) -> Fit:
    """The estimate of ``model``'s parameters from ``data``, worked; a normal sample has a whole mean (the
    deviations are worked by hand) and two values at least, a Bernoulli one both 0 and 1 (else the maximum
    sits at p = 0 or 1, where the score is not zero)."""
    n, total = len(data), sum(data)
    if model == "bernoulli":
        score = WrittenSum(total / P, -(n - total) / (1 - P), evaluate=False)
        second = WrittenSum(-total / P**2, -(n - total) / (1 - P) ** 2, evaluate=False)
        ell = total * sympy.log(P) + (n - total) * sympy.log(1 - P)
        return _single(P, ell, None, score, (total - n * P) / (P * (1 - P)), second, total, n, (), _BERNOULLI_RULES, _BERNOULLI_OVER)
    if model == "exponential":
        ell = n * sympy.log(lamda) - total * lamda
        put_in = chain(Step(ell, _put_in(n, total)))
        over = (n - total * lamda) / lamda
        sums = (_data_sum(data, N_("put in the observations")),)
        return _single(lamda, ell, put_in, n / lamda - total, over, -n / lamda**2, n, total, sums, _RATE_RULES, _OVER)
    return _gaussian(data)


_BY_MU = N_(r"the first two terms do not depend on $\mu$; constant factor, $({spread})' = {derivative}$")


def _data_sum(values: Sequence[int], what: str) -> Chain:
    """A sum of the data worked as a hand writes it: the values put in (``what`` says which), then added."""
    return added_up(*values, why=what, then=N_("add"))


def _gaussian(data: Sequence[int]) -> Fit:
    n, total = len(data), sum(data)
    if total % n:
        raise ValueError(f"the mean of {tuple(data)} is not whole: its deviations are worked by hand")
    squares = sum(x * x for x in data)
    spread = n * mu**2 - 2 * total * mu + squares
    ell = -n * sympy.log(sigma) - sympy.Rational(n, 2) * sympy.log(2 * sympy.pi) - spread / (2 * sigma**2)
    mean = sympy.Integer(total // n)
    deviations = added_up(*((x - mean) ** 2 for x in data))  # the line before lists them; a reason would stand before its comma
    spread_at = deviations.result
    # both partials in general first: the second derivatives below differentiate these lines, not a hidden one
    # the last term's derivative as it comes, then its sign and its 2 (TA read: one line hid both)
    written = sympy.Mul(-1, WrittenQuotient(2 * n * mu - 2 * total, 2 * sigma**2), evaluate=False)
    by_mu = chain(
        # the derivative the row takes named, as the row by sigma names its own (a TA read, EN 9653)
        Step(written, Reason(_BY_MU, spread=tex(spread), derivative=tex(2 * n * mu - 2 * total))),
        Step((total - n * mu) / sigma**2, N_("distribute the minus sign, cancel $2$")),
    )
    general = WrittenSum(-n / sigma, spread / sigma**3, evaluate=False)
    # and what becomes of the -1/2 in front of the last term (a TA read, EN 9412: the signs turned unnamed)
    by_sigma = chain(Step(general, N_(r"the middle term does not depend on $\sigma$; $(\log(\sigma))' = 1/\sigma$, $(\sigma^{-2})' = -2 \sigma^{-3}$, $(-1/2) \cdot (-2) = 1$")))
    at_mean = WrittenSum(-n / sigma, spread_at / sigma**3, evaluate=False)
    over = Step((spread_at - n * sigma**2) / sigma**3, "over one denominator")
    deviations_in = Reason(r"$\mu = \hat{{\mu}}$, $\sum_i (x_i - \hat{{\mu}})^2 = {value}$", value=spread_at)
    at_sigma = chain(Step(at_mean, deviations_in), over)
    variance = sympy.Rational(spread_at, n)
    point = {mu: mean, sigma: sympy.sqrt(variance)}
    mixed = total - n * mu
    seconds = tuple(
        (d, d.subs(point))
        for d in (
            -n / sigma**2,
            sympy.Mul(-2, mixed, sigma**-3, evaluate=False),
            WrittenSum(n / sigma**2, sympy.Mul(-3, spread, sigma**-4, evaluate=False), evaluate=False),
        )
    )
    roots = (lowest_terms(total, n), lowest_terms(spread_at, n))
    # each line says what it does, as the sheet's other sums do (TA reads, EN 9551; German 9583: "the observations"
    # beside the first line named no step)
    sums = (_data_sum(data, N_("put in the observations")), _data_sum([x * x for x in data], N_("put in their squares")))
    curvature = tuple(value for _, value in seconds)
    scores = (by_mu, by_sigma, at_sigma)
    put_in = chain(Step(ell, _put_in(n, total, squares)))
    return Fit(sums, ell, put_in, scores, roots, (deviations,), seconds, (mean, variance), curvature, (mixed, spread))


def _put_in(n: int, total: int, squares: int | None = None) -> Reason:
    """What the log-likelihood in the sample's numbers puts into the general one: n, sum x_i (and sum x_i^2, into the
    sum of squares multiplied out above, which the row also collects: "put in" alone hid it, a TA read, EN 9474; said
    in a few words, so that the reason stands beside its row in German too, German 9484)."""
    if squares is None:
        return Reason("put in {values}", values=rf"$n = {n}$, $\sum_i x_i = {total}$")
    values = rf"$n = {n}$, $\sum_i x_i = {total}$, $\sum_i x_i^2 = {squares}$"
    return Reason("put in {values}; multiplied out as above", values=values)


_RATE_RULES = N_(r"$(\log \lambda)' = 1/\lambda$, constant factor")
"""The exponential's score, n log(lambda) - s lambda differentiated: "(log u)' = u'/u" named a chain rule with no u, and
left the linear term's derivative unsaid (a TA read, German 9701)."""


_BERNOULLI_RULES = N_(r"constant factor; $(\log u)' = u' / u$ with $(1 - p)' = -1$")
"""k log(p) + (n - k) log(1 - p) differentiated: the constants and the -1 the minus sign comes from named ("(log u)' = u'/u"
alone left both unsaid, a TA read, EN 9722)."""
_OVER = N_("over one denominator")
_BERNOULLI_OVER = N_("over one denominator, numerator multiplied out and collected")
"""k/p - (n - k)/(1 - p) = (k - n p)/(p (1 - p)) multiplies k (1 - p) - (n - k) p out, which the reason says (EN 9722)."""


def _single(var, ell, put_in, score, over, second, top: int, bottom: int, sums: tuple, rule: str, joined: str) -> Fit:
    """One parameter: the score (differentiated by ``rule``) over one denominator (``joined`` names the step), its root
    top / bottom and the curvature there."""
    estimate = sympy.Rational(top, bottom)
    scores = (chain(Step(score, rule), Step(over, joined)),)
    value = second.subs(var, estimate)
    roots = (lowest_terms(top, bottom),)
    return Fit(sums, ell, put_in, scores, roots, (), ((second, value),), (estimate,), (value,))


def float_log_likelihood(model: str, data: Sequence[int]) -> Callable[..., float]:
    """The log-likelihood in floats (of p, of the rate, or of mu and sigma), written from the densities, not
    from ``fit``'s expression."""
    if model == "bernoulli":
        return lambda p: sum(math.log(p if x else 1 - p) for x in data)
    if model == "exponential":
        return lambda rate: sum(math.log(rate) - rate * x for x in data)
    return lambda m, s: sum(-math.log(s * math.sqrt(2 * math.pi)) - (x - m) ** 2 / (2 * s * s) for x in data)


def numerical_fit(model: str, data: Sequence[int]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The estimates (p; mu and sigma^2; the rate) where ``float_log_likelihood`` peaks, by golden-section search
    (for a normal sample sigma maximised inside mu), and its second differences there (``fit``'s ``curvature``)."""
    f = float_log_likelihood(model, data)
    if model == "gaussian":
        spread = max(data) - min(data)

        def best_sigma(m: float) -> float:
            return golden_maximum(lambda s: f(m, s), 1e-3, spread + 1.0)

        m = golden_maximum(lambda m: f(m, best_sigma(m)), min(data), max(data))
        point = (m, best_sigma(m))
        found = (m, point[1] ** 2)
    else:
        point = found = (golden_maximum(f, 1e-9, 1 - 1e-9 if model == "bernoulli" else 10.0),)
    return found, second_differences(f, point)
