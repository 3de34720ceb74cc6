import dataclasses
import json
import random

import pytest
import sympy

from generator.errors import GenerationError
from generator.kit.differentiation import worked_partial
from generator.kit.family import Family
from generator.kit.functions import coordinates, indexed_coordinates
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.kit.steps import Step, chain, worked_chain
from generator.kit.vectorcalc import partial
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.gradient import FAMILY, EuclideanNorm, Params, X, _shape, check

x1, x2 = indexed_coordinates(2)
x, y = coordinates(2)


def explicit(expr):
    """Norms written out as square roots, so that SymPy can compare."""
    return expr.replace(lambda e: isinstance(e, EuclideanNorm), lambda e: sympy.sqrt(sum(c**2 for c in e.args)))


def same(a, b):
    return sympy.simplify(explicit(a) - explicit(b)) == 0


def canonical(name, **options):
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, options), name)


def test_norm_canonical_matches_the_catalogue():
    answer = canonical("idl-math-background-1.3b", kind="norm", count=2).answer
    norm = sympy.sqrt(x1**2 + x2**2)
    grad_f4, grad_f5 = answer.gradients
    assert all(same(a, b) for a, b in zip(grad_f4, (x1, x2)))
    assert all(same(a, b) for a, b in zip(grad_f5, (x1 / (2 * norm), x2 / (2 * norm))))
    assert answer.vector_forms[0] == (X,)
    assert answer.vector_forms[1] == (X / (2 * EuclideanNorm(x1, x2)),)
    assert answer.singular == (False, True)


def test_norm_canonical_prints_norms_and_names_f4_f5():
    variant = canonical("idl-math-background-1.3b")
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"f_{4}(\mathbf{x}) &= \frac{\|\mathbf{x}\|_2^{2}}{2}" in statement
    assert r"f_{5}" in statement and r"\nabla" not in statement
    assert r"= \mathbf{x}" in solution
    assert r"\frac{\mathbf{x}}{2 \|\mathbf{x}\|_2}, \qquad \mathbf{x} \neq \mathbf{0}" in solution


def test_composition_canonical_matches_the_catalogue():
    (gradient,) = canonical("dl-sheet1-3b").answer.gradients
    expected = (sympy.exp(x) * sympy.exp(-y) * sympy.cos(sympy.exp(x)), -sympy.exp(-y) * sympy.sin(sympy.exp(x)))
    assert gradient.shape == (2, 1)
    assert all(same(a, b) for a, b in zip(gradient, expected))


def test_check_rejects_a_norm_gradient_without_the_half():
    params = FAMILY.canonical["idl-math-background-1.3b"]
    right = FAMILY.solve(params)
    norm = EuclideanNorm(x1, x2)
    wrong_partials = (x1 / norm, x2 / norm)
    wrong = dataclasses.replace(
        right,
        partials=(right.partials[0], wrong_partials),
        gradients=(right.gradients[0], sympy.ImmutableMatrix(wrong_partials)),
        vector_forms=(right.vector_forms[0], (X / norm,)),
    )
    with pytest.raises(AssertionError, match="finite difference"):
        check(params, wrong, random.Random(0))


def test_check_rejects_a_wrong_vector_form():
    params = FAMILY.canonical["idl-math-background-1.3b"]
    right = FAMILY.solve(params)
    wrong = dataclasses.replace(right, vector_forms=((2 * X,), right.vector_forms[1]))
    with pytest.raises(AssertionError, match="vector form"):
        check(params, wrong, random.Random(0))


def test_check_accepts_a_right_gradient_that_grows_fast_away_from_0():
    """cos(e^{3x + 3y + 2z}) turns too fast for a central difference near (0.85, 0.85, 0.85): checked there, its
    right partials failed one check in five (n = 3, level 2, seed 56)."""
    x, y, z = coordinates(3)
    params = Params((x, y, z), (sympy.cos(sympy.exp(3 * x + 3 * y + 2 * z)),), sympy.ImmutableMatrix.zeros(3, 1))
    answer = FAMILY.solve(params)
    for seed in range(20):
        check(params, answer, random.Random(seed))
    variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"n": 3, "count": 1, "level": 2}), 56)


