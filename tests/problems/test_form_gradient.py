import dataclasses
import random

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.kit.linalg import coordinates, instantiate, scaled
from generator.kit.notation import WrittenSum
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.kit.rewrites import evaluated
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.form_gradient import FAMILY, check

x1, x2, x3 = coordinates(3)


def options(**given):
    return resolve_options(FAMILY.options, given)


def canonical(name):
    return canonical_variant(FAMILY, options(), name)


def _at_random_values(variant, expr, symmetric):
    """``expr`` with n = 3 and fixed A (made symmetric if asked), b, x."""
    p = variant.params
    a = sympy.ImmutableMatrix([[1, 2, -1], [0, 3, 4], [5, -2, 1]])
    a = a + a.T if symmetric else a
    values = {p.matrix: a, p.vector: sympy.ImmutableMatrix([2, -1, 3]), p.variable: sympy.ImmutableMatrix([x1, x2, x3])}
    return sympy.Matrix(instantiate(expr, {p.variable.rows: 3}, values)), a


@pytest.mark.parametrize(
    "name, expected, symmetric",
    [
        ("idl-math-background-1.2a", lambda a, b, x: b, False),
        ("idl-math-background-1.2b", lambda a, b, x: 2 * a * x, True),
        ("idl-math-background-1.2c", lambda a, b, x: (a + a.T) * x + b, False),
    ],
)
def test_canonical_gradients_match_the_catalogue(name, expected, symmetric):
    variant = canonical(name)
    got, a = _at_random_values(variant, variant.answer.gradient, symmetric)
    want = expected(sympy.Matrix(a), sympy.Matrix([2, -1, 3]), sympy.Matrix([x1, x2, x3]))
    assert sympy.simplify(got - want) == sympy.zeros(3, 1)


def test_canonical_gradients_print_in_matrix_notation():
    assert tex(canonical("idl-math-background-1.2a").answer.gradient) == r"\mathbf{b}"
    assert tex(canonical("idl-math-background-1.2b").answer.gradient) == r"2 \mathbf{A} \mathbf{x}"
    assert (
        tex(canonical("idl-math-background-1.2c").answer.gradient)
        == r"(\mathbf{A} + \mathbf{A}^\top) \mathbf{x} + \mathbf{b}"
    )
    statement, _ = render_part(environment(), FAMILY, canonical("idl-math-background-1.2c"))
    assert r"\mathbf{x}^\top \mathbf{A} \mathbf{x} + \mathbf{b}^\top \mathbf{x} + c" in statement


def test_check_rejects_2ax_for_a_general_matrix():
    variant = canonical("idl-math-background-1.2c")
    p = variant.params
    wrong = scaled(2, p.matrix, p.variable)
    with pytest.raises(CheckFailed):
        check(p, dataclasses.replace(variant.answer, gradient=wrong), random.Random(0))


def test_check_rejects_a_numeric_gradient_that_forgets_the_transpose():
    variant = variant_for_seed(FAMILY, options(kind="quadratic", mode="numeric"), 5)
    a = variant.params.matrix_entries
    wrong = 2 * a * sympy.ImmutableMatrix([x1, x2, x3])
    with pytest.raises(CheckFailed):
        check(variant.params, dataclasses.replace(variant.answer, gradient=wrong), random.Random(0))


