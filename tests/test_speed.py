"""Every speed trick gives what the plain computation gives: patches, memos, the per-build record of checks."""

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

from generator import speed

ROOT = Path(__file__).resolve().parents[1]
x, y = sympy.symbols("x y")

WORKLOAD = """
import json, sys
from generator import speed
if sys.argv[1] == "plain":  # every remembered function computes afresh, and nothing is installed
    speed.remembered = lambda maxsize=None: lambda function: function
else:
    speed.install()
from generator.pipeline.generate import canonical_variant, variant_for_seed
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from generator.kit.options import resolve_options

env = environment()
for _ in range(2 if sys.argv[1] == "installed" else 1):  # the second round answers from warm memos
    for name, family in families().items():
        options = resolve_options(family.options, {})
        variants = [variant_for_seed(family, options, seed) for seed in (1, 2)]
        variants += [canonical_variant(family, options, canonical) for canonical in sorted(family.canonical)[:1]]
        for variant in variants:
            print(json.dumps(variant.to_json(), sort_keys=True))
            print(*render_part(env, family, variant), sep="\\n")
"""


def _workload(mode: str, cache: Path) -> list[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    run = subprocess.run([sys.executable, "-c", WORKLOAD, mode], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return run.stdout.splitlines()


@pytest.mark.stress
def test_sheets_are_the_same_without_the_patches_and_the_memos(tmp_path):
    """A fresh process with nothing installed and no memo prints and solves what an installed one does, cold and
    warm, with templates compiled afresh and then read from the template cache."""
    plain = _workload("plain", tmp_path)
    assert not (tmp_path / "sheets").exists()  # nothing installed, nothing written
    for _ in range(2):
        installed = _workload("installed", tmp_path)
        assert any((tmp_path / "sheets" / "templates").iterdir())
        assert len(installed) == 2 * len(plain) > 0
        assert installed[: len(plain)] == plain
        assert installed[len(plain) :] == plain


def test_a_changed_template_is_compiled_again(tmp_path, monkeypatch):
    from generator.pipeline.templating import environment

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.tex.j2").write_text("one << x >>")
    fresh = environment.__wrapped__  # a new environment, as a new process makes
    assert fresh(templates).get_template("t.tex.j2").render(x=1) == "one 1"
    assert fresh(templates).get_template("t.tex.j2").render(x=1) == "one 1"  # from the cache
    (templates / "t.tex.j2").write_text("two << x >>")
    assert fresh(templates).get_template("t.tex.j2").render(x=1) == "two 1"


def test_other_template_settings_never_share_compiled_templates(tmp_path, monkeypatch):
    import jinja2

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    braces, brackets = jinja2.Environment(), jinja2.Environment(variable_start_string="[[", variable_end_string="]]")
    assert speed.template_cache(braces).pattern != speed.template_cache(brackets).pattern


def test_install_twice_installs_once():
    from sympy.printing import precedence
    from sympy.printing import str as str_printer

    speed.install()
    speed.install()
    assert precedence.precedence is speed.remembered_precedence is str_printer.precedence
    assert sympy.Rational.__complex__ is speed.remembered_complex


def test_remembered_precedence_answers_as_sympy_does():
    from sympy.printing.precedence import precedence_Mul

    a = sympy.MatrixSymbol("A", 2, 2)
    products = (sympy.MatMul(-1, a, a), sympy.MatMul(2, a, a), sympy.MatMul(a, a), sympy.MatMul(-x, a), -a)
    products += (sympy.MatMul(sympy.Rational(-1, 2), a, evaluate=False), sympy.MatMul(sympy.Float(-0.5), a, a))
    for expr in (-2 * x, x * y, sympy.Rational(1, 2), sympy.Float(0.5), x + 1, -(x**2), *products):
        assert speed.remembered_precedence(expr) == speed.sympy_precedence(expr), expr
    for product in products:  # SymPy's rule for products, asked of the product itself
        assert speed.remembered_precedence(product) == precedence_Mul(product), product
    assert speed.remembered_precedence(sympy.Matrix([[x]])) == speed.sympy_precedence(sympy.Matrix([[x]]))


def test_remembered_complex_is_sympys_to_the_last_bit():
    rng = random.Random(5)
    numbers = [sympy.Rational(rng.randint(-99, 99), rng.randint(1, 99)) for _ in range(300)]
    for number in numbers + numbers:  # cold, then warm
        assert speed.remembered_complex(number) == sympy.Expr.__complex__(number)


def test_printers_remember_parts_as_they_print_them_afresh():
    from generator.kit.printing import SheetLatexPrinter, SheetStrPrinter, tex, text

    exprs = [sympy.exp(2 * x) * (x + 1), (sympy.exp(2 * x) * (x + 1)) ** 2 / (y - 1), sympy.log(x + y) * sympy.exp(-x / 2)]
    for expr in exprs + exprs:
        assert tex(expr) == SheetLatexPrinter().doprint(expr)
        assert text(expr) == SheetStrPrinter().doprint(expr) == sympy.sstr(expr)


def test_clear_all_empties_every_memo():
    from generator.kit.family import field_names
    from generator.kit.numeric import as_function
    from generator.kit.printing import _PRINTER, tex, text
    from generator.pipeline.generate import Draw, sheet_variants
    from generator.pipeline.registry import families
    from generator.pipeline.sheet import load_sheet

    sheet_variants(load_sheet("idl-math-background", families()), families(), Draw(3))
    tex(x**2 + y), text(x**2 + y), as_function(x**2, (x,))(2.0), field_names(Draw)
    remembered = [memo for memo in speed._MEMOS if hasattr(memo, "cache_info")]
    assert sum(memo.cache_info().currsize for memo in remembered) > 0 and _PRINTER._parts
    speed.clear_all()
    assert [memo for memo in remembered if memo.cache_info().currsize] == []
    assert not _PRINTER._parts
