"""Differential entropy h(Z) = -int p log p of a uniform, exponential or Gaussian variable.

Answers: U[a, b] gives log(b - a), the exponential with rate lambda gives
1 - log(lambda), N(mu, sigma^2) gives 1/2 log(2 pi e sigma^2) (in bits: log_2
throughout, 1 becomes log_2 e). The solution writes log p(x) = L - w g(x)
(g = 0, x or (x - mu)^2), so that h = -L int p + w E[g(Z)] = -L + w E[g(Z)].

Worked steps: the split of log p(x) and the final evaluation -L + w E[g(Z)] = h
are verified chains. The integral manipulations in between are display only:
the step verifier evaluates expressions at points, not integrals.

The variable is called Z, not X: on the reference sheet X and Y are the discrete variables of the
entropy and cross-entropy parts around this one.

Options: ``distribution`` (uniform, exponential, gaussian, or any of them),
``mode`` (``symbolic``: parameters are letters a, b, lambda, mu, sigma;
``numeric``: small integers and simple fractions), ``unit`` (nats or bits).
Numeric variants are negative about a quarter of the time (b - a < 1,
lambda > e, sigma^2 < 1/(2 pi e)): that is the teaching point, and the
solution says so.

Excluded by construction: b - a = 1 and lambda = 1 (where log of the
parameter vanishes and the step the exercise practises disappears). The
original is the symbolic U[a, b]; a random symbolic uniform variant is
U[0, b], U[0, 2b] or U[-b, 0] instead, so no seed reproduces it. Statements name each
parameter (``generator.kit.probability.Law``).

answers.json keys: ``inputs.distribution``, ``inputs.parameters`` ((a, b),
(lambda,) or (mu, sigma^2)), ``inputs.mode``, ``inputs.unit``;
``answers.density`` (p(x) on its support), ``answers.support`` (its ends,
``oo`` for infinity), ``answers.log_normaliser`` (L) ``answers.weight`` (w)
and ``answers.statistic`` (g(x)) with log p(x) = L - w g(x),
``answers.constant`` (-L), ``answers.moment`` (E[g(Z)]), ``answers.entropy`` (h(Z)),
``answers.split`` (steps from log p(x) to L - w g(x); null for the uniform, where log p is constant),
``answers.out_of_integral`` (the uniform's step -int p L dx = -L int p dx, its expression and reason; null otherwise),
``answers.value`` (steps from -L + w E[g(Z)] to h(Z)), ``answers.sign`` (-1 or 1 in numeric mode,
``sign(h)`` unevaluated in symbolic mode).
The symbol ``lamda`` is SymPy's spelling of lambda.
"""

import math
import random
from collections.abc import Callable, Mapping
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
    tex,
)
from generator.kit.information import information_log
from generator.kit.notation import LogOfDensity, log2
from generator.kit.probability import (
    FIXED_DEVIATION,
    KINDS,
    Law,
    a,
    b,
    density,
    expectation,
    float_density,
    float_support,
    lamda,
    minus,
    mu,
    sigma,
    simpson,
    support,
    width,
    x,
)
from generator.kit.rewrites import SIGNS_CANCEL, signs_named

R = sympy.Rational
LOWER_ENDS = tuple(R(k, 2) for k in range(-6, 7))
HALF_WIDTHS = (R(1, 2), R(3, 2), 2, R(5, 2), 3, 4, 5)
THIRD_QUARTER_WIDTHS = (R(1, 4), R(1, 3), R(2, 3))
RATES = (R(1, 6), R(1, 5), R(1, 4), R(1, 3), R(1, 2), R(2, 3), R(3, 4), R(4, 3), R(3, 2), R(5, 3), 2, R(5, 2), 3, 4, 5, 6)
MEANS = tuple(range(-5, 6))
VARIANCES = (R(1, 100), R(1, 36), R(1, 25), R(1, 16), R(1, 4), R(1, 2), 1, 2, 4, 9, 16)
SYMBOLIC = {"uniform": (a, b), "exponential": (lamda,), "gaussian": (mu, sigma**2)}
"""The laws in letters; U[a, b] is the original exercise."""
SYMBOLIC_UNIFORM = ((sympy.Integer(0), b), (sympy.Integer(0), 2 * b), (-b, sympy.Integer(0)))
"""The uniform laws in letters a random seed draws, with b > 0: the original's U[a, b] is left to it."""
ASSUMPTIONS = {
    (a, b): "a < b",
    (sympy.Integer(0), b): "b > 0",
    (sympy.Integer(0), 2 * b): "b > 0",
    (-b, sympy.Integer(0)): "b > 0",
    (lamda,): r"\lambda > 0",
    (mu, sigma**2): r"\mu \in \mathbb{R}, \ \sigma > 0",
}
"""What the letters of each law in letters stand for, as the statement says it."""
DIGITS = 15


