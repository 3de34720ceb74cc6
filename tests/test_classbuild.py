"""Class builds with real TeX: one sheet per student, split from batched runs."""

import csv
import io
import json
import shutil

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from generator.cli import app
from generator.errors import GenerationError
from generator.pipeline import build
from generator.pipeline.build import DEFAULT_GROUPS, build_class
from generator.pipeline.generate import Draw
from generator.pipeline.roster import Student, stable_bucket
from tests.conftest import pdf_text
from tests.test_compile import tex_children

SHEET = "derivatives-and-entropy"
NAMES = ["Ada Lovelace", "Gauß, Carl Friedrich", "Émilie & Co_50%", "Ünal {x} ~^\\ $#", "O'Brien -- «Jr»"]
CLASS = tuple(Student(f"s{i:03d}", NAMES[i % len(NAMES)] + f" {i}") for i in range(12))


def files(directory):
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("class")
    report = build_class(SHEET, Draw(8), CLASS, out)
    return report


def test_every_student_gets_their_own_pair(built):
    for student in CLASS:
        for kind in ("exercise", "solution"):
            text = pdf_text(built.target / student.id / f"{SHEET}-{kind}.pdf")
            assert student.name in text and f"({student.id})" in text
            assert ("Seed 8" if kind == "solution" else "Sheet code 0008") in text
        assert "Solution." in pdf_text(built.target / student.id / f"{SHEET}-solution.pdf")


def test_class_files_cover_every_student_in_roster_order(built):
    answers = json.loads((built.target / "answers.json").read_text())
    assert [s["id"] for s in answers["students"]] == [s.id for s in CLASS]
    rows = list(csv.DictReader(io.StringIO((built.target / "answer-key.csv").read_text("utf-8-sig"))))
    assert [(row["id"], row["name"]) for row in rows] == [(s.id, s.name) for s in CLASS]
    assert {column.split(".")[0] for column in rows[0] if "." in column} == {"1", "2"}
    assert all(all(row.values()) for row in rows)
    pages = sum(len(PdfReader(built.target / s.id / f"{SHEET}-solution.pdf").pages) for s in CLASS)
    assert len(PdfReader(built.target / "solutions-all.pdf").pages) == pages


def test_solutions_all_holds_each_students_solution_pages_in_roster_order(built):
    """Taken from the group batches, which mix students: the order must still be the roster's."""
    owners = []
    for page in PdfReader(built.target / "solutions-all.pdf").pages:
        (owner,) = [s.id for s in CLASS if s.id in page.extract_text()]
        owners.append(owner)
    expected = []
    for student in CLASS:
        expected += [student.id] * len(PdfReader(built.target / student.id / f"{SHEET}-solution.pdf").pages)
    assert owners == expected
    assert len({stable_bucket(s.id, DEFAULT_GROUPS) for s in CLASS}) > 1


def test_report_counts_distinct_variants(built):
    assert built.students == len(CLASS)
    assert built.distinct["1"] == len(CLASS)
    assert "problem 2:" in "\n".join(built.lines())
    low, median, high = built.difficulty["1"]
    assert 0 < low <= median <= high


def test_a_students_sheet_ignores_who_else_is_on_the_roster(built, tmp_path):
    others = tuple(reversed(CLASS[3:])) + (Student("zz9", "New Student"),)
    report = build_class(SHEET, Draw(8), others, tmp_path)
    before = {s["id"]: s["problems"] for s in json.loads((built.target / "answers.json").read_text())["students"]}
    after = {s["id"]: s["problems"] for s in json.loads((report.target / "answers.json").read_text())["students"]}
    for student in CLASS[3:]:
        assert after[student.id] == before[student.id]
        for kind in ("exercise", "solution"):
            name = f"{student.id}/{SHEET}-{kind}.pdf"
            assert pdf_text(report.target / name) == pdf_text(built.target / name)


def test_union_of_shards_equals_the_full_build_byte_for_byte(built, tmp_path):
    for k in (1, 2, 3):
        build_class(SHEET, Draw(8), CLASS, tmp_path, shard=(k, 3))
    sharded = tmp_path / SHEET / "seed-8"
    full = {name: content for name, content in files(built.target).items() if "/" in name}
    assert {name: content for name, content in files(sharded).items() if "/" in name} == full
    key_rows = sorted(
        line
        for k in (1, 2, 3)
        for line in (sharded / f"answer-key.shard-{k}-of-3.csv").read_text().splitlines()[1:]
    )
    assert key_rows == sorted((built.target / "answer-key.csv").read_text().splitlines()[1:])


