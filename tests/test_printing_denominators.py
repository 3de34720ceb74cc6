"""A difference of two monomials below a fraction bar opens with its positive term, whatever stands above the bar.

Noticed in a TA read of worked derivatives: ``\\frac{1}{y - x^2}`` but ``\\frac{x}{- x^2 + y}``; the sum opened
with its positive term only where the quotient was a bare reciprocal (``SheetLatexPrinter._print_product``).
"""

import sympy

from generator.kit.printing import tex

x, y = sympy.symbols("x y", real=True)


def test_a_denominator_opens_with_its_positive_term_under_any_numerator():
    assert tex(1 / (y - x**2)) == r"\frac{1}{y - x^{2}}"
    assert tex(x / (y - x**2)) == r"\frac{x}{y - x^{2}}"
    assert tex((x + 1) / (y - x**2)) == r"\frac{x + 1}{y - x^{2}}"
    assert tex(sympy.exp(x) / (y - x**2)) == r"\frac{e^{x}}{y - x^{2}}"


def test_a_denominators_bracketed_factor_opens_with_its_positive_term():
    assert tex(x / ((x + 1) * (y - x**2))) == r"\frac{x}{(x + 1) (y - x^{2})}"


def test_a_slashed_denominator_opens_with_its_positive_term():
    assert tex(sympy.exp(x / (y - x**2))) == "e^{x/(y - x^{2})}"

