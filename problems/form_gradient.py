"""Gradients of linear and quadratic forms: b^T x, x^T A x and x^T A x + b^T x + c.

Kinds (option ``kind``): ``linear`` (f = b^T x, gradient b), ``quadratic-symmetric``
(f = x^T A x with A symmetric, gradient 2 A x), ``quadratic`` (general A, gradient (A + A^T) x),
``affine`` (f = x^T A x + b^T x + c, general A, gradient (A + A^T) x + b).

One family, not two: ``numeric`` mode is the ``symbolic`` derivation (the skill asked) followed by
its value for given numbers, so both modes share the sampling of the form, the derivation and its
check; only the last step differs. (The quadratic-form and quadratic-polynomial families, by
contrast, are two exercises.)

Modes (option ``mode``): ``symbolic`` answers in matrix notation, derived through index sums
(d/dx_k of sum_i b_i x_i is b_k, ...); random symbolic variants vary the letters and put small
integer coefficients in front of the terms (3 x^T A x - 2 b^T x + c), and never repeat a canonical
instance. ``numeric`` asks the same derivation for general A, b, c (the skill of the canonical
instance: a gradient that is derived, not quoted), then its value for small integer A, b, c with
n = 2 or 3 (option ``n``) as a column vector in x_1..x_n.

Worked steps (verified chains): df/dx_k from the index sums, through the product rule with
Kronecker deltas, to the surviving sums (and, for a symmetric A, their merger), checked by the
engine on an instance (``generator.kit.linalg.OnInstance``); the stacking into matrix notation is
display only. In numeric mode then the derived gradient applied to the numbers, (A + A^T) x + b
with A and b inserted, A + A^T (or 2A) worked out, then row times column (``WrittenMatrix``).

The third canonical instance, idl-math-background-1.2c, is a stand-in: the original function
is cut off in the OCR of the sheet, so it is taken to be x^T A x + b^T x + c with a general A.

Excluded by construction (numeric mode): a quadratic part whose gradient has a zero row
(A + A^T with a zero row, e.g. A skew-symmetric), a symmetric A that is diagonal, a general A
that happens to be symmetric, more than a third zero entries in A or in A + A^T, zero entries in
b, and c = 0; for b^T x alone, a b with all entries equal (the check against the partials would compare one number
with itself and could not catch two entries swapped).

answers.json keys: ``inputs.kind``, ``inputs.mode``, ``inputs.f`` (SymPy syntax, ``x.T*A*x +
b.T*x + c``), ``inputs.quadratic`` / ``inputs.linear`` (coefficients of the terms, 0 if absent),
``inputs.matrix_entries`` / ``inputs.vector_entries`` / ``inputs.scalar_value`` (numeric mode).
Symbolic mode: ``answers.coordinates`` (f as index sums), ``answers.partial`` (df/dx_k as
index sums), ``answers.partial_steps`` (the steps from d/dx_k of the index sums to the partial
derivative), ``answers.gradient`` (e.g. ``(A + A.T)*x + b``). Numeric mode: ``answers.derivation``
(those four for general A, b, c), ``answers.expanded`` (f as a polynomial), ``answers.partials`` (its partial
derivatives, which the check shows are the gradient's entries), ``answers.hessian``
(the matrix H in grad f = H x + b; null for b^T x), ``answers.gradient_steps`` (the derived gradient applied to
the numbers, down to the result; null for b^T x) and ``answers.gradient`` (column vector in x_1..x_n).
"""

import dataclasses
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy import KroneckerDelta, MatMul

from generator.kit import (
    N_,
    Chain,
    ChoiceOption,
    Family,
    IntOption,
    Reason,
    Step,
    WrittenSum,
    as_function,
    central_difference,
    chain,
    check_partials,
    close,
    distinct,
    nonzero,
    remembered,
    require,
)
from generator.kit.linalg import (
    OnInstance,
    WrittenMatrix,
    coordinates,
    few_zeros,
    float_value,
    index_value,
    instantiate,
    integer_matrix,
    matrix,
    scalar,
    scaled,
    size,
    vector,
)
from generator.kit.notation import CoefficientSum, Entries, IndexSum, SymmetricEntries, Top, written_sum
from generator.kit.rewrites import evaluated

