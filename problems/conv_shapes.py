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

import sympy

from generator.kit import N_, BoolOption, Chain, Family, IntOption, Meaning, added_up, distinct, require
from generator.kit.convolution import Layer, slid_shapes, stack_shapes, stack_side, worked_parameters, worked_side

SIZES = range(8, 65)
MAX_PARAMETERS = 10_000
OUT_CHANNELS = (4, 6, 8, 12, 16, 24, 32)
POOLS = ((2, 2, 0), (3, 2, 0), (3, 2, 1))  # kernel, stride, padding


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


def _usable(params: Params) -> bool:
    shapes = stack_shapes(params.channels, params.height, params.width, params.layers)
    convs = [(layer, c) for layer, (c, _, _) in zip(params.layers, shapes) if layer.kind == "conv"]
    fresh = all(layer.channels != c and layer.parameters(c) <= MAX_PARAMETERS for layer, c in convs)
    return fresh and shapes[-1][1:] != shapes[0][1:] and params not in CANONICAL.values()


def sample(rng: random.Random, options: Mapping) -> Params:
    def draw(r: random.Random) -> Params | None:
        """The layers first, then the input sides among those every layer divides exactly."""
        layers = _stack(r, options["layers"], options["dilation"])
        sizes = [n for n in SIZES if stack_side(n, layers)]
        height = r.choice(sizes) if sizes else 0
        widths = [n for n in sizes if n != height and max(n, height) <= 2 * min(n, height)]
        if not sizes or not (options["square"] or widths):
            return None
        return Params(r.choice((1, 3)), height, height if options["square"] else r.choice(widths), layers)

    return distinct(rng, draw, 1, accept=lambda p: p is not None and _usable(p), what="layer stacks")[0]


def solve(params: Params) -> Answer:
    shapes, square = stack_shapes(params.channels, params.height, params.width, params.layers), params.height == params.width
    before = tuple(zip(params.layers, shapes))
    dilated = any(layer.dilation > 1 for layer in params.layers)
    sides = tuple(tuple(worked_side(n, layer, dilated) for n in ((h,) if square else (h, w))) for layer, (_, h, w) in before)
    counts = tuple(worked_parameters(layer, c) if layer.kind == "conv" else None for layer, (c, _, _) in before)
    parameters = tuple(layer.parameters(c) for layer, (c, _, _) in before)
    # every layer's count, a pooling layer's 0 too: the table lists it, and "40 + 3232" left it out (a TA read, German 9113)
    total_sum = added_up(*parameters, why=N_("the layers' counts"), then=N_("add")) if sum(map(bool, parameters)) > 1 else None
    numbers = tuple(tuple(map(sympy.Integer, shape)) for shape in shapes[1:])  # SymPy numbers, as answers hold
    return Answer(sides, counts, total_sum, numbers, tuple(map(sympy.Integer, parameters)), sympy.Integer(sum(parameters)))


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Slide each window along a padded side and count its positions; count weights filter by filter."""
    slid = slid_shapes(params.channels, params.height, params.width, params.layers)
    for index, ((found, counted), shape, claimed) in enumerate(zip(slid, answer.shapes, answer.parameters), 1):
        require(tuple(shape) == found, f"layer {index}: {shape}, but the window slides to {found}")
        require(claimed == counted, f"layer {index}: {claimed} parameters, counted {counted}")
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
    letters=lambda options: {"W": Meaning("a width")},
)