@pytest.mark.parametrize("given", [{"kind": "cubic"}, {"mode": "concrete"}, {"n": 4}, {"n": 1}, {"size": 3}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("kind", ["linear", "quadratic-symmetric", "quadratic", "affine"])
@pytest.mark.parametrize("n", [2, 3])
def test_numeric_variants_are_not_degenerate(kind, n):
    xs = coordinates(n)
    for seed in range(50):
        p = variant_for_seed(FAMILY, options(kind=kind, mode="numeric", n=n), seed).params
        answer = FAMILY.solve(p)
        if p.quadratic:
            a = p.matrix_entries
            assert a.is_symmetric() == (kind == "quadratic-symmetric")
            assert not a.is_diagonal()
            assert all(entry.free_symbols for entry in answer.gradient), "some gradient entry is constant"
        if p.linear:
            assert all(p.vector_entries)
        if kind == "affine":
            assert p.scalar_value != 0
        assert answer.expanded.free_symbols == set(xs)


def test_symbolic_variants_vary_letters_and_coefficients():
    seen = set()
    for seed in range(50):
        p = variant_for_seed(FAMILY, options(kind="affine", mode="symbolic"), seed).params
        assert p.quadratic and p.linear and p.constant and not p.symmetric
        seen.add((p.matrix.name, p.vector.name, p.quadratic, p.linear))
    assert len(seen) > 20


K = sympy.Symbol("k", integer=True)


def _on_instance(step):
    """The step on the engine's instance (n = 3, k = 2), entries as plain symbols."""
    return step.expr.doit()


def test_canonical_linear_form_steps_use_the_kronecker_delta():
    steps = canonical("idl-math-background-1.2a").answer.partial_steps.steps
    assert [step.why for step in steps] == ["", r"sum rule, constant factor; $\partial x_i / \partial x_k = \delta_{ik}$", "only $i = k$ remains"]
    assert tex(steps[1].expr) == r"\sum_{i=1}^{n} \delta_{i k} b_{i}"
    assert tex(steps[-1].expr) == "b_{k}"
    assert _on_instance(steps[0]) == _on_instance(steps[-1]) == sympy.Symbol("b_2")


def test_canonical_symmetric_quadratic_form_steps_merge_the_two_sums():
    steps = canonical("idl-math-background-1.2b").answer.partial_steps.steps
    whys = ["", "sum rule, constant factor; product rule in every term", "split the sum; only $i = k$ or $j = k$ remain", "$A_{ik} = A_{ki}$, rename $i$ as $j$, add the sums"]
    assert [step.why for step in steps] == whys
    assert tex(steps[2].expr) == r"\sum_{j=1}^{n} A_{kj} x_{j} + \sum_{i=1}^{n} A_{ik} x_{i}"
    assert tex(steps[3].expr) == r"2 \sum_{j=1}^{n} A_{kj} x_{j}"
    a, x = sympy.Symbol, sympy.Symbol
    expected = 2 * (a("A_1_2") * x("x_1") + a("A_2_2") * x("x_2") + a("A_2_3") * x("x_3"))
    assert sympy.expand(_on_instance(steps[3]) - expected) == 0


def test_canonical_affine_steps_keep_both_sums_and_b_k():
    steps = canonical("idl-math-background-1.2c").answer.partial_steps.steps
    assert [step.why for step in steps[::2]] == ["", "split the sum; only $i = k$ or $j = k$ remain"]
    assert tex(steps[-1].expr) == r"\sum_{j=1}^{n} A_{kj} x_{j} + \sum_{i=1}^{n} A_{ik} x_{i} + b_{k}"


@pytest.mark.parametrize("seed", [None, *range(4)])
def test_the_affine_product_rule_step_names_the_linear_term_and_the_constant(seed):
    """A TA read (idl-math-background 1.2(c), seed 7301): "product rule in every term" also turned
    sum_i b_i x_i into sum_i delta_ik b_i and dropped c. The reason names both, in the variant's letters."""
    if seed is None:
        variant = canonical("idl-math-background-1.2c")
    else:
        variant = variant_for_seed(FAMILY, options(kind="affine", mode="symbolic"), seed)
    p = variant.params
    b, c = p.vector.name, p.scalar.name
    why = variant.answer.partial_steps.steps[1].why
    assert why == (
        rf"sum rule, constant factor; product rule for $x_i x_j$; $\partial ({b}_i x_i) / \partial x_k = \delta_{{ik}} {b}_i$, $\partial {c} / \partial x_k = 0$"
    )
    written = tex(variant.answer.partial_steps.steps[1].expr)
    assert rf"\delta_{{i k}} {b}_{{i}}" in written and not written.endswith(f"+ {c}")
    _, solution = render_part(environment(language="de"), FAMILY, variant)
    assert rf"$\partial {c} / \partial x_k = 0$" in solution and "product rule" not in solution.lower()


def test_merging_the_sums_of_a_general_matrix_is_caught():
    from generator.kit.family import CheckFailed as Failed
    from generator.kit.steps import Chain, Step, verify_chain

    steps = canonical("idl-math-background-1.2c").answer.partial_steps.steps
    wrong = Chain((steps[-1], Step(steps[-1].expr.func(2 * steps[-1].expr.args[0].args[0]), "a slip")))
    with pytest.raises(Failed):
        verify_chain(wrong, random.Random(0))


@pytest.mark.parametrize(
    "kind, whys",
    [
        ("quadratic", [r"insert $\mathbf{A}$ and $\mathbf{A}^\top$", r"add $\mathbf{A}$ and $\mathbf{A}^\top$", "row times column"]),
        ("quadratic-symmetric", [r"insert $\mathbf{A}$", r"double the entries of $\mathbf{A}$", "row times column"]),
        (
            "affine",
            [
                r"insert $\mathbf{A}$, $\mathbf{A}^\top$ and $\mathbf{b}$",
                r"add $\mathbf{A}$ and $\mathbf{A}^\top$",
                r"row times column, add $\mathbf{b}$",
            ],
        ),
    ],
)
def test_numeric_steps_apply_the_derived_gradient_to_the_numbers(kind, whys):
    variant = variant_for_seed(FAMILY, options(kind=kind, mode="numeric", n=3), 2)
    steps = variant.answer.gradient_steps.steps
    assert [step.why for step in steps] == whys
    a = variant.params.matrix_entries
    assert tex(steps[0].expr).startswith("2 " + tex(a) if kind == "quadratic-symmetric" else r"\mathopen{}\left(" + tex(a))
    assert steps[-1].expr == variant.answer.gradient
    assert variant_for_seed(FAMILY, options(kind="linear", mode="numeric"), 2).answer.gradient_steps is None


@pytest.mark.parametrize("kind", ["quadratic", "quadratic-symmetric", "affine"])
def test_numeric_steps_print_the_combined_matrix_after_the_inserted_ones(kind):
    """Every step has the same value; each must still print as written, not as the step before it."""
    variant = variant_for_seed(FAMILY, options(kind=kind, mode="numeric", n=3), 7)
    inserted, combined, _ = (tex(step.expr) for step in variant.answer.gradient_steps.steps)
    assert combined != inserted
    assert combined.startswith(tex(variant.answer.hessian))


@pytest.mark.parametrize("kind", ["linear", "quadratic-symmetric", "quadratic", "affine"])
def test_numeric_variants_ask_for_the_derivation_of_the_canonical_instance(kind):
    """No giveaway: the statement asks to derive the gradient for general n, as the original does,
    and the solution derives it through index sums before it inserts any number."""
    variant = variant_for_seed(FAMILY, options(kind=kind, mode="numeric"), 4)
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"Derive the gradient" in statement and r"\mathbb{R}^{n}" in statement
    derivation = variant.answer.derivation
    assert solution.index(tex(derivation.coordinates)) < solution.index("given numbers")
    assert "Use $\\nabla" not in solution
    name = {"linear": "1.2a", "quadratic-symmetric": "1.2b", "affine": "1.2c"}.get(kind)
    if name:
        expected = canonical(f"idl-math-background-{name}").answer
        assert derivation.partial_steps == expected.partial_steps and derivation.gradient == expected.gradient


@pytest.mark.parametrize("kind", ["linear", "quadratic-symmetric", "affine"])
def test_symbolic_seeds_never_repeat_the_canonical_instance(kind):
    canonical_params = set(FAMILY.canonical.values())
    for seed in range(100):
        assert variant_for_seed(FAMILY, options(kind=kind, mode="symbolic"), seed).params not in canonical_params


@pytest.mark.parametrize("kind", ["quadratic-symmetric", "quadratic", "affine"])
@pytest.mark.parametrize("n", [2, 3])
def test_numeric_matrices_are_at_most_a_third_zero(kind, n):
    for seed in range(100):
        variant = variant_for_seed(FAMILY, options(kind=kind, mode="numeric", n=n), seed)
        for m in (variant.params.matrix_entries, variant.answer.hessian):
            assert 3 * list(m).count(0) <= n * n


def test_check_rejects_a_numeric_gradient_that_disagrees_with_the_derivation():
    variant = variant_for_seed(FAMILY, options(kind="affine", mode="numeric"), 3)
    p = variant.params
    wrong_derivation = dataclasses.replace(variant.answer.derivation, gradient=scaled(2, p.matrix, p.variable))
    with pytest.raises(CheckFailed):
        check(p, dataclasses.replace(variant.answer, derivation=wrong_derivation), random.Random(0))


@pytest.mark.parametrize(("kind", "in_x"), [("linear", False), ("quadratic-symmetric", True)])
def test_only_a_gradient_that_depends_on_x_is_asked_for_in_x(kind, in_x):
    # The gradient of b^T x is the constant b: "a column vector in x_1, x_2, x_3" would be wrong.
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"kind": kind}), 1)
    statement, _ = render_part(environment(), FAMILY, variant)
    assert "as a column vector for" in statement or in_x
    assert ("as a column vector in $x_1" in statement) == in_x