KINDS = ("linear", "quadratic-symmetric", "quadratic", "affine")
MATRIX_NAMES = ("A", "B", "M", "Q")
VECTOR_NAMES = ("b", "a", "u", "w")
SCALAR_NAMES = ("c", "d")
COEFFICIENTS = (1, 1, 2, 3, -1, -2)
CHECK_SIZE = 3
I, J, K = (sympy.Symbol(s, integer=True) for s in "ijk")


@dataclass(frozen=True)
class Params:
    kind: str
    mode: str
    symmetric: bool
    quadratic: int
    linear: int
    constant: bool
    variable: sympy.MatrixSymbol
    matrix: sympy.MatrixSymbol
    vector: sympy.MatrixSymbol
    scalar: sympy.MatrixSymbol
    f: sympy.MatrixExpr
    matrix_entries: sympy.ImmutableMatrix | None = None
    vector_entries: sympy.ImmutableMatrix | None = None
    scalar_value: sympy.Integer | None = None

    @property
    def n(self) -> int:
        """The dimension of the numeric instance."""
        return (self.matrix_entries if self.matrix_entries is not None else self.vector_entries).rows


@dataclass(frozen=True)
class SymbolicAnswer:
    coordinates: sympy.Expr
    partial: sympy.Expr
    partial_steps: Chain
    gradient: sympy.MatrixExpr


@dataclass(frozen=True)
class NumericAnswer:
    derivation: SymbolicAnswer
    expanded: sympy.Expr
    paired: Chain | None
    """x^T A x with each cross term's coefficient written as the two entries it adds, ``(3 + 2) x_1 x_2``, then
    collected; None when no cross term has two (a TA read, German 9552: the 5 in 5 x_1 x_2 of f written out came
    from nowhere the page showed)."""
    left_out: tuple[tuple[int, int], ...]
    """The entries (i, j), from 1, of the terms ``paired`` leaves out, a zero a_ii or a zero pair a_ij and a_ji: the
    check's lead-in names them, "the terms with A_11 = A_13 = A_31 = 0 left out" ("terms with zero entries" read as
    covering a written (2 + 0) too, and named none; TA reads, EN 9621, 9651, German 9644, 9653)."""
    partials: tuple[sympy.Expr, ...]
    """The partial derivatives of ``expanded``, term by term: the check the exercise asks for, shown."""
    hessian: sympy.ImmutableMatrix | None
    gradient_steps: Chain | None
    gradient: sympy.ImmutableMatrix

    @property
    def terms_left_out(self) -> int:
        """How many terms ``left_out`` names (a pair a_ij, a_ji is one): the lead-in says "the term" for one (a TA read,
        German 9663)."""
        return sum(1 for i, j in self.left_out if i <= j)


def _function(quadratic: int, linear: int, constant: bool, x, a, b, c) -> sympy.MatrixExpr:
    """quadratic * x^T A x + linear * b^T x (+ c), leaving out absent terms."""
    terms = []
    if quadratic:
        terms.append(scaled(quadratic, Top(x), a, x))
    if linear:
        terms.append(scaled(linear, Top(b), x))
    if constant:
        terms.append(c)
    return written_sum(*terms)


def _params(kind: str, mode: str, names: tuple[str, str, str], quadratic: int, linear: int, **entries) -> Params:
    """The function for general x in R^n; numeric variants add the entries of their instance."""
    n = size("n")
    x = vector("x", n)
    a, b, c = matrix(names[0], n, n), vector(names[1], n), scalar(names[2])
    constant = kind == "affine"
    f = _function(quadratic, linear, constant, x, a, b, c)
    return Params(kind, mode, kind == "quadratic-symmetric", quadratic, linear, constant, x, a, b, c, f, **entries)


def _terms(kind: str) -> tuple[bool, bool]:
    """Whether the kind has a quadratic and a linear term."""
    return kind != "linear", kind in ("linear", "affine")


