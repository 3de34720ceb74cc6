import dataclasses
import random
import re
import subprocess

import pytest
import sympy

from generator.kit import tex
from generator.kit.family import CheckFailed
from generator.kit.options import resolve_options
from generator.pipeline.build import build_sheets
from generator.pipeline.generate import Draw, canonical_variant, variant_for_seed
from generator.pipeline.project import Project
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.eigen import FAMILY, LAMBDA, Params, _pool, check

OPTIONS = FAMILY.resolve_options({})


def test_canonical_eigenpairs_agree_with_sympy_eigenvects():
    variant = canonical_variant(FAMILY, OPTIONS, "eigen-example")
    answer = variant.answer
    assert answer.eigenvalues == (3, 1)  # read off (lambda - 3)(lambda - 1) left to right
    assert sympy.expand(answer.polynomial - (LAMBDA**2 - 4 * LAMBDA + 3)) == 0
    # a second method: SymPy's own eigenvectors, compared up to a scale
    for value, multiplicity, (vector,) in variant.params.matrix.eigenvects():
        mine = answer.eigenvectors[answer.eigenvalues.index(value)]
        assert multiplicity == 1 and mine[0] * vector[1] - mine[1] * vector[0] == 0
    assert answer.eigenvectors == (sympy.Matrix([1, 1]), sympy.Matrix([1, -1]))


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("normalised", [False, True])
def test_random_matrices_have_distinct_integer_eigenvalues_and_simple_eigenvectors(n, normalised):
    options = FAMILY.resolve_options({"n": n, "normalised": normalised})
    for seed in range(15):
        variant = variant_for_seed(FAMILY, options, seed)
        m, answer = variant.params.matrix, variant.answer
        assert m == m.T and not m.is_diagonal() and max(map(abs, m)) <= 6
        assert sorted(m.eigenvals()) == sorted(answer.eigenvalues) and len(set(answer.eigenvalues)) == n
        for value, pair, vector in zip(answer.eigenvalues, answer.pairs, answer.eigenvectors):
            assert m * pair.vector == value * pair.vector and all(e.is_Integer for e in pair.vector)
            assert max(map(abs, pair.vector)) <= 3
            v = sympy.Matrix(vector)
            assert sympy.simplify(m * v - value * v) == sympy.zeros(n, 1)
            assert v == (pair.vector / pair.length.result if normalised else pair.vector)
            assert not normalised or sympy.simplify(v.norm() - 1) == 0


def test_check_refuses_a_wrong_eigenvalue_and_a_wrong_eigenvector():
    variant = canonical_variant(FAMILY, OPTIONS, "eigen-example")
    for wrong in (
        dataclasses.replace(variant.answer, eigenvalues=(1, 4)),
        dataclasses.replace(variant.answer, eigenvectors=(sympy.Matrix([1, 2]), sympy.Matrix([1, 1]))),
        dataclasses.replace(variant.answer, polynomial=LAMBDA**2 - 4 * LAMBDA + 4),
        dataclasses.replace(variant.answer, images=(sympy.ImmutableMatrix([3, 3]), sympy.ImmutableMatrix([1, 1]))),
    ):
        with pytest.raises(CheckFailed):
            check(variant.params, wrong, random.Random(0))


def test_statement_gives_the_matrix_but_not_the_eigenvalues():
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"n": 3}), 4)
    statement, solution = render_part(environment(), FAMILY, variant)
    assert "lambda" not in statement and r"\times" in solution
    assert all(f"lambda_{k} = {v}" in solution for k, v in enumerate(variant.answer.eigenvalues, 1))


