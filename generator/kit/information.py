"""Shared pieces of the information-theory families: pmfs, logarithms and decimals.

Probabilities are exact rationals with small denominators; logarithms of
rationals are split into logs of primes so that answers come out in the
reduced form a student writes (``2/3 log 2 + 1/2 log 3``) without calling
``simplify``. Worked solutions are chains: the sum term by term, then the
exact value, each step's reason naming the rewrite it makes; the decimal is
kept apart and rounded from the exact value.
"""

import math
import random
from functools import partial

import sympy

from generator.kit.decimals import significant
from generator.kit.language import Reason, as_reason, joined
from generator.kit.notation import WrittenSum, bracketed, log2
from generator.kit.printing import printed_terms, tex
from generator.kit.rewrites import listed, reordered
from generator.kit.sampling import distinct
from generator.kit.steps import Chain, Step, chain

__all__ = ["Pmf", "RELATIVE_GAP", "SHEET1_PMFS", "VISIBLE_GAP", "as_decimal", "difference_steps", "draw_pmfs", "expected_log", "expected_log_steps", "information_log"]

Pmf = tuple[sympy.Rational, ...]
"""A probability mass function on {1, ..., n}: exact probabilities that add up to 1."""

DENOMINATORS = (2, 3, 4, 5, 6, 8, 10, 12)
HARD_PRIMES = (7, 11)
"""Primes whose logs are not worked by hand: a numerator 7 or 11 (7/12, 11/12) would bring in log 7 or log 11."""
VISIBLE_GAP = 0.002
"""Least |D_KL(P || Q) - D_KL(Q || P)| in nats, so the asymmetry shows at four decimal places (in bits too)."""
RELATIVE_GAP = 0.08
"""Least |D_KL(P || Q) - D_KL(Q || P)| as a share of the larger: 0.4055 against 0.4032 invites "they are
equal" when the exercise asks to compare the two orders. The reference sheet's pair (0.0959, 0.0872) differs by 9%."""
DIGITS = 15
R = sympy.Rational
SHEET1_PMFS: tuple[Pmf, Pmf] = ((R(1, 3),) * 3, (R(1, 2), R(1, 3), R(1, 6)))
"""X and Y of the reference sheet (entropy 5a, cross-entropy and KL 5c): no random seed draws them."""


def random_pmf(rng: random.Random, outcomes: int) -> Pmf:
    """A pmf on ``outcomes`` points, every probability a positive simple fraction."""
    denominator = rng.choice([d for d in DENOMINATORS if d >= outcomes])
    cuts = sorted(rng.sample(range(1, denominator), outcomes - 1))
    numerators = [b - a for a, b in zip([0, *cuts], [*cuts, denominator])]
    return tuple(sympy.Rational(n, denominator) for n in numerators)


def draw_pmfs(rng: random.Random, outcomes: int, count: int) -> tuple[Pmf, ...]:
    """``count`` pmfs worth computing with side by side: the entropy and cross-entropy families draw with this,
    so parts that share a seed share X and Y.

    Each is hand-workable (no log 7 or log 11) and not uniform (its entropy, log n, is read off
    without work); none is a permutation of another (it would only
    repeat an entropy); the first two have KL divergences that differ visibly in the two
    directions (the lesson of the cross-entropy exercise), cross-entropies other than the entropies, and are not the
    reference sheet's pair.
    """
    pmfs: list[Pmf] = []
    for _ in range(count):
        accept = partial(fits, earlier=tuple(pmfs))
        pmfs += distinct(rng, partial(random_pmf, outcomes=outcomes), 1, accept, what="pmfs")
    return tuple(pmfs)


