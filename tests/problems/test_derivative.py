import dataclasses
import random

import pytest
import sympy

from generator.kit.differentiation import differentiate, rules_needed
from generator.kit.options import resolve_options
from generator.pipeline.generate import canonical_variant, variant_for_seed
from problems.derivative import FAMILY, Answer, Params, _function, _usable, check, x

CANONICAL = "idl-math-background-1.3a"


def test_canonical_instance_matches_the_catalogue():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL)
    expected = (
        2 * (x**3 + x + 1) * (3 * x**2 + 1),
        4 * sympy.exp(2 * x) / (sympy.exp(2 * x) + 1) ** 2,
        -sympy.log(1 - x) - 1,
    )
    for got, want in zip(variant.answer.derivatives, expected, strict=True):
        assert sympy.simplify(got - want) == 0


def test_canonical_quotient_is_printed_in_reduced_form():
    answer = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL).answer
    assert answer.derivatives[1] == 4 * sympy.exp(2 * x) / (sympy.exp(2 * x) + 1) ** 2


@pytest.mark.parametrize("level", [1, 2, 3])
def test_levels_give_non_constant_derivatives(level):
    options = resolve_options(FAMILY.options, {"level": level, "count": 3})
    for seed in range(15):
        variant = variant_for_seed(FAMILY, options, seed)
        assert len(variant.params.functions) == 3
        assert len(set(variant.params.functions)) == 3
        for derivative in variant.answer.derivatives:
            assert sympy.diff(derivative, x) != 0


def test_check_fails_on_a_derivative_off_by_a_factor():
    params = Params((sympy.sin(3 * x),))
    with pytest.raises(AssertionError, match="finite difference"):
        check(params, Answer((), (sympy.cos(3 * x),)), random.Random(0))


def test_check_accepts_the_right_derivative():
    check(Params((sympy.sin(3 * x),)), Answer((), (3 * sympy.cos(3 * x),)), random.Random(0))


def worked_canonical():
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL).answer.worked


def test_canonical_steps_name_the_rules_a_teaching_assistant_uses():
    f1, f2, f3 = worked_canonical()
    assert f1.rules == ("chain",)
    assert f2.rules[0] == "quotient" and "chain" in f2.rules
    assert f3.rules == ("product", "chain")
    assert [step.why for step in f3.derivative.steps] == ["product rule", r"cancel $(1 - x)$"]
    assert [step.why for step in f2.derivative.steps] == ["quotient rule", "expand and collect like terms"]


def test_canonical_steps_show_the_intermediate_expressions():
    f1, f2, f3 = worked_canonical()
    e = sympy.exp(2 * x)
    assert [(piece.name.name, piece.expr) for piece in f2.pieces] == [("u", e), ("v", e - 1), ("w", e + 1)]
    assert {piece.name.name: piece.derivative.result for piece in f3.pieces} == {"u": -1, "v": -1 / (1 - x)}
    assert sympy.simplify(f2.derivative.steps[0].expr.doit() - ((2 * e) * (e + 1) - (e - 1) * 2 * e) / (e + 1) ** 2) == 0
    assert sympy.sstr(f1.derivative.result) == "2*(3*x**2 + 1)*(x**3 + x + 1)"
    assert f3.derivative.result == -sympy.log(1 - x) - 1


def test_a_wrong_step_fails_the_build():
    from generator.errors import GenerationError
    from generator.kit.family import Family
    from generator.kit.steps import Step, chain
    from generator.pipeline.generate import variant_for_seed

    def solve_with_a_slip(params):
        answer = FAMILY.solve(params)
        slipped = chain(Step(sympy.sin(x)), Step(sympy.cos(x), "a slip"))
        return Answer(answer.worked + (slipped,), answer.derivatives)

    broken = Family(**{**FAMILY.__dict__, "solve": solve_with_a_slip})
    with pytest.raises(GenerationError, match=r"family derivative, seed 4: .*step 2 \(cos\(x\)\) does not equal step 1"):
        variant_for_seed(broken, resolve_options(FAMILY.options, {}), 4)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_rules_found_without_derivatives_are_the_rules_the_worked_solution_applies(level):
    """The sampler judges draws by ``rules_needed``, which skips every derivative; it must not drift from ``differentiate``."""
    rng = random.Random(level)
    for _ in range(40):
        f = _function(rng, level)
        assert rules_needed(f, x) == differentiate(f, x).rules, f


