"""A class build stopped in every way an operator or the system stops one: nothing left running, nothing behind.

Real builds in real processes (``sheets build`` of sheet A for a synthetic class), stopped
half-way: by a signal once TeX has started, by killing the build or one of its workers
outright, by a second build into the same folder, by a file size limit standing in for a
full disk. Each build's processes carry a marker in their environment, so every process it
started (workers, pdflatex) can be found in ``/proc`` whoever their parent is by then.
"""

import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from generator.errors import CompileError
from generator.pipeline.build import build_class
from generator.pipeline.generate import Draw
from generator.pipeline.lifecycle import Interrupted, stopping_on_signals, sweep_stale
from generator.pipeline.parallel import in_workers, usable_cores
from generator.pipeline.project import Project
from generator.pipeline.roster import Student
from generator.pipeline.templating import TEMPLATE_DIR
from generator.pipeline.write import locked, publish, sweep_leftovers
from tests.conftest import MINIMAL_SHEET, wait_for

SHEET = "idl-math-background"
SHEETS = str(Path(sys.executable).parent / "sheets")
MARK = "SHEETS_FAULTS_TEST"
CLASS = [f"s{i:03d}" for i in range(48)]


def roster(path: Path, ids: list[str]) -> Path:
    path.write_text("id,name\n" + "".join(f"{i},Student {i}\n" for i in ids))
    return path


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under ``directory``, hidden ones too."""
    return {str(p.relative_to(directory)): p.read_bytes() if p.is_file() else None for p in sorted(directory.rglob("*"))}


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """A finished build of a few students, the one every stopped build must leave as it was."""
    out = tmp_path_factory.mktemp("previous") / "build"
    subprocess.run(
        [SHEETS, "build", SHEET, "--seed", "1", "--roster", str(roster(out.parent / "few.csv", ["p0", "p1"])), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


class Run:
    """A ``sheets`` command in its own process, with its own temporary folder and a marker in its environment."""

    def __init__(self, tmp_path: Path, args: list[str], limit: int | None = None):
        self.marker = uuid.uuid4().hex
        self.tmp = tmp_path / f"tmp-{self.marker[:8]}"
        self.tmp.mkdir()
        env = {**os.environ, MARK: self.marker, "TMPDIR": str(self.tmp)}
        self.process = subprocess.Popen(
            [SHEETS, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=None if limit is None else lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
        )

    def processes(self) -> list[int]:
        """Live processes of this build (zombies show no environment), wherever they were re-parented."""
        found = []
        for environ in Path("/proc").glob("[0-9]*/environ"):
            try:
                if f"{MARK}={self.marker}".encode() in environ.read_bytes().split(b"\0"):
                    found.append(int(environ.parent.name))
            except OSError:
                continue
        return found

    def tex_running(self) -> bool:
        return any("pdflatex" in _command(pid) for pid in self.processes())

    def workers(self) -> list[int]:
        main = _command(self.process.pid)
        return [pid for pid in self.processes() if pid != self.process.pid and _command(pid) == main]

    def finish(self, timeout: float = 15) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def assert_nothing_left(self) -> None:
        """No process of the build after a few seconds, no temporary folder."""
        assert wait_for(lambda: not self.processes(), 5), [_command(pid) for pid in self.processes()]
        assert list(self.tmp.iterdir()) == []


class Build(Run):
    """``sheets build`` of sheet A for students ``ids`` into ``out``."""

    def __init__(self, tmp_path: Path, out: Path, ids: list[str], *extra: str, limit: int | None = None):
        csv = roster(tmp_path / f"roster-{uuid.uuid4().hex[:8]}.csv", ids)
        super().__init__(tmp_path, ["build", SHEET, "--seed", "1", "--roster", str(csv), "--out", str(out), *extra], limit)


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def midway(build: Run, tex: bool = True) -> None:
    """Wait until TeX typesets while workers still generate (or, ``tex=False``, until workers run)."""
    assert wait_for(lambda: (build.tex_running() or not tex) and build.workers(), 120), build.finish()


@pytest.fixture
def out(previous, tmp_path) -> Path:
    copy = tmp_path / "build"
    shutil.copytree(previous, copy)
    return copy


@pytest.mark.parametrize(("signum", "extra"), [(signal.SIGTERM, ()), (signal.SIGHUP, ()), (signal.SIGTERM, ("--unique",))])
def test_a_terminated_build_stops_everything_and_writes_nothing(out, tmp_path, signum, extra):
    before = snapshot(out)
    build = Build(tmp_path, out, CLASS, *extra)
    midway(build, tex=not extra)  # --unique: while its workers compare the students' variants
    build.process.send_signal(signum)
    status, stdout, stderr = build.finish()
    assert (status, stdout, stderr) == (128 + signum, "", "interrupted: nothing written\n")
    build.assert_nothing_left()
    assert snapshot(out) == before


def test_a_killed_build_takes_its_workers_and_tex_along_and_the_next_build_sweeps_its_folders(out, tmp_path):
    before = snapshot(out)
    build = Build(tmp_path, out, CLASS)
    midway(build)
    build.process.kill()
    build.finish()
    assert wait_for(lambda: not build.processes(), 10), [_command(pid) for pid in build.processes()]
    (left,) = build.tmp.iterdir()  # nobody was left to remove it
    assert left.name.startswith(f"sheets-build-{build.process.pid}-")
    assert sweep_stale(build.tmp) == [left]
    assert list(build.tmp.iterdir()) == []
    # Beside the build it left only its hidden folder for the students' PDFs, which the next build there sweeps.
    target = out / SHEET / "seed-1"
    (hidden,) = set(snapshot(out)) - set(before)
    assert hidden.startswith(f"{SHEET}/.seed-1.split-{build.process.pid}-")
    sweep_leftovers(target)
    assert snapshot(out) == before


def test_a_worker_that_dies_fails_the_build_at_once_naming_its_students(out, tmp_path):
    before = snapshot(out)
    build = Build(tmp_path, out, CLASS)
    midway(build)
    os.kill(build.workers()[0], signal.SIGKILL)
    status, stdout, stderr = build.finish(timeout=20)
    assert status == 1 and stdout == ""
    assert stderr.startswith("error: a worker process died (killed by SIGKILL, perhaps for lack of memory) while generating students s")
    assert "(group " in stderr and len(stderr.splitlines()) == 1
    build.assert_nothing_left()
    assert snapshot(out) == before


def test_two_builds_into_one_folder_never_mix(out, tmp_path):
    first = Build(tmp_path, out, [f"a{i}" for i in range(6)])
    second = Build(tmp_path, out, [f"b{i}" for i in range(5)])
    for build in (first, second):
        status, _, stderr = build.finish(timeout=180)
        assert status == 0, stderr
        build.assert_nothing_left()
    target = out / SHEET / "seed-1"
    students = sorted(p.name for p in target.iterdir() if p.is_dir())
    assert students in ([f"a{i}" for i in range(6)], [f"b{i}" for i in range(5)])
    assert f'"id": "{students[0]}"' in (target / "answers.json").read_text()
    assert [p.name for p in target.parent.iterdir()] == ["seed-1"]


def test_a_full_disk_while_writing_is_one_line_and_the_previous_build_stays(out, tmp_path):
    """A file size limit lets TeX's group files through (8 groups) but not solutions-all.pdf."""
    before = snapshot(out)
    build = Build(tmp_path, out, [f"d{i}" for i in range(8)], "--groups", "8", limit=1_500_000)
    status, stdout, stderr = build.finish(timeout=180)
    assert status == 1 and stdout == ""
    assert stderr == f"error: cannot write {out / SHEET / 'seed-1'}: File too large; what was there before was left as it was\n"
    build.assert_nothing_left()
    assert snapshot(out) == before


