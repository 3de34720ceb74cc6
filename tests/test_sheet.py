import datetime
from dataclasses import replace
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.kit.family import static_family
from generator.pipeline.generate import Draw, sheet_variants
from generator.pipeline.registry import families
from generator.pipeline.render import (
    Instance,
    document_inputs,
    render_documents,
    render_exercises,
    seed_of_code,
    sheet_code,
)
from generator.pipeline.sheet import Settings, load_sheet, sheet_names
from generator.pipeline.templating import environment
from tests.conftest import MINIMAL_SHEET


def load(write_sheet, text):
    return load_sheet("s", families(), write_sheet("s", text))


def test_minimal_sheet_loads_with_defaults(write_sheet):
    sheet = load(write_sheet, MINIMAL_SHEET)
    assert sheet.title == "Tiny" and sheet.number is None
    (part,) = sheet.parts
    assert part.label == "1" and part.family == "derivative" and part.points == 2
    assert part.options == {"count": 3, "level": 2}


def test_parts_are_lettered_when_an_exercise_has_several(write_sheet):
    text = MINIMAL_SHEET + '[[exercise.part]]\nfamily = "entropy"\n'
    assert [p.label for p in load(write_sheet, text).parts] == ["1a", "1b"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('title = "Tiny"', 'titel = "Tiny"'), r"s\.toml: unknown key 'titel'"),
        (lambda t: t.replace('family = "derivative"', 'family = "nope"'), r"exercise 1, part 1: unknown family 'nope'"),
        (lambda t: t.replace("count = 3", "count = 99"), r"family derivative: option 'count' must be between 1 and 6"),
        (lambda t: t.replace("count = 3", "colour = 3"), r"unknown option 'colour' \(allowed: count, level\)"),
        (lambda t: t.replace("points = 2", "points = -1"), r"'points' must not be negative, got -1"),
        (lambda t: t.replace("points = 2", "points = -0.5"), r"'points' must not be negative, got -0.5"),
        (lambda t: t.replace("points = 2", 'points = "two"'), r"'points' must be a number, got 'two'"),
        (lambda t: t.replace("points = 2", "points = true"), r"'points' must be a number, got True"),
        (lambda t: t.replace("points = 2", "points = 2.25"), r"'points' must be whole or a half, such as 2 or 2.5, got 2.25"),
        (lambda t: t.replace("points = 2", "points = nan"), r"'points' must be whole or a half, such as 2 or 2.5, got nan"),
        (lambda t: t.replace('canonical = "idl-math-background-1.3a"', 'canonical = "x"'), r"family derivative: unknown canonical instance 'x' \(known: idl-math-background-1.3a\)"),
        (lambda t: t.replace("[[exercise]]", "[[exercises]]"), r"unknown key 'exercises'"),
        (lambda t: t + "[[exercise]]\n", r"exercise 2: missing key 'part'"),
        (lambda t: t.replace('course = "Test Course"', 'course = "x'), r"malformed TOML"),
    ],
)
def test_mistakes_name_the_file_and_place(write_sheet, edit, message):
    with pytest.raises(ConfigError, match=message):
        load(write_sheet, edit(MINIMAL_SHEET))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('family = "derivative"', 'family = "derivativ"'), "exercise 1, part 1: unknown family 'derivativ' — did you mean 'derivative'?"),
        (lambda t: t.replace('title = "Tiny"', 'titel = "Tiny"'), "s.toml: unknown key 'titel' — did you mean 'title'?"),
        (lambda t: t.replace("points = 2", "pionts = 2"), "exercise 1, part 1: unknown key 'pionts' — did you mean 'points'?"),
        (lambda t: t.replace('title = "Differentiate"', 'titl = "Differentiate"'), "exercise 1: unknown key 'titl' — did you mean 'title'?"),
        (lambda t: t.replace("count = 3", "cont = 3"), "family derivative: unknown option 'cont' — did you mean 'count'?"),
        (lambda t: t.replace('canonical = "idl-math-background-1.3a"', 'canonical = "idl-math-background-1.3b"'),
         "family derivative: unknown canonical instance 'idl-math-background-1.3b' — did you mean 'idl-math-background-1.3a'?"),
        (lambda t: t.replace('family = "derivative"', 'family = "entropy"').replace("count = 3", 'unit = "nat"').replace("canonical", "# "),
         "family entropy: option 'unit' must be one of 'nats', 'bits', got 'nat' — did you mean 'nats'?"),
    ],
)
def test_a_misspelt_name_suggests_the_closest(write_sheet, edit, message):
    with pytest.raises(ConfigError) as error:
        load(write_sheet, edit(MINIMAL_SHEET))
    assert str(error.value).endswith(message), error.value


