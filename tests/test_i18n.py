"""Languages (issue 21): one gettext catalogue per language, German builds, English unchanged.

The catalogue tests read locale/; the build tests typeset the reference sheets in German and
read the PDFs back with pdftotext, as a student would read them.
"""

import datetime
import json
import pickle
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from generator.cli import app
from generator.i18n import EXTRACTION, KEYWORDS, PROJECT_DIR, catalogue_path, languages, placeholders, translations
from generator.kit.language import Reason, joined, localized_decimal, speaking
from generator.kit.printing import tex
from generator.pipeline.build import build_sheets, sheet_sources
from generator.pipeline.generate import Draw
from generator.pipeline.project import Project
from generator.pipeline.render import written_date

REFERENCE = ["idl-math-background", "dl-exercise-sheet-1"]
DRAWS = {"canonical": Draw(None), "seed-11": Draw(11)}


def german_catalogue():
    with catalogue_path("de").open("rb") as po:
        return read_po(po, locale="de")


def test_every_message_has_a_german_translation():
    """No message of the catalogue is missing its German text or only guessed (fuzzy), and each
    translation keeps its placeholders (``%(name)s``, ``{name}``), or rendering it would fail."""
    problems = translation_problems(message for message in german_catalogue() if message.id)
    assert not problems, "\n".join(problems)


def translation_problems(messages) -> list[str]:
    """Each message without German text (or only guessed, fuzzy), or whose text lost a placeholder."""
    problems = []
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        msgid = ids[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # German's forms are the singular's and the plural's: each keeps its own message's placeholders
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {msgid!r}")
        elif any(placeholders(string) != placeholders(ids[min(index, len(ids) - 1)]) for index, string in enumerate(strings)):
            problems.append(f"placeholders differ: {msgid!r}")
    return problems


def test_german_wording_a_reader_stumbled_over_is_gone():
    """A strict TA read of the German sheets (seed 7412): an exercise title without the gradients its part asks for,
    English word order ('abgeschlossen unter affinen Abbildungen'), 'Linear- und Quadratformen', 'Aufaddiert:', and
    the KL divergence called 'kein Abstand'."""
    german = translations("de").gettext
    assert german("Derivatives, Jacobians, divergence") == "Ableitungen, Jacobi-Matrizen, Divergenz"
    assert german("Gradients of linear and quadratic functions") == "Gradienten linearer\u00a0und quadratischer\u00a0Funktionen"
    assert german("Adding them up:") == "Insgesamt:"
    strings = [m.string for m in german_catalogue() if m.id and isinstance(m.string, str)]
    for stumbled in ("abgeschlossen unter", "Linear- und Quadrat", "Aufaddiert", "kein Abstand"):
        assert not any(stumbled in string for string in strings), stumbled


def test_the_catalogue_holds_every_message_of_the_sources():
    """``make translations`` has been run: every message extracted from the sources now is in messages.pot."""
    with EXTRACTION.open(encoding="utf-8") as config:
        methods, options = parse_mapping_cfg(config)
    extracted = {
        (message[0] if isinstance(message, tuple) else message, context)
        for _, _, message, _, context in extract_from_dir(PROJECT_DIR, methods, options, KEYWORDS)
    }
    with (PROJECT_DIR / "locale" / "messages.pot").open("rb") as pot:
        template = {(m.id[0] if isinstance(m.id, tuple) else m.id, m.context) for m in read_po(pot) if m.id}
    assert not extracted - template, f"run `make translations`: {sorted(extracted - template)[:5]}"


def test_plural_forms_and_placeholders_come_from_the_catalogue():
    german = translations("de")
    assert german.ngettext("%(points)s point", "%(points)s points", 1) % {"points": 1} == "1~Punkt"
    assert german.ngettext("%(points)s point", "%(points)s points", 2) % {"points": "2,5"} == "2,5~Punkte"
    assert languages() == ["en", "de"]


def test_a_translation_that_lost_a_placeholder_prints_in_english(tmp_path):
    """A broken msgstr cannot break a build: the message prints as its English msgid."""
    from generator.i18n import _kept

    assert _kept("$%(f)s$ ableiten", "differentiate $%(f)s$") == "$%(f)s$ ableiten"
    assert _kept("$%(g)s$ ableiten", "differentiate $%(f)s$") == "differentiate $%(f)s$"
    assert _kept("${x}$ kürzen", "cancel ${factor}$") == "cancel ${factor}$"


def test_numbers_and_dates_in_german():
    assert localized_decimal("1.0986", "de") == "1{,}0986"
    assert localized_decimal("-0.0959", "de") == "-0{,}0959"
    assert localized_decimal("12", "de") == "12"
    assert localized_decimal("1.0986", "en") == "1.0986"
    assert written_date(datetime.date(2026, 12, 5), "de") == "5. Dezember 2026"
    assert written_date(datetime.date(2026, 12, 5), "en") == "5 December 2026"
    import sympy

    value = sympy.Float("1.0986", 5)
    with speaking("de"):
        assert tex(value) == "1{,}0986"
    assert tex(value) == "1.0986"


def test_a_reason_is_its_english_text_and_translates_with_its_maths():
    reason = Reason("{rule}; {idle}", rule=Reason("sum rule"), idle=Reason("does not depend on ${x}$", x="y"))
    assert reason == "sum rule; does not depend on $y$"
    german = translations("de").gettext
    assert reason.translated(german) == "Summenregel; hängt nicht von $y$ ab"
    assert pickle.loads(pickle.dumps(reason)).translated(german) == reason.translated(german)
    assert Reason("$e^{x}$ as written") == "$e^{x}$ as written"  # no arguments: braces are kept
    # reasons side by side are each translated, the last too ("Summenregel, chain rule" had kept it in English)
    assert joined(["sum rule", "chain rule"]).translated(german) == "Summenregel, Kettenregel"


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS.keys())
@pytest.mark.parametrize("name", REFERENCE)
def test_english_sources_load_no_language_package_and_leave_no_placeholder(name, draw):
    """English is the msgids themselves: nothing of the language machinery shows in its LaTeX."""
    for source in sheet_sources(name, draw).values():
        assert "{babel}" not in source
        assert not re.search(r"%\(\w+\)[sd]", source)


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    """The reference sheets built in German: {(sheet, draw name): folder}."""
    built = {}
    for draw_name, draw in DRAWS.items():
        out = tmp_path_factory.mktemp(f"de-{draw_name}")
        for target in build_sheets(REFERENCE, draw, out, Project(language="de")):
            built[target.parent.name, draw_name] = target
    return built


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


