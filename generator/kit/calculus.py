"""Shared SymPy helpers for the calculus families.

General ``simplify()`` is too slow and unpredictable for the hot path (50 ms
to seconds per expression), so answers are tidied with a few targeted,
cheap rewrites and the shortest candidate is kept.

The multivariate families (gradient, Jacobian, Hessian, divergence) share one
random builder of smooth functions of x, y (z), ``smooth_function``,
``printed_width`` to keep what they print within the page, and
``worked_partial`` to work each partial derivative rule by rule.
"""

import math
import random
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import sympy
from sympy.core.mul import _keep_coeff

from generator.kit.printing import tex, text
from generator.kit.rewrites import (
    collects,
    expand_outside,
    factor_terms,
    has_like_terms,
    together,
)
from generator.kit.steps import Step, chain, worked_chain
from generator.pipeline.templating import visible_length

if TYPE_CHECKING:
    from generator.kit.differentiation import Worked


@lru_cache(maxsize=8192)
def presentable(expr: sympy.Expr) -> sympy.Expr:
    """Of a few cheap rewrites of ``expr``, the one with fewest fraction bars, then shortest.

    A whole-number factor pulled out in front is free (``2(3x^2 + 1)`` reads better
    than ``6x^2 + 2``), and on a tie the factored form wins. A sum of quotients is also
    brought over one denominator, kept factored as a teaching assistant writes it
    (``(3 - x)(x^2 + 2)^2``, not a quintic), with its numerator as it comes or expanded.
    Expanding must save a fifth of the length to be chosen: a product of sums such as
    ``(x + 1)(x^2 + 2x + 3)`` stays factored unless multiplying out collapses it (the
    quotient rule's ``2x (x^2 + 1) - 2x^3`` is ``2x``). Cancelling common factors of numerator
    and denominator (``(x - 2)/(2 - x)``) must save a few characters to be chosen, since it
    expands both. Without a quotient there is nothing to bring together or cancel, and
    those rewrites are skipped: they cost more than the rest together. Cancelling is tried
    on rational functions only: with exp, log, sin or cos inside, it was the costliest
    rewrite (a third of this function's time on the derivative family) and never the one
    chosen, in 450 variants of every part of the three sheets. Worked out once per process:
    a quarter of the calls repeat an earlier one (a piece's derivative recurs in the next
    variant, the next student).
    """
    factored = _factored(expr)
    candidates = [(factored, 1, 0), (expr, 1, 0)]  # (rewrite, weight of its length, characters added)
    if _fraction_bars(expr):
        numerator, denominator = sympy.fraction(together(expr))
        denominator = factor_terms(denominator)
        factored_numerator = _factored(numerator)
        forms = [(factored_numerator, 1)] + _expanded_forms(numerator, factored_numerator)
        sums = [base for base in (factor.as_base_exp()[0] for factor in sympy.Mul.make_args(denominator)) if base.is_Add]
        candidates += [(_regrouped(form, sums) / denominator, weight, 0) for form, weight in forms]
        if numerator.is_polynomial() and denominator.is_polynomial():
            candidates += [(cancelled, 1, 3) for cancelled in _cancelled(numerator, denominator)]
    else:
        candidates += [(form, weight, 0) for form, weight in _expanded_forms(expr, factored)]
    bars = [_fraction_bars(candidate[0]) for candidate in candidates]
    # Printing is the costly part of judging a candidate: only those with fewest fraction bars are printed.
    plainest = [candidate for candidate, count in zip(candidates, bars) if count == min(bars)]
    return _arguments_as_written(_cheapest(plainest), expr)


