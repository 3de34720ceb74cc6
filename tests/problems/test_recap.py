"""recap: the boxes say only what is true of every sheet they open."""

from generator.pipeline.generate import variant_for_seed
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.recap import FAMILY


def test_the_rules_box_claims_nothing_about_which_rules_the_exercises_use():
    """"The product, quotient and chain rules are the three rules the exercises below combine" was false for sheets whose
    exercises need neither the product nor the quotient rule (TA read); x^n and log x need x > 0."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"topic": "differentiation-rules"}), 1)
    statement, _ = render_part(environment(), FAMILY, variant)
    assert "three rules" not in statement
    assert "the exercises below can be solved with these rules." in statement  # "are worked with": two TA reads
    assert r"(with $x > 0$ where $x^n$ or $\log x$ requires it, and $g(x) \ne 0$ in the quotient rule)" in statement  # g != 0: two TA reads
    german, _ = render_part(environment(language="de"), FAMILY, variant)
    assert r"(mit $x > 0$, wo $x^n$ bzw. $\log x$ dies erfordert, und $g(x) \ne 0$ in der Quotientenregel)" in german  # not "es verlangt" (TA read)


def test_the_information_box_writes_every_quantity_of_pmfs():
    """A TA read H(X) next to H(P_X, P_Y) and D_KL = H(P_X, P_Y) - H(X): one quantity of a variable among those of
    pmfs. The box writes H(P_X) throughout and says once that it is the exercises' H(X)."""
    variant = variant_for_seed(FAMILY, FAMILY.resolve_options({"topic": "information-theory"}), 1)
    statement, _ = render_part(environment(), FAMILY, variant)
    formulas = statement[statement.index(r"\begin{align*}") : statement.index(r"\end{align*}")]
    assert "H(X)" not in formulas and r"H(P_X) &=" in formulas and "= H(P_X, P_Y) - H(P_X)" in formulas
    assert statement.count("H(X)") == 1 and "$H(P_X)$, also written $H(X)$," in statement


def test_a_box_under_a_heading_that_names_it_opens_without_its_bold_name():
    """A TA read: 'Exercise 1: Differentiation rules' and then the box's own 'Rules of differentiation.' said the same
    twice; and the rules box lacked the constant factor rule, which the worked solutions cite."""
    for topic in ("differentiation-rules", "gradient-jacobian-hessian", "information-theory"):
        options = FAMILY.resolve_options({"topic": topic, "titled": False})
        statement, _ = render_part(environment(), FAMILY, variant_for_seed(FAMILY, options, 0))
        assert r"\textbf" not in statement and statement.count(r"\fbox{") == 1
        titled, _ = render_part(environment(), FAMILY, variant_for_seed(FAMILY, FAMILY.resolve_options({"topic": topic}), 0))
        assert r"\textbf{" in titled
    rules, _ = render_part(environment(), FAMILY, variant_for_seed(FAMILY, FAMILY.resolve_options({}), 0))
    assert r"\bigl(c f(x)\bigr) &= c f'(x)" in rules and "a constant $c$" in rules


def test_every_box_says_first_that_it_asks_nothing():
    """A TA read (dl-exercise-sheet-1): 'Exercise 1: Differentiation rules', 'Exercise 2' and 'Exercise 4' ask nothing
    and carry no points, and students looked in them for a task. The reference sheet numbers them as exercises, so the
    numbers stay; each box opens with what it is."""
    for language, note in (("en", "For reference, nothing to hand in"), ("de", "Zum Nachschlagen, nichts abzugeben")):
        for topic in ("differentiation-rules", "gradient-jacobian-hessian", "information-theory"):
            options = FAMILY.resolve_options({"topic": topic, "titled": False})
            statement, solution = render_part(environment(language=language), FAMILY, variant_for_seed(FAMILY, options, 0))
            body = statement[statement.index(r"\begin{minipage}") :].split("\n", 1)[1]
            assert body.startswith(rf"\textit{{{note}") and not solution.strip(), (language, topic)


def test_the_sheet_keeps_the_reference_numbering_and_says_which_exercises_are_recaps(tmp_path):
    import subprocess

    from generator.pipeline.build import build_sheets
    from generator.pipeline.generate import Draw

    (target,) = build_sheets(["dl-exercise-sheet-1"], Draw(6601), tmp_path)
    for document in ("exercise", "solution"):
        pdf = str(target / f"dl-exercise-sheet-1-{document}.pdf")
        text = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True, text=True).stdout
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for heading in ("Exercise 1: Differentiation rules", "Exercise 2: Gradient, Jacobian, Hessian", "Exercise 4: Information theory recap"):
            assert lines[lines.index(heading) + 1].startswith("For reference, nothing to hand in"), (document, heading)
        assert "Exercise 3: Differentiation exercises" in lines and "Exercise 5: Information theory exercises" in lines
