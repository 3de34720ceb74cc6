"""Recap boxes: the definitions and rules a sheet reminds students of.

Static content, chosen by ``topic``; the box is printed on both the exercise
and the solution sheet and has no solution of its own. Its first line says it asks
nothing: a reference sheet numbers its recaps as exercises, which students searched
for a task.

answers.json keys: ``inputs.topic``, ``inputs.titled``; no answers.
"""

from generator.kit import BoolOption, ChoiceOption, static_family

TOPICS = ("differentiation-rules", "gradient-jacobian-hessian", "information-theory")

FAMILY = static_family(
    "recap",
    "Recap box: differentiation rules, gradient/Jacobian/Hessian, or information theory.",
    (
        ChoiceOption("topic", TOPICS[0], TOPICS, "which definitions to recall"),
        BoolOption("titled", True, "open the box with its name in bold (false where the exercise's heading names it)"),
    ),
)