@dataclass(frozen=True)
class Params:
    distribution: str
    parameters: tuple[sympy.Expr, ...]
    mode: str
    unit: str

    @property
    def law(self) -> Law:
        return Law(self.distribution, self.parameters)

    @property
    def assumption(self) -> str:
        """What the letters stand for (``a < b``, ``\\lambda > 0``), in symbolic mode."""
        return ASSUMPTIONS[self.parameters]

    @property
    def width(self) -> sympy.Expr:
        """b - a of a uniform law, as written (``b - a``) when it does not simplify."""
        return width(*self.parameters)

    @property
    def width_worked(self) -> sympy.Expr:
        """b - a with a numeric law's ends in (``9/2 - 3``), for the solution's p(x) = 1/(9/2 - 3) = 2/3: the density's
        value alone left where it came from unsaid (a TA read, German 9464)."""
        low, high = self.parameters
        return WrittenSum(high, -low, evaluate=False)

    @property
    def decay(self) -> sympy.Expr:
        """e^{-lambda x} of an exponential law, the antiderivative the integration by parts needs."""
        return sympy.exp(-self.parameters[0] * x)


@dataclass(frozen=True)
class Answer:
    density: sympy.Expr
    support: tuple[sympy.Expr, sympy.Expr]
    log_normaliser: sympy.Expr
    constant: sympy.Expr
    weight: sympy.Expr
    statistic: sympy.Expr
    moment: sympy.Expr
    entropy: sympy.Expr
    split: Chain | None
    out_of_integral: Step | None
    value: Chain
    sign: sympy.Expr


def sample(rng: random.Random, options: Mapping) -> Params:
    kind = rng.choice(KINDS) if options["distribution"] == "any" else options["distribution"]
    if options["mode"] == "symbolic":
        parameters = rng.choice(SYMBOLIC_UNIFORM) if kind == "uniform" else SYMBOLIC[kind]
        return Params(kind, parameters, "symbolic", options["unit"])
    if kind == "uniform":
        # Widths in thirds and quarters start at whole numbers, so both ends stay simple fractions.
        length = rng.choice(HALF_WIDTHS + THIRD_QUARTER_WIDTHS)
        low = rng.choice(LOWER_ENDS if length in HALF_WIDTHS else range(-3, 4))
        parameters = (sympy.Rational(low), low + sympy.Rational(length))
    elif kind == "exponential":
        parameters = (sympy.Rational(rng.choice(RATES)),)
    else:
        parameters = (sympy.Integer(rng.choice(MEANS)), sympy.Rational(rng.choice(VARIANCES)))
    return Params(kind, parameters, "numeric", options["unit"])


def _log(value: sympy.Expr, unit: str) -> sympy.Expr:
    """log in the unit, kept whole (log(3/2) reads better here than log 3 - log 2); rationals below 1 as -log(1/v)."""
    log = sympy.log if unit == "nats" else log2
    return -log(1 / value) if value.is_Rational and value < 1 else log(value)


