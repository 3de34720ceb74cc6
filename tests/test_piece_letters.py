"""The letters naming the parts of a worked derivative keep one role on a page, and a constant factor taken out
is named in the step's reason (a TA read of derivatives-and-entropy)."""

import sympy

from generator.kit.differentiation import differentiate, named_alike, worked_partial

x = sympy.Symbol("x", real=True)
y = sympy.Symbol("y", real=True)


def letters(f: sympy.Expr) -> list[tuple[str, sympy.Expr]]:
    return [(piece.name.name, piece.expr) for piece in differentiate(f, x).pieces]


def test_the_quotient_rule_names_its_parts_u_and_v_and_the_chain_rule_its_inner_function_g():
    """Seed 2: u = sin x was the numerator for f_1; for another function u named an inner function."""
    assert letters(sympy.sin(x) / (x**2 + 1)) == [("u", sympy.sin(x)), ("v", x**2 + 1)]
    assert letters(sympy.log(x**2 + 1) * sympy.cos(x)) == [("g", x**2 + 1), ("u", sympy.log(x**2 + 1)), ("v", sympy.cos(x))]
    assert letters(sympy.exp(sympy.sin(x) / (x**2 + 1)))[-1] == ("g", sympy.sin(x) / (x**2 + 1))


def test_several_inner_functions_are_numbered():
    assert letters(sympy.sin(sympy.exp(x**2))) == [("g_1", x**2), ("g_2", sympy.exp(x**2))]


def test_no_part_is_named_p_or_q_which_the_entropy_exercise_uses_for_probabilities():
    """Seed 1, f_1: p = e^{2x} and q = e^{2x} + 1 on a sheet whose next exercise has probabilities p."""
    named = letters(sympy.sin(x) * sympy.cos(x) / (sympy.exp(2 * x) + 1))
    assert [name for name, _ in named] == ["u", "v", "w", "r", "s"]


def test_partials_printed_together_keep_the_roles_of_their_letters():
    f = sympy.exp(x**2) * sympy.log(x**2 + y**2 + 1)
    named = named_alike([worked_partial(f, x), worked_partial(f, y)])
    roles = {piece.name.name: piece.inner for worked in named for piece in worked.pieces}
    assert roles == {"g_1": True, "u": False, "g_2": True, "v": False}


def test_a_constant_factor_taken_out_of_a_term_is_named_beside_the_sum_rule():
    """d/dx (x^2 y^2 + 1) = 2x y^2 read "sum rule; table of derivatives": y^2 comes out by the constant factor rule."""
    (step,) = worked_partial(x**2 * y**2 + 1, x).derivative.steps
    assert step.why == "constant factor, sum rule; table of derivatives"
    (step,) = worked_partial(y * sympy.exp(x) + x, x).derivative.steps  # both terms read off the table (TA read, DE 8934)
    assert step.why == "constant factor, sum rule; table of derivatives"
    (step,) = worked_partial(3 * x**2 + y, x).derivative.steps  # a number in front is read off the table
    assert step.why == "sum rule; table of derivatives; $y$ does not depend on $x$"


def test_a_term_named_as_a_part_is_read_from_its_line_not_from_the_table():
    """d/dx (x^2 + e^{x^2}) names g = x^2 and works g' = 2x on a line of its own: the sum rule then reads 2x from that
    line, and "sum rule; table of derivatives" named the table for nothing (a TA read, German 9002 1.3(c))."""
    worked = worked_partial(x**2 + sympy.exp(x**2), x)
    assert [(piece.name.name, piece.expr) for piece in worked.pieces] == [("g", x**2), ("u", sympy.exp(x**2))]
    assert worked.derivative.steps[0].why == "sum rule"
    assert sympy.simplify(worked.derivative.result - sympy.diff(x**2 + sympy.exp(x**2), x)) == 0


def test_the_base_of_a_reciprocal_is_the_chain_rules_inner_function():
    """A TA read (idl-math-background EN 6611, 1.3(c)): d/dy x cos(x)/(e^{2y} + 1) named v = e^{2y} + 1 beside
    u = e^{2y} and then worked it by the "chain rule", where v is the inner function, which the sheet names g."""
    assert letters(1 / (sympy.exp(2 * x) + 1)) == [("u", sympy.exp(2 * x)), ("g", sympy.exp(2 * x) + 1)]


def test_a_part_that_is_a_quotient_is_named_with_a_slash_in_running_text():
    """A TA read (idl-math-background 1.3(a), German 8944): "g = x/(cos(x) + 2)" stood stacked in the naming line, too
    small to read; the chain rule's inner function keeps its order as its function prints it (g = 2x^2 - x^3)."""
    from generator.pipeline.templating import environment

    template = environment().from_string('<% from "macros/parts.tex.j2" import named_parts %><< named_parts(w.pieces) >>')
    quotient = template.render(w=differentiate(sympy.cos(x / (sympy.cos(x) + 2)), x))
    assert r"$g = x/(\cos(x) + 2)$" in quotient and r"\frac" not in quotient
    assert r"$g = 2 x^{2} - x^{3}$" in template.render(w=differentiate(sympy.exp(2 * x**2 - x**3) * sympy.sin(x), x))
