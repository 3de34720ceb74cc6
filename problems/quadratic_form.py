"""Quadratic and bilinear forms: double index sums <-> matrix-vector products, in letters.

One family for both directions; the concrete exercise (expand x^T M x for a small integer M, or
find the symmetric M of a polynomial) is its own family, quadratic-polynomial, because it draws
numbers instead of letters and differs in its answers, worked steps and check.

Directions (option ``direction``):

* ``sum-to-matrix``: write sum_i sum_j u_i v_j M_ij with matrix-vector products only (answer
  u^T M v; with the index swap M_ji it is v^T M u).
* ``matrix-to-sum``: write u^T M v (or u^T M^T v) as a double index sum.

Variants are quadratic (u = v = x in R^N) or bilinear (x in R^m, y in R^n), with varying
letters and, half of the time, the matrix indices swapped. The letters never name what matrix-shapes
names (its unknowns A to H and a to h, its dimension M), which shares an exercise with this
family on the sheets: one letter, one meaning on a page. So the original's M is Q here.

Worked steps (verified chains): from the given form to the answer through the matrix-vector
product entry by entry (``(Mv)_i = sum_j M_ij v_j``), checked by the engine on an instance
(``generator.kit.linalg.OnInstance``).

Excluded by construction: a random seed equal to the canonical instance.

answers.json keys: ``inputs.direction``, ``inputs.left`` / ``inputs.right`` / ``inputs.matrix``
(symbol names), ``inputs.transposed`` (indices swapped), ``inputs.indices``, ``inputs.given``
(what is to be rewritten); ``answers.form`` (the rewritten form: u^T M v or the double sum),
``answers.inner`` (the matrix-vector product the solution goes through) and ``answers.steps``
(from the given form to the answer). Matrix expressions are stored in SymPy's syntax
(``x.T*M*x``); read them back with the symbols as ``MatrixSymbol`` locals.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy import MatMul

from generator.kit import N_, Chain, ChoiceOption, Family, Reason, Step, close, distinct, require
from generator.kit.linalg import (
    OnInstance,
    double_loop_form,
    float_product,
    float_value,
    index_value,
    integer_matrix,
    matrix,
    size,
    to_floats,
    vector,
)
from generator.kit.notation import Entries, EntryOf, IndexSum, Top

QUADRATIC_VECTORS = ("x", "z", "w", "u")
BILINEAR_VECTORS = (("x", "y"), ("u", "v"), ("v", "w"))
MATRICES = ("Q", "W", "S", "P")
SIZES = ("N", "n")
SIZE_PAIRS = (("m", "n"), ("p", "q"))
INDEX_PAIRS = (("i", "j"), ("k", "l"))


@dataclass(frozen=True)
class Params:
    direction: str
    left: sympy.MatrixSymbol
    right: sympy.MatrixSymbol
    matrix: sympy.MatrixSymbol
    transposed: bool
    indices: tuple[sympy.Symbol, sympy.Symbol]
    given: sympy.Basic


@dataclass(frozen=True)
class Answer:
    form: sympy.Basic
    inner: sympy.Basic
    steps: Chain


def index_sum(left, matrix_, right, transposed: bool, indices) -> IndexSum:
    """sum_i sum_j u_i M_ij v_j (M_ji when transposed), outer sum over the entries of u."""
    i, j = indices
    u, m, v = (Entries(s.name) for s in (left, matrix_, right))
    entry = m[j, i] if transposed else m[i, j]
    return IndexSum(u[i] * entry * v[j], (j, 1, right.rows), (i, 1, left.rows))


def matrix_product(left, matrix_, right, transposed: bool) -> sympy.MatrixExpr:
    """u^T M v (u^T M^T v when transposed), as the matrix-to-sum exercise states it."""
    return MatMul(Top(left), Top(matrix_) if transposed else matrix_, right)


def _symbols(rng: random.Random) -> tuple:
    """The vectors u, v and the matrix M of a symbolic variant (M sized to the sum as written)."""
    transposed = rng.random() < 0.5
    if rng.random() < 0.5:
        n = size(rng.choice(SIZES))
        u = v = vector(rng.choice(QUADRATIC_VECTORS), n)
    else:
        u_name, v_name = rng.choice(BILINEAR_VECTORS)
        m_size, n_size = (size(s) for s in rng.choice(SIZE_PAIRS))
        u, v = vector(u_name, m_size), vector(v_name, n_size)
    rows, cols = (v.rows, u.rows) if transposed else (u.rows, v.rows)
    return u, v, matrix(rng.choice(MATRICES), rows, cols), transposed


def _symbolic(rng: random.Random, direction: str) -> Params:
    indices = tuple(sympy.Symbol(s, integer=True) for s in rng.choice(INDEX_PAIRS))
    u, v, m, transposed = _symbols(rng)
    if direction == "sum-to-matrix":
        given = index_sum(u, m, v, transposed, indices)
    else:
        given = matrix_product(u, m, v, transposed)
    return Params(direction, u, v, m, transposed, indices, given)


def sample(rng: random.Random, options: Mapping) -> Params:
    def draw(r: random.Random) -> Params:
        return _symbolic(r, options["direction"])

    return distinct(rng, draw, 1, accept=lambda p: p not in CANONICAL.values(), what="letters")[0]


def solve(p: Params) -> Answer:
    i, j = p.indices
    u, m, v = (Entries(s.name) for s in (p.left, p.matrix, p.right))
    given = Step(OnInstance(p.given), "")
    if p.direction == "matrix-to-sum":
        product = MatMul(Top(p.matrix) if p.transposed else p.matrix, p.right)
        inner = IndexSum((m[j, i] if p.transposed else m[i, j]) * v[j], (j, 1, p.right.rows))
        form = index_sum(p.left, p.matrix, p.right, p.transposed, p.indices)
        steps = (
            given,
            Step(OnInstance(IndexSum(u[i] * EntryOf(product, i), (i, 1, p.left.rows))), ROW_TIMES_COLUMN),
            Step(OnInstance(IndexSum(u[i] * inner, (i, 1, p.left.rows))), "matrix–vector product"),
            Step(OnInstance(form), Reason("${name}_{{{index}}}$ into the inner sum", name=p.left.name, index=i)),
        )
        return Answer(form, inner, Chain(steps))
    # The vector carrying the row index of M stands left of M, the one carrying the column index right.
    (first, row), (second, column) = ((p.right, j), (p.left, i)) if p.transposed else ((p.left, i), (p.right, j))
    outer, summed = Entries(first.name), Entries(second.name)
    product = MatMul(p.matrix, second)
    inner_sum = IndexSum(m[row, column] * summed[column], (column, 1, second.rows))
    nested = IndexSum(outer[row] * inner_sum, (row, 1, first.rows))
    steps = (
        given,
        Step(OnInstance(nested), _out_of_inner_sum(p.transposed, first.name, row)),
        Step(OnInstance(IndexSum(outer[row] * EntryOf(product, row), (row, 1, first.rows))), "matrix–vector product"),
        Step(OnInstance(MatMul(Top(first), p.matrix, second)), ROW_TIMES_COLUMN),
    )
    return Answer(MatMul(Top(first), p.matrix, second), product, Chain(steps))


ROW_TIMES_COLUMN = N_("row vector times column vector")
"""The step between x^T (S y) and the sum of x_k (S y)_k: a matrix product, as the statement asks for (its name "dot
product" read as breaking the statement's "only matrix-vector products", TA read EN 8933 1.1(b))."""


def _out_of_inner_sum(swapped: bool, name: str, index: sympy.Symbol) -> Reason:
    """The reason of the step that takes the outer vector's entry out of the inner sum (after swapping the sums)."""
    if swapped:
        return Reason("swap the sums, ${name}_{{{index}}}$ out of the inner sum", name=name, index=index)
    return Reason("${name}_{{{index}}}$ out of the inner sum", name=name, index=index)


def _value(expr: sympy.Basic, sizes: Mapping, values: Mapping) -> float:
    """A scalar form at concrete values: index sums and matrix products by explicit loops."""
    if isinstance(expr, sympy.MatrixExpr):
        return float_value(expr, sizes, values)[0][0]
    return index_value(expr, sizes, {s.name: value for s, value in values.items()})


def check(p: Params, answer: Answer, rng: random.Random) -> None:
    symbols = sorted({s for s in (p.left.rows, p.right.rows) if s.is_Symbol}, key=str)
    for _ in range(3):
        sizes = dict(zip(symbols, (sympy.Integer(d) for d in rng.sample(range(2, 6), len(symbols)))))
        rows, cols = (int(d.xreplace(sizes)) for d in p.matrix.shape)
        u_values = integer_matrix(rng, int(p.left.rows.xreplace(sizes)), 1, -5, 5)
        v_rows = int(p.right.rows.xreplace(sizes))
        v_values = u_values if p.right == p.left else integer_matrix(rng, v_rows, 1, -5, 5)
        m_values = integer_matrix(rng, rows, cols, -5, 5)
        values = {p.left: u_values, p.right: v_values, p.matrix: m_values}
        as_written = m_values.T if p.transposed else m_values
        loops = double_loop_form(to_floats(u_values), to_floats(as_written), to_floats(v_values))
        given = _value(p.given, sizes, values)
        require(close(given, loops), f"the given form is {given} but its definition gives {loops}")
        claimed = _value(answer.form, sizes, values)
        require(close(claimed, loops), f"the answer gives {claimed}, the double sum {loops} (sizes {sizes})")
        last = _value(answer.steps.result.args[0], sizes, values)
        require(close(last, loops), f"the last step gives {last}, the double sum {loops} (sizes {sizes})")
        _check_inner(p, answer.inner, sizes, values)


def _check_inner(p: Params, inner: sympy.Basic, sizes: Mapping, values: Mapping) -> None:
    """The intermediate product M v (or its i-th entry as a sum) against a plain loop."""
    m_values = values[p.matrix]
    if isinstance(inner, sympy.MatrixExpr):
        second = p.left if p.transposed else p.right
        expected = float_product(to_floats(m_values), to_floats(values[second]), "M v")
        claimed = float_value(inner, sizes, values)
        require(all(close(a[0], b[0]) for a, b in zip(claimed, expected, strict=True)), "the product M v is wrong")
        return
    as_written = m_values.T if p.transposed else m_values
    expected = float_product(to_floats(as_written), to_floats(values[p.right]), "M v")
    arrays = {s.name: value for s, value in values.items()}
    for row in range(len(expected)):
        claimed = index_value(inner, sizes, arrays, {p.indices[0]: row + 1})
        require(close(claimed, expected[row][0]), f"entry {row + 1} of M v: {claimed}, not {expected[row][0]}")


_N = size("N")
_X, _M = vector("x", _N), matrix("Q", _N, _N)  # the original's M: M is a dimension in matrix-shapes beside it
_IJ = (sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True))
CANONICAL = {
    "idl-math-background-1.1b": Params("sum-to-matrix", _X, _X, _M, False, _IJ, index_sum(_X, _M, _X, False, _IJ)),
}

FAMILY = Family(
    name="quadratic-form",
    summary="Quadratic and bilinear forms: double index sums <-> x^T M x, in letters.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption(
            "direction",
            "matrix-to-sum",
            ("sum-to-matrix", "matrix-to-sum"),
            "rewrite an index sum as x^T M x, or x^T M x as an index sum",
        ),
    ),
    canonical=CANONICAL,
)
