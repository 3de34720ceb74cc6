"""Worked pieces of the kit for Math Background II: determinants between bars, null and unit vectors, Vieta (linalg), fractions before they are reduced and a golden-section maximum (probability)."""

import random

import pytest
import sympy

from generator.kit import tex, text
from generator.kit.differentiation import differentiate, rule_and_tidy, worked_partial
from generator.kit.functions import coordinates
from generator.kit.linalg import (
    WrittenDeterminant,
    float_determinant,
    null_vector,
    to_floats,
    unit_vector,
    vieta_agrees,
    worked_determinant,
)
from generator.kit.notation import WrittenQuotient, WrittenSum
from generator.kit.steps import Step, verify_chain

lam = sympy.Symbol("lamda")


def test_a_determinant_prints_between_bars_and_is_worth_the_determinant():
    bars = WrittenDeterminant(sympy.ImmutableMatrix([[2, 1], [1, 3]]))
    assert tex(bars) == r"\begin{vmatrix}2 & 1\\1 & 3\end{vmatrix}"
    assert bars.doit() == 5 and sympy.sympify(text(bars)) == 5


@pytest.mark.parametrize(
    "m",
    [
        sympy.ImmutableMatrix([[2 - lam, 1], [1, 2 - lam]]),
        sympy.ImmutableMatrix([[1 - lam, 2, 3], [2, 2 - lam, 2], [3, 2, 1 - lam]]),
        sympy.ImmutableMatrix([[-lam, 2, 0], [2, 1 - lam, 1], [0, 1, -lam]]),
    ],
)
def test_a_worked_determinant_starts_at_the_bars_and_ends_multiplied_out(m):
    minors, worked = worked_determinant(m)
    assert isinstance(worked.steps[0].expr, WrittenDeterminant)
    assert sympy.expand(worked.result - m.det()) == 0
    assert len(minors) == (0 if m.rows == 2 else sum(1 for e in m.row(0) if e != 0))
    for _, minor in minors:
        verify_chain(minor, random.Random(0))
    verify_chain(worked, random.Random(0))
    written = tex(worked.steps[1 if m.rows == 2 else 2].expr)  # a 3x3 is written in its minors M_1k first
    # a square as a square; a bracket beside a bracket or a letter, as a hand writes it, (1 - lambda)(lambda^2 - 3 lambda - 2)
    assert r"(2 - \lambda)^{2}" in written if m.rows == 2 else r"\cdot" not in written and ") (" in written or r"\lambda (" in written


def test_null_vectors_and_unit_vectors():
    found = null_vector(sympy.ImmutableMatrix([[2, 4], [1, 2]]))
    # 2x_1 + 4x_2 = 0 read as x_1 + 2x_2 = 0: (2, -1) at once, nothing to take out (TA read, EN 8907)
    assert found.vector == sympy.Matrix([2, -1]) and [s.why for s in found.found.steps] == ["swap $1$ and $2$, negate the second entry"]
    crossed = null_vector(sympy.ImmutableMatrix([[1, 2, 3], [2, 2, 2], [3, 2, 1]]))
    assert crossed.rows == (1, 2) and crossed.vector == sympy.Matrix([1, -2, 1])
    length, unit = unit_vector(crossed.vector)
    assert length.result == sympy.sqrt(6) and sympy.simplify(sympy.Matrix(unit).norm() - 1) == 0


def test_vieta_and_sarrus_agree_with_sympy():
    m = sympy.ImmutableMatrix([[1, 2, 3], [2, 2, 2], [3, 2, 1]])
    assert float_determinant(to_floats(m)) == pytest.approx(float(m.det()))
    assert vieta_agrees(to_floats(m), [0.0, 6.0, -2.0]) and not vieta_agrees(to_floats(m), [0.0, 6.0, -1.0])


def test_a_quotient_is_written_before_it_is_reduced():
    assert tex(WrittenQuotient(12, 40)) == r"\frac{12}{40}" and WrittenQuotient(12, 40).doit() == sympy.Rational(3, 10)
    nested = WrittenQuotient(sympy.Rational(3, 8), sympy.Rational(9, 20))
    assert tex(nested) == r"\frac{\displaystyle\;\frac{3}{8}\;}{\displaystyle\;\frac{9}{20}\;}"  # stacked, its main bar the longer
    assert sympy.sympify(text(nested)) == sympy.Rational(5, 6)


def test_lowest_terms_and_the_golden_section_maximum():
    from generator.kit.probability import golden_maximum, lowest_terms

    worked = lowest_terms(360, 1320, "count")
    assert [tex(step.expr) for step in worked.steps] == [r"\frac{360}{1320}", r"\frac{3}{11}"]
    assert worked.steps[1].why == "cancel $120$" and lowest_terms(3, 7).result == sympy.Rational(3, 7)
    assert golden_maximum(lambda t: -((t - 0.3) ** 2), 0.0, 1.0) == pytest.approx(0.3, abs=1e-7)


@pytest.mark.parametrize(("loss", "target"), [("squared", 2), ("squared", 0), ("cross-entropy", 1), ("cross-entropy", 0)])
def test_an_output_layer_backpropagates_to_y_hat_minus_t(loss, target):
    from generator.kit.losses import YHAT, float_loss, output_layer

    y, value = sympy.Symbol("y"), sympy.Integer(3)
    layer = output_layer(loss, y, value, sympy.Integer(target))
    assert layer.by_y.result == layer.delta
    delta = layer.delta.subs({YHAT: layer.output, y: value})  # both losses give delta_y = y_hat - t
    assert float(delta.rewrite(sympy.exp)) == pytest.approx(float((layer.output - target).rewrite(sympy.exp)))
    assert float(layer.loss.rewrite(sympy.exp)) == pytest.approx(float_loss(loss, 3.0, float(target)))
    for worked in (layer.by_output, layer.by_y):
        verify_chain(worked, random.Random(0))


