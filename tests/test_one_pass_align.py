"""The sheet's one-pass ``align*`` (templates/macros/one-pass-align.tex.j2) sets its rows where amsmath's sets them.

Both are typeset by pdflatex and read back word by word (``pdftotext -bbox``): the same words at the same places.
"""

import re
import subprocess

from generator.check import lint
from generator.pipeline.breaks import set_breaks
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


def _pages(pdf, pattern):
    """The page (from 0) of each word of ``pdf`` that ``pattern`` (a regex with one group) matches."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return {word: page for page, words in enumerate(html.split("<page ")[1:]) for word in re.findall(pattern, words)}


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


# Page breaks between rows: each align* below is set after a blank of growing height on a page of its own, with
# \interdisplaylinepenalty=0, so the page breaks between its rows wherever set_breaks (generator/pipeline/breaks.py)
# left a row end unstarred and the one-pass align lets it. A row is
# "s" (it starts a chain: lhs &= ...) or "c" (it continues one: &= ...); "(r)" puts a line of text above the row,
# as the steps macro sets a long reason, "(t)" a \shortintertext (as the partial macro's "For ...:"), and "(m)" a
# matrix whose \\ ends no row.
CHAINS = [
    "sccccc",
    "scccccc",
    "sssss(t)sss",
    "sccsccscc",
    "ssss",
    "scc",
    "s(m)cc(r)c(r)cs(r)cc",
    "sc(r)sc(r)cc",
    "s(m)s(m)s(m)s",
    "s(t)ss(t)ss(t)s",
    "s(t)cc(t)s",
]


def _row(case, number, kind):
    cell = rf"\text{{k{case}r{number}}}"
    if "(m)" in kind:
        cell += r" \begin{bmatrix} 1 \\ 2 \end{bmatrix}"
    reason = r"\noalign{\nobreak\vskip\belowdisplayshortskip\vbox{\noindent Why:\endgraf}\nobreak\vskip\abovedisplayshortskip}"
    above = {"(r)": reason, "(t)": r"\shortintertext{Then:}"}.get(kind[1:], "")
    return above + ("&= " if kind[0] == "c" else "x &= ") + cell


def _kinds(chain):
    return re.findall(r"[sc](?:\([rmt]\))?", chain)


def _allowed(kinds):
    """After which rows a page may break: not after the first row or before the last; inside a chain (a row and the
    "&=" rows after it) only with three of its rows on each side, and as much inside a block of rows (from a row with
    a line of text above it, "(r)" or "(t)", to the next)."""
    n = len(kinds)
    continues = [kind[0] == "c" for kind in kinds]
    under_text = [kind[1:] in ("(r)", "(t)") for kind in kinds]

    def split_short(starts, k):  # whether a break above row k (from 0) leaves fewer than three rows of its run on a side
        first = max(i for i in range(k + 1) if starts[i] or i == 0)
        stop = min([i for i in range(k + 1, n) if starts[i]] + [n])
        return k - first < 3 or stop - k < 3

    chain_starts = [not c for c in continues]
    return {
        k for k in range(2, n - 1)
        if not (continues[k] and split_short(chain_starts, k)) and not (not under_text[k] and split_short(under_text, k))
    }


def test_a_page_breaks_between_rows_only_where_no_row_or_step_stands_alone(tmp_path):
    blanks = range(540, 700, 4)  # points above the align*: from all rows on the page to none
    cases = [(chain, blank) for chain in CHAINS for blank in blanks]
    body = [r"\begin{document}", r"\interdisplaylinepenalty=0", r"\setlength{\parskip}{0pt}"]
    for case, (chain, blank) in enumerate(cases):
        rows = [_row(case, number, kind) for number, kind in enumerate(_kinds(chain), start=1)]
        body += [
            r"\clearpage",
            rf"\noindent start{case}\rule{{0pt}}{{{blank - 12}pt}}\par",
            r"\noindent Rows:",
            r"\begin{align*}",
            " \\\\\n".join(rows),
            r"\end{align*}",
        ]
    body.append(r"\end{document}")
    pdf = _typeset(tmp_path, "breaks", PREAMBLE + _one_pass() + set_breaks("\n".join(body)) + "\n")
    page_of = _pages(pdf, r">(k\d+r\d+)<")
    seen = {chain: set() for chain in CHAINS}
    for case, (chain, blank) in enumerate(cases):
        pages = [page_of[f"k{case}r{number}"] for number in range(1, len(_kinds(chain)) + 1)]
        breaks = [k for k in range(1, len(pages)) if pages[k] != pages[k - 1]]
        assert len(breaks) <= 1, f"{chain} after {blank}pt: pages {pages}"
        seen[chain].update(breaks)
    for chain in CHAINS:
        assert seen[chain] == _allowed(_kinds(chain)), chain


def test_a_short_lead_in_between_two_aligns_does_not_start_a_page(tmp_path):
    """With \\onepass@leadinpenalty (the sheet's solutions set it), a page rather not breaks below an align* whose next
    text is a short lead-in ("so", "hence") into another display: it would stand alone at the top of the page."""
    body = [r"\begin{document}", r"\makeatletter\onepass@leadinpenalty=10000 \makeatother\postdisplaypenalty=1000"]
    blanks = range(500, 700, 3)
    for case, blank in enumerate(blanks):
        body += [
            r"\clearpage",
            rf"\noindent start{case}\rule{{0pt}}{{{blank - 12}pt}}\par",
            "Worked out:",
            r"\begin{align*} a &= \text{" + f"k{case}a1" + r"} \\ &= \text{" + f"k{case}a2" + r"} \end{align*}",
            f"so{case}",
            r"{\small\begin{align*} b &= 1 \\ &= 2 \\ &= 3 \end{align*}}",
        ]
    body.append(r"\end{document}")
    pdf = _typeset(tmp_path, "leadin", PREAMBLE + _one_pass() + set_breaks("\n".join(body)) + "\n")
    page_of = _pages(pdf, r">((?:k\d+a\d|so\d+))<")
    alone = [blank for case, blank in enumerate(blanks) if page_of[f"so{case}"] != page_of[f"k{case}a2"]]
    assert not alone, f"'so' starts a page after a blank of {alone} pt"
