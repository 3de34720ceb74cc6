"""Worked solutions as chains of equal expressions, every step checked.

A ``Chain`` is what a teaching assistant writes on one line of a derivation:
``= step_1 = step_2 = ... = result``, each step with a short reason. Families
put chains in their answers; the engine finds every chain in an answer and
verifies each step against the one before it (structurally or by a cheap
rewrite where possible, otherwise numerically at random points), so a printed
step cannot be wrong. The family's own check ties the last step to the answer.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.core.symbol import Str
from sympy.matrices.expressions.matexpr import MatrixElement

from generator.kit.family import CheckFailed, find_all, require
from generator.kit.language import Reason
from generator.kit.notation import AsWritten, WrittenProduct, WrittenQuotient, WrittenSum, to_multiply, written_sum
from generator.kit.numeric import as_function
from generator.kit.printing import inline, printed_terms, tex, text
from generator.kit.rewrites import evaluated

__all__ = ["Chain", "Step", "added_up", "arithmetic", "chain", "shown", "worked_chain"]

POINTS = 4
_ELEMENTARY = (sympy.Add, sympy.Mul, sympy.Pow, sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.tanh)
"""Nodes a step can hold that need no evaluating before it is compared."""


@dataclass(frozen=True)
class Step:
    """One expression of a chain and the reason that gives it from the one before."""

    expr: sympy.Basic
    why: str = ""
    """The rule or identity that gives this step from the one before (empty: plain algebra)."""

    def __post_init__(self) -> None:
        if not isinstance(self.expr, sympy.Basic):  # a plain number (16, Fraction(1, 2)) is SymPy's from here on
            object.__setattr__(self, "expr", sympy.sympify(self.expr))


@dataclass(frozen=True)
class Chain:
    """One line of a derivation, ``= step = step = ... = result``; the engine verifies every step."""

    steps: tuple[Step, ...]

    @property
    def result(self) -> sympy.Basic:
        return self.steps[-1].expr


def chain(*steps: Step | sympy.Basic) -> Chain:
    """A chain from steps or bare expressions.

    A step that prints (in LaTeX, as on the sheet) like the one before is merged into it: the earlier reason
    stays, the later (usually evaluated) expression is kept as the result.
    """
    kept: list[Step] = []
    for step in steps:
        step = step if isinstance(step, Step) else Step(step)
        if kept and (step.expr == kept[-1].expr or tex(step.expr) == tex(kept[-1].expr)):
            kept[-1] = Step(step.expr, kept[-1].why)
        else:
            kept.append(step)
    return Chain(tuple(kept))


def added_up(*terms: int, why: str = "", then: str = "") -> Chain:
    """Whole numbers written as a sum, term by term and a 0 kept (a student looks for every observation or layer
    in it), then their total: ``why`` names the terms, ``then`` the addition."""
    return chain(Step(written_sum(*terms), why), Step(sympy.Integer(sum(terms)), then))


def arithmetic(expr: sympy.Basic) -> list[Reason]:
    """The arithmetic left in a step of numbers put in, each piece named as a hand writes it: a bracket, sum or
    product of numbers with its value (``2 \\cdot 3 + 3 = 9``, ``2 \\cdot 2 = 4`` of ``2 \\cdot 2 \\cdot e^{-2}``), a power
    of e with a whole exponent not above 0 (``e^{-2} = 1/e^{2}``, ``e^{0} = 1``). A reason lists them, where "work out
    the value" would name nothing; empty when the step holds no such piece."""
    found: list[Reason] = []

    def named(node: sympy.Basic, value: sympy.Basic, printed: str | None = None) -> None:
        left, right = tex(node), printed or tex(value)
        if left != right:
            found.append(Reason("${left} = {right}$", left=left, right=right))

    def walk(node: sympy.Basic) -> None:
        if isinstance(node, sympy.exp):
            power = _number(node.args[0])
            if power is not None and power.is_Integer and power <= 0 and not tex(node).startswith("\\frac"):
                named(node, sympy.exp(power), inline(sympy.exp(power)))  # not "1/e = 1/e": e^{-1} prints as 1/e already
            return
        if (node.is_Add or node.is_Mul or node.is_Pow) and _number(node) is not None:
            powers = _powers_over_whole(node)
            # (-1)^3/6 = -1/6 beside its own row said nothing: (-1)^3 = -1 is the work (a TA read, EN 9082)
            for power in powers:
                named(power, _number(power))
            if not powers:
                named(node, _number(node))
            return
        if node.is_Mul:
            numbers = [factor for factor in node.args if factor.is_Rational and factor != -1]  # a sign is no factor
            worked = [factor for factor in node.args if not factor.is_Rational and _number(factor) is not None]
            if len(numbers) > 1 and not worked:
                named(WrittenProduct(*numbers, evaluate=False), sympy.Mul(*numbers))
            for arg in node.args:
                walk(arg)
            values = [_number(factor) for factor in node.args if factor in numbers or factor in worked]
            if worked and len(values) > 1 and all(abs(value) not in (0, 1) for value in values):
                # 3 e^{-1} (1 + 1): 1 + 1 = 2, then 3 . 2 = 6 (TA read, 8907); a bracket worked out to 1 or -1 multiplies
                # nothing a hand would name (2 (2 - 1) e^2), nor one worked out to 0: "2 . 0 = 0" beside 2 e (1 - 1) left
                # out the e (a TA read, German 9652)
                named(WrittenProduct(*values, evaluate=False), sympy.Mul(*values))
            return
        for arg in node.args:
            walk(arg)

    walk(expr)
    return found


