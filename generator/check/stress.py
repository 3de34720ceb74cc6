"""``sheets check``: run families over many seeds and report what went wrong.

Like R/exams's ``stresstest_exercise``: every seed is sampled, solved,
checked independently and rendered (and, with ``compile``, typeset), and no
worked step may print as the one before it; each failure is reported with the
seed that reproduces it in ``sheets show FAMILY --seed N``. ``option_sweep`` gives
the option sets a family is checked with: every value each option declares.
"""

import itertools
import json
import statistics
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator.check.lint import lint_variant, overfull_boxes
from generator.errors import GenerationError, SheetError
from generator.kit.family import Family, Variant
from generator.kit.language import ENGLISH
from generator.kit.options import ChoiceOption, IntOption, Option, resolve_options
from generator.kit.sampling import draws, rejections
from generator.kit.steps import repeated_step
from generator.pipeline.compile import PART_MARKER, compile_documents
from generator.pipeline.generate import Checked, Draw, variant_for_seed
from generator.pipeline.lifecycle import temporary_directory
from generator.pipeline.parallel import in_workers, usable_cores
from generator.pipeline.registry import families
from generator.pipeline.render import (
    Instance,
    render_documents,
    render_exercises,
    render_part,
)
from generator.pipeline.seeding import derive_seed
from generator.pipeline.sheet import ExerciseSpec, PartSpec, Settings, SheetSpec
from generator.pipeline.templating import environment

COMPILE_BATCH = 40


@dataclass
class FamilyReport:
    family: str
    seeds: int = 0
    level: int | None = None
    """The ``level`` option checked, for families that have one."""
    setting: str = ""
    """The other options checked where they differ from the defaults (``kind=norm, count=2``)."""
    failures: list[tuple[int, str]] = field(default_factory=list)
    draws: int = 0
    rejections: int = 0
    distinct: int = 0
    milliseconds: list[float] = field(default_factory=list)
    difficulties: list[float] = field(default_factory=list)

    @property
    def rejection_rate(self) -> float:
        return self.rejections / self.draws if self.draws else 0.0

    def summary(self) -> str:
        median = statistics.median(self.milliseconds) if self.milliseconds else 0.0
        worst = max(self.milliseconds, default=0.0)
        status = "ok" if not self.failures else f"{len(self.failures)} FAILED"
        scores = self.difficulties or [0.0]
        name = self.family if self.level is None else f"{self.family} level {self.level}"
        if self.setting:
            name += f" ({self.setting})"
        return (
            f"{name:<30} {status:>9}  seeds {self.seeds:>5}  distinct {self.distinct:>5}  "
            f"rejected {100 * self.rejection_rate:5.1f}%  median {median:7.1f} ms  worst {worst:8.1f} ms  "
            f"difficulty {min(scores):.1f}/{statistics.median(scores):.1f}/{max(scores):.1f}"
        )


MAX_COMBINATIONS = 8
"""A family with at most this many combinations of option values is checked at every one (options interact:
sigmoid units with a cross-entropy loss); one with more, at enough of them that every pair of values of two
options meets once (a softmax of four integer logits ran into the margin, n = 4 beside values = integers, which
no sweep of one value at a time tried)."""


def option_values(option: Option) -> tuple[Any, ...]:
    """Every value an option declares: a whole-number range, the choices, or both truth values."""
    if isinstance(option, IntOption):
        return tuple(range(option.low, option.high + 1))
    return option.choices if isinstance(option, ChoiceOption) else (option.default, not option.default)


