"""generator.kit.integration and the notation it prints with: by parts, [F]_a^b, values put in as written."""

import random

import pytest
import sympy

from generator.kit import tex, text
from generator.kit.integration import by_parts, definite_value, evaluation
from generator.kit.notation import EvaluationBar, put_in
from generator.kit.steps import verify_chain

x, u = sympy.symbols("x u")


def test_the_evaluation_bar_prints_as_a_bar_and_is_worth_f_b_minus_f_a():
    bar = EvaluationBar(x * sympy.exp(x), x, 0, 1)
    assert tex(bar) == r"\left[x e^{x}\right]_{0}^{1}"
    assert bar.doit() == sympy.E and bar.free_symbols == set()
    assert sympy.sympify(text(bar)) == sympy.E  # answers.json stores its value


@pytest.mark.parametrize(
    ("expr", "value", "printed"),
    [
        ((2 * x - 1) * sympy.exp(x), 0, r"e^{0} (2 \cdot 0 - 1)"),  # 2x at 0 is 2 . 0, not 0
        (-(x + 1) * sympy.exp(-x), 1, r"e^{-1} (-1 - 1)"),  # e^{-1}, not a fraction over e
        (-(x + 1) * sympy.exp(-x), -1, r"e^{1} (1 - 1)"),  # never - (-1)
        (u**3 / 3, 2, r"\frac{2^{3}}{3}"),
        (x * sympy.exp(x), 0, r"0 \cdot e^{0}"),  # never 0e^0
        (-x * sympy.exp(-x), -1, r"1 \cdot e^{1}"),  # - (-1) applied at once
    ],
)
def test_put_in_shows_what_was_put_in(expr, value, printed):
    written = put_in(expr, {x: value, u: value})
    assert tex(written) == printed
    assert abs(sympy.N(written.doit() - expr.subs({x: value, u: value}))) < 1e-12


def test_by_parts_names_its_pieces_and_ends_at_an_antiderivative():
    parts = by_parts(2 * x + 1, sympy.exp(-x), x)
    assert (parts.du, parts.v) == (2, -sympy.exp(-x))
    assert sympy.simplify(sympy.diff(parts.antiderivative, x) - (2 * x + 1) * sympy.exp(-x)) == 0
    verify_chain(parts.worked, random.Random(0))


@pytest.mark.parametrize(
    ("primitive", "low", "high", "rows"),
    [(x * sympy.exp(x), 0, 1, 1), (sympy.log(u), 2, 6, 1), (x * sympy.sin(x) + sympy.cos(x), 0, sympy.pi / 2, 3)],
)
def test_the_evaluation_ends_at_the_value_from_the_bar(primitive, low, high, rows):
    var = primitive.free_symbols.pop()
    chains = evaluation(primitive, var, low, high)
    assert len(chains) == rows and isinstance(chains[-1].steps[0].expr, EvaluationBar)
    assert sympy.expand(chains[-1].result - definite_value(primitive, var, low, high)) == 0
    assert abs(sympy.N(chains[-1].result - (primitive.subs(var, high) - primitive.subs(var, low)))) < 1e-12
    for worked in chains:
        verify_chain(worked, random.Random(0))
    assert definite_value(sympy.log(u), u, 2, 6) == sympy.log(3)  # log 6 - log 2 combined into one logarithm


@pytest.mark.parametrize(
    ("primitive", "low", "high", "put", "last", "why"),
    [
        (sympy.exp(u), -1, 3, r"e^{3} - e^{-1}", r"e^{3} - \frac{1}{e}", "$e^{-1} = 1/e$"),
        (sympy.exp(u), 1, 2, r"e^{2} - e^{1}", r"e^{2} - e", "$e^{1} = e$"),
        (sympy.exp(u) / 3, 1, 2, r"\frac{e^{2}}{3} - \frac{e^{1}}{3}", r"\frac{e^{2}}{3} - \frac{e}{3}", "$e^{1} = e$"),
        (sympy.exp(u), 0, 1, r"e^{1} - e^{0}", "e - 1", "$e^{1} = e$, $e^{0} = 1$"),  # in the order the line has them
        (sympy.exp(u), -1, 0, r"e^{0} - e^{-1}", r"1 - \frac{1}{e}", "$e^{0} = 1$, $e^{-1} = 1/e$"),
    ],
)
def test_a_bound_put_in_is_written_as_put_in_and_its_power_of_e_named_after(primitive, low, high, put, last, why):
    """A bound put into e^u is written as put in, e^{1} as e^{-1} and e^{0} are, and the next step names each value it
    works out: "put in x = 1" beside F(1) = e (3 . 1 - 4) put 1 in as nothing, where F(-1) kept e^{-1} (TA read,
    math-background-2 EN 6641 2.1(a)). (e^3 - e^{-1} = e^3 - 1/e under "evaluate each term, then subtract" said
    what the step did not do, TA read of seed 840512: the step is named by its one value instead.)"""
    chains = evaluation(primitive, u, low, high)
    steps = [(tex(step.expr), step.why) for worked in chains for step in worked.steps]
    assert steps[1:] == [(put, "put in the upper bound, then the lower"), (last, why)]


