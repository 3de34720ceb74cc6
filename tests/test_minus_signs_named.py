"""A step's reason names every change it makes: a step that turns a bracket's sign (or a minus sign taken out of a
bracket) against the minus sign in front says "two minus signs cancel", a step that multiplies the minus sign in front
into a bracket of minus signs, or into a bracket too wide to name, says "distribute the minus sign", and "factor out"
names its factor.
One rule names the signs, ``rewrites.signs_named``, wherever a step's reason is made.

From a TA read of derivatives-and-entropy, German, seed 6642 (p.1 f_1, p.2 f_3) and idl-math-background, seed 6641
(1.3(a) f_3). Every expectation is computed from SymPy, none is quoted but the wording of a reason.
"""

from itertools import pairwise

import sympy

from generator.i18n import translations
from generator.kit.differentiation import differentiate, rule_and_tidy
from generator.kit.language import as_reason, signs_cancelling
from generator.kit.notation import WrittenSum
from generator.kit.printing import tex
from generator.kit.rewrites import DISTRIBUTE_MINUS, evaluated, factor_terms, product_sums, rewrite_name, signs_named
from generator.kit.steps import Step
from problems.derivative import x

C, S, E = sympy.cos(x), sympy.sin(x), sympy.exp(x)
F1 = E / ((3 - x) * (C + 2))
"""derivatives-and-entropy DE 6642, f_1."""
F3 = S / ((2 - x) * (2 * x**2 + 1))
"""derivatives-and-entropy DE 6642, f_3."""
IDL_F3 = S**3 * C**3
"""idl-math-background EN 6641, 1.3(a) f_3."""
QUOTIENTS = (F1, F3, x / ((3 - x) * (C + 2)), E / ((4 - x) * (C + 3)), S / ((3 - x) * (x**2 + 2)), C / ((1 - x) * (3 * x**2 + 1)))
WIDE = (C / ((3 - x) * (3 * x**3 + 2)), S / ((2 - x) * (5 * x**3 + 2 * x**2 + 1)), C / ((7 - x) * (7 * x**3 + 3 * x + 4)))
"""Quotients whose denominator's derivative is a bracket of several terms, too wide to name, with a minus sign in
front that the next step multiplies into it: ``-(-12x^3 + 27x^2 - 2) \\cos x`` as ``(12x^3 - 27x^2 + 2) \\cos x``."""


def _pairs(f: sympy.Expr):
    """(line before, step) for every step of the worked derivative of ``f``."""
    worked = differentiate(f, x)
    chains = [piece.derivative for piece in worked.pieces] + [worked.derivative]
    return [(before.expr, step) for chain in chains for before, step in pairwise(chain.steps)]


def _all_negative(total: sympy.Expr) -> bool:
    return all(term.as_coeff_Mul()[0] < 0 for term in sympy.Add.make_args(evaluated(total)))


def test_a_bracket_of_minus_signs_multiplied_out_under_a_minus_says_so():
    """f_1: -e^x (-(3 - x) sin x - cos x - 2) becomes + e^x ((3 - x) sin x + cos x + 2) in a step that factors out e^x
    and expands; its reason also says that the minus sign in front goes into the bracket, in English and German ("two
    minus signs cancel" counted two where each of three terms turned its sign, a TA read, German 9192)."""
    r = (3 - x) * (C + 2)
    rule_top = sympy.fraction(differentiate(F1, x).derivative.steps[0].expr, exact=True)[0]
    # the quotient rule's second term is -e^x r', and SymPy's r' has only negative terms
    assert _all_negative(sympy.diff(r, x))
    assert sympy.simplify(evaluated(rule_top) - (sympy.diff(E, x) * r - E * sympy.diff(r, x))) == 0
    # the step after the quotient rule multiplies r' out: its bracket is gone
    rule, step = differentiate(F1, x).derivative.steps[:2]
    negated = evaluated(sympy.diff(r, x))
    assert any(evaluated(total) == negated for total in product_sums(rule.expr))
    assert not any(evaluated(total) in (negated, -negated) for total in product_sums(step.expr))
    changed = [(rule.expr, step)]
    de = translations("de").gettext
    for _, step in changed:
        assert step.why.endswith("; distribute the minus sign")
        assert step.why.translated(de).endswith("; Minuszeichen in die Klammer ziehen")


