"""Shared parts of the vector-calculus families: gradient, Jacobian, Hessian, divergence.

* Notation: the vector ``X`` and the centre ``A`` print as bold symbols (the sheets' notation
  line says bold lowercase letters are column vectors); ``generator.kit.notation.EuclideanNorm``
  prints as ``||x - a||_2`` and stays one symbol through differentiation.
* Worked partials whose steps say what is true, each once: ``partial`` gives a partial of a
  function that does not contain the variable as 0 "since f does not depend on y",
  not as a look-up in the table of derivatives, and never prints a row that restates the row before it.
* Sampling rules that hold by construction: ``variable_sets`` chooses which
  variables each component uses so that at most ``max_zeros`` entries of a matrix are
  0 (a third of them); ``skeleton`` is the structure of an expression up to constants,
  so that two functions of one part, or a random variant and the canonical instance,
  are never the same exercise with other numbers.
"""

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import sympy

from generator.kit.differentiation import Piece, Worked, worked_partial
from generator.kit.functions import smooth_function, structure
from generator.kit.language import Reason, joined
from generator.kit.notation import EuclideanNorm, FixedVector, Vector
from generator.kit.printing import printed_terms, tex, text
from generator.kit.rewrites import expand_outside
from generator.kit.sampling import distinct
from generator.kit.steps import Chain, Step, chain, worked_chain
from generator.kit.widths import printed_width
from generator.speed import remembered

__all__ = ["A", "Partial", "X", "divides_by_norm", "functions_of", "like_canonical", "max_zeros", "new_structure", "partial", "skeleton", "taken_up", "unfactored", "variable_sets", "widest_step"]

X = Vector("x")
A = FixedVector("a")
"""The bold vectors of the statements: the variable x and a fixed point a."""


def divides_by_norm(expr: sympy.Expr) -> bool:
    """``expr`` has a norm in a denominator, so it is undefined where the norm is 0."""
    return any(
        node.is_Pow and isinstance(node.base, EuclideanNorm) and node.exp.is_negative
        for node in sympy.preorder_traversal(expr)
    )


def max_zeros(entries: int) -> int:
    """How many of a matrix's (or a sum's) entries may be 0: a third, rounded down.

    An answer that is mostly zeros tests nothing: a Jacobian of components in one
    variable each is a diagonal matrix a student fills in without differentiating.
    """
    return entries // 3


@dataclass(frozen=True)
class Partial(Worked):
    """A worked partial df/dv that knows its function and variable, so that it can take up the chain rule's inner
    functions another partial of the same function names (``taken_up``)."""

    function: sympy.Expr = sympy.S.Zero
    variable: sympy.Symbol | None = None

    def derived_before(self, earlier: Iterable[Worked]) -> frozenset[tuple[sympy.Symbol, sympy.Expr]]:
        """The pieces whose derivative in this variable an ``earlier`` partial of another function worked out: a
        Jacobian's df_2/dy that goes through the g = y^2 + 1 of df_1/dy says "g as above" and does not work dg/dy
        again (a read of the session's dump, jacobian seed 37)."""
        same = (worked for worked in earlier if getattr(worked, "variable", None) == self.variable)
        return frozenset((piece.name, piece.expr) for worked in same for piece in worked.pieces)

    def taking_up(self, others: Iterable[Worked]) -> "Partial":
        """This partial naming the chain rule's inner functions that ``others``, partials of the same function, name
        and it goes through too without naming them, since its derivative here is simple (dg/dx = y, dg_2/dy = 1:
        ``differentiation`` names no such inner function), under the same letter, with its derivative in v first.
        Inner functions come first in the list, as ``differentiation`` lists pieces inside out."""
        v, own = self.variable, {piece.expr for piece in self.pieces}
        taken: dict[sympy.Expr, Piece] = {}
        for worked in others:
            for piece in worked.pieces:
                g = piece.expr
                if piece.inner and v is not None and g.has(v) and g not in own and self.function.has(g):
                    taken.setdefault(g, piece)
        # its derivative as the chain rule here put it in, the table's, untidied: dg/dy = -2x^2 - 2 tidied to -2(x^2 + 1)
        # beside a rule that used -2x^2 - 2 and factored it again (a TA read, EN 9521)
        pieces = tuple(Piece(piece.name, g, chain(worked_partial(g, v).derivative.steps[0]), True) for g, piece in taken.items())
        return replace(self, pieces=(*pieces, *self.pieces))


