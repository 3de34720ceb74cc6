"""The Jacobian of softmax: the general formula, and its value at a concrete z.

softmax: R^n -> R^n, sigma(z)_i = e^(z_i) / sum_j e^(z_j). Option ``mode``:

* ``general``: derive d sigma_i / d z_j = sigma_i (delta_ij - sigma_j) with the
  quotient rule (cases i = j and i != j) and the matrix form diag(sigma) - sigma sigma^T;
  random seeds ask it for a softmax with inverse temperature beta in {2, 3, 4, 5}
  (sigma(z)_i = e^(beta z_i) / sum_j e^(beta z_j), derivative beta sigma_i (delta_ij - sigma_j)),
  the same derivation for another function: beta = 1 is the canonical instance;
* ``concrete``: evaluate the Jacobian at a given z in R^n (option ``n``, 2..4),
  exactly and to four decimals;
* ``both`` (default): the derivation, then the evaluation.

Option ``values`` chooses the concrete z: ``logs`` (z_i = log k_i for small
positive integers k_i with sum at most 12, so e^(z_i) = k_i and every sigma_i
and Jacobian entry is a fraction with denominator at most 144), or
``integers`` (z_i in {-1, 0, 1, 2}; the solution first subtracts c = min z from
every entry, which softmax ignores, so that only non-negative powers of e appear).

Excluded by construction: all z_i equal (sigma would be uniform, J = (I - 11^T/n)/n).

Worked steps (verified chains): the quotient rule for i = j and i != j in the
symbols z_i, z_j and S = sum_k e^(z_k), ending in sigma_i (printed as such,
checked as e^(z_i)/S); at a concrete z the exponentials (e^(log k) = k shown),
their sum S (written term by term only where terms join: no step only
reorders), sigma(z) = e^z / S entry by entry, and J = (1/S^2) N with S
inserted, then the common factor of N taken out (integer S). The forms in
letters (diag(sigma) - sigma sigma^T = ...) are display-only; ``check``
verifies N and J against finite differences.

answers.json keys: ``inputs.mode``, ``inputs.z`` (column vector, null in
general mode), ``inputs.scale`` (beta); ``answers.worked`` (the quotient-rule steps for i = j and
i != j, sigma_i stored as ``(exp(z_i)/S)``), ``answers.diagonal`` (sigma_i (1 - sigma_i)),
``answers.off_diagonal`` (-sigma_i sigma_j), ``answers.entry``
(sigma_i (delta_ij - sigma_j); symbols ``sigma_i``, ``sigma_j`` and ``delta_ij``,
the Kronecker delta), and in concrete modes ``answers.shift`` (the constant
subtracted from z), ``answers.shifted`` (z - shift), ``answers.evaluation``
(the steps to e^(z - shift), S and sigma(z)), ``answers.exponentials``
(e^(z_i - shift)), ``answers.normaliser`` S (their sum),
``answers.probabilities`` (sigma(z)), ``answers.numerators`` (S^2 J, the
Jacobian over a common denominator), ``answers.jacobian_steps`` (J with S
inserted, then reduced), ``answers.jacobian`` (n x n matrix, exact) and ``answers.products``
(S diag(e^z) and e^z (e^z)^T, whose difference the numerators are).
"""

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy

from generator.kit import (
    N_,
    Chain,
    ChoiceOption,
    Family,
    IntOption,
    Meaning,
    Reason,
    Step,
    WrittenProduct,
    WrittenSum,
    as_function,
    central_difference,
    chain,
    close,
    distinct,
    remembered,
    require,
    tex,
)
from generator.kit.linalg import fraction_times
from generator.kit.notation import Normaliser, Share
from generator.kit.printing import Maths
from generator.kit.widths import MAX_STEP_WIDTH, matrix_width

SIGMA_I, SIGMA_J, DELTA = sympy.symbols("sigma_i sigma_j delta_ij")
Z_I, Z_J = sympy.symbols("z_i z_j", real=True)
TOTAL = Normaliser("S_sum", positive=True)
DEFINITION = N_("definition of σ")
MAX_WEIGHT = 6
MAX_WEIGHT_SUM = 12
INTEGER_VALUES = (-1, 0, 1, 2)
GENERAL_CHECK_SIZE = 3
SCALES = (2, 3, 4, 5)
"""Inverse temperatures of random general variants (1, the plain softmax, is the canonical instance)."""