def test_a_bound_put_into_a_product_writes_e_to_the_one_and_names_its_value():
    (upper, _, _) = evaluation(sympy.exp(x) * (3 * x - 4), x, -1, 1)  # math-background-2 EN 6641 2.1(a)
    assert [(tex(step.expr), step.why) for step in upper.steps] == [
        (r"e^{1} (3 \cdot 1 - 4)", "put in $x = 1$"),
        ("- e", r"$3 \cdot 1 - 4 = -1$, $e^{1} = e$"),  # as F(-1): "$3 \cdot (-1) - 4 = -7$, $e^{-1} = 1/e$"
    ]
    (upper, _, _) = evaluation(sympy.exp(x) * (x - 1), x, 0, 1)  # the canonical F(1) = e^{1} (1 - 1)
    assert [(tex(step.expr), step.why) for step in upper.steps] == [(r"e^{1} (1 - 1)", "put in $x = 1$"), ("0", "$1 - 1 = 0$")]


def test_a_minus_sign_in_front_times_cos_pi_says_that_two_minus_signs_cancel():
    """F(pi) = -(2 pi - 1) cos pi + 2 sin pi = 2 pi - 1 turned the sign under "sin pi = 0, cos pi = -1" (TA read,
    math-background-2 2.1(a)): the reason names the two minus signs too, as it does where the bracket is negative,
    F(0) = -(2 . 0 - 1) cos 0 + 2 sin 0 = 1, or the bound, 3 . (-pi/2) . sin(-pi/2). F(0) = -(3 . 0 + 1) cos 0 = -1
    turns none."""
    primitive = by_parts(2 * x - 1, sympy.sin(x), x).antiderivative
    upper, lower, _ = evaluation(primitive, x, 0, sympy.pi)
    assert [(tex(step.expr), step.why) for step in upper.steps] == [
        (r"- (2 \pi - 1) \cos(\pi) + 2 \sin(\pi)", r"put in $x = \pi$"),
        (r"2 \pi - 1", r"$\sin(\pi) = 0$, $\cos(\pi) = -1$; two minus signs cancel"),
    ]
    assert lower.steps[1].why == r"$2 \cdot 0 - 1 = -1$, $\sin(0) = 0$, $\cos(0) = 1$; two minus signs cancel"
    (_, lower, _) = evaluation(by_parts(3 * x + 1, sympy.sin(x), x).antiderivative, x, 0, sympy.pi)
    assert (tex(lower.steps[1].expr), lower.steps[1].why) == ("-1", r"$3 \cdot 0 + 1 = 1$, $\sin(0) = 0$, $\cos(0) = 1$")
    upper, lower, _ = evaluation(by_parts(3 * x, sympy.cos(x), x).antiderivative, x, -sympy.pi / 2, sympy.pi / 2)
    assert "minus" not in upper.steps[1].why and lower.steps[1].why.endswith("; two minus signs cancel")


def test_one_term_worked_out_says_how():
    """A TA read: e^8 - e^0 = e^8 - 1 was 'work out each term', where one term changes: it is '$e^{0} = 1$'."""
    u = sympy.Symbol("u")
    (worked,) = evaluation(sympy.exp(u), u, 0, 8)
    assert [step.why for step in worked.steps][-1] == "$e^{0} = 1$"
    (worked,) = evaluation(sympy.exp(u), u, 1, 2)
    assert [step.why for step in worked.steps][-1] != "$e^{0} = 1$"