def _powers_over_whole(node: sympy.Basic) -> list[sympy.Basic]:
    """The powers of numbers in a quotient of them by a whole number, ``(-1)^3/6`` or ``2^3/3``, or in a fraction of
    powers that come to 0 or -1, ``2 \\cdot 0^3/3`` or ``2 (-1)^3/3`` (the power is the work: "2 (-1)^3/3 = -2/3" only
    restated its row, a TA read, EN 9121); empty for anything else, such as ``2 \\cdot 3^3/3``, whose product is work too."""
    if not node.is_Mul:
        return []
    coefficient, rest = node.as_coeff_Mul()
    powers = list(sympy.Mul.make_args(rest))
    trivial = all(abs(_number(power) or 0) <= 1 for power in powers)
    if coefficient.is_Rational and (abs(coefficient.p) == 1 or trivial) and coefficient.q != 1 and all(
        factor.is_Pow and factor.base.is_Number and factor.exp.is_Integer and factor.exp > 1 for factor in powers
    ):
        return powers
    return []


def _number(expr: sympy.Basic) -> sympy.Rational | None:
    """The value of ``expr`` when it is numbers only (whole numbers and fractions, written or evaluated), else None."""
    if expr.is_Rational:
        return expr
    if isinstance(expr, AsWritten):
        return _number(expr.args[0])
    if not (expr.is_Add or expr.is_Mul or expr.is_Pow):
        return None
    values = [_number(arg) for arg in expr.args]
    if any(value is None for value in values):
        return None
    return sympy.Add(*values) if expr.is_Add else sympy.Mul(*values) if expr.is_Mul else values[0] ** values[1]


def worked_chain(*steps: Step) -> Chain:
    """A chain of the steps, a step that shows the same factors and terms as the next merged into it.

    Printing sorts the factors of a product, so a rule step such as
    ``e^{-y} (cos(e^x) e^x)`` and its tidy form would show the same thing twice;
    the tidy form is kept, with the rule as its reason. Steps that cancel or
    collect something stay apart, and so does a rule's line of factors to multiply (``FactorsToMultiply``, x . 2x).
    """
    kept: list[Step] = []
    for step in steps:
        if kept and _shown(kept[-1].expr) == _shown(step.expr) and not to_multiply(kept[-1].expr):
            kept[-1] = Step(step.expr, kept[-1].why)
        else:
            kept.append(step)
    return chain(*kept)


