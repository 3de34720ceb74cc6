import dataclasses
import random
import re

import pytest
import sympy
from sympy import Rational, exp, log, tanh

from generator.kit.activations import sigmoid
from generator.kit.family import CheckFailed
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex, text
from generator.kit.steps import chain
from generator.pipeline.generate import canonical_variant, variant_for_seed
from problems.activation_derivative import (
    ACTIVATIONS,
    FAMILY,
    Params,
    check,
    function,
    solve,
    x,
)

CANONICAL = "dl-sheet1-3a"


def solved(name, scale, shift=0):
    params = Params((name,), (sympy.sympify(scale),), (sympy.Integer(shift),), (function(name, scale, shift),))
    return params, solve(params)


def equal(a, b):
    return sympy.simplify((a - b).rewrite(sigmoid, exp).rewrite(exp)) == 0


def test_canonical_sigmoid_matches_the_catalogue():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL)
    assert variant.params.functions == (1 / (1 + exp(-x)),)
    (derivative,) = variant.answer.derivatives
    (in_terms,) = variant.answer.in_terms
    assert derivative == exp(-x) / (1 + exp(-x)) ** 2
    assert in_terms == sigmoid(x) * (1 - sigmoid(x))
    assert tex(in_terms) == r"\sigma(x) (1 - \sigma(x))"


@pytest.mark.parametrize(
    ("name", "scale", "shift", "expected"),
    [
        ("sigmoid", 2, -1, 2 * sigmoid(2 * x - 1) * (1 - sigmoid(2 * x - 1))),
        ("tanh", 3, 0, 3 * (1 - tanh(3 * x) ** 2)),
        ("softplus", Rational(1, 2), 0, sigmoid(x / 2)),
        ("swish", 2, 0, sigmoid(2 * x) + 2 * x * sigmoid(2 * x) * (1 - sigmoid(2 * x))),
        ("log-sigmoid", 2, 1, 2 * (1 - sigmoid(2 * x + 1))),
    ],
)
def test_derivatives_in_terms_of_the_activation(name, scale, shift, expected):
    params, answer = solved(name, scale, shift)
    assert equal(answer.in_terms[0], expected)
    assert equal(answer.derivatives[0], sympy.diff(params.functions[0], x))
    assert answer.in_terms[0].has(tanh if name == "tanh" else sigmoid)


def test_sums_keep_their_brackets_and_shifts_stay_whole():
    _, answer = solved("tanh", 2)
    assert tex(answer.in_terms[0]) == r"2 (1 - \tanh^{2}(2 x))"
    _, answer = solved("sigmoid", 2, -1)
    assert answer.derivatives[0] == 2 * exp(1 - 2 * x) / (1 + exp(1 - 2 * x)) ** 2
    assert tex(answer.derivatives[0]) == r"\frac{2 e^{1 - 2 x}}{(e^{1 - 2 x} + 1)^{2}}"


def test_sigmoid_symbol_differentiates_rewrites_and_stores_explicitly():
    assert sympy.diff(sigmoid(2 * x), x) == 2 * sigmoid(2 * x) * (1 - sigmoid(2 * x))
    assert sigmoid(x).rewrite(exp) == 1 / (1 + exp(-x))
    plain_x = sympy.Symbol("x")
    assert sympy.sympify(text(2 * sigmoid(x) ** 2)) == 2 / (1 + exp(-plain_x)) ** 2
    assert tex(sigmoid(x) ** 2) == r"(\sigma(x))^{2}"  # never \sigma^2(x), read two ways


def test_check_rejects_a_missing_inner_derivative():
    params, answer = solved("sigmoid", 2)
    wrong = dataclasses.replace(answer, derivatives=(exp(-2 * x) / (1 + exp(-2 * x)) ** 2,))
    with pytest.raises(CheckFailed, match="finite difference"):
        check(params, wrong, random.Random(0))


def test_check_rejects_a_wrong_form_in_terms_of_the_activation():
    params, answer = solved("sigmoid", 1)
    wrong_form = sigmoid(x) * (1 + sigmoid(x))
    wrong = dataclasses.replace(answer, worked=(chain(wrong_form),), in_terms=(wrong_form,))
    with pytest.raises(CheckFailed, match="in terms of the activation"):
        check(params, wrong, random.Random(0))


