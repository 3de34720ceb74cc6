"""A small dense network worked by hand: the forward table, the hidden units' deltas, the weight gradients.

The network maps x to hidden units h = g(W x) (no biases, g ReLU or the logistic sigmoid) and one output
y = w^T h; the output layer and its loss are ``generator.kit.losses``. ``forward`` gives the forward table
(and the symbols h_j the backward steps write for sigmoid units, whose values are long), ``hidden_delta``
one hidden unit's delta by the chain rule, ``weight_gradients`` dL/dw = delta_out h and the outer product
dL/dW = (delta_1, ..., delta_k)^T x^T; ``backpropagated`` gives the whole backward pass. ``float_network_loss``
is the loss in plain floats as a function of every weight, written apart from them, and ``check_network``
holds an answer's loss and gradients against it and its central differences.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy import ImmutableMatrix as Matrix

from generator.kit.activations import sigmoid
from generator.kit.family import require
from generator.kit.language import N_, Reason
from generator.kit.losses import YHAT, OutputLayer, float_loss
from generator.kit.notation import WrittenProduct
from generator.kit.numeric import check_gradient, close
from generator.kit.printing import Maths
from generator.kit.rewrites import DISTRIBUTE_MINUS
from generator.kit.steps import Chain, Step, chain

__all__ = ["ACTIVATIONS", "Forward", "Gradients", "backpropagated", "check_network", "float_network_loss", "forward", "hidden_delta", "weight_gradients"]

ACTIVATIONS = ("relu", "sigmoid")
"""The hidden units' activations: ReLU (max(z, 0)) and the logistic sigmoid."""


@dataclass(frozen=True)
class Forward:
    """The forward table: pre-activations z = W x, hidden values h = g(z), the names the backward steps give
    the hidden values (h_j for sigmoid units, the values themselves for ReLU), and y = w^T h."""

    pre: Matrix
    hidden: Matrix
    names: tuple[sympy.Expr, ...]
    y: sympy.Expr

    @property
    def named_values(self) -> dict[sympy.Expr, sympy.Expr]:
        """What each symbol h_j of the backward steps stands for (nothing, for ReLU units)."""
        return {name: value for name, value in zip(self.names, self.hidden) if name != value}


def forward(x: Matrix, W: Matrix, w: Matrix, activation: str) -> Forward:
    """x through h = g(W x) and y = w^T h, exactly; ``activation`` is one of ``ACTIVATIONS``."""
    z, sig = W * x, activation == "sigmoid"
    h = z.applyfunc(sigmoid if sig else lambda v: max(v, 0))
    names = sympy.symbols(f"h_1:{len(h) + 1}") if sig else tuple(h)
    return Forward(z, h, names, (w.T * h)[0])


def hidden_delta(unit: int, weight: sympy.Expr, delta: sympy.Expr, pre: sympy.Expr, activation: str, name: sympy.Expr) -> Chain:
    """delta_j = w_j delta_out g'(z_j) for hidden unit j (``unit``, from 1) by the chain rule: a sigmoid's slope
    written h_j (1 - h_j) in the forward table's symbol ``name``, a ReLU's 1 or 0 by the sign of z_j, said in
    the reason (an off unit passes no gradient); then multiplied out, unless a sigmoid unit's product of
    symbols is as far as a hand takes it."""
    sig, on = activation == "sigmoid", activation == "sigmoid" or pre > 0
    # with the row's dots, in its order: "w_1 delta_out ReLU'(z_1)" beside "(-2) . (-2) . 1" (a TA read, German 9073)
    rule = Reason("$w_{j} \\cdot \\delta_{{\\mathrm{{out}}}} \\cdot {name}'(z_{j})$", j=unit, name=r"\sigma" if sig else r"\operatorname{ReLU}")
    slope = name * (1 - name) if sig else sympy.Integer(1 if on else 0)
    written = WrittenProduct(weight, delta, slope, evaluate=False)
    if not sig:
        why = Reason("{rule}, $z_{j} {sign} 0$", rule=rule, j=unit, sign=">" if on else "<")
        return chain(Step(written, why), Step(weight * delta * slope, "multiply"))
    # the sigmoid's slope put in as h_j (1 - h_j) is named (a TA read, EN 9691)
    why = Reason("{rule}, ${name}'(z_{j}) = {slope}$", rule=rule, name=r"\sigma", j=unit, slope=Maths(slope))
    return chain(Step(written, why), *_sigmoid_delta_tidied(weight, delta, slope))


