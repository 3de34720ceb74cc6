import dataclasses
import random

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.definite_integral import FAMILY, U, X, check

PARTS = FAMILY.resolve_options({"method": "parts"})
SUBSTITUTION = FAMILY.resolve_options({"method": "substitution"})


def test_canonical_values_agree_with_sympy_integrate():
    by_parts = canonical_variant(FAMILY, PARTS, "definite-integral-example")
    assert by_parts.answer.value == sympy.integrate(X * sympy.exp(X), (X, 0, 1)) == 1
    by_substitution = canonical_variant(FAMILY, SUBSTITUTION, "definite-integral-substitution")
    assert sympy.simplify(by_substitution.answer.value - sympy.log(2)) == 0


@pytest.mark.parametrize("options", [PARTS, SUBSTITUTION])
def test_random_integrals_are_nonzero_and_agree_with_sympy(options):
    for seed in range(25):
        variant = variant_for_seed(FAMILY, options, seed)
        p, answer = variant.params, variant.answer
        exact = sympy.integrate(p.integrand, (X, p.low, p.high))  # a second method: SymPy's own integral
        assert answer.value != 0 and abs(float(answer.value) - float(exact)) < 1e-9
        assert sympy.simplify(sympy.diff(answer.antiderivative, X) - p.integrand) == 0
        if p.method == "substitution":  # u increases over the interval: the new bounds are in order
            du, carried, multiple, low, high = answer.named
            assert low < high and carried == multiple * du  # m x^(k-1) dx = (m/k) du
            assert sympy.simplify(carried * (p.other / multiple).subs(U, p.inner) - p.integrand) == 0


def test_check_refuses_a_wrong_value():
    variant = canonical_variant(FAMILY, PARTS, "definite-integral-example")
    with pytest.raises(CheckFailed):
        check(variant.params, dataclasses.replace(variant.answer, value=sympy.E - 1), random.Random(0))
    with pytest.raises(CheckFailed):
        wrong = dataclasses.replace(variant.answer, antiderivative=X * sympy.exp(X))
        check(variant.params, wrong, random.Random(0))


def test_statement_gives_the_integral_but_not_the_value():
    variant = canonical_variant(FAMILY, PARTS, "definite-integral-example")
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"\int_{0}^{1} x e^{x}" in statement and "parts" in statement
    assert "1 \\approx" not in statement and "u = x" in solution


def test_the_substitution_says_what_replaces_dx_and_the_evaluation_starts_at_the_bar():
    variant = canonical_variant(FAMILY, SUBSTITUTION, "definite-integral-substitution")
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"du = 2 x\,dx$, so $2 x\,dx$ in the integrand is $du$" in solution
    assert r"&= \left[\log(u)\right]_{1}^{2}" in solution
