"""A worked partial says what its lines show of minus signs (TA read of idl-math-background EN 6641 1.3(c)):

* a term of a sum that drops out is named as it stands, sign and all: for g_2 = -2x^2 + y, dg_2/dy = 1 stood beside
  "sum rule; $2 x^{2}$ does not depend on $y$", a term g_2 does not have;
* with g = x^2 - y, dg/dy = -1 shown, the chain rule's -sin(x^2 - y) . (-1) became sin(x^2 - y) under "multiply the
  factors", the two minus signs multiplied away unnamed."""

import dataclasses

import pytest
import sympy

from generator.kit.differentiation import worked_partial
from generator.kit.functions import coordinates
from generator.kit.notation import WrittenProduct
from generator.kit.options import resolve_options
from generator.kit.printing import tex
from generator.kit.rewrites import GENERIC_NAMES, signs_named
from generator.kit.vectorcalc import partial
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems import gradient, jacobian

x, y = coordinates(2)


def _reasons(worked):
    return [str(step.why) for chain in (*(piece.derivative for piece in worked.pieces), worked.derivative) for step in chain.steps]


def test_a_term_that_drops_out_is_named_with_its_sign():
    assert _reasons(partial(sympy.exp(y) - 2 * x**2, y)) == [r"sum rule; table of derivatives; $- 2 x^{2}$ does not depend on $y$"]
    assert _reasons(partial(x**2 * y - x, y)) == [r"constant factor, sum rule; $- x$ does not depend on $y$"]
    assert _reasons(partial(sympy.exp(x**2 + y), x))[0] == r"sum rule; table of derivatives; $y$ does not depend on $x$"  # a plus stays
    # the inner function named by the earlier partial in x, taken up by the partial in y (``Partial.taking_up``)
    f = sympy.exp(-2 * x**2 + y)
    by_x = partial(f, x)
    (g,) = partial(f, y).taking_up([by_x]).pieces
    assert [(step.expr, str(step.why)) for step in g.derivative.steps] == [(1, r"sum rule; $- 2 x^{2}$ does not depend on $y$")]
    (g,) = by_x.pieces
    assert [str(step.why) for step in g.derivative.steps] == [r"sum rule; table of derivatives; $y$ does not depend on $x$"]


def test_the_kit_names_a_dropped_term_as_the_sum_has_it():
    """Where the reason is made (``differentiation``), for every caller: a term of either sign, and a term too wide to
    name, signed, is "the other term". Two sums of one function that drop x^2 and -x^2 each name their own."""
    assert _reasons(worked_partial(sympy.exp(y) - 2 * x**2, y)) == [r"sum rule; table of derivatives; $- 2 x^{2}$ does not depend on $y$"]
    assert _reasons(worked_partial(sympy.exp(y) + 2 * x**2, y)) == [r"sum rule; table of derivatives; $2 x^{2}$ does not depend on $y$"]
    wide = 3 * x**2 * sympy.log(x**2 + 1)  # 14 wide, 15 with its minus sign
    assert _reasons(worked_partial(y + wide, y)) == [r"sum rule; $3 x^{2} \log(x^{2} + 1)$ does not depend on $y$"]
    assert _reasons(worked_partial(y - wide, y)) == ["sum rule; the other term does not depend on $y$"]
    both = _reasons(partial((y - x**2) / (y + x**2), y))
    assert both[:2] == [r"sum rule; $- x^{2}$ does not depend on $y$", r"sum rule; $x^{2}$ does not depend on $y$"]


def test_signs_named_says_that_a_product_multiplies_two_minus_signs_away():
    """The one rule for signs (``rewrites.signs_named``) knows the product whose factors carry two minus signs; one
    minus sign, or two left standing, cancel nothing; a reason that names them already is kept."""
    product = WrittenProduct(-sympy.sin(x**2 - y), -1, evaluate=False)
    multiply = GENERIC_NAMES[0]
    # times -1, multiplying is the cancelling: "multiply the factors; two minus signs cancel" said it twice (TA read, German 9021)
    assert signs_named(product, sympy.sin(x**2 - y), multiply) == "two minus signs cancel"
    doubled = WrittenProduct(-sympy.sin(x**2 - y), -2, evaluate=False)
    assert signs_named(doubled, 2 * sympy.sin(x**2 - y), multiply) == "multiply the factors; two minus signs cancel"
    assert signs_named(product, product, multiply) == multiply
    assert signs_named(WrittenProduct(-sympy.sin(x**2 - y), 2, evaluate=False), -2 * sympy.sin(x**2 - y), multiply) == multiply
    named = signs_named(product, sympy.sin(x**2 - y), multiply)
    assert signs_named(product, sympy.sin(x**2 - y), named) == named
    rule, multiplied = worked_partial(sympy.cos(x**2 - y), y).derivative.steps  # the chain rule's step, in the kit
    assert (str(rule.why), str(multiplied.why)) == ("chain rule", "two minus signs cancel")


