"""The kit's notation: SymPy nodes that mean something on the page, printed by ``generator.kit.printing``.

Each node is a SymPy expression like any other (it differentiates, evaluates and substitutes),
whose look is house notation: bold vectors, ``\\log_2``, ``\\sigma(x)``, ``\\|\\mathbf{x} - \\mathbf{a}\\|_2``,
``\\mathbb{E}[X]``, terms in the order a step wrote them. How a node prints is defined in one
place, a ``_print_<Node>`` method of the sheet's two printers (``SheetLatexPrinter`` for the
page, ``SheetStrPrinter`` for answers.json), never by a ``_latex`` or ``_sympystr`` hook on the
class: the house style can then be read, and changed, in one module. A node that needs no
method of its own (``Entries``, ``SymmetricEntries``) prints as its SymPy base class does.

As written
----------
SymPy sorts the terms of a sum and the factors of a product, merges fractions and takes
numbers out of roots. A worked step must show what the student writes, so the kit has one
mechanism for "as written": SymPy's own ``evaluate=False`` for the structure, and two ways to
say more than the structure holds.

* Order: ``WrittenSum`` and ``WrittenProduct`` (built with ``evaluate=False``) print their terms
  joined by + and -, their factors by ``\\cdot``, in the order given. A ``WrittenSum`` of matrix
  terms is a ``WrittenMatrixSum``: the same sum for SymPy's matrix algebra, printed alike.
* Wholeness: ``AsWritten`` keeps a sub-expression whole where even an unevaluated node would be
  rebuilt (the printer takes a denominator's root again), and ``Bracketed``, an ``AsWritten``,
  also prints it in brackets: ``(first) - (second)`` with both values inserted.

Decision: one mechanism, not one node per domain. A matrix sum kept in order is a ``WrittenSum``
whose terms are matrices (one constructor, one printer method), not a class of the linear-algebra
kit; a value in brackets is an ``AsWritten`` printed in brackets, not a wrapper of its own.
``evaluate=False`` alone cannot replace ``AsWritten``: SymPy's printer rebuilds a fraction's
denominator, which turns ``sqrt(8 pi)`` into ``2 sqrt(2) sqrt(pi)``. Nor can ``WrittenSum`` replace
``Bracketed``: it brackets a subtracted sum, never the sum it opens with.
"""

import math

import sympy
from sympy import Indexed, IndexedBase, MatAdd, MatrixSymbol, Sum, Transpose
from sympy.printing.precedence import PRECEDENCE

from generator.speed import remembered

__all__ = ["AsWritten", "BoldSymbol", "Bracketed", "CoefficientSum", "Entries", "Entry", "EntryOf", "EuclideanNorm", "EvaluationBar", "Expectation", "FixedVector", "IndexSum", "LogOfDensity", "Moment", "Normaliser", "RandomVariable", "ScalarSymbol", "Share", "SymmetricEntries", "TimesMinor", "Top", "Variance", "Vector", "Width", "WrittenMatrixSum", "WrittenProduct", "WrittenQuotient", "WrittenSum", "bracketed", "log2", "put_in", "sigmoid", "written_sum"]

# As written


class WrittenSum(sympy.Add):
    """A sum printed in the order its terms were given, as a worked step writes it.

    Build it with ``WrittenSum(*terms, evaluate=False)`` (or ``written_sum``); SymPy's printer
    would sort the terms. A subtracted sum keeps its brackets: ``x - (2 - x)``. Terms that are
    matrices give a ``WrittenMatrixSum``.
    """

    def __new__(cls, *terms, **options):
        if cls is WrittenSum and any(getattr(term, "is_Matrix", False) for term in terms):
            return WrittenMatrixSum(*terms, **options)
        return super().__new__(cls, *terms, **options)


class WrittenMatrixSum(MatAdd):
    """A ``WrittenSum`` of matrices (``x^T A x + b^T x + c``): a matrix sum for SymPy, printed in the order given."""


