"""German for every problem family (issue 21): each family's template sentences and step reasons.

Three views: the catalogue (every family message has a real German translation), every option
combination of every family rendered in German (no English words outside the maths, cheap and
broad), and one compiled German sheet with every family read back with pdftotext, as a student
reads it.
"""

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator.i18n import catalogue_path
from generator.kit.options import BoolOption, ChoiceOption, IntOption, OptionError
from generator.pipeline.build import build_sheets
from generator.pipeline.generate import Draw, variant_for_seed
from generator.pipeline.project import Project
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from tests.test_i18n import translation_problems

ROOT = Path(__file__).resolve().parent.parent
FAMILY_SOURCES = ("templates/problems/", "problems/")
ENGINE_TEMPLATE = "templates/problems/recap.tex.j2"
"""The recap boxes are the engine's text (tests/test_i18n.py), every other family template is a family's."""

# English words and phrases of the family templates and reasons that no German sentence contains.
# Loanwords German courses use as they are (Sigmoid, Softplus, Pooling, Padding, Kernel, Bias, Spam, E-Mail) and
# words German shares (Patient, in, so) are not listed.
ENGLISH_WORDS = [
    "the",
    "and",
    "of",
    "with",
    "for",
    "is",
    "are",
    "by",
    "from",
    "each",
    "where",
    "that",
    "its",
    "to",
    "as",
    "at",
    "on",
    "one",
    "Compute",
    "Find",
    "Let",
    "Hence",
    "Write",
    "Give",
    "Determine",
    "Prove",
    "Take",
    "Expand",
    "Substitute",
    "Check",
    "Note",
    "Here",
    "rule",
    "multiply",
    "cancel",
    "derivative",
    "derivatives",
    "entropy",
    "variance",
    "mean",
    "eigenvalue",
    "eigenvalues",
    "eigenvector",
    "eigenvectors",
    "antiderivative",
    "layer",
    "disease",
    "counting",
    "bits",
    "nats",
    "logistic",
    "hyperbolic",
    "convolution",
    "unchanged",
    "shape",
    "stride",
]
ENGLISH_PHRASES = ["put in", "take out", "random variable", "forward pass", "backward pass", "one minus"]
ENGLISH = [rf"\b{phrase}\b" for phrase in ENGLISH_WORDS + ENGLISH_PHRASES]


def english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if re.search(phrase, text, flags=re.IGNORECASE)]


def family_messages():
    """The catalogue's messages that come from the families only (a msgid the engine uses too is the engine's)."""
    with catalogue_path("de").open("rb") as po:
        catalogue = read_po(po, locale="de")
    for message in catalogue:
        files = {location for location, _ in message.locations}
        if message.id and files and all(f.startswith(FAMILY_SOURCES) and f != ENGINE_TEMPLATE for f in files):
            yield message


def test_every_family_message_has_a_german_translation():
    """Every message of a family template or module has German text (not fuzzy) with the same placeholders."""
    problems = translation_problems(family_messages())
    assert not problems, "\n".join(problems)


def test_every_family_template_speaks_through_the_catalogue():
    """Each family template has messages in the catalogue, and no message of words is its English msgid copied."""
    messages = list(family_messages())
    templates = {f"templates/problems/{name}.tex.j2" for name in families()} - {ENGINE_TEMPLATE}
    translated = {location for m in messages for location, _ in m.locations if location in templates}
    assert translated == templates
    prose = [m for m in messages if not isinstance(m.id, tuple) and re.search(r"[a-z]{4} [a-z]{3}", m.id)]
    assert len(prose) > 200 and sum(m.string == m.id for m in prose) == 0


def _values(option) -> list:
    if isinstance(option, IntOption):
        return list(range(option.low, option.high + 1))
    if isinstance(option, ChoiceOption):
        return list(option.choices)
    assert isinstance(option, BoolOption)
    return [False, True]


def _words(latex: str) -> str:
    """The words a reader sees outside the maths: prose, step reasons and ``\\text`` in formulas (not subscripts)."""
    reasons = re.findall(r"\\mbox\{((?:[^{}]|\{[^{}]*\})*)\}|\\raggedright ((?:[^{}]|\{[^{}]*\})*)\}", latex)
    texts = re.findall(r"(?<!_\{)\\text\{([^{}$]*)\}", latex)
    latex = re.sub(r"\\begin\{(align\*|tabular|picture)\}.*?\\end\{\1\}", " ", latex, flags=re.DOTALL)
    pieces = [latex, *(a or b for a, b in reasons), *texts]
    text = " ".join(re.sub(r"\\\[.*?\\\]|\$[^$]*\$", " ", piece, flags=re.DOTALL) for piece in pieces)
    return re.sub(r"\\[a-zA-Z]+", " ", text)


