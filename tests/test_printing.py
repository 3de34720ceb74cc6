import sympy

from generator.kit.notation import WrittenProduct, WrittenQuotient, WrittenSum, log2, sigmoid
from generator.kit.printing import bracket, tex, text

x = sympy.Symbol("x")


def test_logs_of_whole_numbers_drop_brackets():
    assert tex(sympy.log(3)) == r"\log 3"


def test_logs_of_expressions_keep_brackets():
    assert tex(sympy.log(1 - x)) == r"\log(1 - x)"


def test_base_two_logs_print_with_subscript():
    assert tex(log2(3)) == r"\log_2 3"
    assert tex(log2(x + 1)) == r"\log_2 (x + 1)"


def test_base_two_log_of_power_of_two_is_exact():
    assert log2(sympy.Rational(1, 8)) == -3
    assert sympy.N(log2(3), 12) == sympy.N(sympy.log(3) / sympy.log(2), 12)


def test_matrices_are_bracketed():
    assert tex(sympy.Matrix([[1, 2], [3, 4]])) == r"\begin{bmatrix}1 & 2\\3 & 4\end{bmatrix}"


def test_matrices_print_as_sympy_prints_them_in_brackets():
    from sympy.printing.latex import LatexPrinter

    sympys = LatexPrinter({"mat_str": "bmatrix", "mat_delim": ""})
    for matrix in [
        sympy.ImmutableMatrix([[x**2 - 1, -1, sympy.exp(x)], [0, -x, 3]]),
        sympy.ImmutableMatrix([x, 1, -2 * x]),
        sympy.ImmutableMatrix([[sympy.ImmutableMatrix([[1, 2]])]]),
        sympy.Matrix([[1, x]]),
    ]:
        assert tex(matrix) == sympys.doprint(matrix), matrix


def test_fractions_in_matrices_print_at_full_size_in_spaced_rows():
    matrix = sympy.ImmutableMatrix([[x / (x**2 + 1), 2], [3, sympy.Rational(-1, 2)]])
    assert tex(matrix) == (
        r"\begin{bmatrix}\displaystyle \frac{x}{x^{2} + 1} & 2\\ \noalign{\vskip 1.5ex}3 & \displaystyle - \frac{1}{2}\end{bmatrix}"
    )


def test_sigmoid_prints_as_sigma():
    assert tex(sigmoid(x) * (1 - sigmoid(x))) == r"\sigma(x) (1 - \sigma(x))"
    assert tex(sigmoid(2 * x) ** 2) == r"(\sigma(2 x))^{2}"


def test_written_sum_keeps_brackets_of_a_subtracted_sum():
    # The product rule on (2 - x)(3 - x) writes -1 (3 - x) + (2 - x)(-1): the second sum is subtracted whole.
    first = sympy.Mul(-1, 3 - x, evaluate=False)
    second = sympy.Mul(-1, 2 - x, evaluate=False)
    assert tex(WrittenSum(first, second, evaluate=False)) == r"- (3 - x) - (2 - x)"


def test_text_is_sympys_own_plain_text():
    from generator.kit.printing import text

    y = sympy.Symbol("y")
    for expr in (x**2 - 3 * x * y + 1, sympy.exp(-x) * (y - x) / (x**2 + 1), -(x + 1) ** 2 + sympy.sin(x + y)):
        assert text(expr) == sympy.sstr(expr)
        assert text(expr) == sympy.sstr(expr)  # the second time from the caches


def test_text_rows_is_sstr_of_the_rows():
    from generator.kit.printing import text_rows

    matrix = sympy.ImmutableMatrix([[x**2 - 3 * x + 1, sympy.Rational(1, 2)], [sympy.exp(-x), -x]])
    assert text_rows(matrix) == sympy.sstr(matrix.tolist()) == "[[x**2 - 3*x + 1, 1/2], [exp(-x), -x]]"


