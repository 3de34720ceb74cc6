import pytest

from generator.kit.options import (
    BoolOption,
    ChoiceOption,
    IntOption,
    OptionError,
    resolve_options,
)

DECLARED = (
    IntOption("count", 2, 1, 4, "how many"),
    ChoiceOption("unit", "nats", ("nats", "bits"), "log base"),
    BoolOption("numeric", False, "concrete numbers"),
)


def test_defaults_fill_what_is_not_given():
    assert resolve_options(DECLARED, {"count": 3}) == {"count": 3, "unit": "nats", "numeric": False}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"count": 0}, "option 'count' must be between 1 and 4, got 0"),
        ({"count": "3"}, "option 'count' must be an integer"),
        ({"count": True}, "option 'count' must be an integer"),
        ({"unit": "dits"}, "option 'unit' must be one of 'nats', 'bits'"),
        ({"numeric": 1}, "option 'numeric' must be true or false"),
        ({"unit": "nat"}, "option 'unit' must be one of 'nats', 'bits', got 'nat' — did you mean 'nats'?"),
        ({"unit": 2}, "option 'unit' must be one of 'nats', 'bits', got 2"),
        ({"cout": 1}, "unknown option 'cout' — did you mean 'count'?"),
        ({"colour": 1}, "unknown option 'colour' (allowed: count, numeric, unit)"),
    ],
)
def test_bad_values_are_named(given, message):
    with pytest.raises(OptionError) as error:
        resolve_options(DECLARED, given)
    assert str(error.value).startswith(message), error.value


def test_describe_documents_range_and_default():
    assert DECLARED[0].describe() == "count: integer 1..4 (default 2) - how many"
