"""quadratic-form: index sums <-> matrix-vector products in letters (the concrete exercise is test_quadratic_polynomial.py)."""

import dataclasses
import random

import pytest
import sympy
from sympy import MatMul

from generator.kit.family import CheckFailed
from generator.kit.linalg import matrix, size, vector
from generator.kit.notation import Top
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.quadratic_form import FAMILY, Params, check, index_sum, solve

CANONICAL = "idl-math-background-1.1b"
I, J = sympy.symbols("i j", integer=True)


def options(**given):
    return resolve_options(FAMILY.options, given)


def test_canonical_answer_is_x_transpose_q_x():
    variant = canonical_variant(FAMILY, options(), CANONICAL)
    x, m = variant.params.left, variant.params.matrix
    assert variant.answer.form == MatMul(Top(x), m, x)
    concrete = variant.answer.form.xreplace({size("N"): 3}).xreplace(
        {vector("x", 3): sympy.ImmutableMatrix([1, -2, 3]), matrix("Q", 3, 3): sympy.ImmutableMatrix(3, 3, range(9))}
    )
    x3, m3 = sympy.Matrix([1, -2, 3]), sympy.Matrix(3, 3, range(9))
    assert sympy.simplify(sympy.Matrix(concrete.doit()) - x3.T * m3 * x3) == sympy.zeros(1, 1)


def test_canonical_prints_like_the_sheet():
    """The original's sum, its M written Q: M is a dimension in the matrix-shapes part beside it (TA read)."""
    statement, solution = render_part(environment(), FAMILY, canonical_variant(FAMILY, options(), CANONICAL))
    assert r"\sum_{i=1}^{N} \sum_{j=1}^{N} Q_{ij} x_{i} x_{j}" in statement
    assert r"\mathbf{x}^\top \mathbf{Q} \mathbf{x}" in solution
    assert "^{T}" not in solution


def _bilinear(transposed: bool) -> Params:
    m_size, n_size = size("m"), size("n")
    x, y = vector("x", m_size), vector("y", n_size)
    a = matrix("A", n_size, m_size) if transposed else matrix("A", m_size, n_size)
    given = index_sum(x, a, y, transposed, (I, J))
    return Params("sum-to-matrix", x, y, a, transposed, (I, J), given)


def test_swapped_indices_put_the_second_vector_first():
    params = _bilinear(transposed=True)
    answer = solve(params)
    assert answer.form == MatMul(Top(params.right), params.matrix, params.left)
    check(params, answer, random.Random(0))


def test_check_rejects_the_vectors_in_the_wrong_order():
    params = _bilinear(transposed=True)
    same_number = MatMul(Top(params.left), Top(params.matrix), params.right)
    check(params, dataclasses.replace(solve(params), form=same_number), random.Random(0))
    index_order = MatMul(Top(params.left), params.matrix, params.right)
    with pytest.raises(CheckFailed):
        check(params, dataclasses.replace(solve(params), form=index_order), random.Random(0))


@pytest.mark.parametrize("given", [{"direction": "both"}, {"mode": "symbolic"}, {"n": 3}, {"size": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("direction", ["sum-to-matrix", "matrix-to-sum"])
def test_symbolic_matrix_sizes_fit_the_sum(direction):
    seen_bilinear = seen_swapped = False
    for seed in range(50):
        p = variant_for_seed(FAMILY, options(direction=direction), seed).params
        rows, cols = (p.right.rows, p.left.rows) if p.transposed else (p.left.rows, p.right.rows)
        assert p.matrix.shape == (rows, cols)
        assert p.matrix.name not in {str(s) for s in (p.left.rows, p.right.rows)}
        seen_bilinear |= p.left != p.right
        seen_swapped |= p.transposed
    assert seen_bilinear and seen_swapped


def test_canonical_steps_go_through_the_matrix_vector_product():
    answer = canonical_variant(FAMILY, options(), CANONICAL).answer
    steps = answer.steps.steps
    assert [step.why for step in steps] == ["", "$x_{i}$ out of the inner sum", "matrix–vector product", "row vector times column vector"]
    assert tex(steps[1].expr) == r"\sum_{i=1}^{N} x_{i} \sum_{j=1}^{N} Q_{ij} x_{j}"
    assert tex(steps[2].expr) == r"\sum_{i=1}^{N} x_{i} (\mathbf{Q} \mathbf{x})_{i}"
    assert steps[-1].expr.args[0] == answer.form
    # On the engine's instance (N = 3) every step is the same polynomial in the entries.
    values = {sympy.expand(step.expr.doit()) for step in steps}
    assert len(values) == 1 and len(values.pop().args) == 9


def test_swapped_indices_swap_the_sums_first():
    steps = solve(_bilinear(transposed=True)).steps.steps
    assert [step.why for step in steps][1:] == ["swap the sums, $y_{j}$ out of the inner sum", "matrix–vector product", "row vector times column vector"]
    assert tex(steps[2].expr) == r"\sum_{j=1}^{n} y_{j} (\mathbf{A} \mathbf{x})_{j}"


@pytest.mark.parametrize("direction", ["sum-to-matrix", "matrix-to-sum"])
def test_symbolic_seeds_never_repeat_the_canonical_instance(direction):
    canonical_params = set(FAMILY.canonical.values())
    for seed in range(300):
        assert variant_for_seed(FAMILY, options(direction=direction), seed).params not in canonical_params


@pytest.mark.parametrize("direction", ["sum-to-matrix", "matrix-to-sum"])
def test_letters_never_name_what_matrix_shapes_names(direction):
    """On the sheet 1.1(a) (matrix-shapes) asks the sizes of A to H with x in R^M; 1.1(b) wrote A in R^{N x N} and
    M in R^{p x q} (TA read): a letter meant two things on one page."""
    from problems.matrix_shapes import LETTERS

    taken = set(LETTERS) | set(LETTERS.lower()) | {"M"}
    for seed in range(60):
        p = variant_for_seed(FAMILY, options(direction=direction), seed).params
        names = {p.matrix.name, p.left.name, p.right.name} | {str(s) for s in (*p.left.shape, *p.right.shape)}
        assert not names & taken, (seed, names)