@pytest.mark.parametrize("n", [2, 3])
def test_the_pool_holds_no_diagonal_mostly_zero_or_canonical_matrix(n):
    pool = [sympy.ImmutableMatrix(n, n, entries) for entries in _pool(n)]
    assert len(pool) == len(set(pool)) > 80
    for m in pool:
        assert m == m.T and not m.is_diagonal() and max(map(abs, m)) <= 6
        assert sum(e == 0 for e in m) <= n * n // 3 and m != sympy.Matrix([[2, 1], [1, 2]])
    for m in pool[:: max(1, len(pool) // 40)]:  # distinct eigenvalues, by SymPy's own eigenvals
        assert len(m.eigenvals()) == n


@pytest.mark.parametrize("n", [2, 3])
def test_no_matrix_is_singular_and_no_2x2_has_equal_diagonal_entries(n):
    """An eigenvalue 0 and a 2x2 with eigenvectors (1, 1), (1, -1) (the example's) were 17 of 30 seeds."""
    pool = [sympy.Matrix(n, n, entries) for entries in _pool(n)]
    assert all(m.det() != 0 for m in pool)
    assert n == 3 or all(m[0, 0] != m[1, 1] for m in pool)
    directions = {tuple(m.eigenvects()[0][2][0].normalized()) for m in pool[:: max(1, len(pool) // 40)]}
    assert len(directions) >= 6


def test_eigenvectors_have_one_name_and_eigenvalues_descend():
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"n": 2, "normalised": True}), 9)
    _, solution = render_part(environment(), FAMILY, variant)
    assert list(variant.answer.eigenvalues) == sorted(variant.answer.eigenvalues, reverse=True)
    assert r"\mathbf{v}_1" in solution and r"\hat{\mathbf{v}}_2" in solution
    assert not any(name in solution for name in (r"\mathbf{w}", r"\mathbf{u}", r"\mathbf{v})", r"\mathbf{v} "))


def test_a_2x2_equation_is_divided_by_its_common_factor_before_its_coefficients_are_swapped():
    """A TA read (math-background-2 EN 8907): 9x_1 - 3x_2 = 0 gave x = (3, 9), then "take out 3"; a hand divides the
    equation by 3 first, 3x_1 - x_2 = 0, and swaps to (1, 3) at once. The solution says both equations."""
    params = Params(sympy.ImmutableMatrix([[-6, 4], [4, 0]]), False)
    answer = FAMILY.solve(params)
    (pair,) = (pair for pair in answer.pairs if pair.value == -8)
    found = pair.null.found  # lambda = -8: 2 x_1 + 4 x_2 = 0, that is, x_1 + 2 x_2 = 0: x = (2, -1)
    assert [step.why for step in found.steps] == ["swap $1$ and $2$, negate the second entry"]  # the numbers swapped named (two TA reads, EN 9041, German 9043)
    assert found.steps[0].expr == sympy.Matrix([2, -1]) and pair.vector == sympy.Matrix([2, -1])
    assert (tex(pair.equation), tex(pair.reduced)) == ("2 x_{1} + 4 x_{2}", "x_{1} + 2 x_{2}")
    # what it is divided by is said: "that is" divided silently (a TA read, EN 9062)
    assert pair.divisor == 2 and sympy.expand(pair.equation - pair.divisor * pair.reduced) == 0
    variant = dataclasses.replace(variant_for_seed(FAMILY, FAMILY.resolve_options({}), 0), params=params, answer=answer)
    _, solution = render_part(environment(), FAMILY, variant)
    # both equations displayed, the division the reduced one's reason, the solution named v_1 at once (two TA reads,
    # German 9462, 9463: inline, the equations stretched their lines; "x = (2, -3)^T", then "v_1", named it twice)
    rows = solution.split(r"\begin{align*}")[3].split(r"\end{align*}")[0]
    assert rows.strip().startswith(r"2 x_{1} + 4 x_{2} &= 0 && \mbox{first row of $\mathbf{A} - \lambda_2 \mathbf{I}$} \\")
    assert r"x_{1} + 2 x_{2} &= 0 && \mbox{divide by $2$}" in rows
    assert r"\mathbf{v}_2 &= \begin{bmatrix}2\\-1\end{bmatrix}" in rows and r"\mathbf{x} &=" not in solution


def test_the_solution_writes_diagonal_entries_one_way_and_lists_eigenvalues_as_the_factors_print():
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"n": 3}), 4)
    _, solution = render_part(environment(), FAMILY, variant)
    factored = tex(variant.answer.determinant.result)
    positions = [factored.index(tex(LAMBDA - v)) if v else factored.index(r"\lambda") for v in variant.answer.eigenvalues]
    assert positions == sorted(positions)
    diagonal = [tex(variant.answer.shifted[i, i]) for i in range(3)]
    assert all(entry.endswith(r"- \lambda") for entry in diagonal)  # 1 - lambda, -5 - lambda: never -lambda - 5
    assert r"\begin{vmatrix}" in solution and "bmatrix}|" not in solution


