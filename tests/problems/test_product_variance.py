import dataclasses
import random
import re

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.kit.probability import tau
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.product_variance import (
    FAMILY,
    GENERAL,
    Params,
    check,
    mu_X,
    mu_Y,
    sigma_X,
    sigma_Y,
    solve,
)


def general(given):
    return Params("general-symbolic", tuple(law[0] for law in given), tuple(law[1] for law in given))


def test_canonical_iid_zero_mean_normals_give_sigma_to_the_fourth():
    """The original's X, Y i.i.d. N(0, sigma^2), with tau: its sheet prints sigma for the softmax on the same page."""
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.5a").answer
    assert answer.variance == tau**4
    assert answer.variance == answer.variance_product
    assert answer.product_mean == 0


def test_general_formula():
    params = general(GENERAL[0])
    answer = solve(params)
    expected = sigma_X**2 * sigma_Y**2 + mu_X**2 * sigma_Y**2 + mu_Y**2 * sigma_X**2
    assert sympy.expand(answer.variance - expected) == 0
    assert sympy.expand(answer.variance_product + answer.mean_terms - expected) == 0


def test_named_laws_contribute_their_moments():
    # X ~ U[0, 6]: mean 3, variance 3; Y ~ Exp(1/2): mean 2, variance 4.
    params = Params("numeric", ("uniform", "exponential"), ((sympy.Integer(0), sympy.Integer(6)), (sympy.Rational(1, 2),)))
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
        assert len(variant.params.laws) == len(variant.params.parameters) in (1, 2)
        if mode == "zero-mean-proof":
            assert answer.means == (0, 0) and answer.variance == answer.variance_product
        if mode == "numeric":
            assert answer.means != (0, 0)
            assert all(v > 0 for v in answer.variances)
            assert answer.variance > answer.variance_product


def test_check_rejects_forgetting_the_means():
    params = Params("numeric", ("moments", "gaussian"), ((sympy.Integer(2), sympy.Integer(3)), (sympy.Integer(-1), sympy.Integer(4))))
    answer = solve(params)
    with pytest.raises(CheckFailed, match=r"Var\(XY\)"):
        check(params, dataclasses.replace(answer, variance=answer.variance_product), random.Random(0))


def test_check_rejects_a_symbolic_answer_with_a_missing_term():
    params = general(GENERAL[0])
    answer = solve(params)
    wrong = dataclasses.replace(answer, variance=answer.variance - mu_Y**2 * sigma_X**2)
    with pytest.raises(CheckFailed):
        check(params, wrong, random.Random(0))


