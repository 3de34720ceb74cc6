"""The grammar for typed answers: what it reads, and each limit it keeps."""

import time

import pytest
import sympy

from generator.grading.grammar import MAX_DEPTH, MAX_LENGTH, Names, Unreadable, read, read_key
from generator.grading.limits import TooSlow, time_limit
from generator.kit.activations import sigmoid

x, y, x_1, x_2 = sympy.symbols("x y x_1 x_2")
NAMES = Names(frozenset({"x", "y", "x_1", "x_2", "sigma_i", "sigma_j", "delta_ij"}))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2*x*exp(x^2)", 2 * x * sympy.exp(x**2)),
        ("2x e^(x^2)", 2 * x * sympy.exp(x**2)),
        ("x^2/(1+x^2)", x**2 / (1 + x**2)),
        ("x**2", x**2),
        ("ln(x) + log(x, 2) + log2(x) + log_2(x)", sympy.log(x) + 3 * sympy.log(x) / sympy.log(2)),
        ("sqrt(x) sin(x) cos(x) tanh(x)", sympy.sqrt(x) * sympy.sin(x) * sympy.cos(x) * sympy.tanh(x)),
        ("sigma(2x)(1 - σ(2x))", sigmoid(2 * x) * (1 - sigmoid(2 * x))),
        ("pi e", sympy.pi * sympy.E),
        ("1/3 + 0.5", sympy.Rational(1, 3) + sympy.Float(0.5)),
        ("x1 + x2", x_1 + x_2),
        ("xy", x * y),
        ("x(x + 1)", x * (x + 1)),
        ("-x^2", -(x**2)),
        ("2^-1", sympy.Rational(1, 2)),
        ("[1, x; y, 2]", sympy.ImmutableMatrix([[1, x], [y, 2]])),
        ("[[1], [x]]", sympy.ImmutableMatrix([[1], [x]])),
        ("Matrix([\n[1],\n[x]])", sympy.ImmutableMatrix([[1], [x]])),
    ],
)
def test_reads_maths_as_people_type_it(typed, expected):
    assert read(typed, NAMES).value == expected


def test_names_of_the_key_decide_what_a_name_means():
    sigma = sympy.Symbol("sigma")
    assert read("sigma(2)", Names(frozenset({"sigma"}))).value == 2 * sigma
    assert read("sigma_i (delta_ij - sigma_j)", NAMES).value == sympy.sympify("sigma_i*(delta_ij - sigma_j)")
    assert read("z + x", NAMES).unknown == {"z"}


def test_records_what_the_form_needs():
    assert read("1 + 2", NAMES).arithmetic and read("2*3", NAMES).arithmetic
    assert not read("2 sqrt(2)", NAMES).arithmetic and not read("-1/6", NAMES).arithmetic
    assert read("1.099", NAMES).decimal and not read("1099", NAMES).decimal
    assert read("e^x", NAMES).functions == {"exp"}


def test_keys_read_every_name_as_its_own_symbol():
    assert read_key("log(E*pi/18)/2") == sympy.log(sympy.E * sympy.pi / 18) / 2
    assert read_key("xy + S_sum") == sympy.Symbol("xy") + sympy.Symbol("S_sum")


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "x +", "exp(x", "x +* 2", "sin x", "[1, 2; 3]", "[1, 2] + 1", "1/0", "2 3", "??", "log(x, 2, 3)"],
)
def test_malformed_answers_are_unreadable_with_a_reason(typed):
    with pytest.raises(Unreadable) as caught:
        read(typed, NAMES)
    assert str(caught.value)


def test_code_is_never_run():
    with pytest.raises(Unreadable):
        read("__import__('os').system('x')", NAMES)
    with pytest.raises(Unreadable):
        read("x.__class__", NAMES)


def test_limit_length():
    with pytest.raises(Unreadable, match="too long"):
        read("x+" * MAX_LENGTH + "x", NAMES)


def test_limit_bracket_depth():
    with pytest.raises(Unreadable, match="nested too deeply"):
        read("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), NAMES)
    with pytest.raises(Unreadable):  # 10,000 nested brackets: the length limit comes first
        read("(" * 10_000 + "x" + ")" * 10_000, NAMES)


def test_limit_tree_depth_without_brackets():
    with pytest.raises(Unreadable, match="nested too deeply"):
        read("-" * (3 * MAX_DEPTH) + "x", NAMES)


@pytest.mark.parametrize("typed", ["9^9^9", "9^9^9^9", "(2^1000)^1000", "x^100000", "10**5000"])
def test_limit_power_size_refused_before_sympy_computes_it(typed):
    started = time.perf_counter()
    with pytest.raises(Unreadable, match="too large"):
        read(typed, NAMES)
    assert time.perf_counter() - started < 1


def test_limit_time_per_answer():
    started = time.perf_counter()
    with pytest.raises(TooSlow), time_limit(0.2):
        sympy.expand((x + y + 1) ** 200 - (x + 1) ** 200)
    assert time.perf_counter() - started < 2
