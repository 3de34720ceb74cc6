import dataclasses
import random

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.tangent_line import FAMILY, Params, X, _line, check

OPTIONS = FAMILY.resolve_options({})


def test_canonical_tangent_agrees_with_sympy_diff():
    variant = canonical_variant(FAMILY, OPTIONS, "tangent-line-guide")
    f, a = variant.params.function, variant.params.point
    slope = sympy.diff(f, X).subs(X, a)  # a second method: SymPy's own derivative
    assert variant.answer.slope == slope == 1
    assert sympy.expand(variant.answer.tangent - (f.subs(X, a) + slope * (X - a))) == 0


@pytest.mark.parametrize("level", [1, 2])
def test_random_tangents_are_sloped_and_touch_the_curve(level):
    options = FAMILY.resolve_options({"level": level})
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        p, answer = variant.params, variant.answer
        assert answer.slope != 0
        assert sympy.simplify(answer.tangent.subs(X, p.point) - p.function.subs(X, p.point)) == 0
        assert sympy.simplify(sympy.diff(answer.tangent, X) - sympy.diff(p.function, X).subs(X, p.point)) == 0


def test_check_refuses_a_wrong_slope():
    variant = canonical_variant(FAMILY, OPTIONS, "tangent-line-guide")
    wrong = dataclasses.replace(variant.answer, slope=sympy.Integer(2))
    with pytest.raises(CheckFailed):
        check(variant.params, wrong, random.Random(0))


def test_statement_gives_f_and_a_but_not_the_answer():
    params = Params(sympy.sin(X**2 + X), sympy.Integer(1))
    variant = dataclasses.replace(variant_for_seed(FAMILY, OPTIONS, 0), params=params, answer=FAMILY.solve(params))
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"\sin(x^{2} + x)" in statement and "at $a = 1$" in statement and "x = 1" not in statement  # a named once
    assert r"\cos(2)" not in statement
    assert r"3 \cos(2)" in solution


def test_multiplied_out_each_coefficient_is_one_fraction_in_powers_of_e():
    """x^2/(e^x + 1) at -1: expanding would print five fractions over e^{-2} + 2/e + 1; a hand writes two."""
    params = Params(X**2 / (sympy.exp(X) + 1), sympy.Integer(-1))
    answer = FAMILY.solve(params)
    last = answer.line.steps[-1]
    assert last.why == "multiply out, each coefficient over one denominator"
    assert len(last.expr.args) == 2 and all(len(sympy.fraction(term)[1].args) <= 2 for term in last.expr.args)
    assert sympy.simplify(last.expr - (answer.value + answer.slope * (X + 1))) == 0
    trig = FAMILY.solve(Params(sympy.sin(X**2 + X), sympy.Integer(1)))  # a sine stays a sum: sin 2 - 3 cos 2
    assert trig.line.steps[-1].why == "multiply out" and trig.tangent == sympy.expand(trig.value + trig.slope * (X - 1))


def test_a_value_with_a_fraction_in_a_fraction_is_written_with_positive_powers_of_e():
    answer = FAMILY.solve(Params(X**2 / (sympy.exp(X) + 1), sympy.Integer(-1)))
    value, slope = answer.at_point
    assert [step.why for step in value.steps] == ["substitute $x = -1$", "write with positive powers of $e$"]
    assert value.result == sympy.E / (1 + sympy.E) and not slope.result.has(sympy.exp(-1))
    assert len(FAMILY.solve(Params(sympy.sin(sympy.exp(X)), sympy.Integer(-1))).at_point[0].steps) == 1  # sin(e^{-1}): no sum


