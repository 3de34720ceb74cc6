import random

import pytest
import sympy

from generator.kit.activations import sigmoid
from generator.kit.functions import coordinates, smooth_function
from generator.kit.printing import tex
from generator.kit.tidying import _fraction_bars, derivative, presentable
from problems.derivative import _function

x = sympy.Symbol("x", real=True)


def _sheet_functions() -> list[sympy.Expr]:
    """What the families differentiate: univariate functions of every level, smooth functions of 1-3 variables."""
    rng = random.Random(7)
    functions = [_function(rng, level) for level in (1, 2, 3) for _ in range(150)]
    functions += [smooth_function(rng, coordinates(n), level) for n in (1, 2, 3) for level in (1, 2) for _ in range(60)]
    return functions + [sigmoid(2 * x) * sympy.tanh(x**2), sympy.sqrt(1 + x**2), x**x, sympy.Abs(x) * x]


@pytest.mark.parametrize("v", coordinates(3))
def test_derivative_is_exactly_what_sympy_diff_gives(v):
    for f in _sheet_functions():
        ours, sympys = derivative(f, v), sympy.diff(f, v)
        assert sympy.srepr(ours) == sympy.srepr(sympys), f


def test_a_product_over_several_factors_prints_one_fraction_bar():
    assert _fraction_bars(x / ((3 - x) * (x**2 + 2) ** 2)) == 1
    assert _fraction_bars(sympy.exp(-x) * x) == 0


def test_nested_fractions_count_each_bar():
    assert _fraction_bars(1 / (1 + 1 / x)) == 2
    assert _fraction_bars(sympy.sin(x / (x + 1)) / (x + 2)) == 2
    assert _fraction_bars(x / (x + 1) + 1 / (x + 2)) == 2


def test_a_sum_of_quotients_comes_over_a_factored_denominator():
    expr = -2 * x * sympy.log(3 - x) / (x**2 + 2) ** 2 - 1 / ((3 - x) * (x**2 + 2))
    tidy = presentable(expr)
    numerator, denominator = sympy.fraction(tidy)
    assert sympy.Mul.make_args(denominator) == sympy.Mul.make_args((3 - x) * (x**2 + 2) ** 2)
    assert sympy.cancel(tidy - expr) == 0


def test_common_factors_are_cancelled():
    assert presentable((x**2 - 1) / (x - 1)) == x + 1
    assert presentable((x - 2) / (2 - x) + x) == x - 1


def test_a_written_product_shows_no_base_twice_and_glues_no_number_to_a_fraction():
    from generator.kit.differentiation import written_product
    from generator.kit.printing import tex

    assert tex(written_product(-1, x, sympy.Mul(4, x, 3 * x**2 + 5, evaluate=False))) == (
        r"- 4 x^{2} (3 x^{2} + 5)"
    )
    assert tex(written_product(sympy.cos(x), sympy.cos(x))) == tex(sympy.cos(x) ** 2)
    assert tex(written_product(2, x / (x**2 + 1))) == r"\frac{2 x}{x^{2} + 1}"


def test_factors_that_would_cancel_are_shown_substituted_with_a_dot():
    from generator.kit.differentiation import written_product
    from generator.kit.notation import WrittenProduct

    product = written_product(1 - x, -1 / (1 - x))
    assert isinstance(product, WrittenProduct) and product.doit() == -1


def test_pieces_are_named_in_the_order_they_are_listed():
    from generator.kit.differentiation import differentiate

    worked = differentiate(x / ((x**2 + 3) * (3 * x**2 + 1)), x)
    assert [piece.name.name for piece in worked.pieces] == ["u", "v", "w"][: len(worked.pieces)]
    assert worked.pieces[-1].expr == (x**2 + 3) * (3 * x**2 + 1)


def test_a_partial_of_a_function_free_of_the_variable_says_so():
    from generator.kit.differentiation import worked_partial

    y = coordinates(2)[1]
    (step,) = worked_partial(sympy.cos(y**2), coordinates(2)[0]).derivative.steps
    assert step.expr == 0 and step.why == "does not depend on $x$"


def test_structure_forgets_numbers_only():
    from generator.kit.functions import structure

    assert structure(x * sympy.cos(x) / (2 * x**2 + 1)) == structure(x * sympy.cos(x) / (x**2 + 3))
    assert structure(x * sympy.cos(x) / (x**2 + 3)) != structure(x * sympy.sin(x) / (x**2 + 3))


def test_tidying_keeps_a_product_of_sums_factored():
    assert sympy.sstr(presentable(2 * (2 * x + 2) * (x**2 + 2 * x + 3))) == "4*(x + 1)*(x**2 + 2*x + 3)"


