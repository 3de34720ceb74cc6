import sympy

from generator import rewrites
from generator.calculus import coordinates, derivative
from tests.test_calculus import _sheet_functions

x, y, z = coordinates(3)


def _expressions() -> list[sympy.Expr]:
    """What presentable factors: the sheets' functions, their partials and the partials' expansions,
    and the cases SymPy's factor_terms treats specially."""
    functions = _sheet_functions()
    partials = [derivative(f, v) for f in functions for v in (x, y)]
    special = [
        sympy.exp(-(x + 2)) + sympy.exp(-(x + 2)) * x,  # held aside from gcd_terms
        -2 * x - 4 * y,  # a common sign
        x / 2 + y / 4,
        sympy.Sum(2 * x * y + 4 * y, (y, 1, 3)),
        sympy.Integral(3 * x + 6, x),
        sympy.Tuple(2 * x + 2, 3 * y - 3),
        sympy.sqrt(2) * x + sympy.sqrt(2),
        sympy.Integer(6),
    ]
    return functions + partials + [rewrites.expand(p) for p in partials] + special


def test_factor_terms_is_exactly_what_sympy_gives_cold_and_warm():
    expressions = _expressions()
    rewrites._factored.clear()
    for _ in range(2):  # the second round answers from the cache
        for expr in expressions:
            assert sympy.srepr(rewrites.factor_terms(expr)) == sympy.srepr(sympy.factor_terms(expr)), expr


def test_factor_terms_answers_a_repeated_sub_expression_from_the_cache():
    rewrites._factored.clear()
    inner = 2 * x**2 + 4 * x
    rewrites.factor_terms(inner)
    assert (type(inner), inner) in rewrites._factored
    outer = sympy.cos(inner) * (3 * y + 3)
    assert rewrites.factor_terms(outer) == sympy.factor_terms(outer)
    assert (type(outer), outer) in rewrites._factored


def test_expand_is_sympys():
    for expr in _expressions()[:200]:
        assert rewrites.expand(expr) == sympy.expand(expr)
