"""Students' names in any script: what prints, what falls back to the id, and what stays as it was.

The class build is real: pdfLaTeX with vntex, greek-fontenc, cm-super and CJKutf8, and each
name is read back from the student's PDF with pdftotext (poppler), as a reader would copy it.
"""

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from generator.pipeline.build import build_class, generate_instance
from generator.pipeline.compile import compile_document
from generator.pipeline.generate import Draw
from generator.pipeline.names import SCRIPTS, name_latex, preamble, unprintable
from generator.pipeline.project import Project
from generator.pipeline.registry import families
from generator.pipeline.render import document_pieces
from generator.pipeline.roster import load_roster
from generator.pipeline.templating import escape_text

DATA = Path(__file__).parent / "data"
ROSTER = DATA / "international-roster.csv"
SHEET = "derivatives-and-entropy"
REFUSED = {"he01": ("row 14", "'ש' (U+05E9, right-to-left)"), "sym01": ("row 15", "'☃' (U+2603)")}
"""The fixture's students whose names cannot print: Hebrew, and a snowman."""


def declared_by_tex(table: str) -> set[str]:
    """The characters a TeX encoding's UTF-8 table (``t5enc.dfu``, ...) declares: what LaTeX can print in it."""
    path = subprocess.run(["kpsewhich", table], capture_output=True, text=True, check=True).stdout.strip()
    return {
        chr(int(code, 16)) for code in re.findall(r"\\DeclareUnicodeCharacter\{([0-9A-F]+)\}", Path(path).read_text())
    }


@pytest.mark.parametrize(
    ("script", "table"), [("vietnamese", "t5enc.dfu"), ("cyrillic", "t2aenc.dfu"), ("greek", "lgrenc.dfu")]
)
def test_a_script_is_given_only_letters_its_tex_encoding_declares(script, table):
    (chosen,) = (s for s in SCRIPTS if s.name == script)
    routed = {chr(point) for point in range(0x80, 0x3000) if chosen.prints(chr(point))}
    assert routed and routed <= declared_by_tex(table)


def test_every_vietnamese_letter_of_t5_prints():
    letters = {char for char in declared_by_tex("t5enc.dfu") if char.isalpha() and not char.isascii()}
    assert {char for char in letters if unprintable(char)} == set()
    assert {char for char in letters if name_latex(char).startswith(r"{\fontencoding{T5}")} >= set("ễỰựơưẬ")


def test_every_latin_letter_a_name_may_hold_compiles(tmp_path):
    """Each letter routed to T1 or built from accents, in one document: a macro LaTeX lacks would stop the class."""
    letters = "".join(
        chr(point) for point in range(0xC0, 0x10000) if chr(point).isalpha() and not unprintable(chr(point))
    )
    latin = [char for char in letters if unicodedata.name(char, "").startswith("LATIN")]
    assert len(latin) > 400 and {"ș", "ǎ", "ǚ", "ḍ", "ő", "ł"} <= set(latin)
    body = "\n".join(rf"\textbf{{{name_latex(char)}}} {name_latex(char)}\par" for char in latin)
    source = "\n".join(
        [r"\documentclass{article}", r"\usepackage[T1]{fontenc}", r"\usepackage{lmodern}", *preamble(latin)]
        + [r"\begin{document}", body, r"\end{document}", ""]
    )
    assert compile_document("latin", source, tmp_path).startswith(b"%PDF")


@pytest.mark.parametrize(
    "name", ["Ada Lovelace", "Gauß, C. F.", "Émilie du Châtelet", "Łukasz Żółć", "O'Brien -- «Jr» & Co_50%"]
)
def test_a_latin_name_is_the_text_filters_output_and_needs_no_package(name):
    assert name_latex(name) == escape_text(name)
    assert preamble([name]) == []