def test_check_rejects_worked_steps_that_end_elsewhere():
    params, answer = solved("softplus", 3)
    wrong = dataclasses.replace(answer, in_terms=(1 / (1 + exp(-3 * x)),))
    with pytest.raises(CheckFailed, match="worked steps end"):
        check(params, wrong, random.Random(0))


def steps(worked):
    return [(step.why, step.expr) for step in worked.steps]


def test_canonical_sigmoid_is_worked_by_the_chain_rule_then_rewritten_with_sigma():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {}), CANONICAL)
    (worked,) = variant.answer.worked
    below = 1 + exp(-x)
    assert [why for why, _ in steps(worked)] == [
        "chain rule twice; $(1 + e^{- x})' = - e^{- x}$",  # the inner derivative, itself by the chain rule: twice (three TA reads)
        "multiply the factors; two minus signs cancel",
        "write the fraction as a product of fractions",
        "add and subtract 1 in the numerator, split the fraction",
        r"definition of $\sigma$",
    ]
    rule, derivative, split, complement, final = (expr for _, expr in steps(worked))
    assert tex(rule) == r"- \frac{1}{(1 + e^{- x})^{2}} \cdot (- e^{- x})"
    assert derivative == exp(-x) / below**2 == variant.answer.derivatives[0]
    assert tex(split) == r"\frac{1}{1 + e^{- x}} \cdot \frac{e^{- x}}{1 + e^{- x}}"
    assert tex(complement) == r"\frac{1}{1 + e^{- x}} \cdot \mathopen{}\left(1 - \frac{1}{1 + e^{- x}}\right)"
    assert final == sigmoid(x) * (1 - sigmoid(x))


@pytest.mark.parametrize(
    ("name", "scale", "rule", "definition"),
    [
        ("sigmoid", 2, "chain rule twice; $(1 + e^{- 2 x})' = - 2 e^{- 2 x}$", r"definition of $\sigma$"),
        # the derivatives the quotient rule puts in, named (TA read, German 8932)
        (
            "tanh",
            Rational(3, 2),
            # and the factor both carry, taken out in front (a TA read, German 9403)
            r"quotient rule, chain rule; $(e^{3 x/2} \pm e^{- 3 x/2})' = \tfrac{3}{2} (e^{3 x/2} \mp e^{- 3 x/2})$, factor out $\tfrac{3}{2}$",
            "definition of tanh",
        ),
        ("tanh", 1, r"quotient rule; $(e^{x} \pm e^{- x})' = e^{x} \mp e^{- x}$", "definition of tanh"),
        ("softplus", Rational(1, 3), "constant factor, chain rule twice; $(e^{x/3} + 1)' = e^{x/3}/3$", r"definition of $\sigma$"),
        # the inner derivative named as the sigmoid's row names it, no sigma the row never writes (a TA read, EN 9654)
        (
            "swish",
            2,
            "product rule; the second factor by the chain rule twice, $(1 + e^{- 2 x})' = - 2 e^{- 2 x}$",
            r"definition of $\sigma$",
        ),
        ("log-sigmoid", 2, "chain rule twice; $(1 + e^{- 2 x})' = - 2 e^{- 2 x}$", r"definition of $\sigma$"),
    ],
)
def test_every_activation_is_worked_from_its_rule_to_its_definition(name, scale, rule, definition):
    _, answer = solved(name, scale)
    (worked,) = answer.worked
    assert worked.steps[0].why == rule and worked.steps[-1].why == definition
    assert worked.result == answer.in_terms[0]
    assert answer.derivatives[0] in [step.expr for step in worked.steps]
    assert not answer.derivatives[0].has(sigmoid, tanh)