def shown(step: Step, before: Step | None = None) -> sympy.Basic:
    """``step.expr`` as the page writes it after the line ``before``. A factor taken out of that line's sum leaves its
    terms in the order they stood: ``x^2 (3 \\sin(x) + x \\cos(x))`` from ``3x^2 \\sin(x) + x^3 \\cos(x)``, where SymPy's
    order swapped them unnamed (TA read, German 8882). A product whose reason names the factor it takes out ("factor
    out $2 e^{2x} \\sin(x)$") has that factor in front, ``2 e^{2x} \\sin(x) \\cdot (\\sin(x) + \\cos(x))``, where the
    printer's order put the bracket inside it, ``2 e^{2x} (\\sin(x) + \\cos(x)) \\sin(x)`` (TA reads of several sessions).
    The dot keeps the bracket from reading as the function's argument; above a fraction bar alike, with a minus sign
    of the factor in front of the bar. Printing only: the step itself is unchanged."""
    expr = step.expr if before is None else _in_written_order(step.expr, before.expr)
    named = _factor_named(step.why)
    if named is None or not expr.is_Mul:
        return expr
    top, bottom = sympy.fraction(expr, exact=True)
    sums = [factor for factor in sympy.Mul.make_args(top) if factor.is_Add]
    if len(sums) != 1:
        return expr
    factor = sympy.Mul(*(other for other in sympy.Mul.make_args(top) if other is not sums[0]))
    if tex(factor) != named or not any(map(_after_a_bracket, sympy.Mul.make_args(factor))):
        return expr
    negative = factor.could_extract_minus_sign()
    written = WrittenProduct(-factor if negative else factor, sums[0], evaluate=False)
    if bottom != 1:
        written = WrittenQuotient(written, bottom)
    return sympy.Mul(-1, written, evaluate=False) if negative else written


def _in_written_order(expr: sympy.Expr, before: sympy.Expr) -> sympy.Expr:
    """``expr``, a factor times one sum of functions, with the sum's terms in the order of ``before``'s terms they
    come from, when each of those is the factor times one of them: the line took a factor out and did nothing else.
    ``expr`` itself otherwise, and for a polynomial in brackets, whose terms the printer orders by degree."""
    sums = [factor for factor in sympy.Mul.make_args(expr) if factor.is_Add]
    if not before.is_Add or not expr.is_Mul or len(sums) != 1 or sums[0].is_polynomial():
        return expr
    factor = sympy.Mul(*(other for other in sympy.Mul.make_args(expr) if other is not sums[0]))
    if factor in (1, -1) or sympy.fraction(factor, exact=True)[1] != 1:
        return expr
    written = printed_terms(before)
    terms = [evaluated(term) / factor for term in written]
    shown = list(printed_terms(sums[0]))
    if sorted(map(sympy.srepr, terms)) != sorted(map(sympy.srepr, shown)) or terms == shown:
        return expr
    if terms[0].could_extract_minus_sign() and not shown[0].could_extract_minus_sign():
        return expr  # 2y (1 - 2 sin x), never 2y (-2 sin x + 1) from -4y sin x + 2y
    return sympy.Mul(*sympy.Mul.make_args(factor), WrittenSum(*terms, evaluate=False), evaluate=False)


def _after_a_bracket(factor: sympy.Expr) -> bool:
    """A factor the printer writes after a bracketed sum of its product: a function other than exp, or its power."""
    base = factor.as_base_exp()[0]
    return isinstance(base, sympy.Function) and not isinstance(base, sympy.exp)


def _factor_named(why: object) -> str | None:
    """The LaTeX of the factor a reason (or a reason it lists) says is taken out, "factor out $F$"; None if none is."""
    if not isinstance(why, Reason):
        return None
    if why.template == "factor out ${factor}$":
        return str(why.args["factor"])
    return next((found for arg in why.args.values() if (found := _factor_named(arg)) is not None), None)


def _shown(expr: sympy.Expr) -> tuple:
    """What a step shows, up to order and silent bookkeeping.

    Nested products and sums are flattened, numerical factors multiplied (unless two minus signs cancel) and
    powers of one base in a product added (``x x`` is ``x^2``) unless that
    cancels something (``r x / r`` stays).
    """
    expr = sympy.sympify(expr)
    if expr.is_Mul:
        factors = list(flattened(expr, sympy.Mul))
        numbers = [f for f in factors if f.is_Number]
        number = sympy.Mul(*numbers)
        if sum(f.is_negative for f in numbers) >= 2:  # -sin u . (-u'): minus signs that cancel are a step of their own
            return ("*", tuple(sorted(map(text, numbers))), _shown(sympy.Mul(*(f for f in factors if not f.is_Number))))
        powers: dict[tuple, list[sympy.Expr]] = {}
        for factor in factors:
            if not factor.is_Number:
                base, exponent = factor.as_base_exp()
                powers.setdefault(_shown(base), []).append(exponent)
        shown = []
        for base, exponents in powers.items():
            same_sign = all(e.is_positive for e in exponents) or all(e.is_negative for e in exponents)
            merged = [sympy.Add(*exponents)] if same_sign else exponents
            shown += [(base, _shown(e)) for e in merged]
        if not shown:
            return _shown(number)
        if number == 1 and len(shown) == 1 and shown[0][1] == _shown(sympy.Integer(1)):
            return shown[0][0]
        return ("*", text(number), tuple(sorted(shown, key=repr)))
    if expr.is_Add:
        return ("+", tuple(sorted((_shown(term) for term in flattened(expr, sympy.Add)), key=repr)))
    if expr.args:
        return (type(expr).__name__, tuple(_shown(arg) for arg in expr.args))
    return ("atom", text(expr))