class WrittenProduct(sympy.Mul):
    """A product printed factor by factor with ``\\cdot``, in the order given, as a student substitutes numbers; a
    bracket after a bracket goes without the dot, ``(2 - \\lambda)(5 - \\lambda)``.

    Build it with ``WrittenProduct(*factors, evaluate=False)``; SymPy's printer would sort the
    factors and merge every fraction into one. Sums and every negative factor after the first are
    bracketed: ``-2 \\cdot (-3)``, ``\\sigma(x) \\cdot (1 - \\sigma(x))``.
    """

    @property
    def negated(self) -> bool:
        """-1 times one expression (not a number): its sign, printed ``-(-\\cos x)``, with no factors to multiply."""
        return len(self.args) == 2 and self.args[0] == -1 and not self.args[1].is_Number


class CoefficientSum(sympy.Mul):
    """A monomial after its coefficient written as a sum, ``(3 + 2) x_1 x_2``: the two entries a_ij + a_ji of a
    quadratic form x^T A x that one cross term collects (a TA read, German 9552: the written-out f gave 5 x_1 x_2
    with nothing to show where the 5 came from). Build it ``CoefficientSum(coefficients, monomial, evaluate=False)``;
    it is added as written, never as a subtracted term."""

    def could_extract_minus_sign(self) -> bool:
        return False


class TimesMinor(sympy.Expr):
    """An entry of a determinant's first row times its minor, ``(5 - \\lambda) M_{11}``, ``(-4) M_{12}``, ``M_{13}``:
    the entry as it stands in the matrix, bracketed where it is a sum or negative, before any sign merges with the
    sign of its place (two TA reads: "put in the minors, with alternating signs" hid which minus came from where).
    Build it ``TimesMinor(entry, Str("M_{12}"), minor)``, the minor a ``WrittenDeterminant``: its value (``doit``) is the
    entry times the minor's, so a chain through it is verified as any other."""

    is_commutative = True

    def doit(self, **hints):
        entry, _, minor = self.args
        return entry * minor.doit(**hints)

    def _eval_evalf(self, prec):
        return self.doit().evalf(prec)

    def could_extract_minus_sign(self) -> bool:
        return False


class FactorsToMultiply(WrittenProduct):
    """A rule's factors side by side that share a base, ``x^2 e^x \\cdot 2x``: the step after multiplies them and
    says so (``rewrites.rewrite_names``); merged in the rule's own line, ``2 x^3 e^x`` stood beside a reason that
    named only the rule (two TA reads)."""


def to_multiply(expr: sympy.Basic) -> bool:
    """Whether ``expr`` holds factors a rule wrote side by side for the next step to multiply (``FactorsToMultiply``)."""
    return any(isinstance(node, FactorsToMultiply) for node in sympy.preorder_traversal(expr))


def written_sum(*terms: sympy.Expr) -> sympy.Expr:
    """The terms as a ``WrittenSum`` (scalars or matrices); one term is that term, not a sum of one."""
    return terms[0] if len(terms) == 1 else WrittenSum(*terms, evaluate=False)


class AsWritten(sympy.UnevaluatedExpr):
    """A scalar sub-expression kept whole, as written: ``sqrt(2 pi sigma^2)`` stays one root.

    ``evaluate=False`` is not enough where the printer itself rebuilds a part: writing a
    fraction, SymPy's printer takes the denominator's root again, as ``sqrt(2) sqrt(pi) sigma``.
    Numerically it is its argument, so ``N`` and ``float`` see through it; it is commutative
    (its argument is a scalar), so that ``1/(b - a)`` prints as a fraction.
    """

    is_commutative = True

    def _eval_evalf(self, prec):
        return self.args[0].evalf(prec)


class Bracketed(AsWritten):
    """A value kept whole and in brackets inside a longer written step: ``(2/3 log 2 + 2/3 log 3) - \\log 3``,
    where a ``WrittenSum`` alone would bracket only the subtracted sum. Use ``bracketed``, which wraps sums only."""


def bracketed(value: sympy.Expr) -> sympy.Expr:
    """``value`` in brackets when it is a sum, else as it is."""
    return Bracketed(value) if value.is_Add else value


