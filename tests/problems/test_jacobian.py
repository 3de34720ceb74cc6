import random

import pytest
import sympy

from generator.calculus import coordinates
from generator.generate import canonical_variant, variant_for_seed
from generator.options import OptionError, resolve_options
from problems.jacobian import FAMILY, Answer, check

x, y = coordinates(2)
CANONICAL = "idl-math-background-1.3c"


def test_canonical_stand_in_has_the_hand_computed_jacobian():
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL).answer
    assert answer.jacobian == sympy.ImmutableMatrix([[2 * x * y, x**2], [5, sympy.cos(y)]])
    assert answer.rows == ((2 * x * y, x**2), (5, sympy.cos(y)))


def test_check_rejects_the_transposed_jacobian():
    params = FAMILY.canonical[CANONICAL]
    transposed = sympy.ImmutableMatrix([[2 * x * y, 5], [x**2, sympy.cos(y)]])
    wrong = Answer(tuple(tuple(transposed.row(i)) for i in range(2)), transposed)
    with pytest.raises(AssertionError, match="finite difference"):
        check(params, wrong, random.Random(0))


def test_check_rejects_a_matrix_that_differs_from_the_worked_rows():
    params = FAMILY.canonical[CANONICAL]
    right = FAMILY.solve(params)
    with pytest.raises(AssertionError, match="stack"):
        check(params, Answer(right.rows, right.jacobian.T), random.Random(0))


@pytest.mark.parametrize("given", [{"n": 4}, {"m": 1}, {"m": "2"}, {"size": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize(("n", "m"), [(2, 2), (2, 3), (3, 2), (3, 3)])
def test_jacobians_have_no_zero_row_or_column(n, m):
    options = resolve_options(FAMILY.options, {"n": n, "m": m})
    for seed in range(25):
        variant = variant_for_seed(FAMILY, options, seed)
        params, answer = variant.params, variant.answer
        assert answer.jacobian.shape == (m, n)
        assert len(set(params.components)) == m
        assert all(component.free_symbols for component in params.components)
        assert all(any(entry != 0 for entry in answer.jacobian.row(i)) for i in range(m))
        assert all(any(entry != 0 for entry in answer.jacobian.col(j)) for j in range(n))
