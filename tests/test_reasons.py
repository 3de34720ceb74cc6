"""A long reason of a worked step is set once its whole align* is known (generator/pipeline/reasons.py): on one line
where the align's widest cells leave room for it, else in at most two lines of the 3.8 cm box, else in two lines of a
box as wide as the room the align leaves where the 3.8 cm one is too narrow, else in three lines of a box at least
3.8 cm wide there, else on a line of its own above its step."""

import re
import subprocess

import sympy

from generator.check import lint
from generator.kit.steps import Chain, Step
from generator.pipeline.compile import compile_stream
from generator.pipeline.generate import canonical_variant
from generator.pipeline.reasons import BOX, BOX_WIDTH, set_reasons, typeset_width
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment

x = sympy.Symbol("x")
TABLE = "constant factor, table of derivatives"
"""37 characters: the steps macro's 3.8 cm box, where it wrapped as 'constant factor, table / of derivatives'."""
SHORT = (Chain((Step(2 * sympy.cos(x), TABLE),)), r"\frac{\partial f}{\partial x}")
WIDE = (Chain((Step(sympy.expand((x + 1) ** 8), "expand"),)), "g'(x)")
"""A row of another chain in the same align, too wide for the reason on one line beside the widest step."""
LONG = "multiply numerator and denominator by $e^{2 x}$ and cancel"
"""57 characters: more than two lines of the box, so the macro sets it on a line of its own."""
MIDDLE = (Chain((Step(x**2 + 1, "as given"), Step(sympy.expand((x + 1) ** 4), LONG))), "p(x)")
"""Steps that leave LONG no room on one line, but room for two lines of a box wider than the 3.8 cm one."""
GAP = r"\endgraf\vspace{\jot}"
"""What ends a boxed reason: its box is that much deeper than its last line, so the next row's reason stands apart."""
GERMAN = (Chain((Step(sympy.exp(x) / (x + 1), "Zähler und Nenner mit $e^{2 x}$ multiplizieren, kürzen"),)), "h'(x)")

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[margin=2.3cm,top=2cm,bottom=2.5cm]{geometry}
\usepackage{amsmath,amssymb,mathtools}
"""


def _align(*chains, small: bool = False) -> str:
    """One align* holding the rows of ``steps(chain, lhs)`` for each (chain, lhs), laid out as render_part lays it out."""
    template = environment().from_string(
        '<% from "macros/steps.tex.j2" import steps %><% if small %>{\\small\n<% endif %>\\begin{align*}\n'
        "<% for chain, lhs in chains %><< steps(chain, lhs)|trim >><% if not loop.last %> \\\\\n<% endif %><% endfor %>\n"
        "\\end{align*}<% if small %>}<% endif %>"
    )
    return set_reasons(template.render(chains=chains, small=small))


def test_a_long_reason_stands_on_one_line_beside_short_steps():
    laid_out = _align(SHORT)
    assert rf"&& \mbox{{{TABLE}}}" in laid_out
    assert r"\parbox" not in laid_out and r"\sheetreason" not in laid_out


def test_a_wide_row_of_another_chain_in_the_align_keeps_it_in_its_box():
    """The reverted per-chain rule measured only the reason's own chain: a later, wider chain ran it into the margin."""
    for chains in ((SHORT, WIDE), (WIDE, SHORT)):
        laid_out = _align(*chains)
        assert rf"\parbox[t]{{3.8cm}}{{\raggedright {TABLE}{GAP}}}" in laid_out
        assert r"\mbox{constant" not in laid_out


def test_the_box_is_written_once_and_measured_at_the_width_it_is_written():
    """``BOX_WIDTH`` is the width TeX is given and ``BOX`` the points it is measured in: 3.8 cm, 108.1 pt."""
    assert BOX_WIDTH == "3.8cm" and BOX == 108.1
    assert rf"\parbox[t]{{{BOX_WIDTH}}}{{\raggedright {TABLE}{GAP}}}" in _align(SHORT, WIDE)


