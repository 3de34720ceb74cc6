import jinja2
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from generator.pipeline.templating import (
    decimal,
    environment,
    escape_reason,
    escape_text,
)

SPECIALS = "&%$#_{}~^\\"


def test_delimiters_leave_tex_braces_alone():
    template = environment().from_string(r"\frac{<< a|tex >>}{2}<% if b %>\textbf{b}<% endif %><# note #>")
    assert template.render(a=sympy.Symbol("y"), b=True) == r"\frac{y}{2}\textbf{b}"


def test_undefined_names_are_errors():
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("<< missing >>").render()


@pytest.mark.parametrize("char", list(SPECIALS))
def test_special_characters_are_escaped(char):
    assert escape_text(char) != char


@given(st.text(alphabet=st.sampled_from(list(SPECIALS) + list("abc XYZ019.,-éüßÆ`'<>!?")), max_size=40))
def test_escaped_text_reads_back_as_the_original(text):
    # pylatexenc reads \textasciicircum back as the modifier letter U+02C6.
    assert LatexNodes2Text().latex_to_text(escape_text(text)).replace("\u02c6", "^") == text


def test_decimal_rounds_exact_values():
    assert decimal(sympy.log(3)) == "1.0986"
    assert decimal(sympy.Rational(1, 3), 2) == "0.33"


def test_a_reason_keeps_its_maths_and_escapes_its_text():
    assert escape_reason(r"mean of $X$ & 50% off") == r"mean of $X$ {\&} 50{\%} off"
    assert escape_reason(r"$\operatorname{Var}(aX + b) = a^2 \operatorname{Var}(X)$") == (
        r"$\operatorname{Var}(aX + b) = a^2 \operatorname{Var}(X)$"
    )
    with pytest.raises(ValueError, match="unbalanced"):
        escape_reason("costs $5")


def test_a_template_folder_overlays_the_built_in_one_file_by_file(tmp_path):
    """An instructor's folder with sheet.tex.j2 alone still finds every family's template."""
    from generator.pipeline.registry import families
    from generator.pipeline.templating import TEMPLATE_DIR

    (tmp_path / "sheet.tex.j2").write_text("overridden", encoding="utf-8")
    env = environment(tmp_path)
    assert env.get_template("sheet.tex.j2").render() == "overridden"
    for family in families().values():
        assert env.get_template(family.template).filename.startswith(str(TEMPLATE_DIR))
    assert environment().get_template("sheet.tex.j2").filename == str(TEMPLATE_DIR / "sheet.tex.j2")


def test_a_listing_of_whole_numbers_is_separated_by_commas_in_every_language():
    """A TA read 'Die Zahlen 5; 5; 1; 1' (math-background-2 2.4, German, seed 6602): German separates a list in running
    text by semicolons only where a number in it has a decimal comma, which makes a comma ambiguous."""
    numbers = [sympy.Integer(5), sympy.Integer(-2), sympy.Rational(1, 2)]
    for language in ("en", "de"):
        assert environment(language=language).filters["listing"](numbers) == r"$5$, $-2$, $\frac{1}{2}$"
    decimals = [sympy.Float("1.5"), sympy.Integer(2)]
    assert environment(language="de").filters["listing"](decimals) == "$1{,}5$; $2$"
    assert environment().filters["listing"](decimals) == "$1.5$, $2$"


def test_the_mle_sample_and_its_deviations_read_as_a_german_list():
    from generator.pipeline.generate import variant_for_seed
    from generator.pipeline.render import render_part
    from problems.mle import FAMILY

    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"model": "gaussian"}), 3)
    statement, solution = render_part(environment(language="de"), FAMILY, variant)
    data, mean = variant.params.data, sympy.Rational(sum(variant.params.data), len(variant.params.data))
    assert "Die Zahlen " + ", ".join(f"${x}$" for x in data) + " sind" in statement
    assert "gleich " + ", ".join(f"${sympy.latex(x - mean)}$" for x in data) + ", und" in solution
