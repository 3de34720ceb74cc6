"""Where a page may break inside a worked ``align*``, decided when a part is rendered, not by TeX.

A solution's ``align*`` may break between its rows (the sheet's solutions set ``\\interdisplaylinepenalty``
below 10000), and a careful typesetter takes those breaks only where they read well. ``set_breaks`` writes the
decision into the source: a row end where no page may break becomes ``\\\\*`` (amsmath's own "no break here"),
and an ``align*`` followed by a short lead-in to another display gets ``\\sheetleadin`` before it, which forbids a
break just below it (templates/macros/one-pass-align.tex.j2). The variant cache keeps the rendered part with the
decisions in it, so a rebuild's TeX does none of this work (it had been a twentieth of a solution batch's TeX).

The rules, row by row (``n`` rows, a break after row ``r``):

* never after the first row or before the last: no lone row at a page's foot or head;
* inside one chain of steps (``lhs &= a`` and the ``&= b`` rows that continue it) only with two of its rows on
  each side, so no first step or result stands alone;
* a line of text above a row (a reason on a line of its own, ``\\shortintertext``) stays with the row below it:
  the break goes above the text, with the penalty TeX gives it there.

An ``align*`` of three rows never breaks.
"""

import re

from generator.pipeline.reasons import split

__all__ = ["LEAD_IN", "set_breaks"]

LEAD_IN = 30
"""The most characters of plain text that count as a lead-in to the next display ("so", "and by Bayes' rule")."""

_ALIGN = re.compile(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", re.S)
_PREFIX = re.compile(r"\s*(?:\*|\[[^\]]*\]|\\(?:noalign|shortintertext|intertext)(?![a-zA-Z]))")
"""What may stand before a row's first cell: the star or spacing of the row end before it, lines of text."""
_START, _CONTINUATION = 1, 2


def set_breaks(latex: str) -> str:
    """``latex`` with every ``align*``'s row ends starred where no page may break, and ``\\sheetleadin`` before an
    ``align*`` that a short lead-in to another display follows."""
    pieces, last = [], 0
    for match in _ALIGN.finditer(latex):
        start = match.start()
        pieces.append(latex[last:start])
        if _leads_in(latex[match.end() :]):
            pieces.append("\\sheetleadin")
        body = match.group(1)
        pieces.append(latex[start : match.start(1)] + _starred(body) + latex[match.end(1) : match.end()])
        last = match.end()
    pieces.append(latex[last:])
    return "".join(pieces)


def _starred(body: str) -> str:
    """``body`` with the row ends where no page may break written ``\\\\*``."""
    rows, separators = split(body, "row")
    kinds = [_kind(row) for row in rows] + [0, 0]
    count = len(rows)
    for end, separator in enumerate(separators, start=1):  # the break after row ``end`` (counted from 1)
        if rows[end].lstrip().startswith("*"):
            continue  # starred already
        chained = kinds[end] == _CONTINUATION  # the next row continues a chain
        if end < 2 or count - end < 2 or (chained and (kinds[end - 1] != _CONTINUATION or kinds[end + 1] != _CONTINUATION)):
            separators[end - 1] = "\\\\*" + separator[2:]
    return "".join(row + separator for row, separator in zip(rows, separators + [""]))


def _kind(row: str) -> int:
    """Whether ``row`` continues a chain (its first cell, after the lines of text above it, is empty) or starts one."""
    index = 0
    while (match := _PREFIX.match(row, index)) is not None:
        index = match.end()
        if match.group().lstrip().startswith("\\"):
            index = _group_end(row, index)
    return _CONTINUATION if row[index:].lstrip().startswith("&") else _START


def _group_end(text: str, index: int) -> int:
    """The index after the brace group that starts at ``index`` (spaces before it skipped)."""
    index = len(text) - len(text[index:].lstrip())
    depth = 0
    for position in range(index, len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0) * (text[position - 1] != "\\")
        if depth == 0:
            return position + 1
    return len(text)


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
