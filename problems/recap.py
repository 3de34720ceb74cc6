"""Recap boxes: the definitions and rules a sheet reminds students of.

Static content, chosen by ``topic``; the box is printed on both the exercise
and the solution sheet and has no solution of its own.

answers.json keys: ``inputs.topic``; no answers.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

from generator.family import Family
from generator.options import ChoiceOption

TOPICS = ("differentiation-rules", "gradient-jacobian-hessian", "information-theory")


@dataclass(frozen=True)
class Params:
    topic: str


@dataclass(frozen=True)
class Answer:
    pass


def sample(rng: random.Random, options: Mapping) -> Params:
    return Params(options["topic"])


def solve(params: Params) -> Answer:
    return Answer()


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Nothing is computed, so there is nothing to verify."""


FAMILY = Family(
    name="recap",
    summary="Recap box: differentiation rules, gradient/Jacobian/Hessian, or information theory.",
    sample=sample,
    solve=solve,
    check=check,
    options=(ChoiceOption("topic", TOPICS[0], TOPICS, "which definitions to recall"),),
    static=True,
)
