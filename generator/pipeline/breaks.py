"""Where a page may break inside a worked ``align*``, decided when a part is rendered, not by TeX.

A solution's ``align*`` may break between its rows (the sheet's solutions set ``\\interdisplaylinepenalty``
below 10000), and a careful typesetter takes those breaks only where they read well. ``set_breaks`` writes the
decision into the source: a row end where no page may break becomes ``\\\\*`` (amsmath's own "no break here"),
and an ``align*`` followed by a short lead-in to another display gets ``\\sheetleadin`` before it, which forbids a
break just below it (templates/macros/one-pass-align.tex.j2). The variant cache keeps the rendered part with the
decisions in it, so a rebuild's TeX does none of this work (it had been a twentieth of a solution batch's TeX).

The rules, a careful teaching assistant's (every solution sheet is handed out unread):

* never after the first row or before the last: no lone row at a page's foot or head;
* inside one chain of steps (``lhs &= a`` and the ``&= b`` rows that continue it) only with ``ROWS_KEPT`` of its
  rows on each side, so a short derivation is read on one page and no first step or result stands apart;
* a line of text above a row that starts a chain (a heading such as "For $f_2$, let $u = ...$:") starts a block of
  rows, and a page breaks inside a block only with ``ROWS_KEPT`` of its rows on each side: the parts a heading
  names stay with the rows that use them. Above the heading a page may break (with the penalty TeX gives it
  there); a line of text above a row, a heading or a reason on a line of its own, stays with the row below it.

An ``align*`` of five rows without a line of text between them never breaks. A lead-in ("so") to the next display
stays with the align above it, and so does a part's one-line closing text after its last align; the paragraphs of a
short closing text (a remark and its check) stay together.
"""

import re
from typing import NamedTuple

from generator.kit.widths import closing_brace
from generator.pipeline.reasons import split

__all__ = ["CLOSING", "CLOSING_LINE", "LEAD_IN", "ROWS_KEPT", "set_breaks"]

ROWS_KEPT = 3
"""The fewest rows of a chain of steps, or of a block of rows between two lines of text, a page break may leave on
either side of it."""
LEAD_IN = 30
"""The most characters of plain text that count as a lead-in to the next display ("so", "and by Bayes' rule")."""
CLOSING_LINE = 100
"""The most characters of LaTeX a part's closing text may have to stay with the ``align*`` above it: a line. Not more:
the aligns of a solution chained by lead-ins are often unbreakable already, and three lines more made Bayes' rule's
solution a unit of half a page, which left a page half empty before it (math-background-2, 3 of 4 seeds)."""
CLOSING = 400
"""The most characters of LaTeX a part's closing text may have to keep its paragraphs together: about three lines."""