def fits(pmf: Pmf, earlier: tuple[Pmf, ...]) -> bool:
    """Whether ``pmf`` may follow ``earlier`` in a draw (see ``draw_pmfs``)."""
    if any(p.p % prime == 0 for p in pmf for prime in HARD_PRIMES) or len(set(pmf)) == 1:
        return False
    if any(sorted(pmf) == sorted(other) for other in earlier):
        return False
    if len(earlier) != 1:
        return True
    pair = sorted((sorted(earlier[0]), sorted(pmf)))
    return pair != sorted(map(sorted, SHEET1_PMFS)) and shows_asymmetry(earlier[0], pmf) and not _cross_is_entropy(earlier[0], pmf)


def _cross_is_entropy(p: Pmf, q: Pmf) -> bool:
    """Whether H(P, Q) = H(Q) or H(Q, P) = H(P): the solution then prints one value twice, which reads as a copy error
    (two TA reads, German 9013, 9081). H(P, Q) - H(Q) is sum (q - p) log q."""
    return any(
        math.isclose(math.fsum((float(b) - float(a)) * math.log(float(b)) for a, b in zip(first, second, strict=True)), 0.0, abs_tol=1e-12)
        for first, second in ((p, q), (q, p))
    )


def shows_asymmetry(p: Pmf, q: Pmf) -> bool:
    """Whether D_KL(P || Q) and D_KL(Q || P) differ visibly: by ``VISIBLE_GAP`` nats and by ``RELATIVE_GAP`` of the larger."""
    larger = max(kl_divergence(p, q), kl_divergence(q, p))
    return abs(kl_gap(p, q)) >= max(VISIBLE_GAP, RELATIVE_GAP * larger)


def kl_divergence(p: Pmf, q: Pmf) -> float:
    """D_KL(P || Q) in nats, in floats."""
    return math.fsum(float(a) * math.log(float(a) / float(b)) for a, b in zip(p, q, strict=True))


def kl_gap(p: Pmf, q: Pmf) -> float:
    """D_KL(P || Q) - D_KL(Q || P) in nats, in floats: ``sum (p + q) log(p / q)``."""
    return math.fsum((float(a) + float(b)) * math.log(float(a) / float(b)) for a, b in zip(p, q, strict=True))


def information_log(value: sympy.Rational, unit: str, evaluate: bool = True) -> sympy.Expr:
    """log(value) in nats or bits; evaluated, it is split over prime factors."""
    log = sympy.log if unit == "nats" else log2
    if not evaluate:
        return log(value, evaluate=False)
    value = sympy.Rational(value)
    total = sympy.Integer(0)
    for prime, power in sympy.factorint(value.p).items():
        total += power * log(prime)
    for prime, power in sympy.factorint(value.q).items():
        total -= power * log(prime)
    return total


def expected_log(weights: Pmf, arguments: tuple[sympy.Rational, ...], unit: str) -> sympy.Expr:
    """``sum_i w_i log(a_i)`` with every log split over primes: entropies, cross-entropies, KL divergences."""
    return sympy.Add(*(w * information_log(arg, unit) for w, arg in zip(weights, arguments, strict=True)))


def expected_log_steps(weights: Pmf, arguments: tuple[sympy.Rational, ...], unit: str, definition: str) -> Chain:
    """``sum_i w_i log(a_i)`` written out term by term in outcome order (``definition`` names the formula),
    then its exact value.

    A term with ``a_i = 1`` (a KL divergence where both pmfs agree at ``i``) is 0 and is left out,
    and the reason says so: a ``log 1`` on the line would only be crossed out later.
    """
    kept = [(i, w, arg) for i, (w, arg) in enumerate(zip(weights, arguments, strict=True), 1) if arg != 1]
    written = WrittenSum(
        *(sympy.Mul(w, information_log(arg, unit, evaluate=False), evaluate=False) for _, w, arg in kept),
        evaluate=False,
    )
    dropped = [str(i) for i, arg in enumerate(arguments, 1) if arg == 1]
    if len(dropped) == 1:
        definition = Reason("{definition} ($\\log 1 = 0$ at $x = {values}$)", definition=as_reason(definition), values=dropped[0])
    elif dropped:  # each place named, and the German verb plural: "entfaellt der Summand bei x = 3, 5" (a TA read, 9752)
        places = listed([f"$x = {value}$" for value in dropped])
        definition = Reason("{definition} ($\\log 1 = 0$ at {places})", definition=as_reason(definition), places=places)
    split = [w * information_log(arg, unit) for _, w, arg in kept]
    weights = [w for _, w, _ in kept]
    return chain(Step(written, definition), Step(sympy.Add(*split), _split_reason(weights, [arg for _, _, arg in kept], split, unit)))


