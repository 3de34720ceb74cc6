import dataclasses
import random

import pytest
import sympy

from generator.kit.functions import coordinates
from generator.kit.options import OptionError, resolve_options
from generator.kit.vectorcalc import like_canonical, skeleton
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.jacobian import FAMILY, Params, check

x, y = coordinates(2)
CANONICAL = "idl-math-background-1.3c"


def canonical():
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL)


def test_canonical_stand_in_has_the_hand_computed_jacobian():
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL).answer
    assert answer.jacobian == sympy.ImmutableMatrix([[2 * x * y, x**2], [5, sympy.cos(y)]])
    assert answer.rows == ((2 * x * y, x**2), (5, sympy.cos(y)))


def test_check_rejects_the_transposed_jacobian():
    params = FAMILY.canonical[CANONICAL]
    transposed = sympy.ImmutableMatrix([[2 * x * y, 5], [x**2, sympy.cos(y)]])
    right = FAMILY.solve(params)
    wrong = dataclasses.replace(right, rows=tuple(tuple(transposed.row(i)) for i in range(2)), jacobian=transposed)
    with pytest.raises(AssertionError, match="finite difference"):
        check(params, wrong, random.Random(0))


def test_check_rejects_a_matrix_that_differs_from_the_worked_rows():
    params = FAMILY.canonical[CANONICAL]
    right = FAMILY.solve(params)
    with pytest.raises(AssertionError, match="stack"):
        check(params, dataclasses.replace(right, jacobian=right.jacobian.T), random.Random(0))


