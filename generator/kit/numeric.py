"""Numerical second opinions for the independent checks.

Answers come from SymPy; these helpers re-derive them by other means, in
plain floating point: finite differences for derivatives, direct summation
for information measures.
"""

import math
import random
from collections.abc import Callable, Sequence

import sympy

from generator.kit.family import require
from generator.speed import remembered

__all__ = ["as_function", "central_difference", "check_gradient", "check_partials", "close", "defined_points"]

Point = tuple[float, ...]


def as_function(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Callable[..., float]:
    """A float function of ``symbols`` built with the ``math`` module only (a tuple of them for a ``Tuple``)."""
    return _compiled(expr, tuple(symbols))


@remembered(4096)
def _compiled(expr: sympy.Basic, symbols: tuple[sympy.Symbol, ...]) -> Callable[..., float]:
    """Nested closures over ``math`` for the usual elementary expressions; ``lambdify`` for the rest.

    A project function joins in by defining ``float_function``, its value on floats.

    ``lambdify`` prints, generates and compiles Python code for every expression; walking the
    tree once is far cheaper, and a check evaluates many expressions once each. Both raise the same errors (ValueError, ZeroDivisionError, OverflowError)
    outside the domain, which the callers skip.
    """
    try:
        evaluate = _closure(expr, symbols)
    except _Unsupported:
        return sympy.lambdify(symbols, expr, modules="math")
    return lambda *point: evaluate(point)


class _Unsupported(Exception):
    """A node the closure compiler does not know: the whole expression goes to lambdify."""


_FUNCTIONS: dict[type, Callable[[float], float]] = {
    sympy.exp: math.exp,
    sympy.log: math.log,
    sympy.sin: math.sin,
    sympy.cos: math.cos,
    sympy.tan: math.tan,
    sympy.tanh: math.tanh,
    sympy.sinh: math.sinh,
    sympy.cosh: math.cosh,
    sympy.atan: math.atan,
    sympy.Abs: abs,
}


def _reciprocal(factor: sympy.Basic) -> bool:
    return factor.is_Pow and factor.exp.is_Integer and factor.exp < 0


@remembered(65536)
def _closure(node: sympy.Basic, symbols: tuple[sympy.Symbol, ...]) -> Callable[[tuple[float, ...]], float]:
    """The closure of one node, kept per process: the steps of a chain, compared all at once,
    repeat most of each other, and pieces recur across chains and students."""
    if node in symbols:
        index = symbols.index(node)
        return lambda point: point[index]
    if node.is_Number or node in (sympy.pi, sympy.E):
        value = float(node)
        return lambda point: value
    if node.is_Mul:
        # Divided, not multiplied by a reciprocal, as lambdify writes it: x/|x| is exactly 1.
        above = [_closure(arg, symbols) for arg in node.args if not _reciprocal(arg)]
        below = [_closure(1 / arg, symbols) for arg in node.args if _reciprocal(arg)]
        if not below:
            return lambda point: math.prod(part(point) for part in above)
        return lambda point: math.prod(part(point) for part in above) / math.prod(part(point) for part in below)
    parts = [_closure(arg, symbols) for arg in node.args]
    if isinstance(node, sympy.Tuple):
        return lambda point: tuple(part(point) for part in parts)
    if node.is_Add:
        return lambda point: sum(part(point) for part in parts)
    if node.is_Pow:
        base, exponent = parts
        if node.exp == sympy.Rational(1, 2):
            return lambda point: math.sqrt(base(point))
        if node.exp == -sympy.Rational(1, 2):
            return lambda point: 1 / math.sqrt(base(point))
        if node.exp.is_Integer:
            power = int(node.exp)
            return lambda point: base(point) ** power
        return lambda point: base(point) ** exponent(point)
    function = _FUNCTIONS.get(type(node))
    if function is not None and len(parts) == 1:
        (argument,) = parts
        return lambda point: function(argument(point))
    own = getattr(type(node), "float_function", None)
    if own is not None:
        return lambda point: own(*(part(point) for part in parts))
    raise _Unsupported(type(node).__name__)


def close(a: float, b: float, rel: float = 1e-6, abs_tol: float = 1e-7) -> bool:
    """Two floats agree to a relative (or, near 0, an absolute) tolerance: how checks compare values."""
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def central_difference(fn: Callable[..., float], point: Point, index: int, h: float = 1e-4) -> float:
    """Partial derivative of ``fn`` along coordinate ``index``, fourth-order accurate."""

    def at(offset: float) -> float:
        moved = list(point)
        moved[index] += offset
        return fn(*moved)

    return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h)


def check_gradient(
    fn: Callable[..., float], point: Point, claimed: Sequence[float], names: Sequence[str], of: str = "f", rel: float = 1e-6
) -> None:
    """Each claimed partial derivative of the float function ``fn`` (named ``of``) at ``point`` agrees with a
    central difference, coordinate by coordinate, the first that does not named (``dL/dW_11 = 2.0, not 1.5``)."""
    for index, (name, value) in enumerate(zip(names, claimed, strict=True)):
        slope = central_difference(fn, point, index)
        require(close(value, slope, rel=rel), f"d{of}/d{name} = {value}, not {slope}")


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
                lambda: f"d/d{symbols[index]} at {tuple(round(c, 4) for c in point)}: "
                f"finite difference {numeric:.10g} but the answer gives {symbolic:.10g}",
            )