def test_matrix_products_print_as_sympy_prints_them():
    from sympy.printing.latex import LatexPrinter

    a, b = sympy.MatrixSymbol("A", 2, 2), sympy.MatrixSymbol("B", 2, 2)
    v = sympy.ImmutableMatrix([x, 1])
    products = [
        sympy.MatMul(-1, a, b),
        sympy.MatMul(-3, a, v),
        sympy.MatMul(sympy.Rational(-1, 2), a, evaluate=False),
        sympy.MatMul(2, a, b),
        sympy.MatMul(a, sympy.MatMul(b, a, evaluate=False), evaluate=False),
        sympy.MatMul(a, a + b),
        sympy.MatMul(-x, a),
        sympy.MatMul(sympy.ImmutableMatrix([[1, -2], [0, 3]]), v, evaluate=False),
    ]
    class HouseBrackets(LatexPrinter):  # SymPy's printing with the one bracket rule (printing.bracket)
        def _add_parens(self, s):
            return bracket(s)

    sympys = HouseBrackets({"mat_str": "bmatrix", "mat_delim": ""})
    for product in products:
        assert tex(product) == sympys.doprint(product), product


def test_a_sum_of_functions_opens_with_a_positive_term_when_it_has_one():
    a, b = sympy.symbols("a b", real=True)
    assert tex(-b * sympy.sin(b) + 2 * sympy.cos(b)) == r"2 \cos(b) - b \sin(b)"
    assert tex(1 - sympy.exp(a) * b) == r"1 - b e^{a}"
    assert tex(-sympy.exp(a) - 1) == r"- e^{a} - 1"
    assert tex(sympy.Rational(-7, 8) + 3 * sympy.log(3) / 4) == r"\frac{3}{4} \log 3 - \frac{7}{8}"


def test_a_polynomial_keeps_its_monomial_order():
    a, b = sympy.symbols("a b", real=True)
    assert tex(-3 * a**2 + a * b + b**2) == "- 3 a^{2} + a b + b^{2}"
    assert tex(1 - a - 2 * b) == "- a - 2 b + 1"


def test_sums_print_in_sympys_order_with_the_remembered_complex():
    """Term order depends on each coefficient's complex() (remembered per number here); a plain
    SymPy process, without the project imported, prints the same sums the same way."""
    import random
    import subprocess
    import sys

    from generator.kit.printing import text

    rng = random.Random(3)
    y = sympy.Symbol("y")
    numbers = [sympy.sqrt(2), sympy.log(3), sympy.pi / 3, sympy.Rational(7, 5)]
    sums = [
        sympy.Add(
            *(sympy.Rational(rng.randint(-9, 9), rng.randint(1, 9)) * rng.choice([x, y, x * y, x**2, 1]) for _ in range(4)),
            rng.choice(numbers),
        )
        for _ in range(150)
    ]
    # The evalf route is not always the correctly rounded p / q: the remembered value is SymPy's own.
    assert complex(sympy.Rational(9, 11)) != complex(9 / 11)
    script = "import sys, sympy\nfor line in sys.stdin: print(sympy.sstr(sympy.parse_expr(line, evaluate=False).doit()))"
    plain = subprocess.run(
        [sys.executable, "-c", script], input="\n".join(sympy.srepr(s) for s in sums), capture_output=True, text=True, check=True
    )
    assert plain.stdout.splitlines() == [text(s) for s in sums]


def test_power_of_a_function_application_brackets_the_application():
    assert tex(sympy.log(sympy.exp(x) + 1) ** 3) == r"(\log(e^{x} + 1))^{3}"
    assert tex(1 / sympy.log(x) ** 2) == r"\frac{1}{(\log(x))^{2}}"
    assert tex(sympy.sqrt(sympy.log(x))) == r"\sqrt{\log(x)}"


def test_trigonometric_powers_keep_the_course_convention():
    assert tex(sympy.tanh(x) ** 2) == r"\tanh^{2}(x)"


def test_fractions_in_exponents_use_a_slash():
    assert tex(sympy.exp(-3 * x / 2) / 2) == r"\frac{e^{- 3 x/2}}{2}"
    assert tex(sympy.exp(x / (sympy.cos(x) + 2))) == r"e^{x/(\cos(x) + 2)}"
    assert tex(x ** sympy.Rational(3, 2)) == r"x^{3/2}"
    # the same sub-expression outside an exponent is still a stacked fraction
    assert tex(3 * x / 2 + sympy.exp(3 * x / 2)) == r"\frac{3 x}{2} + e^{3 x/2}"


