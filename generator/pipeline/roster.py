"""Class rosters: who gets a personalised sheet.

A roster is a CSV file as a learning platform exports it: UTF-8 (a byte-order mark is fine;
another encoding is named with ``encoding``), separated by ``,``, ``;`` or tabs (detected
from the header, or from Excel's ``sep=`` first line). The header names an id column and
a name column, or a first-name and a last-name column that are joined; ``id_column`` and
``name_column`` pick other headers, and the headers Moodle and ILIAS export are known
(docs/classes.md lists them). Other columns are ignored. Ids become folder names, so they
are restricted to letters, digits, ``.``, ``_``, ``-``, ``@`` and ``+`` (an e-mail address
is a valid id). Every problem is reported with the file and row, and nothing is built from
a roster with a problem. A name no script prints (generator/pipeline/names.py: right-to-left
scripts, symbols) is not a problem of the roster: it is warned about, and that student's sheet
shows the id instead, so one name never stops a class.
"""

import codecs
import csv
import hashlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConfigError
from generator.pipeline.names import unprintable, why_unprintable

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
MAX_NAME_LENGTH = 200
DELIMITERS = ",;\t"
ID_HEADERS = (
    "id",
    "student_id",
    "id number",
    "matrikelnummer",
    "matriculation number",
    "username",
    "benutzername",
    "login",
    "email address",
)
"""Headers an id is read from when ``id_column`` is not given, in order of preference: an id column,
then Moodle's "ID number" and ILIAS's "Matrikelnummer", then login names, then Moodle's e-mail address."""
NAME_HEADERS = ("name", "full name", "vollständiger name")
FIRST_NAME_HEADERS = ("first name", "firstname", "vorname")
LAST_NAME_HEADERS = ("last name", "lastname", "surname", "nachname")
ENCODING_HINT = "save as CSV UTF-8, or pass --encoding cp1252"


@dataclass(frozen=True)
class Student:
    id: str
    name: str


def warn_on_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def load_roster(
    path: Path,
    id_column: str | None = None,
    name_column: str | None = None,
    encoding: str = "utf-8",
    warn: Callable[[str], None] = warn_on_stderr,
) -> tuple[Student, ...]:
    """Students in file order, validated; ``id_column`` and ``name_column`` name headers other than the known ones.

    ``warn`` gets one line per student whose name cannot be printed (their sheets show the id).
    """
    lines = _lines(path, encoding)
    delimiter = None
    if lines and re.fullmatch(r"sep=.", lines[0].strip()):  # Excel's and ILIAS's separator line
        delimiter, lines = lines[0].strip()[-1], lines[1:]
    if not lines or not lines[0].strip():
        raise ConfigError(f"{path}: empty roster (expected a header row with 'id' and 'name')")
    header = lines[0]
    delimiter = delimiter or max(DELIMITERS, key=header.count)
    rows = list(csv.reader(lines, delimiter=delimiter))
    columns = [column.strip().lower() for column in rows[0]]
    id_at, name_at = _id_column(path, columns, id_column), _name_columns(path, columns, name_column)
    students: list[Student] = []
    first_row_of: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(id_at, *name_at):
            raise ConfigError(f"{path}: row {number}: expected {len(columns)} columns, found {len(row)}")
        name = " ".join(part for part in (row[at].strip() for at in name_at) if part)
        student = Student(row[id_at].strip(), name)
        _validate(path, number, student)
        if (char := unprintable(student.name)) is not None:
            warn(
                f"{path}: row {number}: name contains {why_unprintable(char)}, which pdfLaTeX cannot print; "
                f"the sheets of {student.id!r} show the id instead"
            )
        if student.id in first_row_of:
            raise ConfigError(
                f"{path}: row {number}: duplicate id {student.id!r} (first on row {first_row_of[student.id]})"
            )
        first_row_of[student.id] = number
        students.append(student)
    if not students:
        raise ConfigError(f"{path}: empty roster (a header row but no students)")
    return tuple(students)


def _lines(path: Path, encoding: str) -> list[str]:
    """The file's lines (a UTF-8 byte-order mark dropped)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: roster file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read roster: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding)
    except LookupError:
        raise ConfigError(
            f"--encoding {encoding!r} is not an encoding Python knows (such as utf-8 or cp1252)"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: cannot read roster: not {encoding.upper()} text ({ENCODING_HINT})") from None
    return text.splitlines()


def _id_column(path: Path, columns: list[str], chosen: str | None) -> int:
    if chosen is not None:
        return _named(path, columns, chosen, "--id-column")
    found = next((columns.index(header) for header in ID_HEADERS if header in columns), None)
    if found is None:
        raise ConfigError(
            f"{path}: row 1: missing column 'id' (found: {', '.join(columns)}); name yours with --id-column"
        )
    return found


def _name_columns(path: Path, columns: list[str], chosen: str | None) -> tuple[int, ...]:
    """Where a student's name is: one column, or a first-name and a last-name column (joined in that order)."""
    if chosen is not None:
        return (_named(path, columns, chosen, "--name-column"),)
    for header in NAME_HEADERS:
        if header in columns:
            return (columns.index(header),)
    first = next((columns.index(header) for header in FIRST_NAME_HEADERS if header in columns), None)
    last = next((columns.index(header) for header in LAST_NAME_HEADERS if header in columns), None)
    if first is None or last is None:
        raise ConfigError(
            f"{path}: row 1: missing column 'name' (found: {', '.join(columns)}); name yours with --name-column, "
            "or give first-name and last-name columns"
        )
    return first, last


def _named(path: Path, columns: list[str], chosen: str, option: str) -> int:
    if chosen.strip().lower() not in columns:
        raise ConfigError(f"{path}: row 1: no column {chosen!r} ({option}; found: {', '.join(columns)})")
    return columns.index(chosen.strip().lower())


def _validate(path: Path, number: int, student: Student) -> None:
    if not SAFE_ID.match(student.id):
        raise ConfigError(
            f"{path}: row {number}: id {student.id!r} is not safe as a folder name "
            "(use 1-64 letters, digits, '.', '_', '-', '@' or '+', starting with a letter or digit)"
        )
    if not student.name:
        raise ConfigError(f"{path}: row {number}: empty name for id {student.id!r}")
    if len(student.name) > MAX_NAME_LENGTH:
        raise ConfigError(f"{path}: row {number}: name is longer than {MAX_NAME_LENGTH} characters")


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
