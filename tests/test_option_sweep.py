"""``sheets check`` sweeps every value each option of a family declares (generator.check.stress.option_sweep)."""

import itertools
import math

from typer.testing import CliRunner

from generator.check.stress import option_sweep, option_values, pairwise
from generator.cli import app
from generator.pipeline.registry import families


def test_a_family_with_few_combinations_is_checked_at_every_one():
    sweep = option_sweep(families()["backprop"], {})
    assert sweep[0] == {"activation": "relu", "loss": "squared"}  # the defaults first
    assert len(sweep) == 4 and {"activation": "sigmoid", "loss": "cross-entropy"} in sweep


def test_a_family_with_many_combinations_meets_every_pair_of_values_in_fewer_settings():
    """softmax-jacobian ran into the margin at n = 4 with integer logits, a pair of values no sweep of one value
    at a time beside the defaults tried."""
    for name in ("gradient", "softmax-jacobian", "entropy", "derivative"):
        family = families()[name]
        sweep = option_sweep(family, {})
        assert sweep[0] == {option.name: option.default for option in family.options}
        for first, second in itertools.combinations(family.options, 2):
            met = {(setting[first.name], setting[second.name]) for setting in sweep}
            assert met == set(itertools.product(option_values(first), option_values(second))), (name, first.name, second.name)
    gradient = option_sweep(families()["gradient"], {})
    assert len(gradient) < math.prod(len(option_values(option)) for option in families()["gradient"].options) // 3
    assert {"mode": "concrete", "n": 4, "values": "integers"} in option_sweep(families()["softmax-jacobian"], {"mode": "concrete"})


def test_the_pairwise_choice_is_the_same_every_time_and_starts_with_the_given_first():
    combinations = list(itertools.product((1, 2, 3), ("a", "b"), (True, False)))
    chosen = pairwise(combinations, first=(2, "b", False))
    assert chosen == pairwise(list(combinations), first=(2, "b", False)) and chosen[0] == (2, "b", False)
    assert len(chosen) == 6  # 3 x 2 pairs of the first two options need six settings; they fit the third's pairs in


def test_given_options_are_kept_and_conflicts_are_left_out():
    sweep = option_sweep(families()["conv-shapes"], {"layers": 2})
    assert len(sweep) == 4 and all(setting["layers"] == 2 for setting in sweep)
    for name, family in families().items():
        for setting in option_sweep(family, {}):
            family.resolve_options(setting)  # raises for a conflicting combination


def test_sheets_check_sweeps_every_option_unless_asked_for_levels_only():
    every = CliRunner().invoke(app, ["check", "entropy", "--seeds", "2", "--jobs", "1"])
    levels = CliRunner().invoke(app, ["check", "entropy", "--seeds", "2", "--jobs", "1", "--sweep", "levels"])
    assert every.exit_code == 0 and levels.exit_code == 0, every.output + levels.output
    assert "unit=bits" in every.output and "count=3" in every.output
    assert "unit=bits" not in levels.output  # the sheets' option sets only, beside the defaults
