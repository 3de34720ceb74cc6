import dataclasses
import math
import random
import re

import pytest
import sympy

from generator.i18n import translations
from generator.kit.family import CheckFailed
from generator.kit.language import as_reason
from generator.kit.options import OptionError, resolve_options
from generator.kit.printing import tex
from generator.kit.probability import a, b, lamda, mu, sigma, x
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.differential_entropy import (
    FAMILY,
    HALF_WIDTHS,
    SYMBOLIC,
    SYMBOLIC_UNIFORM,
    THIRD_QUARTER_WIDTHS,
    Params,
    check,
    solve,
)

R = sympy.Rational
log = sympy.log


def symbolic(distribution, unit="nats"):
    return solve(Params(distribution, SYMBOLIC[distribution], "symbolic", unit))


def test_canonical_uniform_entropy_is_log_of_the_width():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {"mode": "symbolic"}), "dl-sheet1-5b")
    assert sympy.simplify(variant.answer.entropy.doit() - log(b - a)) == 0
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"\log(b - a)" in solution


@pytest.mark.parametrize(
    "distribution,expected",
    [("exponential", 1 - log(lamda)), ("gaussian", log(2 * sympy.pi * sympy.E * sigma**2) / 2)],
)
def test_symbolic_entropies_are_the_textbook_formulas(distribution, expected):
    assert sympy.simplify(symbolic(distribution).entropy.doit() - expected) == 0
    in_bits = symbolic(distribution, "bits").entropy.doit().rewrite(sympy.log)
    assert sympy.simplify(in_bits - expected / log(2)) == 0


def test_numeric_values_match_the_closed_forms():
    assert solve(Params("uniform", (R(1), R(7, 2)), "numeric", "nats")).entropy == log(R(5, 2))
    assert solve(Params("exponential", (R(3),), "numeric", "nats")).entropy == 1 - log(3)
    h = solve(Params("gaussian", (sympy.Integer(1), sympy.Integer(4)), "numeric", "nats")).entropy
    assert float(h) == pytest.approx(0.5 * math.log(2 * math.pi * math.e * 4), rel=1e-12)


@pytest.mark.parametrize("distribution", ["uniform", "exponential", "gaussian"])
def test_numeric_variants_are_well_posed_and_sometimes_negative(distribution):
    options = resolve_options(FAMILY.options, {"distribution": distribution})
    signs = set()
    for seed in range(50):
        variant = variant_for_seed(FAMILY, options, seed)
        parameters = variant.params.parameters
        if distribution == "uniform":
            assert parameters[1] - parameters[0] not in (0, 1) and parameters[1] > parameters[0]
        elif distribution == "exponential":
            assert parameters[0] > 0 and parameters[0] != 1
        else:
            assert parameters[1] > 0
        signs.add(int(variant.answer.sign))
    assert signs == {-1, 1}


def test_a_negative_entropy_is_pointed_out_in_the_solution():
    params = Params("uniform", (R(0), R(1, 2)), "numeric", "nats")
    answer = solve(params)
    assert answer.entropy == -log(2) and answer.sign == -1
    variant = dataclasses.replace(
        variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1), params=params, answer=answer
    )
    _, solution = render_part(environment(), FAMILY, variant)
    assert "Note that $h(Z) < 0$." in solution


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_note_on_information_names_the_discrete_entropy_first(language):
    """'A differential entropy is not an amount of information, as the entropy of a discrete variable is' read 'as' as
    'because' (TA read, dl-exercise-sheet-1 5(b)): the discrete entropy is named first, then the differential one."""
    params = Params("uniform", (R(0), R(1, 2)), "numeric", "nats")
    variant = dataclasses.replace(
        variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1), params=params, answer=solve(params)
    )
    _, solution = render_part(environment(language=language), FAMILY, variant)
    said = {
        "en": "The entropy of a discrete variable is an amount of information. A differential entropy is not, because it depends",
        "de": "Die Entropie einer diskreten Zufallsvariablen ist eine Informationsmenge, eine differenzielle Entropie nicht:",
    }[language]
    assert said in solution and "as the entropy of a discrete variable is" not in solution


