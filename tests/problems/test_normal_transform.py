import dataclasses
import random

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.kit.probability import a, b, mu, sigma
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.normal_transform import FAMILY, Params, check, solve

R = sympy.Rational


def test_canonical_standardisation_has_mean_zero_and_variance_one():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.5b")
    assert variant.answer.mean == 0
    assert variant.answer.variance == 1
    # tau, not the original's sigma: its sheet prints sigma for the softmax on the same page
    assert tex(variant.params.transform) == r"\frac{X - \mu}{\tau}"


def test_letters_give_the_general_rule():
    answer = solve(Params("affine-symbolic", mu, sigma**2, a, b))
    assert answer.mean == a * mu + b
    assert answer.variance == a**2 * sigma**2


def test_numeric_example():
    answer = solve(Params("affine-numeric", sympy.Integer(3), sympy.Integer(4), sympy.Integer(-2), sympy.Integer(1)))
    assert (answer.mean, answer.variance) == (-5, 16)


def test_numeric_standardisation_is_printed_as_such():
    params = Params("affine-numeric", sympy.Integer(-3), sympy.Integer(4), R(1, 2), R(3, 2))
    assert tex(params.transform) == r"\frac{X + 3}{2}"
    assert (solve(params).mean, solve(params).variance) == (0, 1)


@pytest.mark.parametrize("mode", ["standardise", "affine-symbolic", "affine-numeric"])
def test_variants_have_a_proper_affine_map(mode):
    options = resolve_options(FAMILY.options, {"mode": mode})
    for seed in range(50):
        params = variant_for_seed(FAMILY, options, seed).params
        assert params.scale != 0 and params.scale != 1
        if mode == "affine-numeric":
            assert params.variance > 0 and not params.mean.free_symbols


def test_check_rejects_an_unsquared_scale():
    params = Params("affine-numeric", sympy.Integer(3), sympy.Integer(4), sympy.Integer(-2), sympy.Integer(1))
    wrong = dataclasses.replace(solve(params), variance=-2 * sympy.Integer(4))
    with pytest.raises(CheckFailed, match="Var"):
        check(params, wrong, random.Random(0))


def test_check_rejects_a_mean_that_forgets_the_shift():
    params = Params("affine-symbolic", mu, sigma**2, sympy.Integer(3), sympy.Integer(-4))
    wrong = dataclasses.replace(solve(params), mean=3 * mu)
    with pytest.raises(CheckFailed, match="E"):
        check(params, wrong, random.Random(0))


