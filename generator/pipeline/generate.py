"""Sample, solve and verify: turn a sheet definition into checked variants.

Each part gets its own seed, derived from (sheet seed, student, slot), so it
can be reproduced alone: the seed stored in answers.json and printed in any
failure is the one ``sheets show FAMILY --seed N`` takes. A slot that would
repeat an earlier part of its family is drawn again (``slot_draws``, by the rule
of ``generator.pipeline.repeats``), and that seed is the one stored.
"""

import dataclasses
import json
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import jinja2
import sympy

from generator.errors import ConfigError, GenerationError
from generator.kit.family import CheckFailed, Family, Variant, field_names, find_all, jsonable
from generator.kit.steps import Verified, chains_in, verify_chain
from generator.pipeline.cache import VariantCache
from generator.pipeline.lifecycle import time_limit
from generator.pipeline.repeats import MAX_AGAIN, SlotDraw, alike, compared_slots
from generator.pipeline.seeding import derive_seed, rng_for
from generator.pipeline.sheet import PartSpec, SheetSpec

VARIANT_SECONDS = 10.0
T = TypeVar("T")


@dataclass(frozen=True)
class Draw:
    """Which instance of a sheet to build: a seed, or the canonical original."""

    seed: int | None
    student: str | None = None
    redraws: tuple[tuple[str, int], ...] = ()
    """(slot, n) for each slot drawn again n times over, so that the student's variant is not
    another student's (a class build with ``--unique`` chooses them, ``generator.pipeline.unique``)."""

    @property
    def canonical(self) -> bool:
        return self.seed is None

    @property
    def name(self) -> str:
        return "canonical" if self.seed is None else f"seed-{self.seed}"

    @classmethod
    def parse(cls, text: str) -> "Draw":
        """``"canonical"`` or a non-negative integer, with a clear error otherwise."""
        if text == "canonical":
            return cls(seed=None)
        if not text.isascii() or not text.isdigit():
            raise ConfigError(f"seed must be a non-negative integer or 'canonical', got {text!r}")
        return cls(seed=int(text))


@dataclass
class Checked:
    """What one build, or one family's run of ``sheets check``, has checked so far: each answer and each chain once.

    Solving depends on the params alone, so equal params draw an equal answer: a family with
    few variants for an option (product-variance's zero-mean proof: 3 in a class of 20) is
    solved and checked once, not again for every student who draws it; a worked chain that
    recurs (a piece such as e^{2x}, softmax's worked entries) is verified once. Only what
    passed is recorded: a failing draw fails again each time it is drawn. The caller owns the
    record and passes it on, so what a build checks depends on that build alone, never on what
    ran before it in the process; without one, each call checks everything it solves.
    """

    answers: dict[tuple[int, Any, Any], tuple[Family, Any, float]] = field(default_factory=dict)
    """Checked answers and difficulties by family id, params and the types inside them; the family is
    kept with its answer, so that while the record lasts its id names no other family."""
    chains: Verified = field(default_factory=set)
    """Chains verified (``generator.kit.steps.verify_chain``)."""
    store: VariantCache | None = None
    """Params and checked answers of earlier builds (``generator.pipeline.cache``); None: everything is worked out."""
    params: dict[tuple[int, int, str], tuple[Family, Any]] = field(default_factory=dict)
    """Params sampled (or read from the store) so far, by family id, slot seed and options: ``--unique`` and keeping
    parts of a family apart ask for a slot's draws again and again."""
    marks: dict[int, tuple[Any, frozenset[Any], str]] = field(default_factory=dict)
    """How each of those params compares (``alike``) and its JSON text, by the params' id (the params kept alive with it)."""

    def kept(self, what: str, family: Family, options: Mapping[str, Any], draw: int | str, work: Callable[[], T]) -> T:
        """``work()``, or what the store kept of it (``VariantCache.kept``)."""
        return work() if self.store is None else self.store.kept(what, family, options, draw, work)

    def kept_instance(self, sheet: SheetSpec, draw: "Draw", env: jinja2.Environment, work: Callable[[], T]) -> tuple[T, bool]:
        """(``work()``, or what the store kept of this rendered instance; whether it was kept: ``VariantCache.kept_instance``)."""
        return (work(), False) if self.store is None else self.store.kept_instance(sheet, draw, env, work)

    def flush(self) -> None:
        """Write what this process added to the store (when an instance is done)."""
        if self.store is not None:
            self.store.flush()


def variant_for_seed(
    family: Family, options: Mapping[str, Any], seed: int, label: str = "", checked: Checked | None = None
) -> Variant:
    """Draw, solve and check one variant from a slot seed."""
    params = sampled(family, options, seed, label, checked)
    return _solved(family, options, params, seed=seed, canonical=None, label=label, checked=checked)


def sampled(family: Family, options: Mapping[str, Any], seed: int, label: str = "", checked: Checked | None = None) -> Any:
    """The parameters a slot seed draws: what tells one variant from another (``checked``: from its store if kept)."""

    def sample() -> Any:
        with _naming_failures(family, seed, label), time_limit(VARIANT_SECONDS, VariantTimeout):
            return family.sample(rng_for(seed), options)

    if checked is None:
        return sample()
    memo = (id(family), seed, repr(sorted(options.items())))
    if memo not in checked.params:  # the family is kept with its params: while the record lasts, its id names no other
        checked.params[memo] = family, checked.kept("params", family, options, seed, sample)
    return checked.params[memo][1]