def test_german_roots_reason_keeps_each_number_with_its_word(tmp_path):
    """A TA read the German reason of math-background-2 seed 12 broken as 'Nullstellen mit / Summe 6, Produkt / -16'."""
    (target,) = build_sheets(["math-background-2"], Draw(12), tmp_path, Project(language="de"))
    layout = ["pdftotext", "-layout", str(target / "math-background-2-solution.pdf"), "-"]
    text = subprocess.run(layout, check=True, capture_output=True, text=True).stdout
    assert re.search(r"Summe −?\d+, *(\n *)?Produkt −?\d+", text)
    assert not re.search(r"(mit Summe|, Produkt) *$", text, re.MULTILINE)  # the roots reason's words, not another reason's


def test_a_characteristic_polynomial_multiplied_out_and_collected_says_both():
    """A TA read: (-5 - lambda)(1 - lambda) - 16 = lambda^2 + 4 lambda - 21 was 'multiply out', which also collects
    -5 lambda + lambda and -5 - 16."""
    solutions = [render_part(environment(), FAMILY, variant_for_seed(FAMILY, OPTIONS, seed))[1] for seed in range(10)]
    assert any("multiply out and collect like terms" in solution for solution in solutions)
    assert not any(re.search(r"\\mbox\{multiply out\}", solution) for solution in solutions)


def test_the_shifted_matrix_is_displayed_not_inline():
    """A TA read (German): the inline matrix A - lambda_1 I spread the lines of its paragraph apart."""
    _, solution = render_part(environment(), FAMILY, variant_for_seed(FAMILY, OPTIONS, 3))
    assert "The rows of\n\\[ \\mathbf{A} - \\lambda_1 \\mathbf{I} = \\begin{bmatrix}" in solution
    assert "changing the sign of one gives a solution" in solution


@pytest.mark.parametrize("n", [2, 3])
def test_the_solution_checks_each_eigenvector_and_shows_every_two_orthogonal(n):
    """A TA read (math-background-2 2.2, seed 6601): "The eigenvectors are orthogonal to each other" repeated the
    sheet's preamble and checked nothing. Each pair's dot product is worked, from SymPy's own eigenvectors; and,
    before it, A v_k = lambda_k v_k for each ("Check: v_1 . v_2 = 0" alone checked no eigenvector: two TA reads)."""
    from generator.kit.notation import written_sum

    for seed in range(4):
        variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"n": n, "normalised": seed % 2 == 1}), seed)
        m, answer = variant.params.matrix, variant.answer
        _, solution = render_part(environment(), FAMILY, variant)
        vectors, images = [], []
        for k, (value, pair) in enumerate(zip(answer.eigenvalues, answer.pairs), 1):
            ((theirs,),) = [vs for v, _, vs in m.eigenvects() if v == value]
            assert pair.vector.rank() == 1 and sympy.Matrix.hstack(pair.vector, theirs).rank() == 1  # the same line
            vectors.append(pair.vector)
            image = [sum(m[i, j] * pair.vector[j] for j in range(n)) for i in range(n)]  # by hand, not A * v
            assert image == [value * e for e in pair.vector]
            scaled = {1: "", -1: "-"}.get(int(value), f"{value} ")
            images.append(rf"\mathbf{{A}} \mathbf{{v}}_{k} = ({', '.join(map(str, image))})^\top = {scaled}\mathbf{{v}}_{k}")
        assert "\\[ " + r", \qquad ".join(images) + " . \\]" in solution
        dots = []
        for i in range(n):
            for j in range(i + 1, n):
                products = [vectors[i][k] * vectors[j][k] for k in range(n)]
                assert sum(products) == 0
                dots.append(rf"\mathbf{{v}}_{i + 1}^\top \mathbf{{v}}_{j + 1} = {tex(written_sum(*products))} = 0")
        german = render_part(environment(language="de"), FAMILY, variant)[1]
        if n == 2:  # one dot product, in the sentence
            assert f"The eigenvectors are also orthogonal, ${dots[0]}$, as eigenvectors of a symmetric" in solution
            assert f"Die Eigenvektoren sind außerdem zueinander orthogonal, ${dots[0]}$, wie es" in german
        else:  # three, displayed: inline, their signs were squeezed
            display = "\\[ " + r" , \qquad ".join(dots) + " . \\]"
            assert f"distinct eigenvalues must be:\n{display}" in solution
            assert f"Eigenwerten sein muss:\n{display}" in german


