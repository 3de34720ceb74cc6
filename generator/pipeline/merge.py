"""``sheets merge``: join the shards of a class (``sheets build --shard K/N``) into the full build's class files.

A shard writes its students' folders, which are already the full build's, and the class files of
its students under a ``.shard-K-of-N`` suffix (``suffixed``). Its answers file also records the
split (``shard_record``): K and N, the groups, every id on the roster in roster order with a digest
of the roster, and each of its students' answer-key cells exactly as the build made them. So the
merge needs neither the roster nor the problem families, and it makes the class files with the
build's own code: ``answer_key_csv`` and ``answer_key_xlsx`` on every student's row in roster order
(the answer columns come out in the order a full build finds them, whichever shard first has one),
answers.json written as the build writes it (``class_json``), and solutions-all.pdf from the shards'
solution pages in roster order, saved as ``split`` saves every PDF. That is what makes the result
the full build's, byte for byte.

Everything is read and checked before anything is written: the shards must be one complete split of
one class (same sheet, seed, generator, roster, ``--groups`` and ``--unique``; every shard that has
students present, built whole, each student once). The folder is then replaced at once
(``write.publish``): the merged class files in place of the shard files, every other file kept as
it was (hard-linked, not copied). A merge that fails or is stopped leaves the shards as they were.
"""

import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pikepdf

from generator.errors import ConfigError
from generator.pipeline.answerkey import KeyRow, answer_key_csv, answer_key_xlsx
from generator.pipeline.render import KINDS
from generator.pipeline.roster import Student, stable_bucket
from generator.pipeline.split import save_pages
from generator.pipeline.write import locked, publish

__all__ = ["Merged", "class_json", "merge_shards", "shard_record", "suffixed"]

ANSWERS = "answers.json"
SOLUTIONS = "solutions-all.pdf"
SHARD_ANSWERS = re.compile(r"answers\.shard-(\d+)-of-(\d+)\.json")
AGREED = ("sheet", "title", "seed", "unique", "generator")
"""What every shard's answers file must say alike (besides the split it records)."""
RECORDED = {"index", "of", "groups", "roster", "roster_sha256", "key"}
"""What ``shard_record`` writes."""
SHOWN = 5
"""Student ids a message lists before it says how many more there are."""


def suffixed(file_name: str, shard: tuple[int, int]) -> str:
    """A shard's name for a class file: ``answers.json`` -> ``answers.shard-2-of-3.json``."""
    stem, dot, extension = file_name.rpartition(".")
    return f"{stem}.shard-{shard[0]}-of-{shard[1]}{dot}{extension}"


def class_json(document: Mapping[str, Any]) -> bytes:
    """A class's answers.json as the build writes it; the merge writes the joined shards the same way.

    The text is ``json.dumps(document, indent=2, ensure_ascii=False)``, encoded a few thousand of the encoder's pieces at
    a time: the pieces of a class's file (a million for 300 students) all at once would take six times its size.
    """
    buffer = io.BytesIO()
    pieces = json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(document)
    while text := "".join(islice(pieces, 4096)):
        buffer.write(text.encode("utf-8"))
    buffer.write(b"\n")
    return buffer.getvalue()


def shard_record(shard: tuple[int, int], groups: int, roster: Sequence[Student], rows: Sequence[KeyRow]) -> dict:
    """What a shard's answers file records for the merge: the split, the whole roster's ids and its students' key cells."""
    return {
        "index": shard[0],
        "of": shard[1],
        "groups": groups,
        "roster": [student.id for student in roster],
        "roster_sha256": _digest(roster),
        "key": {student_id: [list(cell) for cell in cells] for student_id, _, cells in rows},
    }


