"""The arithmetic of convolution and pooling layers, worked by hand and checked by sliding a window.

A side of length n leaves a layer with kernel k, stride s, padding p and dilation d as
floor((n + 2p - d(k - 1) - 1) / s) + 1; a convolution with C_out filters over C_in channels has
(k k C_in + 1) C_out weights and biases, pooling none. ``Layer`` holds one layer and computes both;
``worked_side`` and ``worked_parameters`` write them out as a teaching assistant does (the numbers
put into the formula, then each operation named); ``slid_side`` and ``counted_parameters`` find
the same numbers a second way, for checks: by sliding the window and by counting weight by weight.
``stack_side`` and ``stack_shapes`` follow a stack of layers by the formula, ``slid_shapes`` the second way.
"""

from collections.abc import Sequence
from typing import NamedTuple

import sympy

from generator.kit.language import Reason, joined
from generator.kit.notation import WrittenProduct, WrittenQuotient, WrittenSum
from generator.kit.steps import Chain, Step, arithmetic, chain

__all__ = ["Layer", "counted_parameters", "slid_shapes", "slid_side", "stack_shapes", "stack_side", "worked_parameters", "worked_side"]


class Layer(NamedTuple):
    """One layer: ``kind`` is ``conv``, ``max-pool`` or ``avg-pool``; ``channels`` the output channels of a
    convolution, 0 for pooling (which keeps them). Kernels are square; padding adds p zeros on every side."""

    kind: str
    kernel: int
    stride: int
    padding: int
    dilation: int
    channels: int

    def numerator(self, n: int) -> int:
        """n + 2p - d(k - 1) - 1: the numerator of the side formula."""
        return n + 2 * self.padding - self.dilation * (self.kernel - 1) - 1

    def side(self, n: int) -> int | None:
        """The output side for an input side n, or None when the stride does not divide the numerator
        exactly (the floor would matter) or the output would be shorter than 2."""
        top = self.numerator(n)
        return top // self.stride + 1 if top % self.stride == 0 and top >= self.stride else None

    def parameters(self, channels_in: int) -> int:
        return (self.kernel * self.kernel * channels_in + 1) * self.channels if self.kind == "conv" else 0


Shape = tuple[int, int, int]
"""Channels, height and width."""


def stack_side(n: int, layers: Sequence[Layer]) -> int | None:
    """A side of n after every layer of a stack, or None when a division on the way is not exact or a side drops
    below 2: a sampler keeps the input sizes a stack divides exactly, so no variant asks for a floor."""
    for layer in layers:
        if (n := layer.side(n)) is None:
            return None
    return n


def stack_shapes(channels: int, height: int, width: int, layers: Sequence[Layer]) -> tuple[Shape, ...]:
    """The input's shape, then the shape after each layer by the formula: a convolution sets the channels,
    pooling keeps them (for sizes ``stack_side`` accepts)."""
    shapes = [(channels, height, width)]
    for layer in layers:
        c, h, w = shapes[-1]
        shapes.append((layer.channels or c, layer.side(h), layer.side(w)))
    return tuple(shapes)