def test_rebuilding_one_student_reproduces_exactly_their_files(built, tmp_path):
    student = CLASS[4]
    report = build_class(SHEET, Draw(8), CLASS, tmp_path, only=[student.id])
    assert files(report.target) == {
        name: content for name, content in files(built.target).items() if name.startswith(f"{student.id}/")
    }



def test_a_student_outside_the_shard_keeps_their_files(built, tmp_path):
    """--shard with --student: a student the shard does not typeset is left as they were, not emptied."""
    target = tmp_path / SHEET / "seed-8"
    shutil.copytree(built.target, target)
    inside = CLASS[0]
    half = stable_bucket(inside.id, DEFAULT_GROUPS) % 2
    outside = next(s for s in CLASS if stable_bucket(s.id, DEFAULT_GROUPS) % 2 != half)
    build_class(SHEET, Draw(8), CLASS, tmp_path, shard=(half + 1, 2), only=[inside.id, outside.id])
    assert {name: content for name, content in files(target).items() if "/" in name} == {
        name: content for name, content in files(built.target).items() if "/" in name
    }

def test_a_single_sheet_is_not_built_over_a_class(built, tmp_path):
    """The same sheet and seed without a roster would replace the class's folder: refused before any work, the class kept."""
    target = tmp_path / SHEET / "seed-8"
    shutil.copytree(built.target, target)
    before = files(target)
    result = CliRunner().invoke(app, ["build", SHEET, "--seed", "8", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "holds a class build" in result.output and "--out" in result.output, result.output
    assert files(target) == before


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        ("id,name\ns1,Ada\ns1,Bob\n", "row 3: duplicate id 's1'"),
        ("id;nom\ns1;Ada\n", "row 1: missing column 'name'"),
        ("id,name\n", "empty roster"),
        ("id,name\nbad/id,Ada\n", "row 2: id 'bad/id' is not safe as a folder name"),
    ],
)
def test_bad_roster_writes_nothing(tmp_path, roster, message):
    path = tmp_path / "roster.csv"
    path.write_text(roster)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", SHEET, "--seed", "1", "--roster", str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_roster_options_are_checked(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("id,name\ns1,Ada\n")
    for args, message in [
        (["--canonical", "--roster", str(path)], "--roster needs --seed"),
        (["--seed", "1", "--shard", "1/2"], "--student, --shard and --unique need --roster"),
        (["--seed", "1", "--roster", str(path), "--shard", "1/9"], "needs at least 9 groups"),
        (["--seed", "1", "--roster", str(path), "--student", "nobody"], "student 'nobody' is not on the roster"),
    ]:
        result = CliRunner().invoke(app, ["build", SHEET, *args, "--out", str(tmp_path / "out")])
        assert result.exit_code == 1 and message in result.output, result.output


@pytest.mark.parametrize("sheet", ["idl-math-background", "dl-exercise-sheet-1"])
def test_every_reference_sheet_builds_for_a_class_with_a_key_of_answers_only(sheet, tmp_path):
    students = CLASS[:2]
    report = build_class(sheet, Draw(3), students, tmp_path)
    rows = list(csv.DictReader(io.StringIO((report.target / "answer-key.csv").read_text("utf-8-sig"))))
    assert [row["id"] for row in rows] == [s.id for s in students]
    columns = [column for column in rows[0] if column not in ("id", "name")]
    assert columns and not any("steps" in column or ".worked" in column for column in columns), columns
    for student in students:
        assert "Solution." in pdf_text(report.target / student.id / f"{sheet}-solution.pdf")


def test_a_failure_midway_stops_the_running_tex_and_writes_nothing(tmp_path, monkeypatch):
    """Groups are typeset while students are generated: a failure must not leave TeX running or files behind."""
    generate = build.generate_instance

    def failing_for_the_fifth(job, checked=None):
        if job[2] == CLASS[4]:
            raise GenerationError("family derivative, seed 1: answer failed its independent check")
        return generate(job, checked)

    monkeypatch.setattr(build, "generate_instance", failing_for_the_fifth)
    with pytest.raises(GenerationError, match="independent check"):
        build_class(SHEET, Draw(8), CLASS, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not tex_children()


def test_a_shard_no_student_falls_in_builds_nothing_and_says_so(tmp_path):
    """Array jobs over a small roster: an empty slice is not a failure."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\ns1,Ada\n")
    empty = next(k for k in range(1, DEFAULT_GROUPS + 1) if stable_bucket("s1", DEFAULT_GROUPS) != k - 1)
    out = tmp_path / "out"
    args = ["build", SHEET, "--seed", "1", "--roster", str(roster), "--shard", f"{empty}/{DEFAULT_GROUPS}", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("nothing to build for ") and "no student of the roster falls in this shard" in result.output
    assert not out.exists()
