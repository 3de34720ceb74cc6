"""The gradient's solution layout: the closing row's lead-in (issue 18, dl-exercise-sheet-1 seed 90422 3b)."""

import dataclasses

import sympy

from generator.kit.functions import coordinates
from generator.kit.options import resolve_options
from generator.pipeline.generate import variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.gradient import FAMILY


def test_the_gradient_row_has_its_lead_in_after_any_line_of_text():
    # "For df/dx let u = e^x:" then df/dy, a partial with no parts, set apart by a gap; the gradient row must not
    # read as part of the df/dx block
    x, y = coordinates(2)
    base = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1)
    params = dataclasses.replace(base.params, functions=(y * sympy.sin(sympy.exp(x)),), variables=(x, y))
    variant = dataclasses.replace(base, params=params, answer=FAMILY.solve(params))
    _, solution = render_part(environment(), FAMILY, variant)
    assert "\\noalign{\\vskip\\medskipamount}\\frac{\\partial f}{\\partial y} &=" in solution
    assert solution.index("\\frac{\\partial f}{\\partial y} &=") < solution.index("Stacking them:")
    assert solution.index("Stacking them:") < solution.index("\\[ \\nabla f(x, y) =")  # in a display of its own


def test_no_lead_in_when_no_line_of_text_stands_above_the_rows():
    x, y = coordinates(2)
    base = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1)
    params = dataclasses.replace(base.params, functions=(x**2 * y + y**3,), variables=(x, y))
    variant = dataclasses.replace(base, params=params, answer=FAMILY.solve(params))
    _, solution = render_part(environment(), FAMILY, variant)
    assert "Stacking them:" not in solution and "intertext" not in solution
