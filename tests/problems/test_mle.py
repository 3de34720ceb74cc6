import dataclasses
import random
import re
import statistics

import pytest
import sympy

from generator.kit.estimation import P
from generator.kit.family import CheckFailed
from generator.kit.printing import tex
from generator.kit.probability import lamda, mu, sigma
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.mle import FAMILY, Params, check

OPTIONS = FAMILY.resolve_options({})


def test_canonical_estimates_agree_with_the_sample_mean_and_variance():
    variant = canonical_variant(FAMILY, OPTIONS, "mle-example")
    data = variant.params.data
    # a second method: the closed forms x-bar and (1/n) sum (x - x-bar)^2, by the statistics module
    assert variant.answer.estimates == (statistics.mean(data), statistics.pvariance(data)) == (4, 2)
    assert variant.answer.curvature == (sympy.Rational(-5, 2), 0, -5)


@pytest.mark.parametrize("model", ["bernoulli", "gaussian", "exponential"])
def test_random_estimates_are_stationary_points_of_the_log_likelihood(model):
    options = FAMILY.resolve_options({"model": model})
    for seed in range(20):
        variant = variant_for_seed(FAMILY, options, seed)
        data, answer = variant.params.data, variant.answer
        assert 4 <= len(data) <= 8 and len(set(data)) > 1
        symbols = {"bernoulli": (P,), "exponential": (lamda,), "gaussian": (mu, sigma)}[model]
        point = dict(zip(symbols, answer.estimates))
        if model == "gaussian":
            point[sigma] = sympy.sqrt(answer.estimates[1])
        for s in symbols:  # SymPy's own derivatives of the log-likelihood vanish at the estimate
            assert sympy.simplify(sympy.diff(answer.log_likelihood, s).subs(point)) == 0
        assert all(c <= 0 for c in answer.curvature) and answer.curvature[0] < 0
        assert all(sympy.Rational(e).q <= 12 for e in answer.estimates)


def test_check_refuses_a_wrong_estimate_and_a_wrong_curvature():
    variant = canonical_variant(FAMILY, OPTIONS, "mle-example")
    for wrong in (
        dataclasses.replace(variant.answer, estimates=(sympy.Integer(4), sympy.Rational(5, 2))),
        dataclasses.replace(variant.answer, curvature=(sympy.Rational(-5, 2), 0, sympy.Integer(-4))),
    ):
        with pytest.raises(CheckFailed):
            check(variant.params, wrong, random.Random(0))
    bernoulli = Params("bernoulli", (1, 0, 1, 1, 0))
    with pytest.raises(CheckFailed):
        check(bernoulli, dataclasses.replace(FAMILY.solve(bernoulli), estimates=(sympy.Rational(2, 5),)), random.Random(0))


def test_statement_gives_the_data_but_not_the_estimate():
    params = Params("exponential", (2, 3, 3, 1))
    variant = dataclasses.replace(variant_for_seed(FAMILY, OPTIONS, 0), params=params, answer=FAMILY.solve(params))
    statement, solution = render_part(environment(), FAMILY, variant)
    assert "$2$, $3$, $3$, $1$" in statement and r"\frac{4}{9}" not in statement
    assert r"\hat{\lambda} = \frac{4}{9}" in solution


@pytest.mark.parametrize("model", ["bernoulli", "exponential", "gaussian"])
def test_the_german_statement_asks_for_estimates_of_the_data_not_for_estimators(model):
    """The English asks for the maximum-likelihood estimate(s) of concrete data; the German said 'Schätzer' (estimator),
    a TA read (math-background-2 2.4): it says 'Schätzwert(e)'."""
    options = FAMILY.resolve_options({"model": model})
    statement, solution = render_part(environment(language="de"), FAMILY, variant_for_seed(FAMILY, options, 0))
    assert "Maximum-Likelihood-Schätzwert" in statement and "Schätzer" not in statement + solution


def test_the_gaussian_second_derivatives_differentiate_printed_partials_and_the_hessian_is_displayed():
    """The second derivatives once came from a dl/dsigma never printed (only its value at mu-hat was)."""
    variant = canonical_variant(FAMILY, FAMILY.resolve_options({"model": "gaussian"}), "mle-example")
    _, solution = render_part(environment(), FAMILY, variant)
    general = solution.index(r"\frac{\partial \ell}{\partial \sigma} &= - \frac{5}{\sigma} + \frac{5 \mu^{2}")
    assert general < solution.index(r"(\hat{\mu}, \sigma)") < solution.index(r"\frac{\partial^2 \ell}{\partial \sigma^2}")
    assert r"\log \sigma" not in solution and r"\log(\sigma)" in solution  # one notation: log(sigma) throughout
    assert "derivative in" not in solution
    # named by its letter, not a bare matrix after "is" (TA read 8871); its fractions a factor in front of whole entries
    # (full-size fractions made it tall, TA read EN 9041), the same matrix
    hessian = r"\[ \mathbf{H}_\ell(\hat{\mu}, \hat{\sigma}) = - \frac{"
    assert hessian in solution and r"\begin{bmatrix}1 & 0\\0 & 2\end{bmatrix}" in solution
    mu_mu, _, sigma_sigma = variant.answer.curvature
    assert variant.answer.hessian == sympy.ImmutableMatrix([[mu_mu, 0], [0, sigma_sigma]]) and sigma_sigma == 2 * mu_mu