def test_check_rejects_the_entropy_with_the_wrong_sign():
    params = Params("exponential", (R(1, 2),), "numeric", "nats")
    answer = solve(params)
    with pytest.raises(CheckFailed, match="integral"):
        check(params, dataclasses.replace(answer, entropy=-answer.entropy), random.Random(0))


def test_check_rejects_a_symbolic_gaussian_answer_missing_the_e():
    params = Params("gaussian", (mu, sigma**2), "symbolic", "nats")
    answer = solve(params)
    wrong = dataclasses.replace(answer, entropy=log(2 * sympy.pi * sigma**2) / 2)
    with pytest.raises(CheckFailed):
        check(params, wrong, random.Random(0))


@pytest.mark.parametrize("given", [{"distribution": "beta"}, {"mode": "exact"}, {"unit": "dits"}, {"level": 2}])
def test_bad_options_are_rejected(given):
    with pytest.raises(OptionError):
        resolve_options(FAMILY.options, given)


def test_canonical_steps_evaluate_the_integral_of_the_density():
    variant = canonical_variant(FAMILY, resolve_options(FAMILY.options, {"mode": "symbolic"}), "dl-sheet1-5b")
    answer = variant.answer
    assert answer.split is None  # log p is the constant -log(b - a): nothing to split
    assert [step.why for step in answer.value.steps] == ["the density integrates to 1"]
    assert sympy.simplify(answer.value.steps[0].expr.doit() - log(b - a)) == 0
    assert answer.value.result == answer.entropy
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"&= \log(b - a) && \mbox{the density integrates to 1}" in solution
    assert r"\cdot 1" not in solution


def test_gaussian_steps_split_the_log_then_insert_the_integrals():
    answer = symbolic("gaussian")
    assert [step.why for step in answer.split.steps] == ["", "log of a quotient, a square root and an exponential"]
    expected = -log(2 * sympy.pi * sigma**2) / 2 - (x - mu) ** 2 / (2 * sigma**2)
    assert sympy.simplify(answer.split.result.doit() - expected) == 0
    assert [step.why for step in answer.value.steps] == [
        "insert the values of the two integrals",
        r"multiply; $\sigma^2$ cancels against the $2 \sigma^2$",
        r"add the logs, with $\frac{1}{2} = \frac{1}{2} \log e$",
    ]
    assert sympy.simplify(answer.value.steps[1].expr.doit() - (log(2 * sympy.pi * sigma**2) / 2 + R(1, 2))) == 0
    assert answer.value.result == answer.entropy


def test_the_log_of_a_narrow_gaussian_is_checked_without_underflow():
    # exp(-50 (x + 4)^2) is below the smallest double for x near 0: the step is split symbolically.
    params = Params("gaussian", (sympy.Integer(-4), R(1, 100)), "numeric", "nats")
    first = solve(params).split.steps[0].expr
    assert sympy.simplify(first.doit() - (-50 * (x + 4) ** 2 - log(sympy.pi / 50) / 2)) == 0


def test_random_symbolic_uniform_variants_are_not_the_original():
    options = resolve_options(FAMILY.options, {"distribution": "uniform", "mode": "symbolic"})
    drawn = {variant_for_seed(FAMILY, options, seed).params.parameters for seed in range(30)}
    assert drawn == set(SYMBOLIC_UNIFORM) and SYMBOLIC["uniform"] not in drawn


@pytest.mark.parametrize("parameters", SYMBOLIC_UNIFORM)
def test_symbolic_uniform_intervals_give_the_log_of_their_length(parameters):
    params = Params("uniform", parameters, "symbolic", "nats")
    answer = solve(params)
    assert answer.entropy == log(parameters[1] - parameters[0])
    assert answer.density == 1 / (parameters[1] - parameters[0])
    check(params, answer, random.Random(0))


def render(params):
    variant = dataclasses.replace(
        variant_for_seed(FAMILY, resolve_options(FAMILY.options, {}), 1), params=params, answer=solve(params)
    )
    return render_part(environment(), FAMILY, variant)


def test_statements_name_the_parameters_and_parts_by_parts_uses_a_tall_bracket():
    statement, solution = render(Params("exponential", (R(3, 4),), "numeric", "nats"))
    assert r"$, exponentially distributed with rate $3/4$" in statement  # slashed, as Exp(3/4) beside it
    # \Bigl: with \bigl the exponent reached the bracket's top (a TA read, EN 9123)
    assert r"\Bigl[-x e^{- 3 x/4}\Bigr]_0^\infty" in solution and r"\big[" not in solution
    statement, _ = render(Params("gaussian", (sympy.Integer(3), sympy.Integer(2)), "numeric", "bits"))
    assert r"$Z \sim \mathcal{N}(3, 2)$, normally distributed with mean $3$ and variance $2$" in statement


