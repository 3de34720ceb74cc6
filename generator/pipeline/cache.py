"""The variant cache: what earlier builds generated, checked, verified and rendered, kept on disk for the next build.

Generating is most of what a build costs (SymPy: sampling, solving, worked steps, checks,
chain verification); TeX is the rest. An instructor who fixes a typo in a template or a sheet's
header and rebuilds a class changes nothing that determines a variant, so the rebuild takes each
variant from here and only typesets it again.

What is kept, per family, options and draw: the params the draw samples (``"params"``), the checked
answer with its difficulty (``"answer"``) and what answers.json records of the variant
(``"record"``: inputs and answers printed as text), pickled (``dumps``). Only what passed its checks
is kept. The key (``VariantCache.key``) covers everything that determines them:

* the source of the whole engine (every ``generator/**.py``, not only the kit: a stale hit would be a
  wrong sheet) and of the family's module (with any other module of ``problems/`` it takes from), by
  SHA-256, so that any change of the code misses (code changed while a process started caches
  nothing in that process, ``_sources``);
* the versions of Python (major.minor: ``random`` and pickles), SymPy (and its integer type), mpmath,
  Babel, Jinja and pylatexenc;
* the family's name and its resolved options;
* the slot seed, which already folds in the sheet seed, the student, the slot, the ``--unique``
  redraw and the draw that keeps a part apart from an earlier one of its family
  (``generate.slot_seed``); or the name of the canonical instance.

Per sheet instance, besides, what its parts render to (``kept_instance``): every part's statement and
solution, records and answer-key cells, filed under the code and draws above and the sources of the
part templates with all they import, and the language's catalogue. The sheet's own layout is
rendered afresh every build, so a rebuild after a changed header or ``sheet.tex.j2`` reads one
entry per student; a changed part template misses and renders from the variants.

And per document TeX typeset, its PDF (``kept_document``), filed under its whole LaTeX source and used while the
files of the TeX installation that the run read are unchanged: a class rebuilt with nothing changed, or with a
student added, runs TeX only for the batches whose source changed.

The file is SQLite (``variants.sqlite``) in ``speed.cache_home()`` (``~/.cache/sheets``) or
``--cache-dir``, in WAL mode with a busy timeout, so that concurrent builds and each build's worker
processes read and write it at once. Every entry carries a digest of its key and bytes, and the
build that opens the file runs ``PRAGMA quick_check`` first: a damaged or truncated file is emptied
and built again with one warning, a damaged entry is generated again, and a cache that cannot be
written is left alone with one warning. Failing to use the cache never fails a build.
"""

import contextlib
import fcntl
import hashlib
import io
import json
import os
import pickle
import sqlite3
import sys
import time
import weakref
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import babel
import jinja2
import mpmath
import pylatexenc
import sympy
from sympy.core.singleton import Singleton
from sympy.external.gmpy import GROUND_TYPES

import generator
import problems
from generator.errors import ConfigError
from generator.i18n import catalogue_path
from generator.kit.family import Family
from generator.kit.language import ENGLISH, current_language
from generator.pipeline import registry
from generator.pipeline.compile import PDFLATEX_ARGS, TEX_ENVIRONMENT, Compiled, tex_setup, unchanged
from generator.pipeline.sheet import SheetSpec
from generator.pipeline.templating import catalogue_digest, template_sources
from generator.speed import cache_home, remembered

if TYPE_CHECKING:
    from generator.pipeline.generate import Draw

T = TypeVar("T")

FILE_NAME = "variants.sqlite"
FORMAT = 2
"""The layout of the file and its entries (``PRAGMA user_version``): a file of another format is emptied.
2: entries are compressed (zlib, its fastest level: rendered LaTeX shrinks to a third, pickles to a half)."""
LIMIT_MB = 1000
"""What the entries may hold, in megabytes (about thirty builds of a class of 300 of the bigger reference sheet), unless
``SHEETS_CACHE_LIMIT_MB`` says otherwise: beyond it, a build that opens the cache first removes the oldest entries."""
LIMIT_VARIABLE = "SHEETS_CACHE_LIMIT_MB"
BUSY_SECONDS = 30.0
"""How long a write waits for another process's write (each is one short transaction)."""
PENDING = 256
"""Entries a process collects before it writes them; ``flush`` writes them at the end of each instance too."""

