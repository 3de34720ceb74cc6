"""Eigenvalues and eigenvectors of a small symmetric integer matrix, worked as a teaching assistant works them.

``characteristic`` writes A - lambda I, expands det(A - lambda I) (a 3x3 along its first row, each 2x2 minor
worked: ``generator.kit.linalg.worked_determinant``) and factors it, its integer roots read off from its
constant term. ``eigenpair`` finds the eigenvector of one eigenvalue as the null vector of A - lambda I (a 2x2's
first row read as one equation, a 3x3's cross product of two rows: ``generator.kit.linalg.null_vector``), with
its length and the unit vector. ``orthogonality`` works the dot product of every two eigenvectors, the check
a student can read that they are orthogonal. ``check_eigenpairs`` holds the pairs against A in plain floats.
"""

import itertools
import math
from dataclasses import dataclass

import sympy

from generator.kit.family import require
from generator.kit.language import Reason
from generator.kit.linalg import (
    NullVector,
    WrittenDeterminant,
    lowest_row,
    null_vector,
    unit_vector,
    worked_determinant,
)
from generator.kit.notation import written_sum
from generator.kit.numeric import close
from generator.kit.printing import tex
from generator.kit.steps import Chain, Step, chain

__all__ = ["Characteristic", "DotProduct", "Eigenpair", "characteristic", "check_eigenpairs", "eigenpair", "orthogonality", "shifted_matrix"]

X1, X2 = sympy.symbols("x_1 x_2")  # the entries of the unknown x of (A - lambda I) x = 0


def shifted_matrix(matrix: sympy.ImmutableMatrix, value: sympy.Expr) -> sympy.ImmutableMatrix:
    """A - value I, each diagonal entry written a - lambda (``-5 - lambda`` beside ``1 - lambda``), not as SymPy
    orders a sum (``-lambda - 5``)."""
    diagonal = [written_sum(*(t for t in (matrix[i, i], -value) if t != 0)) for i in range(matrix.rows)]
    return sympy.ImmutableMatrix(matrix.rows, matrix.cols, lambda i, j: diagonal[i] if i == j else matrix[i, j])


@dataclass(frozen=True)
class Characteristic:
    """det(A - lambda I) worked: A - lambda I (``shifted``), a 3x3's 2x2 minors of its first row worked, the
    determinant from its bars to its factors, the polynomial multiplied out, and its roots, descending (the
    order the factors print in, so they read off left to right)."""

    shifted: sympy.ImmutableMatrix
    minors: tuple[tuple[WrittenDeterminant, Chain], ...]
    determinant: Chain
    polynomial: sympy.Expr
    eigenvalues: tuple[sympy.Integer, ...]


def characteristic(matrix: sympy.ImmutableMatrix, symbol: sympy.Symbol) -> Characteristic:
    """The characteristic polynomial of a 2x2 or 3x3 integer matrix with distinct non-zero integer eigenvalues,
    in ``symbol``, worked and factored (a 3x3's as -(lambda - a)(lambda - b)(lambda - c), the sign det(A - lambda I)
    has)."""
    shifted = shifted_matrix(matrix, symbol)
    minors, worked = worked_determinant(shifted)
    values = tuple(sorted(sympy.roots(sympy.Poly(worked.result, symbol)), reverse=True))
    factored = sympy.Mul(*([-1] if matrix.rows == 3 else []), *(symbol - v for v in values), evaluate=False)
    determinant = chain(*worked.steps, Step(factored, _factoring(values)))
    return Characteristic(shifted, minors, determinant, worked.result, values)


def _factoring(values: tuple[sympy.Integer, ...]) -> Reason:
    """How the roots of det(A - lambda I) are found: its constant term is their product (no root is 0); the step named
    for what it does, factorising ("roots with sum 5, product -36" alone named a property, a TA read, German 9491)."""
    if len(values) == 3:
        # the roots the divisors give named: "its integer roots divide -162" alone left the search unsaid (two TA reads,
        # EN 9691, German 9692)
        roots = ", ".join(f"${tex(v)}$" for v in values)
        return Reason("factorise: trying the divisors of ${product}$ gives the roots {roots}", product=math.prod(values), roots=roots)
    return Reason("factorise: roots with sum ${total}$, product ${product}$", total=sum(values), product=math.prod(values))


