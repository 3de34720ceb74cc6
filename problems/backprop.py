"""One backpropagation step through a two-layer network: forward pass, then every weight gradient by the chain rule.

The network maps x in R^2 to a hidden layer h = g(W x) of two units (no biases) and one output
y = w^T h. With ``loss = "squared"`` the output is linear, y_hat = y, and L = (y_hat - t)^2 / 2; with
``loss = "cross-entropy"`` it is y_hat = sigma(y) and L = -t log y_hat - (1 - t) log(1 - y_hat), t in
{0, 1}. The hidden activation g is ReLU or the logistic sigmoid (``activation``). The solution works
z = W x and y = w^T h, tabulates z, h, y, y_hat and L (exact and decimal), then works dL/dy_hat, the
output delta delta_y and the hidden deltas delta_1, delta_2 by the chain rule (sigmoid units written
in h_1, h_2 and y_hat of the table), and the gradients dL/dw = delta_y h (a scalar times h) and the outer product
dL/dW = (delta_1, delta_2)^T x^T. The check is finite differences of a float loss in all six weights.

In a quarter of the ReLU exercises one unit is off (z_j < 0): its delta and its row of dL/dW are 0, the
lesson of a dead unit, declared to the presentation lint as meaningful zeros. Excluded by construction: a pre-activation of 0
(ReLU has no derivative there; sigma(0) = 1/2 hides the sigmoid), both ReLU units off, two units with
the same pre-activation (the same question twice), y_hat = t (every gradient 0), delta_y = +-1 (dL/dw
is just h), zero inputs or
weights, values too long for a line, and the canonical instance.

answers.json keys: ``inputs.x``, ``inputs.W`` (hidden weights), ``inputs.w`` (output weights, a column),
``inputs.target``, ``inputs.activation``, ``inputs.loss``; ``answers.pre`` (z), ``answers.hidden`` (h),
``answers.y``, ``answers.output`` (y_hat), ``answers.loss``, ``answers.deltas`` (delta, delta_1,
delta_2), ``answers.grad_w`` (dL/dw, a column), ``answers.grad_W`` (dL/dW, 2 x 2), ``answers.whole``
(all gradients integers); ``answers.backward``, ``answers.grad_W_named`` (worked steps). sigma is
stored as ``1/(1 + exp(-t))``.
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy import ImmutableMatrix as Matrix
from sympy import Integer

from generator.kit import (
    Chain,
    ChoiceOption,
    Family,
    Reason,
    Step,
    WrittenProduct,
    central_difference,
    chain,
    close,
    distinct,
    nonzero,
    require,
)
from generator.kit.activations import sigmoid
from generator.kit.losses import LOSSES, YHAT, float_loss, output_layer
from generator.kit.widths import printed_width

WEIGHTS = (-2, -1, 1, 2)
MAX_STEP_WIDTH = 44
"""Characters (``printed_width``) one exact value or step may take beside its reason."""


@dataclass(frozen=True)
class Params:
    x: Matrix
    W: Matrix
    w: Matrix
    target: sympy.Integer
    activation: str
    loss: str


@dataclass(frozen=True)
class Answer:
    """The forward values z, h, y, y_hat, L; ``backward``: dL/dy_hat, the output delta and the hidden deltas,
    each a chain written with the symbols h_1, h_2 (sigmoid units) and y_hat (cross-entropy) of the forward
    table; ``deltas`` (delta, delta_1, delta_2) and the gradients exact; dL/dW with the deltas as symbols."""

    pre: Matrix
    hidden: Matrix
    y: sympy.Expr
    output: sympy.Expr
    loss: sympy.Expr
    backward: tuple[Chain, ...]
    deltas: tuple[sympy.Expr, sympy.Expr, sympy.Expr]
    grad_w: Matrix
    grad_W: Matrix
    grad_W_named: Matrix
    whole: bool
    """Every gradient is an integer (no decimals needed)."""

    @property
    def meaningful_zeros(self) -> tuple[str, ...]:
        """The gradients whose zeros are the lesson: an off ReLU unit passes no gradient, so its row of dL/dW
        (and its entry of dL/dw) is 0. The presentation lint lets these through (``zero_shares``)."""
        return ("grad_w", "grad_W") if 0 in self.hidden else ()


def sample(rng: random.Random, options: Mapping) -> Params:
    # decided once, outside the redraws: a rejected draw must not tilt the share of off units
    off = options["activation"] == "relu" and rng.randrange(4) == 0  # a quarter of the ReLU exercises

    def draw(r: random.Random) -> Params:
        x = Matrix([nonzero(r, -2, 2) for _ in range(2)])
        rows = [(a, b) for a in WEIGHTS for b in WEIGHTS if _fits(options["activation"], a * x[0] + b * x[1])]
        on = [row for row in rows if options["activation"] == "sigmoid" or row[0] * x[0] + row[1] * x[1] > 0]
        units = r.sample([on, sorted(set(rows) - set(on))], 2) if off else [on, on]
        W = Matrix([r.choice(units[0]), r.choice(units[1])])
        w = Matrix([nonzero(r, -2, 2) for _ in range(2)])
        target = Integer(r.randint(0, 1) if options["loss"] == "cross-entropy" else r.randint(-2, 3))
        return Params(x, W, w, target, options["activation"], options["loss"])

    return distinct(rng, draw, 1, accept=_usable, what="networks with a nonzero gradient")[0]


def _fits(activation: str, z: int) -> bool:
    """A pre-activation a hand works with: small and not 0 (ReLU has no derivative there; sigma(0) = 1/2 hides
    the sigmoid). A ReLU unit may be off (z < 0): no gradient passes it, the lesson of a dead unit."""
    return 0 < abs(z) <= (4 if activation == "relu" else 3)


def _usable(p: Params) -> bool:
    z = p.W * p.x
    if z[0] == z[1] or max(z) < 0:  # two units alike asks the same thing twice; two off units pass nothing
        return False
    answer = solve(p)
    steps = [s.expr for c in answer.backward for s in c.steps]
    wide = max(printed_width(e) for e in (*steps, answer.y, answer.output, answer.loss))
    # delta_y = +-1 makes the output delta 1 . 1 . 1 = 1 and dL/dw just h: nothing to work
    return abs(answer.deltas[0]) not in (0, 1) and wide <= MAX_STEP_WIDTH and p not in CANONICAL.values()


def solve(p: Params) -> Answer:
    z, sig = p.W * p.x, p.activation == "sigmoid"
    h = z.applyfunc(sigmoid if sig else lambda v: max(v, 0))
    hs = sympy.symbols("h_1 h_2") if sig else tuple(h)  # the table's h_j stand for sigma(z_j) in the steps
    y = (p.w.T * h)[0]
    top = output_layer(p.loss, (p.w.T * Matrix(hs))[0], y, p.target)
    values = {**(dict(zip(hs, h)) if sig else {}), YHAT: top.output}
    name, delta = r"\sigma" if sig else r"\operatorname{ReLU}", top.delta
    backward = [top.by_output, top.by_y]
    for j in range(2):
        on = sig or z[j] > 0
        rule = Reason("$w_{j} \\delta_y \\, {name}'(z_{j})$", j=j + 1, name=name)
        why = rule if sig else Reason("{rule}, $z_{j} {sign} 0$", rule=rule, j=j + 1, sign=">" if on else "<")
        slope = hs[j] * (1 - hs[j]) if sig else Integer(1 if on else 0)
        written = WrittenProduct(p.w[j], delta, slope, evaluate=False)
        steps = [Step(p.w[j] * delta * slope, "multiply")] if delta.is_Add or not sig else []
        backward.append(chain(Step(written, why), *steps))
    deltas = tuple(c.steps[-1].expr.xreplace(values) for c in backward[1:])
    grad_w, grad_W = deltas[0] * h, Matrix(deltas[1:]) * p.x.T
    named = Matrix(sympy.symbols("delta_1 delta_2")) * p.x.T
    whole = all(v.is_Integer for v in (*grad_w, *grad_W))
    return Answer(z, h, y, top.output, top.loss, tuple(backward), deltas, grad_w, grad_W, named, whole)


def _loss(p: Params, *weights: float) -> float:
    """The loss in floats as a function of W_11, W_12, W_21, W_22, w_1, w_2, written out apart from ``solve``."""
    g = (lambda s: 1 / (1 + math.exp(-s))) if p.activation == "sigmoid" else (lambda s: max(s, 0.0))
    (x1, x2), t = (float(v) for v in p.x), float(p.target)
    h = [g(weights[2 * j] * x1 + weights[2 * j + 1] * x2) for j in range(2)]
    return float_loss(p.loss, weights[4] * h[0] + weights[5] * h[1], t)


def _float(e: sympy.Expr) -> float:
    return float(e.rewrite(sympy.exp))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Central differences of the float loss with respect to every weight against the claimed gradient."""
    weights = tuple(float(v) for v in (*params.W, *params.w))

    def loss(*v: float) -> float:
        return _loss(params, *v)

    require(close(_float(answer.loss), loss(*weights), rel=1e-9), f"L = {answer.loss}, not {loss(*weights)}")
    names = ("W_11", "W_12", "W_21", "W_22", "w_1", "w_2")
    for index, (name, claimed) in enumerate(zip(names, (*answer.grad_W, *answer.grad_w), strict=True)):
        slope = central_difference(loss, weights, index)
        require(close(_float(claimed), slope, rel=1e-6), f"dL/d{name} = {claimed}, not {slope}")


EXAMPLE = Params(Matrix([1, 2]), Matrix([[1, 1], [-1, 1]]), Matrix([1, -2]), Integer(2), "relu", "squared")
CANONICAL = {"backprop-example": EXAMPLE}

FAMILY = Family(
    name="backprop",
    summary="One backpropagation step through a 2-2-1 network: forward pass and weight gradients.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption("activation", "relu", ("relu", "sigmoid"), "the hidden units' activation"),
        ChoiceOption("loss", "squared", LOSSES, "squared error (linear output) or cross-entropy (sigmoid output)"),
    ),
    canonical=CANONICAL,
    difficulty=lambda params, answer: 3 + (params.activation == "sigmoid") + (params.loss == "cross-entropy"),
    key_fields=("output", "loss", "grad_w", "grad_W"),
)
