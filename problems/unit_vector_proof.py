"""A short proof: unit vectors with inner product 1 are equal.

Static content with a model solution (expand the squared norm of u - v).

answers.json keys: none.
"""

from generator.kit import static_family

FAMILY = static_family("unit-vector-proof", "Proof: unit vectors u, v with <u, v> = 1 are equal (model solution).")