def test_a_minor_whose_numbers_are_only_added_says_collect_not_multiply_out():
    """A TA read (EN 9691): the minor -4 - lambda + 25 = 21 - lambda was 'multiply out', with nothing to multiply;
    6 + 2(2 - lambda) = 10 - 2 lambda multiplies out and adds 6 + 4, and says both."""
    from generator.kit.linalg import worked_determinant

    def reasons(matrix):
        return [str(step.why) for step in worked_determinant(sympy.Matrix(matrix))[1].steps[1:]]

    assert reasons([[-4 - LAMBDA, 5], [-5, 1]])[-1] == "collect like terms"
    assert reasons([[3, 2 - LAMBDA], [-2, 2]])[-1] == "multiply out and collect like terms"
    assert reasons([[2 - LAMBDA, 1], [1, 3 - LAMBDA]])[-1] == "multiply out and collect like terms"


def test_a_3x3_names_the_roots_its_divisors_give_and_the_row_left_out():
    """Two TA reads (EN 9691, German 9692): 'its integer roots divide -162' left the search unsaid, and 'rows 1 and 3
    ... (the third is a combination of them)' read as row 3; 'minors of its non-zero entries' beside three minors."""
    for seed in range(6):
        variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"n": 3}), seed)
        _, solution = render_part(environment(), FAMILY, variant)
        values = variant.answer.eigenvalues
        product = values[0] * values[1] * values[2]
        roots = ", ".join(f"${tex(v)}$" for v in values)
        assert f"trying the divisors of ${product}$ gives the roots {roots}" in solution
        named = re.findall(r"Rows \$\\mathbf\{r\}_(\d)\$ and \$\\mathbf\{r\}_(\d)\$ of .*? \(\$\\mathbf\{r\}_(\d)\$ is a combination of them\)", solution)
        assert len(named) == 3  # each eigenvector's rows named r_i, as its cross product writes them (EN 9702)
        for first, second, other in named:
            assert {first, second, other} == {"1", "2", "3"}
        assert "the third" not in solution
        zero_entry = 0 in variant.answer.shifted.row(0)
        assert ("a zero entry needs none" in solution) == zero_entry


def test_a_number_times_a_bracket_in_a_minor_is_named_as_bc():
    """A TA read (EN 9702): 16 + 3(-5 - lambda) under "ad - bc" alone left the sign -bc turned to the reader."""
    from generator.kit.linalg import worked_determinant

    steps = worked_determinant(sympy.Matrix([[4, -5 - LAMBDA], [-3, 4]]))[1].steps
    assert str(steps[1].why).endswith(r"$bc = - 3 (- \lambda - 5)$")
    plain = worked_determinant(sympy.Matrix([[2 - LAMBDA, 1], [1, 3 - LAMBDA]]))[1].steps
    assert "bc =" not in str(plain[1].why)  # b = c = 1: nothing to name


def test_two_numbers_whose_product_turns_a_sign_are_named_as_bc():
    """A TA read (German 9721): 1 - lambda - 2 under "ad - bc" alone, where bc = (-2)(-1) = 2 turned the sign."""
    from generator.kit.linalg import worked_determinant

    steps = worked_determinant(sympy.Matrix([[1, -2], [-1, 1 - LAMBDA]]))[1].steps
    assert str(steps[1].why).endswith(r"$bc = (-2) \cdot (-1) = 2$")


def test_a_3x3_expansion_is_written_in_the_named_minors_before_they_are_put_in():
    """"Put in the minors, with alternating signs" hid each entry times its minor, and the minus of an entry -1 read as
    the sign of its place (two TA reads, 9741/9742): the minors are named M_1k and the expansion is written in them."""
    options = resolve_options(FAMILY.options, {"n": 3})
    for seed in range(20):
        variant = variant_for_seed(FAMILY, options, seed)
        row = variant.answer.shifted
        _, solution = render_part(environment(), FAMILY, variant)
        names = variant.answer.minor_names
        assert names == tuple(f"M_{{1{k + 1}}}" for k in range(3) if row[0, k] != 0)
        assert all(f"{name} = \\begin{{vmatrix}}" in solution for name in names)
        expansion, put_in = variant.answer.determinant.steps[1:3]
        assert expansion.why == "expand along the first row, signs $+$, $-$, $+$"
        middle = row[0, 1]  # the sign a negative middle entry merges with named: -(-2) = 2 (a TA read, EN 9751)
        assert put_in.why == ("put in the minors" if not middle < 0 else f"put in the minors; $-({tex(middle)}) = {tex(-middle)}$")
        written = tex(expansion.expr)
        assert re.findall(r"M_\{1\d\}", written) == list(names)
        if row[0, 1] != 0:  # the minus of the middle place, before the entry as it stands in A - lambda I
            assert written.split("M_{12}")[0].split("M_{11}")[-1].strip().startswith("-"), written