def test_a_number_joins_the_numerator_of_an_unevaluated_quotient():
    assert tex(sympy.Mul(2, x / (x**2 + 1), evaluate=False)) == r"\frac{2 x}{x^{2} + 1}"


def test_an_unevaluated_product_merges_like_bases_and_numbers():
    assert tex(sympy.Mul(4, x, sympy.Mul(x, 3 * x - 2, evaluate=False), evaluate=False)) == r"4 x^{2} (3 x - 2)"
    assert tex(sympy.Mul(sympy.cos(x), sympy.cos(x), evaluate=False)) == r"\cos^{2}(x)"
    assert tex(sympy.Mul(2, x + 1, evaluate=False)) == r"2 (x + 1)"
    # a cancellation stays visible
    assert tex(sympy.Mul(x, 2, 1 / x, evaluate=False)) == r"\frac{2 x}{x}"


def test_a_fraction_in_front_of_a_matrix_is_not_bracketed():
    m = sympy.ImmutableMatrix([[1, 2], [3, 4]])
    assert tex(sympy.MatMul(sympy.Rational(1, 81), m, evaluate=False)).startswith(r"\frac{1}{81} \begin{bmatrix}")


def test_a_fraction_never_stands_in_a_fractions_numerator():
    assert tex(sympy.Rational(2, 3) * sympy.log(sympy.Rational(3, 2))) == r"\frac{2}{3} \log \frac{3}{2}"
    assert tex(-sympy.Rational(1, 6) * sympy.log(sympy.Rational(4, 15))) == r"- \frac{1}{6} \log \frac{4}{15}"
    assert tex(sympy.Rational(2, 3) * sympy.log(3)) == r"\frac{2}{3} \log 3"  # as the course writes it
    assert tex(sympy.Rational(3, 2) * x) == r"\frac{3 x}{2}"  # no fraction inside: one bar


def test_sigmoid_brackets_grow_around_a_fraction():
    assert tex(sigmoid(x / 2)) == r"\sigma\mathopen{}\left(\frac{x}{2}\right)"


def test_logs_of_numbers_print_without_brackets_logs_of_letters_with_them():
    assert tex(sympy.log(sympy.pi)) == r"\log \pi"
    assert tex(sympy.log(sympy.pi / 50)) == r"\log \frac{\pi}{50}"
    assert tex(sympy.log(x)) == r"\log(x)"


def test_exponentials_come_before_bracketed_sums_and_other_functions_after_them():
    sin, cos = sympy.sin(x), sympy.cos(x)
    assert tex(2 * sympy.exp(2 * x) * sin * (sin + cos)) == (
        r"2 e^{2 x} (\sin(x) + \cos(x)) \sin(x)"
    )
    assert tex((x + 1) ** 2 * sympy.exp(-x) / (x + 2)) == r"\frac{e^{- x} (x + 1)^{2}}{x + 2}"
    # never log(x^2 + 1)(3x - 1), which reads as one argument
    assert tex(sympy.log(x**2 + 1) * (3 * x - 1)) == r"(3 x - 1) \log(x^{2} + 1)"


def test_a_function_of_a_quotient_above_a_fraction_bar_writes_the_quotient_with_a_slash():
    inner = x**3 / (x + 1)
    assert tex(sympy.cos(inner) / (x + 1) ** 2) == (
        r"\frac{\cos(x^{3}/(x + 1))}{(x + 1)^{2}}"
    )
    assert tex(sympy.cos(inner)) == r"\cos\mathopen{}\left(\frac{x^{3}}{x + 1}\right)"  # no bar around it: stacked


def test_a_power_of_a_power_with_whole_exponents_is_one_power():
    # the quotient rule's v^2 for v = (x^2 + 1)^2: never ((x^2 + 1)^2)^2
    v = (x**2 + 1) ** 2
    assert tex(sympy.Pow(v, 2, evaluate=False)) == r"(x^{2} + 1)^{4}"
    square = sympy.Pow(sympy.Pow(v, 2, evaluate=False), -1, evaluate=False)
    assert tex(sympy.Mul(sympy.cos(x), square, evaluate=False)) == r"\frac{\cos(x)}{(x^{2} + 1)^{4}}"
    assert tex(sympy.Pow(sympy.Pow(sympy.log(x), 2, evaluate=False), 3, evaluate=False)) == r"(\log(x))^{6}"
    assert tex(sympy.Pow(sympy.sqrt(x + 1), 2, evaluate=False)) == r"(\sqrt{x + 1})^{2}"  # a root stays a root
    sigma = sympy.Symbol("sigma", positive=True)
    assert tex(sympy.Pow(sigma**2, 2, evaluate=False)) == r"(\sigma^{2})^{2}"  # substituted, squared next


