"""A network's output layer and loss, backpropagated by hand: the first steps of every backward pass.

Two output layers: a linear output with the squared error L = (y_hat - t)^2 / 2, and a sigmoid output
y_hat = sigma(y) with the binary cross-entropy L = -t log y_hat - (1 - t) log(1 - y_hat), t in {0, 1}.
``output_layer`` gives y_hat, L, dL/dy_hat and the output delta dL/dy as chains a teaching assistant
writes (with the cross-entropy, in terms of the symbol y_hat of the forward table: the sigmoid's
derivative y_hat (1 - y_hat) cancels a factor); ``float_loss`` is the same loss in plain floats, written
apart from it, for checks by finite differences.
"""

import math
from dataclasses import dataclass

import sympy

from generator.kit.activations import sigmoid
from generator.kit.language import N_, Reason, signs_cancelling
from generator.kit.notation import WrittenProduct, WrittenSum
from generator.kit.printing import tex
from generator.kit.steps import Chain, Step, chain

__all__ = ["LOSSES", "YHAT", "OutputLayer", "float_loss", "output_layer"]

LOSSES = ("squared", "cross-entropy")
YHAT = sympy.Symbol(r"\hat{y}")
"""The network's output y_hat as a symbol: the cross-entropy's backward steps are written in it."""


@dataclass(frozen=True)
class OutputLayer:
    """y_hat and L at the forward values; dL/dy_hat and delta_y = dL/dy worked; delta_y as an expression
    (in y_hat for the cross-entropy, in the hidden symbols of ``y`` for the squared error)."""

    output: sympy.Expr
    loss: sympy.Expr
    by_output: Chain
    by_y: Chain
    delta: sympy.Expr


_SIGMOID_SLOPE = N_(r"$\partial \hat{y} / \partial z_{\mathrm{out}} = \hat{y} (1 - \hat{y})$")


def output_layer(loss: str, y: sympy.Expr, value: sympy.Expr, target: sympy.Integer) -> OutputLayer:
    """The output layer for ``loss`` (one of ``LOSSES``): ``y`` is the output's pre-activation as the steps
    write it (w^T h in symbols h_j), ``value`` its value, ``target`` t."""
    t = target
    if loss == "squared":
        delta = y - t
        # the values put in are named, y-hat's too (a TA read, German 9124: "with t = -1" left y-hat = 2 unsaid)
        # and the derivative they are put into, by the chain rule (a TA read, German 9414: "y-hat - t with ..." hid it)
        put_in = Reason(r"$\partial L/\partial \hat{{y}} = \hat{{y}} - t$ (chain rule) with $\hat{{y}} = {value}$, $t = {t}$", value=tex(y), t=t)
        if t == 0:  # 5 - 0 is no step; "5 + 0" would be a wrong one (a TA read, German 9064)
            by_output = chain(Step(delta, put_in))
        else:
            written = WrittenSum(y, -t, evaluate=False)
            # 3 + 1 under "y-hat - t" left t = -1 to the reader (TA read, math-background-2 EN 8901), and -(-1) as + 1
            # its two minus signs (TA read, EN 8943)
            rule = put_in if t > 0 else signs_cancelling(put_in)
            by_output = chain(Step(written, rule), Step(delta, N_("add") if t < 0 else N_("subtract")))
        by_y = chain(Step(delta, r"$\hat{y} = y$, so $\partial \hat{y} / \partial y = 1$"))
        return OutputLayer(value, (value - t) ** 2 / 2, by_output, by_y, delta)
    out = sigmoid(value)
    first = -1 / YHAT if t == 1 else 1 / (1 - YHAT)
    # the loss the target leaves named, not the result again ("-1/y-hat as t = 1": a TA read, German 9692)
    by_output = chain(Step(first, N_(r"$L = -\log \hat{y}$ as $t = 1$") if t == 1 else N_(r"$L = -\log(1 - \hat{y})$ as $t = 0$; chain rule")))
    delta = sympy.expand(first * YHAT * (1 - YHAT))
    by_y = chain(
        Step(WrittenProduct(first, YHAT * (1 - YHAT), evaluate=False), _SIGMOID_SLOPE),
        # the minus sign taken into the bracket too, -(1 - y-hat) = y-hat - 1 (a TA read, EN 9711)
        Step(delta, N_(r"cancel $1 - \hat{y}$") if t == 0 else N_(r"cancel $\hat{y}$; $-(1 - \hat{y}) = \hat{y} - 1$")),
    )
    return OutputLayer(out, -sympy.log(out) if t == 1 else -sympy.log(1 - out), by_output, by_y, delta)


def float_loss(loss: str, y: float, target: float) -> float:
    """The loss of the output pre-activation ``y`` in floats, from the definitions (not from ``output_layer``)."""
    if loss == "squared":
        return (y - target) ** 2 / 2
    out = 1 / (1 + math.exp(-y))
    return -target * math.log(out) - (1 - target) * math.log(1 - out)