@pytest.mark.parametrize("given", [{"n": 4}, {"n": 1}, {"count": 0}, {"kind": "radial"}, {"level": 3}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize(
    "given",
    [
        {"kind": "composition", "n": 2, "count": 2},
        {"kind": "composition", "n": 3, "level": 1},
        {"kind": "norm", "n": 3, "count": 3},
        {"kind": "mixed", "n": 2, "count": 3},
    ],
)
def test_variants_are_not_degenerate(given):
    options = resolve_options(FAMILY.options, given)
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        params, answer = variant.params, variant.answer
        assert len(params.functions) == options["count"]
        assert len(set(params.functions)) == options["count"]
        norms = [f.has(EuclideanNorm) for f in params.functions]
        if options["kind"] == "composition":
            assert not any(norms) and all(f.free_symbols == set(params.variables) for f in params.functions)
        if options["kind"] == "norm":
            assert all(norms)
        if options["kind"] == "mixed":
            assert any(norms) and not all(norms)
        shapes = [_shape(f) for f in params.functions if f.has(EuclideanNorm)]
        assert len(shapes) == len(set(shapes)), "two norms of the same shape in one variant"
        for f, partials, singular in zip(params.functions, answer.partials, answer.singular):
            assert all(d != 0 for d in partials)
            centred = all(c.is_Symbol for n in f.atoms(EuclideanNorm) for c in n.args)
            assert centred or not singular, "only norms centred at 0 may have a singular point"


def test_stored_norm_answers_read_back_as_numbers():
    options = resolve_options(FAMILY.options, {"kind": "norm", "count": 3})
    variant = variant_for_seed(FAMILY, options, 5)
    stored = json.loads(json.dumps(variant.to_json()))
    point = {x1: sympy.Rational(3, 10), x2: sympy.Rational(7, 10)}
    for text, value in zip(stored["answers"]["partials"], variant.answer.partials):
        for t, v in zip(text, value):
            parsed = sympy.sympify(t).subs({sympy.Symbol(str(k)): p for k, p in point.items()})
            assert float(parsed) == pytest.approx(float(explicit(v).subs(point)), rel=1e-12)


def test_shifted_norms_have_gradients_written_as_multiples_of_x_minus_a():
    norm = EuclideanNorm(x1 - 1, x2 + 2)
    params = Params((x1, x2), (norm**2, sympy.exp(-(norm**2))), sympy.ImmutableMatrix([1, -2]))
    answer = FAMILY.solve(params)
    check(params, answer, random.Random(0))
    assert [tex(forms[0]) for forms in answer.vector_forms] == [
        r"2 (\mathbf{x} - \mathbf{a})",
        r"- 2 e^{- \|\mathbf{x} - \mathbf{a}\|_2^{2}} (\mathbf{x} - \mathbf{a})",
    ]
    assert answer.singular == (False, False)


def steps_of(worked):
    return [(step.why, step.expr) for step in worked.derivative.steps]


def test_composition_canonical_works_each_partial_by_the_chain_rule():
    (partials,) = canonical("dl-sheet1-3b").answer.worked
    d_dx, d_dy = partials
    assert d_dx.rules == ("chain",) and d_dy.rules == ("chain",)
    # d/dx: e^{-y} is a constant factor, the chain rule acts on sin(e^x) with inner function g = e^x.
    assert [(piece.name.name, piece.expr) for piece in d_dx.pieces] == [("g", sympy.exp(x))]
    assert [(s.why, s.expr) for s in d_dx.pieces[0].derivative.steps] == [("table of derivatives", sympy.exp(x))]
    assert steps_of(d_dx) == [("constant factor, chain rule", sympy.exp(x) * sympy.exp(-y) * sympy.cos(sympy.exp(x)))]
    # d/dy: sin(e^x) is a constant factor, e^{-y} by the chain rule, nothing to name.
    assert d_dy.pieces == ()
    assert steps_of(d_dy) == [("constant factor, chain rule", -sympy.exp(-y) * sympy.sin(sympy.exp(x)))]


def test_norm_canonical_quotes_the_partials_of_the_norm_and_of_its_square():
    """f4 = ||x||^2/2 and f5 = ||x||/2 have no outer function to chain through: a constant times the quoted partial."""
    f4, f5 = canonical("idl-math-background-1.3b").answer.worked
    norm = EuclideanNorm(x1, x2)
    for worked, component in zip(f4, (x1, x2)):  # two numbers to multiply: the rule step stays
        (rule, product) = worked.derivative.steps
        assert (rule.why, tex(rule.expr)) == ("constant factor, partial of the squared norm", rf"\frac{{1}}{{2}} \cdot 2 {tex(component)}")
        assert (product.why, product.expr) == ("cancel $2$", component)
    for worked, component in zip(f5, (x1, x2)):
        assert steps_of(worked) == [("constant factor, partial of the norm", component / (2 * norm))]


def test_a_function_of_the_squared_norm_goes_through_the_square_and_holds_everywhere():
    a = sympy.ImmutableMatrix([1, -2])
    f = sympy.exp(-EuclideanNorm(x1 - 1, x2 + 2) ** 2)
    answer = FAMILY.solve(Params((x1, x2), (f,), a))
    # -e^{..} . 2 (x_1 - 1) and -2 e^{..} (x_1 - 1) show the same factors: one step, the rule its reason. Tidying
    # had written 2 (1 - x_1) e^{..}, a sign moved under "multiply the factors" (TA read, idl 1.3(b), seed 8124).
    (rule,) = answer.worked[0][0].derivative.steps
    assert rule.why == "chain rule, partial of the squared norm; $a_1 = 1$" and tex(rule.expr) == r"- 2 e^{- \|\mathbf{x} - \mathbf{a}\|_2^{2}} (x_{1} - 1)"
    assert same(rule.expr, -2 * (x1 - 1) * f)
    assert answer.singular == (False,)
    assert Params((x1, x2), (f,), a).squared_norms == (True,)
    assert not Params((x1, x2), (f,), a).plain_norm


def test_a_function_undefined_at_zero_is_stated_on_its_domain():
    params = Params((x1, x2), (1 / EuclideanNorm(x1, x2), EuclideanNorm(x1, x2) ** 2), sympy.ImmutableMatrix.zeros(2, 1))
    variant = dataclasses.replace(canonical("idl-math-background-1.3b"), params=params, answer=FAMILY.solve(params))
    statement, solution = render_part(environment(), FAMILY, variant)
    # two functions: aligned at the colon and at = (a TA read found them looking broken aligned at = alone)
    assert r"f_{1} &\colon \mathbb{R}^2 \setminus \{\mathbf{0}\} \to \mathbb{R}, &\quad f_{1}(\mathbf{x}) &=" in statement
    assert r"f_{2} &\colon \mathbb{R}^2 \to \mathbb{R}, &\quad f_{2}(\mathbf{x}) &=" in statement
    assert r"(for every $\mathbf{x}$)" in solution and r"(for $\mathbf{x} \neq \mathbf{0}$" in solution


def test_solution_names_the_parts_and_the_rules():
    variant = canonical("dl-sheet1-3b")
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"\intertext{For $\frac{\partial f}{\partial x}$, let $g = e^{x}$:}" in solution
    assert r"\frac{\partial g}{\partial x} &= e^{x} && \mbox{table of derivatives}" in solution
    assert r"\frac{\partial f}{\partial y} &= - e^{- y} \sin(e^{x}) && \mbox{constant factor, chain rule}" in solution


def test_worked_partials_set_constant_factors_aside_and_skip_absent_variables():
    z = sympy.Symbol("z", real=True)
    worked = worked_partial(sympy.sin(z) * sympy.exp(x * y), x)
    assert worked.pieces == () and steps_of(worked) == [("constant factor, chain rule", y * sympy.exp(x * y) * sympy.sin(z))]
    assert steps_of(partial(y**2 + sympy.sin(z) * (z + 1), x, "f_2")) == [("$f_2$ does not depend on $x$", 0)]


def test_worked_chain_merges_reordered_factors_but_keeps_cancellations():
    reordered = sympy.Mul(sympy.exp(-y), sympy.Mul(sympy.cos(x), x, evaluate=False), evaluate=False)
    merged = worked_chain(Step(reordered, "chain rule"), Step(x * sympy.exp(-y) * sympy.cos(x), "simplify"))
    assert [(s.why, s.expr) for s in merged.steps] == [("chain rule", x * sympy.exp(-y) * sympy.cos(x))]
    cancelled = sympy.Mul(y, x / y, evaluate=False)
    assert len(worked_chain(Step(cancelled, "chain rule"), Step(x, "simplify")).steps) == 2


def test_a_wrong_step_fails_the_build():
    def solve_with_a_slip(params):
        answer = FAMILY.solve(params)
        slipped = chain(Step(sympy.sin(x)), Step(sympy.cos(x), "a slip"))
        return dataclasses.replace(answer, worked=answer.worked + ((slipped,),))

    broken = Family(**{**FAMILY.__dict__, "solve": solve_with_a_slip})
    with pytest.raises(GenerationError, match=r"family gradient, seed 4: .*step 2 \(cos\(x\)\) does not equal step 1"):
        variant_for_seed(broken, resolve_options(FAMILY.options, {}), 4)


def test_every_function_whose_gradient_misses_0_is_stated_without_0():
    # ||x||_2 is defined everywhere, but its gradient x / ||x||_2 is not: the statement says so.
    options = resolve_options(FAMILY.options, {"kind": "norm", "count": 2})
    seen = set()
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        statement, _ = render_part(environment(), FAMILY, variant)
        for name, singular in zip(variant.params.names, variant.answer.singular):
            n = len(variant.params.variables)
            punctured = rf"{name} &\colon \mathbb{{R}}^{n} \setminus \{{\mathbf{{0}}\}}" in statement
            assert punctured or not singular, (seed, name)
            seen.add(singular)
    assert seen == {True, False}


def test_multiply_the_factors_only_where_two_numbers_are_multiplied():
    from generator.kit.steps import _shown

    options = FAMILY.resolve_options({"kind": "norm", "n": 2, "count": 2})
    for seed in range(40):
        for worked in variant_for_seed(FAMILY, options, seed).answer.worked:
            for one_partial in worked:
                steps = one_partial.derivative.steps
                for before, step in zip(steps, steps[1:]):
                    if step.why == "multiply the factors":  # never for -e^{...} . 2x_1 = -2x_1 e^{...}, a dropped dot
                        numbers = all(abs(f.as_coeff_Mul()[0]) != 1 for f in before.expr.args)  # 2 (x_1 + 1) . (-e/2)
                        assert numbers or _shown(before.expr) != _shown(step.expr), (seed, before.expr)


def test_numbers_that_cancel_through_the_norm_are_named_so():
    """1/(2 sqrt(||x||^2 + 1)) . 2 x_1 = x_1/sqrt(||x||^2 + 1) cancels a 2: "multiply the factors" would hide it."""
    from problems.gradient import _worked

    f = sympy.sqrt(EuclideanNorm(x1, x2) ** 2 + 1)
    (_, product) = _worked(f, x1).derivative.steps
    assert product.why == "cancel $2$"
    assert product.expr == x1 / sympy.sqrt(EuclideanNorm(x1, x2) ** 2 + 1)


def test_for_every_x_only_contrasts_a_plain_norm():
    """A TA read '... = 2x_i (for every x)' beside no other norm as a restriction that adds nothing: it is said only
    where a plain norm, differentiable off 0, stands beside the squared one."""
    squared_only = Params((x1, x2), (sympy.exp(-EuclideanNorm(x1, x2) ** 2),), sympy.ImmutableMatrix.zeros(2, 1))
    variant = dataclasses.replace(canonical("idl-math-background-1.3b"), params=squared_only, answer=FAMILY.solve(squared_only))
    _, solution = render_part(environment(), FAMILY, variant)
    # the squared norm alone is differentiated: "of the norm" there was false (TA read, German 8942)
    assert "partial derivatives of the squared norm follow from writing it in coordinates" in solution
    assert r"(for every $\mathbf{x}$)" not in solution
    _, with_plain = render_part(environment(), FAMILY, canonical("idl-math-background-1.3b"))  # ||x||_2 beside its square
    assert "partial derivatives of the squared norm and of the norm follow from writing them in coordinates" in with_plain


def test_a_gradient_after_lines_of_text_stands_in_a_display_of_its_own(tmp_path):
    """German n = 3: the gradient's row shared the align with the partials, whose reason column (wider in German) left
    it 12 pt too little room ('sheets check gradient --compile --language de'). After a line of text it now stands in
    a display of its own, led in by 'Stacking them:'."""
    from generator.check.stress import _compile_batch

    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"level": 2, "n": 3}), 8460231384340642445)
    assert _compile_batch(FAMILY, [variant], tmp_path, "de") == []
    source = next(tmp_path.glob("*/solution.tex")).read_text(encoding="utf-8")
    assert "\\end{align*}\nAls Spaltenvektor zusammengefasst:\n\\[ \\nabla f(x, y, z) = " in source


