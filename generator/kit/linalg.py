"""Shared pieces of the linear-algebra families: bold symbols, small integer matrices, float checks.

* Symbolic vectors and matrices (``vector``, ``matrix``, ``scalar``) are the bold symbols of
  ``generator.kit.notation``, where transposes (``Top``), index sums and entries are too.
* Random small integer matrices for the concrete variants, with few zero entries (``few_zeros``).
* Plain-float arithmetic for the independent checks: products that refuse mismatched shapes,
  double loops, index sums evaluated by explicit loops (never by SymPy's ``Sum.doit``) and
  polynomials evaluated term by term (``lambdify`` costs milliseconds per expression).
* Worked steps the step verifier can check: ``OnInstance`` (index sums and matrix symbols of
  symbolic size, checked on a small instance), ``WrittenMatrix`` (a concrete matrix printed
  as the product or sum that gives it) and ``WrittenDeterminant`` (a determinant between bars).
"""

import functools
import itertools
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy
from sympy import (
    Indexed,
    MatAdd,
    MatMul,
    MatrixSymbol,
    ShapeError,
    Sum,
    Transpose,
)
from sympy.core.symbol import Str

from generator.kit.differentiation import distributed
from generator.kit.family import CheckFailed, require
from generator.kit.language import N_, Reason
from generator.kit.notation import (
    AsWritten,
    BoldSymbol,
    EntryOf,
    ScalarSymbol,
    SymmetricEntries,
    TimesMinor,
    WrittenProduct,
    written_sum,
)
from generator.kit.printing import bracket, tex
from generator.kit.rewrites import COLLECT, evaluated
from generator.kit.sampling import distinct
from generator.kit.steps import Chain, Step, chain

__all__ = ["NullVector", "OnInstance", "WrittenDeterminant", "WrittenMatrix", "coordinates", "double_loop_form", "exact_value", "few_zeros", "float_determinant", "float_matrix", "float_product", "float_value", "fraction_times", "index_value", "instantiate", "integer_matrix", "lowest_row", "matrix", "minor_name", "null_vector", "polynomial_function", "scalar", "scaled", "size", "spectral_matrices", "to_floats", "unit_vector", "vector", "vieta_agrees", "worked_determinant"]

FloatMatrix = list[list[float]]


def size(name: str) -> sympy.Symbol:
    """A dimension such as N in x in R^N."""
    return sympy.Symbol(name, integer=True, positive=True)


INSTANCE_SIZES = (3, 4, 5)
"""Sizes given to the size symbols (n, or m and n) when a step is checked on an instance."""
INSTANCE_INDEX = 2
"""The value of a free index such as k on an instance: inside the range, neither end."""


class OnInstance(sympy.UnevaluatedExpr):
    """A scalar written with index sums or matrix symbols of symbolic size, printed as written.

    The step verifier evaluates ``doit()``, which gives the expression on a small instance:
    sizes ``INSTANCE_SIZES`` (distinct size symbols get distinct sizes), free indices such as k
    set to ``INSTANCE_INDEX``, sums expanded, derivatives taken, and every entry (x_i, M_ij, or
    an entry of a matrix symbol) a plain symbol, which the verifier then draws at random.
    Wrap whole steps: ``Step(OnInstance(expr), why)``.
    """

    is_commutative = True
    checked_by_shape = True
    """Whether it holds depends on the shape of the expression, not on the letters: the verifier
    checks a chain of such steps once per shape (``generator.kit.steps.verify_chain``)."""

    def doit(self, **hints) -> sympy.Expr:
        return on_instance(self.args[0])


def on_instance(expr: sympy.Basic) -> sympy.Expr:
    """``expr`` with concrete sizes and indices, evaluated, its entries plain symbols (see ``OnInstance``).

    Sums, matrix products and derivatives are worked out by explicit loops here: SymPy's own
    ``Sum.doit`` and ``as_explicit`` take tens of milliseconds for a 3 x 3 instance.
    """
    integers = [s for s in expr.atoms(sympy.Symbol) if s.is_integer]
    bound = {limit[0] for total in expr.atoms(Sum) for limit in total.limits}
    sizes = sorted((s for s in integers if s.is_positive), key=str)
    indices = [s for s in integers if not s.is_positive and s not in bound]
    values = {size_: value for size_, value in zip(sizes, INSTANCE_SIZES, strict=False)}
    values.update({index: INSTANCE_INDEX for index in indices})
    symmetric = {base.name for base in expr.atoms(SymmetricEntries)}
    value = _Instance(values, symmetric).scalar(expr)
    return sympy.expand(value)