def test_a_name_far_from_every_known_one_lists_them(write_sheet):
    with pytest.raises(ConfigError, match=r"unknown family 'nope' \(known families: .*derivative, .*entropy"):
        load(write_sheet, MINIMAL_SHEET.replace('family = "derivative"', 'family = "nope"'))


QUOTING_HINT = "write text with backslashes in single quotes, title = '\\alpha' (in double quotes a backslash starts an escape)"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        (r'"\alpha"', r"malformed TOML: Unescaped '\' in a string (at line 2, column 12); " + QUOTING_HINT),
        (r'"\u03"', "malformed TOML: Invalid hex value (at line 2, column 12); " + QUOTING_HINT),
        (r'"\theta"', r"s.toml: 'title' contains a tab (\t); " + QUOTING_HINT),
        (r'"\nabla"', r"s.toml: 'title' contains a line break (\n); " + QUOTING_HINT),
        (r'"\frac"', r"s.toml: 'title' contains a form feed (\f); " + QUOTING_HINT),
    ],
)
def test_a_backslash_in_double_quotes_hints_at_single_quotes(write_sheet, title, message):
    with pytest.raises(ConfigError) as error:
        load(write_sheet, MINIMAL_SHEET.replace('"Tiny"', title))
    assert str(error.value).endswith(message), error.value


def test_single_quotes_keep_backslashes_and_long_texts_keep_their_lines(write_sheet):
    text = MINIMAL_SHEET.replace('"Tiny"', "'\\alpha'").replace('title = "Differentiate"', 'intro = """Two\n\tlines"""')
    sheet = load(write_sheet, text)
    assert sheet.title == "\\alpha" and sheet.exercises[0].intro == "Two\n\tlines"


def test_points_may_be_halves(write_sheet):
    text = MINIMAL_SHEET.replace("points = 2", "points = 2.5") + '[[exercise.part]]\nfamily = "derivative"\npoints = 0.5\n'
    text += '[[exercise]]\n[[exercise.part]]\nfamily = "derivative"\npoints = 3.0\n'
    sheet = load(write_sheet, text)
    assert [part.points for part in sheet.parts] == [2.5, 0.5, 3]
    assert type(sheet.parts[2].points) is int
    assert [exercise.points for exercise in sheet.exercises] == [3, 3]


def test_half_points_print_as_halves_and_whole_sums_as_whole(write_sheet):
    text = MINIMAL_SHEET.replace("points = 2", "points = 1.5") + '[[exercise.part]]\nfamily = "derivative"\npoints = 1\n'
    text += '[[exercise]]\n[[exercise.part]]\nfamily = "derivative"\npoints = 0.5\n'
    sheet, draw = load(write_sheet, text), Draw(seed=1)
    env = environment()
    exercises = render_exercises(env, sheet, sheet_variants(sheet, families(), draw), families())
    tex = render_documents(env, sheet, [Instance("seed-1", draw, exercises)], families())["exercise"]
    assert r"\textit{3 points in total.}" in tex
    assert r"[2.5 points]" in tex and r"\textit{[1.5 points]}" in tex and r"\textit{[1 point]}" in tex
    assert r"[0.5 points]" in tex


def test_unknown_sheet_lists_known_ones(write_sheet):
    directory = write_sheet("one", MINIMAL_SHEET)
    with pytest.raises(ConfigError, match=r"unknown sheet 'two' \(known sheets: one\)"):
        load_sheet("two", families(), directory)