def level_sweep(family: Family, given: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each value of a ``level`` option (unless ``given`` picks one), the other options at their defaults: the
    quick sweep, which ``make test`` runs over many seeds beside a shorter sweep of every option."""
    level = next((option for option in family.options if option.name == "level"), None)
    if level is None or "level" in given:
        return [dict(given)]
    return [{**given, "level": value} for value in option_values(level)]


def option_sweep(family: Family, given: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The option sets ``sheets check`` runs a family with, the defaults first, for the options not ``given``:
    every combination of their declared values when there are few, else every pair of values (``pairwise``),
    without the combinations the family's ``conflicts`` refuses."""
    free = [option for option in family.options if option.name not in given]
    names = [option.name for option in free]
    defaults = tuple(option.default for option in free)
    combinations = [values for values in itertools.product(*map(option_values, free)) if _allowed(family, {**dict(zip(names, values)), **given})]
    if len(combinations) > MAX_COMBINATIONS:
        combinations = pairwise(combinations, first=defaults)
    combinations.sort(key=lambda values: values != defaults)
    return [{**dict(zip(names, values)), **given} for values in combinations]


def _allowed(family: Family, setting: dict[str, Any]) -> bool:
    return not (family.conflicts and family.conflicts(resolve_options(family.options, setting)))


def pairwise(combinations: list[tuple], first: tuple) -> list[tuple]:
    """Few of ``combinations`` in which every value, and every pair of values of two options, that any of them has
    occurs at least once: ``first`` (if it is one), then greedily the one that covers most pairs not yet covered,
    the earliest of equals, so the choice is the same on every run."""
    def pairs(values: tuple) -> set:
        named = list(enumerate(values))
        return {*((each,) for each in named), *itertools.combinations(named, 2)}

    uncovered = set().union(*map(pairs, combinations))
    chosen = [first] if first in combinations else []
    uncovered -= pairs(first) if chosen else set()
    while uncovered:
        best = max(combinations, key=lambda values: len(pairs(values) & uncovered))
        chosen.append(best)
        uncovered -= pairs(best)
    return chosen


def check_seed(index: int, family: Family) -> int:
    """The variant seed ``sheets check`` uses for its ``index``-th run of a family."""
    return derive_seed(index, None, f"check/{family.name}")


def stress_family(
    family: Family,
    options: Mapping[str, Any],
    seeds: int,
    compile_pdfs: bool = False,
    workdir: Path | None = None,
    env: jinja2.Environment | None = None,
    languages: tuple[str, ...] = (),
) -> FamilyReport:
    """Sample, solve, check, render and lint ``seeds`` variants (and typeset them, ``compile_pdfs``).

    Each variant is also rendered (and typeset) in each of ``languages``: a translation may not break
    a template, and German words are longer than English ones.
    """
    defaults = {option.name: option.default for option in family.options}
    setting = ", ".join(f"{k}={v}" for k, v in options.items() if k != "level" and v != defaults.get(k))
    report = FamilyReport(family.name, seeds=seeds, level=options.get("level"), setting=setting)
    env = env or environment()
    inputs: set[str] = set()
    rendered: list[Variant] = []
    checked = Checked()
    for index in range(seeds):
        seed = check_seed(index, family)
        draws_before, rejections_before = draws.get(), rejections.get()
        started = time.perf_counter()
        try:
            variant = variant_for_seed(family, options, seed, label=str(seed), checked=checked)
            statement, solution = render_part(env, family, variant)
            for language in languages:
                render_part(environment(language=language), family, variant)
            repeated = repeated_step(variant.answer)
            if repeated is not None:
                raise GenerationError(f"a worked step prints as the one before it: {repeated}")
            findings = lint_variant(family, variant, statement, solution)
            if findings:
                raise GenerationError("; ".join(map(str, findings)))
        except SheetError as exc:
            report.failures.append((seed, str(exc)))
            continue
        finally:
            report.milliseconds.append(1000 * (time.perf_counter() - started))
            report.draws += draws.get() - draws_before
            report.rejections += rejections.get() - rejections_before
        inputs.add(json.dumps(variant.to_json()["inputs"], sort_keys=True))
        report.difficulties.append(variant.difficulty)
        rendered.append(variant)
    report.distinct = len(inputs)
    if compile_pdfs and workdir is not None:
        for language in (ENGLISH, *languages):
            for start in range(0, len(rendered), COMPILE_BATCH):
                batch = rendered[start : start + COMPILE_BATCH]
                report.failures.extend(_compile_batch(family, batch, workdir, language))
    return report


def stress_families(
    jobs: list[tuple[str, Mapping[str, Any]]],
    seeds: int,
    compile_pdfs: bool = False,
    workers: int | None = None,
    languages: tuple[str, ...] = (),
) -> Iterator[FamilyReport]:
    """Reports for (family name, options) jobs, in order, run in parallel worker processes."""
    tasks = [(name, dict(options), seeds, compile_pdfs, languages) for name, options in jobs]
    workers = min(workers or usable_cores(), len(jobs))
    yield from in_workers(_stress_job, tasks, workers, describe=_checking, ahead=1)  # a family's check takes seconds


def _checking(tasks: list[tuple[str, dict, int, bool, tuple[str, ...]]]) -> str:
    named = (f"{name} ({', '.join(f'{key}={value}' for key, value in options.items())})" if options else name for name, options, *_ in tasks)
    return "checking " + ", ".join(named)


def _stress_job(task: tuple[str, dict, int, bool, tuple[str, ...]]) -> FamilyReport:
    name, options, seeds, compile_pdfs, languages = task
    with temporary_directory("check") as workdir:
        return stress_family(families()[name], options, seeds, compile_pdfs, workdir, languages=languages)


def _compile_batch(family: Family, variants: list[Variant], workdir: Path, language: str = ENGLISH) -> list[tuple[int, str]]:
    """Typeset a batch in one document, in ``language``; on a TeX error, blame the variant whose lines broke.

    A line set wider than the text (an overfull box) fails the variant that printed it."""
    parts = tuple(PartSpec(v.label, family.name, v.options, None, None) for v in variants)
    exercises = tuple(ExerciseSpec(part.label, "", "", (part,)) for part in parts)
    settings = Settings(language=language)
    sheet = SheetSpec(f"check-{family.name}", workdir, f"check {family.name}", "sheets check", None, "", exercises, settings)
    families = {family.name: family}
    env = environment(language=language)
    instance = Instance("check", Draw(0), render_exercises(env, sheet, variants, families))
    sources = render_documents(env, sheet, [instance], families)
    batchdir = workdir / f"{family.name}-{variants[0].label}-{language}"
    try:
        compile_documents({"solution": sources["solution"]}, batchdir)
    except SheetError as exc:
        message = str(exc)
        blamed = next((v for v in variants if f"in part {v.label}," in message), None)
        if blamed is None:
            return [(variants[0].seed, f"batch from seed {variants[0].seed}: {message}")]
        return [(blamed.seed, message)]
    return _overfull(variants, batchdir)


def _overfull(variants: list[Variant], batchdir: Path) -> list[tuple[int, str]]:
    """Overfull boxes of a compiled batch, each blamed on the variant whose part holds the line."""
    log = (batchdir / "solution.log").read_text(encoding="utf-8", errors="replace")
    source = (batchdir / "solution.tex").read_text(encoding="utf-8").splitlines()
    seeds = {v.label: v.seed for v in variants}
    failures = []
    for line, finding in overfull_boxes(log):
        label = next((m.group(1) for m in map(PART_MARKER.match, reversed(source[:line])) if m), None)
        failures.append((seeds.get(label, variants[0].seed), str(finding)))
    return failures