@pytest.mark.parametrize("given", [{"mode": "proof"}, {"mode": 1}, {"count": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


def test_canonical_steps_name_the_expectation_identities_in_order():
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.5a").answer
    assert [step.why for step in answer.worked.steps] == [
        r"$\operatorname{Var}(W)$ with $W = XY$",
        "independence",
        r"$\mathbb{E}[X] = \mathbb{E}[Y] = 0$",
        r"$\mathbb{E}[X^2] = \operatorname{Var}(X)$, $\mathbb{E}[Y^2] = \operatorname{Var}(Y)$ for zero means",
        r"insert $\operatorname{Var}(X) = \operatorname{Var}(Y) = \tau^{2}$",
        "square",
    ]
    assert tex(answer.worked.steps[0].expr) == r"\mathbb{E}[X^{2} Y^{2}] - (\mathbb{E}[X Y])^{2}"
    factored = r"\mathbb{E}[X^{2}]\, \mathbb{E}[Y^{2}] - (\mathbb{E}[X]\, \mathbb{E}[Y])^{2}"  # a thin space between, as the statement writes it
    assert tex(answer.worked.steps[1].expr) == factored
    assert tex(answer.worked.steps[3].expr) == r"\operatorname{Var}(X) \operatorname{Var}(Y)"
    assert tex(answer.worked.steps[4].expr) == r"(\tau^{2})^{2}"
    for step in answer.worked.steps:
        assert sympy.expand(step.expr.doit() - tau**4) == 0
    assert answer.worked.result == tau**4
    assert answer.comparison.result == tau**4 == answer.variance_product


def test_general_steps_end_with_var_x_var_y_first():
    answer = solve(general(GENERAL[0]))
    assert answer.worked.result.args == (sigma_X**2 * sigma_Y**2, mu_X**2 * sigma_Y**2, mu_Y**2 * sigma_X**2)


def test_identically_distributed_variables_are_one_law_written_with_powers():
    answer = solve(general(next(given for given in GENERAL if len(given) == 1 and given[0][1][0] != 0)))
    assert tex(answer.worked.steps[-2].expr) == r"(\sigma^{2} + \mu^{2})^{2} - \mu^{4}"
    assert answer.worked.steps[-1].why == r"multiply out; $\mu^{4}$ cancels"
    assert tex(answer.worked.result) == r"\sigma^{4} + 2 \mu^{2} \sigma^{2}"  # Var(X) Var(Y) first, as the text says


def test_a_wrong_identity_step_is_caught_by_the_verifier():
    from generator.kit.family import CheckFailed as Failed
    from generator.kit.notation import Expectation, RandomVariable
    from generator.kit.steps import Chain, Step, verify_chain

    x, y = RandomVariable("X", mu_X, sigma_X**2), RandomVariable("Y", mu_Y, sigma_Y**2)
    forgot_the_square = Chain((Step(Expectation(x**2 * y**2)), Step(Expectation(x**2) * Expectation(y), "independence")))
    with pytest.raises(Failed):
        verify_chain(forgot_the_square, random.Random(0))


def test_numeric_steps_work_out_the_brackets_before_the_arithmetic():
    params = Params("numeric", ("uniform", "exponential"), ((sympy.Integer(0), sympy.Integer(6)), (sympy.Rational(1, 2),)))
    steps = solve(params).worked.steps
    assert [step.why for step in steps][-2:] == ["work out the brackets", "multiply, then subtract"]
    assert tex(steps[-2].expr) == r"12 \cdot 8 - 36"


def test_solutions_quote_the_moments_of_the_laws_drawn_not_a_general_law():
    params = Params("numeric", ("uniform", "exponential"), ((sympy.Integer(-1), sympy.Integer(3)), (sympy.Rational(1, 2),)))
    variant = dataclasses.replace(variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1), params=params, answer=solve(params))
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"$Y \sim \operatorname{Exp}(1/2)$, that is, exponentially distributed with rate $1/2$" in statement
    # slashed in running text: stacked, the minus signs of (-c + c)/2 were too small to read (TA read, EN 8933)
    assert r"$X \sim \mathcal{U}[-1, 3]$ has mean $(-1 + 3)/2 = 1$" in solution
    assert r"1/\lambda = 2$" in solution
    assert r"\mathcal{N}(\mu" not in solution


def test_a_uniform_width_is_subtracted_before_it_is_squared():
    # (c - (-c))^2/12 prints a double negative; b - a is worked out first: (2c)^2/12.
    c = sympy.Symbol("c", positive=True)
    params = Params("zero-mean-proof", ("uniform",), ((-c, c),))
    variant = dataclasses.replace(variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1), params=params, answer=solve(params))
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"variance $(2 c)^{2}/12 = c^{2}/3$" in solution
    assert "(- c)" not in solution
    numeric = Params("numeric", ("uniform", "moments"), ((sympy.Integer(-1), sympy.Integer(3)), (sympy.Integer(2), sympy.Integer(1))))
    assert r"\frac{4^{2}}{12} = \frac{4}{3}" in solve(numeric).facts[0].sentence
    positive = Params("numeric", ("uniform", "moments"), ((sympy.Integer(1), sympy.Integer(3)), (sympy.Integer(2), sympy.Integer(1))))
    assert r"\frac{(3 - 1)^{2}}{12}" in solve(positive).facts[0].sentence  # b - a as substituted


def test_random_zero_mean_variants_are_never_the_original_pair():
    options = resolve_options(FAMILY.options, {"mode": "zero-mean-proof"})
    canonical = FAMILY.canonical["idl-math-background-1.5a"]
    for seed in range(40):
        params = variant_for_seed(FAMILY, options, seed).params
        assert params != canonical


@pytest.mark.parametrize("mode", ["zero-mean-proof", "numeric"])
def test_a_zero_mean_is_used_as_such_not_substituted(mode):
    options = resolve_options(FAMILY.options, {"mode": mode})
    for seed in range(40):
        answer = variant_for_seed(FAMILY, options, seed).answer
        if 0 not in answer.means:
            continue
        printed = " ".join(tex(step.expr) for step in answer.worked.steps)
        assert "0^{2}" not in printed and r"\cdot 0" not in printed and r"0 \cdot" not in printed, printed
        assert r"\cdot 1 " not in printed + " " and not printed.endswith(r"\cdot 1"), printed


def test_the_german_reason_says_the_cancelled_term_drops_out():
    """One term does not "sich aufheben" (that is said of two that cancel each other): a TA read asked for "fällt weg",
    as the other families say it."""
    params = general(GENERAL[1])  # X, Y i.i.d. with mean mu: (sigma^2 + mu^2)^2 - mu^4, mu^4 drops out
    variant = dataclasses.replace(variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1), params=params, answer=solve(params))
    _, solution = render_part(environment(language="de"), FAMILY, variant)
    assert "hebt sich auf" not in solution
    assert re.search(r'ausmultiplizieren; \$\\mu\^\{4\}\$ f(ä|\{\\"a\})llt weg', solution)  # "ä" escaped in a \mbox


