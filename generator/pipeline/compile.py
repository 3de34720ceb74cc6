"""Run TeX on rendered documents, in isolation, and explain failures.

pdflatex runs once per document (no document needs cross-references) in a
private working directory with shell escape off, file access confined to that directory (``openin_any``/``openout_any``),
a fixed ``SOURCE_DATE_EPOCH`` for byte-identical PDFs, and a timeout. A TeX
error is reported with its message, the line, and the problem and template
that produced that line.

The source reaches TeX through a named pipe, piece by piece as it is written,
so a class batch is typeset while its students are still being generated
(``compile_stream``); TeX reads a pipe exactly as it reads a file, so the PDF
is the same.
"""

import array
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import termios
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.errors import CompileError
from generator.pipeline.lifecycle import DIE_WITH_PARENT, while_parent_lives
from generator.pipeline.parallel import usable_cores

TEX_TIMEOUT_SECONDS = 120
TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended lmodern latexmk"
PART_MARKER = re.compile(r"^%% part (\S+): family (\S+), template (\S+)$")
PDFLATEX_ARGS = ("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "-no-parse-first-line", "-recorder")
"""``-no-parse-first-line``: TeX would otherwise open the source once just to read its first line, closing the pipe.
``-recorder``: TeX lists every file it read in ``<name>.fls`` (``installed_inputs``)."""
TEX_ENVIRONMENT = {
    "openin_any": "p",
    "openout_any": "p",
    "shell_escape": "f",
    "SOURCE_DATE_EPOCH": "0",
    "FORCE_SOURCE_DATE": "1",
    "texmf_casefold_search": "0",
}


def require_tex() -> None:
    """Fail early, and helpfully, when TeX is not installed."""
    missing = [tool for tool in ("pdflatex",) if shutil.which(tool) is None]
    if missing:
        raise CompileError(
            f"{' and '.join(missing)} not found: run 'make tex' (Debian) "
            f"or install {TEX_PACKAGES}"
        )


def compile_documents(sources: Mapping[str, str], workdir: Path) -> dict[str, bytes]:
    """PDF bytes for each named LaTeX source, compiled side by side in ``workdir``."""
    require_tex()
    with ThreadPoolExecutor(max_workers=min(len(sources), usable_cores()) or 1) as pool:
        pdfs = dict(zip(sources, pool.map(lambda name: compile_document(name, sources[name], workdir), sources)))
    return pdfs


def compile_document(name: str, source: str, workdir: Path) -> bytes:
    """PDF bytes of one LaTeX source, compiled as ``workdir/<name>.tex`` (safe to call from several threads)."""
    return compile_stream(name, (source,), workdir).pdf


@dataclass(frozen=True)
class Compiled:
    pdf: bytes
    cpu_seconds: float
    """The CPU time pdflatex used (its wall time includes waiting for the source)."""
    inputs: "Inputs" = ()
    """The files of the TeX installation it read (``installed_inputs``)."""


def compile_stream(name: str, pieces: Iterable[str], workdir: Path) -> Compiled:
    """Typeset a LaTeX source that arrives in pieces, each fed to pdflatex as soon as it is there.

    ``workdir/<name>.tex`` is a named pipe while TeX reads it, and holds the whole source
    afterwards. If ``pieces`` raises, TeX is stopped and the exception goes on.

    TeX must not outlive this process. ``DIE_WITH_PARENT`` has the kernel kill it when this
    process dies (Linux). Besides, the pipe is opened here before TeX starts, so TeX never
    waits for a writer while this process lives, and once TeX reads the pipe, this process's
    death closes it: TeX reads the end of its source and stops. (Only a death in the moment
    between TeX's start and its opening the pipe needs the first.)
    """
    source = workdir / f"{name}.tex"
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        source.unlink(missing_ok=True)  # the source of an earlier run in the same folder
        os.mkfifo(source)
        # Read and write: opening the write end alone would wait for a reader. Never read from here.
        descriptor = os.open(source, os.O_RDWR | os.O_NONBLOCK)
    except OSError as exc:
        raise _unwritable(workdir, exc) from None
    try:
        process = subprocess.Popen(
            [*DIE_WITH_PARENT, *(while_parent_lives() if DIE_WITH_PARENT else ()), *PDFLATEX_ARGS, source.name],
            cwd=workdir,
            env={**os.environ, **TEX_ENVIRONMENT},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except BaseException:
        os.close(descriptor)
        raise
    written: list[str] = []
    try:
        _feed(descriptor, name, process, pieces, written)
        if written:
            _drained(descriptor, name, process)
    except BaseException:
        _stop(process)
        raise
    finally:
        os.close(descriptor)
        _keep_source(source, written)
    cpu_seconds = _wait(process, name)
    pdf = workdir / f"{name}.pdf"
    if process.returncode < 0:
        raise CompileError(f"{name}.tex: TeX was killed by {_signal_name(-process.returncode)}")
    if process.returncode != 0 or not pdf.is_file():
        raise CompileError(explain_failure(workdir, name))
    return Compiled(pdf.read_bytes(), cpu_seconds, installed_inputs(workdir, name))


def _keep_source(source: Path, written: list[str]) -> None:
    """Replace the pipe by the source it carried, for error messages (``explain_failure``)."""
    try:
        source.unlink()
        source.write_text("".join(written), encoding="utf-8")
    except OSError as exc:
        raise _unwritable(source.parent, exc) from None


Inputs = tuple[tuple[str, int, int], ...]
"""Files TeX read, each as (path, size, modification time in ns)."""


def installed_inputs(workdir: Path, name: str) -> Inputs:
    """The files of the TeX installation that the run of ``name`` read (format, classes, packages, fonts), from its
    ``-recorder`` list. While none of them changes, the same source in the same folder typesets to the same PDF."""
    listed = (workdir / f"{name}.fls").read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    paths = sorted({line[len("INPUT ") :] for line in listed if line.startswith("INPUT /")})
    return tuple((path, *_stamp(path)) for path in paths)


def tex_setup() -> str:
    """Which TeX runs and where it looks, besides the files a run reads (``installed_inputs``): the ``pdflatex`` found
    on the PATH (its real path, size and modification time) and the environment kpathsea searches by (TEXINPUTS,
    TEXMFHOME, HOME ...). A kept PDF is filed under it (``cache.VariantCache.kept_document``)."""
    found = shutil.which("pdflatex")
    binary = os.path.realpath(found) if found else ""
    searched = sorted(
        (name, value) for name, value in os.environ.items() if name == "HOME" or any(word in name for word in _SEARCH_VARIABLES)
    )
    return json.dumps([binary, _stamp(binary) if binary else None, searched])


_SEARCH_VARIABLES = ("TEX", "FONTS", "KPSE", "KPATHSEA", "SELFAUTO")
"""Parts of the names of the variables kpathsea reads (TEXINPUTS, TEXMFHOME, TFMFONTS, KPATHSEA_DEBUG, SELFAUTOLOC ...)."""


def unchanged(inputs: Inputs) -> bool:
    """Whether every file of ``inputs`` is still there, with the same size and modification time."""
    return all(_stamp(path) == (size, modified) for path, size, modified in inputs)


def _stamp(path: str) -> tuple[int, int]:
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1)
    return status.st_size, status.st_mtime_ns


def _unwritable(workdir: Path, exc: OSError) -> CompileError:
    return CompileError(f"cannot write to the temporary directory {workdir}: {exc.strerror}")


def _signal_name(signum: int) -> str:
    name = signal.Signals(signum).name
    return f"{name} (a file size limit or a full disk)" if signum == signal.SIGXFSZ else name


def _feed(descriptor: int, name: str, process: subprocess.Popen, pieces: Iterable[str], written: list[str]) -> None:
    """Write ``pieces`` into the pipe TeX reads; stop quietly when TeX has ended (it failed: its log says why).

    Every wait is bounded: TeX stuck in a loop stops reading, and is then stopped.
    """
    for piece in pieces:
        if _ended(process):
            return
        written.append(piece)
        data = memoryview(piece.encode("utf-8"))
        while data:
            try:
                data = data[os.write(descriptor, data) :]
            except BlockingIOError:
                if not _wait_to_write(descriptor, process):
                    raise _timed_out(f"{name}.tex") from None
                if _ended(process):
                    return


def _wait_to_write(descriptor: int, process: subprocess.Popen) -> bool:
    """Wait until TeX has read some of the pipe, or has ended; False after the timeout."""
    deadline = time.monotonic() + TEX_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if select.select([], [descriptor], [], 0.05)[1] or _ended(process):
            return True
    return False


def _drained(descriptor: int, name: str, process: subprocess.Popen) -> None:
    """Wait until TeX has read all that was written (or has ended) before the pipe is closed.

    Closing it earlier would throw away what TeX has not read yet: a pipe keeps its data only
    while it is open. Once TeX has read everything it holds the pipe open itself.
    """
    deadline = time.monotonic() + TEX_TIMEOUT_SECONDS
    unread = array.array("i", [0])
    while not _ended(process):
        fcntl.ioctl(descriptor, termios.FIONREAD, unread)
        if unread[0] == 0:
            return
        if time.monotonic() > deadline:
            raise _timed_out(f"{name}.tex")
        time.sleep(0.002)


def _ended(process: subprocess.Popen) -> bool:
    """Whether TeX has ended, without reaping it (``_wait`` reaps it, to read its CPU time)."""
    if process.returncode is not None:
        return True
    return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _wait(process: subprocess.Popen, name: str) -> float:
    """Wait for TeX to end, within the timeout; its CPU seconds (``os.wait4`` reports them, ``Popen.wait`` does not)."""
    if process.returncode is not None:  # it ended before reading its source, and was reaped then
        return 0.0
    deadline = time.monotonic() + TEX_TIMEOUT_SECONDS
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            _stop(process)
            raise _timed_out(f"{name}.tex")
        time.sleep(0.005)


def _timed_out(source: str) -> CompileError:
    return CompileError(f"{source}: TeX did not finish within {TEX_TIMEOUT_SECONDS} s")


def _stop(process: subprocess.Popen) -> None:
    """Kill TeX and whatever it started, and reap it."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def explain_failure(workdir: Path, name: str) -> str:
    """One line: the first TeX error, its line, and the problem that wrote that line."""
    log_path = workdir / f"{name}.log"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    lines = log.splitlines()
    error_at = next((i for i, line in enumerate(lines) if line.startswith("!")), None)
    if error_at is None:
        return f"{name}.tex: TeX failed without an error message in {name}.log"
    message = lines[error_at][1:].strip()
    line_number = None
    for line in lines[error_at : error_at + 30]:
        found = re.match(r"^l\.(\d+)\s?(.*)$", line)
        if found:
            line_number = int(found.group(1))
            message += f" [{found.group(2).strip()}]" if found.group(2).strip() else ""
            break
    if line_number is None:
        return f"{name}.tex: TeX error: {message}"
    source = (workdir / f"{name}.tex").read_text(encoding="utf-8").splitlines()
    return f"{name}.tex:{line_number}: TeX error: {message}{_part_at(source, line_number)}"


def _part_at(source: list[str], line_number: int) -> str:
    """Which problem's lines surround ``line_number`` (1-based), if any."""
    for line in reversed(source[: line_number]):
        if line.startswith("%% end of part"):
            return " (in the sheet template templates/sheet.tex.j2)"
        found = PART_MARKER.match(line)
        if found:
            label, family, template = found.groups()
            return f" (in part {label}, family {family}, template {template})"
    return " (in the sheet template templates/sheet.tex.j2)"