def taken_up(row: Iterable[Worked]) -> tuple[Worked, ...]:
    """The partials of one function, in reading order, each naming the chain rule's inner functions that another of
    them names (``Partial.taking_up``): one g for one inner function, named where the first partial goes through it.

    An inner function named for one partial only left the other's chain rule using its derivative unsaid: "For
    df_2/dy, with g_2 as above:" needs dg_2/dy = 1 before the chain rule, as the x-row has dg_2/dx (TA read,
    idl-math-background EN 6641 1.3(c)); df/dx = y e^{y^3 + xy} under "chain rule" and only then "For df/dy let
    g = y^3 + xy" (TA reads, dl-exercise-sheet-1 EN 9181, 9192). Call it before ``named_alike``, which letters the
    parts in reading order."""
    row = tuple(row)
    return tuple(w.taking_up(o for o in row if o is not w) if isinstance(w, Partial) else w for w in row)


def unfactored(worked: Worked) -> Worked:
    """``worked`` without its last step if that step only factored the sum the step before it wrote: for a family
    that works on with the partial as a sum (a divergence collecting like terms, a Hessian differentiating again),
    which would otherwise multiply out, or take apart by the product rule, what the step just factored."""
    *before, last = worked.derivative.steps
    if before and sorted(map(text, printed_terms(expand_outside(last.expr)))) == sorted(map(text, printed_terms(before[-1].expr))):
        return replace(worked, derivative=Chain(tuple(before)))
    return worked


def partial(f: sympy.Expr, v: sympy.Symbol, name: str | None = None) -> Partial:
    """df/dv worked rule by rule (``generator.kit.differentiation.worked_partial``), with a true reason for a zero.

    A partial of a function without ``v`` is 0 because the function does not depend on ``v``
    (``name``, LaTeX, names the function in the reason); no table of derivatives is involved.
    A family takes up, for each partial, the inner functions the function's other partials name (``taken_up``).
    """
    if f.has(v):
        worked = _said_once(worked_partial(f, v))
    else:
        # the function itself the subject where it is short: "does not depend on z" alone had none, which German cannot
        # leave out ("haengt nicht von z ab", a TA read, German 9721)
        name = name or (tex(f) if printed_width(f) <= _SHORT_SUBJECT else None)
        if name:
            why = Reason("${name}$ does not depend on ${v}$", name=name, v=tex(v))
        else:
            why = Reason("does not depend on ${v}$", v=tex(v))
        worked = Worked((), chain(Step(sympy.Integer(0), why)), ())
    return Partial(worked.pieces, worked.derivative, worked.rules, f, v)


_SHORT_SUBJECT = 12
"""Characters (``printed_width``) up to which a function is named as the subject of "does not depend on"."""


def _said_once(worked: Worked) -> Worked:
    """``worked`` without a row that restates the row before it: the last part named, whose derivative the partial's
    first step only writes again.

    A sum with one term in v (``sin(x^2) - y^2`` in x) names that term u and works out du/dx; the sum rule then
    printed df/dx with the very same expression (a TA read, idl-math-background 1.3(c), seed 6601). The part's steps
    become the partial's own, the sum rule named before the part's first rule and followed by what it dropped ("sum
    rule, chain rule; $y^{2}$ does not depend on $x$": the chain rule alone beside a dropped term hid the sum, two TA
    reads), and the part is not named.
    """
    if not worked.pieces:
        return worked
    part, (first, *rest) = worked.pieces[-1], worked.derivative.steps
    if tex(part.derivative.result) != tex(first.expr):
        return worked
    opening, *steps = part.derivative.steps
    idle = getattr(first.why, "args", {}).get("idle")
    why = Reason("{rule}; {idle}", rule=joined([first.why.args["rule"], opening.why]), idle=idle) if idle else opening.why
    return Worked(worked.pieces[:-1], worked_chain(Step(opening.expr, why), *steps, *rest), worked.rules)


