"""Derivatives of activation functions, in x and in terms of the activation itself.

Every function is f(x) = c g(ax + b) for a smooth activation g and small
integers and simple fractions as parameters; u = ax + b is its argument:

* ``sigmoid``:     f = sigma(ax + b) = 1/(1 + e^(-u)),       f' = a sigma(u)(1 - sigma(u))
* ``tanh``:        f = tanh(ax),                              f' = a (1 - tanh^2(ax))
* ``softplus``:    f = (1/k) log(1 + e^(kx)), sharpness k,    f' = sigma(kx)
* ``swish``:       f = x sigma(beta x) (SiLU for beta = 1),  f' = sigma(u) + u sigma(u)(1 - sigma(u))
* ``log-sigmoid``: f = log sigma(ax + b),                     f' = a (1 - sigma(u))

Options: ``activation`` (one of the above, or ``any``: a different activation
for each function of the variant) and ``count`` (how many functions).

Excluded by construction: non-smooth activations (ReLU, ELU, softsign: their
derivatives need cases), a = 0, and negative slopes except for the plain
sigmoid (sigma(2 - x) is a fine exercise; tanh(-x) is only -tanh(x)).

The solution works f'(x) out in x by the rule the function needs (reciprocal,
quotient, chain or product rule), tidies it, then rewrites it step by step in
terms of the activation; the last step's reason is the definition used.
Every step is a verified ``Chain``.

answers.json keys: ``inputs.activations``, ``inputs.scales`` (a, or k, or beta),
``inputs.shifts`` (b), ``inputs.functions`` (f(x) in exponentials and logs);
``answers.worked`` (per function, the steps from the rule to the form in terms
of the activation), ``answers.derivatives`` (f'(x) in x, as worked before the
rewriting), ``answers.in_terms`` (f'(x) in terms of sigma or tanh; sigma is
stored as ``(1/(1 + exp(-u)))``). All are SymPy strings in ``x``.
"""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy
from sympy import Rational, exp, log, tanh

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
    defined_points,
    distinct,
    require,
    tex,
)
from generator.kit.activations import SIGMOID_LETTER
from generator.kit.differentiation import rule_and_tidy, tidied
from generator.kit.functions import structure
from generator.kit.language import joined
from generator.kit.notation import sigmoid
from generator.kit.printing import inline
from generator.kit.rewrites import GENERIC_NAMES, signs_named
from generator.kit.tidying import derivative

x = sympy.Symbol("x", real=True)
HALF = Rational(1, 2)


Steps = tuple[tuple[Step, ...], tuple[Step, ...]]
"""The steps that find f'(x) in x, then those that rewrite it towards the activation."""

AS_PRODUCT = N_("write the fraction as a product of fractions")  # with a factor in front the row has three: "of two" was false (TA reads, German 9074, 9133, EN 9142)
"""e^{-u}/(1 + e^{-u})^2 as 1/(1 + e^{-u}) . e^{-u}/(1 + e^{-u}): "split the fraction" there and for the sum split in the
next step named two different moves alike (a TA read, EN 9023)."""
SQUARE_OF_QUOTIENT = N_("split the fraction into $1$ minus the square of a quotient")
"""tanh's (b^2 - a^2)/b^2 as 1 - (a/b)^2: the quotient of squares written as a square too (a TA read, German 9021), the
first part's 1 named (EN 9481), in words: a^2/b^2 = (a/b)^2 used letters the sheet never defined (two reads, 9511)."""
ADD_SUBTRACT = N_("add and subtract 1 in the numerator, split the fraction")
"""e^{-u}/(1 + e^{-u}) as 1 - 1/(1 + e^{-u}): the fraction split too, which the reason left unsaid (TA reads, German 8922
swish and 8942 3(a))."""


@dataclass(frozen=True)
class Activation:
    """One activation g(t), the parameters drawn for it and the worked derivative of f(x) = c g(ax + b)."""

    curve: Callable[[sympy.Expr], sympy.Expr]
    """g(t) written with exp and log only."""
    steps: Callable[[sympy.Expr, sympy.Rational], Steps]
    """The derivative of f(x) worked in x, given u = ax + b and a."""
    in_terms: Callable[[sympy.Expr], sympy.Expr]
    """g'(t) written with sigma or tanh."""
    definition: str
    """Reason of the last step, which writes f'(x) with the activation."""
    scales: tuple[sympy.Rational, ...]
    shifts: tuple[int, ...]
    normalised: bool
    """f = (1/a) g(ax): softplus with sharpness k, and swish x sigma(beta x)."""


