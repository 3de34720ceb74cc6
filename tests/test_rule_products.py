"""A product or quotient rule writes the factors it puts together as substituted, ``x^2 e^x \\cdot 2x``, where two of
them share a base, and the step after says that it multiplies them: merged in the rule's own line, ``2 x^3 e^x`` stood
beside a reason that named only the rule (two TA reads, derivatives-and-entropy German 9462 f_2, idl-math-background
German 9462 1.3(d)), and ``\\sin x \\cdot \\sin x`` became ``\\sin^2 x`` under "two minus signs cancel" (EN 9463 f_2).
A bare factor times itself is its square at once (``\\cos x \\cdot \\cos x`` prints one factor twice, lint
repeated-factor), and factors that cancel are the cancellation's (``(1 - x) \\cdot (-1/(1 - x))``).
"""

import sympy

from generator.kit.differentiation import differentiate
from generator.kit.language import signs_cancelling
from generator.kit.notation import FactorsToMultiply
from generator.kit.printing import tex
from generator.kit.rewrites import GENERIC_NAMES, evaluated
from problems.derivative import x

S, C, E = sympy.sin(x), sympy.cos(x), sympy.exp(x)


def _steps(f: sympy.Expr):
    return differentiate(f, x).derivative.steps


def _named_products(expr: sympy.Expr) -> list[sympy.Expr]:
    return [node for node in sympy.preorder_traversal(expr) if isinstance(node, FactorsToMultiply)]


def test_the_quotient_rule_writes_u_times_v_prime_as_substituted_and_the_next_step_names_the_multiplication():
    rule, *tidy = _steps(x**2 * E / (x**2 + 2))
    (product,) = _named_products(rule.expr)
    assert tex(product) == r"- x^{2} e^{x} \cdot 2 x"  # - u v', the minus of the rule's numerator in front
    assert evaluated(product) == -2 * x**3 * E
    assert rule.why == "quotient rule" and tidy
    # the next line multiplies them, and its reason says how: multiplying, expanding or taking a factor out
    assert any(word in tidy[0].why for word in ("multipl", "expand", "factor"))
    assert sympy.simplify(evaluated(tidy[-1].expr) - sympy.diff(x**2 * E / (x**2 + 2), x)) == 0


def test_a_product_rule_term_of_like_powers_of_x_stands_as_substituted():
    rule = _steps(x**2 * (x**2 + 2) ** 2)[0]
    assert r"x^{2} \cdot 4 x" in tex(rule.expr) and "4 x^{3}" not in tex(rule.expr)


def test_minus_signs_cancelling_between_factors_that_share_a_base_name_the_multiplication_too():
    steps = _steps(S / (C + 2) ** 2)
    rule, signs = steps[0], steps[1]
    assert _named_products(rule.expr) and r"\sin(x) \cdot" in tex(rule.expr)
    assert signs.why == signs_cancelling(GENERIC_NAMES[0])  # "multiply the factors; two minus signs cancel"
    assert r"\sin^{2}(x)" in tex(signs.expr)


def test_a_bare_factor_times_itself_is_its_square_and_cancelling_factors_stay_the_cancellations():
    rule = _steps(S * C)[0]
    assert r"\cos^{2}(x)" in tex(rule.expr) and not _named_products(rule.expr)
    first, then = _steps((1 - x) * sympy.log(1 - x))[:2]
    assert not _named_products(first.expr) and then.why == r"cancel $(1 - x)$"


def test_a_rule_line_that_only_multiplies_and_reorders_keeps_its_line():
    """x log(x^2 + 1): the rule's x . 2x/(x^2 + 1) had been replaced by 2x^2/(x^2 + 1), the rule's reason beside it,
    because the two differ only in order and in the powers of x merged (a TA read, idl-math-background EN 9474)."""
    rule, multiplied = _steps(x * sympy.log(x**2 + 1))
    assert r"x \cdot \frac{2 x}{x^{2} + 1}" in tex(rule.expr) and rule.why == "product rule"
    assert multiplied.why == GENERIC_NAMES[0] and r"\frac{2 x^{2}}{x^{2} + 1}" in tex(multiplied.expr)


def test_the_dot_never_stands_between_two_factors_of_one_base():
    """make sweep (levels 2 and 3, 1,000 seeds) found "2 sin x cos x . cos x" and "x^2 . x" (lint repeated-factor): the
    factors are set in the order that puts different bases beside the dot, or merged where none does."""
    rule = _steps(S**2 * C)[0]
    printed = tex(rule.expr)
    assert _named_products(rule.expr) and r"\cos(x) \cdot \cos" not in printed and r"\sin(x) \cdot \sin" not in printed
