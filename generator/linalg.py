"""Shared pieces of the linear-algebra families: bold symbols, small integer matrices, float checks.

* Symbolic vectors and matrices are SymPy ``MatrixSymbol`` subclasses that print bold
  (``\\mathbf{A}``); transposes print as ``^\\top``, sums keep the order they were written in and
  double index sums print as two ``\\sum`` signs, as on the reference sheet. SymPy's own printer
  writes plain letters, ``^{T}``, sorted terms and ``\\substack`` limits; rather than edit
  ``generator/printing.py``, these classes carry SymPy's ``_latex`` hook.
* Random small integer matrices for the concrete variants.
* Plain-float arithmetic for the independent checks: products that refuse mismatched shapes,
  double loops, index sums evaluated by explicit loops (never by SymPy's ``Sum.doit``) and
  polynomials evaluated term by term (``lambdify`` costs milliseconds per expression).
"""

import itertools
import math
import random
from collections.abc import Callable, Mapping

import sympy
from sympy import Indexed, IndexedBase, MatAdd, MatMul, MatrixSymbol, ShapeError, Sum, Transpose

from generator.family import CheckFailed, require
from generator.printing import WrittenSum
from generator.sampling import distinct

FloatMatrix = list[list[float]]


def size(name: str) -> sympy.Symbol:
    """A dimension such as N in x in R^N."""
    return sympy.Symbol(name, integer=True, positive=True)


class BoldSymbol(MatrixSymbol):
    """A vector or matrix symbol, printed bold."""

    def _latex(self, printer) -> str:
        return rf"\mathbf{{{self.name}}}"


class ScalarSymbol(MatrixSymbol):
    """A 1x1 symbol printed as a plain scalar, so that ``x^T A x + c`` is a valid matrix sum."""

    def _latex(self, printer) -> str:
        return self.name


class Top(Transpose):
    """A transpose printed ``^\\top``."""

    def _latex(self, printer) -> str:
        inner = printer._print(self.arg)
        return rf"{inner}^\top" if isinstance(self.arg, MatrixSymbol) else rf"\left({inner}\right)^\top"


class OrderedSum(MatAdd):
    """A matrix sum printed in the order its terms were given (``x^T A x + b^T x + c``)."""

    def _latex(self, printer) -> str:
        return printer.print_in_order(self.args, _negated_product)


class Entry(Indexed):
    """An entry x_i or M_ij of an ``Entries`` array, printed without braces or commas."""

    def _latex(self, printer) -> str:
        return f"{self.base.name}_{{{''.join(printer._print(i) for i in self.indices)}}}"


class Entries(IndexedBase):
    """The entries of a named vector or matrix, for index sums: ``Entries("M")[i, j]``."""

    def __getitem__(self, indices) -> Entry:
        indices = indices if isinstance(indices, tuple) else (indices,)
        return Entry(self, *indices)


class IndexSum(Sum):
    """A nested index sum printed as ``\\sum_{i=1}^{N} \\sum_{j=1}^{N} ...`` (outer index first)."""

    def _latex(self, printer) -> str:
        signs = "".join(
            rf"\sum_{{{printer._print(i)}={printer._print(low)}}}^{{{printer._print(high)}}} "
            for i, low, high in reversed(self.limits)
        )
        body = printer._print(self.function)
        return signs + (rf"\left({body}\right)" if self.function.is_Add else body)


def vector(name: str, rows) -> BoldSymbol:
    return BoldSymbol(name, rows, 1)


def matrix(name: str, rows, cols) -> BoldSymbol:
    return BoldSymbol(name, rows, cols)


def scalar(name: str) -> ScalarSymbol:
    return ScalarSymbol(name, 1, 1)


def scaled(coefficient, *factors) -> sympy.MatrixExpr:
    """``coefficient * factors`` as one product, with no coefficient printed when it is 1."""
    coefficient = sympy.Integer(coefficient) if isinstance(coefficient, int) else coefficient
    if coefficient == 1:
        return factors[0] if len(factors) == 1 else MatMul(*factors)
    return MatMul(coefficient, *factors)


def ordered_sum(*terms: sympy.MatrixExpr) -> sympy.MatrixExpr:
    return terms[0] if len(terms) == 1 else OrderedSum(*terms, evaluate=False)


def ordered_terms(*terms: sympy.Expr) -> sympy.Expr:
    return terms[0] if len(terms) == 1 else WrittenSum(*terms, evaluate=False)


def _negated_product(term: sympy.MatrixExpr) -> sympy.MatrixExpr:
    """-term built without SymPy's doit(), which would turn ``Top`` back into a plain transpose."""
    if isinstance(term, MatMul) and term.args[0].is_Number:
        return scaled(-term.args[0], *term.args[1:])
    return MatMul(-1, term)


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


def float_matrix(rng: random.Random, rows: int, cols: int) -> FloatMatrix:
    return [[rng.uniform(-2.0, 2.0) for _ in range(cols)] for _ in range(rows)]


def to_floats(m: sympy.MatrixBase) -> FloatMatrix:
    return [[float(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]


def float_product(left: FloatMatrix, right: FloatMatrix, what: str) -> FloatMatrix:
    """The matrix product in plain floats; a shape mismatch fails the check."""
    inner = len(left[0])
    require(
        inner == len(right),
        f"{what}: a {len(left)}x{inner} matrix cannot multiply a {len(right)}x{len(right[0])} matrix",
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