def _logistic(u: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + exp(-u))


def _times(factor: sympy.Expr, *factors: sympy.Expr) -> sympy.Expr:
    """factor . f_1 . f_2 ... as written, without a factor 1 and with -1 as a sign."""
    if factor == 1:
        return WrittenProduct(*factors, evaluate=False) if len(factors) > 1 else factors[0]
    if factor == -1:
        return WrittenProduct(-factors[0], *factors[1:], evaluate=False)
    return WrittenProduct(factor, *factors, evaluate=False)


def _before_bracket(factor: sympy.Rational, total: sympy.Expr) -> sympy.Expr:
    """factor (total) as the next row writes it once sigma or tanh stands in the bracket, 1/2 (1 - ...), never
    1/2 . (1 - ...) (a TA read, EN 9614); the sum alone for a factor 1."""
    return total if factor == 1 else sympy.Mul(factor, total, evaluate=False)


def _over_square(numerator: sympy.Expr, base: sympy.Expr) -> sympy.Expr:
    """numerator / base^2 with the square left as written."""
    return sympy.Mul(numerator, sympy.Pow(sympy.Pow(base, 2, evaluate=False), -1, evaluate=False), evaluate=False)


def _small(a: sympy.Rational) -> str:
    """``a`` in a reason: a fraction small and stacked, \\tfrac{1}{2} (e^{x/2} - e^{-x/2}), never 1/2 (e^{x/2} - e^{-x/2}),
    read as 1/(2 (...)) (a TA read, EN 9431)."""
    return tex(a) if a.q == 1 else ("-" if a < 0 else "") + rf"\tfrac{{{abs(a.p)}}}{{{a.q}}}"


def _chain(inner: sympy.Expr) -> Reason:
    """"chain rule twice; $(1 + e^{-3x})' = -3 e^{-3x}$": the inner derivative the row puts in, itself by the chain rule
    when its exponent is not x alone ("chain rule" alone did it twice unsaid, three TA reads, the last EN 9614)."""
    twice = any(power.args[0] != x for power in inner.atoms(exp))
    rule = _CHAIN_TWICE if twice else _CHAIN_ONCE
    return Reason(rule, inner=tex(inner), derivative=inline(derivative(inner, x)))


_CHAIN_TWICE = N_("chain rule twice; $({inner})' = {derivative}$")
_CHAIN_ONCE = N_("chain rule; $({inner})' = {derivative}$")
_SECOND_FACTOR = N_("product rule; the second factor by the chain rule twice, $({inner})' = {derivative}$")


def _sigmoid_steps(u: sympy.Expr, a: sympy.Rational) -> Steps:
    """f = 1/(1 + e^(-u)): chain rule on the reciprocal (the rules of the sheet's recap box), then
    1/(1 + e^(-u)) . (1 - 1/(1 + e^(-u)))."""
    below = 1 + exp(-u)
    rule = _times(_over_square(-1, below), derivative(below, x))
    in_x = rule_and_tidy(Step(rule, _chain(below)), a * exp(-u) / below**2)
    rewriting = (
        Step(_times(a, 1 / below, exp(-u) / below), AS_PRODUCT),
        Step(_times(a, 1 / below, WrittenSum(1, -1 / below, evaluate=False)), ADD_SUBTRACT),
    )
    return in_x, rewriting


