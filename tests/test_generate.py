import random
import time
from dataclasses import dataclass
from fractions import Fraction

import pytest
import sympy

from generator.errors import ConfigError, GenerationError
from generator.kit.family import Family, require
from generator.pipeline.generate import Checked, Draw, sampled, sheet_variants, slot_draws, slot_seed, variant_for_seed
from generator.pipeline.registry import families
from generator.pipeline.repeats import MAX_AGAIN, SlotDraw, alike, compared_slots
from generator.pipeline.sheet import load_sheet
from tests.conftest import MINIMAL_SHEET


@dataclass(frozen=True)
class Number:
    value: int


def make_family(sample=None, check=None, solve=None):
    return Family(
        name="toy",
        summary="toy",
        sample=sample or (lambda rng, options: Number(rng.randint(0, 9))),
        solve=solve or (lambda params: Number(params.value * 2)),
        check=check or (lambda params, answer, rng: require(answer.value == 2 * params.value, "not double")),
    )


def test_check_failure_names_family_seed_and_reason():
    family = make_family(solve=lambda params: Number(params.value * 2 + 1))
    with pytest.raises(GenerationError, match=r"family toy, seed 17 \(part 2a\): answer failed its independent check: not double"):
        variant_for_seed(family, {}, 17, "2a")


def test_crash_in_a_family_names_family_and_seed():
    family = make_family(sample=lambda rng, options: 1 / 0)
    with pytest.raises(GenerationError, match=r"family toy, seed 3: ZeroDivisionError"):
        variant_for_seed(family, {}, 3)


def test_runaway_solver_is_stopped(monkeypatch):
    monkeypatch.setattr("generator.pipeline.generate.VARIANT_SECONDS", 0.2)

    def forever(params):
        while True:
            time.sleep(0.01)

    with pytest.raises(GenerationError, match=r"family toy, seed 1: took longer than 0.2 s"):
        variant_for_seed(make_family(solve=forever), {}, 1)


def test_variant_depends_only_on_its_seed():
    family = make_family()
    assert variant_for_seed(family, {}, 5) == variant_for_seed(family, {}, 5)
    random.seed(0)  # the global generator must not matter
    first = variant_for_seed(family, {}, 5)
    random.seed(1)
    assert variant_for_seed(family, {}, 5) == first


def test_same_draw_as_gives_a_part_the_seed_of_an_earlier_one(write_sheet):
    text = MINIMAL_SHEET.replace("canonical = \"idl-math-background-1.3a\"\n", "") + (
        '[[exercise.part]]\nfamily = "derivative"\nsame_draw_as = "1a"\noptions = { count = 3 }\n'
        '[[exercise.part]]\nfamily = "derivative"\noptions = { count = 3 }\n'
    )
    sheet = load_sheet("s", families(), write_sheet("s", text))
    a, b, c = sheet_variants(sheet, families(), Draw(9))
    assert a.params == b.params and a.seed == b.seed
    assert c.params != a.params


def test_canonical_build_needs_canonical_instances(write_sheet):
    text = MINIMAL_SHEET.replace('canonical = "idl-math-background-1.3a"\n', "")
    sheet = load_sheet("s", families(), write_sheet("s", text))
    with pytest.raises(ConfigError, match="part 1 has no 'canonical' instance"):
        sheet_variants(sheet, families(), Draw(None))


@pytest.mark.parametrize(("text", "seed"), [("0", 0), ("42", 42), ("canonical", None)])
def test_seed_text_is_parsed(text, seed):
    assert Draw.parse(text).seed == seed


@pytest.mark.parametrize("text", ["", "-1", "4.2", "abc", "١٢"])
def test_bad_seed_text_is_refused(text):
    with pytest.raises(ConfigError, match="seed must be a non-negative integer"):
        Draw.parse(text)


def test_equal_params_are_solved_and_checked_once_per_record():
    calls = []
    family = make_family(
        sample=lambda rng, options: Number(3), check=lambda params, answer, rng: calls.append(params)
    )
    checked = Checked()
    first, second = variant_for_seed(family, {}, 1, checked=checked), variant_for_seed(family, {}, 2, checked=checked)
    assert calls == [Number(3)] and first.answer == second.answer and second.seed == 2
    other = make_family(sample=lambda rng, options: Number(3), solve=lambda params: Number(7))
    with pytest.raises(GenerationError, match="not double"):  # another family with the same name and params
        variant_for_seed(other, {}, 1, checked=checked)
    variant_for_seed(family, {}, 1)  # no record: checked again
    assert calls == [Number(3), Number(3)]


def test_a_failing_check_is_not_remembered():
    calls = []

    def check(params, answer, rng):
        calls.append(params)
        require(False, "never")

    family = make_family(sample=lambda rng, options: Number(3), check=check)
    checked = Checked()
    for seed in (1, 2):
        with pytest.raises(GenerationError, match="never"):
            variant_for_seed(family, {}, seed, checked=checked)
    assert len(calls) == 2


