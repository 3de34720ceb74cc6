"""The issue's acceptance run: a 300-student class, every PDF opened and read back."""

import pytest
from pypdf import PdfReader

from generator.pipeline.build import build_class
from generator.pipeline.generate import Draw
from generator.pipeline.roster import Student

SHEET = "derivatives-and-entropy"

pytestmark = pytest.mark.stress  # half a minute: `make sweep` runs it


def test_300_students_each_pdf_carries_its_own_name_and_id(tmp_path):
    students = tuple(Student(f"id{i:04d}", f"Student Nummer {i} Müller") for i in range(300))
    report = build_class(SHEET, Draw(2026), students, tmp_path)
    assert report.students == 300
    for student in students:
        for kind in ("exercise", "solution"):
            reader = PdfReader(report.target / student.id / f"{SHEET}-{kind}.pdf")
            first_page = " ".join(reader.pages[0].extract_text().split())
            assert f"{student.name} ({student.id})" in first_page