_SCHEMA = """
CREATE TABLE variants (key BLOB PRIMARY KEY, origin TEXT NOT NULL, value BLOB NOT NULL, digest BLOB NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
_ENTRY_BYTES = "length(key) + length(origin) + length(value) + length(digest)"
_COUNT = "INSERT INTO counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value"
_DAMAGE = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_ENGINE = Path(generator.__file__).resolve().parent
_STARTED = time.time()
"""About when this process started importing the code it runs (this module is imported with the engine)."""
SETTLED = 60.0
"""Seconds before ``_STARTED`` that the sources must have been left alone for their hash to name the code running."""
_CHANGING = b""
_VERSIONS = (
    tuple(sys.version_info[:2]), sympy.__version__, GROUND_TYPES, mpmath.__version__, babel.__version__,
    jinja2.__version__, pylatexenc.__version__, FORMAT,
)
"""What else a variant, its rendering or its pickle depends on (SymPy's integers are Python's or gmpy2's: ``GROUND_TYPES``)."""


@dataclass(frozen=True)
class Info:
    """What ``sheets cache info`` reports."""

    path: Path
    size: int
    """Bytes on disk, the write-ahead log included."""
    entries: int
    hits: int
    misses: int
    """Lookups of variants and rendered instances."""
    limit: int = field(default_factory=lambda: limit_bytes())
    """Bytes the entries may hold (``limit_bytes``)."""
    reused: int = 0
    """Documents taken from the cache (``kept_document``), their TeX run saved."""
    typeset: int = 0
    """Documents looked up and typeset, then kept."""

    def lines(self) -> list[str]:
        asked = self.hits + self.misses
        rate = f"{100 * self.hits / asked:.1f}% hit rate" if asked else "no lookups yet"
        return [
            f"variant cache: {self.path}",
            f"  {self.size / 1e6:.1f} MB, {self.entries:,} entries (variants' params, checked answers and answers.json"
            " records; rendered instances; typeset documents)",
            f"  {self.hits:,} hits and {self.misses:,} misses since it was last cleared: {rate}",
            f"  {self.reused:,} typeset documents reused, {self.typeset:,} typeset and kept",
            f"  limit {self.limit / 1e6:g} MB ({LIMIT_VARIABLE}): beyond it, a build first removes the oldest entries",
        ]


def limit_bytes() -> int:
    """What the entries may hold: ``SHEETS_CACHE_LIMIT_MB`` megabytes if set, else ``LIMIT_MB``."""
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not text:
        return LIMIT_MB * 10**6
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = float("nan")
    if not (0 < megabytes < float("inf")):
        raise ConfigError(f"{LIMIT_VARIABLE} must be a positive number of megabytes, got {text!r}")
    return int(megabytes * 10**6)


class VariantCache:
    """One cache file as one process uses it: its own connection, opened when first needed; the entries it
    generated, written at the end of each instance (``flush``); and the hits and misses it counted.

    ``open`` makes one for a build (checked, made if missing); it goes to each worker process with the
    build's ``generate.Checked`` record, and a worker opens a connection of its own.
    """

    def __init__(self, path: Path):
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._pending: list[tuple[bytes, str, bytes, bytes]] = []
        self._counts: Counter[str] = Counter()
        self._off = False
        """This process met an error of the file: it goes on without the cache."""
        self._warned = False
        self._engine: bytes | None = None
        self._codes: dict[str, str | None] = {}
        self._rendering: dict[tuple[tuple[str, ...], str, str], tuple[str, tuple[Path, ...]] | None] = {}

    @classmethod
    def open(cls, directory: Path | None = None) -> "VariantCache | None":
        """The cache in ``directory`` (default: ``speed.cache_home()``), checked and ready for a build;
        None, after a one-line warning, where it cannot be used: the build then generates everything.

        A damaged file (not a database, malformed, truncated) is emptied with one warning.
        """
        limit = limit_bytes()
        cache = cls((directory or cache_home()) / FILE_NAME)
        try:
            cache.path.parent.mkdir(parents=True, exist_ok=True)
            # One build at a time: SQLite does not wait for a journal-mode change (``_problem``) but fails at once
            # with "database is locked" when another build holds the file, as builds starting together do.
            with cache._locked():
                problem = cache._problem()
                if problem is not None:
                    cache._remove()
                    cache._problem()
            if problem is not None:
                _warn(f"the variant cache {cache.path} was damaged ({problem}): emptied, every variant is generated afresh")
            cache._db().execute(_COUNT, ("builds", 1))  # can it be written? (counts the builds that used it)
            cache._evict(limit)
            for family in registry.families().values():  # once for the whole build: its workers get them
                cache._code(family)
        except (OSError, sqlite3.Error) as exc:
            cache.close()
            _warn(f"cannot use the variant cache {cache.path} ({_reason(exc)}): building without it")
            return None
        return cache

    def kept(self, what: str, family: Family, options: Mapping[str, Any], draw: int | str, work: Callable[[], T]) -> T:
        """``work()``'s result for ``what`` ("params", "answer" or "record") of ``family``'s draw (a slot seed, or
        the name of a canonical instance): taken from the cache, or worked out and kept for the next build.

        ``work`` must be what that draw gives and nothing else: the params sampled from that seed, the checked
        answer to them, the variant's record.
        """
        return self._kept(self.key(what, family, options, draw), family.name, work)[0]

    def kept_instance(self, sheet: SheetSpec, draw: "Draw", env: jinja2.Environment, work: Callable[[], T]) -> tuple[T, bool]:
        """(``work()``'s result for one instance of ``sheet``, whether it came from the file): every part's statement and
        solution as ``env`` renders them, with its record and answer-key cells. A rebuild that changed no part's template (a typo fixed in the
        sheet's layout, ``sheet.tex.j2``) takes the whole instance from one entry: nothing to unpickle, nothing to render.

        ``work`` must give what ``sheet``'s parts, ``draw``, the code and ``env``'s templates and catalogue give, and nothing else.
        """
        keyed = self._instance(sheet, draw, env)
        if keyed is None:
            return work(), False
        key, files = keyed
        # Templates are read as each instance renders: one saved meanwhile rendered it, not what the key names.
        return self._kept(key, f"sheet {sheet.name}", work, lambda: _settled(files))

    def kept_document(self, name: str, source: str, inputs: Mapping[str, Path], work: Callable[[], Compiled]) -> Compiled:
        """``work()``'s PDF of the LaTeX ``source`` of job ``name`` with the files it reads beside it (``inputs``: the
        logo); from the file with no TeX time (``cpu_seconds`` 0), if an earlier build typeset it: a class rebuilt
        with nothing changed, or with one student more, runs TeX only for the batches that changed. Filed under the
        TeX that runs (``compile.tex_setup``) and with the files of the installation the run read, and used only
        while none of them has changed (``compile.unchanged``): after a TeX Live update, TeX runs again.

        ``work`` must typeset ``source`` as ``name`` with ``inputs`` and nothing else, with the settings of ``compile``.
        """
        key = _document_key(name, source, inputs)
        compiled, kept = self._kept(
            key, "typeset document", work, usable=lambda found: unchanged(found.inputs), counted=("reused", "typeset")
        )
        return replace(compiled, cpu_seconds=0.0) if kept else compiled

    def keep_document(self, name: str, source: str, inputs: Mapping[str, Path], compiled: Compiled) -> None:
        """File the PDF TeX has just made of ``source`` (as ``kept_document`` would), for the next build."""
        self._counts["typeset"] += 1
        self._file(_document_key(name, source, inputs), "typeset document", compiled)

    def _kept(
        self,
        key: bytes | None,
        origin: str,
        work: Callable[[], T],
        still: Callable[[], bool] | None = None,
        usable: Callable[[T], bool] | None = None,
        counted: tuple[str, str] = ("hits", "misses"),
    ) -> tuple[T, bool]:
        """(``work()``'s result filed under ``key``, whether it came from the file). None for ``key``: not cached.
        Not filed if ``still()`` says that what the key was made from has changed while it worked; an entry that is not
        ``usable`` is worked out again and written over. ``origin`` (a family's or a sheet's name) only tells a reader;
        ``counted`` names the counters of a hit and of a miss."""
        if key is None:
            return work(), False
        found = self._read(key)
        if found and (usable is None or usable(found[0])):
            self._counts[counted[0]] += 1
            return found[0], True
        self._counts[counted[1]] += 1
        value = work()
        if still is None or still():
            self._file(key, origin, value)
        return value, False

    def _file(self, key: bytes, origin: str, value: Any) -> None:
        """Write ``value`` under ``key`` with the next ``flush``; a value that does not pickle (a function) is not kept."""
        try:
            blob = zlib.compress(dumps(value), 1)
        except Exception:
            return
        self._pending.append((key, origin, blob, _digest(key, blob)))
        if len(self._pending) >= PENDING:
            self.flush()

    def key(self, what: str, family: Family, options: Mapping[str, Any], draw: int | str) -> bytes | None:
        """The entry's key (the module docstring lists what it covers); None for what is not cached: fixed content,
        a family that is not the registry's (a test's), options that are not plain data."""
        fingerprint = self._fingerprint(family)
        if fingerprint is None:
            return None
        try:
            chosen = json.dumps(dict(options), sort_keys=True, allow_nan=False)
        except (TypeError, ValueError):
            return None
        drawn = {"canonical": draw} if isinstance(draw, str) else {"seed": draw}
        payload = json.dumps([what, fingerprint, family.name, chosen, drawn, current_language()])
        return hashlib.sha256(payload.encode()).digest()

    def _instance(self, sheet: SheetSpec, draw: "Draw", env: jinja2.Environment) -> tuple[bytes, frozenset[Path]] | None:
        """The key of an instance's entry, and the files of the templates and catalogue it names.

        The key covers what every part's variant depends on (its family's code, options and slot, the sheet's name
        and ``draw``, which give the slot seeds) and what it is rendered with (the part templates with all they
        import, as ``env`` finds them, and the catalogue of ``env``'s language). The sheet's own layout, header and
        points are not in it: they are rendered around the parts every time. None if a part's family or templates
        are not cached (``_code``, ``_templates``)."""
        families = registry.families()
        parts, files = [], set()
        for part in sheet.parts:
            family = families.get(part.family)
            code = None if family is None else self._code(family)
            templates = None if family is None else self._templates(env, family.template)
            if code is None or templates is None:
                return None
            parts.append([part.label, part.family, dict(part.options), part.slot, part.canonical, code, templates[0]])
            files.update(templates[1])
        drawn = [draw.seed, draw.student, [list(redraw) for redraw in draw.redraws]]
        try:
            payload = json.dumps(["instance", sheet.name, parts, drawn, env.globals["language"], current_language()], sort_keys=True, allow_nan=False)
        except (TypeError, ValueError):
            return None
        return hashlib.sha256(payload.encode()).digest(), frozenset(files)

    def flush(self) -> None:
        """Write the entries generated since the last flush and the hits and misses counted, in one transaction.

        A write that fails (a full disk, a lock held too long) is dropped: those variants are generated again next time.
        """
        pending, counts = self._pending, self._counts
        self._pending, self._counts = [], Counter()
        if not (pending or counts) or self._off:
            return
        try:
            with self._db() as db:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO variants VALUES (?, ?, ?, ?)", pending)
                db.executemany(_COUNT, counts.items())
        except sqlite3.Error as exc:
            self._stop(exc)

    def close(self) -> None:
        """Write what is pending and close this process's connection."""
        self.flush()
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None
        _OPEN.discard(self)

    def __getstate__(self) -> dict[str, Any]:
        """A worker started afresh (no ``fork``) gets the file's path and nothing of this process's state."""
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])

    def _read(self, key: bytes) -> tuple[Any] | None:
        """(value,) of the entry, or None: missing, or damaged (generated again and written over)."""
        if self._off:
            return None
        try:
            row = self._db().execute("SELECT value, digest FROM variants WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._stop(exc)
            return None
        if row is None:
            return None
        value, digest = row
        if _digest(key, value) == digest:
            try:
                return (pickle.loads(zlib.decompress(value)),)
            except Exception:  # damaged in a way the digest cannot see, or code that no longer unpickles it
                pass
        self._damaged("an entry did not read back")
        return None

    def _db(self) -> sqlite3.Connection:
        """This process's connection (a connection opened before a fork is never used, nor closed, after it)."""
        if self._connection is None or self._pid != os.getpid():
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            connection.execute("PRAGMA synchronous = NORMAL")
            self._connection, self._pid = connection, os.getpid()
            _OPEN.add(self)
        return self._connection

    def _evict(self, limit: int) -> None:
        """Entries beyond ``limit`` bytes: the oldest written (an entry written again is new) removed, down to three
        quarters of it, so that the next builds add before it is reached again; the file then given its space back."""
        db = self._db()
        held = f"SELECT coalesce(sum({_ENTRY_BYTES}), 0) FROM variants"
        if db.execute(held).fetchone()[0] <= limit:
            return
        with self._locked():
            with db:
                db.execute("BEGIN IMMEDIATE")  # what it holds now: another build may have just evicted
                excess, removed, oldest = db.execute(held).fetchone()[0] - limit * 3 // 4, 0, None
                if excess <= limit // 4:
                    return
                for rowid, size in db.execute(f"SELECT rowid, {_ENTRY_BYTES} FROM variants ORDER BY rowid").fetchall():
                    removed, oldest = removed + size, rowid
                    if removed >= excess:
                        break
                db.execute("DELETE FROM variants WHERE rowid <= ?", (oldest,))
            with contextlib.suppress(sqlite3.OperationalError):  # another build reading it: the space is reused later
                db.execute("PRAGMA busy_timeout = 1000")
                db.execute("VACUUM")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")

    def _problem(self) -> str | None:
        """Make the file ready (WAL, tables of this format) and say what is wrong with it, if anything is damaged."""
        try:
            db = self._db()
            checked = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
            if checked != ["ok"]:
                return "; ".join(checked[:2])
            db.execute("PRAGMA journal_mode = WAL")
            with db:
                db.execute("BEGIN IMMEDIATE")
                if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:  # new, or of another format
                    db.execute("DROP TABLE IF EXISTS variants")
                    db.execute("DROP TABLE IF EXISTS counters")
                    for statement in _SCHEMA.strip().splitlines():
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {FORMAT}")
        except sqlite3.DatabaseError as exc:
            if not _damage(exc):
                raise
            self.close()
            return _reason(exc)
        return None

    def _remove(self) -> None:
        self.close()
        for path in self._files():
            path.unlink(missing_ok=True)

    def _files(self) -> list[Path]:
        return [self.path, *(self.path.with_name(self.path.name + suffix) for suffix in ("-wal", "-shm"))]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Only one process at a time empties or rebuilds the file."""
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _stop(self, exc: sqlite3.Error) -> None:
        """Go on without the cache in this process: a damaged file is said once, a busy or full one is not."""
        if _damage(exc):
            self._damaged(_reason(exc))
        self._off = True
        self._pending.clear()

    def _damaged(self, problem: str) -> None:
        if not self._warned:
            _warn(f"the variant cache {self.path} is damaged ({problem}): the variants concerned are generated afresh")
            self._warned = True

    def _fingerprint(self, family: Family) -> str | None:
        """The SHA-256 of the code and versions ``family``'s variants depend on; None if they are not cached
        one by one: fixed content (``static``), which costs nothing to make, or a family that is not the registry's."""
        return None if family.static else self._code(family)

    def _code(self, family: Family) -> str | None:
        """The SHA-256 of the engine's and ``family``'s code and the versions; None for a family that is not the
        registry's (a test's), or code changed since this process started (``_sources``)."""
        if registry.families().get(family.name) is not family:
            return None
        if family.name not in self._codes:
            if self._engine is None:
                self._engine = _sources(sorted(_ENGINE.rglob("*.py")), _ENGINE.parent)
            module = sys.modules[f"{problems.__name__}.{registry.module_files()[family.name].stem}"]
            files = sorted(Path(used.__file__) for used in _problem_modules(module))
            family_sources = _sources(files, Path(problems.__file__).resolve().parent.parent)
            settled = self._engine != _CHANGING and family_sources != _CHANGING
            code = hashlib.sha256(repr(_VERSIONS).encode() + self._engine + family_sources).hexdigest() if settled else None
            self._codes[family.name] = code
        return self._codes[family.name]

    def _templates(self, env: jinja2.Environment, name: str) -> tuple[str, tuple[Path, ...]] | None:
        """The SHA-256 of template ``name`` with all it imports, as ``env`` finds them, and of the catalogue of ``env``'s
        language, with their files; None where that is not known (``templating.template_sources``), a template cannot
        be read, or a file changed shortly before this process started, or since (``_settled``)."""
        language = env.globals["language"]
        memo = (tuple(env.loader.searchpath), language, name)
        if memo not in self._rendering:
            try:
                sources = template_sources(env, name)
            except jinja2.TemplateError:  # missing, or not Jinja: rendering it says what is wrong, and where
                sources = None
            files = tuple(Path(file) for file, _ in sources.values()) if sources is not None else ()
            if language != ENGLISH:
                files += (catalogue_path(language),)
            if sources is None or not _settled(files):
                self._rendering[memo] = None
            else:
                text = json.dumps([sorted((name, source) for name, (_, source) in sources.items()), catalogue_digest(language)])
                self._rendering[memo] = hashlib.sha256(text.encode()).hexdigest(), files
        return self._rendering[memo]


def _document_key(name: str, source: str, inputs: Mapping[str, Path]) -> bytes:
    """A typeset document's key: TeX's settings and setup, the job's name (``\\jobname``), the bytes of the files it
    reads beside its source, and the source."""
    digest = hashlib.sha256(json.dumps(["document", PDFLATEX_ARGS, TEX_ENVIRONMENT, tex_setup(), name, FORMAT]).encode())
    for file_name, path in sorted(inputs.items()):
        digest.update(file_name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    digest.update(source.encode())
    return digest.digest()


def describe(directory: Path | None = None) -> Info:
    """Size, entries, hits and misses of the cache in ``directory`` (default: ``speed.cache_home()``); only reads."""
    cache = VariantCache((directory or cache_home()) / FILE_NAME)
    if not cache.path.exists():
        return Info(cache.path, 0, 0, 0, 0)
    try:
        db = cache._db()
        entries = db.execute("SELECT count(*) FROM variants").fetchone()[0]
        counts = dict(db.execute("SELECT name, value FROM counters").fetchall())
        size = sum(path.stat().st_size for path in cache._files() if path.exists())
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"cannot read the variant cache {cache.path} ({_reason(exc)}); 'sheets cache clear' empties it") from None
    finally:
        cache.close()
    reused, typeset = counts.get("reused", 0), counts.get("typeset", 0)
    return Info(cache.path, size, entries, counts.get("hits", 0), counts.get("misses", 0), reused=reused, typeset=typeset)


def clear(directory: Path | None = None) -> Info:
    """Empty the cache in ``directory`` (entries and counters; a damaged file is removed); what it held.
    A build using it meanwhile carries on, and what it writes afterwards is kept."""
    cache = VariantCache((directory or cache_home()) / FILE_NAME)
    if not cache.path.exists():
        return Info(cache.path, 0, 0, 0, 0)
    try:
        held = describe(directory)
    except ConfigError:
        held = Info(cache.path, sum(path.stat().st_size for path in cache._files() if path.exists()), 0, 0, 0)
    try:
        with cache._locked():
            try:
                db = cache._db()
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("DELETE FROM variants")
                    db.execute("DELETE FROM counters")
                with contextlib.suppress(sqlite3.OperationalError):  # a build reading it: the space is reused later
                    db.execute("PRAGMA busy_timeout = 1000")
                    db.execute("VACUUM")
                    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.DatabaseError as exc:
                if not _damage(exc):
                    raise
                cache._remove()  # nothing in it can be trusted: the next build starts a new file
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"cannot clear the variant cache {cache.path} ({_reason(exc)})") from None
    finally:
        cache.close()
    return held


