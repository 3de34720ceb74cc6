import math
import random

import pytest
import sympy
from sympy import stats

from generator.kit.language import speaking
from generator.kit.notation import (
    Expectation,
    RandomVariable,
    Variance,
    _terms_by_powers,
)
from generator.kit.printing import tex
from generator.kit.probability import (
    Law,
    density,
    expectation,
    law_moments,
    minus,
    numerical_moments,
    polynomial_expectation,
    width,
)
from generator.kit.steps import verify_chain

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


@pytest.mark.parametrize("kind", ["gaussian", "uniform", "exponential"])
def test_gauss_quadrature_gives_the_expectation_of_polynomials_that_integrating_the_density_gives(kind):
    """Two numeric methods (Gauss nodes; Simpson over the float density) and sympy.stats' exact value."""
    rng = random.Random(kind)
    for _ in range(5):
        values = {
            "gaussian": (sympy.Integer(rng.randint(-4, 4)), sympy.Rational(rng.choice([1, 4, 12, 36]), 4)),
            "uniform": tuple(sympy.Integer(v) for v in sorted(rng.sample(range(-5, 6), 2))),
            "exponential": (sympy.Rational(rng.choice([1, 2, 6]), 2),),
        }[kind]
        coefficients = [rng.randint(-3, 3) for _ in range(4)]
        cubic = lambda u: sum(c * u**k for k, c in enumerate(coefficients))  # noqa: E731
        numbers = tuple(float(v) for v in values)
        quadrature = polynomial_expectation(kind, numbers, cubic)
        law = {
            "gaussian": lambda: stats.Normal("X", values[0], sympy.sqrt(values[1])),
            "uniform": lambda: stats.Uniform("X", *values),
            "exponential": lambda: stats.Exponential("X", *values),
        }[kind]()
        exact = float(stats.E(sympy.expand(cubic(law))))
        assert math.isclose(quadrature, exact, rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(quadrature, expectation(kind, numbers, cubic), rel_tol=1e-6, abs_tol=1e-9)


def test_numerical_moments_of_the_named_laws():
    assert all(math.isclose(a, b) for a, b in zip(numerical_moments("gaussian", (-2.0, 9.0)), (-2.0, 9.0)))
    assert all(math.isclose(a, b) for a, b in zip(numerical_moments("uniform", (1.0, 4.0)), (2.5, 0.75)))
    assert all(math.isclose(a, b) for a, b in zip(numerical_moments("exponential", (4.0,)), (0.25, 0.0625)))


@pytest.mark.parametrize(
    "kind,parameters,notation,phrase",
    [
        ("gaussian", (3, 2), r"\mathcal{N}(3, 2)", "normally distributed with mean $3$ and variance $2$"),
        (
            "gaussian",
            (sympy.Rational(-15, 2), sympy.Rational(1, 2)),
            r"\mathcal{N}(- 15/2, 1/2)",  # plain brackets: \left( around fractions spread the lines (TA read)
            r"normally distributed with mean $- \frac{15}{2}$ and variance $\frac{1}{2}$",
        ),
        ("uniform", (-1, 3), r"\mathcal{U}[-1, 3]", "uniformly distributed on $[-1, 3]$ (its density is constant there and $0$ outside)"),
        ("exponential", (sympy.Rational(1, 2),), r"\operatorname{Exp}(1/2)", r"exponentially distributed with rate $\frac{1}{2}$"),
    ],
)
def test_a_law_prints_its_symbol_and_what_its_parameters_are(kind, parameters, notation, phrase):
    law = Law(kind, tuple(sympy.sympify(p) for p in parameters))
    assert law.notation == notation and law.phrase == phrase
    assert r"\big" not in law.notation  # \big( is an ordinary atom: a minus after it would be binary


def test_a_law_in_german_separates_its_parameters_with_a_semicolon():
    """N(0, 1) on a German sheet that writes 0,75 reads as one number (TA read): the entries of a row are separated
    as the language separates them, and the density of a fractional variance keeps no fraction under a fraction bar."""
    assert Law("gaussian", (sympy.Integer(0), sympy.Integer(1))).notation == r"\mathcal{N}(0, 1)"
    with speaking("de"):
        assert Law("gaussian", (sympy.Integer(0), sympy.Integer(1))).notation == r"\mathcal{N}(0; 1)"
        assert Law("uniform", (sympy.Integer(-1), sympy.Integer(3))).notation == r"\mathcal{U}[-1; 3]"
    quarter = density("gaussian", (sympy.Integer(5), sympy.Rational(1, 4)))
    assert tex(quarter) == r"\sqrt{\frac{2}{\pi}} \cdot e^{- 2 (x - 5)^{2}}"  # not e^{...}/sqrt(pi/2)


def test_law_moments_are_worked_from_the_laws_own_parameters():
    c = sympy.Symbol("c", positive=True)
    uniform = law_moments("X", Law("uniform", (-c, c)))
    assert uniform.sentence == (
        r"$X \sim \mathcal{U}[- c, c]$ has mean $\frac{- c + c}{2} = 0$ and variance $\frac{(2 c)^{2}}{12} = \frac{c^{2}}{3}$"
    )
    for steps in (uniform.mean, uniform.variance):
        verify_chain(steps, random.Random(0))
    rate = law_moments("Y", Law("exponential", (sympy.Integer(2),)))
    assert rate.sentence.endswith(r"so mean $\frac{1}{\lambda} = \frac{1}{2}$ and variance $\frac{1}{\lambda^2} = \frac{1}{4}$")
    assert law_moments("X, Y", Law("gaussian", (0, s**2))).sentence == r"$X, Y \sim \mathcal{N}(0, s^{2})$ each have mean $0$ and variance $s^{2}$"


def test_interval_lengths_print_as_written_only_when_they_do_not_simplify():
    a, b = sympy.symbols("a b", real=True)
    assert tex(width(a, b)) == "b - a"
    assert width(-b, sympy.Integer(0)) == b and width(sympy.Integer(0), 2 * b) == 2 * b
    assert width(sympy.Integer(-1), sympy.Integer(3)) == 4
    assert tex(density("uniform", (-b, sympy.Integer(0)))) == r"\frac{1}{b}"


def test_a_difference_prints_in_the_order_written_with_sums_bracketed():
    a, b = sympy.symbols("a b", real=True)
    assert tex(minus(b, a)) == "b - a"
    assert tex(minus(X.args[0], mu + 1)) == r"X - (\mu + 1)"
    assert tex(minus(X.args[0], -mu)) == r"X + \mu"
    assert minus(sympy.Integer(3), sympy.Integer(-1)) == 4