@pytest.mark.parametrize("seed", range(6))
def test_the_check_against_the_written_out_function_is_shown_not_asserted(seed):
    """"its partial derivatives ... are the entries above" asked the student to trust the check the exercise asks
    for (TA read): each partial derivative of the polynomial is printed, and the family's check compares them with the
    gradient's entries."""
    variant = variant_for_seed(FAMILY, options(mode="numeric"), seed)
    answer = variant.answer
    xs = coordinates(len(answer.gradient))
    assert list(answer.partials) == [sympy.diff(answer.expanded, x) for x in xs]
    _, solution = render_part(environment(), FAMILY, variant)
    for k, partial in enumerate(answer.partials, start=1):
        assert f"\\frac{{\\partial f}}{{\\partial x_{{{k}}}}} &= {tex(partial)} ," in solution
    wrong = dataclasses.replace(answer, partials=(answer.partials[0] + xs[0], *answer.partials[1:]))
    with pytest.raises(CheckFailed, match="partial derivatives of the expanded f"):
        check(variant.params, wrong, random.Random(0))


def test_the_check_is_one_block_on_its_page(tmp_path):
    """A TA read: German idl-math-background seed 91 began pages 4 and 5 with 'also die Einträge des Gradienten oben.',
    the check's last line, alone (and holding only that line back left 'das' alone instead)."""
    import subprocess

    from generator.pipeline.build import build_sheets
    from generator.pipeline.generate import Draw
    from generator.pipeline.project import Project

    (target,) = build_sheets(["idl-math-background"], Draw(91), tmp_path, Project(language="de"))
    pdf = str(target / "idl-math-background-solution.pdf")
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True, text=True).stdout
    firsts = [next(line.strip() for line in page.splitlines() if line.strip()) for page in text.split("\f") if page.strip()]
    assert "Probe: Ausgeschrieben" in text
    assert not [first for first in firsts if first.startswith(("also die Einträge", "das"))], firsts