@dataclass(frozen=True)
class Params:
    mode: str
    z: sympy.ImmutableMatrix | None
    scale: int = 1
    """The inverse temperature beta in e^(beta z_i): 1 but in random seeds of the general mode."""

    @property
    def general(self) -> bool:
        return self.mode in ("general", "both")

    @property
    def concrete(self) -> bool:
        return self.mode in ("concrete", "both")

    @property
    def n(self) -> int:
        return self.z.rows

    @property
    def integer_scores(self) -> bool:
        """Integer z (option values = integers); log-weights always include some log k with k > 1."""
        return all(v.is_Integer for v in self.z)


@dataclass(frozen=True)
class Answer:
    worked: tuple[Chain, Chain]
    """The quotient rule worked for i = j, then for i != j."""
    diagonal: sympy.Expr
    off_diagonal: sympy.Expr
    entry: sympy.Expr
    shift: sympy.Integer | None
    shifted: sympy.ImmutableMatrix | None
    evaluation: tuple[Chain, Chain, Chain] | None
    """At the concrete z: e^(z - shift), S and sigma(z), each from its written form."""
    exponentials: sympy.ImmutableMatrix | None
    normaliser: sympy.Expr | None
    probabilities: sympy.ImmutableMatrix | None
    numerators: sympy.ImmutableMatrix | None
    jacobian_steps: Chain | None
    """(1/S^2) times the numerators with S inserted, then with their common factor taken out."""
    jacobian: sympy.ImmutableMatrix | None
    products: tuple[sympy.ImmutableMatrix, sympy.ImmutableMatrix] | None = None
    """S diag(e^z) and e^z (e^z)^T, multiplied out: the numerators are their difference, shown before it is taken."""


def _log_weights(rng: random.Random, n: int) -> tuple[int, ...]:
    return tuple(rng.randint(1, MAX_WEIGHT) for _ in range(n))


def _integers(rng: random.Random, n: int) -> tuple[int, ...]:
    return tuple(rng.choice(INTEGER_VALUES) for _ in range(n))


def _usable(values: tuple[int, ...], kind: str) -> bool:
    """Not all equal; for logs small enough that sigma has a denominator of at most 12; for integers
    an exact Jacobian that fits a line (four scores spread over e^0..e^3 give 4-term entries)."""
    if len(set(values)) == 1:
        return False
    if kind == "logs":
        return sum(values) <= MAX_WEIGHT_SUM
    exponentials = sympy.ImmutableMatrix([sympy.exp(v - min(values)) for v in values])
    normaliser = sympy.Add(*exponentials)
    exact = fraction_times(1 / normaliser**2, _numerators(_products(exponentials, normaliser)))
    return matrix_width(exact) <= MAX_STEP_WIDTH


def _products(exponentials: sympy.ImmutableMatrix, normaliser: sympy.Expr) -> tuple[sympy.ImmutableMatrix, sympy.ImmutableMatrix]:
    """S diag(e^z) and e^z (e^z)^T, each entry multiplied out."""
    scaled = sympy.ImmutableMatrix((normaliser * sympy.diag(*exponentials)).applyfunc(sympy.expand))
    return scaled, sympy.ImmutableMatrix((exponentials * exponentials.T).applyfunc(sympy.expand))


def _numerators(products: tuple[sympy.ImmutableMatrix, sympy.ImmutableMatrix]) -> sympy.ImmutableMatrix:
    """S^2 J = S diag(e^z) - e^z (e^z)^T (``_products``), multiplied out: one common denominator, the form worked by hand."""
    scaled, outer = products
    return sympy.ImmutableMatrix((scaled - outer).applyfunc(sympy.expand))


def sample(rng: random.Random, options: Mapping) -> Params:
    if options["mode"] == "general":
        return Params("general", None, rng.choice(SCALES))
    kind, n = options["values"], options["n"]
    draw = _log_weights if kind == "logs" else _integers
    (values,) = distinct(rng, lambda r: draw(r, n), 1, accept=lambda v: _usable(v, kind), what="vectors z")
    entries = [sympy.log(k) for k in values] if kind == "logs" else [sympy.Integer(v) for v in values]
    return Params(options["mode"], sympy.ImmutableMatrix(entries))


