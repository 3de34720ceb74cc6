"""A difference of two monomials opens with its positive term as a function's argument or an exponent.

TA read: ``\\cos(-2y^2 + x)``, ``e^{-2x^2 + y}`` and ``g_2 = -2x^2 + y`` (the inner function of a chain rule,
idl-math-background EN 6641 1.3(c)), where a hand writes ``\\cos(x - 2y^2)`` and ``e^{y - 2x^2}``.
"""

import sympy

from generator.kit.notation import sigmoid
from generator.kit.printing import tex, text

x, y = sympy.symbols("x y", real=True)


def test_a_functions_argument_opens_with_its_positive_term():
    assert tex(sympy.cos(x - 2 * y**2)) == r"\cos(x - 2 y^{2})"
    assert tex(sympy.sin(x - y**2)) == r"\sin(x - y^{2})"
    assert tex(sympy.log(1 - x**2 * y**2)) == r"\log(1 - x^{2} y^{2})"
    assert tex(sigmoid(1 - 2 * x)) == r"\sigma(1 - 2 x)"
    assert tex(sympy.tanh(x - y**2)) == r"\tanh(x - y^{2})"
    assert tex(sympy.sin(x - 2 * y**2) ** 2) == r"\sin^{2}(x - 2 y^{2})"


def test_an_exponent_opens_with_its_positive_term():
    assert tex(sympy.exp(y - 2 * x**2)) == "e^{y - 2 x^{2}}"
    assert tex(y**2 * sympy.exp(2 * y - x)) == "y^{2} e^{2 y - x}"
    assert tex(-4 * x * sympy.exp(y - 2 * x**2)) == "- 4 x e^{y - 2 x^{2}}"
    assert tex(2 ** (1 - x)) == "2^{1 - x}"
    assert tex(sympy.exp(y / 3 - x / 2)) == "e^{y/3 - x/2}"


def test_an_argument_in_a_fraction_opens_with_its_positive_term():
    assert tex(sympy.cos(x - 2 * y**2) / (x**2 + 1)) == r"\frac{\cos(x - 2 y^{2})}{x^{2} + 1}"


def test_a_power_of_a_difference_and_a_root_of_one_open_with_the_positive_term():
    """In the brackets of a power as in a product's brackets (``3 (y - x^2)^2``), and under a root sign."""
    assert tex((y - x**2) ** 3) == "(y - x^{2})^{3}"
    assert tex((y - x**2) ** 3 + 1) == "(y - x^{2})^{3} + 1"
    assert tex(sympy.sqrt(y - x**2)) == r"\sqrt{y - x^{2}}"


def test_standing_alone_or_of_more_terms_a_polynomial_keeps_its_monomial_order():
    f = sympy.Function("f")
    assert tex(-2 * x**2 + y) == "- 2 x^{2} + y"
    assert tex(sympy.exp(x - y**2 + 1)) == "e^{- y^{2} + x + 1}"  # three terms: the powers in order
    assert tex(f(y - x)) == "f(- x + y)"  # a function named by a letter: its arguments as given


def test_the_text_printer_is_unchanged():
    assert text(sympy.exp(y - 2 * x**2)) == "exp(-2*x**2 + y)"
    assert text(sympy.cos(x - 2 * y**2)) == "cos(x - 2*y**2)"


def test_an_inner_function_printed_as_an_argument_reads_as_it_does_in_its_function():
    from generator.kit.printing import argument

    assert argument(-2 * x**2 + y) == "y - 2 x^{2}"
    assert argument(x**2 * y**2 + 1) == "x^{2} y^{2} + 1"
    assert rf"e^{{{argument(-2 * x**2 + y)}}}" == tex(sympy.exp(-2 * x**2 + y))
