"""The shape every problem family has, and the variant it produces.

A family is a small module in ``problems/`` that builds one ``Family``:

* ``sample(rng, options) -> params``: draws valid parameters directly
  (a frozen dataclass); it never formats.
* ``solve(params) -> answer``: SymPy work only (a frozen dataclass); it never
  draws.
* ``check(params, answer, rng)``: verifies the answer by a second, numerical
  method and raises ``CheckFailed`` if it disagrees.
* ``templates/problems/<name>.tex.j2``: macros ``statement(p, a)`` and
  ``solution(p, a)`` that only insert values.
* ``preamble``: extra LaTeX preamble lines, loaded only on sheets that use
  the family.
* ``needs``: what a part refers to in an earlier part ("given above"); a sheet
  whose earlier part does not print it is refused when it is read.
* ``letters``: the letters a part gives a meaning of its own (sigma for the
  sigmoid, or for a standard deviation); a sheet on which one letter means two
  things is reported when it is built.
"""

import dataclasses
import json
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import sympy

from generator.kit.options import Option, OptionError, resolve_options
from generator.kit.printing import text, text_rows
from generator.speed import remembered

__all__ = ["CheckFailed", "Family", "Meaning", "require", "static_family"]


class CheckFailed(AssertionError):
    """The independent check disagrees with the solver."""


def require(condition: bool, message: str | Callable[[], str]) -> None:
    """Fail a check with a message that says what disagreed.

    Checks that run for every variant pass a callable when the message prints SymPy
    expressions: formatting them costs more than the check itself.
    """
    if not condition:
        raise CheckFailed(message() if callable(message) else message)


@dataclass(frozen=True)
class Family:
    """What a problem family module defines as ``FAMILY``: its name (also its template's), how to sample,
    solve and check a variant, its options, canonical instances, difficulty and answer-key fields."""

    name: str
    summary: str
    sample: Callable[[random.Random, Mapping[str, Any]], Any]
    solve: Callable[[Any], Any]
    check: Callable[[Any, Any, random.Random], None]
    options: tuple[Option, ...] = ()
    canonical: Mapping[str, Any] = field(default_factory=dict)
    preamble: tuple[str, ...] = ()
    """LaTeX preamble lines the template needs, e.g. ``\\usepackage{mathtools}``."""
    difficulty: Callable[[Any, Any], float] | None = None
    """Score of a variant (params, answer); default: worked steps plus the size of the inputs."""
    key_fields: tuple[str, ...] = ()
    """Answer fields that go into a class's answer-key.csv (default: all of them)."""
    static: bool = False
    """Fixed content (recap boxes, model proofs): nothing is drawn, so nothing varies or is checked."""
    conflicts: Callable[[Mapping[str, Any]], str | None] | None = None
    """Why a combination of valid options makes no exercise worth asking (None when it does), such as
    two functions of one part that can only differ in their constants."""
    grading: Mapping[str, Any] | None = None
    """How ``sheets grade`` checks typed answers, where equivalence to the key is not the whole story
    (docs/grading.md): ``forms`` (answer field -> "number", "column vector" or "in terms of the
    activation"), ``digits`` (significant digits a decimal answer must get right, default 3) and
    ``domain`` (symbol name -> (low, high) to draw it from when comparing at random points)."""
    needs: Mapping[str, Any] | None = None
    """What a part refers to in an earlier part of its sheet ("P_X and P_Y given above"), so that loading
    a sheet refuses one whose earlier part is missing or prints too little (docs/sheets.md): ``family``
    (the earlier part's, which shares this part's draw through ``same_draw_as``), ``why`` (what that part
    prints), ``when`` (the options with which this part refers back; default: always), ``at_least``
    (lower bounds on the earlier part's integer options) and ``same`` (options both parts must set alike,
    so that their shared seed draws the same data)."""

    letters: Callable[[Mapping[str, Any]], Mapping[str, "Meaning"]] | None = None
    """The letters (LaTeX, ``\\sigma``) to which a part with these options gives a meaning a student reads on the page,
    each with its ``Meaning``: two parts of one sheet that give a letter two meanings are reported when the sheet is
    built (docs/sheets.md), as a TA would strike the second one out."""

    def __post_init__(self) -> None:
        if self.needs is not None:
            Need(**self.needs)  # a misspelt key of the declaration fails when the family is defined

    @property
    def need(self) -> "Need | None":
        """``needs`` as a ``Need`` (None: every part of the family stands alone)."""
        return Need(**self.needs) if self.needs is not None else None

    def resolve_options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The defaults overlaid with ``given``, each option validated and then the combination; raises OptionError."""
        options = resolve_options(self.options, given)
        problem = self.conflicts(options) if self.conflicts else None
        if problem:
            raise OptionError(problem)
        return options

    @property
    def template(self) -> str:
        return f"problems/{self.name}.tex.j2"

    def answer_key(self, answer: Any) -> tuple[str, ...]:
        """Names of the answer fields a grader needs: ``key_fields``, or every field of plain values.

        Worked steps (chains and other dataclasses) belong in the solution, not in the key.
        """
        if self.key_fields:
            return self.key_fields
        return tuple(name for name in field_names(type(answer)) if _plain(getattr(answer, name)))


@dataclass(frozen=True)
class Need:
    """A family's ``needs``: what a part with its options takes from an earlier part that shares its draw."""

    family: str
    why: str
    when: Mapping[str, Any] = field(default_factory=dict)
    at_least: Mapping[str, int] = field(default_factory=dict)
    same: tuple[str, ...] = ()

    def applies(self, options: Mapping[str, Any]) -> bool:
        """Whether a part with these options refers back at all."""
        return all(options.get(name) == value for name, value in self.when.items())

    def met_by(self, options: Mapping[str, Any], earlier_family: str, earlier_options: Mapping[str, Any]) -> bool:
        """Whether an earlier part sharing the draw prints what a part with ``options`` refers to."""
        return (
            earlier_family == self.family
            and all(name in earlier_options and earlier_options[name] >= low for name, low in self.at_least.items())
            and all(earlier_options.get(name) == options.get(name) for name in self.same)
        )

    def condition(self) -> str:
        """The options that make a part refer back, as a sheet writes them: ``restate = false``."""
        return as_written(self.when)

    def describe(self) -> str:
        """``same_draw_as a part of family entropy with count >= 2 and the same outcomes (P_X and P_Y are printed there)``."""
        terms = [f"{name} >= {low}" for name, low in self.at_least.items()]
        terms += [f"the same {name}" for name in self.same]
        constraints = f" with {' and '.join(terms)}" if terms else ""
        return f"same_draw_as a part of family {self.family}{constraints} ({self.why})"


