"""Worked solutions as chains of equal expressions, every step checked.

A ``Chain`` is what a teaching assistant writes on one line of a derivation:
``= step_1 = step_2 = ... = result``, each step with a short reason. Families
put chains in their answers; the engine finds every chain in an answer and
verifies each step against the one before it (structurally or by a cheap
rewrite where possible, otherwise numerically at random points), so a printed
step cannot be wrong. The family's own check ties the last step to the answer.
"""

import dataclasses
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy

from generator.family import CheckFailed, require
from generator.verify import as_function

POINTS = 4


@dataclass(frozen=True)
class Step:
    expr: sympy.Basic
    why: str = ""
    """The rule or identity that gives this step from the one before (empty: plain algebra)."""


@dataclass(frozen=True)
class Chain:
    steps: tuple[Step, ...]

    @property
    def result(self) -> sympy.Basic:
        return self.steps[-1].expr


def chain(*steps: Step | sympy.Basic) -> Chain:
    """A chain from steps or bare expressions.

    A step that prints like the one before is merged into it: the earlier reason
    stays, the later (usually evaluated) expression is kept as the result.
    """
    kept: list[Step] = []
    for step in steps:
        step = step if isinstance(step, Step) else Step(step)
        if kept and sympy.sstr(step.expr) == sympy.sstr(kept[-1].expr):
            kept[-1] = Step(step.expr, kept[-1].why)
        else:
            kept.append(step)
    return Chain(tuple(kept))


def chains_in(value: Any) -> Iterator[Chain]:
    """Every chain inside an answer (dataclass fields, tuples), in order."""
    if isinstance(value, Chain):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from chains_in(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from chains_in(item)


def verify_chain(chain: Chain, rng: random.Random) -> None:
    """Each step equals the step before it; raises CheckFailed naming the first that does not."""
    for index in range(1, len(chain.steps)):
        before, after = chain.steps[index - 1].expr, chain.steps[index].expr
        require(
            _equal(before, after, rng),
            f"step {index + 1} ({sympy.sstr(after)}) does not equal step {index} ({sympy.sstr(before)})",
        )


def _equal(before: sympy.Basic, after: sympy.Basic, rng: random.Random) -> bool:
    if before == after:
        return True
    if isinstance(before, sympy.MatrixBase) or isinstance(after, sympy.MatrixBase):
        if not (isinstance(before, sympy.MatrixBase) and isinstance(after, sympy.MatrixBase)):
            return False
        return before.shape == after.shape and all(
            _equal(b, a, rng) for b, a in zip(before, after, strict=True)
        )
    before, after = _explicit(before), _explicit(after)
    if before - after == 0:
        return True
    return _numerically_equal(before, after, rng)


def _explicit(expr: sympy.Basic) -> sympy.Basic:
    """Unevaluated parts evaluated; the project's own functions (sigma, log2) in exp and log."""
    return sympy.sympify(expr).doit().replace(
        lambda node: isinstance(node, sympy.Function) and type(node).__module__.startswith(("generator.", "problems.")),
        lambda node: node.rewrite(sympy.exp).rewrite(sympy.log),
    )


def _numerically_equal(before: sympy.Expr, after: sympy.Expr, rng: random.Random) -> bool:
    """Equal to 1e-9 (relative) at a few random points where both are defined."""
    symbols = sorted(before.free_symbols | after.free_symbols, key=lambda s: s.name)
    functions = as_function(before, symbols), as_function(after, symbols)
    checked = 0
    for _ in range(60 * POINTS):
        point = [rng.uniform(0.3, 1.7) if s.is_positive else rng.uniform(-0.45, 0.45) for s in symbols]
        try:
            first, second = (complex(function(*point)) for function in functions)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            continue
        if not all(math.isfinite(part) for part in (first.real, first.imag, second.real, second.imag)):
            continue
        if abs(first - second) > 1e-9 * max(1.0, abs(first), abs(second)):
            return False
        checked += 1
        if checked == POINTS:
            return True
    raise CheckFailed(f"could not find points to compare {sympy.sstr(before)} and {sympy.sstr(after)} at")
