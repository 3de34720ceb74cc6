from typer.testing import CliRunner

from generator.check.stress import stress_family
from generator.cli import app
from generator.pipeline.registry import families
from generator.pipeline.templating import environment
from tests.test_generate import make_family, require


def test_report_lists_failing_seeds_and_statistics(tmp_path):
    (tmp_path / "problems").mkdir()
    (tmp_path / "problems" / "toy.tex.j2").write_text(
        "<% macro statement(p, a) %><< p.value >><% endmacro %><% macro solution(p, a) %><< a.value >><% endmacro %>"
    )
    family = make_family(check=lambda params, answer, rng: require(params.value != 4, "four is unlucky"))
    report = stress_family(family, {}, seeds=40, env=environment(tmp_path))
    assert report.seeds == 40 and len(report.milliseconds) == 40
    assert report.failures and all("four is unlucky" in message for _, message in report.failures)
    assert report.distinct == 9  # values 0..9 except the failing 4
    assert "FAILED" in report.summary()


def test_real_family_passes_and_compiles(tmp_path):
    report = stress_family(families()["entropy"], {"outcomes": 3, "count": 2, "unit": "bits"}, 10, True, tmp_path)
    assert not report.failures and report.distinct == 10


def test_check_command_exits_non_zero_only_on_failure():
    ok = CliRunner().invoke(app, ["check", "entropy", "--seeds", "20"])
    assert ok.exit_code == 0 and "entropy" in ok.output and "ok" in ok.output
    bad = CliRunner().invoke(app, ["check", "nosuch"])
    assert bad.exit_code == 1 and bad.output.startswith("error: unknown family 'nosuch'")


def test_check_covers_the_options_the_project_sheets_use():
    result = CliRunner().invoke(app, ["check", "gradient", "--seeds", "3"])
    assert result.exit_code == 0, result.output
    lines = [line.split()[0:6] for line in result.output.splitlines()]
    assert any("kind=norm)" in " ".join(line) for line in lines)  # sheet A's 1.3b, not the default composition
    given = CliRunner().invoke(app, ["check", "gradient", "--seeds", "3", "-o", "n=3"])
    checked = [line for line in given.output.splitlines() if " ok " in line]
    assert checked and all("n=3" in line for line in checked)  # an option given on the command line holds throughout


def test_a_paragraph_of_unbreakable_formulas_gets_extra_stretch_not_an_overfull_line(tmp_path):
    """German's longer words left 'Wir benennen die Teilausdrücke, ... $v = \\sin(e^{x})$ und $w = \\cos(x)$.' no good
    line breaks (formulas never break) and pdflatex set a line 4.3 pt into the margin (tangent-line level 2, a seed of
    'sheets check --compile --language de'); the sheet's \\emergencystretch gives such a paragraph a third pass."""
    from generator.check.stress import _compile_batch
    from generator.kit.options import resolve_options
    from generator.pipeline.generate import variant_for_seed

    family = families()["tangent-line"]
    variant = variant_for_seed(family, resolve_options(family.options, {"level": 2}), 11856010212522641316)
    assert _compile_batch(family, [variant], tmp_path, "de") == []
    source = next(tmp_path.glob("*/solution.tex")).read_text(encoding="utf-8")
    assert r"$u = \sin(e^{x})$ und $v = \cos(x)$" in source
