"""Tidying a result into the form a teaching assistant hands out, and the derivatives it starts from.

General ``simplify()`` is slow and unpredictable, so a result is tidied with a few targeted
rewrites (``generator.kit.rewrites``) and the cheapest candidate is kept (``presentable``).
``derivative`` is SymPy's derivative, built with SymPy's own rules; ``tidy_derivative`` is its
presentable form, which samplers judge candidates by and worked solutions end on.
"""

import re

import sympy
from sympy.core.mul import _keep_coeff

from generator.kit.printing import tex, text
from generator.kit.rewrites import (
    collects,
    expand,
    expand_outside,
    factor_terms,
    has_like_terms,
    in_sort_order,
    product_sums,
    together,
    uncollected,
)
from generator.speed import remembered

__all__ = ["derivative", "exponentials_merged", "partial_derivatives", "presentable", "tidy_derivative"]


@remembered(maxsize=8192)
def presentable(expr: sympy.Expr, merge: bool = True) -> sympy.Expr:
    """Of a few cheap rewrites of ``expr``, the one with fewest fraction bars, then shortest, its exponentials
    merged where their exponents collect (``exponentials_merged``; ``merge=False``: the form before, which a worked
    derivation reaches first and merges in a step of its own).

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
    on rational functions only: with exp, log, sin or cos inside, it is the costliest rewrite
    and was never the one chosen (docs/performance.md has the survey). A sum whose quotient terms are
    not one fraction each (``e^{-x}`` below a bar) is also tried with each such term tidied on its own
    (``_terms_tidied``): a worked rule puts the parts' tidy derivatives together, and its result is
    never tidied into a longer form that undoes a part's step. A perfect square beside other
    factors is written as the square (``squares_written``), before exponentials are merged. Worked out once per
    process: a piece's derivative recurs in the next variant and the next student.
    """
    chosen = _chosen(expr)
    return exponentials_merged(squares_written(chosen, expr)) if merge else chosen


@remembered(maxsize=8192)
def _chosen(expr: sympy.Expr) -> sympy.Expr:
    """``presentable`` before exponentials are merged."""
    factored = _factored(expr)
    # (rewrite, weight of its length, characters added)
    candidates = [(_tidy_sums(factored), _tidying_weight(factored), 0), (_tidy_sums(expr), _tidying_weight(expr), 0)]
    if _fraction_bars(expr):
        numerator, denominator = sympy.fraction(together(expr))
        denominator = factor_terms(denominator)
        factored_numerator = _factored(numerator)
        forms = [(factored_numerator, 1)] + _expanded_forms(numerator, factored_numerator)
        sums = [base for base in (factor.as_base_exp()[0] for factor in sympy.Mul.make_args(denominator)) if base.is_Add]
        candidates += [(_regrouped(_tidy_sums(form), sums) / denominator, weight, 0) for form, weight in forms]
        if numerator.is_polynomial() and denominator.is_polynomial():
            candidates += [(cancelled, 1, 3) for cancelled in _cancelled(numerator, denominator)]
        termwise = _terms_tidied(expr)
        if termwise is not None:  # as the first two candidates: a common factor out in front, and the sum as it is
            candidates += [(_tidy_sums(_factored(termwise)), 1, 0), (_tidy_sums(termwise), 1, 0)]
    else:
        candidates += [(_tidy_sums(form), weight, 0) for form, weight in _expanded_forms(expr, factored)]
        apart = _terms_factored(expr)
        if apart is not None:  # (4x - 2)(x^2 - x + 3) sin x + ... as 2 (2x - 1)(x^2 - x + 3) sin x + ..., as the rule wrote it
            # ahead of the sum as SymPy gives it: it wins the tie
            candidates.insert(1, (_tidy_sums(apart), _tidying_weight(apart), 0))
    bars = [_fraction_bars(candidate[0]) for candidate in candidates]
    # Printing is the costly part of judging a candidate: only those with fewest fraction bars are printed.
    plainest = [candidate for candidate, count in zip(candidates, bars) if count == min(bars)]
    return _minus_into_difference(_signs_as_written(_arguments_as_written(_collected(_cheapest(plainest)), expr), expr), expr)


