"""Definite integrals worked by hand: by parts or by substitution, and an antiderivative evaluated between bounds.

A student integrating by parts names u and dv, writes uv - int v du and integrates what is left; one
substituting names u, turns the integrand's factor beside dx into a multiple of du and changes the
bounds with u; to finish a definite integral they write [F]_a^b, put in the upper bound, then the
lower, and work out the value. ``by_parts``, ``by_substitution`` and ``evaluation`` give those steps as
chains the engine verifies; ``definite_value`` is the value as a hand combines it (two logarithms into
one); ``check_definite`` checks a value and its antiderivative numerically.
"""

import math
import random
from dataclasses import dataclass

import sympy

from generator.kit.family import require
from generator.kit.language import N_, Reason, joined, signs_cancelling
from generator.kit.notation import AsWritten, EvaluationBar, WrittenProduct, WrittenSum, cancelled_signs, put_in
from generator.kit.numeric import as_function, central_difference, close
from generator.kit.printing import printed_terms, tex
from generator.kit.probability import simpson
from generator.kit.rewrites import rewrite_name
from generator.kit.steps import Chain, Step, arithmetic, chain
from generator.kit.widths import printed_width

__all__ = ["MAX_EVALUATION_WIDTH", "ByParts", "BySubstitution", "by_parts", "by_substitution", "check_definite", "definite_value", "evaluation"]

MAX_EVALUATION_WIDTH = 40
"""Characters (``printed_width``) of F and F(b) - F(a) written out on one line with its reason; wider
evaluations put in each bound on a row of its own."""
VALUES = N_("the values above")
"""F(b) - F(a) with the values worked out above put in."""


@dataclass(frozen=True)
class ByParts:
    """int u dv = uv - int v du: du/dx, v, the product uv, -v du/dx (what is left to integrate), the
    steps from uv - int v du to the antiderivative, and the antiderivative F."""

    du: sympy.Expr
    v: sympy.Expr
    uv: sympy.Expr
    rest: sympy.Expr
    worked: Chain
    antiderivative: sympy.Expr


def by_parts(u: sympy.Expr, dv: sympy.Expr, x: sympy.Symbol) -> ByParts:
    """Integration by parts with u and dv/dx given: uv - int v du, the last integral named in the reason,
    then the terms with a common exponential factored (``e^x (x - 1)``)."""
    du, v = sympy.diff(u, x), sympy.integrate(dv, x)
    rest, uv = du * v, -sympy.Mul(u, -v) if v.could_extract_minus_sign() else sympy.Mul(u, v)
    shown = -rest if rest.could_extract_minus_sign() else rest
    written = WrittenSum(uv, -sympy.integrate(rest, x), evaluate=False)
    integral = Reason("$\\int {f}\\,d{x} = {F}$", f=tex(shown), x=x, F=tex(sympy.integrate(shown, x)))
    # "- int 2 sin(x) dx" with int 2 sin(x) dx = -2 cos(x) is + 2 cos(x): said (a TA read, EN 9072)
    if not rest.could_extract_minus_sign() and sympy.integrate(shown, x).could_extract_minus_sign():
        integral = signs_cancelling(integral)
    steps = [Step(written, integral)]
    antiderivative = written  # as written, so the bounds go into F in the order the line above shows it
    if written.has(sympy.exp):
        antiderivative = sympy.factor_terms(sympy.expand(uv - sympy.integrate(rest, x)))
        steps.append(Step(antiderivative, rewrite_name(written, antiderivative)))
    return ByParts(du, v, uv, -rest, chain(*steps), antiderivative)


@dataclass(frozen=True)
class BySubstitution:
    """int_a^b f(u(x)) u'(x) dx = int_u(a)^u(b) f(u) du: du/dx, the constant ``multiple`` of du that the integrand's
    factor beside dx becomes, the new ``bounds`` u(a) and u(b), the integral in u, its antiderivative G(u) and
    the antiderivative G(u(x)) in x."""

    du: sympy.Expr
    multiple: sympy.Expr
    bounds: tuple[sympy.Expr, sympy.Expr]
    worked: Chain
    primitive: sympy.Expr
    antiderivative: sympy.Expr


