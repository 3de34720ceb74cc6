import dataclasses
import random

import pytest
import sympy

from generator.family import CheckFailed
from generator.generate import canonical_variant, variant_for_seed
from generator.options import OptionError, resolve_options
from generator.probability import sigma
from problems.product_variance import FAMILY, GENERAL, Params, check, mu_X, mu_Y, sigma_X, sigma_Y, solve


def test_canonical_iid_zero_mean_normals_give_sigma_to_the_fourth():
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.5a").answer
    assert answer.variance == sigma**4
    assert answer.variance == answer.variance_product
    assert answer.product_mean == 0


def test_general_formula():
    first, second, identical = GENERAL[0]
    params = Params("general-symbolic", (first[0], second[0]), (first[1], second[1]), identical)
    answer = solve(params)
    expected = sigma_X**2 * sigma_Y**2 + mu_X**2 * sigma_Y**2 + mu_Y**2 * sigma_X**2
    assert sympy.expand(answer.variance - expected) == 0
    assert sympy.expand(answer.variance_product + answer.mean_terms - expected) == 0


def test_named_laws_contribute_their_moments():
    # X ~ U[0, 6]: mean 3, variance 3; Y ~ Exp(1/2): mean 2, variance 4.
    params = Params("numeric", ("uniform", "exponential"), ((sympy.Integer(0), sympy.Integer(6)), (sympy.Rational(1, 2),)), False)
    answer = solve(params)
    assert answer.means == (3, 2) and answer.variances == (3, 4)
    assert answer.variance == (3 + 9) * (4 + 4) - 36
    check(params, answer, random.Random(0))


@pytest.mark.parametrize("mode", ["zero-mean-proof", "general-symbolic", "numeric"])
def test_variants_are_checked_and_non_degenerate(mode):
    options = resolve_options(FAMILY.options, {"mode": mode})
    for seed in range(50):
        variant = variant_for_seed(FAMILY, options, seed)
        answer = variant.answer
        if variant.params.identical:
            assert variant.params.parameters[0] == variant.params.parameters[1]
        if mode == "zero-mean-proof":
            assert answer.means == (0, 0) and answer.variance == answer.variance_product
        if mode == "numeric":
            assert answer.means != (0, 0)
            assert all(v > 0 for v in answer.variances)
            assert answer.variance > answer.variance_product


def test_check_rejects_forgetting_the_means():
    params = Params("numeric", ("moments", "gaussian"), ((sympy.Integer(2), sympy.Integer(3)), (sympy.Integer(-1), sympy.Integer(4))), False)
    answer = solve(params)
    with pytest.raises(CheckFailed, match=r"Var\(XY\)"):
        check(params, dataclasses.replace(answer, variance=answer.variance_product), random.Random(0))


def test_check_rejects_a_symbolic_answer_with_a_missing_term():
    first, second, identical = GENERAL[0]
    params = Params("general-symbolic", (first[0], second[0]), (first[1], second[1]), identical)
    answer = solve(params)
    wrong = dataclasses.replace(answer, variance=answer.variance - mu_Y**2 * sigma_X**2)
    with pytest.raises(CheckFailed):
        check(params, wrong, random.Random(0))


@pytest.mark.parametrize("given", [{"mode": "proof"}, {"mode": 1}, {"count": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)
