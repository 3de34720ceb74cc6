"""Students' names in LaTeX, in whatever script they are written.

pdfLaTeX sets text in 8-bit font encodings, one at a time, so a name is cut into runs that
one writing system prints whole: the sheet's own T1 (Latin, through the ``text`` filter;
letters T1 lacks, such as ǎ or ș, built from LaTeX's accents), T5 (Vietnamese, vntex), T2A
(Cyrillic, cm-super), LGR (Greek, cbfonts) or a CJKutf8 font (Chinese in Arphic's GB or
Big5 fonts, Japanese in Wadalab's, Korean in Nanum's). A run
prefers T1 and keeps whole words together, so a Latin name is exactly the ``text`` filter's
output. A document loads only what its names use (``preamble``): a class of Latin names
gets the same source, and the same bytes, as before any of this existed.

Right-to-left scripts (Hebrew, Arabic, ...) would need bidirectional typesetting that
pdfLaTeX does not do; they and anything else no run prints are ``unprintable``: the roster
warns, and that student's sheet shows the id instead of the name.

What each run puts in the source, and why the Debian packages that scripts/ensure-tex.sh
installs are the ones it needs, is checked by tests/test_names.py against TeX's own tables.
"""

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from generator.pipeline.templating import escape_text, unprintable_character
from generator.speed import remembered

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
"""Vietnamese tone marks: grave, acute, tilde, hook above, dot below."""
_SHAPES = {"\u0302": "aeoAEO", "\u0306": "aA", "\u031b": "ouOU"}
"""Vietnamese vowel marks (circumflex, breve, horn) and the vowels that take them."""
_CYRILLIC = frozenset(map(chr, range(0x0400, 0x0460))) | frozenset(
    "ҐґҒғҖҗҘҙҚқҜҝҠҡҢңҤҥҪҫҮүҰұҲҳҶҷҸҹҺһӀӁӂӐӑӒӓӔӕӖӗӘәӚӛӜӝӞӟӢӣӤӥӦӧӨөӬӭӮӯӰӱӲӳӴӵӸӹ"
)
"""The Cyrillic letters of T2A: Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian,
and the Kazakh, Tatar, Bashkir ... letters T2A adds."""


def _vietnamese(char: str) -> bool:
    """A Vietnamese letter: a vowel with at most one vowel mark and one tone mark, or Đ/đ."""
    if char in "Đđ":
        return True
    base, *marks = unicodedata.normalize("NFD", char)
    shapes = [mark for mark in marks if mark in _SHAPES]
    tones = [mark for mark in marks if mark in _TONES]
    return (
        base in "aeiouyAEIOUY"
        and bool(marks)
        and len(shapes) + len(tones) == len(marks)
        and len(shapes) <= 1
        and len(tones) <= 1
        and all(base in _SHAPES[mark] for mark in shapes)
    )


def _greek(char: str) -> bool:
    """A Greek letter, monotonic or polytonic (LGR has them all; it has no Latin letters)."""
    point = ord(char)
    return (0x0386 <= point <= 0x03CE or 0x1F00 <= point <= 0x1FFC) and unicodedata.category(char).startswith("L")


_ACCENTS = {
    "\u0300": "\\`",
    "\u0301": "\\'",
    "\u0302": "\\^",
    "\u0303": "\\~",
    "\u0304": "\\=",
    "\u0306": "\\u",
    "\u0307": "\\.",
    "\u0308": '\\"',
    "\u030a": "\\r",
    "\u030b": "\\H",
    "\u030c": "\\v",
    "\u0323": "\\d",
    "\u0326": "\\textcommabelow",
    "\u0327": "\\c",
    "\u0328": "\\k",
    "\u0331": "\\b",
}
"""Combining marks and the LaTeX accents that build them on a letter T1 has."""


def _is_latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def _latin(char: str) -> bool:
    """What T1 prints: a Latin letter or a sign the ``text`` filter knows. (The filter also knows
    Greek and Cyrillic letters, as maths symbols and as T2A commands: those go to their own runs.)"""
    letter = unicodedata.category(char).startswith("L")
    return unprintable_character(char) is None and (not letter or _is_latin_letter(char))