def test_tidying_keeps_exponential_arguments_whole():
    tidy = presentable(2 * x * (2 * x - 1) * sympy.exp(3 * x - 2) + x**2 * (6 * x - 1) * sympy.exp(3 * x - 2))
    assert sympy.exp(3 * x - 2) in tidy.atoms(sympy.exp) and _fraction_bars(tidy) == 0


def test_tidying_collects_terms_by_the_functions_they_multiply():
    e, s, c = sympy.exp(x), sympy.sin(x), sympy.cos(x)
    tidy = presentable(((4 - x) * (s + c) * e + e * s) / (4 - x) ** 2)
    assert tidy == ((5 - x) * s + (4 - x) * c) * e / (4 - x) ** 2


def test_a_product_is_multiplied_out_only_when_that_collects_something():
    # (x^2 + 2)(3x^2 + 2) stands beside a sine: multiplying it out collects nothing.
    tidy = presentable(derivative(sympy.sin(x**3 + 2 * x + 2) / (x**2 + 2), x))
    assert 3 * x**2 + 2 in sympy.preorder_traversal(tidy) and x**4 not in sympy.preorder_traversal(tidy)
    # The cosines of both terms are collected: (3x^2 - 6x + 1) cos x.
    tidy = presentable(derivative(sympy.exp(x) * sympy.cos(x) / (3 * x**2 + 1), x))
    assert (3 * x**2 - 6 * x + 1) * sympy.cos(x) in sympy.Add.make_args(sympy.fraction(tidy)[0] / sympy.exp(x))


def test_a_multiplied_out_polynomial_is_factored_when_that_is_no_longer():
    assert presentable(derivative((3 * x - 1) * (x**2 + 2 * x + 3) ** 2, x)) == (x**2 + 2 * x + 3) * (
        15 * x**2 + 14 * x + 5
    )
    tidy = presentable(derivative((1 - x) * (3 * x**2 - 2 * x + 1) ** 3, x))
    assert (3 * x**2 - 2 * x + 1) ** 2 in sympy.Mul.make_args(tidy)


def test_a_multiple_of_a_sum_below_the_bar_stays_whole_above_it():
    from generator.kit.printing import text

    tidy = presentable(derivative(sympy.log(1 + sympy.exp(-2 * x)) / (sympy.cos(x) + 2), x))
    assert "- 2*(cos(x) + 2)" in text(tidy)
    assert "6*(cos(x) + 2)" in text(presentable(derivative((3 * x + 1) ** 2 / (sympy.cos(x) + 2), x)))
    # Never beside a polynomial term, with whose number it would collect: x + 2e^x + 2, not x + 2(e^x + 1).
    assert "2*(exp(x) + 1))" not in text(presentable(derivative(x**2 * sympy.exp(x) / (sympy.exp(x) + 1), x)))


def test_functions_that_differ_in_one_polynomial_factor_share_a_skeleton():
    from generator.kit.functions import skeleton

    e, c = sympy.exp(x), sympy.cos(x)
    assert skeleton(e * c / (4 - x), x) == skeleton(e * c / (3 * x**2 + 1), x)
    assert skeleton(e * c / (4 - x), x) != skeleton(e * c * (4 - x), x)
    assert skeleton(sympy.sin(x) / (x**2 + 1), x) != skeleton(sympy.cos(x) / (x**2 + 1), x)


def test_a_term_free_of_the_variable_is_said_to_drop_out_of_a_partial():
    from generator.kit.differentiation import worked_partial

    y = sympy.Symbol("y", real=True)
    (step,) = worked_partial(x * y**2 + sympy.log(x**2 + 1), y).derivative.steps
    assert step.expr == 2 * x * y
    assert step.why == r"constant factor, sum rule; table of derivatives; $\log(x^{2} + 1)$ does not depend on $y$"


def test_a_term_left_out_of_a_partial_is_named_as_it_stands():
    """With its sign: "$y^{2}$ does not depend on $x$" named a term x^2 y - y^2 does not have (TA read, EN 6641; a59c909)."""
    from generator.kit.differentiation import worked_partial

    y = sympy.Symbol("y", real=True)
    (step,) = worked_partial(x**2 * y - y**2, x).derivative.steps
    assert step.why == r"constant factor, sum rule; table of derivatives; $- y^{2}$ does not depend on $x$"


def test_a_number_taken_out_of_a_bracketed_sum_in_a_term_stays_out():
    """The product rule's 2 (x - 2)(3x - 1) cos(...) is the tidy form: no step multiplies the 2 back in."""
    from generator.kit.differentiation import differentiate

    inner = 3 * x**2 - 2 * x + 1
    worked = differentiate((x - 2) * sympy.sin(inner), x)
    assert [str(step.why) for step in worked.derivative.steps] == ["product rule"]
    assert sympy.expand(worked.result - sympy.diff((x - 2) * sympy.sin(inner), x)) == 0
    assert tex(worked.result).startswith("2 (x - 2) (3 x - 1) \\cos")