def flattened(expr: sympy.Expr, kind: type) -> Iterator[sympy.Expr]:
    """The operands of a product (or sum) with nested products (sums) opened up."""
    for arg in expr.args:
        if isinstance(arg, kind):
            yield from flattened(arg, kind)
        else:
            yield arg


def chains_in(value: Any) -> Iterator[Chain]:
    """Every chain inside an answer (dataclass fields, tuples), in order."""
    return find_all(value, Chain)


def repeated_step(value: Any) -> str | None:
    """The first worked step inside ``value`` that prints as the step before it, if any.

    Such a step is not wrong, but a student reads the same line twice and looks for a change.
    """
    for steps in chains_in(value):
        printed = [tex(step.expr) for step in steps.steps]
        for before, line in zip(printed, printed[1:]):
            if line == before:
                return line
    return None


Verified = set[Chain | tuple[sympy.Basic, ...]]
"""Chains verified already, and the shapes of ``checked_by_shape`` chains: what ``verify_chain`` may skip."""


def verify_chain(chain: Chain, rng: random.Random, verified: Verified | None = None) -> None:
    """Each step equals the step before it; raises CheckFailed naming the first that does not.

    Matrices are compared entry by entry. Steps that are not equal as written are
    compared numerically, all at once (one compiled function per chain, not per pair).

    ``verified`` is the caller's record of what it has verified so far (one build, one run of
    ``sheets check``): a chain in it is skipped, and a chain verified here is added. The same
    chain again (a piece such as e^{2x} in the next variant or the next student, softmax's
    worked entries in every variant) states nothing new. A chain of steps that say
    ``checked_by_shape`` (``generator.kit.linalg.OnInstance``) is recorded by its shape too:
    chains that differ only in the names of their symbols (the letters a quadratic form is
    written with) state the same identity. Without a record every chain is verified.
    """
    if verified is None:
        _verify_steps(chain, rng)
        return
    try:
        if chain in verified:
            return
    except TypeError:  # a mutable matrix inside: verified every time
        _verify_steps(chain, rng)
        return
    # The chain itself is looked up first: renaming its symbols (``_shape``) rebuilds every
    # step, and a kind's derivation (form-gradient's index sums) comes back unchanged each time.
    key = _shape(chain)
    if key is None or key not in verified:
        _verify_steps(chain, rng)
    verified.update({chain} if key is None else {chain, key})


def _shape(chain: Chain) -> tuple[sympy.Basic, ...] | None:
    """The steps with every symbol renamed in order of first appearance; None unless a step is ``checked_by_shape``.

    A name stands for the same thing wherever it appears (the label of ``Entries("M")`` and the
    name of ``MatrixSymbol("M")`` are one name), so a symbol and a name string that agree are renamed alike.
    """
    exprs = [step.expr for step in chain.steps]
    if not any(getattr(expr, "checked_by_shape", False) for expr in exprs):
        return None
    nodes = [node for expr in exprs for node in sympy.preorder_traversal(expr)]
    names: dict[str, str] = {}
    renamed: dict[sympy.Basic, sympy.Basic] = {}
    for node in nodes:
        if type(node) is sympy.Symbol or type(node) is Str:
            new = names.setdefault(node.name, f"_{len(names)}")
            renamed[node] = Str(new) if type(node) is Str else sympy.Symbol(new, **node.assumptions0)
    return tuple(expr.xreplace(renamed) for expr in exprs)


