"""The one brace matcher (generator/kit/widths.py ``closing_brace``) of the printed widths and the reason layout."""

import pytest

from generator.kit.widths import _width, closing_brace


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