def by_substitution(
    inner: sympy.Expr, in_u: sympy.Expr, x: sympy.Symbol, u: sympy.Symbol, low: sympy.Expr, high: sympy.Expr
) -> BySubstitution:
    """The substitution u = ``inner`` for the integrand ``in_u`` written in u (its constant factor the multiple of
    du: m x^(k-1) dx = (m/k) du), the bounds changing with u, so that G(u) is evaluated at the new bounds and
    nothing is put back into x by hand."""
    bounds = (inner.subs(x, low), inner.subs(x, high))
    du, multiple = sympy.diff(inner, x), in_u.as_coeff_Mul()[0]
    # what the step replaces, from this substitution (u = x^2 + 2, x dx = 1/2 du): "replace x by u" misdescribed it (TA read)
    replaced = f"{tex(multiple)}\\,d{u}" if multiple != 1 else f"d{u}"
    why = Reason("${u} = {inner}$, ${factor}\\,d{x} = {replaced}$; new bounds", u=u, inner=tex(inner), factor=tex(multiple * du), x=x, replaced=replaced)
    worked = chain(Step(sympy.Integral(in_u, (u, *bounds)), why))
    primitive = sympy.integrate(in_u, u)
    return BySubstitution(du, multiple, bounds, worked, primitive, primitive.subs(u, inner))


def check_definite(
    integrand: sympy.Expr, antiderivative: sympy.Expr, value: sympy.Expr, x: sympy.Symbol, low: float, high: float, rng: random.Random
) -> None:
    """The value against composite Simpson, and F' against f by central differences at three random points inside
    [low, high]: a definite integral and its antiderivative checked without integrating symbolically."""
    f = as_function(integrand, (x,))
    numeric = simpson(f, low, high)
    require(close(float(value), numeric, rel=1e-7), f"the integral is {value}, not {numeric}")
    anti = as_function(antiderivative, (x,))
    for point in (rng.uniform(low, high) for _ in range(3)):
        slope = central_difference(anti, (point,), 0)
        require(close(slope, f(point), rel=1e-5), f"F'({point}) = {slope}, not f = {f(point)}")


def definite_value(primitive: sympy.Expr, var: sympy.Symbol, low: sympy.Expr, high: sympy.Expr) -> sympy.Expr:
    """F(b) - F(a); c log b - c log a as c log(b/a), as a student combines two logarithms."""
    low, high = sympy.sympify(low), sympy.sympify(high)
    if primitive.has(sympy.log):
        return primitive.subs(var, high / low)
    return sympy.expand(primitive.subs(var, high) - primitive.subs(var, low))