def sample(rng: random.Random, options: Mapping) -> Params:
    kind, mode = options["kind"], options["mode"]
    has_quadratic, has_linear = _terms(kind)
    if mode == "symbolic":

        def draw(r: random.Random) -> Params:
            names = (r.choice(MATRIX_NAMES), r.choice(VECTOR_NAMES), r.choice(SCALAR_NAMES))
            quadratic = r.choice(COEFFICIENTS) if has_quadratic else 0
            linear = r.choice(COEFFICIENTS) if has_linear else 0
            return _params(kind, mode, names, quadratic, linear)

        return distinct(rng, draw, 1, accept=lambda p: p not in CANONICAL.values(), what="letters and coefficients")[0]
    n = options["n"]
    entries = {}
    if has_quadratic:
        entries["matrix_entries"] = _numeric_matrix(rng, n, symmetric=kind == "quadratic-symmetric")
    if has_linear:

        def vector(r: random.Random) -> sympy.ImmutableMatrix:
            return sympy.ImmutableMatrix([nonzero(r, -5, 5) for _ in range(n)])

        # b^T x alone with b = (2, 2, 2): every partial is 2, and the check against them cannot tell the entries apart
        varied = (lambda v: len(set(v)) > 1) if not has_quadratic else (lambda v: True)
        entries["vector_entries"] = distinct(rng, vector, 1, accept=varied, what="vectors with two different entries")[0]
    if kind == "affine":
        entries["scalar_value"] = sympy.Integer(nonzero(rng, -5, 5))
    return _params(kind, mode, ("A", "b", "c"), int(has_quadratic), int(has_linear), **entries)


def _numeric_matrix(rng: random.Random, n: int, symmetric: bool) -> sympy.ImmutableMatrix:
    """A small integer A whose quadratic form depends on every x_k (no zero row in A + A^T), few zeros."""

    def usable(a: sympy.ImmutableMatrix) -> bool:
        hessian = a + a.T
        no_zero_row = all(any(hessian[k, j] for j in range(n)) for k in range(n))
        shape = a.is_symmetric() and not a.is_diagonal() if symmetric else not a.is_symmetric()
        return no_zero_row and few_zeros(a, hessian) and shape

    if not symmetric:
        return integer_matrix(rng, n, n, -3, 3, accept=usable, what="non-symmetric matrices")

    def draw(r: random.Random) -> sympy.ImmutableMatrix:
        upper = {(i, j): r.randint(-3, 3) for i in range(n) for j in range(i, n)}
        return sympy.ImmutableMatrix(n, n, lambda i, j: upper[min(i, j), max(i, j)])

    return distinct(rng, draw, 1, accept=usable, what="symmetric matrices")[0]


def solve(params: Params) -> SymbolicAnswer | NumericAnswer:
    return _solve_symbolic(params) if params.mode == "symbolic" else _solve_numeric(params)


