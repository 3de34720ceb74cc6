"""Set the long reasons of worked steps once their whole ``align*`` is known.

The steps macro (templates/macros/steps.tex.j2) cannot know how wide the align it writes into is: an align
often holds several chains (a derivative's pieces, rows a template writes outside the macro), and it is as
wide as its widest cell of each column over all of them. So the macro writes a reason it would not set in one
short line as a marker, and ``set_reasons`` (render_part calls it on every part it renders, so the variant
cache keeps laid-out text and no marker reaches TeX) decides each from that align's widest cells:

* ``\\sheetreasonbox{TEXT}``, a reason the macro would set in a 3.8 cm box beside its step (31 to 44
  characters): on one line in ``\\mbox`` where that fits beside the align's widest columns, else in the box;
* ``\\sheetreasonabove{LINE}`` at the start of a row and ``\\sheetreasonbeside{TEXT}`` at its end, a reason
  longer than the call's ``beside``: on one line beside its step where it fits, else ``LINE``, the line of its own
  above the step the macro wrote.

What fits is measured, not counted: ``typeset_width`` estimates in points how wide TeX sets a cell, from the
glyphs, spaces and fractions it holds. ``widths.printed_width`` counts characters, which is enough for the
samplers' limits but is off by a factor of two either way for a cell (a matrix counts every entry, an
operator or a ``\\partial`` less than it takes): of the 8,600 long reasons that fit on one line in 40 seeds of every
family, a room counted in it held 4,000 without a row running over, a room measured 6,600.
"""

import re

from generator.speed import remembered

__all__ = ["ROOM", "MARGIN", "set_reasons", "typeset_width"]

ROOM = 418.0
"""Points a row of an ``align*``'s widest cells (left side, step, reason) may take with the gaps between its columns
at their full 10 pt: the text width of an A4 page at 11 pt (466.6 pt) less 48 pt, measured on the sheet's one-pass
align (templates/macros/one-pass-align.tex.j2). Its gaps may shrink by 21 pt more before a row runs into the margin."""
MARGIN = 1.1
"""How much wider than ``typeset_width`` TeX may set a row: of 10,400 cells and 1,300 reasons TeX set (every family
and option, 40 seeds, English and German), 99% were at most 1.13 and 1.10 times as wide as estimated. Of 26,500
long reasons of 80 seeds, 13,500 so went on one line, and no align they stood in was wider than ``ROOM`` (the
widest 397 pt, which at 12 pt would still be 4 pt inside the margin)."""
SMALL = 10 / 10.95
"""An align in ``\\small`` (10 pt in an 11 pt sheet) is set this much narrower."""

_ALIGN = re.compile(r"(\\begin\{align\*\})(.*?)(\\end\{align\*\})", re.S)
_MARKER = re.compile(r"\\sheetreason(box|above|beside)\{")
_SPACING = re.compile(r"(?:\[[^\]]*\])?")
"""The optional vertical space after a row's ``\\\\`` (``\\\\[1ex]``)."""
_ROW_PREFIXES = ("\\noalign{", "\\shortintertext{", "\\intertext{", "\\sheetreasonabove{")
REASON_COLUMN = 3
"""Where a row ``lhs &= step && reason`` holds its reason (columns counted from 0)."""


def set_reasons(latex: str) -> str:
    """``latex`` with every reason marker of the steps macro replaced by the layout that fits its ``align*``."""
    if "\\sheetreason" not in latex:
        return latex

    def set_align(match: re.Match) -> str:
        if "\\sheetreason" not in match.group(2):
            return match.group(0)
        size = SMALL if latex[: match.start()].rstrip().endswith("\\small") else 1.0
        return match.group(1) + _set_align(match.group(2), size) + match.group(3)

    return _outside_aligns(_ALIGN.sub(set_align, latex))


def _set_align(body: str, size: float) -> str:
    rows, separators = _split(body, "row")
    widest: dict[int, float] = {}
    for row in rows:
        columns, _ = _split(_cells(row), "column")
        for index, column in enumerate(columns):
            if index != REASON_COLUMN:  # TeX sets an odd column as {}column: a leading sign is spaced as an operator
                widest[index] = max(widest.get(index, 0.0), typeset_width(column, first=index % 2 == 0))
    room = ROOM / (MARGIN * size) - sum(widest.values())
    return "".join(_set_row(row, room) + separator for row, separator in zip(rows, separators + [""]))


def _cells(row: str) -> str:
    """A row without what is not one of its cells: lines of text above it, and the markers of its reason."""
    while True:
        row = row.lstrip()
        prefix = next((p for p in _ROW_PREFIXES if row.startswith(p)), None)
        if prefix is None:
            break
        row = row[_closing(row, len(prefix) - 1) + 1 :]
    for start, end, _, _ in reversed(list(_markers(row))):
        row = row[:start] + row[end:]
    return row


