"""The one Jinja environment for LaTeX templates.

Delimiters are chosen not to clash with TeX braces (as Sphinx's LaTeX writer
does): ``<< value >>``, ``<% statement %>``, ``<# comment #>``. Undefined
names are errors. Maths goes through the ``tex`` filter (one SymPy printer),
plain text through ``text`` (pylatexenc), so user text cannot inject TeX; the
reasons of worked steps through ``reason``, text with ``$...$`` maths.

One environment per language: Jinja's i18n extension translates ``<% trans %>`` blocks and
``_()`` through the language's catalogue (``generator/i18n.py``), the ``reason`` and ``translate``
filters pass step reasons and sheet text through it, and numbers print with the language's
decimal mark (``decimal``, ``number``, and the floats ``tex`` prints) and separate the entries of a tuple as it
does (``entries``, a law's ``notation``: ``(-2; 0)`` in German; numbers listed in running text, ``listing``, only
where one has a decimal comma). English has no catalogue:
its text is the msgids, printed as written.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jinja2
import jinja2.meta
import sympy
from pylatexenc.latexencode import UnicodeToLatexEncoder

from generator.i18n import catalogue_path, translations
from generator.kit.decimals import exact_decimal, fixed
from generator.kit.language import ENGLISH, Reason, localized_decimal, speaking
from generator.kit.printing import argument, bracket, inline, row, tex
from generator.kit.probability import Law
from generator.kit.steps import shown
from generator.kit.widths import BOXED_REASON, LONG_REASON, visible_length
from generator.speed import remembered, template_cache

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"

_TEXT_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=False,
    replacement_latex_protection="braces-all",
    unknown_char_policy="unihex",
    unknown_char_warning=False,
)
_STRICT_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=False, unknown_char_policy="fail", unknown_char_warning=False
)


# TeX turns "--", "<<" and ">>" (T1) and ",," into single glyphs; "{}" keeps them apart.
_LIGATURE = re.compile(r"([-<>,])(?=[-<>,])")


# Straight quotes would print as curly ones; these glyphs print them as typed.
_QUOTES = {"`": r"{\textasciigrave}", "'": r"{\textquotesingle}"}


def escape_text(value: object) -> str:
    """Plain text made safe to typeset literally in LaTeX."""
    return _escaped(str(value))


@remembered(8192)
def _escaped(value: str) -> str:
    """Escaped once per process: course names, titles and the reasons of worked steps recur on every sheet."""
    pieces = re.split(r"([`'])", unicodedata.normalize("NFC", value))
    latex = "".join(_QUOTES.get(piece) or _TEXT_ENCODER.unicode_to_latex(piece) for piece in pieces)
    return _LIGATURE.sub(r"\1{}", latex)


def escape_reason(value: object) -> str:
    """A worked step's reason: text escaped like ``escape_text``, ``$...$`` kept as the maths it is.

    Reasons are written in the problem modules, never by users, and a rule such as
    ``$\\operatorname{Var}(aX + b) = a^2 \\operatorname{Var}(X)$`` should print like the maths beside it.
    """
    pieces = str(value).split("$")
    if len(pieces) % 2 == 0:
        raise ValueError(f"unbalanced $ in the reason {value!r}")
    return "".join(f"${piece}$" if index % 2 else escape_text(piece) for index, piece in enumerate(pieces))


_UNDEFINED_IN_T1 = frozenset("ŉƕƞəɛɸʔʞ")
"""Letters pylatexenc writes as macros that T1 and LaTeX's kernel do not define (``\\nument``,
``\\texthvlig``, the IPA symbols of tipa): tests/test_names.py typesets every other letter."""


def unprintable_character(value: str) -> str | None:
    """The first character our pdfLaTeX setup cannot typeset literally, if any.

    User text is checked with this when it is read, so that it is refused
    with a clear message instead of printing as a placeholder.
    """
    for char in unicodedata.normalize("NFC", value):
        if char in "\n\t":
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") or char in _UNDEFINED_IN_T1:
            return char
        try:
            _STRICT_ENCODER.unicode_to_latex(char)
        except ValueError:
            return char
    return None


def decimal(value: object, digits: int = 4) -> str:
    """A fixed-point decimal for an exact SymPy number, e.g. ``1.0986``, right in its last digit, for TeX to read.

    The same in every language (a chart's bar heights); a decimal a reader reads is written with the
    language's decimal mark by the ``decimal`` filter (``localized``).
    """
    return fixed(value, digits)


def approximately(value: object, digits: int, language: str, asked: bool = True) -> str:
    """``= 0.6000`` for a value whose decimal is exact in ``digits`` places, else ``\\approx 0.4865``: what follows an
    exact value in a line of working, to the places asked (a whole number stays whole). A matrix (or vector) follows it
    entry by entry (``approximately_matrix``). Where no places are ``asked``, an exact decimal is written as it is,
    ``32/5 = 6.4``: ``6.4000`` read as rounded to places nobody asked for (two TA reads)."""
    if isinstance(value, sympy.MatrixBase):
        return approximately_matrix(value, digits, language)
    exact = exact_decimal(value, digits)
    if exact is not None:
        return f"= {localized_decimal(exact if '.' not in exact or not asked else fixed(value, digits), language)}"
    return rf"\approx {localized_decimal(fixed(value, digits), language)}"


def approximately_matrix(matrix: sympy.MatrixBase, digits: int, language: str) -> str:
    """``= [0.2500 0.5000]`` when every entry is exact in ``digits`` places, else ``\\approx [0.1667 0.5000]``: one entry
    not exact makes the matrix approximate. Every entry to the places asked, so the column lines up and a sheet asking
    for four places shows four (``0.750`` beside an English ``0.7500`` read as another precision, TA read)."""
    relation = "=" if exact_in(matrix, digits) else r"\approx"
    entries = [localized_decimal(fixed(entry, digits), language) for entry in matrix]
    rows = (" & ".join(entries[row * matrix.cols : (row + 1) * matrix.cols]) for row in range(matrix.rows))
    return rf"{relation} \begin{{bmatrix}}" + "\\\\".join(rows) + r"\end{bmatrix}"


def exact_in(value: object, digits: int) -> bool:
    """Whether ``value`` (every entry of a matrix) is an exact decimal in ``digits`` places, so that ``approx`` writes it
    with ``=`` and a reason saying it was rounded would be false (softmax's 3/16 = 0.1875, two TA reads)."""
    entries = value if isinstance(value, sympy.MatrixBase) else (value,)
    return all(exact_decimal(entry, digits) is not None for entry in entries)


def localized(language: str) -> dict[str, object]:
    """The filters whose output depends on ``language``: translated text, numbers with its decimal mark."""
    catalogue = translations(language)
    decimal_mark = localized_decimal("0.5", language)[1:-1]  # as a number prints its mark: "{,}" in German

    def translate(value: object) -> object:
        """Text in ``language``: a ``Reason`` translates its msgid and fills its arguments in; other text is
        its own msgid (printed as written when the catalogue does not have it)."""
        if isinstance(value, Reason):
            with speaking(language):  # its maths (``Maths``) in the language too
                return value.translated(catalogue.gettext)
        return catalogue.gettext(value) if value else value

    def in_language(value: object) -> str:
        with speaking(language):
            return tex(value)

    def in_line(value: object) -> str:
        """``inline``: LaTeX with fractions written with a slash, for a value in brackets in running text (``F(\\pi/2)``)."""
        with speaking(language):
            return inline(value)

    def as_argument(value: object) -> str:
        """``argument``: LaTeX of a value as it prints inside a function, for an inner function named beside it."""
        with speaking(language):
            return argument(value)

    def entries(values: Iterable[object]) -> str:
        """Values in a row (a point, a vector written as a transposed row), separated as ``language`` separates a tuple."""
        with speaking(language):
            return row(tex(value) for value in values)

    def listing(values: Iterable[object]) -> str:
        """Numbers in running text, each its own formula, separated by commas as prose separates them, in German too
        (``$5$, $5$, $1$``: semicolons there read as wrong, TA read); only where one is written with a decimal comma
        are they separated as a tuple's entries, ``$-1{,}5$; $2$``, since ``-1,5, 2`` would not read (TA read). A
        tuple (``entries``) is notation and keeps the language's separator whatever its entries: German textbooks
        write ``(2; 3)`` as ``(0{,}5; 3)``, as ISO 80000-2 advises where the comma is the decimal mark."""
        with speaking(language):
            printed = [tex(value) for value in values]
            written = [f"${number}$" for number in printed]
            return row(written) if any(decimal_mark in number for number in printed) else ", ".join(written)

    def counts(value: object) -> str:
        """A count (or a quotient of counts) in a sentence with a five-digit one: four digits grouped too (``2{,}000``)."""
        with speaking(language):
            return tex(value, thousands=True)

    def notation(law: Law) -> str:
        """A law's symbol and parameters (``Law.notation``) in ``language``: ``\\mathcal{N}(0; 1)`` in German."""
        with speaking(language):
            return law.notation

    return {
        "reason": lambda value: escape_reason(translate(value)),
        "translate": translate,
        "decimal": lambda value, digits=4: localized_decimal(fixed(value, digits), language),
        "approx": lambda value, digits=4, asked=True: approximately(value, digits, language, asked),
        "number": lambda value: localized_decimal(str(value), language),
        "tex": tex if language == ENGLISH else in_language,
        "entries": entries,
        "listing": listing,
        "inline": in_line,
        "argument": as_argument,
        "counts": counts,
        "notation": notation,
    }


def search_path(template_dir: Path = TEMPLATE_DIR) -> list[str]:
    """Where templates are looked up, first match wins: ``template_dir``, then the project's ``templates/``.

    An instructor's folder overlays the built-in one file by file: overriding ``sheet.tex.j2``
    alone keeps every family's template, including families added after the override was written.
    """
    folders = [Path(template_dir).resolve(), TEMPLATE_DIR]
    return [str(folder) for folder in dict.fromkeys(folders)]


class _Loader(jinja2.FileSystemLoader):
    """Templates as files, first match wins; a file that is not UTF-8 text is a template error like a syntax error
    (an instructor's editor may save ``café`` in Latin-1), not a decoding traceback."""

    def get_source(self, environment: jinja2.Environment, template: str):
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            message = f"not UTF-8 text (byte {exc.object[exc.start]:#04x}): save the file as UTF-8"
            raise jinja2.TemplateSyntaxError(message, line, template) from None


def template_failure(env: jinja2.Environment, exc: jinja2.TemplateError, template: str) -> str:
    """``templates/<name>:<line>: template error: ...`` for an error met rendering ``template``: a syntax error where
    it stands (perhaps in a template that ``template`` imports), a runtime error (an undefined name) at the innermost
    template line it was raised on."""
    name, line = template, None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name, line = exc.name or template, exc.lineno
    else:
        traceback = exc.__traceback__
        while traceback is not None:
            if (compiled := traceback.tb_frame.f_globals.get("__jinja_template__")) is not None:
                name, line = compiled.name, compiled.get_corresponding_lineno(traceback.tb_lineno)
            elif traceback.tb_frame.f_code.co_filename.endswith(".j2"):  # a frame Jinja rewrote to the template's line
                name, line = _template_name(env, traceback.tb_frame.f_code.co_filename, template), traceback.tb_lineno
            traceback = traceback.tb_next
    return f"templates/{name}{f':{line}' if line else ''}: template error: {exc.message or exc}"


def _template_name(env: jinja2.Environment, filename: str, fallback: str) -> str:
    """A template file's name as templates call it (``macros/steps.tex.j2``), in whichever folder ``env`` found it."""
    for folder in env.loader.searchpath:
        try:
            return Path(filename).resolve().relative_to(folder).as_posix()
        except ValueError:
            continue
    return fallback


@remembered(None)
def environment(template_dir: Path = TEMPLATE_DIR, language: str = ENGLISH) -> jinja2.Environment:
    """The environment for templates in ``template_dir`` (over the project's), printing in ``language``."""
    env = jinja2.Environment(
        loader=_Loader(search_path(template_dir)),
        block_start_string="<%",
        block_end_string="%>",
        variable_start_string="<<",
        variable_end_string=">>",
        comment_start_string="<#",
        comment_end_string="#>",
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)
    env.globals["language"] = language
    env.globals.update(LONG_REASON=LONG_REASON, BOXED_REASON=BOXED_REASON)  # the steps macro's, as steps_width counts
    env.filters["text"] = escape_text
    env.filters["bracket"] = bracket
    env.filters["dimension"] = decimal
    env.filters["visible_length"] = visible_length
    env.filters["enumerate"] = enumerate  # (index, item): a list (macros/lists.tex.j2) whose items are numbered
    env.filters["shown"] = shown  # a step as the page writes it (macros/steps.tex.j2)
    env.filters.update(localized(language))
    env.tests["exact_in"] = exact_in  # ``a.jacobian is exact_in(4)``: its decimals need no "to four places"
    env.bytecode_cache = template_cache(env)
    return env


def template_sources(env: jinja2.Environment, name: str) -> dict[str, tuple[str, str]] | None:
    """The template ``name`` and every template it imports (and those import), as ``env`` finds them:
    name -> (file, source). What a variant's statement and solution are rendered from, besides the variant.

    None if one of them names another by a value, not a literal: then which file it reads is not known here.
    """
    found: dict[str, tuple[str, str]] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        source, filename, _ = env.loader.get_source(env, current)
        found[current] = (filename or current, source)
        for referenced in jinja2.meta.find_referenced_templates(env.parse(source)):
            if referenced is None:
                return None
            todo.append(referenced)
    return found


def catalogue_digest(language: str) -> str:
    """The SHA-256 of ``language``'s catalogue, which every translated word of a template comes from ("" for English)."""
    if language == ENGLISH:
        return ""
    return hashlib.sha256(catalogue_path(language).read_bytes()).hexdigest()