@pytest.mark.parametrize("given", [{"activation": "relu"}, {"count": 0}, {"count": 5}, {"count": "2"}])
def test_bad_options_are_refused(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


@pytest.mark.parametrize("activation", ["any", *ACTIVATIONS])
def test_variants_are_well_posed(activation):
    options = resolve_options(FAMILY.options, {"activation": activation, "count": 3})
    for seed in range(50):
        variant = variant_for_seed(FAMILY, options, seed)
        params = variant.params
        assert len(set(zip(params.activations, params.scales, params.shifts, strict=True))) == 3
        if activation == "any":
            assert len(set(params.activations)) == 3
        else:
            assert set(params.activations) == {activation}
        answers = variant.answer.derivatives
        for name, scale, derivative in zip(params.activations, params.scales, answers, strict=True):
            assert scale != 0 and (scale > 0 or name == "sigmoid")
            assert sympy.diff(derivative, x) != 0
        assert all(not f.has(sigmoid) for f in params.functions)


def test_a_part_never_pairs_softplus_with_log_sigmoid_nor_repeats_the_canonical_sigmoid():
    """log-sigmoid, -log(1 + e^{-u}), is softplus the other way round: one part asks it once."""
    for count in (1, 4):
        options = resolve_options(FAMILY.options, {"activation": "any", "count": count})
        for seed in range(40):
            params = FAMILY.sample(random.Random(seed), options)
            assert not {"softplus", "log-sigmoid"} <= set(params.activations)
            assert params != FAMILY.canonical[CANONICAL]


def test_softplus_is_divided_by_its_exponential_by_name():
    _, answer = solved("softplus", 2)
    reasons = [step.why for step in answer.worked[0].steps]
    assert reasons == ["constant factor, chain rule twice; $(e^{2 x} + 1)' = 2 e^{2 x}$", "cancel $2$", r"divide numerator and denominator by $e^{2 x}$", r"definition of $\sigma$"]


def test_log_sigmoid_statement_form():
    params, _ = solved("log-sigmoid", 1)
    assert params.functions[0] == -log(1 + exp(-x))


def test_one_named_activation_allows_one_function_only():
    assert FAMILY.resolve_options({"activation": "tanh", "count": 1})["count"] == 1
    assert FAMILY.resolve_options({"activation": "any", "count": 3})["count"] == 3
    with pytest.raises(OptionError, match="count = 1 only"):
        FAMILY.resolve_options({"activation": "tanh", "count": 2})


def _statement(*draws):
    from generator.pipeline.render import render_part
    from generator.pipeline.templating import environment

    names, scales, shifts = zip(*draws, strict=True)
    params = Params(
        names,
        tuple(sympy.sympify(s) for s in scales),
        tuple(sympy.Integer(b) for b in shifts),
        tuple(function(*draw) for draw in draws),
    )
    variant = dataclasses.replace(
        variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1), params=params, answer=solve(params)
    )
    return render_part(environment(), FAMILY, variant)[0]


def test_a_shifted_or_scaled_activation_is_said_to_be_built_from_it_not_to_be_it():
    # sigma(x/2 + 2) is not "the logistic sigmoid"; sigma(x) is
    shifted = _statement(("sigmoid", Rational(1, 2), 2))
    assert "of the logistic sigmoid" not in shifted
    assert "Compute the derivative of the logistic sigmoid\n" in _statement(("sigmoid", 1, 0))
    # what it is built from stands before the display, not hung after it (two TA reads)
    assert "Compute the derivative of the following function, built from the log-sigmoid:\n\\[" in _statement(("log-sigmoid", 2, 1))
    assert "(built from the hyperbolic tangent)" in _statement(("tanh", Rational(3, 2), 0), ("swish", 2, 0))
    # a list says what each function is built from and ends with a period
    listed = _statement(("swish", 2, 0), ("softplus", 3, 0), ("log-sigmoid", 2, 1))
    assert r"\text{(swish with $\beta = 2$)," in listed  # short beside the function written out
    # the general form's terms in the order the function below it prints them, log(e^{3x} + 1) (TA read, seed 9311)
    assert r"softplus with sharpness $k = 3$" in listed and r"\log(e^{3 x} + 1)" in listed
    assert r" &\quad& \text{(built from the log-sigmoid).}" in listed  # the full stop after the label (German 9712)
    assert listed.count(r")," + "}") == 2
    # what beta and k are parameters of is said once before the list (a TA read of a bank sheet, EN 9741)
    assert r"The softplus function with sharpness $k$ is $x \mapsto (1/k) \log(e^{kx} + 1)$, and the swish function with parameter $\beta$ is $x \mapsto x\,\sigma(\beta x)$." in listed
    assert listed.index("swish function with parameter") < listed.index(r"\begin{alignat*}")
    assert "parameter" not in _statement(("tanh", Rational(3, 2), 0), ("swish", 1, 0))  # SiLU: no beta printed


