"""Quadratic and bilinear forms: double index sums <-> matrix-vector products.

Directions (option ``direction``):

* ``sum-to-matrix``: write sum_i sum_j u_i v_j M_ij with matrix-vector products only (answer
  u^T M v; with the index swap M_ji it is v^T M u). Concrete mode: a quadratic polynomial in
  x_1..x_n is to be written as x^T M x with a symmetric M (M_ii = coefficient of x_i^2,
  M_ij = M_ji = half the coefficient of x_i x_j).
* ``matrix-to-sum``: write u^T M v (or u^T M^T v) as a double index sum. Concrete mode: expand
  x^T M x for a small integer M into a polynomial (coefficient of x_i x_j is M_ij + M_ji).

Symbolic variants are quadratic (u = v = x in R^N) or bilinear (x in R^m, y in R^n), with
varying letters and, half of the time, the matrix indices swapped. Options: ``direction``,
``mode`` (symbolic / concrete), ``n`` (size of the concrete matrix).

Worked steps (verified chains): symbolic variants go from the given form to the answer through
the matrix-vector product entry by entry (``(Mv)_i = sum_j M_ij v_j``), checked by the engine
on an instance (``generator.kit.linalg.OnInstance``); concrete variants compute M x
(``WrittenMatrix``) and then x^T (M x) multiplied out.

Excluded by construction: in symbolic mode a random seed equal to the canonical instance; in
concrete mode a diagonal form (some x_i x_j term with i != j always survives), a variable that
does not occur, a form without squares, a matrix more than a third zero (given or found), and an
expansion too wide for a line; the matrix to expand is never symmetric, so that M_ij + M_ji matters.

answers.json keys: ``inputs.direction``, ``inputs.mode``, ``inputs.left`` / ``inputs.right`` /
``inputs.matrix`` (symbol names), ``inputs.transposed`` (indices swapped), ``inputs.indices``,
``inputs.given`` (what is to be rewritten), ``inputs.entries`` (the concrete matrix, or null);
``answers.form`` (the rewritten form: u^T M v, the double sum, the polynomial or the symmetric
matrix), ``answers.inner`` (the matrix-vector product the solution goes through), in symbolic
mode ``answers.steps`` (from the given form to the answer), and, in concrete mode only,
``answers.product_steps`` (M x), ``answers.expansion`` (x_1 (Mx)_1 + ... + x_n (Mx)_n),
``answers.expansion_steps`` (the expansion multiplied out), ``answers.mixed`` ([i, j, M_ij,
M_ji, coefficient of x_i x_j] for i < j) and ``answers.splits`` (sum-to-matrix: each M_ij as
half the coefficient of x_i x_j, worked; empty otherwise). Matrix expressions
are stored in SymPy's syntax (``x.T*M*x``); read them back with the symbols as ``MatrixSymbol``
locals.
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy import MatMul

from generator.kit import (
    Chain,
    ChoiceOption,
    Family,
    IntOption,
    Step,
    WrittenProduct,
    WrittenSum,
    chain,
    close,
    distinct,
    require,
)
from generator.kit.linalg import (
    Entries,
    EntryOf,
    IndexSum,
    OnInstance,
    Top,
    WrittenMatrix,
    coordinates,
    double_loop_form,
    exact_value,
    few_zeros,
    float_product,
    float_value,
    index_value,
    integer_matrix,
    matrix,
    polynomial_function,
    size,
    to_floats,
    vector,
)
from generator.kit.widths import MAX_STEP_WIDTH, printed_width

QUADRATIC_VECTORS = ("x", "z", "w", "u")
BILINEAR_VECTORS = (("x", "y"), ("u", "v"), ("a", "b"))
MATRICES = ("M", "A", "Q", "W")
SIZES = ("N", "n", "d")
SIZE_PAIRS = (("m", "n"), ("p", "q"), ("n", "d"))
EXPANSION_WIDTH = MAX_STEP_WIDTH - 8
"""The expansion's line also carries x^T M x = and the reason "dot product with x"."""
INDEX_PAIRS = (("i", "j"), ("k", "l"))
_IJ = (sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True))


