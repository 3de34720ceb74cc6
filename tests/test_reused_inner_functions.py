"""A partial whose chain rule goes through an inner function another partial names says so and shows that inner
function's derivative in its own variable, as the earlier row did (TA read, idl-math-background EN 6641 1.3(c):
df_2/dy = e^{-2x^2 + y} stood under "For df_2/dx let g_2 = -2x^2 + y:" without dg_2/dy = 1; dl-exercise-sheet-1
6641 3(b) likewise without dg/dy). The kit names no inner function whose derivative is a number, so the row took
the gap of a partial that names no parts."""

import dataclasses

import pytest
import sympy

from generator.check.lint import header_scopes
from generator.kit.differentiation import differentiate
from generator.kit.functions import coordinates
from generator.kit.options import resolve_options
from generator.kit.printing import tex
from generator.kit.vectorcalc import partial, taken_up
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems import gradient, jacobian

x, y = coordinates(2)
LEAD_IN = {
    "en": r"\intertext{For $\frac{\partial %s}{\partial y}$, with $%s$ as above:}",
    "de": r"\intertext{Für $\frac{\partial %s}{\partial y}$ (mit $%s$ wie oben):}",
}


def _jacobian(components):
    family = jacobian.FAMILY
    base = canonical_variant(family, resolve_options(family.options, {}), "idl-math-background-1.3c")
    params = jacobian.Params((x, y), components)
    return family, dataclasses.replace(base, params=params, answer=family.solve(params))


def _gradient(f):
    family = gradient.FAMILY
    base = variant_for_seed(family, resolve_options(family.options, {}), 1)
    params = dataclasses.replace(base.params, functions=(f,), variables=(x, y))
    return family, dataclasses.replace(base, params=params, answer=family.solve(params))


def _lines_above(solution, lhs, count=2):
    """The ``count`` lines above the row of the partial ``lhs`` by y."""
    end = solution.index(rf"\frac{{\partial {lhs}}}{{\partial y}} &=")
    return solution[:end].splitlines()[-count:]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    ("build", "lhs", "inner", "g"),
    [
        (lambda: _jacobian((sympy.log(x**2 * y**2 + 1), sympy.exp(-2 * x**2 + y))), "f_2", -2 * x**2 + y, "g_2"),
        (lambda: _gradient(sympy.cos(3 * x**2 + 2 * x * y)), "f", 3 * x**2 + 2 * x * y, "g"),
    ],
    ids=["jacobian-6641", "gradient-6641"],
)
def test_the_y_row_recalls_the_inner_function_and_shows_its_derivative(build, lhs, inner, g, language):
    family, variant = build()
    _, solution = render_part(environment(language=language), family, variant)
    line, row = _lines_above(solution, lhs)
    assert line == LEAD_IN[language] % (lhs, g)  # a line of its own, not the gap of a partial naming nothing
    # before the chain rule, as the x-row has dg/dx
    assert row.startswith(rf"\frac{{\partial {g}}}{{\partial y}} &= {tex(sympy.diff(inner, y))} &&")
    assert rf"\frac{{\partial {g}}}{{\partial x}} &= {tex(sympy.diff(inner, x))} &&" in solution
    assert not list(header_scopes(solution))


@pytest.mark.parametrize("f", [sympy.exp(y**3 + x * y), sympy.exp(x + y**2)], ids=["9192", "dg/dx = 1"])
def test_an_inner_function_a_later_partial_names_is_named_where_it_is_first_used(f):
    """dl-exercise-sheet-1 EN 9192 3(b) (and 9181): df/dx = y e^{y^3 + xy} stood under "chain rule" alone, its dg/dx = y
    unsaid, and only then "For df/dy let g = y^3 + xy:". The x-row names g and works dg/dx; the y-row recalls it."""
    (inner,) = [node.args[0] for node in f.atoms(sympy.exp)]
    family, variant = _gradient(f)
    _, solution = render_part(environment(), family, variant)
    assert rf"\intertext{{For $\frac{{\partial f}}{{\partial x}}$, let $g = {tex(inner)}$:}}" in solution
    assert rf"\frac{{\partial g}}{{\partial x}} &= {tex(sympy.diff(inner, x))} &&" in solution
    line, row = _lines_above(solution, "f")
    assert line == LEAD_IN["en"] % ("f", "g")
    assert row.startswith(rf"\frac{{\partial g}}{{\partial y}} &= {tex(sympy.diff(inner, y))} &&")
    assert not list(header_scopes(solution))


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_inner_function_is_named_as_it_prints_inside_its_function(language):
    """g_2 = -2x^2 + y stood above e^{y - 2x^2} once the printer opened an argument with its positive term: the line
    naming the chain rule's inner function writes it as the function's argument does (TA read, EN 6641 1.3(c))."""
    family, variant = _jacobian((sympy.log(x**2 * y**2 + 1), sympy.exp(-2 * x**2 + y)))
    _, solution = render_part(environment(language=language), family, variant)
    assert r"e^{y - 2 x^{2}}" in solution and r"$g_2 = y - 2 x^{2}$" in solution
    assert r"- 2 x^{2} + y" not in solution


def test_a_derivative_that_knows_not_its_function_takes_up_nothing():
    """``taken_up`` asks every worked partial of a row for the inner functions it takes up; one that does not know its
    function and variable, as the gradient family's partial through a norm, stays as it is."""
    worked = differentiate(sympy.exp(x**2 + y), x)
    assert taken_up([worked, partial(sympy.exp(x**2 + y), y)])[0] is worked


def test_an_inner_function_taken_up_shows_the_derivative_its_chain_rule_uses():
    """A TA read (dl-exercise-sheet-1, EN 9521): dg/dy = -2x^2 - 2 was tidied to -2(x^2 + 1) under "as above", but the
    chain rule's row used -2x^2 - 2 and factored -2 out again. The taken-up part stops at the table's derivative."""
    f = sympy.exp(-2 * x**2 * y - 2 * y)
    by_x, by_y = taken_up([partial(f, x), partial(f, y)])
    (piece,) = [piece for piece in by_y.pieces if piece.expr == -2 * x**2 * y - 2 * y]
    assert len(piece.derivative.steps) == 1 and piece.derivative.result == sympy.diff(piece.expr, y)
    rule = by_y.derivative.steps[0].expr
    assert tex(piece.derivative.result) in tex(rule)  # the rule's factor is the part's derivative as shown
    assert sum("factor" in step.why for step in by_y.derivative.steps) == 1