class WrittenQuotient(sympy.Expr):
    """``numerator / denominator`` as written, neither side reduced nor merged: ``12/40`` before it is ``3/10``;
    ``(3/8)/(9/20)`` as Bayes' rule puts values in, printed as the two fractions with a tall slash between.

    SymPy reduces a quotient of numbers and merges a fraction over a fraction into one; a student
    writes the numbers first. Its value (``doit``) is the quotient, so a chain verifies it.
    """

    is_commutative = True

    def __new__(cls, numerator: sympy.Expr, denominator: sympy.Expr):
        return super().__new__(cls, sympy.sympify(numerator), sympy.sympify(denominator))

    def doit(self, **hints) -> sympy.Expr:
        numerator, denominator = (side.doit(**hints) for side in self.args)
        return numerator / denominator

    def _eval_evalf(self, prec):
        return self.doit().evalf(prec)


class EvaluationBar(sympy.Expr):
    """``[F(x)]_a^b``, the bar an antiderivative is evaluated with: its value is F(b) - F(a).

    A definite integral's evaluation reads ``= [F(x)]_a^b = F(b) - F(a) = ...``; as a node the bar
    is a step of the chain like any other, verified by its value, and printed once, by the printer.
    """

    is_commutative = True

    def __new__(cls, primitive: sympy.Expr, variable: sympy.Symbol, low: sympy.Expr, high: sympy.Expr):
        return super().__new__(cls, *map(sympy.sympify, (primitive, variable, low, high)))

    @property
    def free_symbols(self) -> set:
        primitive, variable, low, high = self.args
        return (primitive.free_symbols - {variable}) | low.free_symbols | high.free_symbols

    def doit(self, **hints) -> sympy.Expr:
        primitive, variable, low, high = self.args
        return primitive.subs(variable, high) - primitive.subs(variable, low)

    def _eval_evalf(self, prec):
        return self.doit().evalf(prec)


def put_in(expr: sympy.Expr, rule: dict) -> sympy.Expr:
    """``expr`` with values put in for symbols as a hand writes the step: ``2 \\cdot 0 - 1``, ``e^{-1}``, ``1 + 1``.

    ``generator.kit.rewrites.xreplace_unevaluated`` keeps the structure (what the chain rule needs),
    but the printer then hides what was put in: ``2x`` at 0 prints ``0``, ``-x`` at -1 prints
    ``- -1``, ``x e^x`` at 0 prints ``0e^0`` and ``e^{-x}`` at 1 moves under a fraction bar as ``1/e``. Here
    a number put into a product, and numbers that meet there, are multiplied with a dot, a minus sign before a number is applied at once (``1 - x`` at -1 is
    ``1 + 1``, never ``1 - (-1)``), an exponential of a number stays an exponential, and the terms of
    a sum keep the order they printed in (``2x + 1`` at 1 is ``2 \\cdot 1 + 1``).
    """
    if expr in rule:
        return sympy.sympify(rule[expr])
    if not expr.args:
        return expr
    args = tuple(put_in(arg, rule) for arg in expr.args)
    if args == expr.args:
        return expr
    if isinstance(expr, sympy.exp) and args[0].is_number:  # its exponent whole, so no fraction bar takes it
        return sympy.exp(AsWritten(args[0]), evaluate=False)
    if expr.is_Add:  # the terms in the order the expression printed them in, which SymPy would re-sort
        from generator.kit.printing import printed_terms  # printing imports this module

        return WrittenSum(*(_put_in_term(term, rule) for term in printed_terms(expr)), evaluate=False)
    if not expr.is_Mul:
        return expr.func(*args, evaluate=False)
    sign, factors = (1, args) if not (args[0].is_Number and args[0] < 0) else (-1, (-args[0], *args[1:]) if args[0] != -1 else args[1:])
    if sign < 0 and factors[0].is_Number and factors[0] < 0:  # - (-1) is 1 to a hand (and to the lint)
        sign, factors = 1, (-factors[0], *factors[1:])
    if len(factors) == 1 and factors[0].is_Number:
        return sign * factors[0]
    put = any(new.is_Number and new != old for new, old in zip(args, expr.args))  # x e^x at 0: 0 . e^0, never 0e^0
    if sum(1 for factor in factors if factor.is_Number) > 1 or put and len(factors) > 1:
        factors = (AsWritten(WrittenProduct(*factors, evaluate=False)),)  # whole: a sign in front must not merge into it
    return sympy.Mul(*([-1] if sign < 0 else []), *factors, evaluate=False) if len(factors) > 1 or sign < 0 else factors[0]