def test_the_hessian_is_taken_at_sigma_hat_and_a_fractional_variance_has_its_decimal():
    """The log-likelihood is a function of (mu, sigma): "at mu = 4, sigma^2 = 4" named the wrong coordinate; the
    density's 1/(sqrt(2 pi) sigma) read as 1/sqrt(2 pi sigma); 13/3 came without the decimal other answers give."""
    fractional = None
    for seed in range(20):
        variant = variant_for_seed(FAMILY, OPTIONS, seed)
        _, solution = render_part(environment(), FAMILY, variant)
        variance = variant.answer.estimates[1]  # slashed in the sentence; sigma-hat itself is displayed above (TA read)
        at = f"We put in $\\mu = \\hat{{\\mu}} = {variant.answer.estimates[0]}$ and $\\sigma = \\hat{{\\sigma}}$, where $\\hat{{\\sigma}}^2 = {variance}$."
        assert at in solution
        assert r"\frac{1}{\sigma \sqrt{2 \pi}}" in solution and r"\sqrt{2 \pi} \sigma" not in solution
        if not variant.answer.estimates[1].is_Integer:
            fractional = solution
            exact = variant.answer.estimates[1].q in (2, 4, 5, 8)  # 21/4 = 5.25: "= 5.25", not "about 5.2500" (TA read)
            value = variant.answer.estimates[1]
            assert (f"= {float(value):g}" if exact else f"\\approx {float(value):.4f}") in solution
    assert fractional is not None


@pytest.mark.parametrize("seed", range(12))
def test_the_hessian_is_evaluated_in_view_and_the_maximum_shown_to_be_global(seed):
    """A TA read "the Hessian ... is diag(-18/17, -36/17)" with nothing evaluated, and "so negative definite, and the
    only critical point is the maximum", which a definite Hessian does not give. The entries are now worked from the
    printed derivatives (sum (x_i - mu) = 0 and sum (x_i - mu)^2 at mu-hat), and the global maximum argued. The
    sentence names each bracket as the derivative prints it (8 - 4 mu = sum (x_i - mu), a TA read of 8831)."""
    variant = variant_for_seed(FAMILY, OPTIONS, seed)
    data, (mean, variance) = variant.params.data, variant.answer.estimates
    n, total = len(data), sum((x - mean) ** 2 for x in data)
    _, solution = render_part(environment(), FAMILY, variant)
    deviations, squares = sum(x - mu for x in data), sympy.expand(sum((x - mu) ** 2 for x in data))
    assert f"\\partial \\sigma$ the bracket ${tex(deviations)} = \\sum_i (x_i - \\mu)$ vanishes at $\\mu = \\hat{{\\mu}}$" in solution
    assert f"\\partial \\sigma^2$ the bracket ${tex(squares)} = \\sum_i (x_i - \\mu)^2$ is ${total}$ there" in solution
    assert f"\\left({tex(deviations)}\\right)" in solution or f"({tex(deviations)})" in solution  # the line it names
    first, second = sympy.Rational(n) / variance, 3 * sympy.Rational(total) / variance**2
    assert first - second == variant.answer.curvature[2]  # the worked line adds up to the Hessian's entry
    worked = (
        f"\\frac{{{n}}}{{\\hat{{\\sigma}}^2}} - \\frac{{3 \\cdot {total}}}{{\\hat{{\\sigma}}^4}} = {sympy.latex(first)} - {sympy.latex(second)}"
        f" = {sympy.latex(first - second)}"
    )
    assert worked in solution
    assert f"-\\frac{{{n}}}{{\\hat{{\\sigma}}^2}} = {sympy.latex(variant.answer.curvature[0])}" in solution
    assert "is a local maximum" in solution and "It is also the global one" in solution
    assert "the only critical point $(\\hat{\\mu}, \\hat{\\sigma})$ is the maximum" not in solution