def _split_reason(weights: list[sympy.Rational], arguments: list[sympy.Rational], split: list[sympy.Expr], unit: str) -> str:
    """What the step from the written sum to the exact value does, briefly (it shares a line with both):
    split which logs, multiply out a weight over a log split into several terms (3/8 log(8/3) is
    9/8 log 2 - 3/8 log 3: a TA read the product multiplied out unnamed), collect which terms."""
    parts = []
    composite = [arg for arg in arguments if not (arg.is_Integer and sympy.isprime(arg))]
    if composite or (unit == "bits" and 2 in arguments):
        twos = unit == "bits" and any(arg.p % 2 == 0 or arg.q % 2 == 0 for arg in arguments)
        if twos:
            parts.append(Reason("split logs ($\\log_2 2 = 1$)"))
        elif powers := _powers_only(composite, unit):
            parts.append(joined(powers))
        else:  # one log split is "the log" (German "Logarithmen zerlegen" beside log(5/3) alone, a TA read, German 9042)
            parts.append(Reason("split the log") if len(composite) == 1 else Reason("split logs"))
    splits = [information_log(arg, unit) for w, arg in zip(weights, arguments, strict=True) if w != 1]
    if any(split.is_Add for split in splits):
        parts.append(Reason("multiply out"))
    elif any(_multiplied(split) for split in splits):
        parts.append(Reason("multiply the coefficients"))  # bare, German "multiplizieren" had no object (TA read 9003)
    collected, cancelled = _collected(*split, result=sympy.Add(*split))
    if collected:
        parts.append(collected)
    return _cancelling(joined(parts), cancelled)


def _powers_only(composite: list[sympy.Rational], unit: str) -> list[Reason]:
    """``$\\log 4 = 2 \\log 2$`` for each of at most two logs of a prime's power (or its reciprocal) and no other log
    to split: "split logs" named a split where only log 4 became 2 log 2 (a TA read, EN 9123); [] otherwise."""
    distinct = list(dict.fromkeys(composite))
    if len(distinct) > 2 or any(len(sympy.factorint(arg.p * arg.q)) > 1 for arg in distinct):
        return []
    return [
        Reason("${left} = {right}$", left=tex(information_log(arg, unit, evaluate=False)), right=tex(information_log(arg, unit)))
        for arg in distinct
    ]


def _multiplied(split: sympy.Expr) -> bool:
    """A log split into a number times one log, 1/4 log 4 as 1/2 log 2, or into a number, 1/8 log_2 8 as 3/8: the weight
    multiplies it, which "split logs, collect log 2" (TA read, EN 8951) and "split logs, add the numbers" (EN 9751) left
    unsaid; there is nothing to multiply out."""
    return abs(split.as_coeff_Mul()[0]) != 1


