import pytest
import sympy

from generator.kit import rewrites
from generator.kit.functions import coordinates
from generator.kit.notation import WrittenSum
from generator.kit.tidying import derivative
from generator.kit.widths import printed_width
from tests.test_tidying import _sheet_functions

x, y, z = coordinates(3)


def _expressions() -> list[sympy.Expr]:
    """What presentable factors: the sheets' functions, their partials and the partials' expansions,
    and the cases SymPy's factor_terms treats specially."""
    functions = _sheet_functions()
    partials = [derivative(f, v) for f in functions for v in (x, y)]
    special = [
        sympy.exp(-(x + 2)) + sympy.exp(-(x + 2)) * x,  # held aside from gcd_terms
        -2 * x - 4 * y,  # a common sign
        x / 2 + y / 4,
        sympy.Sum(2 * x * y + 4 * y, (y, 1, 3)),
        sympy.Integral(3 * x + 6, x),
        sympy.Tuple(2 * x + 2, 3 * y - 3),
        sympy.sqrt(2) * x + sympy.sqrt(2),
        sympy.Integer(6),
    ]
    return functions + partials + [rewrites.expand(p) for p in partials] + special


def test_factor_terms_is_exactly_what_sympy_gives_cold_and_warm():
    expressions = _expressions()
    rewrites._factored.clear()
    for _ in range(2):  # the second round answers from the cache
        for expr in expressions:
            assert sympy.srepr(rewrites.factor_terms(expr)) == sympy.srepr(sympy.factor_terms(expr)), expr


def test_factor_terms_answers_a_repeated_sub_expression_from_the_cache():
    rewrites._factored.clear()
    inner = 2 * x**2 + 4 * x
    rewrites.factor_terms(inner)
    assert (type(inner), inner) in rewrites._factored
    outer = sympy.cos(inner) * (3 * y + 3)
    assert rewrites.factor_terms(outer) == sympy.factor_terms(outer)
    assert (type(outer), outer) in rewrites._factored


def test_expand_is_sympys():
    for expr in _expressions()[:200]:
        assert rewrites.expand(expr) == sympy.expand(expr)


def test_xreplace_unevaluated_is_xreplace_under_evaluate_false():
    """The chain rule puts the inner function back into the outer one's derivative as written."""
    t = sympy.Dummy("t")
    outer_derivatives = [2 * t, 3 * t**2, sympy.exp(t), -sympy.sin(t), sympy.cos(t) / t, 6 * t * sympy.exp(t**2), 1 / (2 * sympy.sqrt(t))]
    inners = [x**3 + x + 1, 2 * x + 4, 1 - x, sympy.exp(2 * x) + 1, 3 * x, sympy.sin(x)]
    for outer in outer_derivatives:
        for inner in inners:
            with sympy.evaluate(False):
                expected = outer.xreplace({t: inner})
            assert sympy.srepr(rewrites.xreplace_unevaluated(outer, {t: inner})) == sympy.srepr(expected), (outer, inner)


