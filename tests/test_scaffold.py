"""``sheets new``: the skeleton it writes is a family that shows, passes ``sheets check`` and its own test."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import SheetError
from generator.scaffold import PROJECT_ROOT, new_family

SHEETS = [sys.executable, "-m", "generator"]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the project to add the family to: other tests, on other workers, read the real one meanwhile."""
    copy = tmp_path / "checkout"
    skipped = shutil.ignore_patterns(".*", "build", "docs", "bench", "__pycache__", "*.egg-info")
    shutil.copytree(PROJECT_ROOT, copy, ignore=skipped)
    return copy


def run(checkout: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=checkout, capture_output=True, text=True, timeout=600)


def test_a_new_family_shows_checks_and_passes_its_test(checkout):
    name = "scaffold-probe"
    result = run(checkout, *SHEETS, "new", name)
    assert result.returncode == 0, result.stderr
    written = [checkout / line.split(" ", 1)[1] for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert {path.name for path in written} == {"scaffold_probe.py", "scaffold-probe.tex.j2", "test_scaffold_probe.py"}
    assert len(written[0].read_text().splitlines()) < 80
    shown = run(checkout, *SHEETS, "show", name, "--seed", "1")
    assert shown.returncode == 0 and "f'(x)" in shown.stdout, shown.stderr
    checked = run(checkout, *SHEETS, "check", name, "--seeds", "200")
    assert checked.returncode == 0 and " ok " in checked.stdout, checked.stdout + checked.stderr
    tested = run(checkout, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(written[2]))
    assert tested.returncode == 0, tested.stdout


@pytest.mark.parametrize("name", ["Tangent_Line", "entropy", "x y", "-lead"])
def test_bad_or_taken_names_write_nothing(name, tmp_path: Path):
    for folder in ("problems", "templates/problems", "tests/problems"):
        (tmp_path / folder).mkdir(parents=True)
    with pytest.raises(SheetError):
        new_family(name, tmp_path, {"entropy"})
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]