def test_a_negative_value_subtracted_is_written_out_and_named():
    """A TA read [F]_0^1 = 2 - e "the values above" beside F(1) = -e and F(0) = -2: the subtraction was not in sight.
    The difference is written with the values in, the sign of F(0) applied and named, then the arithmetic on its own
    (- e + 2 only reorders 2 - e: the lint's reorder-only, so that step is the value, its reason naming the signs)."""
    (_, _, bar) = evaluation(sympy.exp(x) * (x - 2), x, 0, 1)
    assert [(tex(step.expr), step.why) for step in bar.steps[1:]] == [("2 - e", "the values above; two minus signs cancel")]
    primitive = by_parts(3 * x + 1, sympy.sin(x), x).antiderivative  # F(pi) = 1 + 3 pi, F(0) = -1
    (_, _, bar) = evaluation(primitive, x, 0, sympy.pi)
    assert [(tex(step.expr), step.why) for step in bar.steps[1:]] == [
        (r"1 + 3 \pi + 1", "the values above; two minus signs cancel"),
        (r"2 + 3 \pi", "$1 + 1 = 2$"),  # only 1 + 1 combine, and the sum says so (TA reads, EN 9022, German 9023, 9113)
    ]
    # pi - 0 and 0 + e only drop a 0: the value at once (0 + e then e under "collect like terms", a TA read of 8841)
    (_, _, bar) = evaluation(by_parts(x, sympy.sin(x), x).antiderivative, x, 0, sympy.pi)
    assert [(tex(step.expr), step.why) for step in bar.steps[1:]] == [(r"\pi", "the values above")]
    (_, _, bar) = evaluation(sympy.exp(x) * (x - 2), x, 1, 2)  # F(2) = 0, F(1) = -e
    assert [(tex(step.expr), step.why) for step in bar.steps[1:]] == [("e", "the values above; two minus signs cancel")]
    (put,) = evaluation(-2 * x * sympy.exp(-x), x, 0, 1)  # - 2 . 1 . e^{-1} + 2 . 0 . e^0: the lower term's sign flips
    # briefly, beside its row: the long form stood above it, a second lead-in under "... = F(1) - F(-1):" (TA read, 7321)
    assert put.steps[1].why == "put in the bounds; two minus signs cancel"
    assert put.steps[2].why == "work out each term"  # nothing is subtracted: F(0) = 0


def test_a_bound_put_into_f_keeps_the_order_f_is_written_in():
    """'x = pi einsetzen' turned F = -(3x + 1) cos x + 3 sin x into 3 sin(pi) - (3 pi + 1) cos(pi): a reorder the
    reason did not name (TA read). Put in term by term, the order stays."""
    primitive = by_parts(3 * x + 1, sympy.sin(x), x).antiderivative
    upper, lower, _ = evaluation(primitive, x, 0, sympy.pi)
    assert tex(primitive) == r"- (3 x + 1) \cos(x) + 3 \sin(x)"
    assert tex(upper.steps[0].expr) == r"- (3 \pi + 1) \cos(\pi) + 3 \sin(\pi)"
    assert tex(lower.steps[0].expr) == r"- (3 \cdot 0 + 1) \cos(0) + 3 \sin(0)"


@pytest.mark.parametrize(("high", "last"), [(1, r"- \frac{5}{e} - e"), (0, r"-2 - e")])
def test_terms_only_worked_out_keep_the_order_they_were_put_in(high, last):
    """F(1) - F(-1) = -e^{-1} (3 . 1 + 2) + e^{1} (3 . (-1) + 2) then "-e - 5/e" under "work out each term": the
    terms swapped places (TA read, math-background-2 EN 7321 2.1(a)). The value is the same, by SymPy."""
    primitive = -sympy.exp(-x) * (3 * x + 2)
    *_, last_chain = evaluation(primitive, x, -1, high)
    assert tex(last_chain.result) == last and last_chain.steps[-1].why == "work out each term"
    assert sympy.simplify(last_chain.result.doit() - definite_value(primitive, x, -1, high)) == 0


def test_a_minus_sign_a_bound_cancels_is_named_and_a_subtracted_zero_keeps_its_sign():
    """A TA read (math-background-2 EN 8901 2.1(a)): F(0) - F(-1) = e^0 (1 + 0) - e^1 (1 + 1) for F = e^{-x} (1 - x),
    under "put in the upper bound, then the lower": 1 + 0 read as a sign slip, and 1 - (-1) turned into 1 + 1 unsaid.
    Two pairs cancel there, in e^{1} and in 1 + 1, which "two minus signs cancel" miscounted (TA read, German 8934)."""
    primitive = sympy.exp(-x) * (1 - x)
    (put,) = evaluation(primitive, x, -1, 0)
    assert (tex(put.steps[1].expr), put.steps[1].why) == (
        r"e^{0} (1 - 0) - e^{1} (1 + 1)",
        "put in the bounds; minus signs cancel in pairs",
    )
    (one,) = evaluation(sympy.exp(x) * (1 - x), x, -1, 0)
    assert one.steps[1].why == "put in the bounds; two minus signs cancel"
    verify_chain(put, random.Random(0))  # each step equals the one before it
    assert sympy.expand(put.result - definite_value(primitive, x, -1, 0)) == 0
    (put,) = evaluation(primitive, x, 0, 1)  # no negative bound: nothing cancels, the long reason stays
    assert put.steps[1].why == "put in the upper bound, then the lower"