@pytest.mark.parametrize(
    "draws",
    [
        (("sigmoid", 2, -1),),
        (("log-sigmoid", 2, 1),),
        (("tanh", 3, 0),),
        (("softplus", 3, 0),),
        (("swish", 2, 0), ("tanh", Rational(1, 2), 0)),
        (("tanh", 1, 0), ("sigmoid", -1, 1)),
    ],
)
def test_sigma_and_tanh_are_defined_once_before_they_are_used(draws):
    """A TA read 'f(x) = sigma(x - 1) = ..., built from the logistic sigmoid. ... Here sigma(t) = ... is the logistic
    sigmoid.': sigma used before it was defined, and the logistic sigmoid named twice."""
    statement = _statement(*draws)
    for symbol, definition in ((r"\sigma", r"$\sigma(t) = 1/(1 + e^{-t})$"), (r"\tanh", r"$\tanh t = (e^{t}")):
        if symbol in statement:
            assert statement.count(definition) == 1
            assert statement.index(symbol) == statement.index(definition) + 1
    assert statement.count("logistic sigmoid") <= 1 + statement.count("(built from the logistic sigmoid)")


@pytest.mark.parametrize(("name", "definition"), [("sigmoid", r"\sigma(t) ="), ("tanh", r"\tanh t =")])
def test_a_lone_activation_is_defined_by_its_own_display(name, definition):
    statement = _statement((name, 1, 0))
    assert definition not in statement
    assert statement.startswith("Compute the derivative of the ")


def test_the_swish_sigmoid_factor_is_differentiated_in_view_as_the_sigmoid_itself_is():
    """A TA read the swish's first line x sigma(x/2)' = x e^{-x/2}/(2(1 + e^{-x/2})^2) with sigma' never derived, while the
    sigmoid's own solution writes the chain rule on the reciprocal: the swish now does the same, then multiplies."""
    _, answer = solved("swish", Rational(1, 2))
    first, multiplied = answer.worked[0].steps[:2]
    assert tex(first.expr) == (
        r"\frac{1}{1 + e^{- x/2}} + x \cdot \mathopen{}\left(- \frac{1}{(1 + e^{- x/2})^{2}}\right)"
        r" \cdot \mathopen{}\left(- \frac{e^{- x/2}}{2}\right)"
    )
    assert multiplied.why == "multiply the factors; two minus signs cancel" == solved("sigmoid", 2)[1].worked[0].steps[1].why


def test_a_named_parameter_announces_the_display_it_leads_into():
    """A TA read: '... with sharpness k = 1/2' ran into the display below it as 'k = 1/2 f(x) = ...'."""
    from generator.pipeline.render import render_part
    from generator.pipeline.templating import environment

    options = resolve_options(FAMILY.options, {"activation": "softplus", "count": 1})
    variants = (variant_for_seed(FAMILY, options, seed) for seed in range(40))
    variant = next(v for v in variants if v.params.scales[0] != 1)
    statement, _ = render_part(environment(), FAMILY, variant)
    assert "with sharpness" in statement and "$, that is,\n" in statement


def test_the_chain_rule_is_named_twice_only_where_the_exponent_is_not_x_alone():
    """(e^{-x/2 - 1} + 1)' = -e^{-x/2 - 1}/2 is a chain rule of its own (a TA read, EN 9614); (e^x + 1)' = e^x is not."""
    from problems.activation_derivative import _chain, x

    assert str(_chain(1 + sympy.exp(-x / 2 - 1))).startswith("chain rule twice; ")
    assert str(_chain(1 + sympy.exp(x))) == "chain rule; $(e^{x} + 1)' = e^{x}$"


def test_several_functions_stand_aligned_on_their_first_equals_sign():
    """A TA read (EN 9691): in align*'s first column alone each definition stood right-aligned, f_1 .. f_4 at odd
    places; aligned on the "=" after f_i(x), with their labels in a column a quad to the right."""
    from generator.pipeline.render import render_part
    from generator.pipeline.templating import environment

    options = FAMILY.resolve_options({"activation": "any", "count": 4})
    statement, _ = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, 2))
    rows = statement[statement.index(r"\begin{alignat*}{2}") : statement.index(r"\end{alignat*}")].split(r"\\")
    assert len(rows) == 4 and all(re.search(r"f_\{?\d\}?\(x\) &= .* &\\quad& \\text\{\(", row) for row in rows)
