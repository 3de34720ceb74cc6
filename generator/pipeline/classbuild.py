"""Personalised sheets for a whole class: generate in parallel, typeset in groups, split.

SymPy is the expensive part, so students' variants are generated in worker
processes, one per core. TeX runs once per *group* and kind: students
fall into ``groups`` fixed groups by a SHA-256 of their id, each group is one
batched document, and the batch is split into per-student PDFs at named
destinations. Students are generated group by group, and a group's TeX runs
read each student's pages as soon as that student is generated (through a
named pipe, ``compile_stream``), so TeX overlaps SymPy and little typesetting
is left once the last student is in. A group's membership
depends only on the ids in it, so a shard (whole groups) or a single-student
rebuild (that student's group) reproduces the bytes of the full build: font
subsets are shared within a group. solutions-all.pdf takes its pages from the
group batches, so it carries one set of fonts per group, not one per student.
"""

import csv
import io
import json
import queue
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.errors import ConfigError
from generator.kit.family import Family, Variant
from generator.kit.printing import tex
from generator.pipeline.compile import compile_stream, require_tex
from generator.pipeline.generate import Draw, sheet_variants
from generator.pipeline.lifecycle import temporary_directory
from generator.pipeline.parallel import Describe, in_workers, workers_for
from generator.pipeline.project import Project
from generator.pipeline.registry import families as all_families
from generator.pipeline.render import (
    KINDS,
    Instance,
    RenderedExercise,
    document_pieces,
    render_exercises,
)
from generator.pipeline.roster import Student, stable_bucket
from generator.pipeline.sheet import SheetSpec
from generator.pipeline.split import gather, split_pdf
from generator.pipeline.unique import redraws
from generator.pipeline.write import ensure_writable, locked, publish, publish_file

DEFAULT_GROUPS = 4
Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``."""


@dataclass(frozen=True)
class StudentSheet:
    """One student's sheet, generated and rendered in a worker: only plain data crosses processes.

    (Unpickling SymPy objects re-runs their evaluation, which costs more than the transfer.)
    """

    student: Student
    exercises: tuple[RenderedExercise, ...]
    problems: tuple[dict, ...]
    key_rows: tuple[tuple[str, str, str, str], ...]
    """(problem label, family, answer LaTeX, answer text) per answer-key field."""


@dataclass
class ClassReport:
    """What a class build produced, for the CLI to print."""

    target: Path
    students: int
    unique: bool = False
    redrawn: int = 0
    """Problems drawn again so as not to repeat another student's variant (``unique`` only)."""
    distinct: dict[str, int] = field(default_factory=dict)
    fixed: set[str] = field(default_factory=set)
    """Problems of fixed content (a proof to write): the same for everyone, on purpose."""
    difficulty: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    """Per problem: the minimum, median and maximum difficulty score across the class."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time per stage: redraw (``unique`` only), generate (SymPy, in parallel with TeX), typeset
    (what TeX had left), write; and tex, the CPU seconds of all TeX runs."""

    def lines(self) -> list[str]:
        if not self.students:
            return [f"nothing to build for {self.target}: no student of the roster falls in this shard"]
        lines = [f"built {self.target} for {self.students} students"]
        if self.unique:
            lines[0] += f" (--unique: {self.redrawn} problems drawn again)"
        for label, distinct in self.distinct.items():
            if label in self.fixed:
                lines.append(f"  problem {label}: fixed content, the same for every student")
                continue
            collisions = self.students - distinct
            low, median, high = self.difficulty[label]
            lines.append(
                f"  problem {label}: {distinct} distinct variants, {collisions} shared with another student, "
                f"difficulty {low:g}/{median:g}/{high:g}"
            )
        return lines


