"""A letter with two meanings on one sheet (sigma as the sigmoid and as a standard deviation) is reported when the
sheet is built (``Family.letters``, ``SheetSpec.notes``): two TA reads of bank sheets, EN 9691 and German 9692."""

import pytest
from typer.testing import CliRunner

from generator.check.stress import option_sweep
from generator.cli import app
from generator.pipeline.generate import variant_for_seed
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.sheet import load_sheet, sheet_names
from generator.pipeline.templating import environment

CLASH = """title = "Clash"
course = "C"

[[exercise]]
title = "Activations and laws"
  [[exercise.part]]
  family = "activation-derivative"
  options = { activation = "sigmoid", count = 1 }
  [[exercise.part]]
  family = "product-variance"
  options = { mode = "zero-mean-proof", deviation = "DEVIATION" }
  [[exercise.part]]
  family = "mle"
  options = { model = "gaussian" }
"""


@pytest.mark.parametrize("name", sorted(families()))
def test_every_sigma_a_part_prints_is_declared_among_its_letters(name):
    """The declarations are the families' own: wherever a part prints sigma, its family says what sigma is there."""
    family = families()[name]
    for setting in option_sweep(family, {}):
        options = family.resolve_options(setting)
        declared = family.letters(options) if family.letters else {}
        for seed in range(4):
            statement, solution = render_part(environment(), family, variant_for_seed(family, options, seed))
            if r"\sigma" in statement + solution:
                assert r"\sigma" in declared, (name, setting, seed)


def test_the_reference_sheets_give_every_letter_one_meaning():
    for name in sheet_names():
        assert load_sheet(name, families()).notes == ()


def test_a_letter_with_two_meanings_is_noted_with_the_parts_and_the_option_that_renames_it(write_sheet):
    (note,) = load_sheet("clash", families(), write_sheet("clash", CLASH.replace("DEVIATION", "sigma"))).notes
    assert note == (
        "σ means two things on this sheet, which a student cannot tell apart: the logistic sigmoid in part 1a"
        " (activation-derivative); a standard deviation in parts 1b (product-variance) and 1c (mle)."
        ' Set deviation = "tau" in part 1b.'
    )
    renamed = load_sheet("clash", families(), write_sheet("clash", CLASH.replace("DEVIATION", "tau")))
    assert len(renamed.notes) == 1 and "part 1b" not in renamed.notes[0]  # the MLE's sigma has no other letter


def test_the_build_warns_on_stderr_and_builds_the_sheet(write_sheet, tmp_path):
    sheets = write_sheet("clash", CLASH.replace("DEVIATION", "sigma"))
    result = CliRunner().invoke(app, ["build", "clash", "--seed", "3", "--sheet-dir", str(sheets), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "warning: clash: σ means two things on this sheet" in result.stderr
    assert (tmp_path / "out" / "clash" / "seed-3" / "clash-solution.pdf").is_file()


def test_a_plain_letter_clashes_too_the_spam_filters_event_and_a_layers_width(write_sheet):
    """A TA read (EN 9702): W, the event "contains the word" of a spam filter, beside W, a width of a convolution."""
    text = CLASH.split("[[exercise]]")[0] + """[[exercise]]
title = "Filters"
  [[exercise.part]]
  family = "bayes-rule"
  options = { story = "spam" }
  [[exercise.part]]
  family = "conv-shapes"
"""
    (note,) = load_sheet("w", families(), write_sheet("w", text)).notes
    assert note.startswith("W means two things on this sheet") and "a width in part 1b (conv-shapes)" in note
    medical = text.replace('options = { story = "spam" }', 'options = { story = "test" }')
    assert load_sheet("w", families(), write_sheet("w", medical)).notes == ()
