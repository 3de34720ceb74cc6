"""One backpropagation step through a two-layer network: forward pass, then every weight gradient by the chain rule.

The network maps x in R^2 to a hidden layer h = g(W x) of two units (no biases) and one output y_hat, target t.
With ``loss = "squared"`` the output is linear, y_hat = w^T h (one name), and L = (y_hat - t)^2 / 2; with
``loss = "cross-entropy"`` it is y_hat = sigma(y), y = w^T h, and L = -t log y_hat - (1 - t) log(1 - y_hat), t in
{0, 1}. The hidden activation g is ReLU or the logistic sigmoid (``activation``). The solution works
z = W x and w^T h, tabulates z, h, (y,) y_hat and L (exact and decimal), then works the output delta
delta_out (dL/dy_hat, or dL/dy after dL/dy_hat) and the hidden deltas delta_1, delta_2 by the chain rule (sigmoid
units in h_1, h_2 and y_hat of the table), and the gradients dL/dw = delta_out h (a scalar times h) and the outer product
dL/dW = (delta_1, delta_2)^T x^T. The check is finite differences of a float loss in all six weights.

In every ReLU exercise one unit is off (z_j < 0) and the other on, so the solution uses ReLU' both ways: the off
unit's delta and its row of dL/dW are 0, the lesson of a dead unit, declared to the presentation lint as meaningful
zeros. Excluded by construction: a pre-activation of 0 (ReLU has no derivative there; sigma(0) = 1/2 hides the
sigmoid), both ReLU units on (so the canonical instance, which has both on, is never drawn) or both off, two units
with the same pre-activation (the same question twice), y_hat = t (every gradient 0), delta_out = +-1 (dL/dw
is just h), zero inputs or weights, and values too long for a line. The test that rejects two ReLU units off
(``_usable``: both z_j < 0) runs for the sigmoid too, so a sigmoid exercise also has at least one z_j > 0. Two
sigmoid units below 0 would pass their gradients as well (sigma' > 0 everywhere); nothing in the lesson needs them,
and the test is kept so that every seed keeps the network it has drawn.

answers.json keys: ``inputs.x``, ``inputs.W`` (hidden weights), ``inputs.w`` (output weights, a column),
``inputs.target``, ``inputs.activation``, ``inputs.loss``; ``answers.pre`` (z), ``answers.hidden`` (h),
``answers.y`` (w^T h), ``answers.output`` (y_hat), ``answers.loss``, ``answers.deltas`` (delta_out, delta_1,
delta_2), ``answers.grad_w`` (dL/dw, a column), ``answers.grad_W`` (dL/dW, 2 x 2), ``answers.whole``
(all gradients integers); ``answers.backward``, ``answers.grad_W_named`` (worked steps). sigma is
stored as ``1/(1 + exp(-t))``.
"""

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
    distinct,
    nonzero,
)
from generator.kit.activations import SIGMOID_LETTER
from generator.kit.losses import LOSSES, output_layer
from generator.kit.network import ACTIVATIONS, backpropagated, check_network, forward, weight_gradients
from generator.kit.notation import Bracketed, WrittenProduct
from generator.kit.steps import Step
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
    """The forward values z, h, w^T h, y_hat, L; ``backward``: dL/dy_hat (a linear output's delta), dL/dy (a sigmoid
    output's) and the hidden deltas, each a chain in the symbols h_1, h_2 (sigmoid units) and y_hat of the table;
    ``deltas`` (delta_out, delta_1, delta_2) and the gradients exact; dL/dW with the deltas as symbols."""

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
    relu = options["activation"] == "relu"

    def draw(r: random.Random) -> Params:
        x = Matrix([nonzero(r, -2, 2) for _ in range(2)])
        rows = [(a, b) for a in WEIGHTS for b in WEIGHTS if _fits(options["activation"], a * x[0] + b * x[1])]
        on = [row for row in rows if not relu or row[0] * x[0] + row[1] * x[1] > 0]
        # ReLU: one unit on and one off, in either order. With both on, ReLU' is 1 throughout and the exercise never
        # uses it (a TA read, math-background-2 2.6, seed 6632 DE: z = (2, 4)); with both off, nothing passes.
        units = r.sample([on, sorted(set(rows) - set(on))], 2) if relu else [on, on]
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
    # two units alike asks the same thing twice; both below 0 is two ReLU units off, which pass nothing (the ReLU draw
    # never makes them); the sigmoid's draws are held to it too: one z_j > 0 in every exercise (module docstring)
    if z[0] == z[1] or max(z) < 0:
        return False
    # sigma(2) + sigma(-2) = 1: with z_1 = -z_2 an "exact" sum of sigmoids is a whole number and both slopes
    # h_j (1 - h_j) agree, so every delta and every entry of dL/dW comes out alike (a TA read, German 9701)
    if p.activation == "sigmoid" and z[0] == -z[1]:
        return False
    answer = solve(p)
    steps = [s.expr for c in answer.backward for s in c.steps]
    wide = max(printed_width(e) for e in (*steps, answer.y, answer.output, answer.loss))
    # delta_out = +-1 makes dL/dw just h: nothing to work
    return abs(answer.deltas[0]) not in (0, 1) and wide <= MAX_STEP_WIDTH


