"""One backpropagation step through a two-layer network: forward pass, then every weight gradient by the chain rule.

The network maps x in R^2 to a hidden layer h = g(W x) of two units (no biases) and one output
y = w h. With ``loss = "squared"`` the output is linear, y_hat = y, and L = (y_hat - t)^2 / 2; with
``loss = "cross-entropy"`` it is y_hat = sigma(y) and L = -t log y_hat - (1 - t) log(1 - y_hat), t in
{0, 1}. The hidden activation g is ReLU or the logistic sigmoid (``activation``). The solution works
z = W x and y = w h, tabulates z, h, y, y_hat and L (exact and decimal), then works dL/dy_hat, the
output delta delta_y and the hidden deltas delta_1, delta_2 by the chain rule (with sigmoid units written in h_1, h_2 and
y_hat of the table), and the gradients as outer products dL/dw = delta_y h^T, dL/dW = (delta_1,
delta_2)^T x^T. The check is finite differences of a float loss with respect to all six weights.

Excluded by construction: a pre-activation of 0 (ReLU has no derivative there; sigma(0) = 1/2 hides
the sigmoid), a ReLU unit that is off (a whole row of dL/dW would be 0, more zeros than the
presentation lint allows), two units with the same pre-activation (the same question twice),
y_hat = t (every gradient 0), zero inputs or weights, values too long for a line, and the canonical
instance.

answers.json keys: ``inputs.x``, ``inputs.W`` (hidden weights), ``inputs.w`` (output weights, a row),
``inputs.target``, ``inputs.activation``, ``inputs.loss``; ``answers.pre`` (z), ``answers.hidden`` (h),
``answers.y``, ``answers.output`` (y_hat), ``answers.loss``, ``answers.deltas`` (delta, delta_1,
delta_2), ``answers.grad_w`` (dL/dw, a row), ``answers.grad_W`` (dL/dW, 2 x 2), ``answers.whole``
(all gradients integers); ``answers.backward``, ``answers.grad_W_named`` (worked steps). sigma is
stored as ``1/(1 + exp(-t))``.
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy
from sympy import ImmutableMatrix as Matrix
from sympy import Integer, log

from generator.kit import (
    N_,
    Chain,
    ChoiceOption,
    Family,
    Step,
    WrittenProduct,
    WrittenSum,
    central_difference,
    chain,
    close,
    distinct,
    nonzero,
    require,
)
from generator.kit.activations import sigmoid
from generator.kit.widths import printed_width

YHAT = sympy.Symbol(r"\hat{y}")
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


def sample(rng: random.Random, options: Mapping) -> Params:
    def draw(r: random.Random) -> Params:
        x = Matrix([nonzero(r, -2, 2) for _ in range(2)])
        rows = [(a, b) for a in WEIGHTS for b in WEIGHTS if _fits(options["activation"], a * x[0] + b * x[1])]
        W = Matrix([r.choice(rows), r.choice(rows)])
        w = Matrix([[nonzero(r, -2, 2) for _ in range(2)]])
        target = Integer(r.randint(0, 1) if options["loss"] == "cross-entropy" else r.randint(-2, 3))
        return Params(x, W, w, target, options["activation"], options["loss"])

    return distinct(rng, draw, 1, accept=_usable, what="networks with a nonzero gradient")[0]


def _fits(activation: str, z: int) -> bool:
    """A pre-activation a hand works with: a ReLU unit on (0 < z, where ReLU has a derivative; an off unit would
    zero a whole row of dL/dW), a sigmoid unit at a small z other than 0 (sigma(0) = 1/2 hides the sigmoid)."""
    return 0 < z <= 4 if activation == "relu" else 0 < abs(z) <= 3


def _usable(p: Params) -> bool:
    if (p.W * p.x)[0] == (p.W * p.x)[1]:  # two units alike: the exercise asks the same thing twice
        return False
    answer = solve(p)
    steps = [s.expr for c in answer.backward for s in c.steps]
    wide = max(printed_width(e) for e in (*steps, answer.y, answer.output, answer.loss))
    return answer.backward[1].steps[-1].expr != 0 and wide <= MAX_STEP_WIDTH and p not in CANONICAL.values()


def solve(p: Params) -> Answer:
    z, t, sig = p.W * p.x, p.target, p.activation == "sigmoid"
    h = z.applyfunc(sigmoid) if sig else z  # every ReLU unit is on (``_fits``)
    y = (p.w * h)[0]
    hs = sympy.symbols("h_1 h_2") if sig else tuple(h)  # the table's h_j stand for sigma(z_j) in the steps
    values = dict(zip(hs, h)) if sig else {}
    name = r"\operatorname{ReLU}" if p.activation == "relu" else r"\sigma"
    if p.loss == "squared":
        out, loss = y, (y - t) ** 2 / 2
        y_s = (p.w * Matrix(hs))[0]
        delta = y_s - t
        if t == 0:  # 5 - 0 is no step; "5 + 0" would be a wrong one
            dl_dout = chain(Step(delta, r"$\hat y - t$ with $t = 0$"))
        else:
            dl_dout = chain(Step(WrittenSum(y_s, -t, evaluate=False), r"$\hat y - t$"), Step(delta, "subtract"))
        output_delta = chain(Step(delta, r"$\hat y = y$, so $\partial \hat y / \partial y = 1$"))
    else:
        out, y_hat = sigmoid(y), YHAT
        values[YHAT] = out
        loss = -log(out) if t == 1 else -log(1 - out)
        first = -1 / y_hat if t == 1 else 1 / (1 - y_hat)
        dl_dout = chain(Step(first, N_(r"$-1/\hat y$ as $t = 1$") if t == 1 else N_(r"$1/(1 - \hat y)$ as $t = 0$")))
        delta = sympy.expand(first * y_hat * (1 - y_hat))
        written = WrittenProduct(first, y_hat * (1 - y_hat), evaluate=False)
        output_delta = chain(
            Step(written, r"$\partial \hat y / \partial y = \hat y (1 - \hat y)$"),
            Step(delta, N_(r"cancel $1 - \hat y$") if t == 0 else N_(r"cancel $\hat y$")),
        )
    backward = [dl_dout, output_delta]
    for j in range(2):
        why = f"$w_{j + 1} \\delta_y \\, {name}'(z_{j + 1})$" + ("" if sig else f", $z_{j + 1} > 0$")
        slope = hs[j] * (1 - hs[j]) if sig else Integer(1)
        written = WrittenProduct(p.w[j], delta, slope, evaluate=False)
        steps = [Step(p.w[j] * delta * slope, "multiply")] if delta.is_Add or not sig else []
        backward.append(chain(Step(written, why), *steps))
    deltas = tuple(c.steps[-1].expr.xreplace(values) for c in backward[1:])
    grad_w, grad_W = deltas[0] * h.T, Matrix(deltas[1:]) * p.x.T
    named = Matrix(sympy.symbols("delta_1 delta_2")) * p.x.T
    whole = all(v.is_Integer for v in (*grad_w, *grad_W))
    return Answer(z, h, y, out, loss, tuple(backward), deltas, grad_w, grad_W, named, whole)


def _loss(p: Params, *weights: float) -> float:
    """The loss in floats as a function of W_11, W_12, W_21, W_22, w_1, w_2, written out apart from ``solve``."""
    g = (lambda s: 1 / (1 + math.exp(-s))) if p.activation == "sigmoid" else (lambda s: max(s, 0.0))
    (x1, x2), t = (float(v) for v in p.x), float(p.target)
    h = [g(weights[2 * j] * x1 + weights[2 * j + 1] * x2) for j in range(2)]
    y = weights[4] * h[0] + weights[5] * h[1]
    if p.loss == "squared":
        return (y - t) ** 2 / 2
    out = 1 / (1 + math.exp(-y))
    return -t * math.log(out) - (1 - t) * math.log(1 - out)


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


CANONICAL = {
    "backprop-example": Params(
        Matrix([1, 2]), Matrix([[1, 1], [-1, 1]]), Matrix([[1, -2]]), Integer(2), "relu", "squared"
    )
}

FAMILY = Family(
    name="backprop",
    summary="One backpropagation step through a 2-2-1 network: forward pass and weight gradients.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption("activation", "relu", ("relu", "sigmoid"), "the hidden units' activation"),
        ChoiceOption(
            "loss",
            "squared",
            ("squared", "cross-entropy"),
            "squared error (linear output) or cross-entropy (sigmoid output)",
        ),
    ),
    canonical=CANONICAL,
    difficulty=lambda params, answer: 3 + (params.activation == "sigmoid") + (params.loss == "cross-entropy"),
    key_fields=("output", "loss", "grad_w", "grad_W"),
)
