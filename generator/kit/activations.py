"""Activation functions for the families: the logistic ``sigmoid``, a node of ``generator.kit.notation``.

It is defined, and its look given by the printer, with the rest of the kit's notation; this
module is where a family looks for activations.
"""

from generator.kit.family import Meaning
from generator.kit.notation import sigmoid

__all__ = ["SIGMOID_LETTER", "sigmoid"]

SIGMOID_LETTER = {r"\sigma": Meaning("the logistic sigmoid")}
"""The letter a part that prints the sigmoid gives its meaning (a family's ``letters``)."""
