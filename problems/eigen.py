"""Eigenvalues and eigenvectors of a symmetric 2x2 or 3x3 integer matrix with integer eigenvalues.

The spectral decomposition behind PCA and quadratic forms. The solution expands det(A - lambda I)
(a 3x3 along its first row, each 2x2 minor worked), factors it, and finds each eigenvector
orthogonal to the rows of A - lambda I: from the one equation p v_1 + q v_2 = 0 of a 2x2, or as the
cross product of two rows of a 3x3 that are not parallel, its common factor taken out. Option
``normalised`` asks for unit eigenvectors. Drawn as c I + alpha u u^T (+ beta w w^T) with small
orthogonal integer u, w. The check: the eigenvalues against trace, principal minors and determinant
(Vieta), A v = lambda v and orthogonality in floats, det(A - t I) by the rule of Sarrus.

Excluded by construction: a repeated eigenvalue (an eigenspace of dimension 2), a diagonal matrix or
one more than a third zero (a block gives an eigenvector away), entries above 6, eigenvalues above 10
or eigenvector entries above 3 in size, and the canonical matrix.

answers.json keys: ``inputs.matrix``, ``inputs.normalised``; ``answers.polynomial`` (det(A - lambda I)
multiplied out), ``answers.eigenvalues`` (ascending), ``answers.eigenvectors`` (in that order: integer,
first non-zero entry positive, divided by their length when normalised; any non-zero multiple is as
right); worked: ``answers.shifted`` (A - lambda I), ``minors``, ``determinant``, ``pairs``.
"""

import functools
import itertools
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import (
    N_,
    BoolOption,
    Chain,
    Family,
    IntOption,
    Reason,
    Step,
    WrittenSum,
    chain,
    close,
    require,
)
from generator.kit.linalg import WrittenMatrix, fraction_times
from generator.kit.notation import AsWritten

LAMBDA = sympy.Symbol("lamda")  # printed \lambda; "lambda" would not read back from answers.json (a keyword)
V1, V2 = sympy.symbols("v_1 v_2")
SMALL = [v for v in itertools.product(range(-2, 3), repeat=3) if math.gcd(*v) == 1 and next(filter(None, v)) > 0]
PAIRS = [(u, w) for u in SMALL for w in SMALL if u < w and sum(a * b for a, b in zip(u, w)) == 0]
"""Orthogonal primitive integer vectors u, w with entries in [-2, 2], for 3x3 matrices."""


@dataclass(frozen=True)
class Params:
    matrix: sympy.ImmutableMatrix
    normalised: bool


@dataclass(frozen=True)
class Eigenpair:
    """A - lambda I; 2x2: its first row p v_1 + q v_2; 3x3: the rows crossed; ``found``: (|q|, -sign(q) p) or
    r_i x r_j, its common factor taken out; the primitive eigenvector, its length (worked), the unit one."""

    value: sympy.Integer
    shifted: sympy.ImmutableMatrix
    equation: sympy.Expr | None
    rows: tuple[int, int]
    found: Chain
    vector: sympy.ImmutableMatrix
    length: Chain
    unit: sympy.Basic


@dataclass(frozen=True)
class Answer:
    shifted: sympy.ImmutableMatrix
    minors: tuple[tuple[sympy.ImmutableMatrix, Chain], ...]  # 3x3: of each non-zero entry of row 1, worked
    determinant: Chain
    polynomial: sympy.Expr
    eigenvalues: tuple[sympy.Integer, ...]
    pairs: tuple[Eigenpair, ...]
    eigenvectors: tuple[sympy.Basic, ...]


def sample(rng: random.Random, options: Mapping) -> Params:
    n = options["n"]
    return Params(sympy.ImmutableMatrix(n, n, rng.choice(_pool(n))), options["normalised"])