def _arguments_as_written(tidied: sympy.Expr, expr: sympy.Expr) -> sympy.Expr:
    """``tidied`` with every function's argument put back as ``expr`` wrote it.

    ``factor_terms`` reaches inside functions (``\\cos(x^2 + x y^2)`` becomes ``\\cos(x (x + y^2))``),
    and the statement would no longer match the solution; tidying is about the terms around
    the functions, never their arguments.
    """
    originals = expr.atoms(sympy.Function)
    moved = [node for node in tidied.atoms(sympy.Function) if node not in originals]
    if not moved:  # almost always: nothing to compare, nothing to expand
        return tidied
    written = {}
    for node in originals:
        written.setdefault((node.func, sympy.expand(node.args[0]) if len(node.args) == 1 else node.args), node)
    changed = {}
    for node in moved:
        key = (node.func, sympy.expand(node.args[0]) if len(node.args) == 1 else node.args)
        original = written.get(key)
        if original is not None and original != node:
            changed[node] = original
    return tidied.xreplace(changed) if changed else tidied


def _cheapest(candidates: list[tuple[sympy.Expr, float, int]]) -> sympy.Expr:
    """The candidate of least cost: printed length, weighted, plus its extra characters; half again if it
    leaves like terms uncollected (``(4 - x) sin x + sin x``), which a teaching assistant would not hand out.

    Looking for like terms multiplies every term out, so it is done in order of the cost without it,
    only until no later candidate could win: most often for the first candidate alone.
    """
    best, best_cost = candidates[0][0], float("inf")
    for expr, weight, extra in sorted(candidates, key=lambda c: _printed_length(c[0]) * c[1] + c[2]):
        cost = _printed_length(expr) * weight + extra
        if cost >= best_cost:
            break
        if any(factor.is_Add and has_like_terms(factor) for factor in sympy.Mul.make_args(sympy.fraction(expr)[0])):
            cost *= UNCOLLECTED
        if cost < best_cost:
            best, best_cost = expr, cost
    return best


UNCOLLECTED = 1.5


EXPANDING = 1.25
"""Weight of the length of a multiplied-out candidate: expanding must save a fifth of the length to be chosen."""


def _expanded_forms(expr: sympy.Expr, factored: sympy.Expr) -> list[tuple[sympy.Expr, float]]:
    """``expr`` multiplied out and factored, given ``factored = factor_terms(expr)`` (most sums come expanded already).

    Multiplying out must collect something, like terms or terms of one function: ``(x^2 + 2)(3x^2 + 2)``
    is not worth ``3x^4 + 8x^2 + 4``. Function applications stay as the statement writes them (``expand_outside``): ``e^{3x - 2}``
    is never split into ``e^{3x}/e^2``. Multiplied out, the terms are also gathered by the
    functions they multiply, as a teaching assistant collects them:
    ``((5 + x - x^2) sin x + (2 + x - x^2) cos x) e^x``, not six terms in a row.
    """
    expanded = expand_outside(expr)
    if expanded == expr:
        return [(factored, 1)]
    if not collects(expr):
        return [(factored, 1)]  # multiplying out a product that collects nothing only hides its factors
    gathered = _gathered(expanded)
    # Gathered by functions, the polynomial coefficients are collected, not multiplied-out products.
    forms = [(_factored(expanded), EXPANDING)] + _factorised(expanded) + _collected_inside(factored)
    return forms + [(_factored(gathered), 1)] if gathered != expanded else forms


def _collected_inside(factored: sympy.Expr) -> list[tuple[sympy.Expr, float]]:
    """The common factor kept in front and the sums beside it multiplied out and gathered, when that
    collects: ``(x + 1)^2 ((2 - x) e^x + 3)``, which multiplying out everything would lose."""
    sums = [factor for factor in sympy.Mul.make_args(factored) if factor.is_Add and collects(factor)]
    if not factored.is_Mul or not sums:
        return []
    collected = {total: _factored(_gathered(expand_outside(total))) for total in sums}
    return [(factored.xreplace(collected), 1)]


def _factorised(polynomial: sympy.Expr) -> list[tuple[sympy.Expr, float]]:
    """A multiplied-out polynomial as SymPy factors it over the integers, if that is a product of
    lower-degree polynomials no longer than the polynomial: ``(x^2 + 2x + 3)(15x^2 + 14x + 5)``
    reads better than the quartic it multiplies out to. Weighted to win a tie against the expanded form.
    """
    if not polynomial.is_Add or len(polynomial.args) < 3 or not polynomial.is_polynomial():
        return []
    factored = sympy.factor(polynomial)
    sums = [factor for factor in sympy.Mul.make_args(factored) if factor.as_base_exp()[0].is_Add]
    if not sums or factored.is_Add or _printed_length(factored) > _printed_length(_factored(polynomial)):
        return []
    return [(factored, 0.99)]