@pytest.mark.parametrize("model", ["gaussian", "exponential"])
@pytest.mark.parametrize("seed", range(3))
def test_the_log_likelihood_in_numbers_names_what_it_puts_in(model, seed):
    """A TA read (math-background-2 2.4, German, seed 7303): the line l(mu, sigma) = -4 log(sigma) - 2 log(2 pi) - ...
    had no reason, though it puts n, sum x_i and sum x_i^2 into the general log-likelihood. It names them now, the
    numbers counted here from the data."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": model}), seed)
    data, answer = variant.params.data, variant.answer
    (step,) = answer.put_in.steps
    assert step.expr == answer.log_likelihood
    expected = rf"put in $n = {len(data)}$, $\sum_i x_i = {sum(data)}$"
    if model == "gaussian":
        # into the sum of squares multiplied out above, which the row collects too (a TA read, EN 9474)
        expected += rf", $\sum_i x_i^2 = {sum(x * x for x in data)}$; multiplied out as above"
    assert step.why == expected
    for language, words in (("en", "put in $n = "), ("de", f"$n = {len(data)}$, $\\sum_i x_i = {sum(data)}$")):
        _, solution = render_part(environment(language=language), FAMILY, variant)
        row = next(line for line in solution.splitlines() if line.startswith(r"\ell(") and "&=" in line)
        assert words in row or words[1:] in solution, language  # beside the row, or on a line above it
    assert FAMILY.solve(Params("bernoulli", (0, 1, 1, 0))).put_in is None  # k and n - k are named in a sentence


@pytest.mark.parametrize("model", ["bernoulli", "gaussian", "exponential"])
def test_the_log_likelihood_is_defined_as_the_log_of_the_product(model):
    """A TA read (math-background-2 2.4, seed 7411): the solution went straight to 'so with n = 7, l(mu, sigma) = ...',
    never saying what l is. It is the log of the product of the densities (probabilities), the sum of their logs."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": model}), 1)
    _, solution = render_part(environment(), FAMILY, variant)
    assert "The log-likelihood of $n$ independent observations is the log of the product" in solution
    assert "the log of a product is the sum of the logs" in solution or r"$\log(ab) = \log a + \log b$" in solution
    symbol = {"bernoulli": "p", "gaussian": r"\mu, \sigma", "exponential": r"\lambda"}[model]
    assert rf"\ell({symbol}) &= \log \prod_i" in solution or rf"\ell({symbol}) = \log \prod_i" in solution


@pytest.mark.parametrize("seed", range(6))
def test_the_gaussian_score_in_mu_shows_the_last_terms_derivative_before_it_cancels(seed):
    """dl/dmu = (35 - 7 mu)/sigma^2 under "only the last term depends on mu" hid the derivative -(14 mu - 70)/(2 sigma^2),
    its sign and its 2 (TA read, math-background-2 EN 7321 / DE 7322, 2.4): the derivative first, then a named step."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": "gaussian"}), seed)
    first, second = variant.answer.scores[0].steps
    # the derivative of the log-likelihood, by SymPy, equals the first line, which is still over 2 sigma^2
    assert sympy.simplify(first.expr.doit() - sympy.diff(variant.answer.log_likelihood, mu)) == 0
    assert sympy.simplify(second.expr - first.expr.doit()) == 0
    _, solution = render_part(environment(), FAMILY, variant)
    assert r"\frac{\partial \ell}{\partial \mu} &= - \frac{" in solution and r"}{2 \sigma^{2}} && " in solution
    # and names the derivative it takes, as the row by sigma does (a TA read, EN 9653)
    assert "the first two terms do not depend on $\\mu$; constant factor, $(" in solution
    assert "distribute the minus sign, cancel $2$" in solution


@pytest.mark.parametrize("model", ["bernoulli", "exponential", "gaussian"])
def test_each_estimate_follows_the_equation_it_solves(model):
    """"mu-hat = 30/6 = 5" alone never wrote the equation 30 - 6 mu = 0 (a TA read, EN 9002): the solution writes the
    score's numerator equal to zero before each root, and the root solves it (by SymPy's ``solve``, not by the chain)."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": model}), 3)
    _, solution = render_part(environment(), FAMILY, variant)
    equations = re.findall(r"\\\[ (.*?) = 0, \\quad \\text\{so\} \\quad", solution)
    scores = [variant.answer.scores[0], *variant.answer.scores[2:]]
    assert equations == [tex(sympy.fraction(score.result)[0]) for score in scores]
    for score, estimate in zip(scores, variant.answer.estimates, strict=True):
        top = sympy.fraction(score.result)[0]
        unknown = (top.free_symbols & {P, lamda, mu, sigma}).pop()
        roots = sympy.solve(top, unknown)
        assert (estimate in roots) if unknown != sigma else (sympy.sqrt(estimate) in roots)


