"""The one SymPy LaTeX printer every template uses, and the one text printer answers.json uses.

House style lives here as printer settings and ``_print_X`` overrides, never as edits of
printed strings; so does the look of every node of ``generator.kit.notation`` (``_print_<Node>``:
no node carries a printing hook of its own). Bracketed matrices, ``\\log 3`` and ``\\log \\frac{5}{2}``
without brackets for logs of positive numbers, ``\\log_2`` for base-2 logs, ``\\sigma(t)`` for the logistic
function, column vectors for SymPy column matrices, and sums of functions or numbers that open
with a positive term (``2 \\cos y - y \\sin y``), as do differences of two monomials in brackets, below a
fraction bar, in a function's argument and in an exponent (``2 (y - x^2)``, ``\\frac{x}{y - x^2}``,
``\\cos(x - 2 y^2)``, ``e^{y - 2 x^2}``). Nothing a student can read two ways: a power of a function application
brackets the application (``(\\log u)^3``; ``\\tanh^2 x`` as the course writes it), fractions in exponents take a slash (``e^{-3x/2}``), an unevaluated
product shows each base once with one leading number (``4 x^2 (3x - 2)``, never ``4 x x (3x - 2)``), and a
number never stands glued to a fraction (``\\frac{2x}{x^2+1}``, not ``2 \\frac{x}{x^2+1}``).
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sympy
from babel.numbers import get_decimal_symbol
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional
from sympy.printing.str import StrPrinter

from generator.kit.language import ENGLISH, current_language, localized_decimal
from generator.kit.notation import (
    EuclideanNorm,
    Share,
    WrittenProduct,
    WrittenSum,
    log2,
)
from generator.speed import register, remembered

__all__ = ["Maths", "applied", "argument", "inline", "printed_terms", "row", "tex", "text"]


@remembered(65536)
def _ordered_terms(expr: sympy.Expr, order: str | None) -> tuple[sympy.Expr, ...]:
    return tuple(expr.as_ordered_terms(order=order))


def _positive_first(terms: list[sympy.Expr]) -> list[sympy.Expr]:
    """The terms in their order, but the first positive one (if any) moved to the front."""
    first = next((i for i, term in enumerate(terms) if not term.could_extract_minus_sign()), 0)
    return [terms[first], *terms[:first], *terms[first + 1 :]] if first else terms


class _RememberedOrder:
    """Terms of a sum sorted once per process, shared by both printers.

    Sorting works out every term's monomial and coefficients (``as_ordered_terms``); each
    answer and step is printed both in LaTeX and as text, and sub-expressions recur in the steps.
    """

    def _as_ordered_terms(self, expr, order=None):
        order = order or self.order
        if order in ("old", "none"):
            return super()._as_ordered_terms(expr, order)
        return list(_ordered_terms(expr, order))


class _RememberedParts:
    """Each printer prints a sub-expression once per process.

    A step repeats most of the step before it, and the pieces of a solution recur in its
    steps, in the answer and in answers.json. A part prints the same wherever it stands (its
    parent decides on brackets), so its text is kept, keyed by type and value. Not kept:
    the whole expression (``tex`` and ``text`` keep those), parts printed with options
    (a function raised to a power), and anything matrix-valued, since a ``WrittenMatrix``
    equals a plain matrix with the same entries but prints the expression it came from.
    """

    _slashed = False
    """Whether ``SheetLatexPrinter`` writes fractions with a slash here: in an exponent, and in the argument
    of a function that stands above or below a fraction bar."""

    _in_fraction = False
    """Whether the printer is above or below a fraction bar."""

    _bracketed: frozenset = frozenset()
    """The sums that stand as factors of the product being printed (``SheetLatexPrinter._print_product``)."""

    _arguments: frozenset = frozenset()
    """The arguments of the function, or the exponent, being printed (``SheetLatexPrinter._print``, ``_exponent``)."""

    def __init__(self, settings=None):
        super().__init__(settings)
        self._parts: dict[tuple[type, sympy.Basic, bool, bool], str] = {}
        register(self._parts.clear)

    def _print(self, expr, **kwargs) -> str:
        if kwargs or not self._print_level or not isinstance(expr, sympy.Basic) or expr.is_Matrix:
            return super()._print(expr, **kwargs)
        key = (type(expr), expr, self._slashed, self._in_fraction, expr in self._bracketed or expr in self._arguments)
        printed = self._parts.get(key)
        if printed is None:
            printed = self._parts[key] = super()._print(expr)
            if len(self._parts) > MAX_REMEMBERED_PARTS:
                self._parts.clear()
        return printed


MAX_REMEMBERED_PARTS = 200_000


class SheetStrPrinter(_RememberedParts, _RememberedOrder, StrPrinter):
    """SymPy's plain-text printer (``sstr``), output unchanged, and the text of the kit's notation nodes.

    What it prints is what answers.json stores, so a node that SymPy cannot read back prints the
    explicit value it stands for (``sigmoid(x)`` as ``1/(1 + exp(-x))``, ``E[X]`` as its value).
    """

    def _print_Bracketed(self, expr) -> str:
        return f"({self._print(expr.args[0])})"

    def _print_sigmoid(self, expr) -> str:
        return f"({self._print(expr.rewrite(sympy.exp))})"

    def _print_EuclideanNorm(self, expr) -> str:
        squares = (f"{self._print(c)}**2" if c.is_Symbol else f"({self._print(c)})**2" for c in expr.args)
        return f"sqrt({' + '.join(squares)})"

    def _print_Share(self, expr) -> str:
        score, total = expr.args
        return f"(exp({self._print(score)})/{self._print(total)})"

    def _print_Width(self, expr) -> str:
        return f"({self._print(expr.args[0])} - ({self._print(expr.args[1])}))"

    def _print_WrittenQuotient(self, expr) -> str:
        """``(2000/118)`` as the sheet writes it, not its value ``1000/59``: answers.json shows each step's numbers
        beside its reason ("cancel 2000"); ``sympify`` reads it back to the same value."""
        numerator, denominator = (self.parenthesize(side, PRECEDENCE["Mul"]) for side in expr.args)
        return f"({numerator}/{denominator})"

    def _print_EvaluationBar(self, expr) -> str:
        return f"({self._print(expr.doit())})"

    _print_WrittenDeterminant = _print_EvaluationBar

    def _print_RandomVariable(self, expr) -> str:
        return self._print(expr.args[0])

    def _print_Moment(self, expr) -> str:
        return f"({self._print(expr.doit())})"

    def _print_LogOfDensity(self, expr) -> str:
        pdf, base = expr.args
        return f"log({self._print(pdf)})" if base == sympy.E else f"log2({self._print(pdf)})"


class SheetLatexPrinter(_RememberedParts, _RememberedOrder, LatexPrinter):
    """SymPy's LaTeX printer with the house style for exercise sheets."""

    _default_settings = {
        **LatexPrinter._default_settings,
        "mat_str": "bmatrix",
        "mat_delim": "",
    }

    def _as_ordered_terms(self, expr, order=None):
        """SymPy's order of a sum's terms, except that a positive term opens a sum of functions or numbers,
        and logs of whole numbers stand in the order of the numbers, after the first positive one if the
        smallest is subtracted (log 5 - 3/5 log 3, as a hand writes a positive value).

        ``2 cos y - y sin y``, not ``- y sin y + 2 cos y``; ``3 log 5 / 4 - 7/8``; polynomials
        keep their monomial order (``- 3 x_1^2 + x_1 x_2``), as they are written by hand, and a polynomial
        in several variables is graded by degree: its quadratic terms, then the linear ones, then the
        constant (``3 x_2^2 - 5 x_1 x_2 + 3 x_1 - 3 x_2 + 1``, never SymPy's ``- 5 x_1 x_2 + 3 x_1 + 3 x_2^2 ...``).
        A difference of two monomials opens with its positive term where it stands in brackets or braces: as a
        factor (``2 (y - x^2)``, ``_print_product``), below a fraction bar, alone or beside other factors
        (``\\frac{x}{y - x^2}`` as ``\\frac{1}{y - x^2}``, never ``\\frac{x}{- x^2 + y}``), a function's argument
        (``\\cos(x - 2 y^2)``, never ``\\cos(- 2 y^2 + x)``) or an exponent (``e^{y - 2 x^2}``, ``e^{2 y - x}``), as a
        hand writes them (TA read).
        """
        graded = order is None and len(expr.free_symbols) > 1 and expr.is_polynomial()
        terms = super()._as_ordered_terms(expr, "grlex" if graded else order)
        if all(_log_of_number(term.as_coeff_Mul()[1]) for term in terms):
            # log 2, log 3, log 5 in every line of a solution, a positive one first
            return _positive_first(sorted(terms, key=lambda term: term.as_coeff_Mul()[1].args[0]))
        terms = _polynomial_part_together(terms)
        if graded or (expr.free_symbols and expr.is_polynomial()):
            enclosed = expr in self._bracketed or expr in self._arguments
            return _positive_first(terms) if len(terms) == 2 and enclosed else terms
        return _positive_first(terms)

    def _print_Pow(self, expr):
        """SymPy's, except that a power of a function application brackets the whole application.

        SymPy writes ``\\log{\\left(u \\right)}^{3}``, which a student may read as the log of
        ``u^3``; here it is ``\\left(\\log(u)\\right)^{3}``. Trigonometric and hyperbolic functions
        keep the course's ``\\tanh^{2}(x)``, the one reading those have. Square roots stay roots, and
        a function printed inside its own delimiters (``|x|``, a norm) needs no brackets: ``\\|x\\|_2^{2}``.
        A whole power of a bracketed whole power, left unevaluated (the quotient rule's v^2 for
        v = (x^2 + 1)^2), is one power: ``(x^2 + 1)^4``, never brackets in brackets; a substituted
        ``(\\sigma^2)^2`` stays, the step that squares it is the next one. A difference of two monomials in the
        brackets of a power or under a root sign opens with its positive term, as in a product's brackets:
        ``(y - x^2)^3``, ``\\sqrt{y - x^2}`` (``_as_ordered_terms``).
        """
        base, exponent = expr.base, expr.exp
        if base.is_Pow and not base.base.is_Atom and all(e.is_Integer and e.is_positive for e in (base.exp, exponent)):
            return self._print(sympy.Pow(base.base, base.exp * exponent, evaluate=False))
        root = exponent.is_Rational and abs(exponent.p) == 1 and exponent.q != 1
        if (
            base.is_Function
            and not isinstance(base, (sympy.exp, sympy.Abs, EuclideanNorm, *_CONVENTIONAL_POWERS))
            and not root
            and not exponent.could_extract_minus_sign()
        ):
            return f"{applied('', self._print(base))}^{{{self._exponent(exponent)}}}"
        if base.is_Add and (root or exponent.is_positive):  # in brackets or under a root: (y - x^2)^3, not (-x^2 + y)^3
            return self._as_argument(lambda _: super(SheetLatexPrinter, self)._print_Pow(expr), base)
        return super()._print_Pow(expr)

    def _print_Function(self, expr, exp=None):
        """SymPy's function names, the argument in the kit's brackets (``applied``): ``\\sin(x)``, never
        SymPy's ``\\sin{\\left(x \\right)}``, which TeX spaces off from its name (``sin (x)``)."""
        if hasattr(self, f"_print_{expr.func.__name__}") and not isinstance(expr, AppliedUndef):
            return getattr(self, f"_print_{expr.func.__name__}")(expr, exp)
        name = self._hprint_Function(expr.func.__name__)
        if exp is not None:
            name = f"{self.parenthesize_super(name)}^{{{exp}}}"
        return applied(name, ", ".join(self._print(arg) for arg in expr.args))

    def _print_ExpBase(self, expr, exp=None):
        """``e^{...}`` with fractions in the exponent written with a slash: ``e^{-3 x/2}``. A negative whole
        power of e is ``\\frac{1}{e^{k}}`` wherever it stands, as SymPy prints it in a product, so e^{-1} and
        1/e never meet on one page."""
        power = expr.args[0]
        if power.is_Integer and power.is_negative and exp is None:
            return self._print(sympy.Pow(sympy.E, power, evaluate=False))
        return self._do_exponent(f"e^{{{self._exponent(power)}}}", exp)

    def _helper_print_standard_power(self, expr, template: str) -> str:
        """SymPy's ``base^{exp}``, the exponent printed as an exponent (fractions with a slash)."""
        base = self.parenthesize(expr.base, PRECEDENCE["Pow"])
        if expr.base.is_Symbol:
            base = self.parenthesize_super(base)
        elif expr.base.is_Float:
            base = f"{{{base}}}"
        return template % (base, self._exponent(expr.exp))

    def _print_Rational(self, expr):
        if self._slashed and expr.q != 1:
            return f"{'- ' if expr.p < 0 else ''}{abs(expr.p)}/{expr.q}"
        return super()._print_Rational(expr)

    def _exponent(self, expr) -> str:
        """An exponent, in which a fraction is written ``a/b``: a stacked fraction in a superscript is unreadably small,
        and a difference of two monomials opens with its positive term (``e^{y - 2 x^2}``, ``_as_ordered_terms``)."""
        return self._as_argument(lambda power: self._with_slashes(self._print, power), expr)

    @contextmanager
    def _holding(self, **state):
        """The printer's ``state`` (``_arguments``, ``_bracketed``, ``_slashed``, ``_in_fraction``) while what is inside
        is printed, and as it was after."""
        before = {name: getattr(self, name) for name in state}
        for name, value in state.items():
            setattr(self, name, value)
        try:
            yield
        finally:
            for name, value in before.items():
                setattr(self, name, value)

    def _as_argument(self, print_, expr) -> str:
        """``print_(expr)`` with ``expr`` printed as the argument of a function (``argument``), wherever it stands in
        what ``print_`` prints."""
        with self._holding(_arguments=frozenset((expr,))):
            return print_(expr)

    def _with_bracketed(self, print_, expr, sums) -> str:
        """``print_(expr)`` with ``sums`` printed as a product's bracketed factors (``_print_product``)."""
        with self._holding(_bracketed=frozenset(sums)):
            return print_(expr)

    def _with_slashes(self, print_, expr, **kwargs) -> str:
        with self._holding(_slashed=True):
            return print_(expr, **kwargs)

    def _print(self, expr, **kwargs) -> str:
        """A function applied to a quotient, above or below a fraction bar, writes the quotient with a slash:
        ``\\frac{\\cos(x^3/(e^{-x} + 1))}{...}``, never a fraction inside a fraction's numerator. The arguments of
        a function of the course (``\\cos``, ``e^{...}``, ``\\log``, ``\\sigma``, ``\\tanh`` ...) are printed as such
        (``_as_ordered_terms``): ``\\cos(x - 2 y^2)``; a function named by a letter keeps its arguments as given,
        ``f(- x + y)`` (``_NOT_APPLIED_TO_ARGUMENTS``)."""
        if not isinstance(expr, sympy.Function) or isinstance(expr, _NOT_APPLIED_TO_ARGUMENTS):
            return self._print_enclosing(expr, **kwargs)
        with self._holding(_arguments=frozenset(expr.args)):
            return self._print_enclosing(expr, **kwargs)

    def _print_enclosing(self, expr, **kwargs) -> str:
        if self._in_fraction and not self._slashed and isinstance(expr, sympy.Function) and not isinstance(expr, sympy.exp):
            return self._with_slashes(super()._print, expr, **kwargs)
        return super()._print(expr, **kwargs)

    def _print_Mul(self, expr):
        """SymPy's, with house rules.

        In an exponent a fraction is written with a slash (``x/(\\cos x + 2)``), and so is a quotient
        inside a function above or below a fraction bar (``_print``). A number in
        front of an unevaluated quotient joins its numerator (``\\frac{2 x}{x^2 + 1}``, never
        ``2 \\frac{x}{x^2 + 1}``, which reads like a mixed number).
        """
        if _negated_written_product(expr):
            # merged with the minus sign, its factors went back into SymPy's order: -(...) sin(x) beside "factor out
            # -sin(x)" (a TA read, EN 9612)
            return "- " + self._print(expr.args[1])
        numerator, denominator = sympy.fraction(expr, exact=True) if self._slashed and _has_denominator(expr) else (expr, 1)
        if denominator != 1:
            sign = ""
            if numerator.could_extract_minus_sign():
                sign, numerator = "- ", _negated(numerator)
            top = self._print(numerator)
            if numerator.is_Add:
                top = applied("", top)
            bottom = self._with_bracketed(self._print, denominator, _enclosed_sums(sympy.Mul.make_args(denominator)))
            if denominator.is_Add or denominator.is_Mul or (denominator.is_Pow and not denominator.base.is_Symbol):
                bottom = applied("", bottom)  # x^2/(x^2 + 1): a bare \left( is spaced off the slash
            return f"{sign}{top}/{bottom}"
        if isinstance(expr, sympy.Mul) and _unevaluated_product(expr):
            expr = _like_bases_merged(expr)
        if isinstance(expr, sympy.Mul) and not self._slashed:
            coefficient, rest = expr.as_coeff_Mul()
            if coefficient.is_Rational and coefficient.q != 1 and sympy.fraction(rest)[1] == 1:
                rest_tex = self._print(rest)
                # 2/3 log(3/2), never a fraction in a fraction's numerator; logs as the course writes them: 2/3 log 2
                if r"\frac" in rest_tex or all(isinstance(f, (sympy.log, log2)) for f in sympy.Mul.make_args(rest)):
                    if rest.is_Add:
                        rest_tex = bracket(rest_tex)
                    sign = "- " if coefficient < 0 else ""
                    return rf"{sign}\frac{{{abs(coefficient.p)}}}{{{coefficient.q}}} {rest_tex}"
        if self._slashed or self._in_fraction or not _has_denominator(expr):
            return self._print_product(expr)
        ahead = [factor for factor in expr.args if _applied_to_quotient(factor)]
        if ahead and sympy.fraction(sympy.Mul(*(factor for factor in expr.args if factor not in ahead)))[0] != 1:
            return self._print_functions_ahead(expr, ahead)
        with self._holding(_in_fraction=True):
            return self._print_product(expr)

    def _print_functions_ahead(self, expr, ahead) -> str:
        """A quotient with a function of a quotient among its factors writes that function in front of the fraction
        bar, its argument a fraction as the statement writes it: ``\\cos(\\frac{e^x}{3x^2 + 1}) \\cdot \\frac{e^x (3x^2 - 6x + 1)}
        {(3x^2 + 1)^2}``, where inside the numerator it took a slash, ``\\cos(e^x/(3x^2 + 1))`` (a TA read, German 8832).
        The dot keeps the fraction from reading as part of the argument (a TA read, 8858). Alone above the bar it stays
        there, slashed: ``\\frac{\\cos(x/(x + 1))}{(x + 1)^2}``, never a fraction of 1."""
        rest = sympy.Mul(*(factor for factor in expr.args if factor not in ahead))
        sign = ""
        if rest.could_extract_minus_sign():
            sign, rest = "- ", -rest
        return sign + " ".join(self._print(factor) for factor in ahead) + rf" \cdot {self._print(rest)}"

    def _print_product(self, expr) -> str:
        """A difference of two monomials in brackets opens with its positive term, as a hand factors it: ``2 (y - x^2)``,
        never ``2 (-x^2 + y)`` (a TA read, idl-math-background 1.3(c), German, seed 6602). Standing alone, or of more
        terms (``e^x (-x^2 + 4x + 4)``, where ``4x - x^2 + 4`` would break the order of the powers), a polynomial keeps
        its monomial order (``_as_ordered_terms``). Expectations side by side are a thin space apart, ``E[X] E[Y]``,
        as the statements write them (TeX sets two brackets together without one, a TA read)."""
        with self._holding(_bracketed=frozenset(_enclosed_sums(expr.args))):
            if isinstance(expr, sympy.Mul) and not self._slashed and _exponential_after_sum(expr):
                return self._print_exponentials_first(expr)
            if isinstance(expr, sympy.Mul) and len(expr.args) == 2 and expr.args[0] == -1 and expr.args[1].is_Add:
                # SymPy's plain brackets around a negated sum: -(\log(1 + e^{-x}) - x/(e^x + 1)) read as closing inside
                # the fraction (TA read, German 8952)
                return "- " + bracket(self._print(expr.args[1]))
            return self._flat_brackets(super()._print_Mul(expr), expr.args).replace(r"] \mathbb{E}[", r"]\, \mathbb{E}[")

    def _flat_brackets(self, tex: str, factors) -> str:
        """SymPy's ``_print_Mul`` writes ``\\left( ... \\right)`` around a sum factor itself: the same brackets by the
        one rule (``bracket``), the factor's text found as printed (each part is printed once). A denominator written as
        one negative power of a product has its factors' sums inside that product."""
        for factor in factors:
            base = factor.base if factor.is_Pow else factor  # a denominator's factors are bases of negative powers
            if base.is_Add:
                inner = self._print(base)
                tex = tex.replace(rf"\left({inner}\right)", bracket(inner))
            elif base.is_Mul and factor.is_Pow:
                tex = self._flat_brackets(tex, base.args)
        return tex

    def _do_exponent(self, expr: str, exp):
        return expr if exp is None else bracket(expr) + f"^{{{exp}}}"

    def _print_exponentials_first(self, expr: sympy.Mul) -> str:
        """A product with its exponentials before its bracketed sums, as they are written by hand:
        ``2 e^{2 x} (\\sin x + \\cos x) \\sin x``, not SymPy's ``2 (\\sin x + \\cos x) e^{2 x} \\sin x``.
        Other function applications stay after the sums: ``(3x - 1) \\log(x^2 + 1)``, never
        ``\\log(x^2 + 1)(3x - 1)``, which reads as one argument."""
        sign = ""
        if expr.could_extract_minus_sign():
            sign, expr = "- ", _negated(expr)
        numerator, denominator = sympy.fraction(expr, exact=True)
        if denominator != 1:
            return rf"{sign}\frac{{{self._print(numerator)}}}{{{self._print(denominator)}}}"
        factors = expr.as_ordered_factors()
        first = next(index for index, factor in enumerate(factors) if _is_sum(factor))
        exponentials = [factor for factor in factors[first:] if _is_exponential(factor)]
        factors = factors[:first] + exponentials + [factor for factor in factors[first:] if not _is_exponential(factor)]
        printed = []
        for index, factor in enumerate(factors):
            tex = self._print(factor)
            if self._needs_mul_brackets(factor, first=index == 0, last=index == len(factors) - 1):
                tex = bracket(tex)
            printed.append(tex)
        return sign + " ".join(printed)

    def _print_log(self, expr, exp=None):
        """``\\log 3``, ``\\log \\frac{5}{2}``, ``\\log \\pi`` and ``\\log \\frac{\\pi}{50}`` for logs of positive
        numbers, as ``\\log_2`` prints them; logs of expressions in letters keep SymPy's brackets."""
        arg = expr.args[0]
        plain = arg.is_positive and all(part.is_Atom for part in sympy.fraction(arg)) and not arg.free_symbols
        if not plain or (self._slashed and not arg.is_Integer):
            return self._do_exponent(applied(r"\log", self._print(arg)), exp)
        tex = rf"\log {self._print(arg)}"
        return tex if exp is None else bracket(tex) + f"^{{{exp}}}"

    def _print_log2(self, expr, exp=None):
        r"""``\log_2 3``, ``\log_2 \frac{5}{2}``; a quotient written with a slash is bracketed, ``\log_2 (5/2)``, as
        ``\log`` brackets it: ``-\log_2 5/2`` read as half of log_2 5 (a TA read, German bank sheet 9763)."""
        arg = expr.args[0]
        plain = arg.is_Atom and not (self._slashed and arg.is_Rational and not arg.is_Integer)
        body = self._print(arg) if plain else bracket(self._print(arg))
        tex = rf"\log_2 {body}"
        return tex if exp is None else bracket(tex) + f"^{{{exp}}}"

    def _print_Integral(self, expr):
        """SymPy's, with the bounds beside the sign as the sheets write them (``\\int_0^1``), never above and below, and
        slashed (``\\int_{-3}^{-5/2}``: a stacked fraction in a script is tiny, a TA read of EN 9232, as the templates'
        bounds are)."""
        printed = super()._print_Integral(expr).replace(r"\int\limits", r"\int")
        for limits in expr.limits:
            if len(limits) == 3:
                _, low, high = limits
                stacked = f"_{{{self._print(low)}}}^{{{self._print(high)}}}"
                printed = printed.replace(stacked, f"_{{{_inline(sympy.sympify(low))}}}^{{{_inline(sympy.sympify(high))}}}", 1)
        return printed

    def _print_Derivative(self, expr):
        """SymPy's, with a product after the operator in brackets, as a sum already is: ``\\frac{\\partial}{\\partial x_k}
        3 \\sum_i ...`` read the 3 as standing apart from what is differentiated (a TA read, EN 9691)."""
        printed = super()._print_Derivative(expr)
        body = self._print(expr.expr)
        if not expr.expr.is_Mul or not printed.endswith(" " + body):
            return printed
        return printed[: -len(body)] + bracket(body)

    # The kit's notation (generator.kit.notation), node by node.

    def _print_WrittenSum(self, expr):
        """Terms joined by + and -, in the order given; a matrix sum alike (``WrittenMatrixSum``)."""
        negate = _negated_matrix_term if expr.is_Matrix else _negated
        terms = expr.args
        tex = self._print(terms[0])
        for term in terms[1:]:
            if term.is_Add and not expr.is_Matrix:
                # a sum added whole, in brackets, its positive term first: + (2 - x), which SymPy's sign test wrote
                # - (x - 2) under "two minus signs cancel" (TA read, German 8906); all terms negative, - (x + 1)
                printed = self._with_bracketed(self._print, term, [term])
                if not printed.startswith("-"):
                    tex += " + " + bracket(printed)
                    continue
            if term.could_extract_minus_sign():
                negated = negate(term)
                printed = self._print(negated)
                # - (2 - x), not - 2 - x: a subtracted sum keeps its brackets; so does - (-\cos x), never - - \cos x
                tex += " - " + (bracket(printed) if negated.is_Add or printed.startswith("-") else printed)
            else:
                printed = self._print(term)
                # a product that prints with a leading minus (-x^3 e^x . (-2 e^{-2x})) is subtracted, never "+ -"
                tex += " - " + printed[2:] if printed.startswith("- ") else " + " + printed
        return tex

    _print_WrittenMatrixSum = _print_WrittenSum

    def _print_CoefficientSum(self, expr):
        coefficients, monomial = expr.args
        return f"{bracket(self._print(coefficients))} {self._print(monomial)}"

    def _print_TimesMinor(self, expr):
        entry, name, _ = expr.args
        if entry == 1:
            return name.name
        printed = self._print(entry)
        return f"{bracket(printed) if entry.is_Add or entry.could_extract_minus_sign() else printed} {name.name}"

    def _print_WrittenProduct(self, expr):
        """The factors joined by a dot (none between two brackets), in order; -1 times one expression is its sign,
        -(-\\cos x), never -1 \\cdot (-\\cos x) (numbers multiplied, -1 \\cdot 3, stay as they are)."""
        sign, args = ("- ", expr.args[1:]) if expr.negated else ("", expr.args)
        tex = ""
        for index, factor in enumerate(args):
            negative = factor.could_extract_minus_sign() and (index > 0 or sign)  # a leading sign needs no bracket: -2 \cdot 3
            printed = self._print(factor)
            if index:
                # a bracket after a bracket needs no dot: (2 - lambda)(5 - lambda), as a hand writes it (a TA read, German
                # 9612); a number keeps it, 2 . (3 - 1), as the formulas it is put into write it, and so does a bracket
                # after the same bracket, two values put into two places (side by side they read as a factor printed twice)
                before = args[index - 1]
                tex += " " if factor.is_Add and before.is_Add and factor != before else r" \cdot "
            tex += bracket(printed) if factor.is_Add or negative else printed
        return sign + tex

    def _add_parens(self, s) -> str:
        """SymPy's brackets around a factor or a base, by the one rule (``bracket``)."""
        return bracket(s)

    def _print_Bracketed(self, expr):
        return bracket(self._print(expr.args[0]))

    def _print_sigmoid(self, expr, exp=None):
        """The logistic function as sigma(t), its brackets as tall as a fraction inside."""
        return self._do_exponent(applied(r"\sigma", self._print(expr.args[0])), exp)

    def _print_EuclideanNorm(self, expr, exp=None):
        # plain bars, the one bracket rule for a flat argument: \right\| is an inner atom, spaced off a comma after it
        tex = r"\|\mathbf{x}\|_2" if expr.centred else r"\|\mathbf{x} - \mathbf{a}\|_2"
        return tex if exp is None else f"{tex}^{{{exp}}}"

    def _print_Share(self, expr, exp=None):
        """A softmax output sigma_k, its index taken from the score's symbol z_k."""
        (score,) = expr.args[0].free_symbols
        tex = rf"\sigma_{{{score.name.removeprefix('z_')}}}"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_Normaliser(self, expr, exp=None):
        return "S" if exp is None else f"S^{{{exp}}}"

    def _print_Vector(self, expr):
        return rf"\mathbf{{{expr.name}}}"

    _print_BoldSymbol = _print_Vector

    def _print_ScalarSymbol(self, expr):
        return expr.name

    def _print_Top(self, expr):
        inner = self._print(expr.arg)
        return rf"{inner}^\top" if isinstance(expr.arg, sympy.MatrixSymbol) else bracket(inner) + r"^\top"

    def _print_Entry(self, expr):
        return f"{expr.base.name}_{{{''.join(self._print(i) for i in expr.indices)}}}"

    def _print_IndexSum(self, expr):
        signs = "".join(
            rf"\sum_{{{self._print(i)}={self._print(low)}}}^{{{self._print(high)}}} " for i, low, high in reversed(expr.limits)
        )
        body = self._print(expr.function)
        return signs + (bracket(body) if expr.function.is_Add else body)

    def _print_EntryOf(self, expr):
        return bracket(self._print(expr.args[0])) + f"_{{{self._print(expr.args[1])}}}"

    def _print_WrittenMatrix(self, expr):
        """The expression a ``generator.kit.linalg.WrittenMatrix`` came from; a matrix SymPy derives from one prints plainly."""
        written = getattr(expr, "written", None)
        return self._print(written) if written is not None else self._print_MatrixBase(expr)

    def _print_Width(self, expr):
        high, low = (self._print(end) for end in expr.args)
        if expr.args[1].could_extract_minus_sign() or expr.args[1].is_Add:
            low = f"({low})"
        return bracket(f"{high} - {low}")

    def _print_RandomVariable(self, expr):
        return self._print(expr.args[0])

    def _print_WrittenQuotient(self, expr):
        """One fraction bar over the sides as written; a fraction of fractions stacked too (a slash between two
        fractions read as an inline quotient in a display, TA read), the sides at full size (a display's fraction sets
        them small) and its main bar longer than theirs by a space on each side, so it says which bar divides."""
        sides = [self._print(side) for side in expr.args]
        if any(r"\frac" in side for side in sides):
            return rf"\frac{{\displaystyle\;{sides[0]}\;}}{{\displaystyle\;{sides[1]}\;}}"
        return rf"\frac{{{sides[0]}}}{{{sides[1]}}}"

    def _print_EvaluationBar(self, expr):
        primitive, _, low, high = (self._print(arg) for arg in expr.args)
        return rf"\left[{primitive}\right]_{{{low}}}^{{{high}}}"

    def _print_WrittenDeterminant(self, expr):
        return self._print_matrix_contents(expr.arg, "vmatrix")

    def _print_Expectation(self, expr):
        """The kit's ``Expectation`` (not ``sympy.stats``', which the kit does not use)."""
        return applied(r"\mathbb{E}", self._print(expr.args[0]), "[", "]")

    def _print_Variance(self, expr):
        """The kit's ``Variance`` (not ``sympy.stats``')."""
        return applied(r"\operatorname{Var}", self._print(expr.args[0]))

    def _print_LogOfDensity(self, expr):
        pdf, base = expr.args
        name = r"\log" if base == sympy.E else rf"\log_{{{self._print(base)}}}"
        return applied(name, self._print(pdf))

    def _print_MatMul(self, expr):
        """SymPy's, with a cheap sign test: ``could_extract_minus_sign`` compares the product with
        its negation, and negating a matrix product canonicalises it again, for every product printed.
        A matrix product has a minus sign to extract exactly when it leads with a negative number."""
        args = list(expr.args)
        level = precedence_traditional(expr)

        def bracketed(arg):  # nested matrix products are bracketed; other products and fractions are not
            if (isinstance(arg, sympy.Mul) and not isinstance(arg, sympy.MatMul)) or arg.is_Rational:
                return self._print(arg)
            return self.parenthesize(arg, level, False)

        if not _leads_with_negative_number(expr):
            return " ".join(map(bracketed, args))
        args = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
        return "- " + " ".join(map(bracketed, args))

    def _print_matrix_contents(self, expr, environment: str | None = None):
        """SymPy's, reading each row once (its ``expr[row, :]`` builds a matrix for every row), with
        fractions at full size: in a matrix TeX sets them in text style, too small to read. Rows
        with full-size fractions are spaced apart so that they do not touch: by glue between the rows
        (``\noalign``), since ``\\[1.5ex]`` only deepens a row's strut and adds nothing below a denominator
        deeper than it, and a fraction over ``e^{x + y}`` read as a three-row vector."""
        rows = [[self._print(entry) for entry in row] for row in expr.tolist()]
        tall = any(r"\frac" in entry for row in rows for entry in row)
        if tall:
            rows = [[rf"\displaystyle {entry}" if r"\frac" in entry else entry for entry in row] for row in rows]
        environment = environment or self._settings["mat_str"]
        separator = r"\\ \noalign{\vskip 1.5ex}" if tall else r"\\"
        body = separator.join(" & ".join(row) for row in rows)
        return rf"\begin{{{environment}}}{body}\end{{{environment}}}"



_TALL = re.compile(r"\\(?:frac|dfrac|begin|sum|prod|int|displaystyle)(?![a-zA-Z])")
"""What makes an argument taller than a bracket of the font: a fraction, stretched delimiters, an array,
a big operator."""


def bracket(tex: str) -> str:
    """``tex`` in round brackets by the one rule of ``applied``: plain around a flat formula, stretched around a
    tall one (SymPy's ``\\left( ... \\right)`` everywhere made brackets too tall beside an exponent,
    ``x^2 \\left(x^3 + 2\\right)^3``, and spaced them off the factor before: ``2 (x - 1)``)."""
    return applied("", tex)


def applied(name: str, argument: str, left: str = "(", right: str = ")") -> str:
    """A function ``name`` (LaTeX) applied to ``argument`` (LaTeX): the one rule for brackets after a name.

    The brackets sit against the name, as a hand writes them: plain ``\\sin(x)``, ``\\mathbb{E}[X]``; around a
    tall argument stretched, ``\\log\\mathopen{}\\left(\\frac{x}{2}\\right)``. A bare ``\\left(`` is an inner
    formula to TeX, spaced off from the name before it (``sin (x)``); ``\\mathopen{}`` closes that gap.
    """
    if _TALL.search(argument):
        return rf"{name}\mathopen{{}}\left{left}{argument}\right{right}"
    return f"{name}{left}{argument}{right}"


