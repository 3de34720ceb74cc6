"""unit-vector-proof: a fixed statement and model proof, set with the word gaps of the rest of the page."""

import re
import statistics
import subprocess

import pytest

from generator.pipeline.build import build_sheets
from generator.pipeline.generate import Draw, variant_for_seed
from generator.pipeline.project import Project
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.unit_vector_proof import FAMILY

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>')


def _lines(pdf, page: int) -> list[list[tuple[float, float, str]]]:
    """The words of each line of ``page``, as pdftotext reads them back: (left, right, text)."""
    layout = ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
    html = subprocess.run(layout, check=True, capture_output=True, text=True).stdout
    lines = re.findall(r"<line[^>]*>(.*?)</line>", html, re.S)
    return [[(float(a), float(b), word) for a, b, word in _WORD.findall(line)] for line in lines]


def _gaps(words) -> list[float]:
    return [right[0] - left[1] for left, right in zip(words, words[1:])]


@pytest.mark.parametrize(("language", "seed", "opening"), [("en", 6601, "real vector space"), ("de", 6602, "reeller Vektorraum")])
def test_the_first_line_of_the_statement_sets_with_normal_word_gaps(tmp_path, language, seed, opening):
    """A TA read (idl-math-background 1.1(c), seed 6601): the line 'Let V be a real vector space with inner product and
    induced norm' had word gaps twice those of the page (7.1 pt for 3.6), the root of the inline norm leaving TeX no good
    break. The norm is displayed."""
    (target,) = build_sheets(["idl-math-background"], Draw(seed), tmp_path, Project(language=language))
    lines = _lines(target / "idl-math-background-exercise.pdf", 1)
    (line,) = [words for words in lines if opening in " ".join(word for _, _, word in words)]
    page = statistics.median(gap for words in lines for gap in _gaps(words))
    assert statistics.median(_gaps(line)) < 1.25 * page, (_gaps(line), page)


def test_each_equality_of_the_expansion_is_a_row_with_its_reason():
    """A TA read (German 9404): four equalities on one line, none with a reason."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({}), 0)  # one fixed proof for every seed
    for language, reasons in (
        ("en", ("definition of the norm", "bilinearity and symmetry", "put in the given values")),
        ("de", ("Definition der Norm", r"Bilinearit{\"a}t und Symmetrie", "gegebene Werte einsetzen")),  # umlauts as TeX writes them
    ):
        _, solution = render_part(environment(language=language), FAMILY, variant)
        rows = solution.split(r"\begin{align*}", 1)[1].split(r"\end{align*}", 1)[0].strip().split("\\\\")
        assert len(rows) == 4 and all("&&" in row for row in rows)
        assert all(reason in solution for reason in reasons)
