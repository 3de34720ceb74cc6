"""The sheet's one-pass ``align*`` (templates/macros/one-pass-align.tex.j2) sets its rows where amsmath's sets them.

Both are typeset by pdflatex and read back word by word (``pdftotext -bbox``): the same words at the same places.
"""

import re
import subprocess

from generator.check import lint
from generator.pipeline.compile import compile_stream
from generator.pipeline.templating import environment

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[margin=2.3cm,top=2cm,bottom=2.5cm]{geometry}
\usepackage{amsmath,amssymb,mathtools}
"""

BODY = r"""
\begin{document}
The derivative, rule by rule:
\begin{align*}
f'(x) &= 2x \cos(x^2) \cdot e^{x} + \sin(x^2) e^{x} && \mbox{product rule} \\
&= e^{x} \left(2x \cos(x^2) + \sin(x^2)\right) && \parbox[t]{3.8cm}{\raggedright factor out $e^{x}$ and keep the bracket whole}
\end{align*}
A chain with a line of text between its rows:
\begin{align*}
g(x) &= (x + 1)^2 \\
\shortintertext{Expand:}
&= x^2 + 2x + 1 \\[2pt]
&= x(x + 2) + 1
\end{align*}
One pair alone: \begin{align*} h &= 3 \end{align*} and three pairs:
\begin{align*}
a &= 1 & b &= 2 & c &= 3 \\
aa &= 11 & bb &= 22 & cc &= 33
\end{align*}
\end{document}
"""


def _typeset(tmp_path, name, source):
    compile_stream(name, [source], tmp_path)
    return tmp_path / f"{name}.pdf"


def _words(pdf):
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        (text, round(float(x), 2), round(float(y), 2))
        for x, y, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    ]


def _one_pass():
    return environment().get_template("macros/one-pass-align.tex.j2").render()


def test_rows_stand_where_amsmath_sets_them(tmp_path):
    amsmath = _words(_typeset(tmp_path, "amsmath", PREAMBLE + BODY))
    one_pass = _words(_typeset(tmp_path, "onepass", PREAMBLE + _one_pass() + BODY))
    assert len(amsmath) > 40 and [word for word, _, _ in one_pass] == [word for word, _, _ in amsmath]
    moved = [(a, b) for a, b in zip(amsmath, one_pass) if abs(a[1] - b[1]) > 0.05 or abs(a[2] - b[2]) > 0.05]
    assert not moved


def test_a_row_too_wide_for_the_page_is_an_overfull_line(tmp_path):
    wide = r"\begin{document}" + "\n" + r"\begin{align*}" + "\n" + r"f &= " + "x + " * 60 + r"1 && \mbox{expand}" + "\n"
    wide += r"\end{align*}" + "\n" + r"\end{document}" + "\n"
    _typeset(tmp_path, "wide", PREAMBLE + _one_pass() + wide)
    log = (tmp_path / "wide.log").read_text(encoding="latin-1")
    assert [finding.rule for _, finding in lint.overfull_boxes(log)] == ["overfull"]
