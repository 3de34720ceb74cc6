"""What fits a line of the page: printed widths of expressions, matrices, reasons and worked lines.

Samplers refuse a draw whose worked solution would run into the margin, and the lint measures
a page the same way; the steps macro sorts reasons by ``visible_length`` (render_part then sets a long one on one
line where its ``align*`` leaves room, generator/pipeline/reasons.py, measuring in points, not these counts).
"""

import math
import re

import sympy

from generator.kit.printing import tex
from generator.speed import remembered

__all__ = ["LINE_WIDTH", "MAX_STEP_WIDTH", "matrix_width", "printed_width", "steps_width", "visible_length", "worked_width"]

LINE_WIDTH = 66
"""Characters (as ``printed_width`` counts them) a line of worked steps may take: its widest step
plus its reason column. ``printed_width`` is rough (fractions, exponents): of 3,000 compiled level-3
derivatives, a few lines counted 69 or 70 ran up to 15 pt into the margin; none counted 66 or less
(reasons measured as the steps macro measures them, ``visible_length``)."""
MAX_STEP_WIDTH = 60
"""Characters (as ``printed_width`` counts them) one worked step or answer may take: a line of an
``align*`` at 11 pt holds about 75, and the reason column needs its share."""
REASON_BOX = 18
"""The column of a reason showing more than ``LONG_REASON`` characters: a 3.8 cm box, the most it takes beside its step
(it stands on one line, wider, only where its align leaves room for that: generator/pipeline/reasons.py)."""
LONG_REASON = 30
"""The longest reason the steps macro sets on one line beside its step whatever the room: a longer one goes on one
line only where its ``align*`` leaves room for it, else in the box."""
TEXT_CHARACTER = 0.7
"""How much of a character of maths (as ``printed_width`` counts) a character of a reason's text takes."""
BOXED_REASON = 44
"""The longest reason set beside its step in two lines of its box (measured with TeX: up to 44 characters of words
take two lines of 3.8 cm, 45 to 64 three; a formula, which no line break splits, may need a third line); a longer one
stands on a line of its own above the step unless its ``align*`` leaves room for it beside the step, on one line or in
a wider box (generator/pipeline/reasons.py)."""


def worked_width(worked) -> int:
    """How wide a worked derivative's lines (a ``differentiation.Worked``) are, pieces included: its widest step beside its widest reason.

    The steps stand in one ``align*``, so every line is as wide as the widest step and the widest reason.
    """
    return steps_width([step for piece in worked.pieces for step in piece.derivative.steps] + list(worked.derivative.steps))


def steps_width(steps, beside: int = BOXED_REASON) -> int:
    """How wide lines of ``steps`` in one ``align*`` are: the widest step plus the column of the reasons the steps
    macro sets beside their steps (its ``beside``: those up to that many characters; a longer one stands above).

    The column is as wide as the widest of its reasons as the macro sets them (``_reason_column``), not as the longest:
    a reason in its box is narrower than one of ``LONG_REASON`` characters on one line."""
    lengths = (visible_length(step.why) for step in steps)
    column = max((_reason_column(length) for length in lengths if length <= beside), default=0)
    return max(printed_width(step.expr) for step in steps) + column


def _reason_column(length: int) -> int:
    """How wide a reason of ``length`` characters (``visible_length``) stands beside its step: up to ``LONG_REASON``
    on one line, each character of text ``TEXT_CHARACTER`` of one of maths; a longer one as its box (``REASON_BOX``),
    since it is set on one line, wider, only where the align's widest cells leave room for that
    (generator/pipeline/reasons.py)."""
    return REASON_BOX if length > LONG_REASON else math.ceil(TEXT_CHARACTER * length)


_INVISIBLE = re.compile(r"\\[,;!]|[{}\s]")
_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_NAMED_FUNCTIONS = frozenset({"sin", "cos", "tan", "log", "exp"})
_GLYPHS = frozenset({"alpha", "beta", "gamma", "delta", "epsilon", "theta", "lambda", "mu", "pi", "sigma", "ell"})
"""Greek letters: one character each (``\\sigma(2)`` is four wide, not three)."""


def printed_width(expr: sympy.Expr) -> int:
    """Roughly how many characters wide ``expr`` typesets.

    Raw LaTeX length overstates trigonometric terms threefold (``\\sin{\\left(x \\right)}``)
    and counts both halves of a fraction, which would bias every length limit against them.
    """
    return _width(tex(expr)) if isinstance(expr, sympy.MatrixBase) else _expression_width(expr)


@remembered(maxsize=8192)
def _expression_width(expr: sympy.Expr) -> int:
    """``printed_width`` of an expression, remembered per process: half the widths sampling asks for
    are asked again. (A matrix subclass may print more than its entries, so matrices are not remembered.)"""
    return _width(tex(expr))


def matrix_width(matrix: sympy.MatrixBase) -> int:
    """Roughly how many characters wide a bracketed matrix typesets: its widest entries plus column gaps."""
    columns = [max(printed_width(entry) for entry in matrix.col(j)) for j in range(matrix.cols)]
    return sum(columns) + 3 * (matrix.cols - 1)


def _width(tex: str) -> int:
    """Width of LaTeX ``tex``: a fraction is as wide as its wider half; braces and sizing commands are invisible."""
    start = tex.find(r"\frac{")
    if start < 0:
        text = _COMMAND.sub(lambda m: m.group(1) if m.group(1) in _NAMED_FUNCTIONS else "x" if m.group(1) in _GLYPHS else "", tex)
        return len(_INVISIBLE.sub("", text))
    numerator_end = closing_brace(tex, start + len(r"\frac"))
    denominator_end = closing_brace(tex, numerator_end + 1)
    numerator = tex[start + len(r"\frac{") : numerator_end]
    denominator = tex[numerator_end + 2 : denominator_end]
    return _width(tex[:start]) + max(_width(numerator), _width(denominator)) + _width(tex[denominator_end + 1 :])


def closing_brace(tex: str, opening: int) -> int:
    """Index of the brace that closes the one at ``opening`` in LaTeX ``tex``; escaped braces (``\\{``, ``\\}``) do
    not count. The brace matcher of ``printed_width`` and of render_part's reason layout
    (generator/pipeline/reasons.py); not in ``__all__``, as families have no use for it."""
    depth = 0
    for match in _BRACE.finditer(tex, opening):
        depth += {"{": 1, "}": -1}.get(match.group(), 0)
        if depth == 0:
            return match.start()
    raise ValueError(f"unbalanced braces in {tex[opening:opening + 80]!r}")


_BRACE = re.compile(r"\\.|[{}]", re.S)
"""What ``closing_brace`` looks at: braces, and escaped characters (skipped whole, so ``\\{`` is no brace)."""


def visible_length(reason: str) -> int:
    """Roughly how many characters a step's reason shows: its LaTeX without command names, braces and ``$``."""
    return len(_MARKUP.sub("", reason))


_MARKUP = re.compile(r"\\[a-zA-Z]+|[{}$^_]")