def select_students(
    students: Sequence[Student],
    groups: int,
    shard: tuple[int, int] | None = None,
    only: Sequence[str] = (),
) -> tuple[list[Student], set[str]]:
    """Students to typeset (whole groups) and the ids whose files are written."""
    if shard is not None and shard[1] > groups:
        raise ConfigError(f"--shard {shard[0]}/{shard[1]} needs at least {shard[1]} groups (use --groups {shard[1]})")
    known = {student.id for student in students}
    unknown = [student_id for student_id in only if student_id not in known]
    if unknown:
        raise ConfigError(f"student {unknown[0]!r} is not on the roster")
    group_of = {student.id: stable_bucket(student.id, groups) for student in students}
    wanted_groups = set(group_of.values())
    if shard is not None:
        wanted_groups = {g for g in wanted_groups if g % shard[1] == shard[0] - 1}
    if only:
        wanted_groups &= {group_of[student_id] for student_id in only}
    typeset = [student for student in students if group_of[student.id] in wanted_groups]
    written = set(only) if only else {student.id for student in typeset}
    return typeset, written


def build_class(
    name: str,
    draw: Draw,
    students: Sequence[Student],
    out_dir: Path,
    project: Project = Project(),
    groups: int = DEFAULT_GROUPS,
    shard: tuple[int, int] | None = None,
    only: Sequence[str] = (),
    progress: Progress | None = None,
    unique: bool = False,
) -> ClassReport:
    """Build one sheet for every selected student; write per-student PDFs and class files.

    With ``unique``, students who would share a variant draw again (``generator.pipeline.unique``):
    worked out over the whole roster, also when only a shard or some students are built.
    """
    require_tex()
    ensure_writable(out_dir)
    progress = progress or (lambda stage, done, total: None)
    sheet = project.load_sheet(name)
    typeset, written = select_students(students, groups, shard, only)
    target = out_dir / sheet.name / draw.name
    if not typeset:  # a shard no student of this roster falls in: an array job with nothing to do
        return ClassReport(target, 0)
    started = time.perf_counter()
    redrawn = redraws(sheet, draw, students, progress) if unique else {}
    seconds = {"redraw": time.perf_counter() - started} if unique else {}
    draws = {student.id: Draw(draw.seed, student.id, redrawn.get(student.id, ())) for student in typeset}
    with temporary_directory("class") as workdir:
        sheets, typeset_groups = _generate_and_typeset(sheet, draws, typeset, groups, project, workdir, progress, seconds)
    started = time.perf_counter()
    chosen = [sheets[student.id] for student in typeset if student.id in written]
    files = {
        f"{s.student.id}/{sheet.name}-{kind}.pdf": typeset_groups.pdf(kind, s.student.id) for s in chosen for kind in KINDS
    }
    class_files = _class_files(sheet, draw, unique, chosen, typeset_groups)
    with locked(target):
        _write(target, files, class_files, shard, written if shard is not None or only else None)
    seconds["write"] = time.perf_counter() - started
    report = ClassReport(target, len(chosen), seconds=seconds, unique=unique)
    report.redrawn = sum(len(draws[s.student.id].redraws) for s in chosen)
    families = all_families()
    report.fixed = {part.label for part in sheet.parts if families[part.family].static}
    for index, part in enumerate(sheet.parts):
        report.distinct[part.label] = len({json.dumps(s.problems[index]["inputs"]) for s in chosen})
        scores = [s.problems[index]["difficulty"] for s in chosen]
        report.difficulty[part.label] = (min(scores), statistics.median(scores), max(scores))
    return report


def _write(
    target: Path, files: dict[str, bytes], class_files: dict[str, bytes], shard: tuple[int, int] | None, written: set[str] | None
) -> None:
    """The whole directory at once; or, for some students or a shard (``written``), their folders and suffixed class files."""
    if written is None:
        publish({**files, **class_files}, target)
        return
    for student_id in sorted(written):
        prefix = f"{student_id}/"
        publish({k[len(prefix) :]: v for k, v in files.items() if k.startswith(prefix)}, target / student_id)
    if shard is not None:
        suffix = f".shard-{shard[0]}-of-{shard[1]}"
        for file_name, content in class_files.items():
            stem, dot, extension = file_name.rpartition(".")
            publish_file(content, target / f"{stem}{suffix}{dot}{extension}")


