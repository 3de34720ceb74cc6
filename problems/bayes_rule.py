"""Bayes' rule: the chance of a disease after a test result, or of spam given a word.

The base-rate lesson of probability and the naive-Bayes spam filter of machine learning. The solution
writes the given rates as fractions with the complements it needs, P(observed) by the law of total
probability (over a common denominator, not cancelled: Bayes' rule divides by it over that denominator), the
posterior by Bayes' rule (lowest terms, then a decimal), and the same by counting 10,000.

Options: ``story`` (``test``: prevalence, sensitivity, specificity; ``spam``: share of spam,
P(word | spam), P(word | ham)); ``result`` (``positive``: the test is positive or the word appears;
``negative``: negative or absent). The posterior asked is always that of the disease (of spam).

Every rate is a whole percentage, so 10,000 people (e-mails) split into whole counts. Excluded by
construction: rates of 0 or 100%; a test or word that does not discriminate (P(E | A) <= P(E | not A));
a posterior equal to a given rate or its complement (the base-rate fallacy, P(A | E) taken for
P(E | A), would be right); equal factors in a product (1/2 * 1/2 reads as a square); a posterior
below 1% (four decimals hardly show it) or over a denominator above 200; the canonical instance.

answers.json keys: ``inputs.story``, ``inputs.result``, ``inputs.prior`` (P(A) in percent),
``inputs.hit`` (P(E | A) in percent: sensitivity or P(word | spam)), ``inputs.false_alarm``
(P(E | not A) in percent: 100 minus the specificity, or P(word | ham)), ``inputs.word`` (empty for a
test); ``answers.evidence`` (P(observed result)), ``answers.posterior`` (P(A | observed result)),
``answers.counts`` (of 10,000: A and E, A and not E, not A and E, not A and not E).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy

import generator.kit.bayes as bayes
from generator.kit import N_, Chain, ChoiceOption, Family, Meaning, Reason, Step, chain, distinct, require
from generator.kit.probability import complement, lowest_terms, posterior, total_probability

MAX_DENOMINATOR = 200
WORDS = (N_("free"), N_("winner"), N_("offer"), N_("prize"), N_("urgent"), N_("discount"))
RATES = {  # percentages: prior, hit P(E | A), false alarm P(E | not A)
    ("test", "positive"): ((1, 2, 3, 4, 5, 8, 10, 15, 20), (70, 75, 80, 85, 90, 95, 98, 99), (1, 2, 3, 5, 10, 15, 20)),
    ("test", "negative"): ((10, 15, 20, 25, 30, 40, 50), (60, 70, 75, 80, 85, 90, 95), (1, 2, 3, 5, 10, 15, 20)),
    ("spam", "positive"): ((20, 25, 30, 40, 50, 60), (20, 25, 30, 40, 50, 60, 75), (1, 2, 4, 5, 10, 20)),
    ("spam", "negative"): ((20, 25, 30, 40, 50, 60), (20, 25, 30, 40, 50, 60, 75), (1, 2, 4, 5, 10, 20)),
}
"""Prevalences (higher for a negative result: a lower one makes P(D | -) vanish), spam shares."""


@dataclass(frozen=True)
class Params:
    story: str
    result: str
    prior: int
    hit: int
    false_alarm: int
    word: str


@dataclass(frozen=True)
class Answer:
    prior: Chain  # P(A): the given percentage as a fraction
    complement: Chain  # P(not A) = 1 - P(A)
    likelihoods: tuple[Chain, Chain]  # P(observed | A), P(observed | not A): a given rate, or one minus it
    total: Chain  # P(observed) by the law of total probability, added up over the common denominator
    bayes: Chain  # P(A | observed): the joint and P(observed) as above, both multiplied by the joint's denominator
    evidence: sympy.Rational
    posterior: sympy.Rational
    counts: tuple[int, int, int, int]
    by_counts: Chain  # the posterior counted: (A and observed) / (observed), then lowest terms


def _rates(params: Params) -> tuple[sympy.Rational, ...]:
    """P(A), P(observed | A), P(observed | not A)."""
    return bayes.observed_rates(params.prior, params.hit, params.false_alarm, params.result == "positive")


def _usable(params: Params) -> bool:
    prior, hit, false_alarm = _rates(params)
    posterior = prior * hit / (prior * hit + (1 - prior) * false_alarm)
    given = {v for r in bayes.observed_rates(params.prior, params.hit, params.false_alarm, True) for v in (r, 1 - r)}
    telling = params.hit > params.false_alarm and posterior not in given and hit != prior and false_alarm != 1 - prior
    by_hand = posterior >= sympy.Rational(1, 100) and posterior.q <= MAX_DENOMINATOR
    return telling and by_hand and params not in CANONICAL.values()


def sample(rng: random.Random, options: Mapping) -> Params:
    story, result = options["story"], options["result"]
    priors, hits, false_alarms = RATES[story, result]

    def draw(r: random.Random) -> Params:
        word = r.choice(WORDS) if story == "spam" else ""
        return Params(story, result, r.choice(priors), r.choice(hits), r.choice(false_alarms), word)

    return distinct(rng, draw, 1, accept=_usable, what="Bayes' rule exercises with an informative test")[0]


def _likelihoods(params: Params) -> tuple[Chain, Chain]:
    """P(observed | A) and P(observed | not A): the rate the statement gives, or one minus it. A test
    states P(+ | D) and P(- | not D) (sensitivity, specificity); a spam filter P(W | S) and P(W | not S)."""
    if params.story == "test":
        stated = ((params.hit, "positive", N_("the sensitivity")), (100 - params.false_alarm, "negative", N_("the specificity")))
        return tuple(
            bayes.given_rate(v, event == params.result, name, name)
            for v, event, name in stated
        )
    names = (r"$P(W \mid S)$", r"$P(W \mid \bar{S})$")
    return tuple(bayes.given_rate(v, params.result == "positive", N_("given"), name) for v, name in zip((params.hit, params.false_alarm), names))


def solve(params: Params) -> Answer:
    prior, hit, false_alarm = _rates(params)
    total = total_probability((hit, prior), (false_alarm, 1 - prior))
    rule = posterior(total, 0)
    counts = bayes.joint_counts(params.prior, params.hit, params.false_alarm)
    seen_a, seen_not_a = bayes.observed_counts(counts, params.result == "positive")
    given = chain(Step(prior, Reason("given, ${percent}\\%$", percent=params.prior)))
    by_counts = lowest_terms(seen_a, seen_a + seen_not_a)
    return Answer(
        given, complement(prior, N_("the complement rule")), _likelihoods(params), bayes.evidence(total), rule,
        total.value, rule.result, counts, by_counts,
    )


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    """Enumerate 10,000 individuals (``bayes.enumerated_counts``) and count P(E) and P(A | E) among them."""
    cells = bayes.enumerated_counts(params.prior, params.hit, params.false_alarm)
    require(cells == answer.counts, f"counts {answer.counts}, enumerated {cells}")
    seen_a, seen_not_a = bayes.observed_counts(cells, params.result == "positive")
    seen = seen_a + seen_not_a
    for name, claimed, counted in (("P(E)", answer.evidence, Fraction(seen, bayes.POPULATION)), ("P(A | E)", answer.posterior, Fraction(seen_a, seen))):
        require(Fraction(int(claimed.p), int(claimed.q)) == counted, f"{name} = {claimed}, counted {counted}")
    require(answer.bayes.result == answer.posterior and answer.total.result.doit() == answer.evidence, "worked steps end elsewhere")


CANONICAL = {"bayes-rule-example": Params("test", "positive", 1, 90, 10, "")}

FAMILY = Family(
    name="bayes-rule",
    summary="Bayes' rule: a disease after a test result, or spam given a word, exactly and by counting.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        ChoiceOption("story", "test", ("test", "spam"), "a diagnostic test or a spam filter"),
        ChoiceOption("result", "positive", ("positive", "negative"), "the test is positive (the word appears) or negative (absent)"),
    ),
    canonical=CANONICAL,
    difficulty=lambda params, answer: 1 + sum(len(c.steps) - 1 for c in answer.likelihoods) + len(answer.bayes.steps) - 1,
    key_fields=("evidence", "posterior"),
    letters=lambda options: {"W": Meaning("the event that an e-mail contains the word")} if options["story"] == "spam" else {},
)