class _Instance:
    """Evaluation of index expressions with every size and index a number (see ``on_instance``)."""

    def __init__(self, values: dict, symmetric: set[str]):
        self.values = values
        self.symmetric = symmetric

    def number(self, node: sympy.Expr) -> int:
        return int(sympy.sympify(node).xreplace({s: sympy.Integer(v) for s, v in self.values.items()}))

    def entry(self, name: str, *positions: int) -> sympy.Symbol:
        """x_2, M_1_2 (M_2_1 is M_1_2 for a symmetric M)."""
        positions = sorted(positions) if name in self.symmetric else positions
        return sympy.Symbol("_".join([name, *map(str, positions)]))

    def scalar(self, node: sympy.Basic) -> sympy.Expr:
        if isinstance(node, sympy.UnevaluatedExpr):
            return self.scalar(node.args[0])
        if isinstance(node, sympy.MatrixExpr):
            return self.matrix(node)[0, 0]
        if isinstance(node, Sum):
            (index, low, high), *outer = node.limits[::-1]
            inner = Sum(node.function, *outer[::-1]) if outer else node.function
            terms = []
            for value in range(self.number(low), self.number(high) + 1):
                self.values[index] = value
                terms.append(self.scalar(inner))
            del self.values[index]
            return sympy.Add(*terms)
        if isinstance(node, Indexed):
            return self.entry(node.base.name, *(self.number(i) for i in node.indices))
        if isinstance(node, EntryOf):
            return self.matrix(node.args[0])[self.number(node.args[1]) - 1, 0]
        if isinstance(node, sympy.KroneckerDelta):
            first, second = (self.number(i) for i in node.args)
            return sympy.Integer(first == second)
        if isinstance(node, sympy.Derivative):
            return sympy.diff(self.scalar(node.expr), *(self.scalar(v) for v, _ in node.variable_count))
        if node in self.values:
            return sympy.Integer(self.values[node])
        if node.is_Atom:
            return node
        args = [self.scalar(arg) for arg in node.args]
        # Written sums and products become plain ones: the written order does not matter here.
        return sympy.Add(*args) if node.is_Add else sympy.Mul(*args) if node.is_Mul else node.func(*args)

    def matrix(self, node: sympy.MatrixExpr) -> sympy.ImmutableMatrix:
        if isinstance(node, sympy.MatrixBase):
            return sympy.ImmutableMatrix(node.applyfunc(self.scalar))
        if isinstance(node, MatrixSymbol):
            rows, cols = (self.number(d) for d in node.shape)
            if cols == 1:
                return sympy.ImmutableMatrix(rows, 1, lambda i, j: self.entry(node.name, i + 1))
            return sympy.ImmutableMatrix(rows, cols, lambda i, j: self.entry(node.name, i + 1, j + 1))
        if isinstance(node, Transpose):
            return self.matrix(node.arg).T
        if isinstance(node, (MatMul, MatAdd)):
            parts = [self.matrix(arg) if isinstance(arg, sympy.MatrixExpr) else self.scalar(arg) for arg in node.args]
            combine = (lambda x, y: x * y) if isinstance(node, MatMul) else (lambda x, y: x + y)
            return sympy.ImmutableMatrix(functools.reduce(combine, parts))
        raise TypeError(f"cannot evaluate {node} on an instance")


class WrittenMatrix(sympy.ImmutableMatrix):
    """A concrete matrix printed as the matrix expression that gives it, e.g. ``(A + A^T) x + b`` with numbers.

    Its value (what the step verifier compares, entry by entry) is the written expression
    evaluated by SymPy. All steps of one worked product have the same value, so build their
    chain with ``Chain(...)``: ``chain()`` would merge equal steps. It stays here, beside
    ``exact_value`` that gives its value; the printer's ``_print_WrittenMatrix`` gives its look.
    """

    def __new__(cls, *args, **kwargs):
        """``WrittenMatrix(expr)``; SymPy's own rebuilding (plain matrix arguments) gives a plain-printing matrix."""
        written = args[0] if len(args) == 1 and isinstance(args[0], sympy.MatrixExpr) else None
        if written is not None:
            explicit = exact_value(written)
            args, kwargs = (explicit.rows, explicit.cols, list(explicit)), {}
        value = super().__new__(cls, *args, **kwargs)
        value.written = written
        return value


