"""One test per lint rule: a known-bad variant is flagged, a good one is not."""

from dataclasses import dataclass

import sympy

from generator.check import lint
from generator.kit.family import Family, Variant
from generator.kit.notation import WrittenProduct, WrittenSum
from generator.kit.printing import tex
from generator.kit.steps import Chain, Step

x, y, S = sympy.symbols("x y S")


@dataclass(frozen=True)
class Params:
    functions: tuple = ()


@dataclass(frozen=True)
class Answer:
    result: object = None
    worked: tuple = ()


def family(**canonical) -> Family:
    return Family("toy", "a toy", lambda rng, o: Params(), lambda p: Answer(), lambda p, a, r: None, canonical=canonical)


def variant(params=Params(), answer=Answer(), seed=1) -> Variant:
    return Variant("toy", "1", seed, None, {}, params, answer)


def chain(*steps) -> Chain:
    return Chain(tuple(step if isinstance(step, Step) else Step(step) for step in steps))


def rules(findings) -> set[str]:
    return {finding.rule for finding in findings}


def test_repeated_adjacent_factor():
    bad = sympy.Mul(sympy.Integer(4), x, sympy.Mul(x, 3 * x - 2, evaluate=False), evaluate=False)
    written = WrittenProduct(2 * x**2, x * sympy.exp(x), evaluate=False)
    assert rules(lint.repeated_factors(variant(answer=Answer(written)))) == {"repeated-factor"}
    assert not list(lint.repeated_factors(variant(answer=Answer(bad))))  # the printer merges it: 4 x^2 (3x - 2)
    substituted = WrittenProduct(sympy.exp(x), sympy.exp(x), evaluate=False)  # e^x \cdot e^x, a substitution
    assert not list(lint.repeated_factors(variant(answer=Answer(substituted))))
    assert not list(lint.repeated_factors(variant(answer=Answer(sympy.exp(x) * sympy.exp(-y) * sympy.cos(x)))))


def test_repeated_factor_is_read_off_the_printed_latex():
    found = [str(f) for group in lint._groups(r"4 x x \left(3 x - 2\right)") for f in lint._adjacent_repeats(lint._atoms(group))]
    assert found == ["lint repeated-factor: x x"]
    cosines = r"\cos{\left(x \right)} \cos{\left(x \right)}"
    assert rules(lint._adjacent_repeats(lint._atoms(cosines))) == {"repeated-factor"}
    assert not list(lint._adjacent_repeats(lint._atoms(r"\left(e^{x} + 1\right)^{2} \left(e^{2 x} + 1\right)^{2}")))


def test_like_exponentials_side_by_side_are_a_repeated_factor():
    # e^{x} e^{2 x} is e^{3 x}; exponentials of unlike exponents may stand apart
    assert rules(lint._adjacent_repeats(lint._atoms(r"2 x^{2} e^{x} e^{2 x}"))) == {"repeated-factor"}
    assert rules(lint._adjacent_repeats(lint._atoms(r"e^{- 3 x/2} e^{x/2}"))) == {"repeated-factor"}
    assert not list(lint._adjacent_repeats(lint._atoms(r"x e^{x} e^{x^{2}} + e^{x} e^{- y}")))
    quotient_rule = WrittenSum(x * sympy.exp(x), sympy.Mul(-2, x**2, sympy.exp(x), sympy.exp(2 * x), evaluate=False))
    assert not list(lint.repeated_factors(variant(answer=Answer(quotient_rule))))  # the printer merges: 2 x^2 e^{3x}


def test_power_of_a_power():
    assert rules(lint.powers_of_powers(r"\frac{1}{\left(\left(x^{2} + 1\right)^{2}\right)^{2}}")) == {"power-of-power"}
    nested_log = r"\left(\left(\log{\left(x \right)}\right)^{2}\right)^{3}"
    assert rules(lint.powers_of_powers(nested_log)) == {"power-of-power"}
    good = r"\left(\sigma^{2}\right)^{2} \left(x^{2} + 1\right)^{4} \left(\mathbf{A}^{\top}\right)^{-1} \left(\sqrt{x}\right)^{2} \left(x \left(x + 1\right)^{2}\right)^{2}"
    assert not list(lint.powers_of_powers(good))
    assert not list(lint.powers_of_powers(tex(sympy.Pow((x**2 + 1) ** 2, 2, evaluate=False))))