def test_no_number_is_taken_out_of_a_sum_that_would_open_with_a_minus_sign():
    """``2 (-x^2 + 2y)`` after 'factor out 2' left 'div f = e^x + 2 (-x^2 + 2y)' (TA read): the sum stays as it is,
    unless its bracket opens with its positive term, as a difference of two terms prints (printing, eb10af9)."""
    y = sympy.Symbol("y", real=True)
    assert tex(presentable(-2 * x**2 + 4 * y + 2)) == "- 2 x^{2} + 4 y + 2"
    assert tex(presentable(-2 * x**2 + 4 * y)) == "2 (2 y - x^{2})"
    assert tex(presentable(6 * x**2 + 2)) == "2 (3 x^{2} + 1)"


def test_a_piece_named_by_an_earlier_partial_is_not_named_again():
    from generator.kit.differentiation import worked_partial

    y = sympy.Symbol("y", real=True)
    f = sympy.log(x**2 + y**2 + 1)
    by_x, by_y = worked_partial(f, x), worked_partial(f, y)
    assert [piece.expr for piece in by_x.new_pieces([])] == [x**2 + y**2 + 1]
    assert by_y.new_pieces([by_x]) == ()


def test_a_common_factor_stays_in_front_of_the_terms_it_collects():
    tidy = presentable(derivative((x + 1) ** 3 / (sympy.exp(x) + 1), x))
    assert tidy == (x + 1) ** 2 * ((2 - x) * sympy.exp(x) + 3) / (sympy.exp(x) + 1) ** 2


def test_tidying_never_rewrites_a_function_argument():
    x, y = sympy.symbols("x y")
    tidied = presentable(sympy.diff(sympy.sin(x**2 + x * y**2), x))
    assert tidied.has(sympy.cos(x**2 + x * y**2))  # as the statement writes it, not cos(x (x + y^2))
    assert sympy.simplify(tidied - (2 * x + y**2) * sympy.cos(x**2 + x * y**2)) == 0


def test_a_tidy_result_leaves_no_terms_of_one_function_uncollected():
    """``x^2 e^x (x \\cos x - x \\sin x + 3 \\cos x)`` leaves ``x \\cos x + 3 \\cos x``; a hand writes ``(x + 3) \\cos x``."""
    tidy = presentable(derivative(x**3 * sympy.exp(x) * sympy.cos(x), x))
    assert tidy == x**2 * sympy.exp(x) * ((x + 3) * sympy.cos(x) - x * sympy.sin(x))
    assert presentable(derivative(x * sympy.exp(x), x)) == (x + 1) * sympy.exp(x)


def test_a_tidy_result_is_never_half_multiplied_out():
    """Over one bar, the quotient rule's ``(x \\cos x + \\sin x)(\\cos x + 2) + x \\sin^2 x`` came back with
    ``(\\cos x + 2)`` multiplied into some terms only; the sum they share stays a factor of those terms."""
    c = sympy.cos(x) + 2
    tidy = presentable(derivative(x * sympy.sin(x) / c, x))
    numerator, denominator = sympy.fraction(tidy)
    assert denominator == c**2
    assert numerator == c * (x * sympy.cos(x) + sympy.sin(x)) + x * sympy.sin(x) ** 2


def test_a_polynomial_inside_a_tidy_result_is_collected():
    """Grouping the terms that share ``(\\cos x + 2)`` left ``x (x - 1) + 3x - 2`` inside; a hand writes ``x^2 + 2x - 2``."""
    tidy = presentable(derivative(x**2 * (x - 1) * sympy.exp(x) / (sympy.cos(x) + 2), x))
    assert x**2 + 2 * x - 2 in sympy.preorder_traversal(tidy)
    assert x * (x - 1) + 3 * x - 2 not in sympy.preorder_traversal(tidy)


def test_a_polynomial_numerator_is_never_left_half_multiplied_out():
    """e^x (x (3 - x) + 3)/(3 - x)^2 is half done: a TA writes e^x (-x^2 + 3x + 3)/(3 - x)^2."""
    from generator.kit.printing import tex
    from generator.kit.tidying import tidy_derivative

    assert tex(tidy_derivative(x * sympy.exp(x) / (3 - x), x)) == r"\frac{e^{x} (- x^{2} + 3 x + 3)}{(3 - x)^{2}}"