class WrittenDeterminant(sympy.Determinant):
    """det(M) of a concrete matrix, printed with bars as a hand writes it: ``|2 - lambda, 1; 1, 2 - lambda|``.

    Its value (``doit``) is the determinant, so ``det(A - lambda I) = |...| = ad - bc`` is a chain the
    verifier checks; the printer's ``_print_WrittenDeterminant`` sets the bars (a ``vmatrix``).
    """

    def _eval_evalf(self, prec):
        return self.doit().evalf(prec)


_AD_MINUS_BC = N_(r"$\left|\begin{smallmatrix} a & b \\ c & d \end{smallmatrix}\right| = ad - bc$")
"""The reason of a 2x2 determinant written out: the rule stated for a matrix that names a, b, c and d (a bare
``det = ad - bc`` left them undefined, TA read), not a sum quoted from the line."""


def worked_determinant(m: sympy.MatrixBase) -> tuple[tuple[tuple[WrittenDeterminant, Chain], ...], Chain]:
    """det(m) of a 2x2 or 3x3 matrix worked by hand: the bars, ad - bc (a 3x3 expanded along its first
    row, each 2x2 minor of a non-zero entry worked on its own: the first item), then multiplied out.

    Each product is written as the entries give it (``(2 - lambda) . (1 - lambda) - 4``): numbers
    multiplied at once, a number in front of a bracket, two brackets in the order of the matrix.
    """
    if m.rows == 2:
        return (), chain(Step(WrittenDeterminant(m)), *_two_by_two(m))
    columns = [k for k in range(3) if m[0, k] != 0]
    minors = tuple((WrittenDeterminant(minor), chain(*_two_by_two(minor))) for minor in (m.minor_submatrix(0, k) for k in columns))
    entries = [(-1) ** k * m[0, k] for k in columns]
    expansion = written_sum(*(_times(entry, worked.result) for entry, (_, worked) in zip(entries, minors)))
    # the signs and what goes in named: "expand along row 1" alone hid the +, -, + and the minors put in from above (a TA
    # read, German 9712); "put in the minors, with alternating signs" still hid each entry times its minor, and a minus
    # from the entry -1 read as the sign of its place (two TA reads, 9741/9742): the expansion is written in the minors
    # M_1k first, each entry as it stands, then the minors are put in
    terms = (TimesMinor(m[0, k], Str(minor_name(k)), minor) for k, (minor, _) in zip(columns, minors))
    in_minors = written_sum(*(sympy.Mul(-1, term, evaluate=False) if k == 1 else term for k, term in zip(columns, terms)))
    steps = (
        Step(WrittenDeterminant(m)),
        Step(in_minors, N_("expand along the first row, signs $+$, $-$, $+$")),
        Step(expansion, _put_in_minors(m[0, 1])),
    )
    return minors, chain(*steps, Step(sympy.expand(m.det()), "multiply out and collect"))


def minor_name(column: int) -> str:
    """``M_{1k}``, the minor of the first row's entry in ``column`` (from 0), as the expansion and its lead-in name it."""
    return f"M_{{1{column + 1}}}"


def _put_in_minors(middle: sympy.Expr) -> Reason:
    """"put in the minors", and the sign the middle entry's minus merges with: -(-2) M_12 is +2 M_12 (a TA read, EN 9751)."""
    if middle.is_Number and middle < 0:
        return Reason("put in the minors; $-({entry}) = {value}$", entry=tex(middle), value=tex(-middle))
    return Reason("put in the minors")


def _times(a: sympy.Expr, b: sympy.Expr, sign: int = 1) -> sympy.Expr:
    """sign a b as a hand writes it: numbers multiplied, no 1 in front, a number before a bracket, a square as a square."""
    if not (a.is_number or b.is_number):
        # two brackets in the order of the matrix; a letter before a bracket as algebra writes it, -lambda (lambda^2 - 1)
        if a == b:
            product = sympy.Pow(a, 2, evaluate=False)
        else:
            product = WrittenProduct(a, b, evaluate=False) if a.is_Add and b.is_Add else sympy.Mul(a, b, evaluate=False)
        return product if sign > 0 else sympy.Mul(-1, product, evaluate=False)
    k, e = (sign * a, b) if a.is_number else (sign * b, a)
    return k * e if not e.is_Add or k in (0, 1) else sympy.Mul(k, e, evaluate=False)