def test_equal_params_of_other_types_are_solved_apart():
    import sympy

    family = make_family(
        sample=lambda rng, options: Number(rng.choice([1, sympy.Integer(1)])),
        solve=lambda params: Number(params.value / 2),
        check=lambda params, answer, rng: None,
    )
    answers = {type(variant_for_seed(family, {}, seed).answer.value) for seed in range(12)}
    assert answers == {float, type(sympy.Rational(1, 2))}


TANGENTS = """
title = "Tangents"
course = "Test Course"

[[exercise]]
[[exercise.part]]
family = "tangent-line"
[[exercise.part]]
family = "tangent-line"
[[exercise.part]]
family = "tangent-line"
same_draw_as = "1b"
[[exercise]]
[[exercise.part]]
family = "entropy"
"""


def test_no_part_asks_what_an_earlier_part_of_its_family_asked_up_to_constants(write_sheet):
    sheet = load_sheet("s", families(), write_sheet("s", TANGENTS))
    tangent = families()["tangent-line"]
    redrawn = 0
    for seed in range(60):
        first, second, shared, entropy = sheet_variants(sheet, families(), Draw(seed))
        assert alike(first.params).isdisjoint(alike(second.params)), seed
        assert shared.params == second.params and shared.seed == second.seed  # drawn together on purpose
        plain = [sampled(tangent, {"level": 1}, slot_seed(sheet, slot, Draw(seed))) for slot in ("1a", "1b")]
        if not alike(plain[0]).isdisjoint(alike(plain[1])):  # drawn alone, the two would be alike: 1b is drawn again
            redrawn += 1
            assert second.seed in [slot_seed(sheet, "1b", Draw(seed), again=k) for k in range(1, MAX_AGAIN + 1)]
        else:
            assert second.seed == slot_seed(sheet, "1b", Draw(seed)) and second.params == plain[1]
        assert entropy.seed == slot_seed(sheet, "2", Draw(seed))
    assert redrawn >= 1
    assert sheet_variants(sheet, families(), Draw(26)) == sheet_variants(sheet, families(), Draw(26))


def test_a_sheet_without_repeated_families_draws_nothing_more(write_sheet):
    sheet = load_sheet("s", families(), write_sheet("s", TANGENTS.replace('family = "tangent-line"\n', 'family = "derivative"\n', 1)))
    assert compared_slots(sheet, families()) == set()  # the tangent lines share one draw, 1b
    assert all(drawn == SlotDraw() for drawn in slot_draws(sheet, families(), Draw(3)).values())


def test_a_family_with_no_fresh_variant_left_repeats_rather_than_fails(write_sheet):
    two = make_family(sample=lambda rng, options: Number(rng.randint(0, 1)))
    text = 'title = "T"\ncourse = "C"\n[[exercise]]\n' + '[[exercise.part]]\nfamily = "toy"\n' * 3
    sheet = load_sheet("s", {"toy": two}, write_sheet("s", text))
    for seed in range(10):
        values = [variant.params.value for variant in sheet_variants(sheet, {"toy": two}, Draw(seed))]
        assert sorted(values[:2]) == [0, 1]


X = sympy.Symbol("x", real=True)


@dataclass(frozen=True)
class Listed:
    """Params that list functions, as a derivative part does: one function alike another's is a repeat."""

    functions: tuple


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ((X * sympy.sin(2 * X), 0), (3 * X * sympy.cos(X), 1), True),  # up to constants, sin and cos alike
        ((X * sympy.exp(2 * X), 0), (X**2 * sympy.exp(X), -1), True),  # a polynomial factor is a placeholder
        ((X * sympy.exp(2 * X), 0), (sympy.log(X**2 + 1), 0), False),
        (((Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)),), ((Fraction(1, 4), Fraction(1, 2), Fraction(1, 4)),), False),
        (((sympy.Rational(1, 2), sympy.Rational(1, 4), sympy.Rational(1, 4)),),
         ((sympy.Rational(1, 4), sympy.Rational(1, 2), sympy.Rational(1, 4)),), True),  # a pmf in another order
        ((sympy.Rational(1, 2), "bits"), (sympy.Rational(1, 3), "bits"), False),  # numbers alone count
        ((X**2, "parts"), (X**3, "substitution"), False),  # words count
        (Listed((X * sympy.cos(X) / (2 * X**2 + 1), sympy.exp(X))), Listed((sympy.log(X**2 + 1), X * sympy.cos(X) / (X**2 + 3))), True),
        (Listed((X * sympy.cos(X) / (2 * X**2 + 1), sympy.exp(X))), Listed((sympy.log(X**2 + 1), sympy.exp(X) * X)), False),
    ],
)
def test_alike_is_the_same_exercise_up_to_constants(one, other, same):
    assert (not alike(one).isdisjoint(alike(other))) is same
