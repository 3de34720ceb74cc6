"""--unique: no two students of a class share a variant while the family has fresh ones (real TeX builds)."""

import json
import math
from collections import Counter

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.kit.family import jsonable
from generator.pipeline.build import build_class
from generator.pipeline.generate import Draw, sheet_variants
from generator.pipeline.project import Project
from generator.pipeline.registry import families
from generator.pipeline.repeats import alike
from generator.pipeline.roster import Student
from generator.pipeline.sheet import load_sheet
from generator.pipeline.unique import fingerprint, redraws
from tests.conftest import pdf_text
from tests.test_classbuild import files
from tests.test_generate import TANGENTS

# Softmax of two small integers has 12 variants: 30 students must share, 3 to a variant at most.
# Part 2 (156 variants) has room for everyone; part 1b is drawn with 1a (same slot), so they move together.
SHEET = """
title = "Few variants"
course = "Test Course"

[[exercise]]
title = "Softmax"
  [[exercise.part]]
  family = "softmax-jacobian"
  options = { n = 2, values = "integers", mode = "concrete" }
  [[exercise.part]]
  family = "softmax-jacobian"
  same_draw_as = "1a"
  options = { n = 2, values = "integers" }

[[exercise]]
title = "Softmax again"
  [[exercise.part]]
  family = "softmax-jacobian"
"""
CLASS = tuple(Student(f"u{i:03d}", f"Student {i}") for i in range(30))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sheets")
    (directory / "few.toml").write_text(SHEET, encoding="utf-8")
    return Project(sheet_dir=directory)


@pytest.fixture(scope="module")
def builds(project, tmp_path_factory):
    """The same class without and with --unique."""
    plain = build_class("few", Draw(5), CLASS, tmp_path_factory.mktemp("plain"), project)
    unique = build_class("few", Draw(5), CLASS, tmp_path_factory.mktemp("unique"), project, unique=True)
    return plain, unique


def problems(report, index):
    students = json.loads((report.target / "answers.json").read_text())["students"]
    return {s["id"]: s["problems"][index] for s in students}


def uses(report, index):
    return Counter(json.dumps(p["inputs"]) for p in problems(report, index).values())


def test_without_unique_students_share_variants_with_room_to_spare(builds):
    plain, _ = builds
    assert max(uses(plain, 0).values()) > math.ceil(len(CLASS) / 12)
    assert plain.distinct["2"] < len(CLASS)


def test_with_unique_no_variant_repeats_while_fresh_ones_remain(builds):
    _, unique = builds
    assert unique.distinct["2"] == len(CLASS)
    small = uses(unique, 0)
    assert len(small) == 12 and max(small.values()) == math.ceil(len(CLASS) / 12)
    assert json.loads((unique.target / "answers.json").read_text())["unique"] is True
    assert unique.lines()[0].endswith(f"(--unique: {unique.redrawn} problem{'' if unique.redrawn == 1 else 's'} drawn again)") and unique.redrawn > 0


def test_parts_drawn_together_are_drawn_again_together(builds):
    _, unique = builds
    first, second = problems(unique, 0), problems(unique, 1)
    assert all(first[s.id]["seed"] == second[s.id]["seed"] for s in CLASS)
    assert all(first[s.id]["inputs"]["z"] == second[s.id]["inputs"]["z"] for s in CLASS)


def test_students_nobody_collides_with_keep_the_sheet_they_get_without_unique(builds):
    plain, unique = builds
    before, after = [{i: problems(build, i) for i in range(3)} for build in builds]
    kept = [s for s in CLASS if all(before[i][s.id] == after[i][s.id] for i in range(3))]
    changed = [s for s in CLASS if s not in kept]
    assert kept and changed
    for student in kept:
        for kind in ("exercise", "solution"):
            name = f"{student.id}/few-{kind}.pdf"
            assert pdf_text(unique.target / name) == pdf_text(plain.target / name)


def test_a_unique_class_rebuilds_the_same_whatever_the_order_one_student_or_one_shard(builds, project, tmp_path):
    plain, unique = builds
    full = files(unique.target)
    student = next(s for s in CLASS if problems(plain, 0)[s.id] != problems(unique, 0)[s.id])  # one drawn again
    only = build_class("few", Draw(5), CLASS, tmp_path / "one", project, only=[student.id], unique=True)
    assert files(only.target) == {name: data for name, data in full.items() if name.startswith(f"{student.id}/")}
    shuffled = build_class("few", Draw(5), tuple(reversed(CLASS)), tmp_path / "reversed", project, unique=True)
    per_student = {name: data for name, data in files(shuffled.target).items() if "/" in name}
    assert per_student == {name: data for name, data in full.items() if "/" in name}
    shard = build_class("few", Draw(5), CLASS, tmp_path / "shard", project, shard=(2, 4), unique=True)
    for name, data in files(shard.target).items():
        if "/" in name:
            assert data == full[name]


def test_unique_needs_a_roster(tmp_path):
    result = CliRunner().invoke(app, ["build", "few", "--seed", "1", "--unique", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "--unique need --roster" in result.output, result.output


def test_the_command_line_builds_a_unique_class_and_says_how_many_were_drawn_again(project, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"{s.id},{s.name}\n" for s in CLASS[:16]), encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", "few", "--seed", "5", "--roster", str(roster), "--unique", "--sheet-dir", str(project.sheet_dir)]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("built ") and "problems drawn again)" in first
    answers = json.loads((out / "few" / "seed-5" / "answers.json").read_text())
    assert answers["unique"] is True
    small = Counter(json.dumps(s["problems"][0]["inputs"]) for s in answers["students"])
    assert max(small.values()) == math.ceil(16 / 12)


def test_a_slot_kept_apart_from_an_earlier_part_is_compared_as_the_build_prints_it(write_sheet):
    """Two tangent-line parts of one sheet: a student's second is drawn again when it repeats the first
    (generator.pipeline.repeats), and --unique compares what is printed, then keeps both rules."""
    sheet = load_sheet("s", families(), write_sheet("s", TANGENTS))
    students = tuple(Student(f"u{i:03d}", f"Student {i}") for i in range(40))
    for student in students:
        draw = Draw(7, student.id)
        printed = [variant.params for variant in sheet_variants(sheet, families(), draw)]
        assert fingerprint(sheet, families(), "1b", draw) == json.dumps([jsonable(p) for p in printed[1:3]])
    chosen = redraws(sheet, Draw(7), students, lambda *progress: None)
    assert any(chosen.values())
    drawn = [sheet_variants(sheet, families(), Draw(7, s.id, chosen[s.id])) for s in students]
    assert all(alike(first.params).isdisjoint(alike(second.params)) for first, second, *_ in drawn)
    for index in (0, 1):
        assert len({json.dumps(jsonable(variants[index].params)) for variants in drawn}) == len(students)
