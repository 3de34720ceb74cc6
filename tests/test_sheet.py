import pytest

from generator.errors import ConfigError
from generator.pipeline.registry import families
from generator.pipeline.sheet import load_sheet, sheet_names
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
        (lambda t: t.replace("count = 3", "colour = 3"), r"unknown option 'colour'"),
        (lambda t: t.replace("points = 2", "points = -1"), r"'points' must not be negative"),
        (lambda t: t.replace("points = 2", 'points = "two"'), r"'points' must be int"),
        (lambda t: t.replace('canonical = "idl-math-background-1.3a"', 'canonical = "x"'), r"no canonical instance 'x'"),
        (lambda t: t.replace("[[exercise]]", "[[exercises]]"), r"unknown key 'exercises'"),
        (lambda t: t + "[[exercise]]\n", r"exercise 2: missing key 'part'"),
        (lambda t: t.replace('course = "Test Course"', 'course = "x'), r"malformed TOML"),
    ],
)
def test_mistakes_name_the_file_and_place(write_sheet, edit, message):
    with pytest.raises(ConfigError, match=message):
        load(write_sheet, edit(MINIMAL_SHEET))


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
    with pytest.raises(ConfigError, match=r"part 1b: 'same_draw_as' must name an earlier part, got '1c' \(earlier: 1a\)"):
        load(write_sheet, text)
    text = text.replace('same_draw_as = "1c"', 'same_draw_as = "1a"')
    assert load(write_sheet, text).parts[1].slot == "1a"