def test_double_negative():
    assert rules(lint.double_negatives(r"\frac{\left(c - (- c)\right)^{2}}{12}")) == {"double-negative"}
    assert rules(lint.double_negatives(r"3 - \left(- 1\right)")) == {"double-negative"}
    assert rules(lint.double_negatives(r"e - \mathopen{}\left(- \frac{1}{2}\right)")) == {"double-negative"}
    assert not list(lint.double_negatives(r"\frac{\left(2 c\right)^{2}}{12} + x - \left(- 2 x + 1\right) - \left(-1, 2\right)"))


def test_glued_coefficient():
    assert rules(lint.glued_coefficients(r"y = 2 \frac{x}{x^{2} + 1}")) == {"glued-coefficient"}
    assert not list(lint.glued_coefficients(r"y = \frac{2 x}{x^{2} + 1} + e^{2} \frac{1}{x}"))


def test_power_of_a_function_application():
    assert rules(lint.function_powers(r"\log{\left(e^{x} + 1 \right)}^{3}")) == {"function-power"}
    assert rules(lint.function_powers(r"\sigma^{2}(x)")) == {"function-power"}
    assert not list(lint.function_powers(r"\left(\log{\left(e^{x} + 1 \right)}\right)^{3} + \tanh^{2}{\left(x \right)}"))
    assert not list(lint.function_powers(r"\mathcal{N}\left(0, \sigma^{2}\right)"))


def test_power_and_bracket_after_a_plainly_bracketed_function():
    assert rules(lint.function_powers(r"\log(e^{x} + 1)^{3}")) == {"function-power"}
    assert not list(lint.function_powers(r"(\log(e^{x} + 1))^{3} + \tanh^{2}(x)"))
    assert rules(lint.bracket_after_function(r"\log(x^{2} + 1) \left(3 x - 1\right)")) == {"bracket-after-function"}
    assert not list(lint.bracket_after_function(r"\left(3 x - 1\right) \log(x^{2} + 1) + \sin(x) \cdot (x + 1)"))


def test_function_bracket_gap():
    for gap in (r"3 x \sin{\left(x \right)}", r"\operatorname{Var}\left(\frac{X}{2}\right)", r"\mathbb{E}\left[\frac{X}{2}\right]"):
        assert rules(lint.function_bracket_gaps(gap)) == {"function-bracket gap"}
    x = sympy.Symbol("x")
    printed = tex(sympy.log(x / 2) + sympy.sin(x) + sympy.tanh(x / 3) ** 2)
    assert not list(lint.function_bracket_gaps(printed + r" + \sigma \left(x + 1\right) + \operatorname{Var}(aX + b)"))


def test_big_bracket_before_a_minus():
    assert rules(lint.big_before_minus(r"\mathcal{N}\big(-9, 36\big)")) == {"big-minus"}
    assert not list(lint.big_before_minus(r"\mathcal{N}\bigl(-9, 36\bigr)"))


def test_a_term_added_with_a_leading_minus():
    assert rules(lint.plus_minus(r"x^{2} + - x^{3} e^{x}")) == {"plus-minus"}
    assert not list(lint.plus_minus(r"x^{2} - x^{3} e^{x} \cdot \left(- 2 e^{- 2 x}\right)"))


def test_a_bracket_right_after_a_function_argument():
    x = sympy.Symbol("x")
    glued = r"\log{\left(x^{2} + 1 \right)} \left(3 x - 1\right)"
    assert rules(lint.bracket_after_function(glued)) == {"bracket-after-function"}
    assert not list(lint.bracket_after_function(tex(sympy.log(x**2 + 1) * (3 * x - 1))))


def test_unevaluated_arithmetic_in_a_result():
    undone = sympy.exp(sympy.Add(1, -1, evaluate=False), evaluate=False)
    assert rules(lint.unevaluated_results(family(), variant(answer=Answer(undone)))) == {"unevaluated"}
    log_one = chain(sympy.log(2), sympy.Add(sympy.log(1, evaluate=False), sympy.log(2), evaluate=False))
    assert rules(lint.unevaluated_results(family(), variant(answer=Answer(worked=(log_one,))))) == {"unevaluated"}
    assert not list(lint.unevaluated_results(family(), variant(answer=Answer(sympy.log(3) / 2))))


def test_a_value_written_in_its_own_order_is_not_unevaluated():
    """-5/e - e, the terms of F(b) - F(a) in the order they were put in (13cbe50), has no arithmetic left; 1 + 1 has."""
    ordered = WrittenSum(-5 / sympy.E, -sympy.E, evaluate=False)
    assert not list(lint.unevaluated_results(family(), variant(answer=Answer(worked=(chain(sympy.Integer(0), ordered),)))))
    undone = WrittenSum(sympy.E, sympy.E, evaluate=False)
    assert rules(lint.unevaluated_results(family(), variant(answer=Answer(worked=(chain(sympy.Integer(0), undone),))))) == {"unevaluated"}