def _solve_symbolic(p: Params) -> SymbolicAnswer:
    """Index sums, their k-th partial derivative worked step by step, and the gradient in matrix notation."""
    x, b = Entries(p.variable.name), Entries(p.vector.name)
    a = SymmetricEntries(p.matrix.name) if p.symmetric else Entries(p.matrix.name)
    n = p.variable.rows
    coordinates_, deltas, partial, gradient = [], [], [], []
    if p.quadratic:
        coordinates_.append(p.quadratic * IndexSum(a[I, J] * x[I] * x[J], (J, 1, n), (I, 1, n)))
        # d/dx_k (x_i x_j) = delta_ik x_j + x_i delta_jk leaves one sum over j and one over i
        product_rule = WrittenSum(KroneckerDelta(I, K) * x[J], x[I] * KroneckerDelta(J, K), evaluate=False)
        deltas.append(p.quadratic * IndexSum(sympy.Mul(a[I, J], product_rule, evaluate=False), (J, 1, n), (I, 1, n)))
        partial += [
            p.quadratic * IndexSum(a[K, J] * x[J], (J, 1, n)),
            p.quadratic * IndexSum(a[I, K] * x[I], (I, 1, n)),
        ]
        if p.symmetric:
            gradient.append(scaled(2 * p.quadratic, p.matrix, p.variable))
        else:
            gradient.append(scaled(p.quadratic, written_sum(p.matrix, Top(p.matrix)), p.variable))
    if p.linear:
        coordinates_.append(p.linear * IndexSum(b[I] * x[I], (I, 1, n)))
        deltas.append(p.linear * IndexSum(sympy.Mul(b[I], KroneckerDelta(I, K), evaluate=False), (I, 1, n)))
        partial.append(p.linear * b[K])
        gradient.append(scaled(p.linear, p.vector))
    if p.constant:
        coordinates_.append(sympy.Symbol(p.scalar.name))
    f = written_sum(*coordinates_)
    if p.quadratic and p.linear and p.constant:  # the affine kind: the linear term and the constant go too, each named
        rule = Reason(
            # the sum rule named first, as (a)'s "sum rule; ..." does (two TA reads, EN 9074, German 9072)
            r"sum rule, constant factor; product rule for $x_i x_j$; $\partial ({b}_i x_i) / \partial x_k = \delta_{{ik}} {b}_i$, $\partial {c} / \partial x_k = 0$",
            b=p.vector.name,
            c=p.scalar.name,
        )
        survivors = _SPLIT_BY_DELTAS
    elif p.quadratic:
        rule, survivors = N_("sum rule, constant factor; product rule in every term"), _SPLIT_BY_DELTAS
    else:
        # the constants b_i and A_ij come out of each derivative: the constant factor rule is named (three TA reads)
        rule, survivors = N_(r"sum rule, constant factor; $\partial x_i / \partial x_k = \delta_{ik}$"), N_("only $i = k$ remains")
    steps = [
        Step(OnInstance(sympy.Derivative(f, x[K])), ""),
        Step(OnInstance(written_sum(*deltas)), rule),
        Step(OnInstance(written_sum(*partial)), survivors),
    ]
    if p.symmetric:
        merged = [2 * p.quadratic * IndexSum(a[K, J] * x[J], (J, 1, n)), *partial[2:]]
        renamed = Reason("${name}_{{ik}} = {name}_{{ki}}$, rename $i$ as $j$, add the sums", name=p.matrix.name)
        steps.append(Step(OnInstance(written_sum(*merged)), renamed))
    return SymbolicAnswer(f, written_sum(*partial), Chain(tuple(steps)), written_sum(*gradient))


@remembered(None)
def _derivation(general: Params) -> SymbolicAnswer:
    """The derivation for general A, b, c: the same for every numeric variant of a kind, worked once per process."""
    return _solve_symbolic(general)


# the row splits the double sum before each delta picks its terms: "only i = k or j = k remain" named the second
# half (a TA read, EN 9611); on one line, where "delta_ik keeps only i = k, ..." took two and a page (idl EN 9501, 9504)
_SPLIT_BY_DELTAS = N_("split the sum; only $i = k$ or $j = k$ remain")


def _solve_numeric(p: Params) -> NumericAnswer:
    n = p.n
    xs = sympy.ImmutableMatrix(coordinates(n))
    zero = sympy.ImmutableMatrix.zeros(n, n)
    a = p.matrix_entries if p.matrix_entries is not None else zero
    b = p.vector_entries if p.vector_entries is not None else sympy.ImmutableMatrix.zeros(n, 1)
    c = p.scalar_value if p.scalar_value is not None else 0
    hessian = sympy.ImmutableMatrix(2 * a if p.symmetric else a + a.T)
    # Summed term by term: SymPy's products of matrices of symbols go through polynomial rings,
    # ten times slower for a 3 x 3 matrix, to the same expressions.
    gradient = sympy.ImmutableMatrix([sympy.Add(*(hessian[i, j] * xs[j] for j in range(n)), b[i]) for i in range(n)])
    expanded = sympy.Add(*(a[i, j] * xs[i] * xs[j] for i in range(n) for j in range(n)), *(b[i] * xs[i] for i in range(n)), c)
    derivation = _derivation(dataclasses.replace(p, matrix_entries=None, vector_entries=None, scalar_value=None))
    steps = _gradient_steps(p, xs, hessian, gradient)
    partials = tuple(sympy.diff(expanded, x) for x in xs)
    left_out = tuple(
        entry
        for i in range(n)
        for j in range(i, n)
        if a[i, j] == 0 and a[j, i] == 0
        for entry in dict.fromkeys(((i + 1, j + 1), (j + 1, i + 1)))
    )
    return NumericAnswer(derivation, expanded, _paired(a, xs), left_out, partials, hessian if p.quadratic else None, steps, gradient)