def test_sheet_names_must_be_safe(write_sheet):
    with pytest.raises(ConfigError, match="may use only letters"):
        load_sheet("../etc/passwd", families(), write_sheet("one", MINIMAL_SHEET))


def test_repository_sheets_all_load():
    assert sheet_names()
    for name in sheet_names():
        assert load_sheet(name, families()).parts


def test_same_draw_as_must_name_an_earlier_part(write_sheet):
    text = MINIMAL_SHEET + '[[exercise.part]]\nfamily = "entropy"\nsame_draw_as = "1c"\n'
    with pytest.raises(
        ConfigError, match=r"exercise 1, part 2 \(1b\): 'same_draw_as' must name an earlier part's label, got '1c' \(earlier: 1a\)"
    ):
        load(write_sheet, text)
    text = text.replace('same_draw_as = "1c"', 'same_draw_as = "1a"')
    assert load(write_sheet, text).parts[1].slot == "1a"


def test_sharing_the_draw_of_a_part_that_shares_one_is_sharing_the_first(write_sheet):
    text = MINIMAL_SHEET + '[[exercise.part]]\nfamily = "derivative"\nsame_draw_as = "1a"\n'
    text += '[[exercise.part]]\nfamily = "derivative"\nsame_draw_as = "1b"\n'
    assert [part.slot for part in load(write_sheet, text).parts] == ["1a", "1a", "1a"]


ENTROPY_THEN_CROSS_ENTROPY = """
title = "Information"
course = "Test Course"

[[exercise]]
[[exercise.part]]
family = "entropy"
options = { count = 2, outcomes = 3 }
[[exercise]]
[[exercise.part]]
family = "derivative"
[[exercise.part]]
family = "cross-entropy-kl"
same_draw_as = "1"
options = { outcomes = 3, restate = false }
"""
NEEDS = (
    "exercise 2, part 2 (2b): cross-entropy-kl with restate = false needs same_draw_as a part of family entropy"
    " with count >= 2 and the same outcomes and the same unit (P_X and P_Y are printed there); "
)


@pytest.mark.parametrize(
    ("edit", "found"),
    [
        (lambda t: t.replace('same_draw_as = "1"\n', ""), "it has no same_draw_as"),
        (lambda t: t.replace("count = 2", "count = 1"), 'it shares the draw of part 1, entropy with outcomes = 3, count = 1, unit = "nats"'),
        (lambda t: t.replace("count = 2, outcomes = 3", "count = 3, outcomes = 4"),
         'it shares the draw of part 1, entropy with outcomes = 4, count = 3, unit = "nats"'),
        (lambda t: t.replace('same_draw_as = "1"', 'same_draw_as = "2a"'), "it shares the draw of part 2a, derivative with count = 1, level = 2"),
        (lambda t: t.replace("count = 2, outcomes = 3", 'count = 2, outcomes = 3, unit = "bits"'),
         'it shares the draw of part 1, entropy with outcomes = 3, count = 2, unit = "bits"'),
    ],
    ids=["no same_draw_as", "one pmf printed", "other outcomes", "not an entropy part", "entropies in bits, divergences in nats"],
)
def test_a_part_that_refers_back_needs_a_part_that_printed_what_it_refers_to(write_sheet, edit, found):
    with pytest.raises(ConfigError) as error:
        load(write_sheet, edit(ENTROPY_THEN_CROSS_ENTROPY))
    assert str(error.value).endswith(NEEDS + found), error.value


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t,
        lambda t: t.replace("count = 2, outcomes = 3", "count = 3, outcomes = 3"),
        lambda t: t.replace("count = 2, outcomes = 3", 'count = 2, outcomes = 3, unit = "bits"').replace("restate = false", 'restate = false, unit = "bits"'),
        lambda t: t + '[[exercise.part]]\nfamily = "cross-entropy-kl"\nsame_draw_as = "2b"\noptions = { restate = false }\n',
        lambda t: t.replace('same_draw_as = "1"\n', "").replace("restate = false", "restate = true"),
    ],
    ids=["as sheet B", "three pmfs", "both in bits", "through a part sharing the draw", "restated"],
)
def test_a_part_whose_need_is_met_loads(write_sheet, edit):
    assert load(write_sheet, edit(ENTROPY_THEN_CROSS_ENTROPY)).parts


