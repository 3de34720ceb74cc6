import dataclasses
import random

import pytest
import sympy
from sympy import E, ImmutableMatrix, Rational, log

from generator.kit.family import CheckFailed
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex, text
from generator.kit.steps import chain
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.softmax_jacobian import (
    DELTA,
    FAMILY,
    SIGMA_I,
    SIGMA_J,
    TOTAL,
    Z_I,
    Z_J,
    Params,
    Share,
    check,
    solve,
)

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


def test_canonical_works_both_cases_by_the_quotient_rule():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.4")
    diagonal, off_diagonal = variant.answer.worked
    # the split names what it does besides: e^{z_i} taken out of the numerator, S * 0 dropped (TA read)
    assert [str(step.why) for step in diagonal.steps] == [
        r"$\partial e^{z_{i}}/\partial z_{i} = e^{z_{i}}$", "factor out $e^{z_{i}}$, split the fraction", r"$(S - e^{z_{i}})/S = 1 - e^{z_{i}}/S$; definition of σ"
    ]
    assert [str(step.why) for step in off_diagonal.steps] == [
        r"$\partial e^{z_{i}}/\partial z_{j} = 0$", r"$S \cdot 0 = 0$, move the minus sign in front, split the fraction", "definition of σ"
    ]
    e_i, e_j = sympy.exp(Z_I), sympy.exp(Z_J)
    assert tex(diagonal.steps[0].expr) == r"\frac{S \cdot e^{z_{i}} - e^{z_{i}} \cdot e^{z_{i}}}{S^{2}}"
    assert sympy.simplify(diagonal.steps[0].expr.doit() - (e_i * TOTAL - e_i**2) / TOTAL**2) == 0
    assert tex(diagonal.steps[1].expr) == r"\frac{e^{z_{i}}}{S} \cdot \frac{S - e^{z_{i}}}{S}"
    assert tex(diagonal.result) == r"\sigma_{i} (1 - \sigma_{i})"
    assert tex(off_diagonal.steps[0].expr) == r"\frac{S \cdot 0 - e^{z_{i}} \cdot e^{z_{j}}}{S^{2}}"
    assert sympy.simplify(off_diagonal.steps[0].expr.doit() + e_i * e_j / TOTAL**2) == 0
    assert tex(off_diagonal.result) == r"- \sigma_{i} \sigma_{j}"
    assert variant.answer.diagonal == SIGMA_I * (1 - SIGMA_I)
    assert variant.answer.off_diagonal == -SIGMA_I * SIGMA_J


def test_softmax_outputs_print_by_name_and_evaluate_as_quotients():
    share = Share(Z_I, TOTAL)
    assert share.rewrite(sympy.exp) == sympy.exp(Z_I) / TOTAL
    assert Share(log(2), 6) == R(1, 3)
    assert sympy.sympify(text(share)).subs({"z_i": 0, "S_sum": 4}) == R(1, 4)


def test_concrete_values_are_worked_from_their_written_forms():
    answer = solve(Params("concrete", ImmutableMatrix([0, log(2), log(3)])))
    powers, total, shares = answer.evaluation
    assert tex(powers.steps[0].expr) == r"\begin{bmatrix}e^{0}\\e^{\log 2}\\e^{\log 3}\end{bmatrix}"
    assert powers.result == answer.exponentials == ImmutableMatrix([1, 2, 3])
    assert tex(total.steps[0].expr) == "1 + 2 + 3" and total.result == answer.normaliser == 6
    # 1/S in front of e^z: a vector of stacked fractions stood three times as tall as its decimals (two TA reads)
    assert [tex(step.expr) for step in shares.steps] == [r"\frac{1}{6} \begin{bmatrix}1\\2\\3\end{bmatrix}"]
    assert shares.result == answer.probabilities
    halves = solve(Params("concrete", ImmutableMatrix([log(2), log(2), log(4)]))).evaluation[2]
    assert [tex(step.expr) for step in halves.steps] == [
        r"\frac{1}{8} \begin{bmatrix}2\\2\\4\end{bmatrix}",
        r"\frac{1}{4} \begin{bmatrix}1\\1\\2\end{bmatrix}",
    ]
    assert halves.result == ImmutableMatrix([R(1, 4), R(1, 4), R(1, 2)])


def test_check_rejects_worked_steps_that_end_in_another_formula():
    answer = solve(Params("general", None))
    s_i = Share(Z_I, TOTAL)
    wrong = dataclasses.replace(answer, worked=(answer.worked[0], chain(s_i * Share(Z_J, TOTAL))))
    with pytest.raises(CheckFailed, match="i != j"):
        check(Params("general", None), wrong, random.Random(0))


