"""Dimensions of the unknown matrices in a scalar function of two vectors.

Given x in R^M and y in R^N and a scalar function such as
f(x, y) = x^T A y + x^T B x C y + D, the student finds the size of every unknown so that each
product is defined and f is 1x1. Terms are built from the pieces x^T U y (x or y on either side),
U x, u^T x (u an unknown vector) and a lone U; level 2 also multiplies two pieces
(x^T B x C y, C x D y).

Options: ``symbolic`` (M and N as letters, as on the original sheet, or concrete distinct sizes
2..6), ``terms`` (how many terms f has), ``level`` (1: single pieces; 2: at least one term
multiplies two pieces).

Excluded by construction: M = N (x and y would be interchangeable), two unknowns next to each
other (their shared dimension would be free) and two known vectors next to each other, so that
every dimension of every unknown is fixed by a neighbour or by the term being a scalar; two terms
with the same pattern of slots (A x B x and C y D y: x and y alike) and two unknowns between the same
neighbours (one question asked twice); an unknown that comes out 1x1 inside a product (D x^T A y), and more than
one lone unknown (a lone D is 1x1 by the term alone, as on the original sheet: "B is a scalar ... D is a scalar" asks one
thing twice); an f that does not involve both x and y or has no x^T U y piece (only vectors and scalars); a random seed
equal to the canonical instance.

answers.json keys: ``inputs.m``, ``inputs.n`` (M and N: letters or integers), ``inputs.terms``
(each term a list of factor codes: ``"x"``, ``"xT"`` for x^T, ``"A"``, ``"cT"`` for c^T);
``answers.names`` (the unknowns in order of appearance; lowercase names are vectors),
``answers.shapes`` ([rows, cols] of each unknown), ``answers.factors`` (how it appears, e.g.
``"cT"``), ``answers.left`` / ``answers.right`` (the codes of its neighbours; ``"start"`` /
``"end"`` at the ends of a term). Read a letter N back with ``sympify(text, locals={"N":
Symbol("N")})``: plain ``sympify`` takes it for SymPy's ``N()``.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce

import sympy

from generator.kit import BoolOption, Family, IntOption, distinct, require
from generator.kit.linalg import float_matrix, float_product, size

M, N = size("M"), size("N")
KNOWN = ("x", "y")
LETTERS = "ABCDEFGH"
UNKNOWN = "?"
TRANSPOSED = "T"


@dataclass(frozen=True)
class Params:
    m: sympy.Expr
    n: sympy.Expr
    terms: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Answer:
    names: tuple[str, ...]
    factors: tuple[str, ...]
    left: tuple[str, ...]
    right: tuple[str, ...]
    shapes: tuple[tuple[sympy.Expr, sympy.Expr], ...]


def _known(rng: random.Random) -> str:
    return rng.choice(KNOWN)


def _between(rng: random.Random) -> tuple[str, ...]:
    """x^T U y and its variants: U sits between two known vectors."""
    return (_known(rng) + TRANSPOSED, UNKNOWN, _known(rng))


def _row(rng: random.Random) -> tuple[str, ...]:
    return (UNKNOWN, _known(rng))


def _dual(rng: random.Random) -> tuple[str, ...]:
    """u^T x with an unknown vector u."""
    return (UNKNOWN + TRANSPOSED, _known(rng))


def _alone(rng: random.Random) -> tuple[str, ...]:
    return (UNKNOWN,)


def _product(rng: random.Random) -> tuple[str, ...]:
    """Two pieces multiplied, always meeting at an unknown: x^T B x C y, C x D y. Never D x^T A y: a bold capital
    before x^T can only be 1x1, a "matrix" that is a scalar in disguise (two TA reads, EN 9691 and 9751)."""
    first, second = rng.choice([(_between, _row), (_row, _row)])
    return first(rng) + second(rng)


def _single(rng: random.Random) -> tuple[str, ...]:
    return rng.choice([_between, _between, _row, _dual, _alone])(rng)


def _structure(rng: random.Random, terms: int, level: int) -> tuple[tuple[str, ...], ...]:
    """Terms with placeholders; at level 2 the first drawn term is a product of two pieces."""
    drawn = [_product(rng)] if level == 2 else []
    while len(drawn) < terms:
        term = _product(rng) if level == 2 and rng.random() < 0.3 else _single(rng)
        if _pattern(term) not in map(_pattern, drawn):
            drawn.append(term)
    rng.shuffle(drawn)
    return tuple(sorted(drawn, key=lambda term: term == (UNKNOWN,)))


def _pattern(term: tuple[str, ...]) -> tuple[str, ...]:
    """The term's slots with x and y alike: A x B x and C y D y, or x^T B y and y^T F x, are one exercise
    (the same reasoning with other names), so no two terms of one f share a pattern."""
    return tuple(code.replace("x", "v").replace("y", "v") for code in term)


def _usable(structure: tuple[tuple[str, ...], ...]) -> bool:
    """Distinct terms, both x and y used, at least one full matrix (an x^T U y piece), no two unknowns
    in the same slot (between the same neighbours, as B in y^T A y B x and F in E y F x) and at most one
    scalar unknown: their sizes would be one question asked twice."""
    codes = {code for term in structure for code in term}
    slots = [_slot(term, position) for term in structure for position, code in enumerate(term) if code[0] == UNKNOWN]
    return (
        len(set(structure)) == len(structure)
        and len(set(slots)) == len(slots)
        and sum(map(_is_scalar, slots)) <= 1
        and all(any(code[0] == v for code in codes) for v in KNOWN)
        and any(code[0] in KNOWN and code.endswith(TRANSPOSED) for code in codes)
    )


def _slot(term: tuple[str, ...], position: int) -> tuple[str, str, str]:
    """An unknown with its neighbours ("start" and "end" at the ends of the term), which fix its size."""
    left = term[position - 1] if position > 0 else "start"
    right = term[position + 1] if position + 1 < len(term) else "end"
    return left, term[position], right


def _is_scalar(slot: tuple[str, str, str]) -> bool:
    """Whether the neighbours make an unknown 1x1: nothing or a column vector before it, nothing or a
    row vector after it (a lone D; ``_product`` draws no other)."""
    left, _, right = slot
    return left in ("start", *KNOWN) and right in ("end", *(v + TRANSPOSED for v in KNOWN))


def _named(structure: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Unknowns lettered A, B, C, ... in order of appearance; vectors (used as u^T) lowercase."""
    letters = iter(LETTERS)

    def name(code: str) -> str:
        if code == UNKNOWN:
            return next(letters)
        if code == UNKNOWN + TRANSPOSED:
            return next(letters).lower() + TRANSPOSED
        return code

    return tuple(tuple(name(code) for code in term) for term in structure)