@dataclass(frozen=True)
class Params:
    direction: str
    mode: str
    left: sympy.MatrixSymbol
    right: sympy.MatrixSymbol
    matrix: sympy.MatrixSymbol
    transposed: bool
    indices: tuple[sympy.Symbol, sympy.Symbol]
    given: sympy.Basic
    entries: sympy.ImmutableMatrix | None


@dataclass(frozen=True)
class SymbolicAnswer:
    form: sympy.Basic
    inner: sympy.Basic
    steps: Chain


@dataclass(frozen=True)
class ConcreteAnswer:
    form: sympy.Basic
    inner: sympy.ImmutableMatrix
    product_steps: Chain
    expansion: sympy.Expr
    expansion_steps: Chain
    mixed: tuple[tuple[int, int, sympy.Expr, sympy.Expr, sympy.Expr], ...]
    splits: tuple[Chain, ...]


def index_sum(left, matrix_, right, transposed: bool, indices) -> IndexSum:
    """sum_i sum_j u_i M_ij v_j (M_ji when transposed), outer sum over the entries of u."""
    i, j = indices
    u, m, v = (Entries(s.name) for s in (left, matrix_, right))
    entry = m[j, i] if transposed else m[i, j]
    return IndexSum(u[i] * entry * v[j], (j, 1, right.rows), (i, 1, left.rows))


def matrix_product(left, matrix_, right, transposed: bool) -> sympy.MatrixExpr:
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
    return Params(direction, "symbolic", u, v, m, transposed, indices, given, None)


def _concrete_polynomial(rng: random.Random, n: int) -> sympy.Expr:
    """sum_{i<=j} c_ij x_i x_j with some square, some mixed term and every variable present."""
    pairs = [(i, j) for i in range(n) for j in range(i, n)]

    def draw(r: random.Random) -> tuple[int, ...]:
        return tuple(r.randint(-4, 4) if i == j else r.randint(-6, 6) for i, j in pairs)

    xs = coordinates(n)

    def polynomial(coefficients: tuple[int, ...]) -> sympy.Expr:
        return sympy.Add(*(c * xs[i] * xs[j] for (i, j), c in zip(pairs, coefficients)))

    def usable(coefficients: tuple[int, ...]) -> bool:
        terms = [pair for pair, c in zip(pairs, coefficients) if c]
        return (
            any(i == j for i, j in terms)
            and any(i != j for i, j in terms)
            and all(any(k in pair for pair in terms) for k in range(n))
            and _workable(_symmetric_matrix(polynomial(coefficients), xs))
        )

    return polynomial(distinct(rng, draw, 1, accept=usable, what="quadratic forms")[0])


def _workable(m: sympy.ImmutableMatrix) -> bool:
    """At most a third of M zero, and the expansion x_1 (Mx)_1 + ... + x_n (Mx)_n fits a line."""
    return few_zeros(m) and printed_width(_expansion(m)) <= EXPANSION_WIDTH


def _expansion(m: sympy.ImmutableMatrix) -> sympy.Expr:
    """x_1 (Mx)_1 + ... + x_n (Mx)_n, as the dot product of x with M x writes it."""
    xs = sympy.ImmutableMatrix(coordinates(m.rows))
    inner = exact_value(MatMul(m, xs))
    return WrittenSum(*(xs[k] * inner[k] for k in range(m.rows)), evaluate=False)


def _expandable(m: sympy.ImmutableMatrix) -> bool:
    """Not symmetric, some mixed term x_i x_j survives, and every x_k occurs in x^T M x."""
    n = m.rows
    mixed = {(i, j): m[i, j] + m[j, i] for i in range(n) for j in range(n) if i != j}
    present = all(m[k, k] or any(mixed[k, j] for j in range(n) if j != k) for k in range(n))
    return m != m.T and any(mixed.values()) and present and _workable(m)


def sample(rng: random.Random, options: Mapping) -> Params:
    direction, mode = options["direction"], options["mode"]
    if mode == "symbolic":
        draw = lambda r: _symbolic(r, direction)  # noqa: E731
        return distinct(rng, draw, 1, accept=lambda p: p not in CANONICAL.values(), what="letters")[0]
    n = options["n"]
    x, m = vector("x", n), matrix("M", n, n)
    if direction == "sum-to-matrix":
        return Params(direction, mode, x, x, m, False, _IJ, _concrete_polynomial(rng, n), None)
    entries = integer_matrix(rng, n, n, accept=_expandable, what="non-symmetric matrices")
    return Params(direction, mode, x, x, m, False, _IJ, matrix_product(x, m, x, False), entries)


