"""Differentiation rule by rule, the way a teaching assistant writes it down.

``differentiate(f, x)`` names the pieces a rule acts on (``_letters``: u, v, w, ...
for the parts of a sum, product or quotient, g for the inner function of the
chain rule), works out each piece's derivative in turn, applies the
product, quotient or chain rule with those derivatives substituted
(``written_product``: like bases merged, no factor printed twice), and tidies
the result in a step named by the rewrite it performs (``tidied``). Every line
is a ``Chain`` of SymPy expressions, so the engine checks each step against the
one before it. The rules used are recorded for tests and for a difficulty
score.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import reduce
from itertools import count, pairwise

import sympy
from sympy.core.exprtools import Term
from sympy.core.mul import _keep_coeff

from generator.kit.language import N_, Reason, as_reason, signs_cancelling
from generator.kit.notation import FactorsToMultiply, WrittenProduct, WrittenSum, to_multiply
from generator.kit.printing import (
    bracket,
    number_and_powers,
    printed_terms,
    raised,
    tex,
)
from generator.kit.rewrites import (
    COLLECT,
    DISTRIBUTE_MINUS,
    EXPAND,
    GENERIC_NAMES,
    MAX_NAMED_WIDTH,
    MINUS_INTO,
    MINUS_INTO_NAMED,
    MINUS_INTO_NUMERATOR,
    OPEN_NEGATED,
    OPEN_NEGATED_ALL,
    SIGNS_CANCEL,
    TAKE_MINUS_OUT_OF_BRACKET,
    TAKE_OUT_MINUS,
    as_written,
    cancel_from_sum_reason,
    cancel_reason,
    cancelled_on_expanding,
    evaluated,
    expand,
    expand_outside,
    factor_terms,
    function_part,
    has_factor,
    listed,
    multiplies_out,
    negated_sum,
    powers,
    reordered,
    rewrite_name,
    rewrite_names,
    scaling,
    sign_moved,
    signs_named,
    sum_times,
    turned_into,
    xreplace_unevaluated,
)
from generator.kit.steps import Chain, Step, chain, worked_chain
from generator.kit.tidying import derivative, presentable, squares_written, tidy_derivative
from generator.kit.widths import MAX_STEP_WIDTH, printed_width
from generator.speed import remembered

__all__ = ["CHAIN", "PARTIALS_PREAMBLE", "Piece", "Worked", "constant_in", "differentiate", "named_alike", "rule_and_tidy", "rules_difficulty", "rules_needed", "tidied", "worked_partial", "written_product"]

PRODUCT = N_("product rule")
QUOTIENT = N_("quotient rule")
CHAIN = N_("chain rule")
"""The chain rule's name in reasons and in ``Worked.rules`` (so are ``PRODUCT``, ``QUOTIENT``, ``SUM``, ``TABLE``);
each is a msgid of the catalogue, translated when it is printed."""
SUM = N_("sum rule")
TABLE = N_("table of derivatives")
CONSTANT_TABLE = N_("constant factor, table of derivatives")
"""A comma after "constant factor", as in "constant factor, chain rule" ("constant factor; table ..." beside it read as
another convention, two TA reads, EN 8931 and 8951); a semicolon comes before what is read off the table after rules."""
SUM_TABLE = N_("sum rule; table of derivatives")
CONSTANT_SUM = N_("constant factor, sum rule")
CONSTANT_SUM_TABLE = N_("constant factor, sum rule; table of derivatives")
PART_LETTERS = "uvwrs"
"""Names of the parts a sum, product or quotient rule acts on, in reading order (then u_1, u_2, ...). Never p or q
(a sheet's probabilities), f, x, y, z, e, a (the tangent line's point) or t, and never the inner function's g."""
INNER_LETTER = "g"
"""The name of the chain rule's inner function, as in the recap's f(g(x)); several in one solution are g_1, g_2, ..."""


def constant_in(x: sympy.Symbol) -> str:
    """The reason of a derivative that is 0 because the function does not involve ``x`` (no table says so)."""
    return Reason("does not depend on ${x}$", x=tex(x))


def _idle_terms(f: sympy.Expr, x: sympy.Symbol) -> list[sympy.Expr]:
    """The terms of a sum ``f`` that drop out of its derivative by ``x`` and need saying so: free of ``x``, not numbers."""
    return [term for term in printed_terms(f) if not term.has(x) and not term.is_number] if f.is_Add else []


def _scaled(f: sympy.Expr, x: sympy.Symbol) -> bool:
    """``f``, or a term of the sum ``f``, has a factor in other variables that its derivative in ``x`` carries
    in front: ``y^2`` in ``x^2 y^2 + 1``. The reason names the constant factor rule then, beside the sum rule
    (a TA read found "sum rule; table of derivatives" for 2xy^2); a number in front is read off the table."""
    return any(term.has(x) and term.as_independent(x, as_Add=False)[0].free_symbols for term in sympy.Add.make_args(f))


def _sum_rule(scaled: bool, tabled: bool) -> str:
    """The sum rule's name: with the constant factor rule where a term has a factor in other variables (``_scaled``),
    with the table where a term is read off it."""
    if scaled:
        return CONSTANT_SUM_TABLE if tabled else CONSTANT_SUM
    return SUM_TABLE if tabled else SUM


def _linear(term: sympy.Expr, x: sympy.Symbol) -> bool:
    """``term`` is a multiple of ``x``: its derivative (x^2 y in y gives x^2) needs no table of derivatives."""
    return not sympy.diff(term, x).has(x)


def _dropping(rule: str, terms: list[sympy.Expr], x: sympy.Symbol) -> Reason:
    """``rule``, then why ``terms`` drop out: "sum rule; $y$ does not depend on $x$"."""
    return Reason("{rule}; {idle}", rule=as_reason(rule), idle=_idle(terms, x))


def _idle(terms: list[sympy.Expr], x: sympy.Symbol) -> str:
    """Why terms of a sum drop out of its derivative: ``$\\log(x^2 + 1)$ does not depend on $y$``.

    A partial derivative that silently loses a term reads like a mistake; numbers go without saying. A term is named
    as it stands in the sum, its minus sign too: "$2 x^{2}$ does not depend on $y$" beside g = y - 2x^2 named a term
    g does not have (TA read, idl-math-background EN 6641 1.3(c)).
    """
    if len(terms) == 1 and printed_width(terms[0]) <= MAX_IDLE_WIDTH:
        return Reason("${term}$ does not depend on ${x}$", term=tex(terms[0]), x=tex(x))
    if len(terms) > 1:
        return Reason("the other terms do not depend on ${x}$", x=tex(x))
    return Reason("the other term does not depend on ${x}$", x=tex(x))


MAX_IDLE_WIDTH = 14
"""Widest term a reason names as not depending on the variable (as ``printed_width`` counts): the
reason column is narrow."""


def tidied(before: sympy.Expr, after: sympy.Expr) -> Step:
    """The step from a rule's result to its tidy form, its reason the rewrite it performs (``rewrite_name``)."""
    return Step(after, rewrite_name(before, after))


def _rule_to_tidy(rule: Step, f: sympy.Expr, x: sympy.Symbol) -> tuple[Step, ...]:
    """``rule_and_tidy`` down to ``tidy_derivative(f, x)``; a perfect square it writes as a square
    (``x^2 + 2x + 1`` as ``(x + 1)^2``) is factorised, and exponentials it merges (``e^x e^{x^2 - x + 3}`` into
    ``e^{x^2 + 3}``) are merged, each in a last step of its own, once the rest is tidy."""
    tidy = tidy_derivative(f, x)
    apart = presentable(derivative(f, x), merge=False)
    squared = squares_written(apart, derivative(f, x))
    if squared != apart and _squares(squared) <= _squares(evaluated(rule.expr)):
        # the rule wrote the square already (a part's tidy derivative): multiplied out and factorised again, two steps
        # undid each other, e^x (x - 1)^2 to e^x (x^2 - 2x + 1) to e^x (x - 1)^2
        steps = rule_and_tidy(rule, squared)
    else:
        steps = rule_and_tidy(rule, apart)
        if squared != apart:
            steps = (*steps, Step(squared, rewrite_name(apart, squared)))
    return steps if squared == tidy else (*steps, Step(tidy, COMBINE_POWERS))


def _squares(expr: sympy.Expr) -> set[sympy.Expr]:
    """The squares of sums in ``expr``."""
    return {node for node in sympy.preorder_traversal(expr) if node.is_Pow and node.base.is_Add and node.exp == 2}


COMBINE_POWERS = Reason("combine the powers of $e$")


def _keeping_brackets(worked: Chain, f: sympy.Expr) -> Chain:
    """A part's derivative keeps a bracket of the part as it stands: v' = -2(4 - x) for v = (4 - x)^2, not 2(x - 4),
    which the rule using v' then had to write back as -(4 - x) to cancel it (a TA read, derivatives-and-entropy,
    seed 8123). The minus signs cancel where v' is used."""
    *kept, last = worked.steps
    if kept and as_reason(last.why).template in MINUS_INTO and any(factor.is_Add and f.has(factor) for factor in sympy.Mul.make_args(kept[-1].expr)):
        return chain(*kept)
    return worked