@dataclass
class TypesetGroups:
    """Each group's batched PDFs (``group-0003-solution``) and the split per-student PDFs."""

    batches: dict[str, bytes] = field(default_factory=dict)
    pdfs: dict[tuple[str, str], bytes] = field(default_factory=dict)
    batch_of: dict[str, str] = field(default_factory=dict)
    """Student id -> name of the group's batches without the kind (``group-0003``)."""

    def add(self, batch: str, kind: str, pdf: bytes, split: dict[str, bytes]) -> None:
        self.batches[f"{batch}-{kind}"] = pdf
        for student_id, student_pdf in split.items():
            self.pdfs[(kind, student_id)] = student_pdf
            self.batch_of[student_id] = batch

    def pdf(self, kind: str, student_id: str) -> bytes:
        return self.pdfs[(kind, student_id)]

    def batch(self, kind: str, student_id: str) -> str:
        return f"{self.batch_of[student_id]}-{kind}"


def _generate_and_typeset(
    sheet: SheetSpec,
    draws: Mapping[str, Draw],
    students: Sequence[Student],
    groups: int,
    project: Project,
    workdir: Path,
    progress: Progress,
    seconds: dict[str, float],
) -> tuple[dict[str, StudentSheet], TypesetGroups]:
    """Generate every student's sheet, typesetting each group's documents while its students come in.

    Students are generated group by group; a group's two TeX runs start with its first
    student and read each student's pages as soon as they are rendered, so once SymPy is
    done only the last student's pages and the last group's fonts are left to typeset.
    """
    members: dict[int, list[Student]] = {}
    for student in sorted(students, key=lambda s: s.id):
        members.setdefault(stable_bucket(student.id, groups), []).append(student)
    order = [student for group in sorted(members) for student in members[group]]
    group_of = {student.id: group for group, group_students in members.items() for student in group_students}

    def describe(jobs: Sequence[tuple]) -> str:
        """The students a worker held, for the message if it dies."""
        ids = [job[2].id for job in jobs]
        groups_in = sorted({group_of[student_id] for student_id in ids})
        return f"generating students {', '.join(ids)} (group {', '.join(map(str, groups_in))})"

    waiting = {group: len(group_students) for group, group_students in members.items()}
    sheets: dict[str, StudentSheet] = {}
    result = TypesetGroups()
    tex_seconds: list[float] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(KINDS) * len(members)) as tex_pool:
        feeds: dict[int, list[queue.SimpleQueue]] = {}
        pending: list[Future] = []
        generated = _generated(sheet, draws, order, project, describe)
        try:
            for done, student_sheet in enumerate(generated, start=1):
                student = student_sheet.student
                sheets[student.id] = student_sheet
                progress("generating", done, len(order))
                group = group_of[student.id]
                if group not in feeds:
                    feeds[group], runs = _typeset_group(
                        tex_pool, sheet, f"group-{group:04d}", members[group], project, workdir, tex_seconds
                    )
                    pending += runs
                waiting[group] -= 1
                instance = Instance(student.id, draws[student.id], student_sheet.exercises, student)
                for feed in feeds[group]:
                    feed.put(instance)
                    if waiting[group] == 0:
                        feed.put(_END)
                _raise_first_failure(pending)
        except BaseException:
            generated.close()  # the workers are killed, not waited for
            for group_feeds in feeds.values():
                for feed in group_feeds:
                    feed.put(_ABORT)
            raise
        seconds["generate"] = time.perf_counter() - started
        for done, future in enumerate(pending, start=1):
            result.add(*future.result())
            progress("typesetting", done, len(pending))
    seconds["typeset"] = time.perf_counter() - started - seconds["generate"]
    seconds["tex"] = sum(tex_seconds)
    return sheets, result