def test_a_step_that_multiplies_two_minus_signs_away_says_so():
    f = sympy.cos(x**2 - y)
    worked = partial(f, y).taking_up([partial(f, x)])
    (g,) = worked.pieces
    assert [step.expr for step in g.derivative.steps] == [-1]
    rule, multiplied = worked.derivative.steps
    assert str(rule.why) == "chain rule" and tex(rule.expr) == r"- \sin(x^{2} - y) \cdot (-1)"
    assert str(multiplied.why) == "two minus signs cancel"
    assert multiplied.expr == sympy.sin(x**2 - y)
    once = partial(sympy.exp(x**2 - y), y)  # one minus sign, nothing cancels
    assert "minus" not in " ".join(_reasons(once))


def _gradient(f):
    family = gradient.FAMILY
    base = variant_for_seed(family, resolve_options(family.options, {}), 1)
    params = dataclasses.replace(base.params, functions=(f,), variables=(x, y))
    return family, dataclasses.replace(base, params=params, answer=family.solve(params))


def _jacobian(components):
    family = jacobian.FAMILY
    base = canonical_variant(family, resolve_options(family.options, {}), "idl-math-background-1.3c")
    params = jacobian.Params((x, y), components)
    return family, dataclasses.replace(base, params=params, answer=family.solve(params))


SAID = {
    "en": (r"\mbox{sum rule; $- 2 x^{2}$ does not depend on $y$}", r"\mbox{two minus signs cancel}"),
    "de": (
        r"\mbox{Summenregel; $- 2 x^{2}${~}h{\"a}ngt nicht von $y$ ab}",
        r"\mbox{zwei{~}Minuszeichen heben sich auf}",
    ),
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_pages_say_it_in_english_and_german(language):
    dropped, cancelled = SAID[language]
    _, solution = render_part(environment(language=language), *_jacobian((sympy.log(x**2 * y**2 + 1), sympy.exp(-2 * x**2 + y))))
    row = next(line for line in solution.splitlines() if line.startswith(r"\frac{\partial g_2}{\partial y} &= 1 &&"))
    assert row.rstrip(" \\*").endswith(dropped)
    _, solution = render_part(environment(language=language), *_gradient(sympy.cos(x**2 - y)))
    rows = solution.splitlines()
    at = rows.index(next(line for line in rows if line.startswith(r"\frac{\partial f}{\partial y} &=")))
    assert rows[at].startswith(r"\frac{\partial f}{\partial y} &= - \sin(x^{2} - y) \cdot (-1) &&")
    assert rows[at + 1].startswith(r" &= \sin(x^{2} - y) &&") and rows[at + 1].rstrip(" \\*").endswith(cancelled)


def _rows(worked):
    return [(tex(step.expr), str(step.why)) for step in worked.derivative.steps]


def test_a_negative_constant_times_a_falling_part_shows_both_signs_before_they_cancel():
    """d/dy(-1/(2y^2 + 1)) stood as 4y/(2y^2 + 1)^2 under "chain rule": the minus in front and that of
    (1/g)' = -g'/g^2 cancelled in the rule's own line (TA read, idl-math-background EN 7321 1.3(d)). The rule line
    keeps both signs, -(...) for -1 and a dot for another number, and the next line names what they do."""
    assert _rows(worked_partial(-1 / (2 * y**2 + 1), y)) == [
        (r"- \mathopen{}\left(- \frac{4 y}{(2 y^{2} + 1)^{2}}\right)", "constant factor, chain rule"),
        (r"\frac{4 y}{(2 y^{2} + 1)^{2}}", "two minus signs cancel"),
    ]
    assert _rows(worked_partial(-3 * sympy.cos(2 * x), x)) == [
        (r"-3 \cdot (- 2 \sin(2 x))", "constant factor, chain rule"),
        (r"6 \sin(2 x)", "multiply the factors; two minus signs cancel"),
    ]
    # one minus sign is the rule's own: nothing cancels, nothing to name
    assert _rows(worked_partial(3 / (y**2 + 1), y)) == [(r"- \frac{6 y}{(y^{2} + 1)^{2}}", "constant factor, chain rule")]


def test_a_subtracted_negative_term_keeps_its_bracket():
    """The sum rule subtracting a derivative that is negative itself wrote "- \\sin(x^2 + y) - - \\cos(x^2 - y)"."""
    (rule, tidy) = _rows(worked_partial(sympy.sin(y - x**2) + sympy.cos(y + x**2), y))
    assert rule == (r"- \sin(x^{2} + y) - (- \cos(x^{2} - y))", "sum rule")
    assert tidy[1] == "two minus signs cancel"