_OPEN: "weakref.WeakSet[VariantCache]" = weakref.WeakSet()


def _close_before_fork() -> None:
    """SQLite forbids carrying an open connection into a forked process (workers are forked): close them first."""
    for cache in list(_OPEN):
        cache.close()


os.register_at_fork(before=_close_before_fork)


def _sources(files: list[Path], root: Path) -> bytes:
    """The digest of ``files`` (names and bytes); ``_CHANGING`` if one of them may not be the code this process runs.

    The code is read as its modules are imported, the sources are hashed later: a file changed in
    between (a developer saving a family while a build starts) would file what the old code gave
    under the new code's key. So a file changed since this process started, or shortly before
    (``SETTLED``), caches nothing in this process; the next build caches as usual.
    """
    digest = hashlib.sha256()
    for path in files:
        source = path.read_bytes()
        if not _settled([path]):  # read first: a change while it was read shows
            return _CHANGING
        digest.update(str(path.resolve().relative_to(root)).encode() + b"\0" + hashlib.sha256(source).digest())
    return digest.digest()


def _settled(files: Iterable[Path]) -> bool:
    """None of ``files`` changed shortly before this process started, or since (``SETTLED``): what it read of them
    is what they say."""
    try:
        return all(path.stat().st_mtime <= _STARTED - SETTLED for path in files)
    except OSError:
        return False