def _quotient(numerator_derivative: sympy.Expr, other: sympy.Expr, scale: int) -> sympy.Expr:
    """(S . d e^(b z_i)/dz - e^(b z_i) . b e^(b z_other)) / S^2, as the quotient rule writes it (S first, as in
    the formula the solution quotes)."""
    product = WrittenProduct(sympy.exp(scale * Z_I), scale * sympy.exp(scale * other), evaluate=False)
    numerator = WrittenSum(
        WrittenProduct(TOTAL, numerator_derivative, evaluate=False),
        sympy.Mul(-1, product, evaluate=False),
        evaluate=False,
    )
    return sympy.Mul(numerator, sympy.Pow(sympy.Pow(TOTAL, 2, evaluate=False), -1, evaluate=False), evaluate=False)


def _numerator_derivative(numerator: sympy.Expr, variable: sympy.Symbol, value: sympy.Expr) -> Reason:
    """What the first row of a case puts into the quotient rule quoted above it, ``\\partial e^{z_i}/\\partial z_j = 0``: the
    rule itself was applied in the general formula (a TA read "quotient rule" beside both rows)."""
    derivative = rf"\partial {tex(numerator)}/\partial {tex(variable)}"  # maths only, no words: nothing to translate
    return Reason("${left} = {right}$", left=derivative, right=tex(value))


def _split(numerator: sympy.Expr) -> Reason:
    """``(S - e^{z_i})/S = 1 - e^{z_i}/S``, slashed as a reason's maths is."""
    whole, part = f"({tex(TOTAL)} - {tex(numerator)})/{tex(TOTAL)}", f"1 - {tex(numerator)}/{tex(TOTAL)}"
    return Reason("${left} = {right}$", left=whole, right=part)


@remembered(None)
def _worked_entries(scale: int) -> tuple[Chain, Chain]:
    """d sigma_i / d z_i and d sigma_i / d z_j (i != j) by the quotient rule, ending in sigma_i, sigma_j.

    The same for every variant of one scale: worked out once per process.
    """
    e_i, e_j = sympy.exp(scale * Z_I), sympy.exp(scale * Z_J)
    s_i, s_j = Share(scale * Z_I, TOTAL), Share(scale * Z_J, TOTAL)
    diagonal = chain(
        Step(_quotient(scale * e_i, Z_I, scale), _numerator_derivative(e_i, Z_I, scale * e_i)),
        Step(
            WrittenProduct(scale * e_i / TOTAL, (TOTAL - e_i) / TOTAL, evaluate=False),
            Reason("factor out ${factor}$, split the fraction", factor=tex(e_i)),
        ),
        # the second factor split too, (S - e^{z_i})/S = 1 - e^{z_i}/S: "definition of sigma" alone hid it (a TA read, EN 9111)
        Step(scale * s_i * (1 - s_i), Reason("{first}; {then}", first=_split(e_i), then=Reason(DEFINITION))),
    )
    # the minus sign of the numerator goes in front of the product, and the reason says so (a TA read, EN 9631)
    off_diagonal = chain(
        Step(_quotient(sympy.Integer(0), Z_J, scale), _numerator_derivative(e_i, Z_J, sympy.Integer(0))),
        Step(WrittenProduct(-scale * e_i / TOTAL, e_j / TOTAL, evaluate=False), N_("$S \\cdot 0 = 0$, move the minus sign in front, split the fraction")),
        Step(-scale * s_i * s_j, DEFINITION),
    )
    return diagonal, off_diagonal


@remembered(None)
def _named(expr: sympy.Expr, scale: int) -> sympy.Expr:
    """sigma_i and sigma_j as plain symbols, the form the answers are stored and checked in."""
    return expr.subs({Share(scale * Z_I, TOTAL): SIGMA_I, Share(scale * Z_J, TOTAL): SIGMA_J})


