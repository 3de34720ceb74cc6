"""Benchmark: what names in other scripts cost a class build (generator/pipeline/names.py).

Not a test: it builds the same class twice over, back to back, once with plain Latin names
and once with names in every script a roster may hold (Vietnamese, Greek, Cyrillic, Chinese,
Japanese, Korean, Romanian), and prints the medians. The ids, and so the draws and the groups,
are the same: only the names differ, so the difference is what their fonts and packages cost
TeX. Run with `python bench/bench_names.py` (`--students 20 --repeats 3` by default).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_build import machine_gauge, synthetic_roster  # beside this script

from generator.pipeline.build import build_class
from generator.pipeline.generate import Draw
from generator.pipeline.roster import Student

INTERNATIONAL = (
    "Nguyễn Thị Minh Khai",
    "Γιώργος Παπαδόπουλος",
    "Анна Ивановна Щербакова",
    "王小明",
    "山本 さくら",
    "김민준",
    "Ștefan Țărănescu",
)


def international_roster(size: int) -> tuple[Student, ...]:
    """The synthetic roster's ids with names that cycle through the scripts."""
    return tuple(
        Student(student.id, f"{INTERNATIONAL[i % len(INTERNATIONAL)]} {i}")
        for i, student in enumerate(synthetic_roster(size))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", default="idl-math-background")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"sheet {args.sheet}, {args.students} students, seed {args.seed}, median of {args.repeats}")
    print(machine_gauge())
    print(f"{'names':>13} {'wall s':>7} {'tex s':>7} {'PDF kB':>7}")
    rosters = {"plain": synthetic_roster(args.students), "international": international_roster(args.students)}
    measured: dict[str, list[tuple[float, float, int]]] = {name: [] for name in rosters}
    for _ in range(args.repeats):
        for name, roster in rosters.items():  # alternating, so a slower hour weighs on both alike
            with tempfile.TemporaryDirectory(prefix="sheets-bench-names-") as out:
                started = time.perf_counter()
                report = build_class(args.sheet, Draw(args.seed), roster, Path(out))
                wall = time.perf_counter() - started
                size = sum(path.stat().st_size for path in report.target.rglob("*-exercise.pdf"))
            measured[name].append((wall, report.seconds["tex"], size))
    for name, runs in measured.items():
        wall, tex, size = (statistics.median(values) for values in zip(*runs))
        print(f"{name:>13} {wall:>7.2f} {tex:>7.2f} {size / args.students / 1000:>7.0f}")


if __name__ == "__main__":
    main()
