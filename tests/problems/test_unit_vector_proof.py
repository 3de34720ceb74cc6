"""unit-vector-proof: a fixed statement and model proof, set with the word gaps of the rest of the page."""

import re
import statistics
import subprocess

import pytest

from generator.pipeline.build import build_sheets
from generator.pipeline.generate import Draw
from generator.pipeline.project import Project

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
