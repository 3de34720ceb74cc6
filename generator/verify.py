"""Numerical second opinions for the independent checks.

Answers come from SymPy; these helpers re-derive them by other means, in
plain floating point: finite differences for derivatives, direct summation
for information measures.
"""

import math
import random
from collections.abc import Callable, Sequence
from functools import lru_cache

import sympy

from generator.family import require

Point = tuple[float, ...]


def as_function(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Callable[..., float]:
    """A float function of ``symbols`` built with the ``math`` module only."""
    return _lambdified(expr, tuple(symbols))


@lru_cache(maxsize=4096)
def _lambdified(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]) -> Callable[..., float]:
    """lambdify generates and compiles code (milliseconds); the same expression recurs often."""
    return sympy.lambdify(symbols, expr, modules="math")


def close(a: float, b: float, rel: float = 1e-6, abs_tol: float = 1e-7) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def central_difference(fn: Callable[..., float], point: Point, index: int, h: float = 1e-4) -> float:
    """Partial derivative of ``fn`` along coordinate ``index``, fourth-order accurate."""

    def at(offset: float) -> float:
        moved = list(point)
        moved[index] += offset
        return fn(*moved)

    return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h)


def defined_points(
    fn: Callable[..., float], dimension: int, rng: random.Random, low: float, high: float, count: int = 5
) -> list[Point]:
    """Random points in the box [low, high]^dimension where ``fn`` is finite and real."""
    points: list[Point] = []
    for _ in range(50 * count):
        point = tuple(rng.uniform(low, high) for _ in range(dimension))
        try:
            value = fn(*point)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        if isinstance(value, float | int) and math.isfinite(value):
            points.append(point)
            if len(points) == count:
                return points
    raise AssertionError(f"found only {len(points)} points in [{low}, {high}] where the function is defined")


def check_partials(
    f: sympy.Expr,
    symbols: Sequence[sympy.Symbol],
    claimed: Sequence[sympy.Expr],
    rng: random.Random,
    low: float = -0.45,
    high: float = 0.45,
) -> None:
    """Claimed partial derivatives agree with finite differences of ``f`` at random points."""
    fn = as_function(f, symbols)
    partials = [as_function(df, symbols) for df in claimed]
    for point in defined_points(fn, len(symbols), rng, low, high):
        for index, partial in enumerate(partials):
            numeric = central_difference(fn, point, index)
            symbolic = float(partial(*point))
            require(
                close(numeric, symbolic),
                f"d/d{symbols[index]} at {tuple(round(c, 4) for c in point)}: "
                f"finite difference {numeric:.10g} but the answer gives {symbolic:.10g}",
            )