def test_a_sum_below_the_bar_is_not_kept_whole_above_it_with_a_minus_sign_only():
    """sin x - (cos x + 2) is a bracket left to open; -2 (cos x + 2) is a multiple a TA keeps whole."""
    from generator.kit.tidying import _regrouped

    s = sympy.cos(x) + 2
    assert _regrouped(sympy.sin(x) - sympy.cos(x) - 2, [s]) == sympy.sin(x) - sympy.cos(x) - 2
    regrouped = _regrouped(sympy.sin(x) - 2 * sympy.cos(x) - 4, [s])
    assert sympy.Mul(-2, s, evaluate=False) in regrouped.args


def test_partials_printed_together_give_a_letter_one_meaning():
    """u = x^2 for df/dx and then u = x^2 + y^2 + 1 for df/dy read as one u changing its meaning (TA read)."""
    from generator.kit.differentiation import named_alike, worked_partial

    y = sympy.Symbol("y", real=True)
    f = sympy.exp(x**2) * sympy.log(x**2 + y**2 + 1)
    named = named_alike([worked_partial(f, x), worked_partial(f, y)])
    letters = {(piece.expr, piece.name) for worked in named for piece in worked.pieces}
    assert len({expr for expr, _ in letters}) == len(letters) == len({name for _, name in letters})
    (inner,) = named[1].pieces
    assert inner.name == next(piece.name for piece in named[0].pieces if piece.expr == x**2 + y**2 + 1)


def test_a_product_the_quotient_rule_brought_is_not_multiplied_out():
    """(4 - x)(x^2 + 1) cos x stays a product; the gathered form made it the cubic -x^3 + 4x^2 - x + 4 (TA read)."""
    tidy = presentable(derivative(sympy.sin(x) / ((4 - x) * (x**2 + 1)), x))
    assert tex(tidy).startswith(r"\frac{(4 - x) (x^{2} + 1) \cos(x) + (3 x^{2} - 8 x + 1) \sin(x)}")



def test_exponentials_whose_exponents_collect_are_merged_and_others_kept_apart():
    """A TA read (idl-math-background, German, seed 7412, f_3): e^x e^{x^2 - x + 3} side by side in a result, which a
    teaching assistant writes e^{x^2 + 3}; e^x e^{x^2} keeps the statement's e^{x^2} in view."""
    from generator.kit.tidying import exponentials_merged

    e = sympy.exp
    assert exponentials_merged(e(x) * e(x**2 - x + 3) * (x + 1)) == e(x**2 + 3) * (x + 1)
    assert exponentials_merged(e(x) * e(x**2)) == e(x) * e(x**2)
    f = e(x**2 - x + 3) / (1 + e(-x))
    assert presentable(derivative(f, x)) == e(x**2 + 3) * (2 * x + e(x) * (2 * x - 1)) / (e(x) + 1) ** 2
    assert presentable(derivative(f, x), merge=False) == e(x) * e(x**2 - x + 3) * (2 * x + e(x) * (2 * x - 1)) / (e(x) + 1) ** 2


def test_the_polynomial_terms_of_a_sum_with_other_terms_are_multiplied_out_together():
    """A TA read (derivatives-and-entropy EN 9562, f_3): the last row e^x (x (3 - x) + 3 + 3 e^x) under "collect like
    terms" also wrote 3x - x^2 as x (3 - x), unnamed; a TA writes the polynomial part, -x^2 + 3x + 3."""
    x = sympy.Symbol("x", real=True)
    e = sympy.exp(x)
    tidy = presentable(derivative(x / ((1 + sympy.exp(-x)) * (3 - x)), x))
    assert r"x (3 - x)" not in tex(tidy)
    assert sympy.fraction(tidy)[0] == e * (-(x**2) + 3 * x + 3 + 3 * e)
    # the terms of one function stay as they are: only polynomial terms with a product inside are multiplied out
    assert presentable(x * (3 - x) + e) == x * (3 - x) + e


def test_a_common_factor_of_a_polynomial_product_rule_is_kept_rather_than_multiplied_out():
    """-(2x^2 - 2x + 1)^2 + 4(1 - x)(2x - 1)(2x^2 - 2x + 1) was tidied into a quartic, one character shorter than the
    factored form: a TA writes -(2x^2 - 2x + 1)(10x^2 - 14x + 5) (a TA read, EN 9614). Multiplying out must save a fifth."""
    g = 2 * x**2 - 2 * x + 1
    tidy = presentable(-(g**2) + 4 * (1 - x) * (2 * x - 1) * g)
    assert sympy.expand(tidy - (-(g**2) + 4 * (1 - x) * (2 * x - 1) * g)) == 0
    assert g in sympy.Mul.make_args(tidy) or -g in sympy.Mul.make_args(tidy)
