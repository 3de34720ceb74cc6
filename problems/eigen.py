"""Eigenvalues and eigenvectors of a symmetric 2x2 or 3x3 integer matrix with integer eigenvalues.

The spectral decomposition behind PCA and quadratic forms. The solution expands det(A - lambda I)
(a 3x3 along its first row, each 2x2 minor worked), factors it, and finds each eigenvector
orthogonal to the rows of A - lambda I: from the one equation p x_1 + q x_2 = 0 of a 2x2, or as the
cross product of two rows of a 3x3 that are not parallel, its common factor taken out. Option
``normalised`` asks for unit eigenvectors. Drawn as c I + alpha u u^T (+ beta w w^T) with small
orthogonal integer u, w. The check: the eigenvalues against trace, principal minors and determinant
(Vieta), A v = lambda v and orthogonality in floats, det(A - t I) by the rule of Sarrus.

Excluded by construction: an eigenvalue 0, a 2x2 with equal diagonal entries (eigenvectors (1, 1) and
(1, -1) every time), a repeated eigenvalue (an eigenspace of dimension 2), a diagonal matrix or
one more than a third zero (a block gives an eigenvector away), entries above 6, eigenvalues above 10
or eigenvector entries above 3 in size, and the canonical matrix.

answers.json keys: ``inputs.matrix``, ``inputs.normalised``; ``answers.polynomial`` (det(A - lambda I)
multiplied out), ``answers.eigenvalues`` (descending, the order of the printed factors of det(A - lambda I)),
``answers.eigenvectors`` (in that order: integer, first non-zero entry positive, divided by their length
when normalised; any non-zero multiple is as right); worked: ``answers.shifted`` (A - lambda I), ``minors``,
``determinant``, ``pairs``.
"""

import functools
import itertools
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import (
    BoolOption,
    Chain,
    Family,
    IntOption,
    Reason,
    Step,
    chain,
    close,
    distinct,
    require,
)
from generator.kit.linalg import (
    NullVector,
    WrittenDeterminant,
    float_determinant,
    null_vector,
    spectral_matrices,
    to_floats,
    unit_vector,
    vieta_agrees,
    worked_determinant,
)
from generator.kit.notation import written_sum
from generator.kit.widths import printed_width

LAMBDA = sympy.Symbol("lamda")  # printed \lambda; "lambda" would not read back from answers.json (a keyword)
X1, X2 = sympy.symbols("x_1 x_2")  # the entries of the unknown x; v_k names the eigenvector found
MAX_EXPANSION_WIDTH = 33
"""Characters (``printed_width``) of the first-row expansion of det(A - lambda I): of 200 compiled 3x3 variants,
five counted 34 to 36 ran up to 9 pt into the margin (the dot of (a - lambda) . (minor) is not counted)."""


@dataclass(frozen=True)
class Params:
    matrix: sympy.ImmutableMatrix
    normalised: bool


@dataclass(frozen=True)
class Eigenpair:
    """A - lambda I at the eigenvalue; a 2x2's first row as the equation p x_1 + q x_2 = 0; the primitive
    eigenvector as the rows give it (``NullVector``: swapped and negated, or a cross product); its length
    worked, and the unit eigenvector."""

    value: sympy.Integer
    shifted: sympy.ImmutableMatrix
    equation: sympy.Expr | None
    null: NullVector
    length: Chain
    unit: sympy.Basic

    @property
    def vector(self) -> sympy.ImmutableMatrix:
        return self.null.vector


@dataclass(frozen=True)
class Answer:
    shifted: sympy.ImmutableMatrix
    minors: tuple[tuple[WrittenDeterminant, Chain], ...]  # 3x3: of each non-zero entry of row 1, worked
    determinant: Chain
    polynomial: sympy.Expr
    eigenvalues: tuple[sympy.Integer, ...]
    pairs: tuple[Eigenpair, ...]
    eigenvectors: tuple[sympy.Basic, ...]


def sample(rng: random.Random, options: Mapping) -> Params:
    def draw(r: random.Random) -> Params:
        return Params(
            sympy.ImmutableMatrix(options["n"], options["n"], r.choice(_pool(options["n"]))), options["normalised"]
        )

    return distinct(rng, draw, 1, accept=_fits, what="matrices whose expansion fits a line")[0]


def _fits(p: Params) -> bool:
    """A 3x3's expansion along its first row fits a line beside its reason (a 2x2's always does)."""
    return p.matrix.rows == 2 or printed_width(solve(p).determinant.steps[1].expr) <= MAX_EXPANSION_WIDTH