@pytest.mark.parametrize(
    ("name", "latex"),
    [
        ("Müller Nguyễn", r"M{\"u}ller {\fontencoding{T5}\selectfont Nguyễn}"),
        ("Wang 王小明", r"Wang \sheetcjk{gbsn}{王小明}"),
        ("高橋 一郎", r"\sheetcjk{bsmi}{高橋 一郎}"),  # 橋 is not in GB 2312: traditional Chinese has it
        ("山本 さくら", r"\sheetcjk{min}{山本 さくら}"),  # with kana, Japanese
        ("山田\u3000太郎", "\\sheetcjk{gbsn}{山田\u3000太郎}"),  # an ideographic space
        ("Анна O'Neil", r"{\fontencoding{T2A}\selectfont Анна O{\textquotesingle}Neil}"),
        ("Γιώργος Smith", r"{\fontencoding{LGR}\selectfont Γιώργος }Smith"),  # LGR has no Latin letters
        (
            "Nguyễn Ștefan",
            r"{\fontencoding{T5}\selectfont Nguyễn }\sheetactualtext{02180074006500660061006E}{{\textcommabelow{S}}tefan}",
        ),
        ("Lǐ", r"\sheetactualtext{004C01D0}{L{\v{\i}}}"),  # the accent replaces the dot of the i
    ],
)
def test_a_name_is_cut_into_runs_at_words(name, latex):
    assert name_latex(name) == latex


def test_only_the_scripts_used_are_loaded_each_once():
    assert preamble(["Ada", "Nguyễn Văn An", "Trần Thị Bình"]) == [r"\usepackage[T5,T1]{fontenc}"]
    lines = preamble(["王小明", "김민준", "Ada"])
    assert lines[0] == r"\usepackage{CJKutf8}" and len(lines) == len(set(lines)) == 3


def test_the_roster_warns_once_per_name_that_cannot_print_and_keeps_everyone():
    warnings: list[str] = []
    students = load_roster(ROSTER, warn=warnings.append)
    assert len(students) == 14
    assert warnings == [
        f"{ROSTER}: {row}: name contains {char}, which pdfLaTeX cannot print; the sheets of {student_id!r} show the id instead"
        for student_id, (row, char) in REFUSED.items()
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    students = load_roster(ROSTER, warn=lambda _: None)
    return students, build_class(SHEET, Draw(3), students, tmp_path_factory.mktemp("names"), groups=2)


def first_page_text(pdf: Path) -> str:
    """The first page as pdftotext reads it, composed (NFC): an accent TeX sets over a letter comes back
    as the letter and a combining mark, which is the same text."""
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFC", text)


def test_every_printable_name_reads_back_from_both_sheets_exactly(built):
    students, report = built
    for student in students:
        if student.id in REFUSED:
            continue
        for kind in ("exercise", "solution"):
            lines = first_page_text(report.target / student.id / f"{SHEET}-{kind}.pdf").splitlines()
            assert student.name in lines, (student, lines[:8])


def test_a_name_that_cannot_print_gives_way_to_the_id(built):
    students, report = built
    for student in students:
        if student.id not in REFUSED:
            continue
        text = first_page_text(report.target / student.id / f"{SHEET}-exercise.pdf")
        assert student.id in text.splitlines() and f"({student.id})" not in text
        assert not any(word in text for word in student.name.split())


def test_a_class_of_latin_names_gets_the_same_source_as_before(built):
    """The preamble of a Latin roster is the sheet's own: the very bytes of a build without names support."""
    project = Project()
    sheet = project.load_sheet(SHEET)
    latin = load_roster(DATA / "moodle-participants.csv")
    instances = [generate_instance((sheet, Draw(3, student.id), student, project)).instance() for student in latin]

    def source(named):
        return "".join(document_pieces(project.environment(), sheet, instances, families(), "exercise", named))

    plain = source(())
    assert source(latin) == plain
    assert not any(line in plain for line in preamble(["Nguyễn", "Γιώργος", "Анна", "王小明", "김민준"]))
    students, _ = built
    international = source(students)
    added = [line for line in international.splitlines() if line not in plain.splitlines()]
    assert added and added == preamble(student.name for student in students)
