"""German activation-derivative statements name the activation as German does: 'der als SiLU bekannten
Aktivierungsfunktion', not 'der Aktivierungsfunktion (SiLU)' (TA read, dl-exercise-sheet-1 DE 6632 3(a))."""

import dataclasses

import pytest
import sympy

from generator.pipeline.generate import canonical_variant
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment
from problems.activation_derivative import FAMILY, Params, function

OPTIONS = FAMILY.resolve_options({})


def german_statement(name, scale):
    draw = (name, sympy.sympify(scale), sympy.Integer(0))
    params = Params((name,), (draw[1],), (draw[2],), (function(*draw),))
    variant = canonical_variant(FAMILY, OPTIONS, "dl-sheet1-3a")
    variant = dataclasses.replace(variant, params=params, answer=FAMILY.solve(params))
    statement, _ = render_part(environment(language="de"), FAMILY, variant)
    return " ".join(statement.split())


@pytest.mark.parametrize(
    ("name", "scale", "named"),
    [
        ("swish", 1, "der als SiLU bekannten Aktivierungsfunktion"),
        ("sigmoid", 1, "der als logistische Sigmoidfunktion bekannten Aktivierungsfunktion"),
        ("tanh", 1, "der als Tangens hyperbolicus bekannten Aktivierungsfunktion"),
        ("softplus", 1, "der als Softplus bekannten Aktivierungsfunktion"),
        ("log-sigmoid", 1, "der als Log-Sigmoid bekannten Aktivierungsfunktion"),
        ("softplus", 2, "Berechnen Sie die Ableitung der Softplus-Funktion"),
        ("swish", 2, "Berechnen Sie die Ableitung der Swish-Funktion"),
    ],
)
def test_a_named_activation_reads_as_german_names_it(name, scale, named):
    statement = german_statement(name, scale)
    assert named in statement and "Aktivierungsfunktion (" not in statement