def _sigmoid_delta_tidied(weight: sympy.Expr, delta: sympy.Expr, slope: sympy.Expr) -> tuple[Step, ...]:
    """w_j delta_out h_j (1 - h_j) as a hand writes it next, each step named for what it does: a weight 1 dropped, the sign
    of a negative weight distributed over a bracket, the rest of the weight left in front; the bracket stays first and h_j (1 - h_j) whole
    ("multiply" had dropped a 1 and reordered the factors, h_1 (1 - y) (1 - h_1): two TA reads, EN 9691, German 9692)."""
    if weight == 1:
        return (Step(WrittenProduct(delta, slope, evaluate=False), DROP_ONE),)
    if not (weight.is_negative and delta.is_Add):
        # another weight stays in front: multiplied into the bracket it hid delta_out, which the other rows keep (two TA
        # reads, EN 9722, German 9721)
        return ()
    # a negative weight's sign goes into the bracket, its size stays in front: (-2)(y - 1) as 2 (1 - y), as -1 goes in
    # (delta_2 left at (-2)(y - 1) h_2 (1 - h_2) beside delta_1 distributed: a TA read, German 9763)
    factors = (sympy.expand(-delta), slope) if weight == -1 else (-weight, sympy.expand(-delta), slope)
    return (Step(WrittenProduct(*factors, evaluate=False), DISTRIBUTE_MINUS),)


DROP_ONE = N_("drop the factor $1$")


def backpropagated(net: Forward, w: Matrix, top: OutputLayer, activation: str) -> tuple[tuple[Chain, ...], tuple[sympy.Expr, ...]]:
    """The backward steps, dL/dy_hat, the output delta delta_out (dL/dy for a sigmoid output y_hat = sigma(y))
    and each hidden unit's delta (``hidden_delta``), written in the forward table's symbols h_j and y_hat; and
    the deltas' values, delta_out first, those symbols put in. A linear output is y_hat = w^T h itself: dL/dy_hat
    is its delta, and no step says so twice."""
    hidden = tuple(hidden_delta(j + 1, w[j], top.delta, net.pre[j], activation, net.names[j]) for j in range(len(net.names)))
    output = (top.by_output,) if top.output == net.y else (top.by_output, top.by_y)
    deltas = (output[-1], *hidden)
    return (*output, *hidden), tuple(c.steps[-1].expr.xreplace({**net.named_values, YHAT: top.output}) for c in deltas)


@dataclass(frozen=True)
class Gradients:
    """dL/dw = delta_out h (a column), dL/dW = (delta_1, ..., delta_k)^T x^T, the same with the deltas as symbols
    (the outer product before the numbers go in), and whether every gradient is whole (no decimals needed)."""

    grad_w: Matrix
    grad_W: Matrix
    named: Matrix
    whole: bool


def weight_gradients(deltas: Sequence[sympy.Expr], x: Matrix, hidden: Matrix) -> Gradients:
    """The weight gradients from the output delta and the hidden deltas (``deltas``, in that order)."""
    grad_w, grad_W = deltas[0] * hidden, Matrix(deltas[1:]) * x.T
    names = sympy.symbols(f"delta_1:{len(deltas)}")
    # each entry x_j delta_i as a hand writes it, -2 delta_1, beside x^T written out: [delta_1 delta_1; ...] alone, for
    # x = (1, 1), read as if x had dropped out (a TA read, EN 9133), and delta_1 . (-1) kept a factor a hand multiplies in
    # (TA reads, German 9741)
    named = Matrix([[v * d for v in x] for d in names])
    return Gradients(grad_w, grad_W, named, all(v.is_Integer for v in (*grad_w, *grad_W)))


def float_network_loss(activation: str, loss: str, x: Sequence[float], target: float, weights: Sequence[float]) -> float:
    """The loss in floats as a function of every weight, row by row of W (W_11, W_12, ...), then w; the
    activations and the forward pass written out apart from ``forward``."""
    g = (lambda s: 1 / (1 + math.exp(-s))) if activation == "sigmoid" else (lambda s: max(s, 0.0))
    n = len(x)
    units = len(weights) // (n + 1)
    h = [g(sum(weights[n * j + i] * x[i] for i in range(n))) for j in range(units)]
    return float_loss(loss, sum(weights[n * units + j] * h[j] for j in range(units)), target)


def check_network(
    activation: str, loss: str, x: Matrix, target: sympy.Expr, W: Matrix, w: Matrix, value: sympy.Expr, grad_W: Matrix, grad_w: Matrix
) -> None:
    """An exact answer's loss ``value`` and its gradients dL/dW and dL/dw against ``float_network_loss`` and its
    central differences in every weight (W_11, W_12, ..., w_1, ...)."""
    weights, xs, t = tuple(float(v) for v in (*W, *w)), [float(v) for v in x], float(target)

    def at(*v: float) -> float:
        return float_network_loss(activation, loss, xs, t, v)

    require(close(_float(value), at(*weights), rel=1e-9), f"L = {value}, not {at(*weights)}")
    names = [f"W_{j + 1}{i + 1}" for j in range(W.rows) for i in range(W.cols)] + [f"w_{j + 1}" for j in range(len(w))]
    check_gradient(at, weights, [_float(v) for v in (*grad_W, *grad_w)], names, of="L")


def _float(e: sympy.Expr) -> float:
    """An exact value with sigmoids in it (``1/(1 + e^{-2})``) as a float."""
    return float(e.rewrite(sympy.exp))
