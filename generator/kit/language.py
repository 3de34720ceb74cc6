"""The language a sheet is printed in, as far as the kit needs it: reasons to translate, numbers to write.

Generation never depends on the language: the same variant prints in any language. Translation
happens when a template is rendered (``generator/i18n.py``, the ``reason`` filter), so the kit only
marks text for the catalogue and writes numbers the way the language being rendered writes them.

* ``Reason("factor out ${factor}$", factor=...)`` is a step's reason with maths in it: it *is* the
  English text (a ``str``), and carries its msgid and arguments, so the ``reason`` filter can
  translate the words and put the same maths back in. A reason without arguments is a plain string;
  it is its own msgid.
* ``N_("chain rule")`` marks a constant for the catalogue without translating it (the translation
  happens when it is printed).
* ``speaking(language)`` sets the language while a template renders; ``localized_decimal`` writes a
  decimal such as ``1.0986`` with the language's decimal mark (``1{,}0986`` in German: the braces keep
  TeX's maths mode from spacing the comma as punctuation).
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Self

from babel.numbers import format_decimal, get_decimal_symbol

__all__ = ["N_", "Reason", "joined"]

ENGLISH = "en"
_LANGUAGE = contextvars.ContextVar("language", default=ENGLISH)


def N_(message: str) -> str:
    """``message`` itself: marks a constant for ``pybabel extract``; it is translated where it is printed."""
    return message


class Reason(str):
    """A step's reason with arguments: the English text as a ``str``, its msgid and arguments kept.

    The template is a ``str.format`` template (``{name}`` for an argument, ``{{``/``}}`` for a
    literal brace), so ``Reason("cancel ${factor}$", factor=tex(f))`` reads ``cancel $x^2+1$``
    in English and ``gettext("cancel ${factor}$").format(factor=...)`` in any other language.
    An argument that is itself a ``Reason`` is translated too (``Reason("{rule}; {rest}",
    rule=Reason("sum rule"), rest=...)``); any other argument (maths) is inserted as it is.
    Without arguments the text is taken as written, braces and all (``Reason(a_plain_reason)``).
    """

    template: str
    args: dict[str, object]

    def __new__(cls, template: str, **args: object) -> Self:
        reason = super().__new__(cls, template.format(**args) if args else template)
        reason.template = template
        reason.args = args
        return reason

    def __reduce__(self):
        return _reason, (self.template, self.args)

    def translated(self, gettext) -> str:
        """The reason in the language ``gettext`` translates into."""
        if not self.args:
            return gettext(self.template)
        args = {name: arg.translated(gettext) if isinstance(arg, Reason) else arg for name, arg in self.args.items()}
        return gettext(self.template).format(**args)


def joined(parts: list[str]) -> str:
    """Reasons side by side, ``a, b, c`` (each translated, the comma a message too); "" for none."""
    if len(parts) <= 1:
        return as_reason(parts[0]) if parts else ""
    return Reason("{first}, {then}", first=as_reason(parts[0]), then=joined(parts[1:]))


def as_reason(part: str) -> "Reason":
    """``part`` as a ``Reason``: a plain reason (its own msgid) becomes one without arguments."""
    return part if isinstance(part, Reason) else Reason(part)


def signs_cancelling(rule: str, pairs: int = 1) -> "Reason":
    """``rule``, then "two minus signs cancel": its step also multiplies a minus sign by a minus sign away; several
    ``pairs`` of them, "minus signs cancel in pairs"."""
    if pairs > 1:
        return Reason("{rule}; minus signs cancel in pairs", rule=as_reason(rule))
    return Reason("{rule}; two minus signs cancel", rule=as_reason(rule))


def _reason(template: str, args: dict[str, object]) -> Reason:
    """Rebuilds a pickled ``Reason`` (its English text alone would lose the msgid)."""
    return Reason(template, **args)


def current_language() -> str:
    """The language being rendered: English unless a template is rendering inside ``speaking``."""
    return _LANGUAGE.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Print numbers the way ``language`` writes them inside this block."""
    token = _LANGUAGE.set(language)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def localized_decimal(value: str, language: str | None = None) -> str:
    """A decimal string (``-1.0986``) in ``language`` (default: the one being rendered), safe in text and maths.

    As ``written_decimal``; a decimal comma is braced (``1{,}0986``), so that TeX's maths mode does
    not add the space it puts after a punctuation comma.
    """
    language = language or current_language()
    written = written_decimal(value, language)
    mark = get_decimal_symbol(language)
    return written.replace(mark, "{" + mark + "}") if mark == "," and language != ENGLISH else written


def written_decimal(value: str, language: str) -> str:
    """A decimal string (``-1.0986``) as ``language`` writes it, every digit kept: ``-1,0986`` in German.

    English is returned as given. Otherwise Babel writes the number with the locale's decimal mark
    and no grouping (a group separator would read as a decimal mark in the other language).
    """
    if language == ENGLISH:
        return value
    sign, digits = ("-", value[1:]) if value.startswith("-") else ("", value)
    places = len(digits.partition(".")[2])
    pattern = "0." + "0" * places if places else "0"
    return sign + format_decimal(Decimal(digits), format=pattern, locale=language, decimal_quantization=False)