@pytest.mark.parametrize("given", [{"n": 4}, {"m": 1}, {"m": "2"}, {"size": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize(("n", "m"), [(2, 2), (2, 3), (3, 2), (3, 3)])
def test_jacobians_have_no_zero_row_or_column(n, m):
    options = resolve_options(FAMILY.options, {"n": n, "m": m})
    for seed in range(25):
        variant = variant_for_seed(FAMILY, options, seed)
        params, answer = variant.params, variant.answer
        assert answer.jacobian.shape == (m, n)
        assert len(set(params.components)) == m
        assert all(component.free_symbols for component in params.components)
        assert all(any(entry != 0 for entry in answer.jacobian.row(i)) for i in range(m))
        assert all(any(entry != 0 for entry in answer.jacobian.col(j)) for j in range(n))


def test_canonical_partials_are_one_step_each_with_the_rule_named():
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL).answer
    steps = [[(step.why, step.expr) for step in w.derivative.steps] for row in answer.worked for w in row]
    assert steps == [
        [("constant factor, table of derivatives", 2 * x * y)],
        [("constant factor, table of derivatives", x**2)],
        [(r"sum rule; $\sin(y)$ does not depend on $x$", 5)],
        [(r"sum rule; table of derivatives; $5 x$ does not depend on $y$", sympy.cos(y))],
    ]
    assert all(w.pieces == () for row in answer.worked for w in row)


def test_partials_that_need_a_rule_are_worked_with_named_parts():
    params = Params(coordinates(2), (x / (1 + y**2), sympy.exp(x * y)))
    answer = FAMILY.solve(params)
    d_dy = answer.worked[0][1]
    assert d_dy.rules == ("reciprocal",)
    assert [(p.name.name, p.expr) for p in d_dy.pieces] == [("g", y**2 + 1)]  # the chain rule's inner function
    assert [s.why for s in d_dy.derivative.steps] == ["constant factor, chain rule"]  # 1/g as the recap box's chain rule; shown once
    assert d_dy.result == -2 * x * y / (y**2 + 1) ** 2
    assert [s.why for s in answer.worked[1][0].derivative.steps] == ["chain rule"]


def test_partials_are_listed_in_variable_order_and_a_zero_says_why():
    z = coordinates(3)[2]
    params = Params(coordinates(3), (sympy.exp(x * y), z * sympy.sin(x) + y))
    _, solution = render_part(environment(), FAMILY, dataclasses.replace(canonical(), params=params, answer=FAMILY.solve(params)))
    order = [solution.index(rf"\frac{{\partial f_{i}}}{{\partial {v}}} &=") for i in (1, 2) for v in "xyz"]
    assert order == sorted(order)
    assert r"\frac{\partial f_1}{\partial z} &= 0 && \mbox{$f_1$ does not depend on $z$}" in solution
    assert "table of derivatives}" not in solution.split(r"\partial z} &= 0")[1].split("\n")[0]


@pytest.mark.parametrize(("n", "m"), [(2, 2), (2, 3), (3, 2), (3, 3)])
def test_at_most_a_third_of_the_entries_are_zero_and_components_differ_in_structure(n, m):
    options = resolve_options(FAMILY.options, {"n": n, "m": m})
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        assert sum(entry == 0 for entry in variant.answer.jacobian) <= m * n // 3
        assert len({skeleton(c) for c in variant.params.components}) == m
        assert not like_canonical(variant.params.components, [FAMILY.canonical[CANONICAL].components])


def test_the_statement_writes_the_vector_valued_function_in_bold():
    statement, solution = render_part(environment(), FAMILY, canonical())
    assert r"\mathbf{J}_{\mathbf{f}}" in statement and r"\mathbf{f}(x, y) = \begin{bmatrix}" in statement


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_jacobian_is_a_bold_upper_case_letter_like_every_matrix(language):
    """The sheets' notation makes matrices bold upper-case letters, and the recap box writes a bold J_f; 'Compute the
    Jacobian matrix J_f' printed a plain J (TA read, idl-math-background 1.3(c)): statement and solution write it bold."""
    statement, solution = render_part(environment(language=language), FAMILY, canonical())
    for text in (statement, solution):
        assert r"\mathbf{J}_{\mathbf{f}}" in text and "J_" not in text.replace(r"\mathbf{J}_{\mathbf{f}}", "")


def test_a_line_naming_parts_for_one_partial_never_sits_above_the_others():
    """``For df1/dx let g = x^2 - y`` named a part of one partial and stood above three more; the partials
    after it are set apart by a gap (a line "For df1/dy:" over a partial that names no parts named nothing).
    df1/dy goes through g too, so it has a line of its own and dg/dy (TA read, idl-math-background EN 6641 1.3(c);
    tests/test_reused_inner_functions.py); f_2's partials name no parts."""
    from generator.check.lint import header_scopes

    params = Params(coordinates(2), (-sympy.sin(x**2 - y), sympy.exp(y - x)))
    _, solution = render_part(environment(), FAMILY, dataclasses.replace(canonical(), params=params, answer=FAMILY.solve(params)))
    assert r"\intertext{For $\frac{\partial f_1}{\partial x}$, let $g = x^{2} - y$:}" in solution
    assert r"\intertext{For $\frac{\partial f_1}{\partial y}$, with $g$ as above:}" in solution
    assert r"\noalign{\vskip\medskipamount}\frac{\partial f_2}{\partial x} &=" in solution
    assert r"\noalign{\vskip\medskipamount}\frac{\partial f_2}{\partial y} &=" in solution
    assert solution.count("\\intertext{") == 2
    assert not list(header_scopes(solution))


def test_the_statement_prints_its_vector_as_the_kit_prints_every_vector():
    # two fractions in a hand-built bracket touched each other; the kit's column spaces and displays them
    x, y = coordinates(2)
    params = Params((x, y), (y**2 * sympy.sin(y) / (x**2 + 1), x * sympy.exp(x) / (y**2 + 1)))
    variant = dataclasses.replace(canonical(), params=params, answer=FAMILY.solve(params))
    statement, _ = render_part(environment(), FAMILY, variant)
    assert r"\\ \noalign{\vskip 1.5ex}\displaystyle \frac{x e^{x}}{y^{2} + 1}\end{bmatrix}. \]" in statement


@pytest.mark.parametrize(
    ("component", "variable", "shown"),
    [
        (sympy.cos(sympy.exp(-y)), y, r"- \sin(e^{- y}) \cdot (- e^{- y})"),
        (-(y**2) / (sympy.exp(2 * x) + 1), x, r"- y^{2} \cdot \mathopen{}\left(- \frac{2 e^{2 x}}{(e^{2 x} + 1)^{2}}\right)"),
    ],
)
def test_a_chain_rule_whose_minus_signs_cancel_multiplies_them_in_a_step_of_its_own(component, variable, shown):
    """A TA read 'du/dy = -e^{-y}' and then 'df_2/dy = e^{-y} sin(e^{-y})', labelled 'chain rule' only: the sign
    change was hidden (idl-math-background 1.3c, seed 21; the reciprocal's at seed 12). The factors stand side by side
    first, every minus in view, then they are multiplied, the reason saying that the two minus signs cancel (a TA read:
    "multiply the factors" alone turned the sign unnamed)."""
    params = Params((x, y), (x * y + y**2, component))
    variant = dataclasses.replace(canonical(), params=params, answer=FAMILY.solve(params))
    worked = variant.answer.worked[1][params.variables.index(variable)]
    rule, multiplied = worked.derivative.steps
    constant = "constant factor, " if component.as_independent(variable, as_Add=False)[0] != 1 else ""
    assert (rule.why, multiplied.why) == (constant + "chain rule", "multiply the factors; two minus signs cancel")
    assert sympy.simplify(rule.expr - multiplied.expr) == 0 and not multiplied.expr.could_extract_minus_sign()
    _, solution = render_part(environment(), FAMILY, variant)
    assert f"&= {shown}" in solution and r"&& \mbox{multiply the factors; two minus signs cancel}" in solution


def test_a_part_an_earlier_row_named_is_as_above_and_not_worked_again():
    """df_2/dy named g = y^2 + 1 again and worked dg/dy = 2y a second time, right below df_1/dy (a read of the
    session's dump, seed 37): it is "g as above", and the row of its derivative is not repeated."""
    x, y = coordinates(2)
    params = Params((x, y), (x / (y**2 + 1), y**2 / (y**2 + 1)))
    variant = dataclasses.replace(canonical(), params=params, answer=FAMILY.solve(params))
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"let $u = y^{2}$, with $g$ as above:" in solution
    assert solution.count(r"\frac{\partial g}{\partial y} &= 2 y") == 1