def test_the_step_that_puts_the_point_a_in_says_so():
    """With a = (0, -1) the chain rule step wrote 2 x_1 and 2 (x_2 + 1) for 2 (x_i - a_i), a put in silently (TA read,
    idl-math-background 1.3b): the reason names the coordinate of a, also where it is 0; a centred norm has no a."""
    norm = EuclideanNorm(x1, x2 + 1)
    params = Params((x1, x2), (sympy.exp(-(norm**2)), norm**2), sympy.ImmutableMatrix([0, -1]))
    variant = dataclasses.replace(canonical("idl-math-background-1.3b"), params=params, answer=FAMILY.solve(params))
    reasons = [[w.derivative.steps[0].why for w in row] for row in variant.answer.worked]
    assert reasons == [
        ["chain rule, partial of the squared norm; $a_1 = 0$", "chain rule, partial of the squared norm; $a_2 = -1$"],
        ["partial of the squared norm; $a_1 = 0$", "partial of the squared norm; $a_2 = -1$"],
    ]
    _, solution = render_part(environment(language="de"), FAMILY, variant)
    assert r"Kettenregel, partielle Ableitung der quadrierten Norm; $a_2 = -1$" in solution
    centred = [w.derivative.steps[0].why for w in FAMILY.solve(dataclasses.replace(params, functions=(EuclideanNorm(x1, x2) ** 2,))).worked[0]]
    assert centred == ["partial of the squared norm"] * 2


