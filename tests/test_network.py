"""generator.kit.network: the worked gradients agree with SymPy's derivatives of the loss; the check can fail."""

import pytest
import sympy
from sympy import ImmutableMatrix as Matrix

from generator.kit.family import CheckFailed
from generator.kit.losses import output_layer
from generator.kit.network import ACTIVATIONS, backpropagated, check_network, forward, weight_gradients
from generator.kit.printing import tex

X, W, w, TARGET = Matrix([1, -2]), Matrix([[2, -1], [1, 1]]), Matrix([-1, 2]), sympy.Integer(1)


def _gradients(activation: str, loss: str):
    net = forward(X, W, w, activation)
    top = output_layer(loss, (w.T * Matrix(net.names))[0], net.y, TARGET)
    _, deltas = backpropagated(net, w, top, activation)
    return top.loss, weight_gradients(deltas, X, net.hidden)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["squared", "cross-entropy"])
def test_worked_gradients_are_the_derivatives_of_the_loss(activation, loss):
    value, g = _gradients(activation, loss)
    weights = sympy.symbols("a b c d e f")
    Ws, ws = Matrix(2, 2, weights[:4]), Matrix(weights[4:])
    g_of = (lambda t: 1 / (1 + sympy.exp(-t))) if activation == "sigmoid" else (lambda t: sympy.Max(t, 0))
    y = (ws.T * (Ws * X).applyfunc(g_of))[0]
    out = y if loss == "squared" else 1 / (1 + sympy.exp(-y))
    L = (out - TARGET) ** 2 / 2 if loss == "squared" else -sympy.log(out)
    at = dict(zip(weights, (*W, *w)))
    for symbol, claimed in zip(weights, (*g.grad_W, *g.grad_w)):
        assert abs(float(sympy.diff(L, symbol).subs(at)) - float(claimed.rewrite(sympy.exp))) < 1e-12
    assert abs(float(L.subs(at)) - float(value.rewrite(sympy.exp))) < 1e-12


def test_the_check_refuses_a_wrong_gradient_and_a_wrong_loss():
    value, g = _gradients("relu", "squared")
    check_network("relu", "squared", X, TARGET, W, w, value, g.grad_W, g.grad_w)
    with pytest.raises(CheckFailed, match="dL/dW_12"):
        check_network("relu", "squared", X, TARGET, W, w, value, g.grad_W + Matrix([[0, 1], [0, 0]]), g.grad_w)
    with pytest.raises(CheckFailed, match="L = "):
        check_network("relu", "squared", X, TARGET, W, w, value + 1, g.grad_W, g.grad_w)


def test_the_outer_product_writes_each_entry_as_a_hand_does_beside_x_written_out():
    """delta_1 . (-1) kept a factor a hand multiplies in (TA reads, German 9741); the row writes x^T out, so that
    x = (1, 1) does not read as if x had dropped out (a TA read, EN 9133)."""
    x = sympy.Matrix([-2, 1])
    gradients = weight_gradients([sympy.Integer(3), sympy.Integer(5), sympy.Integer(7)], x, sympy.Matrix([1, 2]))
    d1, d2 = sympy.symbols("delta_1:3")
    assert gradients.named == sympy.Matrix([[-2 * d1, d1], [-2 * d2, d2]])
    assert tex(gradients.named[0, 0]) == r"- 2 \delta_{1}"
    assert gradients.named.subs({d1: 5, d2: 7}) == gradients.grad_W