def _regrouped(expr: sympy.Expr, sums: list[sympy.Expr]) -> sympy.Expr:
    """``expr`` with each multiple of one of ``sums`` among the terms of a sum written as that multiple.

    Bringing a quotient over one denominator multiplies ``-2 (cos x + 2)`` out into ``-2 cos x - 4``;
    the sum stands below the bar and a teaching assistant keeps it whole above it. Function
    arguments are left as they are.
    """
    if not sums or not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return expr
    args = [_regrouped(arg, sums) for arg in expr.args]
    if not expr.is_Add:
        return expr if args == list(expr.args) else expr.func(*args)
    for whole in sums:
        multiple = _multiple_among(args, whole)
        # Never beside a polynomial term, which the multiple's number would then collect with (x + 2(e^x + 1)).
        if multiple is not None and not any(term.is_polynomial() for term in args if term not in multiple[1]):
            kept = [term for term in args if term not in multiple[1]]
            return sympy.Add(*kept, _keep_coeff(multiple[0], whole), evaluate=False)
    return expr if args == list(expr.args) else sympy.Add(*args)


def _multiple_among(terms: list[sympy.Expr], whole: sympy.Expr) -> tuple[sympy.Expr, list[sympy.Expr]] | None:
    """A number c != 1 and the terms that add up to c times ``whole`` (all of whose terms they include), if any;
    never all the terms, which ``factor_terms`` already takes care of."""
    by_part = {term.as_coeff_Mul()[1]: term for term in terms}
    parts = [term.as_coeff_Mul() for term in whole.args]
    first = by_part.get(parts[0][1])
    if first is None or len(parts) >= len(terms):
        return None
    multiple = first.as_coeff_Mul()[0] / parts[0][0]
    matched = [by_part.get(part) for _, part in parts]
    if multiple == 1 or any(term is None or term != multiple * coefficient * part for term, (coefficient, part) in zip(matched, parts)):
        return None
    return multiple, matched


def _gathered(expanded: sympy.Expr) -> sympy.Expr:
    """The terms of a sum grouped by their product of function applications, each group's coefficients added."""
    applications = [node for node in expanded.atoms(sympy.Function)]
    if not expanded.is_Add or not applications:
        return expanded
    groups: dict[sympy.Expr, sympy.Expr] = {}
    for term in expanded.args:
        coefficient, functions = term.as_independent(*applications, as_Add=False)
        groups[functions] = groups.get(functions, sympy.Integer(0)) + coefficient
    return sympy.Add(*(coefficient * functions for functions, coefficient in groups.items()))


def _cancelled(numerator: sympy.Expr, denominator: sympy.Expr) -> list[sympy.Expr]:
    """numerator / denominator with their common polynomial factors cancelled, the denominator kept
    factored; nothing if they have none (cancelling would only multiply both out).

    Cancelling the pair ``together`` already gave costs a third of ``cancel`` on the whole expression.
    """
    common = sympy.gcd(numerator, denominator)
    if not common.free_symbols:
        return []
    coefficient, top, bottom = sympy.cancel((numerator, denominator))
    return [coefficient * _factored(top) / sympy.factor(bottom)]


@lru_cache(maxsize=8192)
def _factored(expr: sympy.Expr) -> sympy.Expr:
    """``factor_terms`` until nothing more comes out: ``2x (6x^2 + 4)`` is ``4x (3x^2 + 2)``.

    Remembered per process: ``presentable`` factors the same sums as several candidates. When the
    first pass changes nothing, the second would not either, and is skipped.
    """
    factored = factor_terms(expr)
    if factored == expr:
        return factored
    again = factor_terms(factored)
    return factored if again == factored else again


