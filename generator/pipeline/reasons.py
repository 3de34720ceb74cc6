"""Set the long reasons of worked steps once their whole ``align*`` is known.

The ``reason`` macro (templates/macros/steps.tex.j2) cannot know how wide the align it writes into is: an align
often holds several chains (a derivative's pieces, rows a template writes outside the macro), and it is as wide as
its widest cell of each column over all of them. So the macro writes a reason it would not set in one short line as
a marker, ``\\sheetreason{REASON}{LINE}`` (or ``\\sheetreasonabove``, where the call's ``beside`` puts it above its
step), ``LINE`` being the reason as a line of its own, and ``set_reasons`` (render_part calls it on every part, so
the variant cache keeps laid-out text and no marker reaches TeX) sets each from its align's widest cells:

* on one line in ``\\mbox`` beside its step where that fits;
* else, for ``\\sheetreason``, in the box (``BOX_WIDTH``) where it takes at most two lines of it (broken as TeX breaks
  it, a word at a time: counted in characters, a third of the reasons the macro gave the box took three);
* else (for either marker) in two lines of a wider box, where the room its align leaves holds one, as wide as the
  widest such box of its align: the align is no wider for it, and a reason above its row, under a line such as
  "For f_2:", read as a second heading (a TA read, German seed 6612);
* else in three lines of a box at least ``BOX`` wide in that room: a line of its own above the row cut the chain
  of steps, the row below it opening with a bare "=" under a sentence (three TA reads, EN 8931, German 8932);
* else on a line of its own above the row, which then leaves its reason column empty.

What fits is measured, not counted: ``typeset_width`` estimates in points how wide TeX sets a cell, from Latin
Modern's glyph widths and the spaces TeX puts around operators. ``widths.printed_width`` counts characters, which
serves the samplers' limits, but is off by a factor of two either way for a cell (a matrix counts every entry, an
operator or a ``\\partial`` less than it takes): of the 8,600 long reasons that fit on one line in 40 seeds of
every family, a room counted in it held 4,000 without a row running over, a room measured 7,300.
"""

import re

from generator.kit.widths import closing_brace
from generator.speed import remembered

__all__ = ["BOX", "BOX_WIDTH", "MARGIN", "ROOM", "set_reasons", "split", "typeset_width"]

ROOM = 418.0
"""Points a row of an ``align*``'s widest cells (left side, step, reason) may take with the gaps between its columns
at their full 10 pt: the text width of an A4 page at 11 pt (466.6 pt) less 48 pt, measured on the sheet's one-pass
align (templates/macros/one-pass-align.tex.j2). Its gaps may shrink by 21 pt more before a row runs into the margin."""
MARGIN = 1.08
"""How much wider than ``typeset_width`` TeX may set a row: of 10,400 cells and 1,300 reasons TeX set (every family
and option, 40 seeds, English and German), 99% were at most 1.09 and 1.02 times as wide as estimated. Of 26,500
long reasons of 80 seeds, 14,800 so went on one line, and no align they stood in was wider than ``ROOM`` (the
widest 399 pt, which at 12 pt would still be 2 pt inside the margin)."""
BOX_WIDTH = "3.8cm"
"""The width of the box a reason takes two lines of, as TeX is given it (``\\parbox[t]{3.8cm}``): the one place it
is written (the steps macro's rule and ``widths.BOXED_REASON`` were measured at it)."""
BOX = round(float(BOX_WIDTH.removesuffix("cm")) * 72.27 / 2.54, 1)
"""``BOX_WIDTH`` in points (72.27 to the inch), to the tenth the layout was calibrated at: 108.1."""
BOX_STEP = 10.0
"""Points by which a box is widened, from ``BOX``, for a reason too long for two lines of ``BOX``."""
SMALL = 10 / 10.95
"""An align in ``\\small`` (10 pt in an 11 pt sheet) is set this much narrower."""

_ALIGN = re.compile(r"(\\begin\{align\*\})(.*?)(\\end\{align\*\})", re.S)
_MARKER = re.compile(r"\\sheetreason(above)?\{")
_SPACING = re.compile(r"(?:\[[^\]]*\])?")
"""The optional vertical space after a row's ``\\\\`` (``\\\\[1ex]``)."""
_ROW_PREFIXES = ("\\noalign{", "\\shortintertext{", "\\intertext{")
"""What may stand before a row's first cell: lines of text (the reason's own line goes after them)."""
REASON_COLUMN = 3
"""Where a row ``lhs &= step && reason`` holds its reason (columns counted from 0)."""