def test_a_full_disk_under_tex_is_one_line_too(out, tmp_path):
    """A limit below TeX's PDF: TeX is killed by SIGXFSZ (or, had it finished, writing its source back fails)."""
    before = snapshot(out)
    build = Build(tmp_path, out, [f"d{i}" for i in range(8)], limit=100_000)
    status, stdout, stderr = build.finish(timeout=180)
    assert status == 1 and stdout == ""
    assert stderr.startswith("error: group-") or stderr.startswith("error: cannot write to the temporary directory")
    assert "TeX was killed by SIGXFSZ (a file size limit or a full disk)" in stderr or "File too large" in stderr
    assert len(stderr.splitlines()) == 1
    build.assert_nothing_left()
    assert snapshot(out) == before


def test_a_second_writer_waits_for_the_first(tmp_path):
    target = tmp_path / "sheet" / "seed-1"
    finished = threading.Event()

    def second() -> None:
        with locked(target):
            publish({"b.pdf": b"B"}, target)
        finished.set()

    with locked(target):
        publish({"a.pdf": b"A"}, target)
        writer = threading.Thread(target=second)
        writer.start()
        assert not finished.wait(0.5)
        assert [p.name for p in target.iterdir()] == ["a.pdf"]
    writer.join(5)
    assert [p.name for p in target.iterdir()] == ["b.pdf"]


