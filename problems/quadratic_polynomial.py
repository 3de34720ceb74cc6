"""Quadratic polynomials as x^T M x: expand x^T M x for a small integer M, or find the symmetric M of a polynomial.

Its own family, not a mode of quadratic-form: that family rewrites letters (index sums <-> matrix
products, checked on instances of the sizes), while this one computes with numbers, so the two
differ in what is drawn (integer matrices and polynomials here), in the answer (a polynomial or
a symmetric matrix), in the worked steps and in the check.

Directions (option ``direction``):

* ``sum-to-matrix``: write a quadratic polynomial in x_1..x_n as x^T M x with a symmetric M
  (M_ii = coefficient of x_i^2, M_ij = M_ji = half the coefficient of x_i x_j).
* ``matrix-to-sum``: expand x^T M x for a small integer M into a polynomial (the coefficient of
  x_i x_j is M_ij + M_ji).

Option ``n``: the number of variables (the size of M).

Worked steps (verified chains): M x (``WrittenMatrix``), then x^T (M x) multiplied out; finding M,
each M_ij as half the coefficient of x_i x_j.

Excluded by construction: a diagonal form (some x_i x_j term with i != j always survives), a
variable that does not occur, a form without squares, a matrix more than a third zero (given or
found), and an expansion too wide for a line; the matrix to expand is never symmetric, so that
M_ij + M_ji matters.

answers.json keys: ``inputs.direction``, ``inputs.n``, ``inputs.given`` (the polynomial, or
``x.T*M*x``), ``inputs.entries`` (the matrix to expand, or null); ``answers.form`` (the
polynomial or the symmetric matrix), ``answers.inner`` (M x), ``answers.product_steps`` (M x,
worked), ``answers.expansion`` (x_1 (Mx)_1 + ... + x_n (Mx)_n), ``answers.expansion_steps`` (the
expansion multiplied out), ``answers.mixed`` ([i, j, M_ij, M_ji, coefficient of x_i x_j] for
i < j) and ``answers.splits`` (sum-to-matrix: each M_ij as half the coefficient of x_i x_j,
worked; empty otherwise).
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy import MatMul

from generator.kit import (
    Chain,
    ChoiceOption,
    Family,
    IntOption,
    Step,
    WrittenProduct,
    WrittenSum,
    chain,
    close,
    distinct,
    require,
)
from generator.kit.functions import indexed_coordinates
from generator.kit.linalg import (
    WrittenMatrix,
    coordinates,
    double_loop_form,
    exact_value,
    few_zeros,
    float_product,
    integer_matrix,
    matrix,
    polynomial_function,
    to_floats,
    vector,
)
from generator.kit.notation import Top
from generator.kit.widths import MAX_STEP_WIDTH, printed_width

EXPANSION_WIDTH = MAX_STEP_WIDTH - 8
"""The expansion's line also carries x^T M x = and the reason "dot product with x"."""


@dataclass(frozen=True)
class Params:
    direction: str
    n: int
    given: sympy.Basic
    """The polynomial to write as x^T M x (sum-to-matrix), or x^T M x to expand."""
    entries: sympy.ImmutableMatrix | None
    """The matrix M to expand; None when M is the answer."""

    @property
    def coordinates(self) -> tuple[sympy.Symbol, ...]:
        """x_1, ..., x_n: the entries of x, written in a row by the statement."""
        return indexed_coordinates(self.n)


@dataclass(frozen=True)
class Answer:
    form: sympy.Basic
    inner: sympy.ImmutableMatrix
    product_steps: Chain
    expansion: sympy.Expr
    expansion_steps: Chain
    mixed: tuple[tuple[int, int, sympy.Expr, sympy.Expr, sympy.Expr], ...]
    splits: tuple[Chain, ...]


