"""A class's typed answers: one CSV row per student, one column per answer column of the build.

The header is ``id`` (or ``student_id``), optionally ``name``, then answer columns named
as ``sheets grade --template`` writes them. What makes the file as a whole unusable (no id
column, a column the build does not have, a student the class does not have, an id twice)
is a ``ConfigError`` naming the row or column, and nothing is graded; what is wrong
with one answer (empty, unreadable) is that answer's grade.
"""

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConfigError
from generator.grading.key import Build, gradeable_columns
from generator.pipeline.roster import SAFE_ID
from generator.spelling import did_you_mean

__all__ = ["Submission", "read_submissions", "template"]

ID_COLUMNS = ("id", "student_id")
MAX_BYTES = 50_000_000
"""A class of 1000 students with 100 answers of 500 characters is a tenth of this."""


@dataclass(frozen=True)
class Submission:
    student: str
    name: str
    answers: Mapping[str, str]
    """Answer column -> the text typed; columns the file does not have are missing, not empty."""


def read_submissions(path: Path, build: Build) -> list[Submission]:
    """Every row of ``path``, checked against ``build``; ``ConfigError`` for a file that cannot be graded."""
    rows = _rows(path)
    if not rows:
        raise ConfigError(f"{path} is empty: it needs a header row (sheets grade --template writes one)")
    header = [cell.strip() for cell in rows[0]]
    id_index = next((i for i, cell in enumerate(header) if cell.lower() in ID_COLUMNS), None)
    if id_index is None:
        raise ConfigError(f"{path}: no 'id' column in the header (the first row names the columns)")
    name_index = next((i for i, cell in enumerate(header) if cell.lower() == "name"), None)
    # A column without a name is what a spreadsheet's stray trailing separator makes: ignored.
    answer_columns = {i: cell for i, cell in enumerate(header) if i not in (id_index, name_index) and cell}
    _check_columns(path, answer_columns.values(), build)
    submissions: dict[str, Submission] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ConfigError(f"{path}, row {number}: {len(row)} cells but the header names {len(header)} columns")
        row = row + [""] * (len(header) - len(row))
        student = row[id_index].strip()
        _check_student(path, number, student, build, submissions)
        name = row[name_index].strip() if name_index is not None else ""
        answers = {column: row[i] for i, column in answer_columns.items()}
        submissions[student] = Submission(student, build.names.get(student) or name, answers)
    return list(submissions.values())


def template(build: Build) -> bytes:
    """An empty submissions CSV for ``build``: its header, and a row per student of a class."""
    columns = gradeable_columns(build)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", *columns])
    for student, name in build.names.items():
        if student:
            writer.writerow([student, name, *[""] * len(columns)])
    return out.getvalue().encode("utf-8")


def _rows(path: Path) -> list[list[str]]:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{path} is larger than {MAX_BYTES // 1_000_000} MB: is it the right file?")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"no submissions file {path}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text: export it from the spreadsheet as CSV UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    limit = csv.field_size_limit(MAX_BYTES)  # a cell of any length is read: the grammar refuses long answers
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ConfigError(f"{path} is not a readable CSV file ({exc})") from None
    finally:
        csv.field_size_limit(limit)


def _check_columns(path: Path, columns, build: Build) -> None:
    seen = set()
    for column in columns:
        if column in seen:
            raise ConfigError(f"{path}: column {column!r} appears twice")
        seen.add(column)
        if column not in build.columns:
            hint = did_you_mean(column, build.columns) or " (sheets grade --template writes the right header)"
            raise ConfigError(f"{path}: unknown column {column!r}: this build has no such answer{hint}")


def _check_student(path: Path, number: int, student: str, build: Build, seen: Mapping[str, Submission]) -> None:
    if not student:
        raise ConfigError(f"{path}, row {number}: the id is empty")
    if not SAFE_ID.match(student):
        raise ConfigError(
            f"{path}, row {number}: id {student[:40]!r} is not an id (letters, digits, '.', '_' and '-', at most 64)"
        )
    if student in seen:
        raise ConfigError(f"{path}, row {number}: student {student!r} has a row already")
    if build.roster and student not in build.keys:
        raise ConfigError(f"{path}, row {number}: student {student!r} is not in the class this build was made for")