def test_the_sentence_naming_the_parts_is_singular_for_one_part():
    """A TA read (derivatives-and-entropy, German, seed 6602): "Wir benennen die Teilausdrücke ...: $u = \\sin(x + 1)$"
    named one part in the plural; German now says "Wir setzen $u = ...$." for one part or several (the relative clause
    read stiff, three TA reads, German 9484, 9491, 9494; "Wir kuerzen ab:" telegraphic, 9532). English says what the solution does: "Name the part ..." was an
    order to the student in a worked solution (TA read, EN 7321)."""
    sentences = {}
    for seed in range(40):
        variant = variant_for_seed(FAMILY, OPTIONS, seed)
        count = len(variant.answer.worked.pieces)
        for language in ("en", "de"):
            _, solution = render_part(environment(language=language), FAMILY, variant)
            sentence = next((line for line in solution.splitlines() if line.startswith(("We name", "Wir setzen"))), None)
            if sentence is not None:
                sentences.setdefault((language, count == 1), set()).add(sentence.split(":")[0])
    assert sentences[("en", True)] == {"We name the part the rules act on"}
    assert sentences[("de", True)] and all(sentence.startswith("Wir setzen $") for sentence in sentences[("de", True)])
    assert sentences[("en", False)] == {"We name the parts the rules act on"}


def test_a_slope_of_minus_one_distributes_the_minus_sign_and_multiplies_nothing_out():
    """A TA read (German 9692): log 2 - (x + 1) = -x - 1 + log 2 was 'multiply out'."""
    answer = FAMILY.solve(Params(sympy.log(X**2 + 1), sympy.Integer(-1)))
    assert answer.slope == -1 and answer.line.steps[-1].why == "distribute the minus sign"
    assert answer.line.steps[-1].expr == -X - 1 + sympy.log(2)


def test_a_pair_that_cancels_and_a_value_of_zero_are_named():
    """A TA read (EN 9702): L(x) = e + e (x - 1) = e x under "multiply out", which hid e - e = 0; and
    -cos(1) (x + 1) under "put in f(a) and f'(a)" left f(a) = 0 out unsaid."""
    cancelling = FAMILY.solve(Params(sympy.exp(X), sympy.Integer(1)))
    assert cancelling.line.steps[-1].why == "multiply out; $e$ and $- e$ cancel"
    zero = FAMILY.solve(Params(sympy.sin(X + 1), sympy.Integer(-1)))
    assert zero.line.steps[0].why == "put in $f(a) = 0$ and $f'(a)$"


def test_numbers_added_when_multiplying_out_are_named():
    """A TA read (EN 9722): -1/3 + 5/9 (x + 1) = 5x/9 + 2/9 under "multiply out" also added -1/3 + 5/9."""
    answer = FAMILY.solve(Params(X / (X**2 + 2), sympy.Integer(-1)))
    assert answer.line.steps[-1].why == "multiply out and collect like terms"


def test_no_polynomial_is_asked_for_its_tangent_at_zero():
    """A TA read (German 9732): the tangent of x^2 + x at a = 0 is x, read off the terms without a derivative."""
    for level in (1, 2):
        options = FAMILY.resolve_options({"level": level})
        for seed in range(60):
            params = variant_for_seed(FAMILY, options, seed).params
            assert not (params.point == 0 and params.function.is_polynomial(X))


def test_a_slope_of_one_still_adds_the_numbers_the_bracket_leaves():
    """EN bank sheet 9752: L(x) = 1 + (x - 1) was left as the tangent, where 1 and -1 cancel to L(x) = x; a bracket whose
    opening adds nothing (e + (x - 1)) is the tangent as it stands."""
    one = _line(sympy.Integer(1), sympy.Integer(1), sympy.Integer(1), X)
    assert one.result == X and one.steps[-1].why == "open the bracket; $1$ and $-1$ cancel"
    two = _line(sympy.Integer(2), sympy.Integer(1), sympy.Integer(1), X + 1)
    assert two.result == X + 1 and two.steps[-1].why == "open the bracket and add the numbers"
    assert len(_line(sympy.E, sympy.Integer(1), sympy.Integer(1), X - 1 + sympy.E).steps) == 1


def test_a_zero_value_is_not_a_pair_that_cancels():
    """EN bank sheet 9763: f(-1) = 0, f'(-1) = -1 gave L(x) = -(x + 1) = -x - 1 under "distribute the minus sign; 0 and 0
    cancel", where no 0 stood in either row."""
    line = _line(sympy.Integer(0), sympy.Integer(-1), sympy.Integer(-1), -X - 1)
    assert line.result == -X - 1 and "cancel" not in str(line.steps[-1].why)