def test_a_layer_side_by_the_formula_by_the_worked_steps_and_by_sliding_agree():
    from generator.kit.convolution import Layer, counted_parameters, slid_side, worked_parameters, worked_side

    conv, pool = Layer("conv", 5, 2, 2, 1, 16), Layer("max-pool", 3, 2, 0, 1, 0)
    assert conv.side(57) == slid_side(57, conv) == 29 and worked_side(57, conv).result == 29
    assert conv.side(56) is None and slid_side(56, conv) is None  # 2 does not divide 55: the floor would matter
    assert pool.side(29) == slid_side(29, pool) == 14 and pool.parameters(16) == counted_parameters(pool, 16) == 0
    assert conv.parameters(3) == counted_parameters(conv, 3) == 1216 == worked_parameters(conv, 3).result
    for worked in (worked_side(57, conv), worked_side(11, Layer("conv", 3, 1, 1, 2, 8)), worked_parameters(conv, 3)):
        verify_chain(worked, random.Random(0))


def test_the_law_of_total_probability_and_bayes_rule_worked():
    from generator.kit.probability import complement, posterior, total_probability

    r = sympy.Rational
    total = total_probability((r(9, 10), r(1, 100)), (r(1, 10), r(99, 100)))  # a 90% test, 1% prevalence
    assert total.value == total.worked.result == r(27, 250) and total.parts == (9, 99) and total.common == 1000
    worked = posterior(total, 0)
    assert worked.steps[0].expr.args[1].doit() == 1 / total.value and worked.result == r(1, 12)
    assert worked.steps[0].expr.args[1].args == (1000, 108)  # P(E) over the denominator the next step cancels, turned over
    assert complement(r(1, 100), "the complement rule").result == r(99, 100)
    for c in (total.worked, worked):
        verify_chain(c, random.Random(0))


def test_second_differences_give_the_curvature():
    from generator.kit.probability import second_differences

    assert second_differences(lambda t: -3 * t * t, (0.5,)) == pytest.approx((-6.0,), rel=1e-6)
    curvature = second_differences(lambda a, b: -(a * a) - a * b - 2 * b * b, (0.3, -0.2))
    assert curvature == pytest.approx((-2.0, -1.0, -4.0), rel=1e-5)


def test_a_table_entry_times_a_constant_in_other_variables_names_the_constant_factor():
    """-y^2 e^x in y gives -2y e^x by the same words as any constant factor, a number in front is the table's."""
    from generator.kit.differentiation import worked_partial

    x, y = sympy.symbols("x y")
    assert [s.why for s in worked_partial(-(y**2) * sympy.exp(x), y).derivative.steps] == ["constant factor, table of derivatives"]
    assert [s.why for s in worked_partial(-(x**2) / (sympy.exp(y) + 1), x).derivative.steps] == [
        "constant factor, table of derivatives"
    ]
    assert [s.why for s in worked_partial(y * sympy.exp(x), x).derivative.steps] == ["constant factor, table of derivatives"]
    assert [s.why for s in worked_partial(3 * y**2, y).derivative.steps] == ["table of derivatives"]


def test_a_tidy_step_that_multiplies_out_and_collects_shows_the_line_between():
    """Two TA reads: "expand, collect like terms and factor out e^x" jumped from the quotient rule's numerator to
    e^x (8 - 2x + (3 - x) sin x + (4 - x) cos x), and "factor out x^2 e^x" to x^2 e^x (3x^2 + 13x + 3). The products
    are now multiplied out in a line of their own, the like terms collected in the next (the engine checks both)."""
    x = sympy.Symbol("x")
    quotient = differentiate(sympy.exp(x) / ((3 - x) * (sympy.cos(x) + 2)), x).derivative.steps
    assert [step.why for step in quotient] == ["quotient rule", "factor out $e^{x}$ and expand $2 (3 - x)$; distribute the minus sign", "collect like terms"]
    assert tex(quotient[1].expr) == (
        r"\frac{e^{x} ((3 - x) \cos(x) + 6 - 2 x + (3 - x) \sin(x) + \cos(x) + 2)}{(3 - x)^{2} (\cos(x) + 2)^{2}}"
    )
    product = differentiate(x**3 * sympy.exp(x) * (3 * x + 1), x).derivative.steps
    assert [step.why for step in product][-2:] == ["factor out $x^{2} e^{x}$ and expand", "collect like terms"]
    assert tex(product[-2].expr) == r"x^{2} e^{x} (9 x + 3 + 3 x^{2} + 4 x)"
    assert tex(product[-1].expr) == r"x^{2} e^{x} (3 x^{2} + 13 x + 3)"


def test_the_line_between_keeps_what_the_tidy_form_keeps_and_no_sign_is_pulled_out():
    """A second TA read: with nothing to factor out, "expand" showed -(3x^2 - 6x + 2), collected and the minus taken
    out; and x(x + 1) cos x was multiplied out only for the next line to put it back together."""
    x = sympy.Symbol("x")
    rule = Step(WrittenSum(-(x**2 + 2), 2 * x * (3 - x), evaluate=False), "product rule")
    _, middle, collected = rule_and_tidy(rule, -3 * x**2 + 6 * x - 2)
    assert (middle.why, tex(middle.expr)) == ("expand", r"- x^{2} - 2 + 6 x - 2 x^{2}")
    assert (collected.why, tex(collected.expr)) == ("collect like terms", r"- 3 x^{2} + 6 x - 2")
    steps = differentiate(x**2 * (x + 1) * sympy.sin(x), x).derivative.steps
    assert tex(steps[-2].expr) == r"x (2 x \sin(x) + 2 \sin(x) + x (x + 1) \cos(x) + x \sin(x))"
    assert tex(steps[-1].expr) == r"x (x (x + 1) \cos(x) + (3 x + 2) \sin(x))"