def _accented(char: str) -> bool:
    """A Latin letter with one or two marks that LaTeX's accents build on an ASCII letter
    (ǎ, ǚ, ș, ḍ, ...), other than the Vietnamese letters, which T5 has whole."""
    if not _is_latin_letter(char) or _vietnamese(char):
        return False
    base, *marks = unicodedata.normalize("NFD", char)
    return base.isascii() and base.isalpha() and 1 <= len(marks) <= 2 and all(mark in _ACCENTS for mark in marks)


def _accented_latex(run: str) -> str:
    """A run with letters built from accents. Text extraction reads a mark above as the letter it
    makes but a comma or dot below as punctuation, so the run carries its text (PDF ActualText)."""
    pieces = []
    for plain, chars in itertools.groupby(run, key=_latin):
        if plain:
            pieces.append(escape_text("".join(chars)))
            continue
        for char in chars:
            base, *marks = unicodedata.normalize("NFD", char)
            if base in "ij" and unicodedata.combining(marks[0]) == 230:  # a mark above replaces the dot
                base = "\\" + base
            for mark in marks:
                base = f"{_ACCENTS[mark]}{{{base}}}"
            pieces.append(f"{{{base}}}")
    return rf"\sheetactualtext{{{run.encode('utf-16-be').hex().upper()}}}{{{''.join(pieces)}}}"


def _ascii(char: str) -> bool:
    return " " <= char <= "~"


def _han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def _in_charset(char: str, codec: str) -> bool:
    """Whether a legacy CJK character set has ``char``: what each CJK font was made to cover."""
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _kana(char: str) -> bool:
    return 0x3040 <= ord(char) <= 0x30FF


def _han_or_wide_space(char: str) -> bool:
    """A Han character, or the ideographic space that may part a Chinese or Japanese name."""
    return _han(char) or char == "\u3000"


@dataclass(frozen=True)
class Script:
    """One way pdfLaTeX prints part of a name: which characters, the LaTeX around them, the preamble it needs."""

    name: str
    prints: Callable[[str], bool]
    latex: Callable[[str], str]
    preamble: tuple[str, ...] = ()


def _raw(encoding: str) -> Callable[[str], str]:
    """A run in another font encoding: its letters as UTF-8, which LaTeX maps through the encoding's
    ``.dfu`` table; the ASCII in it (spaces, hyphens, apostrophes) escaped as everywhere else."""

    def latex(run: str) -> str:
        body = re.sub(r"[ -~]+", lambda ascii_run: escape_text(ascii_run.group()), run)
        return rf"{{\fontencoding{{{encoding}}}\selectfont {body}}}"

    return latex


_CJK_PREAMBLE = (
    r"\usepackage{CJKutf8}",
    r"\usepackage{pdfrender}",
    # CJKutf8's bold prints every glyph three times, offset: text extraction then reads each
    # character thrice. A stroked outline is as bold and reads once.
    (
        r"\newcommand{\sheetcjk}[2]{\begin{CJK}{UTF8}{#1}\IfFontSeriesContextTF{bf}"
        r"{\mdseries\textpdfrender{TextRenderingMode=FillStroke,LineWidth=0.3}{#2}}{#2}\end{CJK}}"
    ),
)


def _cjk(name: str, prints: Callable[[str], bool]) -> Script:
    return Script(
        name, lambda char: char == " " or prints(char), lambda run: rf"\sheetcjk{{{name}}}{{{run}}}", _CJK_PREAMBLE
    )