def _put_in_term(term: sympy.Expr, rule: dict) -> sympy.Expr:
    """A term of a sum put in; a subtracted term that becomes 0 keeps its minus sign, ``1 - x`` at 0 is ``1 - 0``
    (``1 + 0`` read as a sign slip, TA read)."""
    put = put_in(term, rule)
    if put == 0 and term.is_Mul and term.args[0] == -1:
        return sympy.Mul(-1, put, evaluate=False)
    return put


def cancelled_signs(expr: sympy.Expr, rule: dict) -> int:
    """How many pairs of minus signs putting the values in cancels unseen: ``put_in`` applies a minus sign before a
    negative number at once (``1 - x`` at -1 is ``1 + 1``), so the step that puts them in says so; ``e^{-x} (1 - x)``
    at -1 cancels two pairs, ``e^{1} (1 + 1)`` (TA read, German 8934: "two minus signs cancel" there said one)."""
    return sum(
        1
        for node in sympy.preorder_traversal(expr)
        if node.is_Mul and node.args[0] == -1 and (value := put_in(node.args[1], rule)).is_Number and value < 0
    )


# Functions the course writes as one symbol


class log2(sympy.Function):
    """Base-2 logarithm kept as one symbol, so answers in bits print as ``\\log_2 3``."""

    @classmethod
    def eval(cls, arg):
        if arg.is_Rational and arg > 0:
            p, q = arg.p, arg.q
            if p & (p - 1) == 0 and q & (q - 1) == 0:
                return sympy.Integer(p.bit_length() - q.bit_length())
        return None

    def _eval_rewrite_as_log(self, arg, **kwargs):
        return sympy.log(arg) / sympy.log(2)

    def _eval_evalf(self, prec):
        return (sympy.log(self.args[0]) / sympy.log(2)).evalf(prec)

    def fdiff(self, argindex=1):
        return 1 / (self.args[0] * sympy.log(2))


class sigmoid(sympy.Function):
    """The logistic function sigma(t) = 1 / (1 + e^(-t)), for answers written in terms of activations.

    It stays unevaluated so that a derivative prints the way a teaching assistant writes it,
    ``\\sigma(x)(1 - \\sigma(x))``, instead of a tower of exponentials. It differentiates by that
    identity, rewrites to ``1/(1 + exp(-t))`` for numerical checks (``expr.rewrite(sympy.exp)``),
    and is stored in answers.json in that explicit form, which plain ``sympify`` reads back.
    """

    @classmethod
    def class_key(cls):
        """Sort before sums in printed products, so the factors read sigma(x) (1 - sigma(x))."""
        return 3, 0, cls.__name__

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + sympy.exp(-arg))


class EuclideanNorm(sympy.Function):
    """||(c_1, ..., c_n)||_2 of the components c_i = x_i - a_i, printed as ``||x||_2`` or ``||x - a||_2``.

    It stays one symbol through differentiation (d/dx_i ||x - a|| = (x_i - a_i) / ||x - a||),
    so partials read like a hand-written solution; stored in answers.json as the square root,
    evaluated in floats by ``math.hypot``.
    """

    @classmethod
    def eval(cls, *components):
        if all(c.is_number for c in components):
            return sympy.sqrt(sympy.Add(*(c**2 for c in components)))
        return None

    def fdiff(self, argindex=1):
        return self.args[argindex - 1] / self

    @property
    def centred(self) -> bool:
        """||x||_2 rather than ||x - a||_2."""
        return all(c.is_Symbol for c in self.args)

    def _pythoncode(self, printer):
        """For ``lambdify(..., "math")``, the numeric evaluator's fallback (not a sheet printer): math.hypot of the components."""
        return f"hypot({', '.join(printer._print(c) for c in self.args)})"

    float_function = staticmethod(math.hypot)
    """For the checks' float evaluator (``generator.kit.numeric``)."""


class Share(sympy.Function):
    """A softmax output sigma_k = e^(z_k) / S, printed sigma_k: a step can name it and still be checked.

    Written ``Share(z_k, S)`` (the score's symbol is named ``z_k``, which gives the index);
    numbers evaluate, ``rewrite(exp)`` gives the quotient, and answers.json stores the quotient.
    """

    @classmethod
    def class_key(cls):
        """Sort before sums in printed products, so the factors read sigma_i (1 - sigma_i)."""
        return 3, 0, cls.__name__

    @classmethod
    def eval(cls, score, total):
        if score.is_number and total.is_number:
            return sympy.exp(score) / total
        return None

    def _eval_rewrite_as_exp(self, score, total, **kwargs):
        return sympy.exp(score) / total


