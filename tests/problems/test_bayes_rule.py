"""bayes-rule: the posterior against the textbook formula in plain fractions, the sampler's promises
for every story and result, a check that refuses wrong values, and a statement that keeps the answer back."""

import dataclasses
import random
from fractions import Fraction

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.bayes_rule import FAMILY, Params, check, solve

OPTIONS = FAMILY.resolve_options({})
COMBINATIONS = [(story, result) for story in ("test", "spam") for result in ("positive", "negative")]


def formula(params: Params) -> Fraction:
    """P(A | observed) = P(obs | A) P(A) / (P(obs | A) P(A) + P(obs | not A) P(not A)), in Fractions."""
    prior, hit, false_alarm = (Fraction(v, 100) for v in (params.prior, params.hit, params.false_alarm))
    if params.result == "negative":
        hit, false_alarm = 1 - hit, 1 - false_alarm
    return prior * hit / (prior * hit + (1 - prior) * false_alarm)


def as_fraction(value: sympy.Rational) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def test_canonical_screening_gives_one_in_twelve():
    variant = canonical_variant(FAMILY, OPTIONS, "bayes-rule-example")
    assert variant.answer.posterior == sympy.Rational(1, 12) == formula(variant.params)
    assert variant.answer.evidence == sympy.Rational(27, 250)  # 0.9 * 0.01 + 0.1 * 0.99
    assert variant.answer.counts == (90, 10, 990, 8910)


@pytest.mark.parametrize(("story", "result"), COMBINATIONS)
def test_random_variants_keep_the_sampler_promises(story, result):
    options = FAMILY.resolve_options({"story": story, "result": result})
    for seed in range(40):
        variant = variant_for_seed(FAMILY, options, seed)
        p, answer = variant.params, variant.answer
        posterior = as_fraction(answer.posterior)
        assert (p.story, p.result) == (story, result) and (p.word != "") == (story == "spam")
        assert posterior == formula(p) and Fraction(1, 100) <= posterior < 1 and posterior.denominator <= 200
        assert 0 < p.false_alarm < p.hit < 100 and 0 < p.prior < 100
        given = {Fraction(v, 100) for v in (p.prior, p.hit, p.false_alarm)}
        assert posterior not in given | {1 - v for v in given}, "the base-rate fallacy would be right"
        assert sum(answer.counts) == 10_000
        assert answer.bayes.result == answer.posterior and answer.total.result.doit() == answer.evidence


def test_the_check_refuses_wrong_values():
    variant = canonical_variant(FAMILY, OPTIONS, "bayes-rule-example")
    for wrong in (
        {"posterior": sympy.Rational(9, 10)},  # P(+ | D), the base-rate fallacy
        {"evidence": sympy.Rational(9, 1000)},
        {"counts": (90, 10, 900, 9000)},
    ):
        with pytest.raises(CheckFailed):
            check(variant.params, dataclasses.replace(variant.answer, **wrong), random.Random(0))


def test_the_statement_gives_the_rates_but_not_the_answer():
    params = Params("spam", "negative", 40, 60, 5, "free")
    variant = dataclasses.replace(variant_for_seed(FAMILY, OPTIONS, 0), params=params, answer=solve(params))
    statement, solution = render_part(environment(), FAMILY, variant)
    assert "40\\%" in statement and "60\\%" in statement and "5\\%" in statement and "free" in statement
    assert variant.answer.posterior == sympy.Rational(16, 73)
    assert r"\frac{16}{73}" not in statement and r"\frac{16}{73}" in solution


def test_bayes_rule_divides_over_the_common_denominator_it_then_cancels():
    """P(+) = 108/1000 = 27/250: Bayes' rule multiplies 9/1000 by the reciprocal of 108/1000, over the denominator
    that "cancel 1000" then removes (9/1000 over 27/250 did not match it, a TA noted); as a product, not a fraction of
    fractions, whose three bars looked alike (TA read, math-background-2 2.3, seed 8123)."""
    answer = canonical_variant(FAMILY, FAMILY.resolve_options({}), "bayes-rule-example").answer
    product = answer.bayes.steps[0].expr
    assert answer.total.result.args == (108, 1000) and answer.total.result.doit() == answer.evidence == sympy.Rational(27, 250)
    assert product.args[0].args == (9, 1000) and product.args[1].args == (1000, 108)
    assert "1000" in str(answer.bayes.steps[1].why)
    assert product.args[0].doit() * product.args[1].doit() == answer.posterior == sympy.Rational(1, 12)
    _, solution = render_part(environment(), FAMILY, canonical_variant(FAMILY, FAMILY.resolve_options({}), "bayes-rule-example"))
    assert r"\frac{9}{1000} \cdot \frac{1000}{108}" in solution and r"\frac{\displaystyle" not in solution


