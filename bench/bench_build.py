"""Benchmark: whole-class builds of a reference sheet for 10, 100 and 300 students.

Not a test: it prints wall seconds, PDFs per second, the build process's peak memory so far, and where the time went:
``generate`` until the last student's variants are in (SymPy on every core, with
earlier groups' TeX running alongside), ``tail`` the typesetting left after that,
``write`` the files, and ``tex`` the pdflatex CPU time summed over all runs (it overlaps
generation, so it is not part of the wall time as such); with ``--unique``, ``redraw``
is the comparing and redrawing of variants before generation. Run with `make bench`,
or `python bench/bench_build.py --sheet NAME --sizes 10 100`.

The first line gauges the machine itself with two fixed workloads that no project code
changes: the same machine runs 40% slower in some hours than in others, TeX and SymPy alike,
so compare figures only between runs whose gauges agree.
"""

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sympy

from generator.pipeline.build import build_class
from generator.pipeline.compile import compile_document
from generator.pipeline.generate import Draw
from generator.pipeline.roster import Student

GAUGE_PAGE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath,amssymb}
\begin{document}
\section*{Gauge}
Differentiate $f(x) = \frac{e^{2x} - 1}{e^{2x} + 1}$ and show that $f'(x) = 1 - f(x)^2$.
\begin{align*}
f'(x) &= \frac{2e^{2x}(e^{2x} + 1) - (e^{2x} - 1)\,2e^{2x}}{(e^{2x} + 1)^2} && \text{quotient rule} \\
      &= \frac{4e^{2x}}{(e^{2x} + 1)^2} = 1 - f(x)^2 .
\end{align*}
\end{document}
"""
"""One page with the sheets' fonts and maths packages: what every sheet costs TeX at least."""


def synthetic_roster(size: int) -> tuple[Student, ...]:
    return tuple(Student(f"b{i:05d}", f"Benchmark Student {i}") for i in range(size))


def machine_gauge() -> str:
    """Milliseconds, the median of five: one pdflatex run of a one-page sheet, and fixed SymPy work."""
    with tempfile.TemporaryDirectory(prefix="sheets-gauge-") as workdir:
        tex = _median_ms(lambda: compile_document("gauge", GAUGE_PAGE, Path(workdir)))
    return f"machine now: one-page pdflatex run {tex:.0f} ms, fixed SymPy work {_median_ms(_sympy_work):.0f} ms"


def _sympy_work() -> None:
    """Differentiate, factor and print 15 functions, from empty caches every time."""
    sympy.core.cache.clear_cache()
    x = sympy.Symbol("x")
    for k in range(1, 16):
        sympy.latex(sympy.factor_terms(sympy.diff(sympy.sin(k * x) ** 2 * sympy.exp(-x / k) / (x**2 + k), x)))


def _median_ms(work: Callable[[], object]) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", default="idl-math-background", help="default: the bigger reference sheet")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--unique", action="store_true", help="build with --unique (adds a redraw column)")
    args = parser.parse_args()
    # The interpreter matters: see scripts/pick-python.sh.
    print(f"sheet {args.sheet}, seed {args.seed}{', --unique' if args.unique else ''}, Python {platform.python_version()} ({os.path.realpath(sys.executable)})")
    print(machine_gauge())
    print(f"{'students':>8} {'PDFs':>6} {'wall s':>8} {'PDF/s':>7} {'peak MB':>8} {'redraw':>7} {'generate':>9} {'tail':>7} {'write':>7} {'tex':>7}")
    peaks: list[tuple[int, float]] = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="sheets-bench-") as out:
            started = time.perf_counter()
            report = build_class(args.sheet, Draw(args.seed), synthetic_roster(size), Path(out), unique=args.unique)
            wall = time.perf_counter() - started
        pdfs = 2 * size
        s = report.seconds
        peaks.append((size, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))  # kB on Linux
        print(
            f"{size:>8} {pdfs:>6} {wall:>8.1f} {pdfs / wall:>7.1f} {peaks[-1][1]:>8.0f} {s.get('redraw', 0):>7.1f} {s['generate']:>9.1f} "
            f"{s['typeset']:>7.1f} {s['write']:>7.1f} {s['tex']:>7.1f}"
        )
    print(projected(size, wall))
    if len(peaks) > 1:
        print(projected_memory(peaks[-2], peaks[-1]))


PROJECTED_CLASS = 10_000
PROJECTED_SHARDS = 20


def projected(size: int, wall: float) -> str:
    """The time a class of 10,000 would take at the per-student rate of the last build, on one machine like this
    and in 20 shards on 20 such machines (docs/scale.md), the merge (no TeX) aside. The rate of a larger class is a
    little better (fonts and TeX's start are paid once per batch), so this errs long."""
    rate = wall / size
    shard = -(-PROJECTED_CLASS // PROJECTED_SHARDS)
    return (
        f"projected for {PROJECTED_CLASS:,} students at {rate * 1000:.0f} ms a student: {PROJECTED_CLASS * rate / 60:.1f} min"
        f" on one machine like this, {shard * rate / 60:.1f} min in {PROJECTED_SHARDS} shards of {shard} (plus the merge)"
    )


def projected_memory(smaller: tuple[int, float], larger: tuple[int, float]) -> str:
    """The build process's peak memory for 10,000 students, on one machine and per shard of 20, from the growth
    between the last two sizes: every student's PDFs are held until the one write at the end (docs/scale.md)."""
    (few, low), (many, high) = smaller, larger
    per_student = max(0.0, (high - low) / (many - few))
    shard = -(-PROJECTED_CLASS // PROJECTED_SHARDS)

    def at(students: int) -> float:
        return (high + per_student * (students - many)) / 1024

    return (
        f"memory: {per_student:.2f} MB more a student; projected peak {at(PROJECTED_CLASS):.1f} GB for {PROJECTED_CLASS:,}"
        f" students on one machine, {max(at(shard), high / 1024):.1f} GB per shard of {shard}"
    )


if __name__ == "__main__":
    main()
