"""The build driver: gather instances → render → typeset → split → publish.

A single sheet is a class of one. Every build typesets *instances* of a sheet (one draw,
for one student or for nobody) in batched TeX runs, one run per batch and kind, and cuts
each batch into one PDF per instance:

* a single sheet (``build_sheets``) is one instance for nobody, in a batch of its own, so
  its batch is its PDF: it is published as TeX wrote it, with its LaTeX source and
  answers.json, in ``<sheet>/seed-<S>/`` (or ``canonical/``);
* a class (``build_class``) gives every student an instance. Students fall into ``groups``
  fixed groups by a SHA-256 of their id; each group is one batch, split into per-student
  PDFs at named destinations, published in ``<sheet>/seed-<S>/<id>/`` beside the class's
  answers.json, answer key (``answerkey``) and solutions-all.pdf. A group's membership
  depends only on the ids in it, so a shard (whole groups) or a single-student rebuild
  (that student's group) reproduces the bytes of the full build: font subsets are shared
  within a group.
  solutions-all.pdf takes its pages from the group batches, so it carries one set of
  fonts per group, not one per student.

SymPy is the expensive part, so instances are generated in worker processes, one per core
(in this process when there are few), batch by batch, and a batch's TeX runs read each
instance's pages as soon as it is generated (through a named pipe, ``compile_stream``):
TeX overlaps SymPy, and little typesetting is left once the last instance is in. Given a variant
cache (``generator.pipeline.cache``), workers take what an earlier build generated from it, and
only render: a rebuild after a template change costs little more than TeX.

Every instance is generated and every document typeset before anything is written, so
any error leaves ``build/`` as it was.
"""

import heapq
import json
import queue
import shutil
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain, count
from pathlib import Path

from generator import __version__
from generator.errors import ConfigError
from generator.i18n import translations
from generator.kit.language import ENGLISH, written_decimal
from generator.pipeline.answerkey import answer_cells, answer_key_csv, answer_key_xlsx
from generator.pipeline.cache import VariantCache
from generator.pipeline.compile import Compiled, compile_stream, require_tex
from generator.pipeline.generate import Checked, Draw, recorded, sheet_variants
from generator.pipeline.lifecycle import raise_if_stopped, temporary_directory
from generator.pipeline.merge import class_json, shard_record, suffixed
from generator.pipeline.parallel import in_workers, usable_cores, workers_for
from generator.pipeline.project import Project
from generator.pipeline.registry import families as all_families
from generator.pipeline.render import (
    KINDS,
    Instance,
    RenderedExercise,
    document_inputs,
    document_pieces,
    render_documents,
    render_parts,
    rendered_exercises,
)
from generator.pipeline.roster import Student, stable_bucket
from generator.pipeline.sheet import SheetSpec
from generator.pipeline.split import gather, split_apart
from generator.pipeline.unique import redraws
from generator.pipeline.write import beside, ensure_writable, locked, publish, publish_file

DEFAULT_GROUPS = 4
NOBODY = "sheet"
"""The key (PDF destination) of a single sheet's one instance."""
Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``."""
Job = tuple[SheetSpec, Draw, Student | None, Project]
"""One instance to generate: what a worker gets."""


@dataclass(frozen=True)
class Generated:
    """One instance, generated and rendered in a worker: only plain data crosses processes.

    (Unpickling SymPy objects re-runs their evaluation, which costs more than the transfer.)
    """

    draw: Draw
    student: Student | None
    exercises: tuple[RenderedExercise, ...]
    problems: tuple[dict, ...]
    key_cells: tuple[tuple[str, str], ...]
    """(answer column, value) per answer a grader needs: this student's row of the answer key."""
    kept: bool = False
    """Rendered by an earlier build (the variant cache): its batch may be too, and then TeX need not run."""

    @property
    def key(self) -> str:
        return _key(self.student)

    def instance(self) -> Instance:
        return Instance(self.key, self.draw, self.exercises, self.student)


