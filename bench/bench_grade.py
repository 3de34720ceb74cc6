"""Benchmark: ``sheets grade`` for a class of 300 students with 13 typed answers each.

Not a test: it prints the wall seconds of grading (reading the keys and submissions,
grading in worker processes, writing grades, feedback and the item analysis), after
generating the class's answers.json without TeX (not timed). The answers mix what a class
hands in: keys as printed, expanded forms, sign errors and blanks. Run with
`python bench/bench_grade.py` (`--students N` for another size).
"""

import argparse
import csv
import json
import random
import tempfile
import time
from pathlib import Path

import sympy

from generator import speed
from generator.grading.key import columns
from generator.grading.run import grade_build
from generator.kit.printing import text
from generator.pipeline.generate import Draw, sheet_variants
from generator.pipeline.parallel import in_workers, workers_for
from generator.pipeline.project import Project
from generator.pipeline.registry import families

SHEET = """
title = "Grading benchmark"
course = "Benchmarks"
[[exercise]]
label = "1"
  [[exercise.part]]
  family = "derivative"
  options = { count = 3, level = 2 }
  [[exercise.part]]
  family = "entropy"
  options = { outcomes = 3, count = 2 }
  [[exercise.part]]
  family = "activation-derivative"
  options = { count = 1 }
  [[exercise.part]]
  family = "gradient"
  options = { n = 3, count = 1 }
"""
SEED = 11


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300)
    arguments = parser.parse_args()
    speed.install()
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as scratch:
        root = Path(scratch)
        project = _class(root, arguments.students)
        answered = _submissions(root)
        started = time.perf_counter()
        graded = grade_build(root / "build", root / "submissions.csv", root / "grades", project)
        seconds = time.perf_counter() - started
    print("\n".join(graded.lines[:-1]))
    answers = arguments.students * answered
    print(
        f"graded {arguments.students} students x {answered} answers in {seconds:.2f} s ({answers / seconds:.0f} answers/s)"
    )


def _class(root: Path, size: int) -> Project:
    (root / "sheets").mkdir()
    (root / "sheets" / "bench.toml").write_text(SHEET)
    project = Project(sheet_dir=root / "sheets")
    sheet = project.load_sheet("bench")
    ids = [f"s{n:04d}" for n in range(1, size + 1)]
    jobs = [(sheet, student) for student in ids]
    problems = in_workers(_problems, jobs, workers_for(len(jobs)), chunksize=8)
    document = {"sheet": "bench", "title": "Grading benchmark", "seed": SEED, "unique": False, "generator": "bench"}
    document["students"] = [{"id": s, "name": s, "problems": p} for s, p in zip(ids, problems)]
    (root / "build").mkdir()
    (root / "build" / "answers.json").write_text(json.dumps(document))
    return project


def _problems(job) -> list[dict]:
    sheet, student = job
    return [variant.to_json() for variant in sheet_variants(sheet, families(), Draw(SEED, student))]


def _submissions(root: Path) -> int:
    """A submissions CSV answering every column of answers.json; returns the number of columns."""
    document = json.loads((root / "build" / "answers.json").read_text())
    rng = random.Random(SEED)
    rows = []
    for student in document["students"]:
        answers = {}
        for problem in student["problems"]:
            for name in families()[problem["family"]].key_fields:
                for column, key in columns(f"{problem['label']}.{name}", problem["answers"][name]):
                    answers[column] = _typed(key, rng.random())
        rows.append({"id": student["id"], **answers})
    with (root / "submissions.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows[0]) - 1


def _typed(key: str, chance: float) -> str:
    value = sympy.sympify(key)  # the benchmark's own keys, not student text
    if isinstance(value, list):
        value = sympy.ImmutableMatrix(value)
    if chance < 0.6:
        return key.replace("**", "^")
    if chance < 0.75:
        return text(-value).replace("**", "^")
    if chance < 0.9:
        return text(value.applyfunc(sympy.expand) if isinstance(value, sympy.MatrixBase) else sympy.expand(value))
    return ""


if __name__ == "__main__":
    main()
