"""Did-you-mean hints: a misspelt family, option, key or sheet name is answered with the closest known one.

A typo is the most common mistake in a sheet file or on the command line, and a list of twenty
names makes the reader find the right one by eye; ``difflib`` finds it for them.
"""

from collections.abc import Iterable
from difflib import get_close_matches


def did_you_mean(name: object, known: Iterable[str]) -> str:
    """``" — did you mean 'derivative'?"`` when a known name is close to ``name``, else ``""``."""
    close = get_close_matches(name, list(known), n=1) if isinstance(name, str) else []
    return f" — did you mean {close[0]!r}?" if close else ""


def unknown(kind: str, name: object, known: Iterable[str], listing: str) -> str:
    """``"unknown family 'derivativ' — did you mean 'derivative'?"``, or, when no known name is close,
    every known one: ``"unknown family 'x' (known families: ...)"`` (``listing`` names them)."""
    names = sorted(known)
    hint = did_you_mean(name, names)
    return f"unknown {kind} {name!r}" + (hint or f" ({listing}: {', '.join(names) or 'none'})")