def test_a_product_below_the_bar_is_squared_factor_by_factor_in_the_rule_line():
    """A TA read: ((3 - x)(x^2 + 2))^2 in the quotient rule's line became (3 - x)^2 (x^2 + 2)^2 in a step named
    "collect like terms". The rule line now writes the square as the tidy form does."""
    x = sympy.Symbol("x")
    rule = differentiate(sympy.exp(x) / ((3 - x) * (x**2 + 2)), x).derivative.steps[0]
    assert tex(rule.expr).endswith(r"}{(3 - x)^{2} (x^{2} + 2)^{2}}")


def test_terms_tidied_apart_are_named_term_by_term():
    """A TA read: a quotient rule's numerator whose first term was multiplied out and whose second had 2x taken out
    was "multiply the factors", SymPy's fallback name, which says neither."""
    x = sympy.Symbol("x")
    worked = differentiate(sympy.sin(x) / ((x**2 + 3) * (2 * x**2 + 1)), x)
    # the denominator's derivative keeps its common factor, 2x (4x^2 + 7), where the quartic 8x^3 + 14x needed it taken
    # out again in the quotient's last line (a TA read, EN 9614)
    assert tex(worked.pieces[-1].derivative.result) == r"2 x (4 x^{2} + 7)"
    assert worked.derivative.steps[-1].why == r"multiply out $(x^{2} + 3) (2 x^{2} + 1)$"
    steps = differentiate(sympy.sin(x) / ((2 - x) * (3 - x)), x).derivative.steps
    # -(2x - 5) sin x is (5 - 2x) sin x on the same line: the minus sign in front went into the bracket (signs_named)
    assert steps[-1].why == r"multiply out $(2 - x) (3 - x)$; distribute the minus sign"


def test_each_rewrite_of_a_compound_tidy_step_gets_its_line():
    """TA reads: "collect like terms" also multiplied x into a bracket; "expand, collect like terms and factor out
    2(x - 2)^2" expanded nothing and took out a 2 that divides only the collected sum; and a tidy form with two sums
    got no line between at all. Each rewrite now has its line (the engine checks every one)."""
    x = sympy.Symbol("x")
    steps = differentiate(x * (3 * x + 1) * sympy.cos(x), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps[1:]] == [
        ("expand", r"(3 x + 1) \cos(x) + 3 x \cos(x) - x (3 x + 1) \sin(x)"),
        (r"collect the terms in $\cos(x)$", r"(6 x + 1) \cos(x) - x (3 x + 1) \sin(x)"),  # over cos x (a TA read, EN 9124)
    ]
    steps = differentiate(x * sympy.sin(x) / (2 - x), x).derivative.steps  # the sum of functions is opened first
    assert steps[1].why == "two minus signs cancel"  # - x sin(x) . (-1), before the expansion (a TA read)
    assert tex(steps[2].expr) == r"\frac{x (2 - x) \cos(x) + 2 \sin(x) - x \sin(x) + x \sin(x)}{(2 - x)^{2}}"
    steps = differentiate(x * (x - 2) ** 3, x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps[1:]] == [
        ("factor out $(x - 2)^{2}$", r"(x - 2)^{2} (x - 2 + 3 x)"),
        ("collect like terms and factor out $2$", r"2 (x - 2)^{2} (2 x - 1)"),
    ]
    steps = differentiate((x**2 + x + 3) ** 2 / (x**2 + 3), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps[1:]] == [
        (
            "factor out $2 (x^{2} + x + 3)$ and expand",
            r"\frac{2 (x^{2} + x + 3) (2 x^{3} + 6 x + x^{2} + 3 - x^{3} - x^{2} - 3 x)}{(x^{2} + 3)^{2}}",
        ),
        ("collect like terms", r"\frac{2 (x^{2} + x + 3) (x^{3} + 3 x + 3)}{(x^{2} + 3)^{2}}"),
    ]


def test_terms_that_collect_to_a_single_term_show_their_common_factor_first():
    """A TA read (German, seed 8852): the quotient rule's (6x (x^2 + 1)(x^2 + 3)^2 - 2x (x^2 + 3)^3)/(x^2 + 1)^2 went
    to 4x^3 (x^2 + 3)^2/(x^2 + 1)^2 in one line "expand and collect like terms", which took out 2x (x^2 + 3)^2 unnamed
    and multiplied 2x by 2x^2 unnamed."""
    x = sympy.Symbol("x")
    steps = differentiate((x**2 + 3) ** 3 / (x**2 + 1), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps[1:]] == [
        (
            "factor out $2 x (x^{2} + 3)^{2}$ and expand",
            r"\frac{2 x (x^{2} + 3)^{2} (3 x^{2} + 3 - x^{2} - 3)}{(x^{2} + 1)^{2}}",
        ),
        ("collect like terms and multiply the factors", r"\frac{4 x^{3} (x^{2} + 3)^{2}}{(x^{2} + 1)^{2}}"),
    ]
    for before, after in zip(steps, steps[1:]):
        assert sympy.cancel(before.expr.doit() - after.expr.doit()) == 0


