"""generator/kit/widths.py: the one brace matcher (``closing_brace``) of the printed widths and the reason layout, and
how wide worked lines count with their reasons (``steps_width``)."""

import math

import pytest
import sympy

from generator.kit.differentiation import differentiate
from generator.kit.steps import Step, chain
from generator.kit.widths import (
    BOXED_REASON,
    LINE_WIDTH,
    LONG_REASON,
    REASON_BOX,
    TEXT_CHARACTER,
    _width,
    closing_brace,
    steps_width,
    visible_length,
    worked_width,
)
from generator.pipeline.templating import environment


def test_the_closing_brace_skips_escaped_braces_and_nested_groups():
    latex = r"\frac{\left\{a\right. + {b}}{c}"
    assert closing_brace(latex, 5) == latex.index("}{c}")
    assert closing_brace(r"{\\}", 0) == 3  # a row end, then the brace: not an escaped brace
    assert closing_brace(r"{a \} b}", 0) == 7


def test_an_unbalanced_group_is_an_error():
    with pytest.raises(ValueError, match="unbalanced"):
        closing_brace(r"{a \}", 0)


def test_a_fraction_with_an_escaped_brace_is_as_wide_as_its_wider_half():
    """Counted naively, the ``\\{`` of ``\\left\\{ ... \\right.`` opened a group that never closed: an error."""
    assert _width(r"\frac{\left\{a + b\right.}{2}") == _width(r"\left\{a + b\right.")


def test_a_reason_column_is_as_wide_as_its_widest_reason_not_its_longest():
    """A reason of 30 characters stands on one line (21 counted), wider than its longer neighbour in the box (18):
    counted as the box, the column of a level-3 derivative was three characters short (seed below)."""
    steps = [Step(sympy.Symbol("x"), "sum rule; table of derivatives"), Step(1, "collect like terms and factor out $2$")]
    assert visible_length(steps[0].why) == LONG_REASON < visible_length(steps[1].why) <= BOXED_REASON
    assert steps_width(steps) == 1 + math.ceil(TEXT_CHARACTER * LONG_REASON)
    assert steps_width(steps[1:]) == 1 + REASON_BOX
    assert steps_width(steps, beside=LONG_REASON) == steps_width(steps[:1])


def test_the_quotient_that_ran_into_the_margin_is_refused():
    """derivative, level 3, count 6, check seed 3636944357210246230 drew this f_4 at a count of 66: its rows, set
    beside 'sum rule; table of derivatives' in an \\mbox, ran 11.9 pt into the margin."""
    x = sympy.Symbol("x")
    assert worked_width(differentiate((2 - x) * (x**2 + 2) ** 2 / (4 - x), x)) > LINE_WIDTH


def test_the_steps_macro_sets_reasons_by_the_limits_the_samplers_count_by():
    """The macro's limits are widths.py's, passed in as template globals, not copies of them: up to ``LONG_REASON``
    characters in an \\mbox, longer measured by render_part, longer than ``BOXED_REASON`` (``steps``'s ``beside``)
    never boxed. Other limits given to the templates move the macro's rule with them."""
    assert environment().globals["LONG_REASON"] == LONG_REASON and environment().globals["BOXED_REASON"] == BOXED_REASON
    for long, boxed in [(LONG_REASON, BOXED_REASON), (5, 8)]:
        env = environment().overlay(cache_size=0)  # templates of its own, read with its globals
        env.globals = {**env.globals, "LONG_REASON": long, "BOXED_REASON": boxed}
        macro = env.from_string('<% from "macros/steps.tex.j2" import reason, steps %><< reason(why) >>|<< steps(chain, "") >>')
        for length, marker in [(long, r"\mbox{"), (long + 1, r"\sheetreason{"), (boxed + 1, r"\sheetreasonabove{")]:
            why = "x" * length
            alone, in_steps = macro.render(why=why, chain=chain(0, Step(1, why))).split("|")
            assert in_steps.split("&&")[1].strip().startswith(marker), (long, length, in_steps)
            assert alone.startswith(r"\mbox{" if length <= long else r"\sheetreason{"), (long, length, alone)