class Normaliser(sympy.Symbol):
    """The softmax normaliser S = sum_k e^(z_k) as a symbol of its own, printed S.

    Named otherwise (``Normaliser("S_sum")``) so that answers.json reads back as a symbol:
    ``S`` alone is SymPy's singleton registry.
    """


# Bold vectors and matrices, entries and index sums


class Vector(sympy.Symbol):
    """A vector written as one bold symbol, for gradients in vector form (``x / ||x||_2``)."""


class FixedVector(Vector):
    """A given point such as the centre ``a``; sorts after the variable so sums print as ``x - a``."""

    @classmethod
    def class_key(cls):
        return 2, 1, cls.__name__


class BoldSymbol(MatrixSymbol):
    """A vector or matrix symbol, printed bold."""


class ScalarSymbol(MatrixSymbol):
    """A 1x1 symbol printed as a plain scalar, so that ``x^T A x + c`` is a valid matrix sum."""


class Top(Transpose):
    """A transpose printed ``^\\top``, as on the reference sheet (SymPy writes ``^{T}``)."""


class Entry(Indexed):
    """An entry x_i or M_ij of an ``Entries`` array, printed without braces or commas."""


class Entries(IndexedBase):
    """The entries of a named vector or matrix, for index sums: ``Entries("M")[i, j]``."""

    def __getitem__(self, indices) -> Entry:
        indices = indices if isinstance(indices, tuple) else (indices,)
        return Entry(self, *indices)


class SymmetricEntries(Entries):
    """The entries of a symmetric matrix: printed as written, M_ij and M_ji are one number on an instance."""


class IndexSum(Sum):
    """A nested index sum printed as ``\\sum_{i=1}^{N} \\sum_{j=1}^{N} ...`` (outer index first), not SymPy's ``\\substack``."""


class EntryOf(sympy.Expr):
    """Entry ``index`` (counted from 1) of a column-vector expression, printed ``(Mv)_i``."""

    is_commutative = True

    def __new__(cls, vector_expr: sympy.MatrixExpr, index: sympy.Expr):
        return super().__new__(cls, vector_expr, sympy.sympify(index))


# Probability


class Width(sympy.Expr):
    """``high - low`` printed bracketed and as written, ``(3 - (-1))``, as a student substitutes into (b - a)."""

    is_commutative = True

    def __new__(cls, high: sympy.Expr, low: sympy.Expr):
        return super().__new__(cls, sympy.sympify(high), sympy.sympify(low))

    def doit(self, **hints) -> sympy.Expr:
        high, low = self.args
        return high - low

    def _eval_evalf(self, prec):
        return self.doit().evalf(prec)


class RandomVariable(sympy.Expr):
    """A random variable with a given mean and variance, printed as its name (``X``).

    It only lives inside ``Expectation`` and ``Variance``, which evaluate polynomials
    in independent random variables from these two moments: enough for worked
    solutions written with the expectation identities, whose steps the engine checks.
    """

    is_commutative = True

    def __new__(cls, name: str | sympy.Symbol, mean: sympy.Expr, variance: sympy.Expr):
        label = name if isinstance(name, sympy.Symbol) else sympy.Symbol(name)
        return super().__new__(cls, label, sympy.sympify(mean), sympy.sympify(variance))

    @property
    def mean(self) -> sympy.Expr:
        return self.args[1]

    @property
    def variance(self) -> sympy.Expr:
        return self.args[2]

    @property
    def free_symbols(self) -> set:
        """The parameters of its law; the name is not a number to substitute."""
        return self.mean.free_symbols | self.variance.free_symbols

    def doit(self, **hints) -> "RandomVariable":
        """Itself: its name and law parameters hold nothing to evaluate. SymPy's ``doit`` rebuilds
        every node, and each expectation's value starts with one."""
        return self

    def raw_moment(self, power: int) -> sympy.Expr:
        """E[X^power] for power 0, 1, 2 (all that mean and variance determine)."""
        if power > 2:
            raise ValueError(f"E[{self.args[0]}^{power}] needs more than the mean and variance")
        return (sympy.Integer(1), self.mean, self.variance + self.mean**2)[power]


