import random
import time
from dataclasses import dataclass

import pytest

from generator.errors import ConfigError, GenerationError
from generator.kit.family import Family, require
from generator.pipeline.generate import Checked, Draw, sheet_variants, variant_for_seed
from generator.pipeline.registry import families
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