@dataclass(frozen=True)
class Eigenpair:
    """A - lambda I at the eigenvalue; a 2x2's first row as the equation p x_1 + q x_2 = 0 and in lowest terms
    (``reduced``, the same equation when nothing divides it); the primitive
    eigenvector as the rows give it (``NullVector``: swapped and negated, or a cross product); its length
    worked, and the unit eigenvector."""

    value: sympy.Integer
    shifted: sympy.ImmutableMatrix
    equation: sympy.Expr | None
    reduced: sympy.Expr | None
    null: NullVector
    length: Chain
    unit: sympy.Basic

    @property
    def vector(self) -> sympy.ImmutableMatrix:
        return self.null.vector

    @property
    def divisor(self) -> sympy.Expr:
        """What ``equation`` is divided by to give ``reduced``: the sheet says it, "-9x_1 - 3x_2 = 0, or, divided by
        -3, 3x_1 + x_2 = 0", where "that is" divided silently (a TA read, EN 9062)."""
        return sympy.cancel(self.equation / self.reduced)


def eigenpair(matrix: sympy.ImmutableMatrix, value: sympy.Integer) -> Eigenpair:
    """The eigenvector of ``matrix`` (2x2 or 3x3) at the simple eigenvalue ``value``, found as a hand finds it."""
    shifted = sympy.ImmutableMatrix(matrix - value * sympy.eye(matrix.rows))
    found = null_vector(shifted)
    equation = shifted[0, 0] * X1 + shifted[0, 1] * X2 if matrix.rows == 2 else None
    reduced = None
    if matrix.rows == 2:
        p, q = lowest_row(shifted)
        reduced = p * X1 + q * X2
    return Eigenpair(value, shifted, equation, reduced, found, *unit_vector(found.vector))


@dataclass(frozen=True)
class DotProduct:
    """v_first . v_second worked: the products of their entries, one term each (a 0 kept, so the terms read off
    against the entries), then their sum."""

    first: int
    """The eigenvectors' numbers, from 1, as the solution names them (v_1, v_2, ...)."""
    second: int
    worked: Chain


def orthogonality(vectors: tuple[sympy.MatrixBase, ...]) -> tuple[DotProduct, ...]:
    """The dot product of every two of ``vectors``, in order (1 and 2, 1 and 3, 2 and 3): the check, worked where a
    reader can follow it, that a symmetric matrix's eigenvectors for distinct eigenvalues are orthogonal."""
    return tuple(
        DotProduct(i, j, chain(written_sum(*(a * b for a, b in zip(u, w))), sympy.Integer(u.dot(w))))
        for (i, u), (j, w) in itertools.combinations(enumerate(vectors, 1), 2)
    )


def check_eigenpairs(a: list[list[float]], values: list[float], vectors: list[list[float]], unit: bool) -> None:
    """A v = lambda v for each pair in plain floats (no v near 0), each v of length 1 when ``unit``, and the
    vectors pairwise orthogonal, as a symmetric matrix's eigenvectors of distinct eigenvalues are."""
    n = len(a)
    for value, v in zip(values, vectors, strict=True):
        image = [sum(a[i][j] * v[j] for j in range(n)) for i in range(n)]
        require(max(map(abs, v)) > 0.1 and all(close(x, value * y) for x, y in zip(image, v)), f"A {v} != {value} v")
        require(not unit or close(math.hypot(*v), 1.0), f"{v} is not a unit vector")
    for u, w in itertools.combinations(vectors, 2):
        require(abs(sum(x * y for x, y in zip(u, w))) < 1e-9, f"eigenvectors {u} and {w} are not orthogonal")