@dataclass(frozen=True)
class Plan:
    """One sheet to build: its instances in the batches TeX typesets them in, and what is written where."""

    sheet: SheetSpec
    draw: Draw
    target: Path
    batches: dict[str, tuple[tuple[Draw, Student | None], ...]]
    """Batch name (the TeX job is ``<batch>-<kind>``) -> its instances, in page order."""
    written: tuple[str, ...]
    """Keys of the instances whose files are written, in roster order."""
    roster: bool = False
    """A class: per-student folders and class files; otherwise one instance, published as typeset with its source."""
    some_students: bool = False
    """Only some students' folders are written (a shard, or ``--student``), beside what is there."""
    shard: tuple[int, int] | None = None
    unique: bool = False
    group_of: Mapping[str, int] = field(default_factory=dict)
    """Student id -> group, for the message if a worker dies."""
    everyone: tuple[Student, ...] = ()
    groups: int = DEFAULT_GROUPS
    """The whole roster and the number of groups: a shard records them for ``sheets merge`` (``merge.shard_record``)."""

    def stem(self, kind: str) -> str:
        return f"{self.sheet.name}-{kind}"


@dataclass
class Report:
    """What a build of one sheet produced, for the CLI to print."""

    target: Path
    students: int
    """Instances written (one for a single sheet); none when no student of the roster falls in the shard."""
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

    language: str = ENGLISH
    """The sheet's language: the report is in it too."""

    def lines(self) -> list[str]:
        """The report, a line per problem, in the sheet's language (the catalogue's messages)."""
        catalogue = translations(self.language)
        gettext, ngettext = catalogue.gettext, catalogue.ngettext
        if not self.students:
            nothing = gettext("nothing to build for %(target)s: no student of the roster falls in this shard")
            return [nothing % {"target": self.target}]
        built = ngettext("built %(target)s for %(num)d student", "built %(target)s for %(num)d students", self.students)
        lines = [built % {"target": self.target, "num": self.students}]
        if self.unique:
            redrawn = ngettext(
                " (--unique: %(num)d problem drawn again)", " (--unique: %(num)d problems drawn again)", self.redrawn
            )
            lines[0] += redrawn % {"num": self.redrawn}
        for label, distinct in self.distinct.items():
            if label in self.fixed:
                fixed = gettext("  problem %(label)s: fixed content, the same for every student")
                lines.append(fixed % {"label": label})
                continue
            low, median, high = (written_decimal(f"{score:g}", self.language) for score in self.difficulty[label])
            line = gettext(
                "  problem %(label)s: %(distinct)d distinct variants, %(shared)d shared with another student, "
                "difficulty %(low)s/%(median)s/%(high)s"
            )
            values = {"label": label, "distinct": distinct, "shared": self.students - distinct}
            lines.append(line % {**values, "low": low, "median": median, "high": high})
        return lines


def build_sheets(
    names: list[str] | None, draw: Draw, out_dir: Path, project: Project = Project(), cache: VariantCache | None = None
) -> list[Path]:
    """Build each named sheet (all sheets if none) as a class of one; return the output directories.

    ``cache``: variants of earlier builds to take instead of generating them again (``generator.pipeline.cache``)."""
    _ready(out_dir)
    names = names or project.sheet_names()
    if not names:
        raise ConfigError(f"no sheet definitions (*.toml) in {project.sheet_dir}")
    plans = []
    for name in names:
        sheet = project.load_sheet(name)
        plans.append(Plan(sheet, draw, out_dir / sheet.name / draw.name, {sheet.name: ((draw, None),)}, (NOBODY,)))
    for plan in plans:
        _not_over_a_class(plan.target)
    return [report.target for report in _built(plans, project, _silent, cache)]


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
    cache: VariantCache | None = None,
) -> Report:
    """Build one sheet for every selected student; write per-student PDFs and class files.

    With ``unique``, students who would share a variant draw again (``generator.pipeline.unique``):
    worked out over the whole roster, also when only a shard or some students are built.
    """
    _ready(out_dir)
    progress = progress or _silent
    sheet = project.load_sheet(name)
    typeset, written = select_students(students, groups, shard, only)
    target = out_dir / sheet.name / draw.name
    if not typeset:  # a shard no student of this roster falls in: an array job with nothing to do
        return Report(target, 0, language=sheet.settings.language)
    started = time.perf_counter()
    redrawn = redraws(sheet, draw, students, progress, cache) if unique else {}
    redraw_seconds = {"redraw": time.perf_counter() - started} if unique else {}
    group_of = {student.id: stable_bucket(student.id, groups) for student in typeset}
    batches: dict[str, tuple[tuple[Draw, Student], ...]] = {}
    for group in sorted(set(group_of.values())):
        members = sorted((s for s in typeset if group_of[s.id] == group), key=lambda s: s.id)
        batches[f"group-{group:04d}"] = tuple((Draw(draw.seed, s.id, redrawn.get(s.id, ())), s) for s in members)
    chosen = tuple(student.id for student in typeset if student.id in written)
    plan = Plan(
        sheet,
        draw,
        target,
        batches,
        chosen,
        roster=True,
        some_students=shard is not None or bool(only),
        shard=shard,
        unique=unique,
        group_of=group_of,
        everyone=tuple(students),
        groups=groups,
    )
    (report,) = _built([plan], project, progress, cache)
    report.seconds.update(redraw_seconds)
    return report


