"""The step verifier: equal steps pass, a wrong step is named, matrix steps are compared entry by entry."""

import random

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.kit.linalg import OnInstance
from generator.kit.steps import Chain, Step, chain, verify_chain

x, y = sympy.symbols("x y")


def rng() -> random.Random:
    return random.Random(7)


def test_equal_steps_verify():
    verify_chain(chain(Step(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, "as written"), Step(sympy.Integer(1), "identity")), rng())


def test_a_wrong_step_is_named():
    wrong = chain(Step(sympy.exp(x) * x), Step(sympy.exp(x) * (x + 1), "product rule"))
    with pytest.raises(CheckFailed, match="step 2"):
        verify_chain(wrong, rng())


def test_steps_that_print_alike_are_merged():
    merged = chain(Step(sympy.Mul(2, x, evaluate=False), "why"), Step(2 * x, ""))
    assert len(merged.steps) == 1
    assert merged.steps[0].why == "why"


def test_matrix_steps_compare_every_entry():
    good = chain(sympy.Matrix([[x + x, y]]), sympy.Matrix([[2 * x, y]]))
    verify_chain(good, rng())
    bad = chain(sympy.Matrix([[2 * x, y]]), sympy.Matrix([[2 * x, y + 1]]))
    with pytest.raises(CheckFailed, match="step 2"):
        verify_chain(bad, rng())


def test_matrix_expressions_of_fixed_size_are_made_explicit():
    A = sympy.MatrixSymbol("A", 2, 2)
    v = sympy.MatrixSymbol("v", 2, 1)
    product = A * v
    right = sympy.Matrix(2, 1, lambda i, _: A[i, 0] * v[0, 0] + A[i, 1] * v[1, 0])
    verify_chain(chain(product, right), rng())
    wrong = sympy.Matrix(2, 1, lambda i, _: A[i, 0] * v[0, 0])
    with pytest.raises(CheckFailed, match="step 2"):
        verify_chain(chain(product, wrong), rng())


def test_matrix_expressions_of_symbolic_size_are_refused():
    n = sympy.Symbol("n", integer=True, positive=True)
    A = sympy.MatrixSymbol("A", n, n)
    v = sympy.MatrixSymbol("v", n, 1)
    with pytest.raises(CheckFailed, match="OnInstance"):
        verify_chain(chain(A * v, (A.T * v)), rng())


def _transpose_identity(left: str, matrix: str, right: str, transposed: bool) -> Chain:
    """u^T M v = v^T M^T u on an instance (true), or = v^T M u (false unless M is symmetric)."""
    n = sympy.Symbol("n", integer=True, positive=True)
    u, v = sympy.MatrixSymbol(left, n, 1), sympy.MatrixSymbol(right, n, 1)
    M = sympy.MatrixSymbol(matrix, n, n)
    swapped = sympy.MatMul(v.T, M.T if transposed else M, u)
    return chain(Step(OnInstance(sympy.MatMul(u.T, M, v))), Step(OnInstance(swapped), "transpose"))


def test_chains_that_differ_only_in_names_have_one_shape():
    from generator.kit.steps import _shape

    assert _shape(_transpose_identity("u", "M", "v", True)) == _shape(_transpose_identity("a", "B", "c", True))
    assert _shape(_transpose_identity("u", "M", "v", True)) != _shape(_transpose_identity("u", "M", "v", False))
    assert _shape(chain(Step(x + x), Step(2 * x))) is None  # plain algebra is compared as it stands


def test_a_wrong_chain_fails_after_a_right_one_of_the_same_letters():
    verified = set()
    verify_chain(_transpose_identity("u", "M", "v", True), rng(), verified)
    verify_chain(_transpose_identity("p", "Q", "r", True), rng(), verified)
    with pytest.raises(CheckFailed, match="step 2"):
        verify_chain(_transpose_identity("p", "Q", "r", False), rng(), verified)


def test_a_chain_is_verified_once_and_a_wrong_one_beside_it_still_fails(monkeypatch):
    from generator.kit import steps

    right = chain(Step(y * sympy.exp(2 * y)), Step(sympy.exp(2 * y) * (2 * y + 1) - sympy.exp(2 * y) * (y + 1), "as written"))
    wrong = chain(Step(y * sympy.exp(2 * y)), Step(sympy.exp(2 * y) * (2 * y + 1) - sympy.exp(2 * y) * y, "as written"))
    record = set()
    verify_chain(right, rng(), record)
    verified = steps._verify_steps
    calls = []
    monkeypatch.setattr(steps, "_verify_steps", lambda chain, rng: calls.append(chain) or verified(chain, rng))
    verify_chain(right, rng(), record)
    for _ in range(2):  # a chain that failed is never taken as verified
        with pytest.raises(CheckFailed, match="step 2"):
            verify_chain(wrong, rng(), record)
    assert calls == [wrong, wrong]
    verify_chain(right, rng(), set())  # another caller's record: verified again
    assert calls == [wrong, wrong, right]


def test_a_chain_verified_as_it_stands_is_not_renamed_again(monkeypatch):
    from generator.kit import steps

    identity = _transpose_identity("s", "T", "w", True)
    record = set()
    verify_chain(identity, rng(), record)
    shapes = []
    renamed = steps._shape
    monkeypatch.setattr(steps, "_shape", lambda chain: shapes.append(chain) or renamed(chain))
    verify_chain(identity, rng(), record)
    assert shapes == []
    verify_chain(_transpose_identity("g", "H", "k", True), rng(), record)  # another chain of that shape: renamed, not verified
    assert len(shapes) == 1


def test_a_reason_beside_its_step_takes_at_most_two_lines_and_a_longer_one_a_line_of_its_own(tmp_path):
    """A tall wrapped reason (five lines of its column) left gaps in the align: up to two lines stay beside the
    step, a longer reason is set as text above it. The first step is too wide for either reason on one line beside
    it (generator/pipeline/reasons.py). Compiled, and read back from the PDF."""
    from io import BytesIO

    from pypdf import PdfReader

    from generator.pipeline.compile import compile_document
    from generator.pipeline.reasons import set_reasons
    from generator.pipeline.templating import environment

    z = sympy.Symbol("x")
    worked = Chain(
        (
            Step(sympy.expand((z + 1) ** 7), "product rule"),
            Step(z**2 + z, "expand the product of both factors"),
            Step(z * (z + 1), "multiply numerator and denominator by $e^{2 x}$, expand, collect like terms and factor out $x$"),
        )
    )
    template = environment().from_string(
        '<% from "macros/steps.tex.j2" import steps %>\\documentclass[11pt,a4paper]{article}\\usepackage[margin=2.3cm]{geometry}'
        "\\usepackage{amsmath}\\begin{document}\\begin{align*}\n<< steps(chain, 'f')|trim >>\n\\end{align*}\\end{document}"
    )
    source = set_reasons(template.render(chain=worked))
    assert r"\mbox{product rule}" in source and r"\parbox[t]{3.8cm}{\raggedright expand the product of both factors\endgraf\vspace{\jot}}" in source
    assert r"\noalign{" in source and "Multiply numerator and denominator by $e^{2 x}$, expand" in source
    assert "&& \\parbox[t]{3.8cm}{\\raggedright multiply" not in source
    text = PdfReader(BytesIO(compile_document("steps", source, tmp_path))).pages[0].extract_text()
    assert "Multiply numerator and denominator by" in text and "factor out x:" in text