def test_powers_of_e_that_cancel_with_two_minus_signs_are_named_in_a_line_of_their_own():
    """A TA read (8871, idl 1.3(a) f_2): - x^3 e^x . (-e^{-x}) went unnamed into a last line called "factor out x^2",
    which also multiplied out e^x (1 + e^{-x}) and collected 2x + 3."""
    x = sympy.Symbol("x")
    steps = differentiate(x**3 * sympy.exp(x) / (1 + sympy.exp(-x)), x).derivative.steps
    assert [step.why for step in steps] == [
        "quotient rule",
        "combine the powers of $e$; two minus signs cancel",
        "multiply numerator and denominator by $e^{2 x}$; $e^{x} (1 + e^{- x}) = e^{x} + 1$",
        "factor out $x^{2} e^{2 x}$ and expand",
        "collect like terms",
    ]
    assert tex(steps[1].expr) == r"\frac{x^{2} e^{x} (1 + e^{- x}) (x + 3) + x^{3}}{(1 + e^{- x})^{2}}"


def test_brackets_after_minus_signs_are_opened_in_written_order_before_like_terms_are_collected():
    """-(3 - x) - (2 - x) stood as 2x - 5 under "open the bracket after the minus sign": two brackets, and like terms
    collected unnamed (a read of the session's dump)."""
    x = sympy.Symbol("x")
    (product,) = [piece for piece in differentiate((3 - x) * (2 - x) / (x**2 + 1), x).pieces if piece.name.name == "w"]
    assert [(step.why, tex(step.expr)) for step in product.derivative.steps] == [
        ("product rule", r"- (3 - x) - (2 - x)"),
        ("open the brackets after the minus signs", r"-3 + x - 2 + x"),
        ("collect like terms", r"2 x - 5"),
    ]


def test_minus_signs_cancelling_between_factors_still_shown_apart_multiply_nothing_else():
    """-sin(g) . (-2 sin x/(cos x + 2)^2) to sin(g) . 2 sin x/(cos x + 2)^2 said "multiply the factors; two minus signs
    cancel", but the factors stand apart as before (a function of a quotient before the bar; TA read, German 8882)."""
    x = sympy.Symbol("x")
    *_, rule, last = differentiate(sympy.cos(sympy.cos(x) / (sympy.cos(x) + 2)), x).derivative.steps
    assert r"\cdot" in tex(last.expr) and (rule.why, last.why) == ("chain rule", "two minus signs cancel")


def test_like_terms_as_written_are_collected_before_a_factor_comes_out():
    """A TA read (German): v' = 3x - 2 + 3x, then 2(3x - 1) "2 ausklammern und gleichartige Terme zusammenfassen";
    2 divides only the collected 6x - 2, and the reason, on a line of its own, began with a numeral."""
    x = sympy.Symbol("x")
    steps = differentiate(x * (3 * x - 2), x).derivative.steps
    assert [step.why for step in steps] == ["product rule", "collect like terms and factor out $2$"]


def test_minus_signs_that_cancel_stay_in_view_until_a_step_multiplies_them():
    """A TA read: quotient-rule lines printed "+ e^x (x + 1)" for "- e^x (x + 1) . (-1)", a chain rule printed
    sin x/(cos x + 2)^2 straight away, and a "constant factor" line took the minus into the bracket. Each sign now
    turns in a step that says so; the step that multiplies the factors says that their two minus signs cancel (a TA
    read: "multiply the factors" alone turned the sign unnamed)."""
    x = sympy.Symbol("x")
    quotient = differentiate(sympy.exp(x) * (x + 1) / (3 - x), x).derivative.steps[0]
    assert r"- e^{x} (x + 1) \cdot (-1)" in tex(quotient.expr)
    steps = differentiate(1 / (sympy.cos(x) + 2), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps] == [
        ("chain rule", r"- \frac{1}{(\cos(x) + 2)^{2}} \cdot (- \sin(x))"),
        ("multiply the factors; two minus signs cancel", r"\frac{\sin(x)}{(\cos(x) + 2)^{2}}"),
    ]
    steps = differentiate(1 / (sympy.exp(-x) + 1), x).derivative.steps
    assert [step.why for step in steps] == [
        "chain rule",
        "multiply the factors; two minus signs cancel",
        "multiply numerator and denominator by $e^{2 x}$",
    ]
    steps = differentiate(sympy.log(x**2 + 2) / (sympy.cos(x) + 2), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps] == [
        (
            "quotient rule; multiply numerator and denominator by $x^{2} + 2$",
            r"\frac{2 x (\cos(x) + 2) - (x^{2} + 2) \log(x^{2} + 2) \cdot (- \sin(x))}{(x^{2} + 2) (\cos(x) + 2)^{2}}",
        ),
        ("two minus signs cancel", r"\frac{2 x (\cos(x) + 2) + (x^{2} + 2) \log(x^{2} + 2) \sin(x)}{(x^{2} + 2) (\cos(x) + 2)^{2}}"),
    ]
    steps = differentiate(-x * sympy.exp(x) * sympy.cos(x), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps] == [
        ("constant factor", r"- e^{x} ((x + 1) \cos(x) - x \sin(x))"),
        ("distribute the minus sign", r"e^{x} (x \sin(x) - (x + 1) \cos(x))"),
    ]


def test_numerator_and_denominator_are_multiplied_in_a_line_of_their_own():
    """A TA read: "multiply numerator and denominator by e^{2x}, expand, collect like terms and factor out e^{2x}", four
    rewrites in one step. The multiplied fraction now stands first; what is done to its sum is named after it."""
    x = sympy.Symbol("x")
    steps = differentiate(sympy.exp(x) / (1 + sympy.exp(-x)), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps[1:]] == [
        ("combine the powers of $e$; two minus signs cancel", r"\frac{e^{x} (1 + e^{- x}) + 1}{(1 + e^{- x})^{2}}"),
        # e^{2x} multiplied in as the denominator's is: e^x (1 + e^{-x}) e^{2x} is e^{2x} (e^x + 1) (two TA reads, German 9061, EN 9063),
        # and the reason says how 1 + e^{-x} became e^x + 1 (two TA reads)
        ("multiply numerator and denominator by $e^{2 x}$; $e^{x} (1 + e^{- x}) = e^{x} + 1$", r"\frac{e^{2 x} (e^{x} + 1) + e^{2 x}}{(e^{x} + 1)^{2}}"),
        ("factor out $e^{2 x}$ and collect like terms", r"\frac{e^{2 x} (e^{x} + 2)}{(e^{x} + 1)^{2}}"),
    ]


