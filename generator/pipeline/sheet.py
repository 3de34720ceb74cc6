"""Sheet definitions: TOML files in ``sheets/``, validated on load.

A sheet names its exercises in order; each exercise has one or more parts,
and each part is one problem family with options and points. Every mistake is
reported with the file and the place in it, and unknown keys are errors.
"""

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import ascii_lowercase
from typing import Any

from generator.errors import ConfigError
from generator.kit.family import Family
from generator.kit.options import OptionError
from generator.pipeline.templating import unprintable_character

SHEET_DIR = Path(__file__).resolve().parents[2] / "sheets"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class PartSpec:
    label: str
    family: str
    options: Mapping[str, Any]
    points: int | None
    canonical: str | None
    same_draw_as: str | None = None
    """Label of an earlier part whose seed this part reuses, so both see the same data."""

    @property
    def slot(self) -> str:
        return self.same_draw_as or self.label


@dataclass(frozen=True)
class ExerciseSpec:
    label: str
    title: str
    intro: str
    parts: tuple[PartSpec, ...]

    @property
    def points(self) -> int | None:
        given = [p.points for p in self.parts if p.points is not None]
        return sum(given) if given else None


@dataclass(frozen=True)
class SheetSpec:
    name: str
    path: Path
    title: str
    course: str
    number: int | None
    instructions: str
    exercises: tuple[ExerciseSpec, ...]

    @property
    def parts(self) -> tuple[PartSpec, ...]:
        return tuple(part for exercise in self.exercises for part in exercise.parts)


def sheet_names(sheet_dir: Path = SHEET_DIR) -> list[str]:
    return sorted(path.stem for path in sheet_dir.glob("*.toml"))


def load_sheet(name: str, families: Mapping[str, Family], sheet_dir: Path = SHEET_DIR) -> SheetSpec:
    """Read and validate ``sheets/<name>.toml``."""
    if not _SAFE_NAME.match(name):
        raise ConfigError(f"sheet name {name!r} may use only letters, digits, '-' and '_'")
    path = sheet_dir / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sheet_names(sheet_dir)) or "none"
        raise ConfigError(f"unknown sheet {name!r} (known sheets: {known})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}") from None
    return _Reader(path, families).sheet(name, data)


class _Reader:
    """Turns parsed TOML into specs, naming the file and place of every error."""

    def __init__(self, path: Path, families: Mapping[str, Family]):
        self.path = path
        self.families = families

    def fail(self, where: str, message: str) -> ConfigError:
        place = f"{self.path}: {where}: " if where else f"{self.path}: "
        return ConfigError(place + message)

    def table(self, data: Any, where: str, required: set[str], optional: set[str]) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, "expected a table")
        unknown = sorted(set(data) - required - optional)
        if unknown:
            allowed = ", ".join(sorted(required | optional))
            raise self.fail(where, f"unknown key '{unknown[0]}' (allowed: {allowed})")
        missing = sorted(required - set(data))
        if missing:
            raise self.fail(where, f"missing key '{missing[0]}'")
        return data

    def value(self, data: dict, key: str, kind: type, where: str, default: Any = None) -> Any:
        value = data.get(key, default)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool) and kind is int):
            raise self.fail(where, f"'{key}' must be {kind.__name__}, got {value!r}")
        return value

    def text(self, data: dict, key: str, where: str, default: str | None = None, limit: int = 300) -> str:
        """A plain-text field that pdfLaTeX can print literally."""
        value = self.value(data, key, str, where, default)
        if value is None:
            return value
        if len(value) > limit:
            raise self.fail(where, f"'{key}' is {len(value)} characters long; at most {limit} are allowed")
        char = unprintable_character(value)
        if char is not None:
            raise self.fail(
                where, f"'{key}' contains {char!r} (U+{ord(char):04X}), which pdfLaTeX cannot print; remove it"
            )
        return value

    def sheet(self, name: str, data: Any) -> SheetSpec:
        data = self.table(data, "", {"title", "course", "exercise"}, {"number", "instructions"})
        title, course = self.text(data, "title", ""), self.text(data, "course", "")
        number = self.value(data, "number", int, "")
        instructions = self.text(data, "instructions", "", "", limit=2000)
        exercises = data["exercise"]
        if not isinstance(exercises, list) or not exercises:
            raise self.fail("", "'exercise' must be a non-empty array of tables ([[exercise]])")
        specs = tuple(self.exercise(raw, index) for index, raw in enumerate(exercises, start=1))
        self.check_labels([part for spec in specs for part in spec.parts])
        return SheetSpec(name, self.path, title, course, number, instructions, specs)

    def check_labels(self, parts: list[PartSpec]) -> None:
        labels = [part.label for part in parts]
        duplicate = next((label for label in labels if labels.count(label) > 1), None)
        if duplicate:
            raise self.fail("", f"two parts are labelled {duplicate!r}; give exercises distinct labels")
        for index, part in enumerate(parts):
            if part.same_draw_as is not None and part.same_draw_as not in labels[:index]:
                earlier = ", ".join(labels[:index]) or "none"
                raise self.fail(
                    f"part {part.label}",
                    f"'same_draw_as' must name an earlier part, got {part.same_draw_as!r} (earlier: {earlier})",
                )

    def exercise(self, raw: Any, index: int) -> ExerciseSpec:
        where = f"exercise {index}"
        data = self.table(raw, where, {"part"}, {"label", "title", "intro"})
        label = self.text(data, "label", where, str(index), limit=20)
        parts = data["part"]
        if not isinstance(parts, list) or not parts:
            raise self.fail(where, "'part' must be a non-empty array of tables ([[exercise.part]])")
        if len(parts) > len(ascii_lowercase):
            raise self.fail(where, f"at most {len(ascii_lowercase)} parts")
        single = len(parts) == 1
        return ExerciseSpec(
            label=label,
            title=self.text(data, "title", where, ""),
            intro=self.text(data, "intro", where, "", limit=2000),
            parts=tuple(
                self.part(raw_part, f"{where}, part {n + 1}", label if single else label + ascii_lowercase[n])
                for n, raw_part in enumerate(parts)
            ),
        )

    def part(self, raw: Any, where: str, label: str) -> PartSpec:
        data = self.table(raw, where, {"family"}, {"options", "points", "canonical", "same_draw_as"})
        name = self.value(data, "family", str, where)
        family = self.families.get(name)
        if family is None:
            known = ", ".join(sorted(self.families))
            raise self.fail(where, f"unknown family {name!r} (known families: {known})")
        try:
            options = family.resolve_options(self.value(data, "options", dict, where, {}))
        except OptionError as exc:
            raise self.fail(f"{where}, family {name}", str(exc)) from None
        points = self.value(data, "points", int, where)
        if points is not None and points < 0:
            raise self.fail(where, f"'points' must not be negative, got {points}")
        canonical = self.value(data, "canonical", str, where)
        if canonical is not None and canonical not in family.canonical:
            known = ", ".join(sorted(family.canonical)) or "none"
            raise self.fail(where, f"family {name} has no canonical instance {canonical!r} (known: {known})")
        return PartSpec(
            label=label,
            family=name,
            options=options,
            points=points,
            canonical=canonical,
            same_draw_as=self.value(data, "same_draw_as", str, where),
        )
