import dataclasses
import math
import random
import re

import pytest
import sympy

from generator.check import lint
from generator.kit import tex
from generator.kit.family import CheckFailed
from generator.kit.numeric import as_function
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.backprop import FAMILY, check

OPTIONS = FAMILY.resolve_options({})
COMBINATIONS = [{"activation": a, "loss": loss} for a in ("relu", "sigmoid") for loss in ("squared", "cross-entropy")]


def _sympy_gradients(p):
    """A second method: SymPy differentiates the loss written with symbolic weights."""
    W, w = sympy.Matrix(2, 2, sympy.symbols("W_11 W_12 W_21 W_22")), sympy.Matrix(sympy.symbols("w_1 w_2"))
    sigma = lambda s: 1 / (1 + sympy.exp(-s))
    act = sigma if p.activation == "sigmoid" else (lambda s: sympy.Max(s, 0))
    y = (w.T * (W * sympy.Matrix(p.x)).applyfunc(act))[0]
    t = p.target
    loss = (y - t) ** 2 / 2 if p.loss == "squared" else -t * sympy.log(sigma(y)) - (1 - t) * sympy.log(1 - sigma(y))
    at = dict(zip([*W, *w], [*p.W, *p.w]))
    return [float(sympy.diff(loss, v).subs(at)) for v in [*W, *w]]


def test_canonical_gradients_are_the_hand_values():
    variant = canonical_variant(FAMILY, OPTIONS, "backprop-example")
    answer = variant.answer
    assert answer.loss == sympy.Rational(1, 2) and answer.deltas == (-1, -1, 2)
    assert answer.grad_w == sympy.Matrix([-3, -1]) and answer.grad_W == sympy.Matrix([[-1, -2], [2, 4]])
    assert [float(v) for v in (*answer.grad_W, *answer.grad_w)] == _sympy_gradients(variant.params)


@pytest.mark.parametrize("choice", COMBINATIONS)
def test_random_networks_have_a_live_unit_and_agree_with_sympy(choice):
    options = FAMILY.resolve_options(choice)
    for seed in range(15):
        variant = variant_for_seed(FAMILY, options, seed)
        p, answer = variant.params, variant.answer
        assert 0 not in answer.pre and answer.pre[0] != answer.pre[1] and answer.deltas[0] != 0
        if p.activation == "relu":
            assert min(answer.pre) < 0 < max(answer.pre)
        claimed = [float(v.rewrite(sympy.exp)) for v in (*answer.grad_W, *answer.grad_w)]
        assert claimed == pytest.approx(_sympy_gradients(p), rel=1e-9)


def test_check_refuses_a_wrong_gradient():
    variant = canonical_variant(FAMILY, OPTIONS, "backprop-example")
    wrong = dataclasses.replace(variant.answer, grad_W=sympy.ImmutableMatrix([[-1, -2], [2, 3]]))
    with pytest.raises(CheckFailed):
        check(variant.params, wrong, random.Random(0))


def test_statement_gives_the_network_but_not_the_gradients():
    variant = canonical_variant(FAMILY, OPTIONS, "backprop-example")
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"\operatorname{ReLU}" in statement and "t = 2" in statement
    assert r"\begin{bmatrix}-1 & -2\\2 & 4\end{bmatrix}" not in statement
    assert r"\begin{bmatrix}-1 & -2\\2 & 4\end{bmatrix}" in solution


@pytest.mark.parametrize("loss", ["squared", "cross-entropy"])
def test_every_relu_exercise_has_one_unit_off_and_one_on(loss):
    """Both units on never uses ReLU' (a TA read, math-background-2 2.6, seed 6632 DE: z = (2, 4)); a dead unit is the
    lesson: its delta and its row of dL/dW are 0, declared meaningful to the lint, and the live one passes the gradient."""
    options = FAMILY.resolve_options({"activation": "relu", "loss": loss})
    for seed in range(30):
        v = variant_for_seed(FAMILY, options, seed)
        z = v.params.W * v.params.x  # SymPy's own product, not the answer's
        (off,) = [j for j in (0, 1) if z[j] < 0]
        on = 1 - off
        assert z[on] > 0
        assert v.answer.deltas[1 + off] == 0 and list(v.answer.grad_W.row(off)) == [0, 0]
        assert v.answer.deltas[1 + on] == v.answer.deltas[0] * v.params.w[on] != 0
        assert v.answer.meaningful_zeros == ("grad_w", "grad_W")
        assert not list(lint.zero_shares(FAMILY, v))
        _, solution = render_part(environment(), FAMILY, v)
        assert "is off" in solution and f"z_{off + 1} < 0" in solution


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_no_output_delta_is_plus_or_minus_one_and_the_output_has_one_name(activation):
    """delta = 1 made dL/dw just h. A linear output is y_hat = w^T h, one name: "y = w^T h ... y_hat = y" gave
    it two, used y_hat before defining it, and needed a step "y_hat = y, so dy_hat/dy = 1" (TA read, all seeds)."""
    options = FAMILY.resolve_options({"activation": activation, "loss": "squared"})
    for seed in range(40):
        variant = variant_for_seed(FAMILY, options, seed)
        assert abs(variant.answer.deltas[0]) not in (0, 1)
    statement, solution = render_part(environment(), FAMILY, variant)
    assert r"\hat y = \mathbf{w}^\top \mathbf{h}" in statement and "$t$ is the target" in statement
    assert not re.search(r"(?<!\\hat )y = ", statement + solution) and "partial y" not in solution
    assert r"\delta_{\mathrm{out}} = \frac{\partial L}{\partial \hat y}" in solution
    assert "outer product of a layer's delta" not in solution and r"the scalar $\delta_{\mathrm{out}}$ times" in solution
    if activation == "relu":  # "Give exact values.": no decimal of a half-integer loss either (25/2 = 12.5000)
        drawn = (variant_for_seed(FAMILY, options, seed) for seed in range(40))
        half = next(v for v in drawn if not v.answer.loss.is_Integer)
        statement, solution = render_part(environment(), FAMILY, half)
        assert "decimal" not in statement and ".5000" not in solution


