"""The rewrites that tidy a derivative, each result worked out once per process, and their names.

Tidying a derivative (``generator.kit.tidying.presentable``) expands and factors
every candidate, and the same expressions come back again and again: a piece's
derivative sits inside the derivative of the function it belongs to, and
pieces such as ``x^2 + 1`` or ``cos(x)`` recur across variants and students.
Many calls repeat an earlier one. ``expand``, ``factor_terms`` and
``together`` are SymPy's own, exactly (tests/test_rewrites.py compares them);
``expand_outside`` multiplies out without touching function arguments.

A worked step says what it does: ``rewrite_name(before, after)`` names the
rewrite that turns one into the other ("common denominator", "cancel $(x + 1)$",
"expand, collect like terms and factor out $4x$"), and ``reordered`` tells a
step that only reorders, which is no step of its own.
"""

from collections.abc import Iterable, Iterator
from functools import reduce

import sympy
from sympy.core.exprtools import Term, gcd_terms
from sympy.core.mul import _keep_coeff

from generator.kit.language import N_, Reason, as_reason, signs_cancelling
from generator.kit.notation import WrittenSum, to_multiply
from generator.kit.printing import bracket, printed_terms, tex
from generator.kit.widths import printed_width
from generator.speed import register, remembered

__all__ = ["COLLECT", "DISTRIBUTE_MINUS", "EXPAND", "GENERIC_NAMES", "MINUS_INTO", "MINUS_INTO_NAMED", "MINUS_INTO_NUMERATOR", "SIGNS_CANCEL", "as_written", "cancel_from_sum_reason", "cancel_reason", "cancelled_on_expanding", "cancelling_number", "evaluated", "expand", "expand_outside", "factor_terms", "function_part", "has_factor", "has_like_terms", "in_sort_order", "listed", "multiplies_out", "powers", "rewrite_name", "rewrite_names", "scaling", "sign_moved", "signs_named", "sum_times", "taken_out", "together", "turned_into", "xreplace_unevaluated"]

MAX_REMEMBERED = 65536
_factored: dict[tuple[type, sympy.Basic], sympy.Basic] = {}
"""``factor_terms`` results by (type, expression), for every sub-expression it has met."""
register(_factored.clear)


@remembered(maxsize=MAX_REMEMBERED)
def expand(expr: sympy.Expr) -> sympy.Expr:
    """``sympy.expand(expr)``; ``expr`` itself when a cheap walk shows there is nothing to multiply out."""
    return expr if _nothing_to_expand(expr) else sympy.expand(expr)


def factor_terms(expr: sympy.Expr) -> sympy.Expr:
    """``sympy.factor_terms(expr)`` with its default options.

    SymPy's version works through every sub-expression afresh on each call; this one
    follows the same steps and keeps each sub-expression's result, so a sum seen
    inside an earlier expression is not factored again.
    """
    if expr.is_Atom:
        return expr
    key = (type(expr), expr)
    factored = _factored.get(key)
    if factored is None:
        if len(_factored) >= MAX_REMEMBERED:
            _factored.clear()
        factored = _factored[key] = _factor_terms_once(expr)
    return factored


def _factor_terms_once(expr: sympy.Expr) -> sympy.Expr:
    """One step of ``sympy.factor_terms`` (sympy/core/exprtools.py, ``do``): its recursion goes through the cache."""
    if expr.is_Pow or expr.is_Function or not hasattr(expr, "args_cnc"):
        args = tuple(factor_terms(arg) for arg in expr.args)
        return expr if args == expr.args else expr.func(*args)
    if isinstance(expr, (sympy.Sum, sympy.Integral)):
        return sympy.factor_terms(expr)
    content, primitive = expr.as_content_primitive()
    if primitive.is_Add:
        terms = [factor_terms(term) for term in sympy.Add.make_args(primitive)]
        # A sign common to all terms, which gcd_terms does not take out.
        if all(term.as_coeff_Mul()[0].extract_multiplicatively(-1) is not None for term in terms):
            content, terms = -content, [-term for term in terms]
        # exp(-(x + 2)) is held aside: gcd_terms would write it exp(-x - 2).
        held = {}
        for index, term in enumerate(terms):
            _, exponent = term.as_base_exp()
            if exponent.is_Mul and exponent != sympy.Mul(*exponent.args):
                terms[index] = sympy.Dummy()
                held[terms[index]] = term
        primitive = _gcd_terms(terms).xreplace(held)
    elif primitive.args:
        primitive = primitive.func(*[factor_terms(arg) for arg in primitive.args])
    return _keep_coeff(content, primitive, clear=False, sign=True)


def _gcd_terms(terms: list[sympy.Expr]) -> sympy.Expr:
    """``gcd_terms`` of the sum of ``terms`` as ``factor_terms`` calls it, without looking for a
    common factor when the terms have none: no letter in all of them, and no common base or number.

    Half the sums ``presentable`` factors have none; for them ``gcd_terms`` comes down to rebuilding
    each term (``Term(t).as_expr()``), and its search for the common factor was most of its cost.
    """
    if len(terms) >= 2 and all(term and term.is_commutative for term in terms):
        if not set.intersection(*(term.free_symbols for term in terms)):
            split = [Term(term) for term in terms]
            if (
                reduce(lambda a, b: a.gcd(b), [term.coeff for term in split]) == 1
                and not set.intersection(*(set(term.numer.factors) for term in split))
                and not set.intersection(*(set(term.denom.factors) for term in split))
            ):
                return sympy.Add(*(term.as_expr() for term in split))
    return gcd_terms(sympy.Add._from_args(terms), isprimitive=True, clear=False, fraction=False)


def xreplace_unevaluated(expr: sympy.Basic, rule: dict) -> sympy.Basic:
    """``expr.xreplace(rule)`` as under SymPy's ``evaluate(False)``: nodes rebuilt around a replacement stay as written.

    The same expression, built without switching SymPy's global ``evaluate`` flag, which
    empties every SymPy cache each time it changes (tests/test_rewrites.py compares).
    """
    replaced = rule.get(expr)
    if replaced is not None:
        return replaced
    if not expr.args:
        return expr
    args = tuple(xreplace_unevaluated(arg, rule) for arg in expr.args)
    return expr if args == expr.args else expr.func(*args, evaluate=False)


@remembered(maxsize=MAX_REMEMBERED)
def together(expr: sympy.Expr) -> sympy.Expr:
    """``sympy.together(expr)``: a rule's result and SymPy's own derivative are often the same sum of
    quotients, brought over one bar both to tidy it and to name the step that does.

    A product or power is rebuilt from its factors' (its base's) results, as SymPy does, each remembered:
    the sums in a quotient's denominator recur from one derivative to the next.
    """
    if expr.is_Mul:
        return expr.func(*(together(arg) for arg in expr.args))
    if expr.is_Pow:
        return expr.func(together(expr.base), expr.exp)
    return sympy.together(expr)


@remembered(maxsize=MAX_REMEMBERED)
def expand_outside(expr: sympy.Expr) -> sympy.Expr:
    """``expand`` of the sums and products around function applications, which stay as written.

    A student multiplies out ``x (x + 1) e^{x^2 + 1}`` and leaves ``e^{x^2 + 1}`` alone; SymPy's
    ``expand`` would also write it ``e e^{x^2}`` and open ``sin(2 (x + 1))``, so that an argument
    no longer matches the statement.
    """
    expanded = expand(expr)
    if expanded is expr:
        return expr
    applications = {node for node in expr.atoms(sympy.Function, sympy.Pow) if _held(node)}
    if {node for node in expanded.atoms(sympy.Function, sympy.Pow) if _held(node)} <= applications:
        return expanded  # every function application and root came through as written: SymPy's own result
    held = {node: sympy.Dummy() for node in applications}
    expanded = expand(expr.xreplace(held))
    return expanded.xreplace({dummy: node for node, dummy in held.items()})


def _nothing_to_expand(expr: sympy.Basic) -> bool:
    """``expand`` would give ``expr`` back: no product with a sum among its factors, no power of a sum
    but one reciprocal alone below the bar, no sum or product in an exponent, no exponential of a sum.

    Half the expressions multiplied out are so already; this walk costs a fraction of ``expand``.
    It says no whenever unsure (any function but sin, cos, tan, exp and the logarithm of a sum).
    """
    if expr.is_Atom:
        return True
    if expr.is_Add:
        return all(_nothing_to_expand(arg) for arg in expr.args)
    if expr.is_Mul:
        if not all(not arg.is_Add and _nothing_to_expand(arg) for arg in expr.args):
            return False
        # A product of sums below the bar would be multiplied out: one reciprocal of a sum, nothing else below.
        reciprocals = sum(arg.is_Pow and arg.base.is_Add for arg in expr.args)
        return not reciprocals or (reciprocals == 1 and sum(map(_maybe_below, expr.args)) == 1)
    if expr.is_Pow:
        if expr.base.is_Add:
            return expr.exp == -1 and _nothing_to_expand(expr.base)
        return expr.base.is_Atom and expr.exp.is_Atom
    if isinstance(expr, sympy.exp):
        return not expr.args[0].is_Add and _nothing_to_expand(expr.args[0])
    if isinstance(expr, sympy.log):
        return expr.args[0].is_Add and _nothing_to_expand(expr.args[0])
    if isinstance(expr, (sympy.sin, sympy.cos, sympy.tan)):
        return _nothing_to_expand(expr.args[0])
    return False


def _maybe_below(factor: sympy.Basic) -> bool:
    """A factor ``sympy.fraction`` may put in the denominator: a fraction, or a power or exponential
    whose exponent is not known to be positive."""
    if factor.is_Rational:
        return not factor.is_Integer
    return (factor.is_Pow or isinstance(factor, sympy.exp)) and not factor.as_base_exp()[1].is_positive


def _held(node: sympy.Basic) -> bool:
    """A function application or a root: what ``expand_outside`` leaves as it is."""
    return isinstance(node, sympy.Function) or (node.is_Pow and not node.exp.is_Integer)