# English that must not be left in a German sheet. The engine's: the header, the recap boxes and the kit's
# reasons (phrases a family's own prose may use too, such as "chain rule", are listed with the families').
ENGINE_PHRASES = [
    r"\bExercise \d", r"\bSolutions?\b", r"\bOriginal instance\b", r"\d points?\b", r"\bpoints in total\b",
    r"\bSheet \d", r"\b[Ss]heet code\b", r"\bSeed\b", r"\btable of derivatives\b", r"\bsum rule\b",
    r"\bcommon denominator\b", r"\bcollect like terms\b", r"\bfactor out\b", r"\bsplit logs\b",
    r"\bRules of differentiation\b", r"\bInformation theory\b", r"\bFor differentiable\b", r"\bNotation: lowercase\b",
    r"\bconstant factor\b", r"\bFor\b", r"\bas above\b",
]
# The families' (templates/problems/*.tex.j2 and problems/*.py), translated where each family lives.
FAMILY_PHRASES = [
    r"\bCompute\b", r"\bDetermine\b", r"\bLet\b", r"\bProve\b", r"\bShow\b", r"\bHence\b", r"\bthe\b", r"\band\b",
    r"\bwith\b", r"\bwhere\b", r"\bfor\b", r"\bdefinition of\b", r"\bderivative\b", r"\bgradient\b", r"\bentropy\b",
    r"\bdivergence\b", r"\brandom variable\b", r"\bvariance\b", r"\bchain rule\b", r"\bproduct rule\b",
    r"\bquotient rule\b", r"\bdoes not depend\b", r"\bcollect\b", r"\bexpand\b", r"\bcancel\b",
    # Reasons the German reviewer found in English (pdftotext may break "matrix–vector product" after the dash).
    r"\bmatrix\b", r"\bvector product\b", r"\bdot product\b", r"\binner sum\b", r"\bintegrals\b",
]