def test_a_sigmoid_output_names_its_pre_activation_and_its_delta_once():
    """With the cross-entropy the output is y_hat = sigma(z_out): its pre-activation is named as the hidden units' are
    (a plain y would read as the label), and the output delta is dL/dz_out, as the hidden deltas' reasons call it
    (delta_out, in every option)."""
    options = FAMILY.resolve_options({"activation": "sigmoid", "loss": "cross-entropy"})
    statement, solution = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, 0))
    assert r"z_{\mathrm{out}} = \mathbf{w}^\top \mathbf{h}, \quad \hat y = \sigma(z_{\mathrm{out}})" in statement and r"t \in \{0, 1\}" in statement
    assert "(y)" not in statement and not re.search(r"(?<!\\hat)\sy = |\$y = ", statement + solution) and "partial y" not in solution
    assert r"\delta_{\mathrm{out}} = \frac{\partial L}{\partial z_{\mathrm{out}}}" in solution and r"w_1 \cdot \delta_{\mathrm{out}}" in solution
    assert r"\delta_y" not in solution


def test_the_loss_is_the_last_line_of_the_forward_pass():
    """A TA read L = 1/2 (y_hat - t)^2 = 32 in a display of its own below the forward pass it ends."""
    options = FAMILY.resolve_options({"activation": "relu", "loss": "squared"})
    _, solution = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, 12))
    forward = solution[solution.index(r"\begin{align*}") : solution.index(r"\end{align*}")]
    assert re.search(r"\\hat y &= .*, \\\\\*?\nL &= \\frac\{1\}\{2\} \(\\hat y - t\)\^2 = [^\n]+\.$", forward.strip())
    assert r"\[ L =" not in solution


