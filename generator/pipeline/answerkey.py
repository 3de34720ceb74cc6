"""The class's key for graders: answer-key.csv and answer-key.xlsx, one row per student.

A grader looks a student up and reads across, so the key has a row per student (roster order)
and a column per answer, named as ``sheets grade`` names them (``generator.grading.key.columns``:
``1.3a.derivatives.2``), after ``id`` and ``name``: the submissions template and the key share
their headers. Values are the keys' plain text with every decimal cut to 4 significant digits;
the exact keys, and the worked steps, stay in answers.json.

answer-key.csv is UTF-8 with a byte-order mark, so that Excel reads its accents. A spreadsheet
computes a CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (``-3*log(3)/5 + log(5)`` is
a valid Excel formula), so such a cell gets a leading apostrophe in the CSV unless it is a
number. answer-key.xlsx needs no apostrophe: its text cells are stored as text (marked with
Excel's quote prefix where they look like a formula) and its numbers as numbers, under a frozen
header row and frozen id and name columns.

Both files depend only on the students' answers: a shard's key or a rebuild is byte for byte
what the same rows of a full build would be (the xlsx carries no clock time).
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from generator.grading.key import columns

__all__ = ["KeyRow", "answer_cells", "answer_key_csv", "answer_key_xlsx"]

KeyRow = tuple[str, str, Sequence[tuple[str, str]]]
"""(student id, name, (answer column, value) per answer)."""
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?:[eE][+-]?\d+)?")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
FORMULA_START = ("=", "+", "-", "@")
SIGNIFICANT_DIGITS = 4
FIXED_TIME = datetime.datetime(2000, 1, 1)
"""Written as the xlsx's creation time and its members' dates, so the same key gives the same bytes."""


def answer_cells(label: str, fields: Iterable[str], answers: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(answer column, value as the key shows it) for the ``fields`` of one problem's stored ``answers``."""
    for name in fields:
        for column, value in columns(f"{label}.{name}", answers[name]):
            yield column, DECIMAL.sub(_rounded, str(value))


def _rounded(found: re.Match) -> str:
    return f"{float(found.group()):#.{SIGNIFICANT_DIGITS}g}"


def _table(rows: Sequence[KeyRow]) -> tuple[list[str], list[list[str]]]:
    """The header (id, name, every answer column in sheet order) and a row of values per student."""
    header: dict[str, None] = {}
    for _, _, cells in rows:
        header.update((column, None) for column, _ in cells)
    table = []
    for student_id, name, cells in rows:
        value = dict(cells)
        table.append([student_id, name, *(value.get(column, "") for column in header)])
    return ["id", "name", *header], table


def _looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not NUMBER.fullmatch(text)


def answer_key_csv(rows: Sequence[KeyRow]) -> bytes:
    """answer-key.csv: UTF-8 with a byte-order mark, formula-like text behind an apostrophe."""
    header, table = _table(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in table:
        writer.writerow([f"'{cell}" if _looks_like_formula(cell) else cell for cell in row])
    return out.getvalue().encode("utf-8-sig")


def answer_key_xlsx(rows: Sequence[KeyRow]) -> bytes:
    """answer-key.xlsx: the same table, numbers as numbers, header row and id and name columns frozen."""
    header, table = _table(rows)
    book = Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME
    sheet = book.active
    sheet.title = "answer key"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(table, start=2):
        for column, value in enumerate(row, start=1):
            _set(sheet.cell(number, column), value, text=column <= 2)
    sheet.freeze_panes = "C2"
    for letter, width in (("A", 14), ("B", 28)):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    # Not ``book.save``: it stamps the workbook's modified time with the clock, and a merge of shards
    # made a minute after the full build would differ from it.
    ExcelWriter(book, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _without_clock_times(out.getvalue())


def _set(cell: Any, value: str, text: bool) -> None:
    """A number as a number; any other value as text, never as a formula (openpyxl reads ``=...`` as one)."""
    if not text and NUMBER.fullmatch(value):
        cell.value = int(value) if value.lstrip("-").isdigit() else float(value)
        return
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True


def _without_clock_times(xlsx: bytes) -> bytes:
    """The same archive with every member dated ``FIXED_TIME`` (zipfile stamps the time of writing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member))
    return out.getvalue()
