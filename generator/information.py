"""Shared pieces of the information-theory families: pmfs and logarithms.

Probabilities are exact rationals with small denominators; logarithms of
rationals are split into logs of primes so that answers come out in the
reduced form a student writes (``2/3 log 2 + 1/2 log 3``) without calling
``simplify``.
"""

import random

import sympy

from generator.printing import log2

DENOMINATORS = (2, 3, 4, 5, 6, 8, 10, 12)
PGFPLOTS_PREAMBLE = (r"\usepackage{pgfplots}", r"\pgfplotsset{compat=1.18}")
"""Preamble for families that draw pmfs with ``templates/macros/charts.tex.j2``."""


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