def test_the_forward_pass_says_what_the_output_is_in_both_languages():
    """A TA read: 'the output weights the activations' read first as 'the output weights [are] the activations', and the
    German statement ended '... und t der Zielwert.' without its verb."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({}), 3)
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"and the output is the sum of the activations weighted by $\mathbf{w}$." in solution
    statement, solution = render_part(environment(language="de"), FAMILY, variant)
    assert "den Zielwert bezeichnet." in statement and r"die mit $\mathbf{w}$ gewichtete Summe der Aktivierungen" in solution


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
@pytest.mark.parametrize("loss", ["squared", "cross-entropy"])
def test_every_negative_number_in_a_product_of_substituted_values_is_bracketed(activation, loss):
    """delta_2 = -1 . (-4) . 1 bracketed delta_out but not the weight w_2 = -1 before it (TA read, math-background-2
    2.6, seeds 6641/6642): every negative number put into such a product is in brackets, the first one too."""
    options = FAMILY.resolve_options({"activation": activation, "loss": loss})
    leading = 0
    for seed in range(20):
        variant = variant_for_seed(FAMILY, options, seed)
        p = variant.params
        for language in ("en", "de"):
            _, solution = render_part(environment(language=language), FAMILY, variant)
            backward = solution[solution.index(r"\delta_{\mathrm{out}} ="):]
            for j, weight in enumerate(p.w, start=1):
                factor = f"({sympy.latex(weight)})" if weight < 0 else sympy.latex(weight)
                assert rf"\delta_{j} &= {factor} \cdot " in backward
                leading += bool(weight < 0)
            assert not re.search(r"&= -\s*\d+ \\cdot|\\cdot -\s*\d", backward), backward  # a bare negative factor
    assert leading  # a negative output weight leads some product


@pytest.mark.parametrize("loss", ["squared", "cross-entropy"])
def test_the_docstring_says_what_the_sigmoid_draws_exclude(loss):
    """The test that keeps two ReLU units from being off (both z_j < 0) runs for the sigmoid too, while the docstring
    spoke of ReLU only: it says so now, and the draws bear it out (one z_j > 0 always, one below 0 sometimes)."""
    import problems.backprop as backprop

    assert "a sigmoid exercise also has at least one z_j > 0" in " ".join(backprop.__doc__.split())
    options = FAMILY.resolve_options({"activation": "sigmoid", "loss": loss})
    signs = set()
    for seed in range(40):
        z = variant_for_seed(FAMILY, options, seed).answer.pre
        assert max(z) > 0
        signs.add(min(z) < 0)
    assert signs == {True, False}


def test_the_output_delta_names_the_derivative_it_puts_the_values_into():
    """A TA read (German 9414): "y-hat - t with y-hat = 4, t = -2" beside delta_out = 4 + 2 hid dL/dy-hat = y-hat - t."""
    variant = canonical_variant(FAMILY, FAMILY.resolve_options({}), "backprop-example")
    for language, rule in (("en", "(chain rule) with"), ("de", "(Kettenregel) mit")):
        _, solution = render_part(environment(language=language), FAMILY, variant)
        assert rf"\partial L/\partial \hat{{y}} = \hat{{y}} - t$ {rule} $\hat{{y}} = " in solution


@pytest.mark.parametrize("loss", ["squared", "cross-entropy"])
def test_sigmoid_deltas_name_each_step_and_the_gradients_are_exact_before_their_decimals(loss):
    """Two TA reads of sigmoid networks (EN 9691, German 9692): the slope h_j (1 - h_j) put in unnamed; "multiply" for a
    row that dropped a factor 1 or reordered the factors, h_1 (1 - y) (1 - h_1); dL/dw given as decimals alone where
    the statement asks for exact values; the loss in the table a script-size stacked fraction; "-1/y-hat as t = 1"
    repeating its row; the weighted sum of a sigmoid output called the output."""
    options = FAMILY.resolve_options({"activation": "sigmoid", "loss": loss})
    seen = set()
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        _, solution = render_part(environment(), FAMILY, variant)
        hidden = variant.answer.backward[-2:]
        for j, (worked, weight) in enumerate(zip(hidden, variant.params.w), start=1):
            first, *rest = worked.steps
            assert str(first.why).endswith(rf"$\sigma'(z_{j}) = h_{{{j}}} (1 - h_{{{j}}})$")
            if weight == 1:
                assert [str(s.why) for s in rest] == ["drop the factor $1$"]
            elif rest:
                # a negative weight's sign goes into the bracket, its size stays in front (German 9763); a positive one stays
                assert weight < 0 and str(rest[0].why) == "distribute the minus sign"
                assert weight == -1 or rest[0].expr.args[0] == -weight
            for step in rest:
                seen.add(str(step.why).split(" $")[0])
                names = sorted(first.expr.free_symbols, key=str)
                values = [0.3 + 0.2 * k for k in range(len(names))]
                assert math.isclose(as_function(step.expr, names)(*values), as_function(first.expr, names)(*values))
                assert tex(step.expr).endswith(rf"h_{{{j}}} (1 - h_{{{j}}})")  # h_j (1 - h_j) last, whole
        assert "multiply}" not in solution
        assert re.search(r"\\frac\{\\partial L\}\{\\partial \\mathbf\{w\}\} &= \\delta_\{\\mathrm\{out\}\}\\, \\mathbf\{h\} = [^\n]*\\begin\{bmatrix\}h_1 \\\\ h_2\\end\{bmatrix\} \\approx", solution)
        table = solution[solution.index(r"\toprule") : solution.index(r"\bottomrule")]
        assert r"\frac" not in table
        if loss == "cross-entropy":
            assert r"$L = -\log" in solution and "the output unit's pre-activation $z_{\\mathrm{out}}$" in solution
    assert {"drop the factor", "distribute the minus sign"} <= seen


@pytest.mark.parametrize("loss", ["squared", "cross-entropy"])
def test_sigmoid_networks_never_have_opposite_pre_activations_and_a_lone_delta_stands_unbracketed(loss):
    """A TA read (German 9701): z = (2, -2) made the "exact" z_out = -2 sigma(2) - 2 sigma(-2) the whole number -2 and
    every entry of dL/dW alike; "(y-hat) [h_1; h_2]" bracketed a single letter."""
    options = FAMILY.resolve_options({"activation": "sigmoid", "loss": loss})
    for seed in range(40):
        variant = variant_for_seed(FAMILY, options, seed)
        z = variant.answer.pre
        assert z[0] != -z[1]
        _, solution = render_part(environment(), FAMILY, variant)
        assert r"(\hat{y}) \begin{bmatrix}" not in solution


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_cross_entropy_statement_says_its_log_is_natural(language):
    """On a sheet that works in bits elsewhere, the loss's log read as open (a TA read, German 9741)."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"loss": "cross-entropy"}), 1)
    statement, _ = render_part(environment(language=language), FAMILY, variant)
    assert ("natural logarithm" if language == "en" else "natürlichen Logarithmus") in statement
