"""Class rosters: who gets a personalised sheet.

A roster is a UTF-8 CSV file (a byte-order mark is fine) with a header row
holding at least ``id`` and ``name``; other columns are ignored and a ``;``
delimiter is detected. Ids become folder names, so they are restricted to
letters, digits, ``.``, ``_`` and ``-``. Every problem is reported with the
file and row, and nothing is built from a roster with a problem.
"""

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConfigError
from generator.pipeline.templating import unprintable_character

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Student:
    id: str
    name: str


def load_roster(path: Path) -> tuple[Student, ...]:
    """Students in file order, validated."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: roster file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise ConfigError(f"{path}: cannot read roster: {reason}") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ConfigError(f"{path}: empty roster (expected a header row with 'id' and 'name')")
    header = lines[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    columns = [column.strip().lower() for column in rows[0]]
    for required in ("id", "name"):
        if required not in columns:
            raise ConfigError(f"{path}: row 1: missing column '{required}' (found: {', '.join(columns)})")
    id_at, name_at = columns.index("id"), columns.index("name")
    students: list[Student] = []
    first_row_of: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(id_at, name_at):
            raise ConfigError(f"{path}: row {number}: expected {len(columns)} columns, found {len(row)}")
        student = Student(row[id_at].strip(), row[name_at].strip())
        _validate(path, number, student)
        if student.id in first_row_of:
            raise ConfigError(
                f"{path}: row {number}: duplicate id {student.id!r} (first on row {first_row_of[student.id]})"
            )
        first_row_of[student.id] = number
        students.append(student)
    if not students:
        raise ConfigError(f"{path}: empty roster (a header row but no students)")
    return tuple(students)


def _validate(path: Path, number: int, student: Student) -> None:
    if not SAFE_ID.match(student.id):
        raise ConfigError(
            f"{path}: row {number}: id {student.id!r} is not safe as a folder name "
            "(use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)"
        )
    if not student.name:
        raise ConfigError(f"{path}: row {number}: empty name for id {student.id!r}")
    if len(student.name) > MAX_NAME_LENGTH:
        raise ConfigError(f"{path}: row {number}: name is longer than {MAX_NAME_LENGTH} characters")
    char = unprintable_character(student.name)
    if char is not None:
        raise ConfigError(
            f"{path}: row {number}: name contains {char!r} (U+{ord(char):04X}), which pdfLaTeX cannot print"
        )


def stable_bucket(student_id: str, buckets: int) -> int:
    """A bucket in [0, buckets) that depends only on the id (SHA-256, never ``hash()``)."""
    digest = hashlib.sha256(student_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % buckets


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` -> (K, N) with 1 <= K <= N."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise ConfigError(f"--shard takes K/N with 1 <= K <= N, got {text!r}")
    return int(found.group(1)), int(found.group(2))
