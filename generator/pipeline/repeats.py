"""No part repeats an earlier one: two parts of a sheet drawn from one family never ask the same exercise up to constants.

Each slot of a sheet has its own seed, so two tangent-line parts could draw the tangent of
x sin 2x at 0 and of 3x cos x at 1: the same exercise twice. Within a part each family keeps
its items apart as it samples (``generator.kit.functions.structure``); across parts the engine
does it here. Going through the sheet in order, a slot whose family appears in another slot
is compared with the parts of that family drawn before it, and while one of its parts is
``alike`` an earlier one the slot is drawn again, from the seed ``slot/distinct-k``
(``generator.pipeline.generate.slot_seed``), at most ``MAX_AGAIN`` times. A family with no
fresh variant left gives a variant that at least differs in its numbers; if it has none, the
first draw stands.

Only such slots are sampled here, so a sheet without repeated families draws exactly what
it would without this rule. Parts that share a draw (``same_draw_as``) share it on purpose and
are never compared with each other; canonical builds print the original instances as they are.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, is_dataclass
from fractions import Fraction
from typing import Any

import sympy

from generator.kit.family import Family, field_names, find_all, jsonable
from generator.kit.functions import skeleton, structure
from generator.pipeline.sheet import SheetSpec

MAX_AGAIN = 30
"""Draws of a slot, after the first, that may be tried for a variant no earlier part of its family is alike."""


@dataclass(frozen=True)
class SlotDraw:
    """How far a slot was drawn again to stay apart (``again``), and its parts' params by label when they were
    sampled to compare them (so that they are not sampled twice)."""

    again: int = 0
    params: Mapping[str, Any] = field(default_factory=dict)


def compared_slots(sheet: SheetSpec, families: Mapping[str, Family]) -> set[str]:
    """The slots with a part whose family (drawn, not fixed content) also appears in another slot."""
    slots_of: dict[str, set[str]] = {}
    for part in sheet.parts:
        if not families[part.family].static:
            slots_of.setdefault(part.family, set()).add(part.slot)
    return {slot for slots in slots_of.values() if len(slots) > 1 for slot in slots}


def alike(params: Any) -> frozenset[Hashable]:
    """What a variant asks, up to constants: the whole exercise, and each function it lists. A variant whose
    set meets an earlier one's asks what that one asked (a derivative part with x cos x/(2x^2 + 1) among its
    functions repeats one with x cos x/(x^2 + 3) among its own).

    For params that hold functions: their structure with every number forgotten (points,
    bounds and coefficients alike), sin and cos alike, and each polynomial factor of a
    function of one variable one placeholder (``generator.kit.functions.skeleton``), so that
    the tangents of x sin 2x at 0 and of x^2 cos x at 1 are alike. For params of numbers
    alone (pmfs, counts, a network's weights): the numbers themselves, each pmf in any order.
    Words (a kind, a method, an activation's name) always count.
    """
    functions = any(_is_function(expr) for expr in find_all(params, (sympy.Basic, sympy.MatrixBase)))
    listed = [item for value in _fields(params) if isinstance(value, tuple) for item in value if _is_function(item)]
    return frozenset([_alike(params, functions), *(("item", _function_shape(item)) for item in listed)])


def _fields(params: Any) -> list[Any]:
    return [getattr(params, name) for name in field_names(type(params))] if is_dataclass(params) else []


def _alike(value: Any, forget_numbers: bool) -> Hashable:
    if isinstance(value, sympy.MatrixBase):
        return ("matrix", value.shape, tuple(_alike(entry, forget_numbers) for entry in value))
    if isinstance(value, sympy.Basic):
        if _is_function(value):
            return _function_shape(value)
        if value.free_symbols:  # a letter: a variable's or a matrix's name
            return str(value)
        return "c" if forget_numbers else jsonable(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Fraction)):
        return "c" if forget_numbers else jsonable(value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(key), _alike(item, forget_numbers)) for key, item in value.items()))
    if isinstance(value, (tuple, list)):
        items = tuple(_alike(item, forget_numbers) for item in value)
        return tuple(sorted(items, key=repr)) if _is_pmf(value) else items
    names = field_names(type(value))
    return (type(value).__name__, tuple(_alike(getattr(value, name), forget_numbers) for name in names))


def _is_function(expr: Any) -> bool:
    return isinstance(expr, sympy.Basic) and bool(expr.free_symbols) and not isinstance(expr, sympy.Symbol)


def _function_shape(expr: sympy.Basic) -> Hashable:
    trig_alike = expr.replace(sympy.cos, sympy.sin)
    variables = trig_alike.free_symbols
    if isinstance(trig_alike, sympy.Expr) and len(variables) == 1 and isinstance(x := next(iter(variables)), sympy.Symbol):
        return skeleton(trig_alike, x)
    return structure(trig_alike)


def _is_pmf(items: Any) -> bool:
    """A tuple of probabilities summing to 1: the same pmf in another order is the same exercise."""
    return (
        len(items) > 1
        and all(isinstance(p, sympy.Rational) and 0 < p <= 1 for p in items)
        and sum(items) == 1
    )
