"""Matrix expressions at concrete values: the plain-float evaluator against SymPy's."""

import random

import pytest
import sympy
from sympy import MatMul

from generator.family import CheckFailed
from generator.linalg import OrderedSum, Top, float_value, instantiate, integer_matrix, matrix, size, to_floats, vector

N, M = size("N"), size("M")
x, y, A, B = vector("x", N), vector("y", M), matrix("A", M, N), matrix("B", N, N)
EXPRESSIONS = [
    MatMul(Top(y), A, x),
    MatMul(-2, Top(x), B, x),
    MatMul(Top(x), Top(B), x),
    OrderedSum(MatMul(Top(x), B, x), MatMul(3, Top(y), A, x), evaluate=False),
    MatMul(A, x),
    MatMul(Top(MatMul(A, x)), y),
    OrderedSum(MatMul(B, x), MatMul(Top(A), y), evaluate=False),
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


@pytest.mark.parametrize("expr", [MatMul(Top(x), A, x), OrderedSum(MatMul(B, x), MatMul(A, x), evaluate=False)], ids=str)
def test_sizes_that_do_not_fit_fail_the_check(expr):
    rng = random.Random(1)
    sizes = {N: sympy.Integer(2), M: sympy.Integer(3)}
    values = {x: integer_matrix(rng, 2, 1), A: integer_matrix(rng, 3, 2), B: integer_matrix(rng, 2, 2)}
    with pytest.raises(CheckFailed):
        float_value(expr, sizes, values)
    with pytest.raises(CheckFailed):
        instantiate(expr, sizes, values)
