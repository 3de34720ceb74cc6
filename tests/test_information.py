"""The information-theory kit: decimals correct to the last digit, and pmfs worth computing with."""

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
import sympy

from generator.i18n import translations
from generator.kit.information import (
    HARD_PRIMES,
    SHEET1_PMFS,
    VISIBLE_GAP,
    difference_steps,
    draw_pmfs,
    expected_log_steps,
    fits,
    kl_gap,
)
from generator.kit.notation import log2
from generator.kit.options import resolve_options
from generator.kit.printing import tex, text
from generator.kit.steps import Chain
from generator.pipeline.generate import variant_for_seed
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment

R = sympy.Rational


def exact_digits(value: sympy.Expr, significant: int = 15) -> Decimal:
    """The value to ``significant`` digits from a 60-digit evaluation: the reference the stored decimals must match."""
    with localcontext(prec=60):
        approx = Decimal(str(sympy.N(value, 60)))
    with localcontext(prec=significant, rounding=ROUND_HALF_UP):
        return +approx


def stored(variant) -> list[tuple[sympy.Expr, sympy.Float]]:
    answer = variant.answer
    if variant.family == "entropy":
        return list(zip(answer.entropies, answer.decimals, strict=True))
    exact = answer.cross_entropies + answer.divergences + answer.entropies
    decimals = answer.cross_entropy_decimals + answer.divergence_decimals + answer.entropy_decimals
    return list(zip(exact, decimals, strict=True))


@pytest.mark.parametrize("name", ["entropy", "cross-entropy-kl"])
@pytest.mark.parametrize("unit", ["nats", "bits"])
def test_every_stored_decimal_is_correct_to_its_last_digit(name, unit):
    family = families()[name]
    checked = 0
    for outcomes in range(2, 7):
        options = resolve_options(family.options, {"outcomes": outcomes, "unit": unit})
        for seed in range(25):
            for exact, decimal in stored(variant_for_seed(family, options, seed)):
                assert Decimal(text(decimal)) == exact_digits(exact), (outcomes, seed, exact)
                checked += 1
    assert checked >= 250


@pytest.mark.parametrize("name", ["entropy", "cross-entropy-kl"])
def test_printed_four_place_decimals_are_rounded_from_the_exact_value(name):
    family = families()[name]
    options = resolve_options(family.options, {"outcomes": 4})
    for seed in range(25):
        variant = variant_for_seed(family, options, seed)
        _, solution = render_part(environment(), family, variant)
        for exact, _ in stored(variant):
            with localcontext(prec=60):
                places = Decimal(str(sympy.N(exact, 60))).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            assert rf"\approx {places}" in solution


@pytest.mark.parametrize("outcomes", range(2, 7))
def test_drawn_pmfs_are_hand_workable_distinct_and_show_the_asymmetry(outcomes):
    for seed in range(60):
        pmfs = draw_pmfs(random.Random(seed), outcomes, 3)
        assert all(p.p % prime for pmf in pmfs for p in pmf for prime in HARD_PRIMES)  # no log 7, log 11
        assert len({tuple(sorted(pmf)) for pmf in pmfs}) == 3  # no permutations of one another
        assert abs(kl_gap(*pmfs[:2])) >= VISIBLE_GAP


def test_the_reference_pair_and_permutations_are_refused():
    uniform, skewed = SHEET1_PMFS
    assert not fits(skewed, (uniform,)) and not fits(uniform, (skewed,))
    assert not fits(skewed[::-1], (uniform,))  # the same exercise with the outcomes renamed
    assert not fits(skewed[::-1], (skewed,))
    assert not fits((R(7, 12), R(5, 12)), ())
    assert fits((R(1, 4), R(3, 4)), ((R(1, 6), R(5, 6)),))


def test_a_pair_whose_cross_entropy_equals_an_entropy_is_refused():
    """P_Y = (2/5, 2/5, 1/5) and P_X(1) + P_X(2) = 4/5 give H(P_X, P_Y) = H(Y): the solution printed one value twice, which
    read as a copy error (two TA reads, German 9013, 9081). Against a uniform pmf every cross-entropy is log n."""
    assert not fits((R(2, 5), R(2, 5), R(1, 5)), ((R(1, 2), R(3, 10), R(1, 5)),))
    assert not fits((R(1, 4), R(3, 4)), ((R(1, 2), R(1, 2)),))
    assert fits((R(1, 4), R(3, 4)), ((R(1, 6), R(5, 6)),))


