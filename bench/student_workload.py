"""The fixed workload behind instruction counts: generate and render N students of one sheet in one process.

Wall-clock figures drift by 40% between hours on these machines; instructions do not. Compare
two versions of the code with

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/student_workload.py --students 20

run on each (the total is the "Collected" line). No TeX runs: it counts what the project's
own code costs (sampling, solving, verifying, printing, rendering). Under callgrind every variant
runs some fifty times slower than it does alone, and on a busy machine the first of a costly family
took longer than the per-variant time limit: the limit, which guards wall-clock time, is lifted here.
"""

import argparse

from generator import speed
from generator.pipeline import generate
from generator.pipeline.generate import Checked, Draw, sheet_variants
from generator.pipeline.registry import families
from generator.pipeline.render import render_exercises
from generator.pipeline.sheet import load_sheet
from generator.pipeline.templating import environment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", default="idl-math-background")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate.VARIANT_SECONDS = 1e6
    speed.install()  # as the CLI and every worker do
    known = families()
    sheet = load_sheet(args.sheet, known)
    env = environment()
    checked = Checked()  # one record for the whole class, as a build keeps
    for index in range(args.students):
        draw = Draw(args.seed, student=f"b{index:05d}")
        render_exercises(env, sheet, sheet_variants(sheet, known, draw, checked), known)


if __name__ == "__main__":
    main()