def _tanh_steps(u: sympy.Expr, a: sympy.Rational) -> Steps:
    """f = (e^u - e^(-u))/(e^u + e^(-u)): quotient rule (inner derivative a in front), then 1 - (above/below)^2."""
    above, below = exp(u) - exp(-u), exp(u) + exp(-u)
    numerator = WrittenSum(below**2, -(above**2), evaluate=False)
    # The reason names the derivatives the rule puts in, u' = v and v' = u (the line worked them unsaid, TA read German
    # 8932), and where the inner derivative a standing in front comes from.
    pair, swapped = (rf"{tex(exp(u))} {sign} {tex(exp(-u))}" for sign in (r"\pm", r"\mp"))
    if a == 1:
        rule = Reason("quotient rule; $({pair})' = {swapped}$", pair=pair, swapped=swapped)
    else:
        # both derivatives carry a, which the row takes out in front (a TA read, German 9403: "2 . (...)" unnamed)
        rule = Reason("quotient rule, chain rule; $({pair})' = {a} ({swapped})$, factor out ${a}$", pair=pair, a=_small(a), swapped=swapped)
    in_x = (Step(_times(a, _over_square(numerator, below)), rule),)
    ratio = sympy.Pow(sympy.Mul(above, sympy.Pow(below, -1), evaluate=False), 2, evaluate=False)
    return in_x, (Step(_before_bracket(a, WrittenSum(1, -ratio, evaluate=False)), SQUARE_OF_QUOTIENT),)


def _softplus_steps(u: sympy.Expr, k: sympy.Rational) -> Steps:
    """f = (1/k) log(1 + e^(kx)): chain rule, then divide by e^(kx)."""
    rule = _times(1 / k, 1 / (1 + exp(u)), derivative(exp(u), x))
    in_x = exp(u) / (1 + exp(u))
    # the 1/k in front is the constant factor rule's, and named (a TA read, German 9641)
    why = _chain(1 + exp(u)) if k == 1 else Reason("constant factor, {rule}", rule=_chain(1 + exp(u)))
    return rule_and_tidy(Step(rule, why), in_x), (tidied(in_x, 1 / (exp(-u) + 1)),)


def _swish_steps(u: sympy.Expr, beta: sympy.Rational) -> Steps:
    """f = x/(1 + e^(-beta x)): product rule, the sigmoid factor by the chain rule on the reciprocal written out as for
    the sigmoid itself (-1/(1 + e^(-u))^2 times the inner derivative), its signs then multiplied; then as for sigmoid."""
    below = 1 + exp(-u)
    # The sigmoid factor is differentiated in the same step: the reason names both rules, and the inner derivative as
    # the sigmoid's own row does; "chain rule for sigma(2x)" named a sigma the row never writes (a TA read, EN 9654).
    rule = Reason(_SECOND_FACTOR, inner=tex(below), derivative=inline(derivative(below, x)))
    written = WrittenSum(1 / below, _times(x, _over_square(-1, below), derivative(below, x)), evaluate=False)
    multiplied = WrittenSum(1 / below, u * exp(-u) / below**2, evaluate=False)  # x and beta side by side before the split
    in_x = (Step(written, rule), Step(multiplied, signs_named(written, multiplied, GENERIC_NAMES[0])))
    rewriting = (
        Step(WrittenSum(1 / below, _times(u, 1 / below, exp(-u) / below), evaluate=False), AS_PRODUCT),
        Step(
            WrittenSum(1 / below, _times(u, 1 / below, WrittenSum(1, -1 / below, evaluate=False)), evaluate=False),
            ADD_SUBTRACT,
        ),
    )
    return in_x, rewriting


def _log_sigmoid_steps(u: sympy.Expr, a: sympy.Rational) -> Steps:
    """f = -log(1 + e^(-u)): chain rule, then e^(-u)/(1 + e^(-u)) = 1 - 1/(1 + e^(-u))."""
    below = 1 + exp(-u)
    rule = _times(-1 / below, derivative(below, x))
    in_x = rule_and_tidy(Step(rule, _chain(below)), a * exp(-u) / below)
    # a factor in front goes out first, and says so (a TA read, German 9122: 2 e^{1-2x}/(...) as 2 (1 - ...) unnamed)
    why = ADD_SUBTRACT if a == 1 else joined([Reason("factor out ${factor}$", factor=tex(a)), ADD_SUBTRACT])
    return in_x, (Step(_before_bracket(a, WrittenSum(1, -1 / below, evaluate=False)), why),)


