"""Univariate derivatives by the chain, product and quotient rules.

Functions are built from small integer polynomials, exp, log, sin, cos and
powers. ``level`` is the depth of rule nesting: 1 applies one rule to
elementary pieces (``sin(3x)``, ``x^2 e^x``), 2 nests one rule inside another
(``(1-x) log(1-x)``), 3 nests once more.

Excluded by construction: constant or zero derivatives (every piece is
non-linear or composed with a non-constant function), logs and denominators
that can vanish on [-1/2, 1/2], where the check evaluates. Excluded by
rejection: quotients whose numerator and denominator share a factor, such as
``x (x - 2) / (2 - x)``, which is only ``-x`` written the long way (and whose
derivative is the constant -1); polynomials written with a common factor
(``(2x - 2)^3``) or as a power multiplied out (``x^2 - 2x + 1``), which tidying
would rewrite; two functions of one part with
the same structure up to constants (``x cos x / (2x^2 + 1)`` and
``x cos x / (x^2 + 3)``) or differing only in a polynomial factor (``e^x cos x / (4 - x)``
and ``e^x cos x / (3x^2 + 1)``, ``calculus.skeleton``) or sharing a product, quotient or composition
(``sin(e^x sin x)`` and ``e^x sin x / (cos x + 2)``, ``functions.compound_parts``); a function
of the canonical instance; and functions
whose worked solution has a line too wide for the page (``worked_width``), which
also keeps level 3 to what an exam can ask.

The solution works each derivative rule by rule (``generator.kit.differentiation``):
the pieces a rule acts on are named u, v, w, ... (an inner function of the chain
rule g) in the order they are listed, each piece's derivative is worked out, the rule is applied with them substituted,
and the result tidied, each tidying step named by the rewrite it performs
("expand, collect like terms and factor out $4x$"). Every step is verified by the engine.

answers.json keys: ``inputs.functions`` (list of f(x)), ``answers.derivatives``
(list of f'(x), same order), ``answers.worked`` (per function: the named
pieces with their derivative steps, the rule steps, and the rules applied);
all expressions are SymPy strings in the variable ``x``.
"""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy
from sympy import cos, exp, log, sin

from generator.kit import (
    Family,
    IntOption,
    check_partials,
    distinct,
    nonzero,
    require,
    tex,
)
from generator.kit.differentiation import Worked, differentiate, rules_needed
from generator.kit.functions import compound_parts, skeleton, structure
from generator.kit.rewrites import factor_terms
from generator.kit.widths import LINE_WIDTH, worked_width

x = sympy.Symbol("x", real=True)
MAX_PRINTED_LENGTH = 70
MAX_POWER = 4


@dataclass(frozen=True)
class Params:
    functions: tuple[sympy.Expr, ...]

    @property
    def defined_everywhere(self) -> bool:
        """Every function is defined on all of R: the statement then says f_i: R -> R, where "on its domain" beside
        three such functions hinted at a restriction (TA reads, EN 8911, German 9201)."""
        return all(map(_defined_everywhere, self.functions))


def _defined_everywhere(f: sympy.Expr) -> bool:
    """No log of, root of or division by anything SymPy cannot tell is positive for every real x (2 + cos x it cannot:
    such a function keeps "on its domain", which is true of it too)."""
    for node in sympy.preorder_traversal(f):
        if isinstance(node, log) and not node.args[0].is_positive:
            return False
        if node.is_Pow and not (node.exp.is_integer and node.exp.is_nonnegative) and not node.base.is_positive:
            return False
    return True


@dataclass(frozen=True)
class Answer:
    worked: tuple[Worked, ...]
    derivatives: tuple[sympy.Expr, ...]


def _linear(rng: random.Random) -> sympy.Expr:
    """a x + b with a != 0, not plain x, and not both negative: (x + 2)^3, never (-x - 2)^3."""
    a, b = rng.choice([-1, 1, 2, 3]), rng.randint(-2, 2)
    if a < 0 and b < 0:
        a, b = -a, -b
    return a * x + b if (a, b) != (1, 0) else 2 * x


def _polynomial(rng: random.Random) -> sympy.Expr:
    a, b = rng.randint(1, 3), nonzero(rng, -2, 2)
    return rng.choice([x**2 + a, x**3 + a * x + abs(b), a * x**2 + b * x + 1, x**2 + b * x + 3])


def _positive(rng: random.Random) -> sympy.Expr:
    """Strictly positive on [-1/2, 1/2]: safe under log, sqrt and as a denominator."""
    a = rng.randint(1, 3)
    return rng.choice([x**2 + a, exp(nonzero(rng, -2, 2) * x) + 1, a + 1 - x, 1 + x**2 * a, 2 + cos(x)])


