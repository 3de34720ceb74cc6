"""Sheet definitions: TOML files in ``sheets/``, validated on load.

A sheet names its exercises in order; each exercise has one or more parts,
and each part is one problem family with options and points. Every mistake is
reported with the file and the place in it, and unknown keys are errors (a
misspelt name suggests the closest one). A part that refers to an earlier one
("given above", its family's ``needs``) must share the draw of a part that prints
what it refers to, and a part's canonical instance must have been written for the
options that decide what the part means, so a sheet never builds silently wrong.
A letter that two parts give two meanings (sigma for the sigmoid and for a standard
deviation) is noted on the sheet (``SheetSpec.notes``), for the build to report.
"""

import datetime
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from string import ascii_lowercase
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text

from generator.errors import ConfigError
from generator.i18n import check_language
from generator.kit.family import Family, Meaning, as_written, field_names
from generator.kit.options import OptionError
from generator.pipeline.templating import unprintable_character
from generator.spelling import unknown

SHEET_DIR = Path(__file__).resolve().parents[2] / "sheets"
SETTINGS_FILE = "settings.toml"
"""The project-level file in the sheet folder whose ``[defaults]`` table every sheet may override."""
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_BACKSLASH_ERRORS = ("Unescaped '\\'", "Invalid hex value", "Escaped character")
"""tomllib's messages for a backslash that starts no valid escape in a double-quoted string."""
_QUOTING_HINT = "write text with backslashes in single quotes, title = '\\alpha' (in double quotes a backslash starts an escape)"
_ESCAPED = {
    "\t": "a tab (\\t)",
    "\n": "a line break (\\n)",
    "\b": "a backspace (\\b)",
    "\f": "a form feed (\\f)",
    "\r": "a return (\\r)",
}
"""What TeX commands in double quotes turn into, with their escape: "\\theta" is a tab, then "heta"."""


@dataclass(frozen=True)
class PartSpec:
    label: str
    family: str
    options: Mapping[str, Any]
    points: int | float | None
    """Whole or half points (2, 2.5); None: not printed."""
    canonical: str | None
    same_draw_as: str | None = None
    """Label of the earlier part whose seed this part reuses, so both see the same data: the first
    part of the draw, when the sheet names a part that itself shares another's."""

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
    def points(self) -> int | float | None:
        given = [p.points for p in self.parts if p.points is not None]
        return sum(given) if given else None


@dataclass(frozen=True)
class Settings:
    """How a sheet is printed: its header, paper and preamble (docs/sheets.md, "Sheet settings")."""

    institution: str | None = None
    lecturer: str | None = None
    term: str | None = None
    issued: datetime.date | None = None
    due: datetime.date | None = None
    paper: str = "a4"
    font_size: int = 11
    logo: Path | None = None
    preamble: tuple[str, ...] = ()
    show_seed: bool = False
    """False: students see a short sheet code, which decodes to the seed; solutions always print the seed."""
    language: str = "en"
    """The language the sheet prints in: English, or one with a catalogue in ``locale/`` (docs/languages.md)."""


PAPERS = ("a4", "letter")
FONT_SIZES = (10, 11, 12)
LOGO_SUFFIXES = (".png", ".pdf", ".jpg", ".jpeg")
_SETTING_KEYS = {setting.name for setting in fields(Settings)} | {"columns"}


@dataclass(frozen=True)
class SheetSpec:
    name: str
    path: Path
    title: str
    course: str
    number: int | None
    instructions: str
    exercises: tuple[ExerciseSpec, ...]
    settings: Settings = field(default_factory=Settings)
    notes: tuple[str, ...] = ()
    """What the sheet builds but a careful author would change: a letter with two meanings (``letter_clashes``)."""

    @property
    def parts(self) -> tuple[PartSpec, ...]:
        return tuple(part for exercise in self.exercises for part in exercise.parts)


def _fields_of(params: Any) -> tuple[str, ...]:
    return field_names(type(params)) if is_dataclass(params) else ()


def _parts(parts: list[PartSpec], with_family: bool = False) -> str:
    """``part 2a`` or ``parts 2a and 2c``, with each part's family in brackets where asked."""
    labels = [f"{part.label} ({part.family})" if with_family else part.label for part in parts]
    return ("part " if len(labels) == 1 else "parts ") + _listed(labels)