def slot_seed(sheet: SheetSpec, slot: str, draw: Draw, again: int = 0) -> int:
    """The seed of one problem slot of one student's sheet (parts sharing a slot share it): drawn again for
    ``--unique`` (``redraw-n``, ``generator.pipeline.unique``), then again to keep apart from an earlier part of
    its family (``distinct-k``, ``generator.pipeline.repeats``)."""
    redraw = dict(draw.redraws).get(slot, 0)
    name = f"{sheet.name}/{slot}" + (f"/redraw-{redraw}" if redraw else "") + (f"/distinct-{again}" if again else "")
    return derive_seed(draw.seed, draw.student, name)


def slot_draws(
    sheet: SheetSpec, families: Mapping[str, Family], draw: Draw, until: str | None = None, checked: Checked | None = None
) -> dict[str, SlotDraw]:
    """Per slot of a seeded draw (up to slot ``until``), how often it is drawn again so that no part is alike an
    earlier part of its family (``generator.pipeline.repeats``); slots whose family appears in no other slot
    are not sampled here."""
    compared = compared_slots(sheet, families)
    drawn: dict[str, SlotDraw] = {}
    before = _Drawn()
    for slot in dict.fromkeys(part.slot for part in sheet.parts):
        if slot not in compared:
            drawn[slot] = SlotDraw()
            continue
        parts = [part for part in sheet.parts if part.slot == slot and not families[part.family].static]
        first = fallback = None
        for again in range(MAX_AGAIN + 1):
            candidate = _Candidate.drawn(sheet, families, parts, slot, draw, again, checked)
            first = first or candidate
            if before.apart(candidate):
                break
            if fallback is None and before.apart(candidate, exactly=True):
                fallback = candidate
        else:  # every variant left is alike an earlier part: one that at least differs in its numbers, else the first
            candidate = fallback or first
        drawn[slot] = SlotDraw(candidate.again, {part.label: p for part, p in zip(parts, candidate.params)})
        before.add(candidate)
        if slot == until:
            break
    return drawn


@dataclass(frozen=True)
class _Candidate:
    """One draw of a slot's parts: ``again``, their params, and per part (its family, alike, exact params as JSON)."""

    again: int
    params: tuple[Any, ...]
    marks: tuple[tuple[str, frozenset[Any], str], ...]

    @classmethod
    def drawn(
        cls,
        sheet: SheetSpec,
        families: Mapping[str, Family],
        parts: list[PartSpec],
        slot: str,
        draw: Draw,
        again: int,
        checked: Checked | None,
    ) -> "_Candidate":
        seed = slot_seed(sheet, slot, draw, again)
        params = tuple(sampled(families[part.family], part.options, seed, part.label, checked) for part in parts)
        return cls(again, params, tuple((part.family, *compared(p, checked)) for part, p in zip(parts, params)))


def compared(params: Any, checked: Checked | None = None) -> tuple[frozenset[Any], str]:
    """How ``params`` compares with other draws of its family: alike (``repeats.alike``), and exactly (as JSON text)."""
    if checked is None:
        return alike(params), json.dumps(jsonable(params))
    if id(params) not in checked.marks:
        checked.marks[id(params)] = params, alike(params), json.dumps(jsonable(params))
    return checked.marks[id(params)][1:]


@dataclass
class _Drawn:
    """Per family, how the parts of it drawn so far compare: alike (``generator.pipeline.repeats.alike``), and exactly."""

    alike: dict[str, set[Any]] = field(default_factory=dict)
    exact: dict[str, set[str]] = field(default_factory=dict)

    def apart(self, candidate: _Candidate, exactly: bool = False) -> bool:
        """No part of ``candidate`` is alike an earlier part of its family (``exactly``: equal to one)."""
        if exactly:
            return all(text not in self.exact.get(family, ()) for family, _, text in candidate.marks)
        return all(self.alike.get(family, set()).isdisjoint(like) for family, like, _ in candidate.marks)

    def add(self, candidate: _Candidate) -> None:
        for family, like, text in candidate.marks:
            self.alike.setdefault(family, set()).update(like)
            self.exact.setdefault(family, set()).add(text)


def canonical_variant(
    family: Family, options: Mapping[str, Any], name: str, label: str = "", checked: Checked | None = None
) -> Variant:
    """The original instance a reference sheet printed, solved and checked."""
    return _solved(family, options, family.canonical[name], seed=None, canonical=name, label=label, checked=checked)


def sheet_variants(
    sheet: SheetSpec, families: Mapping[str, Family], draw: Draw, checked: Checked | None = None
) -> list[Variant]:
    """One checked variant per part of the sheet, in sheet order (``checked``: the build's record, else the sheet's own)."""
    checked = Checked() if checked is None else checked
    if draw.canonical:
        return [_canonical_part(sheet, part, families[part.family], checked) for part in sheet.parts]
    drawn = slot_draws(sheet, families, draw, checked=checked)
    variants = []
    for part in sheet.parts:
        seed, params = part_params(sheet, families, part, draw, drawn[part.slot], checked)
        variants.append(_solved(families[part.family], part.options, params, seed=seed, canonical=None, label=part.label, checked=checked))
    return variants


