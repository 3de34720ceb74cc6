"""A worked derivative ends on the simplest form it reaches, never on a step that undoes an earlier one.

A TA read (idl-math-background, seed 6601, f_2 = (x + 1) log(1 + e^{-x})) found the product rule's
``log(1 + e^{-x}) - (x + 1)/(e^x + 1)``, built with the piece w' = -1/(e^x + 1) (numerator and denominator
multiplied by e^x), followed by a step "expand" to ``log(1 + e^{-x}) - e^{-x} (x + 1)/(1 + e^{-x})``:
longer, e^{-x} put back, and nothing expanded.
"""

import pytest
import sympy

from generator.kit.differentiation import differentiate
from generator.kit.notation import WrittenSum
from generator.kit.rewrites import EXPAND, rewrite_names
from generator.kit.tidying import derivative, tidy_derivative
from generator.kit.widths import printed_width
from problems.derivative import x

SOFTPLUS_LIKE = [
    (x + 1) * sympy.log(1 + sympy.exp(-x)),
    (x + 2) ** 2 * sympy.log(1 + sympy.exp(-x)),
    3 * x * sympy.log(1 + sympy.exp(-2 * x)),
    x**2 * sympy.log(1 + sympy.exp(-x)) ** 2,
    sympy.exp(x) * sympy.sin(sympy.log(1 + sympy.exp(-2 * x))),
]


def _negative_exponential_below_a_bar(expr: sympy.Expr) -> bool:
    """A term of ``expr`` (or of a bracket in it) whose denominator holds e^{-kx}."""
    for node in sympy.preorder_traversal(expr):
        if node.is_Pow and node.exp.is_negative and node.base.is_Add:
            if any(isinstance(e, sympy.exp) and e.args[0].could_extract_minus_sign() for e in node.base.atoms(sympy.exp)):
                return True
    return False


def test_the_ta_read_function_ends_on_the_product_rule_row():
    worked = differentiate((x + 1) * sympy.log(1 + sympy.exp(-x)), x)
    assert [step.why for step in worked.derivative.steps] == ["product rule"]
    assert worked.result == sympy.log(1 + sympy.exp(-x)) - (x + 1) / (sympy.exp(x) + 1)


@pytest.mark.parametrize("f", SOFTPLUS_LIKE, ids=str)
def test_no_step_puts_a_cleared_negative_exponential_back(f):
    steps = differentiate(f, x).derivative.steps
    for before, after in zip(steps, steps[1:]):
        assert not (_negative_exponential_below_a_bar(after.expr) and not _negative_exponential_below_a_bar(before.expr)), after.why
    assert EXPAND not in [step.why for step in steps[1:]]


@pytest.mark.parametrize("f", SOFTPLUS_LIKE, ids=str)
def test_the_tidy_form_is_no_longer_than_the_rule_row_and_equal_to_the_derivative(f):
    steps = differentiate(f, x).derivative.steps
    tidy = tidy_derivative(f, x)
    assert steps[-1].expr == tidy
    assert printed_width(tidy) <= printed_width(steps[0].expr) + len("()")  # a common factor taken out adds a bracket
    assert sympy.simplify(tidy - derivative(f, x)) == 0


def test_a_denominator_written_anew_is_not_called_expand():
    """Multiplying a quotient's numerator and denominator by e^{-x} opens no bracket: not "expand"."""
    before = WrittenSum(sympy.log(1 + sympy.exp(-x)), -(x + 2) / (sympy.exp(x) + 1), evaluate=False)
    after = sympy.log(1 + sympy.exp(-x)) - (x + 2) * sympy.exp(-x) / (1 + sympy.exp(-x))
    assert EXPAND not in rewrite_names(before, after)