def rewrite_name(before: sympy.Expr, after: sympy.Expr) -> str:
    """What a tidying step does to ``before`` to give ``after``, named as a teaching assistant names it.

    A reader needs the rewrite, not "simplify": "common denominator", "cancel $x^2 + 1$",
    "multiply numerator and denominator by $e^{2x}$", "expand", "collect like terms",
    "factor out $4x$", in the order they are done (``rewrite_names``, one by one), and what became of the minus
    signs it cancels (``signs_named``).
    """
    return signs_named(before, after, listed(list(rewrite_names(before, after))))


@remembered(maxsize=8192)
def rewrite_names(before: sympy.Expr, after: sympy.Expr) -> tuple[Reason, ...]:
    """The rewrites that turn ``before`` into ``after``, in the order they are done; ``EXPAND`` and ``COLLECT``
    among them as themselves, so that a step doing several can be split (``differentiation.rule_and_tidy``).

    Found by comparing the two over one fraction bar: the denominators tell what happened below the bar,
    the numerators what happened above it.
    """
    factorised = _factorised_sum(before, after)
    if factorised is not None:
        return (factorised,)
    plain = evaluated(before)
    names = [cancel_reason(base) for base in _cancelling(before)]
    if negated_sum(before) and after.as_coeff_Mul()[0] > 0:  # -(2y sin u - y^2 cos u) to y(y cos u - 2 sin u)
        # into a sum, -(A + B) as -A - B, the bracket is opened: "distribute" (German "in die Klammer ziehen") read as
        # if one were kept (a TA read, German 9123)
        names.append(OPEN_NEGATED if after.is_Add else DISTRIBUTE_MINUS)
    top, bottom = sympy.fraction(plain, exact=True)
    new_top, new_bottom = sympy.fraction(after, exact=True)
    if not _fraction_in_sum(plain) and _fraction_in_sum(after):
        # (-3 (x^2 + 1)^2 sin u - 2x cos u)/(x^2 + 1)^2 as -2x cos u/(x^2 + 1)^2 - 3 sin u: the fraction is split before a
        # term cancels (a TA read, German 9574: "multiply the factors and cancel (x^2 + 1)^2" hid the split)
        names.insert(0, SPLIT_FRACTION)
    if _fraction_in_sum(plain) and not _fraction_in_sum(after):
        names.append(Reason("common denominator"))
        written = top
        top, bottom = sympy.fraction(together(plain), exact=True)
        top = _spread(top, written)
    below = _below_the_bar(bottom, new_bottom)
    above = _above_the_bar(top, new_top, before, _cancelled_sums(bottom, new_bottom))
    if COLLECT not in above and _collected_as_written(before):
        # like terms as written (3x - 2 + 3x) are collected before anything is taken out of what they make
        above.insert(0, COLLECT)
    if top.is_Add and len(above) == 1 and above[0].startswith("factor out") and below and all(n.startswith("cancel") for n in below):
        # what a sum above the bar shares with the denominator comes out of the sum before it cancels: "factor out
        # 3x^2 and cancel (x^2 + 3)^2" ("cancel ... and factor out ..." named the steps in the wrong order, EN 9464)
        below, above = above, below
    names += below + above
    if not names:
        names += _sign_flips(before, after)
    # -(e^x + 1) + e^x (2 - x) as e^x (1 - x) - 1: the bracket is opened before its terms are collected (a TA read,
    # German 8842, where "collect like terms" alone hid it)
    negated = _negated_sums(before) if names in ([], [COLLECT]) else []
    if negated:  # -(cos x + 2) alone or as a term, above a bar too
        # -(cos x + 2) + A as A - cos x - 2 keeps no bracket to take the sign into (a TA read, German)
        kept = any(evaluated(-total) in product_sums(after) for total in negated)
        opening = OPEN_NEGATED if len(negated) == 1 else OPEN_NEGATED_ALL
        if not names:
            names.append(DISTRIBUTE_MINUS if kept else opening)
            # -(3 - x) - (2 - x) as 2x - 5 also collects -3 - 2 and x + x (a TA read of the same session's dump)
            if not kept and _collects_once_opened(before):
                names.append(COLLECT)
        elif not kept:
            names.insert(0, opening)
    if not names and new_bottom == bottom:  # a factor out of some terms: nothing SymPy collects in -e^x sin x - sin x
        sums = (top, new_top) if top.is_Add else _one_sum_each(top, new_top)
        names += taken_out(list(sympy.Add.make_args(sums[0])), sums[1], before) if sums else []
    if not names and after in (_number_distributed(plain), _number_distributed(before)):  # 2 (3 log(3 - x) - x) as 6 log(3 - x) - 2x
        # before as written too: 3 (3x^2 - 8x + 4) evaluates to 9x^2 - 24x + 12 already ("combine the terms", German 9414)
        names.append(EXPAND)
    if not names and plain == after and any(_number_distributed(term) is not None for term in _flat(before, sympy.Add)):
        # 2y^2 + 1 - 2(x^2 + 1) as 2y^2 - 2x^2 - 1: SymPy multiplies a number into a bracket as it evaluates
        names += [EXPAND, COLLECT] if has_like_terms(before) else [EXPAND]
    # x^2 e^x . 2x, cos x . cos x: factors a rule wrote side by side, multiplied in this step, which says so unless
    # it takes a factor out, expands or multiplies anyway
    multiplying = to_multiply(before)
    if not names:
        names.append(GENERIC_NAMES[0] if plain.is_Mul or multiplying else GENERIC_NAMES[1])
    if names == [COLLECT]:  # 4 - x + x is 4: no like terms gathered, two terms cancel (a TA read)
        pair = _cancelling_pair(before)
        if pair is not None and printed_width(pair) <= MAX_NAMED_WIDTH:
            names = [Reason("${first}$ and ${second}$ cancel", first=tex(pair), second=tex(-pair))]
            # what else the line does once the pair is gone: "-x and x cancel" alone hid the e^x terms collected into
            # e^x (x^2 - 3x + 3) (a TA read, EN 9093)
            rest = _without_pair(before, pair)
            more = [name for name in rewrite_names(rest, after) if name not in GENERIC_NAMES] if _unordered(evaluated(rest)) != _unordered(after) else []
            if more:
                names = [Reason("{cancel}; {more}", cancel=names[0], more=listed(more))]
        elif (part := _collected_function(before)) is not None and printed_width(part) <= MAX_NAMED_WIDTH:
            # -e^{-x} (4 - x) - 1 - e^{-x} as e^{-x} (x - 5) - 1: the terms gathered over e^{-x}, "collect like terms"
            # read as if polynomial terms were added (a TA read, EN 9124)
            names = [Reason("collect the terms in ${part}$", part=tex(part))]
        # 9x sin x + 6 sin x + 3x sin x as 6 (2x + 1) sin x: collected, then 6 taken out of 12x + 6 (a TA read, 8872)
        numbers = _numbers_taken_out(before, after)
        if len(numbers) == 1:
            names.append(Reason("factor out ${factor}$", factor=tex(numbers[0])))
    if multiplying and not any(word in name for name in names for word in ("factor", "expand", "multipl")):
        names.insert(0, GENERIC_NAMES[0])
    return tuple(names)


def _collected_function(expr: sympy.Expr) -> sympy.Expr | None:
    """The one product of function applications (``e^{-x}``, ``\\sin x``) over which terms of a sum are collected: the
    sum ``expr``, or the one sum factor of a product or quotient whose terms collect (``(x^2 + 3)(4x e^x + 4x - e^x
    (x^2 + 3))``, a TA read of EN 9144). ``None`` if the like terms are plain polynomial ones, or more than one sum or
    product of functions collects."""
    factors = _flat_product(expr) if expr.is_Mul else ()
    sums = [expr] if expr.is_Add else [factor.base if factor.is_Pow else factor for factor in factors]
    collected = []
    for total in (total for total in sums if total.is_Add):
        groups: dict[sympy.Expr, int] = {}
        for term in _flat(total, sympy.Add):
            function = function_part(evaluated(term))[1]
            groups[function] = groups.get(function, 0) + 1
        collected += [function for function, count in groups.items() if count > 1]
    return collected[0] if len(collected) == 1 and collected[0] != 1 else None


def _numbers_taken_out(before: sympy.Expr, after: sympy.Expr) -> list[sympy.Expr]:
    """The numbers ``after`` writes in front of a bracketed sum where ``before`` has no such number in front of one:
    ``6`` of ``6 (2x + 1) \\sin x`` where the line before had the terms of ``12x + 6`` apart, but not the ``2`` of
    ``2y^2 (1 - x^2 y^2)`` from ``2y^2 (x^2 y^2 + 1 - 2x^2 y^2)``."""
    in_front = set(_numbers_before_sums(before))
    return [number for number in _numbers_before_sums(after) if abs(number) != 1 and number not in in_front]


def _numbers_before_sums(expr: sympy.Expr) -> Iterator[sympy.Expr]:
    """Each integer in front of a product of ``expr`` with one bracketed sum in it."""
    for node in sympy.preorder_traversal(expr):
        if node.is_Mul:
            number, rest = node.as_coeff_Mul()
            if number.is_Integer and sum(factor.is_Add for factor in sympy.Mul.make_args(rest)) == 1:
                yield number


def _cancelling_pair(expr: sympy.Expr) -> sympy.Expr | None:
    """``t`` for the one sum of ``expr`` (outside function arguments) whose only like terms are ``t`` and ``-t``,
    which cancel (``4 - x + x``), of the two the one the sum prints first; None otherwise. A reason names them in
    the row's order ("4x^2 and -4x^2 cancel" below "... + 4x^2 + x + 2 - 4x^2", a TA read, German 9194)."""
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return None
    found = [pair for arg in expr.args if (pair := _cancelling_pair(arg)) is not None]
    if expr.is_Add:
        terms = [evaluated(term) for term in _flat(expr, sympy.Add)]
        pairs = [term for term in terms if -term in terms and not term.could_extract_minus_sign()]
        gathered = sympy.Add(*terms)  # like terms gathered
        if len(pairs) == 1 and len(gathered.args if gathered.is_Add else [1]) == len(terms) - 2:
            found.append(_printed_first(expr, pairs[0]))
        elif len(gathered.args) < len(terms):
            return None
    return found[0] if len(found) == 1 else None