@dataclass(frozen=True)
class Meaning:
    """What a letter stands for in a part (``what``: "a standard deviation"), and the options that write it with
    another letter, as a sheet writes them (``instead``: ``deviation = "tau"``; empty when none can)."""

    what: str
    instead: str = ""


def as_written(options: Mapping[str, Any]) -> str:
    """Options as a sheet file writes them, for messages: ``count = 1, unit = "nats"``."""
    return ", ".join(f"{name} = {json.dumps(value)}" for name, value in options.items())


@dataclass(frozen=True)
class Variant:
    """One drawn, solved and checked problem; what answers.json records."""

    family: str
    label: str
    seed: int | None
    canonical: str | None
    options: Mapping[str, Any]
    params: Any
    answer: Any
    difficulty: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "family": self.family,
            "seed": self.seed,
            "canonical": self.canonical,
            "difficulty": self.difficulty,
            "options": dict(self.options),
            "inputs": jsonable(self.params),
            "answers": jsonable(self.answer),
        }


@remembered(None)
def field_names(kind: type) -> tuple[str, ...]:
    """The field names of a dataclass, in order: ``dataclasses.fields`` rebuilds them on every call.

    Answers are walked field by field for their chains, their key and answers.json, for every
    variant, so the names are worked out once per dataclass.
    """
    return tuple(f.name for f in dataclasses.fields(kind))


def find_all(value: Any, kind: type | tuple[type, ...]) -> Iterator[Any]:
    """Every instance of ``kind`` inside dataclasses and tuples, in order (not looking inside them)."""
    if isinstance(value, kind):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name in field_names(type(value)):
            yield from find_all(getattr(value, name), kind)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from find_all(item, kind)


@dataclass(frozen=True)
class NoAnswer:
    """The answer of fixed content: nothing to compute."""


def static_family(name: str, summary: str, options: tuple[Option, ...] = ()) -> Family:
    """Fixed content (recap boxes, model proofs): the options are its only parameters.

    Its template reads the chosen options as ``p.<option>``; there is nothing to
    draw, solve or check.
    """
    return Family(
        name=name,
        summary=summary,
        sample=lambda rng, chosen: MappingProxyType(dict(chosen)),
        solve=lambda params: NoAnswer(),
        check=lambda params, answer, rng: None,
        options=options,
        static=True,
    )


def _plain(value: Any) -> bool:
    """Values and tuples of values, with no dataclass (such as a worked chain) inside; None is no value."""
    if isinstance(value, (tuple, list)):
        return all(_plain(item) for item in value)
    return value is not None and not dataclasses.is_dataclass(value)


def jsonable(value: Any) -> Any:
    """Plain JSON data; SymPy objects become strings that ``sympify`` reads back."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: jsonable(getattr(value, name)) for name in field_names(type(value))}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if isinstance(value, sympy.MatrixBase):
        return text_rows(value)
    if isinstance(value, sympy.Basic):
        return text(value)
    if isinstance(value, Fraction):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in answers.json")