def test_a_product_that_only_moves_a_factor_is_not_a_step():
    # sigma^2 = 1/2 in bits: w = log_2 e, so w * 1/2 is just (log_2 e)/2.
    steps = solve(Params("gaussian", (sympy.Integer(0), R(1, 2)), "numeric", "bits")).value.steps
    assert [step.why for step in steps] == ["insert the values of the two integrals", "add the logs"]


def test_a_weight_1_is_not_written_and_nothing_is_said_to_cancel():
    # sigma^2 = 1/2 in nats: w = 1/(2 sigma^2) = 1, so w E[(Z - mu)^2] is just 1/2.
    params = Params("gaussian", (sympy.Integer(5), R(1, 2)), "numeric", "nats")
    answer = solve(params)
    joined = r"add the logs, with $\frac{1}{2} = \frac{1}{2} \log e$"
    assert [step.why for step in answer.value.steps] == ["insert the values of the two integrals", joined]
    _, solution = render(params)
    assert r"\cdot 1 " not in solution and "cancels" not in solution


@pytest.mark.parametrize(
    ("params", "shape"),
    [
        (Params("gaussian", (sympy.Integer(5), R(1, 2)), "numeric", "nats"), "quotient"),
        (Params("exponential", (R(3, 4),), "numeric", "nats"), "product"),
        (Params("exponential", (R(1, 3),), "numeric", "nats"), "product"),
        (Params("exponential", (sympy.Integer(3),), "numeric", "nats"), "product"),
        (Params("exponential", (lamda,), "symbolic", "bits"), "product"),
    ],
)
def test_the_split_names_the_shape_of_the_printed_density(params, shape):
    # The statement writes an exponential's rate in front ("\frac{3}{4} e^{-3x/4}", never one fraction bar over
    # both, a text-size fraction with a tiny exponent in its cases line) and a Gaussian as a quotient: the reason
    # names the shape the reader sees.
    answer = solve(params)
    root = ", a square root and an exponential" if params.distribution == "gaussian" else " and of an exponential"
    split = answer.split.steps[1].why  # then a rate below 1 turns its log, log 3/4 = -log 4/3 (a TA read, German 9133)
    in_bits = r"; $\log_2 e^{y} = y \log_2 e$" if params.unit == "bits" else ""  # where log_2 e comes from (EN 9702)
    assert split == f"log of a {shape}{root}{in_bits}"  # 1/2 log(8 pi) from log sqrt(8 pi) named (TA read)
    rate = params.parameters[0]
    if params.distribution == "exponential" and rate.is_Rational and rate < 1:
        assert answer.split.steps[-1].why == rf"$\log {tex(rate)} = -\log {tex(1 / rate)}$"
    statement, solution = render(params)
    printed = statement.split("p(x) = ", 1)[1].removeprefix(r"\begin{cases} ")
    assert printed.startswith(r"\frac{e") == (shape == "quotient")
    if params.parameters[0] == R(3, 4):
        assert r"\frac{3}{4} e^{- 3 x/4} \quad \text{for } x \geq 0" in statement
        assert r"\log p(x) &= \log\mathopen{}\left(\frac{3}{4} e^{- 3 x/4}\right)" in solution
        # the split keeps the statement's 3x/4, and the integral repeats it as it stands
        assert solution.count(r"- \log \frac{4}{3} - \frac{3 x}{4}") == 2


def test_the_continuous_variable_is_not_the_discrete_parts_x():
    statement, solution = render(Params("uniform", (R(0), R(5, 2)), "numeric", "nats"))
    assert "Let $Z \\sim" in statement and "$X" not in statement + solution and "h(X)" not in solution


