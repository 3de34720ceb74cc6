import random

import pytest
import sympy

from generator.generate import canonical_variant, variant_for_seed
from generator.options import resolve_options
from problems.derivative import FAMILY, Answer, Params, check, x

CANONICAL = "idl-math-background-1.3a"


def test_canonical_instance_matches_the_catalogue():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL)
    expected = (
        2 * (x**3 + x + 1) * (3 * x**2 + 1),
        4 * sympy.exp(2 * x) / (sympy.exp(2 * x) + 1) ** 2,
        -sympy.log(1 - x) - 1,
    )
    for got, want in zip(variant.answer.derivatives, expected, strict=True):
        assert sympy.simplify(got - want) == 0


def test_canonical_quotient_is_printed_in_reduced_form():
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL).answer
    assert answer.derivatives[1] == 4 * sympy.exp(2 * x) / (sympy.exp(2 * x) + 1) ** 2


@pytest.mark.parametrize("level", [1, 2, 3])
def test_levels_give_non_constant_derivatives(level):
    options = resolve_options(FAMILY.options, {"level": level, "count": 3})
    for seed in range(40):
        variant = variant_for_seed(FAMILY, options, seed)
        assert len(variant.params.functions) == 3
        assert len(set(variant.params.functions)) == 3
        for derivative in variant.answer.derivatives:
            assert sympy.diff(derivative, x) != 0


def test_check_fails_on_a_derivative_off_by_a_factor():
    params = Params((sympy.sin(3 * x),))
    with pytest.raises(AssertionError, match="finite difference"):
        check(params, Answer((sympy.cos(3 * x),)), random.Random(0))


def test_check_accepts_the_right_derivative():
    check(Params((sympy.sin(3 * x),)), Answer((3 * sympy.cos(3 * x),)), random.Random(0))