def rule_and_tidy(rule: Step, after: sympy.Expr) -> tuple[Step, ...]:
    """A rule's step and its tidy form; only the tidy form, with the rule's reason, when tidying just reorders.

    A tidy form that factors out, multiplies out and collects at once is reached in two lines (``multiplied_out``):
    the common factor taken out and the products multiplied out, then the like terms collected. Each step's reason
    says what became of the minus signs it cancels (``rewrites.signs_named``), whichever branch named the step.
    """
    steps = _rule_and_tidy(rule, after)
    return (steps[0], *(Step(step.expr, signs_named(before.expr, step.expr, step.why)) for before, step in pairwise(steps)))


def _dot_multiplied(product: sympy.Expr) -> bool:
    """Whether cancelling the signs of ``product`` also multiplies a number out of a factor written after a dot,
    e^{2x} . (-2 (cos x + 2) sin x) as 2 e^{2x} (cos x + 2) sin x (a TA read, German 9623); where only the signs and the
    dot go, -(3 - x) log(3 - x) . (-sin x) or cos x . (-1), the signs alone are named (TA reads, German 9633, 9021)."""
    return any(
        abs(factor.as_coeff_Mul()[0]) != 1
        for node in sympy.preorder_traversal(product)
        if isinstance(node, WrittenProduct)
        for factor in node.args[1:]
    )


def _rule_and_tidy(rule: Step, after: sympy.Expr) -> tuple[Step, ...]:
    """``rule_and_tidy`` before its steps' cancelled minus signs are named."""
    if sign_moved(rule.expr, after):  # -e^x (A - B) is e^x (B - A): a step of its own; -A - B is -(A + B) the other way
        return (rule, Step(after, _moved_sign(rule.expr, after)))
    if reordered(rule.expr, after) and not to_multiply(rule.expr):  # x . 2x/(x^2 + 1) is multiplied in a line of its own (EN 9474)
        return (Step(after, rule.why),)
    if _signs_cancel(rule.expr):  # -1/(1 + e^{-x})^2 . (-e^{-x}) is multiplied before it is tidied
        if printed_width(rule.expr) > MAX_FACTORS_WIDTH:  # too wide side by side: the reason names the sign change
            return rule_and_tidy(Step(evaluated(rule.expr), signs_cancelling(rule.why)), after)
        # -(-2x sin(x^2)): no factors to multiply; sin(g) . 2 sin x/(cos x + 2)^2 still shows them apart (TA read, 8882)
        multiplied = evaluated(rule.expr)
        apart = rule.expr.negated or r"\cdot" in tex(multiplied)
        return (rule, *rule_and_tidy(Step(multiplied, SIGNS_CANCEL if apart else GENERIC_NAMES[0]), after))
    flipped = _turned_to_cancel(rule.expr)
    if flipped is not None:  # 2x^2 (x - 4) over (4 - x)^4: x - 4 is written -(4 - x) before (4 - x) cancels (a TA read)
        return (rule, *rule_and_tidy(flipped, after))
    names = rewrite_names(rule.expr, after)
    signed = [node for node in sympy.preorder_traversal(rule.expr) if _signs_cancel(node, powers_of_e=True)]
    # - log(x^2 + 2) . (-sin x) in a sum: multiplied in a line of its own, before a common denominator or an expansion,
    # which would otherwise turn the signs unnamed (x^2 . (-2(4 - x)) under "cancel (4 - x), expand and collect", a TA read)
    if signed:
        multiplied = xreplace_unevaluated(rule.expr, {node: _signs_cancelled(node) for node in signed})
        # - x^3 e^x . (-e^{-x}) is + x^3: "combine the powers of e; two minus signs cancel" (a TA read, 8871 f_2); sin x
        # . (-2 sin x) is -2 sin^2 x: "multiply the factors; ..." (a TA read, EN 9463, where the signs alone were named)
        combined = not all(map(_signs_cancel, signed))
        # a product the rule wrote with a dot, e^{2x} . (-2 (cos x + 2) sin x), is multiplied too (a TA read, 9623)
        merged = any(to_multiply(node) or _dot_multiplied(node) for node in signed)
        why = signs_cancelling(COMBINE_POWERS) if combined else signs_cancelling(GENERIC_NAMES[0]) if merged else SIGNS_CANCEL
        return (rule, *rule_and_tidy(Step(multiplied, why), after))
    scale = scaling(rule.expr, after) if len(names) > 1 else None
    if scale is not None:  # numerator and denominator multiplied by e^{2x} in a line of their own
        top, _ = sympy.fraction(rule.expr, exact=True)
        bottom = sympy.fraction(after, exact=True)[1]
        scaled = sympy.Mul(_multiplied_in(top, scale, bottom), sympy.Pow(bottom, -1, evaluate=False), evaluate=False)
        if printed_width(scaled) <= MAX_STEP_WIDTH:
            return (rule, *rule_and_tidy(Step(scaled, _sums_turned(names[0], rule.expr, bottom)), after))
    tidy = Step(after, listed(list(names)))
    middle = multiplied_out(rule.expr, after) if len(names) > 1 and (EXPAND in names or COLLECT in names) else None
    if middle is None:
        cancelled = _cancelled_first(rule.expr, after) if len(names) > 2 else None
        if cancelled is not None and cancelled.why == names[0]:  # "cancel (4 - x), expand and collect like terms": two lines
            return (rule, *rule_and_tidy(cancelled, after))
        shared = _shared_sum_cancelled(rule.expr) if len(names) > 2 else None
        if shared is not None:  # (e^x (1 + e^{-x})^2 + 2 (1 + e^{-x}))/(1 + e^{-x})^4: the 1 + e^{-x} every term has, first
            return (rule, *rule_and_tidy(shared, after))
        pair = cancelled_on_expanding(rule.expr) if tuple(names) == (EXPAND, COLLECT) else None
        if pair is not None and printed_width(pair) <= MAX_NAMED_WIDTH:
            return (rule, Step(after, Reason("expand; ${first}$ and ${second}$ cancel", first=tex(pair), second=tex(-pair))))
        return (rule, tidy)
    collected = listed(list(rewrite_names(middle.expr, after)))  # its signs named with the others' (rule_and_tidy)
    # Terms gathered by a common function (2 sin x + x sin x is (x + 2) sin x) are no "like terms" to SymPy,
    # whose name for the step would then be the fallback.
    if collected in (COLLECT, *GENERIC_NAMES):
        collected = listed([COLLECT, GENERIC_NAMES[0]]) if _merges_in_front(middle.expr) else COLLECT
    return (rule, middle, Step(after, collected))


def _sums_turned(why: Reason, before: sympy.Expr, bottom: sympy.Expr) -> Reason:
    """``why`` ("multiply numerator and denominator by $e^{2x}$") and how a sum below the bar becomes one of ``bottom``'s,
    ``e^{x} (1 + e^{-x}) = e^{x} + 1``: the numerator's 1 + e^{-x} turned into e^x + 1 unsaid (two TA reads)."""
    sums = [base for base in powers(bottom, evaluated_bases=True) if base.is_Add]
    old = sympy.fraction(evaluated(before), exact=True)[1]
    for base in powers(old, evaluated_bases=True):
        turned = turned_into(base, sums) if base.is_Add and base not in sums else None
        if turned is not None:
            new, share = turned
            product = tex(sympy.Mul(share, base, evaluate=False))
            return Reason("{first}; {then}", first=why, then=Reason("${left} = {right}$", left=product, right=tex(new)))
    return why


def _multiplied_in(top: sympy.Expr, scale: sympy.Expr, bottom: sympy.Expr) -> sympy.Expr:
    """The numerator ``top`` times ``scale`` as a hand multiplies it in, term by term, as the denominator ``bottom`` was:
    a sum that turns into one of ``bottom``'s takes its share of the factor (``e^{2x} (1 + e^{-x})`` is
    ``e^x (e^x + 1)``), and a sum with a negative power of e the rest (``e^{2x} (e^{-x} - 1)`` is ``e^x - e^{2x}``).
    Written ``e^{2x} (...)`` in front, the next line multiplied it in under another name (two TA reads, German 9061,
    EN 9063)."""
    sums = [base for base in powers(bottom, evaluated_bases=True) if base.is_Add]
    terms = []
    for term in _in_order(top):
        left, factors = scale, []
        for factor in sympy.Mul.make_args(term):
            base, exponent = factor.as_base_exp()
            turned = turned_into(evaluated(base), sums) if exponent.is_Integer and exponent > 0 else None
            share = turned[1] ** exponent if turned else None
            if share is not None and sympy.fraction(sympy.powsimp(left / share), exact=True)[1] == 1:
                factors.append(raised(turned[0], exponent))
                left = sympy.powsimp(left / share)
            else:
                factors.append(factor)
        for index, factor in enumerate(factors):
            if left != 1 and factor.is_Add and any(power.exp.could_extract_minus_sign() for power in factor.atoms(sympy.exp)):
                factors[index] = sympy.Add(*(left * part for part in _in_order(factor)))
                left = sympy.Integer(1)
        number = sympy.Mul(*(factor for factor in factors if factor.is_Number))
        rest = sympy.Mul(left, *(factor for factor in factors if not factor.is_Number))  # e^{2x} e^{-x} is e^x
        terms.append(written_product(number, rest) if rest.is_Add else number * rest)  # 2 (x + 1), not 2x + 2
    return WrittenSum(*terms, evaluate=False)