def _digest(roster: Sequence[Student]) -> str:
    """Ids and names in order: two shards built from rosters that differ in any name differ here."""
    text = json.dumps([[student.id, student.name] for student in roster], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Merged:
    """What a merge wrote, for the CLI to print."""

    target: Path
    shards: int
    students: int

    def line(self) -> str:
        return (
            f"merged {self.shards} shard{'' if self.shards == 1 else 's'} into {self.target}: "
            f"answers.json, answer-key.csv, answer-key.xlsx and solutions-all.pdf for {self.students} students"
        )


@dataclass(frozen=True)
class Shard:
    """One shard's answers file, read: the class document (its students only) and the split it records."""

    index: int
    of: int
    document: dict
    record: dict

    @property
    def name(self) -> str:
        return f"shard {self.index} of {self.of}"

    @property
    def ids(self) -> list[str]:
        return [student["id"] for student in self.document["students"]]


def merge_shards(build_dir: Path) -> Merged:
    """Replace the shard files in ``build_dir`` with the class files of the full build; ``ConfigError`` if they do not make one."""
    build_dir = Path(build_dir)
    if not build_dir.is_dir():
        raise ConfigError(
            f"{build_dir} is not a folder: give the folder the shards were built into, such as build/<sheet>/seed-<S>/"
        )
    folder = build_dir.resolve()  # ``sheets merge .`` too: the folder is replaced from beside it
    with locked(folder):
        shards = _read_shards(build_dir)
        roster = _check(shards)
        files = _class_files(build_dir, shards, roster)
        of = shards[0].of
        shard_files = {suffixed(name, (shard.index, of)) for shard in shards for name in files}
        everything = {str(path.relative_to(build_dir)): path for path in sorted(build_dir.rglob("*")) if path.is_file()}
        kept = {name: path for name, path in everything.items() if name not in shard_files and name not in files}
        publish(files, folder, kept)
    return Merged(build_dir, len(shards), len(roster))


def _read_shards(build_dir: Path) -> list[Shard]:
    """Every shard's answers file in ``build_dir``, by K; one split (one N) only."""
    found = sorted(
        (int(match.group(2)), int(match.group(1)), path)
        for path in build_dir.iterdir()
        if (match := SHARD_ANSWERS.fullmatch(path.name))
    )
    if not found:
        raise ConfigError(
            f"{build_dir} has no shard files (answers.shard-K-of-N.json): give the folder "
            "'sheets build --shard K/N' wrote into, such as build/<sheet>/seed-<S>/"
        )
    splits = sorted({of for of, _, _ in found})
    if len(splits) > 1:
        raise ConfigError(
            f"{build_dir} holds shards of {len(splits)} different splits ({', '.join(f'-of-{n}' for n in splits)}): "
            "delete the files of the split you do not want (*.shard-*-of-N.*) and merge again"
        )
    return [_read_shard(path, index, of) for of, index, path in found]


def _read_shard(path: Path, index: int, of: int) -> Shard:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        ids = [student["id"] for student in document["students"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        detail = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ConfigError(f"{path} is not a shard's answers file ({detail})") from None
    record = document.pop("shard", None)
    if not isinstance(record, dict) or not RECORDED <= record.keys() or not isinstance(record["key"], dict):
        raise ConfigError(f"{path} records no split (built by an older sheets?): build every shard again, then merge")
    missing_keys = [student_id for student_id in ids if student_id not in record["key"]]
    if (record["index"], record["of"]) != (index, of):
        raise ConfigError(f"{path} holds shard {record['index']} of {record['of']}: its name says {index} of {of}")
    if missing_keys:
        raise ConfigError(
            f"{path} has no answer-key cells for student {missing_keys[0]!r}: build shard {index}/{of} again"
        )
    return Shard(index, of, document, record)


def _check(shards: Sequence[Shard]) -> list[str]:
    """That the shards are one complete split of one class; returns the roster's ids in roster order."""
    first = shards[0]
    for shard in shards[1:]:
        for key in AGREED:
            if shard.document.get(key) != first.document.get(key):
                raise ConfigError(
                    f"{first.name} and {shard.name} disagree on the {key} ({first.document.get(key)!r}, "
                    f"{shard.document.get(key)!r}): build every shard with the same sheet, seed, roster and options"
                )
        if shard.record["groups"] != first.record["groups"]:
            raise ConfigError(
                f"{first.name} was built with --groups {first.record['groups']}, {shard.name} with "
                f"--groups {shard.record['groups']}: build every shard with the same --groups"
            )
        if (shard.record["roster"], shard.record["roster_sha256"]) != (
            first.record["roster"],
            first.record["roster_sha256"],
        ):
            raise ConfigError(
                f"{first.name} and {shard.name} were built from different rosters: build every shard from the same roster"
            )
    roster, groups, of = first.record["roster"], first.record["groups"], first.of
    on_roster = set(roster)
    owner: dict[str, str] = {}
    for shard in shards:
        for student_id in shard.ids:
            if student_id in owner:
                raise ConfigError(f"student {student_id!r} is in both {owner[student_id]} and {shard.name}")
            if student_id not in on_roster:
                raise ConfigError(f"{shard.name} holds student {student_id!r}, who is not on its roster")
            owner[student_id] = shard.name
    expected: dict[int, list[str]] = {index: [] for index in range(1, of + 1)}
    for student_id in roster:
        expected[stable_bucket(student_id, groups) % of + 1].append(student_id)
    present = {shard.index: shard for shard in shards}
    for index, ids in expected.items():
        if index not in present:
            if ids:
                raise ConfigError(
                    f"shard {index} of {of} is missing ({_some(ids)}): build it "
                    f"(sheets build ... --groups {groups} --shard {index}/{of}), then merge"
                )
            continue
        shard = present[index]
        if shard.ids != ids:
            stray = [student_id for student_id in shard.ids if student_id not in ids]
            if stray:
                raise ConfigError(f"{shard.name} holds {_some(stray)}, who belong to another shard: build it again")
            lacking = [student_id for student_id in ids if student_id not in shard.ids]
            raise ConfigError(
                f"{shard.name} lacks {_some(lacking)} (built with --student?): build it again without --student"
                if lacking
                else f"{shard.name} lists its students out of roster order: build it again"
            )
    return list(roster)


def _some(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:SHOWN]) + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")
    return f"student{'' if len(ids) == 1 else 's'} {shown}"


def _class_files(build_dir: Path, shards: Sequence[Shard], roster: Sequence[str]) -> dict[str, bytes]:
    """The full build's class files, from the shards: everything in memory before anything is written."""
    records = {student["id"]: student for shard in shards for student in shard.document["students"]}
    cells = {student_id: cells for shard in shards for student_id, cells in shard.record["key"].items()}
    students = [records[student_id] for student_id in roster]
    rows = [(student["id"], student["name"], [tuple(cell) for cell in cells[student["id"]]]) for student in students]
    document = {**shards[0].document, "students": students}
    return {
        ANSWERS: class_json(document),
        "answer-key.csv": answer_key_csv(rows),
        "answer-key.xlsx": answer_key_xlsx(rows),
        SOLUTIONS: _solutions_all(build_dir, shards, roster),
    }


def _solutions_all(build_dir: Path, shards: Sequence[Shard], roster: Sequence[str]) -> bytes:
    """Every student's solution pages, in roster order, taken from the shards' solutions-all.

    Each shard's solutions-all holds its students' pages in roster order, as many as each student's
    own solution PDF has; the pages keep their shard's (that is, their group's) font subsets.
    """
    sheet = shards[0].document["sheet"]
    opened: list[pikepdf.Pdf] = []
    pages: dict[str, list] = {}
    try:
        for shard in shards:
            path = build_dir / suffixed(SOLUTIONS, (shard.index, shard.of))
            pdf = _open(path, f"{shard.name} is incomplete: build it again")
            opened.append(pdf)
            start = 0
            for student_id in shard.ids:
                for kind in KINDS:
                    own = build_dir / student_id / f"{sheet}-{kind}.pdf"
                    if not own.is_file():
                        raise ConfigError(f"{shard.name} is incomplete: {own} is missing; build the shard again")
                with _open(build_dir / student_id / f"{sheet}-solution.pdf", "build the shard again") as own_pdf:
                    count = len(own_pdf.pages)
                pages[student_id] = list(pdf.pages[start : start + count])
                start += count
            if start != len(pdf.pages):
                raise ConfigError(
                    f"{path} has {len(pdf.pages)} pages, its students' solution PDFs {start}: build {shard.name} again"
                )
        return save_pages([page for student_id in roster for page in pages[student_id]])
    finally:
        for pdf in opened:
            pdf.close()


def _open(path: Path, remedy: str) -> pikepdf.Pdf:
    try:
        return pikepdf.open(io.BytesIO(path.read_bytes()))
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing: {remedy}") from None
    except (OSError, pikepdf.PdfError) as exc:
        raise ConfigError(f"cannot read {path} ({exc}): {remedy}") from None
