"""The two reference sheets: their canonical instance, and fresh variants that compile."""

import pytest

from generator.pipeline.build import build_sheets, sheet_sources
from generator.pipeline.compile import compile_documents
from generator.pipeline.generate import Draw, sheet_variants
from generator.pipeline.project import Project
from generator.pipeline.registry import families
from generator.pipeline.render import Instance, render_documents, render_exercises
from tests.conftest import pdf_text

REFERENCE = ["idl-math-background", "dl-exercise-sheet-1"]
SEEDS = range(20)

# Values a reader of the original sheets checks first (problem catalogue).
CATALOGUE_DECIMALS = {
    "dl-exercise-sheet-1": ["1.0986", "1.0114", "1.1945", "0.0959", "0.0872"],
    "idl-math-background": [],
}
STATEMENTS = {
    "idl-math-background": ["Exercise 1.1", "Exercise 1.5", "Prove that u = v", "softmax"],
    "dl-exercise-sheet-1": ["Differentiation rules", "Information theory recap", "a constant c", "sigmoid", "its density is constant there"],
}

# Worked solutions name the rule behind each step (solution PDF only).
RULES = {
    "idl-math-background": ["chain rule", "quotient rule", "product rule", "definition of variance"],
    "dl-exercise-sheet-1": ["table of derivatives", "definition of entropy", "definition of KL divergence"],
}


@pytest.fixture(scope="module")
def canonical(tmp_path_factory):
    out = tmp_path_factory.mktemp("canonical")
    return {target.parent.name: target for target in build_sheets(REFERENCE, Draw(None), out)}


@pytest.mark.parametrize("name", REFERENCE)
def test_canonical_build_shows_the_original_exercises_and_answers(canonical, name):
    exercise = pdf_text(canonical[name] / f"{name}-exercise.pdf")
    solution = pdf_text(canonical[name] / f"{name}-solution.pdf")
    for statement in STATEMENTS[name]:
        assert statement in exercise and statement in solution, statement
    for value in CATALOGUE_DECIMALS[name]:
        assert value in solution and value not in exercise, value
    for rule in RULES[name]:
        named = rule in solution or rule[:1].upper() + rule[1:] in solution  # a reason on a line of its own: capitalised
        assert named and rule not in exercise, rule
    assert "Original instance" in exercise and "Solution." not in exercise


@pytest.mark.parametrize("name", REFERENCE)
def test_twenty_seeds_compile(tmp_path, name):
    """Every seed's variants, typeset together in one batched document per kind."""
    project = Project()
    sheet = project.load_sheet(name)
    instances = [
        Instance(f"seed-{seed}", Draw(seed), render_exercises(project.environment(), sheet, sheet_variants(sheet, families(), Draw(seed)), families()))
        for seed in SEEDS
    ]
    sources = render_documents(project.environment(), sheet, instances, families())
    pdfs = compile_documents(sources, tmp_path)
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs.values())


@pytest.mark.parametrize("name", REFERENCE)
def test_random_seeds_give_different_sheets(name):
    sources = [sheet_sources(name, Draw(seed))["exercise"] for seed in (101, 202, 303)]
    assert len(set(sources)) == 3


@pytest.mark.parametrize("draw", [Draw(None), Draw(7412)])
def test_one_symbol_means_one_thing_on_a_page(draw):
    """sigma was the softmax in 1.4 and a normal's deviation in 1.5 on one page; in 1.1(c) v named both the dummy of
    the norm's definition and a given vector (TA read, idl-math-background, seeds 7411 and 7412)."""
    source = sheet_sources("idl-math-background", draw)["exercise"]
    probability = source[source.index("Exercise 1.5") :]
    assert r"\sigma" not in probability and r"\tau" in probability
    assert r"\|\mathbf{w}\| = \sqrt{\langle \mathbf{w}, \mathbf{w} \rangle} , \qquad \mathbf{w} \in V" in source