def test_the_exact_jacobian_has_s_inserted_and_its_common_factor_taken_out():
    answer = solve(Params("concrete", ImmutableMatrix([log(6), log(2), 0])))
    inserted, reduced = answer.jacobian_steps.steps
    assert tex(inserted.expr).startswith(r"\frac{1}{81} \begin{bmatrix}18 & -12 & -6")
    assert tex(reduced.expr).startswith(r"\frac{2}{81} \begin{bmatrix}9 & -6 & -3")
    assert reduced.why == "take out the common factor 2" and reduced.expr == answer.jacobian


def test_integer_scores_print_no_unevaluated_exponent_and_no_reordering_step():
    answer = solve(Params("concrete", ImmutableMatrix([-1, 0, 1])))
    powers, total, _ = answer.evaluation
    assert answer.shifted == ImmutableMatrix([0, 1, 2])
    assert [tex(step.expr) for step in powers.steps] == [r"\begin{bmatrix}1\\e\\e^{2}\end{bmatrix}"]
    assert [tex(step.expr) for step in total.steps] == ["1 + e + e^{2}"] and total.result == answer.normaliser
    collected = solve(Params("concrete", ImmutableMatrix([1, 0, 1]))).evaluation[1]
    assert [tex(step.expr) for step in collected.steps] == ["e + 1 + e", "1 + 2 e"]
    assert tex(answer.jacobian_steps.steps[0].expr).startswith(r"\frac{1}{(1 + e + e^{2})^{2}}")


@pytest.mark.parametrize("mode", ["both", "concrete"])
def test_vectors_print_bold_as_the_sheet_notation_says(mode):
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"mode": mode, "values": "integers"}), 1)
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"\mathbf{z} = " in statement and r"\boldsymbol{\sigma}" in solution
    assert "1 - 1" not in solution and "0 + 1" not in solution and r"\frac{1}{S^2} \begin" not in solution


def test_random_general_seeds_derive_a_softmax_with_an_inverse_temperature():
    """The canonical instance is the plain softmax: a random seed asks the same derivation for e^(beta z_i)."""
    options = resolve_options(FAMILY.options, {"mode": "general"})
    scales = set()
    for seed in range(20):
        variant = variant_for_seed(FAMILY, options, seed)
        beta = variant.params.scale
        scales.add(beta)
        assert variant.params != Params("general", None)
        assert sympy.expand(variant.answer.entry - beta * SIGMA_I * (DELTA - SIGMA_J)) == 0
        statement, _ = render_part(environment(), FAMILY, variant)
        assert rf"e^{{{beta} z_i}}" in statement
    assert scales == {2, 3, 4, 5}


def test_check_rejects_a_formula_without_the_inverse_temperature():
    params = Params("general", None, 3)
    answer = solve(params)
    wrong = dataclasses.replace(answer, entry=SIGMA_I * (DELTA - SIGMA_J))
    with pytest.raises(CheckFailed, match="entry formula"):
        check(params, wrong, random.Random(0))


@pytest.mark.parametrize("seed", range(3))
def test_the_quotient_rule_sets_no_fraction_inside_a_numerator(seed):
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"mode": "both"}), seed)
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"\frac{\frac" not in solution and r"\frac{1}{S^2} \left( S \, \frac{\partial e^{" in solution


def test_the_statement_sums_over_an_index_other_than_the_partials_free_j():
    """sigma(z)_i = e^{z_i} / sum_k e^{z_k}: the statement then asks for d sigma_i / d z_j, so j is not the sum's index."""
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"mode": "both"}), 0)
    statement, _ = render_part(environment(), FAMILY, variant)
    assert r"\sum_{k=1}^{n} e^{z_k}" in statement and r"\sum_{j=1}" not in statement


