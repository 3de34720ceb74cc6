"""Page breaks in solutions, read back from the typeset PDF (issue 18: dl-exercise-sheet-1 seed 90421's page 5).

A page may not break between a statement and the start of its solution, nor just below a display whose short
lead-in line ("so", "hence") then stands alone at the top of the next page.
"""

import re

import pytest
from pypdf import PdfReader

from generator.pipeline.build import build_sheets
from generator.pipeline.generate import Draw

LONE_WORD = re.compile(r"[a-z]+")


@pytest.mark.parametrize("seed", [90420, 90422])  # seeds whose page 5 began with "so" before \postdisplaypenalty
def test_no_solution_page_starts_with_a_lone_lead_in_word(tmp_path, seed):
    (target,) = build_sheets(["dl-exercise-sheet-1"], Draw(seed), tmp_path)
    pages = PdfReader(target / "dl-exercise-sheet-1-solution.pdf").pages
    assert len(pages) > 1
    for number, page in enumerate(pages[1:], start=2):
        lines = [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        assert not LONE_WORD.fullmatch(lines[0]), f"page {number} starts with {lines[0]!r}"


@pytest.mark.parametrize("sheet", ["idl-math-background", "math-background-2", "dl-exercise-sheet-1"])
def test_no_solution_page_starts_with_its_solution_and_the_statement_on_the_page_before(tmp_path, sheet):
    """Seed 62 left a statement at a page's foot, "Solution." overleaf (often below a quarter of a page left empty),
    in each of these sheets: 8 times in its four sheets, 47 times in six seeds'."""
    (target,) = build_sheets([sheet], Draw(62), tmp_path)
    pages = PdfReader(target / f"{sheet}-solution.pdf").pages
    for number, page in enumerate(pages[1:], start=2):
        lines = [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        assert not lines[0].startswith("Solution."), f"page {number} starts with its solution: {lines[0]!r}"
