"""Distinct variants across a class, on request (``sheets build --roster ... --unique``).

By default a student's sheet depends only on (seed, student id, slot), so two
students can draw the same variant of a problem. No rule can both keep that and
rule repeats out: in a family of two variants, three students always leave two
sharing one, whichever two of them are on the roster. So uniqueness is asked for.

With it, the class build goes through the roster in id order, slot by slot, and
draws a slot again (seed ``slot/redraw-n``) for a student whose variant a student
before them already has (a slot kept apart from an earlier part of its family,
``generator.pipeline.repeats``, is compared as the build prints it). A slot that
finds no fresh variant in ``MAX_REDRAWS`` draws is taken to be used up: from then on
each variant may be used twice (then three times, ...), so repeats are spread over
the variants, not piled on a few. Students nobody else collides with keep the sheet
they get without ``--unique``; the others' sheets depend on who is on the roster
(never on its order), which is why a rebuild of one student or one shard reads the
whole roster.
"""

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from functools import partial

from generator.kit.family import Family
from generator.pipeline.cache import VariantCache
from generator.pipeline.generate import Checked, Draw, SlotDraw, compared, part_params, slot_draws
from generator.pipeline.lifecycle import raise_if_stopped
from generator.pipeline.parallel import in_workers, workers_for
from generator.pipeline.registry import families as all_families
from generator.pipeline.repeats import compared_slots
from generator.pipeline.roster import Student
from generator.pipeline.sheet import SheetSpec

MAX_REDRAWS = 50

Redraws = tuple[tuple[str, int], ...]


def redraws(
    sheet: SheetSpec,
    draw: Draw,
    students: Sequence[Student],
    progress: Callable[[str, int, int], None],
    cache: VariantCache | None = None,
) -> dict[str, Redraws]:
    """Per student id, the slots to draw again and how often, so that no variant repeats while a slot has fresh ones.

    Every student's first draws are sampled in worker processes; the redraws, fewer
    and each depending on the ones before, are sampled here in order. Params are taken from
    ``cache`` where an earlier build sampled them, and kept there for the build that follows.
    """
    families = all_families()
    slots = _varying_slots(sheet, families)
    compared = compared_slots(sheet, families)
    jobs = [(sheet, slots, Draw(draw.seed, student.id)) for student in students]
    checked = Checked(store=cache)
    first = {}
    sample = partial(_first_fingerprints, checked=checked)
    with closing(in_workers(sample, jobs, workers_for(len(jobs)), chunksize=8, describe=_comparing)) as drawn:
        for done, (student, marks) in enumerate(zip(students, drawn), start=1):
            first[student.id] = marks
            progress("comparing variants", done, len(students))
            raise_if_stopped()
    chosen: dict[str, list[tuple[str, int]]] = {student.id: [] for student in students}
    in_id_order = sorted(students, key=lambda s: s.id)
    for index, slot in enumerate(slots):
        uses: Counter[str] = Counter()
        most = 1  # uses allowed per variant: raised when the slot's variants are used up
        for student in in_id_order:
            raise_if_stopped()
            own = Draw(draw.seed, student.id, tuple(chosen[student.id]))
            mark = first[student.id][index]
            if own.redraws and slot in compared:  # an earlier slot drawn again may change how this one is kept apart
                mark = fingerprint(sheet, families, slot, own, checked)
            if uses[mark] >= most:
                fresh = _fresh_redraw(sheet, families, slot, own, lambda m: uses[m] < most, checked)
                if fresh is None:
                    most += 1
                else:
                    redraw, mark = fresh
                    chosen[student.id].append((slot, redraw))
            uses[mark] += 1
    checked.flush()
    return {student_id: tuple(pairs) for student_id, pairs in chosen.items()}


def _varying_slots(sheet: SheetSpec, families: Mapping[str, Family]) -> list[str]:
    """The slots in sheet order, leaving out those whose parts are all fixed content."""
    slots = dict.fromkeys(part.slot for part in sheet.parts if not families[part.family].static)
    return list(slots)


def _fresh_redraw(
    sheet: SheetSpec, families: Mapping[str, Family], slot: str, draw: Draw, fresh: Callable[[str], bool], checked: Checked | None = None
) -> tuple[int, str] | None:
    """The first redraw of ``slot`` whose fingerprint is ``fresh``, with that fingerprint; None if none is."""
    for redraw in range(1, MAX_REDRAWS + 1):
        mark = fingerprint(sheet, families, slot, Draw(draw.seed, draw.student, (*draw.redraws, (slot, redraw))), checked)
        if fresh(mark):
            return redraw, mark
    return None


def fingerprint(sheet: SheetSpec, families: Mapping[str, Family], slot: str, draw: Draw, checked: Checked | None = None) -> str:
    """The sampled parameters of every part drawn from ``slot``, as JSON text: equal text, same variant
    (``checked``: from its store if kept)."""
    return _fingerprint(sheet, families, slot, draw, slot_draws(sheet, families, draw, until=slot, checked=checked)[slot], checked)


def _fingerprint(
    sheet: SheetSpec, families: Mapping[str, Family], slot: str, draw: Draw, drawn: SlotDraw, checked: Checked | None = None
) -> str:
    parts = [part for part in sheet.parts if part.slot == slot]
    texts = [compared(part_params(sheet, families, part, draw, drawn, checked)[1], checked)[1] for part in parts]
    return f"[{', '.join(texts)}]"  # json.dumps of the list of params, from each one's text


def _comparing(jobs: Sequence[tuple[SheetSpec, Sequence[str], Draw]]) -> str:
    return "comparing the variants of students " + ", ".join(draw.student for _, _, draw in jobs)


def _first_fingerprints(job: tuple[SheetSpec, Sequence[str], Draw], checked: Checked | None = None) -> tuple[str, ...]:
    sheet, slots, draw = job
    families = all_families()
    drawn = slot_draws(sheet, families, draw, checked=checked)
    marks = tuple(_fingerprint(sheet, families, slot, draw, drawn[slot], checked) for slot in slots)
    if checked is not None:
        checked.flush()  # in a worker: written before it is told to end
    return marks