def test_unsubstituted_auxiliary_symbol():
    bad = chain(x**2 / 2, sympy.Mul(1 / S**2, 27, evaluate=False), sympy.Float(0.1875))
    good = chain(x**2 / 2, sympy.Rational(3, 16), sympy.Float(0.1875))
    assert rules(lint.unevaluated_results(family(), variant(answer=Answer(worked=(bad,))))) == {"auxiliary-symbol"}
    assert not list(lint.unevaluated_results(family(), variant(answer=Answer(worked=(good,)))))


def test_functions_of_a_part_that_share_a_worked_part():
    # sin(e^x sin x) and e^x sin x/(cos x + 2) would both work the derivative of e^x sin x
    shared = Params((sympy.sin(sympy.exp(x) * sympy.sin(x)), sympy.exp(x) * sympy.sin(x) / (sympy.cos(x) + 2)))
    assert rules(lint.shared_parts(variant(shared))) == {"shared-part"}
    # e^x and sin x are table entries: two functions may both contain them
    table = Params((sympy.exp(x) * sympy.cos(x), sympy.sin(x) / (sympy.exp(x) + 2), sympy.log(sympy.sin(x) + 2)))
    assert not list(lint.shared_parts(variant(table)))
    several = Params((x * y * sympy.sin(x**2), sympy.sin(x**2) * y))  # functions of x and y are not linted
    assert not list(lint.shared_parts(variant(several)))


def test_repeats_inside_a_part():
    same_shape = Params((x * sympy.cos(x) / (2 * x**2 + 1), x * sympy.cos(x) / (x**2 + 3)))
    assert rules(lint.repeats_in_part(variant(same_shape))) == {"repeat-in-part"}
    half, third, sixth = sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(1, 6)
    permuted = Params(((half, third, sixth), (sixth, half, third)))
    assert rules(lint.repeats_in_part(variant(permuted))) == {"repeat-in-part"}
    same_law = Params(((sympy.Integer(-3), sympy.Integer(4)), (sympy.Integer(-3), sympy.Integer(4))))
    assert not list(lint.repeats_in_part(variant(same_law)))  # U[-3, 4] twice: parameters that sum to 1, no pmf
    interval = Params((-x, x))  # parameters, not functions with a structure
    assert not list(lint.repeats_in_part(variant(interval)))
    different = Params((x * sympy.cos(x) / (2 * x**2 + 1), sympy.exp(x) * sympy.sin(x)))
    assert not list(lint.repeats_in_part(variant(different)))


def test_a_random_seed_must_not_draw_the_canonical_instance():
    canonical = Params((x**2,))
    assert rules(lint.canonical_repeat(family(original=canonical), variant(canonical))) == {"canonical-repeat"}
    assert not list(lint.canonical_repeat(family(original=canonical), variant(Params((x**3,)))))
    assert not list(lint.canonical_repeat(family(original=canonical), variant(canonical, seed=None)))
    # one function of the canonical instance, beside a new one, is a repeat too; its variable alone is not
    with_one = Params((x**3 + 1, x**2))
    assert rules(lint.canonical_repeat(family(original=canonical), variant(with_one))) == {"canonical-repeat"}
    assert not list(lint.canonical_repeat(family(original=Params((x,))), variant(Params((x, x**3)))))


def test_share_of_zero_entries():
    mostly_zero = Answer(sympy.ImmutableMatrix([[2 * x, 0, 0], [0, 3, 0], [0, 0, y]]))
    assert rules(lint.zero_shares(family(), variant(answer=mostly_zero))) == {"zero-share"}
    fine = Answer(sympy.ImmutableMatrix([[2 * x, y, 0], [x, 3, 1], [0, 1, y]]))
    assert not list(lint.zero_shares(family(), variant(answer=fine)))
    assert not list(lint.zero_shares(family(), variant(answer=mostly_zero, seed=None)))  # canonical: as the original


def test_printed_length():
    long = chain(sum(sympy.Symbol(f"a_{i}") * x**i for i in range(12)))
    assert rules(lint.long_lines(family(), variant(answer=Answer(worked=(long,))))) == {"long-line"}
    assert not list(lint.long_lines(family(), variant(answer=Answer(worked=(chain(x**2 + 1),)))))