def test_the_partials_of_the_norm_are_derived_not_quoted():
    """A TA read (idl-math-background 1.3(b), seed 7411): 'the chain rule needs d/dx_i ||x||_2 = x_i/||x||_2' and steps
    named 'partial of the norm' stated f_1's result as given. The solution derives it for x_1 from the coordinates,
    ||x||_2 = sqrt(x_1^2 + x_2^2) by the chain rule, and ||x - a||_2^2 as a sum of squares; the engine verifies both."""
    from generator.kit.steps import verify_chain

    norm, shifted = EuclideanNorm(x1, x2), EuclideanNorm(x1 + 1, x2 - 2)
    params = Params((x1, x2), (norm, sympy.exp(-(shifted**2))), sympy.ImmutableMatrix([-1, 2]))
    variant = dataclasses.replace(canonical("idl-math-background-1.3b"), params=params, answer=FAMILY.solve(params))
    square, root = variant.answer.norm_partials
    assert [step.why for step in root.steps] == ["the norm in coordinates", r"chain rule, $(\sqrt{t})' = \frac{1}{2 \sqrt{t}}$", r"cancel $2$; the root is $\|\mathbf{x}\|_2$"]
    # a sum of squares is the squared norm, not the norm (TA read, 7321: the German set both under one name)
    assert square.steps[0].why == "the squared norm in coordinates"
    assert root.result == x1 / norm and square.result.doit() == 2 * (x1 - sympy.Symbol("a_1", real=True))
    for derived in (square, root):
        verify_chain(derived, random.Random(0))
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"&= \frac{\partial}{\partial x_{1}} \sqrt{x_{1}^{2} + x_{2}^{2}}" in solution
    assert r"&= \frac{\partial}{\partial x_{1}} ((x_{1} - a_{1})^{2} + (x_{2} - a_{2})^{2})" in solution
    assert "chain rule needs" not in solution