def evaluation(primitive: sympy.Expr, var: sympy.Symbol, low: sympy.Expr, high: sympy.Expr) -> tuple[Chain, ...]:
    """[F]_a^b, F(b) - F(a) with the bounds put in as written (``put_in``), then the value, the arithmetic named.

    When that is too wide for a line (sines and cosines), or F(a) < 0 (a hand works it out before
    subtracting it), F(b) and F(a) come first, each on a row of its own (the values of sin and cos
    named), and the bar is their difference with those values in (``1 + 3 \\pi + 1`` for F(pi) = 1 + 3 pi and
    F(0) = -1), then the arithmetic on a step of its own; a difference that only reorders the value (-e + 2) is the
    value at once. A negative F(a) is subtracted as ``put_in`` subtracts, its sign applied at once, and the reason
    says that two minus signs cancel. The last chain always starts at the bar (a text that wrote
    [F(x)]_a^b = F(b) - F(a) already goes on from F(b) - F(a), the bar's value, and leaves the bar out).
    A bound put into e^x is written as it was put in, e^{1} as e^{-1} and e^{0} are, and the step after names each
    value it works out (``e^{1} = e``); a step that multiplies two minus signs away says so (``_minus_times_negative``).
    """
    low, high = sympy.sympify(low), sympy.sympify(high)
    bar, value = EvaluationBar(primitive, var, low, high), definite_value(primitive, var, low, high)
    upper, lower = (_put_in_as_written(primitive, {var: end}) for end in (high, low))
    written = WrittenSum(upper, _minus(lower), evaluate=False)
    ends = [primitive.subs(var, end) for end in (high, low)]
    only_worked = set(sympy.Add.make_args(value)) == {ends[0], -ends[1]} - {0}  # no two terms combine, nothing subtracted from 0
    why = N_("work out each term") if only_worked else N_("evaluate each term, then subtract")
    common = _cancelled(ends)
    if not only_worked and common > 1:  # 125/6 - 1/6 = 62/3: the 2 cancelled said (German 9434)
        why = Reason("evaluate each term, subtract, cancel ${factor}$", factor=common)
    changed = [end for put, at, end in zip((upper, lower), ends, (high, low)) if tex(put) != tex(at)]
    if only_worked and len(changed) == 1:  # e^8 - e^0 to e^8 - 1: the one term worked out says how ("e^0 = 1")
        why = _values_at(primitive, changed[0], written)
    # e^1 - e^0, e^0 - e^{-1}: each power worked out is named, in the order the line shows them (never where a term is 0)
    line = tex(written)
    powers = sorted([*arithmetic(written), *_e_to_the_one(written)], key=lambda power: line.find(power.args["left"]))
    nonzero = all(term.doit() != 0 for term in printed_terms(written))
    if only_worked and nonzero and powers and all(power.startswith("$e^{") for power in powers):
        why = joined(powers)
    if primitive.has(sympy.log):  # log 1 = 0 when the lower end gives 1; else the quotient rule of logarithms
        why = N_(r"$\log 1 = 0$") if low == 1 else N_("combine the logarithms into one")
        factor = primitive.as_coeff_Mul()[0]
        if low != 1 and abs(factor) != 1:  # 2 log 3 - 2 log 2 = 2 log(3/2) takes the 2 out too (TA read, EN 8941)
            why = Reason("factor out ${factor}$ and combine the logarithms into one", factor=tex(factor))
        logs = primitive.atoms(sympy.log)
        (log,) = logs if len(logs) == 1 else (None,)
        above, below = (log.args[0].subs(var, end) for end in (high, low)) if log is not None else (sympy.Integer(0),) * 2
        if low != 1 and above.is_Integer and below.is_Integer and below != 0 and sympy.gcd(above, below) > 1:
            # log 6 - log 3 = log 2: the quotient reduced is named, 6/3 = 2 (a TA read, EN 9713)
            why = Reason("{rule}; ${above}/{below} = {value}$", rule=Reason(why), above=above, below=below, value=tex(above / below))
    if printed_width(written) + printed_width(primitive) <= MAX_EVALUATION_WIDTH and not ends[1].is_negative:
        # e^2 - e: the bounds put in print as the value, and ``chain`` merges the two (no step only rewrites)
        put = N_("put in the upper bound, then the lower")
        subtracted = lower.could_extract_minus_sign() and lower != 0  # - e (3 . (-1) + 2) subtracted: + e (3 . (-1) + 2)
        pairs = subtracted + sum(cancelled_signs(primitive, {var: end}) for end in (high, low))  # 1 - x at -1: 1 + 1
        if pairs:
            # briefly, so that it stands beside its row, not as a second lead-in under "... = F(b) - F(a):" (TA read,
            # math-background-2 EN 7321 2.1(a)); the line above names the order already
            put = signs_cancelling(N_("put in the bounds"), pairs)
        return (chain(Step(bar), Step(written, put), Step(_in_order(value, ends) if only_worked else value, why)),)
    rows = tuple(
        chain(Step(at, _putting_in(primitive, var, end)), Step(v, _values_at(primitive, end, at)))
        for at, end, v in zip((upper, lower), (high, low), ends)
    )
    difference = WrittenSum(ends[0], _minus(ends[1]), evaluate=False)
    # A negative F(a) is subtracted with its sign applied at once, as ``put_in`` applies it (never - (-2), the lint's
    # double negative), and the reason says so: [F]_0^1 = 2 - e beside F(0) = -2 hid the subtraction (TA read)
    negative = ends[1].could_extract_minus_sign()
    values = signs_cancelling(VALUES) if negative else VALUES
    # - e + 2 would only reorder 2 - e, and 0 + e only drop a 0 (under "collect like terms", a TA read): the value at
    # once, its terms in the order of F(b) - F(a) (2e + 4/e, never 4/e + 2e: TA read, math-background-2 EN 8933) unless
    # that puts a subtracted term first (3 - e^2, never -e^2 + 3)
    if set(sympy.Add.make_args(value)) == {term for term in (ends[0], -ends[1]) if term != 0}:
        ordered = _in_order(value, ends)
        if ordered.is_Add and ordered.args[0].could_extract_minus_sign() and not ordered.args[1].could_extract_minus_sign():
            ordered = value
        return (*rows, chain(Step(bar), Step(ordered, values)))
    return (
        *rows,
        chain(
            Step(bar),
            Step(difference, values),
            Step(value, why if primitive.has(sympy.log) else _combining(ends, common)),
        ),
    )