def test_reorder_only_step():
    e2 = sympy.exp(2)
    reordered = chain(Step(WrittenSum(e2, 1, evaluate=False)), Step(WrittenSum(1, e2, evaluate=False)))
    assert rules(lint.reorder_only_steps(variant(answer=Answer(worked=(reordered,))))) == {"reorder-only"}
    evaluated = chain(Step(WrittenSum(1, 2, evaluate=False)), Step(sympy.Integer(3)))
    assert not list(lint.reorder_only_steps(variant(answer=Answer(worked=(evaluated,)))))


def test_vague_step_reason():
    vague = chain(x * (x + 1), Step(x**2 + x, "simplify"))
    named = chain(x * (x + 1), Step(x**2 + x, "multiply out"))
    assert rules(lint.vague_reasons(variant(answer=Answer(worked=(vague,))))) == {"vague-reason"}
    assert not list(lint.vague_reasons(variant(answer=Answer(worked=(named,)))))


def test_a_pair_of_equals_takes_the_en_dash_in_a_reason():
    hyphen = chain(x * (x + 1), Step(x**2 + x, "matrix-vector product"))
    dash = chain(x * (x + 1), Step(x**2 + x, "matrix–vector product"))
    assert rules(lint.vague_reasons(variant(answer=Answer(worked=(hyphen,))))) == {"hyphenated-pair"}
    assert not list(lint.vague_reasons(variant(answer=Answer(worked=(dash,)))))


def test_overfull_boxes_from_the_log():
    log = (
        "Overfull \\hbox (59.1pt too wide) detected at line 61\n[]\n"
        "Overfull \\hbox (0.4pt too wide) in paragraph at lines 70--71\n"
        "Overfull \\hbox (3.2pt too wide) in paragraph at lines 80--82\n"
        "Overfull \\hbox (12.5pt too wide) in alignment at lines 93--93\n"
    )
    found = [(line, finding.rule) for line, finding in lint.overfull_boxes(log)]
    assert found == [(61, "overfull"), (80, "overfull"), (93, "overfull")]


def test_uncollected_terms_in_a_worked_result():
    rule = Step(WrittenSum(3 * x**2 * sympy.cos(x), x**3 * sympy.cos(x), evaluate=False), "product rule")
    uncollected = chain(rule, Step(x**2 * (x * sympy.cos(x) + 3 * sympy.cos(x) - x * sympy.sin(x)), "factor out $x^{2}$"))
    collected = chain(rule, Step(x**2 * ((x + 3) * sympy.cos(x) - x * sympy.sin(x)), "factor out $x^{2}$"))
    assert rules(lint.uncollected_terms(variant(answer=Answer(worked=(uncollected,))))) == {"uncollected"}
    assert not list(lint.uncollected_terms(variant(answer=Answer(worked=(collected,)))))


def test_half_expanded_sum_in_a_worked_result():
    c = sympy.cos(x) + 2
    rule = Step((x * sympy.cos(x) + sympy.sin(x)) * c + x * sympy.sin(x) ** 2, "quotient rule")
    half = chain(rule, Step(sympy.Add(x * c * sympy.cos(x), x * sympy.sin(x) ** 2, c * sympy.sin(x)), "expand"))
    assert rules(lint.uncollected_terms(variant(answer=Answer(worked=(half,))))) == {"half-expanded"}
    grouped = chain(Step(x * (x + 1) + x), Step(c * (x * sympy.cos(x) + sympy.sin(x)) + x * sympy.sin(x) ** 2, "expand"))
    assert not list(lint.uncollected_terms(variant(answer=Answer(worked=(grouped,)))))


def test_a_product_left_in_a_polynomial_numerator():
    rule = Step(sympy.exp(x) * (3 - x) * (x + 1) + x * sympy.exp(x), "quotient rule")
    half = chain(rule, Step(sympy.exp(x) * (x * (3 - x) + 3), "collect like terms"))
    assert rules(lint.uncollected_terms(variant(answer=Answer(worked=(half,))))) == {"half-expanded"}
    done = chain(rule, Step(sympy.exp(x) * (-(x**2) + 3 * x + 3), "collect like terms"))
    assert not list(lint.uncollected_terms(variant(answer=Answer(worked=(done,)))))
    gaussian = chain(Step(sympy.log(sympy.exp(-((x - 3) ** 2)) / sympy.sqrt(sympy.pi))), Step(-sympy.log(sympy.pi) / 2 - (x - 3) ** 2, "log"))
    assert not list(lint.uncollected_terms(variant(answer=Answer(worked=(gaussian,)))))