@functools.cache
def _pool(n: int) -> tuple[tuple[int, ...], ...]:
    """The entries of every usable c I + alpha u u^T (+ beta w w^T), each once, in a fixed order."""
    bases = [((p, q), (-q, p)) for p in (1, 2, 3) for q in (-3, -2, -1, 1, 2, 3) if math.gcd(p, q) == 1]
    steps = (-3, -2, -1, 1, 2, 3) if n == 2 else (-2, -1, 1, 2)
    found = set()
    for (u, w), c, alpha, beta in itertools.product(bases if n == 2 else PAIRS, range(-4, 5), steps, steps):
        beta = beta if n == 3 else 0
        entries = [c * (i == j) + alpha * u[i] * u[j] + beta * w[i] * w[j] for i in range(n) for j in range(n)]
        values = {c, c + alpha * sum(e * e for e in u), c + beta * sum(e * e for e in w)}
        third = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]] if n == 3 else u
        vectors = max(map(abs, (*u, *w, *(e // math.gcd(*third) for e in third))))
        few_zeros = entries.count(0) <= n * n // 3  # no block that gives an eigenvector away
        small = max(map(abs, entries)) <= 6 and max(map(abs, values)) <= 10 and vectors <= 3
        if len(values) == n and few_zeros and small:
            found.add(tuple(entries))
    return tuple(sorted(found - {tuple(p.matrix) for p in CANONICAL.values()}))


def _vector(shifted: sympy.Matrix) -> tuple[sympy.ImmutableMatrix, sympy.ImmutableMatrix, tuple[int, int]]:
    """The primitive null vector of A - lambda I, the vector it is found as, and the rows crossed (3x3)."""
    if shifted.rows == 2:
        raw, rows = sympy.ImmutableMatrix([abs(shifted[0, 1]), -sympy.sign(shifted[0, 1]) * shifted[0, 0]]), (1, 1)
    else:
        rows = next((i, j) for i, j in ((1, 2), (1, 3), (2, 3)) if any(shifted.row(i - 1).cross(shifted.row(j - 1))))
        raw = sympy.ImmutableMatrix(shifted.row(rows[0] - 1).cross(shifted.row(rows[1] - 1))).T
    return raw / (math.gcd(*raw) * (1 if next(filter(None, raw)) > 0 else -1)), raw, rows


def _times(a: sympy.Expr, b: sympy.Expr, sign: int = 1) -> sympy.Expr:
    """sign a b as a hand writes it: numbers multiplied, no 1 in front, a number before a bracket."""
    if not (a.is_number or b.is_number):
        return sympy.Mul(*([-1] if sign < 0 else []), a, b, evaluate=False)
    k, e = (sign * a, b) if a.is_number else (sign * b, a)
    return k * e if not e.is_Add or k in (0, 1) else sympy.Mul(k, e, evaluate=False)


def _det2(m: sympy.Matrix) -> sympy.Expr:
    """ad - bc of [[a, b], [c, d]], each product as written; collected at once if no bracket is left."""
    terms = (_times(m[0, 0], m[1, 1]), _times(m[0, 1], m[1, 0], -1))
    bracket = any(t.is_Mul and any(f.is_Add for f in t.args) for t in terms)
    return _written(*terms) if bracket else sympy.Add(*terms)


def _written(*terms: sympy.Expr) -> sympy.Expr:
    """The non-zero terms as written (one term alone is that term)."""
    return WrittenSum(*terms, evaluate=False) if len(terms := [t for t in terms if t != 0]) > 1 else terms[0]


def solve(p: Params) -> Answer:
    n, shifted = p.matrix.rows, sympy.ImmutableMatrix(p.matrix - LAMBDA * sympy.eye(p.matrix.rows))
    polynomial = sympy.expand(shifted.det())
    values = tuple(sorted(sympy.roots(sympy.Poly(polynomial, LAMBDA))))
    factored = sympy.Mul(*([-1] if n == 3 else []), *(LAMBDA - v for v in values), evaluate=False)
    cofactors = [(k, m) for k in range(3) if n == 3 and shifted[0, k] != 0 for m in [shifted.minor_submatrix(0, k)]]
    minors = tuple((m, chain(Step(_det2(m), "$ad - bc$"), Step(sympy.expand(m.det()), "multiply out")))
                   for _, m in cofactors)
    terms = [_times((-1) ** k * shifted[0, k], worked.result) for (k, _), (_, worked) in zip(cofactors, minors)]
    first = Step(_written(*terms), "expand along the first row") if n == 3 else Step(_det2(shifted), "$ad - bc$")
    determinant = chain(first, Step(polynomial, "multiply out and collect"), Step(factored, _factoring(values)))
    pairs = tuple(_pair(p.matrix, value) for value in values)
    vectors = tuple(pair.unit if p.normalised else pair.vector for pair in pairs)
    return Answer(shifted, minors, determinant, polynomial, values, pairs, vectors)


def _factoring(values: tuple[sympy.Integer, ...]) -> str:
    """How the roots of det(A - lambda I) are found; its constant term is their product."""
    if 0 not in values:
        product = math.prod(values)
        if len(values) == 3:
            return Reason("its integer roots divide ${product}$", product=product)
        return Reason("roots with sum ${total}$, product ${product}$", total=sum(values), product=product)
    rest = [v for v in values if v != 0]
    if len(rest) == 1:
        return N_(r"factor out $\lambda$")
    return Reason(r"factor out $-\lambda$; roots with sum ${total}$, product ${product}$", total=sum(rest), product=rest[0] * rest[1])


def _pair(matrix: sympy.ImmutableMatrix, value: sympy.Integer) -> Eigenpair:
    shifted = sympy.ImmutableMatrix(matrix - value * sympy.eye(matrix.rows))
    vector, raw, rows = _vector(shifted)
    factor = next(r / v for r, v in zip(raw, vector) if v)
    taken = [Step(WrittenMatrix(sympy.MatMul(factor, vector, evaluate=False)), Reason("take out ${factor}$", factor=factor))] if factor != 1 else []
    # Chain, not chain(): the factored vector has the same entries, and chain() would merge it away
    found = Chain((Step(raw, N_("cross product") if matrix.rows == 3 else N_("swap, negate one")), *taken))
    equation = shifted[0, 0] * V1 + shifted[0, 1] * V2 if matrix.rows == 2 else None
    squares = [e**2 for e in vector]
    length = chain(sympy.sqrt(_written(*squares), evaluate=False), root := sympy.sqrt(sum(squares)))
    unit = fraction_times(1 / (root if root.is_Integer else AsWritten(root)), vector)
    return Eigenpair(value, shifted, equation, rows, found, vector, length, unit)


def check(p: Params, answer: Answer, rng: random.Random) -> None:
    a, values = [[float(e) for e in row] for row in p.matrix.tolist()], [float(v) for v in answer.eigenvalues]
    n, t = len(a), rng.uniform(-3, 3)
    minors = sum(a[i][i] * a[j][j] - a[i][j] * a[j][i] for i in range(n) for j in range(i + 1, n))
    invariants = [sum(a[i][i] for i in range(n)), *([minors] if n == 3 else []), _float_det(a)]
    for k, want in enumerate(invariants, 1):  # Vieta: trace, sum of principal minors, determinant
        got = sum(math.prod(c) for c in itertools.combinations(values, k))
        require(close(got, want), f"the eigenvalues {values} do not give trace, minors, determinant {invariants}")
    require(len(set(values)) == n, f"repeated eigenvalues {values}")
    vectors = [[float(e) for e in v] for v in answer.eigenvectors]
    for value, v in zip(values, vectors, strict=True):
        image = [sum(a[i][j] * v[j] for j in range(n)) for i in range(n)]
        require(max(map(abs, v)) > 0.1 and all(close(x, value * y) for x, y in zip(image, v)), f"A {v} != {value} v")
        require(not p.normalised or close(math.hypot(*v), 1.0), f"{v} is not a unit vector")
    for u, w in itertools.combinations(vectors, 2):
        require(abs(sum(x * y for x, y in zip(u, w))) < 1e-9, f"eigenvectors {u} and {w} are not orthogonal")
    direct = _float_det([[a[i][j] - (t if i == j else 0) for j in range(n)] for i in range(n)])
    require(close(float(answer.polynomial.subs(LAMBDA, t)), direct), f"det(A - {t} I) is {direct}")


def _float_det(a: list[list[float]]) -> float:
    """The determinant of a 2x2 or 3x3 float matrix by the rule of Sarrus (not by cofactors)."""
    if len(a) == 2:
        return a[0][0] * a[1][1] - a[0][1] * a[1][0]
    down = sum(math.prod(a[i][(i + k) % 3] for i in range(3)) for k in range(3))
    return down - sum(math.prod(a[i][(k - i) % 3] for i in range(3)) for k in range(3))


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
