"""The variant cache (``generator/pipeline/cache.py``): a cached build is the uncached build, byte for byte.

Builds are real (TeX, every file read back as bytes) and run in their own processes on a copy of the
project whose files are a day old: the cache caches nothing for code changed within the last minute
(``cache.SETTLED``), and this tree is edited while the tests run. Every build names its own cache
directory; the one test that runs in this process (unpickled variants print as generated ones)
needs no directory at all.
"""

import dataclasses
import os
import pickle
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sympy
from typer.testing import CliRunner

from generator import speed
from generator.check.stress import option_sweep
from generator.cli import app
from generator.kit.family import field_names
from generator.kit.language import Reason
from generator.pipeline import cache
from generator.pipeline.build import generate_instance
from generator.pipeline.compile import Compiled
from generator.pipeline.generate import Checked, Draw, canonical_variant, variant_for_seed
from generator.pipeline.project import Project
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.roster import stable_bucket
from generator.pipeline.templating import environment

ROOT = Path(__file__).resolve().parent.parent
SHEET = "derivatives-and-entropy"
WARNING = "warning: "
DAY = 24 * 3600


def copy_project(target: Path, source: Path = ROOT) -> Path:
    """The code, templates, sheets and catalogues of ``source`` (this tree), every file dated a day back."""
    for part in ("generator", "problems", "templates", "sheets", "locale"):
        shutil.copytree(source / part, target / part, ignore=shutil.ignore_patterns("__pycache__"))
    age_files(target)
    return target


def age_files(directory: Path) -> None:
    old = time.time() - DAY
    for path in directory.rglob("*"):
        os.utime(path, (old, old))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