def test_the_two_products_are_shown_before_they_are_subtracted():
    """"insert S and e^z, multiply out" jumped to (1/64) [[7, -4, -3], ...] (TA read): S diag(e^z) and e^z (e^z)^T are
    printed first, and the numerators are their difference."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({}), 11)
    answer = variant.answer
    scaled, outer = answer.products
    assert scaled == answer.normaliser * sympy.diag(*answer.exponentials)
    assert outer == answer.exponentials * answer.exponentials.T and scaled - outer == answer.numerators
    _, solution = render_part(environment(), FAMILY, variant)
    assert f"S \\operatorname{{diag}}(e^{{\\mathbf{{z}}}}) &= {tex(scaled)}," in solution
    assert f"\\bigl(e^{{\\mathbf{{z}}}}\\bigr)^{{\\!\\top}} &= {tex(outer)}," in solution
    # S^2 worked out is said (a TA read, EN 9512)
    assert f"insert $S^2 = {tex(answer.normaliser**2)}$ and the two matrices, subtract" in solution


def _solution(z, language="en"):
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"mode": "concrete"}), 1)
    params = Params("concrete", ImmutableMatrix(z))
    variant = dataclasses.replace(variant, params=params, answer=solve(params))
    return render_part(environment(language=language), FAMILY, variant)[1]


def test_exact_decimals_of_sigma_and_the_jacobian_follow_with_equals_not_about():
    """A TA read sigma = (1/5, 1/2, 3/10) 'about (0,2000, 0,5000, 0,3000)' and J = (1/100)(...) 'about' its exact
    decimals: a vector or matrix whose entries all end within four places is equal to them, as a scalar is, and is
    written to the four places asked (0,750 beside an English 0.7500 read as another precision, a later TA read)."""
    exact = _solution([log(2), log(5), log(3)], "de")
    assert r"= \begin{bmatrix}0{,}2000\\0{,}5000\\0{,}3000\end{bmatrix}" in exact
    assert r"&= \begin{bmatrix}0{,}1600 & -0{,}1000 & -0{,}0600\\" in exact
    assert r"\approx" not in exact
    mixed = _solution([0, log(3), log(2)])  # sigma = (1/6, 1/2, 1/3): one entry not exact makes the vector approximate
    assert r"\approx \begin{bmatrix}0.1667\\0.5000\\0.3333\end{bmatrix}" in mixed


def test_exact_decimals_are_not_called_rounded():
    """Two TA reads: J = [0.1875 ...] "to four decimal places" though every entry is exact there. Exact decimals are
    "as decimals"; the reason says "to four decimal places" only where an entry was rounded."""
    assert "als Dezimalzahlen" in _solution([log(2), log(5), log(3)], "de")
    exact = _solution([log(2), log(5), log(3)])
    assert "as decimals" in exact and "to four decimal places" not in exact
    rounded = _solution([0, log(3), log(2)])  # S = 6: J has denominators 36
    assert "to four decimal places" in rounded and "as decimals" not in rounded


def test_the_substitution_into_diag_sigma_minus_sigma_sigma_t_is_named():
    """'J = diag(sigma) - sigma sigma^T = (1/S^2)(S diag(e^z) - e^z (e^z)^T)' stood without a reason, though it puts
    sigma = e^z/S in and takes out 1/S^2 (TA read): the formula is a row of its own, the rewrite its own step, named."""
    rows = _solution([0, log(3), log(2)]).replace("\\\\*", "\\\\").splitlines()  # where a page may break is not asked here
    formula = rows.index(r"\mathbf{J}_\sigma(\mathbf{z}) &= \operatorname{diag}(\boldsymbol{\sigma}) - \boldsymbol{\sigma} \boldsymbol{\sigma}^\top \\")
    assert rows[formula + 1].startswith(r"&= \frac{1}{S^2} \Bigl(S \operatorname{diag}(e^{\mathbf{z}})")
    # and 1/S = S/S^2, which puts the S in front of diag (two TA reads, EN 9512, German 9542)
    assert r"put in $\boldsymbol{\sigma} = e^{\mathbf{z}}/S$ and $1/S = S/S^2$, take out $1/S^2$" in rows[formula + 1]
    shifted = _solution([1, 2, 1], "de")  # z' = z - 1: the reason names the vector the solution works with
    # and the sum it works with, S' = sum_k e^{z'_k}: S was the sum over z (a TA read, German 9701)
    assert r"$\boldsymbol{\sigma} = e^{\mathbf{z}'}/{S'}$ und $1/{S'} = {S'}/{S'}^2$ einsetzen, $1/{S'}^2$ ausklammern" in shifted
    assert r"$S' = \sum_{k} e^{z'_k}$" in shifted and r"{S'} = " in shifted


@pytest.mark.parametrize("mode", ["both", "concrete"])
def test_the_jacobian_is_defined_where_it_first_appears_with_partials_inline(mode):
    """J_sigma was used before it was defined, and \\bigl( \\bigr) around an inline \\frac was too small (TA read,
    idl-math-background 1.4): the statement says its entries are the partials, written with a slash."""
    options = resolve_options(FAMILY.options, {"mode": mode})
    statement, _ = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, 3))
    assert r"\bigl(" not in statement and r"\frac{\partial" not in statement
    first = statement.index(r"\mathbf{J}_\sigma(\mathbf{z})")
    assert r"\partial \sigma(\mathbf{z})_i / \partial z_j" in statement[: first + 200]
    assert "row $i$ and column $j$" in statement


@pytest.mark.parametrize("mode", ["general", "both"])
def test_no_lone_german_word_stands_before_the_definition_of_softmax(mode):
    """'Sie ist die Abbildung sigma: R^n -> R^n' and then 'mit' alone on a line above the display (TA read,
    idl-math-background 1.4, seed 8832): the map stays whole and the two last words before the display are tied."""
    options = resolve_options(FAMILY.options, {"mode": mode})
    for seed in range(4):
        statement, _ = render_part(environment(language="de"), FAMILY, variant_for_seed(FAMILY, options, seed))
        lead = statement[: statement.index(r"\[ \sigma(\mathbf{z})_i =")].rstrip()
        # "komponentenweise gegeben" read as a map applied to each entry on its own, which softmax is not (a TA read,
        # German 9462): the components are what the display gives
        assert lead.endswith(r"Als Abbildung ${\sigma\colon \mathbb{R}^n \to \mathbb{R}^n}$ hat sie die~Komponenten")


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("mode", ["general", "both", "concrete"])
def test_the_jacobian_is_a_bold_upper_case_letter_like_every_matrix(mode, language):
    """idl-math-background says 'bold upper-case letters are matrices', and the recap box writes a bold J_f, but 1.4
    printed J_sigma(z) = diag(sigma) - sigma sigma^T with a plain J (TA read): every J is \\mathbf{J}."""
    options = resolve_options(FAMILY.options, {"mode": mode})
    for seed in range(3):
        statement, solution = render_part(environment(language=language), FAMILY, variant_for_seed(FAMILY, options, seed))
        for printed in (statement, solution):
            assert "J_" not in printed.replace(r"\mathbf{J}_\sigma", "")
        assert r"\mathbf{J}_\sigma(\mathbf{z})" in statement and r"\mathbf{J}_\sigma(\mathbf{z})" in solution


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_rows_after_the_quotient_rule_name_the_derivative_they_put_in(language):
    """Both first rows said "quotient rule", applied in the general formula above them: the rows put in the numerator's
    derivative (TA read, idl-math-background 1.4, EN and DE). Each names it, as SymPy differentiates it, for beta = 1
    (the canonical) and every inverse temperature a seed draws."""
    general = resolve_options(FAMILY.options, {"mode": "general"})
    variants = [canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "idl-math-background-1.4")]
    variants += [variant_for_seed(FAMILY, general, seed) for seed in range(12)]
    assert {v.params.scale for v in variants} == {1, 2, 3, 4, 5}
    for variant in variants:
        beta = variant.params.scale
        numerator = sympy.exp(beta * Z_I)
        _, solution = render_part(environment(language=language), FAMILY, variant)
        assert r"\mbox{quotient rule}" not in solution and r"\mbox{Quotientenregel}" not in solution
        for row, variable in zip(variant.answer.worked, (Z_I, Z_J)):
            named = rf"$\partial {tex(numerator)}/\partial {tex(variable)} = {tex(sympy.diff(numerator, variable))}$"
            assert str(row.steps[0].why) == named and f"\\mbox{{{named}}}" in solution


def test_a_concrete_part_defines_sigma_before_its_entries_and_shows_both_cases():
    """A TA read (German 9692): "By the quotient rule, d sigma_i/d z_j = sigma_i (delta_ij - sigma_j) ... for sigma =
    sigma(z)" asserted the formula and used sigma_i before defining it; and the bold 1 of z - c 1 went unexplained."""
    options = FAMILY.resolve_options({"mode": "concrete", "values": "integers", "n": 4})
    shifted = 0
    for seed in range(6):
        _, solution = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, seed))
        assert solution.index(r"\boldsymbol{\sigma} = \sigma(\mathbf{z})") < solution.index(r"\sigma_i")
        assert r"= \sigma_i (1 - \sigma_i)$ and, for $i \ne j$" in solution
        if r"c \mathbf{1}" in solution:
            shifted += 1
            assert r"where $\mathbf{1}$ is the vector of ones:" in solution
    assert shifted
