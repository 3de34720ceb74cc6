"""Fill the LaTeX templates from checked variants.

Both documents come from the same variants in the same call: the exercise
sheet shows statements, the solution sheet repeats each statement and adds
its worked solution. Templates only insert values; nothing is computed here.
"""

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2
from babel.dates import format_date

from generator import __version__
from generator.errors import GenerationError
from generator.i18n import latex_language
from generator.kit.family import Family, Variant
from generator.kit.language import ENGLISH
from generator.pipeline.breaks import set_breaks
from generator.pipeline.generate import Draw
from generator.pipeline.names import name_latex
from generator.pipeline.names import preamble as names_preamble
from generator.pipeline.reasons import set_reasons
from generator.pipeline.roster import Student
from generator.pipeline.sheet import ExerciseSpec, SheetSpec
from generator.pipeline.templating import template_failure

DOCUMENT_TEMPLATE = "sheet.tex.j2"
KINDS = ("exercise", "solution")
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: digits and capitals without I, L, O and U, so a code read aloud or copied by hand survives."""
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
ENGLISH_DATE = "d MMMM y"
"""``14 October 2026``: how English sheets have always written a date (CLDR's long English date is ``October 14, 2026``)."""


def sheet_code(seed: int) -> str:
    """The short code students see instead of the seed: the seed in base 32, at least four characters.

    It is the seed written otherwise, not a secret: ``seed_of_code`` turns it back, so the
    code on a student's sheet is all it takes to rebuild that sheet (``sheets build --code``).
    """
    digits = ""
    while seed or len(digits) < 4:
        seed, digit = divmod(seed, 32)
        digits = CODE_ALPHABET[digit] + digits
    return digits


def seed_of_code(code: str) -> int:
    """The seed a sheet code stands for; case, hyphens, and O/I/L for 0/1 are forgiven."""
    text = code.upper().translate(_MISREAD)
    if not text or any(char not in CODE_ALPHABET for char in text):
        raise ValueError(f"{code!r} is not a sheet code (digits and letters of {CODE_ALPHABET})")
    seed = 0
    for char in text:
        seed = seed * 32 + CODE_ALPHABET.index(char)
    return seed


def document_inputs(sheet: SheetSpec) -> dict[str, Path]:
    """Files TeX reads besides the source, by the name the source gives them: the logo, as ``sheet-logo.png``.

    TeX may open files only inside its working directory (generator/pipeline/compile.py), so
    the build copies each of these there; the source never names a path of the instructor's disk.
    """
    logo = sheet.settings.logo
    return {f"sheet-logo{logo.suffix.lower()}": logo} if logo else {}


def written_date(day: datetime.date, language: str) -> str:
    """A date as ``language`` writes it (Babel, CLDR data): ``14 October 2026``, ``14. Oktober 2026``.

    The same on every machine, whatever its locale.
    """
    return format_date(day, ENGLISH_DATE if language == ENGLISH else "long", locale=language)


def plural_count(points: float) -> int:
    """The number ngettext picks the plural form of "points" by: 1 is one point; 2.5 and 0.5 are points."""
    return int(points) if float(points).is_integer() else 2


@dataclass(frozen=True)
class RenderedPart:
    label: str
    letter: str
    points: int | None
    family: str
    template: str
    statement: str
    solution: str


def render_part(env: jinja2.Environment, family: Family, variant: Variant) -> tuple[str, str]:
    """The statement and solution LaTeX of one variant."""
    try:
        macros = env.get_template(family.template).module
        return (
            set_breaks(set_reasons(str(macros.statement(variant.params, variant.answer)).strip())),
            set_breaks(set_reasons(str(macros.solution(variant.params, variant.answer)).strip())),
        )
    except jinja2.TemplateError as exc:
        raise GenerationError(f"{template_failure(env, exc, family.template)} (family {family.name}, seed {variant.seed})") from exc


@dataclass(frozen=True)
class RenderedExercise:
    spec: ExerciseSpec
    parts: tuple[RenderedPart, ...]


def render_exercises(
    env: jinja2.Environment, sheet: SheetSpec, variants: Sequence[Variant], families: Mapping[str, Family]
) -> tuple[RenderedExercise, ...]:
    """Every exercise of one sheet instance, with statements and solutions filled in (``variants``: one per part)."""
    by_label = {variant.label: variant for variant in variants}
    return rendered_exercises(sheet, families, render_parts(env, [by_label[part.label] for part in sheet.parts], families))


def render_parts(env: jinja2.Environment, variants: Sequence[Variant], families: Mapping[str, Family]) -> tuple[tuple[str, str], ...]:
    """The statement and solution LaTeX of each variant, in order."""
    return tuple(render_part(env, families[variant.family], variant) for variant in variants)


def rendered_exercises(
    sheet: SheetSpec, families: Mapping[str, Family], texts: Sequence[tuple[str, str]]
) -> tuple[RenderedExercise, ...]:
    """The exercises of ``sheet`` around the statement and solution of each of its parts (``texts``, in sheet order)."""
    text_of = dict(zip((part.label for part in sheet.parts), texts))
    exercises = []
    for exercise in sheet.exercises:
        parts = []
        for part in exercise.parts:
            family = families[part.family]
            statement, solution = text_of[part.label]
            letter = part.label[len(exercise.label) :]
            parts.append(
                RenderedPart(part.label, letter, part.points, family.name, family.template, statement, solution)
            )
        exercises.append(RenderedExercise(exercise, tuple(parts)))
    return tuple(exercises)


@dataclass(frozen=True)
class Instance:
    """One copy of a sheet inside a document: a draw, maybe for one student, rendered.

    A plain build typesets one instance; a class build typesets many in one TeX
    run, each starting on a fresh page numbered 1 at the PDF destination ``key``.
    """

    key: str
    draw: Draw
    exercises: tuple[RenderedExercise, ...]
    student: Student | None = None


def render_documents(
    env: jinja2.Environment, sheet: SheetSpec, instances: Sequence[Instance], families: Mapping[str, Family]
) -> dict[str, str]:
    """``{"exercise": tex, "solution": tex}`` holding every instance, in order."""
    return {kind: "".join(document_pieces(env, sheet, instances, families, kind)) for kind in KINDS}


def document_pieces(
    env: jinja2.Environment,
    sheet: SheetSpec,
    instances: Iterable[Instance],
    families: Mapping[str, Family],
    kind: str,
    students: Sequence[Student] = (),
) -> Iterator[str]:
    """The LaTeX of one document, piece by piece, taking each instance only when its turn comes.

    A class batch is fed to TeX this way while later students are still being generated; its
    ``students`` are named up front, as the preamble loads what their names' scripts need.
    """
    family_lines = [line for part in sheet.parts for line in families[part.family].preamble]
    name_lines = names_preamble(student.name for student in students)
    context = {
        "sheet": sheet,
        "instances": instances,
        "version": __version__,
        "total_points": sum(exercise.points or 0 for exercise in sheet.exercises),
        "preamble": list(dict.fromkeys(family_lines + name_lines)),
        "solutions": kind == "solution",
        "settings": sheet.settings,
        "sheet_code": sheet_code,
        "name_latex": name_latex,
        "inputs": document_inputs(sheet),
        "date": partial(written_date, language=sheet.settings.language),
        "latex_language": latex_language(sheet.settings.language),
        "plural_count": plural_count,
    }
    try:
        yield from env.get_template(DOCUMENT_TEMPLATE).generate(context)
    except jinja2.TemplateError as exc:
        raise GenerationError(template_failure(env, exc, DOCUMENT_TEMPLATE)) from exc
