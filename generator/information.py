"""Shared pieces of the information-theory families: pmfs and logarithms.

Probabilities are exact rationals with small denominators; logarithms of
rationals are split into logs of primes so that answers come out in the
reduced form a student writes (``2/3 log 2 + 1/2 log 3``) without calling
``simplify``. Worked solutions are chains: the sum term by term, then the
exact value; the decimal is kept apart, as it is rounded when printed.
"""

import random

import sympy

from generator.printing import WrittenSum, log2
from generator.steps import Chain, Step, chain

DENOMINATORS = (2, 3, 4, 5, 6, 8, 10, 12)
DIGITS = 15
SPLIT = "split logs over primes, collect"


def random_pmf(rng: random.Random, outcomes: int) -> tuple[sympy.Rational, ...]:
    """A pmf on ``outcomes`` points, every probability a positive simple fraction."""
    denominator = rng.choice([d for d in DENOMINATORS if d >= outcomes])
    cuts = sorted(rng.sample(range(1, denominator), outcomes - 1))
    numerators = [b - a for a, b in zip([0, *cuts], [*cuts, denominator])]
    return tuple(sympy.Rational(n, denominator) for n in numerators)


def information_log(value: sympy.Rational, unit: str, evaluate: bool = True) -> sympy.Expr:
    """log(value) in nats or bits; evaluated, it is split over prime factors."""
    log = sympy.log if unit == "nats" else log2
    if not evaluate:
        return log(value, evaluate=False)
    value = sympy.Rational(value)
    total = sympy.Integer(0)
    for prime, power in sympy.factorint(value.p).items():
        total += power * log(prime)
    for prime, power in sympy.factorint(value.q).items():
        total -= power * log(prime)
    return total


def expected_log_terms(
    weights: tuple[sympy.Rational, ...], arguments: tuple[sympy.Rational, ...], unit: str
) -> tuple[sympy.Expr, ...]:
    """The terms ``w_i log(a_i)`` of an expectation of logs, unevaluated, as a student writes them."""
    return tuple(
        sympy.Mul(w, information_log(arg, unit, evaluate=False), evaluate=False)
        for w, arg in zip(weights, arguments, strict=True)
    )


def expected_log(weights: tuple[sympy.Rational, ...], arguments: tuple[sympy.Rational, ...], unit: str) -> sympy.Expr:
    """``sum_i w_i log(a_i)`` with every log split over primes: entropies, cross-entropies, KL divergences."""
    return sympy.Add(*(w * information_log(arg, unit) for w, arg in zip(weights, arguments, strict=True)))


def expected_log_steps(
    weights: tuple[sympy.Rational, ...], arguments: tuple[sympy.Rational, ...], unit: str, definition: str
) -> Chain:
    """``sum_i w_i log(a_i)`` written out term by term (``definition`` names the formula), then its exact value."""
    terms = WrittenSum(*expected_log_terms(weights, arguments, unit), evaluate=False)
    return Chain((Step(terms, definition), Step(expected_log(weights, arguments, unit), SPLIT)))


def difference_steps(first: sympy.Expr, second: sympy.Expr, why: str) -> Chain:
    """``(first) - (second)`` as written, then collected: D_KL(P || Q) = H(P, Q) - H(P) with the values inserted.

    When there is nothing to collect (``log 3 - 3 log 2 / 2``), the two print alike and are one step.
    """
    written = WrittenSum(bracketed(first), sympy.Mul(-1, bracketed(second), evaluate=False), evaluate=False)
    return chain(Step(written, why), Step(sympy.expand(first - second), "collect terms"))


def as_decimal(value: sympy.Expr) -> sympy.Float:
    """The value to ``DIGITS`` significant digits (templates round it when printing)."""
    return sympy.Float(value.evalf(DIGITS), DIGITS)


class Bracketed(sympy.UnevaluatedExpr):
    """A sum kept in brackets inside a longer written step, such as ``(2/3 log 2 + 2/3 log 3) - (log 3)``."""

    is_commutative = True

    def _eval_evalf(self, prec):
        return self.args[0].evalf(prec)

    def _latex(self, printer, **kwargs) -> str:
        return rf"\left({printer._print(self.args[0])}\right)"

    def _sympystr(self, printer) -> str:
        return f"({printer._print(self.args[0])})"


def bracketed(value: sympy.Expr) -> sympy.Expr:
    return Bracketed(value) if value.is_Add else value