def test_a_shifted_point_is_written_as_the_language_writes_a_tuple():
    """'a = (-2, 0)^T' on a German sheet that writes 0,75 (TA read): German separates the entries with a semicolon, the
    coordinates' too: 'x = (x_1, x_2)^T and a = (-2; 2)^T' mixed the two in one sentence (TA read, German 8922)."""
    params = Params((x1, x2), (sympy.exp(-(EuclideanNorm(x1 + 2, x2) ** 2)),), sympy.ImmutableMatrix([-2, 0]))
    variant = dataclasses.replace(canonical("idl-math-background-1.3b"), params=params, answer=FAMILY.solve(params))
    assert r"\mathbf{a} = (-2, 0)^\top" in render_part(environment(), FAMILY, variant)[0]
    german = render_part(environment(language="de"), FAMILY, variant)[0]
    assert r"\mathbf{a} = (-2; 0)^\top" in german and r"\mathbf{x} = (x_{1}; x_{2})^\top" in german


def test_the_product_of_the_chain_rule_through_the_norm_is_shown_before_its_powers_are_combined():
    """A TA read (idl-math-background 1.3(b), German, seed 6602): d/dx_1 1/||x||_2 = -x_1/||x||_2^3 under "chain rule"
    hid the product of outer and inner derivative, -1/||x||_2^2 . x_1/||x||_2, and the powers combined after it."""
    from problems.gradient import _worked

    norm = EuclideanNorm(x1, x2)
    rule, combined = _worked(1 / norm, x1).derivative.steps
    assert rule.why == "chain rule, partial of the norm" and combined.why == r"combine the powers of $\|\mathbf{x}\|_2$"
    assert rule.expr.args == (-1 / norm**2, x1 / norm)
    assert same(combined.expr, sympy.diff(1 / sympy.sqrt(x1**2 + x2**2), x1))
    (only,) = _worked(2 * norm, x1).derivative.steps  # 2 . x_1/||x||_2 only writes the product: no step of its own
    assert only.why == "constant factor, partial of the norm"  # the 2 carried is said (TA read, EN 8931)