def solve(params: Params) -> Answer:
    kind, parameters, unit = params.distribution, params.parameters, params.unit
    log_e = sympy.Integer(1) if unit == "nats" else log2(sympy.E)
    if kind == "uniform":
        length = width(*parameters)
        # log p is the constant -log(b - a): no term in x, so weight, statistic and moment are 0.
        log_normaliser, weight = -_log(length, unit), sympy.Integer(0)
        statistic, moment = sympy.Integer(0), sympy.Integer(0)
        entropy = _log(length, unit)
    elif kind == "exponential":
        (rate,) = parameters
        log_normaliser, weight, statistic, moment = _log(rate, unit), rate * log_e, x, 1 / rate
        entropy = log_e - _log(rate, unit)
    else:
        centre, spread = parameters
        scaled = 2 * sympy.pi * spread
        log_normaliser, weight = -_log(scaled, unit) / 2, log_e / (2 * spread)
        statistic, moment = minus(x, centre) ** 2, spread
        entropy = _log(sympy.E * scaled, unit) / 2
    # Numeric entropies get their sign from a decimal (SymPy cannot always decide the sign of 1 - log 3).
    sign = sympy.sign(entropy.evalf(DIGITS)) if params.mode == "numeric" else sympy.sign(entropy)
    pdf = density(kind, parameters)
    split = out_of_integral = None
    if kind == "uniform":
        out_of_integral = _out_of_integral(pdf, support(kind, parameters), log_normaliser)
    else:
        term = sympy.Mul(-1, weight * statistic, evaluate=False)
        written = WrittenSum(log_normaliser, term, evaluate=False)
        logged = LogOfDensity(pdf, sympy.E if unit == "nats" else 2)
        split = chain(Step(logged, ""), *_split(kind, pdf, unit, written, term, scaled if kind == "gaussian" else parameters[0]))
    return Answer(
        density=pdf,
        support=support(kind, parameters),
        log_normaliser=log_normaliser,
        constant=-log_normaliser,
        weight=weight,
        statistic=statistic,
        moment=moment,
        entropy=entropy,
        split=split,
        out_of_integral=out_of_integral,
        value=_value_steps(kind, -log_normaliser, weight, moment, log_e, entropy, params.mode),
        sign=sign,
    )


def _out_of_integral(pdf: sympy.Expr, ends: tuple[sympy.Expr, sympy.Expr], log_normaliser: sympy.Expr) -> Step:
    """The uniform's row -int p L dx = c int p dx, c = -L: log p = L is constant and comes out of the integral.

    Its reason names the constant taken out, by its size (a 1 is neither written nor named), and the two minus
    signs that cancel where L is written with one (TA read, DE 7322: the signs vanished unnamed). ``signs_named``
    decides the signs from the row with L taken out and its sign not yet multiplied, -1 * L * int p dx: in the row
    printed before, -int p L dx, L's sign stands inside the integral, where it does not look. A constant 1 leaves
    the signs alone to name, in the kit's words."""
    constant = -log_normaliser
    integral = sympy.Integral(pdf, (x, *ends))
    if constant == 1:
        shown = integral
    elif constant == -1:  # its sign alone
        shown = sympy.Mul(constant, integral, evaluate=False)
    else:  # a log in front with a dot: "log 5/2 int ..." read as the log of the integral (a TA read, EN 9073)
        shown = WrittenProduct(constant, integral, evaluate=False)
    magnitude = -constant if constant.could_extract_minus_sign() else constant
    taken = Reason("take ${constant}$ out of the integral", constant=tex(magnitude))
    before = sympy.Mul(-1, log_normaliser, integral, evaluate=False)
    named = signs_named(before, shown, taken)
    if magnitude == 1:
        return Step(shown, SIGNS_CANCEL if named != taken else "")
    return Step(shown, named)


def _split(kind: str, pdf: sympy.Expr, unit: str, written: sympy.Expr, term: sympy.Expr, argument) -> tuple[Step, ...]:
    """log p(x) split into ``written``, the constant and the term in x, as the statement prints the density. A Gaussian
    printed as a product, sqrt(50/pi) e^{...}, splits into 1/2 log(50/pi) first, and the next line turns it into the
    -1/2 log(pi/50) the integrals go on with, saying so (it turned unsaid, a TA read of EN 8907); an exponential's rate
    below 1 alike, log 2/3 before -log 3/2 (German 9133). ``argument`` is the number whose log the constant holds: the
    Gaussian's 2 pi sigma^2, or the exponential's rate."""
    if kind == "gaussian" and isinstance(pdf, WrittenProduct):
        flipped, turned = _log(1 / argument, unit), _log(argument, unit)
        kept = flipped / 2
    elif kind == "exponential" and argument.is_Rational and argument < 1:
        flipped, turned = information_log(argument, unit, evaluate=False), _log(1 / argument, unit)
        kept = flipped
    else:
        return (Step(written, _split_reason(kind, pdf, unit)),)
    flip = Reason("${a} = -{b}$", a=tex(flipped), b=tex(turned))
    return (Step(WrittenSum(kept, term, evaluate=False), _split_reason(kind, pdf, unit)), Step(written, flip))