def test_a_reason_longer_than_its_box_stands_beside_short_steps_else_on_a_line_of_its_own():
    chain = (Chain((Step(x**2 + 1, "as given"), Step(x * (x + 1), LONG))), "p(x)")
    beside = _align(chain)
    assert rf"&& \mbox{{{LONG}}}" in beside and r"\noalign" not in beside
    above = _align(chain, WIDE)
    assert r"\noalign{" in above and "Multiply numerator and denominator by" in above
    assert r"\mbox{multiply" not in above and r"\sheetreason" not in above


def test_a_reason_too_long_for_its_box_takes_two_lines_of_the_room_its_align_leaves():
    """Set above its row it read as a second heading under "For f_2:" (German seed 6612's divergence)."""
    laid_out = _align(MIDDLE)
    (width,) = re.findall(r"\\parbox\[t\]\{([\d.]+)pt\}\{\\raggedright " + re.escape(LONG + GAP) + "}", laid_out)
    assert BOX < float(width) < typeset_width(LONG, text=True)
    assert r"\noalign" not in laid_out and r"\sheetreason" not in laid_out


def test_an_align_in_small_type_has_more_room():
    wider = (Chain((Step(sympy.expand((x + 1) ** 6) * sympy.Symbol("a"), TABLE),)), "q(x)")
    assert r"\parbox" in _align(wider) and rf"\mbox{{{TABLE}}}" in _align(wider, small=True)


def test_a_matrix_is_as_wide_as_its_columns():
    """printed_width counts every entry of a matrix; TeX sets its columns side by side, its rows below each other."""
    assert typeset_width(r"\begin{bmatrix}1\\2\\3\\4\\5\\6\end{bmatrix}") < typeset_width("123456")
    matrix = r"\begin{bmatrix}1000 & 2 & 3\\4 & 5000 & 6\\7 & 8 & 9000\end{bmatrix}"
    laid_out = set_reasons("\\begin{align*}\nA &= " + matrix + r" && \sheetreason{" + TABLE + "}{LINE}\n\\end{align*}")
    assert rf"&& \mbox{{{TABLE}}}" in laid_out and matrix in laid_out


def test_a_reason_that_would_take_three_lines_of_its_box_stands_on_a_line_of_its_own_in_an_align_without_room():
    """41 characters, but its formula cannot break: 'factor out / (x^3 + x + 1)^2 / and expand' needs three lines."""
    tall = "factor out $(x^{3} + x + 1)^{2}$ and expand"
    laid_out = _align((Chain((Step(x**2, "as given"), Step(x**3, tall))), "r(x)"), WIDE)
    assert r"\parbox" not in laid_out and r"\mbox{factor" not in laid_out
    assert r"\noalign{" in laid_out and "Factor out $(x^{3} + x + 1)^{2}$ and expand:" in laid_out
    assert laid_out.index(r"\noalign{") < laid_out.index("&= x^{3}")


THREE_LINES = "gleichartige Terme zusammenfassen und faktorisieren"
"""Its first two words are wider than two lines of the room below leave: three lines of the 3.8 cm box."""


def _beside(digits: int) -> str:
    """THREE_LINES beside a step of ``digits`` ones, laid out."""
    return set_reasons("\\begin{align*}\nr(x) &= " + "1" * digits + r" && \sheetreason{" + THREE_LINES + "}{LINE}\n\\end{align*}")


def test_a_reason_too_long_for_two_lines_of_the_room_takes_three_lines_of_a_box_beside_its_step(tmp_path):
    """On a line of its own it cut the chain of steps: the next row opened with a bare "=" under a sentence (TA reads,
    EN 8931, German 8932). Where even the 3.8 cm box does not fit beside the step, it still stands above."""
    laid_out = _beside(40)
    assert rf"\parbox[t]{{{BOX:g}pt}}{{\raggedright {THREE_LINES}{GAP}}}" in laid_out and "LINE" not in laid_out
    assert "LINE" in _beside(50) and r"\parbox" not in _beside(50)
    one_pass = environment().get_template("macros/one-pass-align.tex.j2").render()
    compile_stream("three", [PREAMBLE + one_pass + "\\begin{document}\n" + laid_out + "\n\\end{document}\n"], tmp_path)
    assert not list(lint.overfull_boxes((tmp_path / "three.log").read_text(encoding="latin-1")))
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "three.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0].endswith("gleichartige Terme") and lines[1:3] == ["zusammenfassen und", "faktorisieren"], text


