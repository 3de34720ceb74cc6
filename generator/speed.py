"""Speed machinery, all of it in one place: memos every process can clear, and SymPy patches installed on purpose.

Every trick here returns what the plain code returns (tests/test_speed.py compares each one
with the code it shortcuts); none may change a sheet. Kit code marks a pure function with
``@remembered()``; ``clear_all()`` empties every such memo at once, so a test or a long
process can start from nothing. ``install()`` applies the patches, once, from the CLI and
from each worker process: a library user who never calls it gets the same results, slower.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

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
