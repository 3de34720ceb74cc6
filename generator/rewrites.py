"""SymPy's ``expand`` and ``factor_terms``, each result worked out once per process, and an unevaluated ``xreplace``.

Tidying a derivative (``generator.calculus.presentable``) expands and factors
every candidate, and the same expressions come back again and again: a piece's
derivative sits inside the derivative of the function it belongs to, and
pieces such as ``x^2 + 1`` or ``cos(x)`` recur across variants and students.
Half of all calls repeat an earlier one. The results are SymPy's own, exactly:
tests/test_rewrites.py compares them.
"""

from functools import lru_cache

import sympy
from sympy.core.exprtools import gcd_terms
from sympy.core.mul import _keep_coeff

MAX_REMEMBERED = 65536
_factored: dict[tuple[type, sympy.Basic], sympy.Basic] = {}
"""``factor_terms`` results by (type, expression), for every sub-expression it has met."""


@lru_cache(maxsize=MAX_REMEMBERED)
def expand(expr: sympy.Expr) -> sympy.Expr:
    """``sympy.expand(expr)``."""
    return sympy.expand(expr)


def factor_terms(expr: sympy.Expr) -> sympy.Expr:
    """``sympy.factor_terms(expr)`` with its default options.

    SymPy's version works through every sub-expression afresh on each call; this one
    follows the same steps and keeps each sub-expression's result, so a sum seen
    inside an earlier expression is not factored again.
    """
    if expr.is_Atom:
        return expr
    key = (type(expr), expr)
    factored = _factored.get(key)
    if factored is None:
        if len(_factored) >= MAX_REMEMBERED:
            _factored.clear()
        factored = _factored[key] = _factor_terms_once(expr)
    return factored


def _factor_terms_once(expr: sympy.Expr) -> sympy.Expr:
    """One step of ``sympy.factor_terms`` (sympy/core/exprtools.py, ``do``): its recursion goes through the cache."""
    if expr.is_Pow or expr.is_Function or not hasattr(expr, "args_cnc"):
        args = tuple(factor_terms(arg) for arg in expr.args)
        return expr if args == expr.args else expr.func(*args)
    if isinstance(expr, (sympy.Sum, sympy.Integral)):
        return sympy.factor_terms(expr)
    content, primitive = expr.as_content_primitive()
    if primitive.is_Add:
        terms = [factor_terms(term) for term in sympy.Add.make_args(primitive)]
        # A sign common to all terms, which gcd_terms does not take out.
        if all(term.as_coeff_Mul()[0].extract_multiplicatively(-1) is not None for term in terms):
            content, terms = -content, [-term for term in terms]
        # exp(-(x + 2)) is held aside: gcd_terms would write it exp(-x - 2).
        held = {}
        for index, term in enumerate(terms):
            _, exponent = term.as_base_exp()
            if exponent.is_Mul and exponent != sympy.Mul(*exponent.args):
                terms[index] = sympy.Dummy()
                held[terms[index]] = term
        primitive = gcd_terms(sympy.Add._from_args(terms), isprimitive=True, clear=False, fraction=False).xreplace(held)
    elif primitive.args:
        primitive = primitive.func(*[factor_terms(arg) for arg in primitive.args])
    return _keep_coeff(content, primitive, clear=False, sign=True)


def xreplace_unevaluated(expr: sympy.Basic, rule: dict) -> sympy.Basic:
    """``expr.xreplace(rule)`` as under SymPy's ``evaluate(False)``: nodes rebuilt around a replacement stay as written.

    The same expression, built without switching SymPy's global ``evaluate`` flag, which
    empties every SymPy cache each time it changes (tests/test_rewrites.py compares).
    """
    replaced = rule.get(expr)
    if replaced is not None:
        return replaced
    if not expr.args:
        return expr
    args = tuple(xreplace_unevaluated(arg, rule) for arg in expr.args)
    return expr if args == expr.args else expr.func(*args, evaluate=False)
