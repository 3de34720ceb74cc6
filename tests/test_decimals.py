from decimal import ROUND_HALF_UP, Decimal, localcontext

import sympy

from generator.kit.decimals import fixed, significant
from generator.pipeline.templating import approximately, decimal

R = sympy.Rational


def test_log_6_rounds_up_in_its_last_digit():
    assert significant(sympy.log(6), 15) == "1.79175946922806"  # a 15-digit float gives ...805
    assert fixed(sympy.log(6), 14) == "1.79175946922806"


def test_an_exact_tie_rounds_away_from_zero_as_a_hand_does():
    """A TA read (EN 8921): -2/64 = -0.03125 printed -0.0312 (ties to even), where a student writes -0.0313."""
    assert significant(R(5, 8), 2) == "0.63" and significant(R(7, 8), 2) == "0.88"
    assert significant(R(3, 2), 15) == "1.50000000000000"
    assert fixed(R(1, 8), 2) == "0.13" and fixed(R(3, 8), 2) == "0.38"
    assert fixed(R(-1, 32), 4) == "-0.0313" and fixed(R(-5, 32), 4) == "-0.1563"


def test_fixed_point_decimals_match_a_60_digit_evaluation():
    values = [sympy.log(n) / d for n in range(2, 40) for d in (1, 2, 3, 7)] + [-sympy.log(3), sympy.exp(-3), sympy.Integer(0)]
    for value in values:
        with localcontext(prec=60):
            reference = Decimal(str(sympy.N(value, 60))).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        assert decimal(value) == str(reference), value


def test_an_exact_decimal_is_written_as_equal_and_another_as_about():
    """3/5 followed by "≈ 0.6000" (TA read, German sheet): a decimal that is exact in four places is equal to it, written
    to the four places asked (a later TA read: fewer places beside a four-place one read as another precision)."""
    assert approximately(sympy.Rational(3, 5), 4, "en") == "= 0.6000"
    assert approximately(sympy.Rational(21, 4), 4, "de") == "= 5{,}2500"
    assert approximately(sympy.Integer(3), 4, "en") == "= 3"
    assert approximately(sympy.Rational(18, 37), 4, "en") == r"\approx 0.4865"
    assert approximately(sympy.Rational(1, 32), 4, "en") == r"\approx 0.0313"  # exact only in five places; the tie rounds up
    assert approximately(sympy.log(2), 4, "en") == r"\approx 0.6931"


def test_where_no_places_are_asked_an_exact_decimal_is_written_as_it_is():
    """The MLE's sigma-hat^2 = 32/5 = 6.4000, where the exercise asks for no decimals, read as rounded to places nobody
    asked for (TA reads, math-background-2 EN 8941 and EN 8943)."""
    assert approximately(sympy.Rational(32, 5), 4, "en", asked=False) == "= 6.4"
    assert approximately(sympy.Rational(21, 4), 4, "de", asked=False) == "= 5{,}25"
    assert approximately(sympy.Rational(38, 7), 4, "en", asked=False) == r"\approx 5.4286"
