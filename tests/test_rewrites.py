import sympy

from generator import rewrites
from generator.calculus import coordinates, derivative
from tests.test_calculus import _sheet_functions

x, y, z = coordinates(3)


def _expressions() -> list[sympy.Expr]:
    """What presentable factors: the sheets' functions, their partials and the partials' expansions,
    and the cases SymPy's factor_terms treats specially."""
    functions = _sheet_functions()
    partials = [derivative(f, v) for f in functions for v in (x, y)]
    special = [
        sympy.exp(-(x + 2)) + sympy.exp(-(x + 2)) * x,  # held aside from gcd_terms
        -2 * x - 4 * y,  # a common sign
        x / 2 + y / 4,
        sympy.Sum(2 * x * y + 4 * y, (y, 1, 3)),
        sympy.Integral(3 * x + 6, x),
        sympy.Tuple(2 * x + 2, 3 * y - 3),
        sympy.sqrt(2) * x + sympy.sqrt(2),
        sympy.Integer(6),
    ]
    return functions + partials + [rewrites.expand(p) for p in partials] + special


def test_factor_terms_is_exactly_what_sympy_gives_cold_and_warm():
    expressions = _expressions()
    rewrites._factored.clear()
    for _ in range(2):  # the second round answers from the cache
        for expr in expressions:
            assert sympy.srepr(rewrites.factor_terms(expr)) == sympy.srepr(sympy.factor_terms(expr)), expr


def test_factor_terms_answers_a_repeated_sub_expression_from_the_cache():
    rewrites._factored.clear()
    inner = 2 * x**2 + 4 * x
    rewrites.factor_terms(inner)
    assert (type(inner), inner) in rewrites._factored
    outer = sympy.cos(inner) * (3 * y + 3)
    assert rewrites.factor_terms(outer) == sympy.factor_terms(outer)
    assert (type(outer), outer) in rewrites._factored


def test_expand_is_sympys():
    for expr in _expressions()[:200]:
        assert rewrites.expand(expr) == sympy.expand(expr)


def test_xreplace_unevaluated_is_xreplace_under_evaluate_false():
    """The chain rule puts the inner function back into the outer one's derivative as written."""
    t = sympy.Dummy("t")
    outer_derivatives = [2 * t, 3 * t**2, sympy.exp(t), -sympy.sin(t), sympy.cos(t) / t, 6 * t * sympy.exp(t**2), 1 / (2 * sympy.sqrt(t))]
    inners = [x**3 + x + 1, 2 * x + 4, 1 - x, sympy.exp(2 * x) + 1, 3 * x, sympy.sin(x)]
    for outer in outer_derivatives:
        for inner in inners:
            with sympy.evaluate(False):
                expected = outer.xreplace({t: inner})
            assert sympy.srepr(rewrites.xreplace_unevaluated(outer, {t: inner})) == sympy.srepr(expected), (outer, inner)


def test_no_code_switches_sympys_global_evaluate_flag():
    """Switching it (sympy.evaluate(False)) empties every SymPy cache: once per chain rule, that
    cost a fifth of all generation. Build unevaluated nodes with evaluate=False instead."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("generator", "problems")
        for path in sorted((root / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "sympy.evaluate(" in line or "global_parameters" in line
    ]
    assert offenders == []