def _turned_to_cancel(expr: sympy.Expr) -> Step | None:
    """The step that writes a sum of a numerator's terms as minus the sum below the bar, ``x - 4`` as ``-(4 - x)`` over
    ``(4 - x)^4``, each term's sign turned with it, so that the cancelling that follows is a step of its own; None when
    no such sum stands above the bar. Left for the cancelling step, the sign change went unnamed (a TA read)."""
    top, bottom = sympy.fraction(expr, exact=True)
    if not top.is_Add or bottom == 1:
        return None
    below = {_innermost_base(factor) for factor in sympy.Mul.make_args(bottom)} - {None}
    turned: dict[sympy.Expr, sympy.Expr] = {}
    terms = []
    for term in _in_order(top):
        number, factors, changed = sympy.Integer(1), [], False
        for factor in sympy.Mul.make_args(term):
            base, exponent = factor.as_base_exp()
            negated = evaluated(-base) if base.is_Add and exponent.is_Integer else None
            if factor.is_Number:
                number *= factor
            elif negated is not None and negated in below and base not in below:
                turned[base] = negated
                number *= sympy.Integer(-1) ** exponent
                factors.append(raised(negated, exponent))
                changed = True
            else:
                factors.append(factor)
        terms.append(written_product(number, *factors) if changed else term)
    if not turned:
        return None
    total, negated = next(iter(turned.items()))
    why = _turn_reason(total, negated) if len(turned) == 1 else TAKE_MINUS_OUT_OF_BRACKET
    return Step(sympy.Mul(WrittenSum(*terms, evaluate=False), sympy.Pow(bottom, -1, evaluate=False), evaluate=False), why)


def _moved_sign(before: sympy.Expr, after: sympy.Expr) -> Reason:
    """What ``sign_moved`` did, in its direction: a minus sign taken out in front, one distributed into a bracket, or,
    in a sum whose terms gain a minus sign, one taken out of a bracket, "write 1 - x as -(x - 1)" ("distribute the
    minus sign" named the reverse, a TA read, EN 9543)."""
    if after.as_coeff_Mul()[0] < 0:
        return TAKE_OUT_MINUS
    plain = evaluated(before)
    signs = [sum(_negative(term) for term in printed_terms(expr)) for expr in (plain, after)]
    if not (after.is_Add and signs[1] > signs[0]):
        return _distributed(before, after)
    sums = [{node for node in sympy.preorder_traversal(expr) if node.is_Add} for expr in (plain, after)]
    turned = [(total, evaluated(-total)) for total in sums[0] - sums[1] if evaluated(-total) in sums[1]]
    return _turn_reason(*turned[0]) if len(turned) == 1 else TAKE_MINUS_OUT_OF_BRACKET


def _distributed(before: sympy.Expr, after: sympy.Expr) -> Reason:
    """Where the minus sign in front of ``before`` went: into the numerator, for a sum above a bar; into the bracket it
    names, "write -(3x - 2) as 2 - 3x", where the line shows other brackets too (in -6 (3x - 2) sin((3x - 2)^2), "into
    the bracket", German "in die Klammer", could mean either: two TA reads); else "distribute the minus sign"."""
    sums = [[factor for factor in sympy.Mul.make_args(expr) if factor.is_Add] for expr in (evaluated(before), after)]
    if len(sums[0]) != 1 or len(sums[1]) != 1:
        return DISTRIBUTE_MINUS
    (total,), (turned,) = sums
    if sympy.fraction(after)[1] != 1:
        return MINUS_INTO_NUMERATOR
    if not any(node.is_Add and node != turned for node in sympy.preorder_traversal(after)):  # no other bracket
        return DISTRIBUTE_MINUS
    written = as_written(total, before)
    if max(printed_width(written), printed_width(turned)) > MAX_NAMED_WIDTH:
        return DISTRIBUTE_MINUS
    return Reason(MINUS_INTO_NAMED, total=tex(written), turned=tex(turned))


def _innermost_base(factor: sympy.Expr) -> sympy.Expr | None:
    """The sum a factor below a rule's bar is a power of, ``4 - x`` of ``((4 - x)^2)^2``; None for any other base."""
    while factor.is_Pow:
        factor = factor.base
    return factor if factor.is_Add else None


def _turn_reason(total: sympy.Expr, negated: sympy.Expr) -> Reason:
    """"write $x - 4$ as $-(4 - x)$", or "take a minus sign out of a bracket" when the sums are too wide to name."""
    if max(printed_width(total), printed_width(negated)) > MAX_NAMED_WIDTH:
        return TAKE_MINUS_OUT_OF_BRACKET
    return Reason("write ${total}$ as $-({negated})$", total=tex(total), negated=tex(negated))


def _cancelled_first(before: sympy.Expr, after: sympy.Expr) -> Step | None:
    """The line between a rule's fraction ``before`` and its tidy form ``after`` with only the factor they cancel struck
    out of each term, nothing multiplied out (``(2x (4 - x) + 2x^2)/(4 - x)^3``); None if the terms do not all have it,
    or the line would not fit."""
    written_top = sympy.fraction(before, exact=True)[0]
    bottom = sympy.fraction(evaluated(before), exact=True)[1]
    new_bottom = sympy.fraction(after, exact=True)[1]
    cancelled = bottom / new_bottom
    if cancelled == 1 or sympy.fraction(cancelled, exact=True)[1] != 1 or not written_top.is_Add:
        return None
    terms = [_divided(evaluated(term), cancelled) for term in _in_order(written_top)]
    if any(sympy.fraction(term, exact=True)[1] != 1 for term in terms):
        return None
    middle = sympy.Mul(WrittenSum(*terms, evaluate=False), sympy.Pow(new_bottom, -1, evaluate=False), evaluate=False)
    return Step(middle, cancel_from_sum_reason(cancelled)) if printed_width(middle) <= MAX_STEP_WIDTH else None


def _shared_sum_cancelled(before: sympy.Expr) -> Step | None:
    """The line that strikes out a sum that every term of ``before``'s numerator and its denominator have, to its lowest
    power among them, nothing else done: ``(e^x (1 + e^{-x})^2 + 2 (1 + e^{-x}))/(1 + e^{-x})^4`` is
    ``(e^x (1 + e^{-x}) + 2)/(1 + e^{-x})^3``. A tidy form that also multiplies numerator and denominator by e^{3x}
    hid the cancelling under "write over one denominator, expand, collect like terms and factor out e^{3x}" (a TA read,
    EN 9024 f_2). None if there is no such sum or the line would not fit."""
    written_top = sympy.fraction(before, exact=True)[0]
    bottom = sympy.fraction(evaluated(before), exact=True)[1]
    if not written_top.is_Add or bottom == 1:
        return None
    terms = _in_order(written_top)  # as written: SymPy multiplies the 2 of 2 (1 + e^{-x}) into the sum
    for base, exponent in powers(bottom, evaluated_bases=True).items():
        if not base.is_Add:
            continue
        found = [powers(term, evaluated_bases=True).get(base, 0) for term in terms]
        lowest = sympy.sympify(min([*found, exponent]))
        if not (lowest.is_Integer and lowest > 0):
            continue
        struck = base**lowest
        top = WrittenSum(*(_divided(term, struck) for term in terms), evaluate=False)
        middle = sympy.Mul(top, sympy.Pow(evaluated(bottom / struck), -1, evaluate=False), evaluate=False)
        return Step(middle, cancel_from_sum_reason(struck)) if printed_width(middle) <= MAX_STEP_WIDTH else None
    return None


def _signs_cancelled(product: sympy.Expr) -> sympy.Expr:
    """A rule's factors side by side (``_signs_apart``) with their minus signs cancelled and each factor kept whole:
    ``-(x^2 + 2) \\cdot (-\\sin x)`` is ``(x^2 + 2) \\sin x``, where SymPy would multiply the -1 into the sum first."""
    number, rest = sympy.Integer(1), []
    for factor in product.args:
        coefficient, part = factor.as_coeff_Mul()
        number *= coefficient
        rest.append(evaluated(part))
    return _keep_coeff(number, sympy.Mul(*rest))


MAX_FACTORS_WIDTH = 40
"""Widest line of a rule's factors side by side (``printed_width``) whose minus signs cancel, as wide as the families
let a partial be: with the reason column beside it, a wider one overflows the page in German."""


