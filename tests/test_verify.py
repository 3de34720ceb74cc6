"""The numerical evaluator the checks use agrees with SymPy's lambdify and fails the same way outside the domain."""

import math
import random

import pytest
import sympy

from generator.kit.numeric import as_function

x, y = sympy.symbols("x y", real=True)
EXPRESSIONS = [
    x**3 - 2 * x * y + sympy.Rational(1, 3),
    sympy.exp(-(x**2)) * sympy.cos(3 * y) / (1 + y**2),
    sympy.log(1 + x**2) - sympy.sqrt(2 + sympy.sin(y)),
    x / sympy.Abs(x) + sympy.tanh(y) * sympy.pi,
    (x**2 + 1) ** sympy.Rational(3, 2) - 1 / sympy.sqrt(1 + y**2),
    sympy.atan(x * y) + sympy.E**y,
    sympy.Tuple(x * y, x + y),
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_agrees_with_lambdify(expr):
    ours, reference = as_function(expr, [x, y]), sympy.lambdify((x, y), expr, modules="math")
    rng = random.Random(3)
    for _ in range(20):
        point = (rng.uniform(-2, 2), rng.uniform(-2, 2))
        assert ours(*point) == pytest.approx(reference(*point), rel=1e-12, abs=1e-12)


def test_a_sign_is_exact():
    assert as_function(x / sympy.Abs(x), [x])(-0.3) == -1.0


@pytest.mark.parametrize(
    "expr, point, error",
    [(sympy.log(x), -1.0, ValueError), (1 / x, 0.0, ZeroDivisionError), (sympy.exp(x), 1e4, OverflowError)],
)
def test_fails_like_lambdify_outside_the_domain(expr, point, error):
    with pytest.raises(error):
        as_function(expr, [x])(point)


def test_unknown_functions_fall_back_to_lambdify():
    expr = sympy.erf(x) + sympy.floor(x)
    assert as_function(expr, [x])(0.5) == pytest.approx(math.erf(0.5))