def test_the_gaussian_log_likelihood_names_each_rewrite_in_a_bracket_as_tall_as_its_fraction():
    """Two TA reads: the rows from sum log p to -n log sigma - ... stood without reasons, and \\Bigl( was shorter than
    the fraction (x_i - mu)^2 / (2 sigma^2) inside it. Each rule of logarithms the rows use is named beside its row."""
    variant = variant_for_seed(FAMILY, OPTIONS, 3)
    for language, words in (("en", "sum each term over $i$"), ("de", "jeden Term {\\\"u}ber $i$ summieren")):
        _, solution = render_part(environment(language=language), FAMILY, variant)
        rows = solution.split(r"\ell(\mu, \sigma) &= \log \prod_i", 1)[1].split(r"\end{align*}", 1)[0]
        assert r"\biggl(" in rows and r"\Bigl(" not in rows
        assert r"\log \frac{1}{\sigma \sqrt{2 \pi}}" in rows  # the constant split on a row of its own (three reads)
        assert r"\mbox{$\log(ab) = \log a + \log b$, $\log e^{t} = t$}" in rows and words in rows
        assert r"$\log(1/a) = -\log a$, $\log(ab) = \log a + \log b$, $\log \sqrt{a} = \tfrac{1}{2} \log a$" in rows  # three reads


def test_every_row_of_the_data_sums_names_its_step():
    """TA reads (EN 9551, German 9583): the sums of the data were the only sums on the sheet without reasons, then
    "the observations" named no step; each row now says what it does."""
    variant = canonical_variant(FAMILY, FAMILY.resolve_options({}), "mle-example")
    assert [[str(step.why) for step in chain.steps] for chain in variant.answer.sums] == [
        ["put in the observations", "add"],
        ["put in their squares", "add"],
    ]
    _, solution = render_part(environment(language="de"), FAMILY, variant)
    assert "Beobachtungen einsetzen" in solution and "ihre Quadrate einsetzen" in solution


def test_the_two_partials_stand_apart_and_the_sigma_row_says_the_constant_drops_out():
    """Run on in one align, the partial by sigma read as a third row of the partial by mu (a TA read, German 9612); its
    reason named two derivatives and not the term log(2 pi) that has none (session 42's note)."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": "gaussian"}), 3)
    _, solution = render_part(environment(), FAMILY, variant)
    by_mu = solution.index(r"\frac{\partial \ell}{\partial \mu} &=")
    by_sigma = solution.index(r"\frac{\partial \ell}{\partial \sigma} &=")
    assert "[1ex]" in solution[by_mu:by_sigma]
    assert r"the middle term does not depend on $\sigma$" in solution[by_sigma:].split("\n")[0]


def test_bernoulli_gives_n_its_value_and_names_the_row_that_puts_k_in():
    """A TA read (German 9692): n appeared only in "n - k = 4", and the row l(p) = 2 log(p) + 4 log(1 - p) had no
    reason where the exponential's row names the values it puts in."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": "bernoulli"}), 3)
    _, solution = render_part(environment(), FAMILY, variant)
    assert f"where $n = {len(variant.params.data)}$ is the number of observations, $k = " in solution
    assert re.search(r"\\ell\(p\) &= [^\n]* && \\mbox\{put in \$k\$ and \$n - k\$\}", solution)


def test_the_exponential_score_names_the_derivative_of_log_lambda_not_a_chain_rule():
    """A TA read (German 9701): "(log u)' = u'/u" beside n/lambda - s, with no u, and the linear term unsaid."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": "exponential"}), 2)
    assert str(variant.answer.scores[0].steps[0].why) == r"$(\log \lambda)' = 1/\lambda$, constant factor"
    bernoulli = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": "bernoulli"}), 2)
    # log(1 - p) needs the chain rule, with the -1 its minus sign comes from (a TA read, EN 9722)
    assert str(bernoulli.answer.scores[0].steps[0].why) == r"constant factor; $(\log u)' = u' / u$ with $(1 - p)' = -1$"


def test_the_log_likelihood_rows_name_every_rule_they_use():
    """"The log of a product is the sum of the logs" alone left log a^b = b log a, log e^t = t and the sums of x_i and
    1 - x_i unsaid (a TA read, EN bank sheet 9741)."""
    for model, rules in (("bernoulli", [r"$\log a^{b} = b \log a$", r"$\sum_i x_i = k$, $\sum_i (1 - x_i) = n - k$"]), ("exponential", [r"$\log e^{t} = t$"])):
        variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": model}), 2)
        _, solution = render_part(environment(), FAMILY, variant)
        assert all(rule in solution for rule in rules), model


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_bernoulli_statement_names_x_before_it_uses_it(language):
    """"... a Bernoulli distribution with P(X = 1) = p": X was never introduced (a TA read, German bank sheet 9751)."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": "bernoulli"}), 1)
    statement, _ = render_part(environment(language=language), FAMILY, variant)
    introduced = statement.index("observation $X$" if language == "en" else "Beobachtung $X$")
    assert introduced < statement.index("P(X = 1)")
