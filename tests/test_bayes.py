"""generator.kit.bayes: the population table by the rates agrees with counting person by person."""

import random

import pytest
import sympy

from generator.kit.bayes import POPULATION, enumerated_counts, given_rate, joint_counts, observed_counts, observed_rates
from generator.kit.steps import verify_chain


@pytest.mark.parametrize(("prior", "hit", "false_alarm"), [(1, 90, 10), (15, 75, 3), (50, 60, 20), (4, 99, 1)])
def test_the_table_by_the_rates_is_the_table_counted(prior, hit, false_alarm):
    counts = joint_counts(prior, hit, false_alarm)
    assert counts == enumerated_counts(prior, hit, false_alarm)
    assert sum(counts) == POPULATION and counts[0] + counts[1] == prior * POPULATION // 100


def test_the_posterior_counted_is_bayes_rule():
    for observed in (True, False):
        prior, likelihood, other = observed_rates(8, 85, 5, observed)
        with_a, without_a = observed_counts(joint_counts(8, 85, 5), observed)
        assert sympy.Rational(with_a, with_a + without_a) == prior * likelihood / (prior * likelihood + (1 - prior) * other)


def test_a_rate_not_observed_is_worked_as_its_complement():
    given, complemented = given_rate(90, True, "given", "it"), given_rate(90, False, "given", "it")
    assert given.result == sympy.Rational(9, 10) and len(given.steps) == 1
    assert complemented.result == sympy.Rational(1, 10) and len(complemented.steps) == 2
    verify_chain(complemented, random.Random(1))


def test_the_evidence_is_the_sum_the_posterior_divides_by():
    """P(+) = 108/1000 = 27/250, then Bayes' rule put in 108/1000, "the sum before cancelling": the cancelling was
    done and thrown away (TA read, math-background-2 2.3). The evidence stops at the sum over the common denominator."""
    from generator.kit.bayes import evidence
    from generator.kit.notation import WrittenQuotient
    from generator.kit.probability import posterior, total_probability

    prior, hit, false_alarm = sympy.Rational(1, 100), sympy.Rational(9, 10), sympy.Rational(1, 10)
    total = total_probability((hit, prior), (false_alarm, 1 - prior))  # 108/1000, which would cancel to 27/250
    worked = evidence(total)
    assert isinstance(worked.result, WrittenQuotient) and worked.result.args == (sum(total.parts), total.common)
    assert worked.result.doit() == total.value and "cancel" not in str(worked.steps[-1].why)
    verify_chain(worked, random.Random(1))
    divided = posterior(total, 0).steps[0].expr.args[1]  # the reciprocal of the evidence as written above
    assert divided.args == tuple(reversed(worked.result.args))
    kept = total_probability((sympy.Rational(1, 2), sympy.Rational(1, 10)), (sympy.Rational(1, 5), sympy.Rational(9, 10)))
    assert evidence(kept) == kept.worked and kept.value == sympy.Rational(23, 100)  # nothing cancels: all of it


def test_products_already_over_the_common_denominator_are_only_multiplied():
    """17/20 . 1/5 + 1/20 . 4/5 is 17/100 + 4/100 as multiplied: "multiply; common denominator 100" named a step the line
    does not take (a TA read, German 9012); 9/10 . 3/100 + 1/20 . 97/100 does take it (27/1000 to 54/2000)."""
    from generator.kit.probability import total_probability

    R = sympy.Rational
    direct = total_probability((R(17, 20), R(1, 5)), (R(1, 20), R(4, 5)))
    assert [step.why for step in direct.worked.steps] == ["the values above", "multiply", "add"]
    assert direct.value == R(17, 20) * R(1, 5) + R(1, 20) * R(4, 5)
    brought = total_probability((R(9, 10), R(3, 100)), (R(1, 20), R(97, 100)))
    assert brought.worked.steps[1].why == "multiply; common denominator $2000$"
