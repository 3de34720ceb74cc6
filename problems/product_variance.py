"""Variance of the product XY of two independent random variables.

The chain every variant practises: Var(XY) = E[X^2 Y^2] - E[XY]^2, which by
independence is E[X^2] E[Y^2] - (E[X] E[Y])^2 with E[X^2] = Var(X) + E[X]^2,
so that Var(XY) = sigma_X^2 sigma_Y^2 + mu_X^2 sigma_Y^2 + mu_Y^2 sigma_X^2.
The solution writes exactly these identities as one verified chain of steps
(``generator.kit.probability.Expectation`` keeps E[...] and Var(...) as written
and evaluates them from the given means and variances).

Options: ``mode``
* ``zero-mean-proof``: show Var(XY) = Var(X) Var(Y) for zero-mean X, Y given
  as N(0, sigma^2) or U[-c, c] with letters (the original: X, Y i.i.d. N(0, sigma^2)).
* ``general-symbolic``: express Var(XY) through letters mu_X, sigma_X, mu_Y,
  sigma_Y (or mu, sigma when i.i.d.), given as moments or as normal distributions.
* ``numeric``: small integer or simple-fraction moments, given directly or
  through a named law (N(mu, sigma^2), U[a, b], Exp(lambda)) whose mean and
  variance the student must know.

``deviation`` (``generator.kit.probability.DEVIATION``): the letters sigma, sigma_X, sigma_Y are tau, tau_X, tau_Y
on a sheet that prints sigma for the softmax or the sigmoid beside them; the canonical instance is printed so (its
sheet has a softmax).

Excluded by construction: in numeric mode both means zero (the general
formula would collapse to the zero-mean case); variances are always positive;
a random zero-mean-proof variant is never the original pair X, Y i.i.d. N(0, sigma^2).
Statements say what each law's parameters are (``generator.kit.probability.Law``),
and solutions quote the moments of the laws drawn, worked from their parameters.

answers.json keys: ``inputs.mode``, ``inputs.laws`` (each ``moments``,
``gaussian``, ``uniform`` or ``exponential``), ``inputs.parameters`` (per
variable: (mean, variance), (mu, sigma^2), (a, b) or (lambda,)); both hold one entry
when X and Y are identically distributed (i.i.d.), two otherwise; ``answers.means``, ``answers.variances``,
``answers.second_moments`` (E[X^2], E[Y^2]), ``answers.product_mean`` (E[XY]),
``answers.product_second_moment`` (E[X^2 Y^2]), ``answers.variance_product``
(Var(X) Var(Y)), ``answers.mean_terms`` (mu_X^2 sigma_Y^2 + mu_Y^2 sigma_X^2),
``answers.variance`` (Var(XY)), ``answers.worked`` (the steps from the definition of
Var(XY) to its value), ``answers.comparison`` (the steps of Var(X) Var(Y)) and
``answers.facts`` (per named law: the variable's ``name``, the ``law`` and the steps of
its ``mean`` and ``variance`` from its parameters). Steps
written with E[...] and Var(...) are stored by their value, which is what SymPy can read back.
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product

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
    tex,
    worked_chain,
)
from generator.kit.notation import Expectation, RandomVariable, Variance
from generator.kit.printing import inline
from generator.kit.probability import (
    DEVIATION,
    Law,
    LawMoments,
    deviation_letter,
    law_moments,
    mean,
    mu,
    numerical_moments,
    sigma,
    variance,
    with_deviation,
)

R = sympy.Rational

mu_X, mu_Y = sympy.symbols("mu_X mu_Y", real=True)
sigma_X, sigma_Y, c = sympy.symbols("sigma_X sigma_Y c", positive=True)

Given = tuple[str, tuple[sympy.Expr, ...]]
"""A law (or ``moments``) and its parameters. A part gives two, or one for an i.i.d. pair."""
ORIGINAL: tuple[Given, ...] = (("gaussian", (0, sigma**2)),)
"""The canonical pair, X, Y i.i.d. N(0, sigma^2); random zero-mean-proof variants draw the others."""
ZERO_MEAN: tuple[tuple[Given, ...], ...] = (
    ORIGINAL,
    (("gaussian", (0, sigma_X**2)), ("gaussian", (0, sigma_Y**2))),
    (("gaussian", (0, sigma**2)), ("uniform", (-c, c))),
    (("uniform", (-c, c)),),
)
GENERAL: tuple[tuple[Given, ...], ...] = (
    (("moments", (mu_X, sigma_X**2)), ("moments", (mu_Y, sigma_Y**2))),
    (("moments", (mu, sigma**2)),),
    (("gaussian", (mu_X, sigma_X**2)), ("gaussian", (mu_Y, sigma_Y**2))),
    (("gaussian", (mu, sigma**2)),),
)
NUMERIC_LAWS = ("moments", "gaussian", "uniform", "exponential")
SAME_LAW_CHANCE = 0.2
MAX_ATTEMPTS = 100


@dataclass(frozen=True)
class Params:
    mode: str
    laws: tuple[str, ...]
    parameters: tuple[tuple[sympy.Expr, ...], ...]
    """One law for X and Y when they are identically distributed, else one each: an i.i.d. pair is one law, not two that happen to agree."""

    @property
    def identical(self) -> bool:
        return len(self.laws) == 1

    @property
    def pair(self) -> tuple[Given, Given]:
        """The laws of X and Y."""
        given = tuple(zip(self.laws, self.parameters))
        return (given[0], given[-1])

    @property
    def named(self) -> tuple[Law | None, ...]:
        """Each given law as statements print it; None where only its moments are given."""
        return tuple(None if kind == "moments" else Law(kind, q) for kind, q in zip(self.laws, self.parameters))

    @property
    def letters(self) -> list[sympy.Symbol]:
        """The letters the laws are given in (``c`` of U[-c, c]): the answer is asked for in them by name."""
        return sorted(set().union(*(q.free_symbols for qs in self.parameters for q in qs)), key=sympy.default_sort_key)


@dataclass(frozen=True)
class Answer:
    means: tuple[sympy.Expr, sympy.Expr]
    variances: tuple[sympy.Expr, sympy.Expr]
    second_moments: tuple[sympy.Expr, sympy.Expr]
    product_mean: sympy.Expr
    product_second_moment: sympy.Expr
    variance_product: sympy.Expr
    mean_terms: sympy.Expr
    variance: sympy.Expr
    worked: Chain
    comparison: Chain
    facts: tuple[LawMoments, ...]


def _numeric_law(rng: random.Random) -> Given:
    law = rng.choice(NUMERIC_LAWS)
    if law == "moments":
        return law, (sympy.Integer(rng.randint(-3, 3)), sympy.Integer(rng.choice([1, 2, 3, 4, 5])))
    if law == "gaussian":
        return law, (sympy.Integer(rng.randint(-3, 3)), sympy.Integer(rng.choice([1, 2, 4, 9])))
    if law == "uniform":
        # Even widths around an integer centre: integer ends, variance w^2/12 in {1/3, 4/3, 3}.
        centre, half_width = rng.randint(-2, 3), rng.choice([1, 2, 3])
        return law, (sympy.Integer(centre - half_width), sympy.Integer(centre + half_width))
    return law, (rng.choice([R(1, 3), R(1, 2), sympy.Integer(1), sympy.Integer(2)]),)


def _mean(law: Given) -> sympy.Expr:
    kind, parameters = law
    return parameters[0] if kind == "moments" else mean(kind, parameters)


def _variance(law: Given) -> sympy.Expr:
    kind, parameters = law
    return parameters[1] if kind == "moments" else variance(kind, parameters)


def sample(rng: random.Random, options: Mapping) -> Params:
    mode = options["mode"]
    if mode != "numeric":
        drawn = [laws for laws in ZERO_MEAN if laws != ORIGINAL] if mode == "zero-mean-proof" else GENERAL
        given = rng.choice(drawn)
    else:
        for _ in range(MAX_ATTEMPTS):
            first = _numeric_law(rng)
            given = (first,) if rng.random() < SAME_LAW_CHANCE else (first, _numeric_law(rng))
            if any(_mean(law) != 0 for law in given):
                break
        else:
            raise RuntimeError(f"no pair of laws with a non-zero mean in {MAX_ATTEMPTS} attempts")
    parameters = tuple(tuple(sympy.sympify(p) for p in law[1]) for law in given)
    return Params(mode, tuple(law[0] for law in given), with_deviation(parameters, options["deviation"]))


def solve(params: Params) -> Answer:
    laws = params.pair
    means = tuple(_mean(law) for law in laws)
    variances = tuple(_variance(law) for law in laws)
    second_moments = tuple(v + m**2 for m, v in zip(means, variances))
    product_mean = means[0] * means[1]
    product_second_moment = second_moments[0] * second_moments[1]
    variance_product = variances[0] * variances[1]
    mean_terms = means[0] ** 2 * variances[1] + means[1] ** 2 * variances[0]
    result = sympy.expand(product_second_moment - product_mean**2)
    return Answer(
        means=means,
        variances=variances,
        second_moments=second_moments,
        product_mean=product_mean,
        product_second_moment=product_second_moment,
        variance_product=variance_product,
        mean_terms=mean_terms,
        variance=result,
        worked=_worked(params, means, variances, result),
        comparison=_comparison(params, variances),
        facts=_facts(params),
    )


def _comparison(params: Params, variances) -> Chain:
    """Var(X) Var(Y) from the variances above: (sigma^2)^2 for an i.i.d. pair, a product otherwise.

    A product that only loses its dot (``sigma_X^2 \\cdot sigma_Y^2``) is one step, not two.
    """
    written = _squared(variances[0]) if params.identical else WrittenProduct(*variances, evaluate=False)
    return worked_chain(Step(written, "the variances above"), Step(variances[0] * variances[1]))


def _facts(params: Params) -> tuple[LawMoments, ...]:
    """The moments of each named law drawn (one for an i.i.d. pair), worked from its parameters."""
    if params.identical:
        return () if params.named[0] is None else (law_moments("X, Y", params.named[0]),)
    return tuple(law_moments(name, law) for name, law in zip("XY", params.named) if law is not None)


def _squared(value: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(value, 2, evaluate=False)


def _worked(params: Params, means, variances, result: sympy.Expr) -> Chain:
    """Var(XY) from its definition, one expectation identity per step, to the value.

    With zero means the zero-mean facts are used as such (E[X] = 0, so E[X^2] = Var(X)): putting 0
    into the general formula would only print 0^2 and 0 * 0 to cross out.
    """
    x, y = (RandomVariable(name, m, v) for name, m, v in zip("XY", means, variances))
    E = Expectation

    def minus_square_of_means(*factors) -> sympy.Expr:
        return -_squared(sympy.Mul(*factors, evaluate=False))

    def second_moment(v: RandomVariable) -> sympy.Expr:
        return WrittenSum(Variance(v), E(v) ** 2, evaluate=False)

    start = (
        # not "definition of variance": that is E[(W - E[W])^2], which normal-transform names so (TA read, German 8906)
        Step(
            WrittenSum(E(x**2 * y**2), -E(x * y) ** 2, evaluate=False),
            # the lead-in writes it out for W = XY (not twice, a TA read of German 8912); "the formula above" could
            # also mean the identity the statement recalls (a TA read, EN 9064)
            r"$\operatorname{Var}(W)$ with $W = XY$",
        ),
        Step(
            WrittenSum(sympy.Mul(E(x**2), E(y**2), evaluate=False), minus_square_of_means(E(x), E(y)), evaluate=False),
            "independence",
        ),
    )
    if params.mode == "zero-mean-proof":
        return chain(*start, *_zero_mean_steps(params, x, y, variances, result))
    return chain(
        *start,
        Step(
            WrittenSum(
                WrittenProduct(second_moment(x), second_moment(y), evaluate=False),
                minus_square_of_means(E(x), E(y)),
                evaluate=False,
            ),
            # both second moments turn (the reason named X's alone, a TA read, German 9692)
            r"use $\mathbb{E}[X^2] = \operatorname{Var}(X) + (\mathbb{E}[X])^2$, likewise for $Y$",
        ),
        Step(_moments_inserted(params, means, variances), _inserted_reason(means, variances, params.identical)),
        *_value_steps(params, means, variances, result),
    )


def _zero_mean_steps(params: Params, x, y, variances, result: sympy.Expr) -> tuple[Step, ...]:
    """For zero means the subtracted term is 0 and each second moment is the variance; then the
    variances are inserted and multiplied (one step when that would only drop the dot)."""
    written = _squared(variances[0]) if params.identical else WrittenProduct(*variances, evaluate=False)
    combined = N_("square") if params.identical else N_("multiply")
    # one variance twice is written squared, which "insert the variances" did unsaid (a TA read, EN 9061)
    put_in = (
        Reason(r"insert $\operatorname{{Var}}(X) = \operatorname{{Var}}(Y) = {variance}$", variance=inline(variances[0]))
        if params.identical
        else N_("insert the variances")
    )
    inserted = worked_chain(Step(written, put_in), Step(result, combined))
    return (
        Step(sympy.Mul(Expectation(x**2), Expectation(y**2), evaluate=False), r"$\mathbb{E}[X] = \mathbb{E}[Y] = 0$"),
        # both second moments turn (the reason named X's alone, a TA read of German 8922)
        Step(sympy.Mul(Variance(x), Variance(y), evaluate=False), r"$\mathbb{E}[X^2] = \operatorname{Var}(X)$, $\mathbb{E}[Y^2] = \operatorname{Var}(Y)$ for zero means"),
        *inserted.steps,
    )


def _moments_inserted(params: Params, means, variances) -> sympy.Expr:
    """E[X^2] E[Y^2] - (E[X] E[Y])^2 with the numbers or letters inserted.

    An i.i.d. pair is written with powers, (sigma^2 + mu^2)^2 - mu^4: the same factor
    printed twice side by side would read as a slip. A zero mean is used as such: no 0^2 is
    added, no (mu * 0)^2 subtracted and a second moment 1 is no factor.
    """
    second = [v if m == 0 else WrittenSum(v, _squared(m), evaluate=False) for m, v in zip(means, variances)]
    if params.identical:
        return WrittenSum(_squared(second[0]), -sympy.Pow(means[0], 4, evaluate=False), evaluate=False)
    product = WrittenProduct(*(factor for factor in second if factor != 1), evaluate=False)  # one factor is no product
    if 0 in means:
        return product
    # letters side by side as the rows above write E[X] E[Y]; numbers keep their dot, (2 . 3)^2 (a TA read, German 9692:
    # (mu_X . mu_Y)^2 under (E[X] E[Y])^2)
    kind = WrittenProduct if any(m.is_number for m in means) else sympy.Mul
    return WrittenSum(product, -_squared(kind(*means, evaluate=False)), evaluate=False)


def _inserted_reason(means, variances, identical: bool) -> str | Reason:
    """"the means and variances", and which zero mean removed terms or a factor from the line; for an i.i.d. pair,
    that the two equal brackets are written as a square ((sigma^2 + mu^2)^2 - mu^4 under "the means and variances"
    alone merged them unsaid, a TA read, EN 9702)."""
    zero = [
        rf"\mathbb{{E}}[{name}] = 0" + (rf", \mathbb{{E}}[{name}^2] = 1" if v == 1 else "")
        for name, m, v in zip("XY", means, variances)
        if m == 0
    ]
    if len(zero) == 1:
        return Reason("insert the means and variances, ${zero}$", zero=zero[0])
    if identical and 0 not in means:
        return N_("insert the means and variances; write the equal factors as a square")
    return N_("insert the means and variances")


def _value_steps(params: Params, means, variances, result: sympy.Expr) -> list[Step]:
    """From the inserted moments to Var(XY), each step naming what it does.

    Letters: multiplied out, Var(X) Var(Y) first and then what the means add, as the
    formula is quoted (for an i.i.d. pair in one term: sigma^4 + 2 mu^2 sigma^2).
    Numbers: the brackets worked out, then the arithmetic.
    """
    if params.mode == "general-symbolic":
        product = variances[0] * variances[1]
        first, second = (m**2 * v for m, v in zip(means, variances[::-1]))
        cancelled = tex(means[0] ** 2 * means[1] ** 2)
        mean_terms = [first + second] if params.identical else [first, second]
        why = Reason("multiply out; ${cancelled}$ cancels", cancelled=cancelled)
        return [Step(WrittenSum(product, *mean_terms, evaluate=False), why)]
    moments = [v + m**2 for m, v in zip(means, variances)]
    second_moments = _squared(moments[0]) if params.identical else WrittenProduct(*(m for m in moments if m != 1), evaluate=False)
    product_mean = (means[0] * means[1]) ** 2
    if product_mean == 0:
        combined = N_("square") if params.identical else N_("multiply")
        return [Step(second_moments, "work out the brackets"), Step(result, combined)]
    evaluated = WrittenSum(second_moments, -product_mean, evaluate=False)
    subtract = N_("square, then subtract") if params.identical else N_("multiply, then subtract")
    return [Step(evaluated, "work out the brackets"), Step(result, subtract)]


def _assignments(params: Params, rng: random.Random) -> list[dict[sympy.Symbol, float]]:
    """The given numbers, or two random valid sets of values for the letters."""
    if params.mode == "numeric":
        return [{}]
    assignments = []
    for _ in range(2):
        values = {s: rng.uniform(-2, 2) for s in (mu, mu_X, mu_Y)}
        for s in (sigma, sigma_X, sigma_Y, c):  # tau in place of sigma (``deviation``) takes the same value
            values[s] = values[with_deviation(s, "tau")] = rng.uniform(0.5, 2)
        assignments.append(values)
    return assignments


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    require(len(params.laws) == len(params.parameters) in (1, 2), "one law for an i.i.d. pair, else two")
    for values in _assignments(params, rng):

        def at(expr: sympy.Expr) -> float:
            """Compiled once per expression and process: a class of many variants checks the same formulas."""
            return float(as_function(sympy.sympify(expr), tuple(values))(*values.values()))

        def agrees(claimed: sympy.Expr, direct: float, what: str) -> None:
            value = at(claimed)
            require(math.isclose(value, direct, rel_tol=1e-7, abs_tol=1e-9), f"{what} at {values}: answer {value}, direct {direct}")

        moments = []
        for index, (kind, parameters) in enumerate(params.pair):
            numbers = tuple(at(p) for p in parameters)
            # Named laws: moments by integrating the density, not from the SymPy formulas.
            moments.append(numbers if kind == "moments" else numerical_moments(kind, numbers))
            agrees(answer.means[index], moments[index][0], f"E of variable {index}")
            agrees(answer.variances[index], moments[index][1], f"Var of variable {index}")
        # Two-point laws with the same mean and variance: X = mean +- sd with probability 1/2 each.
        points = [(m - math.sqrt(v), m + math.sqrt(v)) for m, v in moments]
        outcomes = [s * t for s, t in product(*points)]
        product_mean = math.fsum(outcomes) / 4
        product_second_moment = math.fsum(o * o for o in outcomes) / 4
        direct_variance = product_second_moment - product_mean**2
        for index, (low, high) in enumerate(points):
            agrees(answer.second_moments[index], (low * low + high * high) / 2, f"E[square] of variable {index}")
        agrees(answer.product_mean, product_mean, "E[XY]")
        agrees(answer.product_second_moment, product_second_moment, "E[X^2 Y^2]")
        agrees(answer.variance, direct_variance, "Var(XY)")
        agrees(answer.variance_product, moments[0][1] * moments[1][1], "Var(X) Var(Y)")
        agrees(answer.mean_terms, direct_variance - moments[0][1] * moments[1][1], "Var(XY) - Var(X) Var(Y)")
        agrees(answer.worked.result, direct_variance, "the last step for Var(XY)")
        agrees(answer.comparison.result, moments[0][1] * moments[1][1], "the last step for Var(X) Var(Y)")


def _letters(options) -> dict:
    """sigma as a standard deviation where the laws are written in letters (the numeric mode prints numbers only)."""
    return deviation_letter(options) if options["mode"] != "numeric" else {}


FAMILY = Family(
    name="product-variance",
    summary="Variance of the product of two independent random variables.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption(
            "mode",
            "numeric",
            ("zero-mean-proof", "general-symbolic", "numeric"),
            "show Var(XY) = Var(X)Var(Y) for zero means, derive the general formula, or compute with numbers",
        ),
        DEVIATION,
    ),
    # the original's N(0, sigma^2) with tau: its sheet prints sigma for the softmax on the same page
    canonical={
        "idl-math-background-1.5a": Params("zero-mean-proof", ("gaussian",), with_deviation(((sympy.Integer(0), sigma**2),), "tau")),
    },
    letters=_letters,
)