def test_a_tidy_step_that_only_factors_out_gets_no_line_between():
    """Only a step that multiplies out is split: 2x((x^2 + 1) cos(x^2 + 3) - sin(x^2 + 3)) comes straight from the rule."""
    x = sympy.Symbol("x")
    steps = differentiate(sympy.sin(x**2 + 3) / (x**2 + 1), x).derivative.steps
    assert [step.why for step in steps] == ["quotient rule", "factor out $2 x$"]


def test_a_minus_sign_taken_into_the_bracket_is_named_beside_what_else_the_step_does():
    """German gradient, n = 3: -(2y sin u - y^2 cos u) to y(y cos u - 2 sin u) was named 'y ausklammern' only."""
    y = sympy.Symbol("y")
    u = sympy.sin(2 * y - 1)
    before = sympy.Mul(-1, WrittenSum(2 * y * u, -(y**2) * sympy.cos(2 * y - 1), evaluate=False), evaluate=False)
    from generator.kit.rewrites import rewrite_name

    assert rewrite_name(before, y * (y * sympy.cos(2 * y - 1) - 2 * u)) == "distribute the minus sign and factor out $y$"


def test_the_worked_derivatives_of_the_german_seed_7412_read_as_a_teaching_assistant_writes_them():
    """A TA read of idl-math-background 1.3(a), German, seed 7412. f_2 = 2x(x - 2)^2: (x - 2)^2 was multiplied out as
    x^2 - 2x - 2x + 4, and 2(x - 2)(3x - 2) was "take out 2", which stood outside already. f_3: two steps in a row were
    "multiply the factors", the second of them multiplying out, collecting and taking out e^x e^{x^2 - x + 3}, and the
    result kept e^x e^{x^2 - x + 3} side by side. f_1: the quotient rule's line had a fraction in its numerator."""
    from problems.derivative import x

    f1, f2, f3 = sympy.log(x**2 + 1) / (x**2 + 3), 2 * x * (x - 2) ** 2, sympy.exp(x**2 - x + 3) / (1 + sympy.exp(-x))
    worked = differentiate(f2, x)
    product = worked.pieces[1].derivative.steps
    # the common factor (x - 2) kept, where multiplying out needed "factorise 3x^2 - 8x + 4" to find it again (a TA read,
    # EN 9614)
    assert [(step.why, tex(step.expr)) for step in product[1:]] == [
        (r"factor out $(x - 2)$ and collect like terms", r"(x - 2) (3 x - 2)"),
    ]
    assert [step.why for step in worked.derivative.steps] == ["constant factor"]
    steps = differentiate(f3, x).derivative.steps
    assert [step.why for step in steps] == [
        "quotient rule",
        "two minus signs cancel",  # never inside another rewrite (a TA read)
        "multiply numerator and denominator by $e^{2 x}$; $e^{x} (1 + e^{- x}) = e^{x} + 1$",
        r"factor out $e^{x} e^{x^{2} - x + 3}$ and expand",
        "$-1$ and $1$ cancel",  # 2x - 1 + 1
        "combine the powers of $e$",
    ]
    assert tex(steps[-1].expr) == r"\frac{e^{x^{2} + 3} (2 x + e^{x} (2 x - 1))}{(e^{x} + 1)^{2}}"
    steps = differentiate(f1, x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps] == [
        (
            "quotient rule; multiply numerator and denominator by $x^{2} + 1$",
            r"\frac{2 x (x^{2} + 3) - 2 x (x^{2} + 1) \log(x^{2} + 1)}{(x^{2} + 1) (x^{2} + 3)^{2}}",
        ),
        ("factor out $2 x$", r"\frac{2 x (x^{2} + 3 - (x^{2} + 1) \log(x^{2} + 1))}{(x^{2} + 1) (x^{2} + 3)^{2}}"),
    ]


def test_a_quotient_rule_with_a_fraction_in_its_numerator_is_written_over_one_bar():
    """A TA read (derivatives-and-entropy, seed 7411, f_1): -2(3x^2 + 1)/(e^{2x} + 1) stood in the numerator of the rule's
    fraction, in script size; the next step, "common denominator and take out the minus sign", also took out 2. The
    denominator is one power of each base: (x^2 + 1)^3, never (x^2 + 1)(x^2 + 1)^2."""
    from problems.derivative import x

    steps = differentiate(sympy.log(1 + sympy.exp(-2 * x)) / (3 * x**2 + 1), x).derivative.steps
    assert [(step.why, tex(step.expr).count(r"\frac")) for step in steps] == [
        ("quotient rule; multiply numerator and denominator by $e^{2 x} + 1$", 1),
        ("factor out $-2$", 1),
    ]
    rule = differentiate(sympy.log(4 - x) ** 2 / (4 - x) ** 2, x).derivative.steps[0]  # v = (4 - x)^2, so v^2 = (4 - x)^4
    assert tex(rule.expr).endswith(r"}{(4 - x)^{4}}")


