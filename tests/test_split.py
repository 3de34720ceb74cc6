"""Cutting a batched PDF into one PDF per instance, in a process of its own (``split.split_apart``)."""

import subprocess

import pikepdf
import pytest

from generator.errors import OutputError, WorkerDied
from generator.pipeline.compile import compile_document
from generator.pipeline.split import split_apart

KEYS = ("s1", "s2", "s3")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A real batched PDF: instance s1 has one page, s2 two, s3 one, each starting at its destination."""
    workdir = tmp_path_factory.mktemp("batch")
    pages = {"s1": 1, "s2": 2, "s3": 1}
    body = "".join(
        rf"\clearpage\pdfdest name{{{key}}} xyz " + r"\clearpage ".join(f"Instance {key}, page {page}." for page in range(1, count + 1))
        for key, count in pages.items()
    )
    pdf = workdir / "batch.pdf"
    pdf.write_bytes(compile_document("batch", rf"\documentclass{{article}}\begin{{document}}{body}\end{{document}}", workdir))
    return pdf


def _text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_each_written_instance_gets_its_own_pages(batch, tmp_path):
    split_apart(batch, KEYS, ["s2", "s3"], "sheet-exercise.pdf", tmp_path / "instances")
    assert sorted(p.name for p in (tmp_path / "instances").iterdir()) == ["s2", "s3"]  # s1 is not written
    second = tmp_path / "instances" / "s2" / "sheet-exercise.pdf"
    assert len(pikepdf.open(second).pages) == 2
    assert "Instance s2, page 1." in _text(second) and "Instance s2, page 2." in _text(second)
    assert "Instance s3, page 1." in _text(tmp_path / "instances" / "s3" / "sheet-exercise.pdf")


def test_the_split_imports_what_the_build_imports_whatever_the_working_folder_holds(batch, tmp_path, monkeypatch):
    """A folder with a package of the same name (a checkout, an instructor's own ``generator``) or a module named as
    one of the standard library's must not be imported."""
    impostor = tmp_path / "generator" / "pipeline"
    impostor.mkdir(parents=True)
    for folder in (impostor.parent, impostor):
        (folder / "__init__.py").write_text("")
    (impostor / "split.py").write_text("def _main():\n    pass\n")
    for module in ("random.py", "json.py"):
        (tmp_path / module).write_text("raise ImportError('the working folder was searched')\n")
    monkeypatch.chdir(tmp_path)
    split_apart(batch, KEYS, KEYS, "sheet-solution.pdf", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == list(KEYS)


def test_a_split_that_cannot_write_is_one_line(batch, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(OutputError, match=r"^cannot write the PDFs of batch into .*file: Not a directory; what was there before"):
        split_apart(batch, KEYS, KEYS, "sheet-exercise.pdf", tmp_path / "file" / "instances")


def test_a_split_that_cannot_start_is_one_line(batch, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-python"))
    with pytest.raises(WorkerDied, match=r"^cannot start a process to cut batch.pdf \(No such file or directory\); the build was stopped$"):
        split_apart(batch, KEYS, KEYS, "sheet-exercise.pdf", tmp_path / "out")
