import dataclasses
import random
import re

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.kit.information import fits
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.cross_entropy_kl import FAMILY, Params, check, solve

R = sympy.Rational
log = sympy.log


def canonical(name="dl-sheet1-5c"):
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), name)


def test_canonical_answers_match_the_catalogue():
    answer = canonical().answer
    (h_xy, h_yx), (d_xy, d_yx) = answer.cross_entropies, answer.divergences
    assert h_xy == R(2, 3) * (log(2) + log(3))  # = 2/3 log 6, split over primes
    assert abs(sympy.N(h_xy - R(2, 3) * log(6), 50)) < 1e-45
    assert h_yx == log(3)
    assert float(h_xy) == pytest.approx(1.1945, abs=5e-5)
    assert float(d_xy) == pytest.approx(0.0959, abs=5e-5)
    assert float(h_yx) == pytest.approx(1.0986, abs=5e-5)
    assert float(d_yx) == pytest.approx(0.0872, abs=5e-5)
    assert answer.divergence_gap != 0


def test_both_canonical_instances_share_the_entropy_canonical_pmfs():
    entropy = families()["entropy"]
    assert canonical().params.pmfs == entropy.canonical["dl-sheet1-5a"].pmfs
    assert canonical("dl-sheet1-5c-after-5a").params.pmfs == entropy.canonical["dl-sheet1-5a"].pmfs


@pytest.mark.parametrize("outcomes,count", [(2, 2), (3, 2), (5, 3), (6, 2)])
def test_same_seed_draws_the_same_pmfs_as_the_entropy_family(outcomes, count):
    entropy = families()["entropy"]
    entropy_options = resolve_options(entropy.options, {"outcomes": outcomes, "count": count, "unit": "bits"})
    options = resolve_options(FAMILY.options, {"outcomes": outcomes, "unit": "bits", "restate": False})
    for seed in range(30):
        shared = variant_for_seed(entropy, entropy_options, seed).params.pmfs[:2]
        assert variant_for_seed(FAMILY, options, seed).params.pmfs == shared


@pytest.mark.parametrize("outcomes", [2, 4, 6])
def test_variants_have_distinct_positive_pmfs_and_consistent_answers(outcomes):
    options = resolve_options(FAMILY.options, {"outcomes": outcomes})
    for seed in range(50):
        variant = variant_for_seed(FAMILY, options, seed)
        first, second = variant.params.pmfs
        assert first != second
        assert min(first + second) > 0 and sum(first) == sum(second) == 1
        answer = variant.answer
        for cross, entropy, divergence in zip(answer.cross_entropies, answer.entropies, answer.divergences):
            assert sympy.expand(cross - entropy - divergence) == 0
            assert float(divergence) > 0


def test_a_pair_with_equal_divergences_fails_the_check():
    # P_Y the reverse of P_X: both divergences coincide, and the asymmetry the exercise teaches does not show.
    params = Params(((R(1, 4), R(3, 4)), (R(3, 4), R(1, 4))), "nats", True)
    answer = solve(params)
    assert answer.divergence_gap == 0
    with pytest.raises(CheckFailed, match="asymmetry"):
        check(params, answer, random.Random(0))


def test_a_near_tie_fails_the_check_and_is_never_drawn():
    # 0.4055 against 0.4032: "compare the two orders" would be answered "they are equal".
    near_tie = ((R(1, 2), R(1, 4), R(1, 4)), (R(1, 6), R(1, 6), R(2, 3)))
    params = Params(near_tie, "nats", True)
    with pytest.raises(CheckFailed, match="asymmetry"):
        check(params, solve(params), random.Random(0))
    assert not fits(near_tie[1], near_tie[:1])
    for outcomes in (2, 3, 5):
        options = resolve_options(FAMILY.options, {"outcomes": outcomes})
        for seed in range(40):
            smaller, larger = sorted(map(float, variant_for_seed(FAMILY, options, seed).answer.divergences))
            assert larger - smaller >= 0.08 * larger


@pytest.mark.parametrize("outcomes", [2, 3, 6])
def test_the_printed_divergences_differ(outcomes):
    options = resolve_options(FAMILY.options, {"outcomes": outcomes, "unit": "bits"})
    for seed in range(40):
        variant = variant_for_seed(FAMILY, options, seed)
        _, solution = render_part(environment(), FAMILY, variant)
        observed = solution[solution.index("The two orders give different values") :]
        first, second = (float(d) for d in re.findall(r"\\approx (\d\.\d{4})", observed)[:2])
        assert first != second


def test_restate_false_refers_back_instead_of_printing_the_table():
    statement, _ = render_part(environment(), FAMILY, canonical("dl-sheet1-5c-after-5a"))
    assert "given above" in statement and "tabular" not in statement
    statement, _ = render_part(environment(), FAMILY, canonical())
    assert "tabular" in statement and r"\begin{picture}" in statement
    assert r"\mathcal{X} = \{1, 2, 3\}" in statement


def test_check_rejects_divergences_in_swapped_directions():
    variant = canonical()
    answer = variant.answer
    swapped = dataclasses.replace(answer, divergences=answer.divergences[::-1])
    with pytest.raises(CheckFailed):
        check(variant.params, swapped, random.Random(0))


def test_check_rejects_a_cross_entropy_in_the_wrong_unit():
    params = dataclasses.replace(canonical().params, unit="bits")
    nats = solve(dataclasses.replace(params, unit="nats"))
    with pytest.raises(CheckFailed):
        check(params, nats, random.Random(0))