@pytest.mark.parametrize("level", [1, 2, 3])
def test_no_function_is_written_with_a_doubly_negative_linear_factor(level):
    """(x + 2)^3, not (-x - 2)^3: a teaching assistant never writes the latter."""
    rng = random.Random(level)
    for _ in range(400):
        f = _function(rng, level)
        for node in sympy.preorder_traversal(f):
            if node.is_Add and node.is_polynomial(x) and sympy.degree(node, x) == 1:
                a, b = sympy.Poly(node, x).all_coeffs()
                assert not (a < 0 and b < 0), f


@pytest.mark.parametrize(
    "f", [x * (x - 2) / (2 - x), (x - 2) ** 3 / (2 - x), (x - 2) ** 2 / (2 - x) ** 2, x * (x - 2) * sympy.cos(x) / (2 - x)]
)
def test_a_quotient_that_cancels_is_never_drawn(f):
    """The linear piece x - 2 over the positive 2 - x: the function is simpler than it is written."""
    assert not _usable(f, 2) and not _usable(f, 3)


@pytest.mark.parametrize("f", [(2 - x) * sympy.sin(2 - x), (2 - x) ** 2 * (x - 2), x * (x + 1) ** 2 * (x + 1 - 2 * x - 2)])
def test_a_function_a_hand_would_write_shorter_is_never_drawn(f):
    """-(2 - x) sin(x - 2), SymPy's form of (2 - x) sin(2 - x), is (x - 2) sin(x - 2) (a TA read, EN 9611); (2 - x)^2 (x - 2)
    is (x - 2)^3 (a TA read, German 9611): the statement asked to differentiate what a TA would have written otherwise."""
    assert not _usable(f, 2) and not _usable(f, 3)


def test_the_class_build_seed_that_drew_a_cancelling_quotient_now_builds():
    """Sheet A, seed 3, student s00019 drew x (x - 2)/(2 - x) and failed its check (derivative -1)."""
    options = resolve_options(FAMILY.options, {"count": 3, "level": 2})
    variant = variant_for_seed(FAMILY, options, 5463849718563815599)
    for f in variant.params.functions:
        numerator, denominator = f.as_numer_denom()
        assert not sympy.gcd(numerator, denominator).has(x), f


@pytest.mark.parametrize("level", [1, 2, 3])
def test_every_step_fits_a_line_and_no_two_functions_share_a_structure(level):
    from generator.kit.functions import structure
    from generator.kit.widths import LINE_WIDTH, worked_width

    options = resolve_options(FAMILY.options, {"level": level, "count": 3})
    for seed in range(12):
        variant = variant_for_seed(FAMILY, options, seed)
        assert all(worked_width(w) <= LINE_WIDTH for w in variant.answer.worked)
        assert len({structure(f) for f in variant.params.functions}) == 3
        assert not set(variant.params.functions) & set(FAMILY.canonical[CANONICAL].functions)


def test_no_step_is_named_simplify():
    options = resolve_options(FAMILY.options, {"level": 3, "count": 3})
    for seed in range(10):
        chains = [w.derivative for w in variant_for_seed(FAMILY, options, seed).answer.worked]
        assert all(step.why != "simplify" for c in chains for step in c.steps)


def test_no_two_functions_of_a_part_differ_only_in_a_polynomial_factor():
    from generator.kit.functions import skeleton

    for seed in range(40):
        variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"count": 3}), seed)
        assert len({skeleton(f, x) for f in variant.params.functions}) == 3


