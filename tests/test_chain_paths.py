"""A worked derivative takes one path to its tidy form: no step only reorders, no reason hides a sign a step moved,
no step takes back what the step before did, and a perfect square ends written as a square.

From a TA read of idl-math-background, German, seed 6612 (1.3(a) f_1 and f_3, 1.3(c)), and of the derivative
family, level 2, seed 47. Every expectation is computed from SymPy, none is quoted.
"""

import sympy

from generator.kit.differentiation import differentiate, worked_partial
from generator.kit.language import Reason
from generator.kit.printing import tex
from generator.kit.rewrites import DISTRIBUTE_MINUS, expand_outside, product_sums, reordered, rewrite_names
from generator.kit.steps import Step
from generator.kit.tidying import derivative, partial_derivatives, tidy_derivative
from problems.derivative import x

F1 = (3 * x - 1) * sympy.log(1 + sympy.exp(-2 * x))
"""idl-math-background DE 6612, 1.3(a) f_1."""
SEED_47 = (2 * x - 1) * sympy.log(1 + sympy.exp(-2 * x))
"""derivative, level 2, seed 47."""
F3 = -sympy.sin(x) / (1 + sympy.exp(-x))
"""idl-math-background DE 6612, 1.3(a) f_3."""
JACOBIAN_ENTRY = sympy.exp(-x) / (x**2 + 1)
"""idl-math-background DE 6612, 1.3(c): the first component of f, differentiated by x."""
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


def _taken_back(before: sympy.Expr, after: sympy.Expr) -> list[sympy.Expr]:
    """The products of sums in ``after`` (outside function arguments) whose terms, multiplied out, all stand as
    terms of one sum of ``before``: ``before`` had them opened, ``after`` writes them as the product again."""
    sums = [set(sympy.Add.make_args(node)) for node in sympy.preorder_traversal(before) if node.is_Add]
    products = [node for node in sympy.preorder_traversal(after) if node.is_Mul and any(arg.is_Add for arg in node.args)]
    return [
        product
        for product in products
        if any(set(sympy.Add.make_args(expand_outside(product))) <= terms for terms in sums)
        and product not in {term for terms in sums for term in terms}
    ]


def test_no_step_writes_back_as_a_product_what_the_step_before_multiplied_out():
    """f_3's r': the numerator e^{2x}((1 + e^{-x}) cos x + e^{-x} sin x) was multiplied out into
    e^x (e^x cos x + cos x + sin x), and the next step took cos x out again: e^x ((e^x + 1) cos x + sin x)."""
    for steps in _all_steps(F3):
        for before, after in zip(steps, steps[1:]):
            numerator, new_numerator = sympy.fraction(before.expr, exact=True)[0], sympy.fraction(after.expr, exact=True)[0]
            assert not _taken_back(numerator, new_numerator), (tex(before.expr), tex(after.expr), after.why)
    assert differentiate(F3, x).result == tidy_derivative(F3, x)


def test_the_check_finds_the_step_that_took_back_an_expansion():
    """The check above, on the two lines the TA read found."""
    e = sympy.exp(x)
    opened = sympy.Mul(e, e * sympy.cos(x) + sympy.cos(x) + sympy.sin(x), evaluate=False)
    closed = sympy.Mul(e, (e + 1) * sympy.cos(x) + sympy.sin(x), evaluate=False)
    assert _taken_back(opened, closed)
    assert not _taken_back(closed, closed)


def _square_of_a_binomial(total: sympy.Expr) -> bool:
    """``total`` is a polynomial sum SymPy factors as the square of a two-term sum, content 1."""
    if not total.is_Add or not total.is_polynomial():
        return False
    content, factors = sympy.factor_list(total)
    return content == 1 and len(factors) == 1 and factors[0][1] == 2 and len(factors[0][0].args) == 2


def test_a_perfect_square_beside_other_factors_ends_written_as_a_square():
    """1.3(c): -e^{-x} (x^2 + 2x + 1)/(x^2 + 1)^2 is -e^{-x} (x + 1)^2/(x^2 + 1)^2, in a step that factorises."""
    worked = worked_partial(JACOBIAN_ENTRY, x)
    result = worked.result
    assert result == partial_derivatives(JACOBIAN_ENTRY, (x,))[0]
    assert sympy.simplify(result - derivative(JACOBIAN_ENTRY, x)) == 0
    assert not any(_square_of_a_binomial(factor) for factor in sympy.Mul.make_args(result))
    *_, before, last = worked.derivative.steps
    square = next(factor for factor in sympy.Mul.make_args(before.expr) if _square_of_a_binomial(factor))
    assert last.why == Reason("factorise ${polynomial}$", polynomial=tex(square))


def test_a_polynomial_alone_stays_multiplied_out():
    """The sum rule's 3x^2 + 6x + 3 of x^3 + 3x^2 + 3x is no product beside other factors: no square is written."""
    tidy = tidy_derivative(x**3 + 3 * x**2 + 3 * x, x)
    assert not any(factor.is_Pow and factor.base.is_Add for factor in sympy.Mul.make_args(tidy))