def test_what_v_cancels_in_u_prime_v_is_not_multiplied_through():
    """A TA read: log(x^2 + 1)/(x^2 + 1) was written over one bar as (2x (x^2 + 1) - 2x (x^2 + 1) log(x^2 + 1))/(x^2 + 1)^3
    and cancelled on the next line; u'v = (2x/(x^2 + 1))(x^2 + 1) is 2x straight away."""
    from problems.derivative import x

    steps = differentiate(sympy.log(x**2 + 1) / (x**2 + 1), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps] == [
        (r"quotient rule and cancel $(x^{2} + 1)$", r"\frac{2 x - 2 x \log(x^{2} + 1)}{(x^{2} + 1)^{2}}"),
        ("factor out $2 x$", r"\frac{2 x (1 - \log(x^{2} + 1))}{(x^{2} + 1)^{2}}"),
    ]
    assert [step.why for step in differentiate(sympy.log(x) / x, x).derivative.steps] == ["quotient rule and cancel $x$"]


def test_a_sign_turned_for_a_cancellation_is_a_step_of_its_own():
    """A TA read (derivatives-and-entropy, seed 8123, f_1): "cancel (4 - x), expand and collect like terms" named three
    rewrites and hid that x - 4 (from v' = 2(x - 4)) is -(4 - x). v' now stays -2(4 - x), as the chain rule gives it,
    and the two minus signs cancel in a line of their own, where the 2 is multiplied to the front."""
    from problems.derivative import x

    worked = differentiate(x**2 / (4 - x) ** 2, x)
    assert [tex(step.expr) for step in worked.pieces[-1].derivative.steps] == ["- 2 (4 - x)"]
    steps = worked.derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps[1:]] == [
        ("multiply the factors; two minus signs cancel", r"\frac{2 x (4 - x)^{2} + 2 x^{2} (4 - x)}{(4 - x)^{4}}"),
        # out of the sum before it cancels (German "aus Summen kuerzen", a TA read, German 9591)
        ("factor $(4 - x)$ out of the numerator and cancel it", r"\frac{2 x (4 - x) + 2 x^{2}}{(4 - x)^{3}}"),
        ("expand; $- 2 x^{2}$ and $2 x^{2}$ cancel", r"\frac{8 x}{(4 - x)^{3}}"),
    ]


def test_x_times_one_table_entry_names_no_part():
    """A TA read (idl-math-background, seed 7411, 1.3(d)): "For d/dx (x e^x) let u = e^x:", with u' = e^x, named a part
    for nothing; the product rule reads both factors off the table. Two table entries (x^2 cos x) are still named."""
    from generator.kit.differentiation import worked_partial

    x, y = sympy.symbols("x y")
    for f in (x * sympy.exp(x), sympy.sin(x) / x, x * sympy.cos(x)):
        assert differentiate(f, x).pieces == (), f
    assert worked_partial(x * sympy.exp(x), x).pieces == ()
    assert [step.why for step in worked_partial(x * sympy.exp(x), x).derivative.steps] == ["product rule", "factor out $e^{x}$"]
    assert len(differentiate(x**2 * sympy.cos(x), x).pieces) == 2


def test_minus_signs_that_cancel_in_a_sum_keep_the_sum_whole_and_say_so():
    """-(x^2 + 2) . (-sin x) became -(-x^2 - 2) sin x in a step named "multiply the factors", then (x^2 + 2) sin x by
    "distribute the minus sign": SymPy multiplied the -1 into the sum first."""
    x = sympy.Symbol("x")
    steps = differentiate((x**2 + 2) / (sympy.cos(x) + 2), x).derivative.steps
    assert [(step.why, tex(step.expr)) for step in steps] == [
        ("quotient rule", r"\frac{2 x (\cos(x) + 2) - (x^{2} + 2) \cdot (- \sin(x))}{(\cos(x) + 2)^{2}}"),
        ("two minus signs cancel", r"\frac{2 x (\cos(x) + 2) + (x^{2} + 2) \sin(x)}{(\cos(x) + 2)^{2}}"),
    ]


def test_a_factor_in_front_that_changes_is_multiplied_in_and_a_fresh_factorisation_is_no_common_factor():
    """A TA read (idl-math-background, seed 7421, 1.3(a)): e^{4x}(2x(1 + e^{-2x}) + ...) to 2e^{2x}(x(e^{2x} + 1) + ...)
    was "factor out 2" (e^{4x} went into the terms, 2e^{2x} came out), and (x^3 + x + 2)^2 + 2(x + 1)(3x^2 + 1)(x^3 + x + 2)
    to (x + 1)^2 (x^2 - x + 2)(7x^2 - x + 4) was "factor out (x + 1)^2", which no term of the line shows."""
    from problems.derivative import x

    steps = differentiate(sympy.log(x**2 + 1) / (1 + sympy.exp(-2 * x)), x).derivative.steps
    # x (1 + e^{-2x}) e^{4x} is x (e^{2x} + 1) e^{2x}: never multiplied out to x e^{2x} + x to take x out again (seed 6612)
    assert [step.why for step in steps][3:] == [r"factor out $2 e^{2 x}$"]  # e^{4x} multiplied in on the line before
    steps = differentiate((x + 1) * (x**3 + x + 2) ** 2, x).derivative.steps
    assert [step.why for step in steps] == ["product rule", "factorise"]


def test_terms_that_cancel_and_a_bracket_opened_are_named_for_what_they_do():
    """TA reads: 4 - x + x to 4 was "collect like terms" (idl-math-background, seed 8123, 1.3(a)); -(cos x + 2) + A to
    A - cos x - 2 was "Minuszeichen in die Klammer ziehen", with no bracket left (German, seed 9312)."""
    from problems.derivative import x

    piece = differentiate(x / (4 - x), x).derivative.steps
    assert [step.why for step in piece] == ["quotient rule", "two minus signs cancel", "$- x$ and $x$ cancel"]
    steps = differentiate(sympy.log(3 - x) / (sympy.cos(x) + 2), x).derivative.steps
    assert steps[-1].why == "open the bracket after the minus sign"
    assert [step.why for step in differentiate(-x * sympy.exp(x) * sympy.cos(x), x).derivative.steps][-1] == "distribute the minus sign"