def test_reversed_pmfs_have_equal_divergences_and_are_refused():
    p = (R(1, 4), R(3, 4))
    assert kl_gap(p, p[::-1]) == pytest.approx(0)
    assert not fits(p[::-1], (p,))


def test_a_term_with_log_1_is_left_out_and_the_reason_says_so():
    p, q = (R(1, 2), R(1, 4), R(1, 4)), (R(1, 4), R(1, 4), R(1, 2))
    steps = expected_log_steps(p, tuple(a / b for a, b in zip(p, q)), "nats", "definition of KL divergence")
    assert len(steps.steps[0].expr.args) == 2 and not steps.steps[0].expr.has(sympy.log(1, evaluate=False))
    assert steps.steps[0].why == r"definition of KL divergence ($\log 1 = 0$ at $x = 2$)"
    assert steps.result == R(1, 4) * sympy.log(2)
    # two terms left out: each place named, and the German verb plural ("entfaellt der Summand bei x = 3, 5", 9752)
    p, q = (R(1, 4), R(1, 4), R(1, 4), R(1, 4)), (R(1, 8), R(1, 4), R(3, 8), R(1, 4))
    steps = expected_log_steps(p, tuple(a / b for a, b in zip(p, q)), "nats", "definition of KL divergence")
    assert steps.steps[0].why == r"definition of KL divergence ($\log 1 = 0$ at $x = 2$ and $x = 4$)"
    assert "entfallen die Summanden bei $x = 2$ und $x = 4$" in steps.steps[0].why.translated(translations("de").gettext)


def test_bits_reasons_name_log_2_of_2():
    p = (R(1, 2), R(1, 4), R(1, 4))
    steps = expected_log_steps(p, tuple(1 / a for a in p), "bits", "definition of entropy")
    assert steps.steps[1].why == r"split logs ($\log_2 2 = 1$), multiply the coefficients, add the numbers"  # 1/4 . 2 (EN 9751)
    assert steps.result == R(3, 2)


def test_a_random_pmf_is_never_uniform():
    third, half = R(1, 3), R(1, 2)
    assert not fits((third, third, third), ())
    assert fits((half, R(1, 3), R(1, 6)), ())


def test_exact_values_print_led_by_a_positive_term():
    """log 5 - 3/5 log 3, as a hand writes a positive value; the order of the primes gave -3/5 log 3 + log 5."""
    for name in ("entropy", "cross-entropy-kl"):
        family = families()[name]
        options = family.resolve_options({})
        for seed in range(60):
            answer = variant_for_seed(family, options, seed).answer
            chains = [value for value in vars(answer).values() if isinstance(value, tuple) and value and isinstance(value[0], Chain)]
            for worked in (chain for chains_of_a_kind in chains for chain in chains_of_a_kind):
                value = worked.result
                assert float(value) < 0 or not tex(value).startswith("-"), (name, seed, tex(value))
    assert tex(-R(3, 5) * sympy.log(3) + sympy.log(5)) == r"\log 5 - \frac{3}{5} \log 3"
    assert tex(R(7, 6) * sympy.log(2) + R(1, 2) * sympy.log(3) - R(1, 12) * sympy.log(5)) == (
        r"\frac{7}{6} \log 2 + \frac{1}{2} \log 3 - \frac{1}{12} \log 5"  # the order of the numbers, where it leads positive
    )
    assert tex(-sympy.log(3) - sympy.log(5)) == r"- \log 3 - \log 5"


def test_a_weight_multiplied_out_over_a_split_log_is_named():
    """A TA read 3/8 log(8/3) become 9/8 log 2 - 3/8 log 3 beside "split logs, collect log 2": the step also multiplies
    3/8 out over 3 log 2 - log 3. It says so; a weight times a log of one prime (1/4 log 8 = 3/4 log 2) multiplies
    out nothing, but multiplies the power (a TA read, EN 8951: "split logs, collect log 2" left it unsaid)."""
    p = (R(3, 8), R(1, 2), R(1, 8))
    steps = expected_log_steps(p, tuple(1 / a for a in p), "nats", "definition of entropy")
    assert tex(steps.steps[0].expr) == r"\frac{3}{8} \log \frac{8}{3} + \frac{1}{2} \log 2 + \frac{1}{8} \log 8"
    assert steps.steps[1].why == r"split logs, multiply out, collect $\log 2$"
    assert tex(steps.result) == r"2 \log 2 - \frac{3}{8} \log 3"  # 9/8 + 1/2 + 3/8
    prime_powers = (R(1, 2), R(1, 4), R(1, 4))
    steps = expected_log_steps(prime_powers, tuple(1 / a for a in prime_powers), "nats", "definition of entropy")
    # only a power rewritten, and named so: "split logs" split nothing (a TA read, EN 9123)
    assert steps.steps[1].why == r"$\log 4 = 2 \log 2$, multiply the coefficients, collect $\log 2$"