_ALIGN = re.compile(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", re.S)
_DISPLAY = re.compile(r"\\begin\{|\\\[")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*(?=[\w$])")
"""An empty line before a paragraph of text (not before the ``\\end`` of a box, which a penalty would make shallower)."""
_PREFIX = re.compile(r"\s*(?:\*|\[[^\]]*\]|\\(?:noalign|shortintertext|intertext)(?![a-zA-Z]))")
"""What may stand before a row's first cell: the star or spacing of the row end before it, lines of text."""


def set_breaks(latex: str) -> str:
    """``latex`` with every ``align*``'s row ends starred where no page may break, ``\\sheetleadin`` before an
    ``align*`` that a short lead-in to another display or a one-line closing text follows, and no page break between
    the paragraphs of a short closing text."""
    pieces, last = [], 0
    aligns = list(_ALIGN.finditer(latex))
    for match in aligns:
        start = match.start()
        pieces.append(latex[last:start])
        after = latex[match.end() :]
        if _leads_in(after) or (match is aligns[-1] and _closes(after, CLOSING_LINE)):
            pieces.append("\\sheetleadin")
        body = match.group(1)
        pieces.append(latex[start : match.start(1)] + _starred(body) + latex[match.end(1) : match.end()])
        last = match.end()
    tail = latex[last:]
    pieces.append(_PARAGRAPH_BREAK.sub(lambda blank: blank.group() + "\\nobreak ", tail) if aligns and _closes(tail, CLOSING) else tail)
    return "".join(pieces)


def _closes(after: str, most: int) -> bool:
    """Whether ``after``, the text after a part's last ``align*``, is a closing text (a remark, a check, the answer in
    words) of at most ``most`` characters, with no display: alone at the top of a page, or cut by a break between its
    paragraphs, it reads as the start of something else."""
    return 0 < len(after.strip()) <= most and not _DISPLAY.search(after)


def _starred(body: str) -> str:
    """``body`` with the row ends where no page may break written ``\\\\*``."""
    rows, separators = split(body, "row")
    starts = [_start(row) for row in rows]
    chains = _runs([not row.continues for row in starts])
    blocks = _runs([row.headed for row in starts])
    for end, separator in enumerate(separators, start=1):  # the break after row ``end`` (from 1), above row ``end + 1``
        if rows[end].lstrip().startswith("*"):
            continue  # starred already
        lone_row = end < 2 or len(rows) - end < 2
        splits_chain = starts[end].continues and _too_few(chains[end], end)
        splits_block = not starts[end].headed and _too_few(blocks[end], end)
        if lone_row or splits_chain or splits_block:
            separators[end - 1] = "\\\\*" + separator[2:]
    return "".join(row + separator for row, separator in zip(rows, separators + [""]))


class _Start(NamedTuple):
    continues: bool
    """The row's first cell is empty: it continues the chain of steps above it (``&= b``)."""
    headed: bool
    """The row starts a chain under a line of text (a heading such as "For $f_2$, let ...:"): it starts a block of
    rows. A line above a row that continues a chain is that row's reason, inside the chain."""


def _start(row: str) -> _Start:
    """How ``row`` starts."""
    index, under_text = 0, False
    while (match := _PREFIX.match(row, index)) is not None:
        index = match.end()
        if match.group().lstrip().startswith("\\"):  # a line of text: skip its argument
            index, under_text = closing_brace(row, len(row) - len(row[index:].lstrip())) + 1, True
    continues = row[index:].lstrip().startswith("&")
    return _Start(continues, under_text and not continues)


def _runs(starts: list[bool]) -> list[range]:
    """For each row, the rows of the run it belongs to, a run starting at each row ``starts`` marks (and the first)."""
    bounds = [index for index, start in enumerate(starts) if start or index == 0] + [len(starts)]
    return [run for start, stop in zip(bounds, bounds[1:]) for run in [range(start, stop)] * (stop - start)]


def _too_few(run: range, cut: int) -> bool:
    """Whether cutting ``run`` above row ``cut`` (counted from 0) leaves fewer than ``ROWS_KEPT`` rows on a side."""
    return min(cut - run.start, run.stop - cut) < ROWS_KEPT


_PLAIN = re.compile(r"[A-Za-z0-9.,:;!?()\[\]\-+=/*'`<>@|]")
"""Characters TeX reads as letters or other characters (catcodes 11 and 12): plain text."""


def _leads_in(after: str) -> bool:
    """Whether ``after`` (what follows an ``align*``) starts with a short lead-in to another display: at most
    ``LEAD_IN`` characters of plain text, then ``\\begin``, ``\\[`` or a group (a ``}`` before the text, the end of a
    ``{\\small ...}`` around the align, is skipped)."""
    chars, index = 0, 0
    while index < len(after) and chars <= LEAD_IN:
        char = after[index]
        if char == "%":  # a comment: TeX reads on after its line, from the next line's first character that is not a space
            index = len(after) if (end := after.find("\n", index)) < 0 else end + 1
            index = len(after) - len(after[index:].lstrip(" \t"))
            if after.startswith("\n", index):
                return False  # an empty line: a new paragraph
            continue
        if char == "\n" and after[index + 1 :].lstrip(" \t").startswith("\n"):
            return False  # an empty line: a new paragraph
        if char.isspace() or (char == "}" and chars == 0):
            index += 1
        elif _PLAIN.match(char):
            chars, index = chars + 1, index + 1
        elif char == "{" or re.match(r"\\(?:\[|begin(?![a-zA-Z]))", after[index:]):
            return chars > 0
        else:
            return False
    return False