@pytest.mark.parametrize("given", [{"outcomes": 7}, {"outcomes": 1}, {"unit": "bans"}, {"restate": "yes"}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("name", ["dl-sheet1-5c", "dl-sheet1-5c-after-5a"])
def test_canonical_steps_write_each_sum_out_then_give_the_exact_value(name):
    answer = canonical(name).answer
    h_xy, h_yx = answer.cross_entropy_steps
    # 1/3 log 6 = 1/3 log 2 + 1/3 log 3: the weight multiplied out over the split log, and named
    assert [step.why for step in h_xy.steps] == ["definition of cross-entropy", r"split the log, multiply out, collect $\log 2$ and $\log 3$"]
    assert h_xy.steps[0].expr.args == (log(2) / 3, log(3) / 3, log(6) / 3)
    assert h_xy.result == R(2, 3) * log(2) + R(2, 3) * log(3)
    assert h_yx.steps[0].expr.args == (log(3) / 2, log(3) / 3, log(3) / 6) and h_yx.result == log(3)
    d_xy, d_yx = answer.divergence_steps
    # P_X(2) = P_Y(2): the x = 2 term is log 1 = 0, left out, and the reason says so.
    assert [step.why for step in d_xy.steps] == [
        r"definition of KL divergence ($\log 1 = 0$ at $x = 2$)",
        r"split the log, multiply out, collect $\log 2$",  # 1/3 log(2/3) = 1/3 log 2 - 1/3 log 3
    ]
    assert d_xy.steps[0].expr.args == (sympy.log(R(2, 3), evaluate=False) / 3, log(2) / 3)
    assert d_xy.result == R(2, 3) * log(2) - R(1, 3) * log(3)
    assert d_yx.result == R(1, 2) * log(3) - R(2, 3) * log(2)


def test_canonical_identity_steps_insert_the_values_then_collect():
    first, second = canonical().answer.identity_steps
    # only what is subtracted is bracketed: (2/3 log 2 + 2/3 log 3) - log 3 opened nothing (a TA read, EN 9003)
    assert [step.why for step in first.steps] == ["values from above", r"collect $\log 3$"]
    assert tex(first.steps[0].expr) == r"\frac{2}{3} \log 2 + \frac{2}{3} \log 3 - \log 3"
    assert [step.why for step in second.steps] == ["values from above", r"open the bracket, collect $\log 3$"]
    assert sympy.expand(first.steps[0].expr.doit() - (R(2, 3) * log(2) + R(2, 3) * log(3) - log(3))) == 0
    assert first.result == R(2, 3) * log(2) - R(1, 3) * log(3)
    assert second.result == R(1, 2) * log(3) - R(2, 3) * log(2)
    _, solution = render_part(environment(), FAMILY, canonical())
    assert r"&= \frac{2}{3} \log 2 + \frac{2}{3} \log 3 - \log 3 && \mbox{values from above}" in solution
    assert r"&\approx 0.0959 \text{ nats}" in solution and r"&\approx 1.1945 \text{ nats}" in solution


def test_check_rejects_a_last_step_that_differs_from_the_answer():
    from generator.kit.steps import Chain, Step

    variant = canonical()
    answer = variant.answer
    first = answer.divergence_steps[0]
    wrong = Chain((first.steps[0], Step(answer.divergences[1], "collect")))
    with pytest.raises(CheckFailed, match="last step"):
        replaced = dataclasses.replace(answer, divergence_steps=(wrong, answer.divergence_steps[1]))
        check(variant.params, replaced, random.Random(0))


@pytest.mark.parametrize("restate", [True, False])
def test_the_statement_says_which_values_the_variables_take_not_a_sample_space(restate):
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"restate": restate}), 3)
    statement, _ = render_part(environment(), FAMILY, variant)
    assert r"taking values in $\mathcal{X} = \{1, 2, 3\}$" in statement and "sample space" not in statement


def test_the_entropies_beside_the_identity_carry_their_unit():
    """A TA read: every decimal of the solution had its unit but H(X) ~ 0.9743 and H(Y) ~ 0.7215 in the last display."""
    family = families()["cross-entropy-kl"]
    variant = variant_for_seed(family, family.resolve_options({}), 3)
    _, solution = render_part(environment(), family, variant)
    assert re.search(r"H\(X\) &= .* \\approx \d\.\d{4} \\text\{ nats\}, \\\\\*?\nH\(Y\) &= .* \\text\{ nats\},\n", solution)


def test_a_wide_identity_line_of_five_outcomes_fits_the_page(tmp_path):
    """'(23/12 log 2 + 5/6 log 3 - 1/12 log 5) - (7/6 log 2 + 1/2 log 3)  values from above' ran 2.4 pt into the
    margin (sheets check --compile, outcomes = 5): with five outcomes or more the identity's reasons stand above."""
    from generator.check.stress import _compile_batch

    family = families()["cross-entropy-kl"]
    variant = variant_for_seed(family, family.resolve_options({"outcomes": 5}), 1203667337741714904)
    assert _compile_batch(family, [variant], tmp_path) == []


def test_a_whole_entropy_in_the_check_has_no_decimals():
    """"H(Y) = 2 ~ 2.0000 bits" (two TA reads, bank sheets 9751/9752): a whole number is exact as it stands."""
    options = FAMILY.resolve_options({"outcomes": 5, "unit": "bits"})
    whole = 0
    for seed in range(300):
        variant = variant_for_seed(FAMILY, options, seed)
        _, solution = render_part(environment(), FAMILY, variant)
        for name, value in zip("XY", variant.answer.entropies):
            line = next(row for row in solution.splitlines() if row.startswith(f"H({name}) &= "))
            assert ("\\approx" in line) == (not value.is_Integer), line
            whole += value.is_Integer
        if whole:
            return
    raise AssertionError("no whole entropy in 300 seeds")