def part_params(
    sheet: SheetSpec, families: Mapping[str, Family], part: PartSpec, draw: Draw, drawn: SlotDraw, checked: Checked | None = None
) -> tuple[int, Any]:
    """The seed of ``part`` and the params it draws: those sampled to keep it apart (``slot_draws``), else sampled now."""
    seed = slot_seed(sheet, part.slot, draw, drawn.again)
    if part.label in drawn.params:
        return seed, drawn.params[part.label]
    return seed, sampled(families[part.family], part.options, seed, part.label, checked)


def recorded(variant: Variant, family: Family, checked: Checked | None = None) -> dict[str, Any]:
    """What answers.json records of ``variant`` (``Variant.to_json``), taken from ``checked``'s store if kept:
    printing every input and answer as text costs a quarter of what a cached variant costs."""
    if checked is None:
        return variant.to_json()
    draw = variant.seed if variant.canonical is None else variant.canonical
    return {**checked.kept("record", family, variant.options, draw, variant.to_json), "label": variant.label}


def _canonical_part(sheet: SheetSpec, part: PartSpec, family: Family, checked: Checked) -> Variant:
    if part.canonical is not None:
        return canonical_variant(family, part.options, part.canonical, part.label, checked)
    if not family.static:
        raise ConfigError(f"{sheet.path}: part {part.label} has no 'canonical' instance to rebuild")
    return variant_for_seed(family, part.options, 0, part.label, checked)


def _solved(
    family: Family, options, params, *, seed: int | None, canonical: str | None, label: str, checked: Checked | None
) -> Variant:
    checked = Checked() if checked is None else checked
    answer, score = _checked(family, options, params, seed, canonical, label, checked)
    return Variant(family.name, label, seed, canonical, dict(options), params, answer, round(float(score), 1))


def _checked(
    family: Family, options, params, seed: int | None, canonical: str | None, label: str, checked: Checked
) -> tuple[Any, float]:
    """The answer to ``params`` (what the seed or canonical instance gives), checked, and its difficulty: taken
    from the store if an earlier build kept it for this draw, else from the record if these params passed already."""

    def remembered_or_solved() -> tuple[Any, float]:
        key = (id(family), params, _kinds(params))
        try:
            remembered = checked.answers.get(key)
        except TypeError:  # mutable params: worked out every time
            return _solved_and_checked(family, params, seed, canonical, label, checked.chains)
        if remembered is not None:
            return remembered[1:]
        answer, score = _solved_and_checked(family, params, seed, canonical, label, checked.chains)
        checked.answers[key] = family, answer, score
        return answer, score

    return checked.kept("answer", family, options, seed if canonical is None else canonical, remembered_or_solved)


def _kinds(value: Any) -> Any:
    """The types of the values inside dataclasses and tuples: 1 and Integer(1) are equal params, yet
    a solver may work with them differently (1/2 against Rational(1, 2))."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value), tuple(_kinds(getattr(value, name)) for name in field_names(type(value)))
    if isinstance(value, (tuple, list)):
        return type(value), tuple(_kinds(item) for item in value)
    return type(value)


def _solved_and_checked(
    family: Family, params, seed: int | None, canonical: str | None, label: str, verified: Verified
) -> tuple[Any, float]:
    with _naming_failures(family, seed if canonical is None else canonical, label), time_limit(VARIANT_SECONDS, VariantTimeout):
        answer = family.solve(params)
        family.check(params, answer, rng_for(seed or 0, "check"))
        for chain in chains_in(answer):
            verify_chain(chain, rng_for(seed or 0, "steps"), verified)
        score = family.difficulty(params, answer) if family.difficulty else default_difficulty(params, answer)
    return answer, score


def default_difficulty(params: Any, answer: Any) -> float:
    """Worked steps in the solution plus a tenth of the SymPy operations in the inputs."""
    steps = sum(len(chain.steps) for chain in chains_in(answer))
    return steps + sum(sympy.count_ops(expr) for expr in find_all(params, sympy.Basic)) / 10


class VariantTimeout(Exception):
    """Sampling or solving one variant took longer than ``VARIANT_SECONDS``."""


@contextmanager
def _naming_failures(family: Family, seed: int | str | None, label: str):
    """Re-raise any failure inside a family as a GenerationError naming family and seed."""
    prefix = f"family {family.name}, seed {seed}" + (f" (part {label})" if label else "")
    try:
        yield
    except GenerationError:
        raise
    except CheckFailed as exc:
        raise GenerationError(f"{prefix}: answer failed its independent check: {exc}") from exc
    except VariantTimeout as exc:
        raise GenerationError(f"{prefix}: {exc}") from exc
    except Exception as exc:
        raise GenerationError(f"{prefix}: {type(exc).__name__}: {exc}") from exc
