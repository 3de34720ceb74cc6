"""Every student's typed answers against their own key: a grade per answer, points per problem.

A class is graded in worker processes (``generator.pipeline.parallel``: they die with the
command), each student's keys read where they are graded. Each answer is read and compared
under a time limit (``limits``); whatever goes wrong with one answer is that answer's grade
(could not read, with the reason), never the run's end.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import sympy

from generator.grading.equivalence import compare, fingerprint, mistake
from generator.grading.grammar import Names, Reading, Unreadable, read
from generator.grading.key import Answer, Build, Key, Part, readable
from generator.grading.limits import SECONDS_PER_ANSWER, TooSlow, time_limit
from generator.grading.submissions import Submission
from generator.kit.activations import sigmoid
from generator.kit.printing import tex, text
from generator.pipeline.parallel import in_workers, workers_for
from generator.speed import remembered

__all__ = [
    "GradedAnswer",
    "GradedStudent",
    "grade_answer",
    "grade_class",
    "grade_student",
]

RIGHT, WRONG, BLANK, UNREADABLE = "right", "wrong", "blank", "could not read"
NOT_GRADED = "not graded"
"""An answer whose key is not typed maths (``key.readable``): it counts for nothing either way."""


@dataclass(frozen=True)
class GradedAnswer:
    """One answer's grade, with what is needed to explain it to the student and the instructor."""

    column: str
    problem: str
    status: str
    typed: str
    read_text: str = ""
    read_latex: str = ""
    message: str = ""
    """Why it could not be read, or why a right value is not accepted."""
    mistake: str = ""
    """How a wrong answer relates to its key ("a sign error"), or what it was read as."""
    group: str = ""
    """Wrong answers with one group are one mistake in the item analysis: the relation, or equivalent answers to one key."""
    expected_text: str = ""
    expected_latex: str = ""


@dataclass(frozen=True)
class GradedStudent:
    student: str
    name: str
    answers: tuple[GradedAnswer, ...]
    scores: Mapping[str, float]
    """Problem label -> points earned, for the problems that have graded answers."""
    submitted: bool

    @property
    def total(self) -> float:
        return round(sum(self.scores.values()), 2)


Job = tuple[str, str, Key, Mapping[str, str], bool]
"""(student id, name, their key, their answers by column, whether they have a row): what a worker gets."""