def test_a_minus_sign_taken_out_of_a_bracket_that_meets_one_in_front_says_so():
    """f_3: -(-6x^2 + 8x - 1) sin x written (6x^2 - 8x + 1) sin x: "write ... as -(...)" and the signs cancel."""
    turned = sympy.expand(sympy.diff((2 - x) * (2 * x**2 + 1), x))
    assert turned.as_coeff_Mul()[0] < 0 or sympy.Add.make_args(turned)[0].could_extract_minus_sign()
    write = f"write ${tex(turned)}$ as $-({tex(-turned)})$"
    reasons = [step.why for _, step in _pairs(F3) if step.why.startswith(write)]
    assert reasons == [f"{write}; two minus signs cancel"]
    assert reasons[0].translated(translations("de").gettext).endswith("; zwei Minuszeichen heben sich auf")


def test_every_step_that_cancels_minus_signs_names_it():
    """Across quotients whose denominator's derivative has a bracket turned: no reason hides the two minus signs."""
    from generator.kit.rewrites import _minus_multiplied_in, _names_signs, _sign_turned

    for f in (*QUOTIENTS, *WIDE):
        for before, step in _pairs(f):
            if _minus_multiplied_in(before, step.expr) or _sign_turned(before, step.expr):
                assert _names_signs(as_reason(step.why)), (f, step)


def test_signs_named_leaves_a_step_without_such_a_bracket():
    """-e^x (cos x + 2) opened is no pair of minus signs: the reason stays as it was."""
    before = sympy.Mul(-1, C + 2, E, evaluate=False) + x
    assert signs_named(before, x - E * C - 2 * E, "expand") == "expand"
    cancelling = sympy.Mul(-1, -S - 2, E, evaluate=False) + x
    assert signs_named(cancelling, x + E * S + 2 * E, "expand") == "expand; distribute the minus sign"
    # said once: a reason that says already what becomes of the signs is left as it is
    assert signs_named(cancelling, x + E * S + 2 * E, signs_cancelling("expand")) == signs_cancelling("expand")
    assert signs_named(cancelling, x + E * S + 2 * E, DISTRIBUTE_MINUS) == DISTRIBUTE_MINUS


def test_a_minus_sign_multiplied_into_a_bracket_too_wide_to_name_is_distributed():
    """The step was "take a minus sign out of a bracket; two minus signs cancel", which took the sign the other way: it
    multiplies the minus sign in front into the bracket, "distribute the minus sign", as a step that does only that is
    named elsewhere (German "Minuszeichen in die Klammer ziehen")."""
    de = translations("de").gettext
    for f in WIDE:
        r = sympy.fraction(f)[1]
        turned = evaluated(sympy.expand(sympy.diff(r, x)))
        assert turned.could_extract_minus_sign()
        pairs = [(before, step) for before, step in _pairs(f) if evaluated(-turned) in product_sums(step.expr) and turned in product_sums(before)]
        assert [step.why for _, step in pairs] == ["distribute the minus sign"], f
        assert pairs[0][1].why.translated(de) == "Minuszeichen in die Klammer ziehen"
        assert not any("take a minus sign out of a bracket" in step.why for _, step in _pairs(f))


def test_a_step_that_turns_a_sign_besides_what_it_is_named_for_says_so():
    """derivative, level 2, seed 86, f_2: -2(x - 3) sin x became 2(3 - x) sin x under "multiply out (2 - x)(4 - x)",
    the minus sign in front gone into the bracket unnamed. The one rule for signs names it whatever the step's name: it
    distributes the minus sign ("two minus signs cancel" counted two where one went into the bracket, German 9423)."""
    f = S / ((2 - x) * (4 - x))
    pairs = [(before, step) for before, step in _pairs(f) if "multiply out" in step.why]
    assert len(pairs) == 1
    before, step = pairs[0]
    assert evaluated(x - 3) in product_sums(before) and evaluated(3 - x) in product_sums(step.expr)
    assert step.why == rewrite_name(before, step.expr) == f"multiply out ${tex((2 - x) * (4 - x))}$; distribute the minus sign"
    assert step.why.translated(translations("de").gettext).endswith("; Minuszeichen in die Klammer ziehen")


