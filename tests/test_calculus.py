import random

import pytest
import sympy

from generator.activations import sigmoid
from generator.calculus import _fraction_bars, coordinates, derivative, presentable, smooth_function
from problems.derivative import _function

x = sympy.Symbol("x", real=True)


def _sheet_functions() -> list[sympy.Expr]:
    """What the families differentiate: univariate functions of every level, smooth functions of 1-3 variables."""
    rng = random.Random(7)
    functions = [_function(rng, level) for level in (1, 2, 3) for _ in range(150)]
    functions += [smooth_function(rng, coordinates(n), level) for n in (1, 2, 3) for level in (1, 2) for _ in range(60)]
    return functions + [sigmoid(2 * x) * sympy.tanh(x**2), sympy.sqrt(1 + x**2), x**x, sympy.Abs(x) * x]


@pytest.mark.parametrize("v", coordinates(3))
def test_derivative_is_exactly_what_sympy_diff_gives(v):
    for f in _sheet_functions():
        ours, sympys = derivative(f, v), sympy.diff(f, v)
        assert sympy.srepr(ours) == sympy.srepr(sympys), f


def test_a_product_over_several_factors_prints_one_fraction_bar():
    assert _fraction_bars(x / ((3 - x) * (x**2 + 2) ** 2)) == 1
    assert _fraction_bars(sympy.exp(-x) * x) == 0


def test_nested_fractions_count_each_bar():
    assert _fraction_bars(1 / (1 + 1 / x)) == 2
    assert _fraction_bars(sympy.sin(x / (x + 1)) / (x + 2)) == 2
    assert _fraction_bars(x / (x + 1) + 1 / (x + 2)) == 2


def test_a_sum_of_quotients_comes_over_a_factored_denominator():
    expr = -2 * x * sympy.log(3 - x) / (x**2 + 2) ** 2 - 1 / ((3 - x) * (x**2 + 2))
    tidy = presentable(expr)
    numerator, denominator = sympy.fraction(tidy)
    assert sympy.Mul.make_args(denominator) == sympy.Mul.make_args((3 - x) * (x**2 + 2) ** 2)
    assert sympy.cancel(tidy - expr) == 0


def test_common_factors_are_cancelled():
    assert presentable((x**2 - 1) / (x - 1)) == x + 1
    assert presentable((x - 2) / (2 - x) + x) == x - 1