def set_reasons(latex: str) -> str:
    """``latex`` with every reason marker of the ``reason`` macro replaced by the layout that fits its ``align*``."""
    if "\\sheetreason" not in latex:
        return latex

    def set_align(match: re.Match) -> str:
        if "\\sheetreason" not in match.group(2):
            return match.group(0)
        size = SMALL if latex[: match.start()].rstrip().endswith("\\small") else 1.0
        return match.group(1) + _set_align(match.group(2), size) + match.group(3)

    return _outside_aligns(_ALIGN.sub(set_align, latex))


def _set_align(body: str, size: float) -> str:
    rows, separators = split(body, "row")
    widest: dict[int, float] = {}
    for row in rows:
        columns, _ = split(_cells(row), "column")
        for index, column in enumerate(columns):
            if index != REASON_COLUMN:  # TeX sets an odd column as {}column: a leading sign is spaced as an operator
                widest[index] = max(widest.get(index, 0.0), typeset_width(column, first=index % 2 == 0))
    room = ROOM / (MARGIN * size) - sum(widest.values())
    markers = [list(_markers(row)) for row in rows]
    layouts = [[_layout(reason, box, room, size) for _, _, _, box, reason, _ in marked] for marked in markers]
    # one width for the wider boxes of an align: two reasons alike in consecutive rows broke alike only by chance
    # (boxes of 138.1 and 128.1 pt, a TA read EN 8905)
    wide = max((layout for row in layouts for layout in row if isinstance(layout, float)), default=None)
    laid_out = (_set_row(*row, wide) for row in zip(rows, markers, layouts, strict=True))
    return "".join(row + separator for row, separator in zip(laid_out, separators + [""], strict=True))


def _layout(reason: str, box: bool, room: float, size: float) -> str | float | None:
    """How a reason is set, ``room`` points left for it on one line (in ``size``): "line" beside its step, "box"
    (``BOX_WIDTH``), the width of a wider box (two lines, else three) in points, or None for a line of its own above
    its row."""
    if typeset_width(reason, text=True) <= room:
        return "line"
    if box and _box_lines(reason, size) <= 2:
        return "box"
    return _lines_wide(reason, size, size * room, 2) or _lines_wide(reason, size, size * room, 3, BOX)


def _cells(row: str) -> str:
    """A row without what is not one of its cells: lines of text above it, and its reason's marker."""
    row = row[_first_cell(row) :]
    for start, end, *_ in reversed(list(_markers(row))):
        row = row[:start] + row[end:]
    return row


def _first_cell(row: str) -> int:
    """Where the first cell of ``row`` starts, after the lines of text above it."""
    index = 0
    while True:
        index = len(row) - len(row[index:].lstrip())
        prefix = next((p for p in _ROW_PREFIXES if row.startswith(p, index)), None)
        if prefix is None:
            return index
        index = closing_brace(row, index + len(prefix) - 1) + 1


def _line_above(row: str, line: str) -> str:
    """``row`` with ``line`` (a reason's line of its own) just before its first cell, after the lines above it."""
    first = _first_cell(row)
    blank = row[len(row[:first].rstrip()) : first]
    start = first - len(blank) + blank.rfind("\n") + 1
    return row[:start] + line + row[start:]


def _set_row(row: str, markers: list, layouts: list[str | float | None], wide: float | None) -> str:
    """``row`` with its reasons' ``markers`` (``_markers``) set as ``layouts`` says (``_layout``), a wider box ``wide``
    points wide, the widest its align needs."""
    pieces, above, last = [], "", 0
    for (start, end, separator, _, reason, line), layout in zip(markers, layouts, strict=True):
        pieces.append(row[last:start])
        if layout == "line":
            pieces.append(f"{separator}\\mbox{{{reason}}}")
        elif layout == "box":
            pieces.append(separator + _boxed(BOX_WIDTH, reason))
        elif layout is not None:
            pieces.append(separator + _boxed(f"{wide:g}pt", reason))
        else:
            above += line
        last = end
    pieces.append(row[last:])
    laid_out = "".join(pieces)
    return _line_above(laid_out, above) if above else laid_out