def _problem_modules(module: ModuleType) -> set[ModuleType]:
    """``module`` and every module of ``problems/`` it takes a name from (and those take from)."""
    found = {module}
    todo = [module]
    while todo:
        for value in vars(todo.pop()).values():
            name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
            used = sys.modules.get(name) if isinstance(name, str) and name.startswith(f"{problems.__name__}.") else None
            if used is not None and used not in found:
                found.add(used)
                todo.append(used)
    return found


def _digest(key: bytes, blob: bytes) -> bytes:
    return hashlib.blake2b(key + blob, digest_size=16).digest()


def _damage(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in _DAMAGE


def _reason(exc: Exception) -> str:
    return (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def dumps(value: Any) -> bytes:
    """``value`` pickled with SymPy expressions kept exactly as they are (``_Pickler``)."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    """Pickles a SymPy expression as it is, not as it evaluates.

    SymPy pickles an expression as its class and arguments, and unpickling calls the class on
    them again: that evaluates, so a worked step's unevaluated ``2 (x + 1)`` would come back as
    ``2x + 2``, and a ``WrittenMatrix`` without the expression it prints; it also costs as much as
    building it did. Here a compound expression comes back with the very arguments, slots and
    attributes it had, put in place without evaluating. Its assumptions start again from its class's,
    as a freshly built one's do (they follow from its arguments; SymPy gives assumptions of their
    own only to atoms). Atoms (symbols, numbers, indexed objects) and singletons pickle as SymPy
    pickles them.
    """

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, sympy.Basic) or obj.is_Atom or isinstance(type(obj), Singleton):
            return NotImplemented
        slots = tuple((name, getattr(obj, name)) for name in _slots(type(obj)) if hasattr(obj, name))
        return _rebuilt, (type(obj), slots, getattr(obj, "__dict__", None) or None)


@remembered(None)
def _slots(kind: type) -> tuple[str, ...]:
    """The slots a ``Basic`` of this class keeps, but its hash (worked out again) and its assumptions (``_rebuilt``)."""
    return tuple(
        name for cls in kind.__mro__ for name in cls.__dict__.get("__slots__", ()) if name not in ("_mhash", "_assumptions")
    )


def _rebuilt(kind: type, slots: tuple[tuple[str, Any], ...], attributes: dict[str, Any] | None) -> sympy.Basic:
    obj = object.__new__(kind)
    obj._mhash = None
    obj._assumptions = kind.default_assumptions
    for name, value in slots:
        object.__setattr__(obj, name, value)
    if attributes:
        obj.__dict__.update(attributes)
    return obj