SIGMA_DEFINITION = N_(r"definition of $\sigma$")
ACTIVATIONS = {
    "sigmoid": Activation(
        curve=_logistic,
        steps=_sigmoid_steps,
        in_terms=lambda u: sigmoid(u) * (1 - sigmoid(u)),
        definition=SIGMA_DEFINITION,
        scales=(1, 2, 3, HALF, -1, -2),
        shifts=(-2, -1, 0, 1, 2),
        normalised=False,
    ),
    "tanh": Activation(
        curve=lambda u: (exp(u) - exp(-u)) / (exp(u) + exp(-u)),
        steps=_tanh_steps,
        in_terms=lambda u: 1 - tanh(u) ** 2,
        definition=N_("definition of tanh"),
        scales=(1, 2, 3, HALF, Rational(3, 2)),
        shifts=(0,),
        normalised=False,
    ),
    "softplus": Activation(
        curve=lambda u: log(1 + exp(u)),
        steps=_softplus_steps,
        in_terms=sigmoid,
        definition=SIGMA_DEFINITION,
        scales=(1, 2, 3, 4, HALF, Rational(1, 3)),
        shifts=(0,),
        normalised=True,
    ),
    "swish": Activation(
        curve=lambda u: u * _logistic(u),
        steps=_swish_steps,
        # u stays a factor as the row above writes it, x/2 sigma(x/2) (1 - sigma(x/2)), never 1/2 x sigma(...) (a TA read, EN 9461)
        in_terms=lambda u: WrittenSum(sigmoid(u), sympy.Mul(u, sigmoid(u), 1 - sigmoid(u), evaluate=False), evaluate=False),
        definition=SIGMA_DEFINITION,
        scales=(1, 2, 3, HALF, Rational(3, 2)),
        shifts=(0,),
        normalised=True,
    ),
    "log-sigmoid": Activation(
        curve=lambda u: -log(1 + exp(-u)),
        steps=_log_sigmoid_steps,
        in_terms=lambda u: 1 - sigmoid(u),
        definition=SIGMA_DEFINITION,
        scales=(1, 2, 3, HALF),
        shifts=(-1, 0, 1),
        normalised=False,
    ),
}


@dataclass(frozen=True)
class Params:
    activations: tuple[str, ...]
    scales: tuple[sympy.Rational, ...]
    shifts: tuple[sympy.Integer, ...]
    functions: tuple[sympy.Expr, ...]

    @property
    def arguments(self) -> tuple[sympy.Expr, ...]:
        """u = ax + b, the argument the activation is applied to."""
        return tuple(a * x + b for a, b in zip(self.scales, self.shifts, strict=True))


@dataclass(frozen=True)
class Answer:
    worked: tuple[Chain, ...]
    """Per function: the rule step, the derivative in x, the rewriting in terms of the activation."""
    derivatives: tuple[sympy.Expr, ...]
    in_terms: tuple[sympy.Expr, ...]


def function(name: str, scale: sympy.Rational, shift: int) -> sympy.Expr:
    """f(x) = c g(ax + b), with c = 1/a for the normalised activations."""
    activation = ACTIVATIONS[name]
    return _outer_factor(name, scale) * activation.curve(scale * x + shift)


def _outer_factor(name: str, scale: sympy.Rational) -> sympy.Rational:
    return 1 / sympy.sympify(scale) if ACTIVATIONS[name].normalised else sympy.Integer(1)


def _draw(rng: random.Random, name: str) -> tuple[str, sympy.Rational, sympy.Integer]:
    activation = ACTIVATIONS[name]
    return name, sympy.sympify(rng.choice(activation.scales)), sympy.Integer(rng.choice(activation.shifts))


def sample(rng: random.Random, options: Mapping) -> Params:
    """``count`` draws, none a canonical instance's, that do not ask the same thing twice.

    With ``any``, the functions have different structures (``structure``): log-sigmoid,
    -log(1 + e^{-u}), is softplus written the other way round, so a part has at most one of
    the two. With one activation, they differ in what the chain rule must handle (a scale,
    a shift, a sign) as far as the activation's parameters allow.
    """
    count, name, seen = options["count"], options["activation"], set()
    patterns = {_pattern(draw) for draw in _all_draws(name)} if name != "any" else set()

    def new(draw: tuple[str, sympy.Rational, sympy.Integer]) -> bool:
        if draw in CANONICAL_DRAWS:
            return False
        key = structure(function(*draw)) if name == "any" else _pattern(draw)
        if key in seen and (name == "any" or count <= len(patterns)):
            return False
        seen.add(key)
        return True

    def draw(r: random.Random) -> tuple[str, sympy.Rational, sympy.Integer]:
        return _draw(r, r.choice(sorted(ACTIVATIONS)) if name == "any" else name)

    draws = distinct(rng, draw, count, accept=new, what="parameter choices")
    names, scales, shifts = zip(*draws, strict=True)
    return Params(names, scales, shifts, tuple(function(*draw) for draw in draws))


