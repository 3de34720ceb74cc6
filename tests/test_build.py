"""End to end with real TeX: sheet file -> variants -> two PDFs read back."""

import json
import os

import pytest

import generator.pipeline.templating
from generator.errors import SheetError
from generator.pipeline.build import build_sheets, sheet_sources
from generator.pipeline.generate import Draw
from generator.pipeline.project import Project
from generator.pipeline.sheet import sheet_names
from tests.conftest import MINIMAL_SHEET, pdf_text

SHEET = "derivatives-and-entropy"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    (target,) = build_sheets([SHEET], Draw(42), out)
    return target


def test_build_writes_both_pdfs_their_sources_and_answers(built):
    assert built.name == "seed-42" and built.parent.name == SHEET
    assert sorted(os.listdir(built)) == sorted(
        [f"{SHEET}-{kind}.{ext}" for kind in ("exercise", "solution") for ext in ("pdf", "tex")] + ["answers.json"]
    )


def test_statements_in_both_pdfs_solutions_only_in_the_solution(built):
    exercise = pdf_text(built / f"{SHEET}-exercise.pdf")
    solution = pdf_text(built / f"{SHEET}-solution.pdf")
    for text in ("Compute the derivatives of the following functions", "in nats, exactly and to four decimal places."):
        assert text in exercise and text in solution
    assert "Sheet code 001A" in exercise and "Seed 42" not in exercise  # show_seed defaults to false
    assert "Seed 42" in solution
    assert "Solution." in solution and "Solution." not in exercise
    assert "≈" in solution and "≈" not in exercise


def test_answers_json_records_each_problem(built):
    answers = json.loads((built / "answers.json").read_text())
    assert answers["seed"] == 42 and answers["sheet"] == SHEET
    families = [(p["label"], p["family"]) for p in answers["problems"]]
    assert families == [("1", "derivative"), ("2", "entropy")]
    assert len(answers["problems"][0]["answers"]["derivatives"]) == 3


def test_canonical_build_prints_the_catalogue_answers(tmp_path):
    (target,) = build_sheets([SHEET], Draw(None), tmp_path)
    solution = pdf_text(target / f"{SHEET}-solution.pdf")
    assert target.name == "canonical"
    assert "1.0986" in solution and "1.0114" in solution


def test_same_seed_same_tex_different_seed_different_tex():
    first, again, other = (sheet_sources(SHEET, Draw(s)) for s in (5, 5, 6))
    assert first == again
    assert first["exercise"] != other["exercise"]


def test_every_repository_sheet_builds_for_a_few_seeds(tmp_path):
    for seed in (1, 2, 3):
        targets = build_sheets(None, Draw(seed), tmp_path)
        assert len(targets) == len(sheet_names())


def test_failed_build_leaves_previous_output_untouched(tmp_path, write_sheet, monkeypatch):
    sheets = write_sheet("tiny", MINIMAL_SHEET)
    (target,) = build_sheets(["tiny"], Draw(1), tmp_path / "out", Project(sheets))
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    # A maths printer that emits broken TeX stands in for a bad user-edited template.
    monkeypatch.setattr(generator.pipeline.templating, "tex", lambda expr: r"\undefinedmacro")
    generator.pipeline.templating.environment.cache_clear()
    try:
        with pytest.raises(SheetError, match=r"tiny-exercise\.tex:\d+: TeX error: Undefined control sequence"):
            build_sheets(["tiny"], Draw(1), tmp_path / "out", Project(sheets))
    finally:
        generator.pipeline.templating.environment.cache_clear()
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["seed-1"]


def test_same_build_twice_gives_byte_identical_files(tmp_path):
    first, second = (build_sheets([SHEET], Draw(11), tmp_path / name)[0] for name in ("one", "two"))
    for path in sorted(first.iterdir()):
        assert (second / path.name).read_bytes() == path.read_bytes(), path.name


ENTROPY_PARTS = """
title = "Layout"
course = "Test Course"

[[exercise]]
title = "Entropies"
""" + """
[[exercise.part]]
family = "entropy"
options = { count = 1, outcomes = 6 }
""" * 9


