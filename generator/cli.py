"""The ``sheets`` command: a thin Typer front end over the build driver.

Every user-fixable problem is a ``SheetError``: printed as one ``error:``
line on stderr with exit code 1, never a traceback.
"""

import enum
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pylatexenc.latex2text import LatexNodes2Text
from rich.console import Console
from rich.progress import Progress, TaskID

from generator import speed
from generator.check.stress import level_sweep, option_sweep, stress_families
from generator.check.translations import translation_warnings
from generator.errors import ConfigError, SheetError
from generator.i18n import check_language
from generator.kit.language import ENGLISH
from generator.kit.options import OptionError
from generator.pipeline import cache as variant_cache
from generator.pipeline.build import DEFAULT_GROUPS, build_class, build_sheets
from generator.pipeline.cache import VariantCache
from generator.pipeline.generate import Draw, canonical_variant, sheet_variants, variant_for_seed
from generator.pipeline.lifecycle import exit_status, stopping_on_signals
from generator.pipeline.merge import merge_shards
from generator.pipeline.parallel import usable_cores
from generator.pipeline.project import Project
from generator.pipeline.registry import families
from generator.pipeline.render import render_part, seed_of_code
from generator.pipeline.roster import load_roster, parse_shard
from generator.pipeline.sheet import SHEET_DIR, SheetSpec, load_sheet, sheet_names
from generator.pipeline.templating import TEMPLATE_DIR
from generator.scaffold import PROJECT_ROOT, new_family
from generator.spelling import unknown

speed.install()