def _set_row(row: str, room: float) -> str:
    markers = list(_markers(row))
    beside = next((text for _, _, kind, text in markers if kind == "beside"), None)
    fits = beside is not None and typeset_width(beside, text=True) <= room
    pieces, last = [], 0
    for start, end, kind, text in markers:
        pieces.append(row[last:start])
        if kind == "box":
            pieces.append(_mbox(text) if typeset_width(text, text=True) <= room else _box(text))
        elif kind == "above":
            pieces.append("" if fits else text)
        else:
            pieces.append(f" && {_mbox(text)}" if fits else "")
        last = end
    pieces.append(row[last:])
    return "".join(pieces)


def _outside_aligns(latex: str) -> str:
    """Markers outside any ``align*``: the layout the macro would choose knowing no room."""
    pieces, last = [], 0
    for start, end, kind, text in _markers(latex):
        pieces.append(latex[last:start])
        pieces.append(_box(text) if kind == "box" else text if kind == "above" else "")
        last = end
    pieces.append(latex[last:])
    return "".join(pieces)


def _mbox(text: str) -> str:
    return f"\\mbox{{{text}}}"


def _box(text: str) -> str:
    return f"\\parbox[t]{{3.8cm}}{{\\raggedright {text}}}"


def _markers(text: str):
    """(start, end, kind, argument) of each marker in ``text``, in order."""
    position = 0
    while (match := _MARKER.search(text, position)) is not None:
        end = _closing(text, match.end() - 1)
        yield match.start(), end + 1, match.group(1), text[match.end() : end]
        position = end + 1


_STRUCTURE = re.compile(r"\\(?:begin|end)(?=\{)|\\\\|\\[^a-zA-Z]|[{}&]")
"""What _split and _closing look at: environments, row ends, escaped characters (skipped), braces, column ends."""


def _closing(text: str, opening: int) -> int:
    """Index of the brace closing the one at ``opening`` (escaped braces ``\\{`` ``\\}`` do not count)."""
    depth = 0
    for match in _STRUCTURE.finditer(text, opening):
        depth += {"{": 1, "}": -1}.get(match.group(), 0)
        if depth == 0:
            return match.start()
    raise ValueError(f"unbalanced braces in {text[opening:opening + 80]!r}")


def _split(text: str, what: str) -> tuple[list[str], list[str]]:
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

_TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|\s+|.", re.S)
_ACCENTED = re.compile(r"\{\\[\"'`^~=.]\s*([a-zA-Z])\}|\{\\(?:ss|textquotesingle|textasciigrave)\}")
"""What the text escaper writes for one letter (``{\\"a}``)."""

_LETTER, _CAPITAL, _TEXT, _SPACE = 5.7, 7.8, 5.2, 3.7
"""Points at 11 pt: a math letter or digit, a capital, a letter of text, a space of text."""
_GLYPHS = {
    "(": 4.3, ")": 4.3, "[": 3.0, "]": 3.0, "|": 3.0, "/": 5.5, "'": 3.0, ".": 3.0, "!": 3.0,
    "\\{": 5.5, "\\}": 5.5, "\\|": 5.5, "\\%": 9.0, "\\&": 8.5, "\\_": 5.5, "\\#": 9.0,
    "\\partial": 5.8, "\\nabla": 9.1, "\\infty": 10.9, "\\ell": 4.6, "\\top": 8.4, "\\dots": 13.4, "\\ldots": 13.4,
    "\\cdots": 13.4, "\\prime": 3.0, "\\bar": 0.0, "\\hat": 0.0, "\\tilde": 0.0, "\\vec": 0.0,
}
_SPACES = {"\\,": 1.8, "\\:": 2.4, "\\;": 3.0, "\\!": -1.8, "\\ ": 3.7, "~": 3.7, "\\quad": 11.0, "\\qquad": 21.9}
_BINARY = {"+", "-", "*", "\\cdot", "\\times", "\\pm", "\\mp", "\\ast", "\\circ", "\\setminus"}
_RELATIONS = {"=", "<", ">", "\\approx", "\\le", "\\leq", "\\ge", "\\geq", "\\ne", "\\neq", "\\to", "\\in", "\\mid",
              "\\sim", "\\colon", "\\mapsto", "\\equiv", "\\propto", "\\coloneqq", "\\Rightarrow", "\\iff"}
_FUNCTIONS = {"sin", "cos", "tan", "log", "exp", "ln", "det", "max", "min", "arg", "lim", "sup", "inf", "tanh", "sinh",
              "cosh", "arctan", "arcsin", "arccos", "sgn", "tr", "diag", "rank", "Var", "Cov", "E"}