def _polynomial(rng: random.Random, n: int) -> sympy.Expr:
    """sum_{i<=j} c_ij x_i x_j with some square, some mixed term and every variable present."""
    pairs = [(i, j) for i in range(n) for j in range(i, n)]

    def draw(r: random.Random) -> tuple[int, ...]:
        return tuple(r.randint(-4, 4) if i == j else r.randint(-6, 6) for i, j in pairs)

    xs = coordinates(n)

    def polynomial(coefficients: tuple[int, ...]) -> sympy.Expr:
        return sympy.Add(*(c * xs[i] * xs[j] for (i, j), c in zip(pairs, coefficients)))

    def usable(coefficients: tuple[int, ...]) -> bool:
        terms = [pair for pair, c in zip(pairs, coefficients) if c]
        return (
            any(i == j for i, j in terms)
            and any(i != j for i, j in terms)
            and all(any(k in pair for pair in terms) for k in range(n))
            and _workable(_symmetric_matrix(polynomial(coefficients), xs))
        )

    return polynomial(distinct(rng, draw, 1, accept=usable, what="quadratic forms")[0])


def _workable(m: sympy.ImmutableMatrix) -> bool:
    """At most a third of M zero, and the expansion x_1 (Mx)_1 + ... + x_n (Mx)_n fits a line."""
    return few_zeros(m) and printed_width(_expansion(m)) <= EXPANSION_WIDTH


def _expansion(m: sympy.ImmutableMatrix) -> sympy.Expr:
    """x_1 (Mx)_1 + ... + x_n (Mx)_n, as the dot product of x with M x writes it."""
    xs = sympy.ImmutableMatrix(coordinates(m.rows))
    inner = exact_value(MatMul(m, xs))
    # a single term multiplied as written, x_1 . (-4 x_1): SymPy made it -4 x_1^2 in the dot product's own row, beside
    # x_2 (-x_1 - 2 x_2) left for the next (a TA read, German bank sheet 9751); x_1 . x_1 is x_1^2 (one base twice)
    return WrittenSum(*(xs[k] * inner[k] if inner[k].is_Add or inner[k] in (0, xs[k]) else WrittenProduct(xs[k], inner[k], evaluate=False) for k in range(m.rows)), evaluate=False)


def _expandable(m: sympy.ImmutableMatrix) -> bool:
    """Not symmetric, some mixed term x_i x_j survives, and every x_k occurs in x^T M x."""
    n = m.rows
    mixed = {(i, j): m[i, j] + m[j, i] for i in range(n) for j in range(n) if i != j}
    present = all(m[k, k] or any(mixed[k, j] for j in range(n) if j != k) for k in range(n))
    return m != m.T and any(mixed.values()) and present and _workable(m)


def sample(rng: random.Random, options: Mapping) -> Params:
    direction, n = options["direction"], options["n"]
    if direction == "sum-to-matrix":
        return Params(direction, n, _polynomial(rng, n), None)
    x = vector("x", n)
    entries = integer_matrix(rng, n, n, accept=_expandable, what="non-symmetric matrices")
    return Params(direction, n, MatMul(Top(x), matrix("M", n, n), x), entries)


def _symmetric_matrix(polynomial: sympy.Expr, xs) -> sympy.ImmutableMatrix:
    """M_ii = coefficient of x_i^2, M_ij = M_ji = half the coefficient of x_i x_j."""
    poly = sympy.Poly(polynomial, *xs)

    def entry(i: int, j: int) -> sympy.Expr:
        if i == j:
            return poly.coeff_monomial(xs[i] ** 2)
        return sympy.Rational(poly.coeff_monomial(xs[i] * xs[j]), 2)

    return sympy.ImmutableMatrix(len(xs), len(xs), entry)


