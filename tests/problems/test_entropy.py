import dataclasses
import random

import pytest
import sympy

from generator.errors import GenerationError
from generator.kit.family import CheckFailed, Family
from generator.kit.notation import WrittenSum, log2
from generator.kit.options import resolve_options
from generator.kit.steps import Chain, Step
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.entropy import FAMILY, Params, check

R = sympy.Rational
log = sympy.log


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


@pytest.mark.parametrize("given", [{"outcomes": 1}, {"outcomes": 7}, {"count": 4}, {"unit": "bans"}])
def test_bad_options_are_rejected(given):
    from generator.kit.options import OptionError

    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("outcomes", [2, 4, 6])
def test_sampled_pmfs_have_no_zeros_and_sum_to_one(outcomes):
    options = resolve_options(FAMILY.options, {"outcomes": outcomes, "count": 3})
    for seed in range(50):
        pmfs = variant_for_seed(FAMILY, options, seed).params.pmfs
        assert len(set(pmfs)) == 3
        for pmf in pmfs:
            assert len(pmf) == outcomes and sum(pmf) == 1 and min(pmf) > 0


def test_check_rejects_an_entropy_in_the_wrong_unit():
    params = Params(((R(1, 2), R(1, 3), R(1, 6)),), "bits")
    in_nats = FAMILY.solve(dataclasses.replace(params, unit="nats"))
    with pytest.raises(CheckFailed):
        check(params, in_nats, random.Random(0))


def test_check_rejects_a_wrong_decimal():
    variant = canonical()
    wrong = dataclasses.replace(variant.answer, decimals=(variant.answer.decimals[0], sympy.Float(1.0986)))
    with pytest.raises(CheckFailed, match="decimal"):
        check(variant.params, wrong, random.Random(0))


def test_canonical_steps_write_the_sum_out_then_split_the_logs():
    h_x, h_y = canonical().answer.worked
    # 1/6 log 6 = 1/6 log 2 + 1/6 log 3: the weight multiplied out over the split log, and named
    assert [step.why for step in h_y.steps] == ["definition of entropy", r"split the log, multiply out, collect $\log 2$ and $\log 3$"]
    assert h_y.steps[0].expr.args == (log(2) / 2, log(3) / 3, log(6) / 6)  # outcome order, log 6 not yet split
    assert h_y.result == R(2, 3) * log(2) + R(1, 2) * log(3)
    assert h_x.steps[0].expr.args == (log(3) / 3,) * 3 and h_x.result == log(3)
    assert h_x.steps[1].why == r"collect $\log 3$"  # log 3 needs no splitting


def test_canonical_solution_prints_the_decimal_after_the_chain():
    statement, solution = render_part(environment(), FAMILY, canonical())
    assert r"H(Y) &= \frac{1}{2} \log 2 + \frac{1}{3} \log 3 + \frac{1}{6} \log 6 && \mbox{definition of entropy}" in solution
    assert r"&\approx 1.0114 \text{ nats}" in solution and r"&\approx 1.0986 \text{ nats}" in solution
    assert r"\mathcal{X} = \{1, 2, 3\}" in statement


def test_a_long_sum_is_written_in_rows_of_at_most_three_terms():
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"outcomes": 5, "count": 1}), 2)
    _, solution = render_part(environment(), FAMILY, variant)
    first, second = [line for line in solution.splitlines() if line.startswith(("H(X) &=", r"&\quad +"))]
    assert first.count("+") == 2 and "definition of entropy" in first
    assert second.count("+") == 2 and r"\mbox" not in second


def test_bits_steps_use_base_two_logs():
    h_x, h_y = FAMILY.solve(Params(canonical().params.pmfs, "bits")).worked
    assert float(h_y.steps[0].expr.rewrite(log)) == pytest.approx(1.459, abs=5e-4)
    assert h_y.result == R(2, 3) + log2(3) / 2


def test_a_wrong_step_fails_the_build():
    def solve_with_a_slip(params):
        answer = FAMILY.solve(params)
        first = answer.worked[0]
        # log 6 "split" as log 2 * log 3: prints plausibly, but is not equal.
        slip = Step(WrittenSum(*first.steps[0].expr.args[:-1], log(2) * log(3), evaluate=False), "a slip")
        slipped = Chain((first.steps[0], slip, first.steps[1]))
        return dataclasses.replace(answer, worked=(slipped, *answer.worked[1:]))

    broken = Family(**{**FAMILY.__dict__, "solve": solve_with_a_slip})
    with pytest.raises(GenerationError, match=r"family entropy, seed 4: .*step 2 .* does not equal step 1"):
        variant_for_seed(broken, resolve_options(FAMILY.options, {}), 4)


@pytest.mark.parametrize(("count", "phrase"), [(1, "be a random variable"), (3, "be random variables")])
def test_the_statement_agrees_with_the_number_of_variables(count, phrase):
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"count": count}), 4)
    statement, _ = render_part(environment(), FAMILY, variant)
    assert phrase in statement
    assert ("mass functions below" in statement) == (count > 1)


def test_the_statement_says_which_values_the_variables_take_not_a_sample_space():
    statement, _ = render_part(environment(), FAMILY, canonical())
    assert r"taking values in $\mathcal{X} = \{1, 2, 3\}$" in statement and "sample space" not in statement


def test_the_chart_box_holds_its_axis_label():
    """A TA read: the chart's 'P(x)', set on its baseline at the top edge of the picture, stood out of the box and
    touched the table right above it. The box now reaches a label's height (8 pt) above that baseline."""
    import re

    from generator.pipeline.render import render_part
    from generator.pipeline.templating import environment

    statement, _ = render_part(environment(), FAMILY, variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 3))
    height, bottom = map(int, re.search(r"\\begin\{picture\}\(\d+,(\d+)\)\(-?\d+,(-?\d+)\)", statement).groups())
    label = int(re.search(r"\\put\(-2,(\d+)\)\{\$P_X\(x\)\$", statement).group(1))  # whose probabilities: P_X(x), P_Y(x)
    assert label + 8 <= height + bottom