def solve(params: Params) -> SymbolicAnswer | ConcreteAnswer:
    return _solve_symbolic(params) if params.mode == "symbolic" else _solve_concrete(params)


def _solve_symbolic(p: Params) -> SymbolicAnswer:
    i, j = p.indices
    u, m, v = (Entries(s.name) for s in (p.left, p.matrix, p.right))
    given = Step(OnInstance(p.given), "")
    if p.direction == "matrix-to-sum":
        product = MatMul(Top(p.matrix) if p.transposed else p.matrix, p.right)
        inner = IndexSum((m[j, i] if p.transposed else m[i, j]) * v[j], (j, 1, p.right.rows))
        form = index_sum(p.left, p.matrix, p.right, p.transposed, p.indices)
        steps = (
            given,
            Step(OnInstance(IndexSum(u[i] * EntryOf(product, i), (i, 1, p.left.rows))), "dot product"),
            Step(OnInstance(IndexSum(u[i] * inner, (i, 1, p.left.rows))), "matrix-vector product"),
            Step(OnInstance(form), f"${p.left.name}_{{{i}}}$ into the inner sum"),
        )
        return SymbolicAnswer(form, inner, Chain(steps))
    # The vector carrying the row index of M stands left of M, the one carrying the column index right.
    (first, row), (second, column) = ((p.right, j), (p.left, i)) if p.transposed else ((p.left, i), (p.right, j))
    outer, summed = Entries(first.name), Entries(second.name)
    product = MatMul(p.matrix, second)
    inner_sum = IndexSum(m[row, column] * summed[column], (column, 1, second.rows))
    nested = IndexSum(outer[row] * inner_sum, (row, 1, first.rows))
    steps = (
        given,
        Step(OnInstance(nested), ("swap the sums, " if p.transposed else "") + f"${first.name}_{{{row}}}$ out of the inner sum"),
        Step(OnInstance(IndexSum(outer[row] * EntryOf(product, row), (row, 1, first.rows))), "matrix-vector product"),
        Step(OnInstance(MatMul(Top(first), p.matrix, second)), "dot product"),
    )
    return SymbolicAnswer(MatMul(Top(first), p.matrix, second), product, Chain(steps))


def _symmetric_matrix(polynomial: sympy.Expr, xs) -> sympy.ImmutableMatrix:
    """M_ii = coefficient of x_i^2, M_ij = M_ji = half the coefficient of x_i x_j."""
    poly = sympy.Poly(polynomial, *xs)

    def entry(i: int, j: int) -> sympy.Expr:
        if i == j:
            return poly.coeff_monomial(xs[i] ** 2)
        return sympy.Rational(poly.coeff_monomial(xs[i] * xs[j]), 2)

    return sympy.ImmutableMatrix(len(xs), len(xs), entry)


def _solve_concrete(p: Params) -> ConcreteAnswer:
    n = p.left.rows
    xs = sympy.ImmutableMatrix(coordinates(n))
    entries = p.entries if p.direction == "matrix-to-sum" else _symmetric_matrix(p.given, xs)
    inner = exact_value(MatMul(entries, xs))
    expansion = _expansion(entries)
    mixed = tuple(
        (i + 1, j + 1, entries[i, j], entries[j, i], entries[i, j] + entries[j, i])
        for i in range(n)
        for j in range(i + 1, n)
    )
    polynomial = sympy.expand(sympy.Add(*expansion.args))
    product_steps = Chain((Step(WrittenMatrix(MatMul(entries, xs)), ""), Step(inner, "row times column")))
    # chain(): with zeros in M (x_1 (-3 x_2) + x_2 (-x_2)) there can be nothing left to multiply out.
    expansion_steps = chain(
        Step(expansion, r"dot product with $\mathbf{x}$"), Step(polynomial, "multiply out and collect")
    )
    form = polynomial if p.direction == "matrix-to-sum" else entries
    splits = () if p.direction == "matrix-to-sum" else tuple(_split(c, m_ij) for _, _, m_ij, _, c in mixed)
    return ConcreteAnswer(form, inner, product_steps, expansion, expansion_steps, mixed, splits)