@pytest.mark.parametrize("name", sorted(families()))
def test_every_option_of_every_family_renders_without_english(name):
    """Every option combination, two seeds each: statement and solution in German leave no English word
    outside the maths, and the tables' headers and the reasons of worked steps are German too."""
    family = families()[name]
    german = environment(language="de")
    options = family.options
    for combination in itertools.product(*(_values(option) for option in options)):
        try:
            chosen = family.resolve_options(dict(zip((option.name for option in options), combination)))
        except OptionError:  # a combination the family refuses (conflicts)
            continue
        for seed in (0, 1):
            statement, solution = render_part(german, family, variant_for_seed(family, chosen, seed))
            left = english_in(_words(statement + "\n" + solution))
            assert not left, (name, chosen, seed, left)


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


PARTS = {
    "activation-derivative": [{"count": 3}],
    "backprop": [{"activation": "sigmoid", "loss": "cross-entropy"}],
    "bayes-rule": [{"story": "test", "result": "negative"}, {"story": "spam", "result": "positive"}],
    "conv-shapes": [{"layers": 3, "square": False, "dilation": True}],
    "cross-entropy-kl": [{"unit": "bits"}],
    "definite-integral": [{"method": "parts"}, {"method": "substitution"}],
    "derivative": [{"count": 2, "level": 2}],
    "differential-entropy": [{"distribution": "exponential", "mode": "symbolic"}, {"distribution": "gaussian"}],
    "divergence": [{"n": 3, "count": 2, "solenoidal": True}],
    "eigen": [{"n": 3, "normalised": True}],
    "entropy": [{"count": 2}],
    "form-gradient": [{"kind": "affine"}, {"kind": "quadratic-symmetric", "mode": "symbolic"}],
    "gradient": [{"kind": "mixed", "count": 2}],
    "hessian": [{}],
    "jacobian": [{"m": 3}],
    "matrix-shapes": [{}],
    "mle": [{"model": "gaussian"}, {"model": "bernoulli"}],
    "normal-transform": [{"mode": "standardise"}],
    "product-variance": [{"mode": "general-symbolic"}, {"mode": "numeric"}],
    "quadratic-form": [{"direction": "sum-to-matrix"}],
    "quadratic-polynomial": [{"direction": "matrix-to-sum"}],
    "recap": [{"topic": "information-theory"}],
    "softmax-jacobian": [{"mode": "both"}],
    "tangent-line": [{"level": 2}],
    "unit-vector-proof": [{}],
}


def every_family_sheet() -> str:
    """A sheet with one exercise per family (some families twice, to reach their other branches); no English
    title, so that every word of the build is the catalogue's."""
    lines = ['title = "Alle Aufgabentypen"', 'course = "Mathematik"']
    for name, variants in PARTS.items():
        lines.append("[[exercise]]")
        for options in variants:
            written = ", ".join(
                f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}"
                for key, value in options.items()
            )
            points = "" if name == "recap" else "points = 1\n"
            lines.append(f'[[exercise.part]]\nfamily = "{name}"\n{points}options = {{ {written} }}'.replace("'", '"'))
    return "\n".join(lines) + "\n"


def test_the_sheet_has_every_family():
    assert set(PARTS) == set(families())


@pytest.fixture(scope="module")
def german_sheet(tmp_path_factory):
    sheets = tmp_path_factory.mktemp("sheets")
    (sheets / "every-family.toml").write_text(every_family_sheet(), encoding="utf-8")
    (target,) = build_sheets(
        ["every-family"], Draw(3), tmp_path_factory.mktemp("de"), Project(sheet_dir=sheets, language="de")
    )
    return target


@pytest.mark.parametrize("kind", ["exercise", "solution"])
def test_a_german_sheet_of_every_family_reads_as_german(german_sheet, kind):
    text = pdftotext(german_sheet / f"every-family-{kind}.pdf")
    assert not english_in(text), english_in(text)
    assert "Berechnen Sie" in text and "Bestimmen Sie" in text
    if kind == "solution":
        assert "Kettenregel" in text and "Wir " in text