def _generated(
    sheet: SheetSpec, draws: Mapping[str, Draw], students: Sequence[Student], project: Project, describe: Describe
) -> Iterator[StudentSheet]:
    """Every student's sheet, in order, generated in worker processes (one per core)."""
    jobs = [(sheet, draws[student.id], student, project) for student in students]
    workers = workers_for(len(jobs))
    yield from in_workers(_student_sheet, jobs, workers, chunksize=max(1, len(jobs) // (workers * 8)), describe=describe)


_END = None
_ABORT = object()


class _Aborted(Exception):
    """Generation failed: the group's TeX runs are stopped."""


def _arriving(feed: queue.SimpleQueue) -> Iterator[Instance]:
    """The instances put into ``feed``, each as soon as it is there, until the end of the group."""
    while (item := feed.get()) is not _END:
        if item is _ABORT:
            raise _Aborted
        yield item


def _typeset_group(
    pool: ThreadPoolExecutor,
    sheet: SheetSpec,
    batch: str,
    group_students: Sequence[Student],
    project: Project,
    workdir: Path,
    tex_seconds: list[float],
) -> tuple[list[queue.SimpleQueue], list[Future]]:
    """Start the group's TeX runs, solutions (the longer one) first; each is split when done.

    Returns a feed and a future per run: put each student's ``Instance`` into every feed,
    then ``_END``; the future gives the batch and its split PDFs.
    """
    keys = [student.id for student in group_students]

    def typeset(kind: str, feed: queue.SimpleQueue) -> tuple[str, str, bytes, dict[str, bytes]]:
        pieces = document_pieces(project.environment(), sheet, _arriving(feed), all_families(), kind)
        compiled = compile_stream(f"{batch}-{kind}", pieces, workdir)
        tex_seconds.append(compiled.cpu_seconds)
        return batch, kind, compiled.pdf, split_pdf(compiled.pdf, keys)

    kinds = sorted(KINDS, key=lambda kind: kind != "solution")
    feeds = [queue.SimpleQueue() for _ in kinds]
    return feeds, [pool.submit(typeset, kind, feed) for kind, feed in zip(kinds, feeds)]


def _raise_first_failure(pending: Sequence[Future]) -> None:
    """Stop early when a group's TeX run has failed (a broken template): the class cannot be built."""
    for future in pending:
        if future.done() and future.exception() is not None:
            future.result()


def _student_sheet(job: tuple[SheetSpec, Draw, Student, Project]) -> StudentSheet:
    sheet, draw, student, project = job
    families = all_families()
    variants = sheet_variants(sheet, families, draw)
    stored = tuple(variant.to_json() for variant in variants)
    rows = tuple(
        (variant.label, variant.family, latex, text)
        for variant, record in zip(variants, stored)
        for latex, text in _answer_cells(variant, families[variant.family], record["answers"])
    )
    return StudentSheet(student, render_exercises(project.environment(), sheet, variants, families), stored, rows)


def _class_files(sheet: SheetSpec, draw: Draw, unique: bool, chosen: Sequence[StudentSheet], typeset: TypesetGroups) -> dict[str, bytes]:
    """answers.json, answer-key.csv and solutions-all.pdf, students in roster order."""
    answers = {
        "sheet": sheet.name,
        "title": sheet.title,
        "seed": draw.seed,
        "unique": unique,
        "generator": f"sheets {__version__}",
        "students": [{"id": s.student.id, "name": s.student.name, "problems": list(s.problems)} for s in chosen],
    }
    key = io.StringIO()
    writer = csv.writer(key, lineterminator="\n")
    writer.writerow(["student_id", "name", "problem", "family", "answer_latex", "answer_text"])
    for s in chosen:
        for label, family, latex, text in s.key_rows:
            writer.writerow([s.student.id, s.student.name, label, family, latex, text])
    return {
        "answers.json": (json.dumps(answers, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        "answer-key.csv": key.getvalue().encode("utf-8"),
        "solutions-all.pdf": gather(
            typeset.batches, [(typeset.batch("solution", s.student.id), s.student.id) for s in chosen]
        ),
    }


def _answer_cells(variant: Variant, family: Family, stored: dict) -> list[tuple[str, str]]:
    """(LaTeX, plain text) for each answer field a grader needs; ``stored`` is the answers as in answers.json."""
    cells = []
    for name in family.answer_key(variant.answer):
        value = getattr(variant.answer, name)
        items = value if isinstance(value, tuple) else (value,)
        latex = "; ".join(tex(item) for item in items)
        text = "; ".join(str(item) for item in (stored[name] if isinstance(stored[name], list) else [stored[name]]))
        cells.append((f"{name}: {latex}", f"{name}: {text}"))
    return cells