@pytest.mark.parametrize("level", [2, 3])
def test_no_part_works_the_derivative_of_one_product_quotient_or_composition_twice(level):
    # sin(e^x sin x) and e^x sin x/(cos x + 2) in one part printed the derivation of w = e^x sin x twice
    from generator.kit.functions import compound_parts

    options = resolve_options(FAMILY.options, {"level": level, "count": 4})
    for seed in range(30):
        worked = variant_for_seed(FAMILY, options, seed).answer.worked
        named = [{piece.expr for piece in w.pieces if piece.expr in compound_parts(piece.expr)} for w in worked]
        for i, pieces in enumerate(named):
            for other in named[i + 1 :]:
                assert not pieces & other, (seed, pieces & other)


def test_a_constant_over_a_sum_is_worked_by_the_chain_rule_of_the_recap_box():
    worked = differentiate(1 / (sympy.exp(x) + 1), x)
    assert worked.derivative.steps[0].why == "chain rule"


def test_exponentials_multiplied_to_a_constant_are_never_drawn():
    """cos(e^x e^{1 - x}) is cos(e): level 3 drew it (seed 17806757065593330148 of ``-o count=4``) and its check refused
    the derivative 0 as an error instead of the draw being made again."""
    e = sympy.exp
    assert not _usable(sympy.cos(e(x) * e(1 - x)), 3)
    assert not _usable(x**2 * sympy.sin(e(2 * x) * e(-2 * x - 1)), 3)
    options = resolve_options(FAMILY.options, {"count": 4, "level": 3})
    assert variant_for_seed(FAMILY, options, 17806757065593330148).params.functions


def test_two_exponentials_multiplied_are_never_drawn():
    """Bank sheet 9741 (two reads): f(x) = x e^x e^{x^2 - x + 1}, which is x e^{x^2 + 1}; its solution combined the
    powers in one factor's derivative and not in the other, then factored out a product it no longer printed."""
    e = sympy.exp
    assert not _usable(x * e(x) * e(x**2 - x + 1), 3) and not _usable(e(x) * e(x + 1) / (3 - x), 3)
    options = resolve_options(FAMILY.options, {"count": 2, "level": 3})
    for seed in range(60):
        for f in variant_for_seed(FAMILY, options, seed).params.functions:
            assert not any(node.is_Mul and sum(isinstance(a, sympy.exp) for a in node.args) > 1 for node in sympy.preorder_traversal(f))


def test_an_exponential_that_grows_too_fast_to_work_by_hand_is_refused():
    from problems.derivative import _steep

    assert _steep(sympy.sin(sympy.exp((3 * x + 2) ** 2)))  # e^{12} at x = 1/2: a finite difference cannot follow it
    assert _steep(sympy.exp(5 * x + 3))
    assert not _steep(sympy.sin(sympy.exp(x)))  # the reference sheet's sin(e^x)
    assert not _steep(sympy.exp(x**2 + 1))


def test_every_sum_of_table_entries_is_read_off_the_table():
    """``w = e^x + 1`` beside ``u = x^2 + 3`` in one solution: both by one reason, which names the sum rule it uses
    (the table alone was untrue for a sum: a TA read ``w' = 2x`` for ``w = x^2 + 2`` as hiding it)."""
    for total in (sympy.exp(x) + 1, x**2 + 3, sympy.cos(x) + 2, x**2 + sympy.sin(x)):
        worked = differentiate(sympy.log(total), x)
        assert [step.why for step in worked.pieces[0].derivative.steps] == ["sum rule; table of derivatives"], total
    assert [step.why for step in differentiate(sympy.log(3 * x**2), x).pieces[0].derivative.steps] == ["table of derivatives"]
    y = sympy.Symbol("y")
    assert differentiate(sympy.exp(x) + y, x).derivative.steps[0].why == "sum rule; table of derivatives; $y$ does not depend on $x$"