@pytest.mark.parametrize("given", [{"mode": "standardize"}, {"mode": None}, {"scale": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


def test_canonical_steps_name_linearity_and_the_scaling_rule():
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.5b").answer
    # the last rows named too, as every row above (a TA read, EN 9091)
    # the first row puts Z in, and says so (two TA reads, German 9701, EN 9702)
    defined = "definition of $Z$"
    assert [step.why for step in answer.mean_steps.steps] == [defined, "linearity of expectation", "mean of $X$", "the terms cancel"]
    assert tex(answer.mean_steps.steps[0].expr) == r"\mathbb{E}\mathopen{}\left[\frac{X - \mu}{\tau}\right]"
    assert tex(answer.mean_steps.steps[1].expr) == r"\frac{\mathbb{E}[X]}{\tau} - \frac{\mu}{\tau}"
    assert answer.mean_steps.result == 0
    assert [step.why for step in answer.variance_steps.steps] == [
        defined,
        r"$\operatorname{Var}(aX + b) = a^2 \operatorname{Var}(X)$ with $a = 1/\tau$",  # which a (a TA read, German 9041)
        "variance of $X$",
        r"$(1/\tau)^{2} = 1/\tau^{2}$; cancel $\tau^{2}$",  # the square worked out, not hidden (a TA read, EN 9111)
    ]
    assert tex(answer.variance_steps.steps[1].expr) == r"\mathopen{}\left(\frac{1}{\tau}\right)^{2} \cdot \operatorname{Var}(X)"
    assert answer.variance_steps.result == 1
    assert [step.why for step in answer.scaling_rule.steps] == [
        "definition of variance",
        "linearity of expectation; $b$ cancels",
        "factor out $a^2$; linearity of expectation",
        "definition of variance",
    ]
    assert tex(answer.scaling_rule.result) == r"a^{2} \operatorname{Var}(X)"


def test_numeric_steps_insert_the_numbers():
    answer = solve(Params("affine-numeric", sympy.Integer(3), sympy.Integer(4), sympy.Integer(-2), sympy.Integer(1)))
    assert tex(answer.mean_steps.steps[2].expr) == r"-2 \cdot 3 + 1"
    assert tex(answer.variance_steps.steps[2].expr) == r"(-2)^{2} \cdot 4"
    assert (answer.mean_steps.result, answer.variance_steps.result) == (-5, 16)


def test_random_standardisations_are_never_the_original_instance():
    options = resolve_options(FAMILY.options, {"mode": "standardise"})
    canonical = FAMILY.canonical["idl-math-background-1.5b"]
    shown = set()
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        assert variant.params != canonical
        assert (variant.answer.mean, variant.answer.variance) == (0, 1)
        shown.add(tex(variant.params.transform))
    assert r"\frac{X - \mu}{2 \sigma}" in shown and r"\frac{X - 2 \mu}{\sigma}" in shown


def test_a_fraction_keeps_its_square_visible_in_the_scaling_step():
    answer = solve(Params("affine-numeric", sympy.Integer(-3), sympy.Integer(4), R(1, 2), R(3, 2)))
    assert tex(answer.variance_steps.steps[1].expr) == r"\mathopen{}\left(\frac{1}{2}\right)^{2} \cdot \operatorname{Var}(X)"


def test_statement_and_solution_say_that_the_second_parameter_is_the_variance():
    params = Params("affine-numeric", sympy.Integer(3), sympy.Integer(2), R(-1, 2), sympy.Integer(-6))
    variant = dataclasses.replace(variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1), params=params, answer=solve(params))
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"$X \sim \mathcal{N}(3, 2)$, that is, normally distributed with mean $3$ and variance $2$" in statement
    assert r"Y \sim \mathcal{N}(- 15/2, 1/2)" in solution  # plain brackets, fractions with a slash (Law.notation)
    assert r"\big(" not in solution


def test_deviation_tau_renames_sigma_where_the_sheet_prints_the_softmax():
    """sigma was the softmax in 1.4 and a standard deviation in 1.5 on one page (TA read): ``deviation = "tau"`` writes
    the normal's letter tau, in the law, the map and the statement's "tau > 0"."""
    options = resolve_options(FAMILY.options, {"mode": "standardise", "deviation": "tau"})
    for seed in range(10):
        variant = variant_for_seed(FAMILY, options, seed)
        statement, _ = render_part(environment(), FAMILY, variant)
        assert r"\sigma" not in statement and r"\tau > 0" in statement
        assert variant.answer.variance == 1


def test_a_standardisation_asks_what_it_asks_and_the_solution_brings_the_fact_it_uses():
    """Asked only for Z's mean and variance, the statement gave a hint for its distribution, which the solution then
    stated (TA read, idl 1.5(b), German, seed 9312): the fact is the solution's now, where it is used."""
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.5b")
    for language in ("en", "de"):
        statement, solution = render_part(environment(language=language), FAMILY, variant)
        closed = "closed under affine maps" if language == "en" else "jede affine Transformation"
        assert closed not in statement and closed in solution, language
    affine = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"mode": "affine-numeric"}), 1)
    statement, _ = render_part(environment(), FAMILY, affine)
    # recalled once, and the distribution asked as what follows (two TA reads, German 9701, EN 9702)
    assert "Recall that if $X$ is normal, then so is $aX + b$" in statement and "and hence its distribution" in statement


@pytest.mark.parametrize("mode", ["standardise", "affine-symbolic", "affine-numeric"])
def test_the_solution_says_normal_distributions_not_normal_laws(mode):
    """A TA read (idl 1.5(b), seed 6601): "Since normal laws are closed under affine maps": the course, and the statement
    beside it, say normal distributions."""
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"mode": mode}), 2)
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"Since normal distributions are closed under affine maps ($a \neq 0$)," in solution and " laws" not in solution


@pytest.mark.parametrize("mode", ["affine-numeric", "affine-symbolic", "standardise"])
def test_every_variance_row_with_a_number_a_names_its_arithmetic_and_a_letter_a_is_not_put_in_for_itself(mode):
    """A TA read (German 9692): (-1)^2 . sigma^2 = sigma^2 stood without a reason; and a letter a read "with a = a"."""
    options = FAMILY.resolve_options({"mode": mode})
    for seed in range(12):
        variant = variant_for_seed(FAMILY, options, seed)
        worked = variant.answer.variance_steps.steps
        assert "with $a = a$" not in render_part(environment(), FAMILY, variant)[1]
        if not worked[1].expr.args[0].has(sympy.Symbol("a")):
            assert all(str(step.why) for step in worked[1:]), [str(s.why) for s in worked]


def test_a_whole_scale_squared_stands_before_the_variance_without_a_dot():
    """"= 4^2 . Var(X) = 4^2 . tau^2" beside the rule's a^2 Var(X) (a TA read, German bank sheet 9751); a fraction keeps its
    dot, which SymPy would otherwise fold into Var(X)/9."""
    options = FAMILY.resolve_options({"mode": "affine-symbolic"})
    seen = set()
    for seed in range(40):
        variant = variant_for_seed(FAMILY, options, seed)
        scale = variant.params.scale
        if scale.is_Integer:
            rows = [tex(step.expr) for step in variant.answer.variance_steps.steps[1:3]]
            assert all(r"\cdot" not in row for row in rows), rows
            seen.add("whole")
    assert seen == {"whole"}
