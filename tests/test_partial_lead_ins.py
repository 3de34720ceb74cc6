"""Lines of text over worked partials (gradient, Jacobian, Hessian, divergence): each names something.

Two TA reads (idl-math-background 1.3(c), seeds 6631 and 6632) found "For df_2/dx:" and "For df_2/dy:" over one row
each, lines that named nothing the row did not, while df_1/dx stood without one. A partial with no parts of its own
now has no line; below a line written for another partial a gap sets it apart, and a page may break above it where
it could break above the line.
"""

import re

import pytest

from generator.check.lint import header_scopes
from generator.kit.options import resolve_options
from generator.pipeline.breaks import set_breaks
from generator.pipeline.generate import variant_for_seed
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment

BARE = re.compile(r"\\intertext\{(?:For|Für) \$[^$]*\$:\}")
"""A line that only repeats the left-hand side below it."""
GAP = r"\noalign{\vskip\medskipamount}"

CASES = [
    ("jacobian", {"n": 3, "m": 3}),
    ("jacobian", {"n": 2, "m": 2}),
    ("divergence", {"n": 3, "count": 2}),
    ("hessian", {"n": 3}),
    ("gradient", {"kind": "composition", "n": 3, "count": 2, "level": 2}),
]


def solutions(name, given, language="en", seeds=range(8)):
    family = families()[name]
    options = resolve_options(family.options, given)
    env = environment(language=language)
    return [render_part(env, family, variant_for_seed(family, options, seed))[1] for seed in seeds]


@pytest.mark.parametrize(("name", "given"), CASES)
def test_no_line_of_text_only_repeats_the_partial_below_it(name, given):
    rendered = solutions(name, given)
    for solution in rendered:
        assert not BARE.findall(solution)
        assert not list(header_scopes(solution))  # no row reads as one the line above it was written for
    assert any(GAP in solution for solution in rendered)  # the seeds reach a partial without parts below a line


def test_nor_in_german():
    rendered = solutions("jacobian", {"n": 3, "m": 3}, language="de")
    assert not any(BARE.findall(solution) for solution in rendered)
    assert any(GAP in solution for solution in rendered)


@pytest.mark.parametrize(("name", "given"), CASES)
def test_a_page_breaks_above_the_gap_where_it_broke_above_the_line(name, given):
    for solution in solutions(name, given):
        unstarred = solution.replace("\\\\*", "\\\\")
        # the line the gap replaces, which breaks.py reads as the start of a block of rows
        lines = re.sub(r"\\noalign\{\\vskip\\medskipamount\}(.+?) &=", lambda m: f"\\intertext{{For ${m.group(1)}$:}}\n{m.group(1)} &=", unstarred)
        assert re.findall(r"\\\\\*?", set_breaks(lines)) == re.findall(r"\\\\\*?", solution)