def _pattern(draw: tuple[str, sympy.Rational, sympy.Integer]) -> tuple[bool, ...]:
    """What the chain rule must handle in g(ax + b): a scale, a shift, a sign."""
    _, scale, shift = draw
    return (scale == 1, shift == 0, scale < 0)


def _all_draws(name: str) -> list[tuple[str, sympy.Rational, sympy.Integer]]:
    activation = ACTIVATIONS[name]
    return [(name, sympy.sympify(a), sympy.Integer(b)) for a in activation.scales for b in activation.shifts]


def _scaled(factor: sympy.Expr, expr: sympy.Expr) -> sympy.Expr:
    """factor * expr, keeping a sum in brackets: 2(1 - tanh^2 x), not 2 - 2 tanh^2 x."""
    if factor == 1:
        return expr
    return sympy.Mul(factor, expr, evaluate=not expr.is_Add)


def solve(params: Params) -> Answer:
    worked, derivatives, in_terms = [], [], []
    for name, scale, u in zip(params.activations, params.scales, params.arguments, strict=True):
        activation = ACTIVATIONS[name]
        in_x, rewriting = activation.steps(u, scale)
        chain_factor = _outer_factor(name, scale) * scale
        final = _scaled(chain_factor, activation.in_terms(u))
        worked.append(chain(*in_x, *rewriting, Step(final, activation.definition)))
        derivatives.append(in_x[-1].expr)
        in_terms.append(final)
    return Answer(tuple(worked), tuple(derivatives), tuple(in_terms))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """f' against finite differences of f; the form in terms of the activation against f' at random points."""
    for index, f in enumerate(params.functions):
        derivative, in_terms = answer.derivatives[index], answer.in_terms[index]
        check_partials(f, [x], [derivative], rng)
        require(
            answer.worked[index].result == in_terms,
            f"f_{index + 1}: the worked steps end in {answer.worked[index].result}, not {in_terms}",
        )
        reference = as_function(derivative, [x])
        claimed = as_function(in_terms.rewrite(sigmoid, exp), [x])
        for (point,) in defined_points(reference, 1, rng, -2.0, 2.0):
            value, expected = float(claimed(point)), float(reference(point))
            require(
                close(value, expected),
                f"f_{index + 1}: the form in terms of the activation is {value:.10g} at x = {point:.4f}, "
                f"but f'(x) = {expected:.10g}",
            )


CANONICAL = {
    "dl-sheet1-3a": Params(("sigmoid",), (sympy.Integer(1),), (sympy.Integer(0),), (1 / (1 + exp(-x)),)),
}
CANONICAL_DRAWS = frozenset(
    draw for params in CANONICAL.values() for draw in zip(params.activations, params.scales, params.shifts)
)
"""Activation, scale and shift of the functions students may have seen solved: a random draw never repeats one."""

FAMILY = Family(
    name="activation-derivative",
    summary="Derivatives of sigmoid, tanh, softplus, swish, log-sigmoid, also in terms of the activation.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption(
            "activation", "any", ("any", *ACTIVATIONS), "which activation (any: a different one per function)"
        ),
        IntOption("count", 2, 1, 4, "how many functions to differentiate"),
    ),
    key_fields=("derivatives", "in_terms"),
    grading={"forms": {"in_terms": "in terms of the activation"}},
    canonical=CANONICAL,
    conflicts=lambda options: (
        "one activation (activation other than 'any') allows count = 1 only: its functions would differ "
        "only in their constants"
        if options["activation"] != "any" and options["count"] > 1
        else None
    ),
    letters=lambda options: SIGMOID_LETTER if options["activation"] != "tanh" else {},
)