def test_a_numeric_gaussian_names_its_product_and_no_sigma_it_does_not_print():
    """A TA read "multiply; sigma^2 cancels against the 2 sigma^2" beside 50 * 1/100 = 1/2, on a sheet whose sigma is the
    sigmoid and whose density has no sigma in it: in numbers the product is arithmetic, named with its value (a TA read,
    German 9611: "multiplizieren" for 1/18 * 9 = 1/2 hid the cancelling), in letters sigma^2 cancels."""
    seen = 0
    for seed in range(40):
        variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"distribution": "gaussian", "mode": "numeric"}), seed)
        reasons = [step.why for step in variant.answer.value.steps]
        _, solution = render_part(environment(), FAMILY, variant)
        assert "cancels against" not in solution
        seen += any(str(why).startswith("$") and r" \cdot " in str(why) and str(why).endswith(r"= \frac{1}{2}$") for why in reasons)
    assert seen > 0
    assert r"multiply; $\sigma^2$ cancels against the $2 \sigma^2$" in [step.why for step in symbolic("gaussian").value.steps]


@pytest.mark.parametrize("unit", ["nats", "bits"])
def test_an_exponential_solution_says_why_its_integrals_start_at_0(unit):
    """h(Z) is defined over the line; the density is 0 for x < 0, where p log p is taken as 0 (a TA asked for it)."""
    variant = variant_for_seed(FAMILY, resolve_options(FAMILY.options, {"distribution": "exponential", "mode": "numeric", "unit": unit}), 3)
    _, solution = render_part(environment(), FAMILY, variant)
    log = r"\log_2" if unit == "bits" else r"\log"
    assert f"the integrand $p {log} p$ vanishes (with $0 {log} 0 = 0$)" in solution


def _rescaled(params, c):
    """The law of cZ for Z of ``params``: U[ca, cb], the rate divided by c, N(c mu, c^2 sigma^2)."""
    first, *rest = params.parameters
    scaled = {
        "uniform": (c * first, c * rest[0]) if rest else (),
        "exponential": (first / c,),
        "gaussian": (c * first, c**2 * rest[0]) if rest else (),
    }[params.distribution]
    return dataclasses.replace(params, parameters=scaled)


@pytest.mark.parametrize("unit", ["nats", "bits"])
def test_a_negative_entropy_is_explained_by_what_holds_for_every_law(unit):
    """'Only a value relative to U[0, 1]' (h = -D_KL(p || U[0, 1])) is false off [0, 1]: an exponential with rate 4
    lives on [0, oo) (TA read, dl-exercise-sheet-1 DE 6632). The remark says that rescaling shifts h by log c, which
    SymPy confirms for each negative variant drawn."""
    options = resolve_options(FAMILY.options, {"unit": unit})
    seen = set()
    for seed in range(120):
        variant = variant_for_seed(FAMILY, options, seed)
        if variant.answer.sign != -1:
            continue
        seen.add(variant.params.distribution)
        _, solution = render_part(environment(), FAMILY, variant)
        log_c = r"\log_2 c" if unit == "bits" else r"\log c"
        assert r"$h(cZ) = h(Z) + " + log_c + "$ for every $c > 0$" in solution
        assert r"\mathcal{U}[0, 1]" not in solution
        for c in (R(3), R(1, 2)):
            shifted = solve(_rescaled(variant.params, c)).entropy - variant.answer.entropy
            expected = log(c) if unit == "nats" else log(c) / log(2)
            assert sympy.simplify((shifted - expected).rewrite(sympy.log)) == 0
    assert seen == {"uniform", "exponential", "gaussian"}


@pytest.mark.parametrize(
    "params",
    [
        Params("uniform", (R(-3, 2), R(-1)), "numeric", "bits"),  # log_2 p = 1
        Params("uniform", (R(0), R(2)), "numeric", "bits"),  # log_2 p = -1
        Params("uniform", (R(0), R(1, 4)), "numeric", "bits"),  # log_2 p = 2
        Params("exponential", (R(1, 2),), "numeric", "bits"),  # log_2 p = -1 - x/2 log_2 e
    ],
)
def test_a_whole_log_in_bits_is_multiplied_with_a_dot_and_a_factor_1_is_not_written(params):
    """In bits log_2 p can be a whole number: '-\\int 2 1 dx' read as 21, and '= -1 \\int 2 dx' wrote a factor 1
    (found reading dl-exercise-sheet-1 5(b) variants in bits)."""
    _, solution = render(params)
    answer = solve(params)
    if params.distribution == "uniform":
        log_p = answer.log_normaliser
        shown = tex(log_p) if log_p > 0 else f"({tex(log_p)})"
        assert rf"{tex(answer.density)} \cdot {shown} \, dx" in solution
    assert not re.search(r"= -?1 \\int", solution)
    if answer.constant in (1, -1):
        assert re.search(r"= +\\int" if answer.constant == 1 else r"= - \\int", solution)


