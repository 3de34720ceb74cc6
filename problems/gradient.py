"""Gradients of scalar functions f: R^n -> R, n = 2 or 3.

``kind`` chooses the functions: ``composition`` draws products, quotients
and compositions of exp, log, sin, cos and polynomials in x, y (z), like
``e^{-y} sin(e^x)`` (``level`` 1: one rule per partial, 2: two nested rules);
``norm`` draws radial functions g(||x - a||_2) of a vector x = (x_1, ..., x_n),
like ``1/2 ||x||_2^2``, ``||x||_2``, ``e^{-||x - a||_2^2}``, ``log(1 + ||x||_2^2)``;
``mixed`` draws both (at least one of each when ``count`` >= 2), in x_1, ..., x_n.
The solution works out each partial derivative rule by rule
(``generator.kit.differentiation.worked_partial``: the parts a rule acts on named u, v, ...,
the rule step, the tidy result). A radial function of the square s = ||x - a||_2^2
goes by the chain rule through s, h'(s) 2 (x_i - a_i), true for every x; ||x||_2
and 1/||x||_2 go through r = ||x||_2, g'(r) x_i/r, true for x != 0, and the final
gradient says so. The partials of the norm the rules go through are derived first, for x_1 in coordinates
(``norm_partials``): ||x||_2 = sqrt(x_1^2 + ... + x_n^2) by the chain rule, ||x - a||_2^2 as a sum
of squares of which one holds x_1. The partials are stacked into the gradient column vector; a
radial function's gradient is also written in vector form, g'(r)/r (x - a): bold
vector symbols, so that equality is display-only, checked component by component
by ``check``. A function undefined at 0 (1/||x||_2), or whose gradient is (||x||_2), is stated on R^n without 0.

Excluded by construction: compositions that miss a variable (so no partial
is identically 0), logs and denominators of expressions that can vanish (they
are at least 1 everywhere), two functions of one structure up to constants (two
radial functions of one shape) in a variant, a variant that is a canonical
instance up to constants or any one of its functions, and shifted norms that are not differentiable at their
centre (only the centre 0 may be a singular point; the check evaluates in
[0.15, 0.85]^n, away from it).

answers.json keys: ``inputs.variables``, ``inputs.functions`` (norms are
stored as ``sqrt(x_1**2 + ...)``), ``inputs.center`` (the point a of shifted
norms; 0 if there are none), ``inputs.first_index``;
``answers.worked`` (per function and variable: the named parts with their
derivative steps, the rule steps, the rules applied), ``answers.partials``
(per function, the partials in variable order),
``answers.gradients`` (column vectors), ``answers.vector_forms`` (per
function: empty, or one expression in the vector symbols ``x`` and ``a``), ``answers.norm_partials``
(the partials of the norms with respect to x_1, derived in coordinates: ||x||_2^2, ||x - a||_2^2, ||x||_2 as used).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import sympy

from generator.kit import (
    N_,
    Chain,
    ChoiceOption,
    Family,
    IntOption,
    Reason,
    Step,
    WrittenProduct,
    WrittenSum,
    as_function,
    chain,
    check_partials,
    close,
    distinct,
    nonzero,
    remembered,
    require,
    tex,
    worked_chain,
)
from generator.kit.differentiation import (
    CHAIN,
    PARTIALS_PREAMBLE,
    Worked,
    named_alike,
    rules_difficulty,
)
from generator.kit.functions import (
    coordinates,
    indexed_coordinates,
    readable,
    smooth_function,
)
from generator.kit.language import joined
from generator.kit.notation import EuclideanNorm
from generator.kit.rewrites import cancelling_number, listed
from generator.kit.tidying import (
    derivative,
    partial_derivatives,
    presentable,
    tidy_derivative,
)
from generator.kit.vectorcalc import (
    A,
    X,
    divides_by_norm,
    like_canonical,
    new_structure,
    taken_up,
)
from generator.kit.vectorcalc import partial as partial_of  # functools.partial is partial here

MAX_FUNCTION_WIDTH = 30
MAX_PARTIAL_WIDTH = 40
CHECK_BOX = (0.15, 0.85)
"""Where a radial function is checked: away from the origin, where ||x||_2 is not differentiable, and from every
integer centre a. A composition has no such point and is checked on the kit's box around 0, as in every other
family: in this box e^{3x + 3y + 2z} reaches e^{6.8}, cos of it turns too fast for a central difference, and a right
partial failed its check (n = 3, seed 56)."""


_r = sympy.Dummy("r", positive=True)
HALF = sympy.Rational(1, 2)
RADIAL_PROFILES: dict[str, tuple[sympy.Expr, ...]] = {
    "square": (HALF * _r**2, _r**2, 2 * _r**2),
    "norm": (HALF * _r, _r, 2 * _r),
    "inverse": (1 / _r,),
    "gaussian": (sympy.exp(-(_r**2)), sympy.exp(-HALF * _r**2)),
    "log": (sympy.log(1 + _r**2),),
    "root": (sympy.sqrt(1 + _r**2),),
}
"""g(r) for f(x) = g(||x - a||_2), by shape; the functions of one variant have different shapes."""
SINGULAR_AT_CENTRE = frozenset({"norm", "inverse"})
"""Shapes not differentiable at r = 0: these are centred at 0, never at a."""


@dataclass(frozen=True)
class Params:
    variables: tuple[sympy.Symbol, ...]
    functions: tuple[sympy.Expr, ...]
    center: sympy.ImmutableMatrix
    first_index: int = 1

    @property
    def names(self) -> tuple[str, ...]:
        if len(self.functions) == 1 and self.first_index == 1:
            return ("f",)
        return tuple(f"f_{{{self.first_index + i}}}" for i in range(len(self.functions)))

    @property
    def vector_notation(self) -> bool:
        """Functions of a vector x = (x_1, ..., x_n) rather than of x, y (z)."""
        return self.variables == indexed_coordinates(len(self.variables))

    @property
    def has_norm(self) -> bool:
        return any(f.has(EuclideanNorm) for f in self.functions)

    @property
    def shifted(self) -> bool:
        return any(self.center)

    @property
    def punctured(self) -> tuple[bool, ...]:
        """Per function: undefined at x = 0 (it divides by ||x||_2), so its domain is R^n without 0."""
        return tuple(divides_by_norm(f) for f in self.functions)

    @property
    def squared_norms(self) -> tuple[bool, ...]:
        """Whether ||x||_2^2 (False) and ||x - a||_2^2 (True) are differentiated as squares, in that order."""
        norms = {norm for f in self.functions for norm in f.atoms(EuclideanNorm) if _of_square(f, norm)}
        return tuple(sorted({not norm.centred for norm in norms}))

    @property
    def plain_norm(self) -> bool:
        """Some function is differentiated through ||x||_2 itself (not its square), which needs x != 0."""
        return any(not _of_square(f, norm) for f in self.functions for norm in f.atoms(EuclideanNorm))


@dataclass(frozen=True)
class Answer:
    worked: tuple[tuple[Worked, ...], ...]
    """Per function, per variable: the partial derivative worked rule by rule."""
    partials: tuple[tuple[sympy.Expr, ...], ...]
    gradients: tuple[sympy.ImmutableMatrix, ...]
    vector_forms: tuple[tuple[sympy.Expr, ...], ...]
    norm_partials: tuple[Chain, ...]
    """d/dx_1 of ||x||_2^2, ||x - a||_2^2 and ||x||_2 (those the rules go through, in that order), in coordinates:
    the solution quotes these partials for every x_i, so it derives them once (TA read: quoted, nothing derived)."""

    @property
    def singular(self) -> tuple[bool, ...]:
        """Per function: the gradient divides by ||x||_2, so it exists only for x != 0."""
        return tuple(any(divides_by_norm(form) for form in forms) for forms in self.vector_forms)


def _radial(rng: random.Random, variables: tuple[sympy.Symbol, ...], center: sympy.ImmutableMatrix) -> sympy.Expr:
    """g(||x||_2), or g(||x - a||_2) when g is smooth at 0."""
    shape = rng.choice(sorted(RADIAL_PROFILES))
    shift = center if shape not in SINGULAR_AT_CENTRE and rng.random() < 0.5 else sympy.zeros(len(variables), 1)
    norm = EuclideanNorm(*(v - c for v, c in zip(variables, shift, strict=True)))
    return rng.choice(RADIAL_PROFILES[shape]).xreplace({_r: norm})


def _function(
    rng: random.Random, kind: str, variables: tuple[sympy.Symbol, ...], center: sympy.ImmutableMatrix, level: int
) -> sympy.Expr:
    if kind == "norm":
        return _radial(rng, variables, center)
    return smooth_function(rng, variables, level)


def _shifted(f: sympy.Expr) -> bool:
    return any(not norm.centred for norm in f.atoms(EuclideanNorm))


@remembered(1024)
def _shape(f: sympy.Expr) -> str | None:
    """Which radial shape f has (None for a composition); asked of every candidate and of those drawn before it."""
    profile = f.xreplace({norm: _r for norm in f.atoms(EuclideanNorm)})
    return next((shape for shape, profiles in RADIAL_PROFILES.items() if profile in profiles), None)


def _new_shape(f: sympy.Expr, others: list[sympy.Expr]) -> bool:
    return _shape(f) is None or _shape(f) not in map(_shape, others)


def _usable(f: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> bool:
    """Fits on a line, with partials that fit too; a composition involves every variable."""
    if not readable(f, MAX_FUNCTION_WIDTH):
        return False
    if not f.has(EuclideanNorm) and f.free_symbols != set(variables):
        return False
    return all(readable(d, MAX_PARTIAL_WIDTH) for d in partial_derivatives(f, variables))


def _kinds(rng: random.Random, kind: str, count: int) -> list[str]:
    """The kind of each function; ``mixed`` has at least one of each when there is room."""
    both = ["composition", "norm"]
    if kind != "mixed":
        return [kind] * count
    if count == 1:
        return [rng.choice(both)]
    return rng.sample(both + [rng.choice(both) for _ in range(count - 2)], count)


def _center(rng: random.Random, n: int) -> sympy.ImmutableMatrix:
    """A small non-zero integer point a."""
    entries = [rng.randint(-2, 2) for _ in range(n)]
    entries[rng.randrange(n)] = nonzero(rng, -2, 2)
    return sympy.ImmutableMatrix(entries)


def sample(rng: random.Random, options: Mapping) -> Params:
    n = options["n"]
    variables = coordinates(n) if options["kind"] == "composition" else indexed_coordinates(n)
    center = _center(rng, n)
    functions: list[sympy.Expr] = []
    kinds = _kinds(rng, options["kind"], options["count"])
    for slot, kind in enumerate(kinds):
        last = slot == len(kinds) - 1
        functions += distinct(
            rng,
            partial(_function, kind=kind, variables=variables, center=center, level=options["level"]),
            1,
            accept=lambda f, last=last: _new_shape(f, functions)
            and new_structure(f, functions)
            and f not in _CANONICAL_EACH
            and not (last and like_canonical([*functions, f], _CANONICAL_FUNCTIONS))
            and _usable(f, variables),
            what=f"{kind} functions of new structures",
        )
    if not any(_shifted(f) for f in functions):
        center = sympy.ImmutableMatrix.zeros(n, 1)
    return Params(variables, tuple(functions), center)


def solve(params: Params) -> Answer:
    worked = tuple(named_alike(taken_up(_worked(f, v) for v in params.variables)) for f in params.functions)
    partials = tuple(tuple(w.result for w in row) for row in worked)
    return Answer(
        worked,
        partials,
        tuple(sympy.ImmutableMatrix(column) for column in partials),
        tuple(_vector_forms(f, params.center) for f in params.functions),
        tuple(_norm_partial(len(params.variables), shifted) for shifted in params.squared_norms)
        + ((_plain_norm_partial(len(params.variables)),) if params.plain_norm else ()),
    )


def _norm_partial(n: int, shifted: bool) -> Chain:
    """d/dx_1 ||x - a||_2^2 (or ||x||_2^2) written as the sum of squares it is: only its first term holds x_1."""
    x, a = indexed_coordinates(n), _CENTRE_LETTERS[:n]
    components = [WrittenSum(v, -c, evaluate=False) if shifted else v for v, c in zip(x, a, strict=True)]
    first = sympy.Mul(2, components[0], evaluate=False) if shifted else 2 * x[0]
    why = FIRST_TERM_CHAIN if shifted else FIRST_TERM
    return chain(Step(sympy.Derivative(WrittenSum(*(c**2 for c in components), evaluate=False), x[0]), SQUARE_COORDINATES), Step(first, why))


def _plain_norm_partial(n: int) -> Chain:
    """d/dx_1 ||x||_2 = d/dx_1 sqrt(x_1^2 + ... + x_n^2) by the chain rule, the 2 cancelled: x_1/||x||_2."""
    x = indexed_coordinates(n)
    root = sympy.sqrt(sympy.Add(*(v**2 for v in x)))
    rule = WrittenProduct(1 / (2 * root), 2 * x[0], evaluate=False)
    return chain(
        Step(sympy.Derivative(root, x[0]), COORDINATES),
        Step(rule, ROOT_CHAIN),
        # the root is the norm again: said, not done in silence (TA read, German 8882)
        Step(x[0] / EuclideanNorm(*x), Reason("cancel $2$; the root is ${norm}$", norm=tex(EuclideanNorm(*x)))),
    )


_CENTRE_LETTERS = sympy.symbols("a_1 a_2 a_3", real=True)
"""The coordinates a_i of the point a, in the derivation of the partial of ||x - a||_2^2 (for any a)."""
COORDINATES = N_("the norm in coordinates")
SQUARE_COORDINATES = N_("the squared norm in coordinates")  # not "the norm": a TA read (7321) found it above a sum of squares
FIRST_TERM = N_("only the first term depends on $x_1$; table of derivatives")
FIRST_TERM_CHAIN = N_("only the first term depends on $x_1$; chain rule")
ROOT_CHAIN = N_(r"chain rule, $(\sqrt{t})' = \frac{1}{2 \sqrt{t}}$")  # not u, a part's name elsewhere on the sheet (a TA read, EN 9094)


def _worked(f: sympy.Expr, v: sympy.Symbol) -> Worked:
    """df/dv rule by rule; for f = g(||x - a||_2), the chain rule through the norm.

    A function of the square s = ||x - a||_2^2 is differentiated through s, whose partial
    2 (x_i - a_i) holds everywhere: h'(s) 2 (x_i - a_i). Any other g goes through r = ||x - a||_2
    itself, g'(r) (x_i - a_i)/r, which needs r != 0 (those are centred at 0).
    """
    norms = f.atoms(EuclideanNorm)
    if not norms:
        return partial_of(f, v)
    (norm,) = norms
    component = next(c for c in norm.args if c.has(v))
    if _of_square(f, norm):
        outer = derivative(f.xreplace({norm**2: _s}), _s).xreplace({_s: norm**2})
        inner = 2 * v if component == v else sympy.Mul(2, component, evaluate=False)
    else:
        outer = derivative(f.xreplace({norm: _r}), _r).xreplace({_r: norm})
        inner = derivative(norm, v)
    rule = WrittenProduct(*_number_apart(outer), inner, evaluate=False)
    # c ||x - a||^2 has no outer function to chain through: its partial is the quoted one, times c
    # the chain rule goes through the norm's partial too, named as the rows without an outer function name it
    # ("chain rule" alone beside 2 x_i / (||x||^2 + 1), a TA read, German 9221)
    quoted = SQUARED_NORM if _of_square(f, norm) else NORM
    through = joined([CHAIN, quoted]) if outer.free_symbols else Reason(quoted)
    if not outer.free_symbols and outer != 1:  # 2 ||x||_2: its partial quoted, times 2, said (TA read, EN 8931)
        through = Reason(CONSTANT_FACTOR, rule=through)
    if not norm.centred:  # 2 (x_i - a_i) with a_i put in, 2 (x_1 - 2) or 2 x_2: the reason says which a_i (TA read)
        index = norm.args.index(component) + 1
        through = Reason(POINT, rule=through, index=index, value=tex(v - component))
    tidying = _tidying(outer, inner, norm)
    steps = (Step(rule, through), Step(_facing(tidy_derivative(f, v), component), listed(tidying) if tidying else MULTIPLY))
    return Worked((), chain(*steps) if tidying else worked_chain(*steps), ("chain",) if outer.free_symbols else ())


def _number_apart(outer: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """The outer derivative's factors as a student multiplies them: -1/2 . e^{-||x||^2/2} . 2 x_1, where the fraction
    -e^{..}/2 . 2 x_1 hid the 1/2 that the next step cancels against the 2 (TA read, German 8902)."""
    coefficient, rest = outer.as_coeff_Mul()
    if coefficient.is_Rational and coefficient.q != 1 and not rest.is_Number and sympy.fraction(rest, exact=True)[1] == 1:
        return coefficient, rest
    return (outer,)


def _tidying(outer: sympy.Expr, inner: sympy.Expr, norm: EuclideanNorm) -> list[Reason]:
    """What a student does to the chain rule's product g'(r) r_i to write it as one term: cancel a number
    (1/(2 sqrt(s)) . 2 x_1, "cancel $2$") or multiply two (1/2 . 2 x_1), and combine the powers of the norm
    (-1/||x||^2 . x_1/||x|| is -x_1/||x||^3: a TA read found that product hidden under "chain rule", idl 1.3(b),
    German, seed 6602). Empty when the factors are only reordered: the product is then not a step of its own."""
    reasons = []
    if all(abs(factor.as_coeff_Mul()[0]) != 1 for factor in (outer, inner)):  # a sign is no number to multiply
        cancelled = cancelling_number(WrittenProduct(outer, inner, evaluate=False))
        reasons.append(Reason("cancel ${factor}$", factor=tex(cancelled)) if cancelled != 1 else Reason(MULTIPLY))
    if all(any(factor.as_base_exp()[0] == norm for factor in sympy.Mul.make_args(part)) for part in (outer, inner)):
        reasons.append(Reason(COMBINE, norm=tex(norm)))
    return reasons


def _facing(tidy: sympy.Expr, component: sympy.Expr) -> sympy.Expr:
    """``tidy`` with x_i - a_i as the rule wrote it: tidying turns -e^{..} (x_1 - 2) into e^{..} (2 - x_1), which
    hid a sign under "cancel 2" and put (2 - x_1) beside -e^{..} (x_2 + 2) in one gradient (TA read, idl 1.3(b),
    German, seed 8124)."""
    flipped = sympy.expand(-component)
    if component.is_Add and tidy.is_Mul and flipped in tidy.args:
        return -(tidy / flipped) * component
    return tidy


CONSTANT_FACTOR = N_("constant factor, {rule}")
SQUARED_NORM = N_("partial of the squared norm")
NORM = N_("partial of the norm")
"""Reasons for c ||x - a||_2^2 and c ||x - a||_2, whose partials the solution quotes before the steps."""
POINT = N_("{rule}; $a_{index} = {value}$")  # a fact after the rule, as "sum rule; y does not depend on x" (a TA read, EN 9122)
"""The chain rule (or a quoted partial) through ||x - a||_2 with the coordinate a_i of the given point put in."""


COMBINE = N_("combine the powers of ${norm}$")
MULTIPLY = N_("multiply the factors")
"""What the step after the chain rule through the norm does: g'(r) times the inner derivative, as one product
(unless numbers cancel: ``rewrite_name`` names that)."""


_s = sympy.Dummy("s", positive=True)
"""Stands for the squared norm ||x - a||_2^2 while the outer function is differentiated."""


def _of_square(f: sympy.Expr, norm: EuclideanNorm) -> bool:
    """f is a function of ||x - a||_2^2, so it is smooth and differentiated through the square."""
    return not f.xreplace({norm**2: _s}).has(norm)


def _vector_forms(f: sympy.Expr, center: sympy.ImmutableMatrix) -> tuple[sympy.Expr, ...]:
    """For f = g(||x - a||_2): (g'(r) / r (x - a),) by the chain rule; () for any other f."""
    norms = f.atoms(EuclideanNorm)
    if not norms:
        return ()
    (norm,) = norms
    factor = presentable(derivative(f.xreplace({norm: _r}), _r) / _r).xreplace({_r: norm})
    direction = X - A if _shifted(f) else X
    if factor == 1:
        return (direction,)
    # SymPy would multiply a number into x - a; 2 (x - a) reads better than 2x - 2a.
    if factor.is_Number:
        return (sympy.Mul(factor, direction, evaluate=False),)
    # x after its factor: SymPy's -2 x e^{-||x||^2} ran the bold x into the e (TA read, EN 8941)
    if direction == X and sympy.fraction(factor, exact=True)[1] == 1:
        return (WrittenProduct(factor, direction, evaluate=False),)
    return (factor * direction,)


def difficulty(params: Params, answer: Answer) -> float:
    """Rules applied over all worked partials (``rules_difficulty``): the step count would reward SymPy's reordering."""
    return rules_difficulty(w for row in answer.worked for w in row)


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Partials against finite differences of f (a radial one away from its singular point 0); vector forms against
    the partials."""
    variables = params.variables
    for name, f, partials, gradient, forms in zip(
        params.names, params.functions, answer.partials, answer.gradients, answer.vector_forms, strict=True
    ):
        require(all(d != 0 for d in partials), f"a partial derivative of {name} is identically 0")
        require(gradient == sympy.ImmutableMatrix(partials), f"the gradient of {name} does not stack its partials")
        check_partials(f, variables, partials, rng, *(CHECK_BOX if f.has(EuclideanNorm) else ()))
        for form in forms:
            _require_same_vector(name, form, partials, params, rng)


def _require_same_vector(
    name: str, form: sympy.Expr, partials: tuple[sympy.Expr, ...], params: Params, rng: random.Random
) -> None:
    """The vector form, read component by component, equals the (checked) partials at random points."""
    components = [form.xreplace({X: v, A: a}) for v, a in zip(params.variables, params.center, strict=True)]
    gaps = as_function(sympy.Tuple(*(c - d for c, d in zip(components, partials, strict=True))), params.variables)
    for _ in range(5):
        point = tuple(rng.uniform(*CHECK_BOX) for _ in params.variables)
        require(all(close(gap, 0.0) for gap in gaps(*point)), f"the vector form of grad {name} disagrees with its partials")


_x1, _x2 = indexed_coordinates(2)
_x, _y = coordinates(2)
CANONICAL = {
    "idl-math-background-1.3b": Params(
        (_x1, _x2),
        (HALF * EuclideanNorm(_x1, _x2) ** 2, HALF * EuclideanNorm(_x1, _x2)),
        sympy.ImmutableMatrix.zeros(2, 1),
        first_index=4,
    ),
    "dl-sheet1-3b": Params((_x, _y), (sympy.exp(-_y) * sympy.sin(sympy.exp(_x)),), sympy.ImmutableMatrix.zeros(2, 1)),
}
_CANONICAL_FUNCTIONS = tuple(params.functions for params in CANONICAL.values())
"""A random variant never asks these again, up to constants."""
_CANONICAL_EACH = frozenset(f for functions in _CANONICAL_FUNCTIONS for f in functions)
"""Nor any one of their functions as written: a student who has seen the original's solution would copy it."""

FAMILY = Family(
    name="gradient",
    summary="Gradients of scalar functions of 2 or 3 variables: compositions and norms.",
    sample=sample,
    solve=solve,
    check=check,
    difficulty=difficulty,
    key_fields=("partials", "gradients", "vector_forms"),
    grading={"forms": {"gradients": "column vector"}},
    preamble=PARTIALS_PREAMBLE,
    options=(
        IntOption("n", 2, 2, 3, "number of variables"),
        IntOption("count", 1, 1, 3, "how many functions"),
        ChoiceOption(
            "kind",
            "composition",
            ("composition", "norm", "mixed"),
            "compositions of exp/log/sin/cos/polynomials, radial functions of ||x - a||_2, or both",
        ),
        IntOption("level", 2, 1, 2, "compositions: 1 rule per partial, or 2 nested rules"),
    ),
    canonical=CANONICAL,
)
