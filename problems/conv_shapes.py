"""Output shapes and parameter counts of a small stack of convolution and pooling layers.

The bookkeeping behind every CNN: a side of length n leaves a layer with kernel k, stride s, padding p
and dilation d as floor((n + 2p - d(k - 1) - 1) / s) + 1; a convolution with C_out filters has
(k k C_in + 1) C_out weights and biases, pooling none. The solution puts each layer's numbers into
the formula for the height and the width, layer by layer, then counts the parameters.

Options: ``layers`` (2 or 3, the first a convolution), ``square`` (H = W, or a different height
and width, each worked out), ``dilation`` (one convolution dilated by 2).

Excluded by construction: a division that is not exact (the floor would matter; the input size is
drawn among those that make every division exact, so no variant asks for a floor); a side below 2
after a layer; padding wider than half the (dilated) kernel, or a stride longer than the kernel
(pixels a layer never sees); a convolution that keeps the channel count; a stack that keeps the
input's height and width (nothing to compute); a side over twice the other (the width is
drawn among the exact sizes within a factor 2 of the height); a 1 x 1 kernel ((1 - 1)
and 1 * 1 * C_in are no exercise in the formula); a layer with more than 10,000 parameters; the
canonical instance.

answers.json keys: ``inputs.channels``, ``inputs.height``, ``inputs.width``, ``inputs.layers``
(each ``[kind, kernel, stride, padding, dilation, channels]``, kind ``conv``, ``max-pool`` or
``avg-pool``, channels 0 for pooling); ``answers.shapes`` (``[C, H, W]`` after each layer),
``answers.parameters`` (per layer), ``answers.total`` (of the stack).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import sympy

from generator.kit import (
    BoolOption,
    Chain,
    Family,
    IntOption,
    Reason,
    Step,
    WrittenProduct,
    WrittenSum,
    chain,
    distinct,
    require,
)
from generator.kit.notation import AsWritten

SIZES = range(8, 65)
MAX_PARAMETERS = 10_000
OUT_CHANNELS = (4, 6, 8, 12, 16, 24, 32)
POOLS = ((2, 2, 0), (3, 2, 0), (3, 2, 1))  # kernel, stride, padding


class Layer(NamedTuple):
    kind: str  # conv, max-pool or avg-pool
    kernel: int
    stride: int
    padding: int
    dilation: int
    channels: int  # output channels of a convolution; 0 for pooling, which keeps them


@dataclass(frozen=True)
class Params:
    channels: int
    height: int
    width: int
    layers: tuple[Layer, ...]


@dataclass(frozen=True)
class Answer:
    sides: tuple[tuple[Chain, ...], ...]  # per layer: the height (and the width, unless square) worked out
    counts: tuple[Chain | None, ...]  # per layer: (k k C_in + 1) C_out worked out; None for pooling
    total_sum: Chain | None  # the layers' counts added, when two or more convolutions have some
    shapes: tuple[tuple[sympy.Integer, sympy.Integer, sympy.Integer], ...]
    parameters: tuple[sympy.Integer, ...]
    total: sympy.Integer


def _top(n: int, layer: Layer) -> int:
    """The numerator n + 2p - d(k - 1) - 1 of the side formula."""
    return n + 2 * layer.padding - layer.dilation * (layer.kernel - 1) - 1


def _exact(n: int, layers: tuple[Layer, ...]) -> bool:
    """Every division of the formula exact and every side at least 2."""
    for layer in layers:
        if _top(n, layer) % layer.stride or _top(n, layer) < layer.stride:
            return False
        n = _top(n, layer) // layer.stride + 1
    return True


def _conv(rng: random.Random, dilated: bool) -> Layer:
    if dilated:
        return Layer("conv", 3, 1, rng.choice((0, 2)), 2, rng.choice(OUT_CHANNELS))
    kernel = rng.choice((3, 5))
    return Layer("conv", kernel, rng.choice((1, 2)), rng.randint(0, (kernel - 1) // 2), 1, rng.choice(OUT_CHANNELS))


def _stack(rng: random.Random, count: int, dilation: bool) -> tuple[Layer, ...]:
    kinds = rng.choice([("conv", "pool"), ("conv", "conv")] if count == 2 else [("conv", "pool", "conv"), ("conv", "conv", "pool")])
    dilated = rng.choice([i for i, kind in enumerate(kinds) if kind == "conv"]) if dilation else -1
    pool = Layer(rng.choice(("max-pool", "avg-pool")), *rng.choice(POOLS), 1, 0)
    return tuple(_conv(rng, i == dilated) if kind == "conv" else pool for i, kind in enumerate(kinds))


def _shapes(params: Params) -> tuple[tuple[int, int, int], ...]:
    """The input's shape, then the shape after each layer."""
    shapes = [(params.channels, params.height, params.width)]
    for layer in params.layers:
        c, h, w = shapes[-1]
        shapes.append((layer.channels or c, _top(h, layer) // layer.stride + 1, _top(w, layer) // layer.stride + 1))
    return tuple(shapes)


def _count(layer: Layer, channels_in: int) -> int:
    return (layer.kernel * layer.kernel * channels_in + 1) * layer.channels if layer.kind == "conv" else 0


def _usable(params: Params) -> bool:
    shapes = _shapes(params)
    convs = [(layer, c) for layer, (c, _, _) in zip(params.layers, shapes) if layer.kind == "conv"]
    fresh = all(layer.channels != c and _count(layer, c) <= MAX_PARAMETERS for layer, c in convs)
    return fresh and shapes[-1][1:] != shapes[0][1:] and params not in CANONICAL.values()


def sample(rng: random.Random, options: Mapping) -> Params:
    def draw(r: random.Random) -> Params | None:
        """The layers first, then the input sides among those every layer divides exactly."""
        layers = _stack(r, options["layers"], options["dilation"])
        sizes = [n for n in SIZES if _exact(n, layers)]
        height = r.choice(sizes) if sizes else 0
        widths = [n for n in sizes if n != height and max(n, height) <= 2 * min(n, height)]
        if not sizes or not (options["square"] or widths):
            return None
        return Params(r.choice((1, 3)), height, height if options["square"] else r.choice(widths), layers)

    return distinct(rng, draw, 1, accept=lambda p: p is not None and _usable(p), what="layer stacks")[0]


def _worked_side(n: int, layer: Layer) -> Chain:
    """The numbers put into the formula, the numerator worked out, the exact division, the + 1."""
    k, s, p, d, I = *layer[1:5], sympy.Integer
    top = (n, WrittenProduct(2, p, evaluate=False), -WrittenProduct(d, WrittenSum(k, -1, evaluate=False), evaluate=False), -1)
    put_in, side = f"$k = {k}$, $s = {s}$, $p = {p}$, $d = {d}$", I(_top(n, layer) // s + 1)
    if s == 1:
        return chain(Step(WrittenSum(*top, 1, evaluate=False), put_in), Step(side, "add up"))

    def floor_plus_one(numerator: sympy.Expr) -> sympy.Expr:
        over = sympy.Pow(AsWritten(I(s)), -1, evaluate=False)
        return WrittenSum(sympy.floor(sympy.Mul(numerator, over, evaluate=False), evaluate=False), 1, evaluate=False)

    return chain(
        Step(floor_plus_one(WrittenSum(*top, evaluate=False)), put_in),
        Step(floor_plus_one(AsWritten(I(_top(n, layer)))), "work out the numerator"),  # 2/2, never 2 . 1/2
        Step(WrittenSum(I(_top(n, layer) // s), 1, evaluate=False), Reason("${s}$ divides ${top}$ exactly", s=s, top=_top(n, layer))),
        Step(side, "add"),
    )


def _worked_count(layer: Layer, c: int) -> Chain:
    k, out = layer.kernel, layer.channels
    given = f"$k = {k}$, $C_{{\\text{{in}}}} = {c}$, $C_{{\\text{{out}}}} = {out}$"
    return chain(
        Step(WrittenProduct(WrittenSum(WrittenProduct(k, k, c, evaluate=False), 1, evaluate=False), out, evaluate=False), given),
        Step(WrittenProduct(k * k * c + 1, out, evaluate=False), "weights and bias of one filter"),
        Step(sympy.Integer(_count(layer, c)), "multiply"),
    )


def solve(params: Params) -> Answer:
    shapes, square = _shapes(params), params.height == params.width
    before = tuple(zip(params.layers, shapes))
    sides = tuple(tuple(_worked_side(n, layer) for n in ((h,) if square else (h, w))) for layer, (_, h, w) in before)
    counts = tuple(_worked_count(layer, c) if layer.kind == "conv" else None for layer, (c, _, _) in before)
    parameters = tuple(_count(layer, c) for layer, (c, _, _) in before)
    added = [n for n in parameters if n]
    total_sum = chain(Step(WrittenSum(*added, evaluate=False), "the layers' counts"), Step(sympy.Integer(sum(added)), "add"))
    numbers = tuple(tuple(map(sympy.Integer, shape)) for shape in shapes[1:])  # SymPy numbers, as answers hold
    return Answer(sides, counts, total_sum if len(added) > 1 else None, numbers, tuple(map(sympy.Integer, parameters)), sympy.Integer(sum(parameters)))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Slide each window along a padded side and count its positions; count weights filter by filter."""
    c, h, w = params.channels, params.height, params.width
    for index, layer in enumerate(params.layers, 1):
        reach, sides = layer.dilation * (layer.kernel - 1), []  # reach: from a window's first input to its last
        for n in (h, w):
            starts = range(0, n + 2 * layer.padding - reach, layer.stride)
            require(starts[-1] + reach == n + 2 * layer.padding - 1, f"layer {index}: the last window stops short")
            sides.append(len(starts))
        weights = sum(1 for _ in range(layer.channels) for _ in range(c) for _ in range(layer.kernel**2))
        c, (h, w) = layer.channels or c, sides
        require(tuple(answer.shapes[index - 1]) == (c, h, w), f"layer {index}: {answer.shapes[index - 1]}, slid {(c, h, w)}")
        counted = weights + layer.channels * (layer.kind == "conv")
        require(answer.parameters[index - 1] == counted, f"layer {index}: {answer.parameters[index - 1]}, counted {counted}")
    require(answer.total == sum(answer.parameters), f"total {answer.total}, layers {answer.parameters}")


def _difficulty(params: Params, answer: Answer) -> float:
    per_layer = (1 + (layer.stride > 1) / 2 + (layer.padding > 0) / 2 + (layer.dilation > 1) for layer in params.layers)
    return sum(per_layer) + (params.height != params.width) / 2


CANONICAL = {
    "conv-shapes-example": Params(
        3, 32, 32, (Layer("conv", 3, 1, 1, 1, 16), Layer("max-pool", 2, 2, 0, 1, 0), Layer("conv", 3, 1, 0, 1, 32))
    )
}

FAMILY = Family(
    name="conv-shapes",
    summary="Output shapes and parameter counts of a stack of convolution and pooling layers.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        IntOption("layers", 3, 2, 3, "how many layers the stack has (the first a convolution)"),
        BoolOption("square", True, "a square input (H = W), or a different height and width"),
        BoolOption("dilation", False, "one convolution is dilated (d = 2)"),
    ),
    canonical=CANONICAL,
    difficulty=_difficulty,
    key_fields=("shapes", "parameters", "total"),
)