def test_an_expansion_that_keeps_a_product_of_the_same_bracket_whole_names_the_one_it_opens():
    """A TA read (derivatives-and-entropy EN 8903, f_3 = e^x (x - 1) cos x): e^x (cos x + x cos x - cos x - (x - 1) sin x)
    stood under "factor out e^x and expand", which opened (x - 1) cos x but kept (x - 1) sin x whole, as the result does."""
    from problems.derivative import x

    steps = differentiate(sympy.exp(x) * (x - 1) * sympy.cos(x), x).derivative.steps
    assert [step.why for step in steps] == [
        "product rule",
        r"factor out $e^{x}$ and expand $(x - 1) \cos(x)$",
        r"$\cos(x)$ and $- \cos(x)$ cancel",
    ]
    steps = differentiate(sympy.exp(x) * (x**2 + 1), x).derivative.steps  # nothing kept whole: plain "expand"
    assert all("expand $" not in step.why for step in steps)


def test_a_part_that_is_the_quotient_of_two_named_parts_is_defined_by_their_names():
    """A TA read (idl-math-background EN 8901, f_2 = -sin(x - 2)/(2x^2 + 1)): "u = sin(x - 2), v = 2x^2 + 1 and
    w = sin(x - 2)/(2x^2 + 1)" repeated u and v in a small inline fraction; w = u/v says what w is."""
    from generator.kit.printing import inline
    from problems.derivative import x

    pieces = differentiate(-sympy.sin(x - 2) / (2 * x**2 + 1), x).pieces
    assert [(str(piece.name), inline(piece.written(pieces))) for piece in pieces] == [
        ("u", r"\sin(x - 2)"),
        ("v", r"2 x^{2} + 1"),
        ("w", "u/v"),
    ]


def test_three_minus_signs_multiplied_keep_one_and_the_reason_says_so():
    """A TA read (idl-math-background EN 8905, 1.3(d)): -1 . (-sin(x - 2y)) . (-2) = -2 sin(x - 2y) under "multiply the
    factors; two minus signs cancel" read as a wrong sign: two of the three cancel, one stays."""
    from generator.kit.differentiation import worked_partial

    x, y = sympy.symbols("x y")
    steps = worked_partial(-sympy.cos(x - 2 * y), y).derivative.steps
    assert [step.why for step in steps] == ["constant factor, chain rule", "multiply the factors; two of the three minus signs cancel"]
    steps = worked_partial(sympy.cos(x - 2 * y), y).derivative.steps  # two signs: they cancel, as before
    assert steps[-1].why == "multiply the factors; two minus signs cancel"


def test_a_sum_added_whole_is_written_in_brackets_with_its_positive_term_first():
    """A TA read (idl-math-background German 8906, f_3 = e^x (2 - x)/(1 + e^{-x})): - e^x (2 - x) . (-e^{-x}) became
    "- (x - 2)" under "combine the powers of e; two minus signs cancel", a minus sign left where the reason said none
    was: the sum is added, + (2 - x)."""
    from problems.derivative import x

    steps = differentiate(sympy.exp(x) * (2 - x) / (1 + sympy.exp(-x)), x).derivative.steps
    assert r"+ (2 - x)}" in tex(steps[1].expr) and "(x - 2)" not in tex(steps[1].expr)


def test_an_expansion_where_only_a_pair_cancels_names_the_pair():
    """(2x e^{x^2 + 3} (x^2 + 1) - 2x e^{x^2 + 3}) / (x^2 + 1)^2 = 2x^3 e^{x^2 + 3} / (x^2 + 1)^2 under "expand and collect
    like terms": nothing is collected, a pair cancels (a TA read, German 9011 1.3(a))."""
    from generator.i18n import translations

    x = sympy.Symbol("x", real=True)
    f = sympy.exp(x**2 + 3) / (x**2 + 1)
    steps = differentiate(f, x).derivative.steps
    assert steps[-1].why == r"expand; $2 x e^{x^{2} + 3}$ and $- 2 x e^{x^{2} + 3}$ cancel"
    assert steps[-1].why.translated(translations("de").gettext).endswith("und $- 2 x e^{x^{2} + 3}$ heben sich auf")
    assert sympy.simplify(steps[-1].expr - sympy.diff(f, x)) == 0
    assert sympy.expand(sympy.fraction(steps[0].expr)[0] - sympy.fraction(steps[-1].expr)[0]) == 0  # the same numerator


def test_a_sum_every_term_shares_with_the_denominator_is_cancelled_on_a_line_of_its_own():
    """(e^x (1 + e^{-x})^2 + 2 (1 + e^{-x}))/(1 + e^{-x})^4 to e^{3x} (e^x + 3)/(e^x + 1)^3 read "write over one
    denominator, expand, collect like terms and factor out e^{3x}", which hid the cancelled 1 + e^{-x} and the e^{3x}
    (a TA read, EN 9024 f_2): the cancelling, then the rescaling, each on its line."""
    from problems.derivative import x

    f = sympy.exp(x) / (1 + sympy.exp(-x)) ** 2
    steps = differentiate(f, x).derivative.steps
    assert [step.why for step in steps] == [
        "quotient rule",
        "combine the powers of $e$; two minus signs cancel",
        "factor $(1 + e^{- x})$ out of the numerator and cancel it",
        "multiply numerator and denominator by $e^{3 x}$; $e^{x} (1 + e^{- x}) = e^{x} + 1$",
        "factor out $e^{3 x}$ and collect like terms",
    ]
    assert tex(steps[2].expr) == r"\frac{e^{x} (1 + e^{- x}) + 2}{(1 + e^{- x})^{3}}"
    for step in steps:
        assert sympy.simplify(step.expr.doit() - sympy.diff(f, x)) == 0


