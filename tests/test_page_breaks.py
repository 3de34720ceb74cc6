"""Page breaks in solutions, read back from the typeset PDF (issue 18: dl-exercise-sheet-1 seed 90421's page 5).

A page may break between a statement and its solution, but not just below a display whose short
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
