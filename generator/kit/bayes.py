"""Bayes' rule on a population: a hypothesis A (a disease, spam) and an observation E (a positive test, a word).

A statement gives three whole percentages, P(A), P(E | A) and P(E | not A) (or the specificity, P(not E | not A));
the observed outcome is E or not E. ``observed_rates`` turns them into the exact fractions the steps work with,
``given_rate`` writes one likelihood as the statement gives it or as one minus it, and ``joint_counts`` splits a
population of 10,000 into whole counts (the table a teaching assistant draws to make the base rate visible).
``enumerated_counts`` finds the same counts person by person, for checks; the law of total probability and the
posterior itself are ``total_probability`` and ``posterior`` of ``generator.kit.probability``; ``evidence`` is the
total as the posterior uses it, not cancelled.
"""

import sympy

from generator.kit.language import Reason
from generator.kit.probability import TotalProbability, complement
from generator.kit.steps import Chain, Step, chain

__all__ = ["POPULATION", "enumerated_counts", "evidence", "given_rate", "joint_counts", "observed_counts", "observed_rates", "rate"]

POPULATION = 10_000
"""The population counted: every whole percentage of every whole percentage of it is a whole count."""

Counts = tuple[int, int, int, int]


def rate(percent: int) -> sympy.Rational:
    """A whole percentage as the exact fraction the steps work with (5% is 1/20)."""
    return sympy.Rational(percent, 100)


def observed_rates(prior: int, hit: int, false_alarm: int, observed: bool) -> tuple[sympy.Rational, ...]:
    """P(A), P(O | A) and P(O | not A) for the outcome O seen, from the percentages P(A), P(E | A) and
    P(E | not A): when E is not ``observed``, both likelihoods are complements."""
    prior, hit, false_alarm = rate(prior), rate(hit), rate(false_alarm)
    return (prior, hit, false_alarm) if observed else (prior, 1 - hit, 1 - false_alarm)


def given_rate(percent: int, observed: bool, name: str, complemented: str) -> Chain:
    """A likelihood as the statement gives it (``name``, then the percentage) when its event is the one
    ``observed``; else one minus it by the complement rule, ``complemented`` naming the rate given: a test states
    P(+ | D) and the specificity P(- | not D), so one of the two is always worked as a complement. Named as the prior's
    complement is ("one minus P(W | S)" beside "the complement rule" read as two rules, and the rate given was not
    marked given: a TA read, German 9741)."""
    value = rate(percent)
    if observed:
        return chain(Step(value, Reason("{name}, ${percent}\\%$", name=Reason(name), percent=percent)))
    return complement(value, Reason("the complement rule; {name} is ${percent}\\%$", name=Reason(complemented), percent=percent))


def evidence(total: TotalProbability) -> Chain:
    """P(E) by the law of total probability, added up over the common denominator and left there: Bayes' rule
    (``posterior``) divides by it next, over that denominator, which then cancels. Cancelled first (115/2000 =
    23/400), it was put in uncancelled on the next line, a step done and thrown away (TA read)."""
    if total.value.q == total.common:
        return total.worked
    return chain(*total.worked.steps[:-1])


def joint_counts(prior: int, hit: int, false_alarm: int) -> Counts:
    """How many of ``POPULATION`` are A and E, A and not E, not A and E, not A and not E, from the percentages
    P(A), P(E | A) and P(E | not A): the posterior counted is then a share of whole people."""
    cells = [(p * q, p * (1 - q)) for p, q in ((rate(prior), rate(hit)), (1 - rate(prior), rate(false_alarm)))]
    return tuple(int(v * POPULATION) for pair in cells for v in pair)


def observed_counts(counts: Counts, observed: bool) -> tuple[int, int]:
    """Of ``joint_counts``, those who are A and those who are not A among the people showing the outcome seen
    (E when ``observed``, else not E): Bayes' rule by counting is the first over their sum."""
    return counts[0::2] if observed else counts[1::2]


def enumerated_counts(prior: int, hit: int, false_alarm: int) -> Counts:
    """``joint_counts`` found by enumerating the 10,000 people one by one, for checks: person i is in A when
    i mod 100 < P(A) in percent, and shows E when i div 100 < P(E | A) (or P(E | not A)) in percent; the two
    digits are independent and uniform."""
    cells = [0, 0, 0, 0]
    for person in range(POPULATION):
        in_a = person % 100 < prior
        shows = person // 100 < (hit if in_a else false_alarm)
        cells[2 * (not in_a) + (not shows)] += 1
    return tuple(cells)