def test_like_exponentials_merge_into_one_power():
    # the quotient rule's x^2 e^x times 2 e^{2x}: never 2 x^2 e^x e^{2x}
    from generator.kit.differentiation import written_product

    exp = sympy.exp
    assert tex(written_product(-1, x**2 * exp(x), 2 * exp(2 * x))) == r"- 2 x^{2} e^{3 x}"
    assert tex(sympy.Mul(exp(x), exp(2 * x), x, evaluate=False)) == r"x e^{3 x}"
    assert tex(sympy.Mul(exp(-3 * x / 2), exp(-x / 2), evaluate=False)) == r"e^{- 2 x}"
    # unlike exponents stay apart, as SymPy keeps them
    assert tex(written_product(exp(x), exp(x**2))) == r"e^{x} e^{x^{2}}"
    assert tex(sympy.Mul(2, exp(x), exp(-sympy.Symbol("y")), evaluate=False)) == r"2 e^{x} e^{- y}"
    # exponentials that cancel are shown as substituted, with a dot: cancelling is the next step
    assert tex(written_product(-1, exp(x), 2 * exp(-x))) == r"- e^{x} \cdot 2 e^{- x}"


PRINTING_HOOKS = ("_latex", "_sympystr", "_pretty")


def test_no_class_of_the_kit_or_of_a_family_prints_itself():
    """House notation is printed in one place, the printers' ``_print_<Node>`` methods: a node with a
    ``_latex`` hook would print one way here and another way in SymPy's printers, unseen by the style."""
    import importlib
    import pkgutil

    import generator.kit
    import problems

    hooked = []
    for package in (generator.kit, problems):
        for module_info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                if isinstance(value, type) and value.__module__ == module.__name__:
                    hooked += [f"{value.__qualname__}.{hook}" for hook in PRINTING_HOOKS if hook in vars(value)]
    assert hooked == []


def test_a_written_sum_of_matrices_is_a_matrix_sum_printed_in_the_order_given():
    from generator.kit.linalg import matrix, scaled, vector
    from generator.kit.notation import Top, WrittenMatrixSum, written_sum

    n = sympy.Symbol("n", integer=True, positive=True)
    v, m = vector("x", n), matrix("A", n, n)
    total = written_sum(scaled(-3, m, v), v, scaled(-1, Top(m), v))
    assert isinstance(total, WrittenMatrixSum) and total.shape == (n, 1)
    assert tex(total) == r"- 3 \mathbf{A} \mathbf{x} + \mathbf{x} - \mathbf{A}^\top \mathbf{x}"
    assert written_sum(v) == v


def test_text_of_the_notation_is_what_sympify_reads_back():
    from generator.kit.notation import Bracketed, EuclideanNorm
    from generator.kit.printing import text

    y = sympy.Symbol("y")
    assert sympy.sympify(text(2 * sigmoid(x) ** 2)) == 2 / (1 + sympy.exp(-x)) ** 2
    assert sympy.sympify(text(EuclideanNorm(x - 1, y))) == sympy.sqrt((x - 1) ** 2 + y**2)
    assert text(Bracketed(x + 1)) == "(x + 1)"
    assert tex(WrittenSum(Bracketed(x + 1), sympy.Mul(-1, Bracketed(y + 2), evaluate=False), evaluate=False)) == (
        r"(x + 1) - (y + 2)"
    )


def test_a_written_sum_never_prints_plus_minus():
    from generator.kit.notation import WrittenProduct

    product = WrittenProduct(-(x**3) * sympy.exp(x), -2 * sympy.exp(-2 * x), evaluate=False)
    printed = tex(WrittenSum(x**2, product, evaluate=False))
    assert "+ -" not in printed and printed.startswith(r"x^{2} - x^{3} e^{x} \cdot")


