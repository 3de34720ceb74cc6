"""The bad-input table of the README, case by case, through the real CLI process.

Each case: one clear ``error:`` line on stderr, exit status 1, no traceback,
nothing written.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline.templating import TEMPLATE_DIR
from tests.conftest import MINIMAL_SHEET


def sheets(*args, env=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=cwd or Path(__file__).resolve().parent.parent,
    )


def assert_clear_failure(process, message, out: Path):
    assert process.returncode == 1
    assert process.stderr.startswith("error: ") and message in process.stderr, process.stderr
    assert len(process.stderr.strip().splitlines()) == 1
    assert "Traceback" not in process.stderr + process.stdout
    assert not out.exists() or not any(out.rglob("*.pdf"))


def test_unwritable_output_directory(tmp_path, write_sheet):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = blocker / "build"
    process = sheets("build", "--seed", "1", "--sheet-dir", str(write_sheet("tiny", MINIMAL_SHEET)), "--out", str(out))
    assert_clear_failure(process, f"cannot write to {out}: {blocker} is not a directory", out)


def test_missing_tex(tmp_path, write_sheet):
    bare_path = tmp_path / "bin"
    bare_path.mkdir()
    env = {**os.environ, "PATH": str(bare_path)}
    out = tmp_path / "out"
    process = sheets("build", "--seed", "1", "--sheet-dir", str(write_sheet("tiny", MINIMAL_SHEET)), "--out", str(out), env=env)
    assert_clear_failure(process, "pdflatex not found: run 'make tex'", out)


@pytest.mark.parametrize("students", [0, 20], ids=["one sheet", "a class"])
def test_tex_error_in_a_user_edited_template(tmp_path, write_sheet, students):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, templates)
    edited = templates / "problems" / "derivative.tex.j2"
    edited.write_text(edited.read_text().replace("Compute the derivatives", r"\badmacro Compute the derivatives"))
    roster = tmp_path / "students.csv"
    roster.write_text("id,name\n" + "".join(f"s{i},Student {i}\n" for i in range(students)))
    out = tmp_path / "out"
    process = sheets(
        "build", "--seed", "1", "--sheet-dir", str(write_sheet("tiny", MINIMAL_SHEET)),
        "--template-dir", str(templates), "--out", str(out), *(("--roster", str(roster)) if students else ()),
    )
    assert_clear_failure(process, "TeX error: Undefined control sequence.", out)
    assert "(in part 1, family derivative, template templates/problems/derivative.tex.j2)" in process.stderr


def test_jinja_error_in_a_user_edited_template(tmp_path, write_sheet):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, templates)
    edited = templates / "problems" / "derivative.tex.j2"
    edited.write_text(edited.read_text().replace("<< f|tex >>", "<< g|tex >>"))
    out = tmp_path / "out"
    process = sheets(
        "build", "--seed", "1", "--sheet-dir", str(write_sheet("tiny", MINIMAL_SHEET)),
        "--template-dir", str(templates), "--out", str(out),
    )
    assert_clear_failure(process, "templates/problems/derivative.tex.j2", out)
    assert "'g' is undefined" in process.stderr


@pytest.mark.parametrize(
    ("template", "edit", "message"),
    [
        ("sheet.tex.j2", lambda text: text.replace("\\begin{document}", "<% if %>\n\\begin{document}"), "Expected an expression"),
        ("sheet.tex.j2", lambda text: text.replace("\\begin{document}", "<< nosuch >>\n\\begin{document}"), "'nosuch' is undefined"),
        ("sheet.tex.j2", lambda text: text.replace("\\begin{document}", "<# caf\udce9 #>\n\\begin{document}"), "not UTF-8 text (byte 0xe9)"),
        ("macros/steps.tex.j2", lambda text: text.replace("<% macro reason(why, beside=none) %>", "<% macro reason(why, beside=none) %><< nosuch >>"), "'nosuch' is undefined"),
        ("macros/steps.tex.j2", lambda text: text.replace("<% macro reason(why, beside=none) %>", "<# caf\udce9 #><% macro reason(why, beside=none) %>"), "not UTF-8 text (byte 0xe9)"),
    ],
    ids=["layout syntax", "layout undefined name", "layout not UTF-8", "imported macro undefined name", "imported macro not UTF-8"],
)
def test_template_errors_name_the_file_and_line(tmp_path, write_sheet, template, edit, message):
    """The layout an instructor edits first, and the macros every family imports: one line naming where, as for a family's template."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, templates)
    edited = templates / template
    original = edited.read_text(encoding="utf-8")
    changed = edit(original)
    assert changed != original
    edited.write_bytes(changed.encode("utf-8", errors="surrogateescape"))  # \udce9: the byte 0xe9 alone, as Latin-1 saves é
    line = changed.splitlines().index(next(row for row in changed.splitlines() if row not in original.splitlines())) + 1
    out = tmp_path / "out"
    process = sheets(
        "build", "--seed", "1", "--sheet-dir", str(write_sheet("tiny", MINIMAL_SHEET)),
        "--template-dir", str(templates), "--out", str(out),
    )
    assert_clear_failure(process, f"templates/{template}:{line}: template error: ", out)
    assert message in process.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "nosuch", "--seed", "1"], "unknown sheet 'nosuch'"),
        (["build", "--seed", "one"], "seed must be a non-negative integer or 'canonical', got 'one'"),
        (["build", "idl-math-backgrond", "--seed", "1"], "unknown sheet 'idl-math-backgrond' — did you mean 'idl-math-background'?"),
        (["check", "nosuch"], "unknown family 'nosuch' (known families: "),
        (["check", "derivativ"], "unknown family 'derivativ' — did you mean 'derivative'?"),
        (
            ["check", "quadratic-form", "differential-entropy", "-o", "direction=sum-to-matrix", "--seeds", "1"],
            "family differential-entropy: unknown option 'direction' — did you mean 'distribution'?",
        ),
        (["show", "derivativ"], "unknown family or sheet 'derivativ' — did you mean 'derivative'?"),
        (["show", "derivative", "-o", "level=9"], "option 'level' must be between 1 and 3, got 9"),
        (["show", "derivative", "-o", "colour=red"], "unknown option 'colour'"),
        (["show", "derivative", "-o", "levl=2"], "unknown option 'levl' — did you mean 'level'?"),
        (["merge", "build/nosuch/seed-1"], "build/nosuch/seed-1 is not a folder: give the folder the shards were built into"),
    ],
)
def test_cli_argument_mistakes(tmp_path, args, message):
    assert_clear_failure(sheets(*args), message, tmp_path / "none")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t + '[[exercise.part]]\nfamily = "cross-entropy-kl"\noptions = { restate = false }\n',
            (
                "tiny.toml: exercise 1, part 2 (1b): cross-entropy-kl with restate = false needs same_draw_as a part of"
                " family entropy with count >= 2 and the same outcomes and the same unit (P_X and P_Y are printed there); it has no same_draw_as"
            ),
        ),
        (lambda t: t.replace("points = 2", "points = 2.25"), "'points' must be whole or a half, such as 2 or 2.5, got 2.25"),
        (lambda t: t.replace('"Tiny"', '"\\alpha"'), "malformed TOML: Unescaped '\\' in a string (at line 2, column 12); write text with backslashes in single quotes"),
        (lambda t: t.replace('"Tiny"', '"\\theta"'), "'title' contains a tab (\\t); write text with backslashes in single quotes"),
        (lambda t: t.replace('family = "derivative"', 'family = "derivativ"'), "unknown family 'derivativ' — did you mean 'derivative'?"),
    ],
    ids=["a part refers to one the sheet lacks", "quarter points", "backslash", "tab from a backslash", "misspelt family"],
)
def test_sheet_mistakes(tmp_path, write_sheet, edit, message):
    out = tmp_path / "out"
    process = sheets("build", "--seed", "1", "--sheet-dir", str(write_sheet("tiny", edit(MINIMAL_SHEET))), "--out", str(out))
    assert_clear_failure(process, message, out)


