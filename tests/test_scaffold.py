"""``sheets new``: the skeleton it writes is a family that shows, passes ``sheets check`` and its own test."""

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import SheetError
from generator.scaffold import PROJECT_ROOT, new_family

SHEETS = [sys.executable, "-m", "generator"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture
def scaffolded():
    name = "scaffold-probe"
    written = []
    try:
        result = run(*SHEETS, "new", name)
        written = [PROJECT_ROOT / line.split(" ", 1)[1] for line in result.stdout.splitlines() if line.startswith("wrote ")]
        assert result.returncode == 0, result.stderr
        yield name, written
    finally:
        for path in written:
            path.unlink(missing_ok=True)


def test_a_new_family_shows_checks_and_passes_its_test(scaffolded):
    name, written = scaffolded
    assert {path.name for path in written} == {"scaffold_probe.py", "scaffold-probe.tex.j2", "test_scaffold_probe.py"}
    assert len(written[0].read_text().splitlines()) < 80
    shown = run(*SHEETS, "show", name, "--seed", "1")
    assert shown.returncode == 0 and "f'(x)" in shown.stdout, shown.stderr
    checked = run(*SHEETS, "check", name, "--seeds", "200")
    assert checked.returncode == 0 and " ok " in checked.stdout, checked.stdout + checked.stderr
    tested = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(written[2]))
    assert tested.returncode == 0, tested.stdout


@pytest.mark.parametrize("name", ["Tangent_Line", "entropy", "x y", "-lead"])
def test_bad_or_taken_names_write_nothing(name, tmp_path: Path):
    for folder in ("problems", "templates/problems", "tests/problems"):
        (tmp_path / folder).mkdir(parents=True)
    with pytest.raises(SheetError):
        new_family(name, tmp_path, {"entropy"})
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]