@pytest.mark.parametrize("unit", ["nats", "bits"])
def test_a_uniform_solution_names_the_constant_it_takes_out_and_the_signs_that_cancel(unit):
    """h(Z) = -int 1/2 (-log 2) dx = log 2 int 1/2 dx turned two signs in one unlabelled row (TA read, DE 7322 5(b)):
    the constant comes out in a row of its own, whose reason names it and, where log p < 0, the two minus signs."""
    options = resolve_options(FAMILY.options, {"distribution": "uniform", "unit": unit})
    seen = set()
    for seed in range(30):
        variant = variant_for_seed(FAMILY, options, seed)
        log_p = variant.answer.log_normaliser
        _, solution = render_part(environment(), FAMILY, variant)
        row = next(line for line in solution.splitlines() if line.startswith("&=") and r"\int" in line)
        cancel = "two minus signs cancel" in row
        assert cancel == bool(float(log_p) < 0), row  # the signs cancel exactly where log p is negative
        if abs(log_p) != 1:
            assert f"take ${tex(abs(log_p) if float(log_p) < 0 else log_p)}$ out of the integral" in row, row
            # a dot before the integral: "log 5/2 int ..." read as the log of the integral (a TA read, EN 9073)
            assert r"\cdot \int" in row, row
        seen.add(cancel)
    assert seen == {True, False}


UNITS = ("nats", "bits")
UNIFORMS = [Params("uniform", (R(0), R(length)), "numeric", unit) for length in HALF_WIDTHS + THIRD_QUARTER_WIDTHS for unit in UNITS]
UNIFORMS += [Params("uniform", ends, "symbolic", unit) for ends in ((a, b), *SYMBOLIC_UNIFORM) for unit in UNITS]


@pytest.mark.parametrize("params", UNIFORMS, ids=lambda params: f"{params.parameters}-{params.unit}")
def test_the_row_that_takes_log_p_out_of_the_integral_is_a_step_of_the_answer(params):
    """-int p L dx = c int p dx is a Step of the answer, its reason made in solve: the constant c = -L by its size
    unless that is 1, and "two minus signs cancel" where L = log p is written with a minus sign (every width of a
    numeric uniform, both units, and every uniform in letters)."""
    answer = solve(params)
    step, log_p = answer.out_of_integral, answer.log_normaliser
    negative = log_p.could_extract_minus_sign()
    assert negative == (params.mode == "symbolic" or float(log_p) < 0)
    size = -log_p if negative else log_p
    taken = f"take ${tex(size)}$ out of the integral"
    if size == 1:
        expected = "two minus signs cancel" if negative else ""
    else:
        expected = f"{taken}; two minus signs cancel" if negative else taken
    assert step.why == expected
    assert sympy.simplify(step.expr.doit() - answer.entropy) == 0  # c times the integral of the density, 1
    german = as_reason(step.why).translated(translations("de").gettext) if step.why else ""
    assert german.startswith(f"${tex(size)}$ vor das Integral ziehen") == (size != 1)
    assert german.endswith("zwei Minuszeichen heben sich auf") == negative
    _, solution = render(params)
    (row,) = [line for line in solution.splitlines() if line.startswith(f"&= {tex(step.expr)}")]
    assert ("&&" in row) == bool(expected), row


def test_only_the_uniform_takes_a_constant_out_of_one_integral():
    assert all(symbolic(kind).out_of_integral is None for kind in ("exponential", "gaussian"))