def english_left(text: str, phrases: list[str]) -> list[str]:
    return [phrase for phrase in phrases if re.search(phrase, text)]


@pytest.mark.parametrize("draw_name", DRAWS)
@pytest.mark.parametrize("name", REFERENCE)
def test_german_build_has_no_english_of_the_engine(german, name, draw_name):
    folder = german[name, draw_name]
    for kind in ("exercise", "solution"):
        text = pdftotext(folder / f"{name}-{kind}.pdf")
        assert not english_left(text, ENGINE_PHRASES), (kind, english_left(text, ENGINE_PHRASES))
    assert "Aufgabe" in text and "Lösung." in text and "Punkte" in text


@pytest.mark.parametrize("draw_name", DRAWS)
@pytest.mark.parametrize("name", REFERENCE)
def test_german_build_has_no_english_of_the_families(german, name, draw_name):
    folder = german[name, draw_name]
    for kind in ("exercise", "solution"):
        text = pdftotext(folder / f"{name}-{kind}.pdf")
        assert not english_left(text, FAMILY_PHRASES), (kind, english_left(text, FAMILY_PHRASES))


# Compounds TeX's ngerman patterns split where no German reader would (sheet.tex.j2's \babelhyphenation).
BAD_BREAKS = [r"Kreu-\s+zentropi", r"Definiti-\s+onsbereich"]


@pytest.mark.parametrize("draw_name", DRAWS)
@pytest.mark.parametrize("name", REFERENCE)
def test_german_compounds_break_between_their_words(german, name, draw_name):
    folder = german[name, draw_name]
    for kind in ("exercise", "solution"):
        text = pdftotext(folder / f"{name}-{kind}.pdf")
        assert not english_left(text, BAD_BREAKS), (kind, english_left(text, BAD_BREAKS))


def test_german_decimals_agree_with_the_machine_readable_key(german, tmp_path):
    """Every four-place decimal of the key prints with a comma in the German solution, never with a point;
    answers.json is the same file in every language (dot decimals, English reasons: for machines)."""
    folder = german["dl-exercise-sheet-1", "canonical"]
    solution = pdftotext(folder / "dl-exercise-sheet-1-solution.pdf")
    answers = json.loads((folder / "answers.json").read_text())
    decimals = [
        str(Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
        for problem in answers["problems"]
        for key, values in problem["answers"].items()
        if key.endswith("_decimals")
        for value in values
    ]
    assert len(decimals) >= 5
    for value in decimals:
        assert value.replace(".", ",") in solution and value not in solution, value
    (english,) = build_sheets(["dl-exercise-sheet-1"], Draw(None), tmp_path)
    assert (english / "answers.json").read_bytes() == (folder / "answers.json").read_bytes()


def test_an_unknown_language_is_one_clear_error(write_sheet):
    result = CliRunner().invoke(app, ["build", "idl-math-background", "--seed", "1", "--language", "xx"])
    assert result.exit_code == 1
    assert result.output.startswith("error: --language: language 'xx' has no catalogue") and "en, de" in result.output
    sheets = write_sheet("tiny", 'title = "T"\ncourse = "C"\nlanguage = "fr"\n[[exercise]]\n[[exercise.part]]\nfamily = "recap"\n')
    result = CliRunner().invoke(app, ["build", "tiny", "--seed", "1", "--sheet-dir", str(sheets)])
    assert result.exit_code == 1 and "language 'fr' has no catalogue" in result.output and "Traceback" not in result.output