def _evaluation(shifted: sympy.ImmutableMatrix) -> tuple[Chain, Chain, Chain]:
    """e^z (from e^(log k) for log-weights), S = their sum, sigma(z) = e^z / S with 1/S in front (reduced).

    Integer scores go straight to their powers of e: e^1 = e is no step worth a line. The sum is
    written term by term only if adding joins like terms; otherwise that step would only reorder them.
    """
    exponentials = shifted.applyfunc(sympy.exp)
    powers = [Step(shifted.applyfunc(lambda v: sympy.exp(v, evaluate=False)))] if shifted.has(sympy.log) else []
    normaliser = sympy.Add(*exponentials)
    joins = len(sympy.Add.make_args(normaliser)) < len(exponentials)
    written = [Step(WrittenSum(*exponentials, evaluate=False))] if joins else []
    # 1/S in front of e^z, then reduced: a vector of stacked fractions 2/7, 3/7, 2/7 stood three times as tall as the
    # decimals beside it (two TA reads, German 9011 and EN 9012)
    shares = [Step(fraction_times(1 / normaliser, exponentials))]
    if normaliser.is_Integer and all(e.is_Integer for e in exponentials):
        common = math.gcd(int(normaliser), *map(int, exponentials))
        if common > 1:
            shares.append(Step(fraction_times(sympy.Rational(common, normaliser), exponentials / common)))
    return chain(*powers, Step(exponentials)), chain(*written, Step(normaliser)), Chain(tuple(shares))


def _jacobian_steps(normaliser: sympy.Expr, numerators: sympy.ImmutableMatrix, shifted: bool) -> Chain:
    """(1/S^2) N with S and the two products (shown above it) inserted; for an integer S, the common factor g of N's
    entries taken out (and g/S^2 cancelled)."""
    # S^2 worked out is said (a TA read, EN 9512: "insert S" hid 12^2 = 144); S itself stands in S diag(e^z) already
    # ("S, S^2 = 144, and ..." read as S = 144, two reads, German 9521, 9523)
    inserted = (
        Reason("insert $S^2 = {square}$ and the two matrices, subtract", square=Maths(normaliser**2))
        if normaliser.is_Integer
        # the shifted logits' sum is S', as the rows above call it (a TA read, EN 9731)
        else N_("insert $S'$ and the two matrices, subtract") if shifted else N_("insert $S$ and the two matrices, subtract")
    )
    steps = [Step(fraction_times(1 / normaliser**2, numerators), inserted)]
    common = math.gcd(*(int(v) for v in numerators)) if normaliser.is_Integer else 1
    if common > 1:
        coefficient = sympy.Rational(common, normaliser**2)
        cancelled = coefficient.q != normaliser**2
        if cancelled:
            why = Reason("take out the common factor {common}, cancel", common=common)
        else:
            why = Reason("take out the common factor {common}", common=common)
        steps.append(Step(fraction_times(coefficient, numerators / common), why))
    return Chain(tuple(steps))


def solve(params: Params) -> Answer:
    worked = _worked_entries(params.scale)
    diagonal, off_diagonal = (_named(w.result, params.scale) for w in worked)
    entry = params.scale * SIGMA_I * (DELTA - SIGMA_J)
    if not params.concrete:
        return Answer(worked, diagonal, off_diagonal, entry, *(None,) * 9)
    # Integer z: subtracting min z leaves softmax unchanged and keeps powers of e non-negative.
    shift = min(params.z) if params.integer_scores else sympy.Integer(0)
    shifted = params.z.applyfunc(lambda v: v - shift)
    evaluation = _evaluation(shifted)
    exponentials, normaliser = (c.result for c in evaluation[:2])
    probabilities = sympy.ImmutableMatrix(exponentials / normaliser)
    products = _products(exponentials, normaliser)
    numerators = _numerators(products)
    return Answer(
        worked,
        diagonal,
        off_diagonal,
        entry,
        shift,
        shifted,
        evaluation,
        exponentials,
        normaliser,
        probabilities,
        numerators,
        _jacobian_steps(normaliser, numerators, shift != 0),
        sympy.ImmutableMatrix(numerators / normaliser**2),
        products,
    )


def softmax(z: Sequence[float]) -> list[float]:
    """Softmax in floats, shifted by max z so no exponential overflows."""
    top = max(z)
    weights = [math.exp(v - top) for v in z]
    total = math.fsum(weights)
    return [w / total for w in weights]


def _finite_difference_jacobian(z: Sequence[float], scale: int = 1) -> list[list[float]]:
    """d/dz_j of softmax(scale z)_i by central differences."""
    return [
        [
            central_difference(lambda *point, i=i: softmax([scale * v for v in point])[i], tuple(z), j)
            for j in range(len(z))
        ]
        for i in range(len(z))
    ]