@pytest.mark.parametrize(
    ("roster", "options", "message"),
    [
        ("Vorname;Nachname\nJürgen;Müller\n".encode("cp1252"), [], "not UTF-8 text (save as CSV UTF-8, or pass --encoding cp1252)"),
        (b"id,name\ns1,Ada\n", ["--encoding", "klingon"], "--encoding 'klingon' is not an encoding Python knows"),
        (b"Matrikel,name\n1001,Ada\n", [], "row 1: missing column 'id' (found: matrikel, name); name yours with --id-column"),
        (b"id,name\ns1,Ada\n", ["--id-column", "Matrikel"], "row 1: no column 'Matrikel' (--id-column; found: id, name)"),
        (b"id,Vorname\ns1,Ada\n", [], "or give first-name and last-name columns"),
    ],
    ids=["a cp1252 file", "an unknown encoding", "no id column", "a misnamed --id-column", "a first name alone"],
)
def test_roster_mistakes(tmp_path, write_sheet, roster, options, message):
    path = tmp_path / "students.csv"
    path.write_bytes(roster)
    out = tmp_path / "out"
    sheet_dir = str(write_sheet("tiny", MINIMAL_SHEET))
    process = sheets("build", "--seed", "1", "--sheet-dir", sheet_dir, "--out", str(out), "--roster", str(path), *options)
    assert_clear_failure(process, message, out)