def test_the_polynomial_terms_of_a_sum_stand_together():
    """SymPy orders terms by degree and splits ``3x + 3`` around ``(x + 3) e^{2x}``; a hand writes the polynomial part in one piece."""
    x = sympy.Symbol("x")
    assert tex(3 * x + (x + 3) * sympy.exp(2 * x) + 3) == r"3 x + 3 + e^{2 x} (x + 3)"
    assert tex(x * sympy.cos(x) + sympy.sin(x)) == r"x \cos(x) + \sin(x)"
    assert tex(x**2 + 2 * x + 1) == "x^{2} + 2 x + 1"


def test_every_function_application_sits_against_its_bracket():
    """One rule (``applied``): plain brackets, stretched ones with ``\\mathopen{}`` around a fraction; SymPy's
    ``\\sin{(x )}`` prints with a gap, ``sin (x)``."""
    from generator.kit.notation import Expectation, RandomVariable, Variance

    assert tex(3 * x * sympy.sin(x)) == r"3 x \sin(x)"
    assert tex(sympy.exp(sympy.sin(x) * sympy.cos(x))) == r"e^{\sin(x) \cos(x)}"
    assert tex(1 - sympy.tanh(3 * x / 2) ** 2) == r"1 - \tanh^{2}\mathopen{}\left(\frac{3 x}{2}\right)"
    assert tex(sympy.log(2 * sympy.pi) / 2) == r"\frac{1}{2} \log(2 \pi)"
    assert tex(sympy.Function("g")(x)) == "g(x)"
    variable = RandomVariable("X", 0, 1)
    assert tex(Variance(variable)) == r"\operatorname{Var}(X)"
    assert tex(Expectation(variable / 2)) == r"\mathbb{E}\mathopen{}\left[\frac{X}{2}\right]"


def test_a_polynomial_in_several_variables_is_graded_by_degree():
    """Quadratic terms, then linear ones, then the constant, as a TA writes the check polynomial of 1.2c."""
    x1, x2, x3 = sympy.symbols("x_1 x_2 x_3")
    polynomial = -5 * x1 * x2 - 3 * x1 * x3 + 3 * x1 + 3 * x2**2 - 3 * x2 - x3 + 4
    assert tex(polynomial) == r"- 5 x_{1} x_{2} - 3 x_{1} x_{3} + 3 x_{2}^{2} + 3 x_{1} - 3 x_{2} - x_{3} + 4"
    assert tex(x**3 - 2 * x + 1) == r"x^{3} - 2 x + 1"


def test_whole_numbers_of_five_digits_or_more_are_grouped_alike_in_every_family():
    """A TA read: Bayes wrote 9,200 and 2,172 on the page where conv-shapes wrote 9616 and 10288. Five digits and more
    are grouped in threes ({,} in English, a thin space in German), four digits stay whole."""
    from generator.kit.language import speaking

    assert (tex(sympy.Integer(10288)), tex(sympy.Integer(9616)), tex(sympy.Integer(-123456))) == ("10{,}288", "9616", "-123{,}456")
    assert tex(sympy.Float(2979.958)) == "2979.958" and tex(sympy.Float(0.12345)) == "0.12345"  # no decimal's digits
    with speaking("de"):
        assert tex(sympy.Integer(10288)) == r"10\,288"


def test_a_bracketed_difference_of_two_terms_opens_with_the_positive_one():
    """A TA read (idl-math-background 1.3(c), German, seed 6602): 2(-x^2 + y) under "factor out 2" and in J_f."""
    x, y = sympy.symbols("x y", real=True)
    assert tex(sympy.factor_terms(-2 * x**2 + 2 * y)) == "2 (y - x^{2})"
    assert tex(-(x**2) + y) == "- x^{2} + y"  # standing alone: monomial order
    assert tex(sympy.exp(x) * (-(x**2) + 4 * x + 4)) == "e^{x} (- x^{2} + 4 x + 4)"  # three terms: the powers in order