def _split_reason(kind: str, pdf: sympy.Expr, unit: str) -> Reason:
    """Names the rule the split of log p(x) uses, as the statement prints the density: the exponential's
    lambda e^{-lambda x} and (3/4) e^{-3x/4} are products (the rate in front), so is the Gaussian's
    sqrt(2/pi) e^{...}; its e^{...}/sqrt(2 pi sigma^2), printed over a fraction bar, is a quotient. In bits the log of
    the exponential keeps a factor log_2 e, which the reason says ("log of an exponential" read as if it cancelled, a
    TA read, EN 9702)."""
    if kind == "gaussian":  # its constant is a square root: log sqrt(8 pi) is written 1/2 log(8 pi) (TA read)
        rule = N_("log of a product, a square root and an exponential") if isinstance(pdf, WrittenProduct) else N_("log of a quotient, a square root and an exponential")
    else:
        rule = N_("log of a product and of an exponential")
    return Reason(_IN_BITS, rule=Reason(rule)) if unit == "bits" else Reason(rule)


_IN_BITS = N_(r"{rule}; $\log_2 e^{{y}} = y \log_2 e$")


def _value_steps(kind: str, constant, weight, moment, log_e, entropy, mode: str) -> Chain:
    """h(Z) = -L * 1 + w E[g(Z)] evaluated: the integral of p is 1, the other one a known moment.

    A factor 1 is never written: the uniform's -L * 1 is -L at once, and a weight 1 (sigma^2 = 1/2
    in nats) leaves the moment alone, with no step in which something would cancel. In numbers the
    product is plain arithmetic (50 * 1/100): sigma^2 is a letter only in symbolic mode."""
    if kind == "uniform":
        return chain(Step(entropy, "the density integrates to 1"))
    times = _times(weight, moment)
    inserted = Step(WrittenSum(constant, times, evaluate=False), "insert the values of the two integrals")  # not the integrals: their values (a TA read, German 9074)
    if kind == "exponential":
        # nothing cancels in a sum (a TA read, German 9081); the product worked, not named: "the rate times the mean is
        # 1" described the law, not the step (two TA reads, German 9202, EN 9212); its value as it is, log_2 e in bits
        # ("1/2 log_2 e . 2 = 1" was false, two TA reads, German 9701, EN 9702)
        return chain(inserted, Step(entropy, Reason("${product} = {value}$", product=tex(times), value=tex(weight * moment))))
    # in numbers the product is named with its value: "multiply" for 1/18 . 9 = 1/2 hid the cancelling (a TA read,
    # German 9611)
    product = (
        N_(r"multiply; $\sigma^2$ cancels against the $2 \sigma^2$")
        if mode == "symbolic"
        else Reason("${product} = {value}$", product=tex(times), value=tex(weight * moment))
    )
    cancelled = Step(WrittenSum(constant, weight * moment, evaluate=False), product)
    steps = (inserted, cancelled) if isinstance(times, WrittenProduct) else (inserted,)
    joined = N_(r"add the logs, with $\frac{1}{2} = \frac{1}{2} \log e$") if log_e == 1 else N_("add the logs")
    return chain(*steps, Step(entropy, joined))


def _times(weight: sympy.Expr, moment: sympy.Expr) -> sympy.Expr:
    """w E[g(Z)] as written (``\\frac{1}{8} \\cdot 4``) when multiplying does something; otherwise
    the product itself: a factor 1 is not written, and ``\\log_2 e \\cdot \\frac{1}{2}`` would only
    turn into ``\\frac{\\log_2 e}{2}``."""
    product = weight * moment
    if 1 in (weight, moment):
        return product
    if set(sympy.Mul.make_args(product)) == set(sympy.Mul.make_args(weight)) | set(sympy.Mul.make_args(moment)):
        return product
    coefficient, rest = weight.as_coeff_Mul()
    if rest != 1 and moment.is_Number:
        # the numbers side by side, the log last: "1/4 log_2 e . 2" read as 1/4 log_2(e . 2) (a TA read, EN 9722)
        return WrittenProduct(coefficient, moment, rest, evaluate=False) if coefficient != 1 else moment * rest
    return WrittenProduct(weight, moment, evaluate=False)


LETTERS = (a, b, lamda, mu, sigma)


def _test_values(params: Params, rng: random.Random) -> list[tuple[float, ...]]:
    """Values for the letters (a, b, lambda, mu, sigma): unused in numeric mode, else two random valid sets."""
    if params.mode == "numeric":
        return [(0.0,) * len(LETTERS)]
    assignments = []
    for _ in range(2):
        low = rng.uniform(0.1, 2)  # a > 0, so that b > a and b > 0, as U[a, b], U[0, b] and U[-b, 0] need
        assignments.append((low, low + rng.uniform(0.2, 3), rng.uniform(0.2, 4), rng.uniform(-3, 3), rng.uniform(0.1, 3)))
    return assignments


