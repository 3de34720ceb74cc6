"""Cross-entropy and Kullback-Leibler divergence between two pmfs, in both directions.

X and Y live on {1, 2, ..., n} (option ``outcomes``, 2..6) with simple-fraction
probabilities. The student computes H(P_X, P_Y), H(P_Y, P_X), D_KL(P_X || P_Y)
and D_KL(P_Y || P_X) exactly (logs split over primes) and as decimals, checks
D_KL(P || Q) = H(P, Q) - H(P), and sees that neither quantity is symmetric.

The pmfs are drawn first and exactly as the ``entropy`` family draws two, with
the same option names, so a part with ``same_draw_as`` pointing at an entropy
part sees the same X and Y; ``restate = false`` then refers to them "as above"
instead of printing the table and chart again. The family's ``needs`` says so, and
loading a sheet refuses a ``restate = false`` part without such an entropy part
(one with ``count`` >= 2 and the same ``outcomes``).

Excluded by construction (``generator.kit.information.draw_pmfs``): zero
probabilities (every numerator is at least 1, so every log is finite), logs of
7 and 11, pmfs that are permutations of each other (so both divergences are
positive), the reference sheet's pair, and pairs whose two divergences differ
by less than 0.002 nats or by less than 8% of the larger (such as P_Y the reverse
of P_X, where they coincide, or 0.4055 against 0.4032): the asymmetry the
exercise is about always shows, and "compare the two orders" is never answered
"they are equal".

The solution works each cross-entropy and divergence as a verified chain (the
definition term by term in outcome order, a divergence's terms with P_X(x) =
P_Y(x) left out as 0, then the exact value; the decimal follows as "≈"), and
D_KL = H(P, Q) - H(P) as a chain with the values inserted.

answers.json keys: ``inputs.pmfs`` (P_X then P_Y, lists of fractions),
``inputs.unit``, ``inputs.restate``; ``answers.cross_entropies`` (H(P_X, P_Y),
H(P_Y, P_X)), ``answers.divergences`` (D_KL(P_X || P_Y), D_KL(P_Y || P_X)),
``answers.entropies`` (H(X), H(Y)), each with its ``*_decimals`` (15 digits, rounded from the exact value);
``answers.cross_entropy_steps`` and ``answers.divergence_steps`` (per direction, the
steps: summands as written, then the exact value), ``answers.identity_steps`` (per
direction, H(P, Q) - H(P) with the values inserted, then collected);
``answers.cross_entropy_gap`` and ``answers.divergence_gap`` (first direction minus
second; the cross-entropies may coincide, exactly 0, the divergences never do).
Bits use ``log2``, which SymPy reads as ``log(x)/log(2)`` after ``.rewrite(log)``.
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from generator.kit import N_, BoolOption, Chain, ChoiceOption, Family, IntOption, require
from generator.kit.information import (
    RELATIVE_GAP,
    SHEET1_PMFS,
    VISIBLE_GAP,
    Pmf,
    as_decimal,
    difference_steps,
    draw_pmfs,
    expected_log,
    expected_log_steps,
)
from generator.kit.widths import steps_width

Pair = tuple[sympy.Expr, sympy.Expr]
Steps = tuple[Chain, Chain]


@dataclass(frozen=True)
class Params:
    pmfs: tuple[Pmf, Pmf]
    unit: str
    restate: bool


@dataclass(frozen=True)
class Answer:
    cross_entropy_steps: Steps
    cross_entropies: Pair
    cross_entropy_decimals: Pair
    divergence_steps: Steps
    divergences: Pair
    divergence_decimals: Pair
    entropies: Pair
    entropy_decimals: Pair
    identity_steps: Steps
    cross_entropy_gap: sympy.Expr
    divergence_gap: sympy.Expr

    @property
    def identity_beside(self) -> int:
        """The steps macro's ``beside`` for the lines D_KL(P || Q) = H(P, Q) - H(P): ``IDENTITY_BESIDE`` where they leave
        room for their reasons beside them, else 0 (every reason above its line, where it takes no width from it)."""
        steps = [step for chain in self.identity_steps for step in chain.steps]
        return IDENTITY_BESIDE if steps_width(steps, beside=IDENTITY_BESIDE) <= IDENTITY_LINE else 0


IDENTITY_BESIDE = 30
"""The longest reason the identity lines set beside their step; "open the bracket, collect $\\log 2, \\log 3, \\log 5$" stands above."""
IDENTITY_LINE = 54
"""How wide (``steps_width``) the identity lines, in small type, may be with their reasons beside them. Measured on
960 variants typeset (160 seeds of six option sets): from 55 on, a difference of two bracketed sums of logs ran its reason into the margin."""


def sample(rng: random.Random, options: Mapping) -> Params:
    # Drawn exactly as problems/entropy.py draws two pmfs: parts sharing a seed share X and Y.
    return Params(draw_pmfs(rng, options["outcomes"], 2), options["unit"], options["restate"])


def _directions(params: Params) -> tuple[tuple[Pmf, Pmf], tuple[Pmf, Pmf]]:
    """(P, Q) for the two directions: first (P_X, P_Y), then (P_Y, P_X)."""
    first, second = params.pmfs
    return ((first, second), (second, first))


def solve(params: Params) -> Answer:
    unit = params.unit
    directions = _directions(params)
    cross_steps = tuple(
        expected_log_steps(p, tuple(1 / w for w in q), unit, N_("definition of cross-entropy")) for p, q in directions
    )
    divergence_steps = tuple(
        expected_log_steps(p, tuple(v / w for v, w in zip(p, q)), unit, N_("definition of KL divergence"))
        for p, q in directions
    )
    cross = tuple(steps.result for steps in cross_steps)
    divergences = tuple(steps.result for steps in divergence_steps)
    entropies = tuple(expected_log(p, tuple(1 / w for w in p), unit) for p in params.pmfs)
    return Answer(
        cross_entropy_steps=cross_steps,
        cross_entropies=cross,
        cross_entropy_decimals=_decimals(cross),
        divergence_steps=divergence_steps,
        divergences=divergences,
        divergence_decimals=_decimals(divergences),
        entropies=entropies,
        entropy_decimals=_decimals(entropies),
        identity_steps=tuple(
            difference_steps(h, entropy, N_("values from above")) for h, entropy in zip(cross, entropies)
        ),
        # Logs of distinct primes are independent over Q, so an exact difference cancels to 0 iff equal.
        cross_entropy_gap=sympy.expand(cross[0] - cross[1]),
        divergence_gap=sympy.expand(divergences[0] - divergences[1]),
    )


def _decimals(values: tuple[sympy.Expr, ...]) -> tuple[sympy.Float, ...]:
    return tuple(as_decimal(v) for v in values)


def check(params: Params, answer: Answer, rng: random.Random) -> None:
    scale = math.log(2) if params.unit == "bits" else 1.0
    floats = [[p.p / p.q for p in pmf] for pmf in params.pmfs]
    for pmf in floats:
        require(math.isclose(math.fsum(pmf), 1.0) and min(pmf) > 0, f"pmf {pmf} is not a positive pmf")
    require(floats[0] != floats[1], "the two pmfs are identical")

    def agrees(claimed: sympy.Expr, direct: float, what: str) -> None:
        value = float(claimed.evalf(20))
        require(math.isclose(value, direct, rel_tol=1e-12, abs_tol=1e-14), f"{what}: answer {value!r}, direct sum {direct!r}")

    entropies = [-math.fsum(p * math.log(p) for p in pmf) / scale for pmf in floats]
    cross, divergences = [], []
    for index, (p, q) in enumerate([(floats[0], floats[1]), (floats[1], floats[0])]):
        name = ("H(P_X, P_Y)", "H(P_Y, P_X)")[index]
        kl_name = ("D_KL(P_X || P_Y)", "D_KL(P_Y || P_X)")[index]
        cross.append(-math.fsum(pi * math.log(qi) for pi, qi in zip(p, q)) / scale)
        divergences.append(math.fsum(pi * math.log(pi / qi) for pi, qi in zip(p, q)) / scale)
        require(divergences[index] > 0, f"{kl_name} = {divergences[index]} is not positive for different pmfs")
        agrees(answer.cross_entropies[index], cross[index], name)
        agrees(answer.cross_entropy_decimals[index], cross[index], f"decimal {name}")
        agrees(answer.cross_entropy_steps[index].result, cross[index], f"last step of {name}")
        agrees(answer.divergences[index], divergences[index], kl_name)
        agrees(answer.divergence_decimals[index], divergences[index], f"decimal {kl_name}")
        agrees(answer.divergence_steps[index].result, divergences[index], f"last step of {kl_name}")
        agrees(answer.identity_steps[index].result, divergences[index], f"last step of H(P, Q) - H(P) for {kl_name}")
        agrees(answer.entropies[index], entropies[index], f"entropy {index}")
        agrees(answer.entropy_decimals[index], entropies[index], f"decimal entropy {index}")
        identity = float(answer.cross_entropies[index].evalf(20) - answer.entropies[index].evalf(20))
        agrees(answer.divergences[index], identity, f"{kl_name} against H(P, Q) - H(P)")
    agrees(answer.cross_entropy_gap, cross[0] - cross[1], "H(P_X, P_Y) - H(P_Y, P_X)")
    agrees(answer.divergence_gap, divergences[0] - divergences[1], "D_KL(P_X || P_Y) - D_KL(P_Y || P_X)")
    gap, larger = abs(divergences[0] - divergences[1]), max(divergences)
    require(gap * scale >= VISIBLE_GAP, f"the divergences differ by only {gap * scale:.5f} nats: the asymmetry does not show")
    require(gap >= RELATIVE_GAP * larger, f"the divergences differ by only {gap / larger:.1%}: the asymmetry does not show")


FAMILY = Family(
    name="cross-entropy-kl",
    summary="Cross-entropy and KL divergence of two discrete pmfs, in both directions.",
    sample=sample,
    solve=solve,
    check=check,
    options=(
        IntOption("outcomes", 3, 2, 6, "number n of values {1, 2, ..., n} the variables take"),
        ChoiceOption("unit", "nats", ("nats", "bits"), "natural logarithm (nats) or base 2 (bits)"),
        BoolOption("restate", True, "print the pmfs again (false: refer to X and Y from an earlier entropy part)"),
    ),
    needs={
        "family": "entropy",
        "why": "P_X and P_Y are printed there",
        "when": {"restate": False},
        "at_least": {"count": 2},
        "same": ("outcomes", "unit"),
    },
    canonical={
        "dl-sheet1-5c": Params(SHEET1_PMFS, "nats", True),
        "dl-sheet1-5c-after-5a": Params(SHEET1_PMFS, "nats", False),
    },
)