def test_a_product_with_a_bracket_worked_out_names_its_multiplication():
    """A TA read (math-background-2 EN 8907): F(1) = -3 e^{-1} (1 + 1) = -6/e beside "1 + 1 = 2, e^{-1} = 1/e" left the
    3 . 2 unsaid; a bracket that works out to 1 multiplies nothing worth a word (2 (2 - 1) e^2 is 2 e^2)."""
    from generator.kit.steps import arithmetic

    put = put_in(-3 * sympy.exp(-x) * (x + 1), {x: 1})
    assert [str(reason) for reason in arithmetic(put)] == ["$1 + 1 = 2$", "$e^{-1} = 1/e$", r"$3 \cdot 2 = 6$"]
    put = put_in(2 * sympy.exp(x) * (x - 1), {x: 2})
    assert r"\cdot" not in " ".join(str(reason) for reason in arithmetic(put))
    # nor one that works out to 0: "2 . 0 = 0" beside 2 e (1 - 1) left out the e (a TA read, German 9652)
    put = put_in(2 * sympy.exp(x) * (x - 1), {x: 1})
    assert [str(reason) for reason in arithmetic(put)] == ["$1 - 1 = 0$"]


def test_by_parts_says_when_subtracting_the_last_integral_cancels_two_minus_signs():
    """2x sin(x) - int 2 sin(x) dx as 2x sin(x) + 2 cos(x) turned the sign under "int 2 sin(x) dx = -2 cos(x)" alone
    (a TA read, EN 9072); where the line adds the integral (v negative), nothing cancels."""
    assert [step.why for step in by_parts(2 * x, sympy.cos(x), x).worked.steps] == [
        r"$\int 2 \sin(x)\,dx = - 2 \cos(x)$; two minus signs cancel"
    ]
    assert [step.why for step in by_parts(3 * x + 1, sympy.sin(x), x).worked.steps] == [r"$\int 3 \cos(x)\,dx = 3 \sin(x)$"]


def test_a_power_over_a_whole_number_names_the_power_not_the_row_again():
    """G(-1) = (-1)^3/6 = -1/6 had the reason "(-1)^3/6 = -1/6", its own row again (a TA read, EN 9082)."""
    upper, lower, _ = evaluation(x**3 / 6, x, -1, 0)
    assert [step.why for step in lower.steps][1:] == ["$(-1)^{3} = -1$"]
    assert [step.why for step in upper.steps][1:] == ["$0^{3} = 0$"]


def test_a_difference_of_fractions_that_reduces_names_the_factor_cancelled():
    """A TA read (German 9434): 5^3/6 - 1^3/6 = 62/3 under "evaluate each term, then subtract" hid 124/6 reduced by 2."""
    t = sympy.Symbol("t")
    (worked,) = evaluation(t**3 / 6, t, 1, 5)
    assert worked.result == sympy.Rational(62, 3)
    assert str(worked.steps[-1].why) == "evaluate each term, subtract, cancel $2$"
    (worked,) = evaluation(t**3 / 6, t, 1, 2)  # 8/6 - 1/6 = 7/6: nothing cancels
    assert str(worked.steps[-1].why) == "evaluate each term, then subtract"


def test_a_quotient_of_logs_that_reduces_names_the_reduction():
    """A TA read (EN 9713): 2 log 6 - 2 log 3 = 2 log 2 under "factor out 2 and combine the logarithms into one" hid
    6/3 = 2."""
    import sympy

    from generator.kit.integration import evaluation

    u = sympy.Symbol("u", positive=True)
    (worked,) = evaluation(2 * sympy.log(u), u, sympy.Integer(3), sympy.Integer(6))
    assert worked.steps[-1].why == "factor out $2$ and combine the logarithms into one; $6/3 = 2$"
    (plain,) = evaluation(2 * sympy.log(u), u, sympy.Integer(3), sympy.Integer(7))
    assert plain.steps[-1].why == "factor out $2$ and combine the logarithms into one"