def solve(p: Params) -> Answer:
    net = forward(p.x, p.W, p.w, p.activation)  # its names h_j stand for sigma(z_j) in the steps
    top = output_layer(p.loss, (p.w.T * Matrix(net.names))[0], net.y, p.target)
    backward, deltas = backpropagated(net, p.w, top, p.activation)
    backward = tuple(_negatives_bracketed(c) for c in backward)
    g = weight_gradients(deltas, p.x, net.hidden)
    return Answer(net.pre, net.hidden, net.y, top.output, top.loss, backward, deltas, g.grad_w, g.grad_W, g.named, g.whole)


def _negatives_bracketed(worked: Chain) -> Chain:
    """``worked`` with a negative number leading a product of substituted values in brackets, as every other
    negative factor of it is: delta_2 = (-1) . (-4) . 1, never -1 . (-4) . 1 (a TA read, math-background-2 2.6,
    seed 6641: the weight w_2 = -1 bare beside a bracketed delta_out)."""

    def bracketed(expr: sympy.Basic) -> sympy.Basic:
        if isinstance(expr, WrittenProduct) and expr.args[0].is_Number and expr.args[0].is_negative:
            return WrittenProduct(Bracketed(expr.args[0]), *expr.args[1:], evaluate=False)
        return expr

    return Chain(tuple(Step(bracketed(step.expr), step.why) for step in worked.steps))


def check(p: Params, answer: Answer, rng: random.Random) -> None:
    """Central differences of the float loss with respect to every weight against the claimed gradient."""
    check_network(p.activation, p.loss, p.x, p.target, p.W, p.w, answer.loss, answer.grad_W, answer.grad_w)


EXAMPLE = Params(Matrix([1, 2]), Matrix([[1, 1], [-1, 1]]), Matrix([1, -2]), Integer(2), "relu", "squared")
CANONICAL = {"backprop-example": EXAMPLE}

FAMILY = Family(
    name="backprop",
    summary="One backpropagation step through a 2-2-1 network: forward pass and weight gradients.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption("activation", "relu", ACTIVATIONS, "the hidden units' activation"),
        ChoiceOption("loss", "squared", LOSSES, "squared error (linear output) or cross-entropy (sigmoid output)"),
    ),
    canonical=CANONICAL,
    difficulty=lambda params, answer: 3 + (params.activation == "sigmoid") + (params.loss == "cross-entropy"),
    key_fields=("output", "loss", "grad_w", "grad_W"),
    letters=lambda options: SIGMOID_LETTER if options["activation"] == "sigmoid" or options["loss"] == "cross-entropy" else {},
)