def sheet_sources(name: str, draw: Draw, project: Project = Project()) -> dict[str, str]:
    """The LaTeX of a single sheet's documents by kind, as ``build_sheets`` typesets them, without TeX."""
    sheet = project.load_sheet(name)
    instance = generate_instance((sheet, draw, None, project)).instance()
    return render_documents(project.environment(sheet.settings.language), sheet, [instance], all_families())


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


def _ready(out_dir: Path) -> None:
    """Fail before any work when TeX is missing or ``out_dir`` cannot be written."""
    require_tex()
    ensure_writable(out_dir)


def _not_over_a_class(target: Path) -> None:
    """Refuse to replace a class's folder with a single sheet: its students' PDFs may be handed out already,
    and a roster edited since could not make them again. (A class built over a single sheet replaces it: the
    plain sheet is seconds away.)"""
    if any(target.glob("answer-key*.csv")):
        raise ConfigError(
            f"{target} holds a class build (per-student PDFs and answer keys), which a single sheet would replace: "
            f"build the sheet into another folder (--out DIR), or remove {target} first"
        )


def _silent(stage: str, done: int, total: int) -> None:
    pass


def _key(student: Student | None) -> str:
    return student.id if student else NOBODY


def _built(plans: Sequence[Plan], project: Project, progress: Progress, cache: VariantCache | None) -> list[Report]:
    """Generate and typeset every plan's instances, then write each plan's files.

    A class's per-student PDFs are written as each batch is split (``split.split_apart``) into a hidden folder beside
    its target (``write.beside``), so the build never holds them, and are linked into place from there.
    """
    with temporary_directory("build") as workdir, ExitStack() as folders:
        cut = [folders.enter_context(beside(plan.target, "split")) if plan.roster else None for plan in plans]
        outcomes, data, seconds = _generate_and_typeset(plans, project, workdir, progress, cache, cut)
        reports = []
        for plan, (generated, typeset), shared in zip(plans, outcomes, data):
            started = time.perf_counter()
            chosen = [generated[key] for key in plan.written]
            with locked(plan.target):
                _publish(plan, _pdf_files(plan, typeset), shared, typeset.instances)
            reports.append(_report(plan, chosen, {**seconds, "write": time.perf_counter() - started}))
    return reports


@dataclass
class Typeset:
    """One plan's TeX output, as files: each batch's PDF (``group-0003-solution``, in the work folder) and each written
    student's PDFs (beside the target); for a single sheet, its PDFs and sources themselves."""

    batches: dict[str, Path] = field(default_factory=dict)
    instances: dict[str, Path] = field(default_factory=dict)
    """A class's per-student PDFs, named inside the plan's target (``s001/<sheet>-exercise.pdf``)."""
    pdfs: dict[str, bytes] = field(default_factory=dict)
    """A single sheet's PDF by kind."""
    sources: dict[str, bytes] = field(default_factory=dict)
    """A single sheet's LaTeX source by kind (it is published beside its PDFs)."""

    def add(self, batch: str, kind: str, pdf: Path, instances: dict[str, Path], single: tuple[bytes, bytes] | None) -> None:
        self.batches[f"{batch}-{kind}"] = pdf
        self.instances.update(instances)
        if single is not None:
            self.pdfs[kind], self.sources[kind] = single