_NOT_APPLIED_TO_ARGUMENTS = (AppliedUndef, EuclideanNorm, Share)
"""Functions whose arguments are not printed as arguments (``SheetLatexPrinter._print``): a function named by a letter,
``f(x, y)``, and the kit's notation that prints no argument (a norm, a softmax output)."""

_CONVENTIONAL_POWERS = (
    sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc, sympy.sinh, sympy.cosh, sympy.tanh
)
"""Functions whose powers the course writes as ``\\sin^2 x``."""


def _applied_to_quotient(factor: sympy.Expr) -> bool:
    """A function of the course other than exp (or a power of one) whose argument SymPy prints with a fraction bar."""
    function = factor.base if factor.is_Pow and factor.exp.is_positive else factor
    if not isinstance(function, sympy.Function) or isinstance(function, (sympy.exp, *_NOT_APPLIED_TO_ARGUMENTS)):
        return False
    return any(_has_denominator(term) for arg in function.args for term in sympy.Add.make_args(arg))


def _has_denominator(expr: sympy.Expr) -> bool:
    """Whether SymPy prints ``expr`` (a product or a power) with a fraction bar."""
    return any(
        (factor.is_Pow and factor.exp.could_extract_minus_sign()) or (factor.is_Rational and factor.q != 1)
        for factor in (expr.args if expr.is_Mul else (expr,))
    )


