"""Entropy of discrete probability mass functions, in nats or bits.

Each pmf has 2..6 outcomes with probabilities that are simple fractions
(denominators up to 12), so H = sum p log(1/p) reduces by hand to a short
combination of log 2, log 3, log 5 and log 7.

Excluded by construction: zero probabilities (every numerator is at least 1)
and identical pmfs within one variant.

answers.json keys: ``inputs.pmfs`` (list of pmfs, each a list of
probabilities as fractions), ``inputs.unit`` (``"nats"`` or ``"bits"``),
``answers.entropies`` (exact entropy of each pmf; bits use ``log2``, which
SymPy reads as ``log(x)/log(2)`` after ``.rewrite(log)``),
``answers.decimals`` (the same to 15 significant digits).
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.family import Family, require
from generator.information import PGFPLOTS_PREAMBLE, information_log, random_pmf
from generator.options import ChoiceOption, IntOption
from generator.sampling import distinct

NAMES = ("X", "Y", "Z")


@dataclass(frozen=True)
class Params:
    pmfs: tuple[tuple[sympy.Rational, ...], ...]
    unit: str

    @property
    def names(self) -> tuple[str, ...]:
        return NAMES[: len(self.pmfs)]


@dataclass(frozen=True)
class Answer:
    terms: tuple[tuple[sympy.Expr, ...], ...]
    entropies: tuple[sympy.Expr, ...]
    decimals: tuple[sympy.Float, ...]


def sample(rng: random.Random, options: Mapping) -> Params:
    pmfs = distinct(rng, lambda r: random_pmf(r, options["outcomes"]), options["count"], what="pmfs")
    return Params(pmfs, options["unit"])


def solve(params: Params) -> Answer:
    terms = tuple(
        tuple(sympy.Mul(p, information_log(1 / p, params.unit, evaluate=False), evaluate=False) for p in pmf)
        for pmf in params.pmfs
    )
    entropies = tuple(
        sympy.Add(*(p * information_log(1 / p, params.unit) for p in pmf)) for pmf in params.pmfs
    )
    return Answer(terms, entropies, tuple(sympy.Float(h.evalf(15), 15) for h in entropies))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    scale = math.log(2) if params.unit == "bits" else 1.0
    for pmf, exact in zip(params.pmfs, answer.entropies, strict=True):
        probabilities = [p.p / p.q for p in pmf]
        require(math.isclose(math.fsum(probabilities), 1.0), f"pmf {pmf} does not sum to 1")
        direct = -math.fsum(p * math.log(p) for p in probabilities) / scale
        require(math.isclose(float(exact.evalf(20)), direct, rel_tol=1e-12), f"H{pmf}: {exact} vs {direct}")
        require(0 < direct <= math.log(len(pmf)) / scale + 1e-12, f"H{pmf} = {direct} is out of range")


FAMILY = Family(
    name="entropy",
    summary="Entropy of discrete pmfs with simple fractions, in nats or bits.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        IntOption("outcomes", 3, 2, 6, "size of the sample space {1, ..., n}"),
        IntOption("count", 2, 1, len(NAMES), "how many pmfs (X, Y, Z) to compute the entropy of"),
        ChoiceOption("unit", "nats", ("nats", "bits"), "natural logarithm (nats) or base 2 (bits)"),
    ),
    preamble=PGFPLOTS_PREAMBLE,
    key_fields=("entropies", "decimals"),
    canonical={
        "dl-sheet1-5a": Params(
            (
                (sympy.Rational(1, 3),) * 3,
                (sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(1, 6)),
            ),
            "nats",
        ),
    },
)
