"""Declared, typed options for problem families.

A family lists its options once; the sheet loader validates what an
instructor wrote against that list, and ``sheets list`` documents it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.spelling import did_you_mean, unknown

__all__ = ["BoolOption", "ChoiceOption", "IntOption"]


class OptionError(ValueError):
    """An option value or key that a family does not accept."""


@dataclass(frozen=True)
class IntOption:
    """A whole-number option with bounds, such as ``count`` or ``level``."""

    name: str
    default: int
    low: int
    high: int
    help: str

    def parse(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionError(f"option '{self.name}' must be an integer, got {value!r}")
        if not self.low <= value <= self.high:
            raise OptionError(
                f"option '{self.name}' must be between {self.low} and {self.high}, got {value}"
            )
        return value

    def describe(self) -> str:
        return f"{self.name}: integer {self.low}..{self.high} (default {self.default}) - {self.help}"


@dataclass(frozen=True)
class ChoiceOption:
    """An option that takes one of a few named values, such as ``unit = "nats"``."""

    name: str
    default: str
    choices: tuple[str, ...]
    help: str

    def parse(self, value: Any) -> str:
        if value not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise OptionError(
                f"option '{self.name}' must be one of {allowed}, got {value!r}" + did_you_mean(value, self.choices)
            )
        return value

    def describe(self) -> str:
        return f"{self.name}: one of {', '.join(self.choices)} (default {self.default}) - {self.help}"


@dataclass(frozen=True)
class BoolOption:
    """A yes/no option, such as ``restate``."""

    name: str
    default: bool
    help: str

    def parse(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise OptionError(f"option '{self.name}' must be true or false, got {value!r}")
        return value

    def describe(self) -> str:
        return f"{self.name}: true/false (default {str(self.default).lower()}) - {self.help}"


Option = IntOption | ChoiceOption | BoolOption


def resolve_options(declared: tuple[Option, ...], given: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with validated user values; unknown keys are errors that suggest the closest option."""
    by_name = {option.name: option for option in declared}
    misspelt = sorted(set(given) - set(by_name))
    if misspelt:
        raise OptionError(unknown("option", misspelt[0], by_name, "allowed"))
    return {
        name: option.parse(given[name]) if name in given else option.default
        for name, option in by_name.items()
    }
