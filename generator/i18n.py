"""The message catalogue: one gettext catalogue per language, ``locale/<language>/LC_MESSAGES/messages.po``.

Every word the engine, the templates and the families print is a msgid (English) in
``locale/messages.pot``, extracted with ``make translations`` (docs/languages.md). A language is
one ``.po`` file; it is compiled here, in memory, when a build first needs it (with Babel, never
by hand, and never committed as a ``.mo``). English needs no catalogue: its text is the msgids.

A message without a translation, or with a fuzzy one, prints in English; ``sheets check`` lists them
(``missing_messages``).
"""

import contextlib
import gettext
import io
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel import Locale
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from babel.util import pathmatch

from generator.errors import ConfigError
from generator.kit.language import ENGLISH
from generator.speed import remembered

PROJECT_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = PROJECT_DIR / "locale"
EXTRACTION = PROJECT_DIR / "babel.cfg"
DOMAIN = "messages"
KEYWORDS = {**DEFAULT_KEYWORDS, "Step": (2,), "Reason": None}
"""The calls whose strings are messages: gettext's, a ``Step``'s reason and a ``Reason`` (``N_`` is a default).
``make translations`` passes the same to pybabel (``-k Step:2 -k Reason -k N_``)."""
_LATEX_NAMES = {"de": "ngerman"}
"""babel (LaTeX) language names that are not the English name of the language in lower case."""


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    """English and every language with a catalogue in ``locale/``."""
    found = sorted(path.parents[1].name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [ENGLISH, *(language for language in found if language != ENGLISH)]


def check_language(language: str, where: str = "") -> str:
    """``language`` if it has a catalogue; else one clear error naming those that do."""
    known = languages()
    if language not in known:
        raise ConfigError(
            f"{where}language {language!r} has no catalogue (locale/{language}/LC_MESSAGES/{DOMAIN}.po); "
            f"languages: {', '.join(known)} (docs/languages.md says how to add one)"
        )
    return language


@remembered(None)
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``, compiled from its ``.po`` file once per process; English: none.

    Fuzzy entries are left out, so a guess nobody has confirmed prints in English.
    """
    if language == ENGLISH:
        return gettext.NullTranslations()
    with catalogue_path(check_language(language)).open("rb") as po:
        catalogue = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return _Guarded(compiled, domain=DOMAIN)


def placeholders(text: str) -> set[tuple[str, str]]:
    """The values a message takes: ``%(name)s`` (templates, Python text) and ``{name}`` (reasons).

    A brace group after a command, a word, ``^`` or ``_`` is LaTeX (``\\emph{gradient}``, ``x^{2}``), not a value.
    """
    return set(_PLACEHOLDER.findall(text))


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|(?<![\\\w^_])\{(\w+)\}")


class _Guarded(Translations):
    """A catalogue that never breaks a build: a translation that lost or renamed a placeholder of its
    msgid prints the English text instead (``tests/test_i18n.py`` fails on it)."""

    def gettext(self, message: str) -> str:
        return _kept(super().gettext(message), message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _kept(super().ngettext(singular, plural, n), singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return _kept(super().pgettext(context, message), message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return _kept(super().npgettext(context, singular, plural, n), singular if n == 1 else plural)


def _kept(translated: str, english: str) -> str:
    return translated if placeholders(translated) == placeholders(english) else english


def latex_language(language: str) -> str:
    """The name LaTeX's babel package knows ``language`` by (``ngerman``, ``french``, ...)."""
    return _LATEX_NAMES.get(language) or Locale.parse(language).english_name.lower()


def missing_messages(language: str, messages: Iterable[tuple[str | tuple[str, ...], str | None]]) -> list[str]:
    """The msgids among ``messages`` (msgid, context) that ``language``'s catalogue does not translate:
    absent (not extracted yet, or not translated) or fuzzy. English translates everything."""
    if language == ENGLISH:
        return []
    with catalogue_path(language).open("rb") as po:
        catalogue = read_po(po, locale=language)
    missing = []
    for msgid, context in dict.fromkeys(messages):
        message = catalogue.get(msgid[0] if isinstance(msgid, tuple) else msgid, context=context)
        text = message.string if message is not None else None
        if message is None or message.fuzzy or not (all(text) if isinstance(text, tuple) else text):
            missing.append(msgid[0] if isinstance(msgid, tuple) else msgid)
    return missing


def file_messages(path: Path) -> tuple[list[tuple[str | tuple[str, ...], str | None]], list[int]]:
    """The messages (msgid, context) of one source file, extracted as ``make translations`` does (babel.cfg),
    and the lines of reasons written as f-strings, which no catalogue can hold (pybabel skips them)."""
    with EXTRACTION.open(encoding="utf-8") as config:
        methods, options = parse_mapping_cfg(config)
    relative = path.resolve().relative_to(PROJECT_DIR).as_posix()
    for pattern, method in methods:
        if pathmatch(pattern, relative):
            skipped = io.StringIO()
            with contextlib.redirect_stderr(skipped):
                found = extract_from_file(method, path, KEYWORDS, options=options.get(pattern, {}))
            lines = [int(line) for line in re.findall(r":(\d+): warning: Skipping f-string", skipped.getvalue())]
            return [(message, context) for _, message, _, context in found], lines
    return [], []


SHEET_TEXT = ("title", "course", "instructions")
EXERCISE_TEXT = ("title", "intro")


def extract_sheet(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, str, list[str]]]:
    """A ``pybabel extract`` method for sheet files: their titles, course, instructions and intros.

    A sheet's own text is printed through the catalogue too (``translate`` filter), so a reference
    sheet reads in German when built in German; text without a translation prints as written.
    """
    source = fileobj.read().decode("utf-8")
    data = tomllib.loads(source)
    texts = [data.get(key) for key in SHEET_TEXT]
    texts += [exercise.get(key) for exercise in data.get("exercise", []) for key in EXERCISE_TEXT]
    for text in texts:
        if isinstance(text, str) and text:
            yield _line_of(source, text), "gettext", text, []


def _line_of(source: str, text: str) -> int:
    """The line where ``text`` is written as a whole string in ``source`` (0: not found as written, e.g. escaped)."""
    for written in (f'"{text}"', f"'{text}'", f'"""{text}"""', text):
        if written in source:
            return source[: source.index(written)].count("\n") + 1
    return 0
