"""generator.kit.eigen: the characteristic polynomial and eigenpairs agree with SymPy; the float check can fail."""

import random

import pytest
import sympy

from generator.kit.eigen import characteristic, check_eigenpairs, eigenpair, orthogonality, shifted_matrix
from generator.kit.family import CheckFailed
from generator.kit.linalg import spectral_matrices
from generator.kit.printing import tex
from generator.kit.steps import verify_chain

LAMBDA = sympy.Symbol("lamda")


@pytest.mark.parametrize("matrix", [sympy.ImmutableMatrix([[3, 2], [2, 0]]), sympy.ImmutableMatrix(3, 3, spectral_matrices(3)[7])])
def test_characteristic_polynomial_roots_and_eigenvectors_agree_with_sympy(matrix):
    worked = characteristic(matrix, LAMBDA)
    assert sympy.expand(worked.polynomial - (matrix - LAMBDA * sympy.eye(matrix.rows)).det()) == 0
    assert list(worked.eigenvalues) == sorted(matrix.eigenvals(), reverse=True)
    verify_chain(worked.determinant, random.Random(1))
    for value in worked.eigenvalues:
        pair = eigenpair(matrix, value)
        assert pair.vector.norm() != 0 and matrix * pair.vector == value * pair.vector


def test_a_shifted_diagonal_is_written_entry_minus_lambda():
    shifted = shifted_matrix(sympy.ImmutableMatrix([[-5, 1], [1, 0]]), LAMBDA)
    assert (tex(shifted[0, 0]), tex(shifted[1, 1])) == (r"-5 - \lambda", r"- \lambda")


def test_the_float_check_refuses_a_wrong_or_skew_pair():
    a = [[2.0, 1.0], [1.0, 2.0]]
    check_eigenpairs(a, [3.0, 1.0], [[1.0, 1.0], [1.0, -1.0]], unit=False)
    with pytest.raises(CheckFailed):
        check_eigenpairs(a, [3.0, 1.0], [[1.0, 1.0], [1.0, 1.0]], unit=False)
    with pytest.raises(CheckFailed):
        check_eigenpairs(a, [3.0, 1.0], [[1.0, 1.0], [1.0, -1.0]], unit=True)


def test_orthogonality_works_each_dot_product_term_by_term():
    vectors = (sympy.Matrix([1, 0, -1]), sympy.Matrix([1, 2, 1]), sympy.Matrix([1, -1, 1]))
    dots = orthogonality(vectors)
    assert [(dot.first, dot.second) for dot in dots] == [(1, 2), (1, 3), (2, 3)]
    assert [" = ".join(tex(step.expr) for step in dot.worked.steps) for dot in dots] == [
        "1 + 0 - 1 = 0",  # a 0 kept: the terms read off against the entries
        "1 + 0 - 1 = 0",
        "1 - 2 + 1 = 0",
    ]
    for dot in dots:
        verify_chain(dot.worked, random.Random(0))
