"""A short proof: unit vectors with inner product 1 are equal.

Static content with a model solution (expand the squared norm of u - v).

answers.json keys: none.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

from generator.family import Family


@dataclass(frozen=True)
class Params:
    pass


@dataclass(frozen=True)
class Answer:
    pass


def sample(rng: random.Random, options: Mapping) -> Params:
    return Params()


def solve(params: Params) -> Answer:
    return Answer()


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """A fixed proof: nothing is computed, so there is nothing to verify."""


FAMILY = Family(
    name="unit-vector-proof",
    summary="Proof: unit vectors u, v with <u, v> = 1 are equal (model solution).",
    sample=sample,
    solve=solve,
    check=check,
    static=True,
)
