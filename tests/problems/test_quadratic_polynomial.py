import dataclasses
import random

import pytest
import sympy
from sympy import MatMul

from generator.kit.family import CheckFailed
from generator.kit.linalg import coordinates, matrix, vector
from generator.kit.notation import Top
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.kit.widths import printed_width
from generator.pipeline.generate import variant_for_seed
from problems.quadratic_polynomial import FAMILY, Params, check, solve


def options(**given):
    return resolve_options(FAMILY.options, given)


def _to_expand(entries: sympy.ImmutableMatrix) -> Params:
    n = entries.rows
    x = vector("x", n)
    return Params("matrix-to-sum", n, MatMul(Top(x), matrix("M", n, n), x), entries)


def test_check_rejects_an_expansion_that_forgets_m_ji():
    params = _to_expand(sympy.ImmutableMatrix([[1, 2], [-3, 4]]))
    x1, x2 = coordinates(2)
    assert solve(params).form == x1**2 - x1 * x2 + 4 * x2**2
    forgetful = x1**2 + 2 * x1 * x2 + 4 * x2**2
    with pytest.raises(CheckFailed):
        check(params, dataclasses.replace(solve(params), form=forgetful), random.Random(0))


def test_check_rejects_a_matrix_that_is_not_symmetric():
    variant = variant_for_seed(FAMILY, options(direction="sum-to-matrix", n=2), 3)
    m = variant.answer.form
    lopsided = sympy.ImmutableMatrix([[m[0, 0], 2 * m[0, 1]], [0, m[1, 1]]])
    with pytest.raises(CheckFailed):
        check(variant.params, dataclasses.replace(variant.answer, form=lopsided), random.Random(0))


@pytest.mark.parametrize("given", [{"n": 4}, {"n": 1}, {"direction": "both"}, {"mode": "concrete"}, {"size": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("n", [2, 3])
def test_matrices_to_expand_are_never_symmetric_or_diagonal(n):
    for seed in range(50):
        variant = variant_for_seed(FAMILY, options(direction="matrix-to-sum", n=n), seed)
        m, polynomial = variant.params.entries, variant.answer.form
        assert m != m.T
        assert any(coefficient for *_, coefficient in variant.answer.mixed)
        assert polynomial.free_symbols == set(coordinates(n))


@pytest.mark.parametrize("n", [2, 3])
def test_polynomials_have_squares_mixed_terms_and_every_variable(n):
    xs = coordinates(n)
    for seed in range(50):
        variant = variant_for_seed(FAMILY, options(direction="sum-to-matrix", n=n), seed)
        poly = sympy.Poly(variant.params.given, *xs)
        degrees = [monomial for monomial in poly.monoms()]
        assert any(max(d) == 2 for d in degrees) and any(max(d) == 1 for d in degrees)
        assert variant.params.given.free_symbols == set(xs)
        assert variant.answer.form == variant.answer.form.T


def test_steps_compute_mx_then_multiply_out():
    x1, x2 = coordinates(2)
    entries = sympy.ImmutableMatrix([[1, 2], [-3, 4]])
    answer = solve(_to_expand(entries))
    assert tex(answer.product_steps.steps[0].expr) == tex(entries) + r" \begin{bmatrix}x_{1}\\x_{2}\end{bmatrix}"
    assert answer.product_steps.result == sympy.ImmutableMatrix([x1 + 2 * x2, -3 * x1 + 4 * x2])
    assert [step.why for step in answer.expansion_steps.steps] == [r"dot product with $\mathbf{x}$", "multiply out and collect"]
    assert answer.expansion_steps.result == answer.form == x1**2 - x1 * x2 + 4 * x2**2


@pytest.mark.parametrize("direction", ["sum-to-matrix", "matrix-to-sum"])
def test_matrices_are_at_most_a_third_zero_and_expansions_fit_a_line(direction):
    for seed in range(60):
        answer = variant_for_seed(FAMILY, options(direction=direction, n=3), seed).answer
        m = answer.form if direction == "sum-to-matrix" else answer.product_steps.steps[0].expr
        assert 3 * list(m).count(0) <= 9
        assert printed_width(answer.expansion) <= 60


def test_mixed_coefficients_are_halved_as_printed_steps():
    p = variant_for_seed(FAMILY, options(direction="sum-to-matrix", n=3), 1).params
    answer = solve(p)
    for (_, _, m_ij, _, coefficient), split in zip(answer.mixed, answer.splits, strict=True):
        assert tex(split.steps[0].expr).startswith(r"\frac{1}{2} \cdot")
        assert split.result == m_ij == coefficient / 2


@pytest.mark.parametrize("language", ["en", "de"])
def test_p_is_defined_before_it_is_used_and_each_mixed_coefficient_is_named_once(language):
    """Two TA reads (EN 9691, German 9692): "such that p(x) = x^T M x for p(x) = ..." used p before defining it, and
    "collects M_ij + M_ji: x_1 x_2: 3 + 4 = 7" ran two colons together."""
    from generator.pipeline.render import render_part
    from generator.pipeline.templating import environment

    for direction in ("sum-to-matrix", "matrix-to-sum"):
        variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"direction": direction}), 3)
        statement, solution = render_part(environment(language=language), FAMILY, variant)
        if direction == "sum-to-matrix":
            assert statement.index(r"p(\mathbf{x}) = ") < statement.index(r"p(\mathbf{x}) = \mathbf{x}^\top")
        else:
            mixed = solution[solution.index("$M_{ii}$:") :]
            assert "Check: in" in solution or "Probe: In" in solution
            assert "$: $" not in mixed and mixed.count("$ f") + mixed.count("$ for") >= 1
            # the squares checked too, before "So f(x) = ..." (a TA read, German bank sheet 9742)
            n = variant.params.n
            assert all(f"$ for $x_{i}^2$" in mixed or f"$ für $x_{i}^2$" in mixed for i in range(1, n + 1))


def test_the_dot_product_row_multiplies_nothing_yet():
    """"f(x) = -4 x_1^2 + x_2 (-x_1 - 2 x_2)" under "dot product with x": the first term multiplied already, the second
    not (a TA read, German bank sheet 9751). A single term now stands as x_1 . (-4 x_1) beside the bracket."""
    x1, x2 = coordinates(2)
    params = Params("matrix-to-sum", 2, None, sympy.ImmutableMatrix([[-4, 0], [-1, -2]]))
    row = FAMILY.solve(params).expansion_steps.steps[0].expr
    assert tex(row) == r"x_{1} \cdot (- 4 x_{1}) + x_{2} (- x_{1} - 2 x_{2})"
    assert sympy.expand(row - (-4 * x1**2 - x1 * x2 - 2 * x2**2)) == 0
    # x_1 . x_1 printed one base twice: it is x_1^2 (`sheets check` seed 10898681176602060195)
    square = FAMILY.solve(Params("matrix-to-sum", 2, None, sympy.ImmutableMatrix([[1, 0], [-1, -2]]))).expansion_steps
    assert r"x_{1} \cdot x_{1}" not in tex(square.steps[0].expr) and r"x_{1}^{2}" in tex(square.steps[0].expr)