def _elementary(rng: random.Random) -> sympy.Expr:
    """A piece whose derivative needs no rule beyond the table."""
    return rng.choice([x ** rng.randint(2, 3), exp(x), sin(x), cos(x), x])


_OUTER: tuple[Callable[[sympy.Expr], sympy.Expr], ...] = (
    exp,
    sin,
    cos,
    lambda u: u**2,
    lambda u: u**3,
)


def _chain(rng: random.Random, inner: sympy.Expr) -> sympy.Expr:
    return rng.choice(_OUTER)(inner)


def _function(rng: random.Random, level: int) -> sympy.Expr:
    """A random function whose derivative needs ``level`` nested rules."""
    if level == 1:
        rule = rng.choice(["chain", "chain-log", "product", "quotient"])
        if rule == "chain":
            return _chain(rng, rng.choice([_linear, _polynomial])(rng))
        if rule == "chain-log":
            return log(_positive(rng))
        if rule == "product":
            first, second = rng.sample([x ** rng.randint(1, 3), exp(x), sin(x), cos(x)], 2)
            return first * second
        return _elementary(rng) / _positive(rng)
    inner = _function(rng, level - 1)
    rule = rng.choice(["chain", "product", "quotient"])
    if rule == "chain":
        return _chain(rng, inner)
    if rule == "product":
        return rng.choice([_linear(rng), _elementary(rng)]) * inner
    return inner / _positive(rng)


def sample(rng: random.Random, options: Mapping) -> Params:
    """``count`` usable functions of different structures, none of them a canonical instance's.

    Two functions that differ only in a polynomial factor above or below the bar (``skeleton``) are
    the same exercise twice, and are refused like two of one structure; so are two that share a
    product, quotient or composition (``compound_parts``), whose derivative the solution would work twice.
    """
    level, seen, parts = options["level"], set(), set()

    def new_and_usable(f: sympy.Expr) -> bool:
        shapes, compounds = {structure(f), skeleton(f, x)}, compound_parts(f)
        if shapes & seen or compounds & parts or f in CANONICAL_FUNCTIONS or not _usable(f, level):
            return False
        seen.update(shapes)
        parts.update(compounds)
        return True

    functions = distinct(rng, lambda r: _function(r, level), options["count"], accept=new_and_usable, what="functions")
    return Params(functions)


def _usable(f: sympy.Expr, level: int) -> bool:
    """Fits on a line, keeps powers small and values moderate, and needs about ``level`` rules.

    SymPy merges ``(u^2)^3`` into ``u^6`` and ``x^2 * x^3`` into ``x^5``, which can
    leave fewer rules than the level asks for; exponentials of exponentials or logs,
    and functions of polynomials of degree 3 and more, grow or oscillate too fast to
    work by hand (or to check by finite differences). Such draws are rejected rather
    than printed, and so are those whose worked solution has a step too wide for a line
    of the page (``worked_width``), which is worked out last: it costs the most.
    """
    powers = [node.exp for node in sympy.preorder_traversal(f) if node.is_Pow and node.exp.is_Integer]
    if any(abs(p) > MAX_POWER for p in powers) or _steep(f) or _common_factor_inside(f) or _power_written_out(f):
        return False
    if len(tex(f)) > MAX_PRINTED_LENGTH:
        return False
    if _exponentials_multiplied(f) or _negated_sum(f) or _shared_factor(f):
        return False
    rules = [rule for rule in rules_needed(f, x) if rule != "sum"]
    if not level <= len(rules) <= level + 1 or _cancels(f):
        return False
    return worked_width(differentiate(f, x)) <= LINE_WIDTH


def _exponentials_multiplied(f: sympy.Expr) -> bool:
    """Two exponentials multiplied, anywhere in ``f``: e^x e^{x + 1} is e^{2x + 1} in disguise, which a TA writes as one
    power (two reads, bank sheet 9741), and e^{3x} e^{-3x - 6}, x e^x e^{-x} or cos(e^x e^{1 - x}) are constants in
    disguise, whose derivative is 0 (``sheets check derivative -o level=3 -o count=4`` drew one)."""
    for node in sympy.preorder_traversal(f):
        if node.is_Mul and sum(isinstance(factor, sympy.exp) for factor in node.args) > 1:
            return True
    return False


def _negated_sum(f: sympy.Expr) -> bool:
    """A product with a minus sign in front of a sum, -(2 - x) sin(x - 2): SymPy takes the sign out of sin(2 - x),
    and the statement then asks to differentiate a -(2 - x) a hand would have written x - 2 (a TA read, EN 9611)."""
    return any(
        node.is_Mul and node.could_extract_minus_sign() and any(factor.is_Add for factor in node.args)
        for node in sympy.preorder_traversal(f)
    )