def test_a_statement_never_splits_from_its_table_and_chart(tmp_path, write_sheet):
    """Nine statements of a third of a page each, with their solutions, cross many page breaks in
    the solution sheet: on every page each question sits with its own table and chart."""
    from pypdf import PdfReader

    sheets = write_sheet("layout", ENTROPY_PARTS)
    (target,) = build_sheets(["layout"], Draw(3), tmp_path / "out", Project(sheets))
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(target / "layout-solution.pdf").pages]
    assert len(pages) >= 4
    for page in pages:
        questions = page.count("Compute H(X)")
        assert page.count("0.25 0.5 0.75") == questions, page  # the chart's axis: one chart per question on the page
        assert page.count("x 1 2 3 4 5 6") == questions, page  # the table's head
    assert sum(page.count("Compute H(X)") for page in pages) == 9
    for page in pages:  # a solution that starts on a page shows some of its working there
        assert "Solution." not in page or "definition of entropy" in page.rsplit("Solution.", 1)[1], page


def test_overriding_sheet_template_alone_builds_every_repository_sheet(tmp_path):
    """--template-dir overlays templates/: a branded sheet.tex.j2 alone keeps every family's template."""
    from generator.pipeline.templating import TEMPLATE_DIR

    overrides = tmp_path / "templates"
    overrides.mkdir()
    original = (TEMPLATE_DIR / "sheet.tex.j2").read_text(encoding="utf-8")
    branded = original.replace(r"\begin{document}", "\\begin{document}\nBranded by the overlay\\par", 1)
    (overrides / "sheet.tex.j2").write_text(branded, encoding="utf-8")
    targets = build_sheets(None, Draw(1), tmp_path / "out", Project(template_dir=overrides))
    assert len(targets) == len(sheet_names())
    for target in targets:
        assert "Branded by the overlay" in pdf_text(target / f"{target.parent.name}-exercise.pdf")


def tiny_png(path):
    """A 2x2 blue PNG, written by hand so the test needs no imaging library."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x00\x46\x8c" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


SETTINGS_SHEET = MINIMAL_SHEET.replace(
    'course = "Test Course"\n',
    'course = "Test Course"\nlecturer = "Dr. A. Lovelace"\nterm = "Winter 2026/27"\n'
    'issued = 2026-10-14\ndue = 2026-10-21\npaper = "letter"\nfont_size = 12\nlogo = "logo.png"\n'
    "preamble = ['\\usepackage{microtype}']\n",
    1,
)


def test_a_sheet_with_every_setting_compiles_and_prints_them(tmp_path, write_sheet):
    from pypdf import PdfReader

    sheets = write_sheet("branded", SETTINGS_SHEET)
    tiny_png(sheets / "logo.png")
    (sheets / "settings.toml").write_text('[defaults]\ninstitution = "Universität Tübingen"\n', encoding="utf-8")
    (target,) = build_sheets(["branded"], Draw(42), tmp_path / "out", Project(sheets))
    exercise = pdf_text(target / "branded-exercise.pdf")
    solution = pdf_text(target / "branded-solution.pdf")
    for text in ("Universität Tübingen", "Dr. A. Lovelace", "Winter 2026/27", "Issued 14 October 2026", "Due 21 October 2026"):
        assert text in exercise and text in solution
    assert "Sheet code 001A" in exercise and "Seed 42" not in exercise and "Seed 42" in solution
    width, height = PdfReader(target / "branded-exercise.pdf").pages[0].mediabox[2:]
    assert (round(float(width)), round(float(height))) == (612, 792)  # US letter, in points
    assert "/Image" in (target / "branded-exercise.pdf").read_bytes().decode("latin-1")


def test_header_and_footer_and_points_marks_read_alike(tmp_path, write_sheet):
    """A TA read 'Sheet code 001A' in the header but 'sheet code 001A' in the footer, and '(4 points)' for an exercise
    but '[2 P]' for its parts: each now has one wording on the page."""
    sheets = write_sheet("tiny", MINIMAL_SHEET + '[[exercise.part]]\nfamily = "derivative"\npoints = 1.5\n')
    (target,) = build_sheets(["tiny"], Draw(42), tmp_path / "out", Project(sheets))
    exercise = pdf_text(target / "tiny-exercise.pdf")
    solution = pdf_text(target / "tiny-solution.pdf")
    assert exercise.count("Sheet code 001A") >= 2 and "sheet code" not in exercise  # header and footers
    assert "Seed 42 (sheet code 001A) · Solutions" in solution and solution.count("Seed 42 (sheet code 001A)") >= 2
    for text in (exercise, solution):
        assert "[3.5 points]" in text and "(a) [2 points]" in text and "(b) [1.5 points]" in text
        assert "P]" not in text and "(3.5 points)" not in text


def _title_lines(pdf) -> list[str]:
    """The first page's lines below the course line, as pdftotext sets them out."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return lines[1:3]


