"""A step that takes a factor out of some terms of a sum is named for that, not "collect like terms" (TA read)."""

import sympy

from generator.kit import rewrites
from generator.kit.differentiation import differentiate
from generator.kit.printing import tex
from generator.kit.steps import shown
from problems.derivative import x


def test_a_factor_taken_out_of_some_terms_is_named():
    """x e^{2x} + x as x (e^{2x} + 1): no like terms are collected; the factor x is taken out of two terms."""
    e = sympy.exp(2 * x)
    before = sympy.Mul(2, e, x * e + x + (x**2 + 1) * sympy.log(x**2 + 1), evaluate=False)
    after = sympy.Mul(2, e, x * (e + 1) + (x**2 + 1) * sympy.log(x**2 + 1), evaluate=False)
    # (x^2 + 1) log(x^2 + 1) is carried beside them: x is a factor of some of the terms (TA read, German 8934)
    assert rewrites.rewrite_name(before, after) == "factor $x$ out of the terms that have it"


def test_the_terms_of_one_function_gathered_take_out_that_function():
    c, s = sympy.cos(x), sympy.sin(x)
    before = sympy.Mul(sympy.exp(x), c + x * c - x * s, evaluate=False)
    assert rewrites.rewrite_name(before, sympy.exp(x) * ((x + 1) * c - x * s)) == r"factor $\cos(x)$ out of the terms that have it"
    # all of them: the common factor (x e^{2x} + x as x (e^{2x} + 1))
    assert rewrites.rewrite_name(x * sympy.exp(2 * x) + x, x * (sympy.exp(2 * x) + 1)) == "factor out $x$"


def test_a_step_that_also_collects_like_terms_still_says_so():
    """(3 - x) cos x + cos x gives 3 cos x + cos x once multiplied out: like terms, collected, and named by the function
    they are collected over (a TA read, EN 9144)."""
    c, s = sympy.cos(x), sympy.sin(x)
    before = sympy.Mul(sympy.exp(x), (3 - x) * c + (3 - x) * s + c, evaluate=False)
    after = sympy.exp(x) * ((4 - x) * c + (3 - x) * s)
    assert rewrites.rewrite_name(before, after) == r"collect the terms in $\cos(x)$"


def test_the_factor_taken_out_is_written_in_front_of_its_bracket():
    """f = e^{2x} sin^2 x: "factor out $2 e^{2x} \\sin(x)$" stood beside 2e^{2x} (sin x + cos x) sin x, the factor named
    split around the bracket by the printer's order (TA reads of several sessions). The page writes the factor first,
    with a dot so that the bracket does not read as the argument of sin; the step itself keeps SymPy's product."""
    worked = differentiate(sympy.exp(2 * x) * sympy.sin(x) ** 2, x)
    (step,) = [step for step in worked.derivative.steps if str(step.why).startswith("factor out")]
    named = tex(2 * sympy.exp(2 * x) * sympy.sin(x))
    assert str(step.why) == f"factor out ${named}$" and not tex(step.expr).startswith(named)
    shown_step = shown(step)
    assert tex(shown_step) == named + r" \cdot (\sin(x) + \cos(x))"
    assert sympy.simplify(shown_step - step.expr) == 0 and step.expr == worked.result
    plain = [step for step in worked.derivative.steps if not str(step.why).startswith("factor out")]
    assert all(shown(step) is step.expr for step in plain)


def test_a_factor_taken_out_leaves_the_terms_in_the_order_they_stood():
    """3x^2 sin x + x^3 cos x under "factor out x^2" printed x^2 (x cos x + 3 sin x): SymPy's order swapped the terms
    unnamed (TA read, German 8882). The page keeps the order of the line before; a polynomial keeps the printer's order
    by degree, and no bracket is made to open with a minus sign."""
    rule, step = differentiate(x**3 * sympy.sin(x), x).derivative.steps
    assert tex(step.expr) == r"x^{2} (x \cos(x) + 3 \sin(x))"
    assert tex(shown(step, rule)) == r"x^{2} (3 \sin(x) + x \cos(x))"
    assert sympy.simplify(shown(step, rule) - step.expr) == 0
    rule, step = differentiate(x * sympy.exp(x), x).derivative.steps
    assert shown(step, rule) is step.expr  # e^x (x + 1), not e^x (1 + x)


def test_a_sum_taken_out_is_named_in_its_brackets():
    """f = -x (x^2 + x + 3)^2 (TA read, 8855): "factor out x^2 + x + 3 and expand" read as taking out x^2."""
    worked = differentiate(-x * (x**2 + x + 3) ** 2, x)
    reasons = [str(step.why) for chain in (*(piece.derivative for piece in worked.pieces), worked.derivative) for step in chain.steps]
    named = [reason for reason in reasons if reason.startswith("factor out")]
    assert named and all(reason.startswith(f"factor out $({tex(x**2 + x + 3)})$") for reason in named), reasons


def test_a_factor_the_sum_shares_with_the_denominator_is_taken_out_before_it_cancels():
    """A TA read (idl-math-background EN 9464, 1.3(a) f_3): "cancel (x^2 + 2)^2 and factor out 3e^{3x}" named the
    cancelling first, though only the factor taken out of the numerator's sum lets it cancel."""
    for f in (x**3 / (x**2 + 3) ** 3, sympy.sin(x) ** 2 / (3 - x) ** 2):
        steps = differentiate(f, x).derivative.steps
        (both,) = [step.why for step in steps if "cancel" in step.why and "factor out" in step.why]
        assert both.index("factor out") < both.index("cancel")
        assert sympy.simplify(steps[-1].expr - sympy.diff(f, x)) == 0