def test_the_line_naming_the_parts_never_splits_across_a_page(tmp_path):
    """A TA read: German derivatives-and-entropy seed 81 ended page 1 with 'f_3: Wir benennen die Teilausdruecke, ...,
    v = e^x,' and carried the rest of the line and the whole derivation over to page 2."""
    import subprocess

    from generator.pipeline.build import build_sheets
    from generator.pipeline.generate import Draw
    from generator.pipeline.project import Project

    (target,) = build_sheets(["derivatives-and-entropy"], Draw(81), tmp_path, Project(language="de"))
    pdf = target / "derivatives-and-entropy-solution.pdf"
    pages = [
        subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        for n in (1, 2)
    ]
    body = [line for line in pages[0].splitlines() if line.strip() and "Mathematik für Deep Learning" not in line]
    opening = max(index for index, line in enumerate(body) if "Wir setzen" in line)
    # the sentence naming f_3's parts ends on the page it starts on (its derivation may start there too: a solution's
    # align* breaks between its rows)
    assert any(line.rstrip().endswith(".") for line in body[opening:]), body[opening:]


@pytest.mark.parametrize("level", [1, 2, 3])
def test_no_two_steps_in_a_row_give_the_same_reason(level):
    """A TA read (idl-math-background, German, seed 7412, f_3): two steps in a row were "multiply the factors", the
    second of them multiplying out, collecting and taking out a factor. A reason says what its step does, so two
    steps in a row share one only if they do the same thing, which no worked derivative does. (Check seeds 140 of
    level 1 and 21 of level 2 drew such pairs.)"""
    options = resolve_options(FAMILY.options, {"level": level})
    for seed in range(150 if level < 3 else 40):
        for worked in variant_for_seed(FAMILY, options, seed).answer.worked:
            for steps in [piece.derivative.steps for piece in worked.pieces] + [worked.derivative.steps]:
                for before, after in zip(steps, steps[1:]):
                    assert before.why != after.why, (seed, before.why)


def test_a_power_written_out_is_never_drawn():
    """cos((x^2 - 2x + 1)^2) (TA read, German 8861): tidying wrote its inner derivative 4(x - 1)^3, then the rule line
    went back to (x - 1)(x^2 - 2x + 1) under "multiply the factors". A hand writes (x - 1)^4; no draw has such a sum."""
    assert not _usable(sympy.cos((x**2 - 2 * x + 1) ** 2), 2)
    assert not _usable(sympy.exp(x**2 + 2 * x + 1) * sympy.sin(x), 2)
    assert _usable(sympy.exp(x) * sympy.sin(x**2 - 2 * x + 2), 2)  # not a square: drawn as before
    options = resolve_options(FAMILY.options, {"level": 2, "count": 3})
    for seed in range(60):
        for f in variant_for_seed(FAMILY, options, seed).params.functions:
            sums = [node for node in sympy.preorder_traversal(f) if node.is_Add and node.is_polynomial(x) and sympy.degree(node, x) >= 2]
            assert all(not (len(sympy.factor_list(s)[1]) == 1 and sympy.factor_list(s)[1][0][1] >= 2) for s in sums), (seed, f)


@pytest.mark.parametrize("language", ["en", "de"])
def test_functions_defined_on_every_real_number_are_given_as_maps_from_r(language):
    """German 9201: "jeweils auf ihrem Definitionsbereich" beside three functions defined on all of R hinted at a
    restriction; such functions are f_i: R -> R, and a function with a log of 1 - x keeps "on its domain"."""
    from generator.pipeline.render import render_part
    from generator.pipeline.templating import environment

    env = environment(language=language)
    everywhere = Params((sympy.sin(x) * sympy.exp(2 * x), sympy.log(x**2 + 1) / (sympy.exp(x) + 1)))
    restricted = Params((sympy.sin(x) * sympy.exp(2 * x), (1 - x) * sympy.log(1 - x)))
    assert everywhere.defined_everywhere and not restricted.defined_everywhere
    for params, maps in ((everywhere, True), (restricted, False)):
        variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"count": 2}), 1)
        variant = dataclasses.replace(variant, params=params, answer=FAMILY.solve(params))
        statement, _ = render_part(env, FAMILY, variant)
        assert (r"$f_i\colon \mathbb{R} \to \mathbb{R}$:" in statement) == maps
        assert (("Definitionsbereich" if language == "de" else "on its domain") in statement) != maps
    assert Params((sympy.log(2 - x),)).defined_everywhere is False
    assert Params((1 / (x - 3),)).defined_everywhere is False
