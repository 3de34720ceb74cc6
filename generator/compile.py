"""Run TeX on rendered documents, in isolation, and explain failures.

pdflatex runs once per document (no document needs cross-references) in a
private working directory with shell escape off, file access confined to that directory (``openin_any``/``openout_any``),
a fixed ``SOURCE_DATE_EPOCH`` for byte-identical PDFs, and a timeout. A TeX
error is reported with its message, the line, and the problem and template
that produced that line.
"""

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.errors import CompileError

TEX_TIMEOUT_SECONDS = 120
TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended lmodern latexmk"
PART_MARKER = re.compile(r"^%% part (\S+): family (\S+), template (\S+)$")
PDFLATEX_ARGS = ("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape")
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
    with ThreadPoolExecutor(max_workers=min(len(sources), os.cpu_count() or 1) or 1) as pool:
        pdfs = dict(zip(sources, pool.map(lambda name: compile_document(name, sources[name], workdir), sources)))
    return pdfs


def compile_document(name: str, source: str, workdir: Path) -> bytes:
    """PDF bytes of one LaTeX source, compiled as ``workdir/<name>.tex`` (safe to call from several threads)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / f"{name}.tex").write_text(source, encoding="utf-8")
    env = {**os.environ, **TEX_ENVIRONMENT}
    process = subprocess.Popen(
        [*PDFLATEX_ARGS, f"{name}.tex"],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        process.communicate(timeout=TEX_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise CompileError(f"{name}.tex: TeX did not finish within {TEX_TIMEOUT_SECONDS} s") from None
    pdf = workdir / f"{name}.pdf"
    if process.returncode != 0 or not pdf.is_file():
        raise CompileError(explain_failure(workdir, name))
    return pdf.read_bytes()


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
