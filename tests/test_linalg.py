"""Matrix expressions at concrete values: the plain-float evaluator against SymPy's."""

import random

import pytest
import sympy
from sympy import MatMul

from generator.kit.family import CheckFailed
from generator.kit.linalg import (
    exact_value,
    float_value,
    fraction_times,
    instantiate,
    integer_matrix,
    matrix,
    size,
    to_floats,
    vector,
    worked_determinant,
)
from generator.kit.notation import Top, WrittenSum
from generator.kit.printing import tex

N, M = size("N"), size("M")
x, y, A, B = vector("x", N), vector("y", M), matrix("A", M, N), matrix("B", N, N)
EXPRESSIONS = [
    MatMul(Top(y), A, x),
    MatMul(-2, Top(x), B, x),
    MatMul(Top(x), Top(B), x),
    WrittenSum(MatMul(Top(x), B, x), MatMul(3, Top(y), A, x), evaluate=False),
    MatMul(A, x),
    MatMul(Top(MatMul(A, x)), y),
    WrittenSum(MatMul(B, x), MatMul(Top(A), y), evaluate=False),
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_float_value_is_what_sympy_gives(expr):
    rng = random.Random(str(expr))
    for _ in range(3):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        sizes = {N: sympy.Integer(n), M: sympy.Integer(m)}
        values = {x: integer_matrix(rng, n, 1, -5, 5), y: integer_matrix(rng, m, 1, -5, 5)}
        values |= {A: integer_matrix(rng, m, n, -5, 5), B: integer_matrix(rng, n, n, -5, 5)}
        assert float_value(expr, sizes, values) == to_floats(instantiate(expr, sizes, values))


@pytest.mark.parametrize("expr", [MatMul(Top(x), A, x), WrittenSum(MatMul(B, x), MatMul(A, x), evaluate=False)], ids=str)
def test_sizes_that_do_not_fit_fail_the_check(expr):
    rng = random.Random(1)
    sizes = {N: sympy.Integer(2), M: sympy.Integer(3)}
    values = {x: integer_matrix(rng, 2, 1), A: integer_matrix(rng, 3, 2), B: integer_matrix(rng, 2, 2)}
    with pytest.raises(CheckFailed):
        float_value(expr, sizes, values)
    with pytest.raises(CheckFailed):
        instantiate(expr, sizes, values)


X = sympy.ImmutableMatrix(sympy.symbols("x_1:4", real=True))


def _entries(rng: random.Random, rows: int, cols: int, symbols: bool) -> sympy.ImmutableMatrix:
    """Small integers, some fractions and, if asked, symbols and monomials among them."""
    pool = [sympy.Integer(rng.randint(-4, 4)), sympy.Rational(rng.randint(-3, 3), rng.randint(1, 3))]
    if symbols:
        pool += [X[rng.randrange(3)], 2 * X[rng.randrange(3)] * X[rng.randrange(3)], X[rng.randrange(3)] ** 2]
    return sympy.ImmutableMatrix(rows, cols, [rng.choice(pool) for _ in range(rows * cols)])


EXACT_CASES = {
    "A x": lambda a, b, s, v: MatMul(a, v),
    "2 A x": lambda a, b, s, v: MatMul(2, a, v),
    "(A + A^T) x": lambda a, b, s, v: MatMul(WrittenSum(a, a.T, evaluate=False), v),
    "-3 A x + b": lambda a, b, s, v: WrittenSum(MatMul(-3, a, v), b, evaluate=False),
    "A S x (symbols on both sides)": lambda a, b, s, v: MatMul(a, s, v),
    "S x + A^T b": lambda a, b, s, v: WrittenSum(MatMul(s, v), MatMul(Top(a), b), evaluate=False),
    "(S x)^T A x": lambda a, b, s, v: MatMul(Top(MatMul(s, v)), a, v),
}


@pytest.mark.parametrize("case", EXACT_CASES)
def test_exact_value_is_the_expression_sympy_gives(case):
    """The same expressions as doit, term for term: products of sums stay unexpanded there too."""
    rng = random.Random(case)
    for _ in range(40):
        a, s = _entries(rng, 3, 3, symbols=False), _entries(rng, 3, 3, symbols=True)
        b, v = _entries(rng, 3, 1, symbols=False), rng.choice([X, _entries(rng, 3, 1, symbols=True)])
        expr = EXACT_CASES[case](a, b, s, v)
        expected = sympy.ImmutableMatrix(expr.doit())
        assert sympy.srepr(exact_value(expr)) == sympy.srepr(expected)


def test_exact_value_of_sizes_that_do_not_fit_fails_as_sympy_does():
    with pytest.raises(sympy.ShapeError):
        exact_value(MatMul(sympy.ImmutableMatrix([[1, 2]]), sympy.ImmutableMatrix([[1, 2]])))


def test_fraction_times_prints_the_fraction_unbracketed_and_keeps_the_value():
    m = sympy.ImmutableMatrix([[18, -12], [-12, 14]])
    scaled = fraction_times(sympy.Rational(2, 81), m / 2)
    assert tex(scaled) == r"\frac{2}{81} \begin{bmatrix}9 & -6\\-6 & 7\end{bmatrix}"
    assert scaled == m / 81


def test_the_two_by_two_rule_names_the_matrix_it_is_stated_for():
    """'det = ad - bc' left a, b, c and d undefined (TA read, math-background-2 2.2, seed 7411)."""
    lam = sympy.Symbol("lambda")
    _, worked = worked_determinant(sympy.ImmutableMatrix([[-1 - lam, -4], [-4, 5 - lam]]))
    rule = r"$\left|\begin{smallmatrix} a & b \\ c & d \end{smallmatrix}\right| = ad - bc$"
    # and the product bc it multiplies at once (TA read, German 9552: (-1 - lambda)(5 - lambda) - 16 beside ad - bc alone)
    assert worked.steps[1].why == rule + r", $bc = (-4) \cdot (-4) = 16$"
    _, small = worked_determinant(sympy.ImmutableMatrix([[2 - lam, 1], [-3, 5 - lam]]))
    assert small.steps[1].why == rule