def _polynomial_part_together(terms: list[sympy.Expr]) -> list[sympy.Expr]:
    """The terms of a sum with its polynomial terms side by side, where the first of them stands:
    ``3x + 3 + (x + 3) e^{2x}``, never ``3x + (x + 3) e^{2x} + 3``, which SymPy's order by degree gives
    and which a reader takes for a polynomial split around a term of another kind."""
    plain = [term.is_polynomial() is True for term in terms]
    if all(plain) or sum(plain) < 2:
        return terms
    first = plain.index(True)
    polynomial = [term for term, is_plain in zip(terms, plain) if is_plain]
    others = [term for term, is_plain in zip(terms, plain) if not is_plain]
    return others[:first] + polynomial + others[first:]


def _log_of_number(expr: sympy.Expr) -> bool:
    """``log n`` for a positive whole number n: a sum of such terms is written in the order of the numbers."""
    return isinstance(expr, sympy.log) and expr.args[0].is_Integer and expr.args[0].is_positive


def _is_sum(factor: sympy.Expr) -> bool:
    """A factor printed as a bracketed sum: ``(x + 1)`` or ``(x + 1)^2``."""
    return factor.is_Add or (factor.is_Pow and factor.base.is_Add and factor.exp.is_positive)


def _enclosed_sums(factors) -> Iterator[sympy.Expr]:
    """The sums among a product's ``factors`` that stand enclosed: in brackets (``(x + 1)``, ``(x + 1)^2``) or below
    its fraction bar, alone or beside other factors (``\\frac{x}{y - x^2}``, ``\\frac{x}{(x + 1) (y - x^2)}``)."""
    for factor in factors:
        if _is_sum(factor):
            yield factor.base if factor.is_Pow else factor
        elif factor.is_Pow and factor.base.is_Add and factor.exp.could_extract_minus_sign():
            yield factor.base


