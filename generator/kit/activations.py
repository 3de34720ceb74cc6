"""Activation functions for the families: the logistic ``sigmoid``, a node of ``generator.kit.notation``.

It is defined, and its look given by the printer, with the rest of the kit's notation; this
module is where a family looks for activations.
"""

from generator.kit.notation import sigmoid

__all__ = ["sigmoid"]