def test_a_reason_quotes_a_sum_as_the_line_prints_it():
    ex = sympy.exp(x)
    line = Step(y * WrittenSum(ex, x * ex, evaluate=False), "product rule")
    quoted = r"\left(" + tex(ex + x * ex) + r"\right)"
    other_order = chain(line, Step(y * ex * (x + 1), f"factor $e^{{x}}$ out of ${quoted}$"))
    as_printed = chain(line, Step(y * ex * (x + 1), r"factor $e^{x}$ out of $\left(e^{x} + x e^{x}\right)$"))
    assert tex(ex + x * ex) == "x e^{x} + e^{x}"
    assert rules(lint.quotes_as_written(variant(answer=Answer(worked=(other_order,))))) == {"quote-as-written"}
    assert not list(lint.quotes_as_written(variant(answer=Answer(worked=(as_printed,)))))
    flip = chain(Step((1 - 2 * x) * (4 - x)), Step(sympy.Mul(-1, 4 - x, 2 * x - 1, evaluate=False), "write $1 - 2 x$ as $-(2 x - 1)$"))
    assert not list(lint.quotes_as_written(variant(answer=Answer(worked=(flip,)))))


def test_a_sum_of_table_entries_is_read_off_the_table():
    from generator.kit.differentiation import Piece

    def piece(expr, why):
        return Piece(sympy.Symbol("u"), expr, chain(Step(sympy.exp(x), why)))

    assert rules(lint.sums_from_the_table(variant(answer=Answer(worked=(piece(sympy.exp(x) + 1, "sum rule"),))))) == {"sum-of-table"}
    assert not list(lint.sums_from_the_table(variant(answer=Answer(worked=(piece(sympy.exp(x) + 1, "table of derivatives"),)))))


def test_a_line_naming_parts_covers_its_own_partial_only():
    named = "\\shortintertext{For $\\frac{\\partial f_1}{\\partial x}$, let $u = x^{2} - y$:}\n"
    rows = "\\frac{\\partial u}{\\partial x} &= 2 x \\\\\n\\frac{\\partial f_1}{\\partial x} &= - 2 x \\cos u \\\\\n"
    other = "\\frac{\\partial f_1}{\\partial y} &= \\cos u\n\\end{align*}"
    assert rules(lint.header_scopes(named + rows + other)) == {"header-scope"}
    assert not list(lint.header_scopes(named + rows + "\\shortintertext{For $\\frac{\\partial f_1}{\\partial y}$:}\n" + other))
    recalled = "\\shortintertext{For $\\frac{\\partial f}{\\partial y}$, let $v = \\log u$, with $u$ as above:}\n"
    assert not list(lint.header_scopes(recalled + "\\frac{\\partial u}{\\partial y} &= 2 y \\\\\n\\frac{\\partial f}{\\partial y} &= v\n\\end{align*}"))
    starred = "\\frac{\\partial u}{\\partial y} &= 2 y \\\\*\n\\frac{\\partial f}{\\partial y} &= v\n\\end{align*}"  # no page break: pipeline.breaks
    assert not list(lint.header_scopes(recalled + starred))
    # a line for a partial that names no parts covers that partial only too (the Jacobian's f_2 rows under "For df_1/dy:")
    bare = "\\shortintertext{For $\\frac{\\partial f_1}{\\partial y}$:}\n\\frac{\\partial f_1}{\\partial y} &= 0 \\\\\n"
    assert rules(lint.header_scopes(bare + "\\frac{\\partial f_2}{\\partial x} &= - y^{2}\n\\end{align*}")) == {"header-scope"}
    assert not list(lint.header_scopes(bare + "\\end{align*}"))


def test_a_reason_that_states_a_value_is_no_quotation():
    """``$\\cos \\pi = -1$`` or ``$x = -1$`` states a value; only a quoted sum must appear as the line prints it."""
    line = Step(sympy.cos(sympy.pi) + sympy.Symbol("x"), "")
    stated = chain(line, Step(sympy.Symbol("x") - 1, r"$\sin \pi = 0$, $\cos \pi = -1$"))
    assert not list(lint.quotes_as_written(variant(answer=Answer(worked=(stated,)))))


@dataclass(frozen=True)
class DeadUnit(Answer):
    """An answer that declares its zeros the lesson (backprop: an off ReLU unit zeroes its row of dL/dW)."""

    @property
    def meaningful_zeros(self) -> tuple[str, ...]:
        return ("result",)


def test_zeros_an_answer_declares_meaningful_pass_and_only_those():
    dead_row = sympy.ImmutableMatrix([[0, 0], [2, 4]])
    assert rules(lint.zero_shares(family(), variant(answer=Answer(dead_row)))) == {"zero-share"}
    assert not list(lint.zero_shares(family(), variant(answer=DeadUnit(dead_row))))
