"""The logistic sigmoid as one SymPy symbol, for answers written in terms of activations.

``sigmoid(t)`` stays unevaluated so that a derivative prints the way a
teaching assistant writes it, ``\\sigma(x)(1 - \\sigma(x))``, instead of a
tower of exponentials. It differentiates by that identity, rewrites to
``1/(1 + exp(-t))`` for numerical checks (``expr.rewrite(sympy.exp)``), and
is stored in answers.json in that explicit form, which plain ``sympify`` reads back.
"""

import sympy

__all__ = ["sigmoid"]


class sigmoid(sympy.Function):
    """The logistic function sigma(t) = 1 / (1 + e^(-t))."""

    @classmethod
    def class_key(cls):
        """Sort before sums in printed products, so the factors read sigma(x) (1 - sigma(x))."""
        return 3, 0, cls.__name__

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + sympy.exp(-arg))

    def _sympystr(self, printer):
        return f"({printer._print(self.rewrite(sympy.exp))})"

