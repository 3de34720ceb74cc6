import pytest
import sympy

from generator.probability import Expectation, RandomVariable, Variance, _terms_by_powers

mu, s = sympy.symbols("mu s", positive=True)
X = RandomVariable("X", mu, s**2)
Y = RandomVariable("Y", 3, 2)


@pytest.mark.parametrize(
    "polynomial",
    [
        sympy.expand((2 * X + 1) ** 2),
        sympy.expand((X * Y - mu) ** 2),
        sympy.expand((sympy.sqrt(2) * X + mu * Y + sympy.Rational(1, 3)) * (X - Y)),
        sympy.expand(mu * X * Y + s * X * Y + 5),
    ],
)
def test_terms_by_powers_are_those_of_the_polynomial_ring(polynomial):
    variables = sorted(polynomial.atoms(RandomVariable), key=sympy.default_sort_key)
    assert _terms_by_powers(polynomial, variables) == dict(sympy.Poly(polynomial, *variables).terms())


def test_moments_follow_the_expectation_identities():
    assert Expectation(2 * X + 1).doit() == 2 * mu + 1
    assert sympy.expand(Expectation(X * Y).doit() - 3 * mu) == 0
    assert sympy.expand(Variance(X * Y).doit() - ((s**2 + mu**2) * 11 - 9 * mu**2)) == 0


def test_a_random_variable_outside_a_polynomial_is_refused():
    with pytest.raises(ValueError, match="not a polynomial"):
        _terms_by_powers(sympy.expand(X + 1 / X), [X])
