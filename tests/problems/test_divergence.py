import random

import pytest
import sympy

from generator.calculus import coordinates
from generator.generate import canonical_variant, variant_for_seed
from generator.options import OptionError, resolve_options
from generator.render import render_part
from generator.templating import environment
from generator.verify import as_function
from problems.divergence import FAMILY, Answer, check

CANONICAL = "idl-math-background-1.3d"


def canonical():
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, {"count": 2}), CANONICAL)


def test_canonical_divergences_match_the_catalogue():
    answer = canonical().answer
    assert answer.divergences == (0, 2)
    assert answer.divergence_free == (True, False)
    assert [sympy.sstr(s) for s in answer.sums] == ["0 + 0", "1 + 1"]


def test_canonical_solution_calls_f8_divergence_free():
    variant = canonical()
    statement, solution = render_part(environment(), FAMILY, variant)
    assert "f_{8}" in statement and "f_{9}" in statement
    assert r"\operatorname{div} f_{9}(x, y) &= 1 + 1 = 2" in solution
    assert solution.count("divergence-free") == 1


def test_check_rejects_a_wrong_divergence():
    params = FAMILY.canonical[CANONICAL]
    right = FAMILY.solve(params)
    wrong = Answer(right.diagonal, right.sums, (0, 1))
    with pytest.raises(AssertionError, match="finite differences"):
        check(params, wrong, random.Random(0))


@pytest.mark.parametrize("given", [{"n": 4}, {"count": 4}, {"solenoidal": "yes"}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


def _divergence_at_random_points(variant, field_index):
    fn = as_function(variant.answer.divergences[field_index], variant.params.variables)
    rng = random.Random(1)
    return [fn(*(rng.uniform(-0.45, 0.45) for _ in variant.params.variables)) for _ in range(3)]


@pytest.mark.parametrize("n", [2, 3])
def test_random_fields_have_non_zero_divergence_and_no_constant_component(n):
    options = resolve_options(FAMILY.options, {"n": n, "count": 2})
    for seed in range(25):
        variant = variant_for_seed(FAMILY, options, seed)
        assert len(set(variant.params.fields)) == 2
        for index, field in enumerate(variant.params.fields):
            assert field.shape == (n, 1)
            assert all(component.free_symbols for component in field)
            assert any(abs(value) > 1e-9 for value in _divergence_at_random_points(variant, index))


@pytest.mark.parametrize("n", [2, 3])
def test_solenoidal_option_gives_exactly_one_divergence_free_field(n):
    options = resolve_options(FAMILY.options, {"n": n, "count": 3, "solenoidal": True})
    for seed in range(20):
        variant = variant_for_seed(FAMILY, options, seed)
        assert sum(variant.answer.divergence_free) == 1
        free = variant.answer.divergence_free.index(True)
        assert all(abs(value) < 1e-9 for value in _divergence_at_random_points(variant, free))