def _collected(*sums: sympy.Expr, result: sympy.Expr) -> tuple[str, str]:
    """What adding ``sums`` up to ``result`` does to the logs (and numbers) that occur in more than one of them:
    "collect $\\log 2$ and $\\log 3$" for those left in ``result``, and, apart, "$\\log 2$ cancels" for those that add
    up to nothing. A TA read "collect $\\log 2$, $\\log 3$" above a result of just 3/4 log 3 (-2/3 + 1/2 + 1/6 of log 2):
    collecting that leaves nothing has to say so. Briefly: "the $\\log 2$ terms cancel" made the entropy's reason 62
    characters, set above its step where "$\\log 2$ cancels" (53) still fits beside it."""
    seen: dict[sympy.Expr, int] = {}
    for value in sums:
        for key in {_key(term) for term in sympy.Add.make_args(value)}:
            seen[key] = seen.get(key, 0) + 1
    left = {_key(term) for term in sympy.Add.make_args(result) if term != 0}
    shared = sorted((key for key, n in seen.items() if n > 1 and key != 1), key=lambda key: key.args[0])
    logs = [key for key in shared if key in left]
    gone = [key for key in shared if key not in left]
    numbers = seen.get(sympy.Integer(1), 0) > 1
    numbers_left = numbers and sympy.Integer(1) in left
    if logs:
        listed_logs = _listed_logs(logs)
        if numbers_left:
            collected = Reason("collect {logs} and numbers", logs=listed_logs)
        else:
            collected = Reason("collect {logs}", logs=listed_logs)
    else:
        collected = Reason("add the numbers") if numbers_left else ""
    cancelled = ""
    if gone:
        listed_logs = _listed_logs(gone)
        if numbers and not numbers_left:
            cancelled = Reason("{logs} and the numbers cancel", logs=listed_logs)
        elif len(gone) > 1:
            cancelled = Reason("{logs} cancel", logs=listed_logs)
        else:
            cancelled = Reason("{logs} cancels", logs=listed_logs)
    elif numbers and not numbers_left:
        cancelled = Reason("the numbers cancel")
    return collected, cancelled


def _listed_logs(logs: list[sympy.Expr]) -> str:
    """"$\\log 2$ and $\\log 3$": a TA read "collect $\\log 2, \\log 3$", one piece of maths, as a list of three things
    (two reads, EN 9004, German 9003)."""
    return listed([f"${tex(key)}$" for key in logs])


def _cancelling(reason: str, cancelled: str) -> str:
    """``reason``, then what cancels (``_collected``): "split logs, collect $\\log 3$; $\\log 2$ cancels"."""
    if not cancelled:
        return reason
    if not reason:
        return cancelled
    return Reason("{rewrite}; {cancelled}", rewrite=as_reason(reason), cancelled=as_reason(cancelled))


def _key(term: sympy.Expr) -> sympy.Expr:
    """The log a term is a multiple of (1 for a number)."""
    return term.as_independent(sympy.log, log2, as_Add=False)[1]


def difference_steps(first: sympy.Expr, second: sympy.Expr, why: str) -> Chain:
    """``first - (second)`` as written, then collected: D_KL(P || Q) = H(P, Q) - H(P) with the values inserted. Only
    what is subtracted is bracketed: a bracket around the first sum opened nothing (a TA read, EN 9003).

    When there is nothing to collect (``log 3 - 3 log 2 / 2``), or the result only orders the terms otherwise, the
    difference as written is the result.
    """
    written = WrittenSum(first, sympy.Mul(-1, bracketed(second), evaluate=False), evaluate=False)
    opened = Reason("open the bracket") if second.is_Add else ""  # one: "open brackets" opened one (a TA read, EN 9203)
    result = sympy.expand(first - second)
    if not second.is_Add and reordered(written, result):  # 1 + log 3 - log 5 is no step to 1 - log 5 + log 3
        return chain(Step(WrittenSum(*printed_terms(first), -second, evaluate=False), why))
    collected, cancelled = _collected(first, second, result=result)
    reason = _cancelling(joined([part for part in (opened, collected) if part]), cancelled)
    return chain(Step(written, why), Step(result, reason))


def as_decimal(value: sympy.Expr) -> sympy.Float:
    """The value rounded to ``DIGITS`` significant digits, correct in the last one (templates round it again when printing)."""
    return sympy.Float(significant(value, DIGITS), DIGITS)