def sheets(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``sheets ARGS`` run from the copy ``project`` (the code there, not this tree's), the cache switched on."""
    environment = {key: value for key, value in os.environ.items() if key != "SHEETS_NO_CACHE"} | env
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=project, env=environment, capture_output=True, text=True, timeout=900
    )


def built(project: Path, out: Path, *args: str, **env: str) -> dict[str, bytes]:
    """Every file a successful, silent build writes into ``out``, by path."""
    process = sheets(project, "build", *args, "--out", str(out), "--quiet", **env)
    assert process.returncode == 0 and process.stderr == "", process.stderr
    return files(out)


def files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def counted(directory: Path) -> cache.Info:
    return cache.describe(directory)


def roster(path: Path, size: int) -> Path:
    path.write_text("id,name\n" + "".join(f"s{i:02d},Schülerin {i}\n" for i in range(size)), encoding="utf-8")
    return path


@pytest.mark.parametrize("draw", [["--canonical"], ["--seed", "5"]], ids=["canonical", "seeded"])
def test_every_reference_sheet_is_the_same_cached_cold_and_warm(project, tmp_path, draw):
    uncached = built(project, tmp_path / "uncached", *draw, "--no-cache")
    cold = built(project, tmp_path / "cold", *draw, "--cache-dir", str(tmp_path / "cache"))
    filled = counted(tmp_path / "cache")
    warm = built(project, tmp_path / "warm", *draw, "--cache-dir", str(tmp_path / "cache"))
    again = counted(tmp_path / "cache")
    assert len(uncached) > 8 and any(name.endswith(".pdf") for name in uncached)
    assert cold == uncached
    assert warm == uncached
    # (sheets sharing a canonical instance hit already); two documents per sheet, typeset and kept
    assert filled.entries > 0 and filled.misses + filled.typeset == filled.entries and filled.typeset == len(uncached) // 5 * 2
    assert again.misses == filled.misses and again.hits > filled.hits  # the rebuild generated nothing
    assert again.reused == filled.typeset and again.typeset == filled.typeset  # and typeset nothing
    assert again.entries == filled.entries


def test_a_class_in_german_is_the_same_cached(project, tmp_path):
    args = ["idl-math-background", "--seed", "3", "--roster", str(roster(tmp_path / "class.csv", 10))]
    args += ["--language", "de", "--groups", "2"]
    uncached = built(project, tmp_path / "uncached", *args, "--no-cache")
    built(project, tmp_path / "cold", *args, "--cache-dir", str(tmp_path / "cache"))
    warm = built(project, tmp_path / "warm", *args, "--cache-dir", str(tmp_path / "cache"))
    assert warm == uncached
    assert {"answers.json", "answer-key.csv", "answer-key.xlsx", "solutions-all.pdf"} <= {
        Path(name).name for name in warm
    }
    assert counted(tmp_path / "cache").hits > 0


def test_a_unique_class_is_the_same_cached_and_its_rebuild_samples_nothing(project, tmp_path):
    """``--unique`` compares every student's draws before the build: those are kept too, and a rebuild finds them."""
    args = ["idl-math-background", "--seed", "3", "--roster", str(roster(tmp_path / "class.csv", 12)), "--unique", "--groups", "2"]
    process = sheets(project, "build", *args, "--out", str(tmp_path / "uncached"), "--no-cache")
    assert process.returncode == 0 and process.stderr == "", process.stderr
    redrawn = re.search(r"--unique: (\d+) problems? drawn again", process.stdout)
    assert redrawn and int(redrawn.group(1)) > 0, process.stdout
    store = str(tmp_path / "cache")
    cold = built(project, tmp_path / "cold", *args, "--cache-dir", store)
    filled = counted(tmp_path / "cache")
    warm = built(project, tmp_path / "warm", *args, "--cache-dir", store)
    again = counted(tmp_path / "cache")
    assert cold == files(tmp_path / "uncached") and warm == cold
    assert (again.misses, again.entries) == (filled.misses, filled.entries) and again.hits > filled.hits


def test_a_changed_family_source_misses_and_shows(project, tmp_path):
    """Two canonical pmfs swapped in the entropy family's source: the build from the edited code prints them
    swapped, as an uncached build does, though the cache holds the original's variants."""
    store = str(tmp_path / "cache")
    original = built(project, tmp_path / "original", SHEET, "--canonical", "--cache-dir", store)
    edited = copy_project(tmp_path / "edited", project)
    source = edited / "problems" / "entropy.py"
    text = source.read_text(encoding="utf-8")
    assert text.count('Params(SHEET1_PMFS, "nats")') == 1
    source.write_text(text.replace('Params(SHEET1_PMFS, "nats")', 'Params(SHEET1_PMFS[::-1], "nats")'), encoding="utf-8")
    age_files(edited)
    before = counted(tmp_path / "cache")
    changed = built(edited, tmp_path / "changed", SHEET, "--canonical", "--cache-dir", store)
    after = counted(tmp_path / "cache")
    assert changed == built(edited, tmp_path / "uncached", SHEET, "--canonical", "--no-cache")
    assert changed != original
    assert changed[f"{SHEET}/canonical/answers.json"] != original[f"{SHEET}/canonical/answers.json"]
    assert after.hits - before.hits > 0  # the derivative part, whose source did not change, was found
    assert after.misses - before.misses > 0  # the entropy part was not


def test_a_changed_kit_source_misses_everything(project, tmp_path):
    store = str(tmp_path / "cache")
    built(project, tmp_path / "first", SHEET, "--seed", "4", "--cache-dir", store)
    edited = copy_project(tmp_path / "edited", project)
    with (edited / "generator" / "kit" / "printing.py").open("a", encoding="utf-8") as source:
        source.write("\n# a comment changes the kit's source, and so every key\n")
    age_files(edited)
    before = counted(tmp_path / "cache")
    built(edited, tmp_path / "second", SHEET, "--seed", "4", "--cache-dir", store)
    after = counted(tmp_path / "cache")
    assert after.hits == before.hits and after.misses > before.misses


def test_a_changed_template_shows_as_without_the_cache(project, tmp_path):
    templates = tmp_path / "templates" / "problems"
    templates.mkdir(parents=True)
    entropy = (project / "templates" / "problems" / "entropy.tex.j2").read_text(encoding="utf-8")
    assert "Compute" in entropy
    (templates / "entropy.tex.j2").write_text(entropy.replace("Compute", "Work out"), encoding="utf-8")
    store = str(tmp_path / "cache")
    plain = built(project, tmp_path / "plain", SHEET, "--seed", "6", "--cache-dir", store)
    args = [SHEET, "--seed", "6", "--template-dir", str(tmp_path / "templates")]
    changed = built(project, tmp_path / "changed", *args, "--cache-dir", store)
    assert changed == built(project, tmp_path / "uncached", *args, "--no-cache")
    source = f"{SHEET}/seed-6/{SHEET}-exercise.tex"
    assert b"Work out" in changed[source] and b"Work out" not in plain[source]


EDITS = {
    "a part template": ("templates/problems/entropy.tex.j2", "Compute", "Work out", "Work out"),
    "a macro a part template imports": ("templates/macros/steps.tex.j2", r"\mbox{<< why|reason >>}", r"\mbox{\upshape << why|reason >>}", r"\mbox{\upshape "),
    "the catalogue": (
        "locale/de/LC_MESSAGES/messages.po",
        'msgid "nats"\nmsgstr "nat"',
        'msgid "nats"\nmsgstr "nat (Basis e)"',
        "nat (Basis e)",
    ),
}
"""(file, text, its replacement, what the solution then shows)."""


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_changed_part_template_misses_its_instances_and_shows(project, tmp_path, edit):
    """The rendered instances are filed under their part templates, what those import and the catalogue: one of
    them edited (and a day old, so that the cache is used) renders anew from the cached variants, as without the cache."""
    path, before, after, shown = edit
    args = [SHEET, "--seed", "6", "--language", "de"]
    store = str(tmp_path / "cache")
    original = built(project, tmp_path / "original", *args, "--cache-dir", store)
    edited = copy_project(tmp_path / "edited", project)
    text = (edited / path).read_text(encoding="utf-8")
    assert before in text
    (edited / path).write_text(text.replace(before, after), encoding="utf-8")
    age_files(edited)
    filled = counted(tmp_path / "cache")
    changed = built(edited, tmp_path / "changed", *args, "--cache-dir", store)
    again = counted(tmp_path / "cache")
    assert changed == built(edited, tmp_path / "uncached", *args, "--no-cache")
    tex = f"{SHEET}/seed-6/{SHEET}-solution.tex"
    assert shown.encode() in changed[tex] and shown.encode() not in original[tex]
    assert again.misses == filled.misses + 1  # the instance, rendered again ...
    assert again.hits > filled.hits  # ... from the variants, which no edit concerns


@pytest.mark.parametrize("broken", ["<% if %>", "<% from 'macros/no-such-file.tex.j2' import steps %>"], ids=["syntax", "missing import"])
def test_a_broken_part_template_is_the_same_error_with_the_cache(project, tmp_path, broken):
    """Filing a rendered instance reads its templates: one that Jinja cannot read fails the build as it would
    without the cache, naming the template, never with a traceback."""
    templates = tmp_path / "templates" / "problems"
    templates.mkdir(parents=True)
    entropy = (project / "templates" / "problems" / "entropy.tex.j2").read_text(encoding="utf-8")
    (templates / "entropy.tex.j2").write_text(broken + "\n" + entropy, encoding="utf-8")
    age_files(tmp_path / "templates")
    args = ["build", SHEET, "--seed", "2", "--template-dir", str(tmp_path / "templates")]
    cached = sheets(project, *args, "--out", str(tmp_path / "a"), "--cache-dir", str(tmp_path / "cache"))
    uncached = sheets(project, *args, "--out", str(tmp_path / "b"), "--no-cache")
    assert cached.returncode == uncached.returncode == 1
    assert cached.stderr.replace(str(tmp_path / "a"), "OUT") == uncached.stderr.replace(str(tmp_path / "b"), "OUT")
    assert "entropy.tex.j2" in cached.stderr and "Traceback" not in cached.stderr
    assert not (tmp_path / "a").exists()


def test_a_changed_layout_rebuilds_from_one_entry_per_student(project, tmp_path):
    """The sheet's layout changed (``sheet.tex.j2``, a day old: the page numbers now read "page 1"): every
    student's parts are read whole, one entry each, and the class is what it is without the cache."""
    layout = tmp_path / "templates" / "sheet.tex.j2"
    layout.parent.mkdir()
    text = (project / "templates" / "sheet.tex.j2").read_text(encoding="utf-8")
    assert text.count(r"\hfil\thepage\hfil") == 1
    layout.write_text(text.replace(r"\hfil\thepage\hfil", r"\hfil page \thepage\hfil"), encoding="utf-8")
    age_files(layout.parent)
    args = ["idl-math-background", "--seed", "8", "--roster", str(roster(tmp_path / "class.csv", 6)), "--groups", "2"]
    store = str(tmp_path / "cache")
    first = built(project, tmp_path / "first", *args, "--cache-dir", store)
    filled = counted(tmp_path / "cache")
    args += ["--template-dir", str(tmp_path / "templates")]
    rebuilt = built(project, tmp_path / "rebuilt", *args, "--cache-dir", store)
    again = counted(tmp_path / "cache")
    assert rebuilt == built(project, tmp_path / "uncached", *args, "--no-cache")
    pdfs = [name for name in first if name.endswith("-exercise.pdf")]
    assert len(pdfs) == 6 and all(rebuilt[name] != first[name] for name in pdfs)
    assert (again.hits - filled.hits, again.misses - filled.misses) == (6, 0)


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _overwritten(path: Path) -> None:
    path.write_bytes(b"this is not a database, it is a note" * 4 + path.read_bytes()[144:])


def _entry_changed(path: Path) -> None:
    """The rendered instance's entry, and then, as it is rendered again from its variants, one of those."""
    with sqlite3.connect(path) as db:
        for kind in ("origin LIKE 'sheet %'", "origin NOT LIKE 'sheet %'"):
            key, value = db.execute(f"SELECT key, value FROM variants WHERE {kind} LIMIT 1").fetchone()
            db.execute("UPDATE variants SET value = ? WHERE key = ?", (value[:-9] + b"corrupted", key))
    db.close()


@pytest.mark.parametrize("damage", [_truncated, _overwritten, _entry_changed], ids=["truncated", "not a database", "an entry"])
def test_a_damaged_cache_is_said_once_and_gives_the_same_sheet(project, tmp_path, damage):
    store = tmp_path / "cache"
    args = ["idl-math-background", "--seed", "2", "--cache-dir", str(store)]
    first = built(project, tmp_path / "first", *args)
    assert not (store / "variants.sqlite-wal").exists()  # the last connection folded the log into the file
    damage(store / "variants.sqlite")
    process = sheets(project, "build", *args, "--out", str(tmp_path / "second"), "--quiet")
    assert process.returncode == 0, process.stderr
    assert len(process.stderr.splitlines()) == 1 and process.stderr.startswith(WARNING), process.stderr
    assert "variant cache" in process.stderr and "damaged" in process.stderr and "Traceback" not in process.stderr
    assert files(tmp_path / "second") == first
    assert built(project, tmp_path / "third", *args) == first  # the file was built again, and is sound
    assert counted(store).entries > 0


def logged_tex(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose ``pdflatex`` notes each document it typesets in a log, then runs the real one."""
    directory, log = tmp_path / "bin", tmp_path / "tex.log"
    directory.mkdir()
    wrapper = directory / "pdflatex"
    wrapper.write_text(f'#!/bin/sh\nfor last; do :; done\necho "$last" >> {log}\nexec {shutil.which("pdflatex")} "$@"\n')
    wrapper.chmod(0o755)
    return {"PATH": f"{directory}{os.pathsep}{os.environ['PATH']}"}, log


def typeset_documents(log: Path) -> list[str]:
    """The documents typeset since the last look, and the log emptied."""
    documents = sorted(log.read_text().split()) if log.exists() else []
    log.unlink(missing_ok=True)
    return documents


def test_a_class_rebuilt_unchanged_runs_no_tex_and_one_student_more_only_their_groups(project, tmp_path):
    """Every document's PDF is kept under its source: built again, the class typesets nothing; with a student more,
    only the batches of that student's group (the others' sources are the same). Each build is the uncached build."""
    env, log = logged_tex(tmp_path)
    ids = [f"s{i:02d}" for i in range(8)]
    args = ["idl-math-background", "--seed", "4", "--groups", "2", "--cache-dir", str(tmp_path / "cache")]
    first = built(project, tmp_path / "first", *args, "--roster", str(roster(tmp_path / "class.csv", 8)), **env)
    assert typeset_documents(log) == [f"group-000{g}-{kind}.tex" for g in (0, 1) for kind in ("exercise", "solution")]
    again = built(project, tmp_path / "again", *args, "--roster", str(tmp_path / "class.csv"), **env)
    assert typeset_documents(log) == [] and again == first
    assert (counted(tmp_path / "cache").reused, counted(tmp_path / "cache").typeset) == (4, 4)
    bigger = roster(tmp_path / "bigger.csv", 9)
    newcomer = "s08"
    assert newcomer not in ids
    grown = built(project, tmp_path / "grown", *args, "--roster", str(bigger), **env)
    group = stable_bucket(newcomer, 2)
    assert typeset_documents(log) == [f"group-000{group}-{kind}.tex" for kind in ("exercise", "solution")]
    assert grown == built(project, tmp_path / "uncached", *args[:-2], "--roster", str(bigger), "--no-cache")
    assert all(grown[name] == first[name] for name in first if name.startswith(tuple(i for i in ids if stable_bucket(i, 2) != group)))


def test_a_kept_document_serves_only_the_same_job_under_the_same_tex_while_the_files_it_read_are_unchanged(
    tmp_path, monkeypatch
):
    """A TeX Live update (here: a package file rewritten) typesets again, and the new PDF is kept; so does a TeX that
    searches elsewhere (TEXINPUTS), another job name (``\\jobname``) or another source."""
    package = tmp_path / "texmf" / "some.sty"
    package.parent.mkdir()
    package.write_text("% a package\n")
    runs = []

    def typeset() -> Compiled:
        runs.append(1)
        return Compiled(f"PDF {len(runs)}".encode(), 1.5, installed_inputs_of(package))

    monkeypatch.delenv("TEXINPUTS", raising=False)
    store = cache.VariantCache.open(tmp_path / "cache")
    source = "\\documentclass{article}\\begin{document}x\\end{document}"
    assert store.kept_document("job", source, {}, typeset) == Compiled(b"PDF 1", 1.5, installed_inputs_of(package))
    store.flush()
    assert store.kept_document("job", source, {}, typeset) == Compiled(b"PDF 1", 0.0, installed_inputs_of(package))
    assert store.kept_document("job", source + " ", {}, typeset).pdf == b"PDF 2"
    assert store.kept_document("other-job", source, {}, typeset).pdf == b"PDF 3"
    monkeypatch.setenv("TEXINPUTS", str(package.parent) + "//:")
    assert store.kept_document("job", source, {}, typeset).pdf == b"PDF 4"
    monkeypatch.delenv("TEXINPUTS")
    store.flush()
    os.utime(package, ns=(package.stat().st_mtime_ns - 10**9, package.stat().st_mtime_ns - 10**9))
    assert store.kept_document("job", source, {}, typeset).pdf == b"PDF 5"
    store.flush()
    assert store.kept_document("job", source, {}, typeset).pdf == b"PDF 5" and len(runs) == 5
    store.close()


def installed_inputs_of(*paths: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(path), path.stat().st_size, path.stat().st_mtime_ns) for path in paths)


def test_a_build_opening_the_cache_while_another_makes_it_ready_waits_for_it(tmp_path, capsys):
    """SQLite fails a change of journal mode at once ("database is locked", no waiting) while another connection
    writes: two builds starting together on a new cache left one of them without it, now and then. Here the other
    build is a thread that holds the file as a build making it ready does, for a second; the build waits."""
    path = tmp_path / "cache" / cache.FILE_NAME
    path.parent.mkdir()
    holding, released = threading.Event(), []

    def another_build_making_it_ready() -> None:
        with cache.VariantCache(path)._locked():
            connection = sqlite3.connect(path, isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("CREATE TABLE early (x)")
            holding.set()
            time.sleep(1)
            connection.execute("COMMIT")
            connection.close()
            released.append(time.monotonic())

    other = threading.Thread(target=another_build_making_it_ready)
    other.start()
    holding.wait(10)
    store = cache.VariantCache.open(path.parent)
    opened = time.monotonic()
    other.join()
    assert store is not None and capsys.readouterr().err == ""
    assert released and opened >= released[0]  # it waited for the other build, not failed
    store.close()


@pytest.mark.stress
def test_two_builds_at_once_share_one_cache(project, tmp_path):
    store = str(tmp_path / "cache")
    args = ["idl-math-background", "--seed", "9", "--roster", str(roster(tmp_path / "class.csv", 24)), "--quiet"]
    environment = {key: value for key, value in os.environ.items() if key != "SHEETS_NO_CACHE"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "build", *args, "--out", str(tmp_path / name), "--cache-dir", store],
            cwd=project,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=900)
        assert run.returncode == 0 and stderr == "", stderr
    assert files(tmp_path / "a") == files(tmp_path / "b")
    with sqlite3.connect(Path(store) / "variants.sqlite") as db:
        assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
    db.close()
    assert built(project, tmp_path / "warm", *args, "--cache-dir", store) == files(tmp_path / "a")


def _held(store: Path) -> int:
    """Bytes the entries hold (what the limit counts)."""
    with sqlite3.connect(store / "variants.sqlite") as db:
        held = db.execute(f"SELECT sum({cache._ENTRY_BYTES}) FROM variants").fetchone()[0]
    db.close()
    return held


def test_a_cache_beyond_its_limit_keeps_its_newest_entries(project, tmp_path):
    """Four builds that hold more than SHEETS_CACHE_LIMIT_MB: the fourth first removes the oldest entries, down to
    three quarters of the limit; what it removed is generated again when asked for, and every sheet is the same."""
    store = tmp_path / "cache"
    firsts = {seed: built(project, tmp_path / f"seed-{seed}", SHEET, "--seed", seed, "--cache-dir", str(store)) for seed in "123"}
    three, file_size = _held(store), (store / "variants.sqlite").stat().st_size
    limit = three / 2
    env = {cache.LIMIT_VARIABLE: f"{limit / 1e6:.6f}"}
    fourth = built(project, tmp_path / "seed-4", SHEET, "--seed", "4", "--cache-dir", str(store), **env)
    after = counted(store)
    assert _held(store) <= 0.75 * limit + three / 3 * 1.5  # what was kept, and the fourth build's own
    assert (store / "variants.sqlite").stat().st_size < file_size  # the space given back (a file never shrinks by itself)
    assert built(project, tmp_path / "again-4", SHEET, "--seed", "4", "--cache-dir", str(store), **env) == fourth
    assert counted(store).misses == after.misses  # the newest entries were kept
    assert built(project, tmp_path / "again-1", SHEET, "--seed", "1", "--cache-dir", str(store), **env) == firsts["1"]
    assert counted(store).misses > after.misses  # the oldest were not


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf"])
def test_a_bad_cache_limit_is_one_error(project, tmp_path, value):
    process = sheets(project, "build", SHEET, "--seed", "1", "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c"), SHEETS_CACHE_LIMIT_MB=value)
    assert process.returncode == 1 and process.stderr.strip() == (
        f"error: SHEETS_CACHE_LIMIT_MB must be a positive number of megabytes, got {value!r}"
    ), process.stderr
    assert not (tmp_path / "out").exists()


def test_a_template_saved_during_a_build_is_not_filed(tmp_path, monkeypatch):
    """Templates are read as each student renders: a part template saved between two students renders the second
    with the edit, under a key made from the template as it was. That student is not kept, so once the edit is
    undone no build finds it. (In this process: the code counts as settled from now on, ``cache._STARTED``.)"""
    monkeypatch.setattr(cache, "_STARTED", time.time() + cache.SETTLED)
    time.sleep(0.05)  # every file written from here on is newer than the settled code
    template = tmp_path / "templates" / "problems" / "entropy.tex.j2"
    template.parent.mkdir(parents=True)
    original = (ROOT / "templates" / "problems" / "entropy.tex.j2").read_text(encoding="utf-8")
    template.write_text(original, encoding="utf-8")
    age_files(template.parent)
    project = Project(template_dir=tmp_path / "templates")
    sheet = project.load_sheet(SHEET)

    def statements(generated) -> str:
        return "".join(part.statement for exercise in generated.exercises for part in exercise.parts)

    store = cache.VariantCache.open(tmp_path / "cache")
    checked = Checked(store=store)
    generate_instance((sheet, Draw(7, "a"), None, project), checked)
    assert original.count("<% macro statement(p, a) %>") == 1
    template.write_text(original.replace("<% macro statement(p, a) %>", "<% macro statement(p, a) %>EDITED "), encoding="utf-8")
    assert "EDITED" in statements(generate_instance((sheet, Draw(7, "b"), None, project), checked))
    store.close()
    assert _instances(tmp_path / "cache") == 1  # a's; b's was rendered with the edit, and not filed
    template.write_text(original, encoding="utf-8")
    age_files(template.parent)
    store = cache.VariantCache.open(tmp_path / "cache")
    again = generate_instance((sheet, Draw(7, "b"), None, project), Checked(store=store))
    store.close()
    assert statements(again) == statements(generate_instance((sheet, Draw(7, "b"), None, project))) and "EDITED" not in statements(again)
    assert _instances(tmp_path / "cache") == 2


def _instances(store: Path) -> int:
    with sqlite3.connect(store / "variants.sqlite") as db:
        count = db.execute("SELECT count(*) FROM variants WHERE origin LIKE 'sheet %'").fetchone()[0]
    db.close()
    return count


def test_two_builds_over_the_limit_at_once_evict_once(tmp_path):
    """Each build that opens a cache over its limit evicts; one that read the size before another evicted takes the
    size again under the lock, and removes nothing more."""
    first = cache.VariantCache(tmp_path / cache.FILE_NAME)
    first._problem()
    with first._db() as db:
        db.execute("BEGIN IMMEDIATE")
        for index in range(100):
            db.execute("INSERT INTO variants VALUES (?, 'test', ?, x'00')", (index.to_bytes(4, "big"), os.urandom(10_000)))
    limit = 800_000  # the entries hold a little over 1 MB
    second = cache.VariantCache(tmp_path / cache.FILE_NAME)
    seen_before = second._db().execute(f"SELECT sum({cache._ENTRY_BYTES}) FROM variants").fetchone()[0]
    first._evict(limit)
    left = _held(tmp_path)
    assert left <= limit * 3 // 4 < seen_before

    class StaleFirstLook:
        """``second``'s connection, its first look at the size answered with what it saw before ``first`` evicted."""

        def __init__(self, connection):
            self.connection, self.looked = connection, False

        def execute(self, query, *args):
            if not self.looked and query.startswith("SELECT coalesce(sum("):
                self.looked = True
                return sqlite3.connect(":memory:").execute("SELECT ?", (seen_before,))
            return self.connection.execute(query, *args)

        def __enter__(self):
            return self.connection.__enter__()

        def __exit__(self, *exc):
            return self.connection.__exit__(*exc)

    stale = StaleFirstLook(second._db())
    second._db = lambda: stale
    second._evict(limit)
    assert stale.looked and _held(tmp_path) == left
    first.close()


def test_cache_info_and_clear(project, tmp_path):
    runner = CliRunner()
    store = tmp_path / "cache"
    empty = runner.invoke(app, ["cache", "info", "--cache-dir", str(store)])
    assert empty.exit_code == 0 and "0 entries" in empty.output and not store.exists()
    built(project, tmp_path / "out", SHEET, "--seed", "1", "--cache-dir", str(store))
    built(project, tmp_path / "again", SHEET, "--seed", "1", "--cache-dir", str(store))
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(store)])
    entries = counted(store).entries
    assert info.exit_code == 0 and str(store / "variants.sqlite") in info.output
    # The first build missed every entry it wrote, and kept its two documents; the second found its one instance whole,
    # and both documents.
    variants = entries - 2
    assert f"{entries:,} entries" in info.output and f"1 hits and {variants:,} misses" in info.output
    assert f"{100 / (variants + 1):.1f}% hit rate" in info.output
    assert "2 typeset documents reused, 2 typeset and kept" in info.output
    assert f"limit {cache.LIMIT_MB} MB (SHEETS_CACHE_LIMIT_MB)" in info.output
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(store)])
    assert cleared.exit_code == 0 and f"cleared {store / 'variants.sqlite'}: {entries:,} entries" in cleared.output
    assert counted(store) == cache.Info(store / "variants.sqlite", counted(store).size, 0, 0, 0)
    built(project, tmp_path / "after", SHEET, "--seed", "1", "--cache-dir", str(store))
    assert counted(store).entries == entries