def _outside_aligns(latex: str) -> str:
    """Markers outside any ``align*`` (no row to stand above): the box, or the reason's line where the marker was."""
    pieces, last = [], 0
    for start, end, separator, box, reason, line in _markers(latex):
        pieces.append(latex[last:start])
        pieces.append(separator + _boxed(BOX_WIDTH, reason) if box else line)
        last = end
    pieces.append(latex[last:])
    return "".join(pieces)


def _boxed(width: str, reason: str) -> str:
    """``reason`` in a box ``width`` wide, hanging below its row, and ``\\jot`` deeper than its last line: without it
    the next row's reason stood as far below it as its own second line, and a column of boxed reasons read as one
    list ("Summenregel und / Ableitungstabelle / Ableitungstabelle", a TA read of German seed 6642)."""
    return f"\\parbox[t]{{{width}}}{{\\raggedright {reason}\\endgraf\\vspace{{\\jot}}}}"


def _lines_wide(reason: str, size: float, room: float, lines: int, narrowest: float = BOX + BOX_STEP) -> float | None:
    """The narrowest box from ``narrowest``, in steps of ``BOX_STEP`` points up to ``room``, that holds ``reason`` in
    ``lines`` lines, which then come out about as long as each other; None if even ``room`` does not."""
    widths = [narrowest + BOX_STEP * step for step in range(int((room - narrowest) // BOX_STEP) + 1)]
    return next((width for width in widths if _box_lines(reason, size, width) <= lines), None)


def _box_lines(reason: str, size: float, box: float = BOX) -> float:
    """How many lines of a box ``box`` points wide ``reason`` takes, broken a word at a time as TeX breaks it ragged
    right."""
    lines, used = 1, None
    for word in _words(reason):
        width = size * typeset_width(word, text=True)
        if width > box:
            return float("inf")
        if used is None:
            used = width
        elif used + size * _POINT * _SPACE + width <= box:
            used += size * _POINT * _SPACE + width
        else:
            lines, used = lines + 1, width
    return lines


def _words(reason: str) -> list[str]:
    """The words of ``reason``, each ``$...$`` formula whole (TeX breaks no line inside one)."""
    words, word, maths = [], "", False
    for char in reason:
        maths ^= char == "$"
        if char == " " and not maths:
            words, word = words + [word] * bool(word), ""
        else:
            word += char
    return words + [word] * bool(word)


def _markers(text: str):
    """(start, end, separator, box, reason, line) of each marker in ``text``, in order: ``separator`` the ``&&``
    of the reason's column written before it (from ``start``), ``box`` unless it is ``\\sheetreasonabove``."""
    position = 0
    while (match := _MARKER.search(text, position)) is not None:
        start, head = match.start(), text[position : match.start()].rstrip()
        if head.endswith("&&"):
            start = position + len(head[:-2].rstrip())
        reason_end = closing_brace(text, match.end() - 1)
        line_end = closing_brace(text, reason_end + 1)
        reason, line = text[match.end() : reason_end], text[reason_end + 2 : line_end]
        yield start, line_end + 1, text[start : match.start()], match.group(1) is None, reason, line
        position = line_end + 1


_STRUCTURE = re.compile(r"\\(?:begin|end)(?=\{)|\\\\|\\[^a-zA-Z]|[{}&]")
"""What split looks at: environments, row ends, escaped characters (skipped), braces, column ends."""


def split(text: str, what: str) -> tuple[list[str], list[str]]:
    """``text`` cut into rows (at ``\\\\``) or columns (at ``&``) of the align itself, not of a matrix or a group
    inside it, with the separators between them."""
    separator = "\\\\" if what == "row" else "&"
    pieces, separators = [], []
    depth, start = 0, 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in ("{", "\\begin"):
            depth += 1
        elif token in ("}", "\\end"):
            depth -= 1
        elif token == separator and depth == 0 and match.start() >= start:
            end = _SPACING.match(text, match.end()).end() if what == "row" else match.end()
            pieces.append(text[start : match.start()])
            separators.append(text[match.start() : end])
            start = end
    pieces.append(text[start:])
    return pieces, separators


# --- how wide TeX sets a cell ----------------------------------------------------------------------------

_POINT = 10.95 / 10
"""The widths below are Latin Modern's at 10 pt (its TFM files: ec-lmr10, lmmi10, lmsy10); an 11 pt sheet sets 10.95 pt."""
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ROMAN = dict(zip(_ALPHABET + "0123456789,.;:()-'!?/[]*", (
    5.0, 5.56, 4.44, 5.56, 4.44, 3.06, 5.0, 5.56, 2.78, 3.06, 5.28, 2.78, 8.33, 5.56, 5.0, 5.56, 5.28, 3.92, 3.94, 3.89,
    5.56, 5.28, 7.22, 5.28, 5.28, 4.44, 7.5, 7.08, 7.22, 7.64, 6.81, 6.53, 7.85, 7.5, 3.61, 5.14, 7.78, 6.25, 9.17, 7.5,
    7.78, 6.81, 7.78, 7.36, 5.56, 7.22, 7.5, 7.5, 10.28, 7.5, 7.5, 6.11) + (5.0,) * 10 + (
    2.78, 2.78, 2.78, 2.78, 3.89, 3.89, 3.33, 2.78, 2.78, 4.72, 5.0, 2.78, 2.78, 5.0)))
"""Text (and upright maths: digits, brackets, function names)."""
_ITALIC = dict(zip(_ALPHABET, (
    5.29, 4.29, 4.33, 5.2, 4.66, 4.9, 4.77, 5.76, 3.45, 4.12, 5.21, 2.98, 8.78, 6.0, 4.85, 5.03, 4.46, 4.51, 4.69, 3.61,
    5.72, 4.85, 7.16, 5.72, 4.9, 4.65, 7.5, 7.59, 7.15, 8.28, 7.38, 6.43, 7.86, 8.31, 4.4, 5.55, 8.49, 6.81, 9.7, 8.03,
    7.63, 6.42, 7.91, 7.59, 6.13, 5.84, 6.83, 5.83, 9.44, 8.28, 5.81, 6.83)))
"""A letter in maths."""
_SYMBOLS = {
    "\\alpha": 6.4, "\\beta": 5.66, "\\gamma": 5.18, "\\delta": 4.44, "\\epsilon": 4.06, "\\varepsilon": 4.66, "\\zeta": 4.38,
    "\\eta": 4.97, "\\theta": 4.69, "\\kappa": 5.76, "\\lambda": 5.83, "\\mu": 6.03, "\\nu": 4.94, "\\xi": 4.38, "\\pi": 5.7,
    "\\rho": 5.17, "\\sigma": 5.71, "\\tau": 4.37, "\\phi": 5.96, "\\varphi": 6.54, "\\chi": 6.26, "\\psi": 6.51,
    "\\omega": 6.22, "\\ell": 4.17, "\\partial": 5.31, "\\nabla": 8.33, "\\infty": 10.0, "\\top": 7.78, "\\prime": 2.75,
    "\\dots": 12.2, "\\ldots": 12.2, "\\cdots": 12.2, "\\{": 5.0, "\\}": 5.0, "\\|": 5.0, "\\%": 8.33, "\\&": 7.78,
    "\\#": 8.33, "\\_": 5.0, "\\langle": 3.89, "\\rangle": 3.89, "\\lvert": 2.78, "\\rvert": 2.78, "|": 2.78,
    "\\Sigma": 7.22, "\\Delta": 8.33, "\\Gamma": 6.25, "\\Lambda": 6.94, "\\Phi": 7.22, "\\Omega": 7.22,
}
_BINARY = {"+": 7.78, "-": 7.78, "*": 5.0, "\\cdot": 2.78, "\\times": 7.78, "\\pm": 7.78, "\\mp": 7.78, "\\ast": 5.0,
           "\\circ": 5.0, "\\setminus": 5.0}
_RELATIONS = {"=": 7.78, "<": 7.78, ">": 7.78, "\\approx": 7.78, "\\le": 7.78, "\\leq": 7.78, "\\ge": 7.78, "\\geq": 7.78,
              "\\ne": 7.78, "\\neq": 7.78, "\\to": 10.0, "\\in": 6.67, "\\mid": 2.78, "\\sim": 7.78, "\\colon": 2.78,
              "\\mapsto": 10.0, "\\equiv": 7.78, "\\propto": 7.78, "\\coloneqq": 11.7, "\\Rightarrow": 10.0, "\\iff": 16.0}
_THIN, _MEDIUM, _THICK, _SPACE = 1.67, 2.22, 2.78, 3.33
"""TeX's spaces in maths (3, 4 and 5 mu) and between words."""
_SPACES = {"\\,": _THIN, "\\:": _MEDIUM, "\\;": _THICK, "\\!": -_THIN, "\\ ": _SPACE, "~": _SPACE, "\\quad": 10.0, "\\qquad": 20.0}
_FUNCTIONS = {"sin", "cos", "tan", "log", "exp", "ln", "det", "max", "min", "arg", "lim", "sup", "inf", "tanh", "sinh",
              "cosh", "arctan", "arcsin", "arccos", "sgn", "tr", "diag", "rank", "Var", "Cov", "E"}
_TEXTS = {"\\text", "\\mbox", "\\textrm", "\\textnormal", "\\textbf", "\\textit", "\\operatorname", "\\mathrm"}
_BOLD = {"\\mathbf", "\\boldsymbol", "\\bm"}
_DELIMITED = {"\\left", "\\right", "\\middle", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\big", "\\Big"}
_OPENING = {"(", "[", "\\{", "\\left", "\\bigl", "\\Bigl", "\\biggl", "\\langle", "\\lvert", "\\lVert"}
_SKIPPED = {"\\vskip", "\\hspace", "\\vspace", "\\label", "\\tag", "\\noalign"}
_TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|\s+|.", re.S)
_ACCENTED = re.compile(r"\{\\[\"'`^~=.]\s*([a-zA-Z])\}|\{\\(?:ss|textquotesingle|textasciigrave)\}")
"""What the text escaper writes for one letter (``{\\"a}``)."""


@remembered(8192)
def typeset_width(latex: str, text: bool = False, first: bool = True) -> float:
    """Roughly how many points wide TeX sets ``latex`` at 11 pt in a display (an align's cell); ``text``: a
    reason, text with ``$...$`` maths; ``first``: ``latex`` starts a formula (a leading ``-`` is a sign).

    Each glyph is as wide as Latin Modern's, a binary operator or relation takes the space TeX puts around it,
    a sub- or superscript is set at 75%, a fraction as its wider half, a matrix as its widest entries per column.
    """
    tokens = _TOKEN.findall(_ACCENTED.sub(lambda m: m.group(1) or "s", latex))
    return _POINT * _width(tokens, 1.0, text, not first, False)


def _argument(tokens: list[str], index: int) -> tuple[list[str], int]:
    """The tokens of the argument starting at ``index`` (a group or one token), and the index after it."""
    while index < len(tokens) and tokens[index].isspace():
        index += 1
    if index >= len(tokens):
        return [], index
    if tokens[index] != "{":
        return [tokens[index]], index + 1
    depth = 0
    for end in range(index, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[end], 0)
        if depth == 0:
            return tokens[index + 1 : end], end + 1
    return tokens[index + 1 :], len(tokens)


def _width(tokens: list[str], scale: float, text: bool, operand: bool, inner: bool) -> float:
    """Width at 10 pt of ``tokens`` set at ``scale`` (1 in the display, 0.75 in a script); ``operand``: a binary
    operator after what was set is spaced as one, not set as a sign; ``inner``: inside a fraction (text style)."""
    total, index = 0.0, 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token == "$":
            text, operand, inner = not text, False, True  # maths in text is in text style, as in a fraction
        elif token.isspace():
            total += _SPACE * scale if text else 0.0
        elif token == "{":
            group, index = _argument(tokens, index - 1)
            total += _width(group, scale, text, False, inner)
            operand = True
        elif token in ("\\mathopen", "\\mathclose"):
            _, index = _argument(tokens, index)
            operand = token == "\\mathclose"
        elif token in ("}", "&", "\\\\", "\\displaystyle", "\\textstyle", "\\limits", "\\nolimits"):
            continue
        elif text and not token.startswith("\\"):
            total += _ROMAN.get(token, 5.0) * scale
        elif token in ("^", "_"):
            script, index = _argument(tokens, index)
            width = _width(script, scale * 0.75, False, False, inner)
            following = index
            while following < len(tokens) and tokens[following].isspace():
                following += 1
            if following < len(tokens) and tokens[following] in ("^", "_") and tokens[following] != token:
                other, index = _argument(tokens, following + 1)
                width = max(width, _width(other, scale * 0.75, False, False, inner))
            total += width + 0.5 * scale
            operand = True
        elif token in ("\\frac", "\\dfrac", "\\tfrac"):
            numerator, index = _argument(tokens, index)
            denominator, index = _argument(tokens, index)
            half = scale * (0.75 if inner and token != "\\dfrac" else 1.0)
            total += max(_width(numerator, half, False, False, True), _width(denominator, half, False, False, True))
            total += 2.4 * scale
            operand = True
        elif token == "\\begin":
            name, index = _argument(tokens, index)
            end, depth = index, 1
            while end < len(tokens) and depth:
                depth += {"\\begin": 1, "\\end": -1}.get(tokens[end], 0)
                end += 1
            body = tokens[index : end - 1]
            _, index = _argument(tokens, end)
            total += _matrix_width(body, "".join(name), scale)
            operand = True
        elif token in _TEXTS:
            argument, index = _argument(tokens, index)
            total += _width(argument, scale, True, False, inner)
            operand = True
        elif token in _BOLD:
            argument, index = _argument(tokens, index)
            total += 1.12 * _width(argument, scale, text, False, inner)
            operand = True
        elif token == "\\sqrt":
            argument, index = _argument(tokens, index)
            total += _width(argument, scale, False, False, inner) + 8.3 * scale
            operand = True
        elif token in ("\\sum", "\\prod", "\\int"):
            glyph = {"\\sum": 14.4, "\\prod": 12.8, "\\int": 8.3}[token] * scale
            if token != "\\int" and scale == 1.0 and not inner:  # in a display the limits go below and above it
                while index < len(tokens) and tokens[index] in ("^", "_"):
                    limit, index = _argument(tokens, index + 1)
                    glyph = max(glyph, _width(limit, 0.75, False, False, True))
            total += glyph
            operand = False
        elif token in _SKIPPED:
            _, index = _argument(tokens, index)
        elif token in _DELIMITED:
            delimiter, index = _argument(tokens, index)
            tall = not inner and "\\frac" in tokens[index : index + 40]
            total += (1.2 if delimiter == ["."] else 7.4 if tall and token in _OPENING else 3.9) * scale
            operand = token not in _OPENING
        elif token in _SPACES:
            total += _SPACES[token] * scale
        elif token in _BINARY or token in _RELATIONS:
            relation = token in _RELATIONS
            spaced = scale == 1.0 and (operand or relation)
            glyph = _RELATIONS[token] if relation else _BINARY[token]
            total += (glyph + (2 * (_THICK if relation else _MEDIUM) if spaced else 0.0)) * scale
            operand = False
        elif token in (",", ";"):
            total += (2.78 + _THIN) * scale
            operand = False
        elif token.startswith("\\") and token[1:] in _FUNCTIONS:
            total += (sum(_ROMAN.get(letter, 5.0) for letter in token[1:]) + _THIN) * scale
            operand = True
        else:
            total += _glyph(token) * scale
            operand = token not in _OPENING
    return total


def _glyph(token: str) -> float:
    if token in _SYMBOLS:
        return _SYMBOLS[token]
    if token in _ITALIC:
        return _ITALIC[token]
    if token.startswith("\\"):
        return 6.0  # another symbol
    return _ROMAN.get(token, 5.0)


def _matrix_width(tokens: list[str], name: str, scale: float) -> float:
    """A matrix (or ``cases``, ``array``): its widest entry per column, 10 pt between columns, and its brackets."""
    small = name == "smallmatrix"
    rows, depth = [[[]]], 0
    for token in tokens:
        depth += {"{": 1, "}": -1, "\\begin": 1, "\\end": -1}.get(token, 0)
        if depth == 0 and token == "\\\\":
            rows.append([[]])
        elif depth == 0 and token == "&":
            rows[-1].append([])
        else:
            rows[-1][-1].append(token)
    entry = scale * (0.75 if small else 1.0)
    columns = max(len(row) for row in rows)
    widest = [max((_width(row[column], entry, False, False, small) for row in rows if column < len(row)), default=0.0)
              for column in range(columns)]
    brackets = 0.0 if small or name in ("matrix", "array", "aligned") else 11.0
    return sum(widest) + (3.3 if small else 10.0) * scale * (columns - 1) + brackets * scale
