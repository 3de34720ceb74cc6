"""conv-shapes: the canonical stack against hand-computed shapes and counts, the sampler's promises for
every option, a check that refuses wrong shapes and counts, and a statement that keeps the answer back."""

import dataclasses
import random

import pytest

from generator.kit.family import CheckFailed
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.conv_shapes import FAMILY, Layer, Params, check, solve

OPTIONS = FAMILY.resolve_options({})


def test_canonical_stack_matches_the_hand_computation():
    # 3x32x32 -> conv 3x3 pad 1 (16) -> 16x32x32 -> max-pool 2x2 stride 2 -> 16x16x16 -> conv 3x3 (32) -> 32x14x14
    answer = canonical_variant(FAMILY, OPTIONS, "conv-shapes-example").answer
    assert answer.shapes == ((16, 32, 32), (16, 16, 16), (32, 14, 14))
    assert answer.parameters == (28 * 16, 0, 145 * 32) and answer.total == 5088


@pytest.mark.parametrize("layers", [2, 3])
@pytest.mark.parametrize("square", [True, False])
@pytest.mark.parametrize("dilation", [True, False])
def test_random_stacks_divide_exactly_and_change_the_shape(layers, square, dilation):
    options = FAMILY.resolve_options({"layers": layers, "square": square, "dilation": dilation})
    for seed in range(15):
        variant = variant_for_seed(FAMILY, options, seed)
        p, answer = variant.params, variant.answer
        assert len(p.layers) == layers and p.layers[0].kind == "conv"
        assert (p.height == p.width) == square and max(p.height, p.width) <= 2 * min(p.height, p.width)
        assert sum(layer.dilation == 2 for layer in p.layers) == dilation
        shape = (p.channels, p.height, p.width)
        for layer, out in zip(p.layers, answer.shapes, strict=True):
            reach = layer.dilation * (layer.kernel - 1)
            for n, m in zip(shape[1:], out[1:], strict=True):
                assert (n + 2 * layer.padding - reach - 1) % layer.stride == 0, "the floor would matter"
                assert m >= 2 and m == (n + 2 * layer.padding - reach - 1) // layer.stride + 1
            assert 2 * layer.padding <= reach + (layer.kind != "conv")
            if layer.kind == "conv":
                assert out[0] == layer.channels != shape[0]
            shape = out
        assert answer.shapes[-1][1:] != (p.height, p.width)
        assert max(answer.parameters) <= 10_000 and answer.total == sum(answer.parameters)


def test_the_check_refuses_wrong_shapes_and_counts():
    variant = canonical_variant(FAMILY, OPTIONS, "conv-shapes-example")
    for wrong in (
        {"shapes": ((16, 32, 32), (16, 16, 16), (32, 15, 15))},  # floor((16 - 2 - 1)/1) + 1 misread
        {"parameters": (27 * 16, 0, 4640)},  # the bias forgotten
        {"total": 5089},
    ):
        with pytest.raises(CheckFailed):
            check(variant.params, dataclasses.replace(variant.answer, **wrong), random.Random(0))


def test_the_statement_tabulates_the_layers_but_not_the_shapes():
    params = Params(1, 28, 20, (Layer("conv", 5, 1, 0, 1, 6), Layer("avg-pool", 2, 2, 0, 1, 0)))
    variant = dataclasses.replace(variant_for_seed(FAMILY, OPTIONS, 0), params=params, answer=solve(params))
    statement, solution = render_part(environment(), FAMILY, variant)
    assert variant.answer.shapes == ((6, 24, 16), (6, 12, 8)) and variant.answer.parameters == (156, 0)
    assert "average pooling" in statement and "5 \\times 5" in statement
    assert "6 \\times 12 \\times 8" not in statement and "6 \\times 12 \\times 8" in solution


def test_the_dilation_column_and_d_stand_only_where_a_layer_is_dilated_and_padding_reads_neutrally():
    """With every dilation 1 the column was a row of 1s; average pooling read "dilation 1"; "adds p zeros" is
    false for max pooling (frameworks pad it with minus infinity)."""
    plain = variant_for_seed(FAMILY, FAMILY.resolve_options({"layers": 3}), 5)
    statement, solution = render_part(environment(), FAMILY, plain)
    assert "dilation" not in statement and "d(k - 1)" not in solution and "$d = " not in solution
    assert "pads each side by $p$" in statement and "zeros" not in statement
    dilated = variant_for_seed(FAMILY, FAMILY.resolve_options({"layers": 3, "dilation": True}), 5)
    statement, solution = render_part(environment(), FAMILY, dilated)
    assert "dilation $d$" in statement and "$d = 2$" in solution
    pooling = [line for line in solution.splitlines() if "$k = 2$, $s = 2$" in line]  # 2x2 pooling, stride 2
    assert pooling and all("$d = 1$" in line for line in pooling)  # under the formula with d: it says so