@functools.cache
def _pool(n: int) -> tuple[tuple[int, ...], ...]:
    """The kit's symmetric matrices with integer eigenvalues, less the canonical one, singular ones (an eigenvalue
    0 makes det(A - lambda I) a bare factor lambda, and A no longer invertible, as nothing else in the exercise is)
    and 2x2 ones with equal diagonal entries (their eigenvectors are always (1, 1) and (1, -1), the example's)."""
    canonical = {tuple(p.matrix) for p in CANONICAL.values()}
    return tuple(
        e
        for e in spectral_matrices(n)
        if e not in canonical and sympy.Matrix(n, n, e).det() != 0 and not (n == 2 and e[0] == e[3])
    )


def _shifted(matrix: sympy.ImmutableMatrix, value: sympy.Expr) -> sympy.ImmutableMatrix:
    """A - value I, each diagonal entry written a - lambda (``-5 - lambda`` beside ``1 - lambda``)."""
    diagonal = [written_sum(*(t for t in (matrix[i, i], -value) if t != 0)) for i in range(matrix.rows)]
    return sympy.ImmutableMatrix(matrix.rows, matrix.cols, lambda i, j: diagonal[i] if i == j else matrix[i, j])


def solve(p: Params) -> Answer:
    shifted = _shifted(p.matrix, LAMBDA)
    minors, worked = worked_determinant(shifted)
    polynomial = worked.result
    # descending, the order the factors print in, so they read off left to right
    values = tuple(sorted(sympy.roots(sympy.Poly(polynomial, LAMBDA)), reverse=True))
    factors = [LAMBDA - v for v in values]
    factored = sympy.Mul(*([-1] if p.matrix.rows == 3 else []), *factors, evaluate=False)
    determinant = chain(*worked.steps, Step(factored, _factoring(values)))
    pairs = tuple(_pair(p.matrix, value) for value in values)
    vectors = tuple(pair.unit if p.normalised else pair.vector for pair in pairs)
    return Answer(shifted, minors, determinant, polynomial, values, pairs, vectors)


def _factoring(values: tuple[sympy.Integer, ...]) -> Reason:
    """How the roots of det(A - lambda I) are found: its constant term is their product (no root is 0)."""
    if len(values) == 3:
        return Reason("its integer roots divide ${product}$", product=math.prod(values))
    return Reason("roots with sum ${total}$, product ${product}$", total=sum(values), product=math.prod(values))


def _pair(matrix: sympy.ImmutableMatrix, value: sympy.Integer) -> Eigenpair:
    shifted = sympy.ImmutableMatrix(matrix - value * sympy.eye(matrix.rows))
    found = null_vector(shifted)
    equation = shifted[0, 0] * X1 + shifted[0, 1] * X2 if matrix.rows == 2 else None
    return Eigenpair(value, shifted, equation, found, *unit_vector(found.vector))


def check(p: Params, answer: Answer, rng: random.Random) -> None:
    a, values = to_floats(p.matrix), [float(v) for v in answer.eigenvalues]
    n, t = len(a), rng.uniform(-3, 3)
    require(vieta_agrees(a, values), f"the eigenvalues {values} do not give A's trace, minors and determinant")
    require(len(set(values)) == n, f"repeated eigenvalues {values}")
    vectors = [[float(e) for e in v] for v in answer.eigenvectors]
    for value, v in zip(values, vectors, strict=True):
        image = [sum(a[i][j] * v[j] for j in range(n)) for i in range(n)]
        require(max(map(abs, v)) > 0.1 and all(close(x, value * y) for x, y in zip(image, v)), f"A {v} != {value} v")
        require(not p.normalised or close(math.hypot(*v), 1.0), f"{v} is not a unit vector")
    for u, w in itertools.combinations(vectors, 2):
        require(abs(sum(x * y for x, y in zip(u, w))) < 1e-9, f"eigenvectors {u} and {w} are not orthogonal")
    direct = float_determinant([[a[i][j] - (t if i == j else 0) for j in range(n)] for i in range(n)])
    require(close(float(answer.polynomial.subs(LAMBDA, t)), direct), f"det(A - {t} I) is {direct}")


CANONICAL = {"eigen-example": Params(sympy.ImmutableMatrix([[2, 1], [1, 2]]), False)}

FAMILY = Family(
    name="eigen",
    summary="Eigenvalues and eigenvectors of a symmetric 2x2 or 3x3 matrix with integer eigenvalues.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        IntOption("n", 2, 2, 3, "size of the matrix"),
        BoolOption("normalised", False, "ask for unit eigenvectors instead of integer ones"),
    ),
    canonical=CANONICAL,
    difficulty=lambda params, answer: 2 * params.matrix.rows - 1 + len(answer.minors) / 3 + params.normalised,
    key_fields=("polynomial", "eigenvalues", "eigenvectors"),
)