def _printed_first(total: sympy.Expr, term: sympy.Expr) -> sympy.Expr:
    """Of ``term`` and ``-term``, the one the sum ``total`` prints first."""
    for printed in _printed_flat(total):
        if (value := evaluated(printed)) in (term, -term):
            return value
    return term


def _printed_flat(total: sympy.Expr) -> Iterator[sympy.Expr]:
    """The terms of ``total`` in printed order, a sum written inside it (``2 - x + x``) term by term."""
    for printed in printed_terms(total):
        if printed.is_Add:
            yield from _printed_flat(printed)
        else:
            yield printed


def _without_pair(expr: sympy.Expr, pair: sympy.Expr) -> sympy.Expr:
    """``expr`` with the terms ``pair`` and ``-pair`` struck out of the sum that holds them (``_cancelling_pair``)."""
    for node in sympy.preorder_traversal(expr):
        if node.is_Add:
            terms = list(_flat(node, sympy.Add))
            written = [evaluated(term) for term in terms]
            if pair in written and -pair in written:
                kept = [term for term, value in zip(terms, written) if value not in (pair, -pair)]
                return xreplace_unevaluated(expr, {node: WrittenSum(*kept, evaluate=False) if len(kept) > 1 else kept[0]})
    return expr


def cancelled_on_expanding(expr: sympy.Expr) -> sympy.Expr | None:
    """``t`` when multiplying out the numerator of ``expr`` term by term gives ``t`` and ``-t`` and no other like terms:
    ``2x e^{x^2 + 3} (x^2 + 1) - 2x e^{x^2 + 3}`` gives ``2x^3 e^{x^2 + 3} + 2x e^{x^2 + 3} - 2x e^{x^2 + 3}``, where
    "expand and collect like terms" hid that nothing but a pair cancels (a TA read, German 9011); None otherwise."""
    top = sympy.fraction(expr, exact=True)[0]
    terms = [part for term in _flat(top, sympy.Add) for part in printed_terms(sympy.expand_mul(evaluated(term)))]
    return _cancelling_pair(WrittenSum(*terms, evaluate=False))


def scaling(before: sympy.Expr, after: sympy.Expr) -> sympy.Expr | None:
    """The term ``m`` a step multiplies numerator and denominator by (``e^{2x}`` from ``1 + e^{-x}`` below the bar to
    ``e^x + 1``) when that is what its denominator shows, before anything else it does; None otherwise."""
    plain = evaluated(before)
    if _cancelling(before) or _fraction_in_sum(plain):
        return None
    bottom, new_bottom = sympy.fraction(plain, exact=True)[1], sympy.fraction(after, exact=True)[1]
    if bottom == new_bottom or set(powers(new_bottom)) <= set(powers(bottom)):
        return None
    ratio = _monomial_ratio(bottom, new_bottom)
    return ratio if ratio is not None and sympy.fraction(ratio)[1] == 1 else None


def listed(names: list[Reason]) -> Reason:
    """``a, b and c``, each name and the list itself a message of the catalogue (word order and "and" vary)."""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return Reason("{first} and {last}", first=names[0], last=names[1])
    return Reason("{first}, {then}", first=names[0], then=listed(names[1:]))


def _collected_as_written(expr: sympy.Expr) -> bool:
    """A sum of the step, outside function arguments, whose terms as written combine (``3 - x + x``)."""
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return False
    if expr.is_Add:
        terms = [evaluated(term) for term in _flat(expr, sympy.Add)]
        if len(sympy.Add(*terms).args) < len(terms):
            return True
    return any(_collected_as_written(arg) for arg in expr.args)


def _cancelling(expr: sympy.Expr) -> list[sympy.Expr]:
    """Bases that stand both above and below a fraction bar in one product of a step, outside function arguments."""
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return []
    found = [base for arg in expr.args for base in _cancelling(arg)]
    if expr.is_Mul:
        signs: dict[sympy.Expr, set[bool]] = {}
        for factor in _flat_product(expr):
            base, exponent = factor.as_base_exp()
            if exponent.is_Number:
                signs.setdefault(base, set()).add(bool(exponent > 0))
        found += [base for base, seen in signs.items() if len(seen) == 2 and base not in found]
        number = cancelling_number(expr)
        if number != 1 and number not in found:
            found.append(number)
    return found


def cancelling_number(product: sympy.Mul) -> sympy.Integer:
    """The whole number that divides a number above and one below the bar of one product: ``2`` in
    ``\\frac{1}{2 \\sqrt{s}} \\cdot 2 x_1``, a cancellation where "multiply the factors" would hide it."""
    above, below = sympy.Integer(1), sympy.Integer(1)
    for factor in _flat_product(product):
        if factor.is_Rational:
            above, below = above * abs(factor.p), below * factor.q
        elif factor.is_Pow and factor.exp == -1:
            coefficient = factor.base.as_coeff_Mul()[0]
            if coefficient.is_Integer:
                below *= abs(coefficient)
    return sympy.gcd(above, below)


def _flat_product(expr: sympy.Expr):
    """The factors of a product with products inside it opened up."""
    return _flat(expr, sympy.Mul)


def _flat(expr: sympy.Expr, kind: type):
    for arg in expr.args:
        if isinstance(arg, kind):
            yield from _flat(arg, kind)
        else:
            yield arg


def sign_moved(before: sympy.Expr, after: sympy.Expr) -> bool:
    """``after`` is ``before`` reordered only once a minus sign goes into a bracket (``-2(2x - 1)`` is ``2(1 - 2x)``):
    no step for ``reordered``, but a rule's own result so rewritten turns a sign the reader should see turned."""
    return reordered(before, after) and _unordered(before, signs=False) != _unordered(after, signs=False)


def reordered(before: sympy.Expr, after: sympy.Expr) -> bool:
    """``after`` shows the same factors and terms as ``before``, only in another order: no step of its own.

    A rule's square below the bar, ``((3 - x)^2)^{-1}`` as built, is the ``(3 - x)^{-2}`` it prints as.
    A minus sign taken into the one sum of a product (``-2(2x - 1)`` is ``2(1 - 2x)``) is no step either;
    numbers multiplied together are: in ``-1/(1 + e^{-x})^2 . (-e^{-x})`` the signs cancel.
    """
    return _unordered(before) == _unordered(after)


@remembered(maxsize=MAX_REMEMBERED)
def _unordered(expr: sympy.Basic, signs: bool = True) -> object:
    """A key of ``expr`` that forgets the order of the operands of sums and products (nested ones opened up).

    Remembered per process, for each sub-expression: sorting by ``repr`` prints every operand, and the
    pieces of one derivative's rule form recur in the next.
    """
    if not expr.args:
        return expr
    if expr.is_Pow:
        expr = sympy.Pow(*expr.args)
        if not expr.is_Pow:
            return _unordered(expr, signs)
    if expr.is_Add:
        return ("+", tuple(sorted((_unordered(arg, signs) for arg in _flat(expr, sympy.Add)), key=repr)))
    if expr.is_Mul:
        factors = list(_flat_product(expr))
        sums = [factor for factor in factors if factor.is_Add]
        negative = next((factor for factor in factors if factor.is_Number and factor < 0), None)
        if signs and negative is not None and len(sums) == 1:  # -2(2x - 1) is 2(1 - 2x), as SymPy may write it
            factors[factors.index(sums[0])] = sympy.Add(*(-term for term in sums[0].args))
            factors.remove(negative)
            factors += [-negative] if negative != -1 else []
        return ("*", tuple(sorted((_unordered(arg, signs) for arg in factors), key=repr)))
    return (type(expr).__name__, tuple(_unordered(arg, signs) for arg in expr.args))


@remembered(maxsize=MAX_REMEMBERED)
def evaluated(expr: sympy.Expr) -> sympy.Expr:
    """A worked step (unevaluated products, sums written in order) as SymPy evaluates it; remembered
    per process for each sub-expression, which recur from one step and one variant to the next."""
    if not expr.args:
        return expr
    args = [evaluated(arg) for arg in expr.args]
    kind = sympy.Add if isinstance(expr, sympy.Add) else sympy.Mul if isinstance(expr, sympy.Mul) else expr.func
    return kind(*args)


def _fraction_in_sum(expr: sympy.Expr) -> bool:
    """A sum with a fraction among its terms, outside function arguments: what a common denominator removes."""
    if expr.is_Add and any(sympy.fraction(term, exact=True)[1] != 1 for term in expr.args):
        return True
    return (expr.is_Add or expr.is_Mul or expr.is_Pow) and any(_fraction_in_sum(arg) for arg in expr.args)


def _below_the_bar(bottom: sympy.Expr, new_bottom: sympy.Expr) -> list[str]:
    """"cancel ..." for factors that left the denominator, "multiply numerator and denominator by ..." for new ones."""
    if bottom == new_bottom:
        return []
    old, new = powers(bottom), powers(new_bottom)
    if set(new) <= set(old):
        if all(new[base] <= old[base] for base in new):
            return _cancelled_from(old, new)
        rescaled = _rescaled(old, new)
        if rescaled is not None:
            # (1 + e^{-x})^2 (e^x + 1)^2 to (e^x + 1)^3: times e^{2x}, then one e^x + 1 cancelled ("cancel
            # (1 + e^{-x})^2" named a factor the numerator does not have, TA read German 8942)
            factor, merged = rescaled
            return [_multiplying(factor), *_cancelled_from(merged, new)]
    ratio = _monomial_ratio(bottom, new_bottom)
    if ratio is None:
        return [Reason("write over one denominator")]
    above, below = sympy.fraction(ratio)
    if above == 1:
        return [
            _named(
                Reason("divide numerator and denominator by ${factor}$", factor=_bracketed(below)),
                below,
                Reason("divide numerator and denominator by the same factor"),
            )
        ]
    return [_multiplying(above)]


def _multiplying(factor: sympy.Expr) -> Reason:
    """"multiply numerator and denominator by $e^{2x}$", or by "the same factor" when it is too wide to name."""
    return _named(
        Reason("multiply numerator and denominator by ${factor}$", factor=_bracketed(factor)),
        factor,
        Reason("multiply numerator and denominator by the same factor"),
    )


