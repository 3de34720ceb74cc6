"""What grading writes: grades.csv, feedback/<id>.txt, items.csv, and the item analysis as a table.

* grades.csv: id, name, points per problem (the sheet's points, shared equally among the
  problem's answers) and the total;
* feedback/<id>.txt: per answer, right or wrong, what was read (plain text and LaTeX) and,
  when wrong, what was expected and what seems to have gone wrong;
* items.csv: per answer column, how many were right, wrong, blank or unreadable, and the
  most common mistakes, equivalent wrong answers counted together.
"""

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from generator.grading.grade import (
    BLANK,
    NOT_GRADED,
    RIGHT,
    UNREADABLE,
    WRONG,
    GradedAnswer,
    GradedStudent,
    by_column,
)
from generator.grading.key import Build

__all__ = ["Item", "feedback", "grades_csv", "items", "items_csv", "table"]

COMMON = 3
"""Mistakes listed per answer column."""


@dataclass(frozen=True)
class Item:
    """One answer column across the class."""

    column: str
    problem: str
    counts: Counter
    """Status -> students."""
    mistakes: tuple[tuple[str, int], ...]
    """(mistake, students), the most common first."""

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def share_right(self) -> float:
        return self.counts[RIGHT] / self.answered if self.answered else 0.0


def items(students: Sequence[GradedStudent]) -> list[Item]:
    """The item analysis: every answer column, its counts and its most common mistakes."""
    found = []
    for column, graded in by_column(students):
        if any(answer.status == NOT_GRADED for answer in graded):
            continue
        groups: Counter = Counter(answer.group for answer in graded if answer.status == WRONG)
        labels = {answer.group: answer.mistake for answer in graded if answer.status == WRONG}
        mistakes = tuple((labels[group], count) for group, count in groups.most_common(COMMON))
        found.append(
            Item(
                column,
                graded[0].problem,
                Counter(answer.status for answer in graded),
                mistakes,
            )
        )
    return found


def grades_csv(build: Build, students: Sequence[GradedStudent]) -> bytes:
    labels = _graded_problems(students)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", *labels, "total"])
    for student in students:
        writer.writerow(
            [
                student.student,
                student.name,
                *(_points(student.scores.get(label)) for label in labels),
                _points(student.total),
            ]
        )
    return out.getvalue().encode("utf-8")


def items_csv(found: Sequence[Item]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    mistake_columns = [name for n in range(1, COMMON + 1) for name in (f"mistake_{n}", f"students_{n}")]
    writer.writerow(
        [
            "problem",
            "column",
            "students",
            "right",
            "wrong",
            "blank",
            "unreadable",
            "share_right",
            *mistake_columns,
        ]
    )
    for item in found:
        mistakes = [cell for mistake, count in item.mistakes for cell in (mistake, count)]
        mistakes += [""] * (len(mistake_columns) - len(mistakes))
        counts = [item.counts[status] for status in (RIGHT, WRONG, BLANK, UNREADABLE)]
        writer.writerow(
            [
                item.problem,
                item.column,
                item.answered,
                *counts,
                f"{item.share_right:.2f}",
                *mistakes,
            ]
        )
    return out.getvalue().encode("utf-8")


def table(found: Sequence[Item], students: Sequence[GradedStudent]) -> list[str]:
    """The item analysis for a terminal: per problem the share of answers right, wrong, blank and
    unreadable, then its most common mistakes, counted in students."""
    lines = [f"{'problem':<8} {'right':>6} {'wrong':>6} {'blank':>6} {'unread':>6}  most common mistakes (students)"]
    problems: dict[str, Counter] = {}
    for item in found:
        problems.setdefault(item.problem, Counter()).update(item.counts)
    for problem, total in problems.items():
        answered = sum(total.values()) or 1
        shares = " ".join(f"{100 * total[status] / answered:5.0f}%" for status in (RIGHT, WRONG, BLANK, UNREADABLE))
        common = ", ".join(f"{count}: {mistake}" for mistake, count in _mistakes(students, problem)[:2])
        lines.append(f"{problem:<8} {shares}  {common}")
    scores = [student.total for student in students]
    if scores:
        counted = f"{len(students)} student{'' if len(students) == 1 else 's'}"
        lines.append(f"{counted}, total points: mean {sum(scores) / len(scores):.2f}, best {max(scores):g}")
    return lines


def _mistakes(students: Sequence[GradedStudent], problem: str) -> list[tuple[str, int]]:
    """A problem's mistakes with the number of students who made each (in any of its answers), most common first."""
    who: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for student in students:
        for answer in student.answers:
            if answer.problem == problem and answer.status == WRONG:
                who.setdefault(answer.group, set()).add(student.student)
                labels[answer.group] = answer.mistake
    ranked = sorted(who.items(), key=lambda entry: (-len(entry[1]), labels[entry[0]]))
    return [(labels[group], len(students_)) for group, students_ in ranked]


def feedback(build: Build, student: GradedStudent) -> bytes:
    """A student's feedback: the sheet, their points per problem, then every answer."""
    lines = [build.sheet + (f", seed {build.seed}" if build.seed is not None else "")]
    lines.append(f"{student.name} ({student.student})" if student.name else student.student)
    points = {part.label: part.points for part in build.key(student.student).parts}
    lines.append(f"total: {_points(student.total)} of {_points(sum(points[label] for label in student.scores))} points")
    if not student.submitted:
        lines.append("no answers were submitted")
    problem = None
    for answer in student.answers:
        if answer.problem != problem:
            problem = answer.problem
            lines += [
                "",
                f"problem {problem}: {_points(student.scores.get(problem))} of {_points(points[problem])} points",
            ]
        lines += _answer_lines(answer)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _answer_lines(answer: GradedAnswer) -> list[str]:
    lines = [f"  {answer.column}: {answer.status}"]
    if answer.typed:
        lines.append(f"    typed:    {answer.typed}")
    if answer.read_text:
        lines.append(f"    read as:  {answer.read_text}")
        lines.append(f"    LaTeX:    {answer.read_latex}")
    if answer.message:
        lines.append(f"    note:     {answer.message}")
    if answer.status in (WRONG, BLANK, UNREADABLE):
        if answer.status == WRONG and answer.mistake not in (answer.read_text, answer.message):
            lines.append(f"    likely:   {answer.mistake}")
        lines.append(f"    expected: {answer.expected_text}")
        lines.append(f"    LaTeX:    {answer.expected_latex}")
    return lines


def _graded_problems(students: Sequence[GradedStudent]) -> list[str]:
    labels: dict[str, None] = {}
    for student in students:
        labels.update((label, None) for label in student.scores)
    return list(labels)


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