def _two_by_two(m: sympy.MatrixBase) -> tuple[Step, ...]:
    """ad - bc as written, then multiplied out, unless that would only reorder its terms (``-1 - lambda``)."""
    written, value = _ad_minus_bc(m), sympy.expand(m.det())
    product = _bc_named(m[0, 1], m[1, 0])
    rule = Reason("{rule}, $bc = {product}$", rule=Reason(_AD_MINUS_BC), product=product) if product else _AD_MINUS_BC
    if set(sympy.Add.make_args(written)) == set(sympy.Add.make_args(value)):
        return (Step(value, rule),)
    # a sum in a written sum stands flat in it, -4 - lambda + 25
    terms = [term for part in sympy.Add.make_args(written) for term in sympy.Add.make_args(part)]
    # term by term: 6 + 2(2 - lambda) gives 6 + 4 - 2 lambda, whose 6 + 4 SymPy adds as soon as the sum is evaluated
    pieces = [piece for term in terms for piece in distributed(evaluated(term)) if piece != 0]
    # (-5 - lambda)(1 - lambda) - 16 gives -5 + 5 lambda - lambda + lambda^2 - 16 before it gives lambda^2 + 4 lambda - 21
    collected = len(pieces) > len(sympy.Add.make_args(value))
    # -4 - lambda + 25 has nothing to multiply out: its numbers are only added (a TA read, EN 9691)
    bracketed = any(factor.is_Add or (factor.is_Pow and factor.base.is_Add) for term in terms for factor in sympy.Mul.make_args(term))
    if not bracketed:
        return Step(written, rule), Step(value, COLLECT)
    why = Reason("{first} and {last}", first=Reason(_MULTIPLY_OUT), last=COLLECT) if collected else _MULTIPLY_OUT
    return Step(written, rule), Step(value, why)


_MULTIPLY_OUT = N_("multiply out")


def _bc_named(b: sympy.Expr, c: sympy.Expr) -> str | None:
    """bc as the reason of ad - bc names it, where the row multiplies it at once and -bc turns a sign unsaid: two numbers
    worked out, (-4)(-4) = 16 (a TA read, German 9552; a negative b bracketed, "-2 . (-2)" read as -(2 . (-2)), German
    9562; (-2)(-1) = 2 too, German 9721), or a number times a bracket, -3 (-5 - lambda) (EN 9702); None where a factor 1
    or 0 leaves nothing to name."""
    numbers = [entry for entry in (b, c) if entry.is_number]
    if any(entry in (0, 1) for entry in numbers) or not numbers:
        return None
    if len(numbers) == 1:
        return tex(_times(b, c))
    if abs(b * c) == 1:
        return None
    product = r" \cdot ".join(bracket(tex(entry)) if entry < 0 else tex(entry) for entry in (b, c))
    return f"{product} = {tex(b * c)}"


def _ad_minus_bc(m: sympy.MatrixBase) -> sympy.Expr:
    """ad - bc of [[a, b], [c, d]], each product as written; collected at once if no bracket is left."""
    terms = (_times(m[0, 0], m[1, 1]), _times(m[0, 1], m[1, 0], -1))
    if not any(term.has(sympy.Add) for term in terms):
        return sympy.Add(*terms)
    return written_sum(*(term for term in terms if term != 0))


@dataclass(frozen=True)
class NullVector:
    """A primitive integer vector v with M v = 0, found as a hand finds it: ``found`` is the vector the
    rows give (2x2: the first row's coefficients swapped, one negated; 3x3: the cross product of rows
    ``rows``, not parallel), then its common factor taken out; ``vector`` is the result, its first
    non-zero entry positive."""

    rows: tuple[int, int]
    found: Chain
    vector: sympy.ImmutableMatrix


