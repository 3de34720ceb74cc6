import dataclasses
import random
import re

import pytest
import sympy

from generator.kit.functions import coordinates
from generator.kit.options import OptionError, resolve_options
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.hessian import FAMILY, Params, check

x, y = coordinates(2)
E = sympy.exp(x * y)


def example():
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), "example-1").answer


def test_example_matches_the_hand_computed_hessian():
    answer = example()
    expected = sympy.Matrix([[6 * x * y + y**2 * E, 3 * x**2 + E + x * y * E], [3 * x**2 + E + x * y * E, x**2 * E]])
    assert (answer.hessian - expected).applyfunc(sympy.simplify) == sympy.zeros(2, 2)
    assert all(sympy.simplify(a - b) == 0 for a, b in zip(answer.gradient, (3 * x**2 * y + y * E, x**3 + x * E)))


def test_check_rejects_a_mixed_partial_without_the_product_rule_term():
    params = FAMILY.canonical["example-1"]
    right = FAMILY.solve(params)
    mixed = 3 * x**2 + E
    wrong = sympy.ImmutableMatrix([[right.hessian[0, 0], mixed], [mixed, right.hessian[1, 1]]])
    with pytest.raises(AssertionError, match="finite difference"):
        check(params, dataclasses.replace(right, hessian=wrong), random.Random(0))


def test_check_rejects_an_asymmetric_hessian():
    params = FAMILY.canonical["example-1"]
    right = FAMILY.solve(params)
    wrong = right.hessian.as_mutable()
    wrong[1, 0] = 0
    with pytest.raises(AssertionError, match="symmetric"):
        check(params, dataclasses.replace(right, hessian=sympy.ImmutableMatrix(wrong)), random.Random(0))


@pytest.mark.parametrize("given", [{"n": 1}, {"n": 4}, {"level": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("n", [2, 3])
def test_hessians_are_coupled_curved_and_not_constant(n):
    options = resolve_options(FAMILY.options, {"n": n})
    for seed in range(30):
        hessian = variant_for_seed(FAMILY, options, seed).answer.hessian
        assert hessian == hessian.T
        assert any(entry.free_symbols for entry in hessian)
        assert any(hessian[i, i] != 0 for i in range(n))
        assert all(any(hessian[i, j] != 0 for j in range(n) if j != i) for i in range(n))
        assert len(set(hessian)) > 1


def test_example_works_first_then_second_partials_rule_by_rule():
    answer = example()
    d_dx, d_dy = answer.first
    # x^3 y is read off the table beside the named u = e^{xy}, and the reason says so (TA read, German 8934)
    assert [s.why for s in d_dx.derivative.steps][0] == "constant factor, sum rule; table of derivatives"
    # the sum it is differentiated as, not factored into y (3x^2 + e^{xy}) for the product rule to take apart again
    # (a TA read, EN bank sheet 9741)
    assert len(d_dx.derivative.steps) == 1
    assert sympy.expand(d_dx.result - (3 * x**2 * y + y * E)) == 0
    assert [(p.name.name, p.expr) for p in d_dy.pieces] == [("u", E)]
    assert answer.upper_triangle == ((0, 0), (0, 1), (1, 1))
    xx, xy, yy = answer.second
    assert xy.rules == ("sum", "product", "chain")
    assert {p.expr for p in xy.pieces} == {y * E, E}  # the product rule's term named, y itself not
    assert sympy.expand(xy.result - (3 * x**2 + E * (x * y + 1))) == 0


def test_hessian_entries_are_the_results_of_the_worked_second_partials():
    answer = example()
    assert [w.result for w in answer.second] == [answer.hessian[i, j] for i, j in answer.upper_triangle]
    for w, (i, j) in zip(answer.second, answer.upper_triangle):
        assert sympy.simplify(w.result - sympy.diff(answer.gradient[i], (x, y)[j])) == 0


def test_a_zero_second_partial_names_the_first_partial_that_does_not_depend_on_the_variable():
    """Its row shows only the name of the second partial: the reason says which function lacks the variable."""
    answer = FAMILY.solve(dataclasses.replace(FAMILY.canonical["example-1"], function=x * sympy.sin(y)))
    xx = answer.second[0]
    assert [(s.why, s.expr) for s in xx.derivative.steps] == [(r"$\partial f / \partial x$ does not depend on $x$", 0)]


@pytest.mark.parametrize("n", [2, 3])
def test_at_most_a_third_of_the_entries_are_zero_and_the_canonical_function_never_returns(n):
    options = resolve_options(FAMILY.options, {"n": n})
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        assert sum(entry == 0 for entry in variant.answer.hessian) <= n * n // 3
        assert variant.params.function != FAMILY.canonical["example-1"].function


@pytest.mark.parametrize("n", [2, 3])
def test_a_part_the_first_partials_named_is_taken_from_above_not_worked_again(n):
    """A TA read (German 9692): under d^2f/dx^2 "let g = x^2 y" and dg/dx = 2xy stood again, as under df/dx above. A part
    a first partial (or an earlier second partial) named is "as above", and its derivative in the same variable is not
    worked twice; where the rows go through one, a line says so even at the top of the align."""
    options = FAMILY.resolve_options({"n": n})
    taken = 0
    for seed in range(15):
        _, solution = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, seed))
        derived = re.findall(r"^\\frac\{\\partial (\w+)\}\{\\partial (\w+)\} &= ", solution, re.MULTILINE)
        assert len(derived) == len(set(derived)), derived  # no part's derivative in one variable worked twice
        taken += solution.count("as above:}")
    assert taken


def test_the_lead_in_of_the_second_partials_sets_no_stacked_fraction_in_brackets():
    """d/dy (df/dx) stacked in a line of text stood in brackets lower than its fractions (two TA reads, 9741/9742)."""
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1)
    for language in ("en", "de"):
        _, solution = render_part(environment(language=language), FAMILY, variant)
        lead_in = next(line for line in solution.splitlines() if "Schwarz" in line)
        assert r"\frac" not in lead_in and r"\partial f/\partial x" in lead_in


def test_a_first_partial_is_differentiated_again_as_the_sum_it_was_not_factored():
    """EN bank sheet 9741: df/dy = 2xy + 9y^2 was factored to y (2x + 9y), and d^2f/dy^2 then named u = 2x + 9y and took
    the product rule, to multiply out again what the factoring had done."""
    x, y = coordinates(2)
    answer = FAMILY.solve(Params(coordinates(2), x * y**2 + 3 * y**3 + x**3))
    assert answer.gradient[1] - (2 * x * y + 9 * y**2) == 0
    (_, _, yy) = answer.second
    assert "product" not in yy.rules and sympy.expand(yy.result - (2 * x + 18 * y)) == 0