def _paired(a: sympy.ImmutableMatrix, xs: sympy.ImmutableMatrix) -> Chain | None:
    """x^T A x in its printed order, each x_i x_j (i < j) with an entry a_ij or a_ji after their sum,
    ``(a_ij + a_ji) x_i x_j``, ``(1 + 0) x_1 x_3`` and ``(3 - 3) x_1 x_2`` too; then collected. None without such a term."""
    n = a.rows
    pairs = {xs[i] * xs[j]: (a[i, j], a[j, i]) for i in range(n) for j in range(i + 1, n) if a[i, j] or a[j, i]}
    if not pairs:
        return None
    squares = {xs[i] ** 2: a[i, i] for i in range(n) if a[i, i]}
    terms = []
    for monomial in sympy.Add(*pairs, *squares).as_ordered_terms(order="grlex"):
        written = pairs.get(monomial)
        terms.append(CoefficientSum(WrittenSum(*written, evaluate=False), monomial, evaluate=False) if written else squares[monomial] * monomial)
    form = sympy.Add(*(a[i, j] * xs[i] * xs[j] for i in range(n) for j in range(n)))
    return chain(Step(written_sum(*terms), ""), Step(form, ""))


def _gradient_steps(p: Params, xs: sympy.ImmutableMatrix, hessian, gradient) -> Chain | None:
    """The derived gradient with the numbers inserted, the matrix combined, then row times column (none for b^T x)."""
    if not p.quadratic:
        return None
    a, b = (rf"$\mathbf{{{s.name}}}$" for s in (p.matrix, p.vector))
    top = rf"$\mathbf{{{p.matrix.name}}}^\top$"
    plus_b = (p.vector_entries,) if p.linear else ()
    if p.symmetric:
        inserted, combined, given = MatMul(2, p.matrix_entries, xs), Reason("double the entries of {a}", a=a), [a]
    else:
        inserted = MatMul(written_sum(p.matrix_entries, p.matrix_entries.T), xs)
        combined, given = Reason("add {a} and {top}", a=a, top=top), [a, top]
    given += [b] if p.linear else []
    return Chain(
        (
            Step(WrittenMatrix(written_sum(inserted, *plus_b)), Reason("insert {names}", names=_listed(given))),
            Step(WrittenMatrix(written_sum(MatMul(hessian, xs), *plus_b)), combined),
            Step(gradient, Reason("row times column, add {b}", b=b) if p.linear else N_("row times column")),
        )
    )


def _listed(names: list[str]) -> str:
    """a, b and c."""
    return names[0] if len(names) == 1 else Reason("{rest} and {last}", rest=", ".join(names[:-1]), last=names[-1])


def check(params: Params, answer, rng: random.Random) -> None:
    if params.mode == "symbolic":
        _check_symbolic(params, answer, rng)
    else:
        _check_numeric(params, answer, rng)


def _plain_function(entries: Mapping, xs) -> sympy.Expr:
    """sum_ij A_ij x_i x_j + sum_i b_i x_i + c, written out term by term."""
    n = len(xs)
    a, b, c = entries.get("a"), entries.get("b"), entries.get("c", 0)
    terms = [sympy.Integer(c)]
    if a is not None:
        terms += [a[i, j] * xs[i] * xs[j] for i in range(n) for j in range(n)]
    if b is not None:
        terms += [b[i] * xs[i] for i in range(n)]
    return sympy.Add(*terms)