def test_a_solution_title_too_long_for_its_line_puts_solutions_and_the_seed_on_the_next(tmp_path, write_sheet):
    """Alone on the line below the title, the seed read as floating between the title and the text (three TA reads,
    German 8932 and 8934): "Solutions" goes with it, at the left of that line."""
    long = MINIMAL_SHEET.replace('title = "Tiny"', 'title = "Mathematical Background of Deep Learning II"', 1)
    sheets = write_sheet("long", long)
    write_sheet("tiny", MINIMAL_SHEET)
    targets = build_sheets(["long", "tiny"], Draw(42), tmp_path / "out", Project(sheets))
    long_target, tiny_target = sorted(targets, key=lambda target: target.parent.name)
    assert _title_lines(long_target / "long-solution.pdf") == [
        "Mathematical Background of Deep Learning II",
        "Solutions Seed 42 (sheet code 001A)",
    ]
    # an exercise sheet's code, whole, at the right of the line below (the TeXbook's trick)
    assert _title_lines(long_target / "long-exercise.pdf") == ["Mathematical Background of Deep Learning II", "Sheet code 001A"]
    assert _title_lines(tiny_target / "tiny-solution.pdf")[0] == "Tiny — Solutions Seed 42 (sheet code 001A)"


def test_the_sheet_code_alone_rebuilds_the_sheet(tmp_path, write_sheet):
    from typer.testing import CliRunner

    from generator.cli import app
    from generator.pipeline.render import sheet_code

    sheets = write_sheet("tiny", MINIMAL_SHEET)
    by_seed = build_sheets(["tiny"], Draw(42), tmp_path / "seed", Project(sheets))[0]
    code = sheet_code(42)
    assert f"Sheet code {code}" in pdf_text(by_seed / "tiny-exercise.pdf")
    arguments = ["build", "tiny", "--code", code.lower(), "--out", str(tmp_path / "code"), "--sheet-dir", str(sheets)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    for path in by_seed.iterdir():
        assert (tmp_path / "code" / "tiny" / "seed-42" / path.name).read_bytes() == path.read_bytes(), path.name
    refused = CliRunner().invoke(app, ["build", "tiny", "--code", "1", "--seed", "1", "--sheet-dir", str(sheets)])
    assert refused.exit_code != 0 and "not both" in refused.output


def test_tex_runs_waiting_for_a_core_go_longest_first_and_none_starts_once_the_build_stops():
    """A rebuild's TeX runs wait for a core (``build._Cores``); an interrupted or failed build started those still
    waiting after it stopped, and its exit waited for them (3.4 s after SIGTERM for a class of 120, now 0.4 s)."""
    import threading

    from generator.pipeline.build import _Aborted, _Cores

    cores, started, outcome = _Cores(1), [], {}
    first = cores.held(10)
    first.__enter__()  # the one core is taken

    def run(name, length):
        try:
            with cores.held(length):
                started.append(name)
        except _Aborted:
            outcome[name] = "aborted"

    waiting = [threading.Thread(target=run, args=(name, length)) for name, length in (("short", 5), ("long", 50))]
    for thread in waiting:
        thread.start()
    while len(cores._waiting) < 2:
        threading.Event().wait(0.01)
    first.__exit__(None, None, None)
    for thread in waiting:
        thread.join(5)
    assert started == ["long", "short"]  # the longest source first, though it came second

    blocker = cores.held(1)
    blocker.__enter__()
    late = threading.Thread(target=run, args=("late", 99))
    late.start()
    while not cores._waiting:
        threading.Event().wait(0.01)
    cores.close()
    late.join(5)
    assert outcome == {"late": "aborted"} and "late" not in started