def grade_class(build: Build, submissions: Sequence[Submission]) -> list[GradedStudent]:
    """Every student of the class (or every row, for a single sheet), in roster order, then the rest."""
    by_id = {submission.student: submission for submission in submissions}
    students = [s for s in build.keys if s] if build.roster else list(by_id)
    jobs: list[Job] = []
    for student in students:
        submission = by_id.get(student)
        name = build.names.get(student) or (submission.name if submission else "")
        jobs.append(
            (
                student,
                name,
                build.key(student),
                submission.answers if submission else {},
                submission is not None,
            )
        )
    workers = workers_for(len(jobs), least_per_worker=16)
    return list(
        in_workers(
            grade_student,
            jobs,
            workers,
            chunksize=max(1, len(jobs) // (workers * 4)),
            describe=_describe,
        )
    )


def _describe(jobs: Sequence[Job]) -> str:
    return "grading students " + ", ".join(job[0] for job in jobs[:3]) + (" ..." if len(jobs) > 3 else "")


def grade_student(job: Job) -> GradedStudent:
    """One student's answers, problem by problem."""
    student, name, key, answers, submitted = job
    graded: list[GradedAnswer] = []
    scores = {}
    for part in key.parts:
        if not part.answers:
            continue
        names = _names(part)
        results = [grade_answer(answer, answers.get(answer.column, ""), names) for answer in part.answers]
        counted = [result.status for result in results if result.status != NOT_GRADED]
        if counted:
            scores[part.label] = round(part.points * counted.count(RIGHT) / len(counted), 2)
        graded += results
    return GradedStudent(student, name, tuple(graded), scores, submitted)


def grade_answer(answer: Answer, typed: str, names: Names) -> GradedAnswer:
    """Read ``typed`` and compare it with the key, within the time limit; the grade says what happened."""
    shown = " ".join(typed.split())
    shown = shown if len(shown) <= 200 else shown[:200] + " ..."
    if not readable(answer):
        return GradedAnswer(answer.column, answer.problem, NOT_GRADED, shown, message="its key is not typed maths")
    if not shown:
        return _graded(answer, BLANK, "")
    try:
        with time_limit(SECONDS_PER_ANSWER):
            return _judged(answer, typed, names, shown)
    except Unreadable as exc:
        message = str(exc)
    except TooSlow:
        message = "this answer takes too long to read and compare"
    except (ArithmeticError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        message = f"this answer could not be compared with the key ({type(exc).__name__})"
    return _graded(answer, UNREADABLE, shown, message=message)


def _judged(answer: Answer, typed: str, names: Names, shown: str) -> GradedAnswer:
    reading = _read(typed, names)
    verdict = compare(reading, answer.value, answer.rule)
    read_as = {"read_text": _plain(reading.value), "read_latex": tex(reading.value)}
    if verdict.correct:
        return _graded(answer, RIGHT, shown, **read_as)
    notes = [verdict.reason] if verdict.reason else []
    if reading.unknown:
        notes.append("unknown name " + ", ".join(sorted(reading.unknown)))
    if verdict.equivalent:
        label = group = "right value, not in the form asked"
    elif label := mistake(reading.value, answer.value, answer.rule):
        group = label
    else:
        label = read_as["read_text"]
        group = f"{answer.key} {fingerprint(reading.value, answer.value, answer.rule)!r}"
    return _graded(answer, WRONG, shown, **read_as, message="; ".join(notes), mistake=label, group=group)


def _graded(answer: Answer, status: str, typed: str, **fields) -> GradedAnswer:
    """The grade, with the expected answer when it is not right: the feedback shows it then."""
    if status != RIGHT:
        expected = _as_asked(answer)
        fields |= {"expected_text": _plain(expected), "expected_latex": tex(expected)}
    return GradedAnswer(answer.column, answer.problem, status, typed, **fields)


def _as_asked(answer: Answer) -> sympy.Basic:
    """The key as the student is asked to write it: answers.json keeps sigma(u) as 1/(1 + exp(-u)),
    which an answer asked in terms of the activation shows as sigma(u) again."""
    if answer.rule.form != "in terms of the activation":
        return answer.value
    return answer.value.replace(_is_logistic, lambda power: sigmoid(-_exponent(power.base)))


def _is_logistic(expr: sympy.Basic) -> bool:
    """``1/(1 + exp(v))``, which is sigma(-v)."""
    if not (expr.is_Pow and expr.exp == -1 and expr.base.is_Add and len(expr.base.args) == 2):
        return False
    return sympy.S.One in expr.base.args and _exponent(expr.base) is not None


def _exponent(total: sympy.Expr) -> sympy.Expr | None:
    return next((term.args[0] for term in total.args if isinstance(term, sympy.exp)), None)


@remembered(8192)
def _read(typed: str, names: Names) -> Reading:
    """``read``, once per answer text and key names: in a class, many students type the same answer to one key."""
    return read(typed, names)


def _names(part: Part) -> Names:
    return Names.of(*(answer.value for answer in part.answers if readable(answer)))


_SIGMA = sympy.Function("sigma")


def _plain(value: sympy.Basic) -> str:
    """Plain text as a student types it: ``^`` for powers, ``sigma(t)`` by name, matrices as ``[a, b; c, d]``."""
    if isinstance(value, sympy.MatrixBase):
        return "[" + "; ".join(", ".join(_plain(entry) for entry in row) for row in value.tolist()) + "]"
    value = value.replace(sigmoid, _SIGMA)
    printed = sympy.sstr(value, full_prec=False) if value.has(sympy.Float) else text(value)
    return printed.replace("**", "^")


def by_column(
    students: Sequence[GradedStudent],
) -> Iterator[tuple[str, list[GradedAnswer]]]:
    """Each answer column with every student's grade on it, in sheet order."""
    columns: dict[str, list[GradedAnswer]] = {}
    for student in students:
        for graded in student.answers:
            columns.setdefault(graded.column, []).append(graded)
    return iter(columns.items())
