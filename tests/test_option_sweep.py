"""``sheets check`` sweeps every value each option of a family declares (generator.check.stress.option_sweep)."""

from typer.testing import CliRunner

from generator.check.stress import option_sweep
from generator.cli import app
from generator.pipeline.registry import families


def test_a_family_with_few_combinations_is_checked_at_every_one():
    sweep = option_sweep(families()["backprop"], {})
    assert sweep[0] == {"activation": "relu", "loss": "squared"}  # the defaults first
    assert len(sweep) == 4 and {"activation": "sigmoid", "loss": "cross-entropy"} in sweep


def test_a_family_with_many_combinations_is_checked_at_each_value_beside_the_defaults():
    sweep = option_sweep(families()["derivative"], {})
    assert {setting["count"] for setting in sweep} == set(range(1, 7)) and {s["level"] for s in sweep} == {1, 2, 3}
    assert len(sweep) == 1 + 5 + 2


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
    assert "entropy (unit=bits)" in every.output and "(count=3)" in every.output
    assert "entropy (unit=bits)" not in levels.output  # the sheets' option sets only, beside the defaults