def null_vector(m: sympy.MatrixBase) -> NullVector:
    """The null vector of a 2x2 or 3x3 integer matrix of rank n - 1, such as A - lambda I at an eigenvalue. A 2x2's
    first row is read as one equation in lowest terms (``lowest_row``): 9x_1 - 3x_2 = 0 as 3x_1 - x_2 = 0, whose
    coefficients swapped give (1, 3) at once, never (3, 9) and then "take out 3" (TA read, EN 8907)."""
    if m.rows == 2:
        p, q = lowest_row(m)
        raw, rows = sympy.ImmutableMatrix([abs(q), -sympy.sign(q) * p]), (1, 1)
    else:
        rows = next((i, j) for i, j in ((1, 2), (1, 3), (2, 3)) if any(m.row(i - 1).cross(m.row(j - 1))))
        raw = sympy.ImmutableMatrix(m.row(rows[0] - 1).cross(m.row(rows[1] - 1))).T
    factor = math.gcd(*raw) * (1 if next(filter(None, raw)) > 0 else -1)
    vector = raw / factor
    taken = [Step(WrittenMatrix(MatMul(factor, vector, evaluate=False)), Reason("take out ${factor}$", factor=factor))] if factor != 1 else []
    # Chain, not chain(): the factored vector has the same entries, and chain() would merge it away
    # which two numbers are swapped: "swap, negate one" repeated the sentence above it (two TA reads, EN 9041, German 9043)
    # and which entry turns its sign: "negate one" left it open (a TA read, German 9063), an entry of the vector, not a
    # coefficient ("negate the second" read as the second coefficient, a TA read, EN 9512)
    if m.rows == 3:
        why = N_("cross product")
    elif q < 0:
        why = Reason("swap ${p}$ and ${q}$, negate the first entry", p=tex(p), q=tex(q))
    else:
        why = Reason("swap ${p}$ and ${q}$, negate the second entry", p=tex(p), q=tex(q))
    found = Chain((Step(raw, why), *taken))
    return NullVector(rows, found, vector)


def lowest_row(m: sympy.MatrixBase) -> tuple[sympy.Integer, sympy.Integer]:
    """The first row of a 2x2 integer matrix divided by the greatest common divisor of its entries, its first non-zero
    entry made positive by that division: (9, -3) is (3, -1), (-9, -3) is (3, 1), (-1, -3) is (1, 3). A row of mixed
    signs with no common divisor stays as it is, (-1, 2): multiplied by -1 alone, the equation only turned the swap's
    sign change around (a TA read, EN 9112: "or, multiplied by -1, x_1 - 2x_2 = 0", then "swap 1 and -2, negate the
    first")."""
    p, q = m[0, 0], m[0, 1]
    divisor = math.gcd(p, q)
    if (p if p != 0 else q) < 0 and (divisor > 1 or p * q >= 0):
        divisor = -divisor
    return p / divisor, q / divisor


def unit_vector(vector: sympy.MatrixBase) -> tuple[Chain, WrittenMatrix]:
    """||v|| worked (the root of the squares as written, then its value) and v / ||v||, the fraction in front."""
    squares = [e**2 for e in vector]
    length = chain(sympy.sqrt(written_sum(*(q for q in squares if q)), evaluate=False), root := sympy.sqrt(sum(squares)))
    return length, fraction_times(1 / (root if root.is_Integer else AsWritten(root)), vector)