def _cancelled_from(old: dict[sympy.Expr, sympy.Expr], new: dict[sympy.Expr, sympy.Expr]) -> list[Reason]:
    """"cancel ..." for the powers of ``old`` (a denominator's bases and exponents) that ``new`` no longer has."""
    gone = [base ** (exponent - new.get(base, 0)) for base, exponent in old.items() if exponent > new.get(base, 0)]
    return [cancel_reason(sympy.Mul(*gone))] if gone else []


def _rescaled(old: dict[sympy.Expr, sympy.Expr], new: dict[sympy.Expr, sympy.Expr]) -> tuple[sympy.Expr, dict] | None:
    """The monomial m that turns each sum of ``old`` missing from ``new`` into one of ``new`` (``1 + e^{-x}`` times
    e^x is ``e^x + 1``), raised to its powers, and ``old``'s powers so turned; None unless the step then only cancels
    (``new`` holds no base, nor power of one, that the turned ``old`` does not)."""
    factor, merged = sympy.Integer(1), dict(old)
    for base in [base for base in old if base.is_Add and base not in new]:
        turned = turned_into(base, new)
        if turned is None:
            return None
        target, ratio = turned
        exponent = merged.pop(base)
        factor *= ratio**exponent
        merged[target] = merged.get(target, 0) + exponent
    if factor == 1 or any(new[base] > merged.get(base, 0) for base in new):
        return None
    return sympy.powsimp(factor), merged


def _monomial_ratio(bottom: sympy.Expr, new_bottom: sympy.Expr) -> sympy.Expr | None:
    """The single term m with bottom * m = new_bottom, if there is one, matched factor by factor:
    ``e^{-x/2}`` for ``e^{x/2} + 1`` and ``1 + e^{-x/2}``, ``e^{-2x}`` for their squares."""
    old, new = powers(bottom), powers(new_bottom)
    ratio = sympy.Integer(1)
    for base in in_sort_order(set(old) - set(new)):
        if not base.is_Add:
            ratio /= base ** old.pop(base)
    # in a fixed order, each new sum matched with an old one it is a multiple of, not merely the first of its power:
    # (1 + e^{-2x})^2 (1 + e^{-x})^2 against (e^x + 1)^2 (e^{2x} + 1)^2 matched by the order of a set, which the hash
    # seed decides, and a sheet's worked steps differed from one process to the next (derivative level 3, seed 1023)
    for base in in_sort_order(set(new) - set(old)):
        if base.is_Add:
            matches = (other for other in in_sort_order(old) if other not in new and old[other] == new[base])
            found = next(((other, term) for other in matches if (term := _term_ratio(old[other], other, base)) is not None), None)
            if found is None:
                return None
            ratio *= found[1]
            old.pop(found[0])
        else:
            ratio *= base ** new[base]
    if any(base not in new or new[base] != exponent for base, exponent in old.items()):
        return None
    return sympy.powsimp(ratio)


def in_sort_order(items: Iterable[sympy.Expr]) -> list[sympy.Expr]:
    """``items`` in SymPy's canonical order, the same in every process (a set's order follows the hash seed)."""
    return sorted(items, key=sympy.default_sort_key)


def turned_into(base: sympy.Expr, sums: Iterable[sympy.Expr]) -> tuple[sympy.Expr, sympy.Expr] | None:
    """The sum among ``sums`` that ``base`` becomes times a single term, and that term: ``(e^x + 1, e^x)`` for
    ``1 + e^{-x}``; None if none does."""
    for other in sums:
        ratio = _term_ratio(1, base, other) if base.is_Add and other.is_Add else None
        if ratio is not None:
            return other, ratio
    return None


def _term_ratio(exponent: sympy.Expr, old: sympy.Expr, new: sympy.Expr) -> sympy.Expr | None:
    """m^exponent with old * m = new multiplied out, m the ratio of a term of each sum; None if none is."""
    for term in new.args:
        for other in old.args:
            ratio = sympy.powsimp(term / other)
            if sympy.powsimp(sympy.expand(old * ratio)) == new:
                return ratio**exponent
    return None


def _cancelled_sums(bottom: sympy.Expr, new_bottom: sympy.Expr) -> list[sympy.Expr]:
    """The powers of sums the step cancelled from below the bar, and so from every term above it."""
    ratio = bottom / new_bottom
    return [factor for factor in sympy.Mul.make_args(ratio) if factor.as_base_exp()[0].is_Add and factor.as_base_exp()[1].is_positive]


def _above_the_bar(top: sympy.Expr, new_top: sympy.Expr, before: sympy.Expr, cancelled: list[sympy.Expr] = ()) -> list[str]:
    """"expand", "collect like terms", "factor out ..." for what turned the numerator into the new one.

    Factored out are the number and the factors other than sums in front of the new sum, and
    sums that every term before had (``x + 2`` from ``(x + 2)^2 + 2(x + 1)(x + 2)``). Terms are
    "collected" when the sum before had like terms (once multiplied out) and the new one has none.
    """
    if not top.is_Add:
        inner = _one_sum_each(top, new_top)
        if inner:
            return _above_the_bar(*inner, before)
        inner = _one_sum_each(top, new_top, taken_out=True)
        names = _above_the_bar(*inner, before) if inner else []
        if EXPAND in names or COLLECT in names:  # a factor out of a sum that was multiplied out and collected
            return names
        spread = _spread(top, sympy.Integer(1))
        # e^{4x} (A + B) to 2 e^{2x} (C): what stood in front went into the terms, which were then tidied
        if spread.is_Add and not set(_front(top)) <= set(_front(new_top)):
            return _above_the_bar(spread, new_top, before, cancelled)
        return _inside_factors(top, new_top, before)
    apart = _term_by_term(top, new_top, before)
    if apart:
        return apart
    terms = top.args
    coefficient, rest = new_top.as_coeff_Mul()
    factors = sympy.Mul.make_args(rest)
    # a power of a sum is taken out only if every term shows it: (x + 1)^2 of a factorisation (of x^3 + x + 2 in
    # (x^3 + x + 2)^2 + ...) is neither a common factor nor the sum left inside, but a factorisation (``_factorised_anew``)
    pulled = [f for f in factors if not f.as_base_exp()[0].is_Add or all(has_factor(term, f) for term in terms)]
    sums = [f for f in factors if f not in pulled and f.is_Add]
    inner = sums[0] if len(sums) == 1 else rest if rest.is_Add or not sums else None
    names = []
    expanded = False
    factoring = bool(sums or rest.is_Add) and bool(pulled or abs(coefficient) != 1)
    common = coefficient * sympy.Mul(*pulled)
    if inner is not None and set(sympy.Add.make_args(inner)) == {term / common for term in terms}:
        inner = None  # the terms are the old ones with the common factor divided out: nothing else happened
    if inner is not None:
        multiplied_out = expand_outside(inner) == inner or len(sympy.Add.make_args(inner)) != len(terms)
        kept = set(sympy.Add.make_args(inner))  # a product of sums carried over as it stands is not expanded
        if factoring:  # what is left once the factor is out is multiplied out, unless it stands inside as it was
            products = [_left_over(term, coefficient, [*pulled, *cancelled]) for term in terms]
            expanded = any(_bracketed_product(factors) and not _carried(factors, kept) for factors in products)
        else:
            grouped = {function for coefficient, function in map(function_part, kept) if coefficient.is_Add}
            # what the denominator cancelled is out of every term: -(2x^2 + 1)^2 over (2x^2 + 1)^4 is not multiplied
            # out, it loses a factor; a term carried with its sign turned (a minus taken out) is not multiplied out either
            left_terms = [term / sympy.Mul(*cancelled) for term in terms]
            # (3x + 1) cos x, collected with 3x cos x into (6x + 1) cos x, is not multiplied out
            left = [expand_outside(term) != term and not sum_times(term, grouped) for term in left_terms]
            carried = [term in kept or -term in kept for term in left_terms]
            expanded = multiplied_out and any(unexpanded and not kept_ for unexpanded, kept_ in zip(left, carried))
            # x (3 cos x - (3x + 1) sin x) opened into terms of their own, each function's collected apart
            expanded = expanded or any(_opened(term, kept) and not _carried([term], kept) for term in left_terms)
        if expanded:
            names.append(EXPAND)
        if (has_like_terms(top) and not has_like_terms(inner)) or (collects(top) and not collects(inner)):
            # x e^{2x} + x as x (e^{2x} + 1) collects no like terms: it takes a factor out of some of the terms
            alike = expanded or has_like_terms(top) or _collected_as_written(before)
            names += (not alike and taken_out([term / common for term in terms], inner, before)) or [COLLECT]
    if factoring:
        # named with its sign: -2x(A + B) from -2xA - 2xB takes out -2x, not 2x
        # a number stays in front of a sum it is taken out with, as the line shows it: 2(x^2 + 1), never 2x^2 + 2;
        # -(x^2 + 1), never -x^2 - 1
        common = _keep_coeff(coefficient, sympy.Mul(*pulled))
        negated = common.is_Add and coefficient < 0
        shown = f"-{_bracketed(-common)}" if negated else _bracketed(common)
        named = Reason("factor out ${factor}$", factor=shown)
        factored = _named(named, common, Reason("factor out the common factor"), whole=negated, widest=MAX_FACTOR_WIDTH)
        # nothing multiplied out: the factor comes out first and what is left inside is collected
        names.insert(0 if names and not expanded else len(names), factored)
    elif (sums or rest.is_Add) and coefficient == -1 and all(term.could_extract_minus_sign() for term in terms):
        names.append(TAKE_OUT_MINUS)
    elif _factorised_anew(rest, before):
        names.append(Reason("factorise"))
    return names