def test_a_bracket_turned_for_a_cancellation_against_a_minus_in_front_says_so():
    """sin x / ((2 - x)^2 (x + 1)): -(x - 2) ... is written (2 - x) ... before (2 - x) cancels, "write $x - 2$ as
    $-(2 - x)$; two minus signs cancel"; with no minus in front, (x - 2) sin x / (2 - x)^2, no signs cancel."""
    for f, cancel in ((S / ((2 - x) ** 2 * (x + 1)), True), ((x - 2) * S / (2 - x) ** 2, False)):
        reasons = [step.why for _, step in _pairs(f) if step.why.startswith(f"write ${tex(x - 2)}$ as $-({tex(2 - x)})$")]
        assert len(reasons) == 1, f
        assert reasons[0].endswith("; two minus signs cancel") == cancel, f


def test_factor_out_names_the_factor():
    """sin^3 x cos^3 x: its product rule's terms share 3 sin^2 x cos^2 x, which the step names, not "the common
    factor"; German too."""
    rule = sympy.diff(IDL_F3, x)
    common, _ = factor_terms(rule).as_independent(sympy.Add, as_Add=False)
    assert common != 1
    reasons = [step.why for _, step in _pairs(IDL_F3) if "factor" in step.why]
    assert reasons == [f"factor out ${tex(common)}$"]
    assert reasons[0].translated(translations("de").gettext) == f"${tex(common)}$ ausklammern"
    assert rewrite_name(rule, sympy.Mul(*sympy.Mul.make_args(factor_terms(rule)))) != "factor out the common factor"


def test_a_negative_factor_taken_out_of_a_bracket_under_a_minus_says_so():
    """hessian seed 60: -2y (e^{-x^2 y} - 2x^2 y e^{-x^2 y}) became 2y e^{-x^2 y} (2x^2 y - 1) under "factor out
    $-e^{-x^2 y}$", the factor's minus meeting -2y's unnamed. A factor with no sign of its own, taken out of a bracket
    whose sign stays, cancels nothing."""
    y = sympy.Symbol("y")
    g = sympy.exp(-(x**2) * y)
    before = sympy.Mul(-2, y, g - 2 * x**2 * y * g, evaluate=False)
    after = sympy.Mul(2, y, g, 2 * x**2 * y - 1, evaluate=False)
    assert sympy.expand(evaluated(before) - evaluated(after)) == 0
    assert signs_named(before, after, "factor out") == signs_cancelling("factor out")
    kept = sympy.Mul(-2, y, g, 1 - 2 * x**2 * y, evaluate=False)
    assert sympy.expand(evaluated(before) - evaluated(kept)) == 0
    assert signs_named(before, kept, "factor out") == "factor out"


def test_a_bracket_after_a_minus_sign_is_opened_in_a_line_of_its_own_before_collecting():
    """German 8842, derivatives-and-entropy f_1: r' = -(e^x + 1) + e^x (2 - x) became e^x (1 - x) - 1 under "collect like
    terms", the bracket opened unnamed; with a product rule's -e^{-x} (4 - x) - (1 + e^{-x}) the line between was named
    "expand" though it opens only that bracket."""
    for sign in (1, -1):
        e = sympy.exp(sign * x)
        rule = WrittenSum(sympy.Mul(-1, e + 1, evaluate=False), sympy.Mul(e, 2 - x, evaluate=False), evaluate=False)
        tidy = sympy.factor_terms(sympy.expand(evaluated(rule)) + 1) - 1
        steps = rule_and_tidy(Step(rule, "product rule"), tidy)
        collected = f"collect the terms in ${tex(e)}$"  # like terms over e^{x}, named (a TA read, EN 9124)
        assert [str(step.why) for step in steps] == ["product rule", "open the bracket after the minus sign", collected]
        assert sympy.expand(evaluated(steps[1].expr) - evaluated(rule)) == 0 and not any(
            term.is_Mul and term.args[0] == -1 and term.args[1].is_Add for term in steps[1].expr.args
        )


def test_a_minus_sign_taken_into_one_of_several_brackets_or_a_numerator_says_where_it_goes():
    """"distribute the minus sign" (German "Minuszeichen in die Klammer ziehen") where the line shows two brackets could
    mean either (two TA reads): -6 (3x - 2) sin((3x - 2)^2) names the bracket, a sum above a bar is the numerator, and a
    product with one bracket keeps the short name."""
    de = translations("de").gettext
    named = differentiate(sympy.cos((3 * x - 2) ** 2), x).derivative.steps[-1]
    assert named.why == "write $-(3 x - 2)$ as $2 - 3 x$"
    assert named.why.translated(de) == "umschreiben: $-(3 x - 2) = 2 - 3 x$"
    numerator = differentiate(sympy.cos(x / (x**2 + 3)), x).derivative.steps[-1]
    assert numerator.why == "take the minus sign into the numerator"
    assert numerator.why.translated(de) == "Minuszeichen in den Zähler ziehen"
    one = differentiate(sympy.cos(x**2 * sympy.cos(x) ** 2), x).derivative.steps[-1]
    assert one.why == "distribute the minus sign"