def test_a_linear_form_has_a_vector_whose_entries_a_check_can_tell_apart():
    """b = (2, 2, 2) (TA read, idl-math-background 1.2(a), German, seed 7412): every partial of b^T x is 2, so the
    check of the gradient against them could not catch two entries swapped. The sampler refuses all entries equal."""
    for n in (2, 3):
        for seed in range(150):
            b = variant_for_seed(FAMILY, options(kind="linear", mode="numeric", n=n), seed).params.vector_entries
            assert len(set(b)) > 1, (n, seed, b)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_written_out_function_of_the_check_is_displayed(language):
    """A TA read (idl-math-background 1.2(c), seed 6601): f written out inline, ten terms, had the spaces around every
    sign squeezed to fit its line. It is displayed, as x^T A x + b^T x + c multiplied out by SymPy."""
    variant = variant_for_seed(FAMILY, options(kind="affine", mode="numeric", n=3), 172)  # its f counts 62 characters
    p = variant.params
    x = sympy.Matrix(coordinates(3))
    f = sympy.expand((x.T * p.matrix_entries * x)[0] + (p.vector_entries.T * x)[0] + p.scalar_value)
    _, solution = render_part(environment(language=language), FAMILY, variant)
    assert f"f(\\mathbf{{x}}) &= {tex(f)} .\n\\end{{align*}}" in solution
    assert f"$f(\\mathbf{{x}}) = {tex(f)}$" not in solution


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_check_shows_the_two_entries_each_cross_term_adds(language):
    """A TA read (idl-math-background German 9552, 1.2(b) and (c)): f written out gave 5 x_1 x_2 with nothing showing
    that it is A_12 + A_21 = 3 + 2. x^T A x stands first with each cross term's two entries, then f collected."""
    variant = variant_for_seed(FAMILY, options(kind="affine", mode="numeric", n=3), 172)
    a = variant.params.matrix_entries
    paired = variant.answer.paired.steps[0].expr
    x = sympy.Matrix(coordinates(3))
    assert evaluated(paired) == sympy.expand((x.T * a * x)[0])
    printed = tex(paired)
    for i, j in ((0, 1), (0, 2), (1, 2)):
        if a[i, j] and a[j, i]:
            assert f"({tex(WrittenSum(a[i, j], a[j, i], evaluate=False))}) {tex(x[i] * x[j])}" in printed
    _, solution = render_part(environment(language=language), FAMILY, variant)
    assert f"\\mathbf{{x}}^\\top \\mathbf{{A}} \\mathbf{{x}} &= {printed} , \\\\" in solution
    lead = "taken together" if language == "en" else "zusammen"
    assert lead in solution


def test_the_written_out_check_says_when_terms_with_zero_entries_are_left_out():
    """A pair with both entries zero is not written, (0 + 0) x_1 x_2: the lead-in says so, where a pair missing from
    (c) read as forgotten (a TA read, German 9614); with no term left out it says nothing of them (EN 9621, 9623); "terms
    with zero entries" read as covering (2 + 0) too (German 9644)."""
    seen = set()
    for seed in range(12):
        variant = variant_for_seed(FAMILY, options(kind="affine", mode="numeric", n=3), seed)
        _, solution = render_part(environment(), FAMILY, variant)
        a = variant.params.matrix_entries
        dropped = [(i, j) for i in range(3) for j in range(i, 3) if a[i, j] == 0 and a[j, i] == 0]  # (0 + 3) x_1 x_2 is written
        assert (" left out," in solution) == bool(dropped)
        for i, j in dropped:  # each named, a_ij and a_ji
            assert f"A_{{{i + 1}{j + 1}}} = " in solution and f"A_{{{j + 1}{i + 1}}} = " in solution
        assert ("the term that vanishes" in solution) == (len(dropped) == 1)  # one term is "the term" (German 9663)
        seen.add(bool(dropped))
    assert seen == {True, False}
