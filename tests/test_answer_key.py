"""The key for graders: a row per student, a column per answer named as grading names it, in CSV and xlsx."""

import csv
import io
import zipfile
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from generator.grading.key import load_build
from generator.grading.report import table
from generator.pipeline.answerkey import answer_cells, answer_key_csv, answer_key_xlsx
from generator.pipeline.build import Report, build_class
from generator.pipeline.generate import Draw
from generator.pipeline.project import Project
from generator.pipeline.registry import families
from generator.pipeline.roster import Student

ROWS = [
    ("s1", "Émilie du Châtelet", [("1.a", "-3*log(3)/5 + log(5)"), ("1.b", "-2"), ("1.c", "0.9503")]),
    ("s2", "Wang Li", [("1.a", "=1+1"), ("1.b", "3/2"), ("1.d", "@x")]),
    ("0042", '=HYPERLINK("http://x.example")', [("1.b", "-0.5000")]),
]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_answer_cells_name_columns_as_grading_does_and_round_decimals():
    answers = {"derivatives": ["2*x", "0.333333333333333*x"], "decimal": "0.950270539233235", "big": "1234567.891"}
    cells = list(answer_cells("1.3a", ["derivatives", "decimal", "big"], answers))
    assert cells == [
        ("1.3a.derivatives.1", "2*x"),
        ("1.3a.derivatives.2", "0.3333*x"),
        ("1.3a.decimal", "0.9503"),
        ("1.3a.big", "1.235e+06"),
    ]
    assert list(answer_cells("2", ["p"], {"p": "1.03000000000000"})) == [("2.p", "1.030")]


def test_csv_is_utf8_with_a_byte_order_mark_one_row_per_student():
    content = answer_key_csv(ROWS)
    assert content.startswith(b"\xef\xbb\xbfid,name,1.a,1.b,1.c,1.d\n")
    assert csv_rows(content)[1:] == [
        ["s1", "Émilie du Châtelet", "'-3*log(3)/5 + log(5)", "-2", "0.9503", ""],
        ["s2", "Wang Li", "'=1+1", "3/2", "", "'@x"],
        ["0042", '\'=HYPERLINK("http://x.example")', "", "-0.5000", "", ""],
    ]


def test_xlsx_holds_the_same_table_as_text_and_numbers_never_formulas():
    book = load_workbook(io.BytesIO(answer_key_xlsx(ROWS)))
    sheet = book.active
    assert sheet.freeze_panes == "C2"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["id", "name", "1.a", "1.b", "1.c", "1.d"],
        ["s1", "Émilie du Châtelet", "-3*log(3)/5 + log(5)", -2, 0.9503, None],
        ["s2", "Wang Li", "=1+1", "3/2", None, "@x"],
        ["0042", '=HYPERLINK("http://x.example")', None, -0.5, None, None],
    ]
    assert sheet["C3"].data_type == "s" and sheet["C3"].quotePrefix
    assert sheet["A4"].data_type == "s" and sheet["B4"].data_type == "s" and sheet["B4"].quotePrefix


def test_xlsx_bytes_depend_only_on_the_rows():
    first = answer_key_xlsx(ROWS)
    assert first == answer_key_xlsx(ROWS)
    dates = {member.date_time for member in zipfile.ZipFile(io.BytesIO(first)).infolist()}
    assert dates == {(2000, 1, 1, 0, 0, 0)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    students = (Student("s1", "Ada Lovelace"), Student("s2", "Émilie du Châtelet"))
    return build_class("dl-exercise-sheet-1", Draw(5), students, tmp_path_factory.mktemp("class")).target


def test_a_class_key_has_a_row_per_student_and_the_grading_columns(built):
    rows = csv_rows((built / "answer-key.csv").read_bytes())
    build = load_build(built, families(), Project())
    assert rows[0] == ["id", "name", *build.columns]
    assert [row[:2] for row in rows[1:]] == [["s1", "Ada Lovelace"], ["s2", "Émilie du Châtelet"]]
    assert all(len(cell) < 200 for row in rows for cell in row)
    sheet = load_workbook(built / "answer-key.xlsx").active
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert sheet.max_row == 3


@pytest.mark.parametrize(("count", "words"), [(1, "1 student"), (2, "2 students")])
def test_counts_of_students_read_right(tmp_path, count, words):
    assert Report(tmp_path, count).lines()[0] == f"built {tmp_path} for {words}"
    graded = [SimpleNamespace(total=3.0, answers=())] * count
    assert table([], graded)[-1].startswith(f"{words}, total points: mean 3.00")
