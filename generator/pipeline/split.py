"""Cut batched PDFs into one PDF per sheet instance, and join PDFs (qpdf via pikepdf).

Each instance starts at a named destination (``\\pdfdest name{key}``) and
runs until the next one, so the page ranges are read from the PDF itself.
Output is deterministic: the same input pages give the same bytes.
"""

import io
from collections.abc import Mapping, Sequence

import pikepdf


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


def split_pdf(pdf_bytes: bytes, keys: Sequence[str]) -> dict[str, bytes]:
    """One standalone PDF per instance key."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return {key: save_pages(pdf.pages[pages.start : pages.stop]) for key, pages in page_ranges(pdf, keys).items()}


def gather(batches: Mapping[str, bytes], picks: Sequence[tuple[str, str]]) -> bytes:
    """The instances ``picks`` names, as (batch name, instance key) in reading order, in one PDF.

    Pages are taken from the batched PDFs, not from the split ones: the instances of one
    batch share its font subsets, which keeps a whole class's file small and quick to write.
    """
    opened = {name: pikepdf.open(io.BytesIO(batches[name])) for name in dict.fromkeys(name for name, _ in picks)}
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
