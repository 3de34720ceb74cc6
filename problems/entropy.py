"""Entropy of discrete probability mass functions, in nats or bits.

Each pmf has 2..6 outcomes with probabilities that are simple fractions
(denominators up to 12, no numerator 7 or 11), so H = sum p log(1/p) reduces
by hand to a short combination of log 2, log 3 and log 5.

The solution works each entropy as a verified chain: the definition written
out term by term (in outcome order), then the exact value; the decimal in the
chosen unit follows the chain as "≈", rounded to four places.

Excluded by construction (``generator.kit.information.draw_pmfs``, shared with
``cross-entropy-kl`` so that parts with one seed share X and Y): zero
probabilities (every numerator is at least 1), pmfs that are permutations of
one another (they have one entropy), and the reference sheet's pair.

answers.json keys: ``inputs.pmfs`` (list of pmfs, each a list of
probabilities as fractions), ``inputs.unit`` (``"nats"`` or ``"bits"``),
``answers.worked`` (per pmf, the steps: terms p log(1/p), then the exact value),
``answers.entropies`` (exact entropy of each pmf; bits use ``log2``, which
SymPy reads as ``log(x)/log(2)`` after ``.rewrite(log)``),
``answers.decimals`` (the same to 15 significant digits, rounded from the exact value).
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import N_, Chain, ChoiceOption, Family, IntOption, require
from generator.kit.information import (
    SHEET1_PMFS,
    as_decimal,
    draw_pmfs,
    expected_log_steps,
)

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
    worked: tuple[Chain, ...]
    entropies: tuple[sympy.Expr, ...]
    decimals: tuple[sympy.Float, ...]


def sample(rng: random.Random, options: Mapping) -> Params:
    return Params(draw_pmfs(rng, options["outcomes"], options["count"]), options["unit"])


def solve(params: Params) -> Answer:
    worked = tuple(
        expected_log_steps(pmf, tuple(1 / p for p in pmf), params.unit, N_("definition of entropy"))
        for pmf in params.pmfs
    )
    entropies = tuple(steps.result for steps in worked)
    return Answer(worked, entropies, tuple(as_decimal(h) for h in entropies))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    scale = math.log(2) if params.unit == "bits" else 1.0
    for pmf, exact, decimal, steps in zip(params.pmfs, answer.entropies, answer.decimals, answer.worked, strict=True):
        probabilities = [p.p / p.q for p in pmf]
        require(math.isclose(math.fsum(probabilities), 1.0), f"pmf {pmf} does not sum to 1")
        direct = -math.fsum(p * math.log(p) for p in probabilities) / scale
        for claimed, what in ((exact, "exact"), (decimal, "decimal"), (steps.result, "last step")):
            value = float(claimed.evalf(20))
            require(math.isclose(value, direct, rel_tol=1e-12), f"H{pmf} ({what}): {claimed} vs {direct}")
        require(0 < direct <= math.log(len(pmf)) / scale + 1e-12, f"H{pmf} = {direct} is out of range")


FAMILY = Family(
    name="entropy",
    summary="Entropy of discrete pmfs with simple fractions, in nats or bits.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        IntOption("outcomes", 3, 2, 6, "number n of values {1, 2, ..., n} the variables take"),
        IntOption("count", 2, 1, len(NAMES), "how many pmfs (X, Y, Z) to compute the entropy of"),
        ChoiceOption("unit", "nats", ("nats", "bits"), "natural logarithm (nats) or base 2 (bits)"),
    ),
    key_fields=("entropies", "decimals"),
    grading={"forms": {"decimals": "number"}},
    canonical={
        "dl-sheet1-5a": Params(SHEET1_PMFS, "nats"),
    },
)