def _split(coefficient: sympy.Expr, entry: sympy.Expr) -> Chain:
    """M_ij = M_ji = 1/2 times the coefficient of x_i x_j, worked."""
    return chain(Step(WrittenProduct(sympy.Rational(1, 2), coefficient, evaluate=False)), Step(entry))


def check(params: Params, answer: SymbolicAnswer | ConcreteAnswer, rng: random.Random) -> None:
    if params.mode == "symbolic":
        _check_symbolic(params, answer, rng)
    else:
        _check_concrete(params, answer, rng)


def _value(expr: sympy.Basic, sizes: Mapping, values: Mapping) -> float:
    """A scalar form at concrete values: index sums and matrix products by explicit loops."""
    if isinstance(expr, sympy.MatrixExpr):
        return float_value(expr, sizes, values)[0][0]
    return index_value(expr, sizes, {s.name: value for s, value in values.items()})


def _check_symbolic(p: Params, answer: SymbolicAnswer, rng: random.Random) -> None:
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


def _check_concrete(p: Params, answer: ConcreteAnswer, rng: random.Random) -> None:
    n = p.left.rows
    xs = coordinates(n)
    if p.direction == "matrix-to-sum":
        entries, polynomial = to_floats(p.entries), answer.form
    else:
        require(answer.form == answer.form.T, "M is not symmetric")
        entries, polynomial = to_floats(answer.form), p.given

    polynomial_at, expansion_at = polynomial_function(polynomial, xs), polynomial_function(answer.expansion, xs)
    multiplied_at = polynomial_function(answer.expansion_steps.result, xs)
    inner_at = [polynomial_function(entry, xs) for entry in answer.inner]
    product_at = [polynomial_function(entry, xs) for entry in answer.product_steps.result]
    for _ in range(3):
        point = [rng.uniform(-2, 2) for _ in range(n)]
        column = [[c] for c in point]
        loops = double_loop_form(column, entries, column)
        require(close(polynomial_at(*point), loops), f"the polynomial is not x^T M x = {loops} at {point}")
        require(close(expansion_at(*point), loops), f"the expansion differs from x^T M x at {point}")
        require(close(multiplied_at(*point), loops), f"the multiplied-out expansion differs from x^T M x at {point}")
        products = float_product(entries, column, "M x")
        for claimed in (inner_at, product_at):
            right = all(close(f(*point), row[0]) for f, row in zip(claimed, products, strict=True))
            require(right, f"M x is wrong at {point}")
    for i, j, m_ij, m_ji, coefficient in answer.mixed:
        e_i, e_j = ([float(k == t - 1) for k in range(n)] for t in (i, j))
        both = [a + b for a, b in zip(e_i, e_j)]
        polarised = polynomial_at(*both) - polynomial_at(*e_i) - polynomial_at(*e_j)
        require(close(float(coefficient), polarised), f"coefficient of x_{i} x_{j}: {coefficient}, not {polarised}")
        require(
            math.isclose(float(m_ij), entries[i - 1][j - 1]) and math.isclose(float(m_ji), entries[j - 1][i - 1]),
            f"M_{i}{j}, M_{j}{i} given as {m_ij}, {m_ji}",
        )


_N = size("N")
_X, _M = vector("x", _N), matrix("M", _N, _N)
CANONICAL = {
    "idl-math-background-1.1b": Params(
        "sum-to-matrix", "symbolic", _X, _X, _M, False, _IJ, index_sum(_X, _M, _X, False, _IJ), None
    ),
}

FAMILY = Family(
    name="quadratic-form",
    summary="Quadratic and bilinear forms: double index sums <-> x^T M x, and concrete expansions.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption(
            "direction",
            "matrix-to-sum",
            ("sum-to-matrix", "matrix-to-sum"),
            "rewrite an index sum as x^T M x, or x^T M x as an index sum (concrete: expand into a polynomial)",
        ),
        ChoiceOption("mode", "concrete", ("symbolic", "concrete"), "letters only, or a small integer matrix"),
        IntOption("n", 3, 2, 3, "size of the concrete matrix (concrete mode)"),
    ),
    canonical=CANONICAL,
)