@lru_cache(maxsize=8192)
def _printed_length(expr: sympy.Expr) -> int:
    """Characters of ``expr`` as text, a whole-number factor in front not counted. Remembered per
    process: ``_cheapest`` sorts by it and then weighs the same candidates again."""
    coefficient, rest = expr.as_coeff_Mul()
    return len(text(rest if coefficient.is_Integer and abs(coefficient) != 1 else expr))


@lru_cache(maxsize=8192)
def _fraction_bars(expr: sympy.Basic) -> int:
    """How many fraction bars an expression prints with: nested fractions read badly.

    A product prints as one fraction however many factors stand below its bar
    (``x / ((3 - x)(x^2 + 2)^2)`` has one bar); a fraction inside a numerator, a
    denominator or a function argument is one more. Remembered per process: every candidate of
    ``presentable`` is counted, and their pieces recur.
    """
    if expr.is_Pow and expr.exp.is_negative:
        return 1 + _fraction_bars(expr.base)
    if expr.is_Mul:
        inner = sum(_fraction_bars(factor) for factor in expr.args)
        below = sum(1 for factor in expr.args if factor.is_Pow and factor.exp.is_negative)
        return inner - below + (1 if below else 0)  # the factors below share one bar
    return sum(_fraction_bars(arg) for arg in expr.args)


COORDINATES = sympy.symbols("x y z", real=True)
"""The variables of the multivariate families, as the sheets name them for n <= 3."""

MAX_POWER = 4


def coordinates(n: int) -> tuple[sympy.Symbol, ...]:
    """``(x, y)`` or ``(x, y, z)``."""
    return COORDINATES[:n]


def indexed_coordinates(n: int) -> tuple[sympy.Symbol, ...]:
    """``(x_1, ..., x_n)``: the components of a vector ``x`` in R^n."""
    return tuple(sympy.Symbol(f"x_{i}", real=True) for i in range(1, n + 1))


def smooth_function(rng: random.Random, variables: Sequence[sympy.Symbol], level: int = 1) -> sympy.Expr:
    """A random smooth f involving every one of ``variables`` (1 to 3 symbols).

    Level 1 needs one differentiation rule per partial (``e^{xy}``,
    ``x^2 e^y``, ``x / (1 + y^2)``, ``x^3 y + e^{xy}``); level 2 nests a
    second one (``e^{-y} sin(e^x)``, ``sin(x e^y)``). Logs and denominators
    are of expressions positive on all of R^n, so f is smooth everywhere.
    """
    variables = list(variables)
    if level == 1:
        shape = rng.choice(["chain", "chain", "product", "quotient", "sum", "polynomial"])
        return _LEVEL_ONE[shape](rng, variables)
    shape = rng.choice(["outer-times-factor", "nested", "product"] if len(variables) > 1 else ["nested", "product"])
    if shape == "outer-times-factor":
        factor_variable = rng.choice(variables)
        rest = [v for v in variables if v != factor_variable]
        outer = _outer(rng, _nonlinear_inner(rng, rest))
        return _factor(rng, factor_variable, outer) * outer
    if shape == "nested":
        return _outer(rng, _LEVEL_ONE[rng.choice(["chain", "product", "polynomial"])](rng, variables))
    outer = _chain(rng, variables)
    return _factor(rng, rng.choice(variables), outer) * outer


