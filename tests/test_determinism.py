"""The same seed and student give the same sheet in any process: string hashing, SymPy's cache size."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import hashlib
from generator.pipeline.build import generate_instance
from generator.pipeline.generate import Draw
from generator.pipeline.project import Project
from generator.pipeline.roster import Student

project = Project()
for name in ("idl-math-background", "dl-exercise-sheet-1", "derivatives-and-entropy"):
    sheet = project.load_sheet(name)
    for student in (Student("s1", "A"), Student("s2", "B"), Student("s1", "A")):
        s = generate_instance((sheet, Draw(7, student.id), student, project))
        print(name, student.id, hashlib.sha256(repr((s.exercises, s.problems, s.key_cells)).encode()).hexdigest())
"""


def _sheets_in_a_fresh_process(**environment: str) -> str:
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def test_sheets_do_not_depend_on_string_hashing_or_sympys_cache_size():
    """SymPy's default cache (1,000 results per function) against the project's (50,000), and two hash seeds;
    student s1 is built first on cold caches and again on warm ones."""
    small = _sheets_in_a_fresh_process(PYTHONHASHSEED="1", SYMPY_CACHE_SIZE="1000").splitlines()
    large = _sheets_in_a_fresh_process(PYTHONHASHSEED="2").splitlines()
    assert len(small) == 9
    assert small == large
    for cold, other, warm in zip(*[iter(small)] * 3):
        assert cold == warm != other
