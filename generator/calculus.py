"""Shared SymPy helpers for the calculus families.

General ``simplify()`` is too slow and unpredictable for the hot path (50 ms
to seconds per expression), so answers are tidied with a few targeted,
cheap rewrites and the shortest candidate is kept.
"""

import sympy


def presentable(expr: sympy.Expr) -> sympy.Expr:
    """Of a few cheap rewrites of ``expr``, the one with fewest fractions, then shortest."""
    numerator, denominator = sympy.fraction(sympy.together(expr))
    denominator = sympy.factor_terms(denominator)
    candidates = [
        expr,
        sympy.factor_terms(expr),
        sympy.factor_terms(numerator) / denominator,
        sympy.factor_terms(sympy.expand(numerator)) / denominator,
    ]
    return min(candidates, key=lambda candidate: (_reciprocals(candidate), len(sympy.sstr(candidate))))


def _reciprocals(expr: sympy.Expr) -> int:
    """How many divisions an expression prints with: nested fractions read badly."""
    return sum(1 for node in sympy.preorder_traversal(expr) if node.is_Pow and node.exp.is_negative)