def test_counts_beside_ten_thousand_are_grouped_alike():
    """'of 10,000 patients, 2000 have the disease' mixed two formats (TA read, math-background-2 2.3, seed 7411)."""
    params = Params("test", "positive", 20, 99, 3, "")
    variant = dataclasses.replace(canonical_variant(FAMILY, OPTIONS, "bayes-rule-example"), params=params, answer=solve(params))
    _, solution = render_part(environment(), FAMILY, variant)
    assert "of $10{,}000$ patients, $2{,}000$ have the disease and $1{,}980$ of them" in solution
    assert r"\frac{1{,}980}{2{,}220}" in solution
    german = render_part(environment(language="de"), FAMILY, variant)[1]
    assert r"$10\,000$ Patienten sind $2\,000$ erkrankt" in german


@pytest.mark.parametrize(("story", "result"), COMBINATIONS)
def test_the_posterior_divides_by_the_evidence_as_the_solution_last_wrote_it(story, result):
    """P(+) = 115/2000 = 23/400 "cancel 5", then Bayes' rule with "the values above, the sum before cancelling" and
    115/2000: a step done and thrown away (TA read, math-background-2 2.3, EN 6631). P(E) ends where Bayes' rule
    takes it up, and the posterior's reason says no more than "the values above"."""
    options = FAMILY.resolve_options({"story": story, "result": result})
    for seed in range(40):
        variant = variant_for_seed(FAMILY, options, seed)
        answer = variant.answer
        last = answer.total.result
        assert sympy.sympify(last).doit() == answer.evidence == formula_evidence(variant.params)
        numerator, denominator = (last.p, last.q) if last.is_Rational else last.args  # a WrittenQuotient where it cancels
        assert answer.bayes.steps[0].expr.args[1].args == (denominator, numerator)  # times the reciprocal of that P(E)
        assert "cancelling" not in str(answer.bayes.steps[0].why)
        _, solution = render_part(environment(), FAMILY, variant)
        assert "before cancelling" not in solution


def formula_evidence(params: Params) -> Fraction:
    """P(observed) = P(obs | A) P(A) + P(obs | not A) P(not A), in Fractions."""
    prior, hit, false_alarm = (Fraction(v, 100) for v in (params.prior, params.hit, params.false_alarm))
    if params.result == "negative":
        hit, false_alarm = 1 - hit, 1 - false_alarm
    return prior * hit + (1 - prior) * false_alarm


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_given_rates_stay_on_one_page(language):
    """Two TA reads: the six rows of given rates split 3 + 3 across a page with room left. No row of that block may
    end in a breakable line end (``\\\\`` without ``*``)."""
    for seed in range(6):
        _, solution = render_part(environment(language=language), FAMILY, variant_for_seed(FAMILY, FAMILY.resolve_options({}), seed))
        block = solution.split(r"\begin{align*}", 1)[1].split(r"\end{align*}", 1)[0]
        rows = block.strip().splitlines()
        assert len(rows) >= 5
        assert all(row.rstrip().endswith("\\\\*") for row in rows[:-1]), block


@pytest.mark.parametrize("story", ["test", "spam"])
def test_a_rate_worked_as_a_complement_names_the_complement_rule_and_the_rate_given(story):
    """"the complement rule" for P(not S) beside "one minus P(W | S)" for the likelihoods read as two rules, and the
    rates given for the likelihoods were never marked given (a TA read, German bank sheet 9741)."""
    for result in ("positive", "negative") if story == "test" else ("negative",):  # a spam filter states P(W | .) both
        params = Params(story, result, 20, 85, 10, "winner")
        answer = solve(params)
        complements = [worked for worked in answer.likelihoods if len(worked.steps) == 2]
        assert complements, result
        for worked in complements:
            assert worked.steps[0].why.template == "the complement rule; {name} is ${percent}\\%$"
            given = 1 - worked.result
            assert worked.steps[0].why.args["percent"] * sympy.Rational(1, 100) == given