def _is_exponential(factor: sympy.Expr) -> bool:
    return isinstance(factor, sympy.exp) or (factor.is_Pow and isinstance(factor.base, sympy.exp))


def _negated_written_product(product: sympy.Mul) -> bool:
    """-1 times a ``WrittenProduct`` that opens with a factor of its own sign: printed as a minus and the product."""
    if len(product.args) != 2 or product.args[0] != -1 or not isinstance(product.args[1], WrittenProduct):
        return False
    return not product.args[1].args[0].could_extract_minus_sign()


def _exponential_after_sum(product: sympy.Mul) -> bool:
    """Whether SymPy would print a bracketed sum before an exponential (in a product or its numerator)."""
    if not product.is_commutative or isinstance(product, WrittenProduct) or not any(map(_is_sum, product.args)):
        return False
    seen_sum = False
    for factor in sympy.fraction(product, exact=True)[0].as_ordered_factors():
        if _is_sum(factor):
            seen_sum = True
        elif seen_sum and _is_exponential(factor):
            return True
    return False


def _flattened_product(product: sympy.Mul):
    """The factors of a product with nested (unevaluated) products opened up."""
    for factor in product.args:
        if factor.is_Mul and not isinstance(factor, WrittenProduct):
            yield from _flattened_product(factor)
        else:
            yield factor


