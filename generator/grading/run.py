"""The two grading commands, stage by stage: ``sheets grade`` and ``sheets grade --template``.

Everything is read and graded before anything is written, and the grades folder is then
replaced whole (``generator.pipeline.write.publish``): a run that fails or is stopped leaves
the previous grades as they were.
"""

from dataclasses import dataclass
from pathlib import Path

from generator.grading.grade import NOT_GRADED, grade_class
from generator.grading.key import Build, gradeable_columns, load_build
from generator.grading.report import feedback, grades_csv, items, items_csv, table
from generator.grading.submissions import read_submissions, template
from generator.pipeline.project import Project
from generator.pipeline.registry import families
from generator.pipeline.write import publish, publish_file

__all__ = ["Graded", "grade_build", "write_template"]


@dataclass(frozen=True)
class Graded:
    """What a grading run wrote and what it tells the instructor."""

    target: Path
    lines: tuple[str, ...]


def grade_build(
    build_dir: Path,
    submissions: Path,
    out: Path | None = None,
    project: Project | None = None,
) -> Graded:
    """Grade ``submissions`` against ``build_dir``'s keys; write everything into ``out`` (default ``build_dir/grades``) at once."""
    build = load_build(build_dir, families(), project or Project())
    graded = grade_class(build, read_submissions(submissions, build))
    found = items(graded)
    files = {"grades.csv": grades_csv(build, graded), "items.csv": items_csv(found)}
    files |= {f"feedback/{student.student}.txt": feedback(build, student) for student in graded}
    target = out if out is not None else Path(build_dir) / "grades"
    publish(files, target)
    lines = [
        *table(found, graded),
        *_notes(build, graded),
        f"wrote {target}: grades.csv, items.csv, feedback/<id>.txt",
    ]
    return Graded(target, tuple(lines))


def write_template(build_dir: Path, out: Path, project: Project | None = None) -> tuple[str, ...]:
    """An empty submissions CSV with the build's answer columns (and its students, for a class); returns the columns."""
    build = load_build(build_dir, families(), project or Project())
    publish_file(template(build), out)
    return gradeable_columns(build)


def _notes(build: Build, graded) -> list[str]:
    notes = []
    missing = [student.student for student in graded if not student.submitted]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        who = "1 student has" if len(missing) == 1 else f"{len(missing)} students have"
        notes.append(f"{who} no row in the submissions, graded as blank: {shown}")
    ungraded = {answer.column: None for student in graded for answer in student.answers if answer.status == NOT_GRADED}
    if ungraded:
        notes.append("not graded (their keys are not typed maths): " + ", ".join(ungraded))
    return notes