def solve(p: Params) -> Answer:
    xs = sympy.ImmutableMatrix(coordinates(p.n))
    entries = p.entries if p.direction == "matrix-to-sum" else _symmetric_matrix(p.given, xs)
    inner = exact_value(MatMul(entries, xs))
    expansion = _expansion(entries)
    mixed = tuple(
        (i + 1, j + 1, entries[i, j], entries[j, i], entries[i, j] + entries[j, i])
        for i in range(p.n)
        for j in range(i + 1, p.n)
    )
    polynomial = sympy.expand(sympy.Add(*expansion.args))
    product_steps = Chain((Step(WrittenMatrix(MatMul(entries, xs)), ""), Step(inner, "row times column")))
    # chain(): with zeros in M (x_1 (-3 x_2) + x_2 (-x_2)) there can be nothing left to multiply out.
    expansion_steps = chain(
        Step(expansion, r"dot product with $\mathbf{x}$"), Step(polynomial, "multiply out and collect")
    )
    form = polynomial if p.direction == "matrix-to-sum" else entries
    splits = () if p.direction == "matrix-to-sum" else tuple(_split(c, m_ij) for _, _, m_ij, _, c in mixed)
    return Answer(form, inner, product_steps, expansion, expansion_steps, mixed, splits)


def _split(coefficient: sympy.Expr, entry: sympy.Expr) -> Chain:
    """M_ij = M_ji = 1/2 times the coefficient of x_i x_j, worked."""
    return chain(Step(WrittenProduct(sympy.Rational(1, 2), coefficient, evaluate=False)), Step(entry))


def check(p: Params, answer: Answer, rng: random.Random) -> None:
    xs = coordinates(p.n)
    if p.direction == "matrix-to-sum":
        entries, polynomial = to_floats(p.entries), answer.form
    else:
        require(answer.form == answer.form.T, "M is not symmetric")
        entries, polynomial = to_floats(answer.form), p.given

    polynomial_at, expansion_at = polynomial_function(polynomial, xs), polynomial_function(answer.expansion, xs)
    multiplied_at = polynomial_function(answer.expansion_steps.result, xs)
    inner_at = [polynomial_function(entry, xs) for entry in answer.inner]
    product_at = [polynomial_function(entry, xs) for entry in answer.product_steps.result]
    for _ in range(3):
        point = [rng.uniform(-2, 2) for _ in range(p.n)]
        column = [[c] for c in point]
        loops = double_loop_form(column, entries, column)
        require(close(polynomial_at(*point), loops), f"the polynomial is not x^T M x = {loops} at {point}")
        require(close(expansion_at(*point), loops), f"the expansion differs from x^T M x at {point}")
        require(close(multiplied_at(*point), loops), f"the multiplied-out expansion differs from x^T M x at {point}")
        products = float_product(entries, column, "M x")
        for claimed in (inner_at, product_at):
            right = all(close(f(*point), row[0]) for f, row in zip(claimed, products, strict=True))
            require(right, f"M x is wrong at {point}")
    for i, j, m_ij, m_ji, coefficient in answer.mixed:
        e_i, e_j = ([float(k == t - 1) for k in range(p.n)] for t in (i, j))
        both = [a + b for a, b in zip(e_i, e_j)]
        polarised = polynomial_at(*both) - polynomial_at(*e_i) - polynomial_at(*e_j)
        require(close(float(coefficient), polarised), f"coefficient of x_{i} x_{j}: {coefficient}, not {polarised}")
        require(
            math.isclose(float(m_ij), entries[i - 1][j - 1]) and math.isclose(float(m_ji), entries[j - 1][i - 1]),
            f"M_{i}{j}, M_{j}{i} given as {m_ij}, {m_ji}",
        )


FAMILY = Family(
    name="quadratic-polynomial",
    summary="Quadratic polynomials as x^T M x: expand it for a small integer M, or find the symmetric M.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption(
            "direction",
            "matrix-to-sum",
            ("sum-to-matrix", "matrix-to-sum"),
            "write a quadratic polynomial as x^T M x with a symmetric M, or expand x^T M x into a polynomial",
        ),
        IntOption("n", 3, 2, 3, "number of variables (the size of M)"),
    ),
)
