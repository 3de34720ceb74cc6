"""generator.kit.eigen: the characteristic polynomial and eigenpairs agree with SymPy; the float check can fail."""

import random

import pytest
import sympy

from generator.kit.eigen import characteristic, check_eigenpairs, eigenpair, shifted_matrix
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
