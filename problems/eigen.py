"""Eigenvalues and eigenvectors of a symmetric 2x2 or 3x3 integer matrix with integer eigenvalues.

The spectral decomposition behind PCA and quadratic forms. The solution expands det(A - lambda I)
(a 3x3 along its first row, each 2x2 minor worked), factors it, and finds each eigenvector
orthogonal to the rows of A - lambda I: from the one equation p x_1 + q x_2 = 0 of a 2x2, or as the
cross product of two rows of a 3x3 that are not parallel, its common factor taken out; then it checks
A v = lambda v for each, and shows the eigenvectors orthogonal, each pair's dot product worked ("Check: v_1 . v_2 = 0"
alone checked no eigenvector: two TA reads). Option ``normalised`` asks for unit eigenvectors.
Drawn as c I + alpha u u^T (+ beta w w^T) with small orthogonal integer u, w. The check: the eigenvalues
against trace, principal minors and determinant (Vieta), A v = lambda v and orthogonality in floats, det(A - t I)
by the rule of Sarrus.

Excluded by construction: an eigenvalue 0, a 2x2 with equal diagonal entries (eigenvectors (1, 1) and
(1, -1) every time), a repeated eigenvalue (an eigenspace of dimension 2), a diagonal matrix or
one more than a third zero (a block gives an eigenvector away), entries above 6, eigenvalues above 10
or eigenvector entries above 3 in size, and the canonical matrix.

answers.json keys: ``inputs.matrix``, ``inputs.normalised``; ``answers.polynomial`` (det(A - lambda I)
multiplied out), ``answers.eigenvalues`` (descending, the order of the printed factors of det(A - lambda I)),
``answers.eigenvectors`` (in that order: integer, first non-zero entry positive, divided by their length
when normalised; any non-zero multiple is as right); worked: ``answers.shifted`` (A - lambda I), ``minors``,
``determinant``, ``pairs``, ``orthogonality`` (v_i . v_j of the integer eigenvectors), ``images`` (A v_i).
"""

import functools
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import (
    BoolOption,
    Chain,
    Family,
    IntOption,
    close,
    distinct,
    require,
)
from generator.kit.eigen import DotProduct, Eigenpair, characteristic, check_eigenpairs, eigenpair, orthogonality
from generator.kit.linalg import (
    WrittenDeterminant,
    float_determinant,
    minor_name,
    spectral_matrices,
    to_floats,
    vieta_agrees,
)
from generator.kit.widths import printed_width

LAMBDA = sympy.Symbol("lamda")  # printed \lambda; "lambda" would not read back from answers.json (a keyword)
MAX_EXPANSION_WIDTH = 33
"""Characters (``printed_width``) of the first-row expansion of det(A - lambda I): of 200 compiled 3x3 variants,
five counted 34 to 36 ran up to 9 pt into the margin (the dot of (a - lambda) . (minor) is not counted)."""


@dataclass(frozen=True)
class Params:
    matrix: sympy.ImmutableMatrix
    normalised: bool


@dataclass(frozen=True)
class Answer:
    shifted: sympy.ImmutableMatrix
    minors: tuple[tuple[WrittenDeterminant, Chain], ...]  # 3x3: of each non-zero entry of row 1, worked
    determinant: Chain
    polynomial: sympy.Expr
    eigenvalues: tuple[sympy.Integer, ...]
    pairs: tuple[Eigenpair, ...]
    eigenvectors: tuple[sympy.Basic, ...]
    orthogonality: tuple[DotProduct, ...]
    images: tuple[sympy.ImmutableMatrix, ...]
    """A v_k for each integer eigenvector v_k: the check the solution ends with, A v_k = lambda_k v_k."""

    @property
    def minor_names(self) -> tuple[str, ...]:
        """``M_{1k}`` for each minor worked, k the column of its entry (a zero entry has none)."""
        return tuple(minor_name(k) for k in range(3) if self.minors and self.shifted[0, k] != 0)


def sample(rng: random.Random, options: Mapping) -> Params:
    def draw(r: random.Random) -> Params:
        return Params(
            sympy.ImmutableMatrix(options["n"], options["n"], r.choice(_pool(options["n"]))), options["normalised"]
        )

    return distinct(rng, draw, 1, accept=_fits, what="matrices whose expansion fits a line")[0]


def _fits(p: Params) -> bool:
    """A 3x3's expansion along its first row fits a line beside its reason (a 2x2's always does)."""
    return p.matrix.rows == 2 or printed_width(solve(p).determinant.steps[2].expr) <= MAX_EXPANSION_WIDTH


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


def solve(p: Params) -> Answer:
    worked = characteristic(p.matrix, LAMBDA)
    pairs = tuple(eigenpair(p.matrix, value) for value in worked.eigenvalues)
    vectors = tuple(pair.unit if p.normalised else pair.vector for pair in pairs)
    dots = orthogonality(tuple(pair.vector for pair in pairs))
    images = tuple(sympy.ImmutableMatrix(p.matrix * pair.vector) for pair in pairs)
    return Answer(
        worked.shifted, worked.minors, worked.determinant, worked.polynomial, worked.eigenvalues, pairs, vectors, dots, images
    )


def check(p: Params, answer: Answer, rng: random.Random) -> None:
    a, values = to_floats(p.matrix), [float(v) for v in answer.eigenvalues]
    n, t = len(a), rng.uniform(-3, 3)
    require(vieta_agrees(a, values), f"the eigenvalues {values} do not give A's trace, minors and determinant")
    require(len(set(values)) == n, f"repeated eigenvalues {values}")
    check_eigenpairs(a, values, [[float(e) for e in v] for v in answer.eigenvectors], p.normalised)
    for pair, image in zip(answer.pairs, answer.images, strict=True):  # the check printed: A v = lambda v, in floats
        product = [sum(a[i][j] * float(pair.vector[j]) for j in range(n)) for i in range(n)]
        require(
            all(close(float(e), x) and close(x, float(pair.value) * float(v)) for e, x, v in zip(image, product, pair.vector)),
            f"A v = {list(image)} for the eigenvalue {pair.value}",
        )
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
