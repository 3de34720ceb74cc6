"""Math Background II (sheets/math-background-2.toml): the sheet of the kit-written families compiles for
the canonical instances and for 20 students' draws, and its PDFs read back with their answers."""

import json

from generator.pipeline.build import build_class, build_sheets
from generator.pipeline.generate import Draw
from generator.pipeline.roster import Student
from tests.conftest import pdf_text

SHEET = "math-background-2"
CLASS = tuple(Student(f"m{i:02d}", f"Student {i}") for i in range(20))


def test_the_canonical_instances_build(tmp_path):
    (target,) = build_sheets([SHEET], Draw(None), tmp_path)
    solution = pdf_text(target / f"{SHEET}-solution.pdf")
    assert "Math Background II" in solution and "Exercise 2.5" in solution
    # one typographic apostrophe: the heading as the body ("Bayes' rule" was straight in the heading only)
    assert "Bayes\u2019 rule" in solution and "Bayes' rule" not in solution
    # the sheet writes log 2 and n log(sigma): its notation line says which logarithm (TA read, canonical)
    assert "log is the natural logarithm" in " ".join(solution.split())
    # a symmetric matrix with a repeated eigenvalue has eigenvectors that are not orthogonal (I: every vector)
    assert "Eigenvectors of a symmetric matrix that belong to distinct eigenvalues are orthogonal" in " ".join(solution.split())
    answers = json.loads((target / "answers.json").read_text())
    assert [p["family"] for p in answers["problems"]] == [
        "definite-integral", "definite-integral", "eigen", "bayes-rule", "mle", "conv-shapes", "backprop"
    ]


def test_twenty_students_draw_compile_and_read_back(tmp_path):
    build_class(SHEET, Draw(5), CLASS, tmp_path)
    folder = tmp_path / SHEET / "seed-5"
    answers = json.loads((folder / "answers.json").read_text())
    assert len(answers["students"]) == 20
    for student in CLASS[:3]:
        exercise = pdf_text(folder / student.id / f"{SHEET}-exercise.pdf")
        solution = pdf_text(folder / student.id / f"{SHEET}-solution.pdf")
        assert student.name in exercise and "Solution." not in exercise
        assert "bold lowercase letters are column vectors" in exercise  # the notation line eigen and backprop follow
        assert "dilation" in exercise  # the sheet asks for one dilated layer (all 1s made the column idle)
        assert "Solution." in solution and "≈" in solution


def test_the_integrals_intro_claims_no_more_than_two_techniques_give():
    """'these two techniques cover most of them' overclaims (parts and one substitution do not reach most expected
    values: the normal's moments, gamma and beta integrals); the German said 'viele davon' (TA read, EN 6631)."""
    import tomllib
    from pathlib import Path

    sheet = tomllib.loads((Path(__file__).parents[1] / "sheets" / f"{SHEET}.toml").read_text())
    (integrals,) = [exercise for exercise in sheet["exercise"] if exercise["label"] == "2.1"]
    assert "many of them" in integrals["intro"] and "most" not in integrals["intro"]
    # and names the two techniques before it counts them ("these two techniques" named nothing: TA read, EN 7321)
    assert "integration by parts and substitution" in integrals["intro"]