def test_a_negated_sum_with_a_fraction_takes_brackets_as_tall_as_the_fraction():
    """A TA read (idl-math-background 1.3(a), German 8952): -(log(1 + e^{-x}) - x/(e^x + 1)) in plain brackets, the
    closing one at the baseline beside the fraction, read as closing inside it. A flat sum keeps plain ones."""
    tall = sympy.Mul(-1, sympy.log(1 + sympy.exp(-x)) - x / (sympy.exp(x) + 1), evaluate=False)
    assert tex(tall) == r"- \mathopen{}\left(\log(1 + e^{- x}) - \frac{x}{e^{x} + 1}\right)"
    assert tex(sympy.Mul(-1, sympy.log(1 + sympy.exp(-x)) - x, evaluate=False)) == r"- (\log(1 + e^{- x}) - x)"


def test_answers_json_writes_a_quotient_as_the_sheet_writes_it_and_reads_back_to_its_value():
    """answers.json showed a Bayes step's 2000/118 by its value, (99/2000)*(1000/59), beside the reason "cancel 2000"."""
    x = sympy.Symbol("x")
    for quotient, written in [
        (WrittenQuotient(2000, 118), "(2000/118)"),
        (WrittenQuotient(sympy.Rational(3, 8), sympy.Rational(9, 20)), "((3/8)/(9/20))"),
        (WrittenQuotient(16 * x - 80, 2 * x**2), "((16*x - 80)/(2*x**2))"),
    ]:
        assert text(quotient) == written
        assert sympy.simplify(sympy.sympify(written, locals={"x": x}) - quotient.doit()) == 0


def test_a_written_product_sets_no_dot_between_two_brackets():
    """(6 - lambda)(3 - lambda), as a hand writes it (a TA read, German 9612); numbers and a function before a bracket
    keep the dot, as the formulas they are put into write it: 2 . (3 - 1), 2 . (-3), sigma(x) . (1 - sigma(x))."""
    lam = sympy.Symbol("lambda")
    assert tex(WrittenProduct(6 - lam, 3 - lam, evaluate=False)) == r"(6 - \lambda) (3 - \lambda)"
    # the same bracket twice keeps its dot: two values put into two places, not a factor printed twice (the lint's
    # repeated-factor, product-variance with X and Y alike)
    same = sympy.Add(sympy.Rational(1, 4), sympy.Pow(sympy.Rational(1, 2), 2, evaluate=False), evaluate=False)
    assert r"\cdot" in tex(WrittenProduct(same, same, evaluate=False))
    two = sympy.Integer(2)
    assert tex(WrittenProduct(two, sympy.Add(3, -1, evaluate=False), evaluate=False)) == r"2 \cdot (3 - 1)"
    assert tex(WrittenProduct(2, -3, evaluate=False)) == r"2 \cdot (-3)"
    assert tex(WrittenProduct(sigmoid(x), 1 - sigmoid(x), evaluate=False)) == r"\sigma(x) \cdot (1 - \sigma(x))"


def test_a_negated_written_product_keeps_its_order():
    """-1 times sin(x) . (...) was printed -(...) sin(x), beside "factor out -sin(x)" (a TA read, EN 9612)."""
    product = sympy.Mul(-1, WrittenProduct(sympy.sin(x), x + sympy.log(x), evaluate=False), evaluate=False)
    assert tex(product) == r"- \sin(x) \cdot (x + \log(x))"


def test_a_product_after_a_derivative_operator_is_bracketed_as_a_sum_is():
    """A TA read (EN 9691): d/dx_k 3 sum_i sum_j M_ij x_i x_j read the 3 as standing apart from what is differentiated."""
    x, y = sympy.symbols("x y")
    assert tex(sympy.Derivative(3 * x * y, x)) == r"\frac{\partial}{\partial x} (3 x y)"
    assert tex(sympy.Derivative(x * y + 1, x)) == r"\frac{\partial}{\partial x} (x y + 1)"
    assert tex(sympy.Derivative(sympy.sin(x), x)) == r"\frac{d}{d x} \sin(x)"


def test_a_log_base_2_of_a_slashed_quotient_is_bracketed():
    """"log_2 p(x) = -log_2 5/2" in a line of text read as half of log_2 5 (a TA read, German bank sheet 9763)."""
    from generator.kit.notation import log2
    from generator.kit.printing import inline

    assert inline(-log2(sympy.Rational(5, 2))) == r"- \log_2 (5/2)"
    assert tex(-log2(sympy.Rational(5, 2))) == r"- \log_2 \frac{5}{2}" and inline(log2(3)) == r"\log_2 3"