def _listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def sheet_names(sheet_dir: Path = SHEET_DIR) -> list[str]:
    return sorted(path.stem for path in sheet_dir.glob("*.toml") if path.name != SETTINGS_FILE)


def load_sheet(name: str, families: Mapping[str, Family], sheet_dir: Path = SHEET_DIR) -> SheetSpec:
    """Read and validate ``sheets/<name>.toml``, its settings over the folder's ``settings.toml`` defaults."""
    if not _SAFE_NAME.match(name):
        raise ConfigError(f"sheet name {name!r} may use only letters, digits, '-' and '_'")
    path = sheet_dir / f"{name}.toml"
    if not path.is_file() or path.name == SETTINGS_FILE:
        raise ConfigError(unknown("sheet", name, sheet_names(sheet_dir), "known sheets"))
    defaults = _defaults(sheet_dir / SETTINGS_FILE, families)
    return _Reader(path, families).sheet(name, _toml(path), defaults)


def _toml(path: Path) -> Any:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        hint = f"; {_QUOTING_HINT}" if any(error in str(exc) for error in _BACKSLASH_ERRORS) else ""
        raise ConfigError(f"{path}: malformed TOML: {exc}{hint}") from None


def _defaults(path: Path, families: Mapping[str, Family]) -> dict[str, Any]:
    """The checked settings of ``settings.toml``'s ``[defaults]`` table; none when the file does not exist."""
    if not path.is_file():
        return {}
    reader = _Reader(path, families)
    data = reader.table(_toml(path), "", set(), {"defaults"})
    return reader.settings(reader.table(data.get("defaults", {}), "[defaults]", set(), _SETTING_KEYS), "[defaults]")