def _putting_in(primitive: sympy.Expr, var: sympy.Symbol, end: sympy.Expr) -> Reason:
    """"put in x = -1", and that two minus signs cancel where putting it in applies one to the other (``cancelled_signs``)."""
    put = Reason("put in ${var} = {end}$", var=var, end=tex(end))
    pairs = cancelled_signs(primitive, {var: end})
    return signs_cancelling(put, pairs) if pairs else put


def _in_order(value: sympy.Expr, ends: list[sympy.Expr]) -> sympy.Expr:
    """``value``, F(b) - F(a) with each term only worked out, written in the order of the terms put in: ``-5/e - e``
    below ``-e^{-1} (3 \\cdot 1 + 2) + e^{1} (3 \\cdot (-1) + 2)``, never reordered to ``-e - 5/e`` (TA read,
    math-background-2 EN 7321 2.1(a))."""
    terms = [term for term in (ends[0], -ends[1]) if term != 0]
    return WrittenSum(*terms, evaluate=False) if len(terms) == 2 else value


def _put_in_as_written(primitive: sympy.Expr, rule: dict) -> sympy.Expr:
    """``put_in``, a sum written in a given order (``- (3x + 1) \\cos x + 3 \\sin x``, as by parts writes F) keeping that
    order: put in term by term, never re-sorted (a TA read F(pi) = 3 sin(pi) - (3 pi + 1) cos(pi) beside "put in x = pi");
    a number times a fraction of pi put in stays a product (``_times_bound``)."""
    end = sympy.sympify(*rule.values())
    if isinstance(primitive, WrittenSum):
        return WrittenSum(*(_times_bound(put_in(term, rule), end) for term in primitive.args), evaluate=False)
    return _times_bound(put_in(primitive, rule), end)


def _times_bound(expr: sympy.Expr, end: sympy.Expr) -> sympy.Expr:
    """``expr`` with each product of numbers and the bound ``end`` put in written factor by factor,
    ``2 \\cdot \\frac{\\pi}{2} \\cdot \\sin \\frac{\\pi}{2}``: the printer merges a number into a fraction of pi (``\\pi``,
    ``\\frac{3 \\pi}{2}``), and "put in x = pi/2" cancelled 2 against 2 unseen, where F(0) kept ``2 \\cdot 0`` (TA read).
    A whole bound is dotted by ``put_in`` already, and 2x at pi is 2 pi as written."""
    if not end.is_Mul or not expr.args or isinstance(expr, AsWritten):
        return expr
    if expr.is_Mul and end in expr.args and any(factor.is_Number and factor != -1 for factor in expr.args):
        sign = [factor for factor in expr.args if factor == -1]
        factors = [factor for factor in expr.args if factor != -1]
        factors.sort(key=lambda factor: 0 if factor.is_Number else 1 if factor == end else 2)  # as a hand writes 2x sin x
        return sympy.Mul(*sign, AsWritten(WrittenProduct(*factors, evaluate=False)), evaluate=False)
    args = tuple(_times_bound(arg, end) for arg in expr.args)
    return expr if args == expr.args else expr.func(*args, evaluate=False)