def _generate_and_typeset(
    plans: Sequence[Plan],
    project: Project,
    workdir: Path,
    progress: Progress,
    cache: VariantCache | None,
    cut: Sequence[Path | None],
) -> tuple[list[tuple[dict[str, Generated], Typeset]], list[dict[str, bytes]], dict[str, float]]:
    """Generate every instance, typesetting each batch's documents while its instances come in; and each plan's
    files that need no PDF (``_data_files``).

    Instances are generated batch by batch; a batch's TeX runs start with its first instance
    and read each instance's pages as soon as they are rendered, so once SymPy is done only
    the last instance's pages and the last batch's fonts are left to typeset, while this process,
    which would otherwise only wait, makes answers.json and the answer keys.
    """
    order = [
        (index, batch, draw, student)
        for index, plan in enumerate(plans)
        for batch, members in plan.batches.items()
        for draw, student in members
    ]
    waiting = Counter((index, batch) for index, batch, _, _ in order)
    outcomes = [({}, Typeset()) for _ in plans]
    tex_seconds: list[float] = []
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    cutting = threading.BoundedSemaphore(usable_cores())  # one process cutting a batch per core, however many batches
    whole = _Cores(usable_cores())  # one TeX run per core of the documents whose source is whole
    with ThreadPoolExecutor(max_workers=len(KINDS) * len(waiting)) as tex_pool:
        feeds: dict[tuple[int, str], list[queue.SimpleQueue]] = {}
        pending: list[Future] = []
        jobs = [(plans[index].sheet, draw, student, project) for index, _, draw, student in order]
        # Closed however generation ends, so that the workers end with it (busy ones, after an error, are killed,
        # not waited for); left open they would live as long as the error's traceback, and hold up the exit.
        with closing(_generated(jobs, _describer(plans), cache)) as generated:
            try:
                for done, ((index, batch, _, _), instance) in enumerate(zip(order, generated), start=1):
                    # Its pages are TeX's now: what the class files and the report need is kept, not the pages.
                    outcomes[index][0][instance.key] = replace(instance, exercises=())
                    progress("generating", done, len(order))
                    raise_if_stopped()
                    if (index, batch) not in feeds:
                        # Kept before the runs start: a signal that comes while they start still reaches them.
                        feeds[index, batch] = [queue.SimpleQueue() for _ in KINDS]
                        runs = _typeset_batch(
                            tex_pool, plans[index], batch, feeds[index, batch], project, workdir / str(index), tex_seconds, cache,
                            (cut[index], cutting), whole,
                        )
                        pending += [(index, run) for run in runs]
                    waiting[index, batch] -= 1
                    for feed in feeds[index, batch]:
                        feed.put((instance.instance(), instance.kept))
                        if waiting[index, batch] == 0:
                            feed.put(_END)
                    _raise_first_failure([run for _, run in pending])
            except BaseException:
                whole.close()
                for batch_feeds in feeds.values():
                    for feed in batch_feeds:
                        feed.put(_ABORT)
                raise
        seconds["generate"] = time.perf_counter() - started
        try:
            data = [_data_files(plan, [outcomes[index][0][key] for key in plan.written]) for index, plan in enumerate(plans)]
            # A class's solutions-all.pdf is put together as soon as its solution batches are typeset, while TeX
            # typesets (and cuts) what is left, not after the last batch.
            solutions_left = {index: len(plan.batches) for index, plan in enumerate(plans) if plan.roster}
            plan_of = {run: index for index, run in pending}
            gathering: dict[int, Future] = {}
            for done, run in enumerate(as_completed(plan_of), start=1):
                index = plan_of[run]
                if run.exception() is not None:  # the first failure in the batches' order, whichever ended first
                    for earlier in plan_of:
                        earlier.result()
                batch, kind, *rest = run.result()
                outcomes[index][1].add(batch, kind, *rest)
                if plans[index].roster and kind == "solution":
                    solutions_left[index] -= 1
                    if solutions_left[index] == 0:
                        chosen = [outcomes[index][0][key] for key in plans[index].written]
                        batches = dict(outcomes[index][1].batches)  # the exercise batches are still added to it
                        gathering[index] = tex_pool.submit(_solutions_all, plans[index], chosen, batches)
                progress("typesetting", done, len(pending))
                raise_if_stopped()
            for index, gathered in gathering.items():
                data[index]["solutions-all.pdf"] = gathered.result()
        except BaseException:  # a failure, or an interruption: no TeX run still waiting for a core starts
            whole.close()
            raise
    seconds["typeset"] = time.perf_counter() - started - seconds["generate"]
    seconds["tex"] = sum(tex_seconds)
    return outcomes, data, seconds


