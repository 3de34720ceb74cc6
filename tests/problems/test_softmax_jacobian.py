import dataclasses
import random

import pytest
import sympy
from sympy import E, ImmutableMatrix, Rational, log

from generator.family import CheckFailed
from generator.generate import canonical_variant, variant_for_seed
from generator.options import OptionError, resolve_options
from problems.softmax_jacobian import DELTA, FAMILY, SIGMA_I, SIGMA_J, Params, check, solve

R = Rational


def test_canonical_is_the_general_formula():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.4")
    answer = variant.answer
    assert variant.params == Params("general", None)
    assert sympy.expand(answer.entry - SIGMA_I * (DELTA - SIGMA_J)) == 0
    assert sympy.expand(answer.diagonal - SIGMA_I * (1 - SIGMA_I)) == 0
    assert sympy.expand(answer.off_diagonal + SIGMA_I * SIGMA_J) == 0
    assert answer.jacobian is None and answer.probabilities is None


def test_concrete_jacobian_with_log_weights_is_rational():
    answer = solve(Params("both", ImmutableMatrix([0, log(2), log(3)])))
    assert answer.shift == 0
    assert answer.exponentials == ImmutableMatrix([1, 2, 3])
    assert answer.normaliser == 6
    assert answer.probabilities == ImmutableMatrix([R(1, 6), R(1, 3), R(1, 2)])
    expected = ImmutableMatrix(
        [[R(5, 36), R(-1, 18), R(-1, 12)], [R(-1, 18), R(2, 9), R(-1, 6)], [R(-1, 12), R(-1, 6), R(1, 4)]]
    )
    assert answer.jacobian == expected
    assert answer.numerators == 36 * expected


def test_integer_scores_are_shifted_to_non_negative_powers_of_e():
    answer = solve(Params("concrete", ImmutableMatrix([-1, 1, 0])))
    assert answer.shift == -1
    assert answer.exponentials == ImmutableMatrix([1, E**2, E])
    assert sympy.expand(answer.normaliser - (1 + E + E**2)) == 0
    assert sympy.simplify(answer.jacobian[0, 1] + E**2 / (1 + E + E**2) ** 2) == 0
    assert all(sympy.simplify(sum(answer.jacobian.row(i))) == 0 for i in range(3))


def test_check_rejects_a_sign_error_in_the_formula():
    answer = solve(Params("general", None))
    wrong = dataclasses.replace(answer, entry=SIGMA_I * (DELTA + SIGMA_J))
    with pytest.raises(CheckFailed, match="entry formula"):
        check(Params("general", None), wrong, random.Random(0))


def test_check_rejects_a_jacobian_without_the_diagonal_term():
    params = Params("concrete", ImmutableMatrix([0, log(2), log(3)]))
    answer = solve(params)
    wrong = dataclasses.replace(answer, jacobian=-answer.probabilities * answer.probabilities.T)
    with pytest.raises(CheckFailed, match="finite differences"):
        check(params, wrong, random.Random(0))


def test_check_rejects_probabilities_that_are_not_the_softmax():
    params = Params("concrete", ImmutableMatrix([0, log(2), log(3)]))
    answer = solve(params)
    wrong = dataclasses.replace(answer, probabilities=ImmutableMatrix([R(1, 3), R(1, 3), R(1, 3)]))
    with pytest.raises(CheckFailed, match="softmax gives"):
        check(params, wrong, random.Random(0))


@pytest.mark.parametrize("given", [{"n": 1}, {"n": 5}, {"mode": "symbolic"}, {"values": "reals"}])
def test_bad_options_are_refused(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("values", ["logs", "integers"])
@pytest.mark.parametrize("n", [2, 3, 4])
def test_concrete_vectors_are_not_uniform_and_hand_workable(n, values):
    options = resolve_options(FAMILY.options, {"mode": "concrete", "n": n, "values": values})
    for seed in range(50):
        variant = variant_for_seed(FAMILY, options, seed)
        z, answer = variant.params.z, variant.answer
        assert z.shape == (n, 1)
        assert len(set(z)) > 1
        if values == "logs":
            assert answer.normaliser.is_Integer and answer.normaliser <= 12
            assert all(e.is_Integer and e >= 1 for e in answer.exponentials)
        else:
            assert min(answer.exponentials) == 1 and answer.shift == min(z)
        assert answer.jacobian == answer.jacobian.T


def test_general_mode_has_no_concrete_part():
    options = resolve_options(FAMILY.options, {"mode": "general"})
    variant = variant_for_seed(FAMILY, options, 3)
    assert variant.params.z is None and variant.answer.jacobian is None