def test_a_gaussian_printed_as_a_product_names_the_turned_logarithm():
    """A TA read (dl-exercise-sheet-1 EN 8907): log(sqrt(50/pi) e^{-50(x - 3)^2}) = -1/2 log(pi/50) - 50 (x - 3)^2 turned
    log(50/pi) into -log(pi/50) unsaid: the split writes 1/2 log(50/pi) first, then the turn with its reason."""
    answer = solve(Params("gaussian", (sympy.Integer(3), R(1, 100)), "numeric", "nats"))
    assert [step.why for step in answer.split.steps] == [
        "",
        "log of a product, a square root and an exponential",
        r"$\log \frac{50}{\pi} = -\log \frac{\pi}{50}$",
    ]
    assert tex(answer.split.steps[1].expr).startswith(r"\frac{1}{2} \log \frac{50}{\pi}")


def test_a_negative_uniform_entropy_names_the_length_of_its_interval_and_the_split_row_its_rewrites():
    """TA reads (German 9414): "auf ein Intervall der Laenge unter 1 zusammengedraengt" said neither the length nor good
    German; "splitting the integral" hid the minus sign multiplied in and the constants taken out (two reads)."""
    family = FAMILY
    variant = variant_for_seed(family, family.resolve_options({"distribution": "uniform", "mode": "numeric"}), 0)
    low, high = variant.answer.support
    assert high - low < 1
    english = render_part(environment(), family, variant)[1]
    assert f"concentrated on an interval of length ${high - low} < 1$" in english  # 2/3, slashed in the sentence
    german = render_part(environment(language="de"), family, variant)[1]
    assert "konzentriert" in german and "zusammengedrängt" not in german
    gaussian = variant_for_seed(family, family.resolve_options({"distribution": "gaussian"}), 1)
    split = render_part(environment(), family, gaussian)[1].lower()  # beside its row, or a line above it
    assert "multiply the bracket by $-p(x)$, split the integral, take the constants out" in split


def test_a_whole_number_of_bits_gets_no_decimals():
    """A TA read (EN 9691): h(Z) = -2, then "\\approx -2.0000 bits", read as if -2 were rounded."""
    options = FAMILY.resolve_options({"distribution": "any", "mode": "numeric", "unit": "bits"})
    whole = 0
    for seed in range(60):
        variant = variant_for_seed(FAMILY, options, seed)
        _, solution = render_part(environment(), FAMILY, variant)
        assert (r"\approx" in solution) != variant.answer.entropy.is_Integer
        whole += variant.answer.entropy.is_Integer
    assert whole


def test_in_bits_the_rate_times_the_mean_is_log2_e_and_the_split_says_where_log2_e_comes_from():
    """Two TA reads (German 9701, EN 9702): "1/2 log_2 e . 2 = 1" beside a row that was right, and "log of an
    exponential" for a row whose log_2 e came from log_2 e^y = y log_2 e."""
    for distribution in ("exponential", "gaussian"):
        options = FAMILY.resolve_options({"distribution": distribution, "mode": "numeric", "unit": "bits"})
        for seed in range(8):
            _, solution = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, seed))
            assert r"$\log_2 e^{y} = y \log_2 e$" in solution
            assert not re.search(r"\\log_2 e \\cdot [^$]* = 1\$", solution)


def test_in_bits_the_numbers_of_a_product_stand_together_before_log2_e():
    """A TA read (EN 9722): "1/4 log_2 e . 2" could be read as 1/4 log_2(e . 2); the numbers first, log_2 e last."""
    options = FAMILY.resolve_options({"distribution": "gaussian", "mode": "numeric", "unit": "bits"})
    ordered = 0
    for seed in range(6):
        _, solution = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, seed))
        assert not re.search(r"\\log_2 e \\cdot \d", solution)
        ordered += bool(re.search(r"\\cdot \\log_2 e && \\mbox\{insert the values of the two integrals\}", solution))
    assert ordered


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_symbolic_statement_states_its_assumption_before_the_law_and_its_density(language):
    """"Z ~ Exp(lambda), ..., where lambda > 0, that is, with density" tied the density to lambda > 0 (a TA read, German
    bank sheet 9741): the assumption now comes first, "Let lambda > 0 and Z ~ Exp(lambda), ..."."""
    for distribution in ("uniform", "exponential", "gaussian"):
        options = resolve_options(FAMILY.options, {"distribution": distribution, "mode": "symbolic"})
        variant = variant_for_seed(FAMILY, options, 3)
        statement, _ = render_part(environment(language=language), FAMILY, variant)
        first = statement.split(r"\sim")[0]
        assert variant.params.assumption in first and ", where $" not in statement and ", wobei $" not in statement