def test_minus_signs_that_go_into_the_bracket_a_factor_is_taken_out_into_are_named():
    """-e^{-x} (x - 2) - e^{-x} as e^{-x} (1 - x) under "factor out e^{-x} and collect like terms" hid the minus signs
    that turned x - 2 into 2 - x (a TA read, EN 9623): the reason says the minus sign is distributed."""
    e = sympy.exp(-x)
    before, after = -e * (x - 2) - e, e * (1 - x)
    assert sympy.expand(before - after) == 0
    why = signs_named(before, after, "factor out $e^{- x}$ and collect like terms")
    assert str(why) == "factor out $e^{- x}$ and collect like terms; " + str(DISTRIBUTE_MINUS)
    # a bracket opened with nothing taken out names its signs already, and gets no second name
    assert str(signs_named(-(3 - x) - (2 - x), x - 3 + x - 2, "open the brackets after the minus signs")) == "open the brackets after the minus signs"


def test_a_step_that_cancels_two_minus_signs_of_factors_printed_apart_says_it_multiplies_them():
    """e^{2x} . (-2 (cos x + 2) sin x) under a minus, multiplied into 2 e^{2x} (cos x + 2) sin x: "two minus signs cancel"
    named the signs and not the product (a TA read, German 9623); where only the signs and the dot go, e^x . (-sin x) or
    a factor -1, the signs alone are named (TA reads, German 9633, 9021)."""
    steps = differentiate(sympy.exp(2 * x) / (C + 2) ** 2, x).derivative.steps
    assert r"\cdot" in tex(steps[0].expr) and str(steps[1].why) == "multiply the factors; two minus signs cancel"
    steps = differentiate(C / (3 - x), x).derivative.steps
    assert r"\cdot (-1)" in tex(steps[0].expr) and str(steps[1].why) == "two minus signs cancel"
    steps = differentiate(E / (C + 2), x).derivative.steps
    assert r"\cdot (- \sin(x))" in tex(steps[0].expr) and str(steps[1].why) == "two minus signs cancel"


def test_a_linear_inner_function_with_derivative_minus_one_is_named_in_the_reason():
    """log(4 - x)' = -1/(4 - x) under "chain rule" alone: the inner function is not named and its -1 leaves no factor on
    the page (three TA reads, EN 9644, German 9663, EN 9664); 2x + 1 names its 2 too, which the row shows without saying
    where it comes from (a TA read, German 9721)."""
    worked = differentiate(x**3 * sympy.log(4 - x), x)
    (log_part,) = [piece for piece in worked.pieces if piece.expr == sympy.log(4 - x)]
    assert [str(step.why) for step in log_part.derivative.steps] == ["chain rule; $(4 - x)' = -1$"]
    # in German too: the rule's name went in untranslated once (two TA reads, German 9671, 9673)
    assert log_part.derivative.steps[0].why.translated(translations("de").gettext) == "Kettenregel; $(4 - x)' = -1$"
    worked = differentiate(x**3 * sympy.log(2 * x + 1), x)
    (log_part,) = [piece for piece in worked.pieces if piece.expr == sympy.log(2 * x + 1)]
    assert [str(step.why) for step in log_part.derivative.steps] == ["chain rule; $(2 x + 1)' = 2$"]


def test_a_minus_sign_that_goes_into_a_bracket_while_expanding_is_distributed_not_two_cancelling():
    """German bank sheet 9742: 2x (4 - x) - (-3x^2 + 8x - 2) log(x^2 + 2) over the bar became 8x - 2x^2 + (3x^2 - 8x + 2)
    log(x^2 + 2) under "expand; two minus signs cancel", where one minus sign turned every sign in the bracket."""
    f = sympy.log(x**2 + 2) / ((4 - x) * (x**2 + 2))
    last = differentiate(f, x).derivative.steps[-1]
    assert last.why == f"expand; {DISTRIBUTE_MINUS}"
    assert sympy.simplify(last.expr - sympy.diff(f, x)) == 0