SHEET_B = (Path(__file__).resolve().parents[1] / "sheets" / "dl-exercise-sheet-1.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace('canonical = "dl-sheet1-5c-after-5a"', 'canonical = "dl-sheet1-5c"'),
            (
                "exercise 5, part 3 (5c), family cross-entropy-kl: canonical instance 'dl-sheet1-5c' was written for"
                " restate = true, but the part has restate = false; name one written for restate = false"
                " (dl-sheet1-5c-after-5a) or change the option"
            ),
        ),
        (
            lambda t: t.replace(', restate = false }', " }").replace('  same_draw_as = "5a"\n', ""),
            (
                "exercise 5, part 3 (5c), family cross-entropy-kl: canonical instance 'dl-sheet1-5c-after-5a' was written"
                " for restate = false, but the part has restate = true (the default); name one written for restate = true"
                " (dl-sheet1-5c) or change the option"
            ),
        ),
        (
            lambda t: t.replace('count = 2, outcomes = 3, unit = "nats"', 'count = 2, outcomes = 3, unit = "bits"'),
            (
                "exercise 5, part 1 (5a), family entropy: canonical instance 'dl-sheet1-5a' was written for"
                ' unit = "nats", but the part has unit = "bits"; change the option'
            ),
        ),
    ],
    ids=["restated instance, part refers back", "instance refers back, part restates", "other unit"],
)
def test_a_canonical_instance_written_for_other_options_is_refused(write_sheet, edit, message):
    text = edit(SHEET_B)
    assert text != SHEET_B
    with pytest.raises(ConfigError) as error:
        load(write_sheet, text)
    assert str(error.value).endswith(message), error.value
    assert "\n" not in str(error.value)


def test_options_that_only_choose_how_seeds_are_drawn_may_differ_from_the_canonical_instance():
    """Sheet A's form gradients: the original is symbolic, random seeds give numbers (no giveaway)."""
    sheet = load_sheet("idl-math-background", families())
    modes = {part.canonical: part.options["mode"] for part in sheet.parts if part.family == "form-gradient"}
    assert set(modes.values()) == {"numeric"}
    assert {families()["form-gradient"].canonical[name].mode for name in modes} == {"symbolic"}


def test_a_misspelt_need_fails_when_the_family_is_defined():
    with pytest.raises(TypeError, match="at_lest"):
        replace(static_family("recap-like", "Fixed content."), needs={"family": "entropy", "why": "X is printed there", "at_lest": {}})


def with_settings(lines: str) -> str:
    return MINIMAL_SHEET.replace('course = "Test Course"\n', f'course = "Test Course"\n{lines}\n', 1)


def rendered(sheet, seed=1):
    draw, env = Draw(seed=seed), environment()
    exercises = render_exercises(env, sheet, sheet_variants(sheet, families(), draw), families())
    return render_documents(env, sheet, [Instance(f"seed-{seed}", draw, exercises)], families())


def test_settings_default_to_an_a4_11pt_sheet_without_masthead(write_sheet):
    settings = load(write_sheet, MINIMAL_SHEET).settings
    assert settings == Settings()
    assert (settings.paper, settings.font_size, settings.show_seed, settings.preamble) == ("a4", 11, False, ())