def test_a_square_the_rule_wrote_is_not_multiplied_out_and_factorised_again():
    """cos(e^x/(x^2 + 1)): the chain rule's e^x (x - 1)^2/(x^2 + 1)^2 went to e^x (x^2 - 2x + 1)/(...) and back to
    e^x (x - 1)^2/(...) under "factorise x^2 - 2x + 1", two steps undoing each other (the session's dump)."""
    from problems.derivative import x

    f = sympy.cos(sympy.exp(x) / (x**2 + 1))
    steps = differentiate(f, x).derivative.steps
    assert [step.why for step in steps] == ["chain rule"]
    assert sympy.simplify(steps[-1].expr.doit() - sympy.diff(f, x)) == 0


def test_a_number_the_rule_wrote_before_a_bracket_stays_there_or_its_multiplying_in_is_named():
    """2 (2x - 1)(x^2 - x + 3) sin x went on to (4x - 2)(x^2 - x + 3) sin x under "multiply the factors" (a TA read, EN
    9061): the tidy form keeps the 2 in front, and where a quotient's tidy numerator multiplies it in, the step says so."""
    from problems.derivative import x

    steps = differentiate((x**2 - x + 3) ** 2 * sympy.sin(x), x).derivative.steps
    assert [step.why for step in steps] == ["product rule"]
    assert tex(steps[0].expr) == r"2 (2 x - 1) (x^{2} - x + 3) \sin(x) + (x^{2} - x + 3)^{2} \cos(x)"
    steps = differentiate(x * (x - 2) / (sympy.cos(x) + 2), x).derivative.steps
    assert steps[-1].why == "expand $2 (x - 1)$"


def test_a_negative_number_in_front_goes_into_a_difference_that_factoring_made():
    """(3x + 1)^2/(2x^2 + 1): "factor out -2 (3x + 1)" carried a minus sign through to -2 (2x - 3)(3x + 1)/(...) for
    nothing (two TA reads, German 9072, 9092); -1 alone stays, as the chain rule wrote it."""
    from problems.derivative import x

    steps = differentiate((3 * x + 1) ** 2 / (2 * x**2 + 1), x).derivative.steps
    assert [step.why for step in steps][1:] == ["factor out $2 (3 x + 1)$ and expand", "$6 x^{2}$ and $- 6 x^{2}$ cancel"]
    assert tex(steps[-1].expr) == r"\frac{2 (3 - 2 x) (3 x + 1)}{(2 x^{2} + 1)^{2}}"
    steps = differentiate(sympy.cos(sympy.exp(x) * sympy.cos(x)), x).derivative.steps
    assert [step.why for step in steps] == ["chain rule"]


def test_a_pair_that_cancels_is_named_with_what_else_the_line_collects():
    """x/((3 - x)(e^x + 1)): "-x and x cancel" alone stood beside a line that also collected e^x (3 - x) - 2x e^x + x^2 e^x
    into e^x (x^2 - 3x + 3) (a TA read, EN 9093); 4 - x + x, where only the pair goes, keeps the short reason."""
    from problems.derivative import x

    last = differentiate(x / ((3 - x) * (sympy.exp(x) + 1)), x).derivative.steps[-1]
    assert last.why == "$- x$ and $x$ cancel; collect the terms in $e^{x}$"  # over e^x, named (a TA read, EN 9144)
    assert differentiate(x / (4 - x), x).derivative.steps[-1].why == "$- x$ and $x$ cancel"


def test_a_fraction_split_into_a_sum_is_named_split():
    """A TA read (idl-math-background German 9574, 1.3(a) f_3): (-3 (x^2 + 1)^2 sin u - 2x cos u)/(x^2 + 1)^2 became
    -2x cos u/(x^2 + 1)^2 - 3 sin u under "multiply the factors and cancel (x^2 + 1)^2", the split unnamed."""
    from generator.i18n import translations
    from problems.derivative import x

    inner = x**3 + 3 * x + 2
    last = differentiate(sympy.cos(inner) / (x**2 + 1), x).derivative.steps[-1]
    assert last.why == r"multiply the factors, split the fraction and cancel $(x^{2} + 1)^{2}$"
    assert last.why.translated(translations("de").gettext) == r"Faktoren multiplizieren, Bruch aufteilen und mit $(x^{2} + 1)^{2}$ kürzen"


def test_a_number_carried_in_front_of_a_named_part_in_a_sum_names_the_constant_factor_rule():
    """German bank sheet 9742: d/dy (xz + 2e^{2y}) = 4e^{2y} under "sum rule" alone, with u = e^{2y} named: the 2 carried in
    front of u' is the constant factor rule. A number before a table entry is read off the table, as before."""
    x, y, z = coordinates(3)
    named = worked_partial(x * z + 2 * sympy.exp(2 * y), y)
    assert [piece.expr for piece in named.pieces] == [sympy.exp(2 * y)]
    assert named.derivative.steps[0].why.startswith("constant factor, sum rule")
    assert not worked_partial(x * z + sympy.exp(2 * y), y).derivative.steps[0].why.startswith("constant factor")
    assert worked_partial(3 * x**2 + 2 * sympy.exp(x), x).derivative.steps[0].why == "sum rule; table of derivatives"