def _function(expr: sympy.Expr) -> Callable[..., float]:
    """``expr`` as a float function of (x, *LETTERS), compiled once per check."""
    return as_function(sympy.sympify(expr).doit(), (x, *LETTERS))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    scale = math.log(2) if params.unit == "bits" else 1.0
    kind = params.distribution
    parameters = [_function(p) for p in params.parameters]
    entropy, constant, log_normaliser, weight, moment = (
        _function(e) for e in (answer.entropy, answer.constant, answer.log_normaliser, answer.weight, answer.moment)
    )
    claimed_pdf, statistic = _function(answer.density), _function(answer.statistic)
    value_steps = _function(answer.value.result)
    # the uniform's row c int p dx, which the engine does not verify: a Step, not a Chain
    taken_out = _function(answer.out_of_integral.expr) if answer.out_of_integral else None
    # math has no sign(); sign(v) = v/|v| away from 0.
    sign = _function(sympy.sympify(answer.sign).replace(sympy.sign, lambda v: v / abs(v)))
    ends = [_function(end) if end.is_finite else None for end in answer.support]
    for letters in _test_values(params, rng):
        numbers = tuple(float(p(0.0, *letters)) for p in parameters)
        where = f"{kind}{numbers}"
        pdf = float_density(kind, numbers)
        low, high = float_support(kind, numbers)

        def neg_p_log_p(t: float) -> float:
            density_at = pdf(t)
            return -density_at * math.log(density_at) if density_at > 0 else 0.0

        numeric = simpson(neg_p_log_p, low, high) / scale
        claimed = entropy(0.0, *letters)
        require(math.isclose(claimed, numeric, rel_tol=1e-6, abs_tol=1e-6), f"h of {where}: answer {claimed}, integral {numeric}")
        last = value_steps(0.0, *letters)
        require(math.isclose(last, numeric, rel_tol=1e-6, abs_tol=1e-6), f"last step of h of {where}: {last} vs {numeric}")
        if taken_out:
            row = taken_out(0.0, *letters)
            require(math.isclose(row, numeric, rel_tol=1e-6, abs_tol=1e-6), f"c int p of {where}: {row} vs {numeric}")
        require(sign(0.0, *letters) == math.copysign(1, numeric), f"sign {answer.sign} of h = {numeric}")

        # The answer's density, integrated over the answer's support (tails cut as for the entropy).
        limits = [end(0.0, *letters) if end else (low if index == 0 else high) for index, end in enumerate(ends)]
        mass = simpson(lambda t: claimed_pdf(t, *letters), *limits, intervals=400)
        require(math.isclose(mass, 1.0, rel_tol=1e-4), f"the answer's density of {where} has mass {mass} on its support")
        require(math.isclose(constant(0.0, *letters), -log_normaliser(0.0, *letters)), f"constant of {where}")
        for t in (low + (high - low) * f for f in (0.3, 0.45, 0.6)):
            require(math.isclose(claimed_pdf(t, *letters), pdf(t), rel_tol=1e-9), f"p({t}) of {where}")
            split = log_normaliser(t, *letters) - weight(t, *letters) * statistic(t, *letters)
            require(math.isclose(split, math.log(pdf(t)) / scale, rel_tol=1e-9, abs_tol=1e-12), f"log p({t}) of {where}")
        expected = expectation(kind, numbers, lambda t: statistic(t, *letters))
        require(math.isclose(moment(0.0, *letters), expected, rel_tol=1e-6, abs_tol=1e-6), f"E[g(Z)] of {where}")


def _letters(options) -> dict:
    """sigma as a Gaussian's standard deviation, which only the symbolic mode writes as a letter."""
    gaussian = options["distribution"] in ("gaussian", "any")
    return {r"\sigma": FIXED_DEVIATION} if gaussian and options["mode"] == "symbolic" else {}


FAMILY = Family(
    name="differential-entropy",
    summary="Differential entropy of a uniform, exponential or Gaussian variable, by integrating -p log p.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption("distribution", "any", (*KINDS, "any"), "which distribution (any: drawn at random)"),
        ChoiceOption("mode", "numeric", ("symbolic", "numeric"), "parameters as letters or as small numbers"),
        ChoiceOption("unit", "nats", ("nats", "bits"), "natural logarithm (nats) or base 2 (bits)"),
    ),
    canonical={"dl-sheet1-5b": Params("uniform", (a, b), "symbolic", "nats")},
    letters=_letters,
)