def test_every_setting_is_read_and_printed(write_sheet, tmp_path):
    (tmp_path / "sheets" / "logo.png").parent.mkdir(exist_ok=True)
    (tmp_path / "sheets" / "logo.png").write_bytes(b"not checked beyond existing")
    text = with_settings(
        'institution = "Universität Tübingen"\nlecturer = "Dr. A. Lovelace"\nterm = "Winter 2026/27"\n'
        'issued = 2026-10-14\ndue = 2026-10-21\npaper = "letter"\nfont_size = 12\nlogo = "logo.png"\n'
        "preamble = ['\\usepackage{microtype}']\nshow_seed = true\ncolumns = 1"
    )
    sheet = load(write_sheet, text)
    settings = sheet.settings
    assert settings.issued == datetime.date(2026, 10, 14) and settings.due == datetime.date(2026, 10, 21)
    assert settings.logo == (tmp_path / "sheets" / "logo.png").resolve()
    exercise = rendered(sheet)["exercise"]
    assert r"\documentclass[12pt,letterpaper]{article}" in exercise
    assert "\\usepackage{microtype}\n" in exercise and "\\usepackage{graphicx}\n" in exercise
    assert r"Universit{\"a}t T{\"u}bingen \\ Dr. A. Lovelace \\ Winter 2026/27" in exercise
    assert "keepaspectratio]{sheet-logo.png}" in exercise and str(tmp_path) not in exercise
    assert document_inputs(sheet) == {"sheet-logo.png": settings.logo}
    assert r"Issued 14 October 2026\hfill{}Due 21 October 2026" in exercise
    assert "Seed 1" in exercise


def test_students_see_a_sheet_code_that_gives_back_the_seed(write_sheet):
    documents = rendered(load(write_sheet, MINIMAL_SHEET), seed=123456)
    code = sheet_code(123456)
    assert f"Sheet code {code}" in documents["exercise"] and "Seed 123456" not in documents["exercise"]
    assert f"Seed 123456 (sheet code {code})" in documents["solution"]  # a student's code finds its solution
    assert seed_of_code(code) == seed_of_code(code.lower()) == 123456
    assert sheet_code(7) == "0007" and seed_of_code("0O07") == 7


@pytest.mark.parametrize("seed", [0, 1, 31, 32, 10**6, 2**64 + 3])
def test_a_sheet_code_decodes_to_its_seed(seed):
    assert seed_of_code(sheet_code(seed)) == seed


def test_a_bad_sheet_code_is_refused():
    with pytest.raises(ValueError, match="not a sheet code"):
        seed_of_code("U-42")


def test_project_defaults_apply_and_a_sheet_overrides_them(write_sheet):
    sheets = write_sheet("s", with_settings('term = "Summer 2027"'))
    (sheets / "settings.toml").write_text(
        '[defaults]\ninstitution = "Tübingen"\nterm = "Winter"\nfont_size = 10\n', encoding="utf-8"
    )
    settings = load_sheet("s", families(), sheets).settings
    assert (settings.institution, settings.term, settings.font_size) == ("Tübingen", "Summer 2027", 10)
    assert sheet_names(sheets) == ["s"]
    with pytest.raises(ConfigError, match="unknown sheet"):
        load_sheet("settings", families(), sheets)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('paper = "a5"', r"'paper' must be one of 'a4', 'letter', got 'a5'"),
        ("font_size = 14", r"'font_size' must be one of 10, 11, 12, got 14"),
        ('issued = "monday"', r"'issued' must be date"),
        ("due = 2026-10-21T10:00:00", r"'due' must be a date such as 2026-10-14, without a time"),
        ('logo = "missing.png"', r"'logo' names .*missing\.png, which does not exist"),
        ('logo = "logo.gif"', r"'logo' must be a \.png, \.pdf"),
        ("preamble = [1]", r"'preamble' must be a list of strings"),
        ('show_seed = "no"', r"'show_seed' must be bool"),
        ("columns = 2", r"'columns = 2' is not supported: worked solutions .* would run off a column"),
        ('lecturer = "Dr. 李"', r"'lecturer' contains '李'"),
    ],
)
def test_bad_settings_name_the_key(write_sheet, lines, message):
    with pytest.raises(ConfigError, match=message):
        load(write_sheet, with_settings(lines))


def test_bad_project_defaults_name_the_settings_file(write_sheet):
    sheets = write_sheet("s", MINIMAL_SHEET)
    (sheets / "settings.toml").write_text('[defaults]\npaper = "a3"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"settings\.toml: \[defaults\]: 'paper' must be one of"):
        load_sheet("s", families(), sheets)
    (sheets / "settings.toml").write_text('[default]\npaper = "a4"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"settings\.toml: unknown key 'default'"):
        load_sheet("s", families(), sheets)