def taken_out(terms: list[sympy.Expr], new: sympy.Expr, line: sympy.Expr) -> list[Reason]:
    """"take out the common factor $x$" for a step that writes terms sharing a factor as that factor times a sum,
    ``x e^{2x} + x`` as ``x (e^{2x} + 1)``, and carries every other term as it stands: a TA read found such a step
    called "collect like terms", when no like terms are there; "factor $\\sin(x)$ out of the terms that have it" where other
    terms are carried beside them, whose factor it is not, "factor $\\sin(x)$ out of $2 \\sin(x) + x \\sin(x)$" where those
    terms stand side by side in the printed ``line`` before. Empty for any other step: one that also collects like
    terms (in the bracket, ``2x e^x + e^x (x^2 + 2x)`` as ``e^x (x^2 + 4x)``, stays "collect like terms"), or takes
    factors out of two groups of terms.
    """
    left = [evaluated(term) for term in terms]
    found: tuple[sympy.Expr, list[sympy.Expr]] | None = None
    kept = False
    for term in sympy.Add.make_args(new):
        carried = next((old for old in left if _unordered(old) == _unordered(term)), None)
        if carried is not None:
            left.remove(carried)
            kept = True
            continue
        coefficient, rest = term.as_coeff_Mul()
        sums = [factor for factor in sympy.Mul.make_args(rest) if factor.is_Add]
        if len(sums) != 1 or found is not None:
            return []
        factor = _keep_coeff(coefficient, rest / sums[0])
        group = [old for old in left if sympy.fraction(old / factor, exact=False)[1] == 1]
        if factor == 1 or len(group) < 2 or expand_outside(sympy.Add(*group)) != expand_outside(term):
            return []
        for old in group:
            left.remove(old)
        found = (factor, group)
    if left or found is None:
        return []
    factor, group = found
    inside = [old / factor for old in group]
    # a factor of some of the terms only, the others carried, is not the bracket's common factor: "factor sin(x) out of
    # the terms that have it" ("take out the common factor sin(x)" beside a cos(x) term it is no factor of, TA read German
    # 8934; "collect the terms in x" would count (x^2 + 1) log(x^2 + 1) in; "out of some of the terms" read vague, EN 9411)
    if kept:
        said, unnamed = Reason("factor ${factor}$ out of the terms that have it", factor=_bracketed(factor)), Reason("factor out of some of the terms")
        # which terms, where the line shows them side by side: "some of the terms" left the reader to find them (two
        # TA reads, EN 9073, 9074)
        run = _written_run(group, terms, line) if printed_width(factor) <= MAX_FACTOR_WIDTH else None
        if run is not None:
            quoted = Reason("factor ${factor}$ out of ${terms}$", factor=_bracketed(factor), terms=tex(run))
            said = _named(quoted, run, said, widest=MAX_FACTOR_WIDTH)
    else:
        said, unnamed = Reason("take out the common factor ${factor}$", factor=_bracketed(factor)), Reason("factor out a common factor")
    named = _named(said, factor, unnamed, widest=MAX_FACTOR_WIDTH)
    apart = sum(len(sympy.Add.make_args(expand_outside(term))) for term in inside)
    return [] if len(sympy.Add.make_args(expand_outside(sympy.Add(*inside)))) < apart else [named]


def _written_run(group: list[sympy.Expr], terms: list[sympy.Expr], line: sympy.Expr) -> sympy.Expr | None:
    """The terms of ``group`` (evaluated) as one sum in the order of ``terms``, if the printed ``line`` shows them so, side
    by side (a reason quotes them as one sum of the line); None otherwise."""
    order = sorted(group, key=lambda term: next((i for i, written in enumerate(terms) if evaluated(written) == term), len(terms)))
    run = WrittenSum(*order, evaluate=False)
    return run if tex(run) in tex(line) else None


def _front(product: sympy.Expr) -> list[sympy.Expr]:
    """The factors of a product that are neither numbers nor (powers of) sums: what stands in front of its brackets."""
    return [factor for factor in sympy.Mul.make_args(product) if not factor.is_Number and not factor.as_base_exp()[0].is_Add]


def _spread(top: sympy.Expr, written: sympy.Expr) -> sympy.Expr:
    """A numerator that is a factor times one sum, with the part of the factor that ``written`` (the numerator as the
    line showed it) does not show in front multiplied into the terms: what ``together`` takes out of every term
    (``2x`` of ``2x(x^2 + 3)/(x^2 + 1) - 2x log(x^2 + 1)``) is a rewrite of its own to name, not part of the common
    denominator (a TA read found "common denominator" alone for a step that also took out 2x)."""
    sums = [factor for factor in sympy.Mul.make_args(top) if factor.is_Add]
    if not top.is_Mul or len(sums) != 1:
        return top
    visible = sympy.Mul(*(factor for factor in sympy.Mul.make_args(written) if not factor.is_Add))
    hidden = top / sums[0] / visible
    if hidden == 1 or sympy.fraction(hidden)[1] != 1:
        return top
    return _keep_coeff(visible, sympy.Add(*(hidden * term for term in sums[0].args)))


def _one_sum_each(
    top: sympy.Expr, new_top: sympy.Expr, taken_out: bool = False
) -> tuple[sympy.Expr, sympy.Expr] | None:
    """The sums of two products alike but for one sum each, ``e^{2x} (A)`` and ``e^{2x} (B)``, or with ``taken_out``
    also ``x^2 e^{2x} (B)``, a factor with a letter (not a power of e) taken out of ``A``: what the step did is what
    it did to the sum, ``A`` to ``B`` or to ``x^2 B``."""
    old_sums = [factor for factor in sympy.Mul.make_args(top) if factor.is_Add]
    new_sums = [factor for factor in sympy.Mul.make_args(new_top) if factor.is_Add]
    if len(old_sums) != 1 or len(new_sums) != 1:
        return None
    front, new_front = top / old_sums[0], new_top / new_sums[0]
    if front == new_front:
        return old_sums[0], new_sums[0]
    if not taken_out:
        return None
    # e^{2x} (x^3 + x^2 e^x (1 + e^{-x})(x + 3)) to x^2 e^{2x} (...): x^2 came out of the sum (a TA read, 8871 f_2)
    taken = new_front / front
    if taken.free_symbols and not taken.has(sympy.exp) and sympy.fraction(taken)[1] == 1:
        return old_sums[0], sympy.Mul(taken, new_sums[0])
    return None


def _factorised_sum(before: sympy.Expr, after: sympy.Expr) -> Reason | None:
    """"factorise $3x^2 - 8x + 4$" for a step that writes the one sum of a product as a product of sums and leaves
    every other factor as it stood: ``2 (3x^2 - 8x + 4)`` to ``2 (x - 2)(3x - 2)``. Compared as SymPy evaluates it,
    the 2 would seem taken out, as it is from ``6x^2 - 16x + 8``; a TA read found that step named "factor out 2".
    None for any other step."""
    if not before.is_Mul or not after.is_Mul:
        return None
    old = [evaluated(factor) for factor in _flat_product(before)]
    sums = [factor for factor in old if factor.is_Add]
    new = list(sympy.Mul.make_args(after))
    if len(sums) != 1:
        return None
    for factor in old:
        if factor is not sums[0]:
            if factor not in new:
                return None
            new.remove(factor)
    product = [factor for factor in new if factor.as_base_exp()[0].is_Add]
    if expand(sums[0]) != sums[0] or not product or (len(product) == 1 and product[0].is_Add):
        return None  # a sum still to multiply out, or a factor taken out of it (``factor out``)
    if expand(sympy.Mul(*new)) != sums[0]:
        return None
    written = as_written(sums[0], before)
    return _named(Reason("factorise ${polynomial}$", polynomial=tex(written)), written, Reason("factorise"))


def _factorised_anew(rest: sympy.Expr, before: sympy.Expr) -> bool:
    """A product of sums, or a power of one, that the line ``before`` shows nowhere: the sum collected was factored
    (``-(x^2 + 3) + 2x(3 - x)`` is ``-3(x - 1)^2``), a step of its own to name."""
    known = set(product_sums(before))
    powers = [factor.as_base_exp() for factor in sympy.Mul.make_args(rest)]
    fresh = [(base, exponent) for base, exponent in powers if base.is_Add and base not in known and evaluated(-base) not in known]
    return bool(fresh) and (len(powers) > 1 or any(exponent != 1 for _, exponent in fresh))


def multiplies_out(term: sympy.Expr, coefficient: sympy.Expr, pulled: list[sympy.Expr]) -> bool:
    """What is left of ``term`` once ``coefficient`` and the factors ``pulled`` are out is a product with a sum in it
    (``3 (2 - x)`` of ``3 (2 - x)(x + 1)^2`` with ``(x + 1)^2`` out): it has to be multiplied out."""
    return _bracketed_product(_left_over(term, coefficient, pulled))


def _left_over(term: sympy.Expr, coefficient: sympy.Expr, pulled: list[sympy.Expr]) -> list[sympy.Expr]:
    """The factors of ``term`` once ``coefficient`` and the factors ``pulled`` in front are taken out, unmultiplied
    (SymPy would multiply ``2 (3x^2 + 1)`` out): 2x(x + 1)^2 + 2x^2(x + 1) with 2x(x + 1) out leaves x + 1 and x."""
    number, rest = term.as_coeff_Mul()
    powers: dict[sympy.Expr, sympy.Expr] = {number / coefficient: sympy.Integer(1)}
    for factor in sympy.Mul.make_args(rest):
        base, exponent = factor.as_base_exp()
        powers[base] = powers.get(base, 0) + exponent
    for factor in pulled:
        base, exponent = factor.as_base_exp()
        if base in powers:
            powers[base] -= exponent
    return [base**exponent for base, exponent in powers.items() if exponent != 0]


def _carried(factors: list[sympy.Expr], kept: set[sympy.Expr]) -> bool:
    """A product left once the common factor is out stands among the new terms as it was (its sign aside)."""
    factors = [factor for factor in factors if factor != 1]
    product = sympy.Mul(*factors, evaluate=False)  # 3 (cos x + 2) as written, not 3 cos x + 6
    negated = sympy.Mul(-1, *factors, evaluate=False)
    return any(_unordered(term) in (_unordered(product), _unordered(negated)) for term in kept)


def _bracketed_product(factors: list[sympy.Expr]) -> bool:
    """A bracketed sum multiplied by something else (a number too) or squared: what is left to multiply out."""
    sums = [factor for factor in factors if factor.as_base_exp()[0].is_Add]
    # 1/2 from 2 taken out of (x - 2)^3 + 3x(x - 2)^2 divides the sum collected later: nothing to multiply out
    others = [factor for factor in factors if factor not in sums and abs(factor) != 1 and not (factor.is_Rational and abs(factor.p) == 1)]
    return bool(sums) and (len(sums) > 1 or bool(others) or sums[0].is_Pow)