@pytest.mark.parametrize("mode", ["zero-mean-proof", "numeric"])
def test_two_normal_laws_are_explained_in_one_clause(mode):
    """Two TA reads (idl-math-background, German 9462, 9513): "X ~ N(0, a), d. h. normalverteilt mit Erwartungswert 0
    und Varianz a, und Y ~ N(0, b), d. h. normalverteilt mit ..." said it twice in one sentence."""
    options = resolve_options(FAMILY.options, {"mode": mode})
    seen = 0
    for seed in range(40):
        variant = variant_for_seed(FAMILY, options, seed)
        laws = variant.params.named
        if any(law is None or law.kind != "gaussian" for law in laws) or len(laws) != 2:
            continue
        seen += 1
        for language, phrase in (("en", "normally distributed"), ("de", "normalverteilt")):
            statement, _ = render_part(environment(language=language), FAMILY, variant)
            assert statement.count(phrase) == 1, statement
    assert seen


def test_the_second_moments_reason_covers_both_variables_and_letters_multiply_without_a_dot():
    """A TA read (German 9692): "E[X^2] = Var(X) + (E[X])^2" named X's identity for a row that uses Y's too, and
    (mu_X . mu_Y)^2 had a dot the row above, (E[X] E[Y])^2, did not."""
    options = FAMILY.resolve_options({"mode": "general-symbolic"})
    solutions = [render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, seed))[1] for seed in range(8)]
    assert all("se $\\mathbb{E}[X^2] = \\operatorname{Var}(X) + (\\mathbb{E}[X])^2$, likewise for $Y$" in solution for solution in solutions)  # use or Use
    assert any(r"(\mu_{X} \mu_{Y})^{2}" in solution for solution in solutions)
    assert not any(r"\mu_{X} \cdot \mu_{Y}" in solution for solution in solutions)


def test_every_positive_letter_of_the_laws_is_fixed_before_they_are_given():
    """A TA read (German 9701): "X, Y ~ N(mu, tau^2)" without tau > 0, which the remark's "as the variances are
    positive" needs; c > 0 alone was fixed, for a uniform law."""
    for mode in ("zero-mean-proof", "general-symbolic"):
        options = FAMILY.resolve_options({"mode": mode})
        for seed in range(15):
            variant = variant_for_seed(FAMILY, options, seed)
            statement, _ = render_part(environment(), FAMILY, variant)
            fixed = statement[: statement.index("Let ")]
            for letter in (letter for letter in variant.params.letters if letter.is_positive):
                assert re.search(rf"[ $]{re.escape(tex(letter))}( > 0\$|, )", fixed), fixed  # "tau > 0" or "tau_X, tau_Y > 0"


def test_an_iid_pair_says_its_equal_factors_are_written_as_a_square():
    """A TA read (EN 9702): (sigma^2 + mu^2)^2 - mu^4 under "the means and variances" merged two brackets unsaid."""
    options = FAMILY.resolve_options({"mode": "general-symbolic"})
    identical = [v for v in (variant_for_seed(FAMILY, options, seed) for seed in range(12)) if v.params.identical]
    assert identical
    for variant in identical:
        reasons = [str(step.why) for step in variant.answer.worked.steps]
        assert "insert the means and variances; write the equal factors as a square" in reasons


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_mean_letter_is_fixed_beside_the_positive_ones(language):
    """"tau > 0 fixed" beside X, Y ~ N(mu, tau^2) left mu unintroduced (a TA read, German bank sheet 9752)."""
    options = FAMILY.resolve_options({"mode": "general-symbolic", "deviation": "tau"})
    for seed in range(8):
        variant = variant_for_seed(FAMILY, options, seed)
        statement, _ = render_part(environment(language=language), FAMILY, variant)
        means = [letter for letter in variant.params.letters if not letter.is_positive]
        if means:
            first = statement.split(r"\sim")[0].split("Let")[0].split("Seien")[0]
            assert r"\in \mathbb{R}" in first and all(tex(letter) in first for letter in means), statement[:300]