def test_an_unreadable_cache_file_is_one_error_for_info(tmp_path):
    store = tmp_path / "cache"
    store.mkdir()
    (store / "variants.sqlite").write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(store)])
    assert result.exit_code == 1 and result.output.startswith("error: cannot read the variant cache")
    assert "sheets cache clear" in result.output and "Traceback" not in result.output
    cleared = CliRunner().invoke(app, ["cache", "clear", "--cache-dir", str(store)])
    assert cleared.exit_code == 0 and not (store / "variants.sqlite").exists()


@pytest.mark.parametrize("off", [["--no-cache"], []], ids=["--no-cache", "SHEETS_NO_CACHE"])
def test_without_the_cache_nothing_is_written(project, tmp_path, off):
    store = tmp_path / "cache"
    env = {} if off else {"SHEETS_NO_CACHE": "1"}
    built(project, tmp_path / "out", SHEET, "--seed", "1", "--cache-dir", str(store), *off, **env)
    assert not store.exists()


def test_a_cache_that_cannot_be_written_is_one_warning(project, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    process = sheets(project, "build", SHEET, "--seed", "1", "--out", str(tmp_path / "out"), "--cache-dir", str(blocker / "cache"))
    assert process.returncode == 0
    assert process.stderr.startswith(f"{WARNING}cannot use the variant cache {blocker / 'cache' / 'variants.sqlite'}")
    assert len(process.stderr.splitlines()) == 1 and process.stderr.rstrip().endswith("building without it")
    assert files(tmp_path / "out") == built(project, tmp_path / "uncached", SHEET, "--seed", "1", "--no-cache")


@pytest.mark.stress
def test_unpickled_variants_print_and_record_as_generated():
    """Every family, every value of every option, two seeds and its first canonical instance: a variant read back
    from its pickle renders the same LaTeX in English and German and records the same answers.json entry, from
    memos cleared in between (a rebuild's worker has none), and its step reasons keep their msgids and arguments."""
    languages = {language: environment(language=language) for language in ("en", "de")}
    reasons = 0
    for name, family in families().items():
        if family.static:
            continue
        for options in option_sweep(family, {}):
            options = family.resolve_options(options)
            drawn = [variant_for_seed(family, options, seed) for seed in (1, 2)]
            drawn += [canonical_variant(family, options, canonical) for canonical in sorted(family.canonical)[:1]]
            for variant in drawn:
                fresh = _printed(languages, family, variant)
                back = dataclasses.replace(variant, **_round_trip(variant.params, variant.answer))
                assert _printed(languages, family, back) == fresh, (name, options, variant.seed)
                reasons += _same_reasons(variant.answer, back.answer)
    assert reasons > 100


def _round_trip(params, answer) -> dict:
    return dict(zip(("params", "answer"), pickle.loads(cache.dumps((params, answer)))))


def _printed(languages, family, variant) -> tuple:
    speed.clear_all()
    sympy.core.cache.clear_cache()
    return variant.to_json(), tuple(render_part(env, family, variant) for env in languages.values())


def _same_reasons(fresh, back) -> int:
    """How many ``Reason``s ``fresh`` holds, each found in ``back`` with its msgid and arguments."""
    if isinstance(fresh, Reason):
        assert isinstance(back, Reason) and (back.template, back.args, str(back)) == (fresh.template, fresh.args, str(fresh))
        return 1
    if isinstance(fresh, (tuple, list)):
        return sum(_same_reasons(a, b) for a, b in zip(fresh, back, strict=True))
    if hasattr(type(fresh), "__dataclass_fields__"):
        return sum(_same_reasons(getattr(fresh, n), getattr(back, n)) for n in field_names(type(fresh)))
    return 0