def _describer(plans: Sequence[Plan]) -> Callable[[Sequence[Job]], str]:
    """What a worker held, for the message if it dies: the students (and their groups) or the sheets."""
    group_of = {(plan.sheet.name, student_id): group for plan in plans for student_id, group in plan.group_of.items()}

    def describe(jobs: Sequence[Job]) -> str:
        students = [(sheet.name, student.id) for sheet, _, student, _ in jobs if student is not None]
        if not students:
            return f"generating {', '.join(sheet.name for sheet, *_ in jobs)}"
        groups = sorted({group_of[student] for student in students})
        return f"generating students {', '.join(i for _, i in students)} (group {', '.join(map(str, groups))})"

    return describe


def _generated(
    jobs: Sequence[Job], describe: Callable[[Sequence[Job]], str], cache: VariantCache | None
) -> Iterator[Generated]:
    """Every instance, in order, generated in worker processes (one per core).

    The build's record of what it has checked (``generate.Checked``) goes to each worker as a copy
    of its own: a worker checks each answer and each worked chain once, whichever instances it is given,
    and takes from the cache (a connection of its own) what an earlier build generated.
    """
    workers = workers_for(len(jobs))
    generate = partial(generate_instance, checked=Checked(store=cache))
    yield from in_workers(generate, jobs, workers, chunksize=max(1, len(jobs) // (workers * 8)), describe=describe)


_END = None
_ABORT = object()


class _Aborted(Exception):
    """Generation failed: the batch's TeX runs are stopped."""


def _arriving(feed: queue.SimpleQueue) -> Iterator[tuple[Instance, bool]]:
    """The instances put into ``feed``, each as soon as it is there, until the end of the batch; each with whether
    it was rendered by an earlier build (``Generated.kept``)."""
    while (item := feed.get()) is not _END:
        if item is _ABORT:
            raise _Aborted
        yield item


def _compiled(
    name: str,
    document: Callable[[Iterable[Instance]], Iterator[str]],
    arriving: Iterator[tuple[Instance, bool]],
    workdir: Path,
    inputs: Mapping[str, Path],
    cache: VariantCache | None,
    whole: "_Cores",
) -> Compiled:
    """The PDF of a batch's document (TeX job ``name`` in ``workdir``, beside ``inputs``) of the instances ``arriving``;
    TeX reads each as soon as it is there.

    With a cache, every PDF is kept under its source, and instances rendered by an earlier build are held back
    until one that was not comes (TeX then starts on them all and reads the rest as it comes) or the batch
    ends: a batch made only of such instances may be a document typeset before, taken from the cache. If not,
    its TeX run waits for a core (``whole``, longest source first): started together, a rebuild's runs shared the
    cores' caches and took a tenth more CPU time than one run per core (12.3 against 11.0 s for the eight batches
    of sheet A's 300 students). A run that reads its source as it comes never waits: it spends most of its life
    waiting for it.
    """
    held: list[Instance] = []
    if cache is not None:
        for instance, kept in arriving:
            held.append(instance)
            if not kept:
                break
        else:
            source = "".join(document(iter(held)))  # an iterator, as in a build that streams: a template reads it once
            with _thread_store(cache) as store:
                compiled = store.kept_document(name, source, inputs, lambda: _compiled_whole(name, source, workdir, whole))
            (workdir / f"{name}.tex").write_text(source, encoding="utf-8")  # a single sheet publishes its source
            return compiled
    compiled = compile_stream(name, document(chain(held, (instance for instance, _ in arriving))), workdir)
    if cache is not None:
        with _thread_store(cache) as store:
            store.keep_document(name, (workdir / f"{name}.tex").read_text(encoding="utf-8"), inputs, compiled)
    return compiled


def _compiled_whole(name: str, source: str, workdir: Path, whole: "_Cores") -> Compiled:
    with whole.held(len(source)):
        return compile_stream(name, (source,), workdir)


class _Cores:
    """A core for each of ``cores`` TeX runs at a time; of the runs waiting, the one with the longest source goes first,
    so that the short ones (exercise sheets) fill the cores at the end rather than a long one (solutions) alone.
    Once the build stops (``close``: it failed, or was interrupted), no waiting run starts."""

    def __init__(self, cores: int):
        self._free = cores
        self._waiting: list[tuple[int, int]] = []
        self._arrived = count()
        self._changed = threading.Condition()
        self._closed = False

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    @contextmanager
    def held(self, length: int) -> Iterator[None]:
        ticket = (-length, next(self._arrived))
        with self._changed:
            heapq.heappush(self._waiting, ticket)
            self._changed.wait_for(lambda: self._closed or (self._free > 0 and self._waiting[0] == ticket))
            self._waiting.remove(ticket)
            heapq.heapify(self._waiting)
            if self._closed:
                self._changed.notify_all()
                raise _Aborted
            self._free -= 1
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._free += 1
                self._changed.notify_all()


@contextmanager
def _thread_store(cache: VariantCache) -> Iterator[VariantCache]:
    """The cache through a connection of this thread's own, closed (its entries written) at the end."""
    store = VariantCache(cache.path)
    try:
        yield store
    finally:
        store.close()


def _typeset_batch(
    pool: ThreadPoolExecutor,
    plan: Plan,
    batch: str,
    feeds: Sequence[queue.SimpleQueue],
    project: Project,
    workdir: Path,
    tex_seconds: list[float],
    cache: VariantCache | None,
    cut: tuple[Path | None, threading.BoundedSemaphore],
    whole: _Cores,
) -> list[Future]:
    """Start the batch's TeX runs, one per kind (and feed); a class's run is split when done, into the folder ``cut``
    names, once its semaphore lets it.

    Put each ``Instance``, with its ``Generated.kept``, into every feed, then ``_END`` (or ``_ABORT``); the future of a run
    gives the batch, its kind, its PDF's path, its written students' PDFs (``Typeset.instances``) and, for a single
    sheet, its PDF and source.
    """
    keys = [_key(student) for _, student in plan.batches[batch]]
    chosen = set(plan.written)
    written = [key for key in keys if key in chosen]
    workdir.mkdir(parents=True, exist_ok=True)
    for input_name, path in document_inputs(plan.sheet).items():  # TeX opens files in its folder only
        if not (workdir / input_name).exists():
            shutil.copyfile(path, workdir / input_name)

    def typeset(kind: str, feed: queue.SimpleQueue) -> tuple[str, str, Path, dict[str, Path], tuple[bytes, bytes] | None]:
        env = project.environment(plan.sheet.settings.language)
        students = [student for _, student in plan.batches[batch] if student]
        document = partial(document_pieces, env, plan.sheet, families=all_families(), kind=kind, students=students)
        inputs = {input_name: workdir / input_name for input_name in document_inputs(plan.sheet)}  # the copies TeX reads
        compiled = _compiled(f"{batch}-{kind}", document, _arriving(feed), workdir, inputs, cache, whole)
        tex_seconds.append(compiled.cpu_seconds)
        pdf = workdir / f"{batch}-{kind}.pdf"
        if not pdf.exists():  # taken from the cache
            pdf.write_bytes(compiled.pdf)
        if not plan.roster:  # a single sheet's batch is its own document: the PDF as TeX wrote it, and its source
            return batch, kind, pdf, {}, (compiled.pdf, (workdir / f"{batch}-{kind}.tex").read_bytes())
        folder, cutting = cut
        file_name = f"{plan.stem(kind)}.pdf"
        with cutting:
            split_apart(pdf, keys, written, file_name, folder)
        return batch, kind, pdf, {f"{key}/{file_name}": folder / key / file_name for key in written}, None

    return [pool.submit(typeset, kind, feed) for kind, feed in zip(KINDS, feeds)]


def _raise_first_failure(pending: Sequence[Future]) -> None:
    """Stop early when a batch's TeX run has failed (a broken template): nothing can be built."""
    for future in pending:
        if future.done() and future.exception() is not None:
            future.result()


def generate_instance(job: Job, checked: Checked | None = None) -> Generated:
    """Sample, solve, check and render one instance (in a worker process), adding to the build's record ``checked``;
    from its store (the variant cache) if an earlier build rendered this instance with the same part templates."""
    sheet, draw, student, project = job
    families = all_families()
    env = project.environment(sheet.settings.language)

    def rendered() -> tuple[tuple[tuple[str, str], ...], tuple[dict, ...], tuple[tuple[str, str], ...]]:
        variants = sheet_variants(sheet, families, draw, checked)
        stored = tuple(recorded(variant, families[variant.family], checked) for variant in variants)
        cells = tuple(
            cell
            for variant, record in zip(variants, stored)
            for cell in answer_cells(variant.label, families[variant.family].answer_key(variant.answer), record["answers"])
        )
        return render_parts(env, variants, families), stored, cells

    (texts, stored, cells), kept = (rendered(), False) if checked is None else checked.kept_instance(sheet, draw, env, rendered)
    if checked is not None:
        checked.flush()  # what this instance added to the cache is there for a concurrent build
    return Generated(draw, student, rendered_exercises(sheet, families, texts), stored, cells, kept)


def _data_files(plan: Plan, chosen: Sequence[Generated]) -> dict[str, bytes]:
    """The files about the written instances that need no PDF, named inside the plan's target."""
    if not plan.roster:
        return {"answers.json": answers_json(plan, chosen)}
    key_rows = [(g.student.id, g.student.name, g.key_cells) for g in chosen]
    return {
        "answers.json": answers_json(plan, chosen),
        "answer-key.csv": answer_key_csv(key_rows),
        "answer-key.xlsx": answer_key_xlsx(key_rows),
    }


def _pdf_files(plan: Plan, typeset: Typeset) -> dict[str, bytes]:
    """A single sheet's PDFs and sources, named inside the plan's target; a class's per-student PDFs are files
    already (``Typeset.instances``), its solutions-all.pdf is made as its batches are typeset (``_solutions_all``)."""
    if plan.roster:
        return {}
    return {
        f"{plan.stem(kind)}.{extension}": content
        for kind in KINDS
        for extension, content in (("tex", typeset.sources[kind]), ("pdf", typeset.pdfs[kind]))
    }


def _solutions_all(plan: Plan, chosen: Sequence[Generated], batches: Mapping[str, Path]) -> bytes:
    """A class's solutions-all.pdf: every written student's solutions, in roster order, from the solution batches
    (``Typeset.batches``)."""
    batch_of = {_key(student): batch for batch, members in plan.batches.items() for _, student in members}
    return gather(batches, [(f"{batch_of[g.key]}-solution", g.key) for g in chosen])


def answers_json(plan: Plan, chosen: Sequence[Generated]) -> bytes:
    """What answers.json holds: enough for a grader to check every answer, of the sheet or of every student."""
    document = {"sheet": plan.sheet.name, "title": plan.sheet.title}
    generator = f"sheets {__version__}"
    if not plan.roster:
        (instance,) = chosen
        document |= {"course": plan.sheet.course, "seed": instance.draw.seed, "student": instance.draw.student}
        document |= {"generator": generator, "problems": list(instance.problems)}
        return (json.dumps(document, indent=2) + "\n").encode()
    document |= {"seed": plan.draw.seed, "unique": plan.unique, "generator": generator}
    document["students"] = [{"id": g.student.id, "name": g.student.name, "problems": list(g.problems)} for g in chosen]
    if plan.shard is not None:
        key_rows = [(g.student.id, g.student.name, g.key_cells) for g in chosen]
        document["shard"] = shard_record(plan.shard, plan.groups, plan.everyone, key_rows)
    return class_json(document)


def _publish(plan: Plan, own: dict[str, bytes], shared: dict[str, bytes], instances: Mapping[str, Path]) -> None:
    """The whole directory at once; or, for some students or a shard, their folders and suffixed class files."""
    if not plan.some_students:
        publish({**own, **shared}, plan.target, instances)
        return
    for student_id in sorted(plan.written):
        prefix = f"{student_id}/"
        publish({}, plan.target / student_id, {k[len(prefix) :]: v for k, v in instances.items() if k.startswith(prefix)})
    if plan.shard is not None:
        for file_name, content in shared.items():
            publish_file(content, plan.target / suffixed(file_name, plan.shard))


def _report(plan: Plan, chosen: Sequence[Generated], seconds: dict[str, float]) -> Report:
    report = Report(plan.target, len(chosen), plan.unique, seconds=seconds, language=plan.sheet.settings.language)
    report.redrawn = sum(len(g.draw.redraws) for g in chosen)
    families = all_families()
    report.fixed = {part.label for part in plan.sheet.parts if families[part.family].static}
    for index, part in enumerate(plan.sheet.parts):
        report.distinct[part.label] = len({json.dumps(g.problems[index]["inputs"]) for g in chosen})
        scores = [g.problems[index]["difficulty"] for g in chosen]
        report.difficulty[part.label] = (min(scores), statistics.median(scores), max(scores))
    return report