@pytest.mark.parametrize(("n", "held"), [(2, "the other held fixed"), (3, "the others held fixed")])
def test_the_coordinates_held_fixed_are_counted(n, held):
    """A TA read (idl-math-background 1.3(b), seed 6601): "the others held fixed" said of R^2, where there is one other."""
    variables = indexed_coordinates(n)
    params = Params(variables, (sympy.exp(-EuclideanNorm(*variables) ** 2),), sympy.ImmutableMatrix.zeros(n, 1))
    variant = dataclasses.replace(canonical("idl-math-background-1.3b"), params=params, answer=FAMILY.solve(params))
    _, solution = render_part(environment(), FAMILY, variant)
    assert f"one coordinate at a time, {held}." in solution


def test_the_lead_in_names_only_the_norms_the_rows_below_differentiate():
    """A TA read (EN 9702): "the squared norm and the norm" above the rows of the norm alone."""
    from generator.pipeline.render import render_part
    from generator.pipeline.templating import environment

    seen = set()
    for seed, count in ((seed, count) for seed in range(20) for count in (1, 2, 3)):
        variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"kind": "norm", "count": count}), seed)
        if not variant.params.plain_norm:
            continue
        _, solution = render_part(environment(), FAMILY, variant)
        both = "of the squared norm and of the norm" in solution
        assert both == bool(variant.params.squared_norms)
        seen.add(both)
    assert seen == {True, False}
