"""``sheets merge``: a class built in shards and merged is the full build, byte for byte; a bad set of shards is refused.

Everything is real: TeX typesets every shard, the CLI runs in its own process, and the recipes of
docs/scale.md (a Slurm array job, a GitHub Actions matrix) run as written, shard by shard.
"""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline.answerkey import FIXED_TIME
from generator.pipeline.build import build_class
from generator.pipeline.generate import Draw
from generator.pipeline.roster import Student, load_roster, stable_bucket

SHEET = "derivatives-and-entropy"
NAMES = ["Ada Lovelace", "Gauß, Carl Friedrich", "Émilie & Co_50%", "O'Brien -- «Jr»"]
CLASS = tuple(Student(f"s{i:03d}", NAMES[i % len(NAMES)] + f" {i}") for i in range(12))
SHARDS = 3
ROOT = Path(__file__).resolve().parent.parent
SCALE = ROOT / "docs" / "scale.md"
DOC_ROSTER = "id,name\n" + "".join(f"s0{i},Student {i}\n" for i in range(1, 10)) + "s10,Zoë Ünal\n"


def files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def sheets(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], check=False, capture_output=True, text=True, timeout=300, cwd=cwd
    )


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    return build_class(SHEET, Draw(8), CLASS, tmp_path_factory.mktemp("full")).target