def smooth_function_of_some(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """A level-1 ``smooth_function`` of a random non-empty subset of ``variables``, most often two of them.

    For the components of vector-valued functions, which need not each involve every variable.
    """
    size = min(len(variables), rng.choice([1, 2, 2, 3]))
    chosen = set(rng.sample(list(variables), size))
    return smooth_function(rng, [v for v in variables if v in chosen], 1)


LINE_WIDTH = 66
"""Characters (as ``printed_width`` counts them) a line of worked steps may take: its widest step
plus its reason column. ``printed_width`` is rough (fractions, exponents): of 3,000 compiled level-3
derivatives, a few lines counted 69 or 70 ran up to 15 pt into the margin; none counted 66 or less
(reasons measured as the steps macro measures them, ``visible_length``)."""
REASON_BOX = 18
"""The column of a reason showing more than ``LONG_REASON`` characters: the steps macro sets it in a 3.8 cm box."""
LONG_REASON = 30


def worked_width(worked: "Worked") -> int:
    """How wide a worked derivative's lines are, pieces included: its widest step beside its widest reason.

    The steps stand in one ``align*``, so every line is as wide as the widest step and the widest reason.
    """
    steps = [step for piece in worked.pieces for step in piece.derivative.steps] + list(worked.derivative.steps)
    reason = max(visible_length(step.why) for step in steps)
    column = REASON_BOX if reason > LONG_REASON else math.ceil(0.7 * reason)
    return max(printed_width(step.expr) for step in steps) + column


def structure(expr: sympy.Basic) -> object:
    """``expr`` with every number forgotten: ``x cos x / (2x^2 + 1)`` and ``x cos x / (x^2 + 3)`` are alike.

    Two functions of one part with the same structure ask the same question twice. A sum or
    product left with one operand once its numbers are gone is that operand (``2x^2`` is ``x^2``).
    """
    if expr.is_number:
        return "c"
    if expr.is_Atom:
        return str(expr)
    children = [structure(arg) for arg in expr.args if not arg.is_number]
    if isinstance(expr, (sympy.Add, sympy.Mul)):
        if len(children) == 1:
            return children[0]
        return (type(expr).__name__, tuple(sorted(children, key=repr)))
    return (type(expr).__name__, tuple(children))


_POLYNOMIAL = sympy.Symbol("P")
"""Stands for every polynomial factor in a ``skeleton``."""


def skeleton(expr: sympy.Expr, x: sympy.Symbol) -> object:
    """The ``structure`` of ``expr`` with each polynomial factor above or below its bar one placeholder.

    ``e^x cos x / (4 - x)`` and ``e^x cos x / (3x^2 + 1)`` differ only in a polynomial: their
    numerators, the pieces named and the rules applied are the same, and a teaching assistant
    sees the same exercise twice.
    """
    factors = []
    for factor in sympy.Mul.make_args(expr):
        base, exponent = factor.as_base_exp()
        if base.has(x) and base.is_polynomial(x):
            factor = _POLYNOMIAL ** sympy.sign(exponent)
        factors.append(factor)
    return structure(sympy.Mul(*factors))


@lru_cache(maxsize=8192)
def readable(expr: sympy.Expr, max_width: int) -> bool:
    """Typesets within ``max_width`` characters (see ``printed_width``) and keeps integer powers small.

    SymPy merges ``x^2 * x^3`` into ``x^5``; such merges are rejected rather than printed.
    Remembered per process: sampling asks about the same components and partials again.
    """
    powers = [node.exp for node in sympy.preorder_traversal(expr) if node.is_Pow and node.exp.is_Integer]
    return printed_width(expr) <= max_width and all(abs(power) <= MAX_POWER for power in powers)


_INVISIBLE = re.compile(r"\\[,;!]|[{}\s]")
_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_NAMED_FUNCTIONS = frozenset({"sin", "cos", "tan", "log", "exp"})


def printed_width(expr: sympy.Expr) -> int:
    """Roughly how many characters wide ``expr`` typesets.

    Raw LaTeX length overstates trigonometric terms threefold (``\\sin{\\left(x \\right)}``)
    and counts both halves of a fraction, which would bias every length limit against them.
    """
    return _width(tex(expr)) if isinstance(expr, sympy.MatrixBase) else _expression_width(expr)


@lru_cache(maxsize=8192)
def _expression_width(expr: sympy.Expr) -> int:
    """``printed_width`` of an expression, remembered per process: half the widths sampling asks for
    are asked again. (A matrix subclass may print more than its entries, so matrices are not remembered.)"""
    return _width(tex(expr))


def matrix_width(matrix: sympy.MatrixBase) -> int:
    """Roughly how many characters wide a bracketed matrix typesets: its widest entries plus column gaps."""
    columns = [max(printed_width(entry) for entry in matrix.col(j)) for j in range(matrix.cols)]
    return sum(columns) + 3 * (matrix.cols - 1)


def _width(tex: str) -> int:
    """Width of LaTeX ``tex``: a fraction is as wide as its wider half; braces and sizing commands are invisible."""
    start = tex.find(r"\frac{")
    if start < 0:
        text = _COMMAND.sub(lambda m: m.group(1) if m.group(1) in _NAMED_FUNCTIONS else "", tex)
        return len(_INVISIBLE.sub("", text))
    numerator_end = _closing_brace(tex, start + len(r"\frac"))
    denominator_end = _closing_brace(tex, numerator_end + 1)
    numerator = tex[start + len(r"\frac{") : numerator_end]
    denominator = tex[numerator_end + 2 : denominator_end]
    return _width(tex[:start]) + max(_width(numerator), _width(denominator)) + _width(tex[denominator_end + 1 :])


def _closing_brace(tex: str, opening: int) -> int:
    """Index of the brace that closes the one at ``opening``."""
    depth = 0
    for index in range(opening, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[index], 0)
        if depth == 0:
            return index
    raise ValueError(f"unbalanced braces in {tex!r}")


@lru_cache(maxsize=8192)
def derivative(f: sympy.Expr, v: sympy.Symbol) -> sympy.Expr:
    """``sympy.diff(f, v)``, the very same expression, worked out once per process and faster.

    A quarter of all differentiation repeated an earlier call: a piece's table derivative
    is looked at twice, and pieces, partials and radial profiles recur across variants.
    """
    if isinstance(f, sympy.Expr) and not isinstance(f, sympy.MatrixBase) and v.is_Symbol:
        return _differentiated(f, v)
    return sympy.diff(f, v)


def _has_own_rule(kind: type) -> bool:
    """A function SymPy differentiates by the chain rule with the function's own derivative ``fdiff``."""
    return kind._eval_derivative is sympy.Function._eval_derivative and kind.fdiff is not sympy.Function.fdiff


@lru_cache(maxsize=8192)
def _differentiated(f: sympy.Expr, v: sympy.Symbol) -> sympy.Expr:
    """SymPy's own sum, product, power and function rules, built with the same operations.

    ``sympy.diff`` wraps every rule application in ``Derivative(...)``, which sympifies
    its arguments, asks whether each intermediate result is zero and walks it for
    unevaluated derivatives: four fifths of its time on the sheets' functions. The
    rules below are those of ``Add``, ``Mul``, ``Pow`` and ``Function._eval_derivative``,
    applied in the same order to the same operands, so the result is identical
    (tests/test_calculus.py compares the two); anything else goes to ``sympy.diff``.
    Remembered per process for every sub-expression: a piece recurs inside other functions.
    """
    if f == v:
        return sympy.S.One
    if not f.has_free(v):
        return sympy.S.Zero
    kind = type(f)
    if kind is sympy.Add:
        return sympy.Add(*[_differentiated(term, v) for term in f.args])
    if kind is sympy.Mul:
        factors = f.args
        return sympy.Add(
            *[
                sympy.Mul(*factors[:i], _differentiated(factors[i], v), *factors[i + 1 :])
                for i in range(len(factors))
            ]
        )
    if kind is sympy.Pow:
        base, exponent = f.args
        through_exponent = _differentiated(exponent, v)
        through_base = _differentiated(base, v) * exponent / base
        if through_exponent is sympy.S.Zero:
            # A constant power: log(base) would only be multiplied by 0, and building it asks
            # whether base is negative, which SymPy answers by differentiating it (2% of a class).
            return f * through_base
        return f * (through_exponent * sympy.log(base) + through_base)
    if isinstance(f, sympy.Function) and _has_own_rule(kind) and len(f.args) == 1:
        inner = _differentiated(f.args[0], v)
        return sympy.S.Zero if inner.is_zero else f.fdiff(1) * inner
    return sympy.diff(f, v)


@lru_cache(maxsize=8192)
def tidy_derivative(f: sympy.Expr, v: sympy.Symbol) -> sympy.Expr:
    """``presentable(df/dv)``, worked out once per process.

    Samplers judge candidates by their tidied derivatives, the worked solution ends on the
    same ones, and pieces such as e^{2x} recur across variants and students.
    """
    return presentable(derivative(f, v))


def partial_derivatives(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> tuple[sympy.Expr, ...]:
    """Every first partial of ``f``, each tidied for printing."""
    return tuple(tidy_derivative(f, v) for v in variables)


PARTIALS_PREAMBLE = (r"\usepackage{mathtools}",)
"""For ``\\shortintertext``, which names the parts of a worked partial (macro ``partial``, gradient template)."""


@lru_cache(maxsize=1024)
def worked_partial(f: sympy.Expr, v: sympy.Symbol) -> "Worked":
    """df/dv worked rule by rule (``generator.kit.differentiation``), as a partial is written by hand.

    A factor free of ``v`` is set aside first and carried through the rule step,
    so that the rule acts on the part that varies: in ``e^{-y} sin(e^x)`` the
    chain rule acts on ``sin(e^x)`` with ``u = e^x``, and ``e^{-y}`` is not named.
    Steps that differ only in the order of their factors are shown once. The
    result is the entry of ``partial_derivatives``.
    """
    # generator.kit.differentiation tidies with ``presentable`` from this module: imported here, not at the top.
    from generator.kit.differentiation import (
        Piece,
        Worked,
        constant_in,
        differentiate,
        rules_needed,
        tidied,
        written_product,
    )

    if not f.has(v):
        return Worked((), chain(Step(sympy.Integer(0), constant_in(v))), ())
    constant, varying = f.as_independent(v, as_Add=False)
    if constant == 1 or not rules_needed(f, v):
        worked = differentiate(f, v)
        steps = worked.derivative.steps
    else:
        worked = differentiate(varying, v)
        rule = worked.derivative.steps[0]
        carried = written_product(constant, rule.expr)
        steps = (Step(carried, rule.why), tidied(carried, tidy_derivative(f, v)))
    pieces = tuple(Piece(piece.name, piece.expr, worked_chain(*piece.derivative.steps)) for piece in worked.pieces)
    return Worked(pieces, worked_chain(*steps), worked.rules)


def rules_difficulty(worked: Iterable["Worked"]) -> float:
    """Difficulty of a set of worked partials: one point per rule applied (sum rule free), a quarter per partial.

    Counting printed steps instead would rate a partial by how much SymPy's tidying
    reorders it; the rules are what a student has to get right.
    """
    return sum(len([rule for rule in w.rules if rule != "sum"]) + 0.25 for w in worked)


def _coefficient(rng: random.Random) -> int:
    return rng.choice([1, 1, 1, 2, 3, -1, -2])


def _monomial(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """c x^a y^b ... over exactly ``variables``, total degree at most 3."""
    powers = [1] * len(variables)
    if len(variables) < 3 and rng.random() < 0.6:
        powers[rng.randrange(len(variables))] += 1
    if len(variables) == 1 and rng.random() < 0.5:
        powers[0] += 1
    return _coefficient(rng) * sympy.Mul(*(v**k for v, k in zip(variables, powers)))


def _inner(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """The argument of an outer function: ``xy``, ``x + 2y``, ``x - y^2``, ``e^x``, ``2x`` ..."""
    if len(variables) == 1:
        v = variables[0]
        return rng.choice([v**2, _coefficient(rng) * v, sympy.exp(v), sympy.exp(-v), v**2 + v, 2 * v])
    shape = rng.choice(["monomial", "linear", "mixed"])
    if shape == "monomial":
        return _monomial(rng, variables)
    if shape == "linear":
        return sympy.Add(*(_coefficient(rng) * v for v in variables))
    first, *rest = rng.sample(list(variables), len(variables))
    return first + _coefficient(rng) * sympy.Mul(*rest) ** rng.choice([1, 2])


def _positive(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """An expression of exactly ``variables`` that is at least 1 everywhere: safe under log and as a denominator."""
    shape = rng.choice(["squares", "squares", "exp"] if len(variables) == 1 else ["squares", "product"])
    if shape == "squares":
        return 1 + sympy.Add(*(rng.choice([1, 1, 2]) * v**2 for v in variables))
    if shape == "exp":
        return 1 + sympy.exp(rng.choice([1, 2]) * variables[0])
    return 1 + sympy.Mul(*variables) ** 2


def _elementary(rng: random.Random, v: sympy.Symbol) -> sympy.Expr:
    """A one-variable piece whose derivative is in the table: ``x^2``, ``e^{-x}``, ``sin x`` ..."""
    return rng.choice([v, v**2, v**3, sympy.exp(v), sympy.exp(-v), sympy.exp(2 * v), sympy.sin(v), sympy.cos(v)])


def _outer(rng: random.Random, inner: sympy.Expr) -> sympy.Expr:
    """exp, sin or cos of ``inner``; not exp around an exp or a log, which SymPy merges or prints as e^{e^{...}}."""
    if inner.has(sympy.exp, sympy.log):
        return rng.choice([sympy.sin, sympy.cos])(inner)
    return rng.choice([sympy.exp, sympy.sin, sympy.cos])(inner)


def _nonlinear_inner(rng: random.Random, variables: Sequence[sympy.Symbol]) -> sympy.Expr:
    """An inner function that makes a second chain rule necessary: ``e^x``, ``x^2``, ``xy`` ..."""
    if len(variables) == 1:
        v = variables[0]
        return rng.choice([v**2, sympy.exp(v), sympy.exp(-v), v**2 + v])
    return _monomial(rng, variables)


def _factor(rng: random.Random, v: sympy.Symbol, other: sympy.Expr) -> sympy.Expr:
    """An elementary factor in ``v`` for a product with ``other``; no second exponential."""
    pieces = [v, v**2, sympy.sin(v), sympy.cos(v)]
    if not other.has(sympy.exp):
        pieces += [sympy.exp(v), sympy.exp(-v)]
    return rng.choice(pieces)


def _chain(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    if rng.random() < 0.2:
        return sympy.log(_positive(rng, variables))
    return _outer(rng, _inner(rng, variables))


def _product(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    if len(variables) == 1:
        return variables[0] ** rng.randint(1, 2) * rng.choice([sympy.exp, sympy.sin, sympy.cos])(variables[0])
    product = _elementary(rng, variables[0])
    for v in variables[1:]:
        product *= _factor(rng, v, product)
    return product


def _quotient(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    if len(variables) == 1:
        return _elementary(rng, variables[0]) / _positive(rng, variables)
    top, bottom = _split(rng, variables)
    numerator = _monomial(rng, top) if rng.random() < 0.5 else _product(rng, top)
    return numerator / _positive(rng, bottom)


def _sum(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    if len(variables) == 1:
        return _monomial(rng, variables) + _outer(rng, _inner(rng, variables))
    first, second = _split(rng, variables)
    if rng.random() < 0.5:
        first = variables
    return _monomial(rng, first) + _chain(rng, second)


def _polynomial(rng: random.Random, variables: list[sympy.Symbol]) -> sympy.Expr:
    """Two monomials of different shapes, together involving every variable: ``x^2 y + 3y``."""
    if len(variables) == 1:
        v = variables[0]
        return v ** rng.randint(2, 3) + _coefficient(rng) * v
    return _monomial(rng, variables) + _monomial(rng, rng.choice(_split(rng, variables)))


def _split(rng: random.Random, variables: list[sympy.Symbol]) -> tuple[list[sympy.Symbol], list[sympy.Symbol]]:
    """Two non-empty disjoint groups covering ``variables`` (at least two of them)."""
    shuffled = rng.sample(variables, len(variables))
    cut = rng.randint(1, len(shuffled) - 1)
    return shuffled[:cut], shuffled[cut:]


_LEVEL_ONE = {
    "chain": _chain,
    "product": _product,
    "quotient": _quotient,
    "sum": _sum,
    "polynomial": _polynomial,
}