def _collected(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with the terms of one function gathered in each sum of its numerator a hand would still collect,
    where every rewrite left some: ``e^x - 2x e^x + 1`` as ``(1 - 2x) e^x + 1`` (cancelling a quotient rule's
    ``(e^x + 1)`` made it, and no candidate collected it: ``sheets check derivative -o level=2 -o count=6``)."""
    if not _uncollected(expr):
        return expr
    numerator, denominator = sympy.fraction(expr)
    # in SymPy's sort order: collect groups a term with several functions by the first it meets (a set's order follows
    # the hash seed)
    applications = in_sort_order(node for node in numerator.atoms(sympy.Function) if node.free_symbols)
    collected = numerator.replace(
        lambda node: node.is_Add and uncollected(node), lambda total: sympy.collect(total, applications)
    )
    return collected / denominator if not _uncollected(collected) else expr


def _minus_into_difference(expr: sympy.Expr, written: sympy.Expr) -> sympy.Expr:
    """``expr`` with a negative number (not -1) in front turned positive by a difference among its factors that factoring made
    (``written`` has neither it nor its negative): ``-2 (2x - 3)(3x + 1)`` as ``2 (3 - 2x)(3x + 1)``, where the minus sign in
    front was carried through the worked steps for nothing (two TA reads, German 9072, 9092). A sum ``written`` shows keeps
    its sign (``_signs_as_written``)."""
    coefficient, rest = expr.as_coeff_Mul()
    factors = list(sympy.Mul.make_args(rest))
    # -1 alone is no number a hand carries: - e^x (cos x - sin x) stays as the chain rule wrote it, where turning it was a
    # step that only moved the sign; a number times one sum would be multiplied into it
    if not expr.is_Mul or coefficient >= -1 or len(factors) < 2:
        return expr
    kept = set(product_sums(written))
    for index, factor in enumerate(factors):
        negative = [term for term in sympy.Add.make_args(factor) if term.could_extract_minus_sign()]
        if factor.is_Add and len(factor.args) == 2 and len(negative) == 1 and not {factor, -factor} & kept:
            factors[index] = -factor
            return sympy.Mul(-coefficient, *factors)
    return expr


def _terms_factored(expr: sympy.Expr) -> sympy.Expr | None:
    """The sum ``expr`` with a whole number taken out of each term's brackets, ``(4x - 2)(x^2 - x + 3) \\sin x`` as
    ``2 (2x - 1)(x^2 - x + 3) \\sin x``; None if no term changes. SymPy multiplies the chain rule's 2 into the inner
    derivative, and the worked step that multiplied it in read as undoing the rule's line (a TA read, EN 9061)."""
    if not expr.is_Add:
        return None
    terms = [factor_terms(term) if term.is_Mul else term for term in expr.args]
    return sympy.Add(*terms) if terms != list(expr.args) else None


def _terms_tidied(expr: sympy.Expr) -> sympy.Expr | None:
    """The sum ``expr`` with each quotient term that is not one plain fraction yet tidied on its own, as the worked
    rule writes it; None if no term is such. A rule's result puts the parts' tidy derivatives together, and a part's
    ``-e^{-x}/(1 + e^{-x})`` is ``-1/(e^x + 1)`` (numerator and denominator multiplied by ``e^x``): without this
    candidate the whole could only clear ``e^{-x}`` by bringing every term over one bar, and the worked chain ended
    on a step that put ``e^{-x}`` back (a TA read, idl-math-background seed 6601). A term ``together`` leaves as it is
    (``x^2/(2 - x)``) is kept: it is one fraction already."""
    if not expr.is_Add:
        return None
    terms = [_chosen(term) if _fraction_bars(term) and together(term) != term else term for term in expr.args]
    return sympy.Add(*terms) if terms != list(expr.args) else None


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
    for node in in_sort_order(originals):  # the first of two alike, the same in every process
        written.setdefault((node.func, sympy.expand(node.args[0]) if len(node.args) == 1 else node.args), node)
    changed = {}
    for node in moved:
        key = (node.func, sympy.expand(node.args[0]) if len(node.args) == 1 else node.args)
        original = written.get(key)
        if original is not None and original != node:
            changed[node] = original
    return tidied.xreplace(changed) if changed else tidied


def _cheapest(candidates: list[tuple[sympy.Expr, float, int]]) -> sympy.Expr:
    """The candidate of least cost (printed length, weighted, plus its extra characters) among those that
    leave no like terms uncollected, neither like terms (``(4 - x) \\sin x + \\sin x``) nor terms of one
    function (``x \\cos x + 3 \\cos x``, which is ``(x + 3) \\cos x``): a teaching assistant collects them.
    Only if every candidate leaves some is the cheapest of all kept.

    Looking for like terms multiplies every term out, so it is done in order of the cost,
    only until no later candidate could win: most often for the first candidate alone.
    """
    best, best_key = candidates[0][0], (True, float("inf"))
    for expr, weight, extra in sorted(candidates, key=lambda c: _printed_length(c[0]) * c[1] + c[2]):
        cost = _printed_length(expr) * weight + extra
        if not best_key[0] and cost >= best_key[1]:
            break
        key = (_uncollected(expr), cost)
        if key < best_key:
            best, best_key = expr, key
    return best


def _uncollected(expr: sympy.Expr) -> bool:
    """A sum of the numerator of ``expr``, outside function arguments, that a hand would still collect (``uncollected``)."""
    return any(uncollected(total) for total in _sums(sympy.fraction(expr)[0]))


def _sums(expr: sympy.Expr):
    """The sums of ``expr`` outside function arguments, outermost first."""
    if expr.is_Add:
        yield expr
    if expr.is_Add or expr.is_Mul or expr.is_Pow:
        for arg in expr.args:
            yield from _sums(arg)


def _tidy_sums(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with no sum a hand would still work on: polynomial sums with like terms collected
    (``x (x - 1) + 3x - 2`` is ``x^2 + 2x - 2``, as factoring terms may leave it) and no sum multiplied into
    some terms only (``_grouped``)."""
    return _collected_polynomials(_grouped(expr))


def _collected_polynomials(expr: sympy.Expr) -> sympy.Expr:
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return expr
    args = [_collected_polynomials(arg) for arg in expr.args]
    rebuilt = expr if args == list(expr.args) else expr.func(*args)
    if rebuilt.is_Add and rebuilt.is_polynomial() and (has_like_terms(rebuilt) or _products_inside(rebuilt)):
        return expand(rebuilt)
    if rebuilt.is_Add:
        # the polynomial terms of a sum with others, x (3 - x) + 3 beside 3 e^x: -x^2 + 3x + 3 + 3e^x, where "collect
        # like terms" had left x (3 - x) from 3x - x^2 unnamed (a TA read, EN 9562)
        polynomial = [term for term in rebuilt.args if term.is_polynomial()]
        if 1 < len(polynomial) < len(rebuilt.args) and _products_inside(sympy.Add(*polynomial)):
            return sympy.Add(expand(sympy.Add(*polynomial)), *(term for term in rebuilt.args if term not in polynomial))
    return rebuilt


def _tidying_weight(expr: sympy.Expr) -> float:
    """The weight of ``_tidy_sums(expr)``'s length: ``EXPANDING`` where tidying multiplies out a polynomial's products of
    sums, as every other multiplied-out candidate is weighed. At weight 1 the quartic -20x^4 + 48x^3 - ... - 5 beat
    -(2x^2 - 2x + 1)(10x^2 - 14x + 5), which keeps the factor both terms of the product rule shared (a TA read, EN 9614)."""
    return EXPANDING if expr.is_Add and expr.is_polynomial() and _products_inside(expr) else 1


def _products_inside(polynomial: sympy.Add) -> bool:
    """A term of a polynomial sum that is a product with a sum in it (``x (3 - x) + 3``): half multiplied out,
    where a teaching assistant writes the polynomial, ``-x^2 + 3x + 3``."""
    return any(term.is_Mul and any(factor.as_base_exp()[0].is_Add for factor in term.args) for term in polynomial.args)


def _grouped(expr: sympy.Expr) -> sympy.Expr:
    """A sum (or the sums of a product) with a bracketed sum that stands in some of its terms, not all,
    taken out of those: ``(\\cos x + 2)(x \\cos x + \\sin x) + x \\sin^2 x``, never the half-expanded
    ``x (\\cos x + 2) \\cos x + x \\sin^2 x + (\\cos x + 2) \\sin x`` that bringing a quotient over one bar gives.
    """
    if expr.is_Mul:
        factors = [_grouped(factor) if factor.is_Add else factor for factor in expr.args]
        return expr if factors == list(expr.args) else expr.func(*factors)
    if not expr.is_Add:
        return expr
    counts: dict[sympy.Expr, int] = {}
    for term in expr.args:
        for factor in dict.fromkeys(sympy.Mul.make_args(term)):
            if factor.is_Add:
                counts[factor] = counts.get(factor, 0) + 1
    shared = [total for total, count in counts.items() if 2 <= count < len(expr.args)]
    if not shared:
        return expr
    total = max(shared, key=counts.__getitem__)  # the first met of those in most terms
    inside = [term for term in expr.args if total in sympy.Mul.make_args(term)]
    rest = [term for term in expr.args if term not in inside]
    grouped = sympy.Mul(total, _grouped(sympy.Add(*(term / total for term in inside))))
    return sympy.Add(grouped, *rest)


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
    if expanded == expr:  # multiplied out already: what factoring leaves in a bracket may still collect
        return [(factored, 1)] + _collected_inside(factored)
    if not collects(expr):
        return [(factored, 1)]  # multiplying out a product that collects nothing only hides its factors
    gathered = _gathered(expanded)
    # Gathered by functions, the polynomial coefficients are collected, not multiplied-out products.
    forms = [(_factored(expanded), EXPANDING)] + _factorised(expanded) + _collected_inside(factored)
    if gathered == expanded:
        return forms
    return forms + [(_factored(gathered), 1)] + [(_factored(form), 1) for form in _coefficients_factorised(gathered, expr)]


def _coefficients_factorised(gathered: sympy.Expr, written: sympy.Expr) -> list[sympy.Expr]:
    """Terms gathered by functions with each polynomial coefficient that is a product of sums ``written`` has kept
    as that product, signed as there: ``(4 - x)(x^2 + 1) \\cos x + (3x^2 - 8x + 1) \\sin x`` keeps the product the
    quotient rule brought, where the gathered form multiplies it out into a cubic. A factorisation the working never
    showed (``x^2 - 2x + 1`` as ``(x - 1)^2``) is not taken: no step could name it. Nothing if no coefficient is such."""
    sums = set(product_sums(written))
    terms, changed = [], False
    for term in sympy.Add.make_args(gathered):
        coefficient, functions = term.as_independent(*gathered.atoms(sympy.Function), as_Add=False)
        factored = _factorised(coefficient)
        signed = _signed_as(factored[0][0], sums) if factored else None
        terms.append(term if signed is None else sympy.Mul(*signed, functions))  # one Mul: -1 (4 - x) stays unopened
        changed = changed or signed is not None
    return [sympy.Add(*terms)] if changed else []


def _signed_as(product: sympy.Expr, sums: set[sympy.Expr]) -> list[sympy.Expr] | None:
    """The factors of ``product``, a number first, each sum written as in ``sums`` (``x - 4`` as ``-1, 4 - x``),
    or None if one is there in neither sign."""
    number, factors, unknown = _turned(sympy.Mul.make_args(product), sums)
    return None if unknown else [number, *factors]


def _turned(factors: tuple[sympy.Expr, ...], sums: set[sympy.Expr]) -> tuple[sympy.Expr, list[sympy.Expr], bool]:
    """The sign the factors of a product give up and the factors, each sum that ``sums`` has only with the opposite
    sign (to a whole power) turned to it: ``-1`` and ``4 - x`` for ``x - 4``; and whether a sum is there in neither."""
    number, turned, unknown = sympy.Integer(1), [], False
    for factor in factors:
        base, exponent = factor.as_base_exp()
        if base.is_Add and base not in sums:
            if -base in sums and exponent.is_Integer:
                number, factor = number * (-1) ** exponent, (-base) ** exponent
            else:
                unknown = True
        turned.append(factor)
    return number, turned, unknown


def _signs_as_written(expr: sympy.Expr, written: sympy.Expr) -> sympy.Expr:
    """``expr`` with each bracketed sum of a product that ``written`` shows only with the opposite sign written as
    there, the minus sign in front: ``3 \\log(1 + e^{-2x}) - 2(3x - 1)/(e^{2x} + 1)`` keeps the statement's ``3x - 1``,
    where factoring would write ``2(1 - 3x)``, and the worked chain then ended on a step that only moved the sign
    into the bracket and reordered the terms (a TA read, idl-math-background DE 6612, 1.3(a)). Function arguments
    are left as they are."""
    sums = set(product_sums(written))
    return _sums_signed(expr, sums) if sums else expr


def _sums_signed(expr: sympy.Expr, sums: set[sympy.Expr]) -> sympy.Expr:
    """``_signs_as_written`` with the written sums found: each product rebuilt only where a sum turned."""
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return expr
    args = [_sums_signed(arg, sums) for arg in expr.args]
    if not expr.is_Mul:
        return expr if args == list(expr.args) else expr.func(*args)
    number, factors, _ = _turned(tuple(args), sums)
    if number == 1 and factors == list(expr.args):
        return expr
    numbers = [factor for factor in factors if factor.is_Number]
    rest = sympy.Mul(*(factor for factor in factors if not factor.is_Number))
    return _keep_coeff(sympy.Mul(number, *numbers), rest, sign=True)  # -2 (3x - 1) stays unopened


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
    """A number c != 1, -1 and the terms that add up to c times ``whole`` (all of whose terms they include), if any;
    never all the terms, which ``factor_terms`` already takes care of. ``\\sin x - (\\cos x + 2)`` is no multiple
    kept whole but a bracket left to open: ``\\sin x - \\cos x - 2``."""
    by_part = {term.as_coeff_Mul()[1]: term for term in terms}
    parts = [term.as_coeff_Mul() for term in whole.args]
    first = by_part.get(parts[0][1])
    if first is None or len(parts) >= len(terms):
        return None
    multiple = first.as_coeff_Mul()[0] / parts[0][0]
    matched = [by_part.get(part) for _, part in parts]
    if abs(multiple) == 1 or any(term is None or term != multiple * coefficient * part for term, (coefficient, part) in zip(matched, parts)):
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


@remembered(maxsize=8192)
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


@remembered(maxsize=8192)
def _printed_length(expr: sympy.Expr) -> int:
    """Characters of ``expr`` as text, a whole-number factor in front not counted, neither of the whole nor of
    a term of a sum that brackets a sum: ``2 (x - 2)(3x - 1) cos x`` is as short as ``(x - 2)(6x - 2) cos x``,
    and wins the tie (a worked step that took the 2 out again read as undoing the step before). Such a factor
    is free only before a bracket that opens with a term: ``2 (-x^2 + 2y)`` costs all its characters against
    ``-2x^2 + 4y``. Remembered per process: ``_cheapest`` sorts by it and then weighs the same candidates again."""
    if _MINUS_IN_BRACKET.search(tex(expr)):  # read off the page: the text printer orders terms otherwise
        return len(text(expr))
    coefficient, rest = expr.as_coeff_Mul()
    whole = rest if coefficient.is_Integer and abs(coefficient) != 1 else expr
    return len(text(whole)) - (sum(map(_free_factor_length, sympy.Add.make_args(whole))) if whole.is_Add else 0)


_MINUS_IN_BRACKET = re.compile(r"(?:^|[\s}])(?:\\left)?\(- ")


def _free_factor_length(term: sympy.Expr) -> int:
    """Characters of a whole-number factor (and its space) in front of a term that brackets a sum, else 0."""
    coefficient, rest = term.as_coeff_Mul()
    if not coefficient.is_Integer or abs(coefficient) == 1 or not any(factor.as_base_exp()[0].is_Add for factor in sympy.Mul.make_args(rest)):
        return 0
    return len(str(abs(coefficient))) + 1


@remembered(maxsize=8192)
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


def squares_written(expr: sympy.Expr, written: sympy.Expr) -> sympy.Expr:
    """``expr``, a product, with a factor that is the square of a two-term sum written as that square:
    ``-e^{-x} (x + 1)^2 / (x^2 + 1)^2``, never ``(x^2 + 2x + 1)`` (a TA read, idl-math-background DE 6612, 1.3(c)).
    Only the one sum of a product that has other factors than numbers, and with no number to take out, so that the
    step that factorises it says just that (``rewrite_name``: "factorise $x^2 + 2x + 1$"); a polynomial alone stays
    multiplied out, as the sum rule gives it. The square's base takes the sign ``written`` gives it, ``(1 - x)^2``
    for a statement's ``1 - x``."""
    if not expr.is_Mul:
        return expr
    sums = [factor for factor in expr.args if factor.is_Add]
    if len(sums) != 1 or all(factor.is_Number for factor in expr.args if factor is not sums[0]):
        return expr
    total = sums[0]
    if len(total.args) < 3 or not total.is_polynomial():
        return expr
    content, factors = sympy.factor_list(total)
    if content != 1 or len(factors) != 1 or factors[0][1] != 2 or len(sympy.Add.make_args(factors[0][0])) != 2:
        return expr
    base, written_sums = factors[0][0], set(product_sums(written))
    if base not in written_sums and -base in written_sums:
        base = -base
    return expr.xreplace({total: base**2})


def exponentials_merged(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with the exponentials of each product that have like terms in their exponents merged into one:
    ``e^x e^{x^2 - x + 3}`` is ``e^{x^2 + 3}``, as a teaching assistant combines them (a TA read found the two side
    by side in a result). Exponentials whose exponents collect nothing stay apart, as SymPy keeps them:
    ``e^x e^{x^2}`` keeps the statement's ``e^{x^2}`` in view, where ``e^{x^2 + x}`` would only hide it."""
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return expr
    args = [exponentials_merged(arg) for arg in expr.args]
    rebuilt = expr if args == list(expr.args) else expr.func(*args)
    if not rebuilt.is_Mul:
        return rebuilt
    powers = [factor for factor in rebuilt.args if isinstance(factor, sympy.exp)]
    if len(powers) < 2:
        return rebuilt
    exponents = [power.args[0] for power in powers]
    merged = expand(sympy.Add(*exponents))
    if len(sympy.Add.make_args(merged)) >= sum(len(sympy.Add.make_args(expand(exponent))) for exponent in exponents):
        return rebuilt
    rest = [factor for factor in rebuilt.args if not isinstance(factor, sympy.exp)]
    return sympy.Mul(*rest, sympy.exp(merged))


@remembered(maxsize=8192)
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


@remembered(maxsize=8192)
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
            # whether base is negative, which SymPy answers by differentiating it.
            return f * through_base
        return f * (through_exponent * sympy.log(base) + through_base)
    if isinstance(f, sympy.Function) and _has_own_rule(kind) and len(f.args) == 1:
        inner = _differentiated(f.args[0], v)
        return sympy.S.Zero if inner.is_zero else f.fdiff(1) * inner
    return sympy.diff(f, v)


@remembered(maxsize=8192)
def tidy_derivative(f: sympy.Expr, v: sympy.Symbol) -> sympy.Expr:
    """``presentable(df/dv)``, worked out once per process.

    Samplers judge candidates by their tidied derivatives, the worked solution ends on the
    same ones, and pieces such as e^{2x} recur across variants and students.
    """
    return presentable(derivative(f, v))


def partial_derivatives(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> tuple[sympy.Expr, ...]:
    """Every first partial of ``f``, each tidied for printing."""
    return tuple(tidy_derivative(f, v) for v in variables)
