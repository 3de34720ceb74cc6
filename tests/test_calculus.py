import sympy

from generator.calculus import _fraction_bars, presentable

x = sympy.Symbol("x", real=True)


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