SCRIPTS = (
    Script("latin", _latin, escape_text),
    Script(
        "accented latin",
        lambda char: _latin(char) or _accented(char),
        _accented_latex,
        (
            r"\newcommand{\sheetactualtext}[2]{\pdfliteral direct{/Span<</ActualText<FEFF#1>>>BDC}#2\pdfliteral direct{EMC}}",
        ),
    ),
    Script("vietnamese", lambda char: _ascii(char) or _vietnamese(char), _raw("T5"), (r"\usepackage[T5,T1]{fontenc}",)),
    Script(
        "cyrillic",
        lambda char: _ascii(char) or char in _CYRILLIC,
        _raw("T2A"),
        # cm-super has T2A in Computer Modern; Latin Modern has no Cyrillic, so bold would be lost.
        (r"\usepackage[T2A,T1]{fontenc}", r"\DeclareFontFamilySubstitution{T2A}{lmr}{cmr}"),
    ),
    Script("greek", lambda char: char == " " or _greek(char), _raw("LGR"), (r"\usepackage[LGR,T1]{fontenc}",)),
    _cjk("gbsn", lambda char: _han_or_wide_space(char) and _in_charset(char, "gb2312")),
    _cjk("bsmi", lambda char: _han_or_wide_space(char) and _in_charset(char, "big5")),
    _cjk("min", lambda char: (_han_or_wide_space(char) or _kana(char)) and _in_charset(char, "euc_jp")),
    _cjk("nanummj", lambda char: 0xAC00 <= ord(char) <= 0xD7A3),
)
"""In order of preference: a run goes to the first script that prints it whole. Han characters go to
simplified Chinese if GB 2312 has them, else traditional (Big5), else Japanese (JIS X 0208);
with kana they are Japanese."""


def _runs(name: str) -> list[tuple[tuple[Script, ...], str]] | None:
    """``name`` cut into runs, each with the scripts that print it whole; None if a character has none.

    A character no script of the current run prints starts a new run, and takes the current
    word with it when one script prints them together, so "Müller Nguyễn" is set as
    "Müller " (T1) and "Nguyễn" (T5), not "Müller Nguy" and "ễn".
    """
    runs: list[tuple[tuple[Script, ...], str]] = []
    for char in name:
        printing = _scripts_printing(char)
        if not printing:
            return None
        if runs:
            scripts, text = runs[-1]
            common = tuple(script for script in scripts if script in printing)
            if common:
                runs[-1] = (common, text + char)
                continue
            cut = text.rfind(" ") + 1
            word = _printing(text[cut:] + char)
            if 0 < cut < len(text) and word:
                runs[-1] = (_printing(text[:cut]), text[:cut])
                runs.append((word, text[cut:] + char))
                continue
        runs.append((printing, char))
    return runs


def _printing(text: str) -> tuple[Script, ...]:
    return tuple(script for script in SCRIPTS if all(script in _scripts_printing(char) for char in text))


@remembered(4096)
def _scripts_printing(char: str) -> tuple[Script, ...]:
    """The scripts that print ``char``: asked of every character of every name on every sheet of a class
    (the same few dozen letters), and each answer asks pylatexenc, so remembered per process."""
    return tuple(script for script in SCRIPTS if script.prints(char))


def _normal(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def unprintable(name: str) -> str | None:
    """The first character of ``name`` that no script prints, if any."""
    for char in _normal(name):
        if not any(script.prints(char) for script in SCRIPTS):
            return char
    return None


def why_unprintable(char: str) -> str:
    """The character, for a warning: ``'ש' (U+05E9, right-to-left)``."""
    right_to_left = unicodedata.bidirectional(char) in ("R", "AL")
    return f"{char!r} (U+{ord(char):04X}{', right-to-left' if right_to_left else ''})"


def name_latex(name: str) -> str | None:
    """The LaTeX that prints ``name``, or None when it cannot be printed (the sheet shows the id)."""
    runs = _runs(_normal(name))
    if runs is None:
        return None
    return "".join(scripts[0].latex(text) for scripts, text in runs)


def preamble(names: Iterable[str]) -> list[str]:
    """The preamble lines a document with these names needs beyond the sheet's own (none for Latin names)."""
    used = {scripts[0] for name in names for scripts, _ in _runs(_normal(name)) or ()}
    return list(dict.fromkeys(line for script in SCRIPTS if script in used for line in script.preamble))
