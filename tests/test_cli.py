"""The CLI as users and pipelines run it: clear one-line errors, no tracebacks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from tests.conftest import MINIMAL_SHEET, pdf_text

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_list_shows_families_options_and_sheets():
    result = run("list")
    assert result.exit_code == 0
    assert "derivative: Derivatives of univariate functions" in result.output
    assert "level: integer 1..3 (default 2)" in result.output
    assert "derivatives-and-entropy: Derivatives and Entropy" in result.output


def test_show_prints_statement_and_solution_as_text():
    result = run("show", "entropy", "--canonical", "dl-sheet1-5a")
    assert result.exit_code == 0, result.output
    assert "Statement:" in result.output and "Solution:" in result.output
    assert "\\log 3" in result.output and "1.0986" in result.output


def test_show_accepts_options():
    result = run("show", "derivative", "--seed", "5", "-o", "level=1", "-o", "count=2")
    assert result.exit_code == 0, result.output
    assert "f_2(x)" in result.output


def test_build_writes_into_the_output_directory(tmp_path, write_sheet):
    sheets = write_sheet("tiny", MINIMAL_SHEET)
    result = run("build", "--seed", "3", "--out", str(tmp_path / "out"), "--sheet-dir", str(sheets))
    assert result.exit_code == 0, result.output
    assert "Sheet code 0003" in pdf_text(tmp_path / "out" / "tiny" / "seed-3" / "tiny-exercise.pdf")


@pytest.mark.parametrize(
    ("args", "sheet_text", "message"),
    [
        (["--seed", "abc"], MINIMAL_SHEET, "error: seed must be a non-negative integer or 'canonical', got 'abc'"),
        (["--seed", "-1"], MINIMAL_SHEET, "error: seed must be a non-negative integer"),
        ([], MINIMAL_SHEET, "error: give --seed N"),
        (["--seed", "1", "nosuch"], MINIMAL_SHEET, "error: unknown sheet 'nosuch' (known sheets: tiny)"),
        (["--seed", "1"], MINIMAL_SHEET.replace('"derivative"', '"derivativ"'), "unknown family 'derivativ'"),
        (["--seed", "1"], MINIMAL_SHEET.replace("count = 3", "count = 0"), "option 'count' must be between 1 and 6"),
        (["--seed", "1"], MINIMAL_SHEET + "[[[", "malformed TOML"),
    ],
)
def test_bad_input_gives_one_clear_line_and_writes_nothing(tmp_path, write_sheet, args, sheet_text, message):
    sheets = write_sheet("tiny", sheet_text)
    out = tmp_path / "out"
    result = run("build", *args, "--out", str(out), "--sheet-dir", str(sheets))
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_show_unknown_family_is_a_clear_error():
    result = run("show", "nosuch")
    assert result.exit_code == 1 and result.output.startswith("error: unknown family or sheet 'nosuch'")


def test_module_entry_point_reports_errors_without_traceback():
    process = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--seed", "x1"], capture_output=True, text=True, timeout=60
    )
    assert process.returncode == 1
    assert process.stderr.strip() == "error: seed must be a non-negative integer or 'canonical', got 'x1'"
    assert process.stdout == ""


def test_every_command_has_help():
    for command in ("build", "list", "show"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_make_sheets_passes_one_student_through():
    """`make sheets ... STUDENT=id` rebuilds one student: the make target hands it to the CLI."""
    if not shutil.which("make"):
        pytest.skip("no make here")
    root = Path(__file__).resolve().parents[1]
    dry = subprocess.run(
        ["make", "-n", "sheets", "SEED=3", "SHEET=x", "ROSTER=r.csv", "STUDENT=s2"], cwd=root, capture_output=True, text=True, check=True
    )
    build = next(line for line in dry.stdout.splitlines() if "sheets build" in line)
    assert "--roster r.csv" in build and "--student s2" in build


def test_show_previews_a_whole_sheet_as_readable_text():
    result = CliRunner().invoke(app, ["show", "dl-exercise-sheet-1", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.count("=== ") == 8 and "Solution:" in result.output
    assert "[chart]" in result.output and "(0,0)" not in result.output  # no picture coordinates
    assert "\n\n\n" not in result.output


def test_show_of_an_unknown_name_suggests_a_family_or_sheet():
    result = CliRunner().invoke(app, ["show", "entropi"])
    assert result.exit_code == 1 and "did you mean 'entropy'?" in result.output