def _shared_factor(f: sympy.Expr) -> bool:
    """Two polynomial factors of one product sharing a factor, (2 - x)^2 (x - 2): that is (x - 2)^3 written the long
    way, and a hand would write it so (a TA read, German 9611)."""
    for node in sympy.preorder_traversal(f):
        if node.is_Mul:
            bases = [factor.as_base_exp()[0] for factor in node.args]
            polynomials = [base for base in bases if base.has(x) and base.is_polynomial(x)]
            if any(sympy.gcd(p, q).has(x) for i, p in enumerate(polynomials) for q in polynomials[i + 1 :]):
                return True
    return False


def _steep(f: sympy.Expr) -> bool:
    """An exponential of an exponential, of a log, of a polynomial of degree 3 or more, or of anything
    above 4 on [-1/2, 1/2] (e^{(3x + 2)^2} reaches e^{12}: sin of it turns hundreds of times); a sine
    or cosine of a power of a sum (sin((3x + 2)^3) turns five times on [-1/2, 1/2])."""
    for node in f.atoms(sympy.exp, sympy.sin, sympy.cos):
        argument = node.args[0]
        if isinstance(node, sympy.exp) and (
            argument.has(sympy.exp, sympy.log) or _degree(argument) > 2 or _exceeds(argument, MAX_EXPONENT)
        ):
            return True
        if any(power.base.is_Add and power.exp > 2 for power in argument.atoms(sympy.Pow)):
            return True
    return False


MAX_EXPONENT = 4


def _exceeds(argument: sympy.Expr, bound: int) -> bool:
    """Whether a polynomial argument rises above ``bound`` somewhere on [-1/2, 1/2] (checked at tenths)."""
    if not argument.is_polynomial(x):
        return False
    return any(argument.subs(x, sympy.Rational(k, 10)) > bound for k in range(-5, 6))


def _common_factor_inside(f: sympy.Expr) -> bool:
    """A polynomial with a common factor (``e^{6x + 6}``, ``(2x - 2)^3``, ``(3x^2 + x)^2``): tidying would rewrite it."""
    return any(
        node.is_Add and node.is_polynomial(x) and factor_terms(node) != node for node in sympy.preorder_traversal(f)
    )


def _power_written_out(f: sympy.Expr) -> bool:
    """A polynomial that is a power of one factor written out (``x^2 - 2x + 1``, (x - 1)^2): a hand writes
    cos((x - 1)^4), not cos((x^2 - 2x + 1)^2), and tidying, which does, left the worked lines switching between the
    two (a TA read, German 8861, f_3)."""
    for node in sympy.preorder_traversal(f):
        if node.is_Add and node.is_polynomial(x) and _degree(node) >= 2:
            _, factors = sympy.factor_list(node)
            if len(factors) == 1 and factors[0][1] >= 2:
                return True
    return False


def _cancels(f: sympy.Expr) -> bool:
    """Numerator and denominator share a factor: (x - 2) from a linear piece over the positive 2 - x."""
    numerator, denominator = f.as_numer_denom()
    return denominator.has(x) and sympy.gcd(numerator, denominator).has(x)


def _degree(expr: sympy.Expr) -> int:
    """Degree in x of a polynomial argument (0 for anything else): e^{(2x + 1)^3} is too steep to work with."""
    return sympy.degree(expr, x) if expr.is_polynomial(x) else 0


def solve(params: Params) -> Answer:
    worked = tuple(differentiate(f, x) for f in params.functions)
    return Answer(worked, tuple(w.result for w in worked))


def difficulty(params: Params, answer: Answer) -> float:
    """Per function: rules applied (product, quotient, reciprocal, chain) plus a little for its size."""
    return sum(
        len([rule for rule in w.rules if rule != "sum"]) + sympy.count_ops(f) / 10
        for f, w in zip(params.functions, answer.worked)
    )


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    for f, derivative in zip(params.functions, answer.derivatives, strict=True):
        require(derivative.has(x), lambda: f"derivative of {f} is constant: {derivative}")
        check_partials(f, [x], [derivative], rng)


CANONICAL = {
    "idl-math-background-1.3a": Params(
        (
            (x**3 + x + 1) ** 2,
            (exp(2 * x) - 1) / (exp(2 * x) + 1),
            (1 - x) * log(1 - x),
        )
    ),
}
CANONICAL_FUNCTIONS = frozenset(f for params in CANONICAL.values() for f in params.functions)
"""Functions students may have seen solved: a random draw never repeats one."""

FAMILY = Family(
    name="derivative",
    summary="Derivatives of univariate functions by the chain, product and quotient rules.",
    sample=sample,
    solve=solve,
    check=check,
    difficulty=difficulty,
    key_fields=("derivatives",),
    options=(
        IntOption("count", 1, 1, 6, "how many functions to differentiate"),
        IntOption("level", 2, 1, 3, "depth of rule nesting (1: one rule, 3: three nested rules)"),
    ),
    canonical=CANONICAL,
)