def _check_formulas(answer: Answer, scale: int, rng: random.Random) -> None:
    """The general entries, diagonal and off-diagonal formulas against finite differences at random z."""
    symbols = (SIGMA_I, SIGMA_J, DELTA)
    entry, diagonal, off_diagonal = (
        as_function(formula, symbols) for formula in (answer.entry, answer.diagonal, answer.off_diagonal)
    )
    for _ in range(3):
        z = [rng.uniform(-1.5, 1.5) for _ in range(GENERAL_CHECK_SIZE)]
        sigma = softmax([scale * v for v in z])
        numeric = _finite_difference_jacobian(z, scale)
        for i, j in ((i, j) for i in range(len(z)) for j in range(len(z))):
            case = ("diagonal", diagonal) if i == j else ("off-diagonal", off_diagonal)
            for what, formula in (("entry", entry), case):
                value = float(formula(sigma[i], sigma[j], int(i == j)))
                require(
                    close(value, numeric[i][j]),
                    f"{what} formula gives {value:.10g} for i={i + 1}, j={j + 1} at random z, "
                    f"finite differences {numeric[i][j]:.10g}",
                )


def _check_concrete(params: Params, answer: Answer) -> None:
    """Exponentials, normaliser and sigma against a float softmax; J against finite differences."""
    z = [float(v) for v in params.z]
    sigma = softmax(z)
    exponentials = [float(e) for e in answer.exponentials]
    normaliser = float(answer.normaliser)
    require(close(normaliser, math.fsum(exponentials)), f"S = {normaliser} is not the sum of {exponentials}")
    for i, z_i in enumerate(z):
        expected = math.exp(z_i - float(answer.shift))
        require(close(exponentials[i], expected), f"e^(z_{i + 1} - c) is {expected}, not {exponentials[i]}")
        for what, value in (("sigma", float(answer.probabilities[i])), ("e/S", exponentials[i] / normaliser)):
            require(close(value, sigma[i]), f"{what}_{i + 1} is {value}, but softmax gives {sigma[i]}")
    numeric = _finite_difference_jacobian(z)
    for i in range(params.n):
        for j in range(params.n):
            for what, value in (
                ("J", float(answer.jacobian[i, j])),
                ("numerators / S^2", float(answer.numerators[i, j]) / normaliser**2),
            ):
                require(
                    close(value, numeric[i][j]),
                    f"{what}[{i + 1},{j + 1}] is {value:.10g}, "
                    f"finite differences give {numeric[i][j]:.10g}",
                )
    worked = zip(answer.jacobian_steps.result, answer.jacobian, strict=True)
    require(all(close(float(a), float(b)) for a, b in worked), "the worked Jacobian ends in another matrix")
    scaled, outer = answer.products
    for i in range(params.n):
        for j in range(params.n):  # the products shown, from the floats: S e^{z_i} on the diagonal, e^{z_i} e^{z_j}
            expected = (normaliser * exponentials[i] if i == j else 0.0, exponentials[i] * exponentials[j])
            shown = (float(scaled[i, j]), float(outer[i, j]))
            require(all(close(*pair) for pair in zip(shown, expected)), f"the products shown differ at [{i + 1},{j + 1}]")


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    worked_diagonal, worked_off_diagonal = answer.worked
    require(_named(worked_diagonal.result, params.scale) == answer.diagonal, "the worked case i = j ends elsewhere")
    require(
        _named(worked_off_diagonal.result, params.scale) == answer.off_diagonal, "the worked case i != j ends elsewhere"
    )
    _check_formulas(answer, params.scale, rng)
    if params.concrete:
        _check_concrete(params, answer)


FAMILY = Family(
    name="softmax-jacobian",
    summary="Jacobian of softmax: the general formula by the quotient rule, and its value at a concrete z.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption(
            "mode", "both", ("both", "general", "concrete"), "derive the formula, evaluate it at z, or both"
        ),
        IntOption("n", 3, 2, 4, "dimension of the concrete z"),
        ChoiceOption(
            "values", "logs", ("logs", "integers"), "z_i = log k_i (rational answers) or small integers z_i"
        ),
    ),
    key_fields=("entry", "probabilities", "jacobian"),
    canonical={"idl-math-background-1.4": Params("general", None)},
    letters=lambda options: {r"\sigma": Meaning("the softmax")},
)