def _unevaluated_product(product: sympy.Mul) -> bool:
    """Whether a product was built unevaluated in a way SymPy's printer would show literally:
    a nested product, a number after the first factor, or one base twice."""
    if isinstance(product, WrittenProduct) or not product.is_commutative:
        return False
    args = product.args
    if args[0] == 1 or any(arg.is_Mul or arg.is_Number for arg in args[1:]):
        return True
    bases = [_base_and_exponent(arg)[0] for arg in args]
    return len(set(bases)) < len(bases)


def number_and_powers(
    factors: Iterable[sympy.Expr], whole_exponents: bool = False
) -> tuple[sympy.Expr, dict[sympy.Basic, list[sympy.Expr]]]:
    """What the numbers among ``factors`` multiply to, and each other base's exponents, bases in the
    order met: the bookkeeping of writing a product with each base once.

    An exponential ``e^{c t}`` is the power c of the base ``e^t``, so exponentials merge as SymPy
    merges them: ``e^x e^{2x}`` is ``e^{3x}``, while ``e^x e^{x^2}`` and ``e^x e^{-y}`` stay apart. With
    ``whole_exponents``, a power with a fractional exponent is a base of its own. ``raised`` writes a
    base to an exponent.
    """
    number = sympy.Integer(1)
    powers: dict[sympy.Basic, list[sympy.Expr]] = {}
    for factor in factors:
        if factor.is_Number:
            number *= factor
            continue
        base, exponent = _base_and_exponent(factor)
        if whole_exponents and not exponent.is_Integer and not _is_exponential_base(base):
            base, exponent = factor, sympy.Integer(1)
        powers.setdefault(base, []).append(exponent)
    return number, powers


def _base_and_exponent(factor: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """``x^3`` is x to the 3, ``e^{-3x/2}`` is ``e^x`` to the -3/2 (``number_and_powers``)."""
    if isinstance(factor, sympy.exp):
        coefficient, term = factor.args[0].as_coeff_Mul()
        return sympy.exp(term), coefficient
    return factor.as_base_exp()


def _is_exponential_base(base: sympy.Expr) -> bool:
    return isinstance(base, sympy.exp) or base == sympy.E


def raised(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """``base`` to the power ``exponent`` as a base of ``number_and_powers``: ``(e^x)^{3/2}`` is ``e^{3x/2}``."""
    if isinstance(base, sympy.exp):
        return sympy.exp(base.args[0] * exponent)
    return base**exponent


def _like_bases_merged(product: sympy.Mul) -> sympy.Mul:
    """An unevaluated product as a hand-written one: its numbers multiplied into one leading
    coefficient, and factors of one base merged into a power (``4 x x`` is ``4 x^2``).

    Sums inside stay as they are (``2 (x + 1)``, not ``2 x + 2``): that is why it was unevaluated.
    """
    coefficient, powers = number_and_powers(_flattened_product(product))
    factors = []
    for base, exponents in powers.items():
        if all(e.is_positive for e in exponents) or all(e.is_negative for e in exponents):
            exponents = [sympy.Add(*exponents)]  # x x^3 is x^4; x / x stays, a cancellation shown
        factors += [base if exponent == 1 else raised(base, exponent) for exponent in exponents]
    if coefficient != 1 or not factors:
        factors.insert(0, coefficient)
    return factors[0] if len(factors) == 1 else sympy.Mul(*factors, evaluate=False)


def _leads_with_negative_number(product: sympy.MatMul) -> bool:
    """``product.could_extract_minus_sign()``, which for a matrix product is whether it leads with a negative number."""
    return product.args[0].is_Number and product.args[0].is_extended_negative


def _negated_matrix_term(term: sympy.MatrixExpr) -> sympy.MatrixExpr:
    """-term for a term of a written matrix sum, built without SymPy's ``doit``, which would turn ``Top`` back
    into a plain transpose: ``-3 A x`` is ``3 A x``, ``-A x`` is ``A x``, anything else ``-1`` times it."""
    if isinstance(term, sympy.MatMul) and term.args[0].is_Number:
        coefficient, factors = -term.args[0], term.args[1:]
        if coefficient != 1:
            return sympy.MatMul(coefficient, *factors)
        return factors[0] if len(factors) == 1 else sympy.MatMul(*factors)
    return sympy.MatMul(-1, term)


def _negated(term):
    """-term, keeping an unevaluated product ``-1 * ...`` as written instead of re-evaluating it."""
    if term.is_Mul and term.args[0] == -1:
        rest = term.args[1:]
        return rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
    return -term


_PRINTER = SheetLatexPrinter()
_STR_PRINTER = SheetStrPrinter()


def printed_terms(expr: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """The terms of a sum in the order ``tex`` prints them (``(expr,)`` for anything else).

    A step that works on a sum term by term follows them in this order, so that it reads
    in the order of the line before it: SymPy's ``args`` keep an internal order (``z + 2x``). A ``WrittenSum`` prints
    its terms as given, sums among them too (``2 - x + x``), and they are taken in that order.
    """
    if isinstance(expr, WrittenSum):
        return expr.args
    return tuple(_PRINTER._as_ordered_terms(expr)) if expr.is_Add else (expr,)


def tex(expr, thousands: bool = False) -> str:
    """LaTeX for a SymPy expression (or anything ``sympify`` accepts).

    Its decimals (``Float``) take the decimal mark of the language being rendered
    (``generator.kit.language.speaking``): ``1{,}0986`` in German. ``thousands``: whole numbers of four digits are
    grouped too (``2{,}000``), for counts that stand beside a five-digit one (``grouped``).
    """
    expr = _parsed(expr) if isinstance(expr, str) else sympy.sympify(expr)
    return _in_language(expr, _tex(expr) if _cacheable(expr) else _PRINTER.doprint(expr), thousands)


class Maths:
    """A value in a ``Reason``, printed when the reason is read, in the sheet's language: ``Reason("cancel ${factor}$",
    factor=Maths(10000))`` reads 10{,}000 in English and 10\\,000 in German, as the sheet's fractions write it.

    Printed when the step was made, it kept one language's grouping: "Nenner 10000" beside the fraction's 10 000
    (TA read, German 8934)."""

    __slots__ = ("expr",)

    def __init__(self, expr) -> None:
        self.expr = sympy.sympify(expr)

    def __format__(self, spec: str) -> str:
        return tex(self.expr)

    def __reduce__(self):
        return Maths, (self.expr,)

    def __eq__(self, other: object) -> bool:  # a reason read back from the variant cache equals the one made
        return isinstance(other, Maths) and self.expr == other.expr

    def __hash__(self) -> int:
        return hash(self.expr)

    def __repr__(self) -> str:
        return f"Maths({self.expr!r})"


def argument(expr) -> str:
    """``tex`` of ``expr`` as it prints as a function's argument or an exponent, where a difference of two monomials
    opens with its positive term (``y - 2 x^2``, ``SheetLatexPrinter._as_ordered_terms``): for the chain rule's inner
    function named beside the function it stands in, ``g_2 = y - 2 x^2`` above ``e^{y - 2 x^2}``, never
    ``g_2 = - 2 x^2 + y``."""
    expr = sympy.sympify(expr)
    return _in_language(expr, _argument(expr))


def inline(expr) -> str:
    """``tex``, its fractions written with a slash (``3/4``, ``\\sigma^{2}/4``): for a value inside brackets in running
    text, such as a law's parameters, where a stacked fraction stretches the brackets and pushes the lines of the
    paragraph apart (``\\operatorname{Exp}(3/4)``, never ``\\operatorname{Exp}\\left(\\frac{3}{4}\\right)``)."""
    expr = sympy.sympify(expr)
    return _in_language(expr, _inline(expr))


def row(entries: Iterable[str]) -> str:
    """Entries (LaTeX) written in a row, a tuple's or a point's or a law's parameters, separated as the language being
    rendered separates them: ``-2, 0`` in English, ``-2; 0`` where the comma is the decimal mark (German, which writes
    ``0{,}75``: ``(0, 75)`` would read as one number)."""
    language = current_language()
    decimal_comma = language != ENGLISH and get_decimal_symbol(language) == ","
    return ("; " if decimal_comma else ", ").join(entries)


def _in_language(expr: sympy.Basic, printed: str, thousands: bool = False) -> str:
    """``printed`` (LaTeX of ``expr``) with long whole numbers grouped and decimals written as the language writes them."""
    long = _THOUSANDS if thousands else _LONG_INTEGER
    if long.search(printed):
        printed = long.sub(lambda number: grouped(int(number.group()), thousands), printed)
    if current_language() == ENGLISH or not expr.has(sympy.Float):
        return printed
    return _DECIMAL.sub(lambda number: localized_decimal(number.group()), printed)


def grouped(number: int, thousands: bool = False) -> str:
    """A whole number of five digits or more in groups of three, in maths: ``10{,}288``, in German ``10\\,288`` (a thin
    space, as DIN 1333 writes it); four digits stay whole (``9616``), as both languages write them, unless
    ``thousands``: counts in a sentence with a five-digit one are grouped alike (``10{,}000`` and ``2{,}000``)."""
    if abs(number) < (1_000 if thousands else 10_000):
        return str(number)
    return f"{number:,}".replace(",", "{,}" if current_language() == ENGLISH else "\\,")


_DECIMAL = re.compile(r"\d+\.\d+")
"""A decimal as SymPy's printer writes a ``Float``'s digits (its sign and exponent are printed apart)."""
_LONG_INTEGER = re.compile(r"(?<![\d.,}])\d{5,}(?![\d.])")
"""A whole number of five digits or more as the printer writes it, not the digits of a decimal."""
_THOUSANDS = re.compile(r"(?<![\d.,}])\d{4,}(?![\d.])")
"""The same, from four digits."""


def text(expr: sympy.Basic) -> str:
    """SymPy's plain-text form (``sstr``), which ``sympify`` reads back: for answers.json and step comparisons."""
    return _text(expr) if _cacheable(expr) else _STR_PRINTER.doprint(expr)


def text_rows(matrix: sympy.MatrixBase) -> str:
    """``sstr(matrix.tolist())``, the rows as nested lists (``[[1, 2], [3, 4]]``), printed by the remembering printer.

    ``sympy.sstr`` builds a fresh printer each call, which sorts every sum's terms again, and
    answers.json prints every answer this way.
    """
    return _STR_PRINTER.doprint(matrix.tolist())


# The same answers and steps are printed when they are compared, rendered, keyed and stored;
# printing costs about a millisecond per expression, so each is printed once per process.
_tex = remembered(16384)(_PRINTER.doprint)
_inline = remembered(1024)(lambda expr: _PRINTER._with_slashes(_PRINTER.doprint, expr))
_argument = remembered(1024)(lambda expr: _PRINTER._as_argument(_PRINTER.doprint, expr))
_text = remembered(16384)(_STR_PRINTER.doprint)
_parsed = remembered(4096)(sympy.sympify)
"""Names and shapes given as text (matrix-shapes' ``A``, ``x^T``): parsing one costs a millisecond."""


def _cacheable(expr: sympy.Basic) -> bool:
    """Whether ``expr`` prints the same as every expression equal to it.

    Mutable matrices cannot be cache keys at all, and a matrix subclass may print more than
    its entries (``generator.kit.linalg.WrittenMatrix`` prints the expression it came from),
    while it is equal to every matrix of that class with the same entries.
    """
    return not isinstance(expr, sympy.MatrixBase) or type(expr) is sympy.ImmutableMatrix

