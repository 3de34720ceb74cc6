"""User text can never inject TeX: it prints literally or is refused with a clear message."""

import json

import pytest

from generator.errors import ConfigError
from generator.pipeline.build import build_sheets
from generator.pipeline.generate import Draw
from generator.pipeline.project import Project
from tests.conftest import pdf_text

PRINTED_LITERALLY = [
    r"\input{/etc/passwd}",
    r"\immediate\write18{touch pwned}",
    r"{{ unbalanced {",
    r"} unbalanced }}",
    r"100% sure",
    r"^^5c^^5cend",
    r"\catcode`\{=12 \relax",
    "Ærøskøbing -- «déjà vu» ``quoted''",
]
REFUSED = {
    "CJK": "深度学习",
    "emoji": "Deep learning 🤖",
    "right-to-left": "למידה עמוקה",
    "letter with no T1 glyph": "Məmmədov",
}


def sheet_with_intros(intros):
    exercises = "".join(
        f"[[exercise]]\nintro = {json.dumps(text, ensure_ascii=False)}\n[[exercise.part]]\nfamily = \"recap\"\n" for text in intros
    )
    return f'title = {json.dumps(intros[0], ensure_ascii=False)}\ncourse = {json.dumps(intros[-1], ensure_ascii=False)}\n{exercises}'


def test_hostile_text_prints_literally_and_reads_nothing(tmp_path, write_sheet):
    sheets = write_sheet("hostile", sheet_with_intros(PRINTED_LITERALLY))
    (target,) = build_sheets(["hostile"], Draw(1), tmp_path / "out", Project(sheets))
    for kind in ("exercise", "solution"):
        text = pdf_text(target / f"hostile-{kind}.pdf")
        for value in PRINTED_LITERALLY:
            assert " ".join(value.split()) in text, value
        assert "root:" not in text
    assert not (target / "pwned").exists() and not list(tmp_path.rglob("pwned"))


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_unprintable_scripts_are_refused_with_the_character_named(write_sheet, tmp_path, kind):
    sheets = write_sheet("s", sheet_with_intros(["fine", REFUSED[kind]]))
    with pytest.raises(ConfigError, match=r"s\.toml: 'course' contains '.+' \(U\+[0-9A-F]{4,5}\), which pdfLaTeX cannot print"):
        build_sheets(["s"], Draw(1), tmp_path / "out", Project(sheets))
    assert not (tmp_path / "out").exists()


def test_very_long_text_is_refused(write_sheet, tmp_path):
    sheets = write_sheet("s", sheet_with_intros(["x" * 10_000]))
    with pytest.raises(ConfigError, match=r"'title' is 10000 characters long; at most 300 are allowed"):
        build_sheets(["s"], Draw(1), tmp_path / "out", Project(sheets))
