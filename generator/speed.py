"""Speed machinery, all of it in one place: memos every process can clear, and SymPy patches installed on purpose.

Every trick here returns what the plain code returns (tests/test_speed.py compares each one
with the code it shortcuts); none may change a sheet. Kit code marks a pure function with
``@remembered()``; ``clear_all()`` empties every such memo at once, so a test or a long
process can start from nothing. ``install()`` applies the patches, once, from the CLI and
from each worker process, and lets compiled templates be kept between processes
(``template_cache``): a library user who never calls it gets the same results, slower,
and nothing written to disk.
"""

import hashlib
import importlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import sympy
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.precedence import precedence as sympy_precedence

F = TypeVar("F", bound=Callable[..., Any])

_MEMOS: list[Any] = []


def remembered(maxsize: int | None = 8192) -> Callable[[F], F]:
    """``functools.lru_cache`` for a pure function of hashable SymPy arguments, registered for ``clear_all``."""

    def decorate(function: F) -> F:
        memo = lru_cache(maxsize=maxsize)(function)
        _MEMOS.append(memo)
        return memo  # type: ignore[return-value]

    return decorate


def register(clear: Callable[[], None]) -> None:
    """Register a memo that is not a ``remembered`` function (a dict a module keeps) by the function that empties it."""
    _MEMOS.append(_Clearable(clear))


class _Clearable:
    def __init__(self, clear: Callable[[], None]) -> None:
        self.cache_clear = clear


def clear_all() -> None:
    """Empty every memo of the kit: what runs next computes everything afresh."""
    for memo in _MEMOS:
        memo.cache_clear()


def install() -> None:
    """Put the remembering ``precedence`` and ``complex()`` of rationals into SymPy, and let Jinja environments
    made from now on keep compiled templates (``template_cache``); installing again changes nothing.

    SymPy's printers call ``precedence`` as a global of their own modules, so it is replaced in
    each of them (``sympy.printing.latex`` is also the name of a function, hence the import by name).
    """
    global _installed
    for name in _PRINTER_MODULES:
        importlib.import_module(name).precedence = remembered_precedence
    sympy.Rational.__complex__ = remembered_complex
    _installed = True


_installed = False
_PRINTER_MODULES = ("sympy.printing.precedence", "sympy.printing.str", "sympy.printing.latex")


def remembered_precedence(item) -> int:
    """SymPy's ``precedence``, each expression's worked out once per process.

    Both printers ask it of every sub-expression, often several times, and for a product it
    builds the product's negation (``Mul.could_extract_minus_sign`` compares ``self`` with
    ``-self``). It depends on the expression alone, and equal expressions are of one type,
    so the remembered answer is the answer.
    """
    try:
        return _precedence(item)
    except TypeError:  # unhashable, such as a mutable matrix
        return sympy_precedence(item)


@remembered(65536)
def _precedence(item) -> int:
    """SymPy's answer; for a matrix product without negating it, which canonicalises the whole product again.

    SymPy's rule for a product is ``Add`` when it ``could_extract_minus_sign``, which a matrix
    product can exactly when it leads with a negative number.
    """
    if isinstance(item, sympy.MatMul):
        first = item.args[0]
        return PRECEDENCE["Add"] if first.is_Number and first.is_extended_negative else PRECEDENCE["Mul"]
    return sympy_precedence(item)


_sympy_complex = sympy.Expr.__complex__


@remembered(4096)
def remembered_complex(number: sympy.Rational) -> complex:
    """SymPy's ``complex()`` of a rational number, each number's worked out once per process.

    Sorting a sum's terms for printing (``as_ordered_terms``) takes every coefficient as a
    complex number, which SymPy works out through ``evalf``, for a handful of coefficients
    (1, -1, 2, 1/2 ...) asked for again and again. It is SymPy's own function, so the values
    are SymPy's to the last bit (not always ``p / q`` correctly rounded).
    """
    return _sympy_complex(number)


def cache_home() -> Path:
    """Where ``sheets`` keeps what it may throw away: the platform's cache directory (XDG), ``~/.cache/sheets``.

    Compiled templates live in ``templates/`` under it, generated variants in ``variants.sqlite``
    (``generator.pipeline.cache``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sheets"


def template_cache(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """Where ``env`` keeps its compiled templates between processes, once ``install()`` ran.

    Compiling the templates is a fixed cost of every process that renders, the same each time.
    Jinja files each compiled template under its name and path with a checksum of its source,
    and compiles it again when the source has changed; the compiled code also depends on the
    environment's settings (delimiters, whitespace control, extensions), so they name a cache
    of their own. None before ``install()``, or where no cache directory can be made.
    """
    if not _installed:
        return None
    directory = cache_home() / "templates"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    settings = sorted((name, value) for name, value in vars(env).items() if isinstance(value, (str, bool, int)))
    tag = hashlib.sha256(repr((settings, sorted(env.extensions))).encode()).hexdigest()[:16]
    return _TemplateCache(str(directory), f"{tag}-%s.cache")


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Jinja's, except that a cache that cannot be written (a full disk, a read-only home) is simply not kept."""
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass
