import random

import pytest
import sympy

from generator.generate import canonical_variant, variant_for_seed
from generator.options import resolve_options
from problems.entropy import FAMILY, Answer, Params, check

R = sympy.Rational


def canonical(unit="nats"):
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, {"unit": unit}), "dl-sheet1-5a")


def test_canonical_entropies_match_the_catalogue():
    h_x, h_y = canonical().answer.entropies
    assert h_x == sympy.log(3)
    assert h_y == R(2, 3) * sympy.log(2) + R(1, 2) * sympy.log(3)
    assert float(h_x) == pytest.approx(1.0986, abs=5e-5)
    assert float(h_y) == pytest.approx(1.0114, abs=5e-5)


def test_bits_answers_are_exact_base_two_logs():
    params = Params(canonical().params.pmfs, "bits")
    h_x, h_y = FAMILY.solve(params).entropies
    assert float(h_x) == pytest.approx(1.585, abs=5e-4)
    assert float(h_y) == pytest.approx(1.459, abs=5e-4)


@pytest.mark.parametrize("outcomes", [2, 4, 6])
def test_sampled_pmfs_have_no_zeros_and_sum_to_one(outcomes):
    options = resolve_options(FAMILY.options, {"outcomes": outcomes, "count": 3})
    for seed in range(50):
        pmfs = variant_for_seed(FAMILY, options, seed).params.pmfs
        assert len(set(pmfs)) == 3
        for pmf in pmfs:
            assert len(pmf) == outcomes and sum(pmf) == 1 and min(pmf) > 0


def test_check_rejects_an_entropy_in_the_wrong_unit():
    params = Params(((R(1, 2), R(1, 2)),), "bits")
    wrong = Answer(((),), (sympy.log(2),), (sympy.Float(0.693),))
    with pytest.raises(AssertionError):
        check(params, wrong, random.Random(0))