def multiplied_out(before: sympy.Expr, after: sympy.Expr) -> Step | None:
    """The line a student writes between a rule's result ``before`` and its tidy form ``after``: the factor every
    term shares cancelled against the denominator or taken out in front of one sum, every product in it multiplied
    out term by term, like terms not yet collected. None when that line is no step of its own (nothing multiplied
    out, nothing cancelled, the whole factor taken out: a student factors out and collects in one go), or would
    not fit.

    A number of the factor that divides the terms only once they are collected, 2 in 2(x - 2)^2 (2x - 1) from
    (x - 2)^3 + 3x(x - 2)^2, is taken out after collecting, on the next line.
    """
    top, bottom = sympy.fraction(evaluated(before), exact=True)
    written_top, written_bottom = sympy.fraction(before, exact=True)
    new_top, new_bottom = sympy.fraction(after, exact=True)
    written_terms = _written_terms(written_top, new_top)
    if not top.is_Add and len(written_terms) > 1:  # e^{2x} (A + B) to e^x (C): the factor in front goes into the terms
        top = sympy.Add(*map(evaluated, written_terms))
    cancelled = bottom / new_bottom
    if not top.is_Add or sympy.fraction(cancelled, exact=True)[1] != 1:
        return None
    inner = _inner_sum(top, new_top)
    if inner is not None:
        outside = [factor for factor in sympy.Mul.make_args(new_top) if factor != inner]
    else:  # the terms collect to a single term: their common factor goes in front of the line, as for a sum
        outside = _common_factors(top, new_top, cancelled)
        if outside is None:
            return None
    number = sympy.Mul(*(factor for factor in outside if factor.is_Number))
    rest = sympy.Mul(*(factor for factor in outside if not factor.is_Number))  # apart: SymPy multiplies 2 (x^2 + x + 3) out
    pieces = [_divided(evaluated(term), number, cancelled, rest) for term in written_terms]
    if outside == [] and cancelled == 1:  # -(3 - x) opened in the order written, -3 + x (a TA read, 8831 f_3)
        pieces = [_opened_as_written(term) if negated_sum(term) else piece for term, piece in zip(written_terms, pieces)]
    later = number != 1 and any(sympy.fraction(piece, exact=True)[1] != 1 for piece in pieces)
    if later:
        pieces = [piece * number for piece in pieces]
    common = [factor for factor in (*([] if later else [number]), *sympy.Mul.make_args(rest)) if factor != 1]
    # a product the tidy form keeps is not multiplied out
    kept = frozenset(sympy.Add.make_args(inner)) if inner is not None else frozenset()
    grouped = frozenset(function for coefficient, function in map(function_part, kept) if coefficient.is_Add)
    parts = [distributed(piece, kept, grouped) for piece in pieces]
    terms = [part for group in parts for part in group]
    # what the line opens: only brackets after a minus sign, -(1 + e^{-x}), is no "expand" (a TA read, German 8842)
    opened = [term for term, group in zip(written_terms, parts) if len(group) > 1]
    pulled = [*sympy.Mul.make_args(rest), *sympy.Mul.make_args(cancelled)]
    expanded = any(multiplies_out(evaluated(term), 1 if later else number, pulled) for term in written_terms)
    if len(terms) <= len(kept) or any(sympy.fraction(term, exact=True)[1] != 1 for term in terms):
        return None
    negated = bool(opened) and all(map(negated_sum, opened))
    # -(3 - x) - (2 - x) is -3 + x - 2 + x before 2x - 5; -(3x + 4y + 3x) goes to -2(3x + 2y) at once
    opens = expanded or (negated and not outside)
    if not (opens or later or cancelled != 1):
        return None
    written = WrittenSum(*terms, evaluate=False)
    factors = [*common, written]
    if new_bottom != 1:
        below = sympy.Mul.make_args(written_bottom if cancelled == 1 else new_bottom)  # one power each, as the rule's line
        factors += [sympy.Pow(factor, -1, evaluate=False) for factor in below]
    middle = sympy.Mul(*factors, evaluate=False) if len(factors) > 1 else written  # a product of one would print evaluated
    if printed_width(middle) > MAX_STEP_WIDTH:
        return None
    names = []
    if common:  # a sum taken out is named in its brackets: "factor out $x^2 + x + 3$" read as taking out x^2 (TA read)
        taken = sympy.Mul(*common, evaluate=False) if len(common) > 1 else common[0]
        names.append(Reason("factor out ${factor}$", factor=bracket(tex(taken)) if taken.is_Add else tex(taken)))
    if cancelled != 1:  # after the factoring that lets it cancel (rewrite_names, EN 9464); out of the sum, if alone
        names.append(cancel_reason(cancelled) if common else cancel_from_sum_reason(cancelled))
    if opens:
        names.append((OPEN_NEGATED if len(opened) == 1 else OPEN_NEGATED_ALL) if negated else _expanding(pieces, kept, grouped))
    return Step(middle, listed(names)) if names else None  # brackets dropped and nothing else: no step


def _expanding(pieces: list[sympy.Expr], kept: frozenset, grouped: frozenset) -> Reason:
    """"expand", or the one product it expands where the tidy form keeps another product of the same bracket whole:
    e^x (cos x + x cos x - cos x - (x - 1) sin x) from e^x (x - 1)(cos x - sin x) expands (x - 1) cos x, and says so
    ("factor out e^x and expand" read as expanding both, TA read EN 8903). Any other expansion in the line, or more
    than one such product, is "expand"."""
    opened = []
    for piece in (term for piece in pieces for term in sympy.Add.make_args(piece)):
        functions = _sum_of_functions(piece) if piece.is_Mul else None
        if functions is None:
            if len(distributed(piece, kept, grouped)) > 1:
                return EXPAND
            continue
        rest = [factor for factor in piece.args if factor is not functions]
        choices = _in_order(functions)
        # a product that multiplies out; (2x + 1) . 1 and -(2 - x) . 1 are a sum's terms, nothing expanded
        split = [
            len([factor for factor in (*rest, choice) if factor not in (1, -1)]) > 1
            and len(distributed(sympy.Mul(*rest, choice), kept, grouped)) > 1
            for choice in choices
        ]
        # a choice that only copies the rest, (x + 2) . 1, is opened too: (x + 2)(e^x + 1) as x e^x + 2 e^x + x + 2 is
        # the whole product expanded, not "e^x (x + 2)" alone, which the line never shows (a TA read, German 9134)
        copied = [len([factor for factor in (*rest, choice) if factor not in (1, -1)]) <= 1 for choice in choices]
        if all(split) or (any(split) and all(s or c for s, c in zip(split, copied))):
            return EXPAND
        if not any(split) and len(choices) > 1 and any(factor not in (1, -1) for factor in rest):
            # (x^2 + 1)(e^x + 1) opened into e^x (x^2 + 1) + x^2 + 1: an expansion, though no product in it multiplies out
            return EXPAND
        for choice, many in zip(choices, split):
            if many:  # as multiplied: 2 (4 - x), never SymPy's 8 - 2x
                product = sympy.Mul(*rest, choice)
                opened.append(sympy.Mul(*rest, choice, evaluate=False) if product.is_Add else product)
    # e^{-x} e^x (2x - 1), powers of e the line cancels as it expands, is no product a hand would name
    if len(opened) != 1 or sum(isinstance(factor, sympy.exp) for factor in sympy.Mul.make_args(opened[0])) > 1:
        return EXPAND
    return Reason("expand ${product}$", product=tex(opened[0]))


def _common_factors(top: sympy.Expr, new_top: sympy.Expr, cancelled: sympy.Expr) -> list[sympy.Expr] | None:
    """The factors every term of the sum ``top`` shares, bar those ``cancelled`` against the denominator, when the
    tidy numerator ``new_top`` is them times a single term: ``2x (x^2 + 3)^2`` of ``6x (x^2 + 1)(x^2 + 3)^2 -
    2x (x^2 + 3)^3``, which is ``4x^3 (x^2 + 3)^2``. None when what is left is a sum, or nothing."""
    shared = reduce(lambda a, b: a.gcd(b), map(Term, sympy.Add.make_args(top))).as_expr() / cancelled
    left = new_top / shared
    if sympy.fraction(shared, exact=True)[1] != 1 or left.is_Number or any(factor.is_Add for factor in sympy.Mul.make_args(left)):
        return None
    return list(sympy.Mul.make_args(shared))


def _merges_in_front(middle: sympy.Expr) -> bool:
    """Whether the single term a sum collects to is multiplied into the factor in front of it: ``2x (3x^2 - x^2)``
    is ``4x^3``, two numbers and two powers of x made one."""
    top = sympy.fraction(middle, exact=True)[0]
    written = next((factor for factor in top.args if isinstance(factor, WrittenSum)), None) if top.is_Mul else None
    if written is None:
        return False
    factors = [*(factor for factor in top.args if factor is not written), *sympy.Mul.make_args(evaluated(written))]
    _, bases = number_and_powers(factors)
    return sum(factor.is_Number for factor in factors) > 1 or any(len(exponents) > 1 for exponents in bases.values())


def _opened_as_written(negated: sympy.Expr) -> sympy.Expr:
    """``-(A + B)`` opened term by term in the order the bracket shows them: ``-(3 - x)`` is ``-3 + x``."""
    return WrittenSum(*(evaluated(-term) for term in _in_order(negated.args[1])), evaluate=False)


def _divided(term: sympy.Expr, *divisors: sympy.Expr) -> sympy.Expr:
    """``term`` divided by each of ``divisors``, a factor of both struck out: SymPy leaves ``e^{u} e^{-u}`` standing
    for an exponent ``u`` with several terms."""
    factors = list(sympy.Mul.make_args(term))
    rest = []
    for factor in (part for divisor in divisors for part in sympy.Mul.make_args(divisor)):
        if factor in factors:
            factors.remove(factor)
        else:
            rest.append(1 / factor)
    return sympy.Mul(*factors, *rest)


