import dataclasses
import random

import pytest
import sympy

from generator.kit.family import CheckFailed
from generator.kit.options import OptionError, resolve_options
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.matrix_shapes import FAMILY, KNOWN, M, N, check

CANONICAL = "idl-math-background-1.1a"


def canonical():
    return canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL)


def test_canonical_shapes_match_the_catalogue():
    answer = canonical().answer
    assert dict(zip(answer.names, answer.shapes)) == {"A": (M, N), "B": (M, M), "C": (1, N), "D": (1, 1)}


def test_canonical_statement_is_the_original_function():
    statement, solution = render_part(environment(), FAMILY, canonical())
    assert r"f(\mathbf{x}, \mathbf{y}) = \mathbf{x}^\top\mathbf{A}\mathbf{y} + \mathbf{x}^\top\mathbf{B}" in statement
    assert r"\mathbf{x}^\top\mathbf{B}\mathbf{x}\mathbf{C}\mathbf{y} + \mathbf{D} ." in statement
    assert r"\mathbf{C} \in \mathbb{R}^{1 \times N}" in solution
    assert "^{T}" not in statement + solution


@pytest.mark.parametrize("wrong", [("A", (N, M)), ("B", (M, N)), ("C", (N, 1)), ("D", (M, 1))])
def test_check_rejects_a_wrong_shape(wrong):
    variant = canonical()
    name, shape = wrong
    shapes = tuple(shape if n == name else s for n, s in zip(variant.answer.names, variant.answer.shapes))
    with pytest.raises(CheckFailed):
        check(variant.params, dataclasses.replace(variant.answer, shapes=shapes), random.Random(0))


def test_check_rejects_concrete_numbers_in_a_symbolic_answer():
    variant = canonical()
    shapes = ((3, 4),) + variant.answer.shapes[1:]
    with pytest.raises(CheckFailed):
        check(variant.params, dataclasses.replace(variant.answer, shapes=shapes), random.Random(0))


@pytest.mark.parametrize("given", [{"terms": 5}, {"terms": 1}, {"level": 3}, {"symbolic": "yes"}, {"size": 3}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("symbolic", [False, True])
@pytest.mark.parametrize("level", [1, 2])
@pytest.mark.parametrize("terms", [2, 4])
def test_every_dimension_is_pinned_and_f_uses_both_vectors(symbolic, level, terms):
    options = resolve_options(FAMILY.options, {"symbolic": symbolic, "level": level, "terms": terms})
    for seed in range(50):
        variant = variant_for_seed(FAMILY, options, seed)
        p, a = variant.params, variant.answer
        assert len(p.terms) == terms and len(set(p.terms)) == terms
        assert p.m != p.n and (p.m.is_Symbol == symbolic)
        codes = [code for term in p.terms for code in term]
        assert {code[0] for code in codes} >= set(KNOWN)
        assert any(code in ("xT", "yT") for code in codes), "no full matrix x^T U y"
        for term in p.terms:
            kinds = [code[0] in KNOWN for code in term]
            assert all(left != right for left, right in zip(kinds, kinds[1:])), f"neighbours of one kind in {term}"
        if level == 2:
            assert any(sum(code[0] not in KNOWN for code in term) == 2 for term in p.terms)
        assert len(set(a.names)) == len(a.names)
        for shape in a.shapes:
            assert all(sympy.sympify(d).is_positive for d in shape)


def test_no_seed_repeats_the_canonical_function():
    options = resolve_options(FAMILY.options, {"symbolic": True, "level": 2, "terms": 3})
    canonical_terms = canonical().params.terms
    assert all(variant_for_seed(FAMILY, options, seed).params.terms != canonical_terms for seed in range(2000))


def test_the_statement_leaves_the_notation_to_the_sheet():
    statement, _ = render_part(environment(), FAMILY, canonical())
    assert "denote" not in statement


@pytest.mark.parametrize(("level", "terms"), [(1, 4), (2, 3), (2, 4)])
def test_no_two_terms_share_a_pattern_and_no_two_unknowns_a_slot(level, terms):
    # A x B x and C y D y are one exercise with other names; so are B in y^T A y B x and F in E y F x.
    from problems.matrix_shapes import _pattern, _slot

    options = resolve_options(FAMILY.options, {"level": level, "terms": terms})
    for seed in range(60):
        params = variant_for_seed(FAMILY, options, seed).params
        patterns = [_pattern(term) for term in params.terms]
        assert len(set(patterns)) == len(patterns), params.terms
        slots = [
            (left, code.endswith("T"), right)
            for term in params.terms
            for i, code in enumerate(term)
            if code[0] not in KNOWN
            for left, _, right in [_slot(term, i)]
        ]
        assert len(set(slots)) == len(slots), params.terms


def test_at_most_one_unknown_is_a_scalar():
    # "B in R^{1x1} (a scalar) ... D in R^{1x1} (a scalar)" asks one thing twice.
    from problems.matrix_shapes import Params, solve

    two_scalars = Params(M, N, (("xT", "A", "y"), ("B", "yT", "C", "y"), ("D",)))
    with pytest.raises(CheckFailed, match="1x1"):
        check(two_scalars, solve(two_scalars), random.Random(0))
    for level, terms in [(1, 4), (2, 3), (2, 4)]:
        options = resolve_options(FAMILY.options, {"level": level, "terms": terms})
        for seed in range(60):
            shapes = variant_for_seed(FAMILY, options, seed).answer.shapes
            assert sum(tuple(shape) == (1, 1) for shape in shapes) <= 1, shapes


def test_no_matrix_letter_of_the_quadratic_form_beside_it():
    """The rule for a product was written for P and Q, letters quadratic-form gives its matrix on the same sheet
    (TA read, idl 1.1, seed 9312): one letter, one meaning on a page."""
    import re

    from problems.quadratic_form import MATRICES

    for seed in range(20):
        variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), seed)
        for text in render_part(environment(), FAMILY, variant):
            assert not set(re.findall(r"\\mathbf\{([A-Z])\}", text)) & set(MATRICES), seed


def test_the_solution_says_what_the_ends_of_a_term_fix_only_where_an_unknown_stands_there():
    """'a factor that ends a term has one column' beside terms that all end in x or y said nothing (TA reads, EN 8941
    and 8951)."""
    options = resolve_options(FAMILY.options, {"symbolic": True, "level": 2})
    seen = set()
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        _, solution = render_part(environment(), FAMILY, variant)
        starts, ends = "start" in variant.answer.left, "end" in variant.answer.right
        assert ("starts a term has one row" in solution) == starts and ("ends a term has one column" in solution) == ends
        seen.add((starts, ends))
    assert len(seen) > 1


def test_no_unknown_is_a_scalar_inside_a_product():
    """B x^T C y: a bold capital before x^T can only be 1x1, a "matrix" that is a scalar in disguise (two TA reads, EN 9691
    and 9751). Only a lone unknown, as the original sheet's D, comes out 1x1."""
    for symbolic in (True, False):
        options = FAMILY.resolve_options({"symbolic": symbolic, "terms": 4, "level": 2})
        for seed in range(60):
            variant = variant_for_seed(FAMILY, options, seed)
            for term in variant.params.terms:
                if len(term) > 1:
                    assert not any(code.isupper() and later.endswith("T") and later[0] in "xy" for code, later in zip(term, term[1:])), term