def worked_side(n: int, layer: Layer, dilated: bool = True) -> Chain:
    """The numbers put into the formula, the numerator worked out (its products and bracket named with their values,
    then added and subtracted), the exact division, the + 1 (for s = 1 there is nothing to divide: the numbers are
    worked out at once). ``dilated``: the formula the sheet states has d in it, and the reason names every layer's d,
    a pooling layer's d = 1 too (it has no dilation; the sheet says it goes into the formula with d = 1); without, it
    is floor((n + 2p - k)/s) + 1 and the numbers go into that."""
    k, s, p, d = layer.kernel, layer.stride, layer.padding, layer.dilation
    top, side = layer.numerator(n), sympy.Integer(layer.numerator(n) // s + 1)
    if dilated:
        reach = WrittenProduct(d, WrittenSum(k, -1, evaluate=False), evaluate=False)
        written = (n, WrittenProduct(2, p, evaluate=False), -reach, -1)
    else:
        written = (n, WrittenProduct(2, p, evaluate=False), -k)
    # every layer under a formula with d in it names its d, d = 1 too (that factor 1 is left out of the line): pooling
    # as well, which has no dilation (a dash in the table) and so goes into the formula with d = 1, as the sheet says
    if not dilated:
        put_in = Reason("$k = {k}$, $s = {s}$, $p = {p}$", k=k, s=s, p=p)
    else:
        put_in = Reason("$k = {k}$, $s = {s}$, $p = {p}$, $d = {d}$", k=k, s=s, p=p, d=d)
    # the products and the bracket named with their values: "work out the value" named nothing (TA read)
    bracket = reach if dilated and d != 1 else WrittenSum(k, -1, evaluate=False)
    products = [*arithmetic(WrittenProduct(2, p, evaluate=False)), *(arithmetic(bracket) if dilated else ())]
    worked = Reason("{worked}, then add and subtract", worked=joined(products))
    if s == 1:
        return chain(Step(WrittenSum(*written, 1, evaluate=False), put_in), Step(side, worked))

    def floor_plus_one(numerator: sympy.Expr) -> sympy.Expr:
        return WrittenSum(sympy.floor(WrittenQuotient(numerator, s), evaluate=False), 1, evaluate=False)

    return chain(
        Step(floor_plus_one(WrittenSum(*written, evaluate=False)), put_in),
        Step(floor_plus_one(top), worked),
        Step(WrittenSum(top // s, 1, evaluate=False), Reason("${s}$ divides ${top}$ exactly", s=s, top=top)),
        Step(side, "add"),
    )


def worked_parameters(layer: Layer, channels_in: int) -> Chain:
    """(k k C_in + 1) C_out with the numbers put in, one filter's weights and bias worked out ("3 \\cdot 3 \\cdot 1 + 1
    = 10": the bracket's value under a reason that named only what it counts hid the arithmetic, a TA read), then
    the product."""
    k, c, out = layer.kernel, channels_in, layer.channels
    given = Reason("$k = {k}$, $C_{{\\text{{in}}}} = {c}$, $C_{{\\text{{out}}}} = {out}$", k=k, c=c, out=out)
    one_filter = WrittenSum(WrittenProduct(k, k, c, evaluate=False), 1, evaluate=False)
    counted = Reason("{worked}: weights and bias of one filter", worked=joined(arithmetic(one_filter)))
    return chain(
        Step(WrittenProduct(one_filter, out, evaluate=False), given),
        Step(WrittenProduct(k * k * c + 1, out, evaluate=False), counted),
        Step(sympy.Integer(layer.parameters(c)), "multiply"),
    )


def slid_side(n: int, layer: Layer) -> int | None:
    """How many positions a window takes sliding along a padded side of n, or None when the last one stops
    short of the padded end (the formula's floor would have dropped inputs)."""
    reach = layer.dilation * (layer.kernel - 1)  # from a window's first input to its last
    starts = range(0, n + 2 * layer.padding - reach, layer.stride)
    return len(starts) if starts and starts[-1] + reach == n + 2 * layer.padding - 1 else None


def counted_parameters(layer: Layer, channels_in: int) -> int:
    """The weights counted one by one, filter by filter and channel by channel, plus one bias per filter."""
    weights = sum(1 for _ in range(layer.channels) for _ in range(channels_in) for _ in range(layer.kernel**2))
    return weights + layer.channels if layer.kind == "conv" else 0


def slid_shapes(channels: int, height: int, width: int, layers: Sequence[Layer]) -> tuple[tuple[Shape, int], ...]:
    """Per layer, the shape after it and its parameters, found a second way (``slid_side``, ``counted_parameters``):
    what checks hold ``stack_shapes`` and ``Layer.parameters`` against."""
    found, c, h, w = [], channels, height, width
    for layer in layers:
        counted, (h, w) = counted_parameters(layer, c), (slid_side(h, layer), slid_side(w, layer))
        c = layer.channels or c
        found.append(((c, h, w), counted))
    return tuple(found)