def _cancelled(ends: list[sympy.Expr]) -> int:
    """The factor F(b) - F(a) loses when both are fractions written over one denominator and their difference is
    reduced (125/6 - 1/6 = 124/6 = 62/3: 2); 1 when none is, or when either is not a number."""
    if not all(end.is_Rational for end in ends):
        return 1
    denominator = math.lcm(*(int(end.q) for end in ends))
    return math.gcd(int((ends[0] - ends[1]) * denominator), denominator) if denominator > 1 else 1


def _combining(ends: list[sympy.Expr], common: int) -> str:
    """What F(b) - F(a) takes when both are known: two numbers are added or subtracted, as the line above
    writes them; a number beside pi or e joins the other number, the sum named ("$1 - 3 = -2$" for 1 + 3 pi/2 - 3:
    "collect like terms" had combined only -2 - 3, two TA reads, EN 9022 and German 9023, and "add the numbers" left
    the subtraction and the reordering unsaid, German 9113), and like terms in pi or e are collected. ``common``: what
    the difference of two fractions cancels (``_cancelled``), worked out once by the caller."""
    if all(end.is_Rational for end in ends):
        if common > 1:
            return Reason("add, cancel ${factor}$", factor=common) if ends[1].is_negative else Reason("subtract, cancel ${factor}$", factor=common)
        return N_("add") if ends[1].is_negative else N_("subtract")
    kinds = [{term.as_coeff_Mul()[1] for term in sympy.Add.make_args(end) if not term.is_Rational} for end in ends]
    if kinds[0] & kinds[1]:
        return N_("collect like terms")
    numbers = [number for number in (ends[0].as_coeff_Add()[0], -ends[1].as_coeff_Add()[0]) if number != 0]
    if len(numbers) < 2:
        return N_("add the numbers")
    return Reason("${left} = {right}$", left=tex(WrittenSum(*numbers, evaluate=False)), right=tex(sum(numbers)))


def _minus(value: sympy.Expr) -> sympy.Expr:
    """- value; a negative value is added as its size (never - (-c)), a subtracted sum keeps its brackets."""
    return -value if value.could_extract_minus_sign() else sympy.Mul(-1, value, evaluate=False)


def _values_at(primitive: sympy.Expr, end: sympy.Expr, put: sympy.Expr) -> str:
    """Why F(end), ``put`` in, has its value: the values of sin and cos there, named as a hand names them, after the
    arithmetic of the terms they leave (``_worked_terms``); otherwise the arithmetic of the row (``generator.kit.steps.arithmetic``: ``2 + 3 = 5``, ``e^{-2} = 1/e^{2}``, ``e^{0} = 1``),
    and "multiply" for a product of a number and a power of e that is left (``1 \\cdot e``). A bound put in as e^{1} is
    written so (``put_in``), as e^{-1} and e^{0} are, and its value named here: ``e^{1} = e`` (TA read,
    math-background-2 EN 6641 2.1(a): F(1) = e (3 \\cdot 1 - 4) beside F(-1) = e^{-1} (3 \\cdot (-1) - 4) put in 1 as
    nothing)."""
    if primitive.has(sympy.sin, sympy.cos):
        named = joined([*_worked_terms(put, end), _trig_values(end)])
        return signs_cancelling(named) if _minus_times_negative(put) else named
    return joined([*arithmetic(put), *_e_to_the_one(put)]) or N_("multiply")


