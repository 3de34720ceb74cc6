"""Where set_breaks lets a page break inside an ``align*``, and which aligns it marks as followed by a lead-in.

The pages themselves are read back in tests/test_one_pass_align.py (rows) and tests/test_page_breaks.py (sheets).
"""

import pytest

from generator.pipeline.breaks import CLOSING, LEAD_IN, set_breaks


def _ends(body: str) -> list[str]:
    """The row ends of the one align in ``body`` after set_breaks: "*" where no page may break, "" where it may."""
    laid_out = set_breaks("\\begin{align*}\n" + body + "\n\\end{align*}")
    return ["*" if end.startswith("*") else "" for end in laid_out.split("\\\\")[1:]]


def test_no_break_after_the_first_row_or_before_the_last():
    headed = " \\\\ ".join(f"\\shortintertext{{For {name}:}} {name} &= 1" for name in "abcde")
    assert _ends(headed) == ["*", "", "", "*"]


def test_a_chain_breaks_only_with_three_of_its_rows_on_each_side():
    assert _ends("a &= 1 \\\\ &= 2 \\\\ &= 3 \\\\ &= 4 \\\\ &= 5 \\\\ &= 6") == ["*", "*", "", "*", "*"]
    assert _ends("a &= 1 \\\\ &= 2 \\\\ &= 3 \\\\ &= 4 \\\\ &= 5") == ["*"] * 4


def test_a_block_of_rows_under_a_heading_breaks_only_with_three_of_its_rows_on_each_side():
    pieces = "u' &= 1 \\\\ v' &= 2 \\\\ w' &= 3 \\\\ f' &= 4 \\\\ &= 5"  # the parts, then the rule that uses them
    assert _ends(pieces) == ["*"] * 4
    headed = "a &= 1 \\\\ b &= 2 \\\\ \\shortintertext{For $f$:} c &= 3 \\\\ d &= 4 \\\\ e &= 5 \\\\ f &= 6"
    assert _ends(headed) == ["*", "", "*", "*", "*"]


def test_a_matrix_row_end_is_not_a_row_of_the_align():
    body = "a &= \\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix} \\\\ b &= 2 \\\\ c &= 3 \\\\ d &= 4 \\\\ e &= 5 \\\\ f &= 6"
    laid_out = set_breaks("\\begin{align*}" + body + "\\end{align*}")
    assert "1 \\\\ 2" in laid_out and laid_out.count("\\\\*") == 4


def test_a_row_under_a_line_of_text_continues_its_chain():
    body = "a &= 1 \\\\ b &= 2 \\\\[2pt] &= 3 \\\\\n\\shortintertext{So:}\n&= 4 \\\\ \\noalign{\\vskip 1pt} &= 5 \\\\ &= 6 \\\\ c &= 7"
    assert _ends(body) == ["*"] * 6  # the chain from b, five rows long, never breaks


def test_spacing_after_a_row_end_is_kept():
    laid_out = set_breaks("\\begin{align*} a &= 1 \\\\[1ex] b &= 2 \\\\ c &= 3 \\end{align*}")
    assert "a &= 1 \\\\*[1ex] b" in laid_out


@pytest.mark.parametrize(
    ("after", "marked"),
    [
        ("\nso\n\\begin{align*} b \\end{align*}", True),
        ("}\nand by Bayes' rule\n{\\small x}", True),
        ("\nhence \\[ x \\]", True),
        ("\n\\[ x \\]", False),  # no text between the displays
        ("\nso $x$ is \\[ x \\]", False),  # maths is not plain text
        ("\nso\n\n\\begin{align*} b \\end{align*}", False),  # a new paragraph
        ("\nFür \\[ x \\]", False),  # TeX reads a letter outside ASCII as an active character, not as text
        ("\n" + "w" * LEAD_IN + " \\[ x \\]", True),
        ("\n" + "w" * (LEAD_IN + 1) + " \\[ x \\]", False),
        ("\nso % why\n  \\[ x \\]", True),
        ("\nso\\par \\[ x \\]", False),
    ],
)
def test_an_align_followed_by_a_short_lead_in_to_a_display_is_marked(after, marked):
    laid_out = set_breaks("Then\n\\begin{align*} a &= 1 \\end{align*}" + after)
    assert laid_out.startswith("Then\n\\sheetleadin\\begin{align*}") is marked


def test_a_closing_line_stays_with_the_last_align_and_a_short_closing_text_keeps_its_paragraphs_together():
    """A TA read (math-background-2 6601, 6611): the eigen check's two lines stood at the top of a page, cut from the
    line naming the eigenvector they check; the closing line of a layer's shapes stood alone above another page."""
    align = "\\begin{align*} a &= 1 \\end{align*}"
    line = "\nso the output has shape $8 \\times 6 \\times 6$."
    assert set_breaks(align + line).startswith("\\sheetleadin")
    closing = "\nAny multiple will do: take $v = (1, 2)$.\n\n\nCheck: $v \\cdot w = 0$, so they are orthogonal, as eigenvectors of a symmetric matrix must be."
    laid_out = set_breaks("First\n" + align + closing)
    assert "\\sheetleadin" not in laid_out and "\n\n\n\\nobreak Check:" in laid_out
    long = "\n" + "word " * (CLOSING // 5 + 1) + "\n\nMore."
    assert "\\sheetleadin" not in set_breaks(align + long) and "\\nobreak" not in set_breaks(align + long)
    displayed = "\nThen, for every x of the interval we asked about, \\[ x = 1. \\]\n\nDone."  # after another display
    assert "\\sheetleadin" not in set_breaks(align + displayed) and "\\nobreak" not in set_breaks(align + displayed)