def _opened(term: sympy.Expr, new_terms: set[sympy.Expr]) -> bool:
    """A product with a sum of function applications among its factors above the bar that no new term has, as in
    ``x (3 cos x - (3x + 1) sin x)`` collected into ``(6x + 1) cos x - x (3x + 1) sin x``: the sum was multiplied out.
    A sum below the bar is no such factor: ``(x + 1)/(e^x + 1)`` written ``e^{-x} (x + 1)/(1 + e^{-x})`` multiplies
    nothing out, and a TA read found that step called "expand"."""
    kept = {factor.as_base_exp()[0] for new in new_terms for factor in sympy.Mul.make_args(new)}
    sums = (base for base, exponent in map(sympy.Expr.as_base_exp, sympy.Mul.make_args(term)) if not exponent.is_negative)
    return term.is_Mul and any(total.is_Add and total.has(sympy.Function) and total not in kept for total in sums)


def sum_times(term: sympy.Expr, functions: set[sympy.Expr]) -> bool:
    """``term`` is one bracketed sum (its sign aside) times one of ``functions``: ``(3x + 1) cos x``, ``-(x + 2) e^x``."""
    outside = [factor for factor in sympy.Mul.make_args(term) if not factor.has(sympy.Function) and factor != -1]
    return len(outside) == 1 and outside[0].is_Add and function_part(term)[1] in functions