app = typer.Typer(
    help="Build randomised maths exercise sheets with matching, verified solution sheets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
T = TypeVar("T")
CacheDirOption = Annotated[
    Path | None,
    typer.Option(help="Where the variant cache lives (default: $XDG_CACHE_HOME/sheets, else ~/.cache/sheets)."),
]
LanguageOption = Annotated[
    str | None,
    typer.Option(help="Print in this language (a catalogue in locale/, e.g. de) instead of each sheet's own."),
]


def _run(action: Callable[[], T]) -> T:
    """Run a command: a ``SheetError`` is one ``error:`` line and exit status 1; Ctrl-C, SIGTERM and
    SIGHUP stop it cleanly (``generator.pipeline.lifecycle``), one line and 128 + the signal's number."""
    try:
        with stopping_on_signals():
            return action()
    except SheetError as exc:
        typer.echo("error: " + " ".join(str(exc).split()), err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt as exc:
        typer.echo("interrupted: nothing written", err=True)
        raise typer.Exit(exit_status(exc)) from None


@app.command()
def build(
    sheets: Annotated[list[str] | None, typer.Argument(help="Sheet names (default: every sheet in sheets/).")] = None,
    seed: Annotated[str | None, typer.Option(help="Non-negative integer, or 'canonical'.")] = None,
    code: Annotated[str | None, typer.Option(help="The sheet code printed on a student's sheet, instead of --seed.")] = None,
    canonical: Annotated[bool, typer.Option("--canonical", help="Rebuild the original instances.")] = False,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("build"),
    sheet_dir: Annotated[Path, typer.Option(help="Where the sheet definitions live.")] = SHEET_DIR,
    template_dir: Annotated[Path, typer.Option(help="Templates that override templates/ file by file.")] = TEMPLATE_DIR,
    roster: Annotated[Path | None, typer.Option(help="CSV with id and name columns: one sheet per student.")] = None,
    id_column: Annotated[str | None, typer.Option(help="With --roster: the column of student ids (default: id, ID number, ...).")] = None,
    name_column: Annotated[str | None, typer.Option(help="With --roster: the column of names (default: name, or first and last name).")] = None,
    encoding: Annotated[str, typer.Option(help="With --roster: the roster file's encoding, such as cp1252.")] = "utf-8",
    student: Annotated[list[str] | None, typer.Option(help="With --roster: rebuild only this student (repeatable).")] = None,
    shard: Annotated[str | None, typer.Option(help="With --roster: build only slice K/N of the class.")] = None,
    groups: Annotated[int, typer.Option(min=1, max=4096, help="With --roster: TeX runs per kind (keep it fixed across shards).")] = DEFAULT_GROUPS,
    unique: Annotated[
        bool, typer.Option("--unique", help="With --roster: no two students share a variant while a problem has fresh ones.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    language: LanguageOption = None,
    cache_dir: CacheDirOption = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", envvar="SHEETS_NO_CACHE", help="Generate every variant afresh; read and write no variant cache."),
    ] = False,
) -> None:
    """Build exercise and solution PDFs into OUT/<sheet>/seed-<SEED>/ (or OUT/<sheet>/canonical/).

    --code rebuilds from the sheet code students see instead of the seed (docs/sheets.md).

    With --roster, every student gets their own pair in OUT/<sheet>/seed-<SEED>/<id>/, and the
    class gets answers.json, answer-key.csv, answer-key.xlsx and solutions-all.pdf. A student's sheet depends only
    on the seed and their id, unless --unique redraws repeated variants (then it also depends on
    who else is on the roster).

    Variants generated before (the same code, options and draw) are taken from the variant cache
    (docs/cache.md), and so are rendered problems whose templates did not change: a rebuild after
    a change to the sheet's layout only typesets.
    """

    def action() -> None:
        with _variant_cache(cache_dir, no_cache) as cache:
            build_with(cache)

    def build_with(cache: Callable[[], VariantCache | None]) -> None:
        nonlocal seed
        if code is not None:
            if seed is not None:
                raise ConfigError("give either --seed N or --code CODE, not both")
            try:
                seed = str(seed_of_code(code))
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
        if seed is None and not canonical:
            raise ConfigError("give --seed N (a non-negative integer) or --canonical")
        if canonical and seed not in (None, "canonical"):
            raise ConfigError("give either --seed N or --canonical, not both")
        draw = Draw(seed=None) if canonical else Draw.parse(seed)
        project = Project(sheet_dir, template_dir, language)
        if roster is None:
            if student or shard or unique:
                raise ConfigError("--student, --shard and --unique need --roster")

            def build_one(name: str) -> None:
                if draw.canonical and len(names) > 1 and not _has_canonical(project, name):
                    typer.echo(f"skipped {name}: it has no canonical instances")
                    return
                _warn_of_notes(project.load_sheet(name))
                for target in build_sheets([name], draw, out, project, cache()):
                    typer.echo(f"built {target}")

            names = sheets or project.sheet_names()
            if not names:
                build_sheets(None, draw, out, project)  # says where no sheet was found
            _each_sheet(names, build_one)
            return
        if draw.canonical:
            raise ConfigError("--roster needs --seed: the canonical instance is the same for every student")
        students = load_roster(roster, id_column, name_column, encoding)
        slice_ = parse_shard(shard) if shard else None

        def build_for_class(name: str) -> None:
            _warn_of_notes(project.load_sheet(name))
            with _progress_bar(quiet) as progress:
                report = build_class(name, draw, students, out, project, groups, slice_, student or (), progress, unique, cache())
            for line in report.lines():
                typer.echo(line)

        _each_sheet(sheets or project.sheet_names(), build_for_class)

    _run(action)


def _warn_of_notes(sheet: SheetSpec) -> None:
    """What the sheet builds but its author would change (``SheetSpec.notes``), on stderr before it is built: a
    warning, since the sheet is right and the build goes on."""
    for note in sheet.notes:
        typer.echo(f"warning: {sheet.name}: {note}", err=True)


@contextmanager
def _variant_cache(directory: Path | None, off: bool) -> Iterator[Callable[[], VariantCache | None]]:
    """The variant cache a build uses, opened as its first sheet is built (once the arguments are known to be
    good): None with --no-cache, or where it cannot be used (a warning says so)."""
    opened: list[VariantCache | None] = []

    def cache() -> VariantCache | None:
        if not opened:
            opened.append(None if off else VariantCache.open(directory))
        return opened[0]

    try:
        yield cache
    finally:
        if opened and opened[0] is not None:
            opened[0].close()


def _each_sheet(names: list[str], build_one: Callable[[str], None]) -> None:
    """Build each sheet on its own: one sheet's error is reported and the others are built; the
    command fails at the end, naming the sheets that failed. A single sheet fails as it always did."""
    if len(names) <= 1:
        for name in names:
            build_one(name)
        return
    failed = []
    for name in names:
        try:
            build_one(name)
        except SheetError as exc:
            typer.echo(f"error: {exc}", err=True)
            failed.append(name)
    if failed:
        raise SheetError(f"{len(failed)} of {len(names)} sheets failed ({', '.join(failed)}); the others were built")


def _has_canonical(project: Project, name: str) -> bool:
    return any(part.canonical is not None for part in project.load_sheet(name).parts)


@contextmanager
def _progress_bar(quiet: bool):
    """A rich progress bar on a terminal; nothing when quiet or piped."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@app.command()
def merge(
    build_dir: Annotated[Path, typer.Argument(help="The folder the shards were built into, build/<sheet>/seed-<S>/.")],
) -> None:
    """Join the shards of a class (sheets build --shard K/N) into the class files of one full build (docs/scale.md).

    answers.json, answer-key.csv, answer-key.xlsx and solutions-all.pdf come out byte for byte as an
    unsharded build writes them, in place of the shards' files; nothing is written unless every
    shard is there and they were built alike.
    """
    typer.echo(_run(lambda: merge_shards(build_dir)).line())


cache_app = typer.Typer(
    help="The variant cache: what earlier builds generated, for rebuilds that only typeset (docs/cache.md).",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOption = None) -> None:
    """Where the variant cache is, its size and entries, and how often builds found a variant in it."""
    for line in _run(lambda: variant_cache.describe(cache_dir)).lines():
        typer.echo(line)


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDirOption = None) -> None:
    """Empty the variant cache: the next build generates every variant afresh."""
    held = _run(lambda: variant_cache.clear(cache_dir))
    typer.echo(f"cleared {held.path}: {held.entries:,} entries, {held.size / 1e6:.1f} MB")


@app.command("list")
def list_(
    sheet_dir: Annotated[Path, typer.Option(help="Where the sheet definitions live.")] = SHEET_DIR,
) -> None:
    """List problem families (with their options) and sheets."""
    typer.echo("Families:")
    for family in families().values():
        typer.echo(f"  {family.name}: {family.summary}")
        for option in family.options:
            typer.echo(f"      {option.describe()}")
        if family.canonical:
            typer.echo(f"      canonical instances: {', '.join(family.canonical)}")
        if family.need:
            typer.echo(f"      with {family.need.condition()}: needs {family.need.describe()}")
    typer.echo("Sheets:")
    project = Project(sheet_dir=sheet_dir)
    for name in project.sheet_names():
        sheet = _run(lambda: project.load_sheet(name))
        typer.echo(f"  {name}: {sheet.title} ({len(sheet.parts)} problems) - {sheet.path}")


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="A family, as in 'sheets list'; or a sheet, to preview it whole.")],
    seed: Annotated[int, typer.Option(min=0, help="Variant seed (answers.json and error messages print it).")] = 0,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help="KEY=VALUE, repeatable.")] = None,
    canonical: Annotated[str | None, typer.Option(help="Show a canonical instance by name (for a sheet: any value).")] = None,
    latex: Annotated[bool, typer.Option("--latex", help="Print LaTeX instead of plain text.")] = False,
    sheet_dir: Annotated[Path, typer.Option(help="Where the sheet definitions live.")] = SHEET_DIR,
    language: LanguageOption = None,
) -> None:
    """Print one variant's statement and solution, or a whole sheet's, without building PDFs."""
    text = (lambda tex: tex.strip()) if latex else _readable

    def action() -> None:
        project = Project(sheet_dir=sheet_dir, language=language)
        if name not in families() and name in sheet_names(sheet_dir):
            sheet = project.load_sheet(name)
            _warn_of_notes(sheet)
            draw = Draw(seed=None) if canonical is not None else Draw(seed)
            env = project.environment(sheet.settings.language)
            for part, variant in zip(sheet.parts, sheet_variants(sheet, families(), draw), strict=True):
                statement, solution = render_part(env, families()[part.family], variant)
                solved = f"\n\nSolution:\n{text(solution)}" if text(solution) else ""
                typer.echo(f"=== {part.label} ({part.family})\n{text(statement)}{solved}\n")
            return
        chosen = families().get(name)
        if chosen is None:
            raise ConfigError(unknown("family or sheet", name, [*families(), *sheet_names(sheet_dir)], "known families and sheets"))
        try:
            options = chosen.resolve_options(dict(_key_value(item) for item in option or []))
        except OptionError as exc:
            raise ConfigError(str(exc)) from None
        if canonical is not None:
            if canonical not in chosen.canonical:
                raise ConfigError(f"family {name} has no canonical instance {canonical!r}")
            variant = canonical_variant(chosen, options, canonical)
        else:
            variant = variant_for_seed(chosen, options, seed)
        statement, solution = render_part(project.environment(language or ENGLISH), chosen, variant)
        typer.echo(f"Statement:\n{text(statement)}\n\nSolution:\n{text(solution)}")

    _run(action)


def _readable(latex: str) -> str:
    """Plain text of a part: maths kept as LaTeX, charts (picture coordinates) replaced by a word, no runs of blank lines."""
    latex = re.sub(r"\\begin\{picture\}.*?\\end\{picture\}", "[chart]", latex, flags=re.S)
    plain = LatexNodes2Text(math_mode="verbatim").latex_to_text(latex)
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", plain).strip()


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="The new family's name, lowercase with hyphens, e.g. 'tangent-line'.")],
) -> None:
    """Start a new problem family: module, template and test from a skeleton (see docs/authoring.md)."""
    written = _run(lambda: new_family(name, PROJECT_ROOT, set(families())))
    for path in written:
        typer.echo(f"wrote {path.relative_to(PROJECT_ROOT)}")
    typer.echo(f"next: sheets show {name} --seed 1, then sheets check {name} --seeds 200; docs/authoring.md explains each TODO")


class Sweep(str, enum.Enum):
    options = "options"
    levels = "levels"


@app.command()
def check(
    names: Annotated[list[str] | None, typer.Argument(help="Families to check (default: all).")] = None,
    seeds: Annotated[int, typer.Option(min=1, help="Seeds per family.")] = 200,
    compile_pdfs: Annotated[bool, typer.Option("--compile", help="Also typeset every variant with TeX.")] = False,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help="KEY=VALUE for every family checked.")] = None,
    jobs: Annotated[int, typer.Option(min=1, help="Worker processes (default: one per usable core).")] = usable_cores(),
    sweep: Annotated[
        Sweep,
        typer.Option(help="Option sets per family: every declared value of every option, or each level only."),
    ] = Sweep.options,
    language: Annotated[
        str | None,
        typer.Option(help="Also render (and typeset) in this language and list its untranslated messages (default: the sheets' languages)."),
    ] = None,
) -> None:
    """Stress-test families: sample, solve, check and render each seed; report failures, timings, difficulty.

    Each seed is also rendered (with --compile, typeset) in the sheets' languages (or --language), and the
    messages a family prints in English there are listed as warnings.
    """

    def action() -> bool:
        chosen = names or list(families())
        misspelt = [name for name in chosen if name not in families()]
        if misspelt:
            raise ConfigError(unknown("family", misspelt[0], families(), "known families"))
        given = dict(_key_value(item) for item in option or [])
        work = []
        for name in chosen:
            swept = option_sweep if sweep is Sweep.options else level_sweep
            try:  # an option one of several families checked does not know is refused while sweeping, too
                work += [(name, families()[name].resolve_options(chosen)) for chosen in swept(families()[name], given)]
            except OptionError as exc:
                raise ConfigError(f"family {name}: {exc}") from None
        if not given:
            work += [job for job in _sheet_option_sets(chosen) if job not in work]
        languages = [check_language(language, "--language: ")] if language else _sheet_languages()
        failed = False
        for report in stress_families(work, seeds, compile_pdfs, jobs, tuple(languages)):
            typer.echo(report.summary())
            for seed, message in report.failures:
                typer.echo(f"    seed {seed}: {message}")
            failed = failed or bool(report.failures)
        for each_language in languages:
            for warning in translation_warnings(chosen, each_language):
                typer.echo(warning)
        return failed

    if _run(action):
        raise typer.Exit(1)


@app.command()
def grade(
    build_dir: Annotated[Path, typer.Argument(help="A build directory, build/<sheet>/seed-<S>/, with its answers.json.")],
    submissions: Annotated[Path | None, typer.Argument(help="CSV: an id column, then one column per answer.")] = None,
    template: Annotated[bool, typer.Option("--template", help="Write an empty submissions CSV for the build instead.")] = False,
    out: Annotated[Path | None, typer.Option(help="Default: BUILD_DIR/grades/ (with --template: BUILD_DIR/submissions.csv).")] = None,
    sheet_dir: Annotated[Path, typer.Option(help="Where the sheet definitions (and their points) live.")] = SHEET_DIR,
) -> None:
    """Grade typed answers against every student's own key: grades.csv, feedback/<id>.txt, items.csv (docs/grading.md)."""
    from generator.grading.run import grade_build, write_template

    def action() -> None:
        project = Project(sheet_dir=sheet_dir)
        if template:
            target = out or build_dir / "submissions.csv"
            columns = write_template(build_dir, target, project)
            typer.echo(f"wrote {target}: id, name and {len(columns)} answer columns")
        elif submissions is None:
            raise ConfigError("give the submissions CSV (or --template to write an empty one)")
        else:
            for line in grade_build(build_dir, submissions, out, project).lines:
                typer.echo(line)

    _run(action)


def _sheet_option_sets(chosen: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(family, options) of every part of the project's sheets, for the chosen families: what students get."""
    jobs = []
    for sheet_name in sheet_names():
        sheet = load_sheet(sheet_name, families())
        for part in (part for exercise in sheet.exercises for part in exercise.parts):
            job = (part.family, dict(part.options))
            if part.family in chosen and not families()[part.family].static and job not in jobs:
                jobs.append(job)
    return jobs


def _sheet_languages() -> list[str]:
    """The languages other than English that the project's sheets print in."""
    languages = {load_sheet(name, families()).settings.language for name in sheet_names()}
    return sorted(languages - {ENGLISH})


def _key_value(item: str) -> tuple[str, Any]:
    """``level=3`` -> ("level", 3); values are read as TOML, falling back to text."""
    key, sep, raw = item.partition("=")
    if not sep or not key:
        raise ConfigError(f"--option takes KEY=VALUE, got {item!r}")
    try:
        return key.strip(), tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return key.strip(), raw