@pytest.fixture(scope="module")
def built_shards(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shards")
    for index in range(1, SHARDS + 1):
        build_class(SHEET, Draw(8), CLASS, out, shard=(index, SHARDS))
    return out / SHEET / "seed-8"


@pytest.fixture
def sharded(built_shards, tmp_path) -> Path:
    """A copy of the three shards' folder, for a test to merge (or spoil)."""
    target = tmp_path / SHEET / "seed-8"
    shutil.copytree(built_shards, target)
    return target


def test_every_shard_has_students_and_its_suffixed_class_files(built_shards):
    assert {stable_bucket(s.id, 4) % SHARDS for s in CLASS} == {0, 1, 2}
    for index in range(1, SHARDS + 1):
        for name in (
            "answers.shard-{}-of-3.json",
            "answer-key.shard-{}-of-3.csv",
            "answer-key.shard-{}-of-3.xlsx",
            "solutions-all.shard-{}-of-3.pdf",
        ):
            assert (built_shards / name.format(index)).is_file()
    assert not (built_shards / "answers.json").exists()


def test_merged_shards_are_the_full_build_byte_for_byte(full, sharded):
    process = sheets("merge", str(sharded))
    assert process.returncode == 0, process.stderr
    assert process.stdout == (
        f"merged 3 shards into {sharded}: answers.json, answer-key.csv, answer-key.xlsx and solutions-all.pdf for 12 students\n"
    )
    assert files(sharded) == files(full)  # every class file and every student's folder; no shard file is left
    assert [p.name for p in sharded.parent.iterdir()] == ["seed-8"]  # no staging folder left beside it


def test_merge_of_the_current_folder(full, sharded):
    process = sheets("merge", ".", cwd=sharded)
    assert process.returncode == 0, process.stderr
    assert files(sharded) == files(full)


def test_other_files_in_the_folder_are_kept(full, sharded):
    (sharded / "grades").mkdir()
    (sharded / "grades" / "grades.csv").write_text("id,total\n")
    (sharded / "submissions.csv").write_text("id,name\n")
    assert sheets("merge", str(sharded)).returncode == 0
    kept = files(sharded)
    assert kept.pop("grades/grades.csv") == b"id,total\n" and kept.pop("submissions.csv") == b"id,name\n"
    assert kept == files(full)


def test_a_shard_no_student_falls_in_is_not_needed(tmp_path):
    """With 4 groups and 4 shards, two students leave two shards empty: they write nothing, and the merge needs nothing from them."""
    pair = (Student("a1", "First"), Student("a2", "Second"))
    assert sorted(stable_bucket(s.id, 4) for s in pair) == [0, 1]
    reports = [build_class(SHEET, Draw(3), pair, tmp_path / "shards", shard=(index, 4)) for index in range(1, 5)]
    assert [report.students for report in reports] == [1, 1, 0, 0]
    full = build_class(SHEET, Draw(3), pair, tmp_path / "full").target
    process = sheets("merge", str(reports[0].target))
    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("merged 2 shards into ")
    assert files(reports[0].target) == files(full)


def test_grading_the_merged_build_is_grading_the_full_build(full, sharded, tmp_path):
    assert sheets("merge", str(sharded)).returncode == 0
    runner = CliRunner()
    form = tmp_path / "form.csv"
    assert runner.invoke(app, ["grade", "--template", str(sharded), "--out", str(form)]).exit_code == 0
    with (sharded / "answer-key.csv").open(encoding="utf-8-sig") as key_file:
        keys = {row["id"]: row for row in csv.DictReader(key_file)}
    header, *rows = list(csv.reader(io.StringIO(form.read_text())))
    submissions = tmp_path / "submissions.csv"
    with submissions.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:  # every answer as the merged key prints it
            writer.writerow(
                row[:2] + [keys[row[0]][column].removeprefix("'").replace("**", "^") for column in header[2:]]
            )
    grades = {}
    for name, build in (("merged", sharded), ("full", full)):
        result = runner.invoke(app, ["grade", str(build), str(submissions), "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        grades[name] = files(tmp_path / name)
    assert grades["merged"] == grades["full"]
    table = list(csv.DictReader(io.StringIO(grades["merged"]["grades.csv"].decode())))
    assert [row["id"] for row in table] == [s.id for s in CLASS]
    assert all(float(row["total"]) > 0 for row in table)


def test_the_answer_key_carries_no_clock_time(sharded):
    """A merge made minutes after the full build gives its bytes: the xlsx holds a fixed date, not the time of writing."""
    assert sheets("merge", str(sharded)).returncode == 0
    properties = load_workbook(sharded / "answer-key.xlsx").properties
    assert properties.created == properties.modified == FIXED_TIME


def _remove_shard(folder: Path, index: int) -> None:
    for path in folder.glob(f"*.shard-{index}-of-3.*"):
        path.unlink()


def _rebuild_shard(folder: Path, index: int, **changes) -> None:
    """Shard ``index`` built otherwise (another seed, roster, groups, --student), its files copied in as an artifact would be."""
    options = {"draw": Draw(8), "students": CLASS, "groups": 4, "only": ()} | changes
    out = folder.parent.parent / "other"
    report = build_class(
        SHEET,
        options["draw"],
        options["students"],
        out,
        groups=options["groups"],
        shard=(index, 3),
        only=options["only"],
    )
    _remove_shard(folder, index)
    shutil.copytree(report.target, folder, dirs_exist_ok=True)


def _edit_answers(folder: Path, index: int, edit) -> None:
    path = folder / f"answers.shard-{index}-of-3.json"
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))


def _in_two_shards(folder: Path) -> None:
    first = json.loads((folder / "answers.shard-1-of-3.json").read_text())

    def add_s000(document):
        document["students"].append(first["students"][0])
        document["shard"]["key"]["s000"] = first["shard"]["key"]["s000"]

    _edit_answers(folder, 2, add_s000)


RENAMED = [Student(s.id, s.name + (" Jr" if s.id == "s005" else "")) for s in CLASS]


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda f: _remove_shard(f, 2),
            "shard 2 of 3 is missing (students s008, s009, s010): build it (sheets build ... --groups 4 --shard 2/3), then merge",
        ),
        (
            lambda f: _rebuild_shard(f, 3, draw=Draw(9)),
            "shard 1 of 3 and shard 3 of 3 disagree on the seed (8, 9): build every shard with the same sheet, seed, roster and options",
        ),
        (_in_two_shards, "student 's000' is in both shard 1 of 3 and shard 2 of 3"),
        (
            lambda f: _rebuild_shard(f, 2, groups=3),
            "shard 1 of 3 was built with --groups 4, shard 2 of 3 with --groups 3: build every shard with the same --groups",
        ),
        (
            lambda f: _rebuild_shard(f, 2, students=RENAMED),
            "shard 1 of 3 and shard 2 of 3 were built from different rosters",
        ),
        (
            lambda f: _rebuild_shard(f, 2, only=["s008"]),
            "shard 2 of 3 lacks students s009, s010 (built with --student?): build it again without --student",
        ),
        (
            lambda f: (f / "solutions-all.shard-3-of-3.pdf").unlink(),
            "solutions-all.shard-3-of-3.pdf is missing: shard 3 of 3 is incomplete",
        ),
        (
            lambda f: (f / "s011" / f"{SHEET}-exercise.pdf").unlink(),
            f"shard 3 of 3 is incomplete: {{folder}}/s011/{SHEET}-exercise.pdf is missing",
        ),
        (
            lambda f: _edit_answers(f, 1, lambda d: d.pop("shard")),
            "answers.shard-1-of-3.json records no split (built by an older sheets?)",
        ),
        (
            lambda f: (f / "answers.shard-2-of-3.json").write_text("{not json"),
            "answers.shard-2-of-3.json is not a shard's answers file (Expecting property name enclosed in double quotes",
        ),
        (
            lambda f: shutil.copy(f / "answers.shard-1-of-3.json", f / "answers.shard-1-of-2.json"),
            "holds shards of 2 different splits (-of-2, -of-3)",
        ),
        (
            lambda f: (f / "answers.shard-1-of-3.json").replace(f / "answers.shard-2-of-3.json"),
            "answers.shard-2-of-3.json holds shard 1 of 3: its name says 2 of 3",
        ),
        (
            lambda f: [p.unlink() for p in f.glob("*.shard-*")],
            "has no shard files (answers.shard-K-of-N.json): give the folder 'sheets build --shard K/N' wrote into",
        ),
        (
            lambda f: shutil.rmtree(f),
            "is not a folder: give the folder the shards were built into, such as build/<sheet>/seed-<S>/",
        ),
    ],
    ids=[
        "a missing shard",
        "another seed",
        "a student in two shards",
        "other groups",
        "another roster",
        "built with --student",
        "an interrupted shard",
        "a student's PDF gone",
        "an older shard",
        "not JSON",
        "two splits",
        "a renamed shard file",
        "no shards",
        "no folder",
    ],
)
def test_a_bad_set_of_shards_is_refused_and_nothing_written(sharded, spoil, message):
    spoil(sharded)
    before = files(sharded) if sharded.exists() else None
    process = sheets("merge", str(sharded))
    assert process.returncode == 1
    assert process.stderr.startswith("error: ") and len(process.stderr.strip().splitlines()) == 1
    assert message.format(folder=sharded) in process.stderr, process.stderr
    assert "Traceback" not in process.stderr + process.stdout
    assert (files(sharded) if sharded.exists() else None) == before
    assert not list(sharded.parent.glob(".*"))  # no staging folder either