def function_part(term: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """``term`` as (coefficient, product of the factors holding function applications): ``(3x + 1, cos x)``."""
    return term.as_independent(*term.atoms(sympy.Function), as_Add=False)


def _term_by_term(top: sympy.Expr, new_top: sympy.Expr, before: sympy.Expr) -> list[Reason]:
    """The rewrites of a sum whose terms each became one new term, named term by term: "multiply out
    $(x^2 + 3)(2x^2 + 1)$ and factor $2x$ out of $(8x^3 + 14x)$" for a quotient rule's numerator whose two terms are
    tidied apart. Empty unless every term of ``top`` matches one of ``new_top`` once both are multiplied out."""
    new_terms = list(sympy.Add.make_args(new_top))
    if not (top.is_Add and len(top.args) == len(new_terms)):
        return []
    names: list[Reason] = []
    for term in printed_terms(top):
        match = next((new for new in new_terms if expand_outside(new) == expand_outside(term)), None)
        if match is None:
            return []
        new_terms.remove(match)
        if _unordered(term) != _unordered(match):
            names += _one_term(term, match, before)
    return names


def _one_term(term: sympy.Expr, new: sympy.Expr, before: sympy.Expr) -> list[Reason]:
    """What turned one term into ``new``: its coefficient multiplied out, a factor taken out of a sum of it."""
    coefficient, _ = function_part(term)
    new_coefficient, _ = function_part(new)
    sums = [factor for factor in sympy.Mul.make_args(coefficient) if factor.as_base_exp()[0].is_Add]
    names = []
    product = coefficient.as_coeff_Mul()[1]
    if sums and new_coefficient.as_coeff_Mul()[1].is_Add and (len(sympy.Mul.make_args(product)) > 1 or product.is_Pow):
        # quoted up to twice the usual width: a reason this long stands on a line of its own above its step
        wide = printed_width(product) > 2 * MAX_NAMED_WIDTH
        names.append(MULTIPLY_OUT_BRACKETS if wide else Reason(MULTIPLY_OUT, product=tex(product)))
    names += _inside_factors(term, new, before) or _sign_flips(term, new)
    multiplied = None if names else _number_multiplied_in(term, new)
    if multiplied is not None:  # 2 (2x - 1)(x^2 - x + 3) as (4x - 2)(x^2 - x + 3): "multiply the factors" (a TA read, EN 9061)
        names.append(Reason("expand ${product}$", product=tex(multiplied)))
    return names or [GENERIC_NAMES[0]]


def _number_distributed(expr: sympy.Expr) -> sympy.Expr | None:
    """``expr`` with a number (not -1) in front of a bracketed sum multiplied into it, outside function arguments:
    ``2 (3 \\log(3 - x) - x)`` as ``6 \\log(3 - x) - 2x``; None if no product has one."""
    if not expr.is_Mul:
        return None
    number, rest = expr.as_coeff_Mul()
    sums = [factor for factor in sympy.Mul.make_args(rest) if factor.is_Add]
    if number in (1, -1) or not number.is_Number or len(sums) != 1:
        return None
    others = [factor for factor in sympy.Mul.make_args(rest) if factor is not sums[0]]
    return sympy.Mul(sympy.Add(*(number * term for term in sums[0].args)), *others)


def _number_multiplied_in(before: sympy.Expr, after: sympy.Expr) -> sympy.Expr | None:
    """The one number-times-sum of a product among the terms of ``before`` that ``after`` has multiplied out where the
    product keeps other factors, ``2 (2x - 1)`` of ``2 (2x - 1)(x^2 - x + 3) \\sin x``, written as a product; None
    unless exactly one."""
    later = {node for node in sympy.preorder_traversal(after) if node.is_Add}
    found = []
    for term in sympy.Add.make_args(evaluated(before)):
        number, rest = term.as_coeff_Mul()
        if number in (1, -1) or not number.is_Rational:
            continue
        for factor in sympy.Mul.make_args(rest):
            if factor.is_Add and factor not in later and number * factor in later:
                found.append(sympy.Mul(number, factor, evaluate=False))
    return found[0] if len(found) == 1 else None


def _collects_once_opened(expr: sympy.Expr) -> bool:
    """The sum of ``expr`` (its numerator's, for a fraction) has like terms once each bracket after a minus sign is
    opened: ``-(3 - x) - (2 - x)`` is ``-3 + x - 2 + x``."""
    top = sympy.fraction(expr, exact=True)[0]
    if not top.is_Add:
        return False
    opened = []
    for term in _flat(top, sympy.Add):
        opened += [-inside for inside in term.args[1].args] if negated_sum(term) else [evaluated(term)]
    return len(sympy.Add.make_args(sympy.Add(*opened))) < len(opened)


def _negated_sums(expr: sympy.Expr) -> list[sympy.Expr]:
    """The sums of ``expr`` with a minus sign before their bracket (``negated_sum``), outside function arguments:
    ``4 - x`` of ``-(4 - x) + (3 - x) log(3 - x)`` above a bar."""
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return []
    found = [expr.args[1]] if negated_sum(expr) else []
    return found + [total for arg in expr.args for total in _negated_sums(arg)]


def negated_sum(expr: sympy.Expr) -> bool:
    """``-(A + B)`` as written, a minus sign before a bracketed sum: opening it distributes the sign."""
    return expr.is_Mul and len(expr.args) == 2 and expr.args[0] == -1 and expr.args[1].is_Add


def _sign_flips(before: sympy.Expr, after: sympy.Expr) -> list[str]:
    """"write $1 - 2x$ as $-(2x - 1)$" for a bracketed sum of a product that the page shows with the
    opposite sign after a step that does nothing else (``(1 - 2x)(4 - x)`` as ``-(4 - x)(2x - 1)``),
    where "multiply the factors" would be false. Read off the printed forms, as SymPy may store
    ``-(3x^2 + 1)`` as ``-3x^2 - 1`` and still print the bracket as it was. A minus sign that went into the
    bracket from in front is named where the step's reason is made (``signs_named``)."""
    old_page, new_page = tex(before), tex(after)
    names = []
    for total in product_sums(before):
        negated = evaluated(-total)
        old_bracket, new_bracket = (bracket(tex(term)) for term in (total, negated))
        if old_bracket in old_page and old_bracket not in new_page and new_bracket in new_page:
            named = Reason("write ${total}$ as $-({negated})$", total=tex(total), negated=tex(negated))
            names.append(_named(named, total, TAKE_MINUS_OUT_OF_BRACKET, whole=True))
    return names


def signs_named(before: sympy.Expr, after: sympy.Expr, why: str) -> Reason:
    """``why``, the reason of the step from ``before`` to ``after``, with what became of the minus signs the step
    cancels: "; two minus signs cancel" added, or "distribute the minus sign" for a bracket too wide to name whose
    sign is all the step turns. A reason that says it already (``SIGN_NAMES``) is left as it is. The one rule for the
    signs of every worked step, wherever its reason is made.

    A minus sign in front of a bracket that goes into it cancels against the signs inside: turning the bracket's
    sign, ``-(-6x^2 + 8x - 1) \\sin x`` as ``(6x^2 - 8x + 1) \\sin x`` (``_sign_turned``), or multiplied out over
    terms that all have one, ``-e^x (-(3 - x) \\sin x - \\cos x - 2)`` into ``+ e^x (...)``
    (``_minus_multiplied_in``), which distributes the minus sign ("two minus signs cancel" counted two where every
    term of the bracket turned its sign: a TA read, German 9192). "take a minus sign out of a bracket; two minus signs
    cancel" named the first the other way round (TA reads, German 6642). A product whose factors carry two minus signs, multiplied, loses both:
    ``-\\sin(x^2 - y) \\cdot (-1)`` as ``\\sin(x^2 - y)`` (``_minus_signs_multiplied``), where "multiply the factors"
    alone turned the sign unnamed (TA read, idl-math-background EN 6641 1.3(c))."""
    why = as_reason(why)
    turned = _sign_turned(before, after)
    if turned and why.template == TAKE_MINUS_OUT_OF_BRACKET.template:
        return DISTRIBUTE_MINUS
    if why.template == SIGNS_CANCEL.template and _one_of_three_left(before, after):
        return THREE_SIGNS
    signed = (_minus_multiplied_in, _minus_signs_multiplied, _minus_taken_in)
    if _names_signs(why) or not (turned or any(found(before, after) for found in signed)):
        return why
    if _one_of_three_left(before, after):
        return Reason("{rule}; two of the three minus signs cancel", rule=why)
    if not _minus_signs_multiplied(before, after) and (not turned or _multiplies_out(why)):
        # the minus in front turns every term's sign; in a step that multiplies out, -2 (x - 3) as 2 (3 - x) too: "two
        # minus signs cancel" where one minus sign went into the bracket (a TA read, German 9423). A step that writes
        # x - 3 as -(3 - x) or factors out a negative factor does meet a second minus sign.
        return Reason("{first}; {then}", first=why, then=DISTRIBUTE_MINUS)
    if why == GENERIC_NAMES[0] and _minus_one_times(before):
        return SIGNS_CANCEL  # -sin(x - y) . (-1): multiplying by -1 is the cancelling (a TA read, German 9021)
    return signs_cancelling(why)


def _multiplies_out(why: Reason) -> bool:
    """``why`` names multiplying out a product ("multiply out $(2 - x)(4 - x)$", "expand"), and nothing that takes a
    sign out: 2x (4 - x) - (-3x^2 + 8x - 2) log u as 8x - 2x^2 + (3x^2 - 8x + 2) log u was "expand; two minus signs
    cancel", where the one minus sign went into the bracket (a TA read, German bank sheet 9742)."""
    return why.template in (MULTIPLY_OUT, MULTIPLY_OUT_BRACKETS.template, EXPAND.template)


def _minus_one_times(product: sympy.Expr) -> bool:
    """``product`` is -1 times one other factor, as written: ``-\\sin(x - y) \\cdot (-1)``."""
    return product.is_Mul and len(product.args) == 2 and -1 in product.args


def _one_of_three_left(before: sympy.Expr, after: sympy.Expr) -> bool:
    """A product with three minus signs among its factors is multiplied and keeps one: ``-1 \\cdot (-\\sin u) \\cdot (-2)`` is
    ``-2 \\sin u``, where "two minus signs cancel" beside a negative result read as a wrong sign (TA read, EN 8905)."""
    return any(term.is_Mul and _minus_signs(term) == 3 for term in sympy.Add.make_args(before)) and sum(
        map(_minus_signs, sympy.Add.make_args(after))
    ) % 2 == 1


def _minus_signs_multiplied(before: sympy.Expr, after: sympy.Expr) -> bool:
    """``before`` is, or has as a term, a product with two or more factors printed with a minus sign in front
    (``_minus_signs``), and ``after``'s terms have two fewer: the step multiplies them away, in a product alone (the
    sigmoid's chain rule) or in a term of a sum (the swish's, ``x \\cdot (-\\frac{1}{...}) \\cdot (-\\frac{e^{-x/2}}{2})``)."""
    terms = sympy.Add.make_args(before)
    if not any(term.is_Mul and _minus_signs(term) >= 2 for term in terms):
        return False
    return sum(map(_minus_signs, sympy.Add.make_args(after))) <= sum(map(_minus_signs, terms)) - 2


def _minus_signs(expr: sympy.Expr) -> int:
    """How many factors of ``expr``, products inside products included, carry a minus sign: a negative number, or a
    product that leads with one (``-\\sin x``, ``-3 \\sin x``)."""
    if expr.is_Mul:
        return sum(_minus_signs(factor) for factor in expr.args)
    return 1 if expr.is_Number and expr.is_negative else 0


def _names_signs(why: Reason) -> bool:
    """``why`` is, or lists, a reason that says what becomes of a minus sign (``SIGN_NAMES``)."""
    if why.template in _SIGN_TEMPLATES:
        return True
    return any(_names_signs(arg) for arg in why.args.values() if isinstance(arg, Reason))


def _sign_turned(before: sympy.Expr, after: sympy.Expr) -> bool:
    """A product of ``before`` with a minus sign in front and an odd power of a bracketed sum among its factors stands
    in ``after`` with the sum's sign turned and none in front: ``-2x^2 (x - 4)`` as ``2x^2 (4 - x)``, or with a factor
    taken out of the sum as well, ``-2y (e^{-x^2 y} - 2x^2 y e^{-x^2 y})`` as ``2y e^{-x^2 y} (2x^2 y - 1)``, where the
    factor taken out is ``-e^{-x^2 y}`` (hessian seed 60)."""
    shown = [signed for product in _products(after) for signed in _signed_sums(product)]
    return any(
        number < 0 and any(-number == other and exponent == power and _turned(total, rest, turned, kept, exponent) for other, turned, power, kept in shown)
        for product in _products(before)
        for number, total, exponent, rest in _signed_sums(product)
    )


def _turned(total: sympy.Expr, rest: sympy.Expr, turned: sympy.Expr, kept: sympy.Expr, exponent: sympy.Expr) -> bool:
    """``rest \\cdot total^k`` is ``-kept \\cdot turned^k``: the sum's sign turned, and what was taken out of it (nothing,
    or a factor with no sign of its own) joined the other factors."""
    if turned == evaluated(-total):
        return kept == rest
    taken = sympy.cancel(-total / turned)
    return not taken.has(sympy.Add) and not taken.as_coeff_Mul()[0].is_negative and kept == evaluated(rest * taken**exponent)


def _products(expr: sympy.Expr) -> Iterator[sympy.Expr]:
    """The products of ``expr``, outside function arguments, nested ones too."""
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return
    if expr.is_Mul:
        yield expr
    for arg in expr.args:
        yield from _products(arg)


def _signed_sums(product: sympy.Expr) -> Iterator[tuple[sympy.Expr, sympy.Expr, sympy.Expr, sympy.Expr]]:
    """(number in front, sum, its odd exponent, the other factors) for each odd power of a bracketed sum among the
    factors of ``product``."""
    factors = list(_flat_product(product))
    number = _number_in_front(factors)
    for factor in factors:
        total, exponent = factor.as_base_exp()
        if total.is_Add and exponent.is_Integer and exponent.is_odd:
            rest = sympy.Mul(*(other for other in factors if other is not factor and not other.is_Number))
            yield number, evaluated(total), exponent, evaluated(rest)


def _number_in_front(factors: list[sympy.Expr]) -> sympy.Expr:
    """The number in front of a product of ``factors`` (``_flat_product``): its numbers multiplied."""
    return sympy.Mul(*(factor for factor in factors if factor.is_Number))


def _minus_multiplied_in(before: sympy.Expr, after: sympy.Expr) -> bool:
    """``before`` has a product with a minus sign in front of a bracketed sum whose terms all have minus signs,
    ``-e^x (-(3 - x) \\sin x - \\cos x - 2)``, which ``after`` multiplies out: each term turns its sign, two minus
    signs cancel, and a step's reason says so ("factor out $e^x$ and expand" hid it, a TA read, German 6642)."""
    kept = set(product_sums(after))
    for product in _products(before):
        factors = list(_flat_product(product))
        if not _number_in_front(factors).is_negative:
            continue
        for factor in factors:
            if not factor.is_Add or evaluated(factor) in kept or evaluated(-factor) in kept:
                continue
            if all(evaluated(term).as_coeff_Mul()[0].is_negative for term in _flat(factor, sympy.Add)):
                return True
    return False


def _minus_taken_in(before: sympy.Expr, after: sympy.Expr) -> bool:
    """Every term of the sum ``before`` has a minus sign, one of them in front of a bracketed sum, and ``after`` has
    none in front and not that sum: the minus signs went into the bracket a factor was taken out into,
    ``-e^{-x} (x - 2) - e^{-x}`` as ``e^{-x} (1 - x)`` ("factor out e^{-x} and collect like terms" hid it, a TA read,
    EN 9623)."""
    terms = sympy.Add.make_args(before)
    if not before.is_Add or after.could_extract_minus_sign():
        return False
    if not all(term.could_extract_minus_sign() for term in terms):
        return False
    kept = set(product_sums(after))
    return bool(kept) and any(
        factor.is_Add and evaluated(factor) not in kept and evaluated(-factor) not in kept
        for term in terms
        if term.is_Mul
        for factor in _flat_product(term)
    )


def product_sums(expr: sympy.Expr) -> list[sympy.Expr]:
    """The sums that stand as factors (or bases of factors) of products in ``expr``, outside function
    arguments, each as SymPy evaluates it, in the order met."""
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return []
    found = [total for arg in expr.args for total in product_sums(arg)]
    if expr.is_Mul:
        found += [evaluated(factor.as_base_exp()[0]) for factor in _flat_product(expr) if factor.as_base_exp()[0].is_Add]
    return list(dict.fromkeys(found))


def _inside_factors(top: sympy.Expr, new_top: sympy.Expr, before: sympy.Expr) -> list[str]:
    """"factor 2 out of $(2x - 2)$" for each sum of a product that the new product shows with a factor taken out,
    the sum quoted as the line ``before`` prints it (``as_written``). The factor is named with the sign the new
    product gives it: ``-2 (3x^2 - 14x + 3)`` from ``28x - 6x^2 - 6`` takes out -2, where "factor out 2" left the
    minus sign to move unnamed (as a TA read found it move in derivative level 2, seed 47)."""
    names = []
    new_factors = sympy.Mul.make_args(new_top)
    new_bases = {new.as_base_exp()[0] for new in new_factors}
    for factor in sympy.Mul.make_args(top):
        base, _ = factor.as_base_exp()
        if base.is_Add and factor not in new_factors:
            taken, primitive = factor_terms(base).as_independent(*base.free_symbols, as_Add=False)
            if primitive.is_Mul:
                common, primitive = primitive.as_independent(sympy.Add, as_Add=False)
                taken *= common
            if not primitive.has(sympy.Add):
                # 2y(x^2y^2 + 1) - 2x^2y^3 is 2y: its terms cancel once multiplied out, nothing is taken out of a sum
                # that is gone ("factor out 2" above 4xy, TA read of hessian seed 1)
                names += [EXPAND, COLLECT]
                continue
            if abs(taken) != 1 and primitive not in new_bases and -primitive in new_bases:  # a sign alone: _sign_flips
                taken = -taken
            if taken == -1:
                names.append(TAKE_OUT_MINUS)
            elif taken != 1:
                written = as_written(base, before)
                short = _named(Reason("factor out ${factor}$", factor=_bracketed(taken)), taken, Reason("factor out a common factor"), widest=MAX_FACTOR_WIDTH)
                if _collected_as_written(written):  # (x - 2 + 3x) is collected first: 2 comes out of 4x - 2
                    names += [COLLECT, short]
                    continue
                quoted = _bracketed(written)
                named = Reason("factor ${factor}$ out of ${sum}$", factor=_bracketed(taken), sum=quoted)
                # too long with the sum quoted, the factor alone still fits ("factor out $y e^{y}$")
                # a sum that only an intermediate form had (a common denominator's numerator) is not quoted
                printed = tex(written) in tex(before)
                names.append(_named(named, taken, short, whole=True) if printed else short)
    return names


def as_written(total: sympy.Expr, line: sympy.Expr) -> sympy.Expr:
    """The sum of ``line`` that SymPy evaluates to ``total``, as the line writes it (a ``WrittenSum`` keeps
    its order: ``e^x + x e^x``), or ``total`` itself: a reason quotes an expression exactly as the line shows it."""
    for node in sympy.preorder_traversal(line):
        if node.is_Add and node is not total and evaluated(node) == total:
            return node
    return total


def cancel_from_sum_reason(factor: sympy.Expr) -> Reason:
    """"factor $(4 - x)$ out of the numerator and cancel it": a factor every term of a sum above the bar has comes out of
    the sum before it cancels ("cancel (2 - x)" beside a sum read as cancelling from a sum, German "aus Summen kürzen",
    a TA read, German 9592)."""
    return _named(Reason("factor ${factor}$ out of the numerator and cancel it", factor=_bracketed(factor)), factor, CANCEL_FROM_SUM)


def cancel_reason(factor: sympy.Expr) -> Reason:
    """"cancel $(x^2 + 1)$", or "cancel the common factor" when ``factor`` is too wide to name."""
    return _named(Reason("cancel ${factor}$", factor=_bracketed(factor)), factor, CANCEL)


CANCEL = Reason("cancel the common factor")
CANCEL_FROM_SUM = Reason("factor the common factor out of the numerator and cancel it")
SPLIT_FRACTION = Reason("split the fraction")
COLLECT = Reason("collect like terms")
"""The name of a step that collects like terms; ``rewrite_names`` lists it as itself."""
DISTRIBUTE_MINUS = Reason("distribute the minus sign")
"""The name of a step that takes a minus sign into a bracket: ``-(A - B)`` is ``B - A``."""
MINUS_INTO_NUMERATOR = Reason("take the minus sign into the numerator")
"""``DISTRIBUTE_MINUS`` where the sum stands above a bar: "into the bracket" could mean a bracket inside the numerator."""
MINUS_INTO_NAMED = N_("write $-({total})$ as ${turned}$")
"""``DISTRIBUTE_MINUS`` naming its bracket, where the line shows other brackets too (a template: ``total``, ``turned``)."""
MINUS_INTO = frozenset({DISTRIBUTE_MINUS.template, MINUS_INTO_NUMERATOR.template, MINUS_INTO_NAMED})
"""The templates of a step that takes a minus sign in front into the one sum of a product, named by where it goes
(``differentiation._distributed``)."""
MULTIPLY_OUT = N_("multiply out ${product}$")
"""A product quoted as it is multiplied out (a template: ``Reason(MULTIPLY_OUT, product=...)``)."""
MULTIPLY_OUT_BRACKETS = Reason("multiply out the brackets")
OPEN_NEGATED = Reason("open the bracket after the minus sign")
OPEN_NEGATED_ALL = Reason("open the brackets after the minus signs")
r"""The name of a step that opens ``-(A + B)`` in a sum: ``-(\cos x + 2) + C`` is ``C - \cos x - 2``, no bracket left."""
TAKE_OUT_MINUS = Reason("take out the minus sign")
TAKE_MINUS_OUT_OF_BRACKET = Reason("take a minus sign out of a bracket")
"""What ``_sign_flips`` calls writing ``A`` as ``-(B)`` when the sums are too wide to name."""
SIGNS_CANCEL = Reason("two minus signs cancel")
"""The step that turns ``- A \\cdot (-B)`` in a sum into ``+ A B``: "multiply the factors" there read as the same
reason twice when the next step fell back on that name too (a TA read)."""
THREE_SIGNS = Reason("two of the three minus signs cancel")
"""``SIGNS_CANCEL`` for a product with three minus signs, which keeps one (``signs_named``)."""
SIGN_NAMES = (DISTRIBUTE_MINUS, OPEN_NEGATED, TAKE_OUT_MINUS, TAKE_MINUS_OUT_OF_BRACKET, SIGNS_CANCEL, THREE_SIGNS)
"""The reasons that say what becomes of a minus sign (with the templates of ``MINUS_INTO``): ``signs_named`` adds
nothing to a reason that lists one, or that says already that two minus signs cancel (``signs_cancelling``)."""
_SIGN_TEMPLATES = frozenset(name.template for name in (*SIGN_NAMES, signs_cancelling(SIGNS_CANCEL), signs_cancelling(SIGNS_CANCEL, 2))) | MINUS_INTO
EXPAND = Reason("expand")
"""The name of a step that multiplies products out; a step that does this and more is split (``rule_and_tidy``)."""
GENERIC_NAMES = (Reason("multiply the factors"), Reason("combine the terms"))
"""What ``rewrite_name`` calls a step in which it recognises no rewrite of its own."""

MAX_NAMED_WIDTH = 14
"""Widest expression a reason names (as ``printed_width`` counts): a reason is set in a narrow
column, where a longer formula cannot break and runs into the margin."""
MAX_FACTOR_WIDTH = 2 * MAX_NAMED_WIDTH
"""Widest factor a reason names as taken out ("factor out $3 \\sin^2(x) \\cos^2(x)$"): "factor out the common factor"
named none, and a TA read found it says nothing (idl-math-background 6641). A reason this long stands on a line of
its own above its step, as "multiply out ..." does."""


def _named(named: Reason, factor: sympy.Expr, instead: Reason, whole: bool = False, widest: int = MAX_NAMED_WIDTH) -> Reason:
    """``named``, the reason that names ``factor`` ("factor out $4x$"), or ``instead`` when the factor is too wide to name.

    ``whole``: ``named`` names more than the factor ("factor $2$ out of $(2x - 2)$"), and is too long itself
    past four times the widest factor. ``widest``: the widest factor named (``MAX_FACTOR_WIDTH`` for a factor
    taken out).
    """
    if printed_width(factor) > widest or (whole and len(named) > 4 * MAX_NAMED_WIDTH):
        return instead
    return named


def _bracketed(factor: sympy.Expr) -> str:
    """LaTeX of a factor named in a reason, a sum in brackets: "factor out $(x + 2)$"."""
    return bracket(tex(factor)) if factor.is_Add else tex(factor)


def has_factor(term: sympy.Expr, factor: sympy.Expr) -> bool:
    """``term`` is a product with a power of ``factor``'s base among its factors."""
    base = factor.as_base_exp()[0]
    return any(part.as_base_exp()[0] == base for part in sympy.Mul.make_args(term))


@remembered(maxsize=MAX_REMEMBERED)
def has_like_terms(expr: sympy.Expr) -> bool:
    """A sum whose terms, each multiplied out, include like terms: multiplying out the whole leaves fewer.

    Remembered per process: the tidied numerators a step names recur."""
    terms = sympy.Add.make_args(expr)
    separately = sum(len(sympy.Add.make_args(expand_outside(term))) for term in terms)
    return len(sympy.Add.make_args(expand_outside(expr))) < separately


@remembered(maxsize=MAX_REMEMBERED)
def collects(expr: sympy.Expr) -> bool:
    """Two terms of a sum in the product ``expr``, multiplied out, give terms of one product of function
    applications (for like terms, the empty product): multiplying out collects them, as in
    ``-6x e^x cos x + (3x^2 + 1)(cos x - sin x) e^x``, whose cosines make ``(3x^2 - 6x + 1) cos x``.
    Remembered per process, as ``has_like_terms``."""
    applications = list(expr.atoms(sympy.Function))
    for total in (factor for factor in sympy.Mul.make_args(expr) if factor.is_Add):
        seen: set[sympy.Expr] = set()
        for term in total.args:
            parts = sympy.Add.make_args(expand_outside(term))
            products = {part.as_independent(*applications, as_Add=False)[1] for part in parts}
            if products & seen:
                return True
            seen |= products
    return False


@remembered(maxsize=MAX_REMEMBERED)
def uncollected(total: sympy.Expr) -> bool:
    """A sum a hand would still collect: like terms once multiplied out (``has_like_terms``), or two terms
    with polynomial multiples of one product of function applications (``x \\cos x + 3 \\cos x``, which is
    ``(x + 3) \\cos x``; ``(3x^2 + 1)(\\cos x - \\sin x) - 6x \\cos x``, whose cosines make ``(3x^2 - 6x + 1) \\cos x``).
    A term whose functions multiply a sum of functions (``x \\sigma(x) (1 - \\sigma(x))``) is not multiplied out to
    compare: that would multiply functions together, and ``\\sigma(x) + x \\sigma(x) (1 - \\sigma(x))`` is as the rule gives it."""
    if not total.is_Add:
        return False
    if has_like_terms(total):
        return True
    applications = [node for node in total.atoms(sympy.Function) if node.free_symbols]  # cos 1 is a number
    if not applications:
        return False
    seen: set[sympy.Expr] = set()
    for term in total.args:
        functions = term.as_independent(*applications, as_Add=False)[1]
        parts = sympy.Add.make_args(expand_outside(term)) if functions.is_Add else (term,)
        products = {part.as_independent(*applications, as_Add=False)[1] for part in parts} - {sympy.S.One}
        if products & seen:
            return True
        seen |= products
    return False


def powers(product: sympy.Expr, evaluated_bases: bool = False) -> dict[sympy.Expr, sympy.Expr]:
    """Each factor's base and exponent; a whole number factor is left out. ``evaluated_bases``: each base as SymPy
    evaluates it, for a written product that may hold a sum built unevaluated (its keys then match another line's)."""
    found: dict[sympy.Expr, sympy.Expr] = {}
    for factor in sympy.Mul.make_args(product):
        if not factor.is_Number:
            base, exponent = factor.as_base_exp()
            base = evaluated(base) if evaluated_bases else base
            found[base] = found.get(base, 0) + exponent
    return found