def test_logs_that_cancel_are_named():
    """A TA read "split logs, multiply out, collect log 2, log 3" above a result of just 3/4 log 3 (H(Y), P_Y = (2/3,
    1/4, 1/12): -2/3 + 1/2 + 1/6 of log 2 is 0). Collecting a log's terms to nothing says so; a log that is left is
    still collected."""
    p = (R(2, 3), R(1, 4), R(1, 12))
    steps = expected_log_steps(p, tuple(1 / a for a in p), "nats", "definition of entropy")
    assert steps.result == R(3, 4) * sympy.log(3)
    assert steps.steps[1].why == r"split logs, multiply out, collect $\log 3$; $\log 2$ cancels"
    # German: a log does not 'sich aufheben' alone (TA read, derivatives-and-entropy seed 6602); it drops out
    assert steps.steps[1].why.translated(translations("de").gettext) == (
        r"Logarithmen zerlegen, ausmultiplizieren, Terme mit $\log 3$ zusammenfassen; $\log 2$ fällt weg"
    )
    # In bits log_2 2 is 1: the numbers cancel.
    bits = expected_log_steps(p, tuple(1 / a for a in p), "bits", "definition of entropy")
    assert bits.steps[1].why == r"split logs ($\log_2 2 = 1$), multiply out, collect $\log_2 3$; the numbers cancel"


def test_a_difference_names_what_cancels():
    """H(P, Q) - H(P) with a log in both that the difference loses: "open the bracket; log 3 cancels"."""
    log = sympy.log
    steps = difference_steps(log(2) + log(3) / 2, log(3) / 2 + log(5), "values from above")
    assert steps.result == log(2) - log(5)
    assert steps.steps[1].why == r"open the bracket; $\log 3$ cancels"
    steps = difference_steps(log(2) + log(3), log(2) / 2 + log(3), "values from above")
    assert steps.steps[1].why == r"open the bracket, collect $\log 2$; $\log 3$ cancels"
    steps = difference_steps(log(2) + log(3) + log(5), log(3) + log(5), "values from above")
    assert steps.steps[1].why == r"open the bracket; $\log 3$ and $\log 5$ cancel"
    assert steps.steps[1].why.translated(translations("de").gettext) == r"Klammer auflösen; $\log 3$ und $\log 5$ fallen weg"


def test_a_difference_with_nothing_to_collect_is_one_row_in_the_order_written():
    """Six outcomes in bits (a pairwise sweep): D_KL = 1 + log_2 3 - log_2 5 from the values above, then the same
    terms again in SymPy's order (1 - log_2 5 + log_2 3), a row that did nothing."""
    steps = difference_steps(1 + log2(3), log2(5), "values from above")
    assert len(steps.steps) == 1 and tex(steps.result) == r"1 + \log_2 3 - \log_2 5"
    assert sympy.simplify(steps.result - (1 + log2(3) - log2(5))) == 0
    opened = difference_steps(1 + log2(3), log2(5) + sympy.Rational(1, 2), "values from above")
    assert len(opened.steps) == 2  # a bracket to open is a step of its own



def test_a_weight_times_a_whole_log_in_bits_is_named_as_multiplied():
    """1/8 log_2 8 + ... = 3/8 + ... under "split logs, add the numbers" hid the products (a TA read, EN bank sheet 9751)."""
    p = (R(1, 8), R(1, 4), R(1, 8), R(1, 2))
    steps = expected_log_steps(p, tuple(1 / a for a in p), "bits", "definition of entropy")
    assert steps.result == R(7, 4)
    assert steps.steps[1].why == r"split logs ($\log_2 2 = 1$), multiply the coefficients, add the numbers"
