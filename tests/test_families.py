"""Every family, many seeds: sample, solve, pass the independent check, render, serialise; no worked step repeats the one before it."""

import dataclasses
import json
import random
import re

import pytest
import sympy

from generator.kit.family import CheckFailed, Variant
from generator.kit.options import resolve_options
from generator.kit.steps import repeated_step
from generator.pipeline.generate import variant_for_seed
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.seeding import derive_seed
from generator.pipeline.templating import environment

SEEDS = 100  # the 1,000-seed `sheets check` of make sweep (run by CI) covers every option level too
FAMILIES = sorted(families())
DRAWN = sorted(name for name, family in families().items() if not family.static)


@pytest.mark.parametrize("name", FAMILIES)
def test_every_seed_gives_a_checked_renderable_variant(name):
    family = families()[name]
    options = resolve_options(family.options, {})
    seen = set()
    for n in range(SEEDS):
        variant = variant_for_seed(family, options, derive_seed(n, None, f"sweep/{name}"))
        statement, solution = render_part(environment(), family, variant)
        assert statement and (solution or family.static)
        record = json.dumps(variant.to_json())
        seen.add(json.dumps(variant.to_json()["inputs"]))
        assert json.loads(record)["family"] == name
        assert repeated_step(variant.answer) is None, f"{name}, seed {n}: a worked step prints as the one before it"
    if not family.static:
        assert len(seen) > SEEDS // 2, f"{name}: only {len(seen)} distinct variants in {SEEDS} seeds"


@pytest.mark.parametrize("name", FAMILIES)
def test_stored_answers_read_back_as_the_same_sympy_values(name):
    family = families()[name]
    variant = variant_for_seed(family, resolve_options(family.options, {}), 12345)
    for key, stored in variant.to_json()["answers"].items():
        original = getattr(variant.answer, key)
        for text, value in zip(_leaves(stored), _leaves(_as_lists(original)), strict=True):
            if value is None or isinstance(value, (bool, str)):
                assert text == value
                continue
            if "EntryOf(" in str(text):  # (Mx)_i: one letter both an array (x[i]) and a matrix (A*x), which no parser reads
                continue
            notation = _derivation_names(str(text))
            parsed = sympy.sympify(text, locals={"log2": lambda a: sympy.log(a, 2), **notation})
            if notation:  # index sums or matrix algebra over a symbolic n (a derivation): it reads back as written
                assert sympy.sstr(parsed) == text
                continue
            assert _at_test_point(parsed) == pytest.approx(_at_test_point(value), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", DRAWN)
def test_check_rejects_a_wrong_answer(name):
    """The independent check must be able to fail: perturb every answer and expect a failure."""
    family = families()[name]
    variant: Variant = variant_for_seed(family, resolve_options(family.options, {}), 99)
    wrong = _perturbed(variant.answer)
    with pytest.raises(CheckFailed):
        family.check(variant.params, wrong, random.Random(0))


@pytest.mark.parametrize("name", DRAWN)
def test_same_seed_same_variant_different_seed_different_variant(name):
    family = families()[name]
    options = resolve_options(family.options, {})
    first, again = (variant_for_seed(family, options, 7).to_json() for _ in range(2))
    assert first == again
    assert first["inputs"] != variant_for_seed(family, options, 8).to_json()["inputs"]


SYMPY_LETTERS = {"N", "Q", "S", "O"}
"""Letters SymPy's parser takes for its own functions; in a stored answer they are a size or a matrix."""


def _derivation_names(text: str) -> dict:
    """The names a derivation's stored text needs declared to read back: ``b[i]`` is indexed,
    ``(A + A.T)*x`` is matrix algebra (upper case: n x n matrices, lower case: vectors)."""
    names = {name: sympy.Symbol(name) for name in SYMPY_LETTERS & set(re.findall(r"\b([A-Za-z])\b", text))}
    names |= {name: sympy.IndexedBase(name) for name in re.findall(r"\b([A-Za-z]\w*)\[", text)}
    if ".T" in text:
        n = sympy.Symbol("n")
        for name in set(re.findall(r"\b([A-Za-z])\b", text)):
            names[name] = sympy.MatrixSymbol(name, n, n if name.isupper() else 1)
    return names


def _at_test_point(expr):
    """Value with every free symbol set to 0.3 (symbols are matched by name)."""
    expr = sympy.sympify(expr).rewrite(sympy.log)
    return complex(sympy.N(expr.subs({s: sympy.Rational(3, 10) for s in expr.free_symbols}), 30))


def _as_lists(value):
    """Tuples, dataclasses and matrices as nested lists, the shape answers.json stores them in."""
    if isinstance(value, sympy.MatrixBase):
        return [_as_lists(row) for row in value.tolist()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_as_lists(getattr(value, f.name)) for f in dataclasses.fields(value)]
    return [_as_lists(v) for v in value] if isinstance(value, (tuple, list)) else value


def _leaves(value):
    """Scalars of a nested list; a stored matrix string is read back into its entries first."""
    if isinstance(value, str) and value.startswith("[["):
        value = sympy.sympify(value)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _perturbed(answer):
    """The same answer with every SymPy number, expression or matrix entry shifted by a half."""

    def shift(value):
        if isinstance(value, tuple):
            return tuple(shift(v) for v in value)
        if isinstance(value, sympy.MatrixBase):
            return sympy.ImmutableMatrix(value.applyfunc(lambda entry: entry + sympy.Rational(1, 2)))
        if isinstance(value, sympy.Basic):
            return value + sympy.Rational(1, 2)
        return value

    return dataclasses.replace(answer, **{f.name: shift(getattr(answer, f.name)) for f in dataclasses.fields(answer)})
