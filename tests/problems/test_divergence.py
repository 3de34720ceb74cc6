import dataclasses
import random
import re

import pytest
import sympy

from generator.check.lint import header_scopes
from generator.kit.functions import coordinates
from generator.kit.numeric import as_function
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.kit.steps import chain
from generator.kit.vectorcalc import skeleton
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.divergence import FAMILY, Params, check

CANONICAL = "idl-math-background-1.3d"


def canonical():
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, {"count": 2}), CANONICAL)


def test_canonical_divergences_match_the_catalogue():
    answer = canonical().answer
    assert answer.divergences == (0, 2)
    assert answer.divergence_free == (True, False)
    written = [[sympy.sstr(step.expr) for step in total.steps] for total in answer.sums]
    assert written == [["0"], ["1 + 1", "2"]]  # no "0 + 0"; 1 + 1 = 2 is plain arithmetic
    assert [step.why for step in answer.sums[1].steps] == ["", ""]
    steps = [[(s.why, s.expr) for s in w.derivative.steps] for row in answer.worked for w in row]
    # the component the subject of its reason (German cannot leave it out, a TA read, German 9721)
    zero = [[("$- y$ does not depend on $x$", 0)], [("$x$ does not depend on $y$", 0)]]
    assert steps == zero + [[("table of derivatives", 1)]] * 2


def test_canonical_solution_calls_f8_divergence_free_in_the_statement_s_notation():
    variant = canonical()
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"\mathbf{f}_{8}(x, y)" in statement and r"\mathbf{f}_{9}(x, y)" in statement
    assert "\\operatorname{div} \\mathbf{f}_{9}(x, y) &= 1 + 1 && \\mbox{definition of divergence} \\\\*\n &= 2" in solution
    assert solution.count("divergence-free") == 1
    assert not re.search("F(?![a-z])", solution)  # f_8 never becomes F ("For" heads a field's work)


def test_check_rejects_a_wrong_divergence():
    params = FAMILY.canonical[CANONICAL]
    right = FAMILY.solve(params)
    wrong = dataclasses.replace(right, sums=(chain(sympy.Integer(0)), chain(sympy.Integer(1))), divergences=(0, 1))
    with pytest.raises(AssertionError, match="finite differences"):
        check(params, wrong, random.Random(0))


