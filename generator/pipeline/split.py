"""Cut batched PDFs into one PDF per sheet instance, and join PDFs (qpdf via pikepdf).

Each instance starts at a named destination (``\\pdfdest name{key}``) and
runs until the next one, so the page ranges are read from the PDF itself.
Output is deterministic: the same input pages give the same bytes.

A class's batches are cut in a process of their own each (``split_apart``), writing every instance's PDF
into a folder beside the build's target: cutting holds Python's lock, so in the build process the batches
would be cut one after another, and every student's PDFs would wait in its memory to be written.
"""

import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pikepdf

from generator.errors import OutputError, WorkerDied
from generator.pipeline.lifecycle import become_worker


def page_ranges(pdf: pikepdf.Pdf, keys: Sequence[str]) -> dict[str, range]:
    """Pages of each instance, by destination name."""
    destinations = pikepdf.NameTree(pdf.Root.Names.Dests) if "/Names" in pdf.Root else {}
    page_index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    starts = []
    for key in keys:
        if key not in destinations:
            raise ValueError(f"batched PDF has no destination for {key!r}")
        target = destinations[key]
        target = target.D if isinstance(target, pikepdf.Dictionary) else target
        starts.append((page_index[target[0].objgen], key))
    starts.sort()
    ends = [start for start, _ in starts[1:]] + [len(pdf.pages)]
    return {key: range(start, end) for (start, key), end in zip(starts, ends)}


def split_into(pdf: Path, keys: Sequence[str], written: Sequence[str], file_name: str, folder: Path) -> None:
    """Each instance of ``written`` (keys of the batched ``pdf``, which holds ``keys``) as ``folder/<key>/<file_name>``."""
    with pikepdf.open(pdf) as batch:
        ranges = page_ranges(batch, keys)
        for key in written:
            (folder / key).mkdir(parents=True, exist_ok=True)
            (folder / key / file_name).write_bytes(save_pages(batch.pages[ranges[key].start : ranges[key].stop]))


def split_apart(pdf: Path, keys: Sequence[str], written: Sequence[str], file_name: str, folder: Path) -> None:
    """``split_into`` in a process of its own (the same Python, importing from where this process does), which dies
    with the caller's thread."""
    request = json.dumps({"parent": os.getpid(), "pdf": str(pdf), "keys": list(keys), "written": list(written),
                          "file_name": file_name, "folder": str(folder)})
    try:
        process = subprocess.Popen([sys.executable, "-P", "-c", _CHILD, *sys.path], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:  # no process to be had (a limit on processes, memory), or no Python where it was
        raise WorkerDied(f"cannot start a process to cut {pdf.stem}.pdf ({exc.strerror or exc}); the build was stopped") from None
    try:
        _, errors = process.communicate(request.encode())
    except BaseException:
        process.kill()
        process.wait()
        raise
    code = process.returncode
    said = errors.decode(errors="replace").strip().splitlines()
    if code == _UNWRITABLE:
        raise OutputError(f"cannot write the PDFs of {pdf.stem} into {folder.parent}: {said[-1]}; what was there before was left as it was")
    if code < 0:
        raise WorkerDied(f"the process cutting {pdf.stem}.pdf was killed by {signal.Signals(-code).name}; the build was stopped")
    if code != 0:  # a bug: its traceback
        raise RuntimeError(f"cutting {pdf.stem}.pdf failed (exit status {code}):\n" + "\n".join(said))


_CHILD = "import sys; sys.path[:] = sys.argv[1:]; from generator.pipeline.split import _main; _main()"
"""Imports from where the build imports (its ``sys.path``, given as arguments); ``-P`` keeps the working folder,
which may hold a ``random.py`` or a ``generator`` of its own, out of the search."""
_UNWRITABLE = 3
"""The child's exit status when it could not write (its last line on stderr says why)."""


def _main() -> None:
    """``split_apart``'s other end: the request on stdin; a failure to write is one line on stderr."""
    request = json.loads(sys.stdin.read())
    become_worker(request["parent"])
    try:
        split_into(Path(request["pdf"]), request["keys"], request["written"], request["file_name"], Path(request["folder"]))
    except OSError as exc:
        print(exc.strerror or exc, file=sys.stderr)
        sys.exit(_UNWRITABLE)


def gather(batches: Mapping[str, Path], picks: Sequence[tuple[str, str]]) -> bytes:
    """The instances ``picks`` names, as (batch name, instance key) in reading order, in one PDF.

    Pages are taken from the batched PDFs, not from the split ones: the instances of one
    batch share its font subsets, which keeps a whole class's file small and quick to write.
    """
    opened = {name: pikepdf.open(batches[name]) for name in dict.fromkeys(name for name, _ in picks)}
    try:
        ranges = {name: page_ranges(pdf, [key for batch, key in picks if batch == name]) for name, pdf in opened.items()}
        pages = [opened[name].pages[i] for name, key in picks for i in ranges[name][key]]
        return save_pages(pages)
    finally:
        for pdf in opened.values():
            pdf.close()


def save_pages(pages) -> bytes:
    out = pikepdf.new()
    out.pages.extend(pages)
    buffer = io.BytesIO()
    out.save(
        buffer,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return buffer.getvalue()