def test_a_terminated_check_stops_its_workers_and_leaves_no_folder(tmp_path):
    check = Run(tmp_path, ["check", "derivative", "gradient", "--seeds", "5000", "--compile"])
    assert wait_for(lambda: check.workers() and any(check.tmp.iterdir()), 120), check.finish()
    check.process.send_signal(signal.SIGTERM)
    status, _, stderr = check.finish()
    assert (status, stderr) == (128 + signal.SIGTERM, "interrupted: nothing written\n")
    check.assert_nothing_left()


@pytest.mark.skipif(usable_cores() < 2, reason="a class is generated in worker processes only on two cores or more")
def test_tex_failing_after_the_last_instance_ends_the_workers_with_the_build(tmp_path, write_sheet):
    """The error comes from a TeX run once generation is over (at the end of the document, which TeX reads only
    after the last instance): the workers are gone while the error, whose traceback holds the build's frames,
    is still alive. Kept alive, they held up the process's exit (see tests/test_parallel.py)."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, templates)
    layout = templates / "sheet.tex.j2"
    layout.write_text(layout.read_text().replace(r"\end{document}", "\\badmacro\n\\end{document}"))
    project = Project(sheet_dir=write_sheet("tiny", MINIMAL_SHEET), template_dir=templates)
    students = [Student(f"s{i:02d}", f"Student {i}") for i in range(24)]
    with pytest.raises(CompileError, match="Undefined control sequence") as caught:
        build_class("tiny", Draw(1), students, tmp_path / "out", project, groups=1)  # one batch: it ends with the last instance
    assert caught.value.__traceback__ is not None
    assert multiprocessing.active_children() == []


class _SignalsWhenDeleted:
    """Sends SIGTERM from a destructor, where Python only prints what the signal's handler raises: as a
    signal does that lands in an at-fork callback (logging's ``_releaseLock``) while the build starts workers."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)
        sum(range(1000))  # the handler runs here


def test_a_stop_whose_exception_python_swallowed_still_stops_before_anything_is_written(tmp_path, capsys):
    """Under load, 2 in 5 builds so stopped during --unique went on to exit 0, having written the class."""
    target = tmp_path / "out"
    with pytest.raises(Interrupted) as caught:
        with stopping_on_signals():
            _SignalsWhenDeleted()
            publish({"sheet-exercise.pdf": b"%PDF"}, target)
    assert caught.value.signal == signal.SIGTERM
    assert not target.exists() and list(tmp_path.iterdir()) == []
    assert capsys.readouterr().err == ""  # not printed as an "Exception ignored in" either


def test_a_swallowed_stop_is_raised_while_the_build_waits_for_its_workers():
    """It waited for the workers' first results, past the 15 s the test above gives a build to stop."""
    started = time.monotonic()
    with pytest.raises(Interrupted):
        with stopping_on_signals():
            _SignalsWhenDeleted()
            list(in_workers(time.sleep, [30, 30], 2, chunksize=1))
    assert time.monotonic() - started < 10


def test_a_swallowed_stop_is_raised_again_when_the_block_ends():
    with pytest.raises(Interrupted):
        with stopping_on_signals():
            _SignalsWhenDeleted()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