@pytest.mark.parametrize("given", [{"n": 4}, {"count": 4}, {"solenoidal": "yes"}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


def _divergence_at_random_points(variant, field_index):
    fn = as_function(variant.answer.divergences[field_index], variant.params.variables)
    rng = random.Random(1)
    return [fn(*(rng.uniform(-0.45, 0.45) for _ in variant.params.variables)) for _ in range(3)]


@pytest.mark.parametrize("n", [2, 3])
def test_random_fields_have_non_zero_divergence_and_no_constant_component(n):
    options = resolve_options(FAMILY.options, {"n": n, "count": 2})
    for seed in range(25):
        variant = variant_for_seed(FAMILY, options, seed)
        assert len(set(variant.params.fields)) == 2
        for index, field in enumerate(variant.params.fields):
            assert field.shape == (n, 1)
            assert all(component.free_symbols for component in field)
            assert any(abs(value) > 1e-9 for value in _divergence_at_random_points(variant, index))


@pytest.mark.parametrize("n", [2, 3])
def test_solenoidal_option_gives_exactly_one_divergence_free_field(n):
    options = resolve_options(FAMILY.options, {"n": n, "count": 3, "solenoidal": True})
    for seed in range(20):
        variant = variant_for_seed(FAMILY, options, seed)
        assert sum(variant.answer.divergence_free) == 1
        free = variant.answer.divergence_free.index(True)
        assert all(abs(value) < 1e-9 for value in _divergence_at_random_points(variant, free))


def test_the_sum_is_written_in_the_order_of_the_partials_and_combined_when_it_can_be():
    x, y = coordinates(2)
    written = FAMILY.solve(Params((x, y), (sympy.ImmutableMatrix([sympy.sin(x), y**2]),)))
    assert [tex(step.expr) for step in written.sums[0].steps] == [r"\cos(x) + 2 y"]
    combined = FAMILY.solve(Params((x, y), (sympy.ImmutableMatrix([x**2, 2 * x * y]),)))
    steps = [(step.why, tex(step.expr)) for step in combined.sums[0].steps]
    assert steps == [("", "2 x + 2 x"), ("collect like terms", "4 x")]
    cancelled = FAMILY.solve(Params((x, y), (sympy.ImmutableMatrix([x * y, -(y**2) / 2]),)))
    assert [(step.why, tex(step.expr)) for step in cancelled.sums[0].steps] == [("", "y - y"), ("the terms cancel", "0")]


def test_terms_over_one_denominator_are_added_over_it():
    """idl-math-background EN 9194 1.3(d): 2x/(x^2 + 1) + y e^y (y + 2)/(x^2 + 1) was the divergence; a TA writes one
    fraction. Terms over different denominators, or over none, stay apart."""
    x, y = coordinates(2)
    field = sympy.ImmutableMatrix([sympy.log(x**2 + 1), y**2 * sympy.exp(y) / (x**2 + 1)])
    steps = FAMILY.solve(Params((x, y), (field,))).sums[0].steps
    assert [str(step.why) for step in steps] == ["", "add over the common denominator $x^{2} + 1$"]
    numerator, denominator = sympy.fraction(steps[-1].expr)
    assert denominator == x**2 + 1 and not numerator.has(sympy.Pow(x**2 + 1, -1))
    assert sympy.simplify(steps[-1].expr - sympy.diff(field[0], x) - sympy.diff(field[1], y)) == 0
    apart = sympy.ImmutableMatrix([sympy.log(x**2 + 1), y**2 / (y**2 + 1)])
    assert len(FAMILY.solve(Params((x, y), (apart,))).sums[0].steps) == 1
    exponential = sympy.ImmutableMatrix([x * sympy.exp(-x), y * sympy.exp(-x)])  # e^{-x} is no denominator
    assert "denominator" not in str(FAMILY.solve(Params((x, y), (exponential,))).sums[0].steps[-1].why)


def test_a_partial_is_not_factored_where_the_sum_collects_its_terms():
    """idl-math-background DE 8832 1.3(d): dg/dy = -2(x^2 + 1) made the divergence 2y^2 + 1 - 2(x^2 + 1), left
    unfinished; then (German 9114) the sum multiplied out what the partial's last step had factored, "y ausklammern"
    and then "ausmultiplizieren". A partial whose terms collect with the others' ends before it factors; a bracket
    whose terms collect with nothing stays as the partial wrote it."""
    x, y = coordinates(2)
    field = sympy.ImmutableMatrix([2 * x * y**2 + x, -2 * x**2 * y - 2 * y])
    answer = FAMILY.solve(Params((x, y), (field,)))
    (terms,) = answer.diagonal
    assert tex(terms[1]) == r"- 2 x^{2} - 2"
    assert len(answer.worked[0][1].derivative.steps) == 1  # the rule's row, no "factor out -2"
    steps = answer.sums[0].steps
    assert [str(step.why) for step in steps] == ["", "collect like terms"]
    assert sympy.expand(steps[-1].expr - sympy.diff(field[0], x) - sympy.diff(field[1], y)) == 0
    # a number before a bracket too, in a polynomial: "factor out 2" then 2 (2y + 1) + y^2 led nowhere (a TA read, EN 9761)
    opened = FAMILY.solve(Params((x, y), (sympy.ImmutableMatrix([x * y**2, 2 * y**2 + 2 * y]),))).sums[0].steps
    assert [tex(step.expr) for step in opened] == [r"y^{2} + 4 y + 2"]


@pytest.mark.parametrize(("n", "solenoidal"), [(2, False), (3, False), (2, True), (3, True)])
def test_at_most_one_zero_term_and_fields_differ_in_structure(n, solenoidal):
    options = resolve_options(FAMILY.options, {"n": n, "count": 2, "solenoidal": solenoidal})
    for seed in range(25):
        variant = variant_for_seed(FAMILY, options, seed)
        assert all(sum(term == 0 for term in terms) <= 1 for terms in variant.answer.diagonal)
        assert skeleton(variant.params.fields[0]) != skeleton(variant.params.fields[1])


def test_each_partial_keeps_its_printed_order_in_the_sum():
    x, y, z = coordinates(3)
    field = sympy.ImmutableMatrix([x**2 + x * z, sympy.cos(sympy.exp(y)), y])
    (partials,) = FAMILY.solve(Params((x, y, z), (field,))).diagonal
    assert tex(partials[0]) == "2 x + z"  # SymPy keeps it as Add(z, 2*x) inside
    written = FAMILY.solve(Params((x, y, z), (field,))).sums[0].steps[0].expr
    assert tex(written) == r"2 x + z - e^{y} \sin(e^{y})"


def test_the_worked_partials_name_the_rule():
    x, y = coordinates(2)
    answer = FAMILY.solve(Params((x, y), (sympy.ImmutableMatrix([sympy.sin(x * y), x * sympy.exp(-y)]),)))
    (d1, d2) = answer.worked[0]
    assert [(s.why, s.expr) for s in d1.derivative.steps] == [("chain rule", y * sympy.cos(x * y))]
    assert [(s.why, s.expr) for s in d2.derivative.steps] == [("constant factor, chain rule", -x * sympy.exp(-y))]


def test_several_fields_each_open_with_their_name_and_the_list_ends_with_a_period():
    variant = canonical()
    statement, solution = render_part(environment(), FAMILY, variant)
    assert statement.rstrip().endswith("\\end{align*}") and ". \\\\" not in statement
    assert re.search(r"\\end\{bmatrix\}\.\n\\end\{align\*\}", statement)
    assert re.search(r"\\end\{bmatrix\}, \\\\", statement)
    opened = [solution.index(f"For $\\mathbf{{f}}_{{{i}}}$:") for i in (8, 9)]
    assert opened[0] < solution.index("\\operatorname{div} \\mathbf{f}_{8}") < opened[1]
    assert opened[1] < solution.index("\\operatorname{div} \\mathbf{f}_{9}")


def test_a_term_that_drops_out_of_a_diagonal_partial_is_named_in_english_and_german():
    """A TA read (idl-math-background 1.3(d), seed 7301): d/dx (2(xy - sin(2y))) = 2y stood beside "constant factor;
    table of derivatives" alone, hiding that sin(2y) does not depend on x. The term is named as the bracket has it,
    -sin(2y), its sign too (a TA read: "$2 x^{2}$ does not depend on $y$" for g = -2x^2 + y)."""
    x, y = coordinates(2)
    first = sympy.factor_terms(2 * x * y - 2 * sympy.sin(2 * y))
    params = Params((x, y), (sympy.ImmutableMatrix([first, -(y**2)]),))
    variant = dataclasses.replace(canonical(), params=params, answer=FAMILY.solve(params))
    said = {
        "en": r"constant factor, sum rule; $- \sin(2 y)$ does not depend on $x$",
        "de": r"Faktor- und Summenregel; $- \sin(2 y)${~}h{\"a}ngt nicht von $x$ ab",  # ä as LaTeX writes it
    }
    for language, reason in said.items():
        _, solution = render_part(environment(language=language), FAMILY, variant)
        assert reason[1:] in solution, language  # beside its step, or capitalised on a line above it


def test_a_field_whose_first_partial_names_parts_is_headed_once_in_english_and_german():
    """A TA read (idl-math-background 1.3(d), seed 7451): "For f_1:" stood right above "For d/dx(y^2/(x^2 + 1)) let
    u = x^2 + 1:", two lines in a row heading the same rows. The field's line now names the parts ("For f_1 let
    u = x^2 + 1:"); a field whose first partial names none keeps its line as it was."""
    x, y = coordinates(2)
    fields = (sympy.ImmutableMatrix([y**2 / (x**2 + 1), sympy.exp(x + y)]), sympy.ImmutableMatrix([x**2 * y, x * y**3]))
    params = Params((x, y), fields)
    variant = dataclasses.replace(canonical(), params=params, answer=FAMILY.solve(params))
    heads = {"en": ("For $\\mathbf{f}_{1}$, let $g = x^{2} + 1$:", "For $\\mathbf{f}_{2}$:"),
             "de": ("Für $\\mathbf{f}_{1}$ sei $g = x^{2} + 1$:", "Für $\\mathbf{f}_{2}$:")}
    for language, (merged, alone) in heads.items():
        _, solution = render_part(environment(language=language), FAMILY, variant)
        lines = solution.splitlines()
        assert "\\par\\nobreak\\noindent " + merged in lines, language  # the opening sentence stays with it
        assert "\\par\\noindent " + alone in lines, language
        assert solution.count(merged.split(" ")[0] + " $\\mathbf{f}_{1}$") == 1, language
        headings = [line.startswith(("\\intertext", "\\par\\noindent", "\\par\\nobreak")) for line in lines if line.strip()
                    and not line.startswith("\\begin{align*}")]
        assert not any(a and b for a, b in zip(headings, headings[1:])), language
        assert not list(header_scopes(solution)), language  # each partial's own line still covers its rows only


def test_a_part_an_earlier_component_named_is_as_above():
    """A TA read (idl-math-background, German 9493): f_2 = (x e^{xy}, -y e^{xy}) named u = e^{xy} for each component
    anew, "For d/dy(-y e^{xy}), let u = e^{xy}:" below "For f_2, let u = e^{xy}:"."""
    options = resolve_options(FAMILY.options, {"n": 2, "count": 2, "solenoidal": True})
    variant = variant_for_seed(FAMILY, options, 53)
    field = [component for component in variant.params.fields if component[0].has(sympy.exp)]
    assert field, "seed 53 draws a field with one exponential in both components"
    _, solution = render_part(environment(), FAMILY, variant)
    exponential = next(node for node in sympy.preorder_traversal(field[0][0]) if isinstance(node, sympy.exp))
    assert solution.count(f"$u = {tex(exponential)}$") == 1
    assert "with $u$ as above" in solution


def test_a_letter_before_a_bracket_is_multiplied_out_where_the_divergence_is_a_polynomial():
    """The option pair n = 3, count = 2 (a pairwise sweep): d/dz (x z^2 + z^2) = 2z (x + 1) beside 2xy - 4xy made the
    divergence -2xy + 2z (x + 1), half multiplied out. The partial now ends before it factors, and the sum collects."""
    x, y, z = coordinates(3)
    field = sympy.ImmutableMatrix([x**2 * y + 3 * y, -2 * x * y**2 - 2 * x**2, x * z**2 + z**2])
    answer = FAMILY.solve(Params((x, y, z), (field,)))
    assert tex(answer.diagonal[0][2]) == "2 x z + 2 z"
    steps = answer.sums[0].steps
    assert [str(step.why) for step in steps] == ["", "collect like terms"]
    assert tex(steps[-1].expr) == "- 2 x y + 2 x z + 2 z"
    assert sympy.expand(steps[-1].expr - sum(sympy.diff(c, v) for c, v in zip(field, (x, y, z)))) == 0
