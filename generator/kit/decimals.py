"""Decimals rounded from exact values, so that every digit printed or stored is right.

Rounding a float, or a 15-digit evaluation, near a tie gets the last digit wrong (log 6 to
14 places as 1.79175946922805 instead of ...806). A value is evaluated with guard digits, and
with more until the guard digits decide the rounding; exact decimals (rationals) are rounded
exactly. Ties round away from zero, as a hand rounds: -1/32 to four places is -0.0313 (Python's Decimal calls that
ROUND_HALF_UP); ties to the even digit printed -0.0312, which a TA read as a slip (EN 8921).
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext

import sympy

__all__ = ["exact_decimal", "fixed", "significant"]

GUARDS = (10, 30, 90)


def significant(value: sympy.Expr, digits: int) -> str:
    """``value`` to ``digits`` significant digits, as a decimal string."""

    def rounding(number: Decimal) -> Decimal:
        with localcontext(prec=digits, rounding=ROUND_HALF_UP):
            number = +number
            return number.quantize(Decimal(1).scaleb(number.adjusted() - digits + 1))  # 1.50000, not 1.5

    return str(_decided(value, digits, rounding))


def fixed(value: sympy.Expr, places: int) -> str:
    """``value`` with ``places`` digits after the point, as a decimal string (``1.0986``)."""
    quantum = Decimal(1).scaleb(-places)

    def rounding(number: Decimal) -> Decimal:
        with localcontext(prec=200):
            return number.quantize(quantum, rounding=ROUND_HALF_UP)

    magnitude = Decimal(str(sympy.N(value, 15))).adjusted()
    return str(_decided(value, max(1, magnitude + 1 + places), rounding))


def _decided(value: sympy.Expr, digits: int, rounding: Callable[[Decimal], Decimal]) -> Decimal:
    value = sympy.sympify(value)
    if value.is_Rational:
        with localcontext(prec=200):
            return rounding(Decimal(value.p) / Decimal(value.q))
    for guard in GUARDS:
        approx = Decimal(str(sympy.N(value, digits + guard)))
        ulp = Decimal(1).scaleb(approx.adjusted() - digits - guard + 2)
        lower, upper = rounding(approx - ulp), rounding(approx + ulp)
        if lower == upper:
            return lower
    raise ValueError(f"cannot decide the rounding of {value} to {digits} digits")


def exact_decimal(value: sympy.Expr, places: int) -> str | None:
    """``value``'s decimal when it is exact in at most ``places`` digits after the point (``0.6``, ``6.5``, ``0.125``),
    else None: 3/5 is 0.6, not "about 0.6000"."""
    value = sympy.sympify(value)
    if not value.is_Rational:
        return None
    twos, fives = sympy.multiplicity(2, value.q), sympy.multiplicity(5, value.q)
    if value.q != 2**twos * 5**fives or max(twos, fives) > places:
        return None
    return fixed(value, max(twos, fives)) if value.q != 1 else str(value.p)