# The recipes of docs/scale.md, run as written.


def _fenced(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", SCALE.read_text(), re.DOTALL | re.MULTILINE)


def _checkout(path: Path) -> Path:
    """A folder as the recipes expect to run in: the project's virtual environment and the roster."""
    path.mkdir()
    (path / ".venv").symlink_to(Path(sys.prefix))
    (path / "students.csv").write_text(DOC_ROSTER, encoding="utf-8")
    return path


def _documented_full(tmp_path: Path, groups: int) -> Path:
    """The class of the recipes built in one go, with the shards' --groups: what the merged shards must equal."""
    roster = tmp_path / "students.csv"
    roster.write_text(DOC_ROSTER, encoding="utf-8")
    return build_class("dl-exercise-sheet-1", Draw(7), load_roster(roster), tmp_path / "full", groups=groups).target


def test_the_slurm_recipe_as_written(tmp_path):
    (shard_script,) = [block for block in _fenced("bash") if "#SBATCH --array=1-8" in block]
    (merge_script,) = [block for block in _fenced("bash") if "#SBATCH" in block and "sheets merge" in block]
    (submit,) = [block for block in _fenced("sh") if "sbatch" in block]
    assert "sbatch --parsable shards.sh" in submit and "merge.sh" in submit
    checkout = _checkout(tmp_path / "checkout")
    three, count = re.subn(r"^SHARDS=8 ", "SHARDS=3 ", shard_script, flags=re.MULTILINE)
    assert count == 1
    (checkout / "shards.sh").write_text(three)
    (checkout / "merge.sh").write_text(merge_script)
    tasks = [  # an array's tasks run at once, into one shared folder
        subprocess.Popen(
            ["bash", "shards.sh"],
            cwd=checkout,
            env={**os.environ, "SLURM_ARRAY_TASK_ID": str(task)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for task in range(1, 4)
    ]
    for task in tasks:
        _, errors = task.communicate(timeout=300)
        assert task.returncode == 0, errors
    merged = subprocess.run(
        ["bash", "merge.sh"], check=False, cwd=checkout, capture_output=True, text=True, timeout=300
    )
    assert merged.returncode == 0, merged.stderr
    assert files(checkout / "build" / "dl-exercise-sheet-1" / "seed-7") == files(_documented_full(tmp_path, groups=3))


def test_the_github_actions_recipe_as_written(tmp_path):
    (workflow,) = _fenced("yaml")
    shard_job, merge_job = workflow.split("\n  merge:\n")
    matrix = [int(n) for n in re.search(r"^ +shard: \[([\d, ]+)\]$", shard_job, re.MULTILINE).group(1).split(",")]
    assert "path: build/" in shard_job and "path: build/" in merge_job and "merge-multiple: true" in merge_job

    def sheets_steps(job: str) -> list[str]:
        return [
            line.split("- run: ", 1)[1]
            for line in job.splitlines()
            if line.strip().startswith("- run: .venv/bin/sheets")
        ]

    assert len(sheets_steps(shard_job)) == len(sheets_steps(merge_job)) == 1
    merge_runner = _checkout(tmp_path / "merge-runner")
    for shard in matrix:  # each matrix job on a runner of its own
        runner = _checkout(tmp_path / f"runner-{shard}")
        for step in sheets_steps(shard_job):
            step = step.replace("${{ matrix.shard }}", str(shard)).replace(
                "${{ strategy.job-total }}", str(len(matrix))
            )
            assert "${{" not in step
            done = subprocess.run(
                step, check=False, shell=True, cwd=runner, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, done.stderr
        if (runner / "build").exists():  # upload-artifact, then download-artifact with merge-multiple
            shutil.copytree(runner / "build", merge_runner / "build", dirs_exist_ok=True)
    assert len(list((merge_runner / "build" / "dl-exercise-sheet-1" / "seed-7").glob("answers.shard-*"))) < len(matrix)
    for step in sheets_steps(merge_job):
        done = subprocess.run(
            step, check=False, shell=True, cwd=merge_runner, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    assert files(merge_runner / "build" / "dl-exercise-sheet-1" / "seed-7") == files(
        _documented_full(tmp_path, len(matrix))
    )