def test_no_cell_of_the_layer_table_is_empty():
    """A pooling row left the dilation cell blank, as if forgotten (TA read, seed 840511): a dash says it has none."""
    options = FAMILY.resolve_options({"layers": 3, "dilation": True})
    for seed in range(10):
        statement, _ = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, seed))
        table = statement.split(r"\midrule")[1].split(r"\bottomrule")[0]
        rows = [row for row in table.split(r"\\") if row.strip()]
        assert rows and all(cell.strip() for row in rows for cell in row.split("&"))
        pooling = [row for row in rows if "pooling" in row]
        assert all(row.split("&")[5].strip() == "---" for row in pooling)


def test_a_pooling_layer_is_said_to_have_no_parameters_not_its_output():
    """"so the output is 8 x 12 x 12, with no parameters" gave the output the parameters (TA read)."""
    _, solution = render_part(environment(), FAMILY, canonical_variant(FAMILY, OPTIONS, "conv-shapes-example"))
    assert "; the layer has no parameters." in solution and "with no parameters" not in solution


def test_a_formula_with_d_names_d_1_too_and_the_side_is_worked_out_not_added_up():
    """A TA read: layer 3 wrote '- (5 - 1)' under a formula with d in it and named k, s and p only (layer 1 named
    d = 2); and '= 46' was 'add up' for a line with subtractions in it; a later one read 'work out the value' as naming
    nothing: the products and the bracket are named with their values, then the sum is worked."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"layers": 3, "dilation": True}), 5)
    _, solution = render_part(environment(), FAMILY, variant)
    assert "$d = 1$}" in solution and "$d = 2$}" in solution
    assert "add up" not in solution and "work out the value" not in solution
    assert r"$2 \cdot 2 = 4$, $2 \cdot (3 - 1) = 4$, then add and subtract" in solution


@pytest.mark.parametrize("language, said", [("en", "so it goes into the formula with $d = 1$"), ("de", "in der Formel ist daher $d = 1$ zu setzen")])
def test_a_pooling_layer_under_the_formula_with_d_names_d_1(language, said):
    """A TA read (math-background-2 2.5, German, seed 7303, layer 3, average pooling): the formula with d took d = 1
    silently, while the table showed a dash for the layer's dilation and the reason named k, s and p only. The reason
    names d = 1, and the solution says why a layer without dilation goes in with d = 1."""
    layers = (Layer("conv", 5, 1, 2, 1, 24), Layer("conv", 3, 1, 2, 2, 12), Layer("avg-pool", 3, 2, 0, 1, 0))
    params = Params(3, 35, 35, layers)
    variant = dataclasses.replace(variant_for_seed(FAMILY, OPTIONS, 0), params=params, answer=solve(params))
    pooling = variant.answer.sides[2][0].steps[0]
    assert pooling.why == "$k = 3$, $s = 2$, $p = 0$, $d = 1$"
    statement, solution = render_part(environment(language=language), FAMILY, variant)
    assert "---" in statement and said in solution
    plain = dataclasses.replace(params, layers=(layers[0], layers[2]))
    assert solve(plain).sides[1][0].steps[0].why == "$k = 3$, $s = 2$, $p = 0$"  # no d in the formula, none named


def test_pooling_is_explained_only_where_a_layer_pools():
    """A TA read (German 9701): "Pooling keeps the channels and has no parameters" beside a stack of two convolutions."""
    from generator.pipeline.render import render_part
    from generator.pipeline.templating import environment

    options = FAMILY.resolve_options({"layers": 2})
    kinds = set()
    for seed in range(12):
        variant = variant_for_seed(FAMILY, options, seed)
        pools = any(layer.kind != "conv" for layer in variant.params.layers)
        kinds.add(pools)
        _, solution = render_part(environment(), FAMILY, variant)
        assert ("Pooling keeps the channels" in solution) == pools
    assert kinds == {True, False}