def _written_terms(top: sympy.Expr, new_top: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """The terms of a numerator as its line shows them (``_in_order``); of a factor times one sum, ``e^{2x} (A - B)``,
    the factor times each term of the sum, as multiplying it in gives them, unless the tidy numerator ``new_top``
    keeps the factor in front (``e^{2x} (e^x + 2)``): then the sum alone is worked, as a term."""
    sums = [factor for factor in sympy.Mul.make_args(top) if factor.is_Add]
    if not top.is_Mul or len(sums) != 1:
        return _in_order(top)
    front = [factor for factor in top.args if factor is not sums[0]]
    if all(evaluated(factor) in sympy.Mul.make_args(new_top) for factor in front):
        return _in_order(top)
    return tuple(sympy.Mul(*front, term, evaluate=False) for term in _in_order(sums[0]))


def _inner_sum(top: sympy.Expr, new_top: sympy.Expr) -> sympy.Expr | None:
    """The one sum of the tidy numerator ``new_top`` that the terms of ``top`` do not all share: what is left once
    the common factor is out (``x^3 + 3x + 3`` in ``2 (x^2 + x + 3)(x^3 + 3x + 3)``); None if there are several."""
    sums = [factor for factor in sympy.Mul.make_args(new_top) if factor.is_Add and not all(has_factor(term, factor) for term in top.args)]
    return sums[0] if len(sums) == 1 else None


def _in_order(expr: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """The terms of a sum as its line shows them: a written sum's in the order given, another's as printed."""
    if isinstance(expr, WrittenSum):
        return expr.args
    return printed_terms(expr)


def distributed(expr: sympy.Expr, kept: frozenset = frozenset(), grouped: frozenset = frozenset()) -> list[sympy.Expr]:
    """The terms of ``expr`` with its products of sums multiplied out term by term, a sum of functions first, then
    outermost sum first, in reading order, like terms not collected (``(2 - x)(x + 3)`` gives ``2x, 6, -x^2, -3x``); function applications stay whole,
    and so does a product in ``kept`` (one the tidy form shows as it stands, such as ``x(x + 1) cos x``), and a sum
    times functions in ``grouped`` (``(3x + 1) cos x``, where the tidy form collects ``(6x + 1) cos x``)."""
    if expr in kept:
        return [expr]
    alike = next((term for term in kept if expand_outside(term) == expand_outside(expr)), None) if expr.is_Mul else None
    if alike is not None:  # e^x (1 + e^{-x}) cos x is the tidy form's (e^x + 1) cos x: never opened to be taken back
        return [alike]
    if expr.is_Mul and sum_times(expr, grouped):
        return [expr]
    if expr.is_Add:
        return [term for arg in _in_order(expr) for term in distributed(arg, kept, grouped)]
    if _power_of_sum(expr):
        return distributed(_binomial(expr), kept, grouped)
    if not (expr.is_Mul and any(factor.is_Add or _power_of_sum(factor) for factor in expr.args)):
        return [expr]
    functions = _sum_of_functions(expr)
    if functions is not None:  # (2 - x)(x cos x + sin x) is x(2 - x) cos x + (2 - x) sin x first: the tidy form may keep a part
        rest = [factor for factor in expr.args if factor is not functions]
        return [term for choice in _in_order(functions) for term in distributed(sympy.Mul(*rest, choice), kept, grouped)]
    factors = [_binomial(factor) if _power_of_sum(factor) else factor for factor in expr.args]
    products: list[list[sympy.Expr]] = [[]]
    for factor in factors:  # a sum offers each of its terms; every other factor goes into every product
        choices = _in_order(factor) if factor.is_Add else (factor,)
        products = [product + [choice] for product in products for choice in choices]
    return [term for product in products for term in distributed(sympy.Mul(*product), kept, grouped)]


def _sum_of_functions(product: sympy.Expr) -> sympy.Expr | None:
    """The first factor of ``product`` that is a sum with a function in it (``x cos x + sin x``), which ``distributed``
    multiplies out first; None if there is none."""
    return next((factor for factor in product.args if factor.is_Add and factor.has(sympy.Function)), None)


def _power_of_sum(expr: sympy.Expr) -> bool:
    """``(a + b)^2`` or ``^3``, which a student multiplies out (``_binomial``)."""
    return expr.is_Pow and expr.base.is_Add and expr.exp.is_Integer and 1 < expr.exp <= 3


def _binomial(power: sympy.Expr) -> sympy.Expr:
    """A power of a sum multiplied out by the binomial formula, its like terms collected, in reading order:
    ``(x - 2)^2`` is ``x^2 - 4x + 4``, never ``x^2 - 2x - 2x + 4`` (a TA read found the -2x twice)."""
    return WrittenSum(*printed_terms(expand_outside(power)), evaluate=False)


@dataclass(frozen=True)
class Piece:
    """A named part of the function and the derivation of its derivative."""

    name: sympy.Symbol
    expr: sympy.Expr
    derivative: Chain
    inner: bool = False
    """The inner function of the chain rule, named apart from the parts of sums, products and quotients (``_letters``)."""

    def written(self, named: Iterable["Piece"]) -> sympy.Expr:
        """What the page defines this part as, among the parts ``named`` with it: a quotient of two of them is their
        names' quotient, ``w = u/v`` (its whole expression, sin(x - 2)/(2x^2 + 1), stood again beside u and v in a small
        inline fraction, TA read EN 8901); otherwise its expression."""
        names = {piece.expr: piece.name for piece in named if piece is not self}
        numerator, denominator = sympy.fraction(self.expr)
        if denominator != 1 and numerator in names and denominator in names:
            return sympy.Mul(names[numerator], sympy.Pow(names[denominator], -1, evaluate=False), evaluate=False)
        return self.expr


@dataclass(frozen=True)
class Worked:
    """A derivative as a teaching assistant writes it: the named pieces (u, v, ...) with their own
    derivatives, then the rule steps down to the tidy result."""

    pieces: tuple[Piece, ...]
    derivative: Chain
    rules: tuple[str, ...]
    """Rule names (product, quotient, chain) in the order they were applied, outermost first."""

    @property
    def result(self) -> sympy.Expr:
        return self.derivative.result

    def new_pieces(self, earlier: Iterable["Worked"]) -> tuple[Piece, ...]:
        """The pieces not named already, with the same letter and expression, by ``earlier`` partials.

        ``For df/dy let u = x^2 + y^2 + 1`` right after the same sentence for df/dx names nothing new:
        the line naming the pieces of a partial lists these only.
        """
        named = {(piece.name, piece.expr) for worked in earlier for piece in worked.pieces}
        return tuple(piece for piece in self.pieces if (piece.name, piece.expr) not in named)

    def derived_before(self, earlier: Iterable["Worked"]) -> frozenset[tuple[sympy.Symbol, sympy.Expr]]:
        """The pieces (letter, expression) whose derivative in this partial's variable ``earlier`` partials worked
        out already; none for a derivative in one variable (``vectorcalc.Partial`` knows its variable)."""
        return frozenset()


@remembered(maxsize=4096)
def rules_needed(f: sympy.Expr, x: sympy.Symbol) -> tuple[str, ...]:
    """The rules ``differentiate`` would apply, found without working out any derivative (cheap).

    Which rules apply, and to which named pieces, depends on the shape of ``f`` only; remembered per process.
    """
    state = _State(x, worked=False)
    state.rule_form(f)
    return tuple(state.rules)


@remembered(maxsize=2048)
def differentiate(f: sympy.Expr, x: sympy.Symbol, partial: bool = False) -> Worked:
    """The derivative of ``f`` with named pieces, rule steps and a tidy result; ``partial``: a part of a partial
    derivative (``worked_partial``), whose reasons write no prime."""
    state = _State(x, univariate=not partial and f.free_symbols <= {x})
    rule_form, why = state.rule_form(f)
    derivative = worked_chain(*_rule_to_tidy(Step(rule_form, why), f, x))
    return Worked(_renamed(state.pieces, _letters(state.pieces)), derivative, tuple(state.rules))


def named_alike(worked: Iterable[Worked]) -> tuple[Worked, ...]:
    """Worked derivatives printed in one solution, in reading order, renamed so that a letter means one part
    throughout: ``u = x^2`` for df/dx and then ``u = x^2 + y^2 + 1`` for df/dy read as one u changing its
    meaning. A part met again keeps its letter (its derivative by the next variable is new)."""
    worked = tuple(worked)
    letters = _letters(piece for each in worked for piece in each.pieces)
    return tuple(replace(each, pieces=_renamed(each.pieces, letters)) for each in worked)


def _renamed(pieces: Iterable[Piece], letters: dict[sympy.Expr, sympy.Symbol]) -> tuple[Piece, ...]:
    """The pieces with their ``letters``, listed as they come, inside out.

    Their names appear only in the list and on the left of their derivatives, so naming them last is free.
    """
    return tuple(replace(piece, name=letters[piece.expr]) for piece in pieces)


def _letters(pieces: Iterable[Piece]) -> dict[sympy.Expr, sympy.Symbol]:
    """A letter per part, by the rule that acts on it, in reading order: u, v, w, r, s for the parts of sums,
    products and quotients (``_part_letters``), g for the inner function of the chain rule (g_1, g_2, ... if there
    are several). A TA read found u the quotient rule's numerator for f_1 and the chain rule's inner function for
    f_2 on one page: a letter keeps its role throughout a sheet. A part met in both roles keeps its first."""
    inner: dict[sympy.Expr, bool] = {}
    for piece in pieces:
        inner.setdefault(piece.expr, piece.inner)
    parts = [expr for expr, is_inner in inner.items() if not is_inner]
    inners = [expr for expr, is_inner in inner.items() if is_inner]
    if len(inners) == 1:
        inner_letters = [sympy.Symbol(INNER_LETTER)]
    else:
        inner_letters = [sympy.Symbol(f"{INNER_LETTER}_{n}") for n in range(1, len(inners) + 1)]
    return dict(zip(parts, _part_letters())) | dict(zip(inners, inner_letters))


def _part_letters() -> Iterator[sympy.Symbol]:
    """u, v, w, r, s (``PART_LETTERS``), then u_1, u_2, ... should a solution ever need more."""
    yield from map(sympy.Symbol, PART_LETTERS)
    yield from (sympy.Symbol(f"u_{n}") for n in count(1))


class _State:
    def __init__(self, x: sympy.Symbol, worked: bool = True, univariate: bool = True):
        self.x = x
        self.worked = worked
        """False: only record the rules and pieces; every derivative is a placeholder 0."""
        self.univariate = univariate
        """The function has no variable but ``x``: a prime, (4 - x)' = -1, reads as d/dx only then."""
        self.pieces: list[Piece] = []
        """Named parts, inside out; ``_letters`` gives them their final names."""
        self.rules: list[str] = []

    def rule_form(self, f: sympy.Expr) -> tuple[sympy.Expr, str]:
        """The derivative of f written as the rule that applies to f's outermost operation."""
        x = self.x
        if not f.has(x):
            return sympy.Integer(0), constant_in(x)
        idle = _idle_terms(f, x)
        if self._elementary(f) and not idle:
            return self._table(f), self._table_reason(f)
        if f.is_Add:
            self.rules.append("sum")
            varying = [term for term in printed_terms(f) if term.has(x)]
            terms, tabled_terms = zip(*(self._derivative_of(term) for term in varying))
            # a term read off the table beside named parts says so: "sum rule" alone above e^{-y} sin(e^{-y}) - 4y
            # hid that -2y^2 was differentiated too (TA read, German 8934 1.3(c)); a term that a later one names as a
            # part (x^2 in x^2 + e^{x^2}, g = x^2) is read from the part's line above (TA read, German 9002 1.3(c))
            read_off = [tabled and not self._named(term) for term, tabled in zip(varying, tabled_terms)]
            # beside terms that drop out, a table read only for a term of degree one (y' = 1) goes without saying
            tabled = any(read_off) and not (idle and all(_linear(t, x) for t, read in zip(varying, read_off) if read))
            # a number carried in front of a named part's derivative is the constant factor rule too: 2e^{2y} as 2 u'
            # = 4e^{2y} under "sum rule" alone (a TA read, German bank sheet 9742); in front of a table entry it is read off
            carried = any(abs(term.as_coeff_Mul()[0]) != 1 and not self._elementary(term.as_coeff_Mul()[1]) for term in varying)
            rule = _sum_rule(_scaled(f, x) or carried, tabled)
            why = _dropping(rule, idle, x) if idle else rule
            return WrittenSum(*terms, evaluate=False) if len(terms) > 1 else terms[0], why
        if f.is_Mul:
            constant, rest = f.as_independent(x, as_Add=False)
            if constant != 1:
                # y e^x in x as -y^2 e^x in y: a table entry behind the constant says so ("constant factor, table ...");
                # a sum behind it that loses terms free of x (2(xy - sin(2y)) in x) names them, as the sum rule does
                idle_rest = _idle_terms(rest, x) if self._elementary(rest) else []
                if idle_rest:
                    why = _dropping(CONSTANT_SUM, idle_rest, x)
                else:
                    why = CONSTANT_TABLE if self._elementary(rest) else N_("constant factor")
                return written_product(constant, self._derivative_of(rest)[0]), why
            factors = f.as_ordered_factors()
            below = [b.base ** -b.exp for b in factors if _is_reciprocal(b)]
            above = [factor for factor in factors if not _is_reciprocal(factor)]
            if below:
                return self._quotient(sympy.Mul(*above), sympy.Mul(*below))
            return self._product(above[0], sympy.Mul(*above[1:]))
        if _is_reciprocal(f):
            return self._quotient(sympy.Integer(1), f.base ** -f.exp)
        return self._chain(f)

    def _table_reason(self, f: sympy.Expr) -> str:
        """"table of derivatives", or, for a table entry times a factor in other variables (``-y^2 e^x`` in y,
        ``-x^2/(e^y + 1)`` in x), "constant factor, table of derivatives": the same words as a constant
        factor carried in front of any other part (``constant factor``), never the table alone for
        ``-2y e^x``. A number in front (``3 x^2``) is read off the table as it stands; a sum (``x^2 + 2``,
        ``cos x + 2``) term by term, by the sum rule, which the reason names; terms of the sum free of x drop
        out, and the reason says so after the table (``u = x^2 + y``: "sum rule; table of derivatives; $y$ does not depend
        on $x$"), which a sum whose every varying term is a multiple of x (``x^2 y - x`` in y) does without.
        A term with a factor in other variables adds the constant factor rule to the sum rule (``_scaled``)."""
        idle = _idle_terms(f, self.x)
        scaled = _scaled(f, self.x)
        if idle:  # the table read too: "sum rule; 2y^2 does not depend on x" hid 3x^2 y read off it (three TA reads)
            read = not all(_linear(term, self.x) for term in sympy.Add.make_args(f) if term.has(self.x))
            return _dropping(_sum_rule(scaled, read), idle, self.x)
        if f.is_Add:
            return CONSTANT_SUM_TABLE if scaled else SUM_TABLE
        return CONSTANT_TABLE if scaled else TABLE

    def _elementary(self, f: sympy.Expr) -> bool:
        """Read off the table term by term: expanded polynomials in x, exp, log, sin, cos of plain x,
        and sums of these and their number multiples (``e^x + 1``, ``\\cos x + 2``, ``x^2 + \\sin x``).

        One rule for every sum of table entries, so that ``w = e^x + 1`` is not worked by the
        "sum rule" beside ``x^2 + 3`` from the "table of derivatives" in the same solution.
        Other variables count as constants, so this also serves partial derivatives.
        """
        x = self.x
        if f.is_polynomial(x):
            return f == expand(f)
        if f.is_Add:
            return all(term.is_polynomial(x) or self._tabulated(term) for term in f.args) and f == expand(f)
        return self._tabulated(f) and not f.is_Mul

    def _tabulated(self, term: sympy.Expr) -> bool:
        """A number times exp, log, sin or cos of plain x."""
        x = self.x
        return term.as_coeff_Mul()[1] in (sympy.exp(x), sympy.log(x), sympy.sin(x), sympy.cos(x))

    def _derivative_of(self, f: sympy.Expr) -> tuple[sympy.Expr, bool]:
        """Derivative of a sub-expression, from the table directly or as a named piece, and whether it was read off
        the table.

        A constant factor is carried in front (``3 sin(x^2)`` gives ``3 (sin(x^2))'``), so the
        piece named is the part that varies.
        """
        if self._elementary(f):
            return self._table(f), True
        constant, varying = f.as_independent(self.x, as_Add=False)
        if constant != 1:
            inner, read_off = self._derivative_of(varying)
            return written_product(constant, inner), read_off
        return self._piece(f).result, False

    def _named(self, f: sympy.Expr) -> bool:
        """Whether ``f``, or the part of it that varies, is a named part."""
        varying = f.as_independent(self.x, as_Add=False)[1]
        return any(piece.expr in (f, varying) for piece in self.pieces)

    def _pieces(self, *parts: sympy.Expr) -> list[sympy.Expr]:
        """Derivatives of a rule's operands, in order.

        x times or over one table entry of x (``x e^x``, ``\\sin x / x``) names nothing: x' = 1 goes without saying,
        and a lone ``u = e^x`` with ``u' = e^x`` was named for nothing (a TA read); the rule reads both off the table.
        """
        others = [part for part in parts if part != self.x]
        if len(parts) == 2 and len(others) == 1 and self._table_entry(others[0]):
            return [self._table(part) for part in parts]
        return [self._piece(part).result for part in parts]

    def _table_entry(self, f: sympy.Expr) -> bool:
        """One line of the table: a number times a power of x, or exp, log, sin or cos of plain x."""
        term = f.as_coeff_Mul()[1]
        return self._tabulated(f) or (term.is_Pow and term.base == self.x and term.exp.is_Integer)

    def _piece(self, f: sympy.Expr, inner: bool = False) -> Chain:
        """The derivative of a part of f, listed as a named piece.

        Pieces are listed inside out (a piece comes after those its derivative
        uses). A linear inner function of the chain rule (``inner``) is
        not named: its derivative is a number.
        """
        named = next((piece for piece in self.pieces if piece.expr == f), None)
        if named is not None:
            return named.derivative
        if f == self.x:  # x' = 1 goes without saying
            return chain(Step(sympy.Integer(1), TABLE))
        if self._elementary(f):
            worked = chain(Step(derivative(f, self.x), self._table_reason(f)))
            if inner and not worked.result.has(self.x):
                return worked
        else:
            rule = Step(*self.rule_form(f))
            worked = _keeping_brackets(worked_chain(*(_rule_to_tidy(rule, f, self.x) if self.worked else (rule,))), f)
        self.pieces.append(Piece(sympy.Symbol("_"), f, worked, inner))
        return worked

    def _table(self, f: sympy.Expr) -> sympy.Expr:
        return derivative(f, self.x) if self.worked else sympy.Integer(0)

    def _product(self, u: sympy.Expr, v: sympy.Expr) -> tuple[sympy.Expr, str]:
        self.rules.append("product")
        du, dv = self._pieces(u, v)
        return WrittenSum(_rule_product(du, v), _rule_product(u, dv), evaluate=False), PRODUCT

    def _quotient(self, u: sympy.Expr, v: sympy.Expr) -> tuple[sympy.Expr, str]:
        square = sympy.Pow(_squared(v), -1, evaluate=False)
        if not u.has(self.x):
            # (c/v)' = -c v'/v^2 is the chain rule on v^{-1}: a rule of every sheet's recap box, which
            # a "reciprocal rule" is not.
            self.rules.append("reciprocal")
            dv = self._piece(v, inner=True).result  # named as the chain rule's inner function (g), which it is here
            return written_product(-u, square, dv), CHAIN
        self.rules.append("quotient")
        du, dv = self._pieces(u, v)
        # u' = 2x/(x^2 + 1) times v = x^2 + 1 is 2x: what v (or u) cancels is never multiplied through (a TA read)
        (du, v_left), cancelled = _cancelled_against(du, v)
        (dv, u_left), also = _cancelled_against(dv, u)
        (du, above_du), (dv, above_dv), below = _over_one_bar(du, dv)
        first, second = _rule_product(du, v_left, above_du), _rule_product(-1, written_product(above_dv, u_left), dv)
        numerator = WrittenSum(first, second, evaluate=False)
        names = [as_reason(QUOTIENT), *map(cancel_reason, dict.fromkeys((*cancelled, *also)))]
        if below == 1:
            return sympy.Mul(numerator, square, evaluate=False), listed(names) if len(names) > 1 else QUOTIENT
        # the fractions in u' and v' cleared, named by what clears them ("common denominator" hid it, TA read DE 8902)
        rule = listed(names) if len(names) > 1 else QUOTIENT
        return sympy.Mul(numerator, *_below_the_rule(below, v), evaluate=False), Reason(
            "{rule}; multiply numerator and denominator by ${factor}$", rule=as_reason(rule), factor=tex(below)
        )

    def _chain(self, f: sympy.Expr) -> tuple[sympy.Expr, str]:
        """f = g(inner): g'(inner) times the derivative of inner."""
        self.rules.append("chain")
        inner = f.base if f.is_Pow else f.args[0]
        if not self.worked:
            self._piece(inner, inner=True)
            return sympy.Integer(0), CHAIN
        outer = f.subs(inner, _INNER)
        # Tidied before the inner function goes back in, unevaluated, so that both stay as written:
        # 2 (x^3 + x + 1), not 2 x^3 + 2 x + 2; cos(2x + 4), not cos(2(x + 2)).
        outer_derivative = factor_terms(derivative(outer, _INNER))
        outer_derivative = xreplace_unevaluated(outer_derivative, {_INNER: inner})
        inner_derivative = self._piece(inner, inner=True).result
        linear = inner_derivative.is_Number and (inner_derivative != 1 or inner.is_Add)
        if linear and self.univariate and not any(piece.expr == inner for piece in self.pieces):
            # a linear inner function is not named: the reason says where the sign or the factor comes from,
            # log(4 - x)' = -1/(4 - x) (three TA reads, EN 9644, German 9663, EN 9664), 2 cos(2x - 1) (German 9721), and
            # that there is none, (x - 2)' = 1 beside (4 - x)' = -1 in the next function (a TA read, German 9742)
            named = Reason("{rule}; $({inner})' = {value}$", rule=as_reason(CHAIN), inner=tex(inner), value=tex(inner_derivative))
            return written_product(outer_derivative, inner_derivative), named
        return written_product(outer_derivative, inner_derivative), CHAIN


def _over_one_bar(*parts: sympy.Expr) -> tuple:
    """``(numerator, what it takes on)`` for each of ``parts`` over their common denominator, then that denominator:
    a quotient rule whose u' is ``2x/(x^2 + 1)`` is written over one bar, ``(2x (x^2 + 3) - 2x (x^2 + 1) log(x^2 + 1))
    / ((x^2 + 1)(x^2 + 3)^2)``, as a teaching assistant writes it; a fraction inside the numerator of the rule's
    fraction prints in script size (a TA read). A power of e below a bar (``e^{-x}``) is no fraction here."""
    split = []
    for part in parts:
        factors = sympy.Mul.make_args(part)
        below = sympy.Mul(*(factor.base**-factor.exp for factor in factors if _is_reciprocal(factor)))
        above = [factor for factor in factors if not _is_reciprocal(factor)]
        # unevaluated: 2 (x - 1) stays as the piece's line shows it, never 2x - 2
        split.append((part if below == 1 else sympy.Mul(*above, evaluate=False) if len(above) > 1 else sympy.Mul(*above), below))
    common: dict[sympy.Expr, sympy.Expr] = {}
    for _, below in split:
        for factor in sympy.Mul.make_args(below):
            base, exponent = factor.as_base_exp()
            common[base] = max(common.get(base, exponent), exponent)
    whole = sympy.Mul(*(base**exponent for base, exponent in common.items()))
    return (*((above, whole / below) for above, below in split), whole)


def _cancelled_against(derivative: sympy.Expr, other: sympy.Expr) -> tuple[tuple[sympy.Expr, sympy.Expr], list[sympy.Expr]]:
    """``(derivative, other)`` with the factors below ``derivative``'s bar that ``other`` has struck out of both, and
    the bases struck out: in the quotient rule's u'v, ``2x/(x^2 + 1)`` times ``x^2 + 1`` is ``2x`` times 1, as a
    teaching assistant writes it, never multiplied through by x^2 + 1 over one bar and cancelled a line later."""
    factors = list(sympy.Mul.make_args(derivative))
    powers = dict(factor.as_base_exp() for factor in sympy.Mul.make_args(other) if not factor.is_Number)
    struck = []
    for index, factor in enumerate(factors):
        if not _is_reciprocal(factor) or not factor.exp.is_Integer:
            continue
        base, exponent = factor.base, -factor.exp
        shared = powers.get(base, sympy.Integer(0))
        if not (shared.is_Integer and shared > 0):
            continue
        common = min(exponent, shared)
        factors[index] = raised(base, common - exponent)
        powers[base] = shared - common
        struck.append(base)
    if not struck:
        return (derivative, other), []
    kept = [factor for factor in factors if factor != 1]
    derivative = sympy.Mul(*kept, evaluate=False) if len(kept) > 1 else kept[0] if kept else sympy.Integer(1)
    number = sympy.Mul(*(factor for factor in sympy.Mul.make_args(other) if factor.is_Number))
    return (derivative, number * sympy.Mul(*(raised(base, exponent) for base, exponent in powers.items()))), struck


def _below_the_rule(below: sympy.Expr, v: sympy.Expr) -> list[sympy.Expr]:
    """The factors below a quotient rule's bar, ``below`` (``_over_one_bar``) times v^2, one power of each base:
    ``(x^2 + 1)^3``, never ``(x^2 + 1)(x^2 + 1)^2``."""
    powers: dict[sympy.Expr, sympy.Expr] = {}
    for factor in (*sympy.Mul.make_args(below), *sympy.Mul.make_args(_squared(v))):
        base, exponent = factor.as_base_exp()
        if base.is_Pow:  # ((4 - x)^2)^2 of v = (4 - x)^2 is (4 - x)^4
            base, exponent = base.base, base.exp * exponent
        powers[base] = powers.get(base, 0) + exponent
    return [sympy.Pow(raised(base, exponent), -1, evaluate=False) for base, exponent in powers.items()]


def _squared(v: sympy.Expr) -> sympy.Expr:
    """``v^2`` below a rule's bar: a product of powers squared factor by factor, ``(3 - x)^2 (x^2 + 2)^2``, as the
    tidy form writes it; ``((3 - x)(x^2 + 2))^2`` would leave the next step to open the bracket unannounced.
    A number stays inside the bracket, ``(2 (x + 1))^2``: squaring it is a computation of its own."""
    factors = sympy.Mul.make_args(v)
    if len(factors) == 1 or any(factor.is_Number for factor in factors):
        return sympy.Pow(v, 2, evaluate=False)
    powers = (factor.as_base_exp() for factor in factors)
    return sympy.Mul(*(raised(base, 2 * exponent) for base, exponent in powers), evaluate=False)


_INNER = sympy.Dummy("t")
"""Stands for the inner function of the chain rule while the outer one is differentiated (sin t, t^2, e^t ...)."""


def written_product(*factors: sympy.Expr) -> sympy.Expr:
    """The factors multiplied as written: one number in front, then powers of symbols, then the rest.

    Products inside the factors are opened and like bases merged (``x * 4x (3x - 2)`` is
    written ``4x^2 (3x - 2)``, ``cos x cos x`` is ``cos^2 x``), so no factor prints twice
    side by side and no number is glued to a fraction; sums and functions stay as they
    are, so the rule that produced them remains visible. Exponentials merge as SymPy merges
    them (``x^2 e^x \\cdot 2 e^{2x}`` is ``2 x^2 e^{3x}``; ``e^x e^{x^2}`` stays as the rule wrote it).
    Factors that would cancel are shown with a visible dot instead, ``(1 - x) \\cdot (-1/(1 - x))``:
    cancelling is the next step; so are minus signs that cancel, ``-\\sin(e^{-x}) \\cdot (-e^{-x})``, whose
    product, printed at once, would turn a sign with no step to show it.
    """
    factors = tuple(map(sympy.sympify, factors))
    number, exponents = number_and_powers(_operands(factors), whole_exponents=True)
    if len(factors) > 1 and _cancelling(exponents):
        return _substituted(factors)
    if sum(map(_negative, factors)) >= 2:
        return _signs_apart(factors)
    powers = [raised(base, sum(found)) for base, found in exponents.items()]
    monomials = [power for power in powers if power.is_Symbol or (power.is_Pow and power.base.is_Symbol)]
    written = [number] if number != 1 else []
    written += monomials + [power for power in powers if power not in monomials]
    if not written:
        return sympy.Integer(1)
    return written[0] if len(written) == 1 else sympy.Mul(*written, evaluate=False)


def _rule_product(*factors: sympy.Expr) -> sympy.Expr:
    """A product the product or quotient rule puts together, as ``written_product`` writes it; but where two of its
    factors share a base (``x^2 e^x`` times ``2x``, ``\\sin x`` times ``-\\sin x``), side by side with a dot, as
    substituted into the rule (``FactorsToMultiply``): merged at once, ``2 x^3 e^x`` stood beside a reason that named
    only the rule (two TA reads, German 9462, 9463)."""
    kept = tuple(factor for factor in map(sympy.sympify, factors) if factor != 1)
    if _cancelling(number_and_powers(_operands(kept), whole_exponents=True)[1]):  # (1 - x) . (-1/(1 - x)): "cancel"
        return written_product(*factors)
    # cos x times cos x is cos^2 x at once, sin x times -sin x is -sin^2 x: "cos x . cos x" prints one factor twice (lint
    # repeated-factor); x^2 times 2x, sin^2 x times -sin x are no such square (a TA read, EN 9493: the one merged
    # beside the other written apart in one row)
    shown = [factor for factor in kept if not factor.is_Number]
    if len(shown) == 2 and shown[0] in (shown[1], -shown[1]):
        return written_product(*factors)
    bases = [set(number_and_powers(_operands((factor,)), whole_exponents=True)[1]) for factor in shown]
    if not any(own & other for index, own in enumerate(bases) for other in bases[index + 1 :]):
        return written_product(*factors)
    numbers = [factor for factor in kept if factor.is_Number]
    # in an order whose dot stands between different bases: "2 sin x cos x . cos^2 x" puts cos x beside cos x, one factor
    # printed twice (lint repeated-factor); where no order avoids it (x^2 . x), merged at once
    for order in (shown, shown[::-1]):
        if not any(_meet(left, right) for left, right in pairwise(order)):
            return _substituted((*numbers, *order), FactorsToMultiply)
    return written_product(*factors)


def _meet(left: sympy.Expr, right: sympy.Expr) -> bool:
    """Whether ``left . right`` as a rule's dotted product prints the same base on both sides of the dot: the last factor
    ``left`` prints and the first ``right`` prints (a number, a minus sign or a fraction bar at ``right``'s front stands
    between)."""
    right_printed = tex(written_product(right))
    if right.could_extract_minus_sign() or right_printed[:1].isdigit() or right_printed.startswith(r"\frac"):
        return False
    return _printed_ends(left)[1] == _printed_ends(right)[0]


def _printed_ends(factor: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """The bases of the first and the last non-number factor as ``written_product`` prints ``factor``."""
    printed = tex(written_product(factor))
    found = sorted((printed.find(tex(operand)), index, operand) for index, operand in enumerate(_operands((factor,))) if not operand.is_Number)
    placed = [operand for position, _, operand in found if position >= 0] or [operand for _, _, operand in found]
    return placed[0].as_base_exp()[0], placed[-1].as_base_exp()[0]


def _substituted(factors: tuple[sympy.Expr, ...], kind: type[WrittenProduct] = WrittenProduct) -> sympy.Expr:
    """The factors side by side with a dot, as substituted into a rule (``(1 - x) \\cdot (-1/(1 - x))``); numbers in front;
    a product of ``kind``."""
    number = sympy.Mul(*(factor for factor in factors if factor.is_Number))
    shown = [written_product(factor) for factor in factors if not factor.is_Number]
    if number == -1:
        shown[0] = sympy.Mul(-1, shown[0], evaluate=False)
    elif number != 1:
        shown.insert(0, number)
    return kind(*shown, evaluate=False) if len(shown) > 1 else shown[0]


def _signs_cancel(product: sympy.Expr, powers_of_e: bool = False) -> bool:
    """``product`` is a rule's factors side by side whose minus signs cancel (``_signs_apart``) and nothing else; with
    ``powers_of_e``, powers of e may cancel as well (``x^3 e^x \\cdot (-e^{-x})``)."""
    if not isinstance(product, WrittenProduct) or sum(map(_negative, product.args)) < 2:
        return False
    cancelling = _cancelling(number_and_powers(_operands(product.args), whole_exponents=True)[1])
    return not cancelling or (powers_of_e and all(isinstance(base, sympy.exp) for base in cancelling))


def _cancelling(exponents: dict[sympy.Basic, list[sympy.Expr]]) -> list[sympy.Basic]:
    """The bases met above and below the bar among a product's factors (``number_and_powers``' exponents): they cancel."""
    return [base for base, found in exponents.items() if min(found) < 0 < max(found)]


def _negative(factor: sympy.Expr) -> bool:
    """A factor printed with a minus sign in front, ``-1``, ``-\\sin x``, ``-2x e^x``; a sum such as ``2 - x`` is not
    (SymPy's ``could_extract_minus_sign`` says it is)."""
    return bool(factor.as_coeff_Mul()[0].is_negative)


def _signs_apart(factors: tuple[sympy.Expr, ...]) -> sympy.Expr:
    """The factors side by side with a dot, each with its own sign, a number in front joined to the factor after it:
    ``-e^x (x + 1) \\cdot (-1)`` for the quotient rule's ``-1, e^x (x + 1), -1``."""
    shown: list[sympy.Expr] = []
    number = sympy.Integer(1)
    for factor in factors:
        if factor.is_Number and not shown:
            number *= factor
            continue
        written = written_product(factor)
        if number < 0 and _negative(written):  # -3 . (-2 sin 2x), -(-cos x): merged, the two signs would cancel unseen
            shown.append(number)
        elif number != 1:
            written = sympy.Mul(number, written, evaluate=False)
        number = sympy.Integer(1)
        shown.append(written)
    return WrittenProduct(*shown, evaluate=False) if len(shown) > 1 else shown[0]


def _operands(factors: tuple[sympy.Expr, ...]):
    """The factors with products inside them opened up, in order."""
    for factor in factors:
        factor = sympy.sympify(factor)
        if factor.is_Mul:
            yield from _operands(factor.args)
        else:
            yield factor


def _is_reciprocal(factor: sympy.Expr) -> bool:
    """A factor written below a fraction bar: a negative constant power (not exp(-x))."""
    return factor.is_Pow and factor.exp.is_negative and factor.exp.is_constant()


PARTIALS_PREAMBLE = (r"\usepackage{mathtools}",)
"""For ``\\shortintertext``, which names the parts of a worked partial (macro ``partial``, gradient template)."""


@remembered(maxsize=1024)
def worked_partial(f: sympy.Expr, v: sympy.Symbol) -> Worked:
    """df/dv worked rule by rule (``generator.kit.differentiation``), as a partial is written by hand.

    A factor free of ``v`` is set aside first and carried through the rule step,
    so that the rule acts on the part that varies: in ``e^{-y} sin(e^x)`` the
    chain rule acts on ``sin(e^x)`` with ``g = e^x``, and ``e^{-y}`` is not named.
    Steps that differ only in the order of their factors are shown once. The
    result is the entry of ``partial_derivatives``.
    """
    if not f.has(v):
        return Worked((), chain(Step(sympy.Integer(0), constant_in(v))), ())
    constant, varying = f.as_independent(v, as_Add=False)
    if constant == 1 or not rules_needed(f, v):
        worked = differentiate(f, v, partial=True)
        steps = worked.derivative.steps
    else:
        worked = differentiate(varying, v, partial=True)
        rule = worked.derivative.steps[0]
        factors = rule.expr.args if _signs_cancel(rule.expr) else (rule.expr,)
        carried = written_product(constant, *factors)
        # the factor carried in front is named as a one-variable derivative names it (a TA read, 8871 DL 3(b))
        steps = _rule_to_tidy(Step(carried, Reason("constant factor, {rule}", rule=as_reason(rule.why))), f, v)
    pieces = tuple(replace(piece, derivative=worked_chain(*piece.derivative.steps)) for piece in worked.pieces)
    return Worked(pieces, worked_chain(*steps), worked.rules)


def rules_difficulty(worked: Iterable[Worked]) -> float:
    """Difficulty of a set of worked partials: one point per rule applied (sum rule free), a quarter per partial.

    Counting printed steps instead would rate a partial by how much SymPy's tidying
    reorders it; the rules are what a student has to get right.
    """
    return sum(len([rule for rule in w.rules if rule != "sum"]) + 0.25 for w in worked)
