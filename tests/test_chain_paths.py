"""A worked derivative takes one path to its tidy form: no step only reorders, and no reason hides a sign a step moved.

From a TA read of idl-math-background, German, seed 6612 (1.3(a) f_1), and of the derivative
family, level 2, seed 47. Every expectation is computed from SymPy, none is quoted.
"""

import sympy

from generator.kit.differentiation import differentiate
from generator.kit.language import Reason
from generator.kit.printing import tex
from generator.kit.rewrites import DISTRIBUTE_MINUS, product_sums, reordered, rewrite_names
from generator.kit.steps import Step
from generator.kit.tidying import derivative, tidy_derivative
from problems.derivative import x

F1 = (3 * x - 1) * sympy.log(1 + sympy.exp(-2 * x))
"""idl-math-background DE 6612, 1.3(a) f_1."""
SEED_47 = (2 * x - 1) * sympy.log(1 + sympy.exp(-2 * x))
"""derivative, level 2, seed 47."""
SIGN_REASONS = {DISTRIBUTE_MINUS, Reason("take out the minus sign"), Reason("take a minus sign out of a bracket")}
"""The reasons of steps that turn a bracket's sign and say so (besides "write $A$ as $-(B)$")."""


def _all_steps(f: sympy.Expr) -> list[tuple[Step, ...]]:
    """The worked chains of ``f``'s derivative: each piece's, then the derivative's own."""
    worked = differentiate(f, x)
    return [piece.derivative.steps for piece in worked.pieces] + [worked.derivative.steps]


def _turned_sums(before: sympy.Expr, after: sympy.Expr) -> list[sympy.Expr]:
    """The bracketed sums of ``after`` that ``before`` shows only with the opposite sign."""
    old = set(product_sums(before))
    return [total for total in product_sums(after) if total not in old and -total in old]


def test_a_rule_row_that_is_the_tidy_form_but_for_order_is_the_last_row():
    """f_1: "distribute the minus sign" only wrote 3 log(1 + e^{-2x}) - 2(3x - 1)/(e^{2x} + 1) as
    2(1 - 3x)/(e^{2x} + 1) + 3 log(1 + e^{-2x}); the tidy form now keeps the statement's 3x - 1."""
    for steps in _all_steps(F1):
        for before, after in zip(steps, steps[1:]):
            assert not reordered(before.expr, after.expr), (tex(before.expr), tex(after.expr), after.why)
    worked = differentiate(F1, x)
    assert worked.result == tidy_derivative(F1, x)
    assert sympy.simplify(worked.result - derivative(F1, x)) == 0
    assert not _turned_sums(derivative(F1, x), worked.result)


def test_a_step_that_takes_out_a_number_names_the_sign_it_takes_with_it():
    """Seed 47: 2 log(1 + e^{-2x}) - 2(2x - 1)/(e^{2x} + 1) became 2((1 - 2x)/(e^{2x} + 1) + log(1 + e^{-2x}))
    under "factor out 2": the bracket's sign turned unnamed. A bracket turns only in a step that says so."""
    for f in (SEED_47, F1, x**2 * (3 * x - 1) / (3 - x)):
        for steps in _all_steps(f):
            for before, after in zip(steps, steps[1:]):
                if _turned_sums(before.expr, after.expr):
                    assert after.why in SIGN_REASONS or "as $-(" in after.why, (tex(before.expr), tex(after.expr), after.why)


def test_a_number_taken_out_with_a_minus_sign_is_named_with_it():
    """28x - 6x^2 - 6 collected and written -2(3x^2 - 14x + 3): the step takes out -2, and says so."""
    collected, left = -6 * x**2 + 28 * x - 6, 3 * x**2 - 14 * x + 3
    taken = sympy.cancel(collected / left)
    names = rewrite_names(sympy.Mul(x, collected, evaluate=False), sympy.Mul(taken, x, left))
    assert f"${tex(taken)}$" in names[-1]