@functools.cache
def spectral_matrices(n: int) -> tuple[tuple[int, ...], ...]:
    """The entries (row by row) of every symmetric 2x2 or 3x3 integer matrix c I + alpha u u^T (+ beta w w^T),
    u and w small orthogonal integer vectors, whose eigenvalues are distinct integers: exercises whose
    characteristic polynomial factors and whose eigenvectors have entries up to 3. Entries are at most 6,
    eigenvalues at most 10 in size, and at most a third of the entries 0 (a block would give an eigenvector
    away); each matrix once, in a fixed order."""
    small = [v for v in itertools.product(range(-2, 3), repeat=3) if math.gcd(*v) == 1 and next(filter(None, v)) > 0]
    pairs = [(u, w) for u in small for w in small if u < w and sum(a * b for a, b in zip(u, w)) == 0]
    bases = [((p, q), (-q, p)) for p in (1, 2, 3) for q in (-3, -2, -1, 1, 2, 3) if math.gcd(p, q) == 1]
    steps = (-3, -2, -1, 1, 2, 3) if n == 2 else (-2, -1, 1, 2)
    found = set()
    for (u, w), c, alpha, beta in itertools.product(bases if n == 2 else pairs, range(-4, 5), steps, steps):
        beta = beta if n == 3 else 0
        entries = [c * (i == j) + alpha * u[i] * u[j] + beta * w[i] * w[j] for i in range(n) for j in range(n)]
        values = {c, c + alpha * sum(e * e for e in u), c + beta * sum(e * e for e in w)}
        third = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]] if n == 3 else u
        vectors = max(map(abs, (*u, *w, *(e // math.gcd(*third) for e in third))))
        small_enough = max(map(abs, entries)) <= 6 and max(map(abs, values)) <= 10 and vectors <= 3
        if len(values) == n and entries.count(0) <= n * n // 3 and small_enough:
            found.add(tuple(entries))
    return tuple(sorted(found))


def vieta_agrees(a: FloatMatrix, values: list[float]) -> bool:
    """Whether ``values`` can be the eigenvalues of the 2x2 or 3x3 float matrix ``a`` (Vieta): their sum is the
    trace, their pairwise products add up to the principal 2x2 minors, their product is the determinant."""
    n = len(a)
    minors = sum(a[i][i] * a[j][j] - a[i][j] * a[j][i] for i in range(n) for j in range(i + 1, n))
    invariants = [sum(a[i][i] for i in range(n)), *([minors] if n == 3 else []), float_determinant(a)]
    sums = [sum(math.prod(c) for c in itertools.combinations(values, k)) for k in range(1, n + 1)]
    return len(values) == n and all(abs(got - want) <= 1e-9 * max(1.0, abs(want)) for got, want in zip(sums, invariants))


def float_determinant(a: FloatMatrix) -> float:
    """The determinant of a 2x2 or 3x3 float matrix by the rule of Sarrus: a check independent of cofactors."""
    if len(a) == 2:
        return a[0][0] * a[1][1] - a[0][1] * a[1][0]
    down = sum(math.prod(a[i][(i + k) % 3] for i in range(3)) for k in range(3))
    return down - sum(math.prod(a[i][(k - i) % 3] for i in range(3)) for k in range(3))


def fraction_times(coefficient: sympy.Expr, m: sympy.MatrixBase) -> WrittenMatrix:
    """``coefficient * m`` printed as a fraction in front of the matrix (1/81, 2/81, 1/(1 + 2e)^2).

    A rational coefficient of a matrix product would print in brackets, ``(1/81) [...]``.
    """
    numerator, denominator = sympy.fraction(coefficient)
    written = sympy.Pow(denominator, -1, evaluate=False)
    if numerator != 1:
        written = sympy.Mul(numerator, written, evaluate=False)
    return WrittenMatrix(MatMul(written, m))


def vector(name: str, rows) -> BoldSymbol:
    """A column vector symbol, printed bold as the sheets' notation line says."""
    return BoldSymbol(name, rows, 1)


def matrix(name: str, rows, cols) -> BoldSymbol:
    """A matrix symbol, printed bold upright."""
    return BoldSymbol(name, rows, cols)


def scalar(name: str) -> ScalarSymbol:
    """A scalar that takes part in matrix algebra (a 1 x 1 symbol printed as a plain letter)."""
    return ScalarSymbol(name, 1, 1)


def scaled(coefficient, *factors) -> sympy.MatrixExpr:
    """``coefficient * factors`` as one product, with no coefficient printed when it is 1."""
    coefficient = sympy.Integer(coefficient) if isinstance(coefficient, int) else coefficient
    if coefficient == 1:
        return factors[0] if len(factors) == 1 else MatMul(*factors)
    return MatMul(coefficient, *factors)


def instantiate(
    expr: sympy.MatrixExpr, sizes: Mapping[sympy.Symbol, int], values: Mapping[MatrixSymbol, object]
) -> sympy.ImmutableMatrix:
    """A matrix expression with concrete sizes and every symbol replaced by a concrete matrix.

    ``values`` maps the symbols (with their symbolic shapes) to ImmutableMatrix or, for 1x1
    symbols, plain numbers. Products whose sizes do not fit fail the check.
    """
    sized = {symbol.xreplace(sizes): _as_matrix(value) for symbol, value in values.items()}
    try:
        result = expr.xreplace(sizes).xreplace(sized).doit()
    except ShapeError as error:
        raise CheckFailed(f"{expr}: the sizes do not fit ({error})") from error
    return sympy.ImmutableMatrix(result)


def float_value(expr: sympy.MatrixExpr, sizes: Mapping[sympy.Symbol, int], values: Mapping[MatrixSymbol, object]) -> FloatMatrix:
    """``instantiate`` in plain floats, for checks: symbols, transposes, sums and products by loops.

    SymPy's ``doit`` on a product of concrete matrices goes through its polynomial domains:
    two thirds of the quadratic-form check. Sizes that do not fit fail the check, as there.
    Anything else (an identity matrix, a power) is left to ``instantiate``.
    """
    if isinstance(expr, MatrixSymbol):
        value = to_floats(_as_matrix(values[expr]))
        rows, cols = (int(d.xreplace(sizes)) if isinstance(d, sympy.Basic) else d for d in expr.shape)
        require((len(value), len(value[0])) == (rows, cols), lambda: f"{expr} has sizes {rows}x{cols}, its value does not")
        return value
    if isinstance(expr, Transpose):
        return [list(column) for column in zip(*float_value(expr.arg, sizes, values))]
    if isinstance(expr, MatMul):
        scalar = math.prod(float(arg) for arg in expr.args if not isinstance(arg, sympy.MatrixExpr))
        factors = [float_value(arg, sizes, values) for arg in expr.args if isinstance(arg, sympy.MatrixExpr)]
        product = functools.reduce(lambda left, right: float_product(left, right, expr), factors)
        return [[scalar * entry for entry in row] for row in product]
    if isinstance(expr, MatAdd):
        terms = [float_value(arg, sizes, values) for arg in expr.args]
        shapes = {(len(term), len(term[0])) for term in terms}
        require(len(shapes) == 1, lambda: f"{expr}: the terms have different sizes {sorted(shapes)}")
        return [[math.fsum(column) for column in zip(*rows)] for rows in zip(*terms)]
    return to_floats(instantiate(expr, sizes, values))


def exact_value(expr: sympy.MatrixExpr) -> sympy.ImmutableMatrix:
    """``expr.doit()`` for sums and products of explicit matrices and numbers, entry by entry.

    ``doit`` multiplies such entries with plain ``Add`` and ``Mul`` as well, but first
    canonicalises the product and converts every operand to SymPy's domain matrices and back:
    for every worked step such as ``2 A x + b``. Multiplied left to
    right as there, the entries are the same expressions (tests/test_linalg.py compares).
    Anything else (a matrix symbol, a symbolic coefficient, sizes that do not fit) goes to ``doit``.
    """
    try:
        return sympy.ImmutableMatrix(_exact_rows(expr))
    except _NotPlain:
        return sympy.ImmutableMatrix(expr.doit())


class _NotPlain(Exception):
    """Not a sum or product of explicit matrices and numbers."""


def _exact_rows(expr: sympy.MatrixExpr) -> list[list[sympy.Expr]]:
    if isinstance(expr, sympy.MatrixBase):
        return expr.tolist()
    if isinstance(expr, Transpose):
        return [list(column) for column in zip(*_exact_rows(expr.arg))]
    if isinstance(expr, MatAdd):
        terms = [_exact_rows(arg) for arg in expr.args]
        if len({(len(term), len(term[0])) for term in terms}) != 1:
            raise _NotPlain  # doit names the mismatch
        return [[sympy.Add(*entries) for entries in zip(*rows)] for rows in zip(*terms)]
    if isinstance(expr, MatMul):
        scalar = sympy.Mul(*(arg for arg in expr.args if not isinstance(arg, sympy.MatrixExpr)))
        if not scalar.is_Number:
            raise _NotPlain
        factors = [_exact_rows(arg) for arg in expr.args if isinstance(arg, sympy.MatrixExpr)]
        product = functools.reduce(_exact_product, factors)
        return [[scalar * entry for entry in row] for row in product] if scalar != 1 else product
    raise _NotPlain


def _exact_product(left: list[list[sympy.Expr]], right: list[list[sympy.Expr]]) -> list[list[sympy.Expr]]:
    if len(left[0]) != len(right):
        raise _NotPlain
    return [[sympy.Add(*(a * b for a, b in zip(row, column))) for column in zip(*right)] for row in left]


def _as_matrix(value) -> sympy.ImmutableMatrix:
    return value if isinstance(value, sympy.MatrixBase) else sympy.ImmutableMatrix([[value]])


def polynomial_function(expr: sympy.Expr, symbols) -> Callable[..., float]:
    """A float function of a polynomial in ``symbols``, from its terms (far cheaper than lambdify)."""
    terms = [(monomial, float(coefficient)) for monomial, coefficient in sympy.Poly(expr, *symbols).terms()]
    return lambda *point: math.fsum(c * math.prod(x**e for x, e in zip(point, m)) for m, c in terms)


def coordinates(n: int, name: str = "x") -> tuple[sympy.Symbol, ...]:
    """The coordinate symbols x_1, ..., x_n."""
    return sympy.symbols(f"{name}_1:{n + 1}", real=True)


def integer_matrix(
    rng: random.Random,
    rows: int,
    cols: int,
    low: int = -4,
    high: int = 4,
    accept: Callable[[sympy.ImmutableMatrix], bool] = lambda m: True,
    what: str = "matrices",
) -> sympy.ImmutableMatrix:
    """A matrix of integers in [low, high] that ``accept`` likes (bounded retries)."""

    def draw(r: random.Random) -> sympy.ImmutableMatrix:
        return sympy.ImmutableMatrix(rows, cols, [r.randint(low, high) for _ in range(rows * cols)])

    return distinct(rng, draw, 1, accept=accept, what=what)[0]


MAX_ZERO_SHARE = sympy.Rational(1, 3)
"""At most this share of a drawn matrix (or of the matrix an answer applies) may be zero."""


def few_zeros(*matrices: sympy.MatrixBase) -> bool:
    """Whether at most a third of each matrix's entries are zero.

    A mostly-zero matrix makes an exercise that tests nothing: each x_k meets one entry, and a
    gradient or expansion with most terms missing is read off rather than worked out.
    """
    return all(sum(1 for entry in m if entry == 0) <= MAX_ZERO_SHARE * len(m) for m in matrices)


def float_matrix(rng: random.Random, rows: int, cols: int) -> FloatMatrix:
    """A random matrix of floats in [-2, 2], for numeric checks of matrix identities."""
    return [[rng.uniform(-2.0, 2.0) for _ in range(cols)] for _ in range(rows)]


def to_floats(m: sympy.MatrixBase) -> FloatMatrix:
    """A SymPy matrix of numbers as nested lists of floats."""
    return [[float(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]


def float_product(left: FloatMatrix, right: FloatMatrix, what: object) -> FloatMatrix:
    """The matrix product in plain floats; a shape mismatch fails the check (``what`` is printed only then)."""
    inner = len(left[0])
    require(
        inner == len(right),
        lambda: f"{what}: a {len(left)}x{inner} matrix cannot multiply a {len(right)}x{len(right[0])} matrix",
    )
    return [[math.fsum(row[k] * right[k][j] for k in range(inner)) for j in range(len(right[0]))] for row in left]


def double_loop_form(u: FloatMatrix, m: FloatMatrix, v: FloatMatrix) -> float:
    """sum_i sum_j u_i m_ij v_j by two explicit loops."""
    return math.fsum(u[i][0] * m[i][j] * v[j][0] for i in range(len(m)) for j in range(len(m[0])))


def index_value(
    expr: sympy.Expr,
    scalars: Mapping[sympy.Symbol, sympy.Expr],
    arrays: Mapping[str, sympy.MatrixBase],
    bound: Mapping[sympy.Symbol, int] | None = None,
) -> float:
    """A scalar expression of index sums and indexed entries (x_i, A_ij) in floats.

    Sums are expanded by explicit loops over their (1-based) ranges. ``scalars`` gives the sizes
    and any other scalar symbol, ``arrays`` the values of each ``Entries`` name, and ``bound``
    fixes free indices such as k.
    """
    bound = dict(bound or {})

    def value(node: sympy.Expr) -> float:
        if isinstance(node, Sum):
            ranges = [range(int(concrete(low)), int(concrete(high)) + 1) for _, low, high in node.limits]
            indices = [limit[0] for limit in node.limits]
            total = []
            for choice in itertools.product(*ranges):
                bound.update(zip(indices, choice))
                total.append(value(node.function))
            for index in indices:
                bound.pop(index)
            return math.fsum(total)
        if isinstance(node, Indexed):
            position = [int(concrete(i)) - 1 for i in node.indices]
            array = arrays[node.base.name]
            return float(array[position[0], position[1] if len(position) > 1 else 0])
        if node.is_Add:
            return math.fsum(value(arg) for arg in node.args)
        if node.is_Mul:
            return math.prod(value(arg) for arg in node.args)
        if node.is_Pow and node.exp.is_Integer:
            return value(node.base) ** int(node.exp)
        return float(concrete(node))

    def concrete(node: sympy.Expr) -> sympy.Expr:
        """A number once scalars and bound indices are filled in."""
        return sympy.sympify(node).xreplace({**scalars, **bound})

    return value(expr)
