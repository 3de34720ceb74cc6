"""What each student must answer: their own key, read from a build's answers.json.

A build directory holds answers.json: a single sheet's problems, or a class's, one list
of problems per student (with ``--unique``, each student's own variants). Every answer
field a family keys (``Family.answer_key``) becomes one or more *answer columns*, named
``<problem>.<field>`` and, for a list of answers, ``<problem>.<field>.<n>`` (counted from 1,
``.<n>.<m>`` for lists of lists): ``1.3a.derivatives.2`` is the second derivative of 1.3a.
A submissions CSV and ``sheets grade --template`` use these names.

A key that the grammar cannot read (a matrix expression such as ``w.T*Q*w``, a sum with
indices) is not graded: the template leaves its column out, grading skips it (in the worker
that reads the key, so keys are read in parallel) and the report names it.
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy

from generator.errors import ConfigError
from generator.grading.equivalence import FORMS, Rule
from generator.grading.grammar import Unreadable, read_key
from generator.kit.family import Family
from generator.pipeline.project import Project
from generator.speed import remembered

__all__ = ["Answer", "Build", "Key", "Part", "columns", "gradeable_columns", "load_build", "readable", "rules"]

GRADING_KEYS = {"forms", "digits", "domain"}


@dataclass(frozen=True)
class Answer:
    """One answer a student must give: its column, its key (as stored) and how it is graded."""

    column: str
    problem: str
    key: str
    rule: Rule

    @property
    def value(self) -> sympy.Basic:
        return _read_key(self.key)


@dataclass(frozen=True)
class Part:
    """One problem of one student's sheet: its points and the answers it is graded on."""

    label: str
    family: str
    points: float
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Key:
    """One student's key: their problems, in sheet order."""

    parts: tuple[Part, ...]

    def answers(self) -> Iterator[Answer]:
        return (answer for part in self.parts for answer in part.answers)


@dataclass(frozen=True)
class Build:
    """A build to grade: the sheet, and a key per student (one key for everybody for a single sheet)."""

    sheet: str
    seed: int | None
    unique: bool
    keys: Mapping[str, Key]
    """Student id -> key; a single sheet's one key is under ``""``."""
    names: Mapping[str, str]
    columns: tuple[str, ...]
    """Every answer column, in sheet order: what a submissions CSV may hold."""

    @property
    def roster(self) -> bool:
        return "" not in self.keys

    def key(self, student: str) -> Key:
        return self.keys[student] if self.roster else self.keys[""]


def load_build(directory: Path, families: Mapping[str, Family], project: Project) -> Build:
    """Read ``directory/answers.json``; ``ConfigError`` when it is missing or is not a build's."""
    path = Path(directory) / "answers.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        sheet_name = document["sheet"]
        students = document.get("students")
        records = students if students is not None else [{"id": "", "name": "", "problems": document["problems"]}]
    except FileNotFoundError:
        raise ConfigError(
            f"{directory} has no answers.json: give a build directory, such as build/<sheet>/seed-<S>/"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path} is not a build's answers.json ({exc})") from None
    points = _points(project, sheet_name)
    columns: dict[str, None] = {}
    keys = {}
    for record in records:
        parts = tuple(_part(problem, families, points) for problem in record["problems"])
        keys[record["id"]] = Key(parts)
        columns.update((answer.column, None) for part in parts for answer in part.answers)
    names = {record["id"]: record.get("name", "") for record in records}
    return Build(sheet_name, document.get("seed"), bool(document.get("unique")), keys, names, tuple(columns))


def _points(project: Project, sheet_name: str) -> dict[str, float]:
    """Problem label -> points, from the sheet definition (a part without points counts 1)."""
    try:
        sheet = project.load_sheet(sheet_name)
    except ConfigError as exc:
        raise ConfigError(f"cannot read the points of sheet {sheet_name!r}: {exc}") from None
    return {part.label: float(part.points if part.points is not None else 1) for part in sheet.parts}


def _part(problem: dict, families: Mapping[str, Family], points: Mapping[str, float]) -> Part:
    label, family_name = problem["label"], problem["family"]
    family = families.get(family_name)
    if family is None:
        raise ConfigError(f"answers.json names family {family_name!r}, which this project does not have")
    if label not in points:
        raise ConfigError(f"the sheet no longer has a problem {label!r}: grade with the sheet the build was made from")
    field_rules = rules(family)
    answers = []
    for name in _keyed_fields(family, problem["answers"]):
        rule = field_rules.get(name, field_rules[""])
        answers += [
            Answer(column, label, text, rule) for column, text in columns(f"{label}.{name}", problem["answers"][name])
        ]
    return Part(label, family_name, points[label], tuple(answers))


def rules(family: Family) -> dict[str, Rule]:
    """Field name -> how it is graded, from ``Family.grading``; ``""`` is every other field."""
    grading = dict(family.grading or {})
    unknown = set(grading) - GRADING_KEYS
    if unknown:
        raise ValueError(
            f"family {family.name}: unknown grading keys {sorted(unknown)} (known: {sorted(GRADING_KEYS)})"
        )
    forms = grading.get("forms", {})
    for field_name, form in forms.items():
        if form not in FORMS:
            raise ValueError(
                f"family {family.name}: field {field_name} has unknown form {form!r} (known: {', '.join(FORMS)})"
            )
    digits, domain = grading.get("digits", 3), dict(grading.get("domain", {}))
    return {"": Rule(None, digits, domain)} | {name: Rule(form, digits, domain) for name, form in forms.items()}


def _keyed_fields(family: Family, answers: Mapping[str, Any]) -> list[str]:
    """The fields answer-key.csv lists, as ``Family.answer_key`` chooses them, from the stored answers."""
    if family.key_fields:
        return [name for name in family.key_fields if name in answers]
    return [name for name, value in answers.items() if _plain(value)]


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return isinstance(value, str)


def columns(column: str, value: Any) -> Iterator[tuple[str, str]]:
    """(answer column, key) for a stored answer field: ``1.3a.derivatives`` and a list give ``1.3a.derivatives.1``, ..."""
    if isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from columns(f"{column}.{index}", item)
    else:
        yield column, value


@remembered(16384)
def _read_key(text: str) -> sympy.Basic:
    return read_key(text)


def readable(answer: Answer) -> bool:
    """Whether the grammar reads ``answer``'s key: a key that is not typed maths is not graded."""
    try:
        _read_key(answer.key)
    except Unreadable:
        return False
    return True


def gradeable_columns(build: Build) -> tuple[str, ...]:
    """The columns a submission form needs: those whose key (the first student's that has it) is typed maths."""
    first: dict[str, Answer] = {}
    for key in build.keys.values():
        for answer in key.answers():
            first.setdefault(answer.column, answer)
    return tuple(column for column in build.columns if readable(first[column]))