def test_a_name_that_cannot_print_is_a_warning_and_the_class_is_built(tmp_path, write_sheet):
    path = tmp_path / "students.csv"
    path.write_text("id,name\ns1,Ada Lovelace\ns2,שרה כהן\ns3,Anna ☃\n", encoding="utf-8")
    out = tmp_path / "out"
    sheet_dir = str(write_sheet("tiny", MINIMAL_SHEET))
    process = sheets("build", "--seed", "1", "--sheet-dir", sheet_dir, "--out", str(out), "--roster", str(path))
    assert process.returncode == 0, process.stderr
    assert process.stderr.splitlines() == [
        f"warning: {path}: row 3: name contains 'ש' (U+05E9, right-to-left), which pdfLaTeX cannot print; "
        "the sheets of 's2' show the id instead",
        f"warning: {path}: row 4: name contains '☃' (U+2603), which pdfLaTeX cannot print; "
        "the sheets of 's3' show the id instead",
    ]
    assert all((out / "tiny" / "seed-1" / s / "tiny-exercise.pdf").exists() for s in ("s1", "s2", "s3"))


def test_one_bad_sheet_does_not_stop_the_others(tmp_path, write_sheet):
    write_sheet("good", MINIMAL_SHEET)
    sheet_dir = write_sheet("bad", MINIMAL_SHEET.replace('family = "derivative"', 'family = "derivativ"'))
    process = sheets("build", "--seed", "3", "--sheet-dir", str(sheet_dir), "--out", str(tmp_path / "out"))
    assert process.returncode == 1
    assert "did you mean 'derivative'" in process.stderr and "1 of 2 sheets failed (bad)" in process.stderr
    assert "Traceback" not in process.stderr
    assert (tmp_path / "out" / "good" / "seed-3" / "good-solution.pdf").exists()
    assert not (tmp_path / "out" / "bad").exists()


def test_a_canonical_build_of_every_sheet_skips_those_without_canonical_instances(tmp_path, write_sheet):
    write_sheet("original", MINIMAL_SHEET)
    sheet_dir = write_sheet("fresh", MINIMAL_SHEET.replace('canonical = "idl-math-background-1.3a"\n', ""))
    process = sheets("build", "--canonical", "--sheet-dir", str(sheet_dir), "--out", str(tmp_path / "out"))
    assert process.returncode == 0, process.stderr
    assert "skipped fresh: it has no canonical instances" in process.stdout
    assert (tmp_path / "out" / "original" / "canonical" / "original-solution.pdf").exists()
