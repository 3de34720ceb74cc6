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

answers.json keys: ``inputs.activations``, ``inputs.scales`` (a, or k, or beta),
``inputs.shifts`` (b), ``inputs.functions`` (f(x) in exponentials and logs);
``answers.rule_forms`` (f'(x) as the chain/product rule gives it),
``answers.derivatives`` (f'(x) as SymPy computes it, tidied),
``answers.in_terms`` (f'(x) in terms of sigma or tanh; sigma is stored
as ``(1/(1 + exp(-u)))``). All are SymPy strings in ``x``.
"""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import sympy
from sympy import Rational, exp, log, tanh

from generator.activations import sigmoid
from generator.calculus import presentable
from generator.family import Family, require
from generator.options import ChoiceOption, IntOption
from generator.sampling import distinct
from generator.verify import as_function, check_partials, close, defined_points

x = sympy.Symbol("x", real=True)
t = sympy.Symbol("t", real=True)
HALF = Rational(1, 2)


@dataclass(frozen=True)
class Activation:
    """One activation g(t), the parameters drawn for it and its derivative two ways."""

    curve: Callable[[sympy.Expr], sympy.Expr]
    """g(t) written with exp and log only."""
    rule_form: Callable[[sympy.Expr], sympy.Expr]
    """g'(t) as the differentiation rules deliver it."""
    in_terms: Callable[[sympy.Expr], sympy.Expr]
    """g'(t) written with sigma or tanh."""
    scales: tuple[sympy.Rational, ...]
    shifts: tuple[int, ...]
    normalised: bool
    """f = (1/a) g(ax): softplus with sharpness k, and swish x sigma(beta x)."""


def _logistic(u: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + exp(-u))


ACTIVATIONS = {
    "sigmoid": Activation(
        curve=_logistic,
        rule_form=lambda u: exp(-u) / (1 + exp(-u)) ** 2,
        in_terms=lambda u: sigmoid(u) * (1 - sigmoid(u)),
        scales=(1, 2, 3, HALF, -1, -2),
        shifts=(-2, -1, 0, 1, 2),
        normalised=False,
    ),
    "tanh": Activation(
        curve=lambda u: (exp(u) - exp(-u)) / (exp(u) + exp(-u)),
        rule_form=lambda u: 4 / (exp(u) + exp(-u)) ** 2,
        in_terms=lambda u: 1 - tanh(u) ** 2,
        scales=(1, 2, 3, HALF, Rational(3, 2)),
        shifts=(0,),
        normalised=False,
    ),
    "softplus": Activation(
        curve=lambda u: log(1 + exp(u)),
        rule_form=lambda u: exp(u) / (1 + exp(u)),
        in_terms=sigmoid,
        scales=(1, 2, 3, 4, HALF, Rational(1, 3)),
        shifts=(0,),
        normalised=True,
    ),
    "swish": Activation(
        curve=lambda u: u * _logistic(u),
        rule_form=lambda u: _logistic(u) + u * exp(-u) / (1 + exp(-u)) ** 2,
        in_terms=lambda u: sigmoid(u) + u * sigmoid(u) * (1 - sigmoid(u)),
        scales=(1, 2, 3, HALF, Rational(3, 2)),
        shifts=(0,),
        normalised=True,
    ),
    "log-sigmoid": Activation(
        curve=lambda u: -log(1 + exp(-u)),
        rule_form=lambda u: exp(-u) / (1 + exp(-u)),
        in_terms=lambda u: 1 - sigmoid(u),
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
    rule_forms: tuple[sympy.Expr, ...]
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
    count = options["count"]
    if options["activation"] == "any":
        names = rng.sample(sorted(ACTIVATIONS), count)
        draws = tuple(_draw(rng, name) for name in names)
    else:
        draws = distinct(rng, lambda r: _draw(r, options["activation"]), count, what="parameter choices")
    names, scales, shifts = zip(*draws, strict=True)
    return Params(names, scales, shifts, tuple(function(*draw) for draw in draws))


def _scaled(factor: sympy.Expr, expr: sympy.Expr) -> sympy.Expr:
    """factor * expr, keeping a sum in brackets: 2(1 - tanh^2 x), not 2 - 2 tanh^2 x."""
    if factor == 1:
        return expr
    return sympy.Mul(factor, expr, evaluate=not expr.is_Add)


@cache
def _tidy_slope(name: str) -> sympy.Expr:
    """g'(t) as SymPy computes it, tidied.

    Tidying g'(t) and then substituting u = ax + b keeps e^(2x - 1) whole,
    where tidying f'(x) directly would split it into e * e^(2x).
    """
    return presentable(sympy.diff(ACTIVATIONS[name].curve(t), t))


def solve(params: Params) -> Answer:
    rule_forms, derivatives, in_terms = [], [], []
    for name, scale, u in zip(params.activations, params.scales, params.arguments, strict=True):
        activation = ACTIVATIONS[name]
        chain_factor = _outer_factor(name, scale) * scale
        rule_forms.append(_scaled(chain_factor, activation.rule_form(u)))
        derivatives.append(_scaled(chain_factor, _tidy_slope(name).subs(t, u)))
        in_terms.append(_scaled(chain_factor, activation.in_terms(u)))
    return Answer(tuple(rule_forms), tuple(derivatives), tuple(in_terms))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """f' against finite differences of f; every other form of f' against f' at random points."""
    for index, f in enumerate(params.functions):
        derivative = answer.derivatives[index]
        check_partials(f, [x], [derivative], rng)
        reference = as_function(derivative, [x])
        forms = {
            "rule form": answer.rule_forms[index],
            "form in terms of the activation": answer.in_terms[index].rewrite(sigmoid, exp),
        }
        for what, form in forms.items():
            claimed = as_function(form, [x])
            for (point,) in defined_points(reference, 1, rng, -2.0, 2.0):
                value, expected = float(claimed(point)), float(reference(point))
                require(
                    close(value, expected),
                    f"f_{index + 1}: the {what} is {value:.10g} at x = {point:.4f}, "
                    f"but f'(x) = {expected:.10g}",
                )


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
    canonical={
        "dl-sheet1-3a": Params(("sigmoid",), (sympy.Integer(1),), (sympy.Integer(0),), (1 / (1 + exp(-x)),)),
    },
)
