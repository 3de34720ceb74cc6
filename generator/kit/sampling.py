"""Sampling helpers shared by the problem families."""

import random
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

__all__ = ["distinct", "nonzero"]

T = TypeVar("T")
MAX_ATTEMPTS_PER_ITEM = 60
draws: ContextVar[int] = ContextVar("draws", default=0)
rejections: ContextVar[int] = ContextVar("rejections", default=0)
"""Running counts of candidate draws and rejected ones, read by ``sheets check``."""


def distinct(
    rng: random.Random,
    draw: Callable[[random.Random], T],
    count: int,
    accept: Callable[[T], bool] = lambda item: True,
    what: str = "items",
) -> tuple[T, ...]:
    """``count`` different accepted draws, giving up with a reason after a bounded number of tries."""
    items: list[T] = []
    for _ in range(MAX_ATTEMPTS_PER_ITEM * count):
        item = draw(rng)
        draws.set(draws.get() + 1)
        if item not in items and accept(item):
            items.append(item)
            if len(items) == count:
                return tuple(items)
        else:
            rejections.set(rejections.get() + 1)
    raise RuntimeError(
        f"unable to draw {count} different usable {what} in {MAX_ATTEMPTS_PER_ITEM * count} attempts"
    )


def nonzero(rng: random.Random, low: int, high: int) -> int:
    """A uniformly drawn integer in [low, high] other than 0."""
    return rng.choice([k for k in range(low, high + 1) if k != 0])
