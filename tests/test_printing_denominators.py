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



def test_a_function_of_a_quotient_stands_ahead_of_the_fraction_bar():
    """German 8832, f_1' = e^x (3x^2 - 6x + 1) cos(e^x/(3x^2 + 1)) / (3x^2 + 1)^2: inside the numerator the argument took
    a slash while the statement wrote it as a fraction. The function goes in front of the bar, its argument stacked as
    in the statement; alone above a bar (over 1 it would be) it stays there, slashed."""
    g = sympy.exp(x) / (3 * x**2 + 1)
    derivative = sympy.exp(x) * (3 * x**2 - 6 * x + 1) * sympy.cos(g) / (3 * x**2 + 1) ** 2
    assert tex(derivative) == (
        r"\cos\mathopen{}\left(\frac{e^{x}}{3 x^{2} + 1}\right) \cdot \frac{e^{x} (3 x^{2} - 6 x + 1)}{(3 x^{2} + 1)^{2}}"
    )
    assert tex(-2 * x * sympy.sin(x / (x + 1)) / (x + 1) ** 2) == r"- \sin\mathopen{}\left(\frac{x}{x + 1}\right) \cdot \frac{2 x}{(x + 1)^{2}}"
    assert tex(sympy.cos(x / (x + 1)) / (x + 1) ** 2) == r"\frac{\cos(x/(x + 1))}{(x + 1)^{2}}"
    assert tex(sympy.exp(x / (x + 1)) * x / (x + 1) ** 2) == r"\frac{x e^{x/(x + 1)}}{(x + 1)^{2}}"  # an exponent keeps its slash