def test_no_code_switches_sympys_global_evaluate_flag():
    """Switching it (sympy.evaluate(False)) empties every SymPy cache, once per chain rule.
    Build unevaluated nodes with evaluate=False instead."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("generator", "problems")
        for path in sorted((root / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "sympy.evaluate(" in line or "global_parameters" in line
    ]
    assert offenders == []


def test_expand_outside_leaves_function_arguments_as_the_statement_writes_them():
    """e^{x^2 + 1} stays whole (SymPy's expand writes e e^{x^2}), sin(2(x + 1)) is not opened."""
    expr = x * (x + 1) * sympy.exp(x**2 + 1) + (x + 1) * sympy.sin(2 * (x + 1))
    expanded = rewrites.expand_outside(expr)
    assert sympy.exp(x**2 + 1) in expanded.atoms(sympy.exp)
    assert sympy.sin(2 * (x + 1)) in expanded.atoms(sympy.sin)
    assert sympy.expand(expanded - expr) == 0


@pytest.mark.parametrize(
    ("before", "after", "name"),
    [
        (sympy.Add(2 * x * (3 * x**2 + 1), 6 * x * (x**2 + 3), evaluate=False), 4 * x * (3 * x**2 + 5),
         "expand, collect like terms and factor out $4 x$"),
        (sympy.Add((x + 2) ** 2, 2 * (x + 1) * (x + 2), evaluate=False), (x + 2) * (3 * x + 4),
         r"factor out $(x + 2)$ and collect like terms"),  # SymPy writes 2(x + 1) as 2x + 2: nothing to multiply out
        (sympy.exp(x) * sympy.sin(x) + sympy.exp(x) * sympy.cos(x), (sympy.sin(x) + sympy.cos(x)) * sympy.exp(x),
         "factor out $e^{x}$"),
        (sympy.exp(x / 2) / (sympy.exp(x / 2) + 1), 1 / (1 + sympy.exp(-x / 2)),
         "divide numerator and denominator by $e^{x/2}$"),
        (sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2, sympy.exp(x) / (sympy.exp(x) + 1) ** 2,
         "multiply numerator and denominator by $e^{2 x}$"),
        (sympy.log(x + 2) - x / (x + 2), ((x + 2) * sympy.log(x + 2) - x) / (x + 2), "common denominator"),
        (sympy.Mul(x + 1, 1 / (x + 1), evaluate=False) + x, x + 1, r"cancel $(x + 1)$"),
        (sympy.Mul(6, (2 * x - 2) ** 2, evaluate=False), 24 * (x - 1) ** 2,
         r"factor $2$ out of $(2 x - 2)$"),
        # the factor taken out is named with its sign
        (sympy.Add(-2 * x * (3 * x**2 + 1) * sympy.sin(x), -6 * x * sympy.cos(x), evaluate=False),
         sympy.Mul(-2, x, (3 * x**2 + 1) * sympy.sin(x) + 3 * sympy.cos(x), evaluate=False), "factor out $- 2 x$"),
        (sympy.Add(-sympy.sin(x), -x * sympy.cos(x), evaluate=False),
         sympy.Mul(-1, sympy.sin(x) + x * sympy.cos(x), evaluate=False), "take out the minus sign"),
        # -(A + B) opened is the bracket after the minus sign opened, not terms combined (nor a bracket kept: "distribute
        # the minus sign", German "in die Klammer ziehen", a TA read of German 9123)
        (sympy.Mul(-1, (x - 1) * sympy.cos(x - 1) + sympy.sin(x - 1), evaluate=False),
         sympy.Add(sympy.Mul(-1, x - 1, sympy.cos(x - 1), evaluate=False), -sympy.sin(x - 1), evaluate=False),
         "open the bracket after the minus sign"),
        # (1 - 2x) written as -(2x - 1), terms reordered: nothing is multiplied
        (sympy.Add((1 - 2 * x) * (4 - x) * sympy.sin(x), sympy.cos(x), evaluate=False) / (4 - x) ** 2,
         (sympy.cos(x) - (4 - x) * (2 * x - 1) * sympy.sin(x)) / (4 - x) ** 2,
         r"write $1 - 2 x$ as $-(2 x - 1)$"),
    ],
)
def test_a_tidying_step_is_named_by_the_rewrite_it_performs(before, after, name):
    assert rewrites.rewrite_name(before, after) == name


def test_a_factor_too_wide_for_the_reason_column_is_not_printed_in_it():
    """Past MAX_FACTOR_WIDTH (a factor up to it is named, on a line of its own if need be: test_minus_signs_named)."""
    big = x**7 + 3 * x**6 + 5 * x**5 + 7 * x**4 + 11 * x**3 + 13 * x**2 + 17 * x + 19
    assert printed_width(big) > rewrites.MAX_FACTOR_WIDTH
    assert rewrites.rewrite_name(big * sympy.sin(x) + big * sympy.cos(x), big * (sympy.sin(x) + sympy.cos(x))) == (
        "factor out the common factor"
    )


def test_a_factor_taken_out_of_a_long_sum_is_still_named():
    """"factor $y e^{y}$ out of $(...)$" is too long for the column; "factor out $y e^{y}$" fits."""
    y = sympy.Symbol("y")
    long_sum = y * sympy.exp(y) * x**3 + 3 * y * sympy.exp(y) * x**2 + 5 * y * sympy.exp(y) * x + 7 * y * sympy.exp(y)
    before = sympy.Mul(sympy.sin(x), long_sum, evaluate=False)
    after = sympy.Mul(y * sympy.exp(y), sympy.sin(x), x**3 + 3 * x**2 + 5 * x + 7, evaluate=False)
    assert rewrites.rewrite_name(before, after) == "factor out $y e^{y}$"


def test_a_step_that_only_takes_a_factor_out_and_collects_names_no_expansion():
    """2x(x + 1)^2 + 2x^2(x + 1): with 2x(x + 1) out, x + 1 + x is collected, nothing is multiplied out."""
    before = sympy.Add(2 * x * (x + 1) ** 2, 2 * x**2 * (x + 1), evaluate=False)
    assert rewrites.rewrite_name(before, 2 * x * (x + 1) * (2 * x + 1)) == "factor out $2 x (x + 1)$ and collect like terms"
    assert rewrites.rewrite_name(2 * x * sympy.exp(x) + (x**2 + 1) * sympy.exp(x), (x**2 + 2 * x + 1) * sympy.exp(x)) == "factor out $e^{x}$"


def test_reordered_ignores_order_only():
    assert rewrites.reordered(sympy.Mul(1 / (x + 1), sympy.exp(x), evaluate=False), sympy.exp(x) / (x + 1))
    assert not rewrites.reordered(sympy.Mul(2, x, x, evaluate=False), 2 * x**2)


def test_a_step_that_collects_the_terms_of_one_function_says_so():
    e, c, s = sympy.exp(x), sympy.cos(x), sympy.sin(x)
    before = -6 * x * e * c + (3 * x**2 + 1) * (c - s) * e
    after = (-(3 * x**2 + 1) * s + (3 * x**2 - 6 * x + 1) * c) * e
    # (3x^2 + 1)(cos x - sin x) is multiplied out before its terms join -6x cos x
    assert rewrites.rewrite_name(before, after) == "expand, collect like terms and factor out $e^{x}$"


def test_a_reason_quotes_a_sum_as_the_line_prints_it():
    from generator.kit.notation import WrittenSum
    from generator.kit.printing import tex

    ex = sympy.exp(x)
    line = -2 * y * WrittenSum(ex, x * ex, evaluate=False) / (y**2 + 1) ** 2
    why = rewrites.rewrite_name(line, -2 * y * ex * (x + 1) / (y**2 + 1) ** 2)
    assert r"(e^{x} + x e^{x})" in why and r"(e^{x} + x e^{x})" in tex(line)


def test_a_number_taken_out_with_a_sum_stays_in_front_of_it():
    """``2(x^2 + 1)`` as the line shows it, never the ``2x^2 + 2`` SymPy multiplies it into."""
    before = 2 * (x - 4) * (x**2 + 1) ** 2 + 4 * x * (x - 4) ** 2 * (x**2 + 1)
    why = rewrites.rewrite_name(before, rewrites.factor_terms(before))
    assert r"2 (x^{2} + 1)" in why and "2 x^{2} + 2" not in why
    rule = (4 * x * (4 - x) * (x**2 + 1) + (x**2 + 1) ** 2) / (4 - x) ** 2
    tidy = sympy.Mul(-1, x**2 + 1, 3 * x**2 - 16 * x - 1) / (4 - x) ** 2  # as factor_terms writes it
    assert rewrites.rewrite_name(rule, tidy).endswith(r"factor out $-(x^{2} + 1)$")


def test_numbers_cancelling_across_the_bar_are_named():
    s = sympy.sqrt(x**2 + 1)
    assert rewrites.rewrite_name(sympy.Mul(1 / (2 * s), 2 * x, evaluate=False), x / s) == "cancel $2$"
    assert rewrites.rewrite_name(sympy.Mul(sympy.Rational(1, 3), 2 * x, evaluate=False), 2 * x / 3) == "multiply the factors"


def test_a_factorisation_the_line_before_never_showed_is_named():
    """-(x^2 + 3) + 2x(3 - x) = -3(x - 1)^2 said only 'expand and collect like terms' (TA read)."""
    before = sympy.Add(-(x**2 + 3), 2 * x * (3 - x), evaluate=False)
    assert rewrites.rewrite_name(before, -3 * (x - 1) ** 2) == "expand, collect like terms and factorise"


def test_a_number_taken_out_of_collected_terms_is_named():
    """x^2 (9x sin x + 6 sin x + x(3x + 2) cos x + 3x sin x) as x^2 (x(3x + 2) cos x + 6(2x + 1) sin x) said only
    'collect like terms' (TA read, German 8872); a number already in front of the bracket is not taken out again."""
    s, c = sympy.sin(x), sympy.cos(x)
    before = x**2 * WrittenSum(9 * x * s, 6 * s, x * (3 * x + 2) * c, 3 * x * s, evaluate=False)
    after = x**2 * (x * (3 * x + 2) * c + sympy.Mul(6, 2 * x + 1, s, evaluate=False))
    assert rewrites.rewrite_name(before, after) == r"collect the terms in $\sin(x)$ and factor out $6$"
    before = sympy.Mul(2, y**2, WrittenSum(x**2 * y**2, 1, -2 * x**2 * y**2, evaluate=False), evaluate=False)
    assert rewrites.rewrite_name(before, 2 * y**2 * (1 - x**2 * y**2)) == "collect like terms"


def test_opening_a_subtracted_bracket_among_other_terms_is_named():
    """-(4 - x) sin x - (cos x + 2) = -(4 - x) sin x - cos x - 2 was 'combine the terms', then 'distribute the minus sign', which
    German gave as taking it into the bracket: none is left (TA reads)."""
    before = sympy.Add(-(4 - x) * sympy.sin(x), sympy.Mul(-1, sympy.cos(x) + 2, evaluate=False), evaluate=False)
    assert rewrites.rewrite_name(before, -(4 - x) * sympy.sin(x) - sympy.cos(x) - 2) == "open the bracket after the minus sign"



def test_a_sum_factorised_beside_a_factor_that_stood_in_front_is_named_factorised():
    """A TA read (German, idl-math-background 1.3(a), seed 7412, f_2 = 2x(x - 2)^2): 2(3x^2 - 8x + 4) = 2(x - 2)(3x - 2)
    was "2 ausklammern", though the 2 stood outside already: SymPy multiplies 2(3x^2 - 8x + 4) out when it compares."""
    before = sympy.Mul(2, 3 * x**2 - 8 * x + 4, evaluate=False)
    assert rewrites.rewrite_name(before, sympy.Mul(2, x - 2, 3 * x - 2, evaluate=False)) == r"factorise $3 x^{2} - 8 x + 4$"
    assert rewrites.rewrite_name(6 * x**2 - 16 * x + 8, sympy.Mul(2, 3 * x**2 - 8 * x + 4, evaluate=False)) == "factor out $2$"


def test_what_a_common_denominator_takes_out_of_every_term_is_named_too():
    """TA reads: "common denominator" (idl-math-background, German, seed 7412, f_1) and "common denominator and take out
    the minus sign" (derivatives-and-entropy, seed 7411, f_1) for steps that also took out 2x and -2."""
    log = sympy.log(x**2 + 1)
    before = sympy.Mul(sympy.Add(2 * x * (x**2 + 3) / (x**2 + 1), -2 * x * log, evaluate=False), 1 / (x**2 + 3) ** 2, evaluate=False)
    after = 2 * x * (x**2 + 3 - (x**2 + 1) * log) / ((x**2 + 1) * (x**2 + 3) ** 2)
    assert rewrites.rewrite_name(before, after) == "common denominator and factor out $2 x$"
    log = sympy.log(1 + sympy.exp(-2 * x))
    top = sympy.Add(-2 * (3 * x**2 + 1) / (sympy.exp(2 * x) + 1), -6 * x * log, evaluate=False)
    below = ((3 * x**2 + 1) ** -2, (sympy.exp(2 * x) + 1) ** -1)
    after = sympy.Mul(-2, 3 * x**2 + 1 + 3 * x * (sympy.exp(2 * x) + 1) * log, *below, evaluate=False)  # as tidying writes it
    assert rewrites.rewrite_name(sympy.Mul(top, 1 / (3 * x**2 + 1) ** 2, evaluate=False), after) == (
        "common denominator and factor out $-2$"
    )


def test_a_squared_sum_multiplied_out_in_one_term_is_named():
    """3 (x - 1)^2 sin x to 3 (x^2 - 2x + 1) sin x beside a term left alone was "multiply the factors", the reason of the
    step before it too (derivative, level 2, check seed 21)."""
    before = sympy.Add((3 - x) * sympy.cos(x), 3 * (x - 1) ** 2 * sympy.sin(x), evaluate=False)
    after = (3 - x) * sympy.cos(x) + 3 * (x**2 - 2 * x + 1) * sympy.sin(x)
    assert rewrites.rewrite_name(before, after) == r"multiply out $(x - 1)^{2}$"


def test_a_sum_whose_terms_cancel_once_multiplied_out_is_expanded_not_factored():
    """2x (2y (x^2 y^2 + 1) - 2 x^2 y^3) over (x^2 y^2 + 1)^2 to 4xy over it was "factor out $2$": the sum is gone, its
    terms cancel once multiplied out (TA read of hessian seed 1, d^2 f / dy dx)."""
    inner = sympy.Add(sympy.Mul(2 * y, x**2 * y**2 + 1, evaluate=False), -2 * x**2 * y**3, evaluate=False)
    before = sympy.Mul(2 * x, inner, sympy.Pow(x**2 * y**2 + 1, -2), evaluate=False)
    after = 4 * x * y / (x**2 * y**2 + 1) ** 2
    assert sympy.simplify(before - after) == 0
    assert rewrites.rewrite_name(before, after) == "expand and collect like terms"


def test_a_denominator_turned_by_a_power_of_e_is_named_as_multiplied_then_cancelled():
    """A TA read (derivatives-and-entropy, German 8942, f_3): (1 + e^{-x})^2 (e^x + 1)^2 below the bar became
    (e^x + 1)^3 under "cancel (1 + e^{-x})^2", a factor the numerator does not have: the step multiplies numerator
    and denominator by e^{2x}, which turns 1 + e^{-x} into e^x + 1, and then cancels one e^x + 1."""
    from generator.kit.differentiation import differentiate

    f = sympy.sin(x) / ((1 + sympy.exp(-x)) * (sympy.exp(x) + 1))
    worked = differentiate(f, x).derivative
    assert str(worked.steps[-1].why).startswith(r"multiply numerator and denominator by $e^{2 x}$, cancel $(e^{x} + 1)$")
    assert sympy.simplify(worked.result - sympy.diff(f, x)) == 0


def test_a_number_multiplied_into_a_bracket_as_written_is_an_expansion():
    """3 (3x^2 - 8x + 4) as 9x^2 - 24x + 12 read "combine the terms" (a TA read, German 9414): SymPy evaluates the written
    product to the sum already, so the step is recognised from the product as written."""
    x = sympy.Symbol("x", real=True)
    from generator.kit.differentiation import differentiate

    steps = differentiate(3 * x * (2 - x) ** 2, x).derivative.steps
    assert [(str(step.why), step.expr) for step in steps][-1] == ("expand", 9 * x**2 - 24 * x + 12)