def _check_numeric(p: Params, answer: NumericAnswer, rng: random.Random) -> None:
    """The derivation as in symbolic mode (once per process); the numbers against finite differences and the derivation."""
    if answer.derivation not in _CHECKED_DERIVATIONS:
        _check_symbolic(p, answer.derivation, rng)
        _CHECKED_DERIVATIONS.add(answer.derivation)
    n = p.n
    xs = coordinates(n)
    entries = {"a": p.matrix_entries, "b": p.vector_entries, "c": p.scalar_value or 0}
    f = _plain_function(entries, xs)
    check_partials(f, xs, list(answer.gradient), rng)
    # The steps most often end on the gradient itself, already checked.
    if answer.gradient_steps is not None and answer.gradient_steps.result != answer.gradient:
        check_partials(f, xs, list(answer.gradient_steps.result), rng)
    a = p.matrix_entries if p.matrix_entries is not None else sympy.zeros(n, n)
    hessian = answer.hessian if p.quadratic else sympy.zeros(n, n)
    require(hessian == a + a.T, lambda: f"H = {hessian.tolist()}, but A + A^T = {(a + a.T).tolist()}")
    point = {x: sympy.Rational(rng.randint(-9, 9), 4) for x in xs}
    require(answer.expanded.xreplace(point) == f.xreplace(point), "the expanded f differs from x^T A x + b^T x + c")
    column = sympy.Matrix(xs)
    form = sympy.expand((column.T * a * column)[0])
    require(answer.paired is None or evaluated(answer.paired.steps[0].expr) == form, "the paired coefficients are not x^T A x")
    require(
        all(sympy.expand(partial - entry) == 0 for partial, entry in zip(answer.partials, answer.gradient, strict=True)),
        "the partial derivatives of the expanded f are not the gradient's entries",
    )
    given = {p.matrix: p.matrix_entries, p.vector: p.vector_entries, p.variable: sympy.ImmutableMatrix([*point.values()])}
    values = {symbol: value for symbol, value in given.items() if value is not None}
    derived = float_value(answer.derivation.gradient, {p.variable.rows: n}, values)
    claimed = [float(entry.xreplace(point)) for entry in answer.gradient]
    require(all(close(d, c) for (d,), c in zip(derived, claimed)), "the derived gradient gives other numbers")


_CHECKED_DERIVATIONS: set[SymbolicAnswer] = set()
"""Derivations of numeric variants already checked: every variant of a kind has the same one, checked once."""


def _check_symbolic(p: Params, answer: SymbolicAnswer, rng: random.Random) -> None:
    """Instantiate with random A (symmetric if promised), b, c and n = 3; compare with finite differences."""
    n = CHECK_SIZE
    sizes = {p.variable.rows: sympy.Integer(n)}
    xs = coordinates(n)
    a = integer_matrix(rng, n, n, -5, 5)
    a = a + a.T if p.symmetric else a
    b, c = integer_matrix(rng, n, 1, -5, 5), sympy.Integer(rng.randint(-5, 5))
    constants = {p.matrix: a, p.vector: b, p.scalar: c}
    f_at = as_function(instantiate(p.f, sizes, {**constants, p.variable: sympy.ImmutableMatrix(xs)})[0, 0], xs)
    scalars = {**sizes, sympy.Symbol(p.scalar.name): c}
    for _ in range(3):
        point = tuple(rng.uniform(-1, 1) for _ in range(n))
        gradient = instantiate(answer.gradient, sizes, {**constants, p.variable: sympy.ImmutableMatrix(point)})
        require(gradient.shape == (n, 1), "the gradient is not a column vector")
        arrays = {p.matrix.name: a, p.vector.name: b, p.variable.name: sympy.ImmutableMatrix(point)}
        value = index_value(answer.coordinates, scalars, arrays)
        require(close(value, f_at(*point)), f"the index form gives {value}, f gives {f_at(*point)}")
        for k in range(n):
            numeric = central_difference(f_at, point, k)
            claimed = float(gradient[k])
            require(close(claimed, numeric), f"gradient entry {k + 1}: {claimed}, finite difference {numeric}")
            for partial, what in ((answer.partial, "df/dx_k"), (answer.partial_steps.result.args[0], "last step")):
                claimed = index_value(partial, scalars, arrays, {K: k + 1})
                require(close(claimed, numeric), f"{what} at k = {k + 1}: {claimed}, finite difference {numeric}")


CANONICAL = {
    "idl-math-background-1.2a": _params("linear", "symbolic", ("A", "b", "c"), 0, 1),
    "idl-math-background-1.2b": _params("quadratic-symmetric", "symbolic", ("A", "b", "c"), 1, 0),
    "idl-math-background-1.2c": _params("affine", "symbolic", ("A", "b", "c"), 1, 1),
}

FAMILY = Family(
    name="form-gradient",
    summary="Gradients of b^T x, x^T A x (symmetric or not) and x^T A x + b^T x + c.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption(
            "kind", "affine", KINDS, "which function: b^T x, x^T A x (A symmetric or general), or x^T A x + b^T x + c"
        ),
        ChoiceOption("mode", "numeric", ("symbolic", "numeric"), "matrix notation, or small integer A, b, c"),
        IntOption("n", 3, 2, 3, "dimension of x (numeric mode)"),
    ),
    canonical=CANONICAL,
)