class _Reader:
    """Turns parsed TOML into specs, naming the file and place of every error."""

    def __init__(self, path: Path, families: Mapping[str, Family]):
        self.path = path
        self.families = families
        self.read: list[tuple[str, PartSpec]] = []
        """Every part read so far, with its place in the file."""

    def fail(self, where: str, message: str) -> ConfigError:
        place = f"{self.path}: {where}: " if where else f"{self.path}: "
        return ConfigError(place + message)

    def table(self, data: Any, where: str, required: set[str], optional: set[str]) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, "expected a table")
        misspelt = sorted(set(data) - required - optional)
        if misspelt:
            raise self.fail(where, unknown("key", misspelt[0], required | optional, "allowed"))
        missing = sorted(required - set(data))
        if missing:
            raise self.fail(where, f"missing key '{missing[0]}'")
        return data

    def value(self, data: dict, key: str, kind: type, where: str, default: Any = None) -> Any:
        value = data.get(key, default)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool) and kind is int):
            raise self.fail(where, f"'{key}' must be {kind.__name__}, got {value!r}")
        return value

    def text(
        self, data: dict, key: str, where: str, default: str | None = None, limit: int = 300, lines: bool = False
    ) -> str:
        """A plain-text field that pdfLaTeX can print literally; one line unless ``lines``."""
        value = self.value(data, key, str, where, default)
        if value is None:
            return value
        if len(value) > limit:
            raise self.fail(where, f"'{key}' is {len(value)} characters long; at most {limit} are allowed")
        escaped = next((char for char in value if char in _ESCAPED and not (lines and char in "\t\n")), None)
        if escaped is not None:
            raise self.fail(where, f"'{key}' contains {_ESCAPED[escaped]}; {_QUOTING_HINT}")
        char = unprintable_character(value)
        if char is not None:
            raise self.fail(
                where, f"'{key}' contains {char!r} (U+{ord(char):04X}), which pdfLaTeX cannot print; remove it"
            )
        return value

    def sheet(self, name: str, data: Any, defaults: Mapping[str, Any]) -> SheetSpec:
        data = self.table(data, "", {"title", "course", "exercise"}, {"number", "instructions"} | _SETTING_KEYS)
        settings = Settings(**{**defaults, **self.settings(data, "")})
        title, course = self.text(data, "title", ""), self.text(data, "course", "")
        number = self.value(data, "number", int, "")
        instructions = self.text(data, "instructions", "", "", limit=2000, lines=True)
        exercises = data["exercise"]
        if not isinstance(exercises, list) or not exercises:
            raise self.fail("", "'exercise' must be a non-empty array of tables ([[exercise]])")
        specs = tuple(self.exercise(raw, index) for index, raw in enumerate(exercises, start=1))
        self.check_labels()
        self.check_needs()
        return SheetSpec(name, self.path, title, course, number, instructions, specs, settings, self.letter_clashes())

    def settings(self, data: dict, where: str) -> dict[str, Any]:
        """The settings ``data`` gives, checked; a logo's path is taken from the folder of the file that names it."""
        given: dict[str, Any] = {key: self.text(data, key, where) for key in ("institution", "lecturer", "term")}
        for key in ("issued", "due"):
            given[key] = self.value(data, key, datetime.date, where)
            if isinstance(given[key], datetime.datetime):
                raise self.fail(where, f"'{key}' must be a date such as 2026-10-14, without a time")
        given["paper"] = self.choice(data, "paper", str, PAPERS, where)
        given["font_size"] = self.choice(data, "font_size", int, FONT_SIZES, where)
        given["show_seed"] = self.value(data, "show_seed", bool, where)
        given["language"] = self.value(data, "language", str, where)
        if given["language"] is not None:
            try:
                check_language(given["language"])
            except ConfigError as exc:
                raise self.fail(where, str(exc)) from None
        given["logo"] = self.logo(data, where)
        preamble = self.value(data, "preamble", list, where)
        if preamble is not None:
            if not all(isinstance(line, str) for line in preamble):
                raise self.fail(where, "'preamble' must be a list of strings, one LaTeX line each")
            given["preamble"] = tuple(preamble)
        columns = self.value(data, "columns", int, where)
        if columns not in (None, 1):
            raise self.fail(
                where,
                f"'columns = {columns}' is not supported: worked solutions (aligned steps, tables, charts) "
                "are set for the full text width and would run off a column; only columns = 1",
            )
        return {key: value for key, value in given.items() if value is not None}

    def choice(self, data: dict, key: str, kind: type, allowed: tuple, where: str) -> Any:
        value = self.value(data, key, kind, where)
        if value is not None and value not in allowed:
            raise self.fail(where, f"'{key}' must be one of {', '.join(map(repr, allowed))}, got {value!r}")
        return value

    def logo(self, data: dict, where: str) -> Path | None:
        """An image file that exists, relative to the file that names it, on a path TeX reads as written."""
        value = self.value(data, "logo", str, where)
        if value is None:
            return None
        path = (self.path.parent / value).resolve()
        if path.suffix.lower() not in LOGO_SUFFIXES:
            raise self.fail(where, f"'logo' must be a {', '.join(LOGO_SUFFIXES)} image, got {value!r}")
        if not path.is_file():
            raise self.fail(where, f"'logo' names {path}, which does not exist")
        if any(char in str(path) for char in "%#{}\\$&~^ "):
            raise self.fail(where, f"'logo' path {str(path)!r} has a space or a TeX special character; rename it")
        return path

    def check_labels(self) -> None:
        labels = [part.label for _, part in self.read]
        duplicate = next((label for label in labels if labels.count(label) > 1), None)
        if duplicate:
            raise self.fail("", f"two parts are labelled {duplicate!r}; give exercises distinct labels")

    def check_needs(self) -> None:
        """A part that refers to an earlier one (its family's ``needs``) shares the draw of a part that prints
        what it refers to; else its statement would point at data the sheet never printed."""
        for index, (where, part) in enumerate(self.read):
            need = self.families[part.family].need
            if need is None or not need.applies(part.options):
                continue
            sharing = [earlier for _, earlier in self.read[:index] if earlier.slot == part.slot]
            if any(need.met_by(part.options, earlier.family, earlier.options) for earlier in sharing):
                continue
            condition = f" with {need.condition()}" if need.when else ""
            found = "it has no same_draw_as"
            if sharing:
                first = sharing[0]
                found = f"it shares the draw of part {first.label}, {first.family} with {as_written(first.options)}"
            raise self.fail(f"{where} ({part.label})", f"{part.family}{condition} needs {need.describe()}; {found}")

    def letter_clashes(self) -> tuple[str, ...]:
        """A letter parts give two meanings (their families' ``letters``): sigma as the sigmoid in one part and as a
        standard deviation in another reads two ways. Reported, not refused: the sheet is right, and some parts
        cannot write the letter otherwise; where one can, the note says how."""
        uses: dict[str, dict[str, list[tuple[PartSpec, Meaning]]]] = {}
        for _, part in self.read:
            letters = self.families[part.family].letters
            for letter, meaning in (letters(part.options) if letters else {}).items():
                uses.setdefault(letter, {}).setdefault(meaning.what, []).append((part, meaning))
        notes = []
        for letter, meanings in uses.items():
            if len(meanings) < 2:
                continue
            named = "; ".join(f"{what} in {_parts([part for part, _ in found], with_family=True)}" for what, found in meanings.items())
            fixes: dict[str, list[PartSpec]] = {}
            for part, meaning in (use for found in meanings.values() for use in found):
                if meaning.instead:
                    fixes.setdefault(meaning.instead, []).append(part)
            remedy = "".join(f" Set {instead} in {_parts(found)}." for instead, found in fixes.items())
            symbol = LatexNodes2Text().latex_to_text(f"${letter}$")
            count = ("two", "three", "four")[len(meanings) - 2] if len(meanings) <= 4 else str(len(meanings))
            notes.append(f"{symbol} means {count} things on this sheet, which a student cannot tell apart: {named}.{remedy}")
        return tuple(notes)

    def check_canonical(
        self, where: str, family: Family, canonical: str, options: Mapping[str, Any], given: Mapping[str, Any]
    ) -> None:
        """A canonical instance was written for the values of the options that decide what it means, and records
        each under the option's name (cross-entropy-kl's ``restate`` and ``unit``); a part whose options say
        otherwise would print, in a canonical build, an exercise other than the one its options describe."""
        params = family.canonical[canonical]
        for option in self.meaning(family.name):
            if option not in options or option not in _fields_of(params):
                continue
            written_for = getattr(params, option)
            if written_for == options[option]:
                continue
            value = f"{option} = {json.dumps(options[option])}"
            fitting = [name for name, other in family.canonical.items() if getattr(other, option, None) == options[option]]
            instead = f"name one written for {value} ({', '.join(fitting)}) or change the option" if fitting else "change the option"
            raise self.fail(
                where,
                f"canonical instance {canonical!r} was written for {option} = {json.dumps(written_for)}, "
                f"but the part has {value}{'' if option in given else ' (the default)'}; {instead}",
            )

    def meaning(self, family: str) -> list[str]:
        """The options that decide what a part of ``family`` means, as the families' ``needs`` name them: those
        that make it refer back (``when``) and those it must set alike with the part it refers to (``same``),
        its own need's and those of needs that name it."""
        names = []
        for name, other in self.families.items():
            need = other.need
            if need is not None and name == family:
                names += [*need.when, *need.same]
            if need is not None and need.family == family:
                names += need.same
        return list(dict.fromkeys(names))

    def draw_of(self, named: str | None, where: str) -> str | None:
        """The label of the first part of the draw an earlier part ``named`` belongs to (None: a draw of its own)."""
        if named is None:
            return None
        slots = {part.label: part.slot for _, part in self.read}
        if named not in slots:
            earlier = ", ".join(slots) or "none"
            raise self.fail(where, f"'same_draw_as' must name an earlier part's label, got {named!r} (earlier: {earlier})")
        return slots[named]

    def points(self, data: dict, where: str) -> int | float | None:
        """Whole or half points: halves are exact in binary, so their sums print exactly."""
        value = data.get("points")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(where, f"'points' must be a number, got {value!r}")
        if not float(2 * value).is_integer():
            raise self.fail(where, f"'points' must be whole or a half, such as 2 or 2.5, got {value!r}")
        if value < 0:
            raise self.fail(where, f"'points' must not be negative, got {value!r}")
        return int(value) if float(value).is_integer() else value

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
            intro=self.text(data, "intro", where, "", limit=2000, lines=True),
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
            raise self.fail(where, unknown("family", name, self.families, "known families"))
        given = self.value(data, "options", dict, where, {})
        try:
            options = family.resolve_options(given)
        except OptionError as exc:
            raise self.fail(f"{where}, family {name}", str(exc)) from None
        canonical = self.value(data, "canonical", str, where)
        if canonical is not None and canonical not in family.canonical:
            raise self.fail(f"{where}, family {name}", unknown("canonical instance", canonical, family.canonical, "known"))
        if canonical is not None:
            self.check_canonical(f"{where} ({label}), family {name}", family, canonical, options, given)
        part = PartSpec(
            label=label,
            family=name,
            options=options,
            points=self.points(data, where),
            canonical=canonical,
            same_draw_as=self.draw_of(self.value(data, "same_draw_as", str, where), f"{where} ({label})"),
        )
        self.read.append((where, part))
        return part