def _verify_steps(chain: Chain, rng: random.Random) -> None:
    exprs = [_concrete(step.expr) for step in chain.steps]
    if any(isinstance(expr, sympy.MatrixBase) for expr in exprs):
        shapes = {getattr(expr, "shape", None) for expr in exprs}
        require(len(shapes) == 1, f"steps of different shapes: {sorted(map(str, shapes))}")
        rows = [list(expr) for expr in exprs]
        pairs = [(i, k) for i in range(1, len(exprs)) for k in range(len(rows[0]))]
        values = [[_explicit(entry) for entry in row] for row in rows]
        unequal = [(i, k) for i, k in pairs if values[i - 1][k] != values[i][k]]
        flat = {(i, k): values[i][k] for i in range(len(exprs)) for k in range(len(rows[0]))}
        _compare(chain, unequal, lambda i, k: flat[(i, k)], rng)
        return
    values = [_explicit(expr) for expr in exprs]
    unequal = [(i, 0) for i in range(1, len(values)) if values[i - 1] - values[i] != 0]
    _compare(chain, unequal, lambda i, k: values[i], rng)


def _compare(chain: Chain, unequal: list[tuple[int, int]], value_of, rng: random.Random) -> None:
    """Check the (step, entry) pairs that differ as written at a few random points."""
    if not unequal:
        return
    keys = sorted({(i - 1, k) for i, k in unequal} | set(unequal))
    exprs = [value_of(i, k) for i, k in keys]
    symbols = sorted(set().union(*(sympy.sympify(e).free_symbols for e in exprs)), key=lambda s: s.name)
    evaluate = as_function(sympy.Tuple(*exprs), symbols)
    position = {key: n for n, key in enumerate(keys)}
    checked = 0
    for _ in range(60 * POINTS):
        point = [rng.uniform(0.3, 1.7) if s.is_positive else rng.uniform(-0.45, 0.45) for s in symbols]
        try:
            numbers = [complex(v) for v in evaluate(*point)]
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            continue
        if not all(math.isfinite(n.real) and math.isfinite(n.imag) for n in numbers):
            continue
        for i, k in unequal:
            first, second = numbers[position[(i - 1, k)]], numbers[position[(i, k)]]
            if abs(first - second) > 1e-9 * max(1.0, abs(first), abs(second)):
                raise CheckFailed(
                    f"step {i + 1} ({_short(chain.steps[i].expr)}) does not equal step {i} "
                    f"({_short(chain.steps[i - 1].expr)})"
                )
        checked += 1
        if checked == POINTS:
            return
    raise CheckFailed(f"could not find points to compare the steps of {_short(chain.result)} at")


def _concrete(expr: sympy.Basic) -> sympy.Basic:
    """A matrix expression (``A x + b``) as its explicit matrix, so that its entries are compared.

    Matrix symbols of symbolic size have no entries to compare: such steps are written
    with ``generator.kit.linalg.OnInstance``, which checks them on a small instance.
    """
    if not isinstance(expr, sympy.MatrixExpr) or isinstance(expr, sympy.MatrixBase):
        return expr
    if not all(sympy.sympify(size).is_Integer for size in expr.shape):
        raise CheckFailed(f"step {_short(expr)} has symbolic size: wrap it in OnInstance to check it")
    return expr.as_explicit()


def _short(expr: sympy.Basic) -> str:
    """One line of text for an expression or matrix, for messages."""
    return sympy.sstr(expr.tolist() if isinstance(expr, sympy.MatrixBase) else expr)


def _explicit(expr: sympy.Basic) -> sympy.Basic:
    """Unevaluated parts evaluated; the project's own functions (sigma, log2) in exp and log;
    entries of matrix symbols (``A[0, 1]``) plain symbols, which the comparison can draw.

    Most steps are plain sums, products and powers of elementary functions; ``doit`` would
    rebuild every node of those for nothing, so they are returned as they are."""
    expr = sympy.sympify(expr)
    if all(node.is_Atom or isinstance(node, _ELEMENTARY) for node in sympy.preorder_traversal(expr)):
        return expr
    value = expr.doit().replace(
        lambda node: isinstance(node, sympy.Function) and type(node).__module__.startswith(("generator.", "problems.")),
        lambda node: node.rewrite(sympy.exp).rewrite(sympy.log),
    )
    if not value.has(MatrixElement):
        return value
    return value.replace(lambda node: isinstance(node, MatrixElement), lambda node: sympy.Symbol(str(node)))