def _e_to_the_one(put: sympy.Expr) -> list[Reason]:
    """``e^{1} = e`` when ``put`` has e to the power 1 written (``put_in``), which ``arithmetic`` leaves unnamed; not in a
    term that is 0 (``e^{1} (1 - 1)``: "$1 - 1 = 0$" says it all)."""
    terms = [term for term in printed_terms(put) if term.doit() != 0]
    ones = [node for term in terms for node in sympy.preorder_traversal(term) if isinstance(node, sympy.exp) and node.args[0].doit() == 1]
    if not ones:
        return []
    # 1 . e^{1} as written, where the bound 1 stands in front: "e^{1} = e" hid the 1 that went too (a TA read, German 9223)
    once = [node for term in terms for node in sympy.preorder_traversal(term) if node.is_Mul and len(node.args) == 2 and 1 in node.args and ones[0] in node.args]
    return [Reason("${left} = {right}$", left=tex(once[0] if once else ones[0]), right=tex(sympy.E))]


def _minus_times_negative(put: sympy.Expr) -> bool:
    """A term of ``put`` that is not 0 shows two minus signs (``_minus_signs``) and has none in its value: the reason
    says that two minus signs cancel (TA read, math-background-2: F(pi) = -(2 pi - 1) \\cos \\pi + 2 \\sin \\pi = 2 pi - 1
    turned the sign under "sin pi = 0, cos pi = -1")."""
    return any(_minus_signs(term) >= 2 and term.doit().is_positive for term in printed_terms(put))


def _minus_signs(expr: sympy.Expr) -> int:
    """The minus signs a product put in shows among its factors, products written out inside it too: a minus sign in
    front, a negative number (the bound, ``3 \\cdot (-\\frac{\\pi}{2})``), a bracket of negative value (``(2 \\cdot 0 - 1)``,
    its value named beside it) and a sine or cosine of negative value."""
    if isinstance(expr, AsWritten):
        return _minus_signs(expr.args[0])
    if expr.is_Mul:
        return sum(_minus_signs(factor) for factor in expr.args)
    if isinstance(expr, (sympy.sin, sympy.cos)):
        return int(bool(expr.func(*expr.args).is_negative))
    return int(bool(expr.is_number and expr.doit().is_negative))


def _worked_terms(put: sympy.Expr, end: sympy.Expr) -> list[Reason]:
    """The arithmetic of the terms of ``put`` whose value is not 0, beside the values of sin and cos: ``3 \\cdot 0 + 1 = 1``
    (``arithmetic``), and ``2 \\cdot \\frac{\\pi}{2} = \\pi`` for a number times the bound (``_times_bound``). A term that
    vanishes (times cos(pi/2)) goes as a whole, unworked."""
    found = []
    for term in printed_terms(put):
        if term.doit() == 0:
            continue
        found += arithmetic(term)
        for node in sympy.preorder_traversal(term):
            if end.is_Mul and isinstance(node, WrittenProduct) and end in node.args:
                numbers = [factor for factor in node.args if factor.is_Number]
                product = WrittenProduct(*numbers, end, evaluate=False)
                found.append(Reason("${left} = {right}$", left=tex(product), right=tex(sympy.Mul(*numbers, end))))
    return found


def _trig_values(end: sympy.Expr) -> Reason:
    """``sin(pi/2) = 1, cos(pi/2) = 0``, bracketed as the row writes them: "sin pi/2" could be read as (sin pi)/2 (a TA read,
    EN 9072). The bound stacked, as "put in x = pi/2" and the arithmetic beside it write it ("3 . pi/2 = 3 pi/2" stacked
    beside a slashed sin(pi/2) in one reason, a TA read of German 9113)."""
    at = {"end": tex(end), "sin": tex(sympy.sin(end)), "cos": tex(sympy.cos(end))}
    return Reason("$\\sin({end}) = {sin}$, $\\cos({end}) = {cos}$", **at)