def sample(rng: random.Random, options: Mapping) -> Params:
    def fresh(structure: tuple[tuple[str, ...], ...]) -> bool:
        """Usable, and not the canonical function (with letters M, N it would be the canonical instance)."""
        canonical = options["symbolic"] and any(_named(structure) == p.terms for p in CANONICAL.values())
        return _usable(structure) and not canonical

    structure = distinct(
        rng, lambda r: _structure(r, options["terms"], options["level"]), 1, accept=fresh, what="functions"
    )[0]
    if options["symbolic"]:
        m, n = M, N
    else:
        m, n = (sympy.Integer(d) for d in rng.sample(range(2, 7), 2))
    return Params(m, n, _named(structure))


def _is_unknown(code: str) -> bool:
    return code[0] not in KNOWN


def _size(params: Params, code: str) -> tuple[sympy.Expr, sympy.Expr]:
    """Rows and columns of a known factor: x is M x 1, x^T is 1 x M."""
    length = params.m if code[0] == "x" else params.n
    return (sympy.Integer(1), length) if code.endswith(TRANSPOSED) else (length, sympy.Integer(1))


def solve(params: Params) -> Answer:
    rows: list[tuple] = []
    for term in params.terms:
        for position, code in enumerate(term):
            if not _is_unknown(code):
                continue
            left, _, right = _slot(term, position)
            height = sympy.Integer(1) if left == "start" else _size(params, left)[1]
            width = sympy.Integer(1) if right == "end" else _size(params, right)[0]
            shape = (width, height) if code.endswith(TRANSPOSED) else (height, width)
            rows.append((code[0], code, left, right, shape))
    names, factors, left, right, shapes = zip(*rows, strict=True)
    return Answer(names, factors, left, right, shapes)


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Multiply random float matrices of the claimed sizes, for concrete M and N."""
    unknowns = {code[0] for term in params.terms for code in term if _is_unknown(code)}
    require(set(answer.names) == unknowns, f"sizes given for {answer.names}, but f has unknowns {sorted(unknowns)}")
    scalars = [name for name, shape in zip(answer.names, answer.shapes, strict=True) if tuple(shape) == (1, 1)]
    require(len(scalars) <= 1, f"{', '.join(scalars)} are all 1x1: one question asked twice")
    if params.m.is_Integer:
        trials = [{}]
    else:
        m1, n1, m2, n2 = (sympy.Integer(d) for d in rng.sample(range(2, 9), 4))
        trials = [{M: m1, N: n1}, {M: m2, N: n2}]
    for sizes in trials:
        m, n = (int(params.m.xreplace(sizes)), int(params.n.xreplace(sizes)))
        values = {"x": float_matrix(rng, m, 1), "y": float_matrix(rng, n, 1)}
        for name, shape in zip(answer.names, answer.shapes, strict=True):
            height, width = (sympy.sympify(d).xreplace(sizes) for d in shape)
            require(
                height.is_Integer and width.is_Integer and height > 0 and width > 0,
                f"{name}: size {shape} is not a pair of positive integers for M={m}, N={n}",
            )
            values[name] = float_matrix(rng, int(height), int(width))
        for term in params.terms:
            factors = [_value(values, code) for code in term]
            product = reduce(lambda a, b: float_product(a, b, f"term {' '.join(term)}"), factors)
            require(
                len(product) == 1 and len(product[0]) == 1,
                f"term {' '.join(term)} is {len(product)}x{len(product[0])}, not a scalar (M={m}, N={n})",
            )


def _value(values: Mapping[str, list[list[float]]], code: str) -> list[list[float]]:
    matrix = values[code[0]]
    return [list(column) for column in zip(*matrix)] if code.endswith(TRANSPOSED) else matrix


CANONICAL = {"idl-math-background-1.1a": Params(M, N, (("xT", "A", "y"), ("xT", "B", "x", "C", "y"), ("D",)))}

FAMILY = Family(
    name="matrix-shapes",
    summary="Sizes of the unknown matrices in a scalar function such as x^T A y + x^T B x C y + D.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        BoolOption("symbolic", False, "keep the sizes as letters M and N (true) or draw concrete sizes 2..6"),
        IntOption("terms", 3, 2, 4, "how many terms f has"),
        IntOption("level", 2, 1, 2, "1: every term is one piece (x^T A y, A x, a^T x, A); 2: some term multiplies two"),
    ),
    canonical=CANONICAL,
)