_TEXTS = {"\\text", "\\mbox", "\\textrm", "\\textnormal", "\\textbf", "\\textit", "\\operatorname", "\\mathrm"}
_BOLD = {"\\mathbf", "\\boldsymbol", "\\bm"}
_DELIMITED = {"\\left", "\\right", "\\middle", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\big", "\\Big"}
_OPENING = {"(", "[", "\\{", "\\left", "\\bigl", "\\Bigl", "\\biggl", "\\langle", "\\lvert", "\\lVert"}
_SKIPPED = {"\\vskip", "\\hspace", "\\vspace", "\\label", "\\tag", "\\noalign"}


@remembered(8192)
def typeset_width(latex: str, text: bool = False, first: bool = True) -> float:
    """Roughly how many points wide TeX sets ``latex`` at 11 pt in a display (an align's cell); ``text``: a
    reason, text with ``$...$`` maths; ``first``: ``latex`` starts a formula (a leading ``-`` is a sign).

    Each glyph counts as wide as it is in Latin Modern (a letter 5.7 pt, a letter of text 5.2), a binary
    operator or relation with the space TeX puts around it, a sub- or superscript at 70%, a fraction as its wider
    half, a matrix as its widest entries per column. TeX set nine of ten cells within 10% of this.
    """
    return _width(_TOKEN.findall(_ACCENTED.sub(lambda m: m.group(1) or "s", latex)), 1.0, text, not first)


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


def _width(tokens: list[str], scale: float, text: bool, operand: bool = False) -> float:
    """``operand``: a binary operator after what was set is spaced as one, not set as a sign."""
    total, index = 0.0, 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token == "$":
            text, operand = not text, False
        elif token.isspace():
            total += _SPACE * scale if text else 0.0
        elif token == "{":
            group, index = _argument(tokens, index - 1)
            total += _width(group, scale, text)
            operand = True
        elif token in ("\\mathopen", "\\mathclose"):
            _, index = _argument(tokens, index)
            operand = token == "\\mathclose"
        elif token in ("}", "&", "\\\\", "\\displaystyle", "\\textstyle", "\\limits", "\\nolimits"):
            continue
        elif text and not token.startswith("\\"):
            total += (_SPACE if token.isspace() else _TEXT) * scale
        elif token in ("^", "_"):
            script, index = _argument(tokens, index)
            width = _width(script, scale * 0.7, False)
            following = index
            while following < len(tokens) and tokens[following].isspace():
                following += 1
            if following < len(tokens) and tokens[following] in ("^", "_") and tokens[following] != token:
                other, index = _argument(tokens, following + 1)
                width = max(width, _width(other, scale * 0.7, False))
            total += width + 0.5 * scale
            operand = True
        elif token in ("\\frac", "\\dfrac", "\\tfrac"):
            numerator, index = _argument(tokens, index)
            denominator, index = _argument(tokens, index)
            total += max(_width(numerator, scale, False), _width(denominator, scale, False)) + 2.4 * scale
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
            total += _width(argument, scale, True)
            operand = True
        elif token in _BOLD:
            argument, index = _argument(tokens, index)
            total += 1.2 * _width(argument, scale, text)
            operand = True
        elif token in ("\\sqrt",):
            argument, index = _argument(tokens, index)
            total += _width(argument, scale, False) + 9.0 * scale
            operand = True
        elif token in ("\\sum", "\\prod", "\\int"):
            total += (8.0 if token == "\\int" else 14.6) * scale
            operand = False
        elif token in _SKIPPED:
            _, index = _argument(tokens, index)
        elif token in _DELIMITED:
            delimiter, index = _argument(tokens, index)
            total += (1.2 if delimiter == ["."] else 5.0) * scale
            operand = token not in _OPENING
        elif token in _SPACES:
            total += _SPACES[token] * scale
        elif token in _BINARY or token in _RELATIONS:
            glyph = 3.0 if token == "\\cdot" else 8.5
            spaced = scale == 1.0 and (operand or token in _RELATIONS)
            total += (glyph + (2 * (2.4 if token in _BINARY else 3.0) if spaced else 0.0)) * scale
            operand = False
        elif token in (",", ";"):
            total += (3.0 + 1.8) * scale
            operand = False
        elif token.startswith("\\") and token[1:] in _FUNCTIONS:
            total += (_TEXT * len(token[1:]) + 1.8) * scale
            operand = True
        else:
            total += _glyph(token) * scale
            operand = token not in _OPENING
    return total


def _glyph(token: str) -> float:
    if token in _GLYPHS:
        return _GLYPHS[token]
    if token.startswith("\\"):
        return 6.3  # a Greek letter or another symbol
    return _CAPITAL if token.isupper() else _LETTER


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
    entry = scale * (0.7 if small else 1.0)
    columns = max(len(row) for row in rows)
    widest = [max((_width(row[column], entry, False) for row in rows if column < len(row)), default=0.0) for column in range(columns)]
    brackets = 0.0 if small or name in ("matrix", "array", "aligned") else 10.0
    return sum(widest) + (5.0 if small else 10.0) * scale * (columns - 1) + brackets * scale