def widest_step(worked: Iterable[Worked]) -> int:
    """The widest right-hand side (``printed_width``) among the worked partials' steps, parts included.

    In an ``align*`` every row gets the widest left side plus the widest right side plus the
    widest reason, so a family bounds this (with its widest left side) to keep its block on the page.
    """
    steps = [step for w in worked for c in (*(p.derivative for p in w.pieces), w.derivative) for step in c.steps]
    return max((printed_width(step.expr) for step in steps), default=0)


def variable_sets(
    rng: random.Random, variables: Sequence[sympy.Symbol], count: int, own: bool = False
) -> list[list[sympy.Symbol]]:
    """Which variables each of ``count`` components uses: every variable used, at most ``max_zeros`` left out.

    A component without a variable gives a 0 partial, so leaving out few keeps the matrix of
    partials mostly non-zero by construction; each component leaves out at most one variable,
    so no row of three has two zeros either. With ``own``, component i always keeps
    variable i (the divergence's term df_i/dx_i is then never 0 by construction).
    """
    sets = [list(variables) for _ in range(count)]
    budget = rng.randint(0, max_zeros(count * len(variables)))
    cells = [(i, v) for i in range(count) for v in variables if not (own and v == variables[i])]
    for i, v in rng.sample(cells, len(cells)):
        if budget == 0:
            break
        others_use = any(v in s for k, s in enumerate(sets) if k != i)
        if len(sets[i]) == len(variables) and others_use:
            sets[i].remove(v)
            budget -= 1
    return sets


def functions_of(
    rng: random.Random,
    sets: Iterable[Sequence[sympy.Symbol]],
    usable: Callable[[sympy.Expr], bool] = lambda f: True,
) -> tuple[sympy.Expr, ...]:
    """A level-1 ``smooth_function`` of exactly each set of variables, usable and of a new structure.

    Each is drawn again (a bounded number of times) until ``usable`` accepts it and its structure
    differs from those drawn before it (``new_structure``).
    """
    functions: list[sympy.Expr] = []
    for variables in sets:
        functions += distinct(
            rng,
            lambda r, vs=list(variables): smooth_function(r, vs, 1),
            1,
            accept=lambda f: usable(f) and new_structure(f, functions),
            what="functions of new structures",
        )
    return tuple(functions)


@remembered(8192)
def skeleton(expr: sympy.Basic) -> object:
    """The structure of ``expr`` up to constants: every number forgotten, as the presentation lint reads it.

    ``x cos x / (2x^2 + 1)`` and ``x cos x / (x^2 + 3)`` have one skeleton, and so do
    ``e^{2xy}`` and ``-e^{xy}``; ``x^2 y`` and ``x y^2`` do not. Remembered per process: every
    candidate is compared with those drawn before it and with the canonical instances.
    """
    return structure(expr)


def new_structure(expr: sympy.Basic, others: Iterable[sympy.Basic]) -> bool:
    """``expr`` has a structure (up to constants) that none of ``others`` has."""
    return skeleton(expr) not in {skeleton(other) for other in others}


def like_canonical(exprs: Iterable[sympy.Basic], canonical: Iterable[Iterable[sympy.Basic]]) -> bool:
    """The expressions of a variant are those of a canonical instance up to constants (in any order)."""
    shape = sorted(map(skeleton, exprs), key=repr)
    return any(shape == sorted(map(skeleton, instance), key=repr) for instance in canonical)