def test_a_reason_a_template_writes_beside_its_own_row_stands_above_that_row():
    """entropy and softmax-jacobian call ``reason`` for a row of their own: its line goes before that row's first cell."""
    template = environment().from_string(
        '<% from "macros/steps.tex.j2" import reason %>\\begin{align*}\n'
        "H(X) &= " + " + ".join([r"\frac{1}{8} \log 8"] * 8) + " && << reason(why) >>\n\\end{align*}"
    )
    laid_out = set_reasons(template.render(why="definition of entropy, each term $p \\log (1/p)$ with $p = 1/8$"))
    assert "\\begin{align*}\n\\noalign{" in laid_out and "Definition of entropy" in laid_out
    assert "&&" not in laid_out and r"\sheetreason" not in laid_out


def test_render_part_lays_out_every_reason():
    """The jacobian of idl-math-background 1.3(c): short partials, their reasons beside them on one line."""
    family = families()["jacobian"]
    variant = canonical_variant(family, family.resolve_options({}), "idl-math-background-1.3c")
    _, solution = render_part(environment(), family, variant)
    assert rf"&= 2 x y && \mbox{{{TABLE}}}" in solution and r"\sheetreason" not in solution and r"\parbox" not in solution


def test_typeset_the_long_reasons_stand_whole_and_nothing_runs_into_the_margin(tmp_path):
    one_pass = environment().get_template("macros/one-pass-align.tex.j2").render()
    pieces = ("One line:\n" + _align(SHORT), "Boxed:\n" + _align(SHORT, WIDE), "German:\n" + _align(GERMAN), "Room:\n" + _align(MIDDLE))
    body = "\n\n".join(pieces)
    assert body.count(rf"\mbox{{{TABLE}}}") == 1 and body.count(r"\parbox") == 2 and r"\noalign" not in body
    compile_stream("reasons", [PREAMBLE + one_pass + "\\begin{document}\n" + body + "\n\\end{document}\n"], tmp_path)
    assert not list(lint.overfull_boxes((tmp_path / "reasons.log").read_text(encoding="latin-1")))
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "reasons.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    whole = [line for line in lines if line.endswith(TABLE)]
    wrapped = [line for line in lines if line.endswith("constant factor, table")]
    assert len(whole) == 1 and len(wrapped) == 1
    assert any(line.endswith("Zähler und Nenner mit e2x multiplizieren, kürzen") for line in lines), text
    first = next(index for index, line in enumerate(lines) if "multiply numerator" in line)
    assert "4x + 1" in lines[first] and lines[first + 1].endswith("by e2x and cancel"), text  # two lines beside its step


def test_typeset_the_next_rows_reason_stands_apart_from_a_boxed_reasons_second_line(tmp_path):
    """Set as far below it as the box's own second line, a column of boxed reasons read as one list (a TA read)."""
    chain = (Chain((*MIDDLE[0].steps, Step(x**4 + 1, "as given"))), "p(x)")
    one_pass = environment().get_template("macros/one-pass-align.tex.j2").render()
    compile_stream("apart", [PREAMBLE + one_pass + "\\begin{document}\n" + _align(chain) + "\n\\end{document}\n"], tmp_path)
    words = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "apart.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    feet = {text: float(foot) for foot, text in re.findall(r'yMax="([\d.]+)">([^<]+)</word>', words)}  # the last of each word
    first, second, after = feet["multiply"], feet["cancel"], feet["given"]
    assert after - second > second - first + 3.5  # \jot (3 pt) more than the 2.2 pt it was


def test_the_wider_boxes_of_one_align_are_one_width():
    """A TA read (idl-math-background EN 8905): "only the first term depends / on x_1; table of derivatives" beside "only
    the first term / depends on x_1; chain rule" in the next row, boxes of 138.1 and 128.1 pt: one align, one width."""
    shorter = "multiply numerator and denominator by $e^{2 x}$, then cancel $x + 2$ and $x + 1$"
    other = (Chain((Step(x**2 + 2, "as given"), Step(sympy.expand((x + 2) ** 4), shorter))), "q(x)")
    laid_out = _align(MIDDLE, other)
    widths = re.findall(r"\\parbox\[t\]\{([\d.]+)pt\}", laid_out)
    assert len(widths) == 2 and widths[0] == widths[1], widths
