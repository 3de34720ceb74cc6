"""Real TeX: failures are explained, PDFs are reproducible."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import CompileError
from generator.pipeline import compile as compile_module
from generator.pipeline.compile import compile_documents, compile_stream
from tests.conftest import wait_for

GOOD = r"""\documentclass{article}
\pdftrailerid{}
\begin{document}
Hello, reproducible world.
\end{document}
"""

BROKEN = r"""\documentclass{article}
\begin{document}
Intro.
%% part 2b: family derivative, template templates/problems/derivative.tex.j2
Fine line.
\undefinedmacro
%% end of part 2b
\end{document}
"""


def test_good_document_compiles_to_the_same_bytes_twice(tmp_path):
    first = compile_documents({"doc": GOOD}, tmp_path / "one")["doc"]
    second = compile_documents({"doc": GOOD}, tmp_path / "two")["doc"]
    assert first.startswith(b"%PDF") and first == second


def test_tex_error_names_message_line_part_and_template(tmp_path):
    with pytest.raises(CompileError) as caught:
        compile_documents({"doc": BROKEN}, tmp_path)
    message = str(caught.value)
    assert message.startswith("doc.tex:6: TeX error: Undefined control sequence.")
    assert "part 2b, family derivative, template templates/problems/derivative.tex.j2" in message
    assert "\n" not in message


def test_error_outside_any_part_blames_the_sheet_template(tmp_path):
    source = BROKEN.replace("Intro.", r"\alsoundefined")
    with pytest.raises(CompileError, match=r"doc\.tex:3: .*sheet template"):
        compile_documents({"doc": source}, tmp_path)


def test_shell_escape_is_off(tmp_path):
    source = GOOD.replace("Hello", r"\immediate\write18{touch pwned}Hello")
    compile_documents({"doc": source}, tmp_path)
    assert not (tmp_path / "pwned").exists()


def test_reading_files_outside_the_working_directory_is_refused(tmp_path):
    source = GOOD.replace("Hello", r"\input{/etc/hostname}Hello")
    with pytest.raises(CompileError, match="doc.tex:4"):
        compile_documents({"doc": source}, tmp_path)


def test_a_source_fed_in_pieces_gives_the_same_pdf_as_the_whole(tmp_path):
    whole = compile_documents({"doc": GOOD}, tmp_path / "whole")["doc"]
    lines = iter(GOOD.splitlines(keepends=True))
    streamed = compile_stream("doc", lines, tmp_path / "streamed")
    assert streamed.pdf == whole and streamed.cpu_seconds > 0
    assert (tmp_path / "streamed" / "doc.tex").read_text() == GOOD
    again = compile_stream("doc", iter([GOOD]), tmp_path / "streamed")  # the folder of an earlier run
    assert again.pdf == whole


def test_a_tex_error_in_a_streamed_source_is_explained_like_any_other(tmp_path):
    with pytest.raises(CompileError, match=r"^doc\.tex:6: TeX error: Undefined control sequence\..*part 2b"):
        compile_stream("doc", iter(BROKEN.splitlines(keepends=True)), tmp_path)


def test_a_failing_source_stops_tex_and_passes_its_error_on(tmp_path):
    def pieces():
        yield GOOD.split("Hello")[0]
        raise RuntimeError("generation failed")

    with pytest.raises(RuntimeError, match="generation failed"):
        compile_stream("doc", pieces(), tmp_path)
    assert not tex_children()
    assert not (tmp_path / "doc.pdf").exists()


def tex_children() -> list[str]:
    """Processes this test process started and has not reaped."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            children.append(stat.parent.name)
    return children


def test_tex_ending_before_it_reads_its_source_is_an_error_not_a_hang(tmp_path, monkeypatch):
    monkeypatch.setattr(compile_module, "PDFLATEX_ARGS", (*compile_module.PDFLATEX_ARGS, "-fmt=no-such-format"))
    with pytest.raises(CompileError, match="doc.tex: TeX failed"):
        compile_stream("doc", iter([GOOD]), tmp_path)
    assert not tex_children()


FEED_THEN_HANG = """
import sys, time
from pathlib import Path
from generator.pipeline import compile as c
if sys.argv[3] == "pipe-only":
    c.DIE_WITH_PARENT = ()
def pieces():
    yield sys.argv[2]
    print("fed", flush=True)
    time.sleep(120)
c.compile_stream("doc", pieces(), Path(sys.argv[1]))
"""


@pytest.mark.parametrize("how", ["parent-death signal", "pipe-only"])
def test_tex_never_outlives_the_process_feeding_it(tmp_path, how):
    """Killed at once, TeX is killed with its parent (``setpriv --pdeathsig``); without that, once TeX
    reads the pipe it reads end-of-file when the writer dies, as the writer's end was open before TeX started."""
    if how != "pipe-only" and not compile_module.DIE_WITH_PARENT:
        pytest.skip("no setpriv here")
    marker = f"{os.getpid()}-{tmp_path.name}"
    env = {**os.environ, "SHEETS_PIPE_TEST": marker}
    args = [sys.executable, "-c", FEED_THEN_HANG, str(tmp_path), GOOD.split("Hello")[0], how]
    writer = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "fed\n"
        tex = lambda: [pid for pid in _with_marker(f"SHEETS_PIPE_TEST={marker}") if pid != writer.pid]  # noqa: E731
        # Looked for again for a moment: a process caught in the middle of exec shows no environment yet.
        assert wait_for(tex, 5), "TeX never started"
        if how == "pipe-only":
            assert wait_for(lambda: any(_reads(pid, tmp_path / "doc.tex") for pid in tex()), 30)
    finally:  # a failure here must not leave the writer to the tests after it (they count this process's children)
        writer.kill()
        writer.wait()
    assert wait_for(lambda: not tex(), 5), "TeX kept running without its writer"


def _reads(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def _with_marker(marker: str) -> list[int]:
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found




def test_a_child_whose_parent_died_before_the_death_signal_was_armed_never_starts(monkeypatch):
    """The moment between starting TeX and ``setpriv`` arming the signal: a child that finds another
    parent then (here: the check is told another pid) exits instead of waiting for ever."""
    from generator.pipeline import lifecycle

    if not lifecycle.DIE_WITH_PARENT:
        pytest.skip("no setpriv here")
    ours = subprocess.run([*lifecycle.DIE_WITH_PARENT, *lifecycle.while_parent_lives(), "echo", "ran"], capture_output=True, text=True)
    assert ours.stdout == "ran\n"
    monkeypatch.setattr(lifecycle.os, "getpid", lambda: 1)  # as if the build had died and the child were init's
    orphan = subprocess.run([*lifecycle.DIE_WITH_PARENT, *lifecycle.while_parent_lives(), "echo", "ran"], capture_output=True, text=True)
    assert orphan.stdout == "" and orphan.returncode != 0