class Moment(sympy.Expr):
    """E[...] or Var(...) of an expression in independent random variables, kept as written.

    ``doit`` (what the step verifier evaluates) gives its value in the law parameters.
    answers.json stores that value: SymPy cannot read the notation back.
    """

    is_commutative = True

    def __new__(cls, arg: sympy.Expr):
        return super().__new__(cls, sympy.sympify(arg))

    def doit(self, **hints) -> sympy.Expr:
        """Its ``value``, worked out once per process: the step verifier, answers.json and the
        checks all ask for it, and E[X] or Var(X) recur from step to step."""
        return _value_of(self) if not hints else self.value(**hints)

    def value(self, **hints) -> sympy.Expr:
        raise NotImplementedError

    def _eval_evalf(self, prec):
        return self.doit().evalf(prec)


@remembered(8192)
def _value_of(moment: Moment) -> sympy.Expr:
    return moment.value()


class Expectation(Moment):
    """E[arg], printed ``\\mathbb{E}[arg]``; a power brackets it whole, (E[XY])^2, never E[XY]^2, which reads as
    E[(XY)^2] (TA read 8871): its precedence lies between a product's and a power's, so E[X] E[Y] stays bare."""

    precedence = (PRECEDENCE["Mul"] + PRECEDENCE["Pow"]) // 2

    def value(self, **hints) -> sympy.Expr:
        arg = sympy.expand(self.args[0].doit(**hints))
        variables = sorted(arg.atoms(RandomVariable), key=sympy.default_sort_key)
        if not variables:
            return arg
        # Independence: the expectation of a product of powers is the product of their expectations.
        return sympy.Add(
            *(
                coefficient * sympy.Mul(*(v.raw_moment(k) for v, k in zip(variables, powers)))
                for powers, coefficient in _terms_by_powers(arg, variables).items()
            )
        )


def _terms_by_powers(polynomial: sympy.Expr, variables: list[RandomVariable]) -> dict[tuple[int, ...], sympy.Expr]:
    """An expanded polynomial in ``variables`` as {powers: coefficient}: ``Poly(...).terms()``,
    without building a polynomial ring (the costliest part of checking the expectation steps)."""
    index = {v: i for i, v in enumerate(variables)}
    grouped: dict[tuple[int, ...], list[sympy.Expr]] = {}
    for term in sympy.Add.make_args(polynomial):
        powers, coefficient = [0] * len(variables), []
        for factor in sympy.Mul.make_args(term):
            base, exponent = factor.as_base_exp()
            if base in index and exponent.is_Integer and exponent >= 0:
                powers[index[base]] += int(exponent)
            elif factor.has(RandomVariable):
                raise ValueError(f"E[{polynomial}] is not a polynomial in its random variables")
            else:
                coefficient.append(factor)
        grouped.setdefault(tuple(powers), []).append(sympy.Mul(*coefficient))
    return {powers: sympy.Add(*coefficients) for powers, coefficients in grouped.items()}


class Variance(Moment):
    """Var(arg), printed ``\\operatorname{Var}(arg)``."""

    def value(self, **hints) -> sympy.Expr:
        arg = self.args[0]
        return sympy.expand(Expectation(arg**2).doit(**hints) - Expectation(arg).doit(**hints) ** 2)


class LogOfDensity(sympy.Expr):
    """log p(x) (base e or 2) of a density written as a product with an exponential, kept as written.

    ``doit`` (what the step verifier evaluates) splits it by SymPy's log rules: taking the
    log of the float density would lose everything where a narrow Gaussian underflows.
    """

    is_commutative = True

    def __new__(cls, pdf: sympy.Expr, base: sympy.Expr = sympy.E):
        return super().__new__(cls, pdf, sympy.sympify(base))

    def doit(self, **hints) -> sympy.Expr:
        pdf, base = self.args
        split = sympy.expand_log(sympy.log(pdf.doit(**hints)), force=True)
        return split if base == sympy.E else split / sympy.log(base)

    def _eval_evalf(self, prec):
        return self.doit().evalf(prec)
